"""How long parsing and importing the seed report take, as text and as a typeset PDF: the median
of N runs (not a timed test).

    python benchmarks/import_bench.py [--runs 20]

The PDF is the seed typeset as published (A4, reflowed, footer and page number on every page,
tables), made with reportlab by tests/typeset.py (a test dependency). Parsing is pure Python;
reading a PDF is pypdf's text extraction. Importing runs into a fresh, temporary SQLite database (or the database
DATABASE_URL names, which must be migrated and empty of Belmarsh): the first import writes every
row, later ones find nothing to change.
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
        from reports.importer import read_report, save_report
        from reports.parser import parse_report, text_from_pdf
        from tests.typeset import typeset

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
            ("PDF: extract the text (pypdf)", timed(lambda: text_from_pdf(pdf.read_bytes()), args.runs)),
            ("PDF: parse the extracted text", timed(lambda: parse_report(pdf_text), args.runs)),
            ("PDF: extract, parse and import into an empty database", timed(lambda: first_import(pdf), args.runs)),
        ]
        repeat_import()
        results.append(("text: read, parse and import again (nothing to change)", timed(repeat_import, args.runs)))
        vendor = connection.vendor
        connections.close_all()

    print(f"Seed report {SEED_REPORT.name} and its typeset PDF, {args.runs} runs each, {vendor} database:")
    for name, (median, low, high) in results:
        print(f"  {name:<58} median {median:7.1f} ms  (min {low:.1f}, max {high:.1f})")


if __name__ == "__main__":
    main()
