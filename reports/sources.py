"""The report file as published: kept with its SHA-256, size and original name
(``findings.ReportSource``), and one way to import a file, for the command, the upload page and
the background task alike.

``import_file`` reads and parses the file, writes it (``reports.importer.save_report``) and keeps
the file, in one transaction: a refused report writes nothing and keeps no row. A file identical
to one already imported for the review (same SHA-256) is recognised: it changes nothing and is
not stored twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from findings.models import ReportSource
from findings.publishing import public_data_changed
from findings.sources import keep_source, sha256_of
from recommendations.models import Inspection
from reports.importer import Changes, parse_any_report, save_any_report
from reports.limits import format_refusal, size_refusal
from reports.reading import ReportError
from reports.reading.report import Report


@dataclass
class Imported:
    """What importing one file did."""

    name: str
    review: Inspection
    changes: Changes
    report: Report | None = None  # None when the file was recognised and not read again
    source: ReportSource | None = None
    identical: ReportSource | None = None  # the same file, imported before: nothing was done
    source_created: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.changes.changed) or self.source_created


def identical_source(data: bytes) -> ReportSource | None:
    """The source last imported with these very bytes (same SHA-256), if any."""
    return (
        ReportSource.objects.filter(sha256=sha256_of(data))
        .select_related("inspection__establishment")
        .latest_first()
        .first()
    )


def recorded_name(data: bytes, name: str, identical: ReportSource | None = None) -> str:
    """The name an import records as its source: the name the same bytes were first imported
    under, if they were (an identical file uploaded again as "report (1).pdf" changes nothing),
    else ``name``."""
    identical = identical if identical is not None else identical_source(data)
    return identical.original_name if identical is not None else name


def _relink(source: ReportSource, user) -> None:
    """A file kept before (for this review) whose import changed the review again, as an older file
    imported after a newer one does: it is what the review now says, so it becomes the latest, the
    one the public page links, and is still kept once."""
    source.imported_at = timezone.now()
    source.imported_by = user if getattr(user, "pk", None) else source.imported_by
    source.save(update_fields=["imported_at", "imported_by"])
    public_data_changed()


def file_bytes(path) -> bytes:
    """A report file's bytes, or ReportError saying why they cannot be read. A file over the
    upload page's size limit is refused before it is read, as the page refuses it."""
    path = Path(path)
    try:
        refusal = size_refusal(path.stat().st_size)
        if refusal:
            raise ReportError(refusal)
        return path.read_bytes()
    except FileNotFoundError:
        raise ReportError("There is no such file.") from None
    except IsADirectoryError:
        raise ReportError("This is a folder, not a report file.") from None
    except OSError as error:
        raise ReportError(f"The file cannot be read ({error.strerror}).") from None


def read_file(data: bytes, name: str):
    """The report in a file's bytes (a PDF by its layout, or text), or ReportError: a review
    (``Report``) or a full inspection (``FullInspection``), told apart by the title line. A file
    named neither .pdf nor .txt (and not starting %PDF-) is refused, as the upload page refuses it."""
    return read_file_with_progress(data, name, None)


def read_file_with_progress(data: bytes, name: str, progress):
    """``read_file``, calling ``progress(page, pages)`` as each page of a PDF is read (a full
    inspection's or a review's, told apart by the title once the pages are read)."""
    refusal = format_refusal(data, name)
    if refusal:
        raise ReportError(refusal)
    return parse_any_report(data, name, progress)


def import_file(
    data: bytes,
    name: str,
    *,
    publish: bool | None,
    user=None,
    overwrite: bool = False,
    dry_run: bool = False,
    report: Report | None = None,
) -> Imported:
    """Imports the report file ``data`` (named ``name``) in one transaction and keeps the file.

    A file identical to one imported before is recognised (``Imported.identical``): the import
    finds nothing to change, as for any unchanged report, and no second copy is kept. ``report``
    saves reading the file again when the caller has just parsed it. A dry run writes nothing and
    keeps nothing."""
    report = report or read_file(data, name)
    with transaction.atomic():
        identical = identical_source(data)
        review, changes = save_any_report(
            report, source=recorded_name(data, name, identical), publish=publish, user=user, overwrite=overwrite
        )
        source, created = (None, False) if dry_run else keep_source(review, data, name, user, identical)
        if source is not None and not created and changes.changed:
            _relink(source, user)
        if dry_run:
            transaction.set_rollback(True)
    if identical is not None and identical.inspection_id != review.pk:
        identical = None  # the same bytes were another review's file: this is a new source
    return Imported(name, review, changes, report=report, source=source, identical=identical, source_created=created)
