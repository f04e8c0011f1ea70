"""Writes a parsed IRP report (``reports.reading.report.Report``) to the domain model.

Every row is found by its natural key and written only when a value differs, so importing the
same report twice changes nothing and adds no history. ``save_report`` runs in one transaction:
on any problem nothing is written.

An import is a change like any other (issue 21):

- it writes only what its user could write by hand: the report text (the review, its summary,
  key findings, notable practice, team and glossary) for the inspectorate that leads the review,
  each inspectorate's own recommendations, judgements, evidence and introduction for that
  inspectorate (``NotAllowedToImport`` names every field it would have written otherwise);
- it never changes a review's publication state or date: the report's date is shown beside the
  current one (``Changes.publication_date``) and left to ``findings.publishing``;
- it never loses an edit: a value that differs from what the last import wrote (or, with no
  import in the row's history, from the report) is overwritten only with ``overwrite``;
- it keeps nothing the report took back: a row the last import wrote that the report no longer
  contains (a paragraph, a team member, a glossary entry…) is removed, as its user could delete
  it by hand, and listed (``REMOVED``); one no import wrote is kept (``Changes.kept``);
  one an import may not take out (a judgement, a published review's text) refuses the import
  (``remove_missing``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.text import capfirst

from findings.models import (
    GlossaryEntry,
    Judgement,
    NotablePractice,
    Paragraph,
    ParagraphPart,
    ProgressLevel,
    SectionIntroduction,
)
from findings.publishing import PublicationError, public_data_changed, publish_review
from recommendations.audit import record_audit_event
from recommendations.history import IMPORT_REASON, WRITTEN_BY_IMPORT
from recommendations.models import (
    AuditAction,
    Establishment,
    Inspection,
    InspectionKind,
    Inspectorate,
    PublicationStatus,
    Recommendation,
    RecommendationKind,
    TeamMember,
)
from recommendations.roles import may_judge, may_write_report_text
from reports.grammars import common as report_parser
from reports.grammars.irp import parse_document
from reports.limits import check_pdf
from reports.reading import ReportError, read_document
from reports.reading.report import Report

CREATED, UPDATED, UNCHANGED, REMOVED = "created", "updated", "unchanged", "removed"
NOT_IN_REPORT = "— (not in the report: removed)"


def read_report(path: str | Path):
    """Reads and parses a report file: the text of a report, or its PDF. A review gives a
    ``reports.reading.report.Report``, a full inspection a ``reports.grammars.full_inspection.FullInspection``
    (told apart by the title line)."""
    from reports.sources import file_bytes

    return parse_any_report(file_bytes(path), Path(path).name)


def parse_any_report(data: bytes, name: str = "", progress=None):
    """The report a file's bytes hold, read by the grammar its title line names: a full
    inspection (``reports.grammars.full_inspection``) or a review (``reports.grammars.irp``).

    A PDF is read once, by its layout (``read_document``); its title is its first heading, joined
    where it wraps on the cover. ``progress(page, pages)`` is called as each page of a PDF is read."""
    from reports.grammars import FULL_INSPECTION, report_type
    from reports.grammars.full_inspection import (
        lines_from_document,
        lines_from_text,
        parse_full_inspection,
        parse_full_inspection_document,
    )
    from reports.reading.reader import decode_report, is_pdf

    if data.startswith(b"%PDF-"):
        check_pdf(data)  # encrypted or too many pages: refused before any text is read
    if is_pdf(data, name):
        document = read_document(data, name, progress)
        first = next((line.text for line in lines_from_document(document)[:40] if line.text.strip()), "")
        if report_type(first) == FULL_INSPECTION:
            return parse_full_inspection_document(document)
        return parse_document(document)
    text = decode_report(data)
    if report_type(text) == FULL_INSPECTION:
        return parse_full_inspection(lines_from_text(text))
    return parse_document(read_document(data, name))


def save_any_report(report, **options):
    """Writes a review (``save_report``) or a full inspection (``save_full_inspection``)."""
    from reports.full_importer import save_full_inspection
    from reports.grammars.full_inspection import FullInspection

    if isinstance(report, FullInspection):
        return save_full_inspection(report, **options)
    return save_report(report, **options)


@dataclass
class Edit:
    """A value an inspector changed in the workspace since the last import, which this import
    would overwrite."""

    model: str
    row: str
    field: str
    imported: object  # the value the last import wrote (the report's when no import wrote it)
    current: object  # the value now
    new: object  # the value this import would write

    def __str__(self):
        return f"{self.model} {self.row}: {self.field}"


@dataclass
class Refused:
    """Values the importing user may not write by hand, so the import may not write them either."""

    model: str
    row: str
    fields: list
    owner: str  # whose they are, e.g. "HMI Prisons inspectors (the review's lead inspectorate)"

    def __str__(self):
        return f"{self.model} {self.row} ({', '.join(self.fields)}): {self.owner}’"


def describe_refused(refused: list[Refused], limit=12):
    """``recommendation HMI Prisons 1.39: area, text — HMI Prisons inspectors’ only; …``"""
    listed = "; ".join(f"{r.model} {r.row}: {', '.join(r.fields)} — {r.owner} only" for r in refused[:limit])
    return listed + (f"; and {len(refused) - limit} more" if len(refused) > limit else "")


class NotAllowedToImport(ReportError):
    """Everything the report would write is another inspectorate's to write; nothing was written."""

    def __init__(self, refused: list[Refused]):
        self.refused = refused
        super().__init__(
            "Nothing was imported: everything this report would change is for another inspectorate to change "
            f"({describe_refused(refused)}). Ask an inspector of that inspectorate to import it."
        )


class EditedSinceImport(ReportError):
    """The import would overwrite values inspectors changed since the last import."""

    def __init__(self, edits: list[Edit]):
        self.edits = edits
        listed = "; ".join(str(edit) for edit in edits[:10]) + ("; …" if len(edits) > 10 else "")
        super().__init__(
            f"This import would overwrite {len(edits)} value{'s' if len(edits) != 1 else ''} changed in the "
            f"inspectors’ workspace since the last import ({listed}). Nothing was changed: import again with "
            "overwrite to replace them with the report’s text."
        )


@dataclass
class Changes:
    """What an import wrote (or, in a dry run, would write): one entry per row looked at, and for
    each row updated, its fields' old and new values."""

    rows: list[tuple[str, str, str]] = field(default_factory=list)  # (action, model, description)
    # (model, row, field's label, old, new), values as a person reads them (names, not ids)
    fields: list[tuple[str, str, str, object, object]] = field(default_factory=list)
    edits: list[Edit] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)
    # (the review's publication date now, the report's) when they differ: never written here
    publication_date: tuple | None = None
    # Rows the report does not contain that no import wrote (typed in the workspace, or loaded): kept
    kept: list[str] = field(default_factory=list)
    # (row, why) for rows the last import wrote, the report no longer contains, and an import may
    # not remove: the import is refused (``refuse_what_cannot_be_removed``)
    cannot_remove: list[tuple[str, str]] = field(default_factory=list)

    def add(self, action, obj, description=None):
        self.rows.append((action, obj._meta.verbose_name, description or str(obj)))

    def count(self, action):
        return sum(1 for row in self.rows if row[0] == action)

    @property
    def changed(self):
        return self.count(CREATED) + self.count(UPDATED) + self.count(REMOVED)

    def tally(self, dry_run=False):
        """``3 rows created, 1 updated, 2 removed, 120 unchanged`` (removed only when some are)."""
        created, updated, removed, unchanged = (self.count(a) for a in (CREATED, UPDATED, REMOVED, UNCHANGED))
        if dry_run:
            removing = f", {removed} to remove" if removed else ""
            return f"{created} rows to create, {updated} to update{removing}, {unchanged} unchanged"
        removing = f", {removed} removed" if removed else ""
        return f"{created} rows created, {updated} updated{removing}, {unchanged} unchanged"


@dataclass
class Run:
    """One import: who runs it, from which file, and what it found and wrote."""

    source: str
    user: object = None
    overwrite: bool = False
    changes: Changes = field(default_factory=Changes)
    imported: dict = field(default_factory=dict)  # (model, pk) -> the history row of the last import
    paragraphs: dict | None = None  # the review's paragraphs, loaded once
    seen: set = field(default_factory=set)  # (model, pk) of every row the report contains
    loaded: dict = field(default_factory=dict)  # model -> the rows loaded before writing (remember_imports)

    @property
    def reason(self):
        return f"{IMPORT_REASON}{self.source}"[:100]

    def refusal(self, owner, obj):
        """Whose the row is, as a sentence, if the user may not write it; None if they may.

        ``owner``: ``("lead", inspection)`` for report text, ``("inspectorate", inspectorate)``
        for an inspectorate's own recommendations, judgements and evidence; None for rows
        anyone importing may write (a new establishment)."""
        if self.user is None or owner is None:
            return None
        kind, target = owner
        if kind == "lead":
            inspection = target if target is not None else obj
            if may_write_report_text(self.user, inspection):
                return None
            lead = inspection.lead_inspectorate if inspection.lead_inspectorate_id else "the lead inspectorate"
            report = "review" if inspection.kind == InspectionKind.IRP else "inspection"
            return f"{lead} inspectors’ (the {report}’s lead inspectorate)"
        if may_judge(self.user, target.pk):
            return None
        return f"{target} inspectors’"

    def remember_imports(self, model, rows):
        """Loads, in one query, the values the last import wrote to ``rows`` (for finding edits)."""
        ids = [row.pk for row in rows if row is not None]
        self.loaded.setdefault(model, []).extend(row for row in rows if row is not None)
        if not ids or not hasattr(model, "history"):
            return
        by_import = Q()
        for start in WRITTEN_BY_IMPORT:
            by_import |= Q(history_change_reason__startswith=start)
        records = model.history.filter(by_import, id__in=ids)
        for record in records.order_by("id", "-history_date", "-history_id"):
            self.imported.setdefault((model, record.id), record)

    def stamp(self, obj):
        obj._change_reason = self.reason
        obj._history_user = self.user


def _sync(run: Run, model, lookup: dict, values: dict, describe=None, existing=None, owner=None):
    """The row ``lookup`` finds, created or brought up to ``values``; saved only if something differs.

    ``existing`` holds the rows already loaded, by their lookup values, to save a query per row.
    ``owner`` says whose the row is (``Run.refusal``): a row the user may not write is listed in
    ``run.changes.refused`` (and the caller refuses the import). A value that differs from what
    the last import wrote — or, where no import wrote the row, from the report — is an edit made
    since: not overwritten unless ``run.overwrite`` (listed in ``run.changes.edits``).
    """
    changes = run.changes
    if existing is None:
        obj = model.objects.filter(**lookup).first()
    else:
        obj = existing.get(tuple(_key(value) for value in lookup.values()))
    if obj is not None:
        run.seen.add((model, obj.pk))
    if obj is None:
        obj = model(**lookup, **values)
        label = describe(obj) if describe else str(obj)
        if _refused(run, owner, obj, label, [*lookup, *values]):
            return obj  # not saved: whatever depends on it is the same inspectorate's, refused too
        run.stamp(obj)
        obj.save()
        changes.add(CREATED, obj, label)
        return obj
    differing = [name for name, value in values.items() if _value(obj, name) != _key(value)]
    if differing:
        label = describe(obj) if describe else str(obj)
        if _refused(run, owner, obj, label, differing):
            changes.add(UNCHANGED, obj, label)
            return obj
        last = run.imported.get((model, obj.pk))
        for name in differing:
            attname = obj._meta.get_field(name).attname
            old, new = getattr(obj, attname), _key(values[name])
            field_label = _label(obj, name)
            changes.fields.append(
                (obj._meta.verbose_name, label, field_label, _shown(obj, name, old), _shown(obj, name, new))
            )
            imported = getattr(last, attname) if last is not None else None
            if last is None or imported != old:
                # Changed since the last import, or never imported (loaded, generated, typed in):
                # the value now is someone's, and differs from the report.
                changes.edits.append(
                    Edit(
                        obj._meta.verbose_name,
                        label,
                        field_label,
                        _shown(obj, name, imported) if last is not None else "—",
                        _shown(obj, name, old),
                        _shown(obj, name, new),
                    )
                )
            setattr(obj, name, values[name])
        run.stamp(obj)
        obj.save()
        changes.add(UPDATED, obj, label + f" ({', '.join(_label(obj, name) for name in differing)})")
    else:
        changes.add(UNCHANGED, obj, describe(obj) if describe else None)
    return obj


def _refused(run, owner, obj, label, names):
    """True (and listed in ``run.changes.refused``) when the user may not write these values."""
    whose = run.refusal(owner, obj)
    if whose is None:
        return False
    run.changes.refused.append(Refused(obj._meta.verbose_name, label, [_label(obj, name) for name in names], whose))
    return True


def _label(obj, name):
    """A field as the workspace names it: its label, not its column."""
    return str(obj._meta.get_field(name).verbose_name)


def _shown(obj, name, value):
    """A value as a person reads it: a related row by its name (a level by its label), a date
    written out, yes or no."""
    if value is None or value == "":
        return "—"
    field = obj._meta.get_field(name)
    if field.is_relation:
        related = field.related_model._default_manager.filter(pk=value).first()
        if related is None:
            return "—"
        return getattr(related, "label", None) or str(related)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if hasattr(value, "strftime"):
        return date_format(value)
    return value


def remove_missing(run: Run, rows, fields, describe, owner, why_kept=None) -> None:
    """Takes out the ``rows`` (loaded before the import) that the report no longer contains.

    A row no import wrote was typed in the workspace (or loaded with the site's data): it is kept,
    and listed in ``Changes.kept``.
    A row the last import wrote is removed as its user could delete it by hand: with the same
    permission (``owner``, as ``_sync``'s), with history, and listed as ``REMOVED``; if one of
    its ``fields`` was edited since, that is an edit the import would lose (kept unless
    ``overwrite``, as for a value the report changes). ``why_kept(obj)`` gives the reason an
    import may not remove a row at all (``Changes.cannot_remove``), or None.
    """
    changes = run.changes
    for obj in rows:
        model = type(obj)
        if obj.pk is None or (model, obj.pk) in run.seen:
            continue
        label = describe(obj)
        last = run.imported.get((model, obj.pk))
        if last is None:
            changes.kept.append(f"{obj._meta.verbose_name} {label}")
            changes.add(UNCHANGED, obj, label)
            continue
        reason = why_kept(obj) if why_kept else None
        if reason:
            changes.cannot_remove.append((f"{obj._meta.verbose_name} {label}", reason))
            continue
        whose = run.refusal(owner(obj), obj)
        if whose is not None:
            changes.refused.append(Refused(obj._meta.verbose_name, label, ["removal (not in the report)"], whose))
            changes.add(UNCHANGED, obj, label)
            continue
        for name in fields:
            attname = obj._meta.get_field(name).attname
            imported, current = getattr(last, attname), getattr(obj, attname)
            if imported != current:
                field_label = _label(obj, name)
                shown = _shown(obj, name, current)
                changes.fields.append((obj._meta.verbose_name, label, field_label, shown, NOT_IN_REPORT))
                changes.edits.append(
                    Edit(
                        obj._meta.verbose_name,
                        label,
                        field_label,
                        _shown(obj, name, imported),
                        shown,
                        NOT_IN_REPORT,
                    )
                )
        run.stamp(obj)
        obj.delete()
        changes.add(REMOVED, obj, label)


def refuse_what_cannot_be_removed(changes: Changes, inspection) -> None:
    """Refuses the import (nothing is written) if it would leave in place rows the report took
    back that only an inspector may take out, grouped by the reason."""
    if not changes.cannot_remove:
        return
    by_reason = {}
    for row, reason in changes.cannot_remove:
        by_reason.setdefault(reason, []).append(row)
    listed = " ".join(
        capfirst(f"{'; '.join(rows[:12])}{f'; and {len(rows) - 12} more' if len(rows) > 12 else ''}: {reason}.")
        for reason, rows in by_reason.items()
    )
    count = len(changes.cannot_remove)
    raise ReportError(
        f"The report no longer contains {count} row{'s' if count != 1 else ''} that the last import of "
        f"{inspection} wrote, and an import may not take {'them' if count != 1 else 'it'} out. {listed} "
        "Nothing was changed."
    )


def published_text_reason(inspection) -> str:
    """Why an import may not take a published inspection's paragraph out: nor may a person."""
    report = "review" if inspection.kind == InspectionKind.IRP else "inspection"
    return (
        f"the {report} is published, and its paragraphs are not taken out while it is: unpublish it in "
        "the inspectors’ workspace, import the report as a draft, and publish it again"
    )


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


def comparable(text: str) -> str:
    """A text with whitespace, hyphenation and quote styles set aside, to compare a review's quote
    of a recommendation with the full inspection's."""
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return re.sub(r"[\s\-‐‑]+", "", text).lower()


def quote_differs(reference: str, quoted: str, made: str) -> str | None:
    """The refusal when a review's quote of recommendation ``reference`` differs from the text the
    full inspection made, or None."""
    if comparable(quoted) == comparable(made):
        return None
    return (
        f"The review quotes recommendation {reference} as “{_short(quoted)}”, but the full inspection made it "
        f"as “{_short(made)}”: the texts differ beyond whitespace and hyphenation."
    )


def imported_text(run: Run, recommendation) -> str:
    """A recommendation's text as the last import wrote it (what a review quotes), or as it is
    where no import wrote it: an inspector's correction made since is the workspace's, listed as
    an edit by the import that would overwrite it, never mistaken for a differing quote."""
    last = run.imported.get((Recommendation, recommendation.pk))
    return last.text if last is not None and last.text else recommendation.text


def _short(text: str, length: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


@transaction.atomic
def save_report(
    report: Report, *, source: str, publish: bool | None = True, user=None, overwrite: bool = False
) -> tuple[Inspection, Changes]:
    """Writes ``report`` in one transaction and returns the review and what changed.

    ``publish``: True publishes the review (through ``publish_review``, with its permission
    check and audit event), False imports it as a draft (refused if it is published), None leaves
    an existing review's publication as it is (a new one is a draft). An existing review's
    publication date is never written: ``Changes.publication_date`` shows the report's.

    Every row written carries ``source`` as its history reason and ``user`` as who changed it. If
    the report would overwrite values inspectors changed since the last import, nothing is written
    (``EditedSinceImport`` lists them) unless ``overwrite``.
    """
    run = Run(source=source, user=user, overwrite=overwrite)
    scales = Scales()
    scales.check(report)
    establishment = _establishment(run, report)
    inspection, review, existing_review = _inspections(run, report, establishment, publish)
    if inspection.pk is None or review.pk is None:
        # A new review (or the inspection it follows up) is its lead inspectorate's to create.
        raise NotAllowedToImport(run.changes.refused)
    _team(run, report, review, scales)
    _findings(run, report, review)
    _items(run, report, inspection, review, scales)
    _appendix(run, report, review, scales)
    published = existing_review is not None and existing_review.status == PublicationStatus.PUBLISHED
    _remove_missing(run, review, published)
    refuse_what_cannot_be_removed(run.changes, review)
    if run.changes.refused and not run.changes.changed:
        # Nothing this user may write would change: the whole report is someone else's to import.
        raise NotAllowedToImport(run.changes.refused)
    if run.changes.edits and not overwrite:
        raise EditedSinceImport(run.changes.edits)
    _publish(run, review, existing_review, publish)
    if run.changes.changed:
        # What the public sees may have changed: the judgements' public windows and the cache.
        public_data_changed(reviews=[review])
        record_audit_event(
            AuditAction.IMPORTED,
            user=user,
            inspection=review,
            summary=f"Imported {source}: {audit_summary(run.changes)}." + _left_out(run.changes),
        )
    return review, run.changes


def _left_out(changes):
    """For the audit trail: what the import left for another inspectorate, if anything."""
    if not changes.refused:
        return ""
    return " Left for their own inspectorate: " + "; ".join(str(refused) for refused in changes.refused[:20]) + "."


def audit_summary(changes) -> str:
    """``3 rows created, 1 updated: summary paragraph 1.1 (text); 2 removed: team member 7 (…)``"""
    created, updated, removed = changes.count(CREATED), changes.count(UPDATED), changes.count(REMOVED)
    summary = f"{created} rows created, {updated} updated{_what_changed(changes)}"
    if removed:
        gone = [f"{model} {description}" for action, model, description in changes.rows if action == REMOVED]
        more = f", and {len(gone) - 20} more" if len(gone) > 20 else ""
        summary += f"; {removed} removed (not in the report): " + "; ".join(gone[:20]) + more
    return summary


def _what_changed(changes, limit=20):
    """The fields an import changed, for the audit trail: ``: summary paragraph 1.1 (text), …``."""
    updated = [f"{model} {description}" for action, model, description in changes.rows if action == UPDATED]
    if not updated:
        return ""
    more = f", and {len(updated) - limit} more" if len(updated) > limit else ""
    return ": " + "; ".join(updated[:limit]) + more


def _establishment(run: Run, report: Report) -> Establishment:
    establishment = Establishment.objects.filter(name=report.establishment).first()
    if establishment is not None:
        run.changes.add(UNCHANGED, establishment)
        return establishment
    slug = report_parser.establishment_slug(report.establishment)
    if Establishment.objects.filter(slug=slug).exists():
        raise ReportError(f"The web address part “{slug}” of {report.establishment} is taken by another establishment.")
    establishment = Establishment.objects.create(
        name=report.establishment, slug=slug, type=report_parser.establishment_type(report.establishment)
    )
    run.changes.add(CREATED, establishment)
    return establishment


def _inspections(run: Run, report: Report, establishment, publish: bool):
    """The full inspection the report follows up, and the review itself."""
    full_slug, review_slug = f"inspection-{report.full_inspection_year}", f"irp-{report.review_year}"
    found = {
        i.slug: i for i in Inspection.objects.filter(establishment=establishment, slug__in=[full_slug, review_slug])
    }
    existing_inspection, existing_review = found.get(full_slug), found.get(review_slug)
    run.remember_imports(Inspection, found.values())
    _check_publication(existing_review, publish)
    inspection = _sync(
        run,
        Inspection,
        {"establishment": establishment, "slug": full_slug},
        {
            "kind": InspectionKind.FULL,
            "year": report.full_inspection_year,
            "visit_period": report.full_inspection_period,
            # A new inspection starts as a draft; publishing the review publishes it (below), with
            # the review's date if it has none of its own, so nothing shows before the review.
            "status": existing_inspection.status if existing_inspection else PublicationStatus.DRAFT,
        },
        lambda obj: f"{report.establishment} full inspection, {report.full_inspection_period}",
        existing={(establishment.pk, full_slug): existing_inspection} if existing_inspection else {},
        owner=("lead", None),
    )
    review = _sync(
        run,
        Inspection,
        {"establishment": establishment, "slug": review_slug},
        {
            "kind": InspectionKind.IRP,
            "year": report.review_year,
            "title": report.title,
            "follows_up": inspection,
            # Visit dates only when the report prints them, so dates typed in later survive.
            **({"visit_start": report.visit_start, "visit_end": report.visit_end} if report.visit_start else {}),
            # Publication is a state change of its own (findings.publishing): an import never
            # writes a review's status, nor the date of one that exists (its embargo). A new
            # review is a draft proposed for the report's date.
            **(
                {}
                if existing_review
                else {"published_on": report.published_on, "published_month_only": report.published_month_only}
            ),
            "status": existing_review.status if existing_review else PublicationStatus.DRAFT,
            "summary_signed_by": report.signed_by,
            # The population only when the report states it, so a number typed in later survives.
            **({"population": report.population} if report.population is not None else {}),
            # Which file the review's text last came from: only from an import that may write it.
            **(
                {"source": run.source}
                if existing_review is None or run.refusal(("lead", existing_review), existing_review) is None
                else {}
            ),
        },
        lambda obj: f"{report.establishment} independent review of progress, {report.published_text}",
        existing={(establishment.pk, review_slug): existing_review} if existing_review else {},
        owner=("lead", None),
    )
    if existing_review is not None and (review.published_on, review.published_month_only) != (
        report.published_on,
        report.published_month_only,
    ):
        run.changes.publication_date = (review.published_on, report.published_on)
    return inspection, review, existing_review


def _team(run: Run, report: Report, review, scales: Scales) -> None:
    """The team, matched by position: a member renamed in the workspace is the same member."""
    members = list(review.team.all())
    run.remember_imports(TeamMember, members)
    team = _by(members, "inspection", "position")
    for position, member in enumerate(report.team, start=1):
        _sync(
            run,
            TeamMember,
            {"inspection": review, "position": position},
            {"name": member.name, "role": member.role, "inspectorate": scales.inspectorate(member.inspectorate)},
            lambda obj, position=position: f"{position} ({obj.name})",
            existing=team,
            owner=("lead", review),
        )


def _findings(run: Run, report: Report, review) -> None:
    """The summary, the key findings and notable positive practice."""
    paragraphs = _review_paragraphs(run, review)
    practice = list(NotablePractice.objects.filter(paragraph__inspection=review).select_related("paragraph"))
    run.remember_imports(NotablePractice, practice)
    practice = _by(practice, "paragraph")
    for paragraph in report.summary:
        _paragraph(run, review, paragraph, ParagraphPart.SUMMARY, paragraphs)
    for paragraph in report.key_findings:
        _paragraph(run, review, paragraph, ParagraphPart.KEY_FINDINGS, paragraphs)
    for paragraph in report.notable_practice:
        saved = _paragraph(run, review, paragraph, ParagraphPart.NOTABLE_PRACTICE, paragraphs)
        _sync(
            run,
            NotablePractice,
            {"paragraph": saved},
            {},
            lambda obj, number=paragraph.number: f"notable positive practice ({number})",
            existing=practice,
            owner=("lead", review),
        )


def _review_paragraphs(run: Run, review) -> dict:
    """The review's paragraphs by number, loaded once (with what the last import wrote to them)."""
    if run.paragraphs is None:
        rows = list(Paragraph.objects.filter(inspection=review))
        run.remember_imports(Paragraph, rows)
        run.paragraphs = _by(rows, "inspection", "number")
    return run.paragraphs


def _items(run: Run, report: Report, inspection, review, scales: Scales) -> None:
    """The recommendations and themes, their judgements and their evidence."""
    recommendations = list(Recommendation.objects.filter(inspection=inspection))
    judgements = list(Judgement.objects.filter(review=review))
    run.remember_imports(Recommendation, recommendations)
    run.remember_imports(Judgement, judgements)
    by_reference = _by([r for r in recommendations if r.reference], "inspection", "inspectorate", "reference")
    by_theme = _by(
        [r for r in recommendations if r.theme_number is not None], "inspection", "inspectorate", "theme_number"
    )
    by_recommendation = _by(judgements, "review", "recommendation")
    paragraphs = _review_paragraphs(run, review)
    for item in report.recommendations:
        inspectorate = scales.inspectorate(item.inspectorate)
        if item.kind == "theme":
            lookup = {"inspection": inspection, "inspectorate": inspectorate, "theme_number": item.theme_number}
        else:
            lookup = {"inspection": inspection, "inspectorate": inspectorate, "reference": item.reference}
        if item.kind != "theme" and inspection.era:
            recommendation = _made_at_full_inspection(run, inspection, inspectorate, item, by_reference)
        else:
            recommendation = _sync(
                run,
                Recommendation,
                lookup,
                {
                    "kind": RecommendationKind.THEME if item.kind == "theme" else RecommendationKind.RECOMMENDATION,
                    "area": item.area,
                    "concern": item.concern,
                    "text": item.text,
                    "position": item.position,
                },
                lambda obj, item=item: f"{item.inspectorate} {item.label}",
                existing=by_theme if item.kind == "theme" else by_reference,
                owner=("inspectorate", inspectorate),
            )
        judgement = _sync(
            run,
            Judgement,
            {"review": review, "recommendation": recommendation},
            {"level": scales.level(item.inspectorate, item.level, item.level_line), "position": item.position},
            lambda obj, item=item: f"{item.inspectorate} {item.label}",
            existing=by_recommendation,
            owner=("inspectorate", inspectorate),
        )
        for paragraph in item.evidence:
            _paragraph(
                run,
                review,
                paragraph,
                ParagraphPart.EVIDENCE,
                paragraphs,
                judgement,
                owner=("inspectorate", inspectorate),
            )


def _made_at_full_inspection(run: Run, inspection, inspectorate, item, by_reference):
    """The recommendation the full inspection (imported from its own report) made, which the
    review follows up: found by its reference, its text checked against the review's quote, and
    left as the full report wrote it. No second copy is ever made."""
    found = by_reference.get((inspection.pk, inspectorate.pk, item.reference))
    if found is None:
        raise ReportError(
            f"The review follows up recommendation {item.reference}, which {inspection} does not contain.", item.line
        )
    message = quote_differs(item.reference, item.text, imported_text(run, found))
    if message:
        raise ReportError(message, item.line)
    run.changes.add(UNCHANGED, found)
    return found


def _appendix(run: Run, report: Report, review, scales: Scales) -> None:
    """The glossary, and what inspectorates write at the head of their part of Section 3."""
    glossary = list(GlossaryEntry.objects.filter(review=review))
    introductions = list(SectionIntroduction.objects.filter(review=review))
    run.remember_imports(GlossaryEntry, glossary)
    run.remember_imports(SectionIntroduction, introductions)
    terms = _by(glossary, "review", "term")
    noted = {item.area.lower() for item in report.recommendations if item.area_see_glossary}
    for position, entry in enumerate(report.glossary, start=1):
        _sync(
            run,
            GlossaryEntry,
            {"review": review, "term": entry.term},
            {"definition": entry.definition, "position": position, "see_from_area": entry.term.lower() in noted},
            existing=terms,
            owner=("lead", review),
        )
    by_inspectorate = _by(introductions, "review", "inspectorate")
    for introduction in report.introductions:
        inspectorate = scales.inspectorate(introduction.inspectorate)
        _sync(
            run,
            SectionIntroduction,
            {"review": review, "inspectorate": inspectorate},
            {"text": introduction.text},
            lambda obj, name=introduction.inspectorate: f"{name} introduction",
            existing=by_inspectorate,
            owner=("inspectorate", inspectorate),
        )


def _remove_missing(run: Run, review, published: bool) -> None:
    """What the last import of the review wrote and this report no longer contains (see
    ``remove_missing``). Its notable practice before its paragraphs; a judgement only by hand."""

    def lead(obj):
        return ("lead", review)

    def evidence_owner(obj):
        return ("inspectorate", obj.judgement.recommendation.inspectorate) if obj.judgement_id else lead(obj)

    def judgement_name(obj):
        return f"{obj.recommendation.inspectorate} {obj.recommendation.label}"

    published_text = (lambda obj: published_text_reason(review)) if published else None
    by_hand = (
        "a judgement is taken out in the inspectors’ workspace, by its own inspectorate, before the report is "
        "imported again"
    )
    # (the model, the fields an import writes, how a row is named, whose it is, why it stays)
    for model, fields, name, owner, why_kept in (
        (NotablePractice, (), lambda obj: f"notable positive practice ({obj.paragraph.number})", lead, None),
        (
            Paragraph,
            ("part", "judgement", "text"),
            lambda obj: f"{obj.number} ({PART_NAMES.get(obj.part, obj.part)})",
            evidence_owner,
            published_text,
        ),
        (TeamMember, ("name", "role", "inspectorate"), lambda obj: f"{obj.position} ({obj.name})", lead, None),
        (GlossaryEntry, ("definition", "position", "see_from_area"), lambda obj: obj.term, lead, None),
        (
            SectionIntroduction,
            ("text",),
            lambda obj: f"{obj.inspectorate} introduction",
            lambda obj: ("inspectorate", obj.inspectorate),
            None,
        ),
        (
            Judgement,
            ("level",),
            judgement_name,
            lambda obj: ("inspectorate", obj.recommendation.inspectorate),
            lambda obj: by_hand,
        ),
    ):
        remove_missing(run, run.loaded.get(model, []), fields, name, owner, why_kept)


def _publish(run: Run, review, existing_review, publish: bool) -> None:
    if not publish or review.status == PublicationStatus.PUBLISHED:
        return
    try:
        publish_review(review, by=run.user)
    except PublicationError as error:
        raise ReportError(" ".join(error.messages)) from None
    review.refresh_from_db()
    if existing_review is not None:  # a new review is counted once, as created
        run.changes.add(UPDATED, review, f"{review} (published)")


def _check_publication(review, publish):
    """An import never takes a published review down, nor republishes one inspectors took down:
    those are decisions with a reason, made in the inspectors' workspace."""
    if review is None or publish is None:
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


PART_NAMES = {
    ParagraphPart.SUMMARY: "summary",
    ParagraphPart.KEY_FINDINGS: "key findings",
    ParagraphPart.NOTABLE_PRACTICE: "notable practice",
    ParagraphPart.EVIDENCE: "evidence",
}


def _paragraph(run, review, paragraph, part, existing, judgement=None, owner=None):
    return _sync(
        run,
        Paragraph,
        {"inspection": review, "number": paragraph.number},
        {"part": part, "judgement": judgement, "text": paragraph.text},
        lambda obj: f"{obj.number} ({PART_NAMES.get(obj.part, obj.part)})",
        existing=existing,
        owner=owner or ("lead", review),
    )
