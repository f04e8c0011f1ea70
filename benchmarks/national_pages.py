"""Every public and leaders' page at national size, against the framework's ceiling.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker_national \\
        .venv/bin/python benchmarks/national_pages.py [--reuse] [--duration 10]

1. Builds the national database named by DATABASE_URL (PostgreSQL; dropped and made again)
   with ``manage.py build_national_data`` (150 establishments, 14 years: about 100,000
   recommendations), unless ``--reuse`` finds it already built.
2. Collects the static files into a temporary folder and serves the project with gunicorn
   (5 sync workers, DEBUG off, persistent connections) on 127.0.0.1, with a plain "Hello,
   world" view in the same processes (``benchmarks/national``).
3. For each page prints: its SQL queries, the median (p50) and 95th percentile (p95) of one
   client's requests one after another, and ``wrk -t2 -c16`` throughput with its ratio to
   hello's in the same run; once with the page cache off (``uncached``), once on (``cached``:
   Redis when REDIS_URL is set, else the file cache of the embedded default).
4. Prints *first requests* separately: searches for words never searched before in the run
   (common words, phrases, rare words, and deep pages of them), list filters and deep pages
   never asked for before, recommendation pages never opened before, and the list and home page
   just after the public data changed. Each is one request of one client with the page cache
   off, so nothing the run did before serves it: p50, p95 and the slowest of the series.
   The run starts by retiring every value cached under the public version (as a publication
   does), so an earlier run's cached layouts are not read either. Before the series, each
   worker serves each kind of page once (``warm_up``: templates compiled, as on a running site),
   none of them a measured page and none leaving a layout a measured request reads.

Every load loop is bounded in count and time and sends requests only to 127.0.0.1.
"""

import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

PROJECT_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SINGLE_CLIENT_REQUESTS = 40
SINGLE_CLIENT_SECONDS = 20
SECRET = "benchmark-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"


def server_env(extra=None):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "benchmarks.national.settings",
        "DJANGO_SECRET_KEY": SECRET,
        "DJANGO_DEBUG": "0",
        "DJANGO_HTTPS": "0",
        "PYTHONPATH": str(PROJECT_DIR),
    }
    env.update(extra or {})
    return env


def manage(*args, env=None):
    subprocess.run([PYTHON, "manage.py", *args], cwd=PROJECT_DIR, env=env or server_env(), check=True)


def build(database_url, establishments, years, env):
    import psycopg

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    manage("migrate", "-v0", env=env)
    started = time.monotonic()
    manage("build_national_data", "--establishments", str(establishments), "--years", str(years), env=env)
    return time.monotonic() - started


def prepare(env):
    """The pages to measure (from the data), and a signed-in leader's session cookie."""
    script = """
import django, json
django.setup()
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db.models import Count
from common import public_cache
from recommendations.models import Action, Establishment, Inspection, Recommendation
from recommendations.roles import Role, grant_role

# Nothing an earlier run computed (a list's layout for a word, the filters' options) is read.
public_cache.changed()

establishment = Establishment.objects.annotate(n=Count("inspections")).order_by("-n", "pk").first()
review = Inspection.objects.published().reviews().filter(establishment=establishment).order_by("-published_on").first()
judged = Recommendation.objects.filter(judgements__review=review).order_by("pk").first()
full = Inspection.objects.published().filter(establishment=establishment, kind="full").order_by("-published_on").first()
action = Action.objects.filter(recommendation__inspection__establishment=establishment).order_by("pk").first()
user = grant_role("bench.leader", Role.LEADER, establishments=[establishment])[0]
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
slug = establishment.slug
print(json.dumps({
    "public": [
        ["home", "/"],
        ["establishments", "/establishments/"],
        ["establishment (%d inspections)" % establishment.n, f"/establishments/{slug}/"],
        ["review", f"/establishments/{slug}/{review.slug}/"],
        ["full inspection", f"/establishments/{slug}/{full.slug}/"],
        ["list", "/recommendations/"],
        ["list ?judgement", "/recommendations/?judgement=no-meaningful-progress"],
        ["search, repeated ?q=violence", "/recommendations/?q=violence"],
        ["search, repeated phrase", "/recommendations/?q=%22body-worn+cameras%22"],
        ["list ?page=3000", "/recommendations/?page=3000"],
        ["list sorted by judgement", "/recommendations/?sort=judgement&page=2000"],
        ["recommendation", f"/recommendations/{judged.pk}/"],
        ["comparison", "/compare/"],
        ["comparison: one area", "/compare/areas/use-of-force/"],
    ],
    "leaders": [
        ["leaders: dashboard", f"/leaders/{slug}/"],
        ["leaders: actions", f"/leaders/{slug}/actions/"],
        ["leaders: overdue", f"/leaders/{slug}/actions/?problem=overdue"],
        ["leaders: recommendation", f"/leaders/{slug}/recommendations/{judged.pk}/"],
        ["leaders: action", f"/leaders/{slug}/actions/{action.pk}/"],
    ],
    "cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}",
    "establishments": list(Establishment.objects.order_by("pk").values_list("slug", flat=True)[:70]),
    "years": sorted({year for year in Inspection.objects.filter(kind="full").values_list("year", flat=True)}),
    "recommendations": list(
        Recommendation.objects.filter(judgements__public_from__isnull=False)
        .order_by("?").values_list("pk", flat=True)[:50]
    ),
}))
"""
    import json

    output = subprocess.run([PYTHON, "-c", script], cwd=PROJECT_DIR, env=env, check=True, capture_output=True)
    return json.loads(output.stdout)


# Words of inspection reports, each searched once in a run: the common ones match tens of
# thousands of paragraphs in build_national_data's text, as in real reports.
COMMON_WORDS = [
    "violence",
    "safeguarding",
    "induction",
    "resettlement",
    "force",
    "self-harm",
    "cell",
    "drugs",
    "education",
    "segregation",
    "complaints",
    "medicines",
    "staff",
    "prisoners",
    "wings",
    "improved",
]
PHRASES = [
    '"body-worn cameras"',
    '"use of force"',
    '"time out of cell"',
    '"illicit drugs"',
    '"new arrivals"',
    '"mental health support"',
    '"key work sessions"',
    '"accommodation on release"',
]
RARE_WORDS = ["drones", "vaping", "veterans", "interpreting", "Samaritans", "Traveller", "kitchen", "chaplaincy"]
DEEP_SEARCHES = ["oversight", "shortages", "equality", "families", "monitored", "consistent", "remand", "reading"]


def first_requests(plan):
    """Series of requests, each for something never asked for before in the run."""
    from urllib.parse import urlencode

    search = [("search, first time: common words", [f"/recommendations/?{urlencode({'q': w})}" for w in COMMON_WORDS])]
    search.append(("search, first time: phrases", [f"/recommendations/?{urlencode({'q': w})}" for w in PHRASES]))
    search.append(("search, first time: rare words", [f"/recommendations/?{urlencode({'q': w})}" for w in RARE_WORDS]))
    search.append(
        (
            "search, first time: page 200",
            [f"/recommendations/?{urlencode({'q': w, 'page': 200})}" for w in DEEP_SEARCHES],
        )
    )
    slugs = plan["establishments"]
    lists = [
        ("list, first time: ?establishment", [f"/recommendations/?establishment={slug}" for slug in slugs[:10]]),
        (
            "list, first time: ?establishment, last page",
            [f"/recommendations/?establishment={slug}&page=999" for slug in slugs[10:20]],
        ),
        ("list, first time: ?year, page 100", [f"/recommendations/?year={year}&page=100" for year in plan["years"]]),
        (
            "list, first time: ?establishment sorted",
            [f"/recommendations/?establishment={slug}&sort=judgement" for slug in slugs[20:30]],
        ),
        ("establishment page, first time", [f"/establishments/{slug}/" for slug in slugs[30:50]]),
        ("recommendation, first time", [f"/recommendations/{pk}/" for pk in plan["recommendations"][:40]]),
    ]
    return search, lists


def warm_up(server, plan):
    """What every worker of a running site has done already: served each kind of page once, so
    its templates are compiled and its modules imported. None of these pages is measured, and
    no search layout they leave is one a measured request reads (the word is in no report).

    Each page is asked for by as many clients at once as there are workers (``warm``):
    one client asking again and again is mostly answered by the same worker, which left the
    others cold, and their first page (its templates compiled, modules imported, a database
    connection opened) was then measured as an outlier of the first series."""
    urls = ["/recommendations/?q=zzwarmupzz", "/"]
    urls += [f"/establishments/{slug}/" for slug in plan["establishments"][60:62]]
    urls += [f"/recommendations/{pk}/" for pk in plan["recommendations"][40:42]]
    for url in urls:
        for _ in range(2):
            warm(server.url(url))


def retire(env):
    """What a publication does to the cache: every cached page and layout retired."""
    subprocess.run(
        [
            PYTHON,
            "-c",
            "import django; django.setup(); from common import public_cache; public_cache.changed()",
        ],
        cwd=PROJECT_DIR,
        env=env,
        check=True,
    )


def timed(url):
    started = time.perf_counter()
    get(url)
    return time.perf_counter() - started


def series_row(name, times):
    times = sorted(times)
    p95 = times[max(0, round(0.95 * len(times)) - 1)]
    return name, len(times), statistics.median(times), p95, times[-1]


def measure_first(env, plan, after_change=6):
    """The first-request series, one client, page cache off; then the list and the home page
    each just after the public data changed (``after_change`` times)."""
    server = Server({**env, "DJANGO_PUBLIC_PAGE_CACHE": "0"})
    rows = []
    try:
        warm_up(server, plan)
        search, lists = first_requests(plan)
        for name, urls in [*search, *lists]:
            row = series_row(name, [timed(server.url(url)) for url in urls])
            rows.append(row)
            print(
                f"  first    {row[0]:45} n={row[1]:3}  p50 {row[2] * 1000:6.1f} ms  p95 {row[3] * 1000:6.1f} ms"
                f"  max {row[4] * 1000:6.1f} ms",
                flush=True,
            )
        changed = {"list, first after a change": [], "home, first after a change": []}
        for _ in range(after_change):
            retire(env)
            changed["list, first after a change"].append(timed(server.url("/recommendations/")))
            changed["home, first after a change"].append(timed(server.url("/")))
        for name, times in changed.items():
            row = series_row(name, times)
            rows.append(row)
            print(
                f"  first    {row[0]:45} n={row[1]:3}  p50 {row[2] * 1000:6.1f} ms  p95 {row[3] * 1000:6.1f} ms"
                f"  max {row[4] * 1000:6.1f} ms",
                flush=True,
            )
    finally:
        server.stop()
    return rows


def count_queries(env, urls, cookie):
    """Each page's SQL queries, through the test client with the page cache off."""
    script = """
import django, json, sys
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, setup_test_environment
setup_test_environment()
from django.conf import settings
settings.ALLOWED_HOSTS = ["testserver"]
urls, cookie = json.loads(sys.argv[1]), sys.argv[2]
name, value = cookie.split("=", 1)
counts = {}
for url in urls:
    client = Client()
    if url.startswith("/leaders/"):
        client.cookies[name] = value
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    counts[url] = len(queries)
print(json.dumps(counts))
"""
    import json

    output = subprocess.run(
        [PYTHON, "-c", script, json.dumps(urls), cookie],
        cwd=PROJECT_DIR,
        env={**env, "DJANGO_PUBLIC_PAGE_CACHE": "0"},
        check=True,
        capture_output=True,
    )
    return json.loads(output.stdout)


WORKERS = 5  # gunicorn's sync workers


def free_port():
    """``BENCH_PORT`` when set (on a shared machine, the port you were given), else any free one."""
    if os.environ.get("BENCH_PORT"):
        return int(os.environ["BENCH_PORT"])
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, env):
        self.port = free_port()
        self.process = subprocess.Popen(
            [
                str(Path(PYTHON).parent / "gunicorn"),
                "belmarsh_irp.wsgi:application",
                "--workers",
                str(WORKERS),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
                "--timeout",
                "60",
            ],
            cwd=PROJECT_DIR,
            env=env,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url("/hello/"), timeout=2).read()
                return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise SystemExit("gunicorn did not start within 60 s")

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


def get(url, cookie=None):
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()
        return response.status


def warm(url, cookie=None):
    """The page asked for by as many clients at once as there are workers, twice, so that every
    worker has served it once (templates compiled) and the caches are filled; one client's
    requests go mostly to one worker and leave the others cold."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(WORKERS) as clients:
        for _ in range(2):
            list(clients.map(lambda _: get(url, cookie), range(WORKERS)))


def single_client(url, cookie=None):
    """p50 and p95 of one client's requests one after another (bounded in count and time)."""
    warm(url, cookie)
    times = []
    deadline = time.monotonic() + SINGLE_CLIENT_SECONDS
    while len(times) < SINGLE_CLIENT_REQUESTS and time.monotonic() < deadline:
        started = time.perf_counter()
        get(url, cookie)
        times.append(time.perf_counter() - started)
    times.sort()
    return statistics.median(times), times[max(0, round(0.95 * len(times)) - 1)]


def first_byte(url):
    """Seconds to the first byte and to the last of a download, and its size."""
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as response:
        response.read(1)
        first = time.perf_counter() - started
        size = 1 + len(response.read())
    return first, time.perf_counter() - started, size


def wrk(url, duration, cookie=None):
    command = ["wrk", "-t2", "-c16", f"-d{duration}s", "--timeout", "10s"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, timeout=duration + 60, check=True).stdout
    match = re.search(r"Requests/sec:\s+([\d.]+)", output)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    # Let the server drain what wrk left queued before the next measurement.
    time.sleep(2)
    return float(match.group(1)) if match else 0.0, int(errors.group(1)) if errors else 0


def measure(env, pages, cookie, duration, label):
    server = Server(env)
    rows = []
    try:
        # The machine may be shared: hello is measured again just before each page, and each
        # page's ratio is to that neighbouring hello.
        hello_rates = []
        for name, path in pages:
            who = cookie if path.startswith("/leaders/") else None
            hello, _ = wrk(server.url("/hello/"), max(3, duration // 2))
            hello_rates.append(hello)
            p50, p95 = single_client(server.url(path), who)
            rate, errors = wrk(server.url(path), duration, who)
            rows.append((name, path, p50, p95, rate, errors, hello))
            print(
                f"  {label:8} {name:30} p50 {p50 * 1000:6.1f} ms  p95 {p95 * 1000:6.1f} ms  {rate:8.1f} req/s"
                f"  (hello {hello:.0f})",
                flush=True,
            )
        try:
            csv = first_byte(server.url("/recommendations.csv"))
        except OSError as error:  # e.g. a worker's timeout on an overloaded machine
            print(f"  the CSV download failed: {error!r}", flush=True)
            csv = (0.0, 0.0, 0)
    finally:
        server.stop()
    hello = statistics.median(hello_rates)
    rows.insert(0, ("hello", "/hello/", 0.0, 0.0, hello, 0, hello))
    return rows, csv


def ratio(rate, hello):
    """A page's throughput over its neighbouring hello's ("–" when hello got no answer: the
    server was still busy with the page before)."""
    return f"{rate / hello:.2f}" if hello else "–"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reuse", action="store_true", help="Use the database if it is already built.")
    parser.add_argument("--establishments", type=int, default=150)
    parser.add_argument("--years", type=int, default=14)
    parser.add_argument("--duration", type=int, default=10, help="Seconds of wrk per page (10).")
    parser.add_argument("--first-only", action="store_true", help="Only the first-request series.")
    parser.add_argument("--cached-only", action="store_true", help="Only the public pages, page cache on.")
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database this benchmark may drop and build.")
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk")

    static_root = tempfile.mkdtemp(prefix="bench-static-")
    cache_dir = tempfile.mkdtemp(prefix="bench-cache-")
    env = server_env({"BENCH_STATIC_ROOT": static_root, "DJANGO_CACHE_DIR": cache_dir})
    try:
        built = None
        if (
            not args.reuse
            or subprocess.run(
                [
                    PYTHON,
                    "-c",
                    "import django; django.setup(); from recommendations.models import Recommendation; "
                    "raise SystemExit(0 if Recommendation.objects.count() > 50000 else 1)",
                ],
                cwd=PROJECT_DIR,
                env=env,
                capture_output=True,
            ).returncode
        ):
            built = build(database_url, args.establishments, args.years, env)
        manage("collectstatic", "--noinput", "-v0", env=env)
        plan = prepare(env)
        pages = plan["public"] + plan["leaders"]
        queries = count_queries(env, [path for _, path in pages], plan["cookie"])
        sizes = subprocess.run(
            [
                PYTHON,
                "-c",
                "import django; django.setup(); from recommendations.models import *; "
                "from findings.models import *; print(Establishment.objects.count(), Inspection.objects.count(), "
                "Recommendation.objects.count(), Judgement.objects.count(), Paragraph.objects.count())",
            ],
            cwd=PROJECT_DIR,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()

        if args.cached_only:
            print("== cached (page cache on)", flush=True)
            rows, _ = measure(
                {**env, "DJANGO_PUBLIC_PAGE_CACHE": "1"}, plan["public"], plan["cookie"], args.duration, "cached"
            )
            print("| page | cached p50 | p95 | req/s | vs hello |")
            print("|---|---|---|---|---|")
            for name, path, p50, p95, rate, _, hello in rows:
                times = f"{p50 * 1000:.1f} ms | {p95 * 1000:.1f} ms"
                print(f"| {name} `{path}` | {times} | {rate:,.0f} | {ratio(rate, hello)} |")
            return
        print("== first requests (page cache off; nothing asked for before in the run)", flush=True)
        first = measure_first(env, plan)
        if args.first_only:
            for name, n, p50, p95, slowest in first:
                print(f"| {name} | {n} | {p50 * 1000:.1f} ms | {p95 * 1000:.1f} ms | {slowest * 1000:.1f} ms |")
            return
        print("== uncached (page cache off)", flush=True)
        uncached = measure({**env, "DJANGO_PUBLIC_PAGE_CACHE": "0"}, pages, plan["cookie"], args.duration, "uncached")
        backend = "Redis" if os.environ.get("REDIS_URL") else "file cache"
        print(f"== cached ({backend})", flush=True)
        cached = measure(
            {**env, "DJANGO_PUBLIC_PAGE_CACHE": "1"}, plan["public"], plan["cookie"], args.duration, "cached"
        )
    finally:
        shutil.rmtree(static_root, ignore_errors=True)
        shutil.rmtree(cache_dir, ignore_errors=True)

    print()
    print(
        f"Data: {int(sizes[0]):,} establishments, {int(sizes[1]):,} inspections, {int(sizes[2]):,} recommendations, "
        f"{int(sizes[3]):,} judgements, {int(sizes[4]):,} paragraphs"
        + (f"; built by build_national_data in {built:.0f} s" if built else "")
        + "."
    )
    print(f"Server: gunicorn, {WORKERS} sync workers, DEBUG off; wrk -t2 -c16 -d{args.duration}s; cache: {backend}.")
    print()
    print("Each ratio is to hello measured just before the page; hello's row gives the median of those.")
    print()
    print("| page | queries | uncached p50 | p95 | req/s | vs hello | cached p50 | p95 | req/s | vs hello |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    cached_rows = {row[1]: row for row in cached[0]}
    for name, path, p50, p95, rate, errors, hello in uncached[0]:
        hit = cached_rows.get(path)
        q = "–" if path == "/hello/" else str(queries.get(path, "?"))
        uncached_cells = (
            f"{p50 * 1000:.1f} ms | {p95 * 1000:.1f} ms | {rate:,.0f} | {ratio(rate, hello)}"
            if path != "/hello/"
            else f"– | – | {rate:,.0f} | 1"
        )
        if errors:
            uncached_cells += f" ({errors} errors)"
        if hit is None:
            cached_cells = "– | – | – | – (signed in: never cached)"
        elif path == "/hello/":
            cached_cells = f"– | – | {hit[4]:,.0f} | 1"
        else:
            cached_cells = f"{hit[2] * 1000:.1f} ms | {hit[3] * 1000:.1f} ms | {hit[4]:,.0f} | {ratio(hit[4], hit[6])}"
        print(f"| {name} `{path}` | {q} | {uncached_cells} | {cached_cells} |")
    print()
    print("First requests: each URL asked for once in the run (never before), one client, page cache off.")
    print()
    print("| series | requests | p50 | p95 | slowest |")
    print("|---|---|---|---|---|")
    for name, n, p50, p95, slowest in first:
        print(f"| {name} | {n} | {p50 * 1000:.1f} ms | {p95 * 1000:.1f} ms | {slowest * 1000:.1f} ms |")
    first, total, size = uncached[1]
    print()
    print(
        f"`/recommendations.csv` (streamed, {size / 1e6:.1f} MB): "
        f"first byte {first * 1000:.0f} ms, whole file {total:.1f} s."
    )


if __name__ == "__main__":
    main()
