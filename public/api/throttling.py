"""The anonymous rate limit of the API, read from ``settings.API_RATE_LIMIT`` when a request
comes (so a test or a deployment can change it without re-importing the class)."""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle


class AnonymousRateThrottle(AnonRateThrottle):
    scope = "anon"

    def get_rate(self):
        return settings.API_RATE_LIMIT
