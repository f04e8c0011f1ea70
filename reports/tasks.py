"""Long imports as background work (Celery): a folder of a year's reports takes minutes.

``import_report --background`` queues ``import_reports`` for the workers instead of importing
in the terminal. The task does exactly what the command does, as the same user (``--user``): each
report in its own transaction, a refused report writing nothing. Importing again changes nothing,
so a retry after a lost database connection is safe.
"""

from io import StringIO

from celery import shared_task
from django.core.management import CommandError, call_command
from django.db import InterfaceError, OperationalError


@shared_task(
    name="reports.import_reports",
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=30,
    retry_backoff_max=10 * 60,
    max_retries=3,
    ignore_result=False,
)
def import_reports(paths, username=None, draft=False, overwrite=False):
    """Imports the reports at ``paths`` (files or folders the worker can read); returns what the
    command said, refusals included."""
    out, err = StringIO(), StringIO()
    options = {"draft": draft, "overwrite": overwrite, "stdout": out, "stderr": err}
    if username:
        options["user"] = username
    try:
        call_command("import_report", *paths, **options)
    except CommandError as error:
        err.write(f"{error}\n")
    return out.getvalue() + err.getvalue()
