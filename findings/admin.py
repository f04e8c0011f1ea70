"""The inspectors' workspace: a review's judgements and evidence, checked and published safely.

The workflow: open a review → pick the recommendations it follows up and their levels in the
"Your judgements" table (only your inspectorate's recommendations and scale are offered, the
scale's definitions are shown above) → "Evidence" on each row opens the judgement, where its
numbered evidence paragraphs are entered in order → "Publish" checks the review is complete.

Access rules, in one place (``recommendations.roles.may_judge``): an inspector creates,
changes and deletes only their own inspectorate's judgements and evidence; everything else is
read-only to them; a published review's judgements and evidence are never deleted.
"""

import copy

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from common import clock
from findings.models import (
    GlossaryEntry,
    Judgement,
    NotablePractice,
    Paragraph,
    ParagraphPart,
    ProgressLevel,
    ReportSource,
    SectionIntroduction,
    key_findings,
)
from findings.publishing import (
    PublicationError,
    change_publication_date,
    may_publish,
    public_data_changed,
    publication_date_refusal,
    publication_state,
    publish_full_inspection,
    publish_on,
    publish_review,
    unpublish_review,
)
from recommendations.admin import HistoryAdmin, InspectionAdmin
from recommendations.models import Inspection, InspectionKind, PublicationStatus, Recommendation
from recommendations.roles import inspectorate_ids, may_judge, may_write_report_text


def is_published(review):
    return review is not None and review.status == PublicationStatus.PUBLISHED


def scales_for(inspectorate_pks):
    """Each inspectorate's levels, lowest first, for the definitions table: one query."""
    levels = ProgressLevel.objects.select_related("inspectorate").order_by("inspectorate", "rank")
    if inspectorate_pks is not None:
        levels = levels.filter(inspectorate__in=inspectorate_pks)
    grouped = {}
    for level in levels:
        grouped.setdefault(level.inspectorate, []).append(level)
    return list(grouped.items())


@admin.register(ReportSource)
class ReportSourceAdmin(admin.ModelAdmin):
    """The report files reviews were imported from, as published: kept as they were, so read only
    (an import adds them; the public review page links the latest)."""

    list_display = ["original_name", "inspection", "media_type", "size", "imported_at", "imported_by"]
    list_filter = ["media_type", "inspection__establishment"]
    list_select_related = ["inspection__establishment", "imported_by"]
    search_fields = ["original_name", "sha256"]
    readonly_fields = [
        "inspection",
        "original_name",
        "media_type",
        "size",
        "sha256",
        "file",
        "imported_at",
        "imported_by",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ProgressLevel)
class ProgressLevelAdmin(admin.ModelAdmin):
    list_display = ["label", "inspectorate", "rank"]
    list_filter = ["inspectorate"]
    list_select_related = ["inspectorate"]
    search_fields = ["label", "definition"]


# --- Judgements on the review page -----------------------------------------------------------


def preview(text, words=15):
    """The start of a long text, cut after a whole word and marked with an ellipsis."""
    return Truncator(text).words(words, truncate="…")


class LevelChoiceField(forms.ModelChoiceField):
    def __init__(self, *args, show_scale=False, **kwargs):
        self.show_scale = show_scale
        super().__init__(*args, **kwargs)

    def label_from_instance(self, level):
        return f"{level.label} ({level.inspectorate})" if self.show_scale else level.label


class RecommendationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, recommendation):
        return f"{recommendation.name}: {preview(recommendation.text, words=10)}"


class JudgementForm(forms.ModelForm):
    """A followed-up recommendation and its level; the formset narrows both to what the
    inspector may judge, and the model's clean() explains a level on the wrong scale."""

    recommendation = RecommendationChoiceField(queryset=Recommendation.objects.none())
    level = LevelChoiceField(
        queryset=ProgressLevel.objects.none(),
        required=False,
        help_text=_("Leave empty while the recommendation is followed up but not yet judged."),
    )

    class Meta:
        model = Judgement
        fields = ["recommendation", "level", "position"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # A judgement stays with its recommendation; remove it and add another instead.
            self.fields["recommendation"].disabled = True


class JudgementFormSet(BaseInlineFormSet):
    """Judgements at one review by one user: only recommendations (and levels) of the user's
    inspectorate are offered and accepted, whatever a crafted form posts."""

    user = None  # set by JudgementInline.get_formset

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = inspectorate_ids(self.user)
        review = self.instance
        recommendations = Recommendation.objects.filter(inspection_id=review.follows_up_id).order_by("position", "pk")
        levels = ProgressLevel.objects.select_related("inspectorate").order_by("inspectorate", "rank")
        if allowed is not None:
            recommendations = recommendations.filter(inspectorate__in=allowed)
            levels = levels.filter(inspectorate__in=allowed)
        self.recommendations, self.levels = recommendations, levels
        # Every row offers the same choices: build them once, not a query per row.
        self._choices = {}

    def _shared_choices(self, name, field):
        if name not in self._choices:
            self._choices[name] = [("", field.empty_label)] + [
                (obj.pk, field.label_from_instance(obj)) for obj in field.queryset
            ]
        return self._choices[name]

    def add_fields(self, form, index):
        super().add_fields(form, index)
        show_scale = inspectorate_ids(self.user) is None
        form.fields["recommendation"].queryset = self.recommendations
        form.fields["level"].queryset = self.levels
        form.fields["level"].show_scale = show_scale
        form.fields["level"].error_messages["invalid_choice"] = gettext(
            "Choose a level of the scale of the inspectorate that made this recommendation."
        )
        form.fields["recommendation"].error_messages["invalid_choice"] = gettext(
            "Choose a recommendation of your inspectorate made at the inspection this review follows up."
        )
        for name in ("recommendation", "level"):
            form.fields[name].widget.choices = self._shared_choices(name, form.fields[name])

    def clean(self):
        super().clean()
        for form in self.forms:
            if not hasattr(form, "cleaned_data"):
                continue
            recommendation = form.cleaned_data.get("recommendation")
            if recommendation is None and form.instance.recommendation_id:
                recommendation = form.instance.recommendation
            if form in self.deleted_forms:
                if is_published(self.instance):
                    raise ValidationError(
                        gettext("The review is published, so its judgements cannot be removed. Unpublish it first.")
                    )
                continue
            if recommendation and not may_judge(self.user, recommendation.inspectorate_id):
                name = recommendation.name
                raise ValidationError(
                    gettext("You judge only your own inspectorate’s recommendations, not %(name)s.") % {"name": name}
                )
        if is_published(self.instance) and any(
            form.instance.pk is None and form.has_changed() for form in self.forms if form not in self.deleted_forms
        ):
            raise ValidationError(gettext("The review is published: unpublish it to follow up another recommendation."))

    def save_new(self, form, commit=True):
        judgement = super().save_new(form, commit=False)
        if not judgement.position:
            judgement.position = judgement.recommendation.position
        if commit:
            judgement.save()
        return judgement

    def delete_existing(self, obj, commit=True):
        # Django refuses (with a sentence naming them) to remove a judgement that still has
        # evidence: the inspector deletes the evidence first, on the judgement's page.
        obj._history_user = self.user
        super().delete_existing(obj, commit=commit)


def evidence_list(judgement, *, editable=True):
    """The judgement's evidence paragraphs in order (prefetched), each cut at a word with an
    ellipsis, and (when ``editable``) a link to edit them."""
    if judgement is None or judgement.pk is None:
        return gettext("Save the review first, then add evidence.")
    paragraphs = format_html_join(
        "", "<li><strong>{}</strong> {}</li>", ((p.number, preview(p.text)) for p in judgement.evidence.all())
    )
    count = len(judgement.evidence.all())
    if not editable:
        return format_html('<ol class="evidence-list">{}</ol>', paragraphs) if count else gettext("No evidence yet.")
    url = reverse("admin:findings_judgement_change", args=[judgement.pk])
    link_text = gettext("Add or edit evidence") if count else gettext("Add evidence")
    return format_html(
        '<ol class="evidence-list">{}</ol><a href="{}">{}</a>{}',
        paragraphs,
        url,
        link_text,
        "" if count else format_html(' <strong class="errornote-inline">{}</strong>', "No evidence yet."),
    )


class JudgementInlineBase(admin.TabularInline):
    model = Judgement
    fk_name = "review"
    extra = 0

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("recommendation", "level__inspectorate", "review")
            .prefetch_related(Prefetch("evidence", queryset=Paragraph.objects.order_by("section", "index")))
        )

    @admin.display(description=_("Evidence paragraphs"))
    def evidence(self, obj):
        return evidence_list(obj)


class JudgementInline(JudgementInlineBase):
    """The judgements the signed-in inspector records: their inspectorate's only."""

    form = JudgementForm
    formset = JudgementFormSet
    fields = ["recommendation", "level", "position", "evidence"]
    readonly_fields = ["evidence"]
    verbose_name = gettext_lazy("judgement you record")
    verbose_name_plural = gettext_lazy("Recommendations followed up and your judgements")
    show_change_link = True

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        allowed = inspectorate_ids(request.user)
        return queryset if allowed is None else queryset.filter(recommendation__inspectorate__in=allowed)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        return type("JudgementFormSetForUser", (formset,), {"user": request.user})

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not is_published(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not is_published(obj)


class OtherJudgementInline(JudgementInlineBase):
    """Other inspectorates' judgements at the same review, for reading only."""

    fields = ["recommendation", "level", "evidence"]
    readonly_fields = fields
    verbose_name = gettext_lazy("judgement by another inspectorate")
    verbose_name_plural = gettext_lazy("Judged by other inspectorates (read only)")

    @admin.display(description=_("Evidence paragraphs"))
    def evidence(self, obj):
        return evidence_list(obj, editable=False)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        allowed = inspectorate_ids(request.user)
        return queryset.none() if allowed is None else queryset.exclude(recommendation__inspectorate__in=allowed)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- The review page: inspections with judgements, publishing --------------------------------


admin.site.unregister(Inspection)


class ReviewPublicationMixin:
    """The review page's publication box: publish, unpublish and change the publication date
    (POST-only views, each through ``findings.publishing``), and the bulk publish action."""

    # Who may publish, unpublish or change the publication date: one rule, ``publishing.may_publish``.
    def has_publish_permission(self, request, obj=None):
        return may_publish(request.user, obj)

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        wrap = self.admin_site.admin_view
        return [
            path("<path:object_id>/publish/", wrap(self.publish_view), name=f"{prefix}_publish"),
            path("<path:object_id>/unpublish/", wrap(self.unpublish_view), name=f"{prefix}_unpublish"),
            path("<path:object_id>/change-date/", wrap(self.change_date_view), name=f"{prefix}_change_date"),
        ] + super().get_urls()

    def _review_or_403(self, request, object_id):
        """The review to publish or unpublish (POST only, CSRF-checked by the admin's view
        wrapper): 404 if there is none, 403 unless the user may publish it."""
        if not str(object_id).isdigit():
            raise Http404("No such review.")
        review = get_object_or_404(Inspection.objects.select_related("establishment"), pk=object_id)
        if not self.has_publish_permission(request, review):
            raise PermissionDenied
        return review

    def _change_url(self, review):
        return reverse("admin:recommendations_inspection_change", args=[review.pk])

    def _tell(self, request, error):
        for message in error.messages:
            self.message_user(request, message, messages.ERROR)

    @method_decorator(require_POST)
    def publish_view(self, request, object_id):
        """ "Publish on [date]": today or earlier publishes at once, a later date embargoes
        (``publishing.publish_on``); with no date, the review's own date or today."""
        review = self._review_or_403(request, object_id)
        day = review.published_on
        if "publication-published_on" in request.POST:
            form = PublishOnForm(request.POST)
            if not form.is_valid():
                for errors in form.errors.values():
                    for error in errors:
                        self.message_user(request, f"{review} was not published: {error}", messages.ERROR)
                return HttpResponseRedirect(self._change_url(review))
            day = form.cleaned_data["published_on"]
        try:
            review = publish_on(review, request.user, day) if day else publish_review(review, by=request.user)
        except PublicationError as error:
            self.message_user(request, f"{review} was not published:", messages.ERROR)
            self._tell(request, error)
        else:
            self.message_user(request, published_message(review), messages.SUCCESS)
        return HttpResponseRedirect(self._change_url(review))

    @method_decorator(require_POST)
    def unpublish_view(self, request, object_id):
        review = self._review_or_403(request, object_id)
        try:
            unpublish_review(review, by=request.user, reason=request.POST.get("reason", ""))
        except PublicationError as error:
            self._tell(request, error)
        else:
            self.message_user(request, f"{review} is unpublished and back to draft.", messages.SUCCESS)
        return HttpResponseRedirect(self._change_url(review))

    @method_decorator(require_POST)
    def change_date_view(self, request, object_id):
        review = self._review_or_403(request, object_id)
        form = PublicationDateForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    self.message_user(
                        request,
                        gettext("The publication date was not changed: %(error)s") % {"error": error},
                        messages.ERROR,
                    )
            return HttpResponseRedirect(self._change_url(review))
        try:
            review = change_publication_date(
                review,
                by=request.user,
                published_on=form.cleaned_data["published_on"],
                month_only=form.cleaned_data["published_month_only"],
                reason=form.cleaned_data["reason"],
            )
        except PublicationError as error:
            self.message_user(request, gettext("The publication date was not changed:"), messages.ERROR)
            self._tell(request, error)
        else:
            self.message_user(request, date_changed_message(review), messages.SUCCESS)
        return HttpResponseRedirect(self._change_url(review))

    @admin.action(description=_("Publish the selected reviews"), permissions=["publish"])
    def publish_selected(self, request, queryset):
        for review in queryset.select_related("establishment"):
            if not self.has_publish_permission(request, review):
                self.message_user(request, f"{review}: you may not publish this review.", messages.ERROR)
                continue
            try:
                if review.kind == InspectionKind.FULL:  # a draft imported on the upload page
                    review = publish_full_inspection(review, by=request.user)
                else:
                    review = publish_review(review, by=request.user)
            except PublicationError as error:
                self.message_user(request, f"{review} was not published: " + " ".join(error.messages), messages.ERROR)
            else:
                self.message_user(request, published_message(review), messages.SUCCESS)


class PublicationFilter(admin.SimpleListFilter):
    """By what the public sees, as the Status column says it: a draft, embargoed (published, its
    date to come) or published and public (``InspectionQuerySet.published`` and ``embargoed``)."""

    title = _("status")
    parameter_name = "publication"

    def lookups(self, request, model_admin):
        return [("draft", _("Draft")), ("embargoed", _("Embargoed")), ("public", _("Published"))]

    def queryset(self, request, queryset):
        today = clock.today()
        if self.value() == "draft":
            return queryset.exclude(status=PublicationStatus.PUBLISHED)
        if self.value() == "embargoed":
            return queryset.embargoed(today)
        if self.value() == "public":
            return queryset.published(today)
        return queryset


@admin.register(Inspection)
class ReviewAdmin(ReviewPublicationMixin, InspectionAdmin):
    """An inspection's page; for a review, also its judgements, key findings and publishing."""

    change_form_template = "admin/findings/review_change_form.html"
    actions = ["publish_selected"]
    list_display = ["__str__", "kind", "publication", "visit_start"]
    list_filter = ["kind", PublicationFilter, "establishment"]

    @admin.display(description=_("Status"), ordering="status")
    def publication(self, obj):
        """Draft / Embargoed until [date] / Published: what the public sees, not only the status."""
        return publication_state(obj, clock.today())

    def get_view_on_site_url(self, obj=None):
        """ "View on site" only where the public can see the page: a draft or an embargoed
        review (or an inspection not yet public) has no public page, so no 404 link; the
        review's page offers its preview instead."""
        if obj is None or obj.status != PublicationStatus.PUBLISHED:
            return None
        if obj.published_on and obj.published_on > clock.today():
            return None
        return super().get_view_on_site_url(obj)

    def public_data_changed(self, request, objects):
        # Its dates, status or judgements may have changed: the public windows, and the cache.
        public_data_changed(reviews=[obj.pk for obj in objects if obj.pk])

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("establishment", "lead_inspectorate", "published_by")

    def get_object(self, request, object_id, from_field=None):
        """The inspection, loaded once a request (the page's context and Django's view both ask)."""
        cache = request.__dict__.setdefault("_inspection_cache", {})
        key = (str(object_id), from_field)
        if key not in cache:
            cache[key] = super().get_object(request, object_id, from_field)
        return cache[key]

    def get_inlines(self, request, obj):
        inlines = list(super().get_inlines(request, obj))
        if obj is not None and obj.is_review:
            inlines.append(JudgementInline)
            if inspectorate_ids(request.user) is not None:
                inlines.append(OtherJudgementInline)
        return inlines

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            # What decides what the public sees changes only through findings.publishing.
            fields += ["published_on", "published_month_only"]
            if is_published(obj):
                # Which prison, which kind of report and which inspection it follows up are
                # part of what was published: unpublish (with a reason) to change them.
                fields += [f for f in ("establishment", "kind", "follows_up") if f not in fields]
        if obj is not None and obj.is_review:
            fields.append("key_finding_counts")
        return fields

    @admin.display(description=_("Key findings (counted live from the judgements)"))
    def key_finding_counts(self, obj):
        rows = []
        for inspectorate, counts in key_findings(obj):
            parts = ", ".join(f"{level.label.lower()}: {n}" for level, n in counts)
            rows.append((inspectorate, parts))
        if not rows:
            return gettext("No judgement yet.")
        return format_html("<ul>{}</ul>", format_html_join("", "<li><strong>{}</strong> — {}</li>", rows))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        obj = self.get_object(request, object_id)
        if obj is not None and obj.is_review:
            allowed = inspectorate_ids(request.user)
            extra_context.update(
                is_review=True,
                is_published=is_published(obj),
                may_publish=self.has_publish_permission(request, obj),
                preview_url=settings.REVIEW_PREVIEW_URL(obj),
                publish_url=reverse("admin:recommendations_inspection_publish", args=[obj.pk]),
                unpublish_url=reverse("admin:recommendations_inspection_unpublish", args=[obj.pk]),
                change_date_url=reverse("admin:recommendations_inspection_change_date", args=[obj.pk]),
                date_form=PublicationDateForm(
                    initial={"published_on": obj.published_on, "published_month_only": obj.published_month_only}
                ),
                publish_on_form=PublishOnForm(initial={"published_on": obj.published_on or clock.today()}),
                publication_state=publication_state(obj, clock.today()),
                scales=scales_for(allowed),
                embargoed=is_published(obj) and bool(obj.published_on and obj.published_on > clock.today()),
            )
        return super().change_view(request, object_id, form_url, extra_context)


class PublicationDateForm(forms.Form):
    """The publication date (the embargo) of a review, changed with a reason kept on record."""

    published_on = forms.DateField(
        label=_("New publication date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("Enter the new publication date."), "invalid": _("Enter a real date.")},
    )
    published_month_only = forms.BooleanField(label=_("The report gives only the month of publication"), required=False)
    reason = forms.CharField(
        label=_("Reason for the change (kept on record)"),
        max_length=2000,
        required=False,  # asked only when a published date changes (publishing.change_publication_date)
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": _("The reason must be 2,000 characters or fewer.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="publication", **kwargs)

    def clean_published_on(self):
        day = self.cleaned_data["published_on"]
        refusal = publication_date_refusal(day)
        if refusal:
            raise ValidationError(refusal)
        return day


class PublishOnForm(forms.Form):
    """ "Publish on [date]" for a draft: today, or a later date (an embargo). No reason asked:
    nothing public changes until it is published."""

    published_on = forms.DateField(
        label=_("Publish on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("Enter the date to publish on."), "invalid": _("Enter a real date.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="publication", **kwargs)

    def clean_published_on(self):
        day = self.cleaned_data["published_on"]
        refusal = publication_date_refusal(day)
        if refusal:
            raise ValidationError(refusal)
        return day


def date_changed_message(review):
    """What a change of date did, truthfully: a draft is not shown to anyone yet."""
    day = date_format(review.published_on)
    if review.status != PublicationStatus.PUBLISHED:
        return f"{review} is still a draft: once published, it will be shown from {day}."
    if review.published_on > clock.today():
        return f"{review} is embargoed until {day}: the public sees it from then."
    return f"{review} is now shown from {day}."


def published_message(review):
    if review.published_on and review.published_on > clock.today():
        until = date_format(review.published_on)
        return f"{review} is published, embargoed until {until}: the public sees it from then."
    return f"{review} is published and the public can see it now."


# --- One judgement and its evidence ----------------------------------------------------------


class LevelFilter(admin.SimpleListFilter):
    """Judgements by level, each scale's levels named with their inspectorate (one query), and
    those followed up but not judged yet."""

    title = "level"
    parameter_name = "level"
    NOT_JUDGED = "none"

    def lookups(self, request, model_admin):
        levels = ProgressLevel.objects.select_related("inspectorate").order_by("inspectorate", "rank")
        return [(self.NOT_JUDGED, gettext("Not judged yet"))] + [
            (str(lvl.pk), f"{lvl.label} ({lvl.inspectorate})") for lvl in levels
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == self.NOT_JUDGED:
            return queryset.filter(level__isnull=True)
        if value and value.isdigit():
            return queryset.filter(level_id=int(value))
        return queryset


class EvidenceForm(forms.ModelForm):
    class Meta:
        model = Paragraph
        fields = ["number", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4, "cols": 80})}
        help_texts = {"number": gettext_lazy("As printed in the report, e.g. 3.9.")}


class EvidenceFormSet(BaseInlineFormSet):
    """A judgement's evidence paragraphs: numbered within the review, changed only by the
    judgement's inspectorate, and never deleted once the review is published."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.instance.inspection_id = self.instance.review_id
        form.instance.part = ParagraphPart.EVIDENCE
        return form

    @property
    def empty_form(self):
        form = super().empty_form
        form.instance.inspection_id = self.instance.review_id
        form.instance.part = ParagraphPart.EVIDENCE
        return form

    def clean(self):
        super().clean()
        judgement = self.instance
        if self.deleted_forms and is_published(judgement.review):
            raise ValidationError(
                gettext("The review is published, so its evidence cannot be deleted. Unpublish it first.")
            )
        kept = [f for f in self.forms if hasattr(f, "cleaned_data") and f not in self.deleted_forms]
        numbers = [f.cleaned_data.get("number") for f in kept if f.cleaned_data.get("number")]
        duplicates = sorted({n for n in numbers if numbers.count(n) > 1})
        if duplicates:
            raise ValidationError(
                gettext("Paragraph %(numbers)s is entered twice.") % {"numbers": ", ".join(duplicates)}
            )
        own = [f.instance.pk for f in self.forms if f.instance.pk]
        taken = set(
            Paragraph.objects.filter(inspection_id=judgement.review_id, number__in=numbers)
            .exclude(pk__in=own)
            .values_list("number", flat=True)
        )
        if taken:
            raise ValidationError(
                gettext("The review already has a paragraph %(numbers)s: give each paragraph its own number.")
                % {"numbers": ", ".join(sorted(taken))}
            )


class EvidenceInline(admin.TabularInline):
    model = Paragraph
    fk_name = "judgement"
    form = EvidenceForm
    formset = EvidenceFormSet
    fields = ["number", "text"]
    extra = 1
    verbose_name = gettext_lazy("evidence paragraph")
    verbose_name_plural = gettext_lazy("Evidence paragraphs, in order")

    def get_queryset(self, request):
        return super().get_queryset(request).order_by("section", "index")

    def _may(self, request, obj):
        return obj is None or may_judge(request.user, obj.recommendation.inspectorate_id)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._may(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may(request, obj)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj) and self._may(request, obj)
        return allowed and not (obj is not None and is_published(obj.review))


class JudgementLevelForm(forms.ModelForm):
    level = LevelChoiceField(queryset=ProgressLevel.objects.none(), required=False)
    change_reason = forms.CharField(
        label=_("Reason for the change (kept in the judgement’s history)"),
        required=False,
        max_length=100,
        help_text=_("For example, “Level corrected after the moderation meeting”."),
    )

    class Meta:
        model = Judgement
        fields = ["level", "position"]


@admin.register(Judgement)
class JudgementAdmin(HistoryAdmin):
    """One judgement: its level on its recommendation's scale, and its evidence in order.

    Judgements are added from their review's page; every inspector may read any judgement,
    and changes or deletes only their own inspectorate's.
    """

    form = JudgementLevelForm
    change_form_template = "admin/findings/judgement_change_form.html"

    def public_data_changed(self, request, objects):
        public_data_changed(reviews=[obj.review_id for obj in objects])

    list_display = ["__str__", "review", "level", "evidence_count"]
    list_filter = ["recommendation__inspectorate", LevelFilter, "review__status", "review__establishment"]
    list_select_related = ["recommendation", "level__inspectorate", "review__establishment"]
    search_fields = ["recommendation__text", "recommendation__area", "recommendation__reference"]
    readonly_fields = ["review_link", "recommendation_text"]
    fields = ["review_link", "recommendation_text", "level", "position", "change_reason"]
    inlines = [EvidenceInline]

    def save_model(self, request, obj, form, change):
        reason = (form.cleaned_data.get("change_reason") or "").strip()
        if reason:
            obj._change_reason = reason
        super().save_model(request, obj, form, change)

    history_list_display = ["level"]
    history_select_related = ["level__inspectorate"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_evidence=Count("evidence"))

    @admin.display(description=_("Evidence"), ordering="n_evidence")
    def evidence_count(self, obj):
        return obj.n_evidence

    @admin.display(description=_("Review"))
    def review_link(self, obj):
        url = reverse("admin:recommendations_inspection_change", args=[obj.review_id])
        return format_html('<a href="{}">{}</a> ({})', url, obj.review, obj.review.get_status_display())

    @admin.display(description=_("Recommendation"))
    def recommendation_text(self, obj):
        r = obj.recommendation
        return format_html("<strong>{}</strong> — judged by {}<br>{}", r.name, r.inspectorate, r.text)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None and "level" in form.base_fields:
            # The declared field is shared by every form class made from JudgementLevelForm:
            # change a copy, or one request's scale would show on another's page.
            field = form.base_fields["level"] = copy.deepcopy(form.base_fields["level"])
            field.queryset = ProgressLevel.objects.filter(inspectorate_id=obj.recommendation.inspectorate_id)
            field.help_text = gettext("A level of the %(inspectorate)s scale; definitions are below.") % {
                "inspectorate": obj.recommendation.inspectorate
            }
        return form

    def has_add_permission(self, request):
        # A judgement is added on its review's page, where the recommendations are offered.
        return False

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or may_judge(request.user, obj.recommendation.inspectorate_id))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        if obj is None:
            return allowed
        return allowed and may_judge(request.user, obj.recommendation.inspectorate_id) and not is_published(obj.review)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        extra_context = dict(extra_context or {})
        if obj is not None:
            extra_context["scales"] = scales_for([obj.recommendation.inspectorate_id])
        return super().change_view(request, object_id, form_url, extra_context)


# --- Paragraphs and notable practice ---------------------------------------------------------


class ReportTextForm(forms.ModelForm):
    """Who may write a paragraph, whatever the form posts (``paragraph_refusal``): a paragraph
    outside evidence only on an inspection the user's inspectorate leads; evidence only on a
    judgement of their own inspectorate at the same review."""

    user = None  # set by ParagraphAdmin.get_form

    def clean(self):
        cleaned = super().clean()
        inspection = cleaned.get("inspection") or getattr(self.instance, "inspection", None)
        part = cleaned.get("part", self.instance.part)
        judgement = cleaned.get("judgement", self.instance.judgement if self.instance.judgement_id else None)
        refusal = paragraph_refusal(self.user, inspection, part, judgement)
        if refusal:
            raise ValidationError(refusal)
        return cleaned


def paragraph_refusal(user, inspection, part, judgement):
    """Why ``user`` may not write a paragraph of ``part`` on ``inspection`` (for ``judgement``),
    or None: the same per-inspectorate rule as judgements, for adding, changing and deleting."""
    if inspection is None:
        return None
    if part == ParagraphPart.EVIDENCE:
        if judgement is None:
            return gettext("Evidence belongs to a judgement: choose the judgement this paragraph supports.")
        if judgement.review_id != inspection.pk:
            return gettext("Evidence belongs to a judgement of the same review.")
        if not may_judge(user, judgement.recommendation.inspectorate_id):
            return (
                f"Only {judgement.recommendation.inspectorate} inspectors write the evidence for "
                f"{judgement.recommendation.name}."
            )
        return None
    if not may_write_report_text(user, inspection):
        lead = inspection.lead_inspectorate or "the lead inspectorate"
        return f"Only {lead} inspectors write this report’s summary, key findings and notable practice."
    return None


@admin.register(Paragraph)
class ParagraphAdmin(HistoryAdmin):
    """Every numbered paragraph of a report. Evidence belongs to its judgement's inspectorate."""

    list_display = ["number", "inspection", "part", "__str__"]
    list_filter = ["part", "inspection__status", "inspection__establishment"]
    list_select_related = ["inspection__establishment"]
    search_fields = ["number", "text"]
    autocomplete_fields = ["inspection"]
    history_list_display = ["part"]

    def public_data_changed(self, request, objects):
        # Evidence of a published review is in its recommendations' search documents.
        public_data_changed(reviews={obj.inspection_id for obj in objects if obj.inspection_id})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "judgement":
            queryset = Judgement.objects.select_related("recommendation", "level", "review__establishment")
            allowed = inspectorate_ids(request.user)
            if allowed is not None:
                queryset = queryset.filter(recommendation__inspectorate__in=allowed)
            kwargs["queryset"] = queryset
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _may(self, request, obj):
        if obj is None or inspectorate_ids(request.user) is None:
            return True
        # Summary, key findings, notable practice: the lead inspectorate's text; evidence: its
        # judgement's inspectorate.
        judgement = obj.judgement if obj.judgement_id else None
        return paragraph_refusal(request.user, obj.inspection, obj.part, judgement) is None

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (ReportTextForm, form), {"user": request.user})

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may(request, obj)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj) and self._may(request, obj)
        return allowed and not (obj is not None and is_published(obj.inspection))


@admin.register(NotablePractice)
class NotablePracticeAdmin(HistoryAdmin):
    """Notable practice is report text of the lead inspectorate (``may_write_report_text``)."""

    list_display = ["__str__", "paragraph"]
    list_select_related = ["paragraph__inspection__establishment"]
    autocomplete_fields = ["paragraph"]
    search_fields = ["title", "paragraph__text"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("paragraph__inspection")

    def _may(self, request, obj):
        return obj is None or may_write_report_text(request.user, obj.paragraph.inspection)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "paragraph":
            allowed = inspectorate_ids(request.user)
            if allowed is not None:
                kwargs["queryset"] = Paragraph.objects.filter(inspection__lead_inspectorate__in=allowed)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class LeadInspectorateTextAdmin(HistoryAdmin):
    """Report text of a review outside its evidence: only the inspectorate that leads the review
    may change or delete it (``roles.may_write_report_text``), like the summary and the team."""

    def _may(self, request, obj):
        return obj is None or may_write_report_text(request.user, obj.review)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "review":
            allowed = inspectorate_ids(request.user)
            if allowed is not None:
                kwargs["queryset"] = Inspection.objects.filter(lead_inspectorate__in=allowed)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(GlossaryEntry)
class GlossaryEntryAdmin(LeadInspectorateTextAdmin):
    """A review's glossary (the report's Appendix II), as the import wrote it."""

    list_display = ["term", "review"]
    list_select_related = ["review__establishment"]
    list_filter = ["review__establishment"]
    search_fields = ["term", "definition"]
    raw_id_fields = ["review"]


@admin.register(SectionIntroduction)
class SectionIntroductionAdmin(LeadInspectorateTextAdmin):
    """What an inspectorate writes at the head of its part of a review's Section 3."""

    list_display = ["__str__", "review"]
    list_select_related = ["review__establishment", "inspectorate"]
    raw_id_fields = ["review"]

    def _may(self, request, obj):
        # Each inspectorate writes the introduction to its own part of Section 3.
        return obj is None or may_judge(request.user, obj.inspectorate_id)
