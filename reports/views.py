"""The inspectors' report import, in the admin: upload a PDF (or the report's text), see what it
would change, confirm. A long PDF is read and imported in the background (``reports.tasks``),
its progress on the page (``import_job``).

Nothing is written until the confirmation: the preview imports the report in a transaction that
is rolled back. Only inspectors may import; the admin's own check (staff, signed in) runs first.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from recommendations.roles import is_inspector
from reports import jobs, tasks, upload
from reports.forms import ConfirmForm, UploadForm
from reports.grammars.full_inspection import FullInspection
from reports.importer import CREATED, REMOVED, UNCHANGED, UPDATED, EditedSinceImport, describe_refused, save_any_report
from reports.reading import ReportError
from reports.reading.reader import is_pdf
from reports.sources import identical_source, import_file, read_file, recorded_name, sha256_of


def _inspector_only(request):
    if not is_inspector(request.user):
        raise PermissionDenied(gettext("Only inspectors may import reports."))


def _context(request, **extra):
    return {**admin.site.each_context(request), "title": gettext("Import a report"), **extra}


def _preview(data: bytes, name: str, user):
    """The report and what importing it would write, worked out and rolled back."""
    report = read_file(data, name)
    with transaction.atomic():
        _, changes = save_any_report(report, source=recorded_name(data, name), publish=None, user=user, overwrite=True)
        transaction.set_rollback(True)
    return report, changes


def _file(data: bytes | None, name: str) -> dict | None:
    """What the preview says about the file itself: its format, size and SHA-256, and the source
    already kept with the same bytes, if any (importing it again keeps no second copy)."""
    if data is None:
        return None
    return {
        "format_label": "PDF" if is_pdf(data, name) else gettext("text"),
        "size": len(data),
        "sha256": sha256_of(data),
        "identical": identical_source(data),
    }


def _identical_note(data: bytes) -> str:
    """After a refusal: that these very bytes were imported before, if they were (an inspector
    uploading the file again learns that there is nothing of theirs left to import)."""
    identical = identical_source(data)
    if identical is None:
        return ""
    return " " + gettext("This very file (the same SHA-256) was imported on %(date)s as %(name)s, for %(review)s.") % {
        "date": date_format(timezone.localtime(identical.imported_at).date()),
        "name": identical.original_name,
        "review": identical.inspection,
    }


def _preview_context(request, report, changes, name, form, data=None):
    rows = {
        action: [row for row in changes.rows if row[0] == action] for action in (CREATED, UPDATED, REMOVED, UNCHANGED)
    }
    edited = {(edit.model, edit.row, edit.field) for edit in changes.edits}
    fields = [
        {"model": model, "row": row, "field": field, "old": old, "new": new, "edited": (model, row, field) in edited}
        for model, row, field, old, new in changes.fields
    ]
    current, reported = changes.publication_date or (None, None)
    return _context(
        request,
        title=gettext("Import %(name)s?") % {"name": name},
        report=report,
        full_inspection=isinstance(report, FullInspection),
        # An import leaves a review's publication date alone: the report's is shown beside it.
        publication_date_now=current,
        publication_date_in_report=reported,
        publication_date_differs=changes.publication_date is not None,
        recommendations=sum(
            1 for item in report.recommendations if getattr(item, "kind", "recommendation") == "recommendation"
        ),
        themes=sum(1 for item in report.recommendations if getattr(item, "kind", "") == "theme"),
        name=name,
        created=rows[CREATED],
        updated=rows[UPDATED],
        removed=rows[REMOVED],
        kept=changes.kept,
        unchanged=len(rows[UNCHANGED]),
        fields=fields,
        edits=changes.edits,
        refused=changes.refused,
        form=form,
        file=_file(data, name),
    )


@require_http_methods(["GET", "POST"])
def upload_report(request):
    """Step 1: the upload form; a valid PDF is read and its preview shown (nothing written)."""
    _inspector_only(request)
    if request.method == "GET":
        return render(request, "reports/import_upload.html", _context(request, form=UploadForm()))
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "reports/import_upload.html", _context(request, form=form), status=400)
    name = form.cleaned_data["report"].name.rsplit("/", 1)[-1][:200]
    if jobs.needs_background(form.data_bytes, name):
        token = upload.keep(form.data_bytes, name, request.user)
        job = jobs.create(request.user, kind="preview", name=name, token=token)
        tasks.read_upload.delay(job["id"])
        return redirect("reports:import-job", job=job["id"])
    try:
        report, changes = _preview(form.data_bytes, name, request.user)
    except ReportError as error:
        form.add_error("report", f"{name} cannot be imported. {error}{_identical_note(form.data_bytes)}")
        return render(request, "reports/import_upload.html", _context(request, form=form), status=400)
    token = upload.keep(form.data_bytes, name, request.user)
    confirm = ConfirmForm(initial={"token": token})
    context = _preview_context(request, report, changes, name, confirm, form.data_bytes)
    return render(request, "reports/import_confirm.html", context)


class ImportedMeanwhile(Exception):
    """Someone else imported the same report at the same moment; nothing of this import was written."""


def _import_once(data, name, user, overwrite):
    """``import_file``; when another confirmation of the same report committed first (the
    database refuses a second establishment or review of the same name), once more against
    what it wrote, where this import finds its rows and, usually, nothing left to change."""
    for attempt in range(2):
        try:
            return import_file(data, name, publish=None, user=user, overwrite=overwrite)
        except IntegrityError:
            if attempt:
                raise ImportedMeanwhile(
                    f"{name} was being imported by someone else at the same moment, so this import wrote nothing. "
                    "Open the review from the list to see what was imported, or upload the report again."
                ) from None
    raise AssertionError("unreachable")


@require_http_methods(["POST"])
def confirm_import(request):
    """Step 2: the confirmation imports the previewed upload (a new review as a draft)."""
    _inspector_only(request)
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("The confirmation was incomplete: upload the report again."))
        return redirect("reports:import")
    token = form.cleaned_data["token"]
    try:
        data, name = upload.fetch(token, request.user)
    except upload.UploadExpired as error:
        messages.error(request, str(error))
        return redirect("reports:import")
    overwrite = form.cleaned_data["overwrite"]
    if jobs.needs_background(data, name):
        job = jobs.create(request.user, kind="import", name=name, token=token, overwrite=overwrite)
        tasks.import_upload.delay(job["id"], request.POST.get("preview", "")[:64] or None)
        return redirect("reports:import-job", job=job["id"])
    try:
        result = _import_once(data, name, request.user, overwrite)
    except ImportedMeanwhile as error:
        return render(
            request, "reports/import_upload.html", _context(request, form=UploadForm(), refusal=str(error)), status=409
        )
    except EditedSinceImport as error:
        report, changes = _preview(data, name, request.user)
        context = _preview_context(request, report, changes, name, form, data)
        context["refusal"] = error.message
        return render(request, "reports/import_confirm.html", context, status=409)
    except ReportError as error:
        messages.error(request, f"{name} cannot be imported. {error}")
        return redirect("reports:import")
    review, changes = result.review, result.changes
    upload.discard(token)
    messages.success(
        request,
        gettext(
            "Imported %(name)s: %(created)d rows created, %(updated)d updated, %(removed)d removed, "
            "%(unchanged)d unchanged."
        )
        % {
            "name": name,
            "created": changes.count(CREATED),
            "updated": changes.count(UPDATED),
            "removed": changes.count(REMOVED),
            "unchanged": changes.count(UNCHANGED),
        },
    )
    if changes.refused:
        messages.warning(
            request,
            gettext(
                "Left for their own inspectorate to import (the same file, uploaded by one of its inspectors): "
                "%(refused)s."
            )
            % {"refused": describe_refused(changes.refused)},
        )
    return redirect(reverse("admin:recommendations_inspection_change", args=[review.pk]))


@require_http_methods(["GET"])
def import_job(request, job):
    """A background import's progress (the page refreshes itself), then its outcome: the preview
    to confirm, the refusal, or the imported review."""
    _inspector_only(request)
    found = jobs.get(job)
    if found is None or found["user"] != request.user.pk:
        raise Http404("There is no such import, or it is not yours, or it finished over two hours ago.")
    state = found["state"]
    if state == jobs.READY:
        confirm = ConfirmForm(initial={"token": found["token"]})
        try:
            data, _ = upload.fetch(found["token"], request.user)
        except upload.UploadExpired:
            data = None  # the confirmation will say so
        context = _preview_context(request, found["report"], found["changes"], found["name"], confirm, data)
        context["preview_job"] = found["id"]
        return render(request, "reports/import_confirm.html", context)
    if state == jobs.IMPORTED:
        messages.success(request, found["message"])
        return redirect(reverse("admin:recommendations_inspection_change", args=[found["review"]]))
    if state in (jobs.REFUSED, jobs.FAILED):
        form = UploadForm()
        return render(
            request,
            "reports/import_upload.html",
            _context(request, form=form, refusal=found["message"]),
            status=409 if found.get("edited") else 400,
        )
    response = render(
        request,
        "reports/import_progress.html",
        _context(
            request, title=gettext("Reading %(name)s") % {"name": found["name"]}, job=found, percent=jobs.percent(found)
        ),
    )
    response["Cache-Control"] = "no-store"
    return response
