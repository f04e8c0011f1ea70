"""The public site: what was recommended, what each review found, for anyone to read.

Each view reads its page through one function of ``public.pages`` (a fixed number of
queries) and builds only on published reviews, so a draft or an embargoed review never shows.
"""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotModified
from django.shortcuts import render
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache

from common import clock
from common.downloads import MonthDate, download_name, download_response
from findings.models import ProgressLevel, ReportSource, published_recommendations
from public import dictionary
from public import pages as public
from public.cache import cached_public_page
from public.filters import PublicListFilter, RecommendationFilter, Sort
from public.follow import establishment_feeds, home_feeds
from public.repeats import repeat_chain
from recommendations.models import EstablishmentType, Inspection, Recommendation, RecommendationKind
from recommendations.roles import is_inspector

RECOMMENDATIONS_PER_PAGE = 25
# The download's columns (public/dictionary.py names, types and explains each).
CSV_COLUMNS = dictionary.names(dictionary.RECOMMENDATIONS)


@cached_public_page
def home(request):
    latest, totals = public.home_page(clock.today())
    context = {"latest_reviews": latest, "totals": totals, "feeds": home_feeds()}
    return render(request, "public/home.html", context)


@cached_public_page
def establishment_list(request):
    establishments = public.establishment_list_page(clock.today())
    return render(request, "public/establishment_list.html", {"establishments": establishments})


@cached_public_page
def establishment_detail(request, slug):
    page = public.establishment_page(clock.today(), slug)
    context = {"page": page, "establishment": page.establishment, "feeds": establishment_feeds(page.establishment)}
    return render(request, "public/establishment_detail.html", context)


@cached_public_page
def review_detail(request, slug, review):
    """A review's page, or (the same address scheme) a full inspection's."""
    today = clock.today()
    reviews = public.review_queryset(today, public=True)
    try:
        page = public.review_page(reviews, establishment__slug=slug, slug=review)
    except Http404:
        return full_inspection_detail(request, today, establishment__slug=slug, slug=review)
    healthy = public.healthy_prison_history(page.review, Inspection.objects.published(today), page.summary)
    return render(request, "public/review_detail.html", {"page": page, "review": page.review, "healthy": healthy})


def full_inspection_detail(request, today, **lookup):
    page = public.full_inspection_page(public.full_inspection_queryset(today), today, **lookup)
    return render(request, "public/full_inspection_detail.html", {"page": page, "inspection": page.inspection})


def _source_response(source):
    """The kept report file, shown in the browser (a PDF viewer, or text) under its own name."""
    try:
        handle = source.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404("The report file is not available.") from None
    content_type = "text/plain; charset=utf-8" if source.media_type == ReportSource.TEXT else source.media_type
    response = FileResponse(handle, content_type=content_type, filename=source.original_name)
    response["ETag"] = f'"{source.sha256}"'
    # Asked again each time, so that a review taken down stops serving its file at once.
    response["Cache-Control"] = "no-cache"
    return response


def review_source(request, slug, review):
    """The report as published: the file the review was imported from, for anyone who may read
    the review (``ReportSource.objects.published``: never a draft's or an embargoed review's)."""
    source = (
        ReportSource.objects.published(clock.today())
        .filter(inspection__establishment__slug=slug, inspection__slug=review)
        .latest_first()
        .first()
    )
    if source is None:
        raise Http404("No published report file.")
    if request.headers.get("If-None-Match") == f'"{source.sha256}"':
        response = HttpResponseNotModified()
        response["ETag"] = f'"{source.sha256}"'
        return response
    return _source_response(source)


@never_cache
def review_preview_source(request, pk):
    """The report file of a review, draft or not, for inspectors previewing it."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not is_inspector(request.user):
        raise PermissionDenied(gettext("Only inspectors can preview a review."))
    if pk > 2**63 - 1:  # no such id in any database (and no query that would overflow)
        raise Http404("This review has no report file.")
    source = ReportSource.objects.filter(inspection_id=pk).latest_first().first()
    if source is None:
        raise Http404("This review has no report file.")
    response = _source_response(source)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
def review_preview(request, pk):
    """A review, draft or not, exactly as the public page will show it, for inspectors only."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not is_inspector(request.user):
        raise PermissionDenied(gettext("Only inspectors can preview a review."))
    page = public.review_page(public.review_queryset(public=False), pk=pk)
    healthy = public.healthy_prison_history(page.review, Inspection.objects.all(), page.summary)
    # The breadcrumb links to the establishment's page only if the public can open it: the
    # preview of a new prison's first draft must not lead to a 404.
    establishment_public = public.public_establishments(clock.today()).filter(pk=page.review.establishment_id).exists()
    response = render(
        request,
        "public/review_detail.html",
        {
            "page": page,
            "review": page.review,
            "healthy": healthy,
            "preview": True,
            "establishment_public": establishment_public,
        },
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _filtered(request, today):
    filterset = PublicListFilter(request.GET or None, queryset=published_recommendations(today), today=today)
    # The filters in force (valid ones only, as the list applies them) and the order name the
    # list's layout, counted on the filtered recommendations alone; the rows of a page are
    # read with their judgement and establishment joined in.
    sort = filterset.sort_order()
    layout = public.list_layout(filterset.qs, today, filterset.in_force_key(), sort)
    rows = public.recommendations_for_public_list(today, filterset.qs, sort)
    return filterset, public.ListWindow(layout, rows, by_judgement=sort == Sort.JUDGEMENT)


def list_params():
    """The query parameters the recommendation list reads: its filters, its order and the page number."""
    return {*PublicListFilter.base_filters, "page"}


@cached_public_page(params=list_params)
def recommendation_list(request):
    today = clock.today()
    filterset, recommendations = _filtered(request, today)
    # The paginator reads the total from the list's cached layout, and the page's rows from
    # the one or two inspections the page falls in: no COUNT, no skipping over earlier rows.
    paginator = Paginator(recommendations, RECOMMENDATIONS_PER_PAGE)
    # A page that is not a number shows the first page; one past the end shows the last.
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    invalid = filterset.is_bound and not filterset.is_valid()
    context = {
        "filterset": filterset,
        "form": filterset.form,
        "page_obj": page,
        "paginator": paginator,
        "active_filters": [(label, value, _query_without(request, name)) for name, label, value in filterset.active()],
        "query_string": _query_without(request, "page"),
        "csv_query": _query_without(request, "page"),
    }
    return render(request, "public/recommendation_list.html", context, status=400 if invalid else 200)


def recommendation_download(request, fmt):
    """The filtered list as CSV (streamed: rows are read a few inspections at a time and written
    as they come, so the download starts at once and memory stays flat) or as XLSX (typed cells),
    named after the filters in force and the day."""
    today = clock.today()
    filterset, recommendations = _filtered(request, today)
    if filterset.is_bound and not filterset.is_valid():
        problems = " ".join(error for errors in filterset.errors.values() for error in errors)
        return HttpResponse(
            gettext("The download could not be made: %(problems)s") % {"problems": problems} + "\n",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    reviews = {review.pk: review for review in Inspection.objects.published(today).reviews()}
    site = request.build_absolute_uri("/")[:-1]

    def rows():
        for recommendation in recommendations.chunks():
            review = reviews.get(recommendation.latest_review_id)
            inspection = recommendation.inspection
            yield [
                inspection.establishment.name,
                review.name if review else "",
                recommendation.inspectorate.short_name,
                recommendation.kind,
                recommendation.area,
                recommendation.reference if recommendation.kind != RecommendationKind.THEME else "",
                recommendation.text,
                recommendation.latest_label or "",
                recommendation.theme_number,
                recommendation.concern,
                inspection.year,
                publication_date(review),
                site + recommendation.get_absolute_url(),
                "yes" if recommendation.priority else "no",
                "yes" if recommendation.latest_label else "no",
                recommendation.follow_up,
            ]

    name = download_name("recommendations", filterset.in_force_values(), today)
    return download_response(
        fmt, name, dictionary.columns(dictionary.RECOMMENDATIONS), rows(), sheet_title="Recommendations", stream=True
    )


def publication_date(review):
    """A review's publication date for a download: a date, a month, or None."""
    if review is None or not review.published_on:
        return None
    return MonthDate(review.published_on.replace(day=1)) if review.published_month_only else review.published_on


@cached_public_page
def recommendation_detail(request, pk):
    today = clock.today()
    page = public.recommendation_page(today, pk)
    context = {
        "page": page,
        "recommendation": page.recommendation,
        "today": today,
        "chain": repeat_chain(today, page.recommendation),
    }
    return render(request, "public/recommendation_detail.html", context)


def _query_without(request, *names):
    """The current query string without ``names`` (and without the page number, which a changed
    filter makes meaningless)."""
    query = request.GET.copy()
    for name in (*names, "page"):
        query.pop(name, None)
    return query.urlencode()


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def bad_request(request, exception):
    return render(request, "400.html", status=400)


@cached_public_page
def data_dictionary(request):
    """Every column of every public download beside the API field holding the same thing, with
    its meaning and values, and the lists of values the filters and the API accept."""
    today = clock.today()
    levels = ProgressLevel.objects.select_related("inspectorate").order_by("inspectorate_id", "rank")
    scales = {}
    for level in levels:
        scales.setdefault(level.inspectorate, []).append(level)
    choices = RecommendationFilter(None, queryset=Recommendation.objects.none(), today=today).filters
    context = {
        "downloads": [
            {
                "id": "recommendations",
                "title": gettext("Recommendations"),
                # File names are machine names: placeholders, so no translation changes them.
                "files": gettext("%(csv)s and %(xlsx)s, from the list of recommendations")
                % {"csv": "recommendations-….csv", "xlsx": ".xlsx"},
                "api": "/api/v1/recommendations/",
                "fields": dictionary.RECOMMENDATIONS,
            },
            {
                "id": "progress-by-area",
                "title": gettext("Progress by area, by type of establishment, by year"),
                "files": gettext("%(areas)s, %(types)s, %(years)s (and %(xlsx)s), from the comparison")
                % {
                    "areas": "progress-by-area-….csv",
                    "types": "progress-by-type-…",
                    "years": "progress-by-year-…",
                    "xlsx": ".xlsx",
                },
                "api": "/api/v1/judgements/",
                "fields": dictionary.COMPARE["areas"],
                "alternatives": [dictionary.COMPARE["types"][0], dictionary.COMPARE["years"][0]],
            },
            {
                "id": "area",
                "title": gettext("One area, establishment by establishment"),
                "files": gettext("%(csv)s and %(xlsx)s, from an area's page")
                % {"csv": "progress-<area>-….csv", "xlsx": ".xlsx"},
                "api": "/api/v1/recommendations/?area=<slug>",
                "fields": dictionary.AREA,
            },
        ],
        "scales": scales.items(),
        "inspectorates": [inspectorate for inspectorate in scales],
        "types": EstablishmentType.choices,
        "areas": choices["area"].extra["choices"],
        "today": today,
    }
    return render(request, "public/data_dictionary.html", context)
