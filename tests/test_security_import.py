"""Issue 21, findings 2, 3, 4, 10, 13 and 14: the import is one more door, and it opens only
what its user could open by hand.

- An inspector of another inspectorate cannot rewrite the lead inspectorate's summary and
  evidence by uploading an edited PDF (finding 2).
- An import never lifts or moves an embargo: the report's date is shown beside the review's, and
  the date is left to the one publishing function (finding 3).
- Edits survive a re-import on data loaded from the fixture, and a renamed team member is not
  duplicated (finding 4).
- An encrypted PDF is refused as encrypted, on the page and on the command line, whether or not
  a library could decrypt it (finding 10); the command has the page's size limit (finding 14).
- Two confirmations of the same new upload: one imports, the other is told so (finding 13).
"""

import datetime
import io
import re
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection
from django.urls import reverse

from findings.models import Paragraph, ParagraphPart
from findings.publishing import change_publication_date
from recommendations.models import (
    AuditAction,
    AuditEvent,
    Establishment,
    Inspection,
    PublicationStatus,
    Recommendation,
    TeamMember,
)
from reports import limits, upload
from reports import views as report_views
from tests.conftest import SEED_REPORT
from tests.typeset import typeset

SEED = SEED_REPORT.read_text(encoding="utf-8")
UPLOAD = reverse("reports:import")
CONFIRM = reverse("reports:import-confirm")
SUMMARY_START = "This independent review of progress"


def run(*args):
    out = io.StringIO()
    call_command("import_report", *map(str, args), stdout=out, stderr=io.StringIO())
    return out.getvalue()


def pdf_file(data, name="belmarsh-irp-2022.pdf"):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def token_of(response):
    return re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)


@pytest.fixture
def uploads(tmp_path, monkeypatch):
    monkeypatch.setattr(upload, "FOLDER", tmp_path / "uploads")
    return tmp_path / "uploads"


@pytest.fixture
def published(db):
    """The Belmarsh review imported from its report and published (HMI Prisons leads it)."""
    run(SEED_REPORT)
    review = Inspection.objects.get(slug="irp-2022")
    assert review.status == PublicationStatus.PUBLISHED
    return review


def summary_text(review):
    return Paragraph.objects.filter(inspection=review, part=ParagraphPart.SUMMARY).order_by("index").first().text


def edited_report():
    """The report with its summary and an HMI Prisons evidence paragraph rewritten."""
    first = re.search(r"^1\.1\s+(.+)$", SEED, re.M).group(1)
    evidence = re.search(r"^3\.9\s+(.+)$", SEED, re.M).group(1)
    return SEED.replace(first, "Rewritten by someone else. " + first).replace(evidence, "Forged. " + evidence)


# --- Finding 2: the upload and inspectorate permissions -----------------------------------------


def test_another_inspectorate_cannot_rewrite_the_leads_text_by_upload(client, published, ofsted_inspector, uploads):
    before_summary = summary_text(published)
    before_evidence = Paragraph.objects.get(inspection=published, number="3.9").text
    client.force_login(ofsted_inspector)
    response = client.post(UPLOAD, {"report": pdf_file(typeset(edited_report(), "a4"))})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Nothing was imported: everything this report would change is for another inspectorate" in page
    assert "paragraph 1.1 (summary): text — HMI Prisons inspectors’ (the review’s lead inspectorate) only" in page
    assert "paragraph 3.9 (evidence): text — HMI Prisons inspectors’ only" in page
    assert summary_text(published) == before_summary
    assert Paragraph.objects.get(inspection=published, number="3.9").text == before_evidence
    assert not AuditEvent.objects.filter(action=AuditAction.IMPORTED).exclude(user=None).exists()


def test_the_command_applies_the_same_rule_to_its_user(published, ofsted_inspector, tmp_path):
    path = tmp_path / "edited.txt"
    path.write_text(edited_report(), encoding="utf-8")
    with pytest.raises(CommandError, match="for another inspectorate to change"):
        run(path, "--user", "ofsted.inspector")
    assert "Rewritten by someone else." not in summary_text(published)


def test_the_lead_inspectorates_import_names_every_field_on_the_audit_trail(published, hmi_inspector, tmp_path):
    path = tmp_path / "edited.txt"
    path.write_text(edited_report(), encoding="utf-8")
    run(path, "--user", "hmi.inspector", "--overwrite")
    assert summary_text(published).startswith("Rewritten by someone else.")
    event = AuditEvent.objects.filter(action=AuditAction.IMPORTED, user=hmi_inspector).get()
    assert "paragraph 1.1 (summary) (text)" in event.summary
    assert "paragraph 3.9 (evidence) (text)" in event.summary


# --- Finding 3: an import never moves the embargo -----------------------------------------------


@pytest.fixture
def cqc_inspector(db):
    from recommendations.models import Inspectorate
    from recommendations.roles import Role, grant_role

    return grant_role("cqc.inspector", Role.INSPECTOR, inspectorate=Inspectorate.objects.get(slug="cqc"))[0]


def test_an_upload_never_lifts_an_embargo(client, published, hmi_inspector, cqc_inspector, uploads):
    change_publication_date(published, hmi_inspector, datetime.date(2030, 1, 1), "Embargo agreed.")
    client.force_login(cqc_inspector)  # judges nothing here, so is refused the date change (403) …
    change_date = reverse("admin:recommendations_inspection_change_date", args=[published.pk])
    assert (
        client.post(change_date, {"publication-published_on": "2022-04-01", "publication-reason": "x"}).status_code
        == 403
    )
    preview = client.post(UPLOAD, {"report": pdf_file(typeset(SEED, "a4"))})  # … uploads the report
    page = preview.content.decode()
    assert preview.status_code == 200
    flag = " ".join(re.search(r'id="publication-date-flag">(.*?)</li>', page, re.S).group(1).split())
    assert "the report is dated 1 April 2022" in flag and "the review is shown from 1 January 2030" in flag
    response = client.post(CONFIRM, {"token": token_of(preview), "overwrite": "on"})
    assert response.status_code == 302
    published.refresh_from_db()
    assert published.published_on == datetime.date(2030, 1, 1)
    assert published.status == PublicationStatus.PUBLISHED
    assert not Inspection.objects.published().filter(pk=published.pk).exists()  # still embargoed


def test_a_reimport_of_ones_own_embargoed_review_keeps_the_embargo(published, hmi_inspector):
    change_publication_date(published, hmi_inspector, datetime.date(2030, 1, 1), "Embargo agreed.")
    embargo_events = AuditEvent.objects.filter(action=AuditAction.EMBARGO_CHANGED).count()
    run(SEED_REPORT, "--user", "hmi.inspector", "--overwrite")
    published.refresh_from_db()
    assert published.published_on == datetime.date(2030, 1, 1)
    assert AuditEvent.objects.filter(action=AuditAction.EMBARGO_CHANGED).count() == embargo_events


# --- Finding 4: edits on fixture-loaded data survive a re-import --------------------------------


@pytest.fixture
def loaded(db):
    call_command("load_belmarsh_if_empty", verbosity=0)
    return Inspection.objects.get(slug="irp-2022")


def test_every_row_loaded_from_the_fixture_has_history_from_its_first_save(loaded):
    from recommendations.history import models_with_history

    for model in models_with_history():
        assert not model.objects.exclude(pk__in=model.history.values("id")).exists(), model
    record = Recommendation.history.filter(reference="1.39").earliest("history_date")
    # made by importing two reports (make fixtures): loaded as their imports' values
    assert record.history_change_reason == "Loaded from belmarsh.json"


FULL_REPORT = SEED_REPORT.parent / "belmarsh-full-inspection-2021.txt"


def test_a_recommendation_edited_after_loading_is_not_overwritten(loaded):
    """The full inspection's report writes its recommendations' text: re-importing it refuses to
    overwrite a correction made in the workspace (and the review, which quotes it, refuses too)."""
    recommendation = Recommendation.objects.get(inspection=loaded.follows_up, reference="1.39")
    recommendation.concern = "Corrected in the workspace."
    recommendation.save()
    with pytest.raises(CommandError, match="would overwrite 1 value changed in the inspectors’ workspace"):
        run(FULL_REPORT)
    recommendation.refresh_from_db()
    assert recommendation.concern == "Corrected in the workspace."


def test_a_recommendations_text_edited_after_loading_is_named_and_kept(loaded):
    """Finding 4 as reported: the recommendation's text itself corrected in the workspace. The full
    inspection's re-import names that edit (not a quote that differs) and keeps it; the review,
    which quotes the text as the report printed it (the value the last import wrote), re-imports
    without touching it; ``--overwrite`` puts the report's text back."""
    recommendation = Recommendation.objects.get(inspection=loaded.follows_up, reference="1.39")
    printed = recommendation.text
    recommendation.text = printed + " (Corrected in the workspace.)"
    recommendation.save()
    with pytest.raises(CommandError, match=r"would overwrite 1 value changed in the inspectors’ workspace .*: text\)"):
        run(FULL_REPORT)
    run(SEED_REPORT)
    recommendation.refresh_from_db()
    assert recommendation.text == printed + " (Corrected in the workspace.)"
    run(FULL_REPORT, "--overwrite")
    recommendation.refresh_from_db()
    assert recommendation.text == printed


def test_a_value_with_no_history_at_all_is_compared_with_the_report(loaded):
    recommendation = Recommendation.objects.get(inspection=loaded.follows_up, reference="1.39")
    Recommendation.history.filter(id=recommendation.pk).delete()
    Recommendation.objects.filter(pk=recommendation.pk).update(concern="Changed with no trace.")
    with pytest.raises(CommandError, match="would overwrite 1 value"):
        run(FULL_REPORT)
    recommendation.refresh_from_db()
    assert recommendation.concern == "Changed with no trace."


def test_a_renamed_team_member_is_kept_and_never_duplicated(loaded):
    member = loaded.team.order_by("position").first()
    count = loaded.team.count()
    original = member.name
    member.name = "Renamed in the workspace"
    member.save()
    assert member.history.count() == 2  # loaded, renamed
    with pytest.raises(CommandError, match="team member"):
        run(SEED_REPORT)
    assert loaded.team.count() == count
    run(SEED_REPORT, "--overwrite")
    assert loaded.team.count() == count
    member.refresh_from_db()
    assert member.name == original


# --- Finding 10 and 14: encrypted PDFs, size and page limits ------------------------------------


def encrypted_pdfs():
    """An RC4-encrypted PDF (pypdf could decrypt it) and one claiming AES-256 (it could not)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    rc4 = out.getvalue()
    aes = re.sub(rb"/V \d+", b"/V 5", re.sub(rb"/R \d+", b"/R 6", rc4))
    aes = aes.replace(b"/Filter /Standard", b"/Filter /Standard /CF << /StdCF << /CFM /AESV3 /Length 32 >> >>", 1)
    return {"rc4": rc4, "aes": aes}


@pytest.mark.parametrize("kind", ["rc4", "aes"])
def test_an_encrypted_pdf_is_refused_as_encrypted_on_the_page(client, hmi_inspector, uploads, kind):
    client.force_login(hmi_inspector)
    response = client.post(UPLOAD, {"report": pdf_file(encrypted_pdfs()[kind])})
    assert response.status_code == 400
    assert "The PDF is encrypted, so it cannot be imported" in response.content.decode()


@pytest.mark.parametrize("kind", ["rc4", "aes"])
def test_an_encrypted_pdf_is_refused_as_encrypted_by_the_command(db, tmp_path, kind):
    path = tmp_path / "report.pdf"
    path.write_bytes(encrypted_pdfs()[kind])
    with pytest.raises(CommandError, match="The PDF is encrypted, so it cannot be imported"):
        run(path)


def test_the_command_has_the_pages_size_limit(db, tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_REPORT_BYTES", 1000)
    path = tmp_path / "big.pdf"
    path.write_bytes(b"%PDF-1.4\n" + b"0" * 2000)
    with pytest.raises(CommandError, match="reports up to 1000"):
        run(path)


def test_a_pdf_of_too_many_pages_is_refused_before_its_text_is_read(db, tmp_path, monkeypatch):
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(5):
        writer.add_blank_page(100, 100)
    out = io.BytesIO()
    writer.write(out)
    path = tmp_path / "long.pdf"
    path.write_bytes(out.getvalue())
    monkeypatch.setattr(limits, "MAX_REPORT_PAGES", 4)
    with pytest.raises(CommandError, match="The PDF has 5 pages: reports up to 4 pages can be imported."):
        run(path)


# --- Finding 13: two confirmations of the same new upload ---------------------------------------


def test_a_confirmation_racing_another_is_retried_once_against_what_the_other_wrote(
    client, hmi_inspector, uploads, monkeypatch
):
    client.force_login(hmi_inspector)
    preview = client.post(UPLOAD, {"report": pdf_file(typeset(SEED, "a4"))})
    calls = []
    save = report_views.import_file

    def racing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise IntegrityError('duplicate key value violates unique constraint "establishment_name"')
        return save(*args, **kwargs)

    monkeypatch.setattr(report_views, "import_file", racing)
    response = client.post(CONFIRM, {"token": token_of(preview)})
    assert response.status_code == 302 and len(calls) == 2
    assert Inspection.objects.filter(slug="irp-2022").count() == 1


def test_a_confirmation_that_loses_twice_is_a_409_with_a_sentence(client, hmi_inspector, uploads, monkeypatch):
    client.force_login(hmi_inspector)
    preview = client.post(UPLOAD, {"report": pdf_file(typeset(SEED, "a4"))})

    def always(*args, **kwargs):
        raise IntegrityError("duplicate key")

    monkeypatch.setattr(report_views, "import_file", always)
    response = client.post(CONFIRM, {"token": token_of(preview)})
    assert response.status_code == 409
    assert "was being imported by someone else at the same moment, so this import wrote nothing" in (
        response.content.decode()
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a race needs a database that runs two at once")
@pytest.mark.django_db(transaction=True)
def test_two_inspectors_confirming_the_same_new_report_at_once(hmi_prisons, uploads):
    from django.test import Client

    from recommendations.roles import Role, grant_role

    pdf = typeset(SEED, "a4")
    clients, tokens = [], []
    for name in ("first.inspector", "second.inspector"):
        user = grant_role(name, Role.INSPECTOR, inspectorate=hmi_prisons)[0]
        client = Client()
        client.force_login(user)
        tokens.append(token_of(client.post(UPLOAD, {"report": pdf_file(pdf)})))
        clients.append(client)
    statuses = []
    barrier = threading.Barrier(2)

    def confirm(client, token):
        barrier.wait()
        statuses.append(client.post(CONFIRM, {"token": token}).status_code)
        connection.close()

    threads = [threading.Thread(target=confirm, args=pair) for pair in zip(clients, tokens, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(status in (302, 409) for status in statuses), statuses
    assert Establishment.objects.filter(name="HMP Belmarsh").count() == 1
    assert Inspection.objects.filter(slug="irp-2022").count() == 1
    assert TeamMember.objects.values("inspection", "position").distinct().count() == TeamMember.objects.count()
