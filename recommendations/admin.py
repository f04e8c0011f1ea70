"""The back office for establishments, inspections and recommendations.

The review screen (an inspection's judgements, publishing) is registered by ``findings.admin``,
which extends ``InspectionAdmin`` here: this app never imports ``findings``.
"""

from django.contrib import admin
from django.http import HttpResponseNotAllowed
from simple_history.admin import SimpleHistoryAdmin

from recommendations import public_cache
from recommendations.models import (
    Action,
    ActionPlan,
    Establishment,
    HealthyPrisonScore,
    Inspection,
    Inspectorate,
    ProgressNote,
    Recommendation,
    ReminderLog,
    Response,
    TargetDateChange,
    TeamMember,
    Unpublication,
)
from recommendations.roles import inspectorate_ids, may_judge


class PublicDataAdmin(admin.ModelAdmin):
    """An admin edit may change what the public sees: after every save or deletion the cached
    public pages are retired (``public_data_changed``; the review screens also recompute the
    judgements' public windows, see ``findings.admin``)."""

    def public_data_changed(self, request, objects):
        public_cache.changed()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        self.public_data_changed(request, [form.instance])

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self.public_data_changed(request, [obj])

    def delete_queryset(self, request, queryset):
        objects = list(queryset)
        super().delete_queryset(request, queryset)
        self.public_data_changed(request, objects)


class HistoryAdmin(PublicDataAdmin, SimpleHistoryAdmin):
    """History is a record, not an undo button: it shows who changed what, before and after
    (simple-history's "Changes" column), and its old versions cannot be saved back.

    The list names versions without rendering each old object, and follows the changed
    foreign keys in the same query, so the page's queries do not grow with its history.
    """

    object_history_list_template = "admin/recommendations/history_list.html"
    history_select_related = ()

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        queryset = super().get_history_queryset(request, history_manager, pk_name, object_id)
        return queryset.select_related(*self.history_select_related) if self.history_select_related else queryset

    def save_model(self, request, obj, form, change):
        # Saving a page where only an inline changed writes no empty history row for the object.
        if change and not form.has_changed():
            return
        super().save_model(request, obj, form, change)

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(Establishment)
class EstablishmentAdmin(PublicDataAdmin):
    list_display = ["name", "type", "slug"]
    list_filter = ["type"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["leaders"]


@admin.register(Inspectorate)
class InspectorateAdmin(PublicDataAdmin):
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
class InspectionAdmin(HistoryAdmin):
    """Inspections and reviews. The status changes only by publishing or unpublishing."""

    list_display = ["__str__", "kind", "status", "published_on", "visit_start"]
    list_filter = ["kind", "status", "establishment"]
    list_select_related = ["establishment"]
    search_fields = ["establishment__name", "title", "slug"]
    autocomplete_fields = ["establishment", "follows_up"]
    readonly_fields = ["status", "published_at", "published_by"]
    inlines = [TeamMemberInline, HealthyPrisonScoreInline]
    history_list_display = ["status"]


@admin.register(Recommendation)
class RecommendationAdmin(HistoryAdmin):
    """Recommendations and themes: an inspector changes only their own inspectorate's."""

    list_display = ["label", "area", "kind", "inspectorate", "inspection", "priority", "action_by"]
    list_filter = ["inspectorate", "kind", "priority", "action_by", "inspection__establishment"]
    list_select_related = ["inspectorate", "inspection__establishment"]
    search_fields = ["text", "concern", "area", "reference"]
    autocomplete_fields = ["inspection", "repeats"]

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or may_judge(request.user, obj.inspectorate_id))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or may_judge(request.user, obj.inspectorate_id))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "inspectorate":
            allowed = inspectorate_ids(request.user)
            if allowed is not None:
                kwargs["queryset"] = Inspectorate.objects.filter(pk__in=allowed)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(ActionPlan)
class ActionPlanAdmin(HistoryAdmin):
    list_display = ["inspection", "published_at"]
    list_select_related = ["inspection__establishment"]


@admin.register(Response)
class ResponseAdmin(HistoryAdmin):
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
class ActionAdmin(HistoryAdmin):
    list_display = ["__str__", "owner", "target_date", "status", "updated_at"]
    list_filter = ["status", "recommendation__inspection__establishment"]
    list_select_related = ["recommendation"]
    search_fields = ["description", "owner"]
    autocomplete_fields = ["recommendation"]
    inlines = [ProgressNoteInline, TargetDateChangeInline]

    def save_model(self, request, obj, form, change):
        # A change here is a new version too: a leader's form opened before it is refused.
        if change and form.has_changed():
            obj.version += 1
        super().save_model(request, obj, form, change)


@admin.register(Unpublication)
class UnpublicationAdmin(admin.ModelAdmin):
    """Why each published review was taken down: a record written only by unpublishing."""

    list_display = ["inspection", "at", "by", "reason"]
    list_select_related = ["inspection__establishment", "by"]
    list_filter = ["inspection__establishment"]
    search_fields = ["reason", "inspection__establishment__name"]
    readonly_fields = ["inspection", "reason", "by", "at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyRecordAdmin(admin.ModelAdmin):
    """A record written by the service itself (a moved date, a reminder sent): readable here,
    never added, changed or deleted by hand."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TeamMember)
class TeamMemberAdmin(PublicDataAdmin):
    list_display = ["name", "role", "inspectorate", "inspection"]
    list_filter = ["inspectorate", "inspection__establishment"]
    list_select_related = ["inspectorate", "inspection__establishment"]
    search_fields = ["name", "role", "inspection__establishment__name"]
    autocomplete_fields = ["inspection"]


@admin.register(HealthyPrisonScore)
class HealthyPrisonScoreAdmin(HistoryAdmin):
    list_display = ["inspection", "test", "score"]
    list_filter = ["test", "score", "inspection__establishment"]
    list_select_related = ["inspection__establishment"]
    search_fields = ["inspection__establishment__name"]
    autocomplete_fields = ["inspection"]


@admin.register(ProgressNote)
class ProgressNoteAdmin(HistoryAdmin):
    list_display = ["noted_on", "action", "author", "text"]
    list_filter = ["action__recommendation__inspection__establishment"]
    list_select_related = ["action", "author"]
    search_fields = ["text", "action__description"]
    autocomplete_fields = ["action"]


@admin.register(TargetDateChange)
class TargetDateChangeAdmin(ReadOnlyRecordAdmin):
    list_display = ["action", "old_date", "new_date", "changed_by", "changed_at"]
    list_select_related = ["action", "changed_by"]
    search_fields = ["reason", "action__description"]


@admin.register(ReminderLog)
class ReminderLogAdmin(ReadOnlyRecordAdmin):
    list_display = ["sent_on", "establishment", "user"]
    list_filter = ["establishment"]
    list_select_related = ["establishment", "user"]
    date_hierarchy = "sent_on"
