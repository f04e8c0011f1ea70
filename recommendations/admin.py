from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from recommendations.models import (
    Action,
    ActionPlan,
    Establishment,
    HealthyPrisonScore,
    Inspection,
    Inspectorate,
    ProgressNote,
    Recommendation,
    Response,
    TargetDateChange,
    TeamMember,
    Unpublication,
)


@admin.register(Establishment)
class EstablishmentAdmin(admin.ModelAdmin):
    list_display = ["name", "type", "slug"]
    list_filter = ["type"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["leaders"]


@admin.register(Inspectorate)
class InspectorateAdmin(admin.ModelAdmin):
    list_display = ["short_name", "name", "slug"]
    search_fields = ["name", "short_name"]
    filter_horizontal = ["inspectors"]


class TeamMemberInline(admin.TabularInline):
    model = TeamMember
    extra = 0
    fields = ["position", "name", "role", "inspectorate"]


class HealthyPrisonScoreInline(admin.TabularInline):
    model = HealthyPrisonScore
    extra = 0


@admin.register(Inspection)
class InspectionAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "kind", "status", "published_on", "visit_start"]
    list_filter = ["kind", "status", "establishment"]
    list_select_related = ["establishment"]
    search_fields = ["establishment__name", "title", "slug"]
    autocomplete_fields = ["establishment", "follows_up"]
    readonly_fields = ["published_at", "published_by"]
    inlines = [TeamMemberInline, HealthyPrisonScoreInline]


@admin.register(Recommendation)
class RecommendationAdmin(SimpleHistoryAdmin):
    list_display = ["label", "area", "kind", "inspectorate", "inspection", "priority", "action_by"]
    list_filter = ["inspectorate", "kind", "priority", "action_by", "inspection__establishment"]
    list_select_related = ["inspectorate", "inspection__establishment"]
    search_fields = ["text", "concern", "area", "reference"]
    autocomplete_fields = ["inspection", "repeats"]


@admin.register(ActionPlan)
class ActionPlanAdmin(SimpleHistoryAdmin):
    list_display = ["inspection", "published_at"]
    list_select_related = ["inspection__establishment"]


@admin.register(Response)
class ResponseAdmin(SimpleHistoryAdmin):
    list_display = ["recommendation", "decision", "updated_at"]
    list_filter = ["decision"]
    list_select_related = ["recommendation__inspectorate"]
    search_fields = ["recommendation__text", "reason"]
    autocomplete_fields = ["recommendation"]


class ProgressNoteInline(admin.TabularInline):
    model = ProgressNote
    extra = 0


class TargetDateChangeInline(admin.TabularInline):
    model = TargetDateChange
    extra = 0
    readonly_fields = ["old_date", "new_date", "reason", "changed_by", "changed_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Action)
class ActionAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "owner", "target_date", "status", "updated_at"]
    list_filter = ["status", "recommendation__inspection__establishment"]
    list_select_related = ["recommendation"]
    search_fields = ["description", "owner"]
    autocomplete_fields = ["recommendation"]
    inlines = [ProgressNoteInline, TargetDateChangeInline]


@admin.register(Unpublication)
class UnpublicationAdmin(admin.ModelAdmin):
    list_display = ["inspection", "at", "by"]
    list_select_related = ["inspection__establishment", "by"]
    readonly_fields = ["inspection", "reason", "by", "at"]
