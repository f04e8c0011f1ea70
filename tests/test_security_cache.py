"""Issue 21, findings 6, 7 and 14: a page cache nobody can fill, that cannot fail the site.

- Query parameters a page does not read (``utm_source`` and the like) are not in its cache key
  (finding 6).
- With the cache unreachable (Redis stopped), every page is built from the database, the API
  answers, changes are saved, and the warning is logged once a minute, not per request
  (finding 7).
- ``Last-Modified`` moves with the day as well as with the data, and a disallowed ``Host`` is a
  400 before the cache is read; static files carry no CORS header (finding 14).
"""

import datetime
import logging
import shutil
import socket
import subprocess
import time
import uuid

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date

from common import public_cache
from findings.publishing import change_publication_date
from recommendations.models import Inspection
from tests.conftest import IN_CI


@pytest.fixture
def public_cache_on(settings):
    settings.PUBLIC_PAGE_CACHE = True


def page_keys():
    """The page entries in the test's local-memory cache."""
    return [key for key in cache._cache if "public:page:" in key]


# --- Finding 6: unused parameters ---------------------------------------------------------------


def test_tracking_parameters_make_no_new_cache_entry(client, public_cache_on, make_review, belmarsh):
    review = make_review(belmarsh, [("hmi-prisons", "good-progress")])
    url = review.get_absolute_url()
    first = client.get(url)
    assert len(page_keys()) == 1
    for n in range(50):
        response = client.get(f"{url}?utm_source={n}&fbclid=x{n}")
        assert response.status_code == 200
        assert response["ETag"] == first["ETag"]  # the same page, from the cache
    assert len(page_keys()) == 1


def test_a_page_first_asked_for_with_an_unused_parameter_is_not_stored(client, public_cache_on, make_review, belmarsh):
    make_review(belmarsh, [("hmi-prisons", "good-progress")])
    for n in range(20):
        assert client.get(reverse("public:home") + f"?utm_campaign={n}").status_code == 200
    assert page_keys() == []


def test_the_list_keeps_its_filters_in_the_key_and_drops_the_rest(
    client, public_cache_on, make_review, belmarsh, django_assert_num_queries
):
    make_review(belmarsh, [("hmi-prisons", "good-progress"), ("hmi-prisons", "no-meaningful-progress")])
    url = reverse("public:recommendation-list")
    good = client.get(url + "?judgement=good-progress")
    everything = client.get(url)
    assert good.content != everything.content
    assert len(page_keys()) == 2
    with django_assert_num_queries(0):
        tracked = client.get(url + "?utm_source=mail&judgement=good-progress")
    assert tracked.content == good.content and b"utm_source" not in tracked.content
    assert len(page_keys()) == 2


# --- Finding 7: the cache unreachable -----------------------------------------------------------


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def redis_at(port):
    return {
        "default": {
            "BACKEND": "common.redis_cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


@pytest.fixture
def own_redis(settings):
    """A redis-server of the test's own, on a free port, that the test may stop (never the
    shared one). In CI a missing redis-server fails the test."""
    binary = shutil.which("redis-server")
    if binary is None:
        if IN_CI:
            pytest.fail("redis-server is not installed (apt-get install redis-server)")
        pytest.skip("redis-server is not installed")
    port = free_port()
    command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            break
        except OSError:
            time.sleep(0.05)
    settings.CACHES = redis_at(port)
    settings.PUBLIC_PAGE_CACHE = True
    public_cache._state.update(warned_at=None, pending_change=False)
    yield process
    process.kill()
    process.wait()
    public_cache._state.update(warned_at=None, pending_change=False)


def test_with_redis_stopped_every_page_comes_from_the_database(client, own_redis, make_review, belmarsh, caplog):
    review = make_review(belmarsh, [("hmi-prisons", "good-progress")])
    urls = [
        reverse("public:home"),
        reverse("public:establishment-list"),
        belmarsh.get_absolute_url(),
        review.get_absolute_url(),
        reverse("public:recommendation-list") + "?judgement=good-progress",
        reverse("public:reviews-feed"),
        "/api/v1/establishments/",
    ]
    for url in urls:
        assert client.get(url).status_code == 200, url  # cached while Redis runs
    own_redis.terminate()
    own_redis.wait()
    with caplog.at_level(logging.WARNING, logger="common.public_cache"):
        for _ in range(3):
            for url in urls:
                response = client.get(url)
                assert response.status_code == 200, url
        assert "HMP Belmarsh" in client.get(review.get_absolute_url()).content.decode()
    warnings = [r for r in caplog.records if "cache is unreachable" in r.getMessage()]
    assert len(warnings) == 1  # once a minute, not once a request


@pytest.fixture
def queue_on_own_redis(own_redis, settings):
    """Celery sending to the test's own Redis (as production, where the broker and the cache
    are the same Redis), not running tasks inline as the embedded default does."""
    from belmarsh_irp.celery import app

    def new_connections(**conf):
        app.conf.update(conf)
        app._after_fork()  # as in a new worker process: the next send connects with this configuration

    before = {key: app.conf[key] for key in ("task_always_eager", "broker_url")}
    new_connections(task_always_eager=False, broker_url=settings.CACHES["default"]["LOCATION"])
    yield own_redis
    new_connections(**before)


def test_with_redis_stopped_a_form_that_sends_e_mail_says_so_and_password_resets_still_go(
    queue_on_own_redis, make_review, belmarsh, mailoutbox, django_user_model
):
    """Following by e-mail needs the queue: a 503 that says what happened, never a 500. A password
    reset is sent in the request: it goes, its limit counted in the process while Redis is away."""
    from django.test import Client

    make_review(belmarsh, [("hmi-prisons", "good-progress")])
    django_user_model.objects.create_user("sam.smith", email="sam@example.org", password="x-long-password-1")
    queue_on_own_redis.terminate()
    queue_on_own_redis.wait()
    browser = Client(raise_request_exception=False)
    follow = reverse("alerts:follow-establishment", args=[belmarsh.slug])
    response = browser.post(follow, {"email": "reader@example.org", "frequency": "daily"})
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "sends emails and runs long imports cannot be reached" in page
    assert "Nothing was sent or imported" in page
    assert mailoutbox == []

    for _ in range(6):  # the limit is five resets an hour for one address
        response = browser.post(reverse("password_reset"), {"email": "sam@example.org"})
        assert response.status_code == 302
    assert len(mailoutbox) == 5  # the sixth throttled, counted in this process
    assert "password" in mailoutbox[0].subject.lower()


def test_every_key_the_site_writes_expires_but_the_tiny_version(client, own_redis, make_review, belmarsh, settings):
    """So one Redis can hold the cache and Celery's queues with ``volatile-lru`` (docs/security.md):
    pages, feeds, the API's answers and its rate limit all carry an expiry, and are evicted under
    memory pressure; Celery's queues (no expiry) and the version (a few bytes) never are."""
    import redis

    review = make_review(belmarsh, [("hmi-prisons", "good-progress")])
    for url in (
        reverse("public:home"),
        review.get_absolute_url(),
        reverse("public:recommendation-list") + "?judgement=good-progress",
        reverse("public:reviews-feed"),
        "/api/v1/establishments/",
    ):
        assert client.get(url).status_code == 200, url
    server = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
    keys = {key.decode(): server.ttl(key) for key in server.scan_iter()}
    assert len(keys) > 3, keys
    forever = [key for key, ttl in keys.items() if ttl < 0]
    assert forever == [key for key in keys if key.endswith(":public:version")], keys


def test_a_change_made_while_redis_is_stopped_is_saved_and_shown(
    client, own_redis, make_review, belmarsh, hmi_inspector
):
    review = make_review(belmarsh, [("hmi-prisons", "good-progress")])
    assert client.get(review.get_absolute_url()).status_code == 200
    own_redis.terminate()
    own_redis.wait()
    later = timezone.localdate() + datetime.timedelta(days=30)
    change_publication_date(review, hmi_inspector, later, "Embargo agreed with the Ministry.")
    review.refresh_from_db()
    assert review.published_on == later
    assert client.get(review.get_absolute_url()).status_code == 404  # embargoed, from the database
    assert public_cache._state["pending_change"]


def test_the_warning_is_repeated_after_a_minute(caplog, monkeypatch):
    public_cache._state.update(warned_at=None)
    clock = [1000.0]
    monkeypatch.setattr(public_cache.time, "monotonic", lambda: clock[0])
    with caplog.at_level(logging.WARNING, logger="common.public_cache"):
        for seconds in (0, 10, 59, 61, 100, 122):
            clock[0] = 1000.0 + seconds
            public_cache.cache_unreachable(ConnectionError("refused"))
    assert len([r for r in caplog.records if "unreachable" in r.getMessage()]) == 3  # at 0, 61, 122
    public_cache._state.update(warned_at=None)


# --- Finding 14: Last-Modified, Host, CORS on static files --------------------------------------


def test_last_modified_moves_with_the_day_so_an_embargo_lifting_is_not_a_304(
    client, public_cache_on, settings, make_review, belmarsh
):
    """The public data last changed the day before an embargo lifts; the next day, a request
    with only If-Modified-Since gets the page with the review in it, not 304."""
    today = timezone.localdate()
    yesterday = today - datetime.timedelta(days=1)
    review = make_review(belmarsh, [("hmi-prisons", "good-progress")], published_on=today)
    Inspection.objects.filter(pk=review.follows_up_id).update(published_on=today)
    noon = timezone.make_aware(datetime.datetime.combine(yesterday, datetime.time(12)))
    cache.set(public_cache.VERSION_KEY, f"{uuid.uuid4().hex}:{int(noon.timestamp())}", None)
    url = reverse("public:establishment-list")
    settings.TRACKER_TODAY = yesterday
    before = client.get(url)
    assert before["Last-Modified"] == http_date(noon.timestamp())
    assert "HMP Belmarsh" not in before.content.decode()
    settings.TRACKER_TODAY = today
    after = client.get(url, headers={"if-modified-since": before["Last-Modified"]})
    assert after.status_code == 200 and "HMP Belmarsh" in after.content.decode()
    midnight = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    assert after["Last-Modified"] == http_date(midnight.timestamp())


def test_a_disallowed_host_is_a_400_even_for_a_cached_page(client, public_cache_on, make_review, belmarsh):
    make_review(belmarsh, [("hmi-prisons", "good-progress")])
    url = reverse("public:home")
    assert client.get(url).status_code == 200
    assert page_keys()
    assert client.get(url, headers={"host": "evil.example"}).status_code == 400


def test_static_files_carry_no_cors_header_and_the_api_does(client, db):
    static = client.get("/static/favicon.svg")
    assert static.status_code == 200
    assert "Access-Control-Allow-Origin" not in static
    assert client.get("/api/v1/establishments/")["Access-Control-Allow-Origin"] == "*"
