"""The alerts on the real engine: a Celery worker on Redis sends an alert through SMTP, once.

Everything runs as production runs it, in other processes: the data on an SQLite file of the
test's own (a copy of one that ``make migrate`` migrated, ``migrated_sqlite``), ``manage.py
send_alerts`` queueing on Redis (twice, as a retried schedule would), one ``celery worker``
taking the queue, and an SMTP server (aiosmtpd) receiving what it sends. Redis is the one of
TEST_REDIS_URL, under a key prefix of the test's own, and only those keys are deleted
afterwards. Without Redis the test is skipped on a developer's machine and fails in CI (CI=true).
"""

import email
import email.policy
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import uuid

import pytest

from tests.conftest import IN_CI, PROJECT_DIR

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/11")

SETUP = """
import datetime
from django.utils import timezone
from alerts.models import Subscriber, Subscription
from findings.models import Judgement, Paragraph, ParagraphPart, ProgressLevel
from findings.publishing import public_data_changed
from recommendations.models import Establishment, Inspection, Inspectorate, Recommendation

now = timezone.now()
belmarsh = Establishment.objects.create(name="HMP Belmarsh", slug="belmarsh")
hmi = Inspectorate.objects.get(slug="hmi-prisons")
inspection = Inspection.objects.create(
    establishment=belmarsh, kind="full", slug="inspection-2021", status="published",
    visit_start=datetime.date(2021, 8, 2), published_on=datetime.date(2021, 10, 1), published_at=now,
)
review = Inspection.objects.create(
    establishment=belmarsh, kind="irp", slug="irp-2022", status="published", follows_up=inspection,
    visit_start=datetime.date(2022, 3, 7), published_on=timezone.localdate(), published_at=now,
)
recommendation = Recommendation.objects.create(
    inspection=inspection, inspectorate=hmi, area="Use of force", text="Review every use of force.",
    reference="1.39",
)
judgement = Judgement.objects.create(
    review=review, recommendation=recommendation,
    level=ProgressLevel.objects.get(inspectorate=hmi, slug="reasonable-progress"),
)
Paragraph.objects.create(inspection=review, number="3.1", part=ParagraphPart.EVIDENCE, judgement=judgement,
                         text="Evidence.")
public_data_changed(reviews=[review])
subscriber = Subscriber.objects.create(email="family@example.org")
confirmed = now - datetime.timedelta(days=1)
Subscription.objects.create(subscriber=subscriber, topic="establishment", establishment=belmarsh,
                            frequency="immediately", confirmed_at=confirmed, news_since=confirmed)
"""


def redis_client():
    import redis

    return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)


def needs(condition, message):
    if not condition:
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# The SMTP sink runs in a process of its own, outside the project's folder: aiosmtpd needs the
# package ``public`` (atpublic), which the project's own ``public`` app would hide.
SINK = """
import pathlib, sys
from aiosmtpd.controller import Controller

folder = pathlib.Path(sys.argv[2])

class Keep:
    async def handle_DATA(self, server, session, envelope):
        count = len(list(folder.glob("*.eml")))
        (folder / f"{count:03d}.to").write_text(" ".join(envelope.rcpt_tos))
        (folder / f"{count:03d}.eml").write_bytes(envelope.content)
        return "250 Message accepted for delivery"

controller = Controller(Keep(), hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
print("ready", flush=True)
sys.stdin.read()
controller.stop()
"""


@pytest.fixture
def smtp_sink(tmp_path):
    """(port, folder): an aiosmtpd server that writes each message it receives to the folder."""
    folder = tmp_path / "sink"
    folder.mkdir()
    (tmp_path / "sink.py").write_text(SINK)
    port = free_port()
    sink = subprocess.Popen(
        [sys.executable, "sink.py", str(port), str(folder)],
        cwd=tmp_path,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    ready = sink.stdout.readline()
    if "ready" not in ready:
        sink.kill()
        output = ready + sink.stdout.read()
        needs("No module named 'aiosmtpd'" not in output, "aiosmtpd is not installed (make install-test)")
        pytest.fail(f"The SMTP sink did not start: {output}")
    yield port, folder
    sink.stdin.close()
    sink.wait(timeout=10)


@pytest.fixture
def redis_prefix():
    try:
        up = redis_client().ping()
    except Exception:  # noqa: BLE001 - any failure to reach it means it is not there
        up = False
    needs(up, f"Redis is not running at {REDIS_URL} (apt-get install redis-server)")
    prefix = f"test-alerts-{uuid.uuid4().hex[:12]}:"
    yield prefix
    client = redis_client()
    for key in client.scan_iter(match=f"{prefix}*"):
        client.delete(key)


def run(args, env, timeout=180):
    result = subprocess.run(
        [sys.executable, *args], cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_a_worker_on_redis_sends_one_alert_once(tmp_path, smtp_sink, redis_prefix, migrated_sqlite):
    port, sink = smtp_sink
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_")) and k != "DATABASE_URL"}
    env = {
        **clean,
        "DJANGO_SETTINGS_MODULE": "belmarsh_irp.settings",
        "DJANGO_SECRET_KEY": "worker-test-key-" + "x" * 40,
        "DJANGO_HTTPS": "0",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'worker.sqlite3'}",
        "REDIS_URL": REDIS_URL,
        "CELERY_KEY_PREFIX": redis_prefix,
        "DJANGO_CACHE_KEY_PREFIX": redis_prefix + "cache",
        "DJANGO_EMAIL_HOST": "127.0.0.1",
        "DJANGO_EMAIL_PORT": str(port),
        "DJANGO_EMAIL_USE_TLS": "0",
        "DJANGO_SITE_URL": "https://tracker.example.org",
        "DJANGO_DEFAULT_FROM_EMAIL": "alerts@tracker.example.org",
    }
    shutil.copyfile(migrated_sqlite, tmp_path / "worker.sqlite3")
    run(["manage.py", "shell", "-c", SETUP], env)
    # Queued twice before any worker runs, as a schedule retried or run from two places would.
    for _ in range(2):
        output = run(["manage.py", "send_alerts", "--frequency", "immediately"], env)
        assert output == "Immediately: 1 subscriber checked; their emails are queued for the workers.\n"
    assert list(sink.glob("*.eml")) == []  # queued on Redis, not sent inline

    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "belmarsh_irp", "worker", "--pool=solo", "--loglevel=INFO",
         "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=PROJECT_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    # The worker's log is read as it comes: the test waits until both tasks have finished (the
    # second must have sent nothing), not a fixed time.
    lines = []
    reader = threading.Thread(target=lambda: lines.extend(worker.stdout), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and worker.poll() is None:
            if sum("succeeded" in line for line in list(lines)) >= 2:
                break
            time.sleep(0.1)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        reader.join(timeout=30)
    output = "".join(lines)
    received = sorted(sink.glob("*.eml"))
    assert len(received) == 1, output
    assert output.count("succeeded") == 2, output  # send_alerts_to twice: one sent 1, the other 0
    content = received[0].read_bytes()
    assert (sink / "000.to").read_text() == "family@example.org"
    message = email.message_from_bytes(content, policy=email.policy.default)
    # The review, and the full inspection published with it.
    assert message["Subject"] == "Published: 2 new reviews and inspections"
    assert message["List-Unsubscribe"].strip().startswith("<https://tracker.example.org/alerts/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = message.get_body(("plain",)).get_content()
    assert "Use of force (1.39): Reasonable progress" not in text  # an establishment's alert: in brief
    assert "HMI Prisons: 1 reasonable progress" in text and "1 recommendation made" in text
    assert "https://tracker.example.org/establishments/belmarsh/irp-2022/" in text
    assert "https://tracker.example.org/establishments/belmarsh/inspection-2021/" in text  # its own page
    assert "<h1" in message.get_body(("html",)).get_content()
    if os.environ.get("ALERTS_SINK_DUMP"):
        (PROJECT_DIR / "var").mkdir(exist_ok=True)
        (PROJECT_DIR / "var" / "alert-as-received.eml").write_bytes(content)
