"""Paragraph 1.2 promises a figure: the review page shows the establishment's healthy prison
assessments at its earlier full inspections, and says plainly where they are not known."""

import datetime

import pytest

from findings.models import Paragraph, ParagraphPart
from recommendations.models import (
    HealthyPrisonScore,
    HealthyPrisonTest,
    Inspection,
    InspectionKind,
    PublicationStatus,
)

PROMISE = "At our previous inspections, we made the following judgements about outcomes for prisoners."


@pytest.fixture
def review(make_review, belmarsh):
    review = make_review(belmarsh, [("hmi-prisons", "good-progress")])
    Paragraph.objects.create(inspection=review, number="1.2", part=ParagraphPart.SUMMARY, text=PROMISE)
    Paragraph.objects.create(inspection=review, number="1.3", part=ParagraphPart.SUMMARY, text="Later text.")
    return review


def figure(client, review):
    html = client.get(review.get_absolute_url()).content.decode()
    start = html.index('<figure class="app-figure"')
    return html, html[start : html.index("</figure>", start)]


def test_known_scores_are_shown_and_unknown_ones_said_plainly(client, review):
    HealthyPrisonScore.objects.create(inspection=review.follows_up, test=HealthyPrisonTest.SAFETY, score=2)
    HealthyPrisonScore.objects.create(inspection=review.follows_up, test=HealthyPrisonTest.RESPECT, score=3)
    html, shown = figure(client, review)
    assert "HMP Belmarsh: healthy prison outcomes at earlier inspections" in shown
    assert "Full inspection 2021</th>" in shown
    assert "2: Outcomes for prisoners are not sufficiently good" in shown
    assert "3: Outcomes for prisoners are reasonably good" in shown
    assert shown.count("Not known") == 2 + 1  # purposeful activity, rehabilitation; and the key below
    # The figure follows the paragraph that promises it.
    assert html.index(PROMISE) < html.index('<figure class="app-figure"') < html.index("Later text.")


def test_without_scores_the_page_says_they_are_not_known(client, review):
    _, shown = figure(client, review)
    assert "<table" not in shown
    assert "The healthy prison assessments of the full inspection of 2021 are not known to this service yet" in shown


def test_a_welsh_translation_places_the_inspections_where_its_sentence_needs_them(client, review, offer_welsh):
    """The sentence is one msgid with the inspections as a placeholder: a translator can put them
    anywhere, and translates how each is named."""
    offer_welsh(
        {
            "The healthy prison assessments of %(inspections)s are not known to this service yet: no inspector "
            "has entered them.": "Nid yw’r gwasanaeth hwn yn gwybod eto beth oedd asesiadau carchar iach "
            "%(inspections)s: nid oes arolygydd wedi’u cofnodi.",
            "the %(kind)s of %(year)s": "%(kind)s %(year)s",
            "Full inspection": "Arolygiad llawn",
        }
    )
    html = client.get(review.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="cy").content.decode()
    assert (
        "Nid yw’r gwasanaeth hwn yn gwybod eto beth oedd asesiadau carchar iach arolygiad llawn 2021: "
        "nid oes arolygydd wedi’u cofnodi." in html
    )


def test_without_an_earlier_inspection_the_page_says_so(client, make_review, wandsworth):
    review = make_review(wandsworth, [("hmi-prisons", "good-progress")])
    Inspection.objects.filter(pk=review.follows_up_id).update(kind=InspectionKind.IRP, slug="irp-2021")
    review.follows_up.refresh_from_db()
    _, shown = figure(client, review)
    assert "This service holds no earlier full inspection of HMP Wandsworth" in shown


def test_a_draft_inspection_and_a_later_one_are_not_in_the_public_figure(client, review, belmarsh):
    """Only published full inspections before the review: a draft's scores never show publicly."""
    draft = Inspection.objects.create(
        establishment=belmarsh,
        kind=InspectionKind.FULL,
        slug="inspection-2018",
        visit_start=datetime.date(2018, 2, 1),
        status=PublicationStatus.DRAFT,
    )
    HealthyPrisonScore.objects.create(inspection=draft, test=HealthyPrisonTest.SAFETY, score=1)
    later = Inspection.objects.create(
        establishment=belmarsh,
        kind=InspectionKind.FULL,
        slug="inspection-2024",
        visit_start=datetime.date(2024, 2, 1),
        published_on=datetime.date(2024, 5, 1),
        status=PublicationStatus.PUBLISHED,
    )
    HealthyPrisonScore.objects.create(inspection=later, test=HealthyPrisonTest.SAFETY, score=4)
    _, shown = figure(client, review)
    assert "2018" not in shown and "2024" not in shown and "Outcomes for prisoners are" not in shown
