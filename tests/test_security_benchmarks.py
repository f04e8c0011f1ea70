"""Issue 21, finding 14: a benchmark never changes data it did not create. ``db_restart_load``
(and ``cache_restart_load``, which prepares its database the same way) refuses a database that
holds data unless ``--reset``."""

import sys

import pytest

from tests.conftest import PROJECT_DIR

sys.path.insert(0, str(PROJECT_DIR / "benchmarks"))
import db_restart_load  # noqa: E402


@pytest.fixture
def calls(monkeypatch):
    made = []
    monkeypatch.setattr(db_restart_load, "manage", lambda env, *args: made.append(args[0]))
    monkeypatch.setattr(db_restart_load, "empty_database", lambda url: made.append("empty"))
    return made


def test_a_database_with_data_is_refused_and_left_alone(monkeypatch, calls):
    monkeypatch.setattr(db_restart_load, "rows_in", lambda url: {"recommendations_establishment": 150})
    with pytest.raises(SystemExit) as refused:
        db_restart_load.prepare_database({}, "postgres://127.0.0.1/someone", reset=False)
    assert "The database holds data (150 rows in recommendations_establishment)" in str(refused.value)
    assert "--reset" in str(refused.value)
    assert calls == []  # not migrated, not flushed, nothing loaded


def test_reset_empties_it_first(monkeypatch, calls):
    monkeypatch.setattr(db_restart_load, "rows_in", lambda url: {"auth_user": 3})
    db_restart_load.prepare_database({}, "postgres://127.0.0.1/mine", reset=True)
    assert calls == ["empty", "migrate", "loaddata"]


def test_an_empty_database_is_prepared(monkeypatch, calls):
    monkeypatch.setattr(db_restart_load, "rows_in", lambda url: {})
    db_restart_load.prepare_database({}, "postgres://127.0.0.1/new", reset=False)
    assert calls == ["migrate", "loaddata"]
