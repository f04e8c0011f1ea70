"""What a report file must be before anything reads its text, for the upload and the command
alike: at most ``MAX_REPORT_BYTES`` and ``MAX_REPORT_PAGES``, and not encrypted.

An encrypted PDF is refused as encrypted whether or not a library here could decrypt it (AES
needs ``cryptography``, which is not installed): a published report is never encrypted, and
one that is was not downloaded from the inspectorate's site as published.
"""

import io
import re

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext

from reports.parser import ReportError

MAX_REPORT_BYTES = 20 * 1024 * 1024  # a published IRP report is under 2 MB, a full report under 10 MB
MAX_REPORT_PAGES = 400  # a published IRP report has about 30 pages, a full inspection report about 120
ENCRYPT_ENTRY = re.compile(rb"/Encrypt\b")


def size_refusal(size, limit=None):
    """The sentence refusing a file of ``size`` bytes, or None if it is within the limit."""
    limit = MAX_REPORT_BYTES if limit is None else limit
    if size <= limit:
        return None
    return f"The file is {filesizeformat(size)}: reports up to {filesizeformat(limit)} can be imported."


def format_refusal(data: bytes, name: str):
    """The sentence refusing a file that is neither a PDF nor a report's text by its name and first
    bytes (the upload page and ``import_report`` alike), or None: a file starting ``%PDF-`` is a PDF
    whatever its name, a ``.pdf`` or ``.txt`` is read as one (and refused by its reader if it is
    not one); any other is refused."""
    if data.startswith(b"%PDF-") or name.lower().endswith((".pdf", ".txt")):
        return None
    return gettext("A report is imported from its PDF (.pdf) or its text (.txt), and this file is neither.")


def check_pdf(data: bytes, max_pages=None) -> None:
    """Refuses (``ReportError``) an encrypted PDF or one of too many pages; reads no text."""
    from pypdf import PdfReader

    max_pages = MAX_REPORT_PAGES if max_pages is None else max_pages
    try:
        reader = PdfReader(io.BytesIO(data))
        encrypted = reader.is_encrypted
        pages = None if encrypted else len(reader.pages)
    except Exception:  # noqa: BLE001 - any failure to open it: decided below, read again by the parser
        encrypted, pages = bool(ENCRYPT_ENTRY.search(data)), None
    if encrypted:
        raise ReportError(
            "The PDF is encrypted, so it cannot be imported: use the report as published, not a protected copy."
        )
    if pages is not None and pages > max_pages:
        raise ReportError(f"The PDF has {pages:,} pages: reports up to {max_pages:,} pages can be imported.")
