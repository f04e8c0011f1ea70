"""Regenerates fixtures/belmarsh.json from the seed reports with the importer.

It imports fixtures/reports/belmarsh-full-inspection-2021.txt (the full inspection, a sample
constructed for testing: see docs/full-inspections.md) and then fixtures/reports/belmarsh-irp-2022.txt
(the review, which links to the recommendations the inspection made) into a fresh, temporary SQLite database and
dumps the domain rows the import wrote (not the history, nor the inspectorates and progress
scales, which the migrations load; rows refer to them by natural key: a scale's slug and a
level's slug). Run it with ``make fixtures``.

    python scripts/make_fixtures.py [--output fixtures/belmarsh.json] [--migrated FILE]

``--migrated`` starts from a copy of an SQLite database already migrated (the tests pass the one
their run migrated, to save migrating again); ``migrate`` still runs on it, with nothing to apply.
"""

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
SEED_REPORT = PROJECT_DIR / "fixtures" / "reports" / "belmarsh-irp-2022.txt"
FULL_INSPECTION = PROJECT_DIR / "fixtures" / "reports" / "belmarsh-full-inspection-2021.txt"
OUTPUT = PROJECT_DIR / "fixtures" / "belmarsh.json"

SAMPLE_NOTICE = (
    "Example data, constructed for testing: not HM Inspectorate of Prisons’ report. Only the ten "
    "recommendations its 2022 review follows up are quoted from it; the rest, names included, is fictional."
)

# In dependency order; rows within a model by primary key, so the file is the same every time.
MODELS = [
    "recommendations.Establishment",
    "recommendations.Inspection",
    "recommendations.TeamMember",
    "recommendations.HealthyPrisonScore",
    "recommendations.Recommendation",
    "findings.Judgement",
    "findings.Paragraph",
    "findings.NotablePractice",
    "findings.GlossaryEntry",
    "findings.SectionIntroduction",
]


def build(seed: Path, full_inspection: Path | None = FULL_INSPECTION) -> str:
    from django.apps import apps
    from django.core import serializers
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    if full_inspection is not None:
        call_command("import_report", str(full_inspection), verbosity=0)
        # Its pages say what it is (fixtures/reports/LICENCE.md): never shown as HMIP's text.
        Inspection = apps.get_model("recommendations.Inspection")
        Inspection.objects.filter(source=full_inspection.name).update(notice=SAMPLE_NOTICE)
    call_command("import_report", str(seed), verbosity=0)
    querysets = [apps.get_model(label).objects.order_by("pk") for label in MODELS]
    rows = json.loads(
        serializers.serialize("json", [obj for qs in querysets for obj in qs], use_natural_foreign_keys=True)
    )
    # Timestamps of the import run would change the file on every run: pin them to the review's
    # publication date (its judgements, and when it and its inspection were published).
    inspections = [row for row in rows if row["model"] == "recommendations.inspection"]
    published = {row["pk"]: row["fields"]["published_on"] for row in inspections}
    for row in rows:
        if row["model"] == "recommendations.inspection" and row["fields"]["published_at"]:
            row["fields"]["published_at"] = f"{row['fields']['published_on']}T00:00:00Z"
        if row["model"] == "findings.judgement":
            moment = f"{published[row['fields']['review']]}T00:00:00Z"
            row["fields"]["created_at"] = row["fields"]["updated_at"] = moment
        # The stored search documents are computed by the database as rows are written.
        row["fields"].pop("search_document", None)
        row["fields"].pop("public_document", None)
    return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--seed", type=Path, default=SEED_REPORT)
    parser.add_argument("--full-inspection", type=Path, default=FULL_INSPECTION)
    parser.add_argument("--migrated", type=Path, help="an SQLite database already migrated, to start from a copy of")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "fixtures.sqlite3"
        if args.migrated is not None:
            shutil.copyfile(args.migrated, database)
        os.environ["DATABASE_URL"] = f"sqlite:///{database}"
        os.environ["DJANGO_SETTINGS_MODULE"] = "belmarsh_irp.settings"
        os.environ.setdefault("DJANGO_DEBUG", "1")
        sys.path.insert(0, str(PROJECT_DIR))
        import django

        django.setup()
        content = build(args.seed, args.full_inspection)
        from django.db import connections

        connections.close_all()
    args.output.write_text(content, encoding="utf-8")
    print(f"Wrote {args.output} from {args.full_inspection.name} and {args.seed.name}.")


if __name__ == "__main__":
    main()
