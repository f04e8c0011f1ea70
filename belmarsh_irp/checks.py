"""Deployment checks of the project's own: ``check --deploy`` fails without a secret key."""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured


@register(Tags.security, deploy=True)
def secret_key_is_set(app_configs, **kwargs):
    try:
        if settings.SECRET_KEY:
            return []
    except ImproperlyConfigured:  # Django refuses to read an empty key
        pass
    return [Error(settings.SECRET_KEY_MISSING, id="belmarsh_irp.E001")]
