"""Anonymous public pages come from the cache, and the cache never serves a stale or a secret
page: every change to what the public sees retires it, in every process sharing it."""

import datetime
import os
import subprocess
import sys
import uuid

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from common import public_cache
from findings.publishing import publish_review, unpublish_review
from recommendations import actions
from recommendations.models import ActionPlan, Establishment, Inspection, PublicationStatus, Recommendation
from tests.adminforms import form_data
from tests.conftest import IN_CI, PROJECT_DIR, SEED_REPORT

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/11")


def file_cache(path):
    return {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(path)}}


def redis_cache(prefix):
    return {
        "default": {
            "BACKEND": "common.redis_cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }


def redis_is_up():
    import redis

    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        return False


@pytest.fixture(params=["file", "redis"])
def shared_cache(request, settings, tmp_path):
    """The page cache on, shared the way worker processes share it: a file cache (the embedded
    default) or Redis (production; in CI a missing Redis fails the test, never skips it)."""
    if request.param == "redis":
        if not redis_is_up():
            message = f"Redis is not running at {REDIS_URL} (apt-get install redis-server)"
            if IN_CI:
                pytest.fail(message)
            pytest.skip(message)
        settings.CACHES = redis_cache(f"test-{uuid.uuid4().hex}")
    else:
        settings.CACHES = file_cache(tmp_path / "cache")
    settings.PUBLIC_PAGE_CACHE = True
    return settings.CACHES


@pytest.fixture
def public_cache_on(settings):
    settings.PUBLIC_PAGE_CACHE = True


def text(response):
    return response.content.decode()


def served_from_cache(client, url, django_assert_num_queries):
    """The page, asserting that no query ran to make it."""
    with django_assert_num_queries(0):
        response = client.get(url)
    assert response.status_code == 200
    return response


# --- Served from the cache, with validators ------------------------------------------------------


def test_an_anonymous_page_is_served_from_the_cache_with_etag_and_last_modified(
    client, public_cache_on, make_review, belmarsh, django_assert_num_queries
):
    """The second visit to a page runs no query and carries the same ETag and Last-Modified."""
    review = make_review(belmarsh, [("hmi-prisons", "good-progress")])
    first = client.get(review.get_absolute_url())
    second = served_from_cache(client, review.get_absolute_url(), django_assert_num_queries)
    assert text(first) == text(second)
    assert first["ETag"] == second["ETag"] and first["Last-Modified"] == second["Last-Modified"]
    assert "no-cache" in second["Cache-Control"] and "Cookie" in second["Vary"]


def test_a_conditional_request_for_an_unchanged_page_gets_304(client, public_cache_on, make_review, belmarsh):
    """If-None-Match and If-Modified-Since with the page's validators get 304 and no body."""
    url = reverse("public:recommendation-list")
    make_review(belmarsh, [("hmi-prisons", "good-progress")])
    page = client.get(url)
    by_etag = client.get(url, headers={"if-none-match": page["ETag"]})
    by_date = client.get(url, headers={"if-modified-since": page["Last-Modified"]})
    assert by_etag.status_code == 304 and by_etag.content == b""
    assert by_date.status_code == 304
    assert client.get(url, headers={"if-none-match": '"something-else"'}).status_code == 200


def test_a_conditional_request_after_a_change_gets_the_new_page(client, public_cache_on, make_review, belmarsh):
    """Once the public data changes, the old ETag no longer matches: the new page comes back."""
    url = reverse("public:establishment-list")
    make_review(belmarsh, [("hmi-prisons", "good-progress")])
    old = client.get(url)
    wandsworth = Establishment.objects.create(name="HMP Wandsworth", slug="wandsworth")
    make_review(wandsworth, [("hmi-prisons", "good-progress")])
    response = client.get(url, headers={"if-none-match": old["ETag"]})
    assert response.status_code == 200 and "HMP Wandsworth" in text(response)


def test_a_new_release_never_serves_the_pages_cached_by_the_one_before(
    client, public_cache_on, make_review, belmarsh, settings, django_assert_num_queries
):
    """After a deployment the page is made again with the new templates and stylesheet names,
    though no data changed; the release's own pages are then served from the cache."""
    url = reverse("public:establishment", kwargs={"slug": "belmarsh"})
    make_review(belmarsh, [("hmi-prisons", "good-progress")])
    settings.RELEASE = "commit-1"
    client.get(url)
    served_from_cache(client, url, django_assert_num_queries)
    settings.RELEASE = "commit-2"
    with CaptureQueriesContext(connection) as queries:
        made_again = client.get(url)
    assert made_again.status_code == 200 and "HMP Belmarsh" in text(made_again)
    assert len(queries) > 0, "the page cached by the release before was served"
    served_from_cache(client, url, django_assert_num_queries)


def test_the_release_is_what_the_project_holds_unless_named(settings, tmp_path):
    """Unnamed, the release is a digest of the files that make a page: another template is
    another release, a test or a benchmark is not."""
    (tmp_path / "templates").mkdir()
    (tmp_path / "tests").mkdir()
    (tmp_path / "templates" / "page.html").write_text("<p>One</p>")
    settings.RELEASE, settings.BASE_DIR = "", tmp_path
    public_cache._files_digest.cache_clear()
    try:
        first = public_cache.release()
        (tmp_path / "tests" / "test_page.py").write_text("assert True")
        public_cache._files_digest.cache_clear()
        assert public_cache.release() == first
        (tmp_path / "templates" / "page.html").write_text("<p>Two</p>")
        public_cache._files_digest.cache_clear()
        assert public_cache.release() != first
    finally:
        public_cache._files_digest.cache_clear()
    settings.RELEASE = "abc"
    assert public_cache.release() != first


# --- Never secret -------------------------------------------------------------------------------


def test_signed_in_people_are_never_served_nor_stored(
    client, public_cache_on, make_review, belmarsh, belmarsh_leader, django_assert_num_queries
):
    """A signed-in person gets their own page (with "Sign out"), which no anonymous visitor sees."""
    url = reverse("public:home")
    make_review(belmarsh, [("hmi-prisons", "good-progress")])
    leader = Client()
    leader.force_login(belmarsh_leader)
    assert "Sign out" in text(leader.get(url))  # rendered for them, and not stored
    anonymous = client.get(url)
    assert "Sign out" not in text(anonymous)
    served_from_cache(client, url, django_assert_num_queries)
    assert "Sign out" in text(leader.get(url))  # never the anonymous copy
    assert "ETag" not in leader.get(url)


def test_the_preview_of_a_draft_is_never_cached(client, public_cache_on, make_review, belmarsh, hmi_inspector):
    """A draft shown to an inspector in preview does not reach the public through the cache."""
    draft = make_review(belmarsh, [("hmi-prisons", "good-progress")], status=PublicationStatus.DRAFT)
    inspector = Client()
    inspector.force_login(hmi_inspector)
    assert inspector.get(reverse("public:review-preview", kwargs={"pk": draft.pk})).status_code == 200
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert "Recommendation 1 for HMP Belmarsh." not in text(client.get(reverse("public:recommendation-list")))


def test_a_failed_or_refused_request_is_not_cached(client, public_cache_on, make_review, belmarsh):
    """A 404 or a 400 (bad filter) is answered each time, never stored in place of a page."""
    make_review(belmarsh, [("hmi-prisons", "good-progress")])
    list_url = reverse("public:recommendation-list")
    assert client.get(list_url, {"year": "nonsense"}).status_code == 400
    assert client.get(list_url, {"year": "nonsense"}).status_code == 400
    assert "ETag" not in client.get("/establishments/nowhere/")


# --- Never stale: each change retires the cached pages ------------------------------------------


@pytest.fixture
def draft(make_review, belmarsh):
    return make_review(belmarsh, [("hmi-prisons", "good-progress")], status=PublicationStatus.DRAFT)


def test_publishing_a_review_shows_it_at_once(client, public_cache_on, draft, hmi_inspector):
    """The list cached before the review was published shows it right after."""
    url = reverse("public:establishment-list")
    assert "HMP Belmarsh" not in text(client.get(url))
    publish_review(draft, by=hmi_inspector)
    assert "HMP Belmarsh" in text(client.get(url))


def test_unpublishing_a_review_hides_it_at_once(client, public_cache_on, draft, hmi_inspector):
    """The review's page and its judgements leave the site (the inspection it followed up stays)."""
    review = publish_review(draft, by=hmi_inspector)
    url = review.get_absolute_url()
    judged = {"judgement": "good-progress"}
    assert client.get(url).status_code == 200
    assert "Recommendation 1 for HMP Belmarsh." in text(client.get(reverse("public:recommendation-list"), judged))
    unpublish_review(review, by=hmi_inspector, reason="Published by mistake.")
    assert client.get(url).status_code == 404
    assert "Recommendation 1 for HMP Belmarsh." not in text(client.get(reverse("public:recommendation-list"), judged))


def test_an_import_shows_the_imported_review_at_once(client, public_cache_on, db):
    url = reverse("public:establishment-list")
    assert "HMP Belmarsh" not in text(client.get(url))
    call_command("import_report", str(SEED_REPORT), verbosity=0)
    assert "HMP Belmarsh" in text(client.get(url))


def test_an_admin_edit_of_a_published_recommendation_shows_at_once(
    client, public_cache_on, make_review, belmarsh, hmi_inspector
):
    """An inspector corrects a published recommendation in the admin: its public page follows."""
    review = make_review(belmarsh, [("hmi-prisons", "good-progress")])
    recommendation = Recommendation.objects.get(inspection=review.follows_up)
    url = recommendation.get_absolute_url()
    assert "Recommendation 1 for HMP Belmarsh." in text(client.get(url))
    inspector = Client()
    inspector.force_login(hmi_inspector)
    change = reverse("admin:recommendations_recommendation_change", args=[recommendation.pk])
    data = form_data(inspector.get(change).content.decode(), "recommendation_form")
    data["text"] = "Every use of force should be reviewed within 72 hours."
    assert inspector.post(change, data).status_code == 302
    assert "reviewed within 72 hours" in text(client.get(url))


def test_an_admin_change_of_a_publication_date_embargoes_at_once(
    client, public_cache_on, make_review, belmarsh, hmi_inspector, settings
):
    """Moving a published review's date into the future in the admin hides it, judgements too."""
    review = make_review(belmarsh, [("hmi-prisons", "no-meaningful-progress")])
    list_url = reverse("public:recommendation-list")
    assert "No meaningful progress" in text(client.get(list_url, {"judgement": "no-meaningful-progress"}))
    inspector = Client()
    inspector.force_login(hmi_inspector)
    # The workspace's "Change the publication date" form (the date is not on the change form).
    url = reverse("admin:recommendations_inspection_change_date", args=[review.pk])
    later = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    response = inspector.post(url, {"publication-published_on": later, "publication-reason": "Laid later."})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert client.get(review.get_absolute_url()).status_code == 404
    assert "Recommendation 1 for HMP Belmarsh." not in text(
        client.get(list_url, {"judgement": "no-meaningful-progress"})
    )


def test_a_leaders_change_to_a_published_action_plan_shows_at_once(
    client, public_cache_on, make_review, belmarsh, belmarsh_leader
):
    review = make_review(belmarsh, [("hmi-prisons", "reasonable-progress")])
    recommendation = Recommendation.objects.get(inspection=review.follows_up)
    actions.publish_action_plan(review.follows_up, by=belmarsh_leader, knowingly=True)
    url = recommendation.get_absolute_url()
    assert "Train every officer in de-escalation" not in text(client.get(url))
    actions.add_action(recommendation, description="Train every officer in de-escalation", by=belmarsh_leader)
    assert "Train every officer in de-escalation" in text(client.get(url))
    assert ActionPlan.objects.get(inspection=review.follows_up).is_published


def test_an_embargo_lifts_at_its_date_with_nobody_acting(client, public_cache_on, make_review, belmarsh, settings):
    """A review published with a future date appears on that day, from the same cache."""
    day = datetime.date(2030, 5, 1)
    review = make_review(belmarsh, [("hmi-prisons", "good-progress")], year=2030, published_on=day)
    inspection = review.follows_up
    inspection.published_on = day
    inspection.save()
    list_url = reverse("public:recommendation-list")
    settings.TRACKER_TODAY = day - datetime.timedelta(days=1)
    assert client.get(review.get_absolute_url()).status_code == 404
    assert "Recommendation 1 for HMP Belmarsh." not in text(client.get(list_url))
    assert "HMP Belmarsh" not in text(client.get(reverse("public:home")))
    settings.TRACKER_TODAY = day
    assert client.get(review.get_absolute_url()).status_code == 200
    assert "Recommendation 1 for HMP Belmarsh." in text(client.get(list_url))
    assert "HMP Belmarsh" in text(client.get(reverse("public:home")))


# --- Shared by processes ------------------------------------------------------------------------

BUMP_IN_ANOTHER_PROCESS = """
import django, os
django.setup()
from django.conf import settings
settings.CACHES = {caches!r}
from common import public_cache
public_cache.changed()
"""


def change_recorded_in_another_process(shared_cache):
    """What another worker process does after writing: records the change in the shared cache."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "belmarsh_irp.settings_test", "PYTHONPATH": str(PROJECT_DIR)}
    subprocess.run(
        [sys.executable, "-c", BUMP_IN_ANOTHER_PROCESS.format(caches=shared_cache)],
        cwd=PROJECT_DIR,
        env=env,
        check=True,
        timeout=60,
    )


def test_a_change_made_in_another_process_retires_this_processs_pages(
    client, shared_cache, make_review, belmarsh, django_assert_num_queries
):
    """Two worker processes share one cache: a change recorded by one is seen by the other."""
    review = make_review(belmarsh, [("hmi-prisons", "good-progress")])
    url = reverse("public:establishment-list")
    assert "HMP Wandsworth" not in text(client.get(url))
    served_from_cache(client, url, django_assert_num_queries)
    # Another process writes (here: in this test's transaction) and records the change.
    wandsworth = Establishment.objects.create(name="HMP Wandsworth", slug="wandsworth")
    Inspection.objects.filter(pk=review.follows_up_id).update(establishment=wandsworth)
    Inspection.objects.filter(pk=review.pk).update(establishment=wandsworth)
    change_recorded_in_another_process(shared_cache)
    assert "HMP Wandsworth" in text(client.get(url))


def test_the_version_is_made_once_and_kept(db, shared_cache):
    """Two readers of an empty cache agree on one version; a change makes a new one."""
    first = public_cache.version()
    assert public_cache.version() == first
    public_cache.changed()
    assert public_cache.version() != first


# --- One round trip: the version and the page read together -------------------------------------


@pytest.mark.parametrize("shared_cache", ["redis"], indirect=True)  # the file cache has no round trips
def test_a_cached_page_costs_one_round_trip_to_redis(client, shared_cache, make_review, belmarsh, monkeypatch):
    """Serving a page from Redis sends one command: the version and the page in one MGET."""
    assert shared_cache["default"]["BACKEND"] == "common.redis_cache.RedisCache"
    import redis

    review = make_review(belmarsh, [("hmi-prisons", "good-progress")])
    url = review.get_absolute_url()
    first = client.get(url)
    commands = []
    execute = redis.Redis.execute_command

    def counted(self, *args, **options):
        commands.append(args[0])
        return execute(self, *args, **options)

    monkeypatch.setattr(redis.Redis, "execute_command", counted)
    second = client.get(url)
    assert second.content == first.content and second["ETag"] == first["ETag"]
    assert commands == ["MGET"]


def test_a_page_made_before_a_change_in_another_process_is_never_served_after_it(
    client, shared_cache, make_review, belmarsh, django_assert_num_queries
):
    """The old page stays in the cache under its address, but it carries the version it was made
    under: once another process records a change, it is made again, then served from the cache."""
    make_review(belmarsh, [("hmi-prisons", "good-progress")])
    url = reverse("public:establishment-list")
    assert "HMP Wandsworth" not in text(client.get(url))
    served_from_cache(client, url, django_assert_num_queries)
    old_version = public_cache.version()
    Establishment.objects.filter(slug="belmarsh").update(name="HMP Wandsworth")
    change_recorded_in_another_process(shared_cache)
    assert public_cache.version() != old_version
    assert "HMP Wandsworth" in text(client.get(url))
    assert "HMP Wandsworth" in text(served_from_cache(client, url, django_assert_num_queries))


def test_a_page_made_while_a_change_is_recorded_is_not_served_after_it(
    client, shared_cache, make_review, belmarsh, monkeypatch
):
    """A page is stored with the version read before it was made: when another process records a
    change while the page is being made, the page (perhaps of the old data) is never served after."""
    make_review(belmarsh, [("hmi-prisons", "good-progress")])
    url = reverse("public:establishment-list")
    read = public_cache.version_and_page

    def change_recorded_meanwhile(key):
        result = read(key)
        change_recorded_in_another_process(shared_cache)
        return result

    monkeypatch.setattr(public_cache, "version_and_page", change_recorded_meanwhile)
    assert "HMP Belmarsh" in text(client.get(url))  # made (and stored) under the version before the change
    monkeypatch.setattr(public_cache, "version_and_page", read)
    Establishment.objects.filter(slug="belmarsh").update(name="HMP Wandsworth")  # the change's data
    assert "HMP Wandsworth" in text(client.get(url))
