"""The site's HTTP-level protections, in one place: the Content-Security-Policy and
Permissions-Policy headers, ``Cache-Control: private, no-store`` for signed-in pages and
downloads, the site's own CSRF failure page, and a 503 page when the database, or the queue
behind e-mails and long imports, is unavailable.

None of this touches the database: the 503 and error pages render without a request context,
so they show even while PostgreSQL restarts.
"""

import logging
import secrets
import sys

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.urls import get_resolver
from django.utils.cache import patch_cache_control
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# What sending work to Celery, or reading a background import's progress, raises while Redis
# (the broker and the shared cache) cannot be reached. Pages never need it (common.public_cache);
# a form that sends an e-mail or starts a long import does, and then says so in a 503.
BACKGROUND_ERRORS = (KombuOperationalError, RedisError)
BACKGROUND_UNAVAILABLE = _(
    "The part of the service that sends emails and runs long imports cannot be reached for a "
    "moment. Nothing was sent or imported. Try again in a minute: what you sent before is not "
    "lost, and sending it again is safe."
)

# Paths whose every response is private to the signed-in person, signed in or not (they send
# a sign-in redirect otherwise): the inspectors' workspace and the leaders' pages, downloads
# included, and the preview of a draft review.
PRIVATE_PREFIXES = ("/admin/", "/leaders/", "/sign-in/", "/sign-out/")

PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), encrypted-media=(), fullscreen=(), "
    "geolocation=(), gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), "
    "picture-in-picture=(), publickey-credentials-get=(), screen-wake-lock=(), usb=(), "
    "xr-spatial-track=(), interest-cohort=()"
)


def content_security_policy(nonce):
    """Scripts and styles from the site only (and elements carrying this response's nonce);
    nothing framed, no plugins, forms posted only to the site."""
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            f"style-src 'self' 'nonce-{nonce}'",
            "img-src 'self' data:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def csp_nonce(request):
    """Context processor: ``{{ csp_nonce }}`` for an inline ``<script>``/``<style>`` that must stay
    inline. Lazy, made only when a template uses it; no query."""
    return {"csp_nonce": SimpleLazyObject(lambda: request.csp_nonce) if hasattr(request, "csp_nonce") else ""}


class SecurityHeadersMiddleware:
    """Adds the Content-Security-Policy and Permissions-Policy to every response, and makes every
    signed-in page and download ``Cache-Control: private, no-store``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = secrets.token_urlsafe(16)
        if has_null_character(request):
            # PostgreSQL refuses a NUL in any text: a search or id carrying one is a bad request
            # (400, the site's page), never a database error.
            handler = get_resolver().resolve_error_handler(400)
            response = handler(request, SuspiciousOperation("A NUL character in the request."))
        else:
            response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", content_security_policy(request.csp_nonce))
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if self._private(request):
            response.headers.pop("Expires", None)
            if "Cache-Control" in response.headers:
                del response.headers["Cache-Control"]
            patch_cache_control(response, private=True, no_store=True)
        return response

    @staticmethod
    def _private(request):
        if request.path.startswith(PRIVATE_PREFIXES) or "/preview/" in request.path:
            return True
        # A request with a session may be signed in: private, decided without loading the
        # session (no query), so a public page never pays for it.
        return settings.SESSION_COOKIE_NAME in request.COOKIES


def has_null_character(request):
    """True when the path, or in the workspace a query parameter or posted value, holds a NUL
    character. The public and leaders' pages read their input through forms, whose own message
    says what is wrong ("Null characters are not allowed"); the admin's search, autocomplete and
    publication forms read some raw."""
    if "\x00" in request.path:
        return True
    if not request.path.startswith("/admin/"):
        return False
    for data in (request.GET, request.POST if request.method == "POST" else None):
        if data is None:
            continue
        for key, values in data.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                return True
    return False


def database_unavailable(retry_after=5, message=None):
    """The 503 page in the site's design, rendered with no query (no request context);
    ``message`` in place of its sentence about the records."""
    body = loader.render_to_string("503.html", {"service_name": settings.SERVICE_NAME, "message": message})
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(retry_after)
    patch_cache_control(response, no_store=True)
    return response


def server_error(request):
    """``handler500``: the database being unavailable is a 503 with ``Retry-After`` (the next
    request reconnects: Django drops a broken connection at the end of the request); anything
    else is the site's 500 page. Neither renders with a request context, so neither queries."""
    error = sys.exc_info()[1]
    if isinstance(error, (OperationalError, InterfaceError)):
        logger.warning("Database unavailable: %s", error)
        return database_unavailable()
    if isinstance(error, BACKGROUND_ERRORS):
        logger.warning("Background queue or its store unavailable: %s: %s", type(error).__name__, error)
        return database_unavailable(retry_after=30, message=BACKGROUND_UNAVAILABLE)
    body = loader.render_to_string("500.html", {"service_name": settings.SERVICE_NAME})
    return HttpResponseServerError(body)


def csrf_failure(request, reason=""):
    """``CSRF_FAILURE_VIEW``: the site's 403 page, saying what to do, instead of Django's bare one."""
    message = (
        "The form could not be sent because its security check failed. This happens when a form was "
        "open for a long time, or cookies are blocked. Go back, reload the page and try again."
    )
    return render(request, "403.html", {"exception": message, "csrf_failure": True}, status=403)
