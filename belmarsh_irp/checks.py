"""Deployment checks of the project's own: ``check --deploy`` fails without a secret key."""

import os

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured


@register(Tags.security, deploy=True)
def secret_key_is_set(app_configs, **kwargs):
    try:
        if settings.SECRET_KEY:
            return []
    except ImproperlyConfigured:  # Django refuses to read an empty key
        pass
    return [Error(settings.SECRET_KEY_MISSING, id="belmarsh_irp.E001")]


@register(Tags.security, deploy=True)
def site_url_is_set(app_configs, **kwargs):
    """E-mails (alerts, password resets) link to DJANGO_SITE_URL: in production it is the
    site's own HTTPS address, never the development default."""
    if not os.environ.get("DJANGO_SITE_URL") or not settings.SITE_URL.startswith("https://"):
        return [
            Warning(
                "DJANGO_SITE_URL is not an https:// address: links in emails would point at "
                f"{settings.SITE_URL}. Set it to the site's public address, e.g. https://tracker.example.org.",
                id="belmarsh_irp.W002",
            )
        ]
    return []
