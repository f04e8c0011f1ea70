"""The service's one way of writing dates and times, in every template, table and the admin.

GOV.UK style: "31 March 2027" (the month in full, no leading zero), times in the 24-hour
clock ("13:05"). Django's own en_GB formats mix "31 Mar 2027", "1 a.m." and "01:00"; these
replace them, so ``{{ value|date }}``, ``{{ value|time }}`` and the admin agree.
"""

DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATETIME_FORMAT = "j F Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
FIRST_DAY_OF_WEEK = 1  # Monday
