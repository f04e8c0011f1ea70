"""Load on the public pages and the API while the cache (Redis) is stopped: every response
counted by status. The site must keep answering from the database: no 500.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wt_trust_load \\
        .venv/bin/python benchmarks/cache_restart_load.py [--seconds 40] [--clients 16] [--stop-at 10]
        [--stop-for 15] [--redis-port 6385] [--port 8105] [--reset]

It starts a redis-server of its own on ``--redis-port`` (never a shared one: it refuses a port
where something already answers), prepares the database like ``db_restart_load.py`` (an empty
database, or ``--reset``), starts gunicorn on 127.0.0.1:PORT with REDIS_URL pointing at its
Redis, runs ``--clients`` threads fetching the public pages, a feed and the API in turn, stops
its Redis at ``--stop-at`` seconds, starts it again ``--stop-for`` seconds later, and prints the
responses by status, second by second and in total, with how many pages a second were served
with and without the cache. Bounded: at most 300 seconds and 64 clients; it stops gunicorn and
its Redis whatever happens.
"""

import argparse
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

import db_restart_load as load

PAGES = [*load.PAGES, "/feeds/reviews.atom", "/api/v1/establishments/", "/establishments/?utm_source=load"]


def answering(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
        return True
    except OSError:
        return False


def start_redis(port):
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("redis-server is not installed (apt-get install redis-server).")
    process = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--maxmemory",
            "64mb",
            "--maxmemory-policy",
            "allkeys-lru",
        ],  # fmt: skip
        stdout=subprocess.DEVNULL,
    )
    for _ in range(100):
        if answering(port):
            return process
        time.sleep(0.05)
    process.kill()
    raise SystemExit(f"redis-server did not start on 127.0.0.1:{port}")


def stop(process):
    if process is not None and process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=40)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--stop-at", type=int, default=10)
    parser.add_argument("--stop-for", type=int, default=15)
    parser.add_argument("--redis-port", type=int, default=6385)
    parser.add_argument("--port", type=int, default=8105)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--reset", action="store_true", help="Empty a database that holds data first.")
    args = parser.parse_args(argv)
    seconds, clients = min(args.seconds, 300), min(args.clients, 64)

    database_url = os.environ.get("DATABASE_URL", "")
    parsed = urlparse(database_url)
    if parsed.scheme not in ("postgres", "postgresql") or parsed.hostname not in ("127.0.0.1", "localhost"):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database on 127.0.0.1.")
    if answering(args.redis_port):
        raise SystemExit(f"Something already answers on port {args.redis_port}: this benchmark stops its Redis.")

    env = load.environment(database_url, args.port)
    env.update(
        REDIS_URL=f"redis://127.0.0.1:{args.redis_port}/0",
        DJANGO_LOG_LEVEL="WARNING",
        DJANGO_API_RATE_LIMIT="1000000/minute",  # the load is one address: measure pages, not the limit
    )
    load.PAGES[:] = PAGES  # the clients fetch these in turn
    print("Preparing: migrate, load fixtures/belmarsh.json, collectstatic…", flush=True)
    load.prepare_database(env, database_url, args.reset)
    load.manage(env, "collectstatic", "--noinput")
    redis = start_redis(args.redis_port)
    log = Path(load.PROJECT_DIR / "var" / "cache_restart_load.log")
    log.parent.mkdir(exist_ok=True)
    with log.open("w") as errors:
        gunicorn = subprocess.Popen(
            [
                str(Path(load.PYTHON).parent / "gunicorn"),
                "belmarsh_irp.wsgi",
                "--bind",
                f"127.0.0.1:{args.port}",
                "--workers",
                str(args.workers),
                "--log-level",
                "warning",
            ],  # fmt: skip
            cwd=load.PROJECT_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=errors,
        )
        try:
            load.wait_for(args.port)
            start = time.monotonic()
            counts = load.Counts(start)
            stopping = threading.Event()
            threads = [
                threading.Thread(target=load.client, args=(args.port, stopping, counts, i), daemon=True)
                for i in range(clients)
            ]
            for thread in threads:
                thread.start()
            print(f"{clients} clients on {len(PAGES)} addresses for {seconds} s; Redis stops at {args.stop_at} s "
                  f"for {args.stop_for} s")  # fmt: skip
            time.sleep(args.stop_at)
            stopped_at = time.monotonic() - start
            stop(redis)
            time.sleep(args.stop_for)
            restarted_at = time.monotonic() - start
            redis = start_redis(args.redis_port)
            time.sleep(max(0, seconds - (time.monotonic() - start)))
            stopping.set()
            for thread in threads:
                thread.join(timeout=35)
        finally:
            stop(gunicorn)
            stop(redis)

    print(f"\nRedis stopped at {stopped_at:.1f} s, started again at {restarted_at:.1f} s")
    print("\nsecond  responses by status")
    for second in range(0, seconds + 1):
        row = counts.by_second.get(second, {})
        marker = " (Redis stopped)" if stopped_at <= second < restarted_at else ""
        print(f"{second:>6}  " + ", ".join(f"{status}: {n}" for status, n in sorted(row.items(), key=str)) + marker)
    total = sum(counts.total.values())
    during = sum(sum(counts.by_second.get(s, {}).values()) for s in range(int(stopped_at) + 1, int(restarted_at)))
    outside = total - during
    print(f"\nTotal {total} responses in {seconds} s ({total / seconds:.0f}/s):")
    for status, n in sorted(counts.total.items(), key=str):
        print(f"  {status}: {n}")
    stopped_seconds = max(1, int(restarted_at) - int(stopped_at) - 1)
    print(f"  while Redis was stopped: {during / stopped_seconds:.0f}/s; otherwise "
          f"{outside / max(1, seconds - stopped_seconds):.0f}/s")  # fmt: skip
    warnings = log.read_text().count("cache is unreachable")
    print(f"  'cache is unreachable' warnings logged by the {args.workers} workers: {warnings}")
    errors = counts.total.get(500, 0)
    print(f"\n500 responses: {errors}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
