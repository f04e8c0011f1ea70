"""What every page's layout needs: the service's name and the signed-in person's links.

``base.html`` runs no query of its own: whether to show "Your prison" and "Inspectors'
workspace" is decided by ``settings.NAVIGATION_LINKS`` (``recommendations.roles.navigation_links``,
the same rule as the pages behind those links), and only when a template asks.
"""

from django.conf import settings
from django.utils.functional import SimpleLazyObject
from django.utils.module_loading import import_string


def navigation(request):
    user = getattr(request, "user", None)

    def links():
        if user is None or not user.is_authenticated:
            return {"leads": False, "inspects": False}
        return import_string(settings.NAVIGATION_LINKS)(user)

    return {"service_name": settings.SERVICE_NAME, "nav": SimpleLazyObject(links)}
