"""Imports published HMI Prisons reports: independent reviews of progress (IRPs) and full inspections.

A full inspection report (its first line "Report on an unannounced inspection of …") is read by
``reports.grammars.full_inspection`` and written by ``reports.full_importer``; see
docs/full-inspections.md.

Typing reports in is where errors come from: this reads each report's text (or its PDF, as
published), checks it against itself, and writes the establishment, the full inspection it
follows up, the review, the recommendations and themes, their judgements and evidence
paragraphs, notable positive practice and the team. Each report is its own transaction: a
refused report writes nothing and the others are still imported. Importing the same report again
changes nothing: an identical file (same SHA-256) is recognised and not read again. The file
itself is kept (``findings.ReportSource``), and the public review page links to it.

    .venv/bin/python manage.py import_report REPORT [REPORT|FOLDER …] [--dry-run] [--draft] [--user NAME] [--overwrite]

``--background`` hands the import to the Celery workers (``reports.tasks.import_reports``): the
files must be where the workers can read them. Without REDIS_URL it runs here, as if not given.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError
from django.utils import timezone
from django.utils.formats import date_format

from reports.grammars.full_inspection import FullInspection
from reports.importer import CREATED, REMOVED, UNCHANGED, UPDATED
from reports.reading import ReportError
from reports.sources import file_bytes, import_file

REPORT_SUFFIXES = {".pdf", ".txt"}


def report_files(arguments: list[str]) -> list[Path]:
    """The files named, and the reports (.pdf, .txt) in the folders named, in name order."""
    files: list[Path] = []
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in REPORT_SUFFIXES)
            if not found:
                raise CommandError(f"{path}: the folder holds no report (.pdf or .txt files).")
            files.extend(found)
        else:
            files.append(path)
    return files


class Command(BaseCommand):
    help = (
        "Imports independent review of progress and full inspection reports (their text, or their PDFs) "
        "into the tracker."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="REPORT", help="A report (.pdf or .txt), or a folder of them.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Read and check the reports, say what they would write, write nothing.",
        )
        parser.add_argument(
            "--draft",
            action="store_true",
            help="Import the reports (reviews and full inspections) as drafts, not published.",
        )
        parser.add_argument(
            "--user", metavar="USERNAME", help="Who is importing: recorded in the history of every row written."
        )
        parser.add_argument(
            "--background",
            action="store_true",
            help="Queue the import for the background workers (make worker) instead of running it here.",
        )
        parser.add_argument(
            "--overwrite",
            action="store_true",
            help="Replace values inspectors changed in the workspace since the last import (listed otherwise).",
        )

    def handle(self, *args, files, dry_run, draft, user, overwrite, verbosity, background=False, **options):
        importer = self._user(user)
        if background and not dry_run:
            return self._queue(files, user, draft, overwrite)
        paths = report_files(files)
        results = []  # (name, outcome, detail)
        for number, path in enumerate(paths, start=1):
            try:
                result = self._import(path, importer, dry_run, draft, overwrite)
            except CommandError as error:
                if len(paths) == 1:
                    raise
                results.append((path.name, "refused", str(error).removeprefix(f"{path}: ")))
                if verbosity >= 1:
                    self.stderr.write(f"[{number}/{len(paths)}] {path.name}: refused. {results[-1][2]}")
                continue
            report, changes = result.report, result.changes
            if verbosity >= 1:
                # Every row at -v 2; what the report took back (removed, or kept) always.
                self._rows(changes, dry_run, every_row=verbosity >= 2)
            outcome = "unchanged" if not result.changed else ("would import" if dry_run else "imported")
            results.append((path.name, outcome, changes.tally(dry_run)))
            if verbosity >= 1:
                line = self._summary(report, changes, dry_run, draft)
                if result.identical is not None:
                    line += " " + self._identical(result.identical)
                prefix = f"[{number}/{len(paths)}] {path.name}: " if len(paths) > 1 else ""
                self.stdout.write(prefix + line if dry_run else self.style.SUCCESS(prefix + line))
        if len(paths) > 1:
            if verbosity >= 1:
                self._table(results)
            refused = [r for r in results if r[1] == "refused"]
            if refused:
                raise CommandError(
                    f"{len(refused)} of {len(paths)} reports refused: {', '.join(r[0] for r in refused)}."
                )

    def _queue(self, files, username, draft, overwrite):
        from reports.tasks import import_reports

        paths = [str(path.resolve()) for path in report_files(files)]
        result = import_reports.delay(paths, username, draft, overwrite)
        if result.ready():  # no REDIS_URL: run here and now (eager)
            self.stdout.write(result.get().rstrip("\n"))
        else:
            self.stdout.write(
                f"Queued {len(paths)} report{'s' if len(paths) != 1 else ''} for the workers (task {result.id})."
            )

    def _user(self, username):
        if not username:
            return None
        User = get_user_model()
        try:
            return User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist:
            raise CommandError(f"There is no user “{username}” (--user).") from None

    def _import(self, path, user, dry_run, draft, overwrite):
        """One report in its own transaction, its file kept; CommandError naming the file if refused."""
        try:
            result = import_file(
                file_bytes(path), Path(path).name, publish=not draft, user=user, overwrite=overwrite, dry_run=dry_run
            )
        except ReportError as error:
            raise CommandError(f"{path}: {error}") from None
        except (IntegrityError, ValidationError) as error:
            raise CommandError(
                f"{path}: the tracker refused a row of this report, so nothing was written ({error})."
            ) from None
        return result

    @staticmethod
    def _identical(source):
        return (
            f"The file is identical to {source.original_name}, imported on "
            f"{date_format(timezone.localtime(source.imported_at))}: kept once."
        )

    def _rows(self, changes, dry_run, every_row):
        for action, model, description in changes.rows:
            if action == REMOVED or (every_row and action != UNCHANGED):
                verb = {CREATED: "create", UPDATED: "update", REMOVED: "remove"}[action]
                self.stdout.write(f"  {'would ' + verb if dry_run else verb + 'd'} {model}: {description}")
        for row in changes.kept:
            kept = "would keep" if dry_run else "kept"
            why = "not in the report, and no import wrote it (typed in the workspace, or loaded)"
            self.stdout.write(f"  {kept} {row}: {why}")

    def _summary(self, report, changes, dry_run, draft):
        if isinstance(report, FullInspection):
            return self._full_summary(report, changes, dry_run, draft)
        hmi = sum(1 for item in report.recommendations if item.kind == "recommendation")
        themes = len(report.recommendations) - hmi
        state = "as a draft" if draft else "published"
        what = (
            f"{report.establishment} independent review of progress ({report.published_text}, {state}): "
            f"{hmi} recommendations, {themes} themes, {len(report.evidence)} evidence paragraphs, "
            f"{len(report.team)} team members."
        )
        tally = changes.tally(dry_run)
        return f"Dry run, nothing written. {what} {tally}." if dry_run else f"Imported {what} {tally}."

    def _full_summary(self, report, changes, dry_run, draft):
        state = "as a draft" if draft else "published"
        with_text = len(report.recommendations)
        what = (
            f"{report.establishment} full inspection ({report.visit_as_printed}, published {report.published_text}, "
            f"{state}; {report.era} era): {len(report.concerns)} concerns, {with_text} with a recommendation, "
            f"{sum(1 for c in report.concerns if c.priority)} priorities, {len(report.scores)} healthy prison scores, "
            f"{len(report.notable_practice)} notable practice, {len(report.paragraphs)} numbered paragraphs, "
            f"{len(report.team)} team members."
        )
        for warning in report.warnings:
            self.stderr.write(f"Warning: {warning}")
        tally = changes.tally(dry_run)
        return f"Dry run, nothing written. {what} {tally}." if dry_run else f"Imported {what} {tally}."

    def _table(self, results):
        width = max(len(name) for name, _, _ in results)
        self.stdout.write("")
        self.stdout.write(f"{'Report'.ljust(width)}  {'Outcome'.ljust(12)}  Detail")
        for name, outcome, detail in results:
            self.stdout.write(f"{name.ljust(width)}  {outcome.ljust(12)}  {detail}")
        counts = {
            outcome: sum(1 for r in results if r[1] == outcome) for outcome in dict.fromkeys(r[1] for r in results)
        }
        self.stdout.write(", ".join(f"{n} {outcome}" for outcome, n in counts.items()) + f" (of {len(results)}).")
