"""``manage.py import_report`` writes a published report to the tracker: all of it, once, or nothing."""

import datetime
import io
import json
import re
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from findings.models import (
    GlossaryEntry,
    Judgement,
    NotablePractice,
    Paragraph,
    ParagraphPart,
    SectionIntroduction,
    key_findings,
)
from recommendations.models import (
    Establishment,
    Inspection,
    InspectionKind,
    PublicationStatus,
    Recommendation,
    RecommendationKind,
    TeamMember,
)
from reports import importer as report_import
from reports.parser import ReportError
from tests.conftest import PROJECT_DIR, SEED_REPORT
from tests.pdf import pages_of, write_text_pdf
from tests.typeset import LAYOUTS, typeset

SEED = SEED_REPORT.read_text(encoding="utf-8")
FIXTURE = PROJECT_DIR / "fixtures" / "belmarsh.json"
REFERENCES = ["3.13", "1.38", "1.39", "1.40", "1.41", "3.60", "1.42", "1.43", "6.19", "1.44"]
MODELS = [
    Establishment,
    Inspection,
    TeamMember,
    Recommendation,
    Judgement,
    Paragraph,
    NotablePractice,
    GlossaryEntry,
    SectionIntroduction,
]


def run(*args, **options):
    """Runs the command; returns what it printed."""
    out = io.StringIO()
    call_command("import_report", *map(str, args), stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


def snapshot():
    """Every value of every row the importer writes, and how many history rows each model has."""
    rows = {model.__name__: list(model.objects.order_by("pk").values()) for model in MODELS}
    for row in rows["Judgement"]:
        row.pop("updated_at")  # auto_now: written only when a judgement is saved
    history = {model.__name__: model.history.count() for model in MODELS if hasattr(model, "history")}
    return rows, history


@pytest.fixture
def imported(db):
    run(SEED_REPORT, verbosity=0)
    return Inspection.objects.get(slug="irp-2022")


# --- The seed, imported into an empty database -------------------------------------------------


def test_imports_the_review_and_the_inspection_it_follows_up(imported):
    """The review is published, dated from the report, signed, and follows up the 2021 inspection."""
    review = imported
    assert review.establishment.name == "HMP Belmarsh"
    assert review.establishment.slug == "belmarsh"
    assert review.kind == InspectionKind.IRP
    assert review.status == PublicationStatus.PUBLISHED
    assert review.published_on == datetime.date(2022, 4, 1) and review.published_month_only
    assert review.summary_signed_by == "Charlie Taylor, HM Chief Inspector of Prisons"
    assert review.source == "belmarsh-irp-2022.txt"
    inspection = review.follows_up
    assert (inspection.slug, inspection.kind, inspection.visit_period) == (
        "inspection-2021",
        InspectionKind.FULL,
        "July–August 2021",
    )
    assert inspection.status == PublicationStatus.PUBLISHED
    assert Inspection.objects.published().count() == 2


def test_ten_hmi_prisons_recommendations_in_report_order(imported, hmi_prisons):
    """The 2021 inspection's ten followed-up recommendations with their references, in order."""
    recommendations = Recommendation.objects.filter(inspection=imported.follows_up, inspectorate=hmi_prisons)
    assert list(recommendations.values_list("reference", flat=True)) == REFERENCES
    assert set(recommendations.values_list("kind", flat=True)) == {RecommendationKind.RECOMMENDATION}
    use_of_force = recommendations.get(reference="1.39")
    assert use_of_force.area == "Use of force"
    assert use_of_force.concern.startswith("Governance of use of force had lapsed.")
    assert use_of_force.text.endswith("to make sure that force is necessary, justified and proportionate.")


def test_three_ofsted_themes(imported, ofsted):
    """Ofsted's three themes, numbered, with their questions and no reference."""
    themes = Recommendation.objects.filter(inspection=imported.follows_up, inspectorate=ofsted)
    assert list(themes.values_list("theme_number", "kind", "reference", "area")) == [
        (1, RecommendationKind.THEME, "", "Education, skills and work"),
        (2, RecommendationKind.THEME, "", "Education, skills and work"),
        (3, RecommendationKind.THEME, "", "Education, skills and work"),
    ]
    assert themes.get(theme_number=3).text.startswith("What progress had leaders and managers made to ensure")


def test_judgements_on_each_inspectorate_scale(imported):
    """HMI Prisons: 1 good, 7 reasonable, 2 no meaningful; Ofsted: 2 reasonable, 1 insufficient."""
    counts = {
        inspectorate.short_name: {level.label: n for level, n in levels if n}
        for inspectorate, levels in key_findings(imported)
    }
    assert counts == {
        "HMI Prisons": {"No meaningful progress": 2, "Reasonable progress": 7, "Good progress": 1},
        "Ofsted": {"Insufficient progress": 1, "Reasonable progress": 2},
    }
    for judgement in imported.judgements.select_related("level", "recommendation"):
        assert judgement.level.inspectorate_id == judgement.recommendation.inspectorate_id
    assert imported.judgements.get(recommendation__reference="3.13").level.label == "Good progress"


def test_sixty_five_evidence_paragraphs_each_attached(imported):
    """Section 3's 65 paragraphs are evidence, each attached to its recommendation's or theme's judgement."""
    evidence = Paragraph.objects.filter(inspection=imported, section=3).select_related("judgement__recommendation")
    assert evidence.count() == 65
    assert all(p.part == ParagraphPart.EVIDENCE and p.judgement_id for p in evidence)
    attached = {p.number: p.judgement.recommendation.label for p in evidence}
    assert attached["3.1"] == "3.13"
    assert [n for n, label in attached.items() if label == "1.39"] == ["3.7", "3.8", "3.9", "3.10"]
    assert attached["3.46"] == "Theme 1"
    assert attached["3.56"] == "Theme 3"
    assert attached["3.65"] == "1.44"


def test_exact_text_of_evidence_paragraphs(imported):
    """Paragraph text reads as printed, without line breaks or page furniture."""
    text = dict(Paragraph.objects.filter(inspection=imported).values_list("number", "text"))
    assert text["3.9"] == (
        "There had, however, been little progress in increasing the effective use of body-worn cameras. "
        "Although they were available, staff still did not activate them routinely or early enough to record "
        "the entire incident. In the previous three months, there had been 132 uses of force; body-worn cameras "
        "had been turned on in 56 incidents but recorded the entire event in only 13 cases. Managers had tried "
        "to promote the use of the cameras, but the approach taken so far had clearly been unsuccessful."
    )
    assert text["3.3"] == "We considered that the prison had made good progress against this recommendation."
    assert text["3.56"] == "Ofsted found that the prison had made insufficient progress against this theme."
    assert text["3.15"].startswith("The prison regularly circulated a timetable of reviews scheduled for prisoners")
    assert text["1.11"] == (
        "Overall, there had been encouraging progress towards meeting most of our recommendations, although "
        "there were a few exceptions, and in some areas the advances were recent and fragile."
    )
    assert not any("Report of an independent review" in t for t in text.values())


def test_summary_key_findings_and_notable_practice(imported):
    """Section 1 is the summary, Section 2 key findings, and 2.6 the notable positive practice."""
    parts = dict(Paragraph.objects.filter(inspection=imported).values_list("number", "part"))
    assert {parts[f"1.{i}"] for i in range(1, 12)} == {ParagraphPart.SUMMARY}
    assert [parts[f"2.{i}"] for i in range(1, 7)] == [ParagraphPart.KEY_FINDINGS] * 5 + [ParagraphPart.NOTABLE_PRACTICE]
    practice = NotablePractice.objects.get()
    assert practice.paragraph.number == "2.6"
    assert practice.review == imported
    assert practice.paragraph.text.startswith("The conflict resolution team")


def test_six_team_members_with_roles_and_inspectorates(imported):
    """The team in report order; the Ofsted inspectors belong to Ofsted."""
    assert list(imported.team.values_list("name", "role", "inspectorate__short_name")) == [
        ("Hindpal Singh Bhui", "Team leader", "HMI Prisons"),
        ("Rebecca Mavin", "Inspector", "HMI Prisons"),
        ("David Owens", "Inspector", "HMI Prisons"),
        ("Tamara Pattinson", "Inspector", "HMI Prisons"),
        ("Lynda Brown", "Ofsted inspector", "Ofsted"),
        ("Jane Hughes", "Ofsted inspector", "Ofsted"),
    ]


def test_the_summary_line_says_what_was_written(db):
    """At normal verbosity one line says what was imported and how many rows were created."""
    out = run(SEED_REPORT)
    assert out.startswith("Imported HMP Belmarsh independent review of progress (April 2022, published)")
    assert "10 recommendations, 3 themes, 65 evidence paragraphs, 6 team members" in out
    assert "126 rows created, 0 updated, 0 unchanged" in out
    assert len(out.strip().splitlines()) == 1


def test_verbosity_lists_rows_or_says_nothing(db):
    """-v 2 lists each row written; -v 0 prints nothing."""
    assert run(SEED_REPORT, "--draft", verbosity=0) == ""
    out = run(SEED_REPORT.parent / ".." / "reports" / SEED_REPORT.name, verbosity=2)
    assert "  updated inspection: HMP Belmarsh — Independent review of progress 2022 (published)" in out


def test_draft_imports_the_review_unpublished(db):
    """--draft imports the review, and the inspection it creates, as drafts the public cannot see."""
    out = run(SEED_REPORT, "--draft")
    assert "as a draft" in out
    review = Inspection.objects.get(slug="irp-2022")
    assert review.status == PublicationStatus.DRAFT
    assert review.follows_up.status == PublicationStatus.DRAFT
    assert not Inspection.objects.published().exists()


def test_an_embargoed_report_shows_nothing_before_its_publication_date(db, client, tmp_path):
    """A report dated in the future is imported published, but nothing of it is public before then:
    not the review, not the inspection it follows up, not its recommendations."""
    from django.urls import reverse

    report = tmp_path / "zedland.txt"
    report.write_text(SEED.replace("Belmarsh", "Zedland").replace("April 2022", "April 2099"), encoding="utf-8")
    run(report, verbosity=0)
    review = Inspection.objects.get(establishment__slug="zedland", slug="irp-2099")
    assert review.status == PublicationStatus.PUBLISHED and review.follows_up.status == PublicationStatus.PUBLISHED
    assert review.follows_up.published_on == datetime.date(2099, 4, 1)
    assert not Inspection.objects.published().filter(establishment__slug="zedland").exists()
    assert "Zedland" not in client.get(reverse("public:establishment-list")).getvalue().decode()
    assert "Zedland" not in client.get(reverse("public:recommendation-list")).getvalue().decode()
    assert "Zedland" not in client.get(reverse("public:recommendation-csv")).getvalue().decode()
    recommendation = Recommendation.objects.filter(inspection__establishment__slug="zedland").first()
    assert client.get(recommendation.get_absolute_url()).status_code == 404


def test_a_draft_import_never_takes_a_published_review_down(imported):
    """Unpublishing needs a reason in the workspace: --draft over a published review is refused."""
    before = snapshot()
    with pytest.raises(CommandError, match="is already published: a --draft import would take it down"):
        run(SEED_REPORT, "--draft")
    assert snapshot() == before


def test_an_import_never_republishes_a_review_inspectors_took_down(imported):
    """A review unpublished with a reason stays down until an inspector publishes it again."""
    from findings.publishing import unpublish_review

    unpublish_review(imported, by=None, reason="A paragraph number was wrong.")
    before = snapshot()
    with pytest.raises(CommandError, match="was unpublished in the inspectors' workspace"):
        run(SEED_REPORT)
    assert snapshot() == before
    assert "0 rows created, 0 updated, 126 unchanged" in run(SEED_REPORT, "--draft")


def test_importing_published_after_a_draft_publishes_the_followed_inspection(db):
    """A published import makes public both the review and the inspection it follows up."""
    run(SEED_REPORT, "--draft")
    run(SEED_REPORT)
    review = Inspection.objects.get(slug="irp-2022")
    assert review.status == PublicationStatus.PUBLISHED
    assert review.follows_up.status == PublicationStatus.PUBLISHED


# --- Idempotent, dry run, all or nothing -------------------------------------------------------


def test_second_import_changes_nothing(imported):
    """Importing the same report again changes no value and adds no row and no history."""
    before = snapshot()
    out = run(SEED_REPORT)
    assert "0 rows created, 0 updated, 126 unchanged" in out
    assert snapshot() == before


def test_second_import_reads_in_a_constant_number_of_queries(imported, django_assert_num_queries):
    """Finding nothing to change costs one query per model, not one per row."""
    with django_assert_num_queries(24):
        # 2 savepoints (the command's transaction and the import's) and their 2 releases;
        # the kept report files with this file's SHA-256 (it is recognised, not stored twice);
        # inspectorates; progress levels; the establishment; the full inspection and the review;
        # what the last import wrote to them (history); the review's team and what the last
        # import wrote to it; its paragraphs and
        # what the last import wrote to them; its notable practice and what the last import
        # wrote to it (to tell what the report took back from what was typed in); the recommendations and
        # themes; their last imported values; the judgements; their last imported values; the
        # glossary and its last imported values; the section introductions and theirs.
        run(SEED_REPORT, verbosity=0)


def test_dry_run_writes_nothing(db):
    """--dry-run reads, checks and says what it would write, and the database stays empty."""
    before = snapshot()
    out = run(SEED_REPORT, "--dry-run")
    assert out.startswith("Dry run, nothing written.")
    assert "126 rows to create" in out
    assert snapshot() == before
    assert not Establishment.objects.exists()


def test_dry_run_after_an_import_would_change_nothing(imported):
    """A dry run over an imported report finds nothing to write."""
    before = snapshot()
    assert "0 rows to create, 0 to update, 126 unchanged" in run(SEED_REPORT, "--dry-run")
    assert snapshot() == before


def test_a_value_edited_since_the_import_is_listed_and_kept(imported):
    """A re-import that would overwrite a value an inspector changed in the workspace names it
    and changes nothing."""
    paragraph = Paragraph.objects.get(inspection=imported, number="3.9")
    paragraph.text = "Typed over."
    paragraph.save()
    before = snapshot()
    with pytest.raises(CommandError) as excinfo:
        run(SEED_REPORT)
    assert "would overwrite 1 value changed in the inspectors’ workspace since the last import" in str(excinfo.value)
    assert "paragraph 3.9 (evidence): text" in str(excinfo.value)
    assert snapshot() == before


def test_overwrite_puts_the_reports_text_back_with_history(imported, hmi_prisons):
    """--overwrite replaces the edit; history says which file did it and who ran the import."""
    from recommendations.roles import Role, grant_role

    inspector = grant_role("ada", Role.INSPECTOR, inspectorate=hmi_prisons)[0]
    paragraph = Paragraph.objects.get(inspection=imported, number="3.9")
    paragraph.text = "Typed over."
    paragraph.save()
    out = run(SEED_REPORT, "--overwrite", "--user", "ada")
    assert "0 rows created, 1 updated, 125 unchanged" in out
    paragraph.refresh_from_db()
    assert "body-worn cameras had been turned on in 56 incidents" in paragraph.text
    latest, typed, first = paragraph.history.all()[:3]
    assert (latest.history_change_reason, latest.history_user) == ("Imported from belmarsh-irp-2022.txt", inspector)
    assert typed.history_change_reason is None
    assert first.history_change_reason == "Imported from belmarsh-irp-2022.txt"


def test_imported_rows_have_history_from_the_start(imported):
    """Every row with history has one entry from the import, with the file as its reason."""
    for model in (Inspection, Recommendation, Judgement, Paragraph, NotablePractice):
        reasons = set(model.history.values_list("history_change_reason", flat=True))
        assert "Imported from belmarsh-irp-2022.txt" in reasons, model


def test_an_unknown_user_is_refused(db):
    with pytest.raises(CommandError, match="There is no user “nobody”"):
        run(SEED_REPORT, "--user", "nobody")


def test_many_reports_each_in_its_own_transaction_with_a_summary_table(db, tmp_path):
    """A folder and files: a progress line each, a table at the end, non-zero exit if any refused."""
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "a-belmarsh.txt").write_text(SEED, encoding="utf-8")
    (folder / "b-broken.txt").write_text(SEED[: SEED.index(" Section 4 Summary")], encoding="utf-8")
    (folder / "notes.md").write_text("not a report", encoding="utf-8")
    again = folder / "a-belmarsh.txt"  # named again: nothing left to change
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match=r"1 of 3 reports refused: b-broken.txt\."):
        call_command("import_report", str(folder), str(again), stdout=out, stderr=err)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("[1/3] a-belmarsh.txt: Imported HMP Belmarsh")
    assert "[2/3] b-broken.txt: refused. Line" in err.getvalue()
    assert "Section 4 (Summary of judgements) is missing" in err.getvalue()
    assert lines[1].startswith("[3/3] a-belmarsh.txt: Imported")
    table = "\n".join(lines[2:])
    assert re.search(r"a-belmarsh.txt\s+imported\s+126 rows created", table)
    assert re.search(r"b-broken.txt\s+refused\s+Line \d+: Section 4", table)
    assert re.search(r"a-belmarsh.txt\s+unchanged\s+0 rows created, 0 updated, 126 unchanged", table)
    assert table.endswith("1 imported, 1 refused, 1 unchanged (of 3).")


def test_a_failure_half_way_writes_nothing(db, monkeypatch):
    """All or nothing: a problem met while writing evidence leaves no row behind."""
    write_paragraph = report_import._paragraph

    def failing(changes, review, paragraph, *args, **kwargs):
        if paragraph.number == "3.30":
            raise ReportError("Paragraph 3.30 cannot be written.", 400)
        return write_paragraph(changes, review, paragraph, *args, **kwargs)

    monkeypatch.setattr(report_import, "_paragraph", failing)
    before = snapshot()
    with pytest.raises(CommandError, match="Line 400: Paragraph 3.30 cannot be written."):
        run(SEED_REPORT)
    assert snapshot() == before


# --- Bad input: one clear message, nothing written ----------------------------------------------


def mutated(tmp_path, old, new):
    assert SEED.count(old) == 1
    path = tmp_path / f"report-{len(list(tmp_path.iterdir()))}.txt"
    path.write_text(SEED.replace(old, new), encoding="utf-8")
    return path


def bad_inputs(tmp_path):
    truncated = tmp_path / "truncated.txt"
    truncated.write_text(SEED[: SEED.index(" Section 4 Summary of judgements")], encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    not_pdf = tmp_path / "report.pdf"
    not_pdf.write_text(SEED, encoding="utf-8")
    return {
        "empty": (empty, "The file is empty"),
        "binary": (binary, "Line 3: The file is binary (it contains NUL bytes), not the text of a report."),
        "truncated": (truncated, "Section 4 (Summary of judgements) is missing: the report is truncated"),
        "contradictory": (
            mutated(tmp_path, "progress in seven recommendations", "progress in eight recommendations"),
            "Line 92: Section 2 says HMI Prisons found reasonable progress in 8, but Sections 3 and 4 judge 7",
        ),
        "sections disagree": (
            mutated(tmp_path, "3.65 The prison had made no meaningful", "3.65 The prison had made good"),
            "Section 4 judges HMI Prisons recommendation 1.44 “No meaningful progress”, but Section 3 judges it "
            "“Good progress” (line 673).",
        ),
        "wrong scale": (
            mutated(tmp_path, "interpersonal skills. \nInsufficient progress", "interpersonal skills. \nGood progress"),
            "Line 741: Section 4 judges “Ensure that staff in education, skills and work are…”: "
            "“Good progress” is not on the Ofsted scale (Insufficient progress, Reasonable progress, "
            "Significant progress).",
        ),
        "missing": (tmp_path / "no-such-report.txt", "There is no such file."),
        "not a pdf": (not_pdf, "The file is named .pdf but is not a PDF (it does not start with %PDF-)."),
    }  # fmt: skip


@pytest.mark.parametrize(
    "case",
    ["empty", "binary", "truncated", "contradictory", "sections disagree", "wrong scale", "missing", "not a pdf"],
)
def test_bad_input_is_refused_and_leaves_the_database_as_it_was(imported, tmp_path, case):
    """Each bad input gets one clear message naming the problem (and line), and changes nothing."""
    path, message = bad_inputs(tmp_path)[case]
    before = snapshot()
    with pytest.raises(CommandError) as excinfo:
        run(path)
    assert str(excinfo.value).startswith(f"{path}: ")
    assert message in str(excinfo.value)
    assert snapshot() == before


def test_bad_input_from_the_shell_exits_non_zero_without_a_traceback(tmp_path):
    """From the command line: exit status 1, the message on stderr, no traceback."""
    path = mutated(tmp_path, "3.3 We considered that the prison had made good progress", "3.3 We considered it good")
    result = subprocess.run(
        [sys.executable, "manage.py", "import_report", str(path), "--dry-run"],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        env={
            "DJANGO_SETTINGS_MODULE": "belmarsh_irp.settings_test",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "PATH": "/usr/bin:/bin",
        },
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "does not end with a judgement" in result.stderr
    assert f"Line {SEED[: SEED.index('3.3 We considered')].count(chr(10)) + 1}:" in result.stderr


# --- Other reports, PDFs, fixtures -------------------------------------------------------------


def test_a_second_report_is_imported_beside_the_first(imported, tmp_path):
    """Another establishment's report, with different judgements, adds its own rows."""
    text = SEED.replace("Belmarsh", "Exampleton")
    text = text.replace(
        "made insufficient progress against this \ntheme.", "made significant progress against this \ntheme."
    )
    text = text.replace("interpersonal skills. \nInsufficient progress", "interpersonal skills. \nSignificant progress")
    text = text.replace("insufficient progress in one theme.", "significant progress in one theme.")
    path = tmp_path / "exampleton-irp-2022.txt"
    path.write_text(text, encoding="utf-8")
    run(path)
    review = Inspection.objects.get(establishment__slug="exampleton", slug="irp-2022")
    assert review.establishment.name == "HMP Exampleton"
    assert review.judgements.get(recommendation__theme_number=3).level.label == "Significant progress"
    assert Inspection.objects.count() == 4
    assert imported.judgements.get(recommendation__theme_number=3).level.label == "Insufficient progress"


def test_a_pdf_report_imports_like_its_text(db, tmp_path):
    """The PDF of a report (made here from the seed's pages) imports the same rows as its text."""
    pdf = write_text_pdf(tmp_path / "belmarsh-irp-2022.pdf", pages_of(SEED))
    run(pdf)
    from_pdf = snapshot()
    assert Inspection.objects.get(slug="irp-2022").source == "belmarsh-irp-2022.pdf"
    assert "0 rows created, 1 updated, 125 unchanged" in run(SEED_REPORT)  # only the source file differs
    from_text = snapshot()
    for model in ("Recommendation", "Judgement", "Paragraph", "TeamMember", "NotablePractice"):
        assert from_pdf[0][model] == from_text[0][model]


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_a_typeset_pdf_imports_exactly_the_rows_of_its_text(db, tmp_path, layout):
    """The seed typeset as published (reflowed, footer and page number on every page, tables), in
    each layout: the same rows with the same paragraph texts as the text."""
    pdf = tmp_path / "belmarsh-irp-2022.pdf"
    pdf.write_bytes(typeset(SEED, layout))
    run(pdf)
    from_pdf = snapshot()
    assert "0 rows created, 1 updated, 125 unchanged" in run(SEED_REPORT)  # only the source file differs
    from_text = snapshot()
    for model in MODELS[2:]:
        assert from_pdf[0][model.__name__] == from_text[0][model.__name__], model.__name__


def test_the_fixture_loads_into_a_fresh_database_as_the_import_would_write_it(db):
    """loaddata of fixtures/belmarsh.json gives exactly what importing the seed gives: a later import
    finds nothing to change."""
    call_command("loaddata", str(FIXTURE), verbosity=0)
    review = Inspection.objects.get(slug="irp-2022")
    # the full inspection's 30 recommendations, 10 of them followed up, and Ofsted's 3 themes
    assert review.follows_up.recommendations.count() == 33
    assert Paragraph.objects.filter(inspection=review, section=3, judgement__isnull=False).count() == 65
    before = snapshot()
    assert "0 rows created, 0 updated, 126 unchanged" in run(SEED_REPORT)
    assert "0 rows created, 0 updated, 226 unchanged" in run(
        PROJECT_DIR / "fixtures" / "reports" / "belmarsh-full-inspection-2021.txt"
    )
    assert snapshot() == before


def test_the_committed_fixture_is_what_the_importer_makes_now(tmp_path, migrated_sqlite):
    """fixtures/belmarsh.json is up to date with the importer (run `make fixtures` if this fails).
    The script starts from a copy of the run's migrated database instead of migrating its own."""
    output = tmp_path / "belmarsh.json"
    subprocess.run(
        [sys.executable, "scripts/make_fixtures.py", "--output", str(output), "--migrated", str(migrated_sqlite)],
        cwd=PROJECT_DIR,
        check=True,
        capture_output=True,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert json.loads(output.read_text(encoding="utf-8")) == json.loads(FIXTURE.read_text(encoding="utf-8"))
