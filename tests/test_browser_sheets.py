"""In Chromium, on the Belmarsh data: a leader downloads the action plan from the dashboard,
edits it with openpyxl, uploads it, reads the preview at a desktop's width and a phone's (320 px:
nothing wider than the window, axe-core clean), confirms, and sees the changes saved. The
screenshots go to SCREENSHOTS when it names a folder (tests/conftest.py)."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from playwright.sync_api import expect

from recommendations.models import Action, TargetDateChange
from tests.conftest import shoot
from tests.test_browser_every_page import SERIF_TEXT, TOO_WIDE, sign_in
from tests.test_browser_every_page import site as site  # noqa: F401 (the fixture)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "en-GB", "timezone_id": "Europe/London"}


def problems(page, axe):
    page.wait_for_load_state("load")
    found = {"too wide": page.evaluate(TOO_WIDE), "serif text": page.evaluate(SERIF_TEXT), "axe": axe(page)}
    return {what: items for what, items in found.items() if items}


def edit(path, site):
    """The leader's edits: a moved date with its reason, a new owner, a response, a new action;
    and three mistakes (an unknown reference, a date that is not one, a status not in the list)."""
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Action plan"]
    col = {cell.value: cell.column for cell in sheet[1]}
    rows = {
        sheet.cell(row=r, column=col["Action"]).value: r for r in range(2, 200) if sheet.cell(row=r, column=1).value
    }
    action = site["action"].description
    sheet.cell(row=rows[action], column=col["Target date"], value=datetime.datetime(2022, 12, 31))
    sheet.cell(row=rows[action], column=col["Why the target date moved"], value="Camera supplier delayed.")
    sheet.cell(row=rows[action], column=col["Owner"], value="Deputy governor")
    first_empty = next(r for r in range(2, 400) if not sheet.cell(row=r, column=1).value)
    reference = site["recommendation"].reference
    for offset, (ref, text, owner, date, status) in enumerate(
        [
            (
                reference,
                "Audit use-of-force paperwork every month",
                "Head of security",
                datetime.datetime(2022, 8, 31),
                "Not started",
            ),
            ("9.99", "Something for a recommendation that does not exist", "Governor", None, "Not started"),
            (reference, "Retrain the control room", "Head of operations", "next spring", "Not started"),
            (reference, "Refresh the policy", "Head of safety", None, "Nearly there"),
        ]
    ):
        row = first_empty + offset
        sheet.cell(row=row, column=col["Inspection"], value=site["recommendation"].inspection.slug)
        sheet.cell(row=row, column=col["Reference"], value=ref)
        sheet.cell(row=row, column=col["Action"], value=text)
        sheet.cell(row=row, column=col["Owner"], value=owner)
        sheet.cell(row=row, column=col["Target date"], value=date)
        sheet.cell(row=row, column=col["Action status"], value=status)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_the_upload_preview_at_a_phone_and_a_desktop_width(live_server, new_page, axe, site, tmp_path):
    page = new_page(viewport={"width": 1280, "height": 900})
    sign_in(page, live_server, "belmarsh.leader")
    page.goto(live_server.url + reverse("leaders:home", kwargs={"slug": "belmarsh"}))
    with page.expect_download() as download:
        page.click("text=Download the action plan (Excel)")
    path = tmp_path / "plan.xlsx"
    download.value.save_as(path)
    (tmp_path / "edited.xlsx").write_bytes(edit(path, site))

    page.click("text=Upload an edited action plan")
    expect(page.locator("h1")).to_have_text("Upload the action plan spreadsheet")
    assert problems(page, axe) == {}
    page.click("button:has-text('Upload and preview')")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose the action plan file to upload.")
    assert problems(page, axe) == {}
    page.set_input_files("#id_file", str(tmp_path / "edited.xlsx"))
    page.click("button:has-text('Upload and preview')")

    expect(page.locator("h1")).to_have_text("Check the changes before you save them")
    main = page.locator("main")
    expect(main).to_contain_text("Unknown reference “9.99”")
    expect(main).to_contain_text("Target date “next spring” is not a date")
    expect(main).to_contain_text("Action status “Nearly there” is not in the list")
    expect(main).to_contain_text("30 September 2022")
    expect(main).to_contain_text("31 December 2022")
    expect(main).to_contain_text("Audit use-of-force paperwork every month")
    shoot(page, "upload-preview-1280")
    assert problems(page, axe) == {}
    # Every entry's table has its columns in the same places, whatever the cells hold.
    starts = page.evaluate(
        "[...document.querySelectorAll('.app-upload-table thead th')]"
        ".map(th => Math.round(th.getBoundingClientRect().left))"
    )
    assert len(starts) >= 6 and len(set(starts)) == 3, starts
    assert Action.objects.filter(description__startswith="Audit use-of-force").count() == 0  # nothing saved yet

    page.set_viewport_size({"width": 320, "height": 800})
    page.reload()
    shoot(page, "upload-preview-320")
    assert problems(page, axe) == {}

    page.click("button:has-text('Save 2 changes to the plan')")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("1 action added and 1 change made")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("3 refused rows were left out")
    action = Action.objects.get(pk=site["action"].pk)
    assert (action.owner, action.target_date) == ("Deputy governor", datetime.date(2022, 12, 31))
    assert TargetDateChange.objects.filter(action=action).count() == 2

    # The action's page at 320 px: the target-date changes stack, nothing is cut off.
    page.goto(live_server.url + reverse("leaders:action", kwargs={"slug": "belmarsh", "pk": action.pk}))
    expect(page.locator("main")).to_contain_text("Camera supplier delayed.")
    shoot(page, "action-date-changes-320")
    assert problems(page, axe) == {}


def test_publishing_with_gaps_and_a_note_corrected_in_the_browser(live_server, new_page, axe, site):
    """The publish page lists the gaps and asks; the note form takes an earlier date by month name."""
    page = new_page(viewport={"width": 320, "height": 800})
    sign_in(page, live_server, "belmarsh.leader")
    recommendation = site["recommendation"]
    page.goto(
        live_server.url
        + reverse("leaders:publish", kwargs={"slug": "belmarsh", "inspection": recommendation.inspection.slug})
    )
    expect(page.locator("main")).to_contain_text("without a response")
    page.click("button:has-text('Publish the action plan')")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Tick the box")
    shoot(page, "publish-gaps-320")
    assert problems(page, axe) == {}

    action = site["action"]
    page.goto(live_server.url + reverse("leaders:action", kwargs={"slug": "belmarsh", "pk": action.pk}))
    page.fill("#id_text", "Second weekly meeting held.")
    page.fill("#id_noted_on", "28")
    page.fill("#id_noted_on-month", "May")
    page.fill("#id_noted_on-year", "2022")
    page.click("button:has-text('Add the note')")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("The progress note is added.")
    note = action.notes.get(text="Second weekly meeting held.")
    assert note.noted_on == datetime.date(2022, 5, 28)
    page.click(f"#note-{note.pk} a:has-text('Correct')")
    expect(page.locator("button:has-text('Save the correction')")).to_be_visible()
    assert problems(page, axe) == {}
    page.fill("#id_text", "Second weekly meeting held: 9 incidents reviewed.")
    page.click("button:has-text('Save the correction')")
    expect(page.locator("main")).to_contain_text("9 incidents reviewed")
    assert problems(page, axe) == {}
