"""Full inspection reports: both eras read exactly as their truth JSON says, and the import links
a review to the recommendations its full inspection made, whichever is imported first."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from findings.models import Judgement, NotablePractice, Paragraph
from recommendations.models import (
    AuditAction,
    AuditEvent,
    HealthyPrisonScore,
    Inspection,
    InspectionEra,
    PublicationStatus,
    Recommendation,
    RecommendationKind,
    TeamMember,
)
from reports.full_importer import save_full_inspection
from reports.grammars import FULL_INSPECTION, REVIEW, report_type
from reports.grammars.full_inspection import lines_from_text, parse_full_inspection
from reports.importer import EditedSinceImport
from reports.reading import ReportError
from tests.conftest import PROJECT_DIR, SEED_REPORT

DATA = PROJECT_DIR / "tests" / "data"
BELMARSH = PROJECT_DIR / "fixtures" / "reports" / "belmarsh-full-inspection-2021.txt"
EXAMPLETON = DATA / "exampleton-full-inspection-2023.txt"
# Each era's sample report with the truth it must read and store as.
BOTH_ERAS = pytest.mark.parametrize(
    "report, truth",
    [
        (BELMARSH, DATA / "belmarsh-full-inspection-2021.json"),
        (EXAMPLETON, DATA / "exampleton-full-inspection-2023.json"),
    ],
    ids=["before-May-2022", "from-May-2022"],
)
QUOTED = ["1.38", "1.39", "1.40", "1.41", "1.42", "1.43", "1.44", "3.13", "3.60", "6.19"]


def parse(text):
    return parse_full_inspection(lines_from_text(text))


def as_truth(report):
    """The parsed report in the truth JSON's shape."""
    by_section = {}
    for paragraph in report.paragraphs:
        by_section.setdefault(str(paragraph.section), []).append(paragraph.number)
    return {
        "establishment": report.establishment,
        "title": report.title,
        "visit": {
            "start": report.visit_start.isoformat(),
            "end": report.visit_end.isoformat(),
            "as_printed": report.visit_as_printed,
        },
        "published": {"year": report.published_year, "month": report.published_month},
        "prisoners_held": report.prisoners_held,
        "fourth_test_as_printed": report.fourth_test_as_printed,
        "scores": report.scores,
        "score_words": report.score_words,
        "era": report.era,
        "concerns": [
            {
                "number": concern.number,
                "ref": concern.ref or None,
                "section": concern.section,
                "priority": concern.priority,
                "area": concern.area or None,
                "area_note": concern.area_note,
                "area_as_printed": concern.area_as_printed or None,
                "text": concern.text,
                "recommendation": concern.recommendation or None,
            }
            for concern in report.concerns
        ],
        "counts": report.counts,
        "notable_practice": [
            {"title": p.title, "paragraph": p.paragraph, "see": p.see} for p in report.notable_practice
        ],
        "numbered_paragraphs": {
            "count": len(report.paragraphs),
            "by_section": {
                section: {"first": numbers[0], "last": numbers[-1], "count": len(numbers)}
                for section, numbers in by_section.items()
            },
        },
        "areas": {
            str(section): [{"area": a, "note": n, "as_printed": p} for a, n, p in areas]
            for section, areas in report.areas.items()
        },
        "team": {"size": len(report.team), "members": [{"name": m.name, "role": m.role} for m in report.team]},
    }


@BOTH_ERAS
def test_both_eras_read_exactly_as_their_truth_says(report, truth):
    expected = json.loads(truth.read_text(encoding="utf-8"))
    for concern in expected["concerns"]:
        concern.pop("quoted_in_irp_2022", None)
    got = as_truth(parse(report.read_text(encoding="utf-8")))
    for key in got:
        assert got[key] == expected[key], key


def test_the_title_line_names_the_report_type():
    assert report_type(BELMARSH.read_text(encoding="utf-8")) == FULL_INSPECTION
    assert report_type(SEED_REPORT.read_text(encoding="utf-8")) == REVIEW


def belmarsh_text():
    return BELMARSH.read_text(encoding="utf-8")


def refused(text):
    with pytest.raises(ReportError) as caught:
        parse(text)
    return str(caught.value)


def test_a_line_the_grammar_cannot_place_is_refused_with_its_page_and_line():
    text = belmarsh_text().replace(
        "3.2 Reception was clean and well organised.",
        "an orphan sentence that belongs to no paragraph and has a full stop.\n\n"
        "3.2 Reception was clean and well organised.",
    )
    message = refused(text)
    assert message.startswith("Line ") and "(page 13)" in message and "cannot be placed" in message


@pytest.mark.parametrize(
    "change, words",
    [
        (("3.3 Searching was proportionate", "3.4 Searching was proportionate"), "out of order"),
        (
            (
                "Report on an unannounced inspection of HMP Belmarsh  14",
                "Report on an unannounced inspection of HMP Belmarsh  15",
            ),
            "skips a page",
        ),
        (
            (
                "Report on an unannounced inspection of HMP Belmarsh  14",
                "Report on an unannounced inspection of HMP Brixton  14",
            ),
            "HMP Brixton",
        ),
        (("• poor for purposeful activity", "• dreadful for purposeful activity"), "does not give a grade"),
        (("• poor for purposeful activity", "• poor for respect"), "scored twice"),
        (("Inspectors found three examples", "Inspectors found four examples"), "found 4 examples"),
        (("(See paragraph 6.4.)", "(See paragraph 6.40.)"), "6.40"),
        (("Tom Hadley Researcher", "Tom Hadley Astronaut"), "known role"),
        (("October 2021 \n", "Octember 2021 \n"), "month of publication"),
        (("October 2021 \n", "July 2021 \n"), "before the visit ended"),
        (("we made 30 recommendations", "we made 31 recommendations"), "31"),
        (("Recommendation: Meals should be served at reasonable times.", ""), "has no recommendation"),
        (("26 July – 6 August 2021", "26 Julember – 6 August 2021"), "cannot be read"),
    ],
)
def test_what_the_format_refuses(change, words):
    old, new = change
    assert old in belmarsh_text()
    assert words in refused(belmarsh_text().replace(old, new, 1))


def test_the_era_must_agree_with_the_publication_date():
    text = EXAMPLETON.read_text(encoding="utf-8").replace("January 2024 \n", "January 2022 \n")
    text = text.replace("4–14 September 2023", "4–14 September 2021")
    assert "makes recommendations, but this one lists key concerns alone" in refused(text)


def test_a_first_line_that_is_not_the_title_is_refused():
    assert "not the title" in refused("Something else\n" + belmarsh_text())


# --- The import -------------------------------------------------------------------------------


def run(*args, **options):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_report", *map(str, args), stdout=out, stderr=err, **options)
    return out.getvalue()


def snapshot():
    """What the database holds about Belmarsh, without keys, timestamps or history."""
    inspections = {
        i.slug: (
            i.kind,
            i.year,
            i.title,
            i.visit_start,
            i.visit_end,
            i.published_on,
            i.published_month_only,
            i.status,
            i.era,
            i.population,
            i.visit_period,
            i.follows_up.slug if i.follows_up else None,
        )
        for i in Inspection.objects.select_related("follows_up")
    }
    recommendations = sorted(
        (
            r.inspection.slug,
            r.inspectorate.short_name,
            r.kind,
            r.reference,
            r.theme_number,
            r.number,
            r.area,
            r.concern,
            r.text,
            r.priority,
            r.position,
        )
        for r in Recommendation.objects.select_related("inspection", "inspectorate")
    )
    judgements = sorted(
        (j.review.slug, j.recommendation.reference, j.recommendation.theme_number, j.level.slug if j.level else None)
        for j in Judgement.objects.select_related("review", "recommendation", "level")
    )
    paragraphs = sorted(
        (p.inspection.slug, p.number, p.part, p.text) for p in Paragraph.objects.select_related("inspection")
    )
    scores = sorted(
        (s.inspection.slug, s.test, s.score, s.printed_as)
        for s in HealthyPrisonScore.objects.select_related("inspection")
    )
    team = sorted((m.inspection.slug, m.name, m.role) for m in TeamMember.objects.select_related("inspection"))
    practice = sorted((n.paragraph.number, n.title, n.see) for n in NotablePractice.objects.select_related("paragraph"))
    return inspections, recommendations, judgements, paragraphs, scores, team, practice


@pytest.mark.django_db
def test_the_full_inspection_imports_every_concern_score_paragraph_and_member():
    output = run(BELMARSH)
    assert "30 concerns, 30 with a recommendation, 5 priorities, 4 healthy prison scores" in output
    inspection = Inspection.objects.get(slug="inspection-2021")
    assert (inspection.era, inspection.status, inspection.published_on.isoformat()) == (
        InspectionEra.RECOMMENDATIONS,
        PublicationStatus.PUBLISHED,
        "2021-10-01",
    )
    assert inspection.recommendations.count() == 30
    assert inspection.recommendations.filter(priority=True).count() == 5
    assert list(inspection.recommendations.values_list("reference", flat=True)[:3]) == ["1.38", "1.39", "1.40"]
    scores = {s.test: (s.score, s.label) for s in inspection.healthy_prison_scores.all()}
    assert scores["rehabilitation"] == (3, "Rehabilitation and release planning")
    assert inspection.paragraphs.count() == 172
    assert inspection.team.count() == 15
    assert AuditEvent.objects.filter(action=AuditAction.IMPORTED, inspection=inspection).count() == 1
    # again: nothing changes, no second audit event
    assert "0 rows created, 0 updated" in run(BELMARSH)
    assert AuditEvent.objects.filter(action=AuditAction.IMPORTED, inspection=inspection).count() == 1


@pytest.mark.django_db
@BOTH_ERAS
def test_both_eras_are_stored_exactly_as_their_truth_says(report, truth):
    """What the database holds after ``import_report``, read back, is what the truth JSON says."""
    expected = json.loads(truth.read_text(encoding="utf-8"))
    run(report)
    inspection = Inspection.objects.get(kind="full")
    assert (inspection.establishment.name, inspection.title, inspection.population) == (
        expected["establishment"],
        expected["title"],
        expected["prisoners_held"],
    )
    assert (inspection.visit_start.isoformat(), inspection.visit_end.isoformat()) == (
        expected["visit"]["start"],
        expected["visit"]["end"],
    )
    published = expected["published"]
    assert (inspection.published_on.year, inspection.published_on.month) == (published["year"], published["month"])
    assert inspection.era == expected["era"]
    stored = [
        {
            "ref": r.reference or None,
            "number": r.number,
            "priority": r.priority,
            "area": r.area,
            "text": r.concern,
            "recommendation": r.text or None,
        }
        for r in inspection.recommendations.order_by("position")
    ]
    wanted = [
        {
            "ref": c["ref"],
            "number": c["number"],
            "priority": c["priority"],
            "area": c["area"] or "Key concern",  # a key concern from May 2022 has no area
            "text": c["text"],
            "recommendation": c["recommendation"],
        }
        for c in expected["concerns"]
    ]
    assert stored == wanted
    scores = {s.test: s.score for s in inspection.healthy_prison_scores.all()}
    assert scores == {
        "safety": expected["scores"]["safety"],
        "respect": expected["scores"]["respect"],
        "purposeful_activity": expected["scores"]["purposeful_activity"],
        "rehabilitation": expected["scores"]["rehabilitation_and_release_planning"],
    }
    fourth = inspection.healthy_prison_scores.get(test="rehabilitation")
    assert fourth.label.lower() == expected["fourth_test_as_printed"].lower()
    practice = [
        {"title": n.title, "paragraph": n.paragraph.number, "see": n.see}
        for n in NotablePractice.objects.filter(paragraph__inspection=inspection).order_by(
            "paragraph__section", "paragraph__index"
        )
    ]
    assert practice == expected["notable_practice"]
    assert inspection.paragraphs.count() == expected["numbered_paragraphs"]["count"]
    for section, numbers in expected["numbered_paragraphs"]["by_section"].items():
        in_section = list(inspection.paragraphs.filter(section=int(section)).values_list("number", flat=True))
        assert (in_section[0], in_section[-1], len(in_section)) == (numbers["first"], numbers["last"], numbers["count"])
    team = [{"name": m.name, "role": m.role} for m in inspection.team.order_by("position")]
    assert team == expected["team"]["members"]


@pytest.mark.django_db
def test_the_review_follows_up_exactly_the_recommendations_the_truth_marks_as_quoted():
    """``quoted_in_irp_2022`` in the truth: the review imported after the inspection judges these
    and only these, on the rows the inspection made."""
    expected = json.loads((DATA / "belmarsh-full-inspection-2021.json").read_text(encoding="utf-8"))
    quoted = {c["ref"] for c in expected["concerns"] if c["quoted_in_irp_2022"]}
    run(BELMARSH)
    run(SEED_REPORT)
    judged = set(
        Judgement.objects.filter(
            recommendation__inspection__slug="inspection-2021", recommendation__reference__gt=""
        ).values_list("recommendation__reference", flat=True)
    )
    assert judged == quoted


@pytest.mark.django_db
def test_a_report_from_may_2022_imports_key_concerns_without_recommendations():
    run(EXAMPLETON)
    concerns = list(Recommendation.objects.filter(inspection__slug="inspection-2023"))
    assert [(c.kind, c.number, c.priority, c.text, c.label) for c in concerns][:1] == [
        (RecommendationKind.CONCERN, 1, True, "", "Concern 1")
    ]
    assert len(concerns) == 6
    score = HealthyPrisonScore.objects.get(inspection__slug="inspection-2023", test="rehabilitation")
    assert score.label == "Preparation for release"


@pytest.mark.django_db
def test_a_dry_run_writes_nothing():
    assert "Dry run, nothing written" in run(BELMARSH, dry_run=True)
    assert not Inspection.objects.exists()


@pytest.mark.django_db
def test_review_after_inspection_and_inspection_after_review_give_the_same_database():
    with transaction.atomic():
        run(BELMARSH)
        run(SEED_REPORT)
        first = snapshot()
        transaction.set_rollback(True)
    assert not Inspection.objects.exists()
    run(SEED_REPORT)
    run(BELMARSH)
    second = snapshot()
    assert first == second
    # no copies: ten recommendations followed up, thirty made, each once
    assert len([r for r in second[1] if r[1] == "HMI Prisons"]) == 30


@pytest.mark.django_db
def test_the_review_attaches_to_the_recommendations_the_inspection_made():
    run(BELMARSH)
    made = dict(Recommendation.objects.filter(reference__in=QUOTED).values_list("reference", "pk"))
    run(SEED_REPORT)
    judged = dict(
        Judgement.objects.filter(recommendation__reference__in=QUOTED).values_list(
            "recommendation__reference", "recommendation_id"
        )
    )
    assert judged == made
    assert Recommendation.objects.filter(inspectorate__short_name="HMI Prisons").count() == 30


@pytest.mark.django_db
def test_a_review_quoting_a_recommendation_differently_is_refused_naming_it():
    text = belmarsh_text().replace(
        "There should be robust scrutiny of the use of force", "There should be a review of the use of force"
    )
    report = parse(text)
    save_full_inspection(report, source="altered.txt")
    with pytest.raises(CommandError, match="1.39"):
        run(SEED_REPORT)
    assert not Inspection.objects.filter(kind="irp").exists()


@pytest.mark.django_db
def test_an_inspection_that_lacks_what_its_review_followed_up_is_refused():
    run(SEED_REPORT)
    text = belmarsh_text().replace("Recommendation: Night staff should", "Recommendation: Night staff should", 1)
    report = parse(text)
    report.concerns = [c for c in report.concerns if c.ref != "6.19"]
    with pytest.raises(ReportError, match="6.19"):
        save_full_inspection(report, source="short.txt")


@pytest.mark.django_db
def test_the_import_respects_edits_and_never_touches_judgements_or_a_reviews_publication():
    run(SEED_REPORT, draft=True)
    review = Inspection.objects.get(slug="irp-2022")
    levels = dict(Judgement.objects.values_list("pk", "level_id"))
    run(BELMARSH)
    review.refresh_from_db()
    assert (review.status, review.published_on.isoformat()) == (PublicationStatus.DRAFT, "2022-04-01")
    assert dict(Judgement.objects.values_list("pk", "level_id")) == levels
    recommendation = Recommendation.objects.get(reference="4.8")
    recommendation.text = "Meals should be served at reasonable times, checked by leaders."
    recommendation.save()
    with pytest.raises(EditedSinceImport):
        save_full_inspection(parse(belmarsh_text()), source="again.txt")
    recommendation.refresh_from_db()
    assert recommendation.text.endswith("checked by leaders.")


@pytest.mark.django_db
def test_a_later_full_report_cannot_change_a_recommendation_a_review_quoted():
    run(BELMARSH)
    run(SEED_REPORT)
    altered = belmarsh_text().replace("There should be robust scrutiny", "There should be light scrutiny")
    with pytest.raises(ReportError, match="1.39"):
        save_full_inspection(parse(altered), source="altered.txt")
    assert Recommendation.objects.get(reference="1.39").text.startswith("There should be robust scrutiny")


@pytest.mark.django_db
def test_the_imported_report_is_linked_from_its_page_as_published(client):
    """The file the full inspection was imported from is kept and read from its page, as a
    review's is: "Read the report as published"."""
    run(BELMARSH)
    page = client.get("/establishments/belmarsh/inspection-2021/").content.decode()
    assert 'href="/establishments/belmarsh/inspection-2021/report">Read the report as published' in page
    report = client.get("/establishments/belmarsh/inspection-2021/report")
    assert report.status_code == 200
    assert b"".join(report.streaming_content if report.streaming else [report.content]) == BELMARSH.read_bytes()


@pytest.mark.django_db
def test_another_inspectorates_inspector_cannot_import_a_new_full_inspection(ofsted_inspector):
    """A new full inspection is HMI Prisons' to create: an Ofsted inspector's import is refused
    with a sentence and writes nothing (it raised DoesNotExist, publishing what it had not saved)."""
    with pytest.raises(CommandError, match="another inspectorate"):
        run(BELMARSH, user=ofsted_inspector.username)
    assert not Inspection.objects.exists() and not Recommendation.objects.exists()


@pytest.mark.django_db
def test_another_inspectorates_inspector_cannot_rewrite_a_full_inspections_text(ofsted_inspector, tmp_path):
    """The report's text is its lead inspectorate's: an Ofsted inspector's re-import of an edited
    copy names what it may not write, and whose it is, in the words for an inspection."""
    run(BELMARSH)
    text = BELMARSH.read_text()
    edited = tmp_path / BELMARSH.name
    edited.write_text(text.replace("There should be robust scrutiny", "There must be robust scrutiny", 1))
    with pytest.raises(CommandError) as refused:
        run(edited, user=ofsted_inspector.username)
    assert "HMI Prisons inspectors’ (the inspection’s lead inspectorate) only" in str(refused.value)
    assert Recommendation.objects.get(reference="1.39").text.startswith("There should be robust scrutiny")


@pytest.mark.django_db
def test_the_full_inspection_imported_after_its_review_keeps_the_prisons_responses_and_actions(belmarsh_leader):
    """The prison answered what the review followed up before the full report was imported: its
    response and actions stay on the same recommendation, unchanged, and nothing is copied."""
    from recommendations import actions as domain
    from recommendations.models import Action, ResponseDecision

    run(SEED_REPORT)
    followed = Recommendation.objects.get(reference="1.39")
    domain.record_response(followed, decision=ResponseDecision.PARTLY_ACCEPTED, reason="Budget", by=belmarsh_leader)
    domain.add_action(followed, description="Review footage weekly", owner="Head of safety", by=belmarsh_leader)
    before = (followed.response.decision, followed.response.reason, list(Action.objects.values_list("description")))
    run(BELMARSH)
    followed = Recommendation.objects.get(reference="1.39")
    after = (followed.response.decision, followed.response.reason, list(Action.objects.values_list("description")))
    assert after == before and followed.actions.count() == 1
    assert Recommendation.objects.filter(inspectorate__short_name="HMI Prisons").count() == 30


@pytest.mark.django_db
def test_importing_the_full_inspection_retires_its_cached_public_page(client, settings):
    """The page cached while only the review was known (scores not known) is not served again
    once the full report is imported: its scores show at once."""
    settings.TRACKER_TODAY = datetime.date(2022, 6, 1)
    settings.PUBLIC_PAGE_CACHE = True  # (off for the rest of the suite)
    run(SEED_REPORT)
    page = "/establishments/belmarsh/inspection-2021/"
    first = client.get(page)
    assert first.status_code == 200 and "Not known" in first.content.decode()
    assert "Not known" in client.get(page).content.decode()  # served again, from the cache
    run(BELMARSH)
    after = client.get(page).content.decode()
    assert "Not known" not in after and "1: Outcomes for prisoners are poor" in after
