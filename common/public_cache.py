"""The version of what the public sees, shared by every process through Django's cache.

Cached public pages are stored under a key that holds their address and today's date
(``page_key``), each entry with the version it was made under; the version and the page are read
together, in one round trip (``version_and_page``), and a page is served only if its version is
the current one. Derived values (``remember``) are stored under a key holding the version. So:

- anything that changes what the public sees calls ``changed()`` (through
  ``findings.publishing.public_data_changed``, or directly from ``recommendations.actions``
  for a published action plan), which writes a new version once the transaction commits:
  every page cached before is never served again, in every worker process;
- an embargo lifts at its date with nobody acting, because tomorrow's keys are new keys;
- a deployment of other code, templates, styles or translations retires every page and value
  cached by the one before, because the keys hold the release (``release()``).

The version is a random token with the time it was made (the pages' ``Last-Modified``), kept
in the ``default`` cache: Redis in production (``REDIS_URL``), a file cache shared by the
worker processes on the embedded default.

The cache is a help, never a need: when it cannot be reached (Redis stopped, restarting, out of
reach), ``version()`` is None and pages are built from the database, ``remember`` computes, and
a warning is logged at most once a minute a process (``cache_unreachable``). A change made while
the cache was away retires its pages as soon as it is back (``changed`` keeps it pending).
"""

import datetime
import functools
import hashlib
import logging
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

try:
    from redis.exceptions import RedisError
except ImportError:  # pragma: no cover - redis is a dependency; the file cache needs none
    RedisError = OSError

logger = logging.getLogger(__name__)

# What a cache that cannot be reached raises: Redis's errors (refused, timed out, reset), and
# the file cache's OSError (a full or read-only disk).
CACHE_ERRORS = (RedisError, OSError)
WARNING_INTERVAL = 60  # seconds between two warnings that the cache is unreachable, a process
_state = {"warned_at": None, "pending_change": False}


def cache_unreachable(error):
    """Logs that the cache cannot be reached, at most once every ``WARNING_INTERVAL`` seconds."""
    now = time.monotonic()
    warned_at = _state["warned_at"]
    if warned_at is None or now - warned_at >= WARNING_INTERVAL:
        _state["warned_at"] = now
        logger.warning(
            "The cache is unreachable (%s: %s): public pages are built from the database until it is back.",
            type(error).__name__,
            error,
        )


def cache_get(key):
    """``cache.get(key)``, or None when the cache cannot be reached."""
    try:
        return cache.get(key)
    except CACHE_ERRORS as error:
        cache_unreachable(error)
        return None


def cache_set(key, value, timeout):
    """``cache.set``; True if stored, False when the cache cannot be reached."""
    try:
        cache.set(key, value, timeout)
    except CACHE_ERRORS as error:
        cache_unreachable(error)
        return False
    return True


VERSION_KEY = "public:version"
# The version outlives any page; if it is ever evicted, a new one is made (pages cached under
# the old one are then simply not found).
VERSION_TIMEOUT = None


def _new_version():
    return f"{uuid.uuid4().hex}:{int(time.time())}"


def version():
    """The current version, ``token:unix-time``; made (once) if the cache has none. None when
    the cache cannot be reached: the caller builds from the database and stores nothing."""
    try:
        if _state["pending_change"]:
            # A change was made while the cache was away: its pages are retired first.
            cache.set(VERSION_KEY, _new_version(), VERSION_TIMEOUT)
            _state["pending_change"] = False
        current = cache.get(VERSION_KEY)
        if current is None:
            candidate = _new_version()
            # add() keeps the first writer's version if two processes race here.
            cache.add(VERSION_KEY, candidate, VERSION_TIMEOUT)
            current = cache.get(VERSION_KEY) or candidate
    except CACHE_ERRORS as error:
        cache_unreachable(error)
        return None
    return current


def last_modified(current, today=None):
    """The time (unix seconds) the public data last changed, as far as the cache knows, and no
    earlier than the start of ``today``: an embargo lifts at midnight with no change recorded,
    so a page's ``Last-Modified`` moves with the day too (never past now)."""
    changed_at = int(current.rsplit(":", 1)[1])
    if today is None:
        return changed_at
    midnight = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    return max(changed_at, min(int(midnight.timestamp()), int(time.time())))


def _bump():
    try:
        cache.set(VERSION_KEY, _new_version(), VERSION_TIMEOUT)
    except CACHE_ERRORS as error:
        # The change stands (it is in the database); the pages are retired once the cache is back.
        _state["pending_change"] = True
        cache_unreachable(error)


def changed():
    """Retires every cached public page: now, and again when the surrounding transaction
    commits (so no request can cache the old data under the new version in between). Never
    fails the change it follows when the cache cannot be reached."""
    _bump()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(_bump)


# What a page is made of besides the data: code, templates, styles and scripts, translations.
RELEASE_SUFFIXES = {".py", ".html", ".txt", ".css", ".js", ".mo", ".svg"}
NOT_RELEASED = {".venv", "node_modules", "tests", "benchmarks", "staticfiles", "var", "media", ".git"}


def release():
    """What this deployment serves, as a short token in every cache key: ``settings.RELEASE``
    (``DJANGO_RELEASE``, e.g. the commit deployed) when set, else a digest of the project's own
    files that make a page, read once a process. Pages cached by an earlier deployment name
    stylesheets and scripts that may be gone, and values it cached may have another shape: a
    new release never reads them."""
    if settings.RELEASE:
        return hashlib.sha256(settings.RELEASE.encode()).hexdigest()[:12]
    return _files_digest()


@functools.cache
def _files_digest():
    digest = hashlib.sha256()
    base = Path(settings.BASE_DIR)
    for path in sorted(_released_files(base)):
        digest.update(str(path.relative_to(base)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _released_files(folder):
    for entry in folder.iterdir():
        if entry.is_dir():
            if entry.name not in NOT_RELEASED and not entry.name.startswith("."):
                yield from _released_files(entry)
        elif entry.suffix in RELEASE_SUFFIXES:
            yield entry


def page_key(today, path):
    """The cache key of the page at ``path`` (with its query string, and its language) for
    ``today``. The key holds no version: the page's entry carries the version it was made under
    (``version_and_page``), so reading the version and the page is one round trip."""
    digest = hashlib.sha256(path.encode()).hexdigest()
    return f"public:page:{release()}:{today.isoformat()}:{digest}"


def version_and_page(key):
    """The current version and the page stored at ``key`` if it was made under that version, read
    together: one ``MGET`` of the version key and the page's key on Redis. A page made under
    any other version (before a change, in any process) is never returned: it is
    ``(current, None)``, and the caller makes the page again and stores it over the old one.
    ``(None, None)`` when the cache cannot be reached."""
    if _state["pending_change"]:
        current = version()
        return current, None
    try:
        values = cache.get_many([VERSION_KEY, key])
    except CACHE_ERRORS as error:
        cache_unreachable(error)
        return None, None
    current = values.get(VERSION_KEY)
    if current is None:  # no version yet (or evicted): made now, so no page was made under it
        return version(), None
    entry = values.get(key)
    if entry is None or entry[0] != current:
        return current, None
    return current, entry[1:]


def data_key(current, today, name):
    """The cache key of a value derived from published data (e.g. a list's total)."""
    digest = hashlib.sha256(name.encode()).hexdigest()
    return f"public:data:{release()}:{current.split(':', 1)[0]}:{today.isoformat()}:{digest}"


def remember(today, name, compute):
    """``compute()``, read from the cache while the public data stays the same: for values
    that are costly to derive and change only when what the public sees changes."""
    current = version()
    if current is None:
        return compute()
    key = data_key(current, today, name)
    value = cache_get(key)
    if value is None:
        value = compute()
        cache_set(key, value, settings.PUBLIC_CACHE_TIMEOUT)
    return value
