"""How long parsing and importing the seed report take, as text and as a typeset PDF: the median
of N runs (not a timed test).

    python benchmarks/import_bench.py [--runs 20] [--long-runs 3] [--pages 120]

The PDF is the seed typeset as published (A4, reflowed, footer and page number on every page,
tables), made with reportlab by tests/typeset.py (a test dependency). Parsing is pure Python;
reading a PDF is pypdf's text extraction with its text visitor (each run's font, size and place).

A full inspection report runs to 80–120 pages: the seed lengthened to ``--pages`` pages (more
summary paragraphs, tests/typeset.py's ``lengthened``) is read and parsed too, and its layout read
by pdfplumber where that is installed (``pip install pdfplumber``; not a dependency), to compare
the two libraries on the same file. The target is under 10 s for 120 pages.

Importing runs into a fresh, temporary SQLite database (or the database DATABASE_URL names,
which must be migrated and empty of Belmarsh): the first import writes every row, later ones
find nothing to change.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
SEED_REPORT = PROJECT_DIR / "fixtures" / "reports" / "belmarsh-irp-2022.txt"


def timed(function, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), min(times), max(times)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--long-runs", type=int, default=3, help="runs on the long PDF")
    parser.add_argument("--pages", type=int, default=120, help="pages of the long PDF")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as folder:
        os.environ.setdefault("DATABASE_URL", f"sqlite:///{Path(folder) / 'bench.sqlite3'}")
        os.environ["DJANGO_SETTINGS_MODULE"] = "belmarsh_irp.settings"
        os.environ.setdefault("DJANGO_DEBUG", "1")
        sys.path.insert(0, str(PROJECT_DIR))
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection, connections, transaction

        from recommendations.models import Establishment
        from reports.grammars.irp import parse_document
        from reports.importer import read_report, save_report
        from reports.parser import parse_report, text_from_pdf
        from reports.reading import read_document
        from reports.reading.pdf import pdf_pages
        from tests.typeset import lengthened, typeset

        call_command("migrate", verbosity=0, interactive=False)
        text = SEED_REPORT.read_text(encoding="utf-8")
        pdf = Path(folder) / "belmarsh-irp-2022.pdf"
        pdf.write_bytes(typeset(text, "a4"))
        pdf_text = text_from_pdf(pdf.read_bytes())

        def first_import(path=SEED_REPORT):
            with transaction.atomic():
                save_report(read_report(path), source=path.name)
                transaction.set_rollback(True)  # so that every run writes every row

        def repeat_import(path=SEED_REPORT):
            save_report(read_report(path), source=path.name)

        if Establishment.objects.filter(name="HMP Belmarsh").exists():
            sys.exit("The database already holds HMP Belmarsh: point DATABASE_URL at an empty, migrated one.")
        results = [
            ("text: parse", timed(lambda: parse_report(text), args.runs)),
            ("text: read, parse and import into an empty database", timed(first_import, args.runs)),
            (
                "PDF: its lines with layout, as text (pypdf text visitor)",
                timed(lambda: text_from_pdf(pdf.read_bytes()), args.runs),
            ),
            ("PDF: parse that text by the text rules", timed(lambda: parse_report(pdf_text), args.runs)),
            ("PDF: extract, parse and import into an empty database", timed(lambda: first_import(pdf), args.runs)),
        ]
        repeat_import()
        results.append(("text: read, parse and import again (nothing to change)", timed(repeat_import, args.runs)))
        long_pdf, pages = _long_pdf(text, args.pages, lengthened, typeset, pdf_pages)
        results += [
            (
                f"{pages}-page PDF: lines with layout (pypdf text visitor)",
                timed(lambda: pdf_pages(long_pdf), args.long_runs),
            ),
            (
                f"{pages}-page PDF: read and parse (reader and IRP grammar)",
                timed(lambda: parse_document(read_document(long_pdf, "long.pdf")), args.long_runs),
            ),
            (
                f"{pages}-page PDF: plain text only (pypdf layout mode, the old reader)",
                timed(lambda: _pypdf_layout_text(long_pdf), args.long_runs),
            ),
        ]
        try:
            import pdfplumber  # noqa: F401
        except ImportError:
            print("pdfplumber is not installed: its figure is left out (pip install pdfplumber).")
        else:
            results.append(
                (f"{pages}-page PDF: words with font and size (pdfplumber)", timed(lambda: _plumber(long_pdf), 1))
            )
        vendor = connection.vendor
        connections.close_all()

    print(
        f"Seed report {SEED_REPORT.name} and its typeset PDF, {args.runs} runs each ({args.long_runs} on the long "
        f"PDF), {vendor} database:"
    )
    for name, (median, low, high) in results:
        print(f"  {name:<66} median {median:8.1f} ms  (min {low:.1f}, max {high:.1f})")


def _long_pdf(text, pages, lengthened, typeset, pdf_pages):
    """The seed lengthened until its typeset PDF has ``pages`` pages (about 4 paragraphs a page)."""
    paragraphs = max(0, int((pages - 15) * 4))
    while True:
        data = typeset(lengthened(text, paragraphs), "a4")
        count = len(pdf_pages(data))
        if count >= pages or paragraphs >= 980:
            return data, count
        paragraphs += max(3, int((pages - count) * 4))


def _pypdf_layout_text(data):
    import io

    from pypdf import PdfReader

    return [page.extract_text(extraction_mode="layout") for page in PdfReader(io.BytesIO(data)).pages]


def _plumber(data):
    import io

    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [page.extract_words(extra_attrs=["fontname", "size"]) for page in pdf.pages]


if __name__ == "__main__":
    main()
