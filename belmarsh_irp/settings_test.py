"""Settings for the test suite: the environment's settings, with what tests need on top.

Tests run with DEBUG off (pytest-django forces it), so they need a secret key, and the live
server for browser tests speaks plain HTTP and serves static files from the finders.
"""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-key-not-a-secret-0123456789abcdefghijklmnop")
os.environ.setdefault("DJANGO_HTTPS", "0")

from belmarsh_irp.settings import *  # noqa: E402,F403

ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# The API's anonymous rate limit is tested on its own with a small rate (tests/test_api_http.py);
# elsewhere the many requests of one test run must not trip it.
API_RATE_LIMIT = "100000/minute"

# Each test starts with an empty cache of its own (tests/conftest.py clears it); the page
# cache is switched on by the tests of caching, which also run it across processes.
# (Never the environment's Redis: clearing it would empty someone else's cache.)
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}}
PUBLIC_PAGE_CACHE = False
# Tasks run inline, whatever the environment's REDIS_URL; the one test of a real worker on Redis
# (tests/test_alerts_worker.py) configures its own broker.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = "memory://localhost/"  # a host named: kombu warns on every send without one
CELERY_RESULT_BACKEND = "cache+memory://"
# Report files the tests import are kept in a folder of the test run's own, never in media/.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="belmarsh-test-media-"))
