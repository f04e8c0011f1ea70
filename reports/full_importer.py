"""Writes a parsed full inspection report (``reports.grammars.full_inspection.FullInspection``).

The same rules as the review importer (``reports.importer``): one transaction, every row found by
its natural key and written only when a value differs, history carrying the report's name,
values inspectors changed since the last import listed and kept unless ``overwrite``, an audit
event and the public cache retired when anything changed.

It merges with what a review imported first created: the full inspection the review named
(``inspection-<year>``) and the recommendations it followed up (by reference). It never touches a
review, a judgement, the prison's responses or actions, and never a review's publication.
"""

from __future__ import annotations

from django.db import transaction

from findings.models import Judgement, NotablePractice, Paragraph, ParagraphPart
from findings.publishing import public_data_changed, publish_full_inspection
from recommendations.audit import record_audit_event
from recommendations.models import (
    KEY_CONCERN_AREA,
    AuditAction,
    FourthTestName,
    HealthyPrisonScore,
    HealthyPrisonTest,
    Inspection,
    InspectionEra,
    InspectionKind,
    PublicationStatus,
    Recommendation,
    RecommendationKind,
    TeamMember,
)
from reports.grammars.full_inspection import RECOMMENDATIONS, FullInspection
from reports.importer import (
    UNCHANGED,
    UPDATED,
    Changes,
    EditedSinceImport,
    NotAllowedToImport,
    Run,
    Scales,
    _by,
    _establishment,
    _sync,
    audit_summary,
    imported_text,
    published_text_reason,
    quote_differs,
    refuse_what_cannot_be_removed,
    remove_missing,
)
from reports.reading import ReportError

TESTS = {
    "safety": HealthyPrisonTest.SAFETY,
    "respect": HealthyPrisonTest.RESPECT,
    "purposeful_activity": HealthyPrisonTest.PURPOSEFUL_ACTIVITY,
    "rehabilitation_and_release_planning": HealthyPrisonTest.REHABILITATION,
}
PARTS = {
    "key_findings": ParagraphPart.KEY_FINDINGS,
    "notable_practice": ParagraphPart.NOTABLE_PRACTICE,
    "evidence": ParagraphPart.EVIDENCE,
}


def full_inspection_slug(year: int) -> str:
    """The web address part of a full inspection: the one a review's import gives it too."""
    return f"inspection-{year}"


@transaction.atomic
def save_full_inspection(
    report: FullInspection, *, source: str, publish: bool | None = True, user=None, overwrite: bool = False
) -> tuple[Inspection, Changes]:
    """Writes ``report`` in one transaction; returns the full inspection and what changed.

    ``publish``: True publishes a draft inspection (the report is published: its month is on it),
    False imports it as a draft (refused if it is published), None leaves an existing inspection's
    publication as it is (a new one is a draft)."""
    run = Run(source=source, user=user, overwrite=overwrite)
    scales = Scales()
    establishment = _establishment(run, report)
    known = Inspection.objects.filter(establishment=establishment, slug=full_inspection_slug(report.visit_start.year))
    # Known only from a review imported first: the recommendations it quoted are checked against the report.
    from_review = known.filter(era="").exists()
    # Whether its paragraphs may be taken out: by hand, only while it is a draft (before this
    # import publishes it).
    published = known.filter(status=PublicationStatus.PUBLISHED).exists()
    inspection = _inspection(run, report, establishment, publish)
    if inspection.pk is None:
        # A new full inspection is its lead inspectorate's to create (as a new review is).
        raise NotAllowedToImport(run.changes.refused)
    _concerns(run, report, inspection, scales, from_review)
    _scores(run, report, inspection)
    _paragraphs(run, report, inspection, published)
    _team(run, report, inspection, scales)
    refuse_what_cannot_be_removed(run.changes, inspection)
    if run.changes.refused and not run.changes.changed:
        # Nothing this user may write would change: the report is another inspectorate's to import.
        raise NotAllowedToImport(run.changes.refused)
    if run.changes.edits and not overwrite:
        raise EditedSinceImport(run.changes.edits)
    if run.changes.changed:
        public_data_changed()
        record_audit_event(
            AuditAction.IMPORTED,
            user=user,
            inspection=inspection,
            summary=f"Imported {source}: {audit_summary(run.changes)}.",
        )
    return inspection, run.changes


def _inspection(run: Run, report: FullInspection, establishment, publish):
    slug = full_inspection_slug(report.visit_start.year)
    existing = Inspection.objects.filter(establishment=establishment, slug=slug).first()
    if existing is not None and existing.kind != InspectionKind.FULL:
        raise ReportError(f"{existing} has the web address of this full inspection but is not a full inspection.")
    run.remember_imports(Inspection, [existing])
    status = existing.status if existing else PublicationStatus.DRAFT
    if existing is not None and publish is False and existing.status == PublicationStatus.PUBLISHED:
        raise ReportError(
            f"{existing} is already published: a --draft import would take it down without a reason. "
            "Import it without --draft."
        )
    if (
        existing is not None
        and publish
        and existing.status == PublicationStatus.DRAFT
        and existing.unpublications.exists()
    ):
        raise ReportError(f"{existing} was unpublished in the inspectors' workspace: import it with --draft.")
    if existing is not None:
        _forget_date_from_review(run, existing)
    values = {
        "kind": InspectionKind.FULL,
        "year": report.visit_start.year,
        "title": report.title,
        "visit_start": report.visit_start,
        "visit_end": report.visit_end,
        "published_on": report.published_on,
        "published_month_only": True,
        "status": status,
        "summary_signed_by": report.signed_by,
        "era": InspectionEra.RECOMMENDATIONS if report.era == RECOMMENDATIONS else InspectionEra.CONCERNS,
        "source": run.source,
        **({"population": report.prisoners_held} if report.prisoners_held is not None else {}),
    }
    inspection = _sync(
        run,
        Inspection,
        {"establishment": establishment, "slug": slug},
        values,
        lambda obj: f"{report.establishment} full inspection, {report.visit_as_printed}",
        existing={(establishment.pk, slug): existing} if existing else {},
        owner=("lead", None),
    )
    if publish and inspection.pk is not None and inspection.status == PublicationStatus.DRAFT:
        # (not saved: this user may not create it, which ``save_full_inspection`` refuses next)
        # The report is public from its month: published through the one function that does it.
        inspection = publish_full_inspection(inspection, by=run.user)
        if existing is not None:  # a new inspection is counted once, as created
            run.changes.add(UPDATED, inspection, f"{inspection} (published)")
    return inspection


def _forget_date_from_review(run: Run, inspection) -> None:
    """A full inspection known only from its review got the review's publication date when the
    review was published (``publish_review``): that is not an inspector's edit, and the report's
    own month replaces it."""
    last = run.imported.get((Inspection, inspection.pk))
    if last is None or inspection.era:
        return
    if inspection.reviews.filter(published_on=inspection.published_on).exists():
        last.published_on = inspection.published_on
        last.published_month_only = inspection.published_month_only
        last.status = inspection.status


def _concerns(run: Run, report: FullInspection, inspection, scales: Scales, from_review: bool) -> None:
    hmi = scales.inspectorate("HMI Prisons")
    existing = list(Recommendation.objects.filter(inspection=inspection, inspectorate=hmi))
    run.remember_imports(Recommendation, existing)
    by_reference = _by([r for r in existing if r.reference], "inspection", "inspectorate", "reference")
    by_number = _by([r for r in existing if r.number is not None], "inspection", "inspectorate", "number")
    # Recommendations a review followed up: its report quotes them, so their text must not change.
    judged = set(
        Judgement.objects.filter(recommendation__in=[r.pk for r in existing]).values_list(
            "recommendation_id", flat=True
        )
    )
    made = set()
    for concern in report.concerns:
        if concern.ref:
            lookup = {"inspection": inspection, "inspectorate": hmi, "reference": concern.ref}
            found = by_reference.get((inspection.pk, hmi.pk, concern.ref))
            if found is not None and found.text and (from_review or found.pk in judged):
                message = quote_differs(concern.ref, imported_text(run, found), concern.recommendation)
                if message:
                    raise ReportError(message, concern.line, concern.page)
            kind = RecommendationKind.RECOMMENDATION
        else:
            lookup = {"inspection": inspection, "inspectorate": hmi, "number": concern.number}
            kind = RecommendationKind.CONCERN
        saved = _sync(
            run,
            Recommendation,
            lookup,
            {
                "kind": kind,
                "area": concern.area or KEY_CONCERN_AREA,
                "concern": concern.text,
                "text": concern.recommendation,
                "priority": concern.priority,
                "position": concern.position,
            },
            existing=by_number if kind == RecommendationKind.CONCERN else by_reference,
            owner=("lead", inspection),
        )
        made.add(saved.pk)
    # What a review followed up must be in the report it follows up.
    for recommendation in existing:
        if recommendation.pk not in made and recommendation.pk in judged:
            raise ReportError(
                f"A review followed up recommendation {recommendation.reference or recommendation.name} of this "
                "inspection, but the report does not contain it."
            )
    # One the last import wrote and the report took back is the prison's to answer: only by hand.
    remove_missing(
        run,
        existing,
        ("kind", "area", "concern", "text", "priority"),
        lambda obj: obj.label,
        lambda obj: ("lead", inspection),
        why_kept=lambda obj: (
            "a concern or recommendation the report no longer makes is taken out in the inspectors’ workspace, "
            "where the prison’s response and actions to it are seen, before the report is imported again"
        ),
    )


def _scores(run: Run, report: FullInspection, inspection) -> None:
    existing = list(HealthyPrisonScore.objects.filter(inspection=inspection))
    run.remember_imports(HealthyPrisonScore, existing)
    by_test = _by(existing, "inspection", "test")
    printed = report.fourth_test_as_printed if report.fourth_test_as_printed in FourthTestName.values else ""
    for key, score in report.scores.items():
        test = TESTS[key]
        _sync(
            run,
            HealthyPrisonScore,
            {"inspection": inspection, "test": test},
            {"score": score, "printed_as": printed if test == HealthyPrisonTest.REHABILITATION else ""},
            existing=by_test,
            owner=("lead", inspection),
        )
    remove_missing(run, existing, ("score", "printed_as"), lambda obj: obj.label, lambda obj: ("lead", inspection))


def _paragraphs(run: Run, report: FullInspection, inspection, published: bool) -> None:
    rows = list(Paragraph.objects.filter(inspection=inspection))
    run.remember_imports(Paragraph, rows)
    by_number = _by(rows, "inspection", "number")
    saved = {}
    for paragraph in report.paragraphs:
        saved[paragraph.number] = _sync(
            run,
            Paragraph,
            {"inspection": inspection, "number": paragraph.number},
            {"part": PARTS[paragraph.part], "judgement": None, "text": paragraph.text},
            lambda obj: f"{obj.number}",
            existing=by_number,
            owner=("lead", inspection),
        )
    practice_rows = list(NotablePractice.objects.filter(paragraph__inspection=inspection).select_related("paragraph"))
    run.remember_imports(NotablePractice, practice_rows)
    practice = _by(practice_rows, "paragraph")
    for item in report.notable_practice:
        _sync(
            run,
            NotablePractice,
            {"paragraph": saved[item.paragraph]},
            {"title": item.title, "see": item.see},
            lambda obj, number=item.paragraph: f"notable positive practice ({number})",
            existing=practice,
            owner=("lead", inspection),
        )
    remove_missing(
        run,
        practice_rows,
        ("title", "see"),
        lambda obj: f"notable positive practice ({obj.paragraph.number})",
        lambda obj: ("lead", inspection),
    )
    remove_missing(
        run,
        rows,
        ("part", "text"),
        lambda obj: f"{obj.number}",
        lambda obj: ("lead", inspection),
        why_kept=(lambda obj: published_text_reason(inspection)) if published else None,
    )


def _team(run: Run, report: FullInspection, inspection, scales: Scales) -> None:
    members = list(inspection.team.all())
    run.remember_imports(TeamMember, members)
    team = _by(members, "inspection", "name")
    for position, member in enumerate(report.team, start=1):
        _sync(
            run,
            TeamMember,
            {"inspection": inspection, "name": member.name},
            {"role": member.role, "inspectorate": scales.inspectorate(member.inspectorate), "position": position},
            existing=team,
            owner=("lead", inspection),
        )
    remove_missing(
        run, members, ("name", "role", "inspectorate"), lambda obj: obj.name, lambda obj: ("lead", inspection)
    )


__all__ = ["save_full_inspection", "UNCHANGED"]
