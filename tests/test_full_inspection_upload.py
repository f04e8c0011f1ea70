"""The upload page in the inspectors' workspace recognises a full inspection report by its title
line, as the command does: its text, and its PDF."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from findings.models import ReportSource
from recommendations.models import Inspection, PublicationStatus, Recommendation
from reports import upload
from tests.conftest import PROJECT_DIR
from tests.test_full_inspection_pdf import pdf_of

UPLOAD = reverse("reports:import")
CONFIRM = reverse("reports:import-confirm")
TEXT = (PROJECT_DIR / "fixtures" / "reports" / "belmarsh-full-inspection-2021.txt").read_text(encoding="utf-8")

SCORE_CELL = '{test}</th> <td class="govuk-table__cell" data-label="Score (1 to 4)">'


@pytest.fixture
def inspector(client, hmi_inspector, tmp_path, monkeypatch):
    monkeypatch.setattr(upload, "FOLDER", tmp_path / "uploads")
    client.force_login(hmi_inspector)
    return client


def token_of(response):
    return re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)


def previewed(inspector, report):
    """Uploads the Belmarsh 2021 full inspection ``report``: its preview names the report and its
    30 recommendations, and nothing is written yet."""
    preview = inspector.post(UPLOAD, {"report": report})
    page = " ".join(preview.content.decode().split())
    assert preview.status_code == 200, page[:2000]
    assert "HMP Belmarsh</strong> full inspection, 26 July – 6 August 2021, published October 2021" in page
    assert "30 concerns, 30 with a recommendation" in page
    assert not Inspection.objects.exists()
    return preview


def test_uploading_the_text_previews_then_imports_the_full_inspection_as_a_draft(inspector):
    report = SimpleUploadedFile("belmarsh-full-inspection-2021.txt", TEXT.encode(), content_type="text/plain")
    preview = previewed(inspector, report)
    response = inspector.post(CONFIRM, {"token": token_of(preview)})
    assert response.status_code == 302
    inspection = Inspection.objects.get(slug="inspection-2021")
    assert inspection.status == PublicationStatus.DRAFT  # the workspace publishes it, as a review
    assert Recommendation.objects.filter(inspection=inspection).count() == 30


def test_a_broken_full_inspection_is_refused_on_the_page_with_its_line(inspector):
    broken = TEXT.replace("3.3 Searching was proportionate", "3.4 Searching was proportionate")
    response = inspector.post(UPLOAD, {"report": SimpleUploadedFile("broken.txt", broken.encode())})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Paragraph 3.4 is out of order" in page and "(page 13)" in page
    assert not Inspection.objects.exists()


def test_an_inspector_uploads_a_typeset_pdf_sees_the_preview_confirms_and_the_page_shows_it(inspector, client):
    """The PDF as HMI Prisons publishes it (typeset, headings wrapped, a running footer): the preview
    names the report and its 30 recommendations; once confirmed and published from the workspace,
    the inspection's public page shows its scores and every recommendation."""
    data = pdf_of("before-May-2022", "a4-wrapped-headings")
    report = SimpleUploadedFile("belmarsh-full-inspection-2021.pdf", data, content_type="application/pdf")
    preview = previewed(inspector, report)

    confirmed = inspector.post(CONFIRM, {"token": token_of(preview)})
    assert confirmed.status_code == 302
    inspection = Inspection.objects.get(slug="inspection-2021")
    assert inspection.sources.get().media_type == ReportSource.PDF  # the report as published, kept
    published = inspector.post(
        reverse("admin:recommendations_inspection_changelist"),
        {"action": "publish_selected", "_selected_action": [inspection.pk]},
    )
    assert published.status_code == 302
    inspection.refresh_from_db()
    assert inspection.status == PublicationStatus.PUBLISHED

    client.logout()
    public = " ".join(client.get("/establishments/belmarsh/inspection-2021/").content.decode().split())
    assert SCORE_CELL.format(test="Purposeful activity") + "1: Outcomes for prisoners are poor" in public
    assert SCORE_CELL.format(test="Respect") + "3: Outcomes for prisoners are reasonably good" in public
    for recommendation in Recommendation.objects.filter(inspection=inspection):
        assert recommendation.text.split(".")[0] in public  # all 30, in the words the PDF gave
    assert public.count(">Priority<") == 5


def test_a_long_full_inspection_pdf_is_read_in_the_background_by_its_own_grammar(inspector, settings):
    """Past the page limit the PDF is read by a background job (inline here), which tells a full
    inspection from a review by its title as the request does, and previews it the same way."""
    settings.REPORT_BACKGROUND_PAGES = 5  # the typeset report's 15 pages count as long
    data = pdf_of("from-May-2022", "letter-narrow-margins")
    response = inspector.post(UPLOAD, {"report": SimpleUploadedFile("exampleton-2023.pdf", data)})
    assert response.status_code == 302 and response["Location"].startswith("/admin/reports/import/jobs/")
    page = " ".join(inspector.get(response["Location"]).content.decode().split())
    assert "HMP Exampleton</strong> full inspection" in page and "Nothing has been written yet." in page
    assert "6 concerns" in page
    assert not Inspection.objects.exists()


def test_an_ofsted_inspector_uploading_a_new_full_inspection_is_refused_and_nothing_is_written(
    client, ofsted_inspector, tmp_path, monkeypatch
):
    """A full inspection is HMI Prisons' report: another inspectorate's inspector is refused at
    the preview with a sentence (a 400, never a 500), and nothing is written."""
    monkeypatch.setattr(upload, "FOLDER", tmp_path / "uploads")
    client.force_login(ofsted_inspector)
    report = SimpleUploadedFile("belmarsh-full-inspection-2021.txt", TEXT.encode(), content_type="text/plain")
    preview = client.post(UPLOAD, {"report": report})
    page = " ".join(preview.content.decode().split())
    assert preview.status_code == 400
    assert "Nothing was imported: everything this report would change is for another inspectorate" in page
    assert not Inspection.objects.exists() and not Recommendation.objects.exists()
