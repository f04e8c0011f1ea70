"""The migrations run once per test run, not once per process that needs a migrated database.

Under pytest-xdist (``make test``) the controller starts this module as a process of its own
(``start``) while the workers collect the tests. It builds, into a folder of the run's own:

- on PostgreSQL (DATABASE_URL), the database ``test_<name>_migrated``, by Django's ``migrate`` as
  the test database is built; each worker's test database is a copy of it (``CREATE DATABASE …
  TEMPLATE``);
- always, ``migrated.sqlite3``: ``make migrate`` (the real step of ``make run``) on a fresh SQLite
  file, with the production settings. On SQLite each worker's in-memory test database is loaded
  from it (SQLite's backup), and the tests that start the project in other processes
  (``tests/test_make_run_data.py``, ``tests/test_alerts_worker.py``) start from a copy of it.

A worker waits for what it needs and fails with the build's output if the build failed.

The SQLite file is kept between runs in ``var/test-migrated/`` (ignored by git), named by a hash
of everything ``make migrate`` reads (``cache_key``): a run that finds the file of its hash copies
it instead of migrating, and a run that does not builds it and keeps it for the next (older files
are removed). On PostgreSQL the template is built every run, as before.

Without xdist (``-n 0``) no build runs: on SQLite the test database is a copy of the cache's file
where there is one; otherwise the one process migrates its test database, as pytest-django does,
and ``migrated_sqlite`` runs ``make migrate`` itself (and keeps the result in the cache).
"""

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
FOLDER_VARIABLE = "BELMARSH_TEST_MIGRATED"
SQLITE = "migrated.sqlite3"
WAIT = 600  # seconds; the build takes a few
CACHE_DIR = PROJECT_DIR / "var" / "test-migrated"
# What ``make migrate`` runs besides Django and the installed packages: every Python file of the
# apps with migrations (their migrations, models, and the post_migrate handlers in their apps.py
# and the modules these call, e.g. recommendations/search.py), ``common/`` (migrations import
# common.clock), the settings, the Makefile (its migrate step) and this file.
KEYED_PACKAGES = ("alerts", "findings", "recommendations", "common")
KEYED_FILES = ("Makefile", "belmarsh_irp/settings.py", "tests/migrated_database.py")


def cache_key():
    """A hash of what the migrated SQLite file depends on: the project's files ``KEYED_PACKAGES``
    and ``KEYED_FILES`` name (paths and contents), the installed distributions and their versions
    (Django's and the packages' own migrations), Python's and SQLite's versions. A few milliseconds.
    (Not the environment: ``make_migrate`` names the database, and nothing else the settings read
    from it changes what the migrations build.)"""
    digest = hashlib.sha256()

    def add(*parts):
        for part in parts:
            digest.update(part if isinstance(part, bytes) else str(part).encode())
            digest.update(b"\0")

    add(sys.version, sqlite3.sqlite_version)
    files = [PROJECT_DIR / name for name in KEYED_FILES]
    for package in KEYED_PACKAGES:
        files += sorted((PROJECT_DIR / package).rglob("*.py"))
    for path in files:
        add(path.relative_to(PROJECT_DIR), path.read_bytes())
    for folder in sorted({sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}):
        add(*sorted(name for name in os.listdir(folder) if name.endswith((".dist-info", ".egg-info"))))
    return digest.hexdigest()[:20]


def cached_path(key):
    return CACHE_DIR / f"migrated-{key}.sqlite3"


def keep(database, key):
    """Keeps a copy of the migrated SQLite file ``database`` as the cache's file for ``key``
    (written beside it, then renamed: a run reading the cache sees the whole file or none), and
    removes the files of other keys."""
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    target = cached_path(key)
    partial = target.with_name(f"{target.name}.{os.getpid()}.partial")
    shutil.copyfile(database, partial)
    partial.rename(target)
    for other in CACHE_DIR.glob("migrated-*.sqlite3*"):
        if other != target and not other.name.endswith(".partial"):
            other.unlink(missing_ok=True)


def make_migrate(database):
    """``make migrate`` on the SQLite file ``database``, as ``make run`` runs it; the output if it failed."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "DJANGO_SETTINGS_MODULE": "belmarsh_irp.settings"}
    make = ["make", "--no-print-directory", "-C", str(PROJECT_DIR), f"PY={sys.executable}", "migrate"]
    result = subprocess.run(make, env=env, capture_output=True, text=True)
    return None if result.returncode == 0 else f"{' '.join(make)} failed:\n{result.stdout}{result.stderr}"


# --- The controller --------------------------------------------------------------------------


def on_sqlite():
    """Whether the tests run on SQLite (no DATABASE_URL, or an sqlite:// one), as the settings decide."""
    return (os.environ.get("DATABASE_URL") or "sqlite").startswith("sqlite")


def _folder(key):
    """The run's folder, named to the workers (which inherit the environment), with the cache's
    SQLite file for ``key`` copied in if there is one; (folder, whether it was)."""
    folder = Path(tempfile.mkdtemp(prefix="belmarsh-test-migrated-"))
    os.environ[FOLDER_VARIABLE] = str(folder)
    try:
        shutil.copyfile(cached_path(key), folder / SQLITE)
    except FileNotFoundError:
        return folder, False
    return folder, True


def start():
    """Starts the build in the background; returns (process, folder) for ``finish``. The SQLite
    file kept from an earlier run with the same ``cache_key`` is copied instead of built; then no
    process starts at all unless the tests run on PostgreSQL (its template is still to build)."""
    key = cache_key()
    folder, cached = _folder(key)
    if cached and on_sqlite():
        return None, folder
    with open(folder / "build.log", "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.migrated_database", str(folder), key],
            cwd=PROJECT_DIR,
            stdin=subprocess.PIPE,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    return process, folder


def from_cache():
    """Without xdist, on SQLite: the cache's file for this run if there is one, as ``start``
    gives it, (None, folder); else None (the process migrates its test database, as before)."""
    if not on_sqlite():
        return None
    folder, cached = _folder(cache_key())
    if not cached:
        os.environ.pop(FOLDER_VARIABLE)
        shutil.rmtree(folder, ignore_errors=True)
        return None
    return None, folder


def finish(process, folder):
    """The build process drops what it made on PostgreSQL once its input closes, then ends."""
    if process is not None:
        process.stdin.close()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    shutil.rmtree(folder, ignore_errors=True)
    os.environ.pop(FOLDER_VARIABLE, None)


def build(folder, key):
    """The build process: PostgreSQL's template first (the workers wait for it), then the SQLite
    file (unless the cache's copy is there already: ``start``), kept for later runs under ``key``;
    then it waits for the end of the run (its input closed) to drop the template."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "belmarsh_irp.settings_test")
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    template = None
    try:
        if connection.vendor == "postgresql":
            name = f"{connection.creation._get_test_db_name()}_migrated"
            template = connection.ops.quote_name(name)
            try:
                with connection.creation._nodb_cursor() as cursor:
                    cursor.execute(f"DROP DATABASE IF EXISTS {template}")
                    cursor.execute(f"CREATE DATABASE {template}")
                connection.settings_dict["NAME"] = name
                call_command("migrate", interactive=False, run_syncdb=True, verbosity=0)
                connection.close()
            except Exception as error:  # noqa: BLE001 - the workers report it
                (folder / "postgresql.failed").write_text(f"migrating {name} failed: {error!r}")
                raise
            (folder / "postgresql").write_text(name)

        if not (folder / SQLITE).exists():
            partial = folder / f"{SQLITE}.partial"
            failure = make_migrate(partial)
            if failure:
                (folder / f"{SQLITE}.failed").write_text(failure)
            else:
                partial.rename(folder / SQLITE)
                keep(folder / SQLITE, key)
        sys.stdin.read()
    finally:
        if template is not None:
            connection.close()
            with connection.creation._nodb_cursor() as cursor:
                cursor.execute(f"DROP DATABASE IF EXISTS {template}")


def ready(name):
    """The path of what the build made under ``name`` (waiting for it), or None without a build."""
    folder = os.environ.get(FOLDER_VARIABLE)
    if not folder:
        return None
    done, failed = Path(folder) / name, Path(folder) / f"{name}.failed"
    deadline = time.monotonic() + WAIT
    while not done.exists():
        if failed.exists():
            raise RuntimeError(failed.read_text())
        if time.monotonic() > deadline:
            raise RuntimeError(f"no migrated database after {WAIT} s: {(Path(folder) / 'build.log').read_text()}")
        time.sleep(0.05)
    return done


# --- A worker ---------------------------------------------------------------------------------


def copy_into_test_database(creation, original, verbosity, autoclobber, serialize, keepdb):
    """``create_test_db`` for a worker: the test database made a copy of the build's, not migrated
    again. Anything else (``--reuse-db``, ``--no-migrations``, no build) goes the usual way."""
    vendor = creation.connection.vendor
    source = None
    built = {"sqlite": SQLITE, "postgresql": "postgresql"}.get(vendor)
    if built and not keepdb and creation.connection.settings_dict["TEST"]["MIGRATE"] is not False:
        source = ready(built)
    if source is None:
        return original(creation, verbosity, autoclobber, serialize, keepdb)

    from django.conf import settings
    from django.core.management import call_command

    connection = creation.connection
    name = creation._get_test_db_name()
    if vendor == "postgresql":
        quoted = connection.ops.quote_name(name)
        with creation._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quoted}")
            cursor.execute(f"CREATE DATABASE {quoted} TEMPLATE {connection.ops.quote_name(source.read_text())}")
    else:
        creation._create_test_db(verbosity, autoclobber, keepdb)
    connection.close()
    settings.DATABASES[connection.alias]["NAME"] = name
    connection.settings_dict["NAME"] = name
    if vendor == "sqlite":
        connection.ensure_connection()
        migrated = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            migrated.backup(connection.connection)
        finally:
            migrated.close()
    if serialize:
        connection._test_serialized_contents = creation.serialize_db_to_string()
    call_command("createcachetable", database=connection.alias)
    connection.ensure_connection()
    return name


def use_copies():
    """In a worker: test databases made by ``copy_into_test_database``."""
    from django.db.backends.base.creation import BaseDatabaseCreation

    original = BaseDatabaseCreation.create_test_db

    def create_test_db(self, verbosity=1, autoclobber=False, serialize=True, keepdb=False):
        return copy_into_test_database(self, original, verbosity, autoclobber, serialize, keepdb)

    BaseDatabaseCreation.create_test_db = create_test_db


if __name__ == "__main__":
    build(Path(sys.argv[1]), sys.argv[2])
