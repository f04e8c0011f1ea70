"""The anonymous rate limit of the API, read from ``settings.API_RATE_LIMIT`` when a request
comes (so a test or a deployment can change it without re-importing the class)."""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle

from common.public_cache import CACHE_ERRORS, cache_unreachable


class AnonymousRateThrottle(AnonRateThrottle):
    scope = "anon"

    def get_rate(self):
        return settings.API_RATE_LIMIT

    def allow_request(self, request, view):
        """The count lives in the cache: while it cannot be reached, requests are let through
        (the API answers from the database) and a warning is logged once a minute."""
        try:
            return super().allow_request(request, view)
        except CACHE_ERRORS as error:
            cache_unreachable(error)
            return True
