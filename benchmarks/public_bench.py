"""Benchmark of the public pages on data many times Belmarsh's size.

    .venv/bin/python benchmarks/public_bench.py [--copies 100] [--repeat 20]

Builds a throw-away database (a temporary SQLite file; with DATABASE_URL set, a test database
``test_<name>`` on that server, dropped at the end), loads ``--copies`` prisons each the size of
Belmarsh's 2021 inspection and 2022 review (13 recommendations and themes, 65 paragraphs), and
prints, for each public page, the SQL queries it ran and its median server time through the
Django test client.

With the report importer present (``manage.py import_report``) each prison is an import of a
renamed copy of ``fixtures/reports/belmarsh-irp-2022.txt``; without it the same shape is built
with the ORM. Nothing outside the temporary database is written.
"""

import argparse
import datetime
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
REPORT = PROJECT_DIR / "fixtures" / "reports" / "belmarsh-irp-2022.txt"
sys.path.insert(0, str(PROJECT_DIR))

HMI = [
    ("Early days in custody", "good-progress"),
    ("Encouraging positive behaviour", "reasonable-progress"),
    ("Use of force", "reasonable-progress"),
    ("Suicide and self-harm prevention", "reasonable-progress"),
    ("Suicide and self-harm prevention", "reasonable-progress"),
    ("Protection of adults at risk", "reasonable-progress"),
    ("Equality and diversity", "reasonable-progress"),
    ("Time out of cell", "reasonable-progress"),
    ("Public protection", "no-meaningful-progress"),
    ("Release planning", "no-meaningful-progress"),
]
OFSTED = [
    ("Education, skills and work", "reasonable-progress"),
    ("Education, skills and work", "reasonable-progress"),
    ("Education, skills and work", "insufficient-progress"),
]
TEXT = (
    "Managers had introduced a weekly scrutiny meeting and data were used well to target scrutiny efforts, "
    "although staff still did not activate body-worn cameras routinely or early enough to record the entire incident."
)


def build_with_orm(number, today):
    """One prison shaped like Belmarsh: a published full inspection and a published review."""
    from findings.models import Judgement, NotablePractice, Paragraph, ParagraphPart, ProgressLevel
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

    inspectorates = {i.slug: i for i in Inspectorate.objects.all()}
    levels = {(lv.inspectorate.slug, lv.slug): lv for lv in ProgressLevel.objects.select_related("inspectorate")}
    establishment = Establishment.objects.create(name=f"HMP Bench {number:04d}", slug=f"bench-{number:04d}")
    inspection = Inspection.objects.create(
        establishment=establishment,
        kind=InspectionKind.FULL,
        slug="inspection-2021",
        visit_start=datetime.date(2021, 8, 2),
        visit_end=datetime.date(2021, 8, 13),
        published_on=datetime.date(2021, 11, 1),
        status=PublicationStatus.PUBLISHED,
    )
    review = Inspection.objects.create(
        establishment=establishment,
        kind=InspectionKind.IRP,
        slug="irp-2022",
        follows_up=inspection,
        visit_start=datetime.date(2022, 3, 7),
        visit_end=datetime.date(2022, 3, 9),
        published_on=datetime.date(2022, 4, 26),
        status=PublicationStatus.PUBLISHED,
        summary_signed_by="Charlie Taylor, HM Chief Inspector of Prisons",
    )
    for index in range(1, 12):
        Paragraph.objects.create(inspection=review, number=f"1.{index}", part=ParagraphPart.SUMMARY, text=TEXT)
    for index in range(1, 4):
        Paragraph.objects.create(inspection=review, number=f"2.{index}", part=ParagraphPart.KEY_FINDINGS, text=TEXT)
    practice = Paragraph.objects.create(
        inspection=review, number="2.4", part=ParagraphPart.NOTABLE_PRACTICE, text=TEXT + " (See paragraph 3.5.)"
    )
    NotablePractice.objects.create(paragraph=practice, title="Conflict resolution team")
    paragraph = 0
    judged = [("hmi-prisons", *row) for row in HMI] + [("ofsted", *row) for row in OFSTED]
    for position, (inspectorate_slug, area, level_slug) in enumerate(judged, 1):
        is_theme = inspectorate_slug == "ofsted"
        recommendation = Recommendation.objects.create(
            inspection=inspection,
            inspectorate=inspectorates[inspectorate_slug],
            kind=RecommendationKind.THEME if is_theme else RecommendationKind.RECOMMENDATION,
            theme_number=position - len(HMI) if is_theme else None,
            area=area,
            concern=TEXT,
            text=f"Recommendation {position}: {TEXT}",
            reference="" if is_theme else f"1.{36 + position}",
            position=position,
        )
        judgement = Judgement.objects.create(
            review=review,
            recommendation=recommendation,
            level=levels[(inspectorate_slug, level_slug)],
            position=position,
        )
        for _ in range(5):
            paragraph += 1
            Paragraph.objects.create(
                inspection=review, number=f"3.{paragraph}", part=ParagraphPart.EVIDENCE, judgement=judgement, text=TEXT
            )
    for position, (name, role, slug) in enumerate(
        [("Team Leader", "Team leader", "hmi-prisons"), ("An Inspector", "Inspector", "hmi-prisons")]
        + [("Ofsted Inspector", "Ofsted inspector", "ofsted")]
    ):
        TeamMember.objects.create(
            inspection=review, name=name, role=role, inspectorate=inspectorates[slug], position=position
        )
    return review


def build_with_importer(number, workdir):
    """One prison: the Belmarsh report renamed, imported, then published."""
    from django.core.management import call_command

    from recommendations.models import Inspection, PublicationStatus

    name = f"Bench{number:04d}"
    copy = Path(workdir) / f"bench-{number:04d}.txt"
    copy.write_text(REPORT.read_text(encoding="utf-8").replace("Belmarsh", name), encoding="utf-8")
    call_command("import_report", str(copy), verbosity=0)
    for inspection in Inspection.objects.filter(establishment__name__contains=name):
        if inspection.status != PublicationStatus.PUBLISHED:
            inspection.status = PublicationStatus.PUBLISHED  # saved one by one: history is kept
            inspection.save()


def measure(client, url, repeat):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings = []
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    status, count = response.status_code, len(queries)
    for _ in range(repeat):
        start = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
    return status, count, statistics.median(timings)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=100, help="prisons the size of Belmarsh (default 100)")
    parser.add_argument("--repeat", type=int, default=20, help="timed requests per page (default 20)")
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="public-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "belmarsh_irp.settings_test")
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    import django

    django.setup()
    from django.core.management import get_commands
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    setup_test_environment()
    if connection.vendor == "sqlite":
        connection.settings_dict["TEST"]["NAME"] = f"{workdir}/bench-test.sqlite3"
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        use_importer = "import_report" in get_commands()
        started = time.perf_counter()
        today = timezone.localdate()
        for number in range(args.copies):
            if use_importer:
                build_with_importer(number, workdir)
            else:
                build_with_orm(number, today)
        from findings.models import Judgement, Paragraph
        from recommendations.models import Recommendation

        print(
            f"{connection.vendor}: {args.copies} prisons ({'importer' if use_importer else 'ORM builder'}), "
            f"{Recommendation.objects.count()} recommendations, {Judgement.objects.count()} judgements, "
            f"{Paragraph.objects.count()} paragraphs, loaded in {time.perf_counter() - started:.0f} s"
        )
        # A freshly loaded database has no planner statistics yet; a live one has them
        # (autovacuum on PostgreSQL). Without them PostgreSQL picks slow plans for the list.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        from recommendations.models import Inspection

        review = Inspection.objects.reviews().select_related("establishment").order_by("pk").last()
        recommendation = Recommendation.objects.order_by("pk").last()
        pages = [
            ("home", "/"),
            ("establishments", "/establishments/"),
            ("establishment", review.establishment.get_absolute_url()),
            ("review", review.get_absolute_url()),
            ("list", "/recommendations/"),
            ("list page 50", "/recommendations/?page=50"),
            ("list filtered", "/recommendations/?judgement=no-meaningful-progress&year=2021"),
            ("list search", "/recommendations/?q=body-worn+cameras"),
            ("detail", recommendation.get_absolute_url()),
            ("csv", "/recommendations.csv"),
            ("csv filtered", "/recommendations.csv?judgement=no-meaningful-progress"),
        ]
        client = Client()
        print(f"{'page':<16}{'status':>7}{'queries':>9}{'median ms':>11}")
        for name, url in pages:
            status, count, median = measure(client, url, args.repeat)
            print(f"{name:<16}{status:>7}{count:>9}{median:>11.1f}")
    finally:
        connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)


if __name__ == "__main__":
    main()
