"""Benchmark of the open data: the API's lists, the national comparison and the feeds on data
many times Belmarsh's size.

    .venv/bin/python benchmarks/open_data_bench.py [--copies 100] [--repeat 10]

Builds the same throw-away database as ``benchmarks/public_bench.py`` (its builders are reused)
and prints, for each URL, the SQL queries it ran and its median server time through the Django
test client. Nothing outside the temporary database is written.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import public_bench  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=100, help="prisons the size of Belmarsh (default 100)")
    parser.add_argument("--repeat", type=int, default=10, help="timed requests per URL (default 10)")
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="open-data-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "belmarsh_irp.settings_test")
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    setup_test_environment()
    if connection.vendor == "sqlite":
        connection.settings_dict["TEST"]["NAME"] = f"{workdir}/bench-test.sqlite3"
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        started = time.perf_counter()
        today = timezone.localdate()
        for number in range(args.copies):
            public_bench.build_with_orm(number, today)
        from findings.models import Judgement, Paragraph
        from recommendations.models import Recommendation

        print(
            f"{connection.vendor}: {args.copies} prisons, {Recommendation.objects.count()} recommendations, "
            f"{Judgement.objects.count()} judgements, {Paragraph.objects.count()} paragraphs, "
            f"built in {time.perf_counter() - started:.0f} s"
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        urls = [
            ("api recommendations", "/api/v1/recommendations/"),
            ("api recs filtered", "/api/v1/recommendations/?judgement=no-meaningful-progress&q=cameras"),
            ("api judgements", "/api/v1/judgements/"),
            ("api paragraphs", "/api/v1/paragraphs/"),
            ("api inspections", "/api/v1/inspections/"),
            ("api establishments", "/api/v1/establishments/"),
            ("compare", "/compare/"),
            ("compare by year", "/compare/?year=2022"),
            ("compare area", "/compare/areas/use-of-force/"),
            ("compare csv", "/compare/areas.csv"),
            ("feed reviews", "/feeds/reviews.atom"),
        ]
        client = Client()
        print(f"{'url':<22}{'status':>7}{'queries':>9}{'median ms':>11}")
        for name, url in urls:
            status, count, median = public_bench.measure(client, url, args.repeat)
            print(f"{name:<22}{status:>7}{count:>9}{median:>11.1f}")
    finally:
        connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)


if __name__ == "__main__":
    main()
