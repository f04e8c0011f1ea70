"""The one clock: every page, command and state change asks here for "today" and "now".

``settings.TRACKER_TODAY`` (a date; the environment variable of the same name, ``YYYY-MM-DD``)
freezes the date, for tests and for demonstrating old data: an embargo then lifts, an action
falls overdue and a reminder goes out as they would on that day.
"""

import datetime

from django.conf import settings
from django.utils import timezone


def today():
    """Today's date in the service's time zone, or ``TRACKER_TODAY`` when that freezes it."""
    frozen = getattr(settings, "TRACKER_TODAY", None)
    return frozen or timezone.localdate()


def now():
    """The current time; noon of ``TRACKER_TODAY`` when that freezes the date."""
    frozen = getattr(settings, "TRACKER_TODAY", None)
    if frozen:
        return timezone.make_aware(datetime.datetime.combine(frozen, datetime.time(12)))
    return timezone.now()
