"""The API's filters (django-filter). Recommendations reuse the public list's
``RecommendationFilter`` (the same filters, search and published-only options as
/recommendations/), with the inspection and review they belong to added.

A value a filter refuses (an unknown choice, a number out of range, words too long) is a 400
with a sentence per parameter; an id too large for the database is refused the same way, never
a 500.
"""

import django_filters
from django import forms
from django_filters.rest_framework import DjangoFilterBackend

from findings.models import Judgement, NotablePractice, Paragraph, ParagraphPart
from public.filters import RecommendationFilter
from recommendations.models import Establishment, EstablishmentType, Inspection, InspectionKind

LARGEST_ID = 2**63 - 1


class IntegerFilter(django_filters.NumberFilter):
    """A whole number (``NumberFilter`` alone would take 2022.5)."""

    field_class = forms.IntegerField


class IdFilter(IntegerFilter):
    """A whole number that fits a database id."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", LARGEST_ID)
        super().__init__(*args, **kwargs)


class PublicFilterBackend(DjangoFilterBackend):
    """Hands the one date that decides what is published to every FilterSet."""

    def get_filterset_kwargs(self, request, queryset, view):
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        kwargs["today"] = view.today
        return kwargs


class DatedFilterSet(django_filters.FilterSet):
    def __init__(self, data=None, queryset=None, *, today, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.today = today


class EstablishmentFilter(DatedFilterSet):
    type = django_filters.ChoiceFilter(choices=EstablishmentType.choices, help_text="The kind of establishment.")

    class Meta:
        model = Establishment
        fields = []


class InspectionFilter(DatedFilterSet):
    establishment = django_filters.CharFilter(
        field_name="establishment__slug", max_length=100, help_text="An establishment's slug, e.g. belmarsh."
    )
    kind = django_filters.ChoiceFilter(
        choices=InspectionKind.choices, help_text="`full` inspections or independent reviews of progress (`irp`)."
    )
    year = IntegerFilter(field_name="year", min_value=1900, max_value=2999, help_text="The year of the visit.")

    class Meta:
        model = Inspection
        fields = []


class ApiRecommendationFilter(RecommendationFilter):
    """/recommendations/'s filters and search, plus the inspection that made a recommendation
    and the review that judged it."""

    inspection = IdFilter(field_name="inspection_id", help_text="The id of the inspection that made it.")
    review = IdFilter(method="filter_review", help_text="The id of a published review that judged it.")

    def filter_year(self, queryset, name, value: str):
        # The same filter; the type hint tells the schema the year is sent as text ("2021").
        return super().filter_year(queryset, name, value)

    def filter_review(self, queryset, name, value):
        judged = Judgement.objects.published(self.today).filter(review_id=value)
        return queryset.filter(pk__in=judged.values("recommendation_id"))


class JudgementFilter(DatedFilterSet):
    review = IdFilter(field_name="review_id", help_text="The id of the review.")
    recommendation = IdFilter(field_name="recommendation_id", help_text="The id of the recommendation.")
    establishment = django_filters.CharFilter(
        field_name="review__establishment__slug", max_length=100, help_text="An establishment's slug."
    )
    inspectorate = django_filters.CharFilter(
        field_name="recommendation__inspectorate__slug", max_length=50, help_text="An inspectorate's slug."
    )
    level = django_filters.CharFilter(
        field_name="level__slug", max_length=50, help_text="A level's slug, e.g. reasonable-progress."
    )
    area = django_filters.CharFilter(field_name="recommendation__area", max_length=200, help_text="An area.")

    class Meta:
        model = Judgement
        fields = []


class ParagraphFilter(DatedFilterSet):
    inspection = IdFilter(field_name="inspection_id", help_text="The id of the review (or inspection).")
    judgement = IdFilter(field_name="judgement_id", help_text="The id of the judgement it is evidence for.")
    part = django_filters.ChoiceFilter(choices=ParagraphPart.choices, help_text="The part of the report.")

    class Meta:
        model = Paragraph
        fields = []


class NotablePracticeFilter(DatedFilterSet):
    review = IdFilter(field_name="paragraph__inspection_id", help_text="The id of the review.")
    establishment = django_filters.CharFilter(
        field_name="paragraph__inspection__establishment__slug", max_length=100, help_text="An establishment's slug."
    )

    class Meta:
        model = NotablePractice
        fields = []
