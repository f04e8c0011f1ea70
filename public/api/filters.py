"""The API's filters (django-filter). Recommendations reuse the public list's
``RecommendationFilter`` (the same filters, search and published-only options as
/recommendations/), with the inspection and review they belong to added.

A value a filter refuses (an unknown choice, a number out of range, words too long) is a 400
with a sentence per parameter; an id too large for the database is refused the same way, never
a 500. A parameter no filter knows is refused too (``refuse_unknown``): ``?is_open=true`` must
not silently return everything; so is a parameter given twice.

Establishments, inspectorates, levels and areas are choices from published data (read from the
cache while it stays the same); areas are given by slug (use-of-force), as everywhere on the site,
and a label ("Use of force", as before slugs) is still accepted.
"""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy
from django_filters import utils
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError

from common import public_cache
from findings.models import Judgement, NotablePractice, Paragraph, ParagraphPart, published_recommendations
from public.dictionary import area_slug
from public.filters import RecommendationFilter, area_by_slug, in_force_key, judgement_choices
from public.pages import public_establishments
from recommendations.models import Establishment, EstablishmentType, Inspection, InspectionKind, Inspectorate

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


PAGINATION_PARAMETERS = ("cursor", "page_size")


def refuse_unknown(request, allowed):
    """A 400 naming each query parameter the endpoint does not know, or that is given more than
    once (the API's one error body). A filter given twice would otherwise keep one of its values
    silently (``?judgement=a&judgement=b`` is not "a or b")."""
    unknown = sorted(set(request.query_params) - set(allowed))
    errors = {}
    if unknown:
        known = ", ".join(sorted(allowed)) or "none"
        errors = {name[:50]: [f"This endpoint has no parameter of that name. It takes: {known}."] for name in unknown}
    for name in sorted(set(request.query_params) - set(unknown)):
        if len(request.query_params.getlist(name)) > 1:
            errors[name[:50]] = ["Give this parameter once: each takes one value."]
    if errors:
        raise ValidationError(errors)


class PublicFilterBackend(DjangoFilterBackend):
    """Hands the one date that decides what is published to every FilterSet, and keeps the
    FilterSet on the view (its filters in force name the list's cached total)."""

    def get_filterset_kwargs(self, request, queryset, view):
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        kwargs["today"] = view.today
        return kwargs

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            raise utils.translate_validation(filterset.errors)
        view.filterset = filterset
        return filterset.qs


def api_choices(today, names=("establishment", "inspectorate", "level", "area")):
    """The values the API's filters accept, from published data: one small query for each of
    ``names``, each kept in the cache while the public data stays the same. (Recommendations use
    the list's own options.)"""

    def areas():
        labels = {}
        for area in published_recommendations(today).order_by("area").values_list("area", flat=True).distinct():
            labels.setdefault(area_slug(area), []).append(area)
        return labels

    compute = {
        "establishment": lambda: list(public_establishments(today).order_by("name").values_list("slug", "name")),
        "inspectorate": lambda: list(
            Inspectorate.objects.filter(levels__isnull=False)
            .distinct()
            .order_by("pk")
            .values_list("slug", "short_name")
        ),
        "level": judgement_choices,
        "area": areas,
    }
    choices = {name: public_cache.remember(today, f"api-choices:{name}", compute[name]) for name in names}
    if "area" in choices:
        labels = choices["area"]
        choices["area_labels"] = labels
        choices["area"] = [(slug, names[0]) for slug, names in sorted(labels.items(), key=lambda i: i[1][0].lower())]
    return choices


class DatedFilterSet(django_filters.FilterSet):
    # Filters whose options come from published data (``api_choices``).
    CHOICES = ()

    def __init__(self, data=None, queryset=None, *, today, **kwargs):
        choices = api_choices(today, {source for _, source in self.CHOICES}) if self.CHOICES else {}
        if "area" in self.CHOICES:
            data = area_by_slug(data, choices["area"])
        super().__init__(data, queryset, **kwargs)
        self.today = today
        self.area_labels = choices.get("area_labels", {})
        for name, source in self.CHOICES:
            self.filters[name].extra["choices"] = choices[source]

    def in_force_key(self):
        return in_force_key(self)


class EstablishmentFilter(DatedFilterSet):
    type = django_filters.ChoiceFilter(
        choices=EstablishmentType.choices, help_text=gettext_lazy("The kind of establishment.")
    )

    class Meta:
        model = Establishment
        fields = []


class InspectionFilter(DatedFilterSet):
    CHOICES = (("establishment", "establishment"),)

    establishment = django_filters.ChoiceFilter(
        field_name="establishment__slug", help_text=gettext_lazy("An establishment's slug, e.g. belmarsh.")
    )
    kind = django_filters.ChoiceFilter(
        choices=InspectionKind.choices,
        help_text=gettext_lazy("`full` inspections or independent reviews of progress (`irp`)."),
    )
    year = IntegerFilter(
        field_name="year", min_value=1900, max_value=2999, help_text=gettext_lazy("The year of the visit.")
    )

    class Meta:
        model = Inspection
        fields = []


class ApiRecommendationFilter(RecommendationFilter):
    """/recommendations/'s filters and search, plus the inspection that made a recommendation
    and the review that judged it."""

    inspection = IdFilter(field_name="inspection_id", help_text=gettext_lazy("The id of the inspection that made it."))
    review = IdFilter(method="filter_review", help_text=gettext_lazy("The id of a published review that judged it."))

    def filter_year(self, queryset, name, value: str):
        # The same filter; the type hint tells the schema the year is sent as text ("2021").
        return super().filter_year(queryset, name, value)

    def filter_judgement(self, queryset, name, value: str):
        # The same filter; the type hint tells the schema a judgement is sent as its level's slug.
        return super().filter_judgement(queryset, name, value)

    def filter_review(self, queryset, name, value):
        judged = Judgement.objects.published(self.today).filter(review_id=value)
        return queryset.filter(pk__in=judged.values("recommendation_id"))


class JudgementFilter(DatedFilterSet):
    CHOICES = (
        ("establishment", "establishment"),
        ("inspectorate", "inspectorate"),
        ("level", "level"),
        ("area", "area"),
    )

    review = IdFilter(field_name="review_id", help_text=gettext_lazy("The id of the review."))
    recommendation = IdFilter(field_name="recommendation_id", help_text=gettext_lazy("The id of the recommendation."))
    establishment = django_filters.ChoiceFilter(
        field_name="review__establishment__slug", help_text=gettext_lazy("An establishment's slug.")
    )
    inspectorate = django_filters.ChoiceFilter(
        field_name="recommendation__inspectorate__slug", help_text=gettext_lazy("An inspectorate's slug.")
    )
    level = django_filters.ChoiceFilter(
        field_name="level__slug", help_text=gettext_lazy("A level's slug, e.g. reasonable-progress.")
    )
    area = django_filters.ChoiceFilter(
        method="filter_area",
        help_text=gettext_lazy("An area's slug, e.g. use-of-force (its label, as before slugs, is still accepted)."),
    )

    class Meta:
        model = Judgement
        fields = []

    def filter_area(self, queryset, name, value: str):
        # The type hint tells the schema the area is text (a slug).
        return queryset.filter(recommendation__area__in=self.area_labels.get(value, [value]))


class ParagraphFilter(DatedFilterSet):
    inspection = IdFilter(field_name="inspection_id", help_text=gettext_lazy("The id of the review (or inspection)."))
    judgement = IdFilter(
        field_name="judgement_id", help_text=gettext_lazy("The id of the judgement it is evidence for.")
    )
    part = django_filters.ChoiceFilter(choices=ParagraphPart.choices, help_text=gettext_lazy("The part of the report."))

    class Meta:
        model = Paragraph
        fields = []


class NotablePracticeFilter(DatedFilterSet):
    CHOICES = (("establishment", "establishment"),)

    review = IdFilter(field_name="paragraph__inspection_id", help_text=gettext_lazy("The id of the review."))
    establishment = django_filters.ChoiceFilter(
        field_name="paragraph__inspection__establishment__slug", help_text=gettext_lazy("An establishment's slug.")
    )

    class Meta:
        model = NotablePractice
        fields = []
