"""The project's settings as production runs them (DEBUG off, whitenoise, persistent database
connections), plus a plain "Hello, world" view served by the same processes: the ceiling the
pages are measured against. Only the benchmark uses this module."""

import os

from belmarsh_irp.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.national.urls"
STATIC_ROOT = os.environ["BENCH_STATIC_ROOT"]
ALLOWED_HOSTS = ["127.0.0.1"]
