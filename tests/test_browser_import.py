"""In Chromium: an inspector uploads a typeset report PDF, reads what it would write, confirms,
and the review is in the workspace as a draft; both pages pass axe."""

import pytest
from playwright.sync_api import expect

from recommendations.models import Inspection, PublicationStatus
from reports import upload
from tests.conftest import PASSWORD, SEED_REPORT
from tests.typeset import typeset


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_inspector_uploads_a_report_pdf_and_confirms_it(
    live_server, page, axe, hmi_inspector, tmp_path, monkeypatch
):
    monkeypatch.setattr(upload, "FOLDER", tmp_path / "uploads")
    pdf = tmp_path / "belmarsh-irp-2022.pdf"
    pdf.write_bytes(typeset(SEED_REPORT.read_text(encoding="utf-8"), "a4-narrow"))

    page.goto(live_server.url + "/admin/")
    page.get_by_label("Username").fill("hmi.inspector")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Import a report (PDF or text)").click()
    expect(page.get_by_label("Report (PDF or text)")).to_be_visible()
    assert axe(page) == []

    page.get_by_label("Report (PDF or text)").set_input_files(str(pdf))
    page.get_by_role("button", name="Read the report").click()
    expect(page.get_by_text("Nothing has been written yet.")).to_be_visible()
    expect(page.get_by_text("10 recommendations, 3 themes, 65 evidence paragraphs")).to_be_visible()
    expect(page.get_by_role("heading", name="Left for another inspectorate")).to_be_visible()
    assert axe(page) == []
    assert not Inspection.objects.exists()

    page.get_by_role("button", name="Import belmarsh-irp-2022.pdf").click()
    expect(page.get_by_text("Imported belmarsh-irp-2022.pdf: 103 rows created")).to_be_visible()
    # Ofsted's themes are Ofsted inspectors' to import: said, not dropped silently.
    expect(page.get_by_text("Left for their own inspectorate to import")).to_be_visible()
    assert Inspection.objects.get(slug="irp-2022").status == PublicationStatus.DRAFT


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [320, 1280])
def test_a_corrected_report_previews_its_changes_and_removals_readably(
    live_server, page, axe, hmi_inspector, tmp_path, monkeypatch, width
):
    """A report imported again: the values it would change in a table whose columns stay readable
    (scrolled in their region on a phone, not broken a letter a line), and what it would remove."""
    from django.core.management import call_command

    from tests.test_import_removals import SHORTER

    monkeypatch.setattr(upload, "FOLDER", tmp_path / "uploads")
    call_command("import_report", str(SEED_REPORT), "--draft", verbosity=0)
    corrected = tmp_path / "belmarsh-irp-2022-corrected.txt"
    corrected.write_text(SHORTER, encoding="utf-8")

    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + "/admin/reports/import/")
    page.get_by_label("Username").fill("hmi.inspector")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Report (PDF or text)").set_input_files(str(corrected))
    page.get_by_role("button", name="Read the report").click()
    removed = page.locator("#to-remove")
    expect(removed.get_by_role("heading", name="No longer in the report")).to_be_visible()
    expect(removed.get_by_text("Paragraph: 3.65 (evidence)")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    now = page.get_by_role("cell", name="There had been no management meetings", exact=False)
    assert now.bounding_box()["width"] >= 120, "the 'Now' column is too narrow to read"
    assert axe(page) == []
