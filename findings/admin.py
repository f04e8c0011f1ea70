from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from findings.models import Judgement, NotablePractice, Paragraph, ProgressLevel


@admin.register(ProgressLevel)
class ProgressLevelAdmin(admin.ModelAdmin):
    list_display = ["label", "inspectorate", "rank"]
    list_filter = ["inspectorate"]
    list_select_related = ["inspectorate"]
    search_fields = ["label", "definition"]


class EvidenceInline(admin.TabularInline):
    model = Paragraph
    fields = ["number", "text"]
    extra = 0


@admin.register(Judgement)
class JudgementAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "review", "level"]
    list_filter = ["level__inspectorate", "level", "review__establishment"]
    list_select_related = ["recommendation", "level__inspectorate", "review__establishment"]
    search_fields = ["recommendation__text", "recommendation__area"]
    autocomplete_fields = ["review", "recommendation"]
    inlines = [EvidenceInline]


@admin.register(Paragraph)
class ParagraphAdmin(SimpleHistoryAdmin):
    list_display = ["number", "inspection", "part", "__str__"]
    list_filter = ["part", "inspection__establishment"]
    list_select_related = ["inspection__establishment"]
    search_fields = ["number", "text"]
    autocomplete_fields = ["inspection", "judgement"]


@admin.register(NotablePractice)
class NotablePracticeAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "paragraph"]
    list_select_related = ["paragraph__inspection__establishment"]
    autocomplete_fields = ["paragraph"]
