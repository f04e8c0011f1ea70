"""Background work of imports (Celery, ``belmarsh_irp/celery.py``). Without a broker the tasks run
inline, in the request or command that sends them.

- ``read_upload`` and ``import_upload``: a long report uploaded in the workspace is read,
  previewed and imported by a worker, with its progress in ``reports.jobs``. A task does only what
  its inspector could do on the page: it checks again that the user is an inspector and that the
  upload is theirs.
- ``import_reports``: ``import_report --background`` queues it for the workers instead of
  importing in the terminal (a folder of a year's reports takes minutes). It does exactly what the
  command does, as the same user (``--user``): each report in its own transaction, a refused report
  writing nothing. Importing again changes nothing, so a retry after a lost database connection is
  safe.
"""

from __future__ import annotations

import logging
from io import StringIO

from celery import shared_task
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import InterfaceError, OperationalError, transaction

from recommendations.roles import is_inspector
from reports import jobs, upload
from reports.importer import EditedSinceImport, save_any_report
from reports.reading import ReportError
from reports.sources import import_file, read_file_with_progress, recorded_name

logger = logging.getLogger(__name__)


def _user(job):
    user = get_user_model().objects.filter(pk=job["user"]).first()
    if user is None or not is_inspector(user):
        raise ReportError("Only inspectors may import reports.")
    return user


def _reading(job):
    def progress(page, pages):
        if page == pages or page % 5 == 0:
            jobs.update(job, state=jobs.RUNNING, stage=f"Reading page {page} of {pages}", done=page, total=pages)

    return progress


@shared_task(name="reports.read_upload")
def read_upload(job_id: str) -> str:
    """Reads an upload and works out what importing it would write (rolled back)."""
    job = jobs.get(job_id)
    if job is None:
        return "gone"
    try:
        user = _user(job)
        data, name = upload.fetch(job["token"], user)
        jobs.update(job, state=jobs.RUNNING, stage="Opening the report")
        report = read_file_with_progress(data, name, _reading(job))
        jobs.update(job, stage="Working out what the import would change")
        with transaction.atomic():
            _, changes = save_any_report(
                report, source=recorded_name(data, name), publish=None, user=user, overwrite=True
            )
            transaction.set_rollback(True)
    except (ReportError, upload.UploadExpired) as error:
        jobs.update(job, state=jobs.REFUSED, message=f"{job['name']} cannot be imported. {error}")
        return jobs.REFUSED
    except Exception:
        jobs.update(job, state=jobs.FAILED, message="The report could not be read: nothing was written.")
        logger.exception("Reading the upload %s failed", job["name"])
        raise
    jobs.update(job, state=jobs.READY, stage="Read", report=report, changes=changes)
    return jobs.READY


@shared_task(name="reports.import_upload")
def import_upload(job_id: str, preview_id: str | None = None) -> str:
    """Imports a confirmed upload (a new review as a draft), reusing the preview's reading."""
    job = jobs.get(job_id)
    if job is None:
        return "gone"
    preview = jobs.get(preview_id) if preview_id else None
    try:
        user = _user(job)
        data, name = upload.fetch(job["token"], user)
        report = None
        if preview and preview.get("user") == job["user"] and preview.get("token") == job["token"]:
            report = preview.get("report")
        if report is None:
            jobs.update(job, state=jobs.RUNNING, stage="Opening the report")
            report = read_file_with_progress(data, name, _reading(job))
        jobs.update(job, state=jobs.RUNNING, stage="Writing the review")
        result = import_file(data, name, publish=None, user=user, overwrite=job["overwrite"], report=report)
    except EditedSinceImport as error:
        jobs.update(job, state=jobs.REFUSED, message=error.message, edited=True)
        return jobs.REFUSED
    except (ReportError, upload.UploadExpired) as error:
        jobs.update(job, state=jobs.REFUSED, message=f"{job['name']} cannot be imported. {error}")
        return jobs.REFUSED
    except Exception:
        jobs.update(job, state=jobs.FAILED, message="The import failed: nothing was written.")
        logger.exception("Importing the upload %s failed", job["name"])
        raise
    upload.discard(job["token"])
    changes = result.changes
    jobs.update(
        job,
        state=jobs.IMPORTED,
        stage="Imported",
        review=result.review.pk,
        message=f"Imported {name}: {changes.tally()}.",
    )
    return jobs.IMPORTED


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
