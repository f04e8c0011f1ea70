"""What the site checks before it serves a request."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def refuse_without_secret_key():
    """Production never starts without a secret key (and never with a made-up one)."""
    try:
        settings.SECRET_KEY  # noqa: B018  (Django raises when the key is empty)
    except ImproperlyConfigured:
        raise ImproperlyConfigured(settings.SECRET_KEY_MISSING) from None


def keep_what_was_loaded():
    """Loads every view (the URLconf) now and moves what the process has loaded out of the
    garbage collector's sight (``gc.freeze``), so that its occasional full collection looks only
    at what requests made since.

    Without it a full collection walks the 120,000 objects of Django, the project and its
    libraries, which live as long as the process: 50–75 ms, in the middle of whichever request
    happens to trigger it (about one in ten on the list page at national size), which made the
    95th percentile of otherwise 70 ms pages over 100 ms (docs/performance.md). Frozen, it takes
    under a millisecond. Nothing frozen is freed, so this runs once, at start-up, when what is
    loaded is what the process keeps."""
    import gc

    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018  (imports every app's URLs and views)
    gc.freeze()
