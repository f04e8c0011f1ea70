"""What every page's layout needs: the service's name and the signed-in person's links.

``base.html`` runs no query of its own: whether to show "Your prison" and "Inspectors'
workspace" is decided here, by the same rule as the pages behind those links
(``roles.led_establishments``, ``roles.is_inspector``), and only when a template asks.
"""

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from recommendations.roles import is_inspector, led_establishments


def navigation(request):
    user = getattr(request, "user", None)

    def links():
        if user is None or not user.is_authenticated:
            return {"leads": False, "inspects": False}
        return {"leads": led_establishments(user).exists(), "inspects": is_inspector(user)}

    return {"service_name": settings.SERVICE_NAME, "nav": SimpleLazyObject(links)}
