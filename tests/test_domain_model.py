"""The domain model refuses what must never exist, and derives what must not be typed twice."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from findings.models import Judgement, Paragraph, ParagraphPart, ProgressLevel, key_findings
from recommendations.models import (
    Action,
    ActionStatus,
    HealthyPrisonScore,
    HealthyPrisonTest,
    Inspection,
    InspectionKind,
    Recommendation,
    RecommendationKind,
    Response,
    ResponseDecision,
)
from tests.conftest import level


def test_scales_are_loaded_in_order_with_definitions(hmi_prisons, ofsted):
    """Each inspectorate has its own ordered scale, lowest first, with the report's definitions."""
    assert list(hmi_prisons.levels.values_list("label", flat=True)) == [
        "No meaningful progress",
        "Insufficient progress",
        "Reasonable progress",
        "Good progress",
    ]
    assert list(ofsted.levels.values_list("label", flat=True)) == [
        "Insufficient progress",
        "Reasonable progress",
        "Significant progress",
    ]
    good = level(hmi_prisons, "good-progress")
    assert good.definition.startswith("Managers had implemented a realistic improvement strategy")


def test_two_judgements_of_one_recommendation_in_one_review_are_refused(make_review, belmarsh):
    """The database refuses a second judgement of the same recommendation in the same review."""
    review = make_review(belmarsh, [("hmi-prisons", "good-progress")])
    judgement = review.judgements.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Judgement.objects.create(review=review, recommendation=judgement.recommendation, level=judgement.level)
    assert review.judgements.count() == 1


def test_two_paragraphs_with_one_number_in_one_inspection_are_refused(make_review, belmarsh):
    """Paragraph numbers are unique within an inspection's report."""
    review = make_review(belmarsh, [("hmi-prisons", "good-progress")])
    with pytest.raises(IntegrityError), transaction.atomic():
        Paragraph.objects.create(inspection=review, number="3.1", part=ParagraphPart.EVIDENCE, text="Again.")
    assert review.paragraphs.filter(number="3.1").count() == 1


@pytest.mark.parametrize("score", [0, 5])
def test_healthy_prison_score_outside_1_to_4_is_refused(make_review, belmarsh, score):
    """A healthy prison score is 1, 2, 3 or 4: anything else is refused by the database."""
    inspection = make_review(belmarsh, []).follows_up
    with pytest.raises(IntegrityError), transaction.atomic():
        HealthyPrisonScore.objects.create(inspection=inspection, test=HealthyPrisonTest.SAFETY, score=score)
    assert not HealthyPrisonScore.objects.exists()


def test_healthy_prison_score_validation_names_the_range(make_review, belmarsh):
    """A person entering a score out of range sees a sentence, not an IntegrityError."""
    inspection = make_review(belmarsh, []).follows_up
    score = HealthyPrisonScore(inspection=inspection, test=HealthyPrisonTest.SAFETY, score=7)
    with pytest.raises(ValidationError) as excinfo:
        score.full_clean()
    assert "score" in excinfo.value.message_dict


def test_ofsted_level_on_hmi_prisons_recommendation_is_refused(make_review, belmarsh, ofsted):
    """A judgement on another inspectorate's scale is refused with a clear message, and not saved."""
    review = make_review(belmarsh, [("hmi-prisons", "good-progress")])
    recommendation = review.judgements.get().recommendation
    judgement = Judgement.objects.get(review=review)
    judgement.level = level(ofsted, "significant-progress")
    with pytest.raises(ValidationError) as excinfo:
        judgement.full_clean()
    assert "is on the Ofsted scale" in excinfo.value.message_dict["level"][0]
    assert "judged by HMI Prisons" in excinfo.value.message_dict["level"][0]
    with pytest.raises(ValidationError):
        judgement.save()
    judgement.refresh_from_db()
    assert judgement.level.slug == "good-progress" and judgement.recommendation == recommendation


def test_hmi_prisons_level_on_ofsted_theme_is_refused(make_review, belmarsh, hmi_prisons):
    """And the reverse: an HMI Prisons level on an Ofsted theme."""
    review = make_review(belmarsh, [("ofsted", "reasonable-progress")])
    judgement = review.judgements.get()
    judgement.level = level(hmi_prisons, "good-progress")
    with pytest.raises(ValidationError, match="is on the HMI Prisons scale"):
        judgement.save()
    assert Judgement.objects.get().level.slug == "reasonable-progress"


def test_key_findings_are_counted_from_judgements(make_review, belmarsh):
    """Key-finding counts are derived: 1 good, 2 reasonable, 1 no meaningful; Ofsted 1 insufficient."""
    review = make_review(
        belmarsh,
        [
            ("hmi-prisons", "good-progress"),
            ("hmi-prisons", "reasonable-progress"),
            ("hmi-prisons", "reasonable-progress"),
            ("hmi-prisons", "no-meaningful-progress"),
            ("ofsted", "insufficient-progress"),
        ],
    )
    findings = {str(inspectorate): {lvl.label: n for lvl, n in counts} for inspectorate, counts in key_findings(review)}
    assert findings == {
        "HMI Prisons": {
            "No meaningful progress": 1,
            "Insufficient progress": 0,
            "Reasonable progress": 2,
            "Good progress": 1,
        },
        "Ofsted": {"Insufficient progress": 1, "Reasonable progress": 0, "Significant progress": 0},
    }
    # Changing a judgement changes the counts: nothing is stored twice.
    judgement = review.judgements.get(level__slug="good-progress")
    judgement.level = level(judgement.recommendation.inspectorate, "insufficient-progress")
    judgement.save()
    findings = dict(key_findings(review))
    hmi = {lvl.label: n for lvl, n in next(v for k, v in findings.items() if k.slug == "hmi-prisons")}
    assert hmi["Good progress"] == 0 and hmi["Insufficient progress"] == 1


def test_key_findings_take_two_queries(make_review, belmarsh, django_assert_num_queries):
    """Counting runs a constant number of queries."""
    review = make_review(belmarsh, [("hmi-prisons", "good-progress"), ("ofsted", "insufficient-progress")])
    # 1: counts per level; 2: the levels of the scales that judged, with their inspectorates.
    with django_assert_num_queries(2):
        key_findings(review)


def test_history_records_who_and_what_before(make_review, belmarsh, hmi_inspector, hmi_prisons):
    """Changes to recommendations, judgements, evidence and actions are kept in history."""
    review = make_review(belmarsh, [("hmi-prisons", "reasonable-progress")])
    judgement = review.judgements.get()
    judgement._history_user = hmi_inspector
    judgement.level = level(hmi_prisons, "good-progress")
    judgement.save()
    records = judgement.history.order_by("history_date")
    assert [r.level.slug for r in records] == ["reasonable-progress", "good-progress"]
    assert records.last().history_user == hmi_inspector
    assert records.last().history_type == "~"

    recommendation = judgement.recommendation
    recommendation.text = "Changed text."
    recommendation.save()
    assert recommendation.history.count() == 2
    assert recommendation.history.earliest("history_date").text.startswith("Recommendation 1")

    paragraph = judgement.evidence.get()
    paragraph.text = "Corrected evidence."
    paragraph.save()
    assert paragraph.history.count() == 2

    action = Action.objects.create(recommendation=recommendation, description="Train staff", owner="Head of safety")
    action.status = ActionStatus.IN_PROGRESS
    action.save()
    assert [h.status for h in action.history.order_by("history_date")] == ["not_started", "in_progress"]


def test_response_other_than_accepted_needs_a_reason(make_review, belmarsh):
    """The prison's response is separate from the judgement, and a refusal carries its reason."""
    recommendation = make_review(belmarsh, [("hmi-prisons", "reasonable-progress")]).judgements.get().recommendation
    response = Response(recommendation=recommendation, decision=ResponseDecision.NOT_ACCEPTED)
    with pytest.raises(ValidationError, match="Give a reason"):
        response.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        response.save()
    Response.objects.create(recommendation=recommendation, decision=ResponseDecision.ACCEPTED)
    # The judgement is untouched by the response.
    assert recommendation.judgements.get().level.slug == "reasonable-progress"


def test_dropped_action_needs_a_reason(make_review, belmarsh):
    """An action is never silently dropped."""
    recommendation = make_review(belmarsh, [("hmi-prisons", "reasonable-progress")]).judgements.get().recommendation
    action = Action.objects.create(recommendation=recommendation, description="Install CCTV")
    action.status = ActionStatus.DROPPED
    with pytest.raises(IntegrityError), transaction.atomic():
        action.save()


def test_only_reviews_follow_up_an_inspection(belmarsh):
    """A full inspection does not follow up another inspection."""
    first = Inspection.objects.create(establishment=belmarsh, kind=InspectionKind.FULL, slug="inspection-2018")
    with pytest.raises(IntegrityError), transaction.atomic():
        Inspection.objects.create(
            establishment=belmarsh, kind=InspectionKind.FULL, slug="inspection-2021", follows_up=first
        )


def test_visit_cannot_end_before_it_starts(belmarsh):
    with pytest.raises(IntegrityError), transaction.atomic():
        Inspection.objects.create(
            establishment=belmarsh,
            kind=InspectionKind.FULL,
            slug="inspection-2021",
            visit_start=datetime.date(2021, 8, 13),
            visit_end=datetime.date(2021, 8, 2),
        )


def test_recommendation_repeats_an_earlier_one(make_review, belmarsh, hmi_prisons):
    """One concern can be followed across inspections through the recommendation it repeats."""
    earlier = (
        make_review(belmarsh, [("hmi-prisons", "no-meaningful-progress")], year=2019).judgements.get().recommendation
    )
    later_inspection = Inspection.objects.create(
        establishment=belmarsh, kind=InspectionKind.FULL, slug="inspection-2023"
    )
    later = Recommendation.objects.create(
        inspection=later_inspection,
        inspectorate=hmi_prisons,
        kind=RecommendationKind.RECOMMENDATION,
        area="Area 1",
        text="Again.",
        reference="1.5",
        repeats=earlier,
        priority=True,
    )
    assert list(earlier.repeated_by.all()) == [later]


def test_unpublished_and_embargoed_reviews_are_not_published(make_review, belmarsh, wandsworth):
    """published() leaves out drafts and reviews whose publication date has not come."""
    visible = make_review(belmarsh, [("hmi-prisons", "good-progress")])
    make_review(wandsworth, [("hmi-prisons", "good-progress")], status="draft")
    embargoed = make_review(
        wandsworth, [("hmi-prisons", "good-progress")], year=2030, published_on=datetime.date(2030, 5, 1)
    )
    today = datetime.date(2026, 11, 25)
    published = set(Inspection.objects.reviews().published(today))
    assert published == {visible}
    assert embargoed in set(Inspection.objects.reviews().published(datetime.date(2030, 5, 1)))


def test_levels_are_unique_per_scale(hmi_prisons):
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgressLevel.objects.create(inspectorate=hmi_prisons, rank=1, label="Another", slug="another", definition="x")


def test_open_recommendations_are_decided_by_the_latest_published_judgement(make_review, belmarsh):
    """A recommendation is open while its latest published judgement is below the top of its scale."""
    from findings.models import open_recommendations, published_recommendations
    from findings.publishing import public_data_changed

    review = make_review(
        belmarsh,
        [("hmi-prisons", "good-progress"), ("hmi-prisons", "reasonable-progress"), ("ofsted", "significant-progress")],
    )
    still_open = open_recommendations(published_recommendations(datetime.date(2026, 1, 1)))
    assert [(r.reference, r.latest_label, r.top_rank) for r in still_open] == [("1.2", "Reasonable progress", 4)]
    review.status = "draft"
    review.save()
    review.follows_up.status = "draft"
    review.follows_up.save()
    public_data_changed(reviews=[review])  # as the admin and publishing do after such a change
    assert not published_recommendations(datetime.date(2026, 1, 1)).exists()
