"""The public pages: what a reader sees on the home page, an establishment, a review and a
recommendation, with 404s in the site's design for what does not exist."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from findings.models import NotablePractice, Paragraph, ParagraphPart, standing
from public.templatetags.public import paragraph_links
from recommendations.models import (
    Action,
    ActionPlan,
    ActionStatus,
    HealthyPrisonScore,
    HealthyPrisonTest,
    ProgressNote,
    PublicationStatus,
    Response,
    ResponseDecision,
    TeamMember,
)

BELMARSH_LIKE = [
    ("hmi-prisons", "good-progress"),
    ("hmi-prisons", "reasonable-progress"),
    ("hmi-prisons", "no-meaningful-progress"),
    ("ofsted", "insufficient-progress"),
]


@pytest.fixture
def review(make_review, belmarsh, hmi_prisons):
    review = make_review(belmarsh, BELMARSH_LIKE)
    review.summary_signed_by = "Charlie Taylor, HM Chief Inspector of Prisons"
    review.save()
    practice = Paragraph.objects.create(
        inspection=review,
        number="2.6",
        part=ParagraphPart.NOTABLE_PRACTICE,
        text="The conflict resolution team interviewed every prisoner on arrival. (See paragraph 3.2.)",
    )
    NotablePractice.objects.create(paragraph=practice, title="Conflict resolution team")
    TeamMember.objects.create(
        inspection=review, name="Hindpal Singh Bhui", role="Team leader", inspectorate=hmi_prisons
    )
    return review


def html(response):
    return response.content.decode()


# --- Home ------------------------------------------------------------------------------------


def test_home_lists_latest_reviews_totals_and_a_search_box(client, review):
    """The home page links to the latest review, counts judgements per level and searches the list."""
    page = html(client.get(reverse("public:home")))
    assert review.get_absolute_url() in page
    assert 'action="/recommendations/"' in page and 'name="q"' in page
    # The totals table: HMI Prisons judged one recommendation at each of three levels.
    assert "HMI Prisons: 3 judgements" in page and "Ofsted: 1 judgement" in page


# --- Establishments --------------------------------------------------------------------------


def test_establishment_page_shows_inspections_scores_and_open_recommendations(client, review):
    """Belmarsh's page lists its inspection and review, its healthy prison scores and what is still open."""
    HealthyPrisonScore.objects.create(inspection=review.follows_up, test=HealthyPrisonTest.SAFETY, score=2)
    page = html(client.get(reverse("public:establishment", kwargs={"slug": "belmarsh"})))
    assert review.get_absolute_url() in page
    assert "Full inspection 2021" in page
    assert "2: Outcomes for prisoners are not sufficiently good" in page
    # Good progress is the top of the HMI Prisons scale: closed. The other three are open.
    assert "Recommendation 1 for" not in page
    for position in (2, 3, 4):
        assert f"Recommendation {position} for HMP Belmarsh." in page


def test_each_page_describes_itself_to_search_engines_and_link_previews(client, review, use_of_force):
    """A shared link or a search result shows a sentence about the page, not the site's alone."""
    pages = {
        reverse("public:home"): "What prison inspectorates recommended",
        reverse("public:establishment", kwargs={"slug": "belmarsh"}): "recommendations inspectors made to HMP Belmarsh",
        use_of_force.get_absolute_url(): "Recommendation 2 for HMP Belmarsh.",
        review.get_absolute_url(): "the progress judged on each recommendation it followed up",
    }
    for url, sentence in pages.items():
        page = html(client.get(url))
        description = page.split('<meta name="description" content="', 1)[1].split('"', 1)[0]
        assert sentence in description, url


def test_establishment_list_links_to_each_establishment(client, review):
    page = html(client.get(reverse("public:establishment-list")))
    assert 'href="/establishments/belmarsh/"' in page


# --- One review ------------------------------------------------------------------------------


def test_review_page_shows_summary_findings_practice_progress_scales_and_team(client, review):
    """The review page reads like the report: summary and signer, key findings, practice, each
    recommendation with its judgement and evidence, the scales' definitions and the team."""
    page = html(client.get(review.get_absolute_url()))
    assert "HMP Belmarsh is a prison." in page and "Charlie Taylor, HM Chief Inspector of Prisons" in page
    assert "Conflict resolution team" in page
    assert '(See <a class="govuk-link" href="#paragraph-3-2">paragraph 3.2</a>.)' in page
    assert 'id="paragraph-3-2"' in page and "Evidence 2 at HMP Belmarsh." in page
    assert "Concern 3 at HMP Belmarsh." in page and "Recommendation 3 for HMP Belmarsh." in page
    assert "Recommendation (1.3)" in page
    assert "Managers had implemented a realistic improvement strategy" in page  # Good progress, defined
    assert "Hindpal Singh Bhui" in page
    assert "Open Government Licence v3.0" in page


def test_review_chart_has_a_table_with_the_same_numbers(client, review):
    """The chart is an image with a text alternative, and a table beside it gives the same counts."""
    page = html(client.get(review.get_absolute_url()))
    assert 'role="img" aria-label="Bar chart of HMI Prisons judgements: No meaningful progress 1, ' in page
    assert "Insufficient progress 0, Reasonable progress 1, Good progress 1" in page
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">1</td>' in page


def test_judgement_tags_say_the_level_in_words_and_follow_the_scale(client, review):
    """Colour follows the rank on the scale, and the label is always written out."""
    page = html(client.get(review.get_absolute_url()))
    assert 'app-judgement--top">Good progress</strong>' in page
    assert 'app-judgement--lowest">No meaningful progress</strong>' in page
    assert 'app-judgement--lowest">Insufficient progress</strong>' in page  # Ofsted's lowest
    assert [standing(rank, 4) for rank in (1, 2, 3, 4)] == ["lowest", "low", "high", "top"]
    assert [standing(rank, 3) for rank in (1, 2, 3)] == ["lowest", "high", "top"]


def test_a_full_inspections_address_shows_the_full_inspection_not_a_review(client, review):
    response = client.get(reverse("public:review", kwargs={"slug": "belmarsh", "review": review.follows_up.slug}))
    assert response.status_code == 200
    page = response.content.decode()
    assert '<h1 class="govuk-heading-xl">Full inspection' in page and "Key findings" not in page


# --- Paragraph links -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("see paragraph 3.5", 'see <a class="govuk-link" href="#paragraph-3-5">paragraph 3.5</a>'),
        ("(See paragraph 3.5.)", '(See <a class="govuk-link" href="#paragraph-3-5">paragraph 3.5</a>.)'),
        ("as paragraph 3.7 says", 'as <a class="govuk-link" href="#paragraph-3-7">paragraph 3.7</a> says'),
        ("a reference (1.39)", "a reference (1.39)"),
    ],
)
def test_paragraph_references_become_links(text, expected):
    assert paragraph_links(text) == expected


def test_paragraph_links_escape_the_text_first():
    """Markup in report text is shown as text; only the links are markup."""
    linked = paragraph_links('<script>alert("x")</script> see paragraph 3.5', "/establishments/a/irp-2022/")
    assert "<script>" not in linked and "&lt;script&gt;" in linked
    assert 'href="/establishments/a/irp-2022/#paragraph-3-5"' in linked


# --- One recommendation ----------------------------------------------------------------------


@pytest.fixture
def use_of_force(review):
    return review.judgements.get(position=2).recommendation


def test_recommendation_page_shows_concern_text_reference_inspection_and_judgements(client, review, use_of_force):
    page = html(client.get(use_of_force.get_absolute_url()))
    assert "Concern 2 at HMP Belmarsh." in page and "Recommendation 2 for HMP Belmarsh." in page
    assert "1.2" in page and "The full inspection of HMP Belmarsh" in page
    assert "Reasonable progress" in page and "Evidence 2 at HMP Belmarsh." in page
    assert f'href="{review.get_absolute_url()}#recommendation-{use_of_force.pk}"' in page


@pytest.fixture
def action_plan(use_of_force, belmarsh_leader):
    plan = ActionPlan.objects.create(inspection=use_of_force.inspection)
    Response.objects.create(recommendation=use_of_force, decision=ResponseDecision.ACCEPTED)
    done = Action.objects.create(
        recommendation=use_of_force, description="Weekly scrutiny meeting", owner="Head of safety"
    )
    ProgressNote.objects.create(action=done, text="First meeting held with the IMB.")
    Action.objects.create(
        recommendation=use_of_force,
        description="Buy more cameras",
        status=ActionStatus.DROPPED,
        dropped_reason="Enough cameras; the problem is their use.",
    )
    return plan


def test_response_and_actions_stay_private_until_the_plan_is_published(client, use_of_force, action_plan):
    """The prison's response and actions show only once its action plan is published, dropped
    actions with their reason."""
    page = html(client.get(use_of_force.get_absolute_url()))
    assert "Weekly scrutiny meeting" not in page and "not published its response" in page

    action_plan.published_at = timezone.now()
    action_plan.save()
    page = html(client.get(use_of_force.get_absolute_url()))
    assert "Accepted" in page and "Weekly scrutiny meeting" in page and "Head of safety" in page
    assert "First meeting held with the IMB." in page
    assert "Dropped because: Enough cameras; the problem is their use." in page


# --- 404s ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/establishments/nowhere/",
        "/establishments/belmarsh/irp-1999/",
        "/establishments/nowhere/irp-2022/",
        "/recommendations/999999/",
        "/preview/reviews/999999/",
    ],
)
def test_unknown_ids_and_slugs_get_the_sites_404(client, review, hmi_inspector, url):
    if url.startswith("/preview/"):
        client.force_login(hmi_inspector)
    response = client.get(url)
    assert response.status_code == 404
    assert "Page not found" in html(response) and "govuk-footer" in html(response)


# --- Preview ---------------------------------------------------------------------------------


@pytest.fixture
def draft(make_review, wandsworth):
    return make_review(wandsworth, [("hmi-prisons", "good-progress")], status=PublicationStatus.DRAFT)


def test_inspector_previews_a_draft_as_the_public_page_will_show_it(client, draft, hmi_inspector):
    client.force_login(hmi_inspector)
    response = client.get(reverse("public:review-preview", kwargs={"pk": draft.pk}))
    assert response.status_code == 200
    page = html(response)
    assert "Preview — not published" in page
    assert "Recommendation 1 for HMP Wandsworth." in page and 'id="paragraph-3-1"' in page


def test_preview_shows_a_recommendation_followed_up_but_not_yet_judged(client, draft, hmi_inspector):
    """A draft may follow a recommendation up before it is judged: the preview says so, no error."""
    judgement = draft.judgements.get()
    judgement.level = None
    judgement.save()
    client.force_login(hmi_inspector)
    response = client.get(reverse("public:review-preview", kwargs={"pk": draft.pk}))
    assert response.status_code == 200
    assert "Recommendation 1 for HMP Wandsworth." in html(response) and "Not yet judged" in html(response)


def test_preview_sends_the_public_to_sign_in_and_refuses_leaders(client, draft, belmarsh_leader):
    url = reverse("public:review-preview", kwargs={"pk": draft.pk})
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    client.force_login(belmarsh_leader)
    response = client.get(url)
    assert response.status_code == 403
    assert "Only inspectors can preview a review." in html(response)


def test_embargoed_review_shows_from_its_publication_date(client, make_review, wandsworth):
    """A review published with a future date stays hidden until that date, then shows."""
    today = timezone.localdate()
    review = make_review(wandsworth, [("hmi-prisons", "good-progress")], published_on=today + datetime.timedelta(1))
    assert client.get(review.get_absolute_url()).status_code == 404
    review.published_on = today
    review.save()
    assert client.get(review.get_absolute_url()).status_code == 200
