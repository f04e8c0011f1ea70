"""Every error of the API is JSON with a ``detail`` sentence (and ``errors`` per parameter for a
refused filter), never an HTML page: a 404 for a path the API does not have, a 400 for a bad
filter value, a 429 that says how long to wait."""

from django.conf import settings
from django.http import JsonResponse
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler

PERIODS = {"s": "a second", "m": "a minute", "h": "an hour", "d": "a day"}


def rate_in_words(rate):
    """ "120/minute" → "120 requests a minute" (DRF reads the period's first letter)."""
    number, _, period = rate.partition("/")
    return f"{number} requests {PERIODS.get(period[:1], 'per ' + period)}"


def exception_handler(exc, context):
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.Throttled):
        wait = int(exc.wait) if exc.wait is not None else 60
        response.data = {
            "detail": (
                f"Too many requests: anonymous clients may make {rate_in_words(settings.API_RATE_LIMIT)} "
                f"from one address. Try again in {wait} second{'s' if wait != 1 else ''}."
            )
        }
    elif isinstance(exc, exceptions.ValidationError):
        response.data = {"detail": "The request's parameters were refused: see errors.", "errors": exc.detail}
    elif not isinstance(response.data, dict) or "detail" not in response.data:
        response.data = {"detail": str(exc)}
    return response


def not_found(request, *args, **kwargs):
    """Any path under /api/ the API does not have: JSON, not the site's HTML 404 page."""
    return JsonResponse({"detail": "Not found: see /api/v1/ for what the API serves."}, status=404)
