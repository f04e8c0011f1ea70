"""Background imports (Celery, ``belmarsh_irp/celery.py``): a long report is read, previewed and
imported by a worker, with its progress in ``reports.jobs``. Without a broker the tasks run
inline, in the request that sends them.

A task does only what its inspector could do on the page: it checks again that the user is an
inspector and that the upload is theirs.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.contrib.auth import get_user_model
from django.db import transaction

from recommendations.roles import is_inspector
from reports import jobs, upload
from reports.importer import CREATED, UNCHANGED, UPDATED, EditedSinceImport, save_any_report
from reports.reading import ReportError
from reports.sources import import_file, read_file_with_progress

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
            _, changes = save_any_report(report, source=name, publish=None, user=user, overwrite=True)
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
        message=(
            f"Imported {name}: {changes.count(CREATED)} rows created, {changes.count(UPDATED)} updated, "
            f"{changes.count(UNCHANGED)} unchanged."
        ),
    )
    return jobs.IMPORTED
