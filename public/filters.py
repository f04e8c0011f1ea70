"""The public recommendation list's filters and search (django-filter).

Every option offered comes from published data only, so a draft review's establishment, area
or year never appears in a drop-down; an unknown value is a form error, never a 500.
"""

import django_filters
from django import forms
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connections
from django.db.models import Exists, OuterRef, Q

from findings.models import Paragraph, ProgressLevel, published_recommendations
from recommendations.models import Inspection, Inspectorate, Recommendation

SEARCH_MAX_LENGTH = 200
SEARCH_CONFIG = "english"


def recommendation_document():
    """The words of a recommendation the search reads. The GIN index of recommendations
    migration 0003 is built on exactly this expression, so PostgreSQL can use it."""
    return SearchVector("text", "concern", config=SEARCH_CONFIG)


def evidence_document():
    """Evidence paragraph text; indexed by findings migration 0004."""
    return SearchVector("text", config=SEARCH_CONFIG)


def search_recommendations(queryset, words, today):
    """Recommendations whose text, concern or published evidence contain ``words``.

    PostgreSQL: full-text search (stemmed, so "cameras" finds "camera"). SQLite: every word
    must appear (case-insensitively) in the text, the concern or an evidence paragraph.
    """
    words = (words or "").strip()
    if not words:
        return queryset
    published_evidence = Paragraph.objects.filter(judgement__review__in=Inspection.objects.published(today))
    if connections[queryset.db].vendor == "postgresql":
        query = SearchQuery(words, config=SEARCH_CONFIG, search_type="websearch")
        # Two id sets, each of which can be found through its GIN index.
        in_text = Recommendation.objects.annotate(document=recommendation_document()).filter(document=query)
        in_evidence = published_evidence.annotate(document=evidence_document()).filter(document=query)
        return queryset.filter(
            Q(pk__in=in_text.values("pk")) | Q(pk__in=in_evidence.values("judgement__recommendation_id"))
        )
    for word in words.split():
        in_evidence = published_evidence.filter(judgement__recommendation=OuterRef("pk"), text__icontains=word)
        queryset = queryset.filter(Q(text__icontains=word) | Q(concern__icontains=word) | Exists(in_evidence))
    return queryset


SELECT = forms.Select(attrs={"class": "govuk-select"})


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
        public = published_recommendations(today)
        # Five small queries, one per drop-down, each over published data only.
        establishments = (
            public.order_by("inspection__establishment__name")
            .values_list("inspection__establishment__slug", "inspection__establishment__name")
            .distinct()
        )
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
        self.filters["establishment"].extra["choices"] = list(establishments)
        self.filters["inspectorate"].extra["choices"] = list(inspectorates)
        self.filters["area"].extra["choices"] = [(area, area) for area in areas]
        self.filters["judgement"].extra["choices"] = judgement_choices()
        self.filters["year"].extra["choices"] = [(str(year), str(year)) for year in years]

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


def judgement_choices():
    """Level labels across every scale, each once, lowest first: "No meaningful progress",
    "Insufficient progress", … One query."""
    seen = {}
    levels = ProgressLevel.objects.order_by("rank", "inspectorate_id")
    for level in levels:
        seen.setdefault(level.slug, level.label)
    return list(seen.items())
