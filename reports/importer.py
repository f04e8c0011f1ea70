"""Writes a parsed IRP report (``reports.parser.Report``) to the domain model.

Every row is found by its natural key and written only when a value differs, so importing the
same report twice changes nothing and adds no history. ``save_report`` runs in one transaction:
on any problem nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from findings.models import Judgement, NotablePractice, Paragraph, ParagraphPart, ProgressLevel
from findings.publishing import PublicationError, public_data_changed, publish_review
from recommendations.models import (
    Establishment,
    Inspection,
    InspectionKind,
    Inspectorate,
    PublicationStatus,
    Recommendation,
    RecommendationKind,
    TeamMember,
)
from reports import parser as report_parser
from reports.parser import Report, ReportError

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


def read_report(path: str | Path) -> Report:
    """Reads and parses a report file: the text of a report, or its PDF."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ReportError("There is no such file.") from None
    except IsADirectoryError:
        raise ReportError("This is a folder, not a report file.") from None
    except OSError as error:
        raise ReportError(f"The file cannot be read ({error.strerror}).") from None
    if path.suffix.lower() == ".pdf" or data.startswith(b"%PDF-"):
        text = report_parser.text_from_pdf(data)
    else:
        text = report_parser.decode_report(data)
    return report_parser.parse_report(text)


@dataclass
class Changes:
    """What an import wrote (or, in a dry run, would write): one entry per row looked at."""

    rows: list[tuple[str, str, str]] = field(default_factory=list)  # (action, model, description)

    def add(self, action, obj, description=None):
        self.rows.append((action, obj._meta.verbose_name, description or str(obj)))

    def count(self, action):
        return sum(1 for row in self.rows if row[0] == action)

    @property
    def changed(self):
        return self.count(CREATED) + self.count(UPDATED)


def _sync(model, changes: Changes, lookup: dict, values: dict, describe=None, existing=None):
    """The row ``lookup`` finds, created or brought up to ``values``; saved only if something differs.

    ``existing`` holds the rows already loaded, by their lookup values, to save a query per row.
    """
    if existing is None:
        obj = model.objects.filter(**lookup).first()
    else:
        obj = existing.get(tuple(_key(value) for value in lookup.values()))
    if obj is None:
        obj = model(**lookup, **values)
        obj.save()
        changes.add(CREATED, obj, describe(obj) if describe else None)
        return obj
    differing = [name for name, value in values.items() if _value(obj, name) != _key(value)]
    if differing:
        for name in differing:
            setattr(obj, name, values[name])
        obj.save()
        changes.add(UPDATED, obj, (describe(obj) if describe else str(obj)) + f" ({', '.join(differing)})")
    else:
        changes.add(UNCHANGED, obj, describe(obj) if describe else None)
    return obj


def _by(rows, *fields):
    """Rows keyed by the values of ``fields`` (ids for foreign keys), as ``_sync`` looks them up."""
    return {tuple(_value(row, name) for name in fields): row for row in rows}


def _value(obj, name):
    field = obj._meta.get_field(name)
    return getattr(obj, field.attname)


def _key(value):
    return value.pk if hasattr(value, "_meta") else value


class Scales:
    """The tracker's inspectorates and progress levels, looked up once."""

    def __init__(self):
        self.inspectorates = {i.short_name: i for i in Inspectorate.objects.all()}
        self.levels = {
            (level.inspectorate.short_name, level.label.lower()): level
            for level in ProgressLevel.objects.select_related("inspectorate")
        }

    def inspectorate(self, short_name):
        try:
            return self.inspectorates[short_name]
        except KeyError:
            raise ReportError(f"The tracker does not know the inspectorate {short_name}.") from None

    def level(self, inspectorate, label, line):
        try:
            return self.levels[(inspectorate, label.lower())]
        except KeyError:
            raise ReportError(f"“{label}” is not a level of {inspectorate}’s scale in the tracker.", line) from None

    def check(self, report: Report):
        """The report's Appendix I must print the scales the tracker holds."""
        for short_name, levels in report.scales.items():
            inspectorate = self.inspectorate(short_name)
            ours = [label for (name, label) in self.levels if name == inspectorate.short_name]
            theirs = [level.label.lower() for level in levels]
            if sorted(ours) != sorted(theirs):
                raise ReportError(
                    f"Appendix I’s {short_name} scale ({', '.join(level.label for level in levels)}) is not the "
                    "scale the tracker holds.",
                    levels[0].line,
                )


@transaction.atomic
def save_report(report: Report, *, source: str, publish: bool = True) -> tuple[Inspection, Changes]:
    """Writes ``report`` in one transaction and returns the review and what changed."""
    changes = Changes()
    scales = Scales()
    scales.check(report)

    establishment = Establishment.objects.filter(name=report.establishment).first()
    if establishment is None:
        slug = report_parser.establishment_slug(report.establishment)
        if Establishment.objects.filter(slug=slug).exists():
            raise ReportError(
                f"The web address part “{slug}” of {report.establishment} is taken by another establishment."
            )
        establishment = Establishment.objects.create(
            name=report.establishment, slug=slug, type=report_parser.establishment_type(report.establishment)
        )
        changes.add(CREATED, establishment)
    else:
        changes.add(UNCHANGED, establishment)

    full_slug = f"inspection-{report.full_inspection_year}"
    inspection = Inspection.objects.filter(establishment=establishment, slug=full_slug).first()
    inspection = _sync(
        Inspection,
        changes,
        {"establishment": establishment, "slug": full_slug},
        {
            "kind": InspectionKind.FULL,
            "year": report.full_inspection_year,
            "visit_period": report.full_inspection_period,
            # A new inspection starts as a draft; publishing the review publishes it (below), with
            # the review's date if it has none of its own, so nothing shows before the review.
            "status": inspection.status if inspection else PublicationStatus.DRAFT,
        },
        lambda obj: f"{report.establishment} full inspection, {report.full_inspection_period}",
        existing={(establishment.pk, full_slug): inspection} if inspection else {},
    )
    review_slug = f"irp-{report.review_year}"
    existing_review = Inspection.objects.filter(establishment=establishment, slug=review_slug).first()
    _check_publication(existing_review, publish)
    review = _sync(
        Inspection,
        changes,
        {"establishment": establishment, "slug": review_slug},
        {
            "kind": InspectionKind.IRP,
            "year": report.review_year,
            "title": report.title,
            "follows_up": inspection,
            # Visit dates only when the report prints them, so dates typed in later survive.
            **({"visit_start": report.visit_start, "visit_end": report.visit_end} if report.visit_start else {}),
            "published_on": report.published_on,
            "published_month_only": report.published_month_only,
            # Publication is a state change of its own (publish_review, below): an import never
            # takes a review down, nor writes its status directly.
            "status": existing_review.status if existing_review else PublicationStatus.DRAFT,
            "summary_signed_by": report.signed_by,
            "source": source,
        },
        lambda obj: f"{report.establishment} independent review of progress, {report.published_text}",
        existing={(establishment.pk, review_slug): existing_review} if existing_review else {},
    )

    # The rows this report may already have written, one query per model.
    team = _by(review.team.all(), "inspection", "name")
    paragraphs = _by(Paragraph.objects.filter(inspection=review), "inspection", "number")
    practice = _by(NotablePractice.objects.filter(paragraph__inspection=review), "paragraph")
    recommendations = Recommendation.objects.filter(inspection=inspection)
    by_reference = _by(recommendations.exclude(reference=""), "inspection", "inspectorate", "reference")
    by_theme = _by(recommendations.filter(theme_number__isnull=False), "inspection", "inspectorate", "theme_number")
    judgements = _by(Judgement.objects.filter(review=review), "review", "recommendation")

    for position, member in enumerate(report.team, start=1):
        _sync(
            TeamMember,
            changes,
            {"inspection": review, "name": member.name},
            {"role": member.role, "inspectorate": scales.inspectorate(member.inspectorate), "position": position},
            existing=team,
        )

    for paragraph in report.summary:
        _paragraph(changes, review, paragraph, ParagraphPart.SUMMARY, paragraphs)
    for paragraph in report.key_findings:
        _paragraph(changes, review, paragraph, ParagraphPart.KEY_FINDINGS, paragraphs)
    for paragraph in report.notable_practice:
        saved = _paragraph(changes, review, paragraph, ParagraphPart.NOTABLE_PRACTICE, paragraphs)
        _sync(
            NotablePractice,
            changes,
            {"paragraph": saved},
            {},
            lambda obj, number=paragraph.number: f"notable positive practice ({number})",
            existing=practice,
        )

    for item in report.recommendations:
        inspectorate = scales.inspectorate(item.inspectorate)
        if item.kind == "theme":
            lookup = {"inspection": inspection, "inspectorate": inspectorate, "theme_number": item.theme_number}
            existing = by_theme
        else:
            lookup = {"inspection": inspection, "inspectorate": inspectorate, "reference": item.reference}
            existing = by_reference
        recommendation = _sync(
            Recommendation,
            changes,
            lookup,
            {
                "kind": RecommendationKind.THEME if item.kind == "theme" else RecommendationKind.RECOMMENDATION,
                "area": item.area,
                "concern": item.concern,
                "text": item.text,
                "position": item.position,
            },
            existing=existing,
        )
        judgement = _sync(
            Judgement,
            changes,
            {"review": review, "recommendation": recommendation},
            {"level": scales.level(item.inspectorate, item.level, item.level_line), "position": item.position},
            lambda obj, item=item: f"{item.inspectorate} {item.label}: {item.level}",
            existing=judgements,
        )
        for paragraph in item.evidence:
            _paragraph(changes, review, paragraph, ParagraphPart.EVIDENCE, paragraphs, judgement)

    if publish and review.status != PublicationStatus.PUBLISHED:
        try:
            publish_review(review, by=None)
        except PublicationError as error:
            raise ReportError(" ".join(error.messages)) from None
        review.refresh_from_db()
        if existing_review is not None:  # a new review is counted once, as created
            changes.add(UPDATED, review, f"{review} (published)")
    if changes.changed:
        # What the public sees may have changed: the judgements' public windows, the cache.
        public_data_changed(reviews=[review])
    return review, changes


def _check_publication(review, publish):
    """An import never takes a published review down, nor republishes one inspectors took down:
    those are decisions with a reason, made in the inspectors' workspace."""
    if review is None:
        return
    if review.status == PublicationStatus.PUBLISHED and not publish:
        raise ReportError(
            f"{review} is already published: a --draft import would take it down without a reason. "
            "Unpublish it in the inspectors' workspace first, or import without --draft."
        )
    if review.status == PublicationStatus.DRAFT and publish and review.unpublications.exists():
        raise ReportError(
            f"{review} was unpublished in the inspectors' workspace: import it with --draft, "
            "and publish it there when it is ready."
        )


def _paragraph(changes, review, paragraph, part, existing, judgement=None):
    return _sync(
        Paragraph,
        changes,
        {"inspection": review, "number": paragraph.number},
        {"part": part, "judgement": judgement, "text": paragraph.text},
        existing=existing,
    )
