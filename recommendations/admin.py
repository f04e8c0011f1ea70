"""The back office for establishments, inspections and recommendations.

The review screen (an inspection's judgements, publishing) is registered by ``findings.admin``,
which extends ``InspectionAdmin`` here: this app never imports ``findings``.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import render
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper

from common import public_cache
from recommendations.actions import ActionChanged, add_action, edit_action, may_withdraw_plan, withdraw_action_plan
from recommendations.announcements import publish_announcement
from recommendations.models import (
    TEXT_LIMITS,
    Action,
    ActionPlan,
    ActionPlanWithdrawal,
    AuditEvent,
    Establishment,
    HealthyPrisonScore,
    Inspection,
    InspectionKind,
    Inspectorate,
    PlanUpload,
    ProgressNote,
    Recommendation,
    ReminderLog,
    Response,
    ReviewAnnouncement,
    TargetDateChange,
    TeamMember,
    Unpublication,
)
from recommendations.roles import inspectorate_ids, may_judge, may_write_report_text


class PerObjectDeleteMixin:
    """The bulk "Delete selected" action asks ``has_delete_permission`` of every selected object,
    not only of the model: one the user may not delete is named and nothing is deleted."""

    def get_deleted_objects(self, objs, request):
        to_delete, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        for obj in objs:
            if not self.has_delete_permission(request, obj):
                perms_needed.add(f"{self.opts.verbose_name} “{obj}”")
        return to_delete, model_count, perms_needed, protected


class ReportTextAdminMixin:
    """Report text outside evidence (team, scores…) belongs to the inspectorate that leads the
    inspection: others read it, and cannot add it either (the form refuses their inspection).
    ``report_inspection(obj)`` names the inspection of a row."""

    inspection_field = "inspection"

    def report_inspection(self, obj):
        return getattr(obj, self.inspection_field)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        field, user = self.inspection_field, request.user

        def clean(form_self):
            cleaned = form.clean(form_self)
            inspection = cleaned.get(field)
            if inspection is not None and not may_write_report_text(user, inspection):
                lead = inspection.lead_inspectorate or "the lead inspectorate"
                form_self.add_error(field, f"Only {lead} inspectors write this part of {inspection}.")
            return cleaned

        return type(form.__name__, (form,), {"clean": clean})

    def _may_write(self, request, obj):
        return obj is None or may_write_report_text(request.user, self.report_inspection(obj))

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_write(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_write(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == self.inspection_field:
            allowed = inspectorate_ids(request.user)
            if allowed is not None:
                kwargs["queryset"] = Inspection.objects.filter(lead_inspectorate__in=allowed)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class LeadInlineMixin:
    """An inline of the inspection's report text: written only by the lead inspectorate."""

    def _may_write(self, request, obj):
        return obj is None or may_write_report_text(request.user, obj)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._may_write(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_write(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_write(request, obj)


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


class NamedChanges(HistoricalRecordContextHelper):
    """The "Changes" column in words a reader understands: a choice by its label (Done, not
    ``done``), an emptied link as "(none)", and a deleted establishment, inspection or
    recommendation by the name it had (from its own history) rather than its id."""

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if value is None or value == "":
            return gettext("(none)")
        if isinstance(value, DeletedObject):
            # simple-history gives an emptied link as a "deleted" object with no id.
            return gettext("(none)") if value.pk is None else deleted_name(value)
        if field.choices and not field.is_relation:
            return dict(field.flatchoices).get(value, value)
        return super().prepare_delta_change_value(change, value)


def deleted_name(deleted):
    """What a deleted related row was called: its last historical version's name, when its
    model keeps history, else its kind ("a deleted establishment")."""
    history = getattr(deleted.model, "history", None)
    record = (
        history.filter(**{deleted.model._meta.pk.attname: deleted.pk}).order_by("-history_date").first()
        if history
        else None
    )
    if record is not None:
        return gettext("%(name)s (deleted)") % {"name": record.instance}
    return gettext("a deleted %(kind)s") % {"kind": deleted.model._meta.verbose_name}


class HistoryAdmin(PerObjectDeleteMixin, PublicDataAdmin, SimpleHistoryAdmin):
    """History is a record, not an undo button: it shows who changed what, before and after
    (simple-history's "Changes" column), and its old versions cannot be saved back.

    The list names versions without rendering each old object, and follows the changed
    foreign keys in the same query, so the page's queries do not grow with its history.
    """

    object_history_list_template = "admin/recommendations/history_list.html"
    history_select_related = ()

    def get_historical_record_context_helper(self, request, historical_record):
        return NamedChanges(self.model, historical_record)

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

    def _is_valid_pk(self, object_id):
        """Whether ``object_id`` can be an id of this model: a malformed one (letters, a NUL byte,
        10,000 characters) is a 404, never a database error."""
        try:
            self.model._meta.pk.to_python(unquote(object_id))
        except ValidationError:
            return False
        return len(str(object_id)) <= 20

    def history_view(self, request, object_id, extra_context=None):
        if not self._is_valid_pk(object_id):
            raise Http404("No such record.")
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        if not self._is_valid_pk(object_id) or not str(version_id).isdigit() or len(str(version_id)) > 18:
            raise Http404("No such version.")
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


class TeamMemberInline(LeadInlineMixin, admin.TabularInline):
    model = TeamMember
    extra = 0
    fields = ["position", "name", "role", "inspectorate"]


class HealthyPrisonScoreInline(LeadInlineMixin, admin.TabularInline):
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

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields.append("lead_inspectorate")
        if obj is not None and not may_write_report_text(request.user, obj):
            # Another inspectorate's inspection: its details are read-only here; its own
            # judgements (on a review's page) stay editable.
            editable = [f.name for f in self.model._meta.fields if f.editable and not f.primary_key]
            fields += [name for name in editable if name not in fields]
        return fields


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

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None and "repeats" in form.base_fields:
            # Only recommendations of earlier inspections of the same establishment can be repeated
            # (the model's clean() says so in a sentence for anything else).
            earlier = Inspection.objects.filter(establishment_id=obj.inspection.establishment_id).exclude(
                pk=obj.inspection_id
            )
            start = obj.inspection.visit_start or obj.inspection.published_on
            if start:
                earlier = earlier.filter(Q(visit_start__lt=start) | Q(visit_start__isnull=True, published_on__lt=start))
            form.base_fields["repeats"].queryset = Recommendation.objects.filter(inspection__in=earlier)
        return form

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "inspectorate":
            allowed = inspectorate_ids(request.user)
            if allowed is not None:
                kwargs["queryset"] = Inspectorate.objects.filter(pk__in=allowed)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class WithdrawPlanForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the plan withdrawn?"),
        help_text=_("Kept with the plan and in the audit trail; the prison’s leaders see it when they publish again."),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        max_length=TEXT_LIMITS["reason"],
        error_messages={"required": _("Give a reason for withdrawing the action plan.")},
    )


class ReviewAnnouncementForm(forms.ModelForm):
    class Meta:
        model = ReviewAnnouncement
        fields = ["inspection", "planned_month", "recommendations"]
        # A box to tick for each of the inspection's recommendations (30 to 70): Django's two-list
        # filter widget carries ARIA attributes axe-core refuses (aria-prohibited-attr).
        widgets = {"recommendations": forms.CheckboxSelectMultiple(attrs={"class": "app-checkbox-list"})}
        help_texts = {
            "planned_month": gettext_lazy("Any day of the month the review is planned for; the month is kept.")
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        inspections = Inspection.objects.filter(kind=InspectionKind.FULL).select_related("establishment")
        lead = getattr(self, "lead_inspectorates", None)
        if lead is not None:
            inspections = inspections.filter(lead_inspectorate__in=lead)
        self.fields["inspection"].queryset = inspections
        # Only what the chosen inspection made is offered: every recommendation in the tracker
        # (100,000 nationally) would make the add page unusable. On a new announcement the
        # inspection comes from the form (?inspection= on the address, or the inspection saved
        # without a choice, which the page then asks for).
        inspection_id = self.instance.inspection_id or self.data.get(self.add_prefix("inspection"))
        inspection_id = inspection_id or self.initial.get("inspection")
        recommendations = Recommendation.objects.order_by("position", "pk")
        # The boxes alone, without the admin's "add another" wrapper (which squeezes them into a
        # narrow column): what a review follows up was made by its inspection, never added here.
        widget = self.fields["recommendations"].widget
        self.fields["recommendations"].widget = getattr(widget, "widget", widget)
        if str(inspection_id or "").isdigit():
            self.fields["recommendations"].queryset = recommendations.filter(inspection_id=int(inspection_id))
        else:
            self.fields["recommendations"].queryset = recommendations.none()
            self.fields["recommendations"].help_text = gettext(
                "Choose the full inspection and the planned month, then save: what the inspection made is "
                "listed here to choose from."
            )

    def clean(self):
        cleaned = super().clean()
        inspection, chosen = cleaned.get("inspection"), cleaned.get("recommendations")
        if cleaned.get("planned_month"):
            cleaned["planned_month"] = cleaned["planned_month"].replace(day=1)
            self.instance.planned_month = cleaned["planned_month"]
        if inspection is not None and chosen is not None:
            strangers = [r for r in chosen if r.inspection_id != inspection.pk]
            if strangers:
                self.add_error(
                    "recommendations",
                    f"{strangers[0].name} was not made at {inspection}: a review follows up what its inspection made.",
                )
            elif not chosen:
                self.add_error(gettext("recommendations"), gettext("Choose what the review will follow up."))
        return cleaned


@admin.register(ReviewAnnouncement)
class ReviewAnnouncementAdmin(HistoryAdmin):
    """Announcing a coming review: which recommendations or key concerns of a full inspection it
    will follow up, and its planned month. Shown to leaders and the public once published (the
    list's action, through ``recommendations.announcements.publish_announcement``)."""

    form = ReviewAnnouncementForm
    list_display = ["inspection", "planned_month", "published_at"]
    list_select_related = ["inspection__establishment"]
    list_filter = ["inspection__establishment"]
    readonly_fields = ["published_at", "published_by"]
    actions = ["publish"]

    # Announcing a review is its lead inspectorate's act, as the report's text is
    # (``roles.may_write_report_text``): others see announcements but change none.
    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        allowed = inspectorate_ids(request.user)
        if db_field.name == "inspection" and allowed is not None:
            field.queryset = field.queryset.filter(lead_inspectorate__in=allowed)
        return field

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        allowed = inspectorate_ids(request.user)
        return type(form.__name__, (form,), {"lead_inspectorates": allowed})

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None or may_write_report_text(request.user, obj.inspection)
        )

    @admin.action(description=_("Publish the selected announcements"))
    def publish(self, request, queryset):
        for announcement in queryset.select_related("inspection"):
            if not may_write_report_text(request.user, announcement.inspection):
                self.message_user(
                    request,
                    gettext("%(announcement)s is its lead inspectorate’s to publish.") % {"announcement": announcement},
                    level="error",
                )
                continue
            try:
                publish_announcement(announcement, by=request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), level="error")


@admin.register(ActionPlan)
class ActionPlanAdmin(HistoryAdmin):
    """The prisons' action plans. Leaders publish them on their pages; an inspector may withdraw
    a published one here, with a reason (``actions.withdraw_action_plan``). Nothing else is
    changed here."""

    list_display = ["inspection", "published_at", "published_by"]
    list_select_related = ["inspection__establishment", "published_by"]
    list_filter = [("published_at", admin.EmptyFieldListFilter)]
    search_fields = ["inspection__establishment__name"]
    readonly_fields = ["inspection", "published_at", "published_by", "withdraw_link"]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Withdraw"))
    def withdraw_link(self, obj):
        from django.urls import reverse
        from django.utils.html import format_html

        if obj is None or obj.published_at is None:
            return gettext("Not published.")
        return format_html(
            '<a href="{}">Withdraw this plan from the public site</a>',
            reverse("admin:recommendations_actionplan_withdraw", args=[obj.pk]),
        )

    def get_urls(self):
        from django.urls import path

        wrap = self.admin_site.admin_view
        return [
            path("<path:object_id>/withdraw/", wrap(self.withdraw_view), name="recommendations_actionplan_withdraw"),
        ] + super().get_urls()

    def withdraw_view(self, request, object_id):
        from django.contrib import messages
        from django.http import HttpResponseRedirect
        from django.shortcuts import get_object_or_404
        from django.template.response import TemplateResponse
        from django.urls import reverse

        if not str(object_id).isdigit():
            raise Http404("No such action plan.")
        plan = get_object_or_404(ActionPlan.objects.select_related("inspection__establishment"), pk=object_id)
        if not may_withdraw_plan(request.user, plan):
            raise PermissionDenied
        form = WithdrawPlanForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                withdraw_action_plan(plan, reason=form.cleaned_data["reason"], by=request.user)
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                self.message_user(
                    request, f"{plan} is withdrawn: it is no longer public, and a draft again.", messages.SUCCESS
                )
                return HttpResponseRedirect(reverse("admin:recommendations_actionplan_change", args=[plan.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "plan": plan,
            "form": form,
            "title": gettext("Withdraw the action plan for %(inspection)s") % {"inspection": plan.inspection},
        }
        return TemplateResponse(
            request, "admin/recommendations/actionplan/withdraw.html", context, status=400 if form.errors else 200
        )


@admin.register(Response)
class ResponseAdmin(HistoryAdmin):
    list_display = ["recommendation", "decision", "updated_at"]
    list_filter = ["decision"]
    list_select_related = ["recommendation__inspectorate"]
    search_fields = ["recommendation__text", "reason"]
    autocomplete_fields = ["recommendation"]


class ProgressNoteInline(admin.TabularInline):
    """Notes are added on the leaders' pages (``actions.add_progress_note``): read here."""

    model = ProgressNote
    extra = 0
    fields = ["noted_on", "text", "author"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class TargetDateChangeInline(admin.TabularInline):
    model = TargetDateChange
    extra = 0
    readonly_fields = ["old_date", "new_date", "reason", "changed_by", "changed_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class ActionAdminForm(forms.ModelForm):
    """An action changed in the workspace: saved through ``recommendations.actions`` with the
    version the form was opened at, so a leader's change made meanwhile is never overwritten."""

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    date_change_reason = forms.CharField(
        label=_("Why the target date is changing"),
        required=False,
        max_length=TEXT_LIMITS["reason"],
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when you move or remove a target date. The original date is kept."),
    )

    class Meta:
        model = Action
        fields = ["recommendation", "description", "owner", "target_date", "status", "dropped_reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["seen_version"].initial = self.instance.version
            self.fields["recommendation"].disabled = True

    def clean(self):
        cleaned = super().clean()
        current = Action.objects.filter(pk=self.instance.pk).values_list("target_date", "version").first()
        if current is not None and cleaned.get("seen_version") not in (None, current[1]):
            raise ValidationError(ActionChanged.MESSAGE)
        original = current[0] if current else None
        moved = self.instance.pk and original is not None and cleaned.get("target_date") != original
        if moved and not (cleaned.get("date_change_reason") or "").strip():
            self.add_error(gettext("date_change_reason"), gettext("Say why the target date is changing."))
        return cleaned


@admin.register(Action)
class ActionAdmin(HistoryAdmin):
    """Every write goes through ``recommendations.actions`` (lock, version, date history)."""

    form = ActionAdminForm
    list_display = ["__str__", "owner", "target_date", "status", "updated_at"]
    list_filter = ["status", "recommendation__inspection__establishment"]
    list_select_related = ["recommendation"]
    search_fields = ["description", "owner"]
    autocomplete_fields = ["recommendation"]
    inlines = [ProgressNoteInline, TargetDateChangeInline]
    actions = None  # an action is never deleted: dropped, with a reason

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            created = add_action(
                data["recommendation"],
                description=data["description"],
                owner=data.get("owner", ""),
                target_date=data.get("target_date"),
                by=request.user,
            )
            obj.pk = created.pk
            obj.refresh_from_db()
            if data["status"] == created.status:
                return
        elif not form.has_changed():
            return
        try:
            edit_action(
                obj,
                description=data["description"],
                owner=data.get("owner", ""),
                target_date=data.get("target_date"),
                status=data["status"],
                dropped_reason=data.get("dropped_reason", ""),
                date_change_reason=data.get("date_change_reason", ""),
                by=request.user,
                seen_version=data.get("seen_version") if change else None,
            )
        except ActionChanged as error:
            raise PermissionDenied(error.message) from error


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


class DateHierarchyGuard:
    """A date in the list's date links (``?at__year=…``) that is not a real date is a 400 with a
    sentence, not a 500 (Django lets an integer too large for a date through)."""

    LIMITS = {"year": (1, 9999), "month": (1, 12), "day": (1, 31)}

    def changelist_view(self, request, extra_context=None):
        for part, (low, high) in self.LIMITS.items():
            value = request.GET.get(f"{self.date_hierarchy}__{part}")
            if value is None:
                continue
            if not (value.isascii() and value.isdigit() and len(value) <= 4 and low <= int(value) <= high):
                message = f"“{value[:20]}” is not a {part} the list can show: choose a date from the list’s date links."
                return render(request, "400.html", {"message": message}, status=400)
        return super().changelist_view(request, extra_context)


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
class TeamMemberAdmin(ReportTextAdminMixin, PerObjectDeleteMixin, PublicDataAdmin):
    list_display = ["name", "role", "inspectorate", "inspection"]
    list_filter = ["inspectorate", "inspection__establishment"]
    list_select_related = ["inspectorate", "inspection__establishment"]
    search_fields = ["name", "role", "inspection__establishment__name"]
    autocomplete_fields = ["inspection"]


@admin.register(HealthyPrisonScore)
class HealthyPrisonScoreAdmin(ReportTextAdminMixin, HistoryAdmin):
    list_display = ["inspection", "test", "score"]
    list_filter = ["test", "score", "inspection__establishment"]
    list_select_related = ["inspection__establishment"]
    search_fields = ["inspection__establishment__name"]
    autocomplete_fields = ["inspection"]


@admin.register(ProgressNote)
class ProgressNoteAdmin(PerObjectDeleteMixin, ReadOnlyRecordAdmin):
    """Progress notes are added on the leaders' pages (``actions.add_progress_note``)."""

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
class ReminderLogAdmin(DateHierarchyGuard, ReadOnlyRecordAdmin):
    list_display = ["sent_on", "establishment", "user"]
    list_filter = ["establishment"]
    list_select_related = ["establishment", "user"]
    date_hierarchy = "sent_on"


@admin.register(AuditEvent)
class AuditEventAdmin(DateHierarchyGuard, ReadOnlyRecordAdmin):
    """The audit trail: who published, unpublished, changed a publication date, imported a report
    or granted a role. Written only by ``recommendations.audit.record_audit_event``."""

    list_display = ["at", "user", "action", "inspection", "summary", "reason"]
    list_filter = ["action", "inspection__establishment", ("user", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["user", "inspection__establishment"]
    search_fields = ["summary", "reason", "user__username"]
    date_hierarchy = "at"
    fields = ["at", "user", "action", "inspection", "summary", "reason"]
    readonly_fields = fields
    actions = None


@admin.register(ActionPlanWithdrawal)
class ActionPlanWithdrawalAdmin(ReadOnlyRecordAdmin):
    """Why each published action plan was withdrawn: written only by ``withdraw_action_plan``."""

    list_display = ["plan", "at", "by", "reason"]
    list_select_related = ["plan__inspection__establishment", "by"]
    search_fields = ["reason", "plan__inspection__establishment__name"]


@admin.register(PlanUpload)
class PlanUploadAdmin(ReadOnlyRecordAdmin):
    """Action-plan spreadsheets leaders uploaded: pending, confirmed (with what changed) or cancelled."""

    list_display = ["filename", "establishment", "uploaded_by", "uploaded_at", "status", "summary"]
    list_select_related = ["establishment", "uploaded_by"]
    list_filter = ["status"]
    exclude = ["rows"]
