"""Finding 5 (issue 21): feeds escape exactly once. Markup typed into every field that reaches a
feed (a leader's response reason, action, owner, dropped reason, progress note; the area of a
recommendation; an establishment's name and a level's label) comes out of a feed reader — parsed
with feedparser, its sanitiser off, as a naive reader would show it — as text, never as a tag."""

import html
from html.parser import HTMLParser

import feedparser
import pytest
from django.urls import reverse

from findings.models import ProgressLevel
from recommendations import actions as domain
from recommendations.models import Establishment, Recommendation

MARKUP = '<script>alert(1)</script><img src=x onerror="alert(2)"><b>bold</b>'


class Tags(HTMLParser):
    """The start tags an HTML reader would build from a string."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append(tag)


def live_tags(html):
    parser = Tags()
    parser.feed(html)
    parser.close()
    return parser.found


def read(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return feedparser.parse(response.content, sanitize_html=False)


def assert_no_live_tag(feed):
    assert feed.entries, "the feed has no entry to check"
    for entry in feed.entries:
        for name in ("title", "summary"):
            detail = entry.get(f"{name}_detail")
            if detail is None:
                continue
            if detail.type == "text/html":
                assert live_tags(detail.value) == [], f"{name} of {entry.id} holds live tags: {detail.value!r}"
            else:
                # Plain text: shown as written; the markup is characters, not HTML.
                assert detail.type == "text/plain", detail.type
    return feed


@pytest.fixture
def hostile(make_review, belmarsh, belmarsh_leader):
    review = make_review(belmarsh, [("hmi-prisons", "reasonable-progress")])
    Establishment.objects.filter(pk=belmarsh.pk).update(name=f"HMP Belmarsh {MARKUP}")
    ProgressLevel.objects.filter(inspectorate__slug="hmi-prisons", slug="reasonable-progress").update(
        label=f"Reasonable progress {MARKUP}"
    )
    Recommendation.objects.filter(inspection=review.follows_up).update(area=f"Use of force {MARKUP}")
    recommendation = Recommendation.objects.get(inspection=review.follows_up)
    domain.publish_action_plan(review.follows_up, by=belmarsh_leader, knowingly=True)
    action = domain.add_action(
        recommendation, description=f"Train staff {MARKUP}", owner=f"Governor {MARKUP}", by=belmarsh_leader
    )
    domain.add_progress_note(action, f"Half done {MARKUP}", by=belmarsh_leader)
    domain.record_response(recommendation, decision="not_accepted", reason=f"No money {MARKUP}", by=belmarsh_leader)
    domain.drop_action(action, f"Not needed {MARKUP}", by=belmarsh_leader)
    return review


def test_the_action_plan_feed_shows_leaders_markup_as_text(client, hostile):
    feed = assert_no_live_tag(
        read(client, reverse("public:establishment-action-plan-feed", kwargs={"slug": "belmarsh"}))
    )
    summaries = " ".join(entry.summary for entry in feed.entries)
    # The summary's HTML, shown by the reader, reads as the characters the leader typed.
    shown = html.unescape(summaries)
    for typed in ("No money ", "Governor ", "Half done ", "Not needed ", "Use of force "):
        assert typed + MARKUP in shown
    assert any("Train staff <script>" in entry.title for entry in feed.entries)  # a title is plain text


@pytest.mark.parametrize(
    "url",
    [
        reverse("public:reviews-feed"),
        reverse("public:establishment-reviews-feed", kwargs={"slug": "belmarsh"}),
    ],
)
def test_the_review_feeds_show_names_and_labels_as_text(client, hostile, url):
    feed = assert_no_live_tag(read(client, url))
    assert "<script>" in feed.entries[0].title
    assert "reasonable progress <script>" in html.unescape(feed.entries[0].summary)


def test_the_area_feed_shows_the_areas_name_and_the_levels_as_text(client, hostile):
    from public.dictionary import area_slug

    slug = area_slug(f"Use of force {MARKUP}")
    feed = assert_no_live_tag(read(client, reverse("public:area-feed", kwargs={"slug": slug})))
    assert "use of force <script>" in feed.entries[0].title
    assert "Reasonable progress <script>" in html.unescape(feed.entries[0].summary)
    assert "<script>" in feed.feed.title  # the feed's own title, plain text too
