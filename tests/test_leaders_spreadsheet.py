"""The action plan as a spreadsheet, both ways: download, edit, upload, preview, confirm.

A leader downloads the plan (XLSX or CSV), edits it in a spreadsheet, uploads it and sees every
change (old → new) and every refused row with its reason before anything is saved; confirming
makes the changes through ``recommendations.actions``, with history and an audit event."""

import csv
import datetime
import io
import shutil
import subprocess
import threading
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse

from leaders.spreadsheet import COLUMNS, MAX_ROWS
from recommendations import actions as domain
from recommendations.models import (
    Action,
    ActionStatus,
    AuditAction,
    AuditEvent,
    PlanUpload,
    PlanUploadStatus,
    Response,
    ResponseDecision,
    TargetDateChange,
)
from tests.leaders_data import TODAY, make_action

FIXTURES = Path(__file__).parent / "spreadsheets"
HEADERS = [header for _, header, *_ in COLUMNS]


@pytest.fixture(autouse=True)
def frozen_today(settings):
    settings.TRACKER_TODAY = TODAY


@pytest.fixture
def review(make_review, belmarsh):
    return make_review(
        belmarsh,
        [
            ("hmi-prisons", "no-meaningful-progress"),
            ("hmi-prisons", "insufficient-progress"),
            ("ofsted", "reasonable-progress"),
        ],
    )


@pytest.fixture
def recs(review):
    return {j.recommendation.label: j.recommendation for j in review.judgements.select_related("recommendation")}


@pytest.fixture
def plan(recs, belmarsh_leader):
    """1.1 accepted with two actions (one with a date, one without an owner); 1.2 and Theme 1 nothing yet."""
    domain.record_response(recs["1.1"], decision=ResponseDecision.ACCEPTED, by=belmarsh_leader)
    cameras = make_action(recs["1.1"], "Review every use of force on camera", target=datetime.date(2022, 9, 30))
    training = make_action(recs["1.1"], "Train staff in de-escalation", owner="", target=None)
    return {"cameras": cameras, "training": training}


@pytest.fixture
def signed_in(client, belmarsh_leader):
    client.force_login(belmarsh_leader)
    return client


def url(name, **kwargs):
    return reverse(f"leaders:{name}", kwargs={"slug": "belmarsh", **kwargs})


def download(client):
    response = client.get(url("action-plan-xlsx"))
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.content))


def columns(sheet):
    return {cell.value: cell.column for cell in sheet[1]}


def row_of(sheet, action_text):
    col = columns(sheet)["Action"]
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row=row, column=col).value == action_text:
            return row
    raise AssertionError(f"no row for {action_text}")


def first_empty_row(sheet):
    row = 2
    while sheet.cell(row=row, column=1).value:
        row += 1
    return row


def set_cell(sheet, row, header, value):
    sheet.cell(row=row, column=columns(sheet)[header], value=value)


def xlsx_bytes(workbook):
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def upload(client, data, name="plan.xlsx"):
    return client.post(url("plan-upload"), {"file": SimpleUploadedFile(name, data)})


def preview_of(client, response):
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(response["Location"])
    assert page.status_code == 200
    return page


def confirm(client, page):
    return client.post(page.wsgi_request.path, {"confirm": "", "digest": page.context["digest"]})


# --- Download -------------------------------------------------------------------------------------


def test_the_download_is_a_workbook_with_lists_dates_text_references_and_a_hidden_signed_version(signed_in, plan, recs):
    """One row per action and one for each recommendation without any; lists for response and
    status; target dates are dates; references are text; the version column is hidden."""
    response = signed_in.get(url("action-plan-xlsx"))
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert 'filename="belmarsh-action-plan-2022-06-01.xlsx"' in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["Action plan"]
    assert [c.value for c in sheet[1]] == HEADERS
    col = columns(sheet)
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2) if row[0].value]
    assert [(r[col["Reference"] - 1], r[col["Action"] - 1]) for r in rows] == [
        ("1.1", "Review every use of force on camera"),
        ("1.1", "Train staff in de-escalation"),
        ("1.2", None),
        ("Theme 1", None),
    ]
    # The empty rows below are formatted as text too, so a reference typed there stays text.
    assert sheet.cell(row=len(rows) + 2, column=col["Reference"]).number_format == "@"
    reference = sheet.cell(row=2, column=col["Reference"])
    assert reference.data_type == "s" and reference.number_format == "@"
    target = sheet.cell(row=2, column=col["Target date"])
    assert target.value == datetime.datetime(2022, 9, 30) and target.is_date
    assert sheet.cell(row=2, column=col["Response"]).value == "Accepted"
    version_letter = openpyxl.utils.get_column_letter(col["Version (do not change)"])
    assert sheet.column_dimensions[version_letter].hidden
    assert all(r[col["Version (do not change)"] - 1] for r in rows)
    lists = {
        str(dv.sqref).split(":")[0].rstrip("0123456789"): dv.formula1 for dv in sheet.data_validations.dataValidation
    }
    response_letter = openpyxl.utils.get_column_letter(col["Response"])
    status_letter = openpyxl.utils.get_column_letter(col["Action status"])
    assert lists[response_letter] == '"Accepted,Partly accepted,Not accepted"'
    assert lists[status_letter] == '"Not started,In progress,Done,Dropped"'


def test_text_that_looks_like_a_formula_is_downloaded_as_text(signed_in, plan, recs, belmarsh_leader):
    """An action typed as ``=HYPERLINK(…)`` is a text cell in the workbook, never a formula."""
    make_action(recs["1.2"], '=HYPERLINK("http://evil.example","click")')
    sheet = download(signed_in)["Action plan"]
    cell = sheet.cell(row=row_of(sheet, '=HYPERLINK("http://evil.example","click")'), column=columns(sheet)["Action"])
    assert cell.data_type == "s"


def test_other_prisons_and_anonymous_visitors_get_no_spreadsheet(signed_in, plan, other_leader):
    """Neither download, nor the upload, nor a Belmarsh leader's pending upload (its preview and
    its confirmation) for an anonymous visitor (sent to sign in) or another prison's leader (403)."""
    workbook = download(signed_in)
    set_cell(workbook["Action plan"], row_of(workbook["Action plan"], "Train staff in de-escalation"), "Owner", "X")
    page = preview_of(signed_in, upload(signed_in, xlsx_bytes(workbook)))
    preview, digest = page.wsgi_request.path, page.context["digest"]
    data = xlsx_bytes(workbook)
    for visitor, status in ((Client(), 302), (Client(), 403)):
        if status == 403:
            visitor.force_login(other_leader)
        for name in ("action-plan-xlsx", "action-plan-csv", "plan-upload"):
            assert visitor.get(url(name)).status_code == status, name
        assert visitor.post(url("plan-upload"), {"file": SimpleUploadedFile("plan.xlsx", data)}).status_code == status
        assert visitor.get(preview).status_code == status
        assert visitor.post(preview, {"confirm": "", "digest": digest}).status_code == status
    assert PlanUpload.objects.get().status == PlanUploadStatus.PENDING
    assert Action.objects.get(pk=plan["training"].pk).owner == ""


# --- The round trip ---------------------------------------------------------------------------------


def test_download_edit_upload_preview_confirm(signed_in, plan, recs, belmarsh_leader):
    """The whole round trip: edits made with openpyxl show in the preview cell by cell, nothing
    is written until the leader confirms, then everything is, with history and an audit event."""
    workbook = download(signed_in)
    sheet = workbook["Action plan"]
    cameras = row_of(sheet, "Review every use of force on camera")
    set_cell(sheet, cameras, "Target date", datetime.datetime(2022, 12, 31))
    set_cell(sheet, cameras, "Why the target date moved", "Camera contract delayed.")
    set_cell(sheet, cameras, "Action status", "In progress")
    training = row_of(sheet, "Train staff in de-escalation")
    set_cell(sheet, training, "Owner", "Head of safety")
    set_cell(sheet, training, "Action status", "Done")
    set_cell(sheet, training, "New progress note", "All 240 officers trained by 20 May.")
    # The row for 1.2: a response, and an action where there was none.
    empty = next(
        r for r in range(2, sheet.max_row + 1) if sheet.cell(row=r, column=columns(sheet)["Reference"]).value == "1.2"
    )
    set_cell(sheet, empty, "Response", "Partly accepted")
    set_cell(sheet, empty, "Response reason", "The gym needs national funding.")
    set_cell(sheet, empty, "Action", "Reopen the gym on weekday evenings")
    set_cell(sheet, empty, "Owner", "Head of residence")
    set_cell(sheet, empty, "Target date", datetime.datetime(2022, 10, 1))
    # A new row typed at the bottom, for Theme 1, with the date typed as text.
    new = first_empty_row(sheet)
    set_cell(sheet, new, "Reference", "Theme 1")
    set_cell(sheet, new, "Action", "Hire a reading tutor")
    set_cell(sheet, new, "Owner", "Head of education")
    set_cell(sheet, new, "Target date", "31 March 2023")

    page = preview_of(signed_in, upload(signed_in, xlsx_bytes(workbook)))
    preview = page.context["preview"]
    assert Action.objects.count() == 2 and not TargetDateChange.objects.exists()  # nothing written yet
    assert [(e.line, e.description) for e in preview.added] == [
        (empty, "Reopen the gym on weekday evenings"),
        (new, "Hire a reading tutor"),
    ]
    changed = {(e.line, e.what): e.changes for e in preview.changed}
    assert changed[(cameras, "action")] == [("Target date", "30 September 2022", "31 December 2022")]
    assert changed[(training, "action")] == [
        ("Owner", "(none)", "Head of safety"),
        ("Action status", "In progress", "Done"),
        ("New progress note", None, "All 240 officers trained by 20 May."),
    ]
    assert changed[(empty, "response")] == [("Response", "(none)", "Partly accepted: The gym needs national funding.")]
    assert preview.refused == []
    html = page.content.decode()
    assert "30 September 2022" in html and "31 December 2022" in html and "Head of safety" in html

    done = confirm(signed_in, page)
    assert done.status_code == 302 and done["Location"] == url("home")
    cameras_action = Action.objects.get(description="Review every use of force on camera")
    assert cameras_action.target_date == datetime.date(2022, 12, 31)
    change = TargetDateChange.objects.get()
    assert (change.old_date, change.reason, change.changed_by) == (
        datetime.date(2022, 9, 30),
        "Camera contract delayed.",
        belmarsh_leader,
    )
    training_action = Action.objects.get(description="Train staff in de-escalation")
    assert (training_action.owner, training_action.status) == ("Head of safety", ActionStatus.DONE)
    assert [n.text for n in training_action.notes.all()] == ["All 240 officers trained by 20 May."]
    assert {h.history_user for h in training_action.history.all() if h.history_user} == {belmarsh_leader}
    gym = Action.objects.get(description="Reopen the gym on weekday evenings")
    assert (gym.recommendation, gym.owner, gym.target_date, gym.created_by) == (
        recs["1.2"],
        "Head of residence",
        datetime.date(2022, 10, 1),
        belmarsh_leader,
    )
    tutor = Action.objects.get(description="Hire a reading tutor")
    assert (tutor.recommendation, tutor.target_date) == (recs["Theme 1"], datetime.date(2023, 3, 31))
    response = Response.objects.get(recommendation=recs["1.2"])
    assert (response.decision, response.reason) == (ResponseDecision.PARTLY_ACCEPTED, "The gym needs national funding.")
    event = AuditEvent.objects.get(action=AuditAction.PLAN_UPLOADED)
    assert event.user == belmarsh_leader and "2 actions added" in event.summary
    assert PlanUpload.objects.get().status == PlanUploadStatus.CONFIRMED

    # The same file again: the camera row now says what the tracker says (left alone); the
    # training row would add its note a second time, and its action has moved on since the
    # download, so it is refused as changed in the tracker.
    again = preview_of(signed_in, upload(signed_in, xlsx_bytes(workbook))).context["preview"]
    assert [e.line for e in again.refused] == [training]
    assert "changed in the tracker since you downloaded the file" in again.refused[0].reasons[0]
    assert cameras in [e.line for e in again.left]


def test_a_second_download_after_the_confirm_round_trips_with_nothing_to_do(signed_in, plan):
    """Downloading and uploading unchanged: every action is left as it is, nothing to save."""
    page = preview_of(signed_in, upload(signed_in, xlsx_bytes(download(signed_in))))
    preview = page.context["preview"]
    assert (len(preview.added), len(preview.changed), len(preview.left), len(preview.refused)) == (0, 0, 2, 0)
    assert "Nothing to save" in page.content.decode()


def test_confirming_twice_applies_once(signed_in, plan):
    """A double click on the confirm button (or two tabs) saves the changes once."""
    workbook = download(signed_in)
    sheet = workbook["Action plan"]
    set_cell(sheet, row_of(sheet, "Train staff in de-escalation"), "New progress note", "Half trained.")
    page = preview_of(signed_in, upload(signed_in, xlsx_bytes(workbook)))
    assert confirm(signed_in, page).status_code == 302
    assert confirm(signed_in, page).status_code == 302
    assert plan["training"].notes.count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_confirms_at_the_same_moment_apply_once(signed_in, plan, belmarsh_leader):
    """Two workers receive the confirmation at once (a double click, two tabs): the upload's row
    lock lets one apply it; the other finds it confirmed. One note, one audit event."""
    workbook = download(signed_in)
    sheet = workbook["Action plan"]
    set_cell(sheet, row_of(sheet, "Train staff in de-escalation"), "New progress note", "Half trained.")
    page = preview_of(signed_in, upload(signed_in, xlsx_bytes(workbook)))
    path, digest = page.wsgi_request.path, page.context["digest"]
    start, statuses = threading.Barrier(2), []

    def send():
        client = Client()
        client.force_login(belmarsh_leader)
        start.wait(5)
        try:
            statuses.append(client.post(path, {"confirm": "", "digest": digest}).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert statuses == [302, 302]
    assert plan["training"].notes.count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.PLAN_UPLOADED).count() == 1


def test_a_change_made_between_preview_and_confirm_refuses_the_confirm_and_writes_nothing(
    signed_in, plan, belmarsh_leader
):
    """Someone edits the action after the preview: the confirm shows the new comparison (409),
    with that row now refused, and nothing from the file is saved."""
    workbook = download(signed_in)
    sheet = workbook["Action plan"]
    set_cell(sheet, row_of(sheet, "Train staff in de-escalation"), "Owner", "Head of safety")
    set_cell(sheet, row_of(sheet, "Review every use of force on camera"), "Owner", "Deputy governor")
    page = preview_of(signed_in, upload(signed_in, xlsx_bytes(workbook)))
    training = plan["training"]
    domain.update_action(
        training,
        description=training.description,
        owner="Safer custody lead",
        target_date=None,
        status="in_progress",
        by=belmarsh_leader,
    )
    response = confirm(signed_in, page)
    assert response.status_code == 409
    assert "The plan changed while you were checking" in response.content.decode()
    assert [e.description for e in response.context["preview"].refused] == ["Train staff in de-escalation"]
    assert Action.objects.get(pk=plan["cameras"].pk).owner == "Head of safety"  # not Deputy governor: nothing saved
    assert Action.objects.get(pk=training.pk).owner == "Safer custody lead"


def test_cancel_saves_nothing_and_the_upload_is_kept_for_its_uploader_only(
    signed_in, client, plan, belmarsh, django_user_model
):
    """The pending upload lives in the database (any worker reads it); only its uploader sees it."""
    from recommendations.roles import Role, grant_role

    workbook = download(signed_in)
    sheet = workbook["Action plan"]
    set_cell(sheet, row_of(sheet, "Train staff in de-escalation"), "Owner", "Head of safety")
    response = upload(signed_in, xlsx_bytes(workbook))
    pending = PlanUpload.objects.get()
    assert pending.status == PlanUploadStatus.PENDING and pending.rows
    colleague = grant_role("belmarsh.deputy", Role.LEADER, establishments=[belmarsh])[0]
    client.force_login(colleague)
    assert client.get(response["Location"]).status_code == 404
    signed_in.force_login(pending.uploaded_by)
    signed_in.post(response["Location"], {"cancel": ""})
    assert PlanUpload.objects.values_list("status", "rows").get() == (PlanUploadStatus.CANCELLED, [])
    assert Action.objects.get(pk=plan["training"].pk).owner == ""


def test_an_upload_left_unconfirmed_for_a_day_is_forgotten(signed_in, plan):
    """Its preview says to upload again; and the next upload, anyone's, cancels every upload left
    waiting more than a day and drops its rows (the spreadsheet is not kept for ever)."""
    from common import clock

    data = xlsx_bytes(download(signed_in))
    first = upload(signed_in, data)
    second = upload(signed_in, data)
    PlanUpload.objects.update(uploaded_at=clock.now() - datetime.timedelta(hours=25))
    page = signed_in.get(first["Location"], follow=True)
    assert "That upload waited more than a day: upload the file again" in page.content.decode()
    upload(signed_in, data)
    assert second.status_code == 302
    assert PlanUpload.objects.filter(status=PlanUploadStatus.PENDING).count() == 1  # the new one
    assert PlanUpload.objects.filter(status=PlanUploadStatus.CANCELLED, rows=[]).count() == 2


# --- Every refusal ----------------------------------------------------------------------------------


def refusals(client, workbook, name="plan.xlsx", data=None):
    page = preview_of(client, upload(client, data or xlsx_bytes(workbook), name))
    return {e.line: " ".join(e.reasons) for e in page.context["preview"].refused}, page


@pytest.mark.parametrize(
    "header, value, reason",
    [
        ("Target date", "next spring", "Target date “next spring” is not a date"),
        ("Target date", "31/02/2023", "Target date “31/02/2023” is not a date"),
        ("Owner", "x" * 201, "Owner is 201 characters long: it must be 200 characters or fewer."),
        ("Response", "Maybe", "Response “Maybe” is not in the list: Accepted, Partly accepted, Not accepted."),
        ("Action status", "Nearly there", "Action status “Nearly there” is not in the list"),
        ("Reference", "9.99", "Unknown reference “9.99”"),
        ("Version (do not change)", "forged", "The hidden version column of this row was changed"),
    ],
)
def test_each_refused_row_says_why_and_the_rest_still_apply(signed_in, plan, header, value, reason):
    """A wrong cell refuses its row with a sentence; the other rows are still offered."""
    workbook = download(signed_in)
    sheet = workbook["Action plan"]
    bad = row_of(sheet, "Train staff in de-escalation")
    set_cell(sheet, bad, header, value)
    if header == "Reference":  # a new row naming an unknown recommendation
        set_cell(sheet, bad, "Version (do not change)", "")
    set_cell(sheet, row_of(sheet, "Review every use of force on camera"), "Owner", "Deputy governor")
    refused, page = refusals(signed_in, workbook)
    assert list(refused) == [bad] and reason in refused[bad]
    assert reason.split("“")[0] in page.content.decode()
    assert [e.description for e in page.context["preview"].changed] == ["Review every use of force on camera"]
    confirm(signed_in, page)
    assert Action.objects.get(pk=plan["cameras"].pk).owner == "Deputy governor"
    assert Action.objects.get(pk=plan["training"].pk).owner == ""


@pytest.mark.parametrize(
    "edits, reason",
    [
        ({"Target date": datetime.datetime(2023, 1, 1)}, "The target date moved: say why"),
        ({"Action status": "Done"}, "Marked done: say what changed"),
        ({"Action status": "Dropped"}, "Dropped: give the Reason dropped."),
        ({"Action": ""}, "an action cannot be removed"),
    ],
)
def test_the_rules_of_the_pages_hold_in_the_spreadsheet(signed_in, plan, edits, reason):
    """A moved date needs a reason, done a note, dropped a reason; an action is never emptied."""
    workbook = download(signed_in)
    sheet = workbook["Action plan"]
    row = row_of(sheet, "Review every use of force on camera")
    for header, value in edits.items():
        set_cell(sheet, row, header, value)
    refused, _ = refusals(signed_in, workbook)
    assert reason in refused[row]


def test_a_row_changed_in_the_tracker_since_the_download_is_refused(signed_in, plan, belmarsh_leader):
    """Stale upload: someone changed the action after the file was downloaded. The row is refused
    (their change is not overwritten with the old copy); an untouched stale row is left alone."""
    workbook = download(signed_in)
    sheet = workbook["Action plan"]
    set_cell(sheet, row_of(sheet, "Review every use of force on camera"), "Owner", "Deputy governor")
    cameras = plan["cameras"]
    domain.move_target_date(cameras, datetime.date(2022, 11, 30), "Supplier late", by=belmarsh_leader)
    refused, page = refusals(signed_in, workbook)
    row = row_of(sheet, "Review every use of force on camera")
    assert "This action was changed in the tracker since you downloaded the file (by belmarsh.leader" in refused[row]
    assert page.context["preview"].writes == 0
    cameras.refresh_from_db()
    assert (cameras.owner, cameras.target_date) == ("Head of safety", datetime.date(2022, 11, 30))


def test_a_row_not_edited_in_the_file_is_left_when_the_tracker_changed_it(signed_in, plan, belmarsh_leader):
    """Someone moves an action's date on its page after the download; the leader edits another
    row only. The untouched row is not refused (nor is the newer date overwritten): it is left,
    saying why, and the other row's change is saved."""
    workbook = download(signed_in)
    sheet = workbook["Action plan"]
    set_cell(sheet, row_of(sheet, "Train staff in de-escalation"), "Owner", "Head of learning")
    cameras = plan["cameras"]
    domain.move_target_date(cameras, datetime.date(2022, 11, 30), "Supplier late", by=belmarsh_leader)
    page = preview_of(signed_in, upload(signed_in, xlsx_bytes(workbook)))
    preview = page.context["preview"]
    assert preview.refused == []
    assert [(e.description, e.reasons) for e in preview.left] == [
        (cameras.description, ["Changed in the tracker since you downloaded the file: kept as it is now."])
    ]
    assert "Changed in the tracker since you downloaded the file: kept as it is now." in page.content.decode()
    assert confirm(signed_in, page).status_code == 302
    cameras.refresh_from_db()
    plan["training"].refresh_from_db()
    assert (cameras.owner, cameras.target_date) == ("Head of safety", datetime.date(2022, 11, 30))
    assert plan["training"].owner == "Head of learning"


def test_a_response_changed_in_the_tracker_since_the_download_is_refused(signed_in, plan, recs, belmarsh_leader):
    workbook = download(signed_in)
    sheet = workbook["Action plan"]
    row = row_of(sheet, "Review every use of force on camera")
    set_cell(sheet, row, "Response", "Not accepted")
    set_cell(sheet, row, "Response reason", "No cameras")
    domain.record_response(recs["1.1"], decision="partly_accepted", reason="Cameras national", by=belmarsh_leader)
    refused, _ = refusals(signed_in, workbook)
    assert "The response was changed in the tracker since you downloaded the file" in refused[row]


def test_rows_that_disagree_on_a_response_are_refused(signed_in, plan):
    workbook = download(signed_in)
    sheet = workbook["Action plan"]
    first, second = row_of(sheet, "Review every use of force on camera"), row_of(sheet, "Train staff in de-escalation")
    set_cell(sheet, first, "Response", "Not accepted")
    set_cell(sheet, first, "Response reason", "A")
    set_cell(sheet, second, "Response", "Partly accepted")
    set_cell(sheet, second, "Response reason", "B")
    refused, _ = refusals(signed_in, workbook)
    assert "give different responses" in refused[first]


# --- Files, limits and formulas -----------------------------------------------------------------------


def test_formula_cells_are_kept_as_text_and_never_evaluated(signed_in, plan, recs):
    """A formula typed in a cell is read as its text: in the owner it is saved as those
    characters; in the target date it is not a date (its result is never worked out)."""
    workbook = download(signed_in)
    sheet = workbook["Action plan"]
    training = row_of(sheet, "Train staff in de-escalation")
    set_cell(sheet, training, "Owner", '=CONCATENATE("Head of ", "safety")')
    cameras = row_of(sheet, "Review every use of force on camera")
    set_cell(sheet, cameras, "Target date", "=DATE(2023,1,1)")
    set_cell(sheet, cameras, "Why the target date moved", "Formula")
    assert sheet.cell(row=training, column=columns(sheet)["Owner"]).data_type == "f"
    refused, page = refusals(signed_in, workbook)
    assert "Target date “=DATE(2023,1,1)” is not a date" in refused[cameras]
    assert page.context["preview"].changed[0].changes == [("Owner", "(none)", '=CONCATENATE("Head of ", "safety")')]
    confirm(signed_in, page)
    assert Action.objects.get(pk=plan["training"].pk).owner == '=CONCATENATE("Head of ", "safety")'
    # …and downloaded again as text, never as a formula.
    sheet = download(signed_in)["Action plan"]
    assert (
        sheet.cell(row=row_of(sheet, "Train staff in de-escalation"), column=columns(sheet)["Owner"]).data_type == "s"
    )


def test_a_file_saved_by_libreoffice_calc_is_read(signed_in, review, recs):
    """``tests/spreadsheets/libreoffice-plan.xlsx`` was saved by LibreOffice Calc 7.4
    (``soffice --headless --convert-to xlsx``, see ``make_libreoffice_plan.py`` beside it): two
    new actions typed under the headings, a reference LibreOffice stored as the number 1.2, a
    date typed in a date cell, a formula in an owner cell and a status outside the list."""
    data = (FIXTURES / "libreoffice-plan.xlsx").read_bytes()
    page = preview_of(signed_in, upload(signed_in, data, "libreoffice-plan.xlsx"))
    preview = page.context["preview"]
    assert [(e.name, e.description) for e in preview.added] == [
        ("Area 1 (1.1)", "Review every use of force on camera"),
        ("Area 2 (1.2)", "Reopen the gym on weekday evenings"),
    ]
    assert dict((c[0], c[2]) for c in preview.added[0].changes)["Target date"] == "31 March 2023"
    assert dict((c[0], c[2]) for c in preview.added[1].changes)["Owner"] == '=UPPER("head of residence")'
    assert [" ".join(e.reasons) for e in preview.refused] == [
        "Action status “Almost done” is not in the list: Not started, In progress, Done, Dropped."
    ]
    confirm(signed_in, page)
    assert Action.objects.filter(recommendation=recs["1.2"]).get().target_date is None
    assert Action.objects.get(recommendation=recs["1.1"]).target_date == datetime.date(2023, 3, 31)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_a_downloaded_plan_saved_again_by_libreoffice_round_trips(signed_in, plan, tmp_path):
    """The leader's own flow in LibreOffice: the downloaded workbook, edited, saved by Calc
    (``soffice --headless --convert-to xlsx``, a profile of its own so runs do not collide). Calc
    keeps the hidden signed column, the lists and the date cells: one change, the rest left."""
    workbook = download(signed_in)
    sheet = workbook["Action plan"]
    set_cell(sheet, row_of(sheet, "Train staff in de-escalation"), "Owner", "Head of learning")
    set_cell(sheet, row_of(sheet, "Train staff in de-escalation"), "Target date", datetime.datetime(2022, 12, 31))
    (tmp_path / "edited.xlsx").write_bytes(xlsx_bytes(workbook))
    saved = tmp_path / "calc"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(saved),
            str(tmp_path / "edited.xlsx"),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    data = (saved / "edited.xlsx").read_bytes()
    assert b"LibreOffice" in zipfile.ZipFile(io.BytesIO(data)).read("docProps/app.xml")
    calc = openpyxl.load_workbook(io.BytesIO(data))["Action plan"]
    col = columns(calc)
    assert calc.column_dimensions[openpyxl.utils.get_column_letter(col["Version (do not change)"])].hidden
    assert {dv.type for dv in calc.data_validations.dataValidation} == {"list", "date"}
    page = preview_of(signed_in, upload(signed_in, data, "edited.xlsx"))
    preview = page.context["preview"]
    assert (len(preview.added), len(preview.changed), len(preview.left), preview.refused) == (0, 1, 1, [])
    assert preview.changed[0].changes == [
        ("Owner", "(none)", "Head of learning"),
        ("Target date", "(none)", "31 December 2022"),
    ]
    assert confirm(signed_in, page).status_code == 302
    training = Action.objects.get(pk=plan["training"].pk)
    assert (training.owner, training.target_date) == ("Head of learning", datetime.date(2022, 12, 31))


def test_the_csv_download_round_trips_the_same_way(signed_in, plan, recs):
    """Download the CSV, edit it, upload it: the same preview and the same changes. The
    apostrophe the download puts before formula-like text is taken off again."""
    make_action(recs["1.2"], "=1+1 checks")
    text = signed_in.get(url("action-plan-csv")).content.decode("utf-8-sig")  # the download starts with a BOM
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == HEADERS
    by_action = {r["Action"]: r for r in rows}
    assert "'=1+1 checks" in by_action
    by_action["Train staff in de-escalation"]["Owner"] = "Head of safety"
    by_action["Review every use of force on camera"]["Target date"] = "31/12/2022"  # as a UK spreadsheet writes it
    by_action["Review every use of force on camera"]["Why the target date moved"] = "Contract delayed"
    rows.append({**{h: "" for h in HEADERS}, "Inspection": "inspection-2021", "Reference": "1.2", "Action": "New one"})
    out = io.StringIO()
    writer = csv.DictWriter(out, HEADERS)
    writer.writeheader()
    writer.writerows(rows)
    page = preview_of(signed_in, upload(signed_in, out.getvalue().encode(), "plan.csv"))
    preview = page.context["preview"]
    assert sorted(e.description for e in preview.changed) == [
        "Review every use of force on camera",
        "Train staff in de-escalation",
    ]
    assert [e.description for e in preview.added] == ["New one"]
    assert [e.description for e in preview.left] == ["=1+1 checks"]
    confirm(signed_in, page)
    assert Action.objects.get(pk=plan["cameras"].pk).target_date == datetime.date(2022, 12, 31)
    assert Action.objects.get(description="=1+1 checks").version == 1  # left alone


def test_the_csv_written_by_libreoffice_with_a_number_for_the_reference_is_read(signed_in, review, recs):
    """LibreOffice turns "1.20" into 1.2 when it opens a CSV: the reference still finds 1.2."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    row = dict.fromkeys(HEADERS, "")
    row.update({"Reference": "1.20", "Action": "Gym", "Target date": "2023-03-31 00:00:00"})
    writer.writerow(row.values())
    page = preview_of(signed_in, upload(signed_in, out.getvalue().encode("cp1252"), "plan.csv"))
    assert [(e.recommendation, e.description) for e in page.context["preview"].added] == [(recs["1.2"], "Gym")]


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("plan.xlsx", b"not a zip", "The file is not an Excel (.xlsx) workbook."),
        ("plan.pdf", b"%PDF-1.7", "Upload the action plan as an Excel (.xlsx) or CSV (.csv) file."),
        ("plan.csv", b"Name,Age\nA,1\n", "Missing: Reference, Response"),
        ("plan.csv", b"\x00\x01binary", "The file is not a CSV file"),
        ("plan.xlsx", b"x" * (5 * 1024 * 1024 + 1), "The file is larger than 5 MB."),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_with_a_sentence(signed_in, plan, name, data, message):
    response = upload(signed_in, data, name)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not PlanUpload.objects.exists()


def test_more_than_2000_rows_are_refused(signed_in, plan):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    for n in range(MAX_ROWS + 1):
        sheet.append(["inspection-2021", "1.2", "", "", "", "", "", "", f"Action {n}"])
    response = upload(signed_in, xlsx_bytes(workbook))
    assert response.status_code == 400
    assert "The file has more than 2,000 rows." in response.content.decode()


def test_a_zip_bomb_is_refused_unopened(signed_in, plan):
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<" + b"a" * (80 * 1024 * 1024))
    assert len(out.getvalue()) < 5 * 1024 * 1024
    response = upload(signed_in, out.getvalue())
    assert response.status_code == 400
    assert "unpacks to far more than an action plan" in response.content.decode()


def shared_strings_workbook(rows):
    """An XLSX whose cells are indexes into one shared-strings table, as Excel and LibreOffice save
    them: ``rows`` are lists of texts; a text repeated in many cells is stored once."""
    from openpyxl.utils import get_column_letter

    strings = list(dict.fromkeys(text for row in rows for text in row))
    index = {text: i for i, text in enumerate(strings)}
    sheet_rows = "".join(
        f'<row r="{r}">'
        + "".join(
            f'<c r="{get_column_letter(c)}{r}" t="s"><v>{index[text]}</v></c>' for c, text in enumerate(row, start=1)
        )
        + "</row>"
        for r, row in enumerate(rows, start=1)
    )
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rels = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    package = "http://schemas.openxmlformats.org/package/2006/relationships"
    types = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    parts = {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{types}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{types}.worksheet+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{types}.sharedStrings+xml"/></Types>',
        "_rels/.rels": f'<Relationships xmlns="{package}"><Relationship Id="rId1" '
        f'Type="{rels}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{main}" xmlns:r="{rels}"><sheets>'
        '<sheet name="Action plan" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{package}">'
        f'<Relationship Id="rId1" Type="{rels}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{rels}/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{main}"><sheetData>{sheet_rows}</sheetData></worksheet>',
        "xl/sharedStrings.xml": f'<sst xmlns="{main}" count="{len(strings)}" uniqueCount="{len(strings)}">'
        + "".join(f"<si><t>{text}</t></si>" for text in strings)
        + "</sst>",
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, xml in parts.items():
            archive.writestr(name, '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' + xml)
    return out.getvalue()


def test_one_long_text_repeated_in_every_cell_is_refused_without_being_kept(signed_in, plan):
    """A workbook's shared strings let a file of about 80 KB (unpacking to 1 MB) put one text of
    20,000 characters in every cell of 2,000 rows: read whole, that was 600 MB of rows to keep.
    Each cell is kept only as far as its limit, and a file holding far more text than a plan is
    refused with a sentence; nothing is kept."""
    long = "y" * 20_000
    rows = [HEADERS] + [["inspection-2021", "1.1", *[long] * 6, "Act", *[long] * 9] for _ in range(MAX_ROWS)]
    data = shared_strings_workbook(rows)
    assert len(data) < 200_000
    response = upload(signed_in, data)
    assert response.status_code == 400
    assert "The file holds far more text than an action plan" in response.content.decode()
    assert not PlanUpload.objects.exists()


def test_a_cell_over_its_limit_is_kept_cut_short_and_refused_with_its_length(signed_in, plan):
    workbook = download(signed_in)
    sheet = workbook["Action plan"]
    row = row_of(sheet, "Train staff in de-escalation")
    set_cell(sheet, row, "Owner", "o" * 20_000)
    set_cell(sheet, row, "Recommendation", "r" * 20_000)  # a column for reading: not kept at all
    refused, _ = refusals(signed_in, workbook)
    assert "Owner is 20,000 characters long: it must be 200 characters or fewer." in refused[row]
    kept = next(r for r in PlanUpload.objects.get().rows if r["line"] == row)
    assert len(kept["cells"]["owner"]) == 201 and "recommendation" not in kept["cells"]


def test_the_upload_form_is_refused_without_a_file(signed_in, plan):
    response = signed_in.post(url("plan-upload"), {})
    assert response.status_code == 400
    assert "Choose the action plan file to upload." in response.content.decode()


def test_a_copied_row_adds_a_new_action_and_an_unchanged_copy_is_refused(signed_in, plan, recs):
    """Copying a downloaded row copies its hidden version: the copy with a new Action adds an
    action to the same recommendation; a copy left the same is refused, naming the row it copies."""
    workbook = download(signed_in)
    sheet = workbook["Action plan"]
    original = row_of(sheet, "Review every use of force on camera")
    copy, same = first_empty_row(sheet), first_empty_row(sheet) + 1
    for target in (copy, same):
        for column in range(1, len(HEADERS) + 1):
            sheet.cell(row=target, column=column, value=sheet.cell(row=original, column=column).value)
    set_cell(sheet, copy, "Action", "Review footage of every restraint too")
    refused, page = refusals(signed_in, workbook)
    assert f"This row copies row {original} (the same action)." in refused[same]
    assert [(e.recommendation, e.description) for e in page.context["preview"].added] == [
        (recs["1.1"], "Review footage of every restraint too")
    ]
    confirm(signed_in, page)
    assert recs["1.1"].actions.count() == 3
    assert Action.objects.get(pk=plan["cameras"].pk).version == plan["cameras"].version


def test_headings_follow_the_readers_language_and_a_file_reads_back_in_either(signed_in, plan, recs):
    """The download's headings and sheet go through the translation (here marked, as a Welsh
    catalogue would change them); an upload is matched by them, or by the English ones."""
    from tests.i18n import CLOSE, OPEN, marked_translations

    with marked_translations():
        translated = download(signed_in)
        sheet = translated.active
        assert sheet.title == f"{OPEN}Action plan{CLOSE}"
        assert f"{OPEN}Target date{CLOSE}" in columns(sheet)
        # Read back under the same language: every heading found, nothing refused.
        assert upload(signed_in, xlsx_bytes(translated)).status_code == 302
    english = download(signed_in)
    assert "Target date" in columns(english.active)
    with marked_translations():
        # A file downloaded in English still reads back while the interface is in another language.
        assert upload(signed_in, xlsx_bytes(english)).status_code == 302
