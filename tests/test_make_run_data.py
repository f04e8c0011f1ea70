"""``make run`` loads the example data into an empty database only, never over local edits."""

import os
import re
import sqlite3
import subprocess
import sys
from io import StringIO

from django.core.management import call_command

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


def test_make_run_uses_the_load_if_empty_step():
    """The Makefile's run target goes through load-data, which only loads into an empty database."""
    makefile = (PROJECT_DIR / "Makefile").read_text()
    assert re.search(r"^run:.*\bload-data\b", makefile, re.M)
    recipe = re.search(r"^load-data:\n((?:\t.*\n)+)", makefile, re.M).group(1)
    assert "manage.py load_belmarsh_if_empty" in recipe and "loaddata" not in recipe


def test_make_load_data_keeps_an_edit_made_between_two_starts(tmp_path):
    """The real step, as ``make run`` runs it, twice on one SQLite database with an edit between."""
    database = tmp_path / "local.sqlite3"
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
