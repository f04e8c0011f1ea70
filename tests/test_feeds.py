"""Atom feeds: newly published reviews (nationally and per establishment) and changes to a
published action plan, under the site's publication rules; the pages link to them."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone

from recommendations import actions as domain
from recommendations.models import ActionPlan, Establishment
from tests import api_data

ATOM = "{http://www.w3.org/2005/Atom}"


def entries(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    return [
        (entry.findtext(f"{ATOM}title"), entry.findtext(f"{ATOM}summary") or "") for entry in feed.iter(f"{ATOM}entry")
    ]


@pytest.fixture
def reviews(make_review):
    return api_data.build(make_review)


def test_national_feed_lists_published_reviews_only(client, reviews):
    found = entries(client, reverse("public:reviews-feed"))
    assert [title for title, _ in found] == ["HMP Belmarsh: Independent review of progress 2022"]
    assert "HMI Prisons good progress: 1" in found[0][1] and "Ofsted insufficient progress: 1" in found[0][1]
    feed = ET.fromstring(client.get(reverse("public:reviews-feed")).content)
    assert feed.find(f"{ATOM}entry/{ATOM}author/{ATOM}name").text == "HMI Prisons and Ofsted"


def test_embargoed_review_enters_the_feed_on_its_date(client, reviews, settings):
    settings.TRACKER_TODAY = api_data.tomorrow()
    titles = [title for title, _ in entries(client, reverse("public:reviews-feed"))]
    assert "HMP Pentonville: Independent review of progress 2022" in titles
    assert not any("Wandsworth" in title for title in titles)


def test_establishment_feed(client, reviews):
    url = reverse("public:establishment-reviews-feed", kwargs={"slug": "belmarsh"})
    assert [t for t, _ in entries(client, url)] == ["HMP Belmarsh: Independent review of progress 2022"]
    for hidden in ("wandsworth", "pentonville", "nowhere"):
        assert client.get(reverse("public:establishment-reviews-feed", kwargs={"slug": hidden})).status_code == 404
        assert client.get(reverse("public:establishment-action-plan-feed", kwargs={"slug": hidden})).status_code == 404


def test_pages_link_to_their_feeds(client, reviews):
    home = client.get(reverse("public:home")).content.decode()
    feed = reverse("public:reviews-feed")
    assert f'<link rel="alternate" type="application/atom+xml" title="New reviews of progress" href="{feed}">' in home
    page = client.get(reverse("public:establishment", kwargs={"slug": "belmarsh"})).content.decode()
    assert reverse("public:establishment-reviews-feed", kwargs={"slug": "belmarsh"}) in page
    assert reverse("public:establishment-action-plan-feed", kwargs={"slug": "belmarsh"}) in page
    assert page.count('rel="alternate" type="application/atom+xml"') == 2


def test_action_plan_feed_starts_at_publication(client, reviews, belmarsh_leader):
    """Nothing while the plan is a draft; then its publication, and each change made after it."""
    inspection = reviews[0].follows_up
    recommendation = inspection.recommendations.order_by("position").first()
    url = reverse("public:establishment-action-plan-feed", kwargs={"slug": "belmarsh"})
    action = domain.add_action(recommendation, description="Train every officer", by=belmarsh_leader)
    domain.record_response(recommendation, decision="accepted", by=belmarsh_leader)
    assert entries(client, url) == []
    domain.publish_action_plan(inspection, by=belmarsh_leader, knowingly=True)
    assert [t for t, _ in entries(client, url)] == ["Action plan published for the full inspection of 2021"]
    domain.update_action(
        action,
        description="Train every officer",
        owner="Head of safety",
        target_date=None,
        status="in_progress",
        by=belmarsh_leader,
    )
    domain.add_progress_note(action, "Half the officers trained.", by=belmarsh_leader)
    found = entries(client, url)
    titles = [title for title, _ in found]
    assert "Action updated: Train every officer" in titles
    assert "Progress noted on Area 1 (1.1)" in titles
    assert titles[-1] == "Action plan published for the full inspection of 2021"
    assert "Action added: Train every officer" not in titles  # made while the plan was a draft
    assert "Response to Area 1 (1.1): Accepted" not in titles
    update = next(summary for title, summary in found if title == "Action updated: Train every officer")
    assert "Owner: Head of safety." in update and "Status: In progress." in update


def test_action_plan_of_an_embargoed_inspection_is_not_in_the_feed(client, reviews, belmarsh_leader):
    _, _, embargoed = reviews
    ActionPlan.objects.create(inspection=embargoed.follows_up, published_at=timezone.now() - datetime.timedelta(days=1))
    assert (
        client.get(reverse("public:establishment-action-plan-feed", kwargs={"slug": "pentonville"})).status_code == 404
    )


def grow(make_review, count, start=0):
    for n in range(start, start + count):
        establishment = Establishment.objects.create(name=f"HMP Number {n}", slug=f"number-{n}")
        make_review(establishment, [("hmi-prisons", "good-progress"), ("ofsted", "reasonable-progress")])


@pytest.mark.parametrize(
    ("name", "budget"),
    [("public:reviews-feed", 2)],  # the reviews; their judgements counted per level
)
def test_feed_queries_do_not_grow(client, make_review, django_assert_num_queries, name, budget):
    grow(make_review, 2)
    with django_assert_num_queries(budget):
        client.get(reverse(name))
    grow(make_review, 8, start=2)
    with django_assert_num_queries(budget):
        client.get(reverse(name))


# --- Feeds that readers accept (issue 22) -----------------------------------------------------


def parsed(client, url):
    """The feed as a reader reads it (feedparser, no sanitising); fails if the feed is malformed."""
    import feedparser

    response = client.get(url)
    assert response.status_code == 200
    feed = feedparser.parse(response.content, sanitize_html=False)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def is_iri(value):
    """An absolute IRI: a scheme, then no space or control character (RFC 3987). Atom requires it
    of every id; a bare ``review-2`` is not one."""
    import re

    return bool(re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s\x00-\x1f<>\"{}|\\^`]+", value or ""))


def is_tag_uri(value):
    import re

    return bool(re.fullmatch(r"tag:[a-z0-9.-]+,\d{4}(-\d{2}(-\d{2})?)?:[^\s]+", value))


def every_feed(reviews):
    return [
        reverse("public:reviews-feed"),
        reverse("public:establishment-reviews-feed", kwargs={"slug": "belmarsh"}),
        reverse("public:establishment-action-plan-feed", kwargs={"slug": "belmarsh"}),
        reverse("public:area-feed", kwargs={"slug": "area-1"}),
    ]


def test_every_feed_validates_and_its_ids_are_iris(client, reviews, belmarsh_leader):
    inspection = reviews[0].follows_up
    recommendation = inspection.recommendations.order_by("position").first()
    domain.publish_action_plan(inspection, by=belmarsh_leader, knowingly=True)
    action = domain.add_action(recommendation, description="Train every officer", by=belmarsh_leader)
    domain.add_progress_note(action, "Half the officers trained.", by=belmarsh_leader)
    feed_ids = []
    for url in every_feed(reviews):
        feed = parsed(client, url)
        assert is_iri(feed.feed.id), (url, feed.feed.id)
        feed_ids.append(feed.feed.id)
        assert feed.entries, url
        ids = [entry.id for entry in feed.entries]
        assert len(set(ids)) == len(ids), url
        for entry in feed.entries:
            assert is_iri(entry.id) and is_tag_uri(entry.id), (url, entry.id)
            assert entry.link.startswith("http://testserver/"), entry.link
            assert entry.title and entry.updated
    # Each feed its own id (an establishment's two feeds had the id of its page).
    assert len(set(feed_ids)) == len(feed_ids), feed_ids


def test_a_review_keeps_its_id_whatever_its_title(client, reviews):
    first = parsed(client, reverse("public:reviews-feed")).entries[0].id
    assert first == f"tag:testserver,2026:review-{reviews[0].pk}"
    reviews[0].title = "A new title"
    reviews[0].save()
    assert parsed(client, reverse("public:reviews-feed")).entries[0].id == first


def test_one_entry_per_change(client, reviews, belmarsh_leader):
    """Adding a progress note (which also saves the action) is one entry; marking an action done
    with its note is one entry, not an update and a note."""
    inspection = reviews[0].follows_up
    recommendation = inspection.recommendations.order_by("position").first()
    url = reverse("public:establishment-action-plan-feed", kwargs={"slug": "belmarsh"})
    domain.publish_action_plan(inspection, by=belmarsh_leader, knowingly=True)
    before = len(parsed(client, url).entries)
    action = domain.add_action(recommendation, description="Train every officer", by=belmarsh_leader)
    assert len(parsed(client, url).entries) == before + 1
    domain.add_progress_note(action, "Half the officers trained.", by=belmarsh_leader)
    entries = parsed(client, url).entries
    assert len(entries) == before + 2
    assert entries[0].title == "Progress noted on Area 1 (1.1)"
    action.refresh_from_db()
    domain.mark_done(action, "Every officer trained.", by=belmarsh_leader)
    entries = parsed(client, url).entries
    assert len(entries) == before + 3
    assert entries[0].title == "Action updated: Train every officer"
    assert "Status: Done." in entries[0].summary and "Every officer trained." in entries[0].summary


def test_area_feed_lists_the_area_judgements_of_published_reviews_only(client, reviews):
    feed = parsed(client, reverse("public:area-feed", kwargs={"slug": "area-1"}))
    assert [entry.title for entry in feed.entries] == ["HMP Belmarsh: Independent review of progress 2022: area 1"]
    assert "Wandsworth" not in str(feed) and "Pentonville" not in str(feed)
    assert client.get(reverse("public:area-feed", kwargs={"slug": "nowhere"})).status_code == 404


def test_pages_show_follow_links_with_their_alternates(client, reviews):
    """Home, establishment and area pages link their feeds visibly and in their head."""
    pages = {
        reverse("public:home"): [reverse("public:reviews-feed")],
        reverse("public:establishment", kwargs={"slug": "belmarsh"}): [
            reverse("public:establishment-reviews-feed", kwargs={"slug": "belmarsh"}),
            reverse("public:establishment-action-plan-feed", kwargs={"slug": "belmarsh"}),
        ],
        reverse("public:compare-area", kwargs={"slug": "area-1"}): [
            reverse("public:area-feed", kwargs={"slug": "area-1"})
        ],
    }
    for url, feeds in pages.items():
        page = client.get(url).content.decode()
        # One Follow box holds both ways to follow: the e-mail link first, then the feeds.
        box = re.search(r'<aside class="app-follow[^"]*" aria-labelledby="follow-title">.*?</aside>', page, re.S)
        assert box and page.count('id="follow-title"') == 1, url
        assert re.search(r'id="follow-title">Follow ', box[0]), url
        assert box[0].index("/alerts/follow") < min(box[0].index(f'href="{feed}"') for feed in feeds), url
        assert page.count("/alerts/follow") == 1, url  # no second e-mail link elsewhere
        for feed in feeds:
            assert 'type="application/atom+xml" title="' in page
            assert page.count(f'href="{feed}"') == 2, (url, feed)  # the head's link and the visible one
