"""The report file as published, kept: its bytes in Django's storage under their SHA-256, with
its size and original name (``findings.ReportSource``). The importer keeps every file it reads
(``reports.sources``); loading the example data keeps the reports its fixtures were made from.
"""

import hashlib

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from findings.models import ReportSource
from findings.publishing import public_data_changed


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def keep_source(inspection, data: bytes, name: str, user=None, identical: ReportSource | None = None):
    """The inspection's source with these bytes, stored (under its SHA-256) if new; and whether
    new. ``identical`` is the source with the same bytes, if the caller looked already."""
    digest = sha256_of(data)
    if identical is not None and identical.inspection_id == inspection.pk:
        return identical, False
    existing = ReportSource.objects.filter(inspection=inspection, sha256=digest).first()
    if existing is not None:
        return existing, False
    is_pdf = name.lower().endswith(".pdf") or data.startswith(b"%PDF-")
    source = ReportSource(
        inspection=inspection,
        sha256=digest,
        size=len(data),
        original_name=name[:200],
        media_type=ReportSource.PDF if is_pdf else ReportSource.TEXT,
        imported_by=user if getattr(user, "pk", None) else None,
    )
    path = source.file.field.upload_to(source, name)
    # Stored first, under its content's name: a rolled-back import leaves at most a file that the
    # same bytes would reuse, never a row without its file.
    if not default_storage.exists(path):
        saved = default_storage.save(path, ContentFile(data))
        if saved != path:  # pragma: no cover - a storage that renames: keep what it named
            path = saved
    source.file.name = path
    source.save()
    public_data_changed()  # the public page now links the file
    return source, True
