"""The version of what the public sees, shared by every process through Django's cache.

Cached public pages are stored under a key that holds this version and today's date
(``page_key``), so:

- anything that changes what the public sees calls ``changed()`` (through
  ``findings.publishing.public_data_changed``, or directly from ``recommendations.actions``
  for a published action plan), which writes a new version once the transaction commits:
  every page cached before is never read again, in every worker process;
- an embargo lifts at its date with nobody acting, because tomorrow's keys are new keys.

The version is a random token with the time it was made (the pages' ``Last-Modified``), kept
in the ``default`` cache: Redis in production (``REDIS_URL``), a file cache shared by the
worker processes on the embedded default.
"""

import hashlib
import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "public:version"
# The version outlives any page; if it is ever evicted, a new one is made (pages cached under
# the old one are then simply not found).
VERSION_TIMEOUT = None


def _new_version():
    return f"{uuid.uuid4().hex}:{int(time.time())}"


def version():
    """The current version, ``token:unix-time``; made (once) if the cache has none."""
    current = cache.get(VERSION_KEY)
    if current is None:
        candidate = _new_version()
        # add() keeps the first writer's version if two processes race here.
        cache.add(VERSION_KEY, candidate, VERSION_TIMEOUT)
        current = cache.get(VERSION_KEY) or candidate
    return current


def last_modified(current):
    """The time (unix seconds) the public data last changed, as far as the cache knows."""
    return int(current.rsplit(":", 1)[1])


def changed():
    """Retires every cached public page: now, and again when the surrounding transaction
    commits (so no request can cache the old data under the new version in between)."""
    cache.set(VERSION_KEY, _new_version(), VERSION_TIMEOUT)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: cache.set(VERSION_KEY, _new_version(), VERSION_TIMEOUT))


def page_key(current, today, path):
    """The cache key of the page at ``path`` (with its query string) for ``today``."""
    digest = hashlib.sha256(path.encode()).hexdigest()
    return f"public:page:{current.split(':', 1)[0]}:{today.isoformat()}:{digest}"


def data_key(current, today, name):
    """The cache key of a value derived from published data (e.g. a list's total)."""
    digest = hashlib.sha256(name.encode()).hexdigest()
    return f"public:data:{current.split(':', 1)[0]}:{today.isoformat()}:{digest}"


def remember(today, name, compute):
    """``compute()``, read from the cache while the public data stays the same: for values
    that are costly to derive and change only when what the public sees changes."""
    key = data_key(version(), today, name)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, settings.PUBLIC_CACHE_TIMEOUT)
    return value
