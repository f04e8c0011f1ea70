"""A report imported again that no longer contains something the last import wrote: the row is
taken out as its user could take it out by hand (with history, listed before anything is written),
a row typed in the workspace is kept, and what only an inspector may take out refuses the import."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from findings.models import GlossaryEntry, Paragraph
from recommendations.models import AuditEvent, HealthyPrisonScore, Inspection, Recommendation, TeamMember
from reports import upload
from reports.full_importer import save_full_inspection
from reports.grammars.full_inspection import lines_from_text, parse_full_inspection
from reports.importer import REMOVED, EditedSinceImport, parse_any_report, save_report
from reports.reading import ReportError
from tests.conftest import PROJECT_DIR, SEED_REPORT

SEED = SEED_REPORT.read_text(encoding="utf-8")
FULL = (PROJECT_DIR / "fixtures" / "reports" / "belmarsh-full-inspection-2021.txt").read_text(encoding="utf-8")


def cut(text, old, new=""):
    assert text.count(old) == 1, old
    return text.replace(old, new)


# The report corrected: paragraph 3.64 taken out (3.65 renumbered 3.64), an Ofsted inspector and
# a glossary entry gone.
SHORTER = cut(
    cut(
        cut(
            SEED,
            "3.64 There had been no management meetings during the second half of \n2021 to oversee and influence "
            "resettlement provision for any prisoners, \nalthough these had now resumed.  \n\n3.65 The prison",
            "3.64 The prison",
        ),
        "Jane Hughes  Ofsted inspector \n",
    ),
    "Listener \nPrisoners trained by the Samaritans to provide confidential emotional support to \n"
    "fellow prisoners. \n",
)


def run(tmp_path, text, *args, name="belmarsh-irp-2022.txt", **options):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    out = io.StringIO()
    call_command("import_report", str(path), *args, stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


@pytest.fixture
def draft(tmp_path, db):
    run(tmp_path, SEED, "--draft", verbosity=0)  # a draft's paragraphs may be taken out by hand
    return Inspection.objects.get(slug="irp-2022")


def test_a_draft_imported_again_loses_what_the_report_took_back(tmp_path, draft):
    out = run(tmp_path, SHORTER, "--draft", "-v", "2", name="belmarsh-irp-2022-corrected.txt")
    assert "removed paragraph: 3.65 (evidence)" in out
    assert "removed team member: 6 (Jane Hughes)" in out
    assert "removed glossary entry: Listener" in out
    assert "updated paragraph: 3.64 (evidence) (text)" in out
    assert "updated glossary entry: Protected characteristics (position)" in out  # one place up
    # 3.64's text, five glossary entries' places and the review's source file
    assert "0 rows created, 7 updated, 3 removed, 116 unchanged" in out
    assert not Paragraph.objects.filter(inspection=draft, number="3.65").exists()
    assert Paragraph.objects.get(inspection=draft, number="3.64").text.startswith("The prison had made no meaningful")
    assert list(draft.team.values_list("name", flat=True).order_by("position"))[-1] == "Lynda Brown"
    assert not GlossaryEntry.objects.filter(review=draft, term="Listener").exists()
    # Each removal is in the row's history, with the file that took it out.
    gone = Paragraph.history.filter(inspection_id=draft.pk, number="3.65").latest("history_id")
    assert (gone.history_type, gone.history_change_reason) == ("-", "Imported from belmarsh-irp-2022-corrected.txt")
    event = AuditEvent.objects.filter(inspection=draft).latest("pk")
    assert "3 removed (not in the report): paragraph 3.65 (evidence); team member 6 (Jane Hughes)" in event.summary
    # The report as first published puts them back.
    assert "3 rows created, 7 updated, 116 unchanged" in run(tmp_path, SEED, "--draft")
    assert Paragraph.objects.filter(inspection=draft, number="3.65").exists()


def test_a_dry_run_lists_what_would_go_and_writes_nothing(tmp_path, draft):
    out = run(tmp_path, SHORTER, "--draft", "--dry-run")
    assert "would remove paragraph: 3.65 (evidence)" in out
    assert "0 rows to create, 6 to update, 3 to remove, 117 unchanged" in out
    assert Paragraph.objects.filter(inspection=draft, number="3.65").exists()
    assert TeamMember.objects.filter(inspection=draft, name="Jane Hughes").exists()


def test_a_row_typed_in_the_workspace_is_kept(tmp_path, draft):
    GlossaryEntry.objects.create(review=draft, term="Keyworker", definition="A named officer.", position=99)
    out = run(tmp_path, SHORTER, "--draft")
    assert "kept glossary entry Keyworker: not in the report, and no import wrote it (typed in the workspace" in out
    assert GlossaryEntry.objects.filter(review=draft, term="Keyworker").exists()


def test_a_row_edited_since_the_import_is_not_lost_without_overwrite(tmp_path, draft):
    paragraph = Paragraph.objects.get(inspection=draft, number="3.65")
    paragraph.text = "An inspector's correction."
    paragraph.save()
    with pytest.raises(CommandError, match=r"paragraph 3\.65 \(evidence\): text"):
        run(tmp_path, SHORTER, "--draft")
    assert Paragraph.objects.filter(inspection=draft, number="3.65").exists()
    assert TeamMember.objects.filter(inspection=draft, name="Jane Hughes").exists()  # nothing written
    assert "3 removed" in run(tmp_path, SHORTER, "--draft", "--overwrite")
    assert not Paragraph.objects.filter(inspection=draft, number="3.65").exists()


def test_a_published_review_keeps_its_paragraphs_until_it_is_unpublished(tmp_path, db):
    run(tmp_path, SEED, verbosity=0)
    with pytest.raises(CommandError) as refused:
        run(tmp_path, SHORTER)
    message = str(refused.value)
    assert "The report no longer contains 1 row that the last import of" in message
    assert "wrote, and an import may not take it out. Paragraph 3.65 (evidence): the review is published" in message
    assert "unpublish it in the inspectors’ workspace, import the report as a draft" in message
    assert "Nothing was changed." in message
    review = Inspection.objects.get(slug="irp-2022")
    assert Paragraph.objects.filter(inspection=review, number="3.65").exists()
    assert TeamMember.objects.filter(inspection=review, name="Jane Hughes").exists()
    # Its team and glossary, which an inspector may change on a published review, go.
    without_member = cut(SEED, "Jane Hughes  Ofsted inspector \n")
    assert "removed team member: 6 (Jane Hughes)" in run(tmp_path, without_member)


def test_a_judgement_the_report_no_longer_makes_refuses_the_import(tmp_path, draft):
    report = parse_any_report(SEED.encode(), "belmarsh-irp-2022.txt")
    report.recommendations = [item for item in report.recommendations if item.reference != "1.44"]
    with pytest.raises(ReportError) as refused:
        save_report(report, source="belmarsh-irp-2022-cut.txt", publish=False)
    assert "Judgement HMI Prisons 1.44: a judgement is taken out in the inspectors’ workspace" in str(refused.value)
    assert draft.judgements.filter(recommendation__reference="1.44").exists()


def test_another_inspectorates_rows_are_left_for_it(tmp_path, draft, ofsted_inspector):
    """An Ofsted inspector's import takes out nothing of HMI Prisons': the review's team is the lead's."""
    with pytest.raises(CommandError) as refused:
        run(tmp_path, cut(SEED, "Jane Hughes  Ofsted inspector \n"), "--draft", "--user", ofsted_inspector.username)
    assert (
        "team member 6 (Jane Hughes): removal (not in the report) — HMI Prisons inspectors’ (the review’s lead "
        "inspectorate) only" in str(refused.value)
    )
    assert TeamMember.objects.filter(inspection=draft, name="Jane Hughes").exists()


# --- The upload page ---------------------------------------------------------------------------


@pytest.fixture
def inspector(client, hmi_inspector, tmp_path, monkeypatch):
    monkeypatch.setattr(upload, "FOLDER", tmp_path / "uploads")
    client.force_login(hmi_inspector)
    return client


def test_the_preview_lists_what_the_import_would_remove(inspector, tmp_path, draft):
    GlossaryEntry.objects.create(review=draft, term="Keyworker", definition="A named officer.", position=99)
    name = "belmarsh-irp-2022-corrected.txt"
    report = SimpleUploadedFile(name, SHORTER.encode(), content_type="text/plain")
    response = inspector.post(reverse("reports:import"), {"report": report})
    page = response.content.decode()
    assert response.status_code == 200
    assert "remove <strong>3</strong>" in page
    section = re.search(r'<div class="module" id="to-remove">(.*?)</div>', page, re.S).group(1)
    assert "No longer in the report" in section
    assert "Paragraph: 3.65 (evidence)" in section and "Team member: 6 (Jane Hughes)" in section
    kept = re.search(r'<div class="module" id="kept">(.*?)</div>', page, re.S).group(1)
    assert "Kept: not written by an import" in kept and "Glossary entry Keyworker" in kept
    assert Paragraph.objects.filter(inspection=draft, number="3.65").exists()  # nothing written yet
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    response = inspector.post(reverse("reports:import-confirm"), {"token": token}, follow=True)
    assert f"Imported {name}: 0 rows created, 7 updated, 3 removed, 117 unchanged." in response.content.decode()
    assert not Paragraph.objects.filter(inspection=draft, number="3.65").exists()


# --- Full inspections --------------------------------------------------------------------------


@pytest.fixture
def full_draft(db):
    report = parse_full_inspection(lines_from_text(FULL))
    inspection, _ = save_full_inspection(report, source="belmarsh-full-inspection-2021.txt", publish=False)
    return inspection


def full_report():
    return parse_full_inspection(lines_from_text(FULL))


def test_a_full_inspection_imported_again_loses_what_its_report_took_back(full_draft):
    report = full_report()
    last_paragraph, last_member = report.paragraphs[-1], report.team[-1]
    report.paragraphs, report.team = report.paragraphs[:-1], report.team[:-1]
    del report.scores["safety"]
    _, changes = save_full_inspection(report, source="corrected.txt", publish=False)
    removed = {(model, row) for action, model, row in changes.rows if action == REMOVED}
    assert ("paragraph", last_paragraph.number) in removed
    assert ("team member", last_member.name) in removed
    assert ("healthy prison score", "Safety") in removed
    assert not Paragraph.objects.filter(inspection=full_draft, number=last_paragraph.number).exists()
    assert not HealthyPrisonScore.objects.filter(inspection=full_draft, test="safety").exists()


def test_a_concern_the_full_report_no_longer_makes_refuses_the_import(full_draft):
    report = full_report()
    dropped = report.concerns[-1]
    report.concerns = report.concerns[:-1]
    with pytest.raises(ReportError) as refused:
        save_full_inspection(report, source="corrected.txt", publish=False)
    assert "is taken out in the inspectors’ workspace, where the prison’s response and actions" in str(refused.value)
    assert Recommendation.objects.filter(inspection=full_draft, position=dropped.position).exists()


def test_a_published_full_inspection_keeps_its_paragraphs(full_draft):
    save_full_inspection(full_report(), source="belmarsh-full-inspection-2021.txt", publish=True)
    report = full_report()
    report.paragraphs = report.paragraphs[:-1]
    with pytest.raises(ReportError, match="the inspection is published"):
        save_full_inspection(report, source="corrected.txt", publish=None)


def test_edits_are_still_refused_before_removals_are_written(tmp_path, draft):
    """An edit elsewhere stops the whole import: the removals are not written either."""
    paragraph = Paragraph.objects.get(inspection=draft, number="3.9")
    paragraph.text = "Typed over."
    paragraph.save()
    with pytest.raises(CommandError):
        run(tmp_path, SHORTER, "--draft")
    with pytest.raises(EditedSinceImport):
        save_report(parse_any_report(SHORTER.encode(), "x.txt"), source="x.txt", publish=False)
    assert Paragraph.objects.filter(inspection=draft, number="3.65").exists()
