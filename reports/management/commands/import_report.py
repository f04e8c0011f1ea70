"""Imports a published HMI Prisons independent review of progress (IRP) report.

Typing reports in is where errors come from: this reads the report's text (or its PDF), checks it
against itself, and writes the establishment, the full inspection it follows up, the review, the
recommendations and themes, their judgements and evidence paragraphs, notable positive practice
and the team, all in one transaction. Importing the same report again changes nothing.

    python manage.py import_report fixtures/reports/belmarsh-irp-2022.txt [--dry-run] [--draft]
"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError, transaction

from reports.importer import CREATED, UNCHANGED, UPDATED, read_report, save_report
from reports.parser import ReportError


class Command(BaseCommand):
    help = "Imports an independent review of progress report (its text, or its PDF) into the tracker."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The report: a .txt file of its text, or the .pdf.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Read and check the report, say what it would write, write nothing."
        )
        parser.add_argument("--draft", action="store_true", help="Import the review as a draft, not published.")

    def handle(self, *args, file, dry_run, draft, verbosity, **options):
        try:
            report = read_report(file)
            with transaction.atomic():
                review, changes = save_report(report, source=Path(file).name, publish=not draft)
                if dry_run:
                    transaction.set_rollback(True)
        except ReportError as error:
            raise CommandError(f"{file}: {error}") from None
        except (IntegrityError, ValidationError) as error:
            raise CommandError(
                f"{file}: the tracker refused a row of this report, so nothing was written ({error})."
            ) from None

        if verbosity >= 2:
            for action, model, description in changes.rows:
                if action != UNCHANGED or verbosity >= 3:
                    verb = {CREATED: "create", UPDATED: "update", UNCHANGED: "keep"}[action]
                    prefix = f"would {verb}" if dry_run else f"{verb}d" if verb != "keep" else "kept"
                    self.stdout.write(f"  {prefix} {model}: {description}")
        if verbosity >= 1:
            hmi = sum(1 for item in report.recommendations if item.kind == "recommendation")
            themes = len(report.recommendations) - hmi
            state = "as a draft" if draft else "published"
            what = (
                f"{report.establishment} independent review of progress ({report.published_text}, {state}): "
                f"{hmi} recommendations, {themes} themes, {len(report.evidence)} evidence paragraphs, "
                f"{len(report.team)} team members."
            )
            tally = (
                f"{changes.count(CREATED)} rows to create, {changes.count(UPDATED)} to update, "
                f"{changes.count(UNCHANGED)} unchanged"
                if dry_run
                else f"{changes.count(CREATED)} rows created, {changes.count(UPDATED)} updated, "
                f"{changes.count(UNCHANGED)} unchanged"
            )
            if dry_run:
                self.stdout.write(f"Dry run, nothing written. {what} {tally}.")
            else:
                self.stdout.write(self.style.SUCCESS(f"Imported {what} {tally}."))
