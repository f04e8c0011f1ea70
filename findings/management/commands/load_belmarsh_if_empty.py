"""Load the example data (the fixtures in ``fixtures/``: the Belmarsh 2021 inspection and 2022
review) into an empty database, and only into an empty one, with the report files they were
made from (``fixtures/reports``) kept as each inspection's report as published.

``make run`` calls this on every start. Loading a fixture writes its rows over the rows with
the same keys, so loading it every time would silently put back any change a person had made
to that data locally; this command leaves a database that already holds an inspection or a
recommendation exactly as it is.

    .venv/bin/python manage.py load_belmarsh_if_empty            # loads only if empty
    .venv/bin/python manage.py load_belmarsh_if_empty --dry-run  # says what it would do
"""

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from findings.sources import keep_source
from recommendations.history import IMPORT_REASON, LOADED_REASON, record_first_history
from recommendations.models import Inspection, Recommendation


def fixture_files():
    """Every JSON fixture in the project's fixture folders, in name order."""
    return sorted(path for folder in settings.FIXTURE_DIRS for path in Path(folder).glob("*.json"))


def keep_report_files():
    """Keeps each loaded inspection's report file, as importing it would have: the fixtures hold
    what ``make fixtures`` imported from ``fixtures/reports``, each inspection naming its file
    in ``source``. An inspection with a notice (the constructed sample of a full inspection)
    keeps none: it was never published. Returns the names kept."""
    kept = []
    for inspection in Inspection.objects.exclude(source="").filter(notice="").order_by("pk"):
        for folder in settings.FIXTURE_DIRS:
            path = Path(folder) / "reports" / inspection.source
            if path.is_file():
                keep_source(inspection, path.read_bytes(), path.name)
                kept.append(path.name)
                break
    return kept


def is_empty():
    """True while nobody has any inspection data here: no inspection and no recommendation."""
    return not Inspection.objects.exists() and not Recommendation.objects.exists()


def first_history_reason(names):
    """The reason on the first history version of every loaded row. The fixtures are written by
    the importer from the reports in fixtures/reports (``make fixtures``): their values are the
    import's, so a later re-import of the same report sees them as imported, and a value changed
    since as an edit."""
    sources = sorted(set(Inspection.objects.exclude(source="").values_list("source", flat=True)))
    if len(sources) == 1:
        return f"{IMPORT_REASON}{sources[0]}"
    return f"{LOADED_REASON}{names}"[:100]


class Command(BaseCommand):
    help = "Load the example data in fixtures/ only into a database that holds no inspection yet."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Say what would happen; write nothing.")

    def handle(self, *args, dry_run=False, verbosity=1, **options):
        files = fixture_files()
        if not files:
            raise CommandError("There is no fixture to load: fixtures/ holds no .json file.")
        if not is_empty():
            if verbosity:
                self.stdout.write("The database already holds inspection data: nothing loaded, nothing changed.")
            return
        names = ", ".join(path.name for path in files)
        if dry_run:
            self.stdout.write(f"The database is empty: would load {names}.")
            return
        with transaction.atomic():
            for path in files:
                call_command("loaddata", str(path), verbosity=max(verbosity - 1, 0))
            record_first_history(first_history_reason(names))
            kept = keep_report_files()
        if verbosity:
            self.stdout.write(self.style.SUCCESS(f"The database was empty: loaded {names}."))
            if kept:
                self.stdout.write(f"Kept as the reports as published: {', '.join(kept)}.")
