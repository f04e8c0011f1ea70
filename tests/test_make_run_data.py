"""``make run`` loads the example data into an empty database only, never over local edits."""

import os
import re
import shutil
import sqlite3
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from recommendations.models import Inspection, Recommendation
from tests.conftest import PROJECT_DIR


def run_load_step(*args):
    out = StringIO()
    call_command("load_belmarsh_if_empty", *args, stdout=out)
    return out.getvalue()


def test_an_empty_database_gets_the_belmarsh_data(db):
    assert "loaded belmarsh.json" in run_load_step()
    assert Inspection.objects.filter(establishment__slug="belmarsh").count() == 2
    # the full inspection's 30 recommendations (10 followed up by the review) and Ofsted's 3 themes
    assert Recommendation.objects.count() == 33
    assert Recommendation.objects.filter(judgements__isnull=True).count() == 20


def test_the_reports_the_data_was_made_from_are_kept_as_published(db, client):
    """The demo's review links its report file, as an imported one does."""
    out = run_load_step()
    assert "Kept as the reports as published: belmarsh-irp-2022.txt." in out
    seed = PROJECT_DIR / "fixtures" / "reports" / "belmarsh-irp-2022.txt"
    review = Inspection.objects.get(slug="irp-2022")
    page = client.get(review.get_absolute_url()).content.decode()
    assert re.search(r"Read the report as published\s*\(text, 44\.\d\sKB\)", page)
    response = client.get(reverse("public:review-source", args=["belmarsh", "irp-2022"]))
    assert b"".join(response.streaming_content if response.streaming else [response.content]) == seed.read_bytes()
    # The full inspection is a sample constructed for testing: its page says so and links no file.
    inspection = Inspection.objects.get(slug="inspection-2021")
    page = client.get(inspection.get_absolute_url()).content.decode()
    assert "Read the report as published" not in page
    assert "Example data, constructed for testing: not HM Inspectorate of Prisons’ report." in page


def test_an_edited_database_is_left_alone(db):
    """A person edits a recommendation; the next start of ``make run`` keeps the edit."""
    run_load_step()
    recommendation = Recommendation.objects.order_by("pk").first()
    recommendation.text = "My local edit."
    recommendation.save()
    Inspection.objects.filter(slug="irp-2022").update(title="Renamed locally")

    assert "nothing loaded" in run_load_step()

    recommendation.refresh_from_db()
    assert recommendation.text == "My local edit."
    assert Inspection.objects.get(slug="irp-2022").title == "Renamed locally"


def test_a_dry_run_writes_nothing(db):
    assert "would load belmarsh.json" in run_load_step("--dry-run")
    assert not Inspection.objects.exists()


def test_make_load_data_keeps_an_edit_made_between_two_starts(tmp_path, migrated_sqlite):
    """The real step, as ``make run`` runs it, twice on one SQLite database with an edit between.
    The database is a copy of one ``make migrate`` migrated fresh (``migrated_sqlite``, made once
    per run); ``make migrate`` runs on it again first, as on every start of ``make run``."""
    database = tmp_path / "local.sqlite3"
    shutil.copyfile(migrated_sqlite, database)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "DJANGO_SETTINGS_MODULE": "belmarsh_irp.settings"}
    make = ["make", "--no-print-directory", "-C", str(PROJECT_DIR), f"PY={sys.executable}"]
    subprocess.run([*make, "migrate"], env=env, check=True, capture_output=True)
    first = subprocess.run([*make, "load-data"], env=env, check=True, capture_output=True, text=True)
    assert "loaded belmarsh.json" in first.stdout

    with sqlite3.connect(database) as connection:
        connection.execute("UPDATE recommendations_recommendation SET text = 'My local edit.' WHERE id = 1")

    second = subprocess.run([*make, "load-data"], env=env, check=True, capture_output=True, text=True)
    assert "nothing loaded" in second.stdout
    with sqlite3.connect(database) as connection:
        (text,) = connection.execute("SELECT text FROM recommendations_recommendation WHERE id = 1").fetchone()
    assert text == "My local edit."


# --- Demonstration accounts: `make run` prints who to sign in as -----------------------------------


def demo_accounts(*args):
    out = StringIO()
    call_command("create_demo_accounts", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def embedded_default(settings, monkeypatch):
    """As on a developer's machine after `make run`: DEBUG on, the project's own SQLite file."""
    from recommendations.management.commands import create_demo_accounts

    settings.DEBUG = True
    monkeypatch.setattr(create_demo_accounts, "on_embedded_default", lambda: True)


def test_make_run_prints_an_inspector_and_a_leader_who_can_sign_in(db, client, embedded_default):
    run_load_step()
    out = demo_accounts("--site", "http://127.0.0.1:8001")
    assert "sign in at http://127.0.0.1:8001/sign-in/" in out
    password = re.search(r"demo-inspector .*\(password: (\S+)\)", out).group(1)

    signed_in = client.post(reverse("login"), {"username": "demo-inspector", "password": password})
    assert signed_in["Location"] == reverse("admin:index")
    assert "Belmarsh" in client.get(reverse("admin:recommendations_inspection_changelist")).content.decode()
    client.logout()
    signed_in = client.post(reverse("login"), {"username": "demo-leader", "password": password})
    assert signed_in["Location"] == reverse("leaders:home", args=["belmarsh"])
    assert client.get(signed_in["Location"]).status_code == 200


def test_a_second_start_keeps_the_accounts_as_they_are(db, embedded_default, django_user_model):
    run_load_step()
    demo_accounts()
    inspector = django_user_model.objects.get(username="demo-inspector")
    inspector.set_password("changed-by-the-developer")
    inspector.save()
    assert "demo-inspector" in demo_accounts()
    inspector.refresh_from_db()
    assert inspector.check_password("changed-by-the-developer")
    assert django_user_model.objects.filter(username__startswith="demo-").count() == 2


def test_no_demonstration_account_without_debug(db, settings, django_user_model):
    """Never in production: with DEBUG off the command refuses and writes nothing."""
    settings.DEBUG = False
    run_load_step()
    with pytest.raises(CommandError, match="only with DEBUG on"):
        demo_accounts()
    assert "only with DEBUG on" in demo_accounts("--elsewhere-say-so")  # as make run calls it
    assert not django_user_model.objects.filter(username__startswith="demo-").exists()


def test_no_demonstration_account_on_a_database_url(db, settings, django_user_model):
    """The tests' database is not the project's db.sqlite3: like any DATABASE_URL, it gets none."""
    settings.DEBUG = True
    run_load_step()
    with pytest.raises(CommandError, match="only on the embedded SQLite database"):
        demo_accounts()
    assert not django_user_model.objects.filter(username__startswith="demo-").exists()
