"""The report as published: the imported or uploaded file is kept (SHA-256, size, original name),
an identical file is recognised and changes nothing, and the public review page links to the
file, served only while the public may read the review. The upload page takes the report's text
as the command does, and reads a long PDF in the background with its progress on the page."""

import datetime
import hashlib
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from findings.models import ReportSource
from findings.publishing import unpublish_review
from recommendations.models import Inspection, PublicationStatus
from reports import jobs, upload
from tests.conftest import SEED_REPORT
from tests.test_import_upload import HMI_ROWS
from tests.typeset import typeset

SEED = SEED_REPORT.read_text(encoding="utf-8")
UPLOAD = reverse("reports:import")
CONFIRM = reverse("reports:import-confirm")


def run(*args, **options):
    out = io.StringIO()
    call_command("import_report", *map(str, args), stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


@pytest.fixture(scope="module")
def belmarsh_pdf():
    return typeset(SEED, "a4")


@pytest.fixture
def pdf_path(tmp_path, belmarsh_pdf):
    path = tmp_path / "belmarsh-irp-2022.pdf"
    path.write_bytes(belmarsh_pdf)
    return path


@pytest.fixture
def uploads(tmp_path, monkeypatch):
    monkeypatch.setattr(upload, "FOLDER", tmp_path / "uploads")
    return tmp_path / "uploads"


@pytest.fixture
def inspector(client, hmi_inspector, uploads):
    client.force_login(hmi_inspector)
    return client


def review_url(name):
    return reverse("public:review-source", kwargs={"slug": "belmarsh", "review": "irp-2022"})


def token_of(response):
    return re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)


# --- Kept on import ----------------------------------------------------------------------------


def test_an_imported_pdf_is_kept_with_its_hash_size_and_name(db, pdf_path, belmarsh_pdf):
    run(pdf_path, verbosity=0)
    (source,) = ReportSource.objects.all()
    assert source.inspection == Inspection.objects.get(slug="irp-2022")
    assert source.sha256 == hashlib.sha256(belmarsh_pdf).hexdigest()
    assert (source.size, source.original_name, source.media_type) == (
        len(belmarsh_pdf),
        "belmarsh-irp-2022.pdf",
        "application/pdf",
    )
    assert source.file.name == f"reports/{source.sha256[:2]}/{source.sha256}.pdf"  # never the uploaded name
    with source.file.open("rb") as handle:
        assert handle.read() == belmarsh_pdf


def test_importing_the_identical_file_again_is_recognised_and_changes_nothing(db, pdf_path):
    run(pdf_path, verbosity=0)
    before = list(ReportSource.objects.values())
    out = run(pdf_path)
    assert "0 rows created, 0 updated, 126 unchanged" in out
    assert "The file is identical to belmarsh-irp-2022.pdf, imported on" in out
    assert list(ReportSource.objects.values()) == before


def test_a_new_file_of_the_same_review_is_kept_beside_the_first_and_linked(db, client, pdf_path, tmp_path):
    run(pdf_path, verbosity=0)
    text = tmp_path / "belmarsh-irp-2022.txt"
    text.write_text(SEED, encoding="utf-8")
    run(text, verbosity=0)
    assert ReportSource.objects.count() == 2
    page = client.get(reverse("public:review", kwargs={"slug": "belmarsh", "review": "irp-2022"})).content.decode()
    assert re.search(r"Read the report as published \(text, \d+(\.\d)?\xa0KB\)", page)


def test_an_older_file_imported_again_after_a_newer_one_is_linked_again_and_kept_once(db, client, pdf_path, tmp_path):
    """PDF, then the text (a new file: linked), then the PDF again: the review is what the PDF says
    once more, so the PDF is the file linked, and there are still two files."""
    run(pdf_path, verbosity=0)
    text = tmp_path / "belmarsh-irp-2022.txt"
    text.write_text(SEED, encoding="utf-8")
    run(text, verbosity=0)
    out = run(pdf_path)
    assert "0 rows created, 1 updated" in out
    assert ReportSource.objects.count() == 2
    page = client.get(reverse("public:review", kwargs={"slug": "belmarsh", "review": "irp-2022"})).content.decode()
    assert re.search(r"Read the report as published \(PDF, \d+(\.\d)?\xa0KB\)", page)
    assert (
        client.get(reverse("public:review-source", args=["belmarsh", "irp-2022"]))["Content-Type"] == "application/pdf"
    )


def test_a_dry_run_or_a_refused_report_keeps_nothing(db, pdf_path, tmp_path):
    run(pdf_path, "--dry-run", verbosity=0)
    bad = tmp_path / "bad.txt"
    bad.write_text(SEED.replace("reasonable progress in seven", "reasonable progress in six"), encoding="utf-8")
    with pytest.raises(Exception, match="Section 2 says"):
        run(bad, verbosity=0)
    assert not ReportSource.objects.exists()


# --- Linked and served to the public -------------------------------------------------------------


def test_the_public_page_links_the_report_as_published_and_serves_it(db, client, pdf_path, belmarsh_pdf):
    run(pdf_path, verbosity=0)
    page = client.get(reverse("public:review", kwargs={"slug": "belmarsh", "review": "irp-2022"})).content.decode()
    size = f"{len(belmarsh_pdf) / 1024:.1f}".rstrip("0").rstrip(".")
    link = f'<a class="govuk-link" href="{review_url("")}">Read the report as published (PDF, {size}\xa0KB)</a>'
    assert link in page
    response = client.get(review_url(""))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="belmarsh-irp-2022.pdf"' in response["Content-Disposition"]
    assert not response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == belmarsh_pdf
    assert response["ETag"] == f'"{hashlib.sha256(belmarsh_pdf).hexdigest()}"'
    again = client.get(review_url(""), HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_a_draft_reviews_file_is_not_served_to_the_public(db, client, pdf_path):
    run(pdf_path, "--draft", verbosity=0)
    assert ReportSource.objects.count() == 1
    assert client.get(review_url("")).status_code == 404


def test_an_embargoed_reviews_file_is_not_served_before_its_date(db, client, pdf_path):
    run(pdf_path, verbosity=0)
    Inspection.objects.filter(slug="irp-2022").update(published_on=datetime.date.today() + datetime.timedelta(days=3))
    assert client.get(review_url("")).status_code == 404


def test_a_review_taken_down_stops_serving_its_file(db, client, pdf_path, hmi_inspector):
    run(pdf_path, verbosity=0)
    assert client.get(review_url("")).status_code == 200
    review = Inspection.objects.get(slug="irp-2022")
    unpublish_review(review, by=hmi_inspector, reason="Published by mistake.")
    assert Inspection.objects.get(slug="irp-2022").status == PublicationStatus.DRAFT
    assert client.get(review_url("")).status_code == 404


def test_inspectors_preview_a_drafts_file_and_others_may_not(db, client, pdf_path, hmi_inspector, belmarsh_leader):
    run(pdf_path, "--draft", verbosity=0)
    review = Inspection.objects.get(slug="irp-2022")
    url = reverse("public:review-preview-source", kwargs={"pk": review.pk})
    client.force_login(belmarsh_leader)
    assert client.get(url).status_code == 403
    client.force_login(hmi_inspector)
    assert client.get(url).status_code == 200
    preview = client.get(reverse("public:review-preview", kwargs={"pk": review.pk})).content.decode()
    assert f'href="{url}">Read the report as published (PDF,' in preview


def test_a_file_missing_from_storage_is_a_404_not_an_error(db, client, pdf_path):
    run(pdf_path, verbosity=0)
    source = ReportSource.objects.get()
    source.file.storage.delete(source.file.name)
    assert client.get(review_url("")).status_code == 404


# --- The upload page takes the text too -----------------------------------------------------------


def test_the_upload_page_takes_the_reports_text_and_keeps_it(inspector):
    preview = inspector.post(UPLOAD, {"report": SimpleUploadedFile("belmarsh-irp-2022.txt", SEED.encode())})
    assert preview.status_code == 200
    assert f"create <strong>{HMI_ROWS}</strong> rows" in preview.content.decode()
    response = inspector.post(CONFIRM, {"token": token_of(preview)})
    assert response.status_code == 302
    source = ReportSource.objects.get()
    assert (source.original_name, source.media_type, source.size) == (
        "belmarsh-irp-2022.txt",
        "text/plain",
        len(SEED.encode()),
    )


def test_the_preview_says_the_file_is_kept_and_recognises_it_uploaded_again(inspector, belmarsh_pdf, tmp_path):
    first = inspector.post(UPLOAD, {"report": SimpleUploadedFile("belmarsh-irp-2022.pdf", belmarsh_pdf)})
    digest = hashlib.sha256(belmarsh_pdf).hexdigest()
    assert re.search(
        rf"The file is kept as published \(PDF, [\d.]+\xa0KB, SHA-256 {digest[:12]}…\)", first.content.decode()
    )
    inspector.post(CONFIRM, {"token": token_of(first)})
    # Uploaded again (as a browser names a second download): nothing of HMI Prisons' is left to
    # import, only Ofsted's themes, so it is refused, and the page says the file is the same.
    again = inspector.post(UPLOAD, {"report": SimpleUploadedFile("belmarsh-irp-2022 (1).pdf", belmarsh_pdf)})
    page = again.content.decode().replace("&#x27;", "'")
    assert again.status_code == 400
    assert "This very file (the same SHA-256) was imported on" in page and "as belmarsh-irp-2022.pdf, for" in page
    assert ReportSource.objects.count() == 1


def test_the_same_file_under_another_name_changes_nothing(db, pdf_path, tmp_path):
    run(pdf_path, verbosity=0)
    history = Inspection.history.count()
    renamed = tmp_path / "belmarsh-irp-2022 (1).pdf"
    renamed.write_bytes(pdf_path.read_bytes())
    out = run(renamed)
    assert "0 rows created, 0 updated, 126 unchanged" in out
    assert ReportSource.objects.count() == 1 and Inspection.history.count() == history
    assert Inspection.objects.get(kind="irp").source == "belmarsh-irp-2022.pdf"


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("report.txt", b"", "The file is empty: there is no report text to import."),
        ("report.txt", b"Section 1\x00", "The file is binary (it contains NUL bytes), not the text of a report."),
        ("report.txt", "Section 1 é".encode("latin-1"), "The file is not UTF-8 text (byte 0xe9 cannot be decoded)"),
        (
            "report.docx",
            b"PK\x03\x04",
            "A report is imported from its PDF (.pdf) or its text (.txt), and this file is neither.",
        ),
        (
            "report.md",
            SEED.encode(),
            "A report is imported from its PDF (.pdf) or its text (.txt), and this file is neither.",
        ),
    ],
)
def test_text_the_command_refuses_the_upload_page_refuses_with_the_same_message(
    inspector, name, data, message, tmp_path
):
    response = inspector.post(UPLOAD, {"report": SimpleUploadedFile(name, data)})
    assert response.status_code == 400
    assert message in response.content.decode().replace("&#x27;", "'")
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(CommandError) as refused:
        run(path, verbosity=0)
    assert message in str(refused.value)
    assert not Inspection.objects.exists()


# --- A long PDF in the background ------------------------------------------------------------------


def test_a_long_pdf_is_read_and_imported_in_the_background(inspector, settings, belmarsh_pdf, ofsted_inspector, client):
    settings.REPORT_BACKGROUND_PAGES = 5  # the seed's 15 pages count as long
    response = inspector.post(UPLOAD, {"report": SimpleUploadedFile("belmarsh-irp-2022.pdf", belmarsh_pdf)})
    assert response.status_code == 302
    job_url = response["Location"]
    assert job_url.startswith("/admin/reports/import/jobs/")
    preview = inspector.get(job_url)  # tasks run inline here: the reading is done
    page = preview.content.decode()
    assert f"create <strong>{HMI_ROWS}</strong> rows" in page and "Nothing has been written yet." in page
    assert not Inspection.objects.exists()
    preview_job = re.search(r'name="preview" value="([^"]+)"', page).group(1)

    confirmed = inspector.post(CONFIRM, {"token": token_of(preview), "preview": preview_job})
    assert confirmed.status_code == 302 and confirmed["Location"].startswith("/admin/reports/import/jobs/")
    done = inspector.get(confirmed["Location"])
    review = Inspection.objects.get(slug="irp-2022")
    assert done["Location"] == reverse("admin:recommendations_inspection_change", args=[review.pk])
    assert review.status == PublicationStatus.DRAFT
    assert ReportSource.objects.get().inspection == review

    client.force_login(ofsted_inspector)  # another inspector cannot follow someone else's import
    assert client.get(job_url).status_code == 404


def test_the_progress_page_says_how_far_the_reading_has_got(inspector, hmi_inspector):
    job = jobs.create(hmi_inspector, kind="preview", name="long.pdf", token="t")
    jobs.update(job, state=jobs.RUNNING, stage="Reading page 40 of 120", done=40, total=120)
    page = inspector.get(reverse("reports:import-job", kwargs={"job": job["id"]})).content.decode()
    assert '<meta http-equiv="refresh" content="2">' in page
    assert "Reading page 40 of 120" in page and "(33%)" in page
    assert '<progress class="import-progress" max="120" value="40"' in page


def test_a_long_pdf_refused_in_the_background_says_why(inspector, settings):
    settings.REPORT_BACKGROUND_PAGES = 5
    text = SEED.replace("reasonable progress in seven", "reasonable progress in six")
    response = inspector.post(UPLOAD, {"report": SimpleUploadedFile("bad.pdf", typeset(text, "a4"))})
    page = inspector.get(response["Location"])
    assert page.status_code == 400
    assert "bad.pdf cannot be imported." in page.content.decode()
    assert re.search(r"Line \d+ \(page \d+\)", page.content.decode())
    assert not Inspection.objects.exists()
