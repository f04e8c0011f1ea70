"""The API's views: read-only, anonymous, each list one optimised queryset built on the public
``published()`` QuerySets and paginated by cursor.

Queries per list page (whatever its size): the page itself, plus one per ``prefetch_related``
named in its ``get_queryset`` (and, for recommendations, the filter's five option lists, as on
/recommendations/).
"""

from django.db.models import Case, Exists, IntegerField, OuterRef, Prefetch, Subquery, Value, When
from django.http import Http404
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from drf_spectacular.views import SpectacularAPIView
from rest_framework import viewsets
from rest_framework.decorators import action, api_view
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.reverse import reverse

from common import clock, public_cache
from findings.models import (
    Judgement,
    NotablePractice,
    Paragraph,
    ProgressLevel,
    key_findings,
    published_recommendations,
    with_latest_judgement,
)
from public.api import filters, serializers
from public.pages import ListWindow, list_layout, public_establishments
from recommendations.models import (
    Action,
    ActionPlan,
    Inspection,
    InspectionKind,
    Inspectorate,
    Recommendation,
)

# Ids are digits only (up to 18, below the database's largest): anything else is a 404, not a 500.
ID_PATTERN = r"[0-9]{1,18}"
SLUG_PATTERN = r"[-a-zA-Z0-9_]{1,100}"


def id_parameter(what):
    return OpenApiParameter("id", int, OpenApiParameter.PATH, description=f"The {what}'s id.")


def slug_parameter(what):
    return OpenApiParameter("slug", str, OpenApiParameter.PATH, description=f"The {what}'s slug.")


@extend_schema(
    tags=["overview"],
    summary="The API's resources",
    description=_("Links to each collection, the schema and the documentation."),
    responses={200: {"type": "object", "additionalProperties": {"type": "string", "format": "uri"}}},
)
@api_view(["GET"])
def root(request):
    filters.refuse_unknown(request, ())

    def link(name):
        return reverse(f"api:{name}", request=request)

    return Response(
        {
            "establishments": link("establishment-list"),
            "inspections": link("inspection-list"),
            "recommendations": link("recommendation-list"),
            "judgements": link("judgement-list"),
            "paragraphs": link("paragraph-list"),
            "notable_practice": link("notable-practice-list"),
            "scales": link("scale-list"),
            "schema": link("schema"),
            "docs": link("docs"),
            "licence": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
        }
    )


class PublicViewSet(viewsets.ReadOnlyModelViewSet):
    """Read-only, with the date that decides what is published fixed once per request. A query
    parameter the endpoint does not know is a 400; every list says how many results it has."""

    filter_backends = [filters.PublicFilterBackend]
    lookup_value_regex = ID_PATTERN
    filterset = None

    @cached_property
    def today(self):
        return clock.today()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        filters.refuse_unknown(request, self.allowed_parameters())

    def allowed_parameters(self):
        if self.action != "list":
            return ()
        filterset_class = getattr(self, "filterset_class", None)
        names = list(filterset_class.base_filters) if filterset_class and self.filter_backends else []
        return [*names, *filters.PAGINATION_PARAMETERS]

    def list_total(self, queryset):
        """How many results the filters in force match: counted once, then read from the cache
        while the public data stays the same (as the site's list does)."""
        key = self.filterset.in_force_key() if self.filterset is not None else ""
        return public_cache.remember(self.today, f"api-total:{self.basename}:{key}", queryset.order_by().count)


@extend_schema_view(
    list=extend_schema(summary="Establishments", description=_("Every establishment with a published inspection.")),
    retrieve=extend_schema(summary="An establishment", parameters=[slug_parameter("establishment")]),
)
class EstablishmentViewSet(PublicViewSet):
    serializer_class = serializers.EstablishmentSerializer
    filterset_class = filters.EstablishmentFilter
    lookup_field = "slug"
    lookup_value_regex = SLUG_PATTERN

    def get_queryset(self):
        # One query per page.
        return public_establishments(self.today)


@extend_schema_view(
    list=extend_schema(
        summary="Inspections and reviews",
        description=_("Published full inspections and independent reviews of progress (`kind=irp`)."),
    ),
    retrieve=extend_schema(
        summary="An inspection or review, with its key findings", parameters=[id_parameter("inspection")]
    ),
)
class InspectionViewSet(PublicViewSet):
    filterset_class = filters.InspectionFilter

    def get_serializer_class(self):
        if self.action == "retrieve":
            return serializers.InspectionDetailSerializer
        return serializers.InspectionSerializer

    def get_queryset(self):
        # One query per page.
        return published_inspections(self.today)

    def retrieve(self, request, *args, **kwargs):
        inspection = self.get_object()
        # Two more: the scales' levels and the judgements counted per level.
        inspection.key_findings = key_findings(inspection) if inspection.is_review else []
        return Response(self.get_serializer(inspection).data)

    @extend_schema(
        summary="The published action plan",
        description=(
            _(
                "The prison's response to each recommendation made at this inspection (for a review, at the "
                "inspection it follows up) and its actions with their progress notes: the prison's own account, "
                "not the inspectorate's judgement. 404 until the prison publishes it."
            )
        ),
        parameters=[id_parameter("inspection")],
        responses=serializers.ActionPlanSerializer,
        filters=False,
    )
    @action(detail=True, url_path="action-plan", url_name="action-plan", filter_backends=[], pagination_class=None)
    def action_plan(self, request, pk=None):
        inspection = self.get_object()
        if not inspection.action_plan_public:
            raise Http404("This inspection has no published action plan.")
        # Two more queries: the plan (the inspection's own, else the one of the inspection a review
        # follows up), its recommendations with their responses; then the actions and their notes.
        plan = (
            ActionPlan.objects.published(self.today)
            .filter(inspection_id__in=[inspection.pk, inspection.follows_up_id])
            .select_related("inspection__establishment")
            .annotate(
                own=Case(
                    When(inspection_id=inspection.pk, then=Value(0)), default=Value(1), output_field=IntegerField()
                )
            )
            .order_by("own")
            .first()
        )
        planned = plan.inspection_id
        plan.planned = list(
            Recommendation.objects.filter(inspection_id=planned)
            .select_related("response")
            .prefetch_related(
                Prefetch("actions", queryset=Action.objects.order_by("created_at", "pk").prefetch_related("notes"))
            )
            .order_by("position", "pk")
        )
        return Response(serializers.ActionPlanSerializer(plan, context=self.get_serializer_context()).data)


def published_inspections(today):
    """Published inspections and reviews, each with whether the inspection a review follows up is
    public and whether the action plan answering its recommendations is published: one query."""
    published = Inspection.objects.published(today)
    plan = ActionPlan.objects.published(today)
    return published.select_related("establishment").annotate(
        follows_up_public=Exists(published.filter(pk=OuterRef("follows_up_id"))),
        action_plan_public=Exists(plan.filter(inspection_id=OuterRef("pk")))
        | Exists(plan.filter(inspection_id=OuterRef("follows_up_id"), inspection__kind=InspectionKind.FULL)),
    )


@extend_schema_view(
    list=extend_schema(
        summary="Recommendations and themes",
        description=(
            _(
                "Every published recommendation and Ofsted theme with its latest published judgement, with the "
                "same filters and search as the site's /recommendations/ page."
            )
        ),
    ),
    retrieve=extend_schema(summary="A recommendation or theme", parameters=[id_parameter("recommendation")]),
)
class RecommendationViewSet(PublicViewSet):
    filterset_class = filters.ApiRecommendationFilter

    def get_serializer_class(self):
        if self.action == "retrieve":
            return serializers.RecommendationDetailSerializer
        return serializers.RecommendationSerializer

    def get_queryset(self):
        # One query per page (the filter's option lists add five, as on /recommendations/).
        public = published_recommendations(self.today)
        return (
            with_latest_judgement(public, self.today)
            .select_related("inspection__establishment", "inspectorate")
            .annotate(repeats_public=Exists(public.filter(pk=OuterRef("repeats_id"))))
        )

    def list_total(self, queryset):
        # The list's layout, shared with /recommendations/ (the same filters, the same cache).
        key = self.filterset.in_force_key() if self.filterset is not None else ""
        return ListWindow(list_layout(queryset, self.today, key), queryset).total

    def retrieve(self, request, *args, **kwargs):
        recommendation = self.get_object()
        # One more: the public recommendations that repeat it.
        recommendation.later = list(
            published_recommendations(self.today)
            .filter(repeats=recommendation)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        return Response(self.get_serializer(recommendation).data)


@extend_schema_view(
    list=extend_schema(
        summary="Judgements",
        description=_("Published judgements of progress, each with its level, scale and evidence paragraphs."),
    ),
    retrieve=extend_schema(summary="A judgement with its evidence", parameters=[id_parameter("judgement")]),
)
class JudgementViewSet(PublicViewSet):
    serializer_class = serializers.JudgementSerializer
    filterset_class = filters.JudgementFilter

    def get_queryset(self):
        # Two queries per page: the judgements, and their evidence paragraphs.
        top = ProgressLevel.objects.filter(inspectorate=OuterRef("recommendation__inspectorate")).order_by("-rank")
        return (
            Judgement.objects.published(self.today)
            .select_related("review__establishment", "recommendation__inspectorate", "level")
            .prefetch_related(Prefetch("evidence", queryset=Paragraph.objects.order_by("section", "index")))
            .annotate(top_rank=Subquery(top.values("rank")[:1]))
        )


@extend_schema_view(
    list=extend_schema(summary="Report paragraphs", description=_("The numbered paragraphs of published reports.")),
    retrieve=extend_schema(summary="A paragraph", parameters=[id_parameter("paragraph")]),
)
class ParagraphViewSet(PublicViewSet):
    serializer_class = serializers.ParagraphSerializer
    filterset_class = filters.ParagraphFilter

    def get_queryset(self):
        # One query per page.
        return Paragraph.objects.published(self.today).select_related("inspection__establishment")


@extend_schema_view(
    list=extend_schema(
        summary="Notable positive practice", description=_("What published reviews found worth copying.")
    ),
    retrieve=extend_schema(summary="One notable practice", parameters=[id_parameter("notable practice")]),
)
class NotablePracticeViewSet(PublicViewSet):
    serializer_class = serializers.NotablePracticeSerializer
    filterset_class = filters.NotablePracticeFilter

    def get_queryset(self):
        # One query per page.
        return NotablePractice.objects.filter(
            paragraph__inspection__in=Inspection.objects.published(self.today)
        ).select_related("paragraph__inspection__establishment")


@extend_schema_view(
    list=extend_schema(
        summary="Progress scales",
        description=_("Each inspectorate's progress scale: its levels, lowest first, with the report's definitions."),
    ),
    retrieve=extend_schema(summary="One inspectorate's scale", parameters=[slug_parameter("inspectorate")]),
)
class ScaleViewSet(PublicViewSet):
    serializer_class = serializers.ScaleSerializer
    lookup_field = "slug"
    lookup_value_regex = SLUG_PATTERN
    filter_backends = []

    def get_queryset(self):
        # Two queries per page: the inspectorates with a scale, and their levels.
        return Inspectorate.objects.filter(
            Exists(ProgressLevel.objects.filter(inspectorate=OuterRef("pk")))
        ).prefetch_related(Prefetch("levels", queryset=ProgressLevel.objects.order_by("rank")))


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema (YAML, or JSON with ``Accept: application/json`` or ``?format=json``).
    Like every endpoint it refuses a parameter it does not take, with the one error body, as JSON
    whatever format was asked for."""

    SCHEMA_PARAMETERS = ("format", "lang")

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        filters.refuse_unknown(request, self.SCHEMA_PARAMETERS)

    def handle_exception(self, exc):
        if isinstance(exc, ValidationError):
            self.request.accepted_renderer = JSONRenderer()
            self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)
