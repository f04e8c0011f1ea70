"""Imports that run in the background, and their progress, where every process can read it.

A long report (``needs_background``) is read and imported by a Celery task (``reports.tasks``)
instead of in the request. The task writes its progress to the cache every process shares (Redis
in production; see ``belmarsh_irp/settings.py``) under the job's id; the import page reads it
and refreshes itself until the job is done. A job belongs to the inspector who started it.
"""

from __future__ import annotations

import secrets
import time

from django.conf import settings
from django.core.cache import cache

from reports.reading.pdf import page_count
from reports.reading.reader import is_pdf

PREFIX = "reports:import-job:"
TIMEOUT = 2 * 60 * 60  # seconds a job's progress and result are kept
QUEUED, RUNNING, READY, REFUSED, IMPORTED, FAILED = "queued", "running", "ready", "refused", "imported", "failed"
DONE = {READY, REFUSED, IMPORTED, FAILED}


def background_pages() -> int:
    """A PDF longer than this many pages is read in the background (about 1.5 s per 100 pages
    here, before the import itself: see benchmarks/import_bench.py)."""
    return getattr(settings, "REPORT_BACKGROUND_PAGES", 30)


def needs_background(data: bytes, name: str) -> bool:
    if is_pdf(data, name):
        return page_count(data) > background_pages()
    return len(data) > 2 * 1024 * 1024  # text reads fast: only a very long one


def create(user, *, kind: str, name: str, token: str, overwrite: bool = False) -> dict:
    """A new job (``kind`` "preview" or "import") of ``user``'s upload ``token``."""
    job = {
        "id": secrets.token_urlsafe(16),
        "user": user.pk,
        "kind": kind,
        "name": name,
        "token": token,
        "overwrite": overwrite,
        "state": QUEUED,
        "stage": "Waiting for a worker",
        "done": 0,
        "total": 0,
        "message": "",
        "review": None,
        "started": time.time(),
    }
    save(job)
    return job


def get(job_id: str) -> dict | None:
    return cache.get(PREFIX + str(job_id)[:64])


def save(job: dict) -> None:
    cache.set(PREFIX + job["id"], job, TIMEOUT)


def update(job: dict, **values) -> dict:
    job.update(values)
    save(job)
    return job


def percent(job: dict) -> int:
    return int(100 * job["done"] / job["total"]) if job.get("total") else 0
