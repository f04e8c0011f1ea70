"""The national picture: progress by area, by establishment type and by year across every
establishment, and one page per area listing establishments worst first.

Counts are always derived from the published judgements (``Judgement.objects.published``),
never stored; by default they cover each establishment's latest published review (a year filter
covers every review of that year instead). Each page is a fixed number of queries whatever the
data size, and every table has a CSV of the same numbers (``common.downloads``).
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

import django_filters
from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy

from common import clock, public_cache
from common.downloads import download_name, download_response
from findings.models import (
    WORST_FIRST,
    Judgement,
    ProgressLevel,
    published_recommendations,
    with_latest_judgement,
    worst_first,
)
from public import dictionary
from public.cache import cached_public_page
from public.dictionary import area_slug
from public.filters import public_areas
from public.follow import area_feeds
from public.pages import Totals
from recommendations.models import EstablishmentType, Inspection, Inspectorate, Recommendation, RecommendationKind

TABLES = {
    "areas": ("recommendation__area", gettext_lazy("Area")),
    "types": ("review__establishment__type", gettext_lazy("Establishment type")),
    "years": ("review__year", gettext_lazy("Year of review")),
}
# The same groups for the recommendations a review did not follow up (counted apart from the
# judgements: nobody judged them): the row of the review that left them out.
NOT_FOLLOWED_UP_COLUMNS = {
    "areas": "area",
    "types": "inspection__establishment__type",
    "years": "inspection__reviews__year",
}


def latest_reviews(today):
    """Each establishment's latest published review."""
    published = Inspection.objects.published(today).reviews()
    newest = (
        published.filter(establishment=OuterRef("establishment"))
        .order_by(F("published_on").desc(nulls_last=True), F("visit_start").desc(nulls_last=True), "-pk")
        .values("pk")[:1]
    )
    return published.filter(pk=Subquery(newest))


class CompareFilter(django_filters.FilterSet):
    """The comparison's filters, offered as links; an unknown value is a 400 with a sentence."""

    inspectorate = django_filters.ChoiceFilter(
        field_name="recommendation__inspectorate__slug", label=gettext_lazy("Inspectorate")
    )
    type = django_filters.ChoiceFilter(
        field_name="review__establishment__type", label=gettext_lazy("Establishment type")
    )
    year = django_filters.ChoiceFilter(field_name="review__year", label=gettext_lazy("Year of review"))

    class Meta:
        model = Judgement
        fields = []

    def __init__(self, data=None, queryset=None, *, today, **kwargs):
        super().__init__(data, queryset, **kwargs)
        choices = compare_choices(today)
        for name in ("inspectorate", "type", "year"):
            self.filters[name].extra["choices"] = choices[name]

    def chosen(self, name):
        if not self.is_bound or not self.is_valid():
            return ""
        return self.form.cleaned_data.get(name) or ""


def compare_choices(today):
    """The options the comparison offers: only inspectorates, establishment types and years that
    have a published judgement to count (an option with no data would lead to an empty page).
    Two small queries over distinct values, kept in the cache while the public data stays the same."""

    def compute():
        judged = Judgement.objects.published(today).filter(level__isnull=False).order_by()
        inspectorates = judged.values_list(
            "recommendation__inspectorate_id",
            "recommendation__inspectorate__slug",
            "recommendation__inspectorate__short_name",
        ).distinct()
        groups = set(judged.values_list("review__establishment__type", "review__year").distinct())
        years = sorted({year for _, year in groups if year}, reverse=True)
        return {
            "inspectorate": [(slug, name) for _, slug, name in sorted(inspectorates)],
            "type": [(value, label) for value, label in EstablishmentType.choices if value in {t for t, _ in groups}],
            "year": [(str(year), str(year)) for year in years],
        }

    return public_cache.remember(today, "compare-filter-choices", compute)


@dataclass
class Row:
    key: object
    label: str
    counts: list  # one per level of the scale, lowest first
    repeats: int = 0
    link: str = ""
    levels: list = field(default_factory=list)  # the scale's levels, one per count
    not_followed_up: int = 0  # made at the inspection the reviews follow up, not judged: not in the total

    @property
    def total(self):
        return sum(self.counts)

    @property
    def cells(self):
        """Each level with its count, for a table that names every count's level (stacked on a phone)."""
        return list(zip(self.levels, self.counts, strict=True))


@dataclass
class Table:
    """One breakdown (by area, type or year) on one inspectorate's scale."""

    inspectorate: Inspectorate
    levels: list
    rows: list = field(default_factory=list)

    @property
    def top_rank(self):
        return max(level.rank for level in self.levels)

    @property
    def repeats(self):
        return sum(row.repeats for row in self.rows)

    @property
    def not_followed_up(self):
        return sum(row.not_followed_up for row in self.rows)


def _scales(inspectorate_slug=""):
    """One query: every level of every scale (or the one chosen), grouped by inspectorate."""
    levels = ProgressLevel.objects.select_related("inspectorate").order_by("inspectorate_id", "rank")
    if inspectorate_slug:
        levels = levels.filter(inspectorate__slug=inspectorate_slug)
    scales = {}
    for level in levels:
        scales.setdefault(level.inspectorate, []).append(level)
    return scales


def _row_label(table, key):
    if table == "types":
        return EstablishmentType(key).label if key in EstablishmentType.values else str(key)
    if key is None:
        return gettext("Not known")
    return str(key)


def _not_followed_up(table, judgements, inspectorate_slug=""):
    """One query: per row and inspectorate, the recommendations (and key concerns) made at the
    full inspections the counted reviews follow up that none of those reviews judged."""
    reviews = judgements.values("review_id")
    column = NOT_FOLLOWED_UP_COLUMNS[table]
    judged = Judgement.objects.filter(recommendation=OuterRef("pk"), review__in=reviews)
    left_out = (
        Recommendation.objects.filter(inspection__reviews__in=reviews)
        .exclude(kind=RecommendationKind.THEME)
        .exclude(Exists(judged))
    )
    if inspectorate_slug:
        left_out = left_out.filter(inspectorate__slug=inspectorate_slug)
    return {
        (row["inspectorate_id"], row[column]): row["n"]
        for row in left_out.values("inspectorate_id", column).annotate(n=Count("pk", distinct=True)).order_by()
    }


def _breakdown(table, judgements, scales, today, query="", inspectorate_slug=""):
    """Two queries: the judgements counted per row and level, with how many repeat an earlier
    recommendation (one made at a published inspection); and, apart, the recommendations the
    reviews did not follow up."""
    column, _ = TABLES[table]
    repeated = Q(recommendation__repeats__inspection__in=Inspection.objects.published(today))
    counted = (
        judgements.values(column, "level_id")
        .annotate(n=Count("pk"), repeats=Count("pk", filter=repeated))
        .order_by(column, "level_id")
    )
    position = {
        level.pk: (inspectorate, i) for inspectorate, levels in scales.items() for i, level in enumerate(levels)
    }
    tables = {inspectorate: Table(inspectorate, levels) for inspectorate, levels in scales.items()}
    rows = {}

    def row_for(inspectorate, key):
        row = rows.get((inspectorate, key))
        if row is None:
            row = Row(key, _row_label(table, key), [0] * len(scales[inspectorate]), levels=scales[inspectorate])
            if table == "areas":
                row.link = reverse("public:compare-area", kwargs={"slug": area_slug(key)}) + query
            rows[(inspectorate, key)] = row
            tables[inspectorate].rows.append(row)
        return row

    for entry in counted:
        where = position.get(entry["level_id"])
        if where is None:
            continue
        inspectorate, index = where
        row = row_for(inspectorate, entry[column])
        row.counts[index] += entry["n"]
        row.repeats += entry["repeats"]
    by_pk = {inspectorate.pk: inspectorate for inspectorate in scales}
    for (inspectorate_pk, key), n in _not_followed_up(table, judgements, inspectorate_slug).items():
        inspectorate = by_pk.get(inspectorate_pk)
        if inspectorate is None:
            continue
        row_for(inspectorate, key).not_followed_up += n
    ordered = []
    for inspectorate_table in tables.values():
        if not inspectorate_table.rows:
            continue
        if table == "years":
            inspectorate_table.rows.sort(key=lambda row: -(row.key or 0))
        else:
            inspectorate_table.rows.sort(key=lambda row: row.label.lower())
        ordered.append(inspectorate_table)
    return ordered


def _totals(tables):
    return [
        Totals(
            table.inspectorate,
            [(level, sum(row.counts[i] for row in table.rows)) for i, level in enumerate(table.levels)],
            table.top_rank,
        )
        for table in tables
    ]


@dataclass
class ComparePage:
    filterset: CompareFilter
    by_area: list
    by_type: list
    by_year: list
    totals: list


def compare_page(today, data):
    """Ten queries whatever the data size: the filter's two option lists, the scales, and the
    counts by area, by establishment type and by year, each with the recommendations the reviews
    did not follow up counted apart. (The latest-review rule is a subquery.)"""
    published = Judgement.objects.published(today).filter(level__isnull=False)
    filterset = CompareFilter(data or None, queryset=published, today=today)
    if filterset.is_bound and not filterset.is_valid():
        return ComparePage(filterset, [], [], [], [])
    judgements = filterset.qs
    slug = filterset.chosen("inspectorate")

    def compute():
        chosen = judgements if filterset.chosen("year") else judgements.filter(review__in=latest_reviews(today))
        scales = _scales(slug)
        query = _carried_query(filterset)
        return (
            _breakdown("areas", chosen, scales, today, query, slug),
            _breakdown("types", chosen, scales, today, inspectorate_slug=slug),
            _breakdown("years", judgements, scales, today, inspectorate_slug=slug),
        )

    # Counting every published judgement three ways is the costly part (0.5 s at national
    # size): kept while the public data stays the same, like the home page's totals.
    chosen_filters = urlencode(sorted((name, filterset.chosen(name)) for name in ("inspectorate", "type", "year")))
    by_area, by_type, by_year = public_cache.remember(today, f"compare:{chosen_filters}", compute)
    return ComparePage(filterset, by_area, by_type, by_year, _totals(by_area))


def _carried_query(filterset):
    """The type filter, carried from the comparison to an area's page (which lists each
    recommendation's latest judgement, whatever its year)."""
    carried = {"type": filterset.chosen("type")} if filterset.chosen("type") else {}
    return "?" + urlencode(carried) if carried else ""


def _filter_links(request, filterset):
    """Each filter as a list of links: "All" and each option, the chosen one marked current."""
    groups = []
    for name in ("inspectorate", "type", "year"):
        field = filterset.form.fields[name]
        chosen = filterset.chosen(name)
        options = [("", gettext("All"))] + [(value, label) for value, label in field.choices if value != ""]
        links = []
        for value, label in options:
            query = request.GET.copy()
            query.pop(name, None)
            if value:
                query[name] = value
            links.append({"label": label, "url": "?" + query.urlencode() if query else "?", "current": value == chosen})
        groups.append({"name": name, "label": field.label, "links": links})
    return groups


@cached_public_page(params=lambda: CompareFilter.base_filters)
def compare(request):
    today = clock.today()
    page = compare_page(today, request.GET)
    invalid = page.filterset.is_bound and not page.filterset.is_valid()
    context = {
        "page": page,
        "filter_groups": _filter_links(request, page.filterset),
        "errors": [error for errors in page.filterset.errors.values() for error in errors] if invalid else [],
        "csv_query": request.GET.urlencode(),
        "latest_only": not page.filterset.chosen("year"),
        "filter_in_force": sum(1 for name in ("inspectorate", "type", "year") if page.filterset.chosen(name)),
    }
    return render(request, "public/compare.html", context, status=400 if invalid else 200)


def compare_download(request, table, fmt):
    """The numbers of one table of /compare/, one row per group, inspectorate and level, as CSV
    or XLSX, named after the table, the filters in force and the day."""
    if table not in TABLES:
        raise Http404("No such table.")
    today = clock.today()
    page = compare_page(today, request.GET)
    if page.filterset.is_bound and not page.filterset.is_valid():
        return _refused(page.filterset)
    tables = {"areas": page.by_area, "types": page.by_type, "years": page.by_year}[table]
    _, heading = TABLES[table]

    def rows():
        for scale in tables:
            for row in scale.rows:
                for level, count in zip(scale.levels, row.counts, strict=True):
                    group = row.key if table == "years" and row.key is not None else row.label
                    yield [
                        group,
                        scale.inspectorate.short_name,
                        level.label,
                        level.rank,
                        count,
                        row.repeats,
                        row.not_followed_up,
                    ]

    chosen = [page.filterset.chosen(name) for name in ("inspectorate", "type", "year")]
    name = download_name(f"progress-by-{table[:-1]}", chosen, today)
    fields = dictionary.COMPARE[table]
    return download_response(
        fmt,
        name,
        dictionary.columns(fields),
        rows(),
        sheet_title=gettext("Progress by %(heading)s") % {"heading": str(heading).lower()},
    )


def _refused(filterset):
    problems = " ".join(error for errors in filterset.errors.values() for error in errors)
    return HttpResponse(
        gettext("The download could not be made: %(problems)s") % {"problems": problems} + "\n",
        status=400,
        content_type="text/plain; charset=utf-8",
    )


# --- One area -----------------------------------------------------------------------------


AREA_ROWS_PER_PAGE = 50


@dataclass
class AreaPage:
    area: str
    slug: str
    rows: list  # recommendations with their latest judgement, worst first (the page's, when paged)
    totals: list
    type_label: str = ""
    page_obj: object = None  # the page of rows shown (None for the download: every row)


class AreaRows:
    """An area's judged recommendations as a paginator reads them: their number from the counts
    by level (no COUNT query), a page's rows by one query of that page alone."""

    def __init__(self, queryset, total):
        self.queryset = queryset
        self.total = total

    def count(self):
        return self.total

    def __len__(self):
        return self.total

    def __getitem__(self, index):
        return self.queryset[index]


def area_page(today, slug, establishment_type="", page_number=None):
    """The area's judged recommendations, worst first, with their latest judgement, and the
    counts by level. Paged (``page_number``, a page of ``AREA_ROWS_PER_PAGE``; a number that is
    not a page shows the first or the last): the public areas (to find the one named, cached),
    the counts by level, the page's rows, their reviews, and the scales. Whole
    (``page_number=None``, the download): the areas, every row, their reviews and the scales.
    One more query in either case only where some row repeats another recommendation."""
    # Every public area (a probe per area, public_areas), kept while the public data stays the same.
    areas = public_cache.remember(today, "compare:areas", lambda: public_areas(today))
    area = next((name for name in areas if area_slug(name) == slug), None)
    if area is None:
        raise Http404("No published recommendation is in that area.")
    public = published_recommendations(today)
    judged = with_latest_judgement(public.filter(area=area), today).filter(latest_rank__isnull=False)
    if establishment_type:
        judged = judged.filter(inspection__establishment__type=establishment_type)
    # Of the recommendation it repeats, only the inspection is read (is it public?): its id
    # alone, not the whole row joined in before the sort.
    recommendations = worst_first(
        judged.select_related("inspection__establishment", "inspectorate").annotate(
            repeats_inspection_id=F("repeats__inspection_id")
        )
    ).order_by(*WORST_FIRST, "inspection__establishment__name", "pk")
    page_obj = None
    if page_number is None:
        rows = list(recommendations)
        counts = {}
        for row in rows:
            counts[row.latest_level_id] = counts.get(row.latest_level_id, 0) + 1
    else:
        # The counts by level change only with the public data: kept while it stays the same.
        counts = public_cache.remember(
            today,
            f"compare:area-counts:{area}:{establishment_type}",
            lambda: dict(judged.order_by().values_list("latest_level_id").annotate(n=Count("pk"))),
        )
        paginator = Paginator(AreaRows(recommendations, sum(counts.values())), AREA_ROWS_PER_PAGE)
        page_obj = paginator.get_page(page_number)
        rows = page_obj.object_list = list(page_obj.object_list)
    reviews = {}
    if rows:
        reviews = {
            review.pk: review
            for review in Inspection.objects.filter(pk__in={row.latest_review_id for row in rows}).select_related(
                "establishment"
            )
        }
    public_inspections = {row.repeats_inspection_id for row in rows if row.repeats_id}
    visible = set()
    if public_inspections:  # one more query, only where some recommendation repeats another
        visible = set(
            Inspection.objects.published(today).filter(pk__in=public_inspections).values_list("pk", flat=True)
        )
    for row in rows:
        row.latest_review = reviews.get(row.latest_review_id)
        row.repeats_public = bool(row.repeats_id and row.repeats_inspection_id in visible)
    scales = _scales()
    totals = [
        Totals(inspectorate, [(level, counts.get(level.pk, 0)) for level in levels], levels[-1].rank)
        for inspectorate, levels in scales.items()
        if any(counts.get(level.pk) for level in levels)
    ]
    return AreaPage(area, slug, rows, totals, page_obj=page_obj)


TYPE_REFUSED = gettext_lazy("Choose an establishment type from the list: %(typed)s is not one.")


def _establishment_type(request):
    """The ``type`` filter of an area's page: (value, error sentence or None)."""
    value = request.GET.get("type", "")
    if value and value not in EstablishmentType.values:
        return "", TYPE_REFUSED % {"typed": value[:50]}
    return value, None


@cached_public_page(params=("type", "page"))
def compare_area(request, slug):
    establishment_type, error = _establishment_type(request)
    today = clock.today()
    page = area_page(today, slug, establishment_type, page_number=request.GET.get("page") or 1)
    page.type_label = EstablishmentType(establishment_type).label if establishment_type else ""
    type_links = [{"label": gettext("All"), "url": "?", "current": not establishment_type}] + [
        {"label": label, "url": "?" + urlencode({"type": value}), "current": value == establishment_type}
        for value, label in compare_choices(today)["type"]
    ]
    context = {
        "page": page,
        "feeds": area_feeds(page.slug, page.area),
        "errors": [error] if error else [],
        "type_links": type_links,
        # The download is the whole table (every page) with the filters in force.
        "csv_query": _without_page(request),
        "query_string": _without_page(request),
    }
    return render(request, "public/compare_area.html", context, status=400 if error else 200)


def _without_page(request):
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


AREA_CSV_COLUMNS = dictionary.names(dictionary.AREA)


def compare_area_download(request, slug, fmt):
    establishment_type, error = _establishment_type(request)
    if error:
        return HttpResponse(
            gettext("The download could not be made: %(problems)s") % {"problems": error} + "\n",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    today = clock.today()
    page = area_page(today, slug, establishment_type)

    def rows():
        for row in page.rows:
            yield [
                row.inspection.establishment.name,
                row.inspection.establishment.get_type_display(),
                row.inspectorate.short_name,
                row.label,
                row.text,
                row.latest_label,
                row.latest_rank,
                row.top_rank,
                request.build_absolute_uri(row.latest_review.get_absolute_url()) if row.latest_review else "",
                "yes" if row.repeats_public else "",
                request.build_absolute_uri(row.get_absolute_url()),
            ]

    name = download_name(f"progress-{page.slug}", [establishment_type], today)
    return download_response(fmt, name, dictionary.columns(dictionary.AREA), rows(), sheet_title=page.area)
