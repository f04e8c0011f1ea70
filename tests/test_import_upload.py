"""Inspectors import a report's PDF from their workspace: upload, see what would change, confirm.
Nothing is written before the confirmation; only inspectors may import."""

import os
import re
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from findings.models import Paragraph
from recommendations.models import Inspection, PublicationStatus, Recommendation
from reports import forms as report_forms
from reports import upload
from tests.conftest import SEED_REPORT
from tests.typeset import typeset

SEED = SEED_REPORT.read_text(encoding="utf-8")
UPLOAD = reverse("reports:import")
CONFIRM = reverse("reports:import-confirm")
HMI_ROWS = 103  # rows of the Belmarsh report an HMI Prisons inspector imports: all but Ofsted's


@pytest.fixture(scope="module")
def belmarsh_pdf():
    return typeset(SEED, "a4")


@pytest.fixture
def uploads(tmp_path, monkeypatch):
    monkeypatch.setattr(upload, "FOLDER", tmp_path / "uploads")
    return tmp_path / "uploads"


@pytest.fixture
def inspector(client, hmi_inspector, uploads):
    client.force_login(hmi_inspector)
    return client


def pdf_file(data, name="belmarsh-irp-2022.pdf"):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def token_of(response):
    return re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)


def test_the_admin_index_links_the_import_for_inspectors(inspector):
    assert UPLOAD.encode() in inspector.get(reverse("admin:index")).content


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(UPLOAD)
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))


def test_leaders_may_not_import(client, belmarsh_leader, belmarsh_pdf, uploads):
    client.force_login(belmarsh_leader)
    response = client.post(UPLOAD, {"report": pdf_file(belmarsh_pdf)})
    assert response.status_code in (302, 403)
    assert response.status_code == 403 or response["Location"].startswith(reverse("admin:login"))
    assert not Inspection.objects.exists()
    assert not uploads.exists()


def test_the_preview_says_what_would_be_written_and_writes_nothing(inspector, belmarsh_pdf):
    response = inspector.post(UPLOAD, {"report": pdf_file(belmarsh_pdf)})
    page = response.content.decode()
    assert response.status_code == 200
    assert "HMP Belmarsh</strong> independent review of progress, April 2022" in page
    assert f"create <strong>{HMI_ROWS}</strong> rows" in page
    assert "Nothing has been written yet." in page
    # A joint report: Ofsted's themes, judgements and evidence are Ofsted inspectors' to import.
    assert "Left for another inspectorate" in page
    assert "Recommendation Ofsted Theme 1: " in page and "Ofsted inspectors’ only" in page
    assert not Inspection.objects.exists()


def test_confirming_imports_a_draft_with_history(inspector, hmi_inspector, belmarsh_pdf, uploads):
    token = token_of(inspector.post(UPLOAD, {"report": pdf_file(belmarsh_pdf)}))
    response = inspector.post(CONFIRM, {"token": token})
    review = Inspection.objects.get(slug="irp-2022")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:recommendations_inspection_change", args=[review.pk])
    assert review.status == PublicationStatus.DRAFT
    assert review.source == "belmarsh-irp-2022.pdf"
    assert Recommendation.objects.count() == 10  # HMI Prisons' own; Ofsted's themes are Ofsted's
    record = Paragraph.objects.get(inspection=review, number="3.9").history.get()
    assert record.history_user == hmi_inspector
    assert record.history_change_reason == "Imported from belmarsh-irp-2022.pdf"
    assert not list(uploads.iterdir())  # the upload is gone once imported
    page = inspector.get(response["Location"]).content.decode()
    assert f"Imported belmarsh-irp-2022.pdf: {HMI_ROWS} rows created" in page
    assert "Left for their own inspectorate to import" in page


def test_each_inspectorate_imports_its_own_part_of_a_joint_report(
    inspector, client, ofsted_inspector, belmarsh_pdf, uploads
):
    inspector.post(CONFIRM, {"token": token_of(inspector.post(UPLOAD, {"report": pdf_file(belmarsh_pdf)}))})
    client.force_login(ofsted_inspector)
    response = client.post(CONFIRM, {"token": token_of(client.post(UPLOAD, {"report": pdf_file(belmarsh_pdf)}))})
    assert response.status_code == 302
    assert Recommendation.objects.count() == 13
    assert set(Paragraph.objects.get(number="3.41").history.values_list("history_user__username", flat=True)) == {
        "ofsted.inspector"
    }
    # Everything is in now: a third upload by either finds nothing to change and nothing left out.
    preview = inspector.post(UPLOAD, {"report": pdf_file(belmarsh_pdf)}).content.decode()
    assert "create <strong>0</strong> rows" in preview and "Left for another inspectorate" not in preview


def test_a_file_that_is_not_a_pdf_is_refused_on_the_page(inspector):
    response = inspector.post(UPLOAD, {"report": pdf_file(SEED.encode(), "report.pdf")})
    assert response.status_code == 400
    assert "The file is not a PDF (it does not start with %PDF-)." in response.content.decode()


def test_a_broken_pdf_is_refused_on_the_page(inspector):
    response = inspector.post(UPLOAD, {"report": pdf_file(b"%PDF-1.4\nnot really")})
    assert response.status_code == 400
    assert "The PDF" in response.content.decode()


def test_a_file_over_the_size_limit_is_refused(inspector, belmarsh_pdf, monkeypatch):
    monkeypatch.setattr(report_forms, "MAX_UPLOAD_BYTES", 1000)
    response = inspector.post(UPLOAD, {"report": pdf_file(belmarsh_pdf)})
    assert response.status_code == 400
    assert "reports up to 1000" in response.content.decode()


def test_a_refused_report_shows_its_message(inspector):
    text = SEED.replace("reasonable progress in seven", "reasonable progress in six")
    response = inspector.post(UPLOAD, {"report": pdf_file(typeset(text, "a4"), "bad.pdf")})
    page = response.content.decode()
    assert response.status_code == 400
    assert "bad.pdf cannot be imported." in page
    assert "Section 2 says HMI Prisons found reasonable progress in 6, but Sections 3 and 4 judge 7" in page
    assert re.search(r"Line \d+ \(page \d+\)", page)
    assert not Inspection.objects.exists()


def test_a_forged_or_another_users_token_is_refused(inspector, client, ofsted_inspector, belmarsh_pdf):
    token = token_of(inspector.post(UPLOAD, {"report": pdf_file(belmarsh_pdf)}))
    response = inspector.post(CONFIRM, {"token": token[:-2] + "xx"}, follow=True)
    assert "This upload has expired or is not yours" in response.content.decode()
    client.force_login(ofsted_inspector)
    response = client.post(CONFIRM, {"token": token}, follow=True)
    assert "This upload has expired or is not yours" in response.content.decode()
    assert not Inspection.objects.exists()


def test_a_reimport_lists_workspace_edits_and_keeps_them_unless_ticked(inspector, belmarsh_pdf):
    inspector.post(CONFIRM, {"token": token_of(inspector.post(UPLOAD, {"report": pdf_file(belmarsh_pdf)}))})
    paragraph = Paragraph.objects.get(number="3.9")
    paragraph.text = "Typed over in the workspace."
    paragraph.save()

    preview = inspector.post(UPLOAD, {"report": pdf_file(belmarsh_pdf)})
    page = preview.content.decode()
    assert "Changed in the workspace since the last import" in page
    assert "Typed over in the workspace." in page  # now
    assert "body-worn cameras had been turned on in 56 incidents" in page  # from the report
    assert "(edited in the workspace)" in page

    refused = inspector.post(CONFIRM, {"token": token_of(preview)})
    assert refused.status_code == 409
    assert "paragraph 3.9 (evidence): text" in refused.content.decode()
    paragraph.refresh_from_db()
    assert paragraph.text == "Typed over in the workspace."

    inspector.post(CONFIRM, {"token": token_of(preview), "overwrite": "on"})
    paragraph.refresh_from_db()
    assert "body-worn cameras had been turned on in 56 incidents" in paragraph.text


def test_uploads_never_confirmed_are_removed_after_an_hour(inspector, belmarsh_pdf, uploads):
    inspector.post(UPLOAD, {"report": pdf_file(belmarsh_pdf)})
    (stale,) = uploads.iterdir()
    os.utime(stale, (time.time() - upload.MAX_AGE - 60,) * 2)
    assert inspector.post(UPLOAD, {"report": pdf_file(typeset(SEED, "a4-narrow"), "other.pdf")}).status_code == 200
    assert not stale.exists()
    assert len(list(uploads.iterdir())) == 1
