"""What the site checks before it serves a request."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def refuse_without_secret_key():
    """Production never starts without a secret key (and never with a made-up one)."""
    try:
        settings.SECRET_KEY  # noqa: B018  (Django raises when the key is empty)
    except ImproperlyConfigured:
        raise ImproperlyConfigured(settings.SECRET_KEY_MISSING) from None
