"""Load on the public pages while PostgreSQL restarts: every response counted by status.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wt_security \\
        .venv/bin/python benchmarks/db_restart_load.py [--seconds 60] [--clients 32] [--restart-at 25] [--port 8013]
        [--reset]

It migrates the database DATABASE_URL names (create it first: ``createdb -h 127.0.0.1 -U postgres
wt_security``; PostgreSQL on 127.0.0.1 only, it refuses anything
else) and loads fixtures/belmarsh.json, collects the static files, starts gunicorn on
127.0.0.1:PORT with DJANGO_DEBUG=0, runs ``--clients`` threads fetching the public pages in turn
for ``--seconds`` seconds, restarts PostgreSQL (``pg_ctlcluster --skip-systemctl-redirect 15 main
restart``) after ``--restart-at`` seconds, then stops gunicorn and prints the responses by status,
second by second around the restart and in total. The site should answer 503 (with
Retry-After) while the database is away and 200 again after, never 500.

It never changes data it did not create: a database that already holds establishments,
inspections or users is refused unless ``--reset`` is given (which empties it first).

Restarting PostgreSQL disturbs everything else using it for a few seconds: run it rarely.
Bounded: at most 300 seconds and 64 clients; it stops gunicorn whatever happens.
"""

import argparse
import collections
import http.client
import os
import secrets
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

PROJECT_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PAGES = [
    "/",
    "/establishments/",
    "/establishments/belmarsh/",
    "/establishments/belmarsh/irp-2022/",
    "/recommendations/",
    "/recommendations/?q=force",
    "/recommendations.csv",
]
RESTART = ["pg_ctlcluster", "--skip-systemctl-redirect", "15", "main", "restart"]


def environment(database_url, port):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DATABASE_URL=database_url,
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_HTTPS="0",
        DJANGO_LOG_LEVEL="ERROR",
    )
    return env


# The project's tables whose rows mean someone's data is in the database.
DATA_TABLES = ("recommendations_establishment", "recommendations_inspection", "auth_user")


def rows_in(database_url):
    """``{table: rows}`` for the tables of DATA_TABLES that exist and hold rows."""
    import psycopg

    found = {}
    with psycopg.connect(database_url) as connection:
        for table in DATA_TABLES:
            exists = connection.execute("SELECT to_regclass(%s)", [f"public.{table}"]).fetchone()[0]
            if exists is None:
                continue
            count = connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # noqa: S608 - fixed names
            if count:
                found[table] = count
    return found


def prepare_database(env, database_url, reset):
    """Migrates and loads fixtures/belmarsh.json into an empty database; refuses one holding
    data (SystemExit naming what it holds) unless ``reset``, which empties it first
    (``empty_database``)."""
    held = rows_in(database_url)
    if held and not reset:
        listed = ", ".join(f"{n} rows in {table}" for table, n in held.items())
        raise SystemExit(
            f"The database holds data ({listed}). This benchmark loads its own data: give it an empty "
            "database (createdb), or pass --reset to empty this one first."
        )
    if held:
        empty_database(database_url)
    manage(env, "migrate", "--noinput")
    manage(env, "loaddata", "fixtures/belmarsh.json")


def empty_database(database_url):
    """``--reset``: every table goes (the public schema is made again), so the migrations load the
    scales and the fixture loads into a database exactly as ``make run`` would find it."""
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute("DROP SCHEMA public CASCADE")
        connection.execute("CREATE SCHEMA public")


def manage(env, *args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=PROJECT_DIR, env=env, check=True, stdout=subprocess.DEVNULL)


def wait_for(port, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/")
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer on 127.0.0.1:{port}")


class Counts:
    def __init__(self, start):
        self.start = start
        self.lock = threading.Lock()
        self.total = collections.Counter()
        self.by_second = collections.defaultdict(collections.Counter)
        self.retry_after = collections.Counter()

    def add(self, status, retry_after=None):
        second = int(time.monotonic() - self.start)
        with self.lock:
            self.total[status] += 1
            self.by_second[second][status] += 1
            if retry_after is not None:
                self.retry_after[retry_after] += 1


def client(port, stop, counts, offset):
    connection = None
    index = offset
    while not stop.is_set():
        path = PAGES[index % len(PAGES)]
        index += 1
        try:
            if connection is None:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            counts.add(response.status, response.getheader("Retry-After") if response.status == 503 else None)
        except (OSError, http.client.HTTPException):
            counts.add("connection error")
            if connection is not None:
                connection.close()
            connection = None
            time.sleep(0.05)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--restart-at", type=int, default=25)
    parser.add_argument("--port", type=int, default=8013)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument(
        "--reset", action="store_true", help="Empty a database that holds data before loading the benchmark's own."
    )
    args = parser.parse_args(argv)
    seconds, clients = min(args.seconds, 300), min(args.clients, 64)

    database_url = os.environ.get("DATABASE_URL", "")
    parsed = urlparse(database_url)
    if parsed.scheme not in ("postgres", "postgresql") or parsed.hostname not in ("127.0.0.1", "localhost"):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database on 127.0.0.1 (this restarts PostgreSQL).")

    env = environment(database_url, args.port)
    print("Preparing: migrate, load fixtures/belmarsh.json, collectstatic…", flush=True)
    prepare_database(env, database_url, args.reset)
    manage(env, "collectstatic", "--noinput")
    gunicorn = subprocess.Popen(
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "belmarsh_irp.wsgi",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
        ],
        cwd=PROJECT_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(args.port)
        start = time.monotonic()
        counts = Counts(start)
        stop = threading.Event()
        threads = [
            threading.Thread(target=client, args=(args.port, stop, counts, i), daemon=True) for i in range(clients)
        ]
        for thread in threads:
            thread.start()
        print(
            f"{clients} clients on {len(PAGES)} public pages for {seconds} s;",
            f"PostgreSQL restarts at {args.restart_at} s",
        )
        time.sleep(args.restart_at)
        restart_started = time.monotonic() - start
        subprocess.run(RESTART, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        restart_took = time.monotonic() - start - restart_started
        time.sleep(max(0, seconds - (time.monotonic() - start)))
        stop.set()
        for thread in threads:
            thread.join(timeout=35)
    finally:
        gunicorn.terminate()
        try:
            gunicorn.wait(timeout=15)
        except subprocess.TimeoutExpired:
            gunicorn.kill()

    print(f"\nPostgreSQL restart: began at {restart_started:.1f} s, the command took {restart_took:.1f} s")
    print("\nsecond  responses by status")
    first = max(0, int(restart_started) - 2)
    last = int(restart_started + restart_took) + 6
    for second in range(first, last + 1):
        row = counts.by_second.get(second, {})
        print(f"{second:>6}  " + ", ".join(f"{status}: {n}" for status, n in sorted(row.items(), key=str)))
    total = sum(counts.total.values())
    print(f"\nTotal {total} responses in {seconds} s ({total / seconds:.0f}/s):")
    for status, n in sorted(counts.total.items(), key=str):
        print(f"  {status}: {n}")
    if counts.retry_after:
        print("  503 Retry-After values: " + ", ".join(f"{v} ({n})" for v, n in counts.retry_after.items()))
    errors = counts.total.get(500, 0)
    print(f"\n500 responses: {errors}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
