"""Fixed data for the leaders' workspace tests: a frozen day and a Belmarsh plan with known problems."""

import datetime

from django.utils import timezone

from recommendations.models import Action, ActionStatus

TODAY = datetime.date(2022, 6, 1)


def at(day):
    """Noon on ``day``, an aware datetime."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def make_action(recommendation, description, *, owner="Head of safety", target=None, status=None, updated=TODAY):
    return Action.objects.create(
        recommendation=recommendation,
        description=description,
        owner=owner,
        target_date=target,
        status=status or ActionStatus.IN_PROGRESS,
        dropped_reason="No longer needed." if status == ActionStatus.DROPPED else "",
        created_at=at(datetime.date(2022, 3, 1)),
        updated_at=at(updated),
    )


JUDGEMENTS = [
    ("hmi-prisons", "no-meaningful-progress"),  # 1.1 open, worst
    ("hmi-prisons", "insufficient-progress"),  # 1.2 open
    ("hmi-prisons", "good-progress"),  # 1.3 closed: top of the scale
    ("ofsted", "reasonable-progress"),  # Theme 1 open, half way up Ofsted's scale
    ("hmi-prisons", "reasonable-progress"),  # 1.5 open, two thirds up
]


def build_plan(make_review, establishment, extra_recommendations=0):
    """The Belmarsh review with one action of each kind of problem; returns the review.

    Live actions: overdue 2, no owner 2, no target date 1, not updated in 30 days 2. A done and
    a dropped action have every problem and count for none.
    """
    review = make_review(establishment, JUDGEMENTS + [("hmi-prisons", "insufficient-progress")] * extra_recommendations)
    rec = {j.position: j.recommendation for j in review.judgements.select_related("recommendation")}
    d = datetime.date
    make_action(rec[1], "Review every use of force on camera", target=d(2022, 5, 1), updated=d(2022, 5, 30))
    make_action(rec[1], "Train all staff in de-escalation", owner="", target=d(2022, 7, 1), updated=d(2022, 5, 30))
    make_action(rec[2], "Reopen the gym", target=None, updated=d(2022, 5, 30))
    make_action(rec[2], "Audit the complaints log", target=d(2022, 12, 1), updated=d(2022, 4, 1))
    make_action(rec[5], "Publish a violence reduction plan", owner="", target=d(2022, 3, 1), updated=d(2022, 3, 1))
    make_action(
        rec[4], "Hire a reading tutor", owner="", target=d(2022, 3, 1), status=ActionStatus.DONE, updated=d(2022, 3, 1)
    )
    make_action(rec[4], "Buy new books", owner="", status=ActionStatus.DROPPED, updated=d(2022, 3, 1))
    for position in range(6, 6 + extra_recommendations):
        make_action(rec[position], f"Action {position}", target=d(2022, 9, 1), updated=d(2022, 5, 30))
    return review


def date_parts(iso, name="target_date"):
    """A date as GOV.UK's date input posts it: day, month and year boxes ("" for no date)."""
    year, month, day = iso.split("-") if iso else ("", "", "")
    return {f"{name}-day": day.lstrip("0"), f"{name}-month": month.lstrip("0"), f"{name}-year": year}


def with_date_parts(data, name="target_date"):
    """``data`` with its ISO date under ``name`` posted as GOV.UK's three boxes instead."""
    data = dict(data)
    if name in data:
        data.update(date_parts(data.pop(name), name))
    return data
