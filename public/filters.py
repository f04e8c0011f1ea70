"""The public recommendation list's filters and search (django-filter).

Every option offered comes from published data only, so a draft review's establishment, area
or year never appears in a drop-down; an unknown value is a form error, never a 500.
"""

from urllib.parse import urlencode

import django_filters
from django import forms
from django.contrib.postgres.search import SearchQuery
from django.db import connections
from django.db.models import Exists, OuterRef, Q
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from common import public_cache
from findings.models import Judgement, ProgressLevel, published_recommendations
from recommendations.models import SEARCH_CONFIG, Establishment, Inspectorate, Recommendation

SEARCH_MAX_LENGTH = 200


def search_recommendations(queryset, words, today):
    """Recommendations whose text, concern or published evidence contain ``words``.

    PostgreSQL: full-text search (stemmed, so "cameras" finds "camera") over the stored
    ``search_document`` columns through their GIN indexes; nothing is converted at query time.
    SQLite: every word must appear (case-insensitively) in the text, the concern or an
    evidence paragraph.
    """
    words = (words or "").strip()
    if not words:
        return queryset
    # Evidence is searched through its judgement, public by ``Judgement.objects.published``: the
    # judgement's (recommendation, public_from) index, then its paragraphs.
    published = Judgement.objects.published(today).filter(recommendation=OuterRef("pk"))
    if connections[queryset.db].vendor == "postgresql":
        query = SearchQuery(words, config=SEARCH_CONFIG, search_type="websearch")
        # The text through its GIN index; the evidence as a semi-join PostgreSQL can run either
        # way: from the GIN index of every matching paragraph when counting the whole list,
        # or probing a page's few recommendations' evidence by index.
        in_evidence = published.filter(evidence__search_document=query)
        return queryset.filter(Q(search_document=query) | Exists(in_evidence))
    for word in words.split():
        in_evidence = published.filter(evidence__text__icontains=word)
        queryset = queryset.filter(Q(text__icontains=word) | Q(concern__icontains=word) | Exists(in_evidence))
    return queryset


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
        label="Search",
        method="search",
        max_length=SEARCH_MAX_LENGTH,
        help_text="Words in the recommendation, the concern or the evidence",
        widget=forms.TextInput(attrs={"class": "govuk-input", "type": "search"}),
    )
    establishment = django_filters.ChoiceFilter(
        label="Establishment",
        field_name="inspection__establishment__slug",
        empty_label="All establishments",
        widget=SELECT,
    )
    inspectorate = django_filters.ChoiceFilter(
        label="Inspectorate",
        field_name="inspectorate__slug",
        empty_label="All inspectorates",
        widget=SELECT,
    )
    area = django_filters.ChoiceFilter(label="Area", field_name="area", empty_label="All areas", widget=SELECT)
    judgement = django_filters.ChoiceFilter(
        label="Latest judgement",
        field_name="latest_slug",
        empty_label="Any judgement",
        widget=SELECT,
    )
    year = django_filters.ChoiceFilter(
        label="Year inspected", method="filter_year", empty_label="Any year", widget=SELECT
    )

    class Meta:
        model = Recommendation
        fields = []

    def __init__(self, data=None, queryset=None, *, today, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.today = today
        choices = public_cache.remember(today, "recommendation-filter-choices", lambda: filter_choices(today))
        for name, options in choices.items():
            self.filters[name].extra["choices"] = options

    def in_force_key(self):
        """The filters in force (valid ones only, as ``qs`` applies them), as a stable text."""
        if not self.is_bound:
            return ""
        self.form.is_valid()
        return urlencode(sorted((k, str(v)) for k, v in self.form.cleaned_data.items() if v not in (None, "")))

    def search(self, queryset, name, value):
        return search_recommendations(queryset, value, self.today)

    def filter_year(self, queryset, name, value):
        return queryset.filter(inspection__year=int(value))

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


def filter_choices(today):
    """Each drop-down's options, from published data only: five queries, each over the few
    distinct values it offers (the list caches them while the public data stays the same)."""
    public = published_recommendations(today)
    establishments = public_establishments_with_recommendations(public).order_by("name").values_list("slug", "name")
    inspectorates = Inspectorate.objects.filter(Exists(public.filter(inspectorate=OuterRef("pk")))).values_list(
        "slug", "short_name"
    )
    areas = public.order_by("area").values_list("area", flat=True).distinct()
    years = (
        public.filter(inspection__year__isnull=False)
        .order_by("-inspection__year")
        .values_list("inspection__year", flat=True)
        .distinct()
    )
    return {
        "establishment": list(establishments),
        "inspectorate": list(inspectorates),
        "area": [(area, area) for area in areas],
        "judgement": judgement_choices(),
        "year": [(str(year), str(year)) for year in years],
    }


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
