"""How many times something was tried in a period: one count for every worker process.

The count is kept in the shared cache (Redis in production), under a key the caller makes (an
e-mail address or username hashed, so the cache holds no list of who tried). The cache is a
help, never a need: while it cannot be reached each process counts in its own memory, so the
limits still hold (per process) and the forms they guard still work.
"""

from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache

from common.public_cache import CACHE_ERRORS, cache_unreachable

# The counts of this process, used only while the shared cache cannot be reached.
_while_unreachable = LocMemCache("throttle-while-unreachable", {"OPTIONS": {"MAX_ENTRIES": 10_000}})


def tries(key, period):
    """Counts one more try under ``key`` and returns the tries in this ``period`` (seconds), this one included."""
    try:
        return _count(cache, key, period)
    except CACHE_ERRORS as error:
        cache_unreachable(error)
        return _count(_while_unreachable, key, period)


def _count(store, key, period):
    store.add(key, 0, period)
    try:
        return store.incr(key)
    except ValueError:  # expired between add and incr
        store.set(key, 1, period)
        return 1
