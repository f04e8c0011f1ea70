"""The public site: what was recommended, what each review found, for anyone to read.

Each view reads its page through one function of ``public.pages`` (a fixed number of
queries) and builds only on published reviews, so a draft or an embargoed review never shows.
"""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from common import clock
from common.downloads import csv_response
from public import pages as public
from public.cache import cached_public_page
from public.filters import RecommendationFilter
from public.repeats import repeat_chain
from recommendations.models import Inspection, RecommendationKind
from recommendations.roles import is_inspector

RECOMMENDATIONS_PER_PAGE = 25
CSV_COLUMNS = [
    "establishment",
    "review",
    "inspectorate",
    "kind",
    "area",
    "reference",
    "recommendation",
    "judgement",
    "theme_number",
    "concern",
    "inspected",
    "review_published_on",
    "url",
]


@cached_public_page
def home(request):
    latest, totals = public.home_page(clock.today())
    return render(request, "public/home.html", {"latest_reviews": latest, "totals": totals})


@cached_public_page
def establishment_list(request):
    establishments = public.establishment_list_page(clock.today())
    return render(request, "public/establishment_list.html", {"establishments": establishments})


@cached_public_page
def establishment_detail(request, slug):
    page = public.establishment_page(clock.today(), slug)
    return render(request, "public/establishment_detail.html", {"page": page, "establishment": page.establishment})


@cached_public_page
def review_detail(request, slug, review):
    today = clock.today()
    reviews = public.review_queryset(today, public=True)
    page = public.review_page(reviews, establishment__slug=slug, slug=review)
    healthy = public.healthy_prison_history(page.review, Inspection.objects.published(today), page.summary)
    return render(request, "public/review_detail.html", {"page": page, "review": page.review, "healthy": healthy})


@never_cache
def review_preview(request, pk):
    """A review, draft or not, exactly as the public page will show it, for inspectors only."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not is_inspector(request.user):
        raise PermissionDenied("Only inspectors can preview a review.")
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
    filterset = RecommendationFilter(
        request.GET or None, queryset=public.recommendations_for_public_list(today), today=today
    )
    # The filters in force (valid ones only, as the list applies them) name the list's layout.
    layout = public.list_layout(filterset.qs, today, filterset.in_force_key())
    return filterset, public.ListWindow(layout, filterset.qs)


def list_params():
    """The query parameters the recommendation list reads: its filters and the page number."""
    return {*RecommendationFilter.base_filters, "page"}


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


def recommendation_csv(request):
    """The filtered list as CSV, streamed: rows are read a few inspections at a time and
    written as they come, so the download starts at once and memory stays flat."""
    today = clock.today()
    filterset, recommendations = _filtered(request, today)
    if filterset.is_bound and not filterset.is_valid():
        problems = " ".join(error for errors in filterset.errors.values() for error in errors)
        return HttpResponse(
            f"The download could not be made: {problems}\n", status=400, content_type="text/plain; charset=utf-8"
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
                recommendation.reference if recommendation.kind == RecommendationKind.RECOMMENDATION else "",
                recommendation.text,
                recommendation.latest_label or "",
                recommendation.theme_number or "",
                recommendation.concern,
                inspection.year or "",
                review.publication_date_iso if review else "",
                site + recommendation.get_absolute_url(),
            ]

    return csv_response("recommendations.csv", CSV_COLUMNS, rows(), stream=True)


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
