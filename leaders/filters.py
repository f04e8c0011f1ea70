"""The leaders' action list filters, and the dashboard counts that link to them.

Each *problem* is named once here with the ``ActionQuerySet`` method that answers it, so the
dashboard's count and the list behind its link cannot disagree.
"""

import django_filters
from django import forms
from django.db.models import Count, Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from recommendations.actions import STALE_AFTER_DAYS
from recommendations.models import Action, ActionStatus

PROBLEMS = {
    "overdue": (gettext_lazy("Actions overdue"), lambda qs, today, now: qs.overdue(today)),
    "no-owner": (gettext_lazy("Actions with no owner"), lambda qs, today, now: qs.without_owner()),
    "no-target-date": (gettext_lazy("Actions with no target date"), lambda qs, today, now: qs.without_target_date()),
    "stale": (
        format_lazy(gettext_lazy("Actions not updated in {days} days"), days=STALE_AFTER_DAYS),
        lambda qs, today, now: qs.stale(now, days=STALE_AFTER_DAYS),
    ),
}


def problem_counts(actions, today, now):
    """``{problem: count}`` for ``actions`` in one query (each problem's subquery over
    ``actions`` too, not every action in the country)."""
    return actions.aggregate(
        **{
            key.replace("-", "_"): Count("pk", filter=Q(pk__in=query(actions, today, now).values("pk")))
            for key, (_, query) in PROBLEMS.items()
        }
    )


class GovukSelect(forms.Select):
    def __init__(self):
        super().__init__(attrs={"class": "govuk-select"})


class ActionFilter(django_filters.FilterSet):
    problem = django_filters.ChoiceFilter(
        label=gettext_lazy("Show"),
        choices=[(key, label) for key, (label, _) in PROBLEMS.items()],
        empty_label=gettext_lazy("All actions"),
        method="filter_problem",
        widget=GovukSelect(),
    )
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"),
        choices=ActionStatus.choices,
        empty_label=gettext_lazy("Any status"),
        widget=GovukSelect(),
    )

    class Meta:
        model = Action
        fields = ["problem", "status"]

    def __init__(self, *args, today, now, **kwargs):
        self.today, self.now = today, now
        super().__init__(*args, **kwargs)

    def filter_problem(self, queryset, name, value):
        _, query = PROBLEMS[value]
        return query(queryset, self.today, self.now)
