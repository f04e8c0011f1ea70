"""`import_report --background`: a long import as a Celery task (inline here, as without REDIS_URL)."""

import io

from django.core.management import call_command

from recommendations.models import Inspection
from tests.conftest import SEED_REPORT


def test_a_background_import_writes_what_the_command_would(db, hmi_inspector):
    out = io.StringIO()
    call_command("import_report", str(SEED_REPORT), "--background", "--user", hmi_inspector.username, stdout=out)
    assert "HMP Belmarsh" in out.getvalue()
    review = Inspection.objects.get(kind="irp")
    # HMI Prisons' own ten: Ofsted's three themes are left for an Ofsted inspector to import
    # (an import writes only what its user could write by hand).
    assert review.judgements.count() == 10
    assert review.history.first().history_user == hmi_inspector


def test_a_refused_background_import_says_why_and_writes_nothing(db, tmp_path):
    bad = tmp_path / "not-a-report.txt"
    bad.write_text("This is not a report.\n")
    out = io.StringIO()
    call_command("import_report", str(bad), "--background", stdout=out)
    assert "not-a-report.txt" in out.getvalue()
    assert not Inspection.objects.exists()
