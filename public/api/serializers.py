"""What each resource of the API says. Links between resources are absolute URLs (``url`` is a
resource's own); ``web_url`` is the page a person reads. Every field comes from the row and what
its view joined in (``select_related``, ``prefetch_related``, annotations), so a page of results
costs the same number of queries whatever its size.
"""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from findings.models import FollowUp, Judgement, NotablePractice, Paragraph, ProgressLevel, Standing, standing
from recommendations.models import (
    Action,
    ActionPlan,
    Establishment,
    Inspection,
    Inspectorate,
    ProgressNote,
    Recommendation,
    Response,
)


def absolute(request, path):
    return request.build_absolute_uri(path) if request is not None else path


def api_url(request, name, **kwargs):
    return absolute(request, reverse(f"api:{name}", kwargs=kwargs))


def api_list_url(request, name, **query):
    return absolute(request, reverse(f"api:{name}") + "?" + urlencode(query))


# --- Scales -----------------------------------------------------------------------------


class LevelSerializer(serializers.ModelSerializer):
    standing = serializers.SerializerMethodField(help_text=gettext_lazy("Where the level sits on its own scale."))

    class Meta:
        model = ProgressLevel
        fields = ["slug", "label", "rank", "definition", "standing"]

    @extend_schema_field(serializers.ChoiceField(choices=Standing.choices))
    def get_standing(self, level):
        return standing(level.rank, self.context["top_ranks"].get(level.inspectorate_id))


class ScaleSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:scale-detail", lookup_field="slug")
    levels = serializers.SerializerMethodField(help_text=gettext_lazy("The scale's levels, lowest rank first."))

    class Meta:
        model = Inspectorate
        fields = ["url", "slug", "name", "short_name", "levels"]

    @extend_schema_field(LevelSerializer(many=True))
    def get_levels(self, inspectorate):
        levels = list(inspectorate.levels.all())
        top = {inspectorate.pk: max((level.rank for level in levels), default=None)}
        return LevelSerializer(levels, many=True, context={**self.context, "top_ranks": top}).data


# --- Establishments -----------------------------------------------------------------------


class EstablishmentSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:establishment-detail", lookup_field="slug")
    type_label = serializers.CharField(source="get_type_display", read_only=True)
    web_url = serializers.SerializerMethodField(help_text=gettext_lazy("The establishment's page on the site."))
    inspections = serializers.SerializerMethodField(help_text=gettext_lazy("Its published inspections and reviews."))
    recommendations = serializers.SerializerMethodField(help_text=gettext_lazy("Its published recommendations."))
    reviews_feed = serializers.SerializerMethodField(
        help_text=gettext_lazy("Atom feed of its newly published reviews.")
    )
    action_plan_feed = serializers.SerializerMethodField(
        help_text=gettext_lazy("Atom feed of changes to its action plans.")
    )

    class Meta:
        model = Establishment
        fields = [
            "url",
            "id",
            "slug",
            "name",
            "type",
            "type_label",
            "description",
            "web_url",
            "inspections",
            "recommendations",
            "reviews_feed",
            "action_plan_feed",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_web_url(self, establishment):
        return absolute(self.context.get("request"), establishment.get_absolute_url())

    @extend_schema_field(OpenApiTypes.URI)
    def get_inspections(self, establishment):
        return api_list_url(self.context.get("request"), "inspection-list", establishment=establishment.slug)

    @extend_schema_field(OpenApiTypes.URI)
    def get_recommendations(self, establishment):
        return api_list_url(self.context.get("request"), "recommendation-list", establishment=establishment.slug)

    @extend_schema_field(OpenApiTypes.URI)
    def get_reviews_feed(self, establishment):
        path = reverse("public:establishment-reviews-feed", kwargs={"slug": establishment.slug})
        return absolute(self.context.get("request"), path)

    @extend_schema_field(OpenApiTypes.URI)
    def get_action_plan_feed(self, establishment):
        path = reverse("public:establishment-action-plan-feed", kwargs={"slug": establishment.slug})
        return absolute(self.context.get("request"), path)


# --- Inspections and reviews ---------------------------------------------------------------


class LevelCountSerializer(serializers.Serializer):
    slug = serializers.CharField()
    label = serializers.CharField()
    rank = serializers.IntegerField()
    count = serializers.IntegerField(help_text=gettext_lazy("Judgements at this level at the review."))


class KeyFindingSerializer(serializers.Serializer):
    inspectorate = serializers.CharField(help_text=gettext_lazy("The inspectorate's slug."))
    scale = serializers.URLField()
    total = serializers.IntegerField()
    levels = LevelCountSerializer(many=True)


class InspectionSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:inspection-detail")
    establishment = serializers.HyperlinkedRelatedField(
        view_name="api:establishment-detail", lookup_field="slug", read_only=True
    )
    establishment_name = serializers.CharField(source="establishment.name", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    publication_date = serializers.CharField(
        source="publication_date_display",
        read_only=True,
        help_text=gettext_lazy("As precisely as the report gives it."),
    )
    follows_up = serializers.SerializerMethodField(
        help_text=gettext_lazy("For a review: the inspection it follows up.")
    )
    web_url = serializers.SerializerMethodField(help_text=gettext_lazy("The review's page on the site (reviews only)."))
    recommendations = serializers.SerializerMethodField(
        help_text=gettext_lazy("Recommendations made at this inspection, or judged at this review.")
    )
    judgements = serializers.SerializerMethodField(help_text=gettext_lazy("The review's judgements (reviews only)."))
    paragraphs = serializers.SerializerMethodField(help_text=gettext_lazy("The report's numbered paragraphs."))
    action_plan = serializers.SerializerMethodField(
        help_text=gettext_lazy(
            "The prison's published action plan answering the recommendations (for a review, those of "
            "the inspection it follows up); null until the prison publishes it."
        )
    )

    class Meta:
        model = Inspection
        fields = [
            "url",
            "id",
            "establishment",
            "establishment_name",
            "kind",
            "kind_label",
            "slug",
            "title",
            "year",
            "visit_start",
            "visit_end",
            "visit_period",
            "published_on",
            "publication_date",
            "population",
            "summary_signed_by",
            "follows_up",
            "web_url",
            "recommendations",
            "judgements",
            "paragraphs",
            "action_plan",
        ]

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_follows_up(self, inspection):
        if inspection.follows_up_id and inspection.follows_up_public:
            return api_url(self.context.get("request"), "inspection-detail", pk=inspection.follows_up_id)
        return None

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_web_url(self, inspection):
        if not inspection.is_review:
            return None
        return absolute(self.context.get("request"), inspection.get_absolute_url())

    @extend_schema_field(OpenApiTypes.URI)
    def get_recommendations(self, inspection):
        key = "review" if inspection.is_review else "inspection"
        return api_list_url(self.context.get("request"), "recommendation-list", **{key: inspection.pk})

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_judgements(self, inspection):
        if not inspection.is_review:
            return None
        return api_list_url(self.context.get("request"), "judgement-list", review=inspection.pk)

    @extend_schema_field(OpenApiTypes.URI)
    def get_paragraphs(self, inspection):
        return api_list_url(self.context.get("request"), "paragraph-list", inspection=inspection.pk)

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_action_plan(self, inspection):
        if inspection.action_plan_public:
            return api_url(self.context.get("request"), "inspection-action-plan", pk=inspection.pk)
        return None


class InspectionDetailSerializer(InspectionSerializer):
    key_findings = serializers.SerializerMethodField(
        help_text=gettext_lazy(
            "Judgements counted per level of each inspectorate's scale, derived from the judgements."
        )
    )

    class Meta(InspectionSerializer.Meta):
        fields = [*InspectionSerializer.Meta.fields, "key_findings"]

    @extend_schema_field(KeyFindingSerializer(many=True))
    def get_key_findings(self, inspection):
        request = self.context.get("request")
        return [
            {
                "inspectorate": inspectorate.slug,
                "scale": api_url(request, "scale-detail", slug=inspectorate.slug),
                "total": sum(count for _, count in levels),
                "levels": [
                    {"slug": level.slug, "label": level.label, "rank": level.rank, "count": count}
                    for level, count in levels
                ],
            }
            for inspectorate, levels in getattr(inspection, "key_findings", [])
        ]


# --- Recommendations -----------------------------------------------------------------------


class LatestJudgementSerializer(serializers.Serializer):
    url = serializers.URLField()
    review = serializers.URLField()
    level = serializers.CharField(help_text=gettext_lazy("The level's slug."))
    label = serializers.CharField()
    rank = serializers.IntegerField()
    standing = serializers.ChoiceField(choices=Standing.choices)


class RecommendationSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:recommendation-detail")
    web_url = serializers.SerializerMethodField(help_text=gettext_lazy("The recommendation's page on the site."))
    establishment = serializers.HyperlinkedRelatedField(
        source="inspection.establishment", view_name="api:establishment-detail", lookup_field="slug", read_only=True
    )
    inspection = serializers.HyperlinkedRelatedField(view_name="api:inspection-detail", read_only=True)
    inspectorate = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    scale = serializers.HyperlinkedRelatedField(
        source="inspectorate", view_name="api:scale-detail", lookup_field="slug", read_only=True
    )
    label = serializers.CharField(
        read_only=True, help_text=gettext_lazy("How the report refers to it: 1.39, or Theme 2.")
    )
    year = serializers.IntegerField(source="inspection.year", read_only=True, allow_null=True)
    repeats = serializers.SerializerMethodField(
        help_text=gettext_lazy("The earlier recommendation this one repeats, if any.")
    )
    latest_judgement = serializers.SerializerMethodField(
        help_text=gettext_lazy("The latest published judgement; null until a published review judges it.")
    )
    is_open = serializers.SerializerMethodField(
        help_text=gettext_lazy("Still open: the latest judgement is below the top of its scale, or there is none yet.")
    )
    follow_up = serializers.ChoiceField(
        choices=FollowUp.choices,
        read_only=True,
        help_text=gettext_lazy(
            "What became of it: followed_up (judged at a published review), to_be_followed_up (no published "
            "review of its inspection yet) or not_followed_up (a published review of its inspection left it out)."
        ),
    )
    followed_up = serializers.SerializerMethodField(
        help_text=gettext_lazy(
            "Whether a published review has judged it (the downloads' followed_up column, the followed_up filter)."
        )
    )
    judgements = serializers.SerializerMethodField(help_text=gettext_lazy("Every published judgement of it."))

    class Meta:
        model = Recommendation
        fields = [
            "url",
            "id",
            "web_url",
            "establishment",
            "inspection",
            "year",
            "inspectorate",
            "scale",
            "kind",
            "label",
            "reference",
            "theme_number",
            "area",
            "concern",
            "text",
            "priority",
            "action_by",
            "repeats",
            "latest_judgement",
            "is_open",
            "follow_up",
            "followed_up",
            "judgements",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_web_url(self, recommendation):
        return absolute(self.context.get("request"), recommendation.get_absolute_url())

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_repeats(self, recommendation):
        if recommendation.repeats_id and recommendation.repeats_public:
            return api_url(self.context.get("request"), "recommendation-detail", pk=recommendation.repeats_id)
        return None

    @extend_schema_field(LatestJudgementSerializer(allow_null=True))
    def get_latest_judgement(self, recommendation):
        if recommendation.latest_judgement_id is None:
            return None
        request = self.context.get("request")
        return {
            "url": api_url(request, "judgement-detail", pk=recommendation.latest_judgement_id),
            "review": api_url(request, "inspection-detail", pk=recommendation.latest_review_id),
            "level": recommendation.latest_slug,
            "label": recommendation.latest_label,
            "rank": recommendation.latest_rank,
            "standing": standing(recommendation.latest_rank, recommendation.top_rank),
        }

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_is_open(self, recommendation):
        return recommendation.is_open  # findings.models.with_latest_judgement: the one rule

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_followed_up(self, recommendation):
        # The downloads' rule: judged at a published review (with_latest_judgement).
        return recommendation.latest_judgement_id is not None

    @extend_schema_field(OpenApiTypes.URI)
    def get_judgements(self, recommendation):
        return api_list_url(self.context.get("request"), "judgement-list", recommendation=recommendation.pk)


class RecommendationDetailSerializer(RecommendationSerializer):
    repeated_by = serializers.SerializerMethodField(
        help_text=gettext_lazy("Later recommendations that repeat this one.")
    )

    class Meta(RecommendationSerializer.Meta):
        fields = [*RecommendationSerializer.Meta.fields, "repeated_by"]

    @extend_schema_field(serializers.ListField(child=serializers.URLField()))
    def get_repeated_by(self, recommendation):
        request = self.context.get("request")
        return [api_url(request, "recommendation-detail", pk=pk) for pk in getattr(recommendation, "later", [])]


# --- Judgements and paragraphs -----------------------------------------------------------


class EvidenceSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:paragraph-detail")

    class Meta:
        model = Paragraph
        fields = ["url", "id", "number", "text"]


class JudgementLevelSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProgressLevel
        fields = ["slug", "label", "rank", "definition"]


class JudgementSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:judgement-detail")
    web_url = serializers.SerializerMethodField(help_text=gettext_lazy("The judgement on its review's page."))
    review = serializers.HyperlinkedRelatedField(view_name="api:inspection-detail", read_only=True)
    recommendation = serializers.HyperlinkedRelatedField(view_name="api:recommendation-detail", read_only=True)
    inspectorate = serializers.SlugRelatedField(source="recommendation.inspectorate", slug_field="slug", read_only=True)
    scale = serializers.HyperlinkedRelatedField(
        source="recommendation.inspectorate", view_name="api:scale-detail", lookup_field="slug", read_only=True
    )
    level = JudgementLevelSerializer(read_only=True)
    top_rank = serializers.IntegerField(read_only=True, help_text=gettext_lazy("The rank of the top of the scale."))
    standing = serializers.SerializerMethodField(help_text=gettext_lazy("Where the level sits on its own scale."))
    evidence = serializers.SerializerMethodField(help_text=gettext_lazy("The evidence paragraphs, in number order."))

    class Meta:
        model = Judgement
        fields = [
            "url",
            "id",
            "web_url",
            "review",
            "recommendation",
            "inspectorate",
            "scale",
            "level",
            "top_rank",
            "standing",
            "position",
            "evidence",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_web_url(self, judgement):
        path = judgement.review.get_absolute_url() + f"#recommendation-{judgement.recommendation_id}"
        return absolute(self.context.get("request"), path)

    @extend_schema_field(serializers.ChoiceField(choices=Standing.choices))
    def get_standing(self, judgement):
        return standing(judgement.level.rank if judgement.level_id else None, judgement.top_rank)

    @extend_schema_field(EvidenceSerializer(many=True))
    def get_evidence(self, judgement):
        return EvidenceSerializer(judgement.evidence.all(), many=True, context=self.context).data


class ParagraphSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:paragraph-detail")
    web_url = serializers.SerializerMethodField(help_text=gettext_lazy("The paragraph on its review's page."))
    inspection = serializers.HyperlinkedRelatedField(view_name="api:inspection-detail", read_only=True)
    part_label = serializers.CharField(source="get_part_display", read_only=True)
    judgement = serializers.HyperlinkedRelatedField(view_name="api:judgement-detail", read_only=True, allow_null=True)

    class Meta:
        model = Paragraph
        fields = ["url", "id", "web_url", "inspection", "number", "part", "part_label", "judgement", "text"]

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_web_url(self, paragraph):
        if not paragraph.inspection.is_review:
            return None
        anchor = "paragraph-" + paragraph.number.replace(".", "-")
        return absolute(self.context.get("request"), f"{paragraph.inspection.get_absolute_url()}#{anchor}")


class NotablePracticeSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:notable-practice-detail")
    review = serializers.HyperlinkedRelatedField(
        source="paragraph.inspection", view_name="api:inspection-detail", read_only=True
    )
    paragraph = serializers.HyperlinkedRelatedField(view_name="api:paragraph-detail", read_only=True)
    number = serializers.CharField(source="paragraph.number", read_only=True)
    text = serializers.CharField(source="paragraph.text", read_only=True)
    web_url = serializers.SerializerMethodField(help_text=gettext_lazy("The practice on its review's page."))

    class Meta:
        model = NotablePractice
        fields = ["url", "id", "web_url", "review", "paragraph", "title", "number", "text"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_web_url(self, practice):
        paragraph = practice.paragraph
        anchor = "paragraph-" + paragraph.number.replace(".", "-")
        return absolute(self.context.get("request"), f"{paragraph.inspection.get_absolute_url()}#{anchor}")


# --- The published action plan -------------------------------------------------------------


class ProgressNoteSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProgressNote
        fields = ["noted_on", "text"]


class ActionSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    notes = ProgressNoteSerializer(many=True, read_only=True)

    class Meta:
        model = Action
        fields = [
            "id",
            "description",
            "owner",
            "target_date",
            "status",
            "status_label",
            "dropped_reason",
            "updated_at",
            "notes",
        ]


class ResponseSerializer(serializers.ModelSerializer):
    decision_label = serializers.CharField(source="get_decision_display", read_only=True)

    class Meta:
        model = Response
        fields = ["decision", "decision_label", "reason", "updated_at"]


class PlannedRecommendationSerializer(serializers.ModelSerializer):
    recommendation = serializers.HyperlinkedIdentityField(view_name="api:recommendation-detail")
    label = serializers.CharField(
        read_only=True, help_text=gettext_lazy("How the report refers to it: 1.39, or Theme 2.")
    )
    response = serializers.SerializerMethodField(help_text=gettext_lazy("The prison's response; null if it gave none."))
    actions = ActionSerializer(many=True, read_only=True)

    class Meta:
        model = Recommendation
        fields = ["recommendation", "id", "label", "area", "response", "actions"]

    @extend_schema_field(ResponseSerializer(allow_null=True))
    def get_response(self, recommendation):
        response = getattr(recommendation, "response", None)
        return ResponseSerializer(response).data if response is not None else None


class ActionPlanSerializer(serializers.ModelSerializer):
    inspection = serializers.HyperlinkedRelatedField(view_name="api:inspection-detail", read_only=True)
    establishment = serializers.HyperlinkedRelatedField(
        source="inspection.establishment", view_name="api:establishment-detail", lookup_field="slug", read_only=True
    )
    recommendations = serializers.SerializerMethodField(
        help_text=gettext_lazy("Each recommendation made at the inspection, with the prison's response and actions.")
    )

    class Meta:
        model = ActionPlan
        fields = ["inspection", "establishment", "published_at", "recommendations"]

    @extend_schema_field(PlannedRecommendationSerializer(many=True))
    def get_recommendations(self, plan):
        return PlannedRecommendationSerializer(plan.planned, many=True, context=self.context).data
