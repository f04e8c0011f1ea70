"""Followers in the back office: read-only, for superusers only (no role is given these
permissions; an address is personal data, and followers change their own subscriptions through
their signed links)."""

from django.contrib import admin

from alerts.models import Delivery, Subscriber, Subscription


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class SubscriptionInline(admin.TabularInline):
    model = Subscription
    fields = ["topic", "establishment", "area_name", "frequency", "requested_at", "confirmed_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Subscriber)
class SubscriberAdmin(ReadOnly):
    list_display = ["email", "created_at"]
    search_fields = ["email"]
    fields = ["email", "created_at"]
    readonly_fields = fields
    inlines = [SubscriptionInline]


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnly):
    list_display = ["subscriber", "topic", "establishment", "area_name", "frequency", "confirmed_at"]
    list_filter = ["topic", "frequency", ("confirmed_at", admin.EmptyFieldListFilter)]
    list_select_related = ["subscriber", "establishment"]
    search_fields = ["subscriber__email", "establishment__name", "area_name"]


@admin.register(Delivery)
class DeliveryAdmin(ReadOnly):
    list_display = ["subscriber", "inspection", "frequency", "sent_at"]
    list_filter = ["frequency"]
    list_select_related = ["subscriber", "inspection__establishment"]
    search_fields = ["subscriber__email"]
    date_hierarchy = "sent_at"
