"""The public recommendation list's filters and search (django-filter).

Every option offered comes from published data only, so a draft review's establishment, area
or year never appears in a drop-down; an unknown value is a form error, never a 500.
"""

from urllib.parse import urlencode

import django_filters
from django import forms
from django.db import connection, models
from django.db.models import Exists, OuterRef
from django.db.models.expressions import RawSQL
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from common import public_cache
from findings.models import Judgement, ProgressLevel, matching, published_recommendations, with_current_level
from public.dictionary import area_slug
from recommendations.models import Establishment, Inspection, Inspectorate, Recommendation

SEARCH_MAX_LENGTH = 200


class GovukSelect(forms.Select):
    """A drop-down written in Python: the HTML Django's templates write, option for option, at
    a fraction of their cost (rendering the list's 190 options through a template each was over
    half of an uncached list request at national size)."""

    def render(self, name, value, attrs=None, renderer=None):
        final = {"name": name, **self.build_attrs(self.attrs, attrs)}
        chosen = self.format_value(value)
        selected = chosen[0] if chosen else None
        options = []
        for option, label in self.choices:
            is_selected = selected is not None and str(option) == selected
            if is_selected:
                selected = None  # as Django's Select: only the first match is selected
            options.append(
                format_html('<option value="{}"{}>{}</option>', option, " selected" if is_selected else "", label)
            )
        return format_html("<select{}>\n  {}\n\n</select>", attributes(final), mark_safe("\n\n  ".join(options)))


def attributes(attrs):
    """HTML attributes in their given order (True: the bare name; False or None: left out)."""
    return mark_safe(
        "".join(
            format_html(" {}", key) if value is True else format_html(' {}="{}"', key, value)
            for key, value in attrs.items()
            if value is not False and value is not None
        )
    )


SELECT = GovukSelect(attrs={"class": "govuk-select"})


class RecommendationFilter(django_filters.FilterSet):
    """Filters of /recommendations/ and /recommendations.csv, with the words searched."""

    q = django_filters.CharFilter(
        label=gettext_lazy("Search"),
        method="search",
        max_length=SEARCH_MAX_LENGTH,
        help_text=gettext_lazy("Words in the recommendation, the concern or the evidence"),
        widget=forms.TextInput(attrs={"class": "govuk-input", "type": "search"}),
    )
    establishment = django_filters.ChoiceFilter(
        label=gettext_lazy("Establishment"),
        field_name="inspection__establishment__slug",
        empty_label=gettext_lazy("All establishments"),
        widget=SELECT,
    )
    inspectorate = django_filters.ChoiceFilter(
        label=gettext_lazy("Inspectorate"),
        field_name="inspectorate__slug",
        empty_label=gettext_lazy("All inspectorates"),
        widget=SELECT,
    )
    area = django_filters.ChoiceFilter(
        label=gettext_lazy("Area"), method="filter_area", empty_label=gettext_lazy("All areas"), widget=SELECT
    )
    judgement = django_filters.ChoiceFilter(
        label=gettext_lazy("Latest judgement"),
        method="filter_judgement",
        empty_label=gettext_lazy("Any judgement"),
        widget=SELECT,
    )
    year = django_filters.ChoiceFilter(
        label=gettext_lazy("Year inspected"), method="filter_year", empty_label=gettext_lazy("Any year"), widget=SELECT
    )
    followed_up = django_filters.ChoiceFilter(
        label=gettext_lazy("Followed up by a review"),
        method="filter_followed_up",
        choices=[("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No"))],
        empty_label=gettext_lazy("Either"),
        help_text=gettext_lazy(
            "Yes: judged at a published review. No: made at a full inspection and not (yet) followed up."
        ),
        widget=SELECT,
    )

    class Meta:
        model = Recommendation
        fields = []

    # The order a download's file name gives the filters in force.
    NAMED_IN_FILE = ("establishment", "inspectorate", "area", "judgement", "year", "followed_up", "q")
    # A yes-or-no filter is named by what it keeps, not by "yes" or "no".
    WORDS_IN_FILE = {"followed_up": {"yes": "followed-up", "no": "not-followed-up"}}

    def __init__(self, data=None, queryset=None, *, today, **kwargs):
        choices = public_cache.remember(today, "recommendation-filter-choices:2", lambda: filter_choices(today))
        self.area_labels = choices["area_labels"]
        super().__init__(area_by_slug(data, choices["area"]), queryset, **kwargs)
        self.today = today
        for name in ("establishment", "inspectorate", "area", "judgement", "year"):
            self.filters[name].extra["choices"] = choices[name]

    def in_force_key(self):
        return in_force_key(self)

    def search(self, queryset, name, value):
        return matching(queryset, value, self.today)

    def in_force_values(self):
        """The values of the filters in force (valid ones only), in the order a file name gives them."""
        if not self.is_bound:
            return []
        self.form.is_valid()
        cleaned = self.form.cleaned_data
        return [
            self.WORDS_IN_FILE.get(name, {}).get(cleaned[name], cleaned[name])
            for name in self.NAMED_IN_FILE
            if cleaned.get(name) not in (None, "")
        ]

    def filter_area(self, queryset, name, value):
        return queryset.filter(area__in=self.area_labels.get(value, [value]))

    def filter_year(self, queryset, name, value):
        return queryset.filter(inspection__year=int(value))

    def filter_judgement(self, queryset, name, value):
        # Through the current judgements' index, so the list's layout is counted without
        # joining every recommendation to its judgement.
        return queryset.filter(with_current_level(value, self.today))

    def filter_followed_up(self, queryset, name, value: str):
        # Followed up: a published review judged it (the same rule as the list's latest judgement).
        judged = Exists(Judgement.objects.published(self.today).filter(recommendation=OuterRef("pk")))
        return queryset.filter(judged if value == "yes" else ~judged)

    def active(self):
        """The filters in force, each as (parameter, label, shown value), for "remove" links.

        Read after validation; a value the form refused is not in force and not shown.
        """
        if not self.is_bound:
            return []
        self.form.is_valid()
        cleaned = self.form.cleaned_data
        shown = []
        for name, value in cleaned.items():
            if value in (None, ""):
                continue
            field = self.form.fields[name]
            label = dict(field.choices).get(value, value) if hasattr(field, "choices") else value
            shown.append((name, field.label, label))
        return shown


class Sort(models.TextChoices):
    """The orders of the public list; the first is the default."""

    ESTABLISHMENT = "establishment", gettext_lazy("Establishment, A to Z")
    DATE = "date", gettext_lazy("Newest inspection first")
    JUDGEMENT = "judgement", gettext_lazy("Worst judgement first")


class PublicListFilter(RecommendationFilter):
    """/recommendations/: the filters and search, and the order of the list (validated like
    every filter: an unknown order is a 400 that says so)."""

    sort = django_filters.ChoiceFilter(
        label=gettext_lazy("Sort by"),
        method="keep_order",
        choices=Sort.choices,
        empty_label=None,
        null_label=None,
        widget=SELECT,
    )

    def keep_order(self, queryset, name, value):
        # The order is the list's layout's (public.pages.list_layout), not the queryset's.
        return queryset

    def sort_order(self):
        """The order chosen, or the default when none is (or the form refused it)."""
        if self.is_bound and self.form.is_valid():
            return self.form.cleaned_data.get("sort") or Sort.ESTABLISHMENT
        return Sort.ESTABLISHMENT

    def in_force_key(self):
        key = super().in_force_key()
        # The default order, given or not, is the same list.
        return "&".join(part for part in key.split("&") if part and part != f"sort={Sort.ESTABLISHMENT}")

    def active(self):
        # The order is not a filter: it is shown in its drop-down, not as a "remove" link.
        return [entry for entry in super().active() if entry[0] != "sort"]


def filter_choices(today):
    """Each drop-down's options, from published data only: five queries, each a probe per
    value it could offer (the list caches them while the public data stays the same)."""
    public = published_recommendations(today)
    establishments = public_establishments_with_recommendations(public).order_by("name").values_list("slug", "name")
    inspectorates = Inspectorate.objects.filter(Exists(public.filter(inspectorate=OuterRef("pk")))).values_list(
        "slug", "short_name"
    )
    labels = {}
    for area in public_areas(today):
        labels.setdefault(area_slug(area), []).append(area)
    years = public_years(today)
    return {
        "establishment": list(establishments),
        "inspectorate": list(inspectorates),
        "area": [(slug, names[0]) for slug, names in sorted(labels.items(), key=lambda item: item[1][0].lower())],
        "area_labels": labels,
        "judgement": judgement_choices(),
        "year": [(str(year), str(year)) for year in years],
    }


def in_force_key(filterset):
    """The filters in force (valid ones only, as ``qs`` applies them), as a stable text."""
    if not filterset.is_bound:
        return ""
    filterset.form.is_valid()
    return urlencode(sorted((k, str(v)) for k, v in filterset.form.cleaned_data.items() if v not in (None, "")))


def area_by_slug(data, areas):
    """The query with an area given by its label ("Use of force", as links made before slugs
    did) turned into its slug (use-of-force): the old links keep working, and the filter, the
    list's links and the download's name all use the slug."""
    if not data or not data.get("area"):
        return data
    value = data.get("area")
    slugs = {slug for slug, _ in areas}
    if value in slugs:
        return data
    by_label = {label.casefold(): slug for slug, label in areas}
    slug = by_label.get(value.casefold()) or (area_slug(value) if area_slug(value) in slugs else None)
    if slug is None:
        return data
    data = data.copy()
    data["area"] = slug
    return data


def public_areas(today):
    """Every area with at least one public recommendation, A to Z: one query, a probe per area.

    The candidates are the distinct areas of all recommendations, read from the area's index
    one value at a time (``one_of_each``: a few dozen index lookups, not the table's 70,000
    rows); each is kept only if a public recommendation (``published_recommendations``, the one
    rule) is in it, an ``EXISTS`` that stops at the first one found through the same index."""
    public = published_recommendations(today)
    return list(
        Recommendation.objects.filter(pk__in=one_of_each(Recommendation, "area"))
        .filter(Exists(public.filter(area=OuterRef("area"))))
        .order_by("area")
        .values_list("area", flat=True)
    )


def public_years(today):
    """Every year with at least one public recommendation, newest first: one query, a probe per
    year of the inspections (as ``public_areas``)."""
    public = published_recommendations(today)
    return list(
        Inspection.objects.filter(pk__in=one_of_each(Inspection, "year"))
        .filter(Exists(public.filter(inspection__year=OuterRef("year"))))
        .order_by("-year")
        .values_list("year", flat=True)
    )


def one_of_each(model, field):
    """SQL for the primary keys of one row per distinct non-null value of ``field``, read from
    the field's index by a loose index scan (a recursive query asking for the next value above the
    last one found): as many index lookups as there are values, whatever the table's size. The
    same SQL on PostgreSQL and SQLite. Says nothing of what is public: callers filter by that."""
    table = connection.ops.quote_name(model._meta.db_table)
    column = connection.ops.quote_name(model._meta.get_field(field).column)
    pk = connection.ops.quote_name(model._meta.pk.column)
    return RawSQL(
        f"WITH RECURSIVE candidate(value) AS ("
        f" SELECT MIN({column}) FROM {table}"
        f" UNION ALL"
        f" SELECT (SELECT MIN(t.{column}) FROM {table} t WHERE t.{column} > candidate.value)"
        f" FROM candidate WHERE candidate.value IS NOT NULL"
        f") SELECT (SELECT t.{pk} FROM {table} t WHERE t.{column} = candidate.value LIMIT 1)"
        f" FROM candidate WHERE candidate.value IS NOT NULL",
        (),
    )


def public_establishments_with_recommendations(public):
    """Establishments with at least one public recommendation: one EXISTS probe each."""
    return Establishment.objects.filter(Exists(public.filter(inspection__establishment=OuterRef("pk"))))


def judgement_choices():
    """Level labels across every scale, each once, lowest first: "No meaningful progress",
    "Insufficient progress", … One query."""
    seen = {}
    levels = ProgressLevel.objects.order_by("rank", "inspectorate_id")
    for level in levels:
        seen.setdefault(level.slug, level.label)
    return list(seen.items())
