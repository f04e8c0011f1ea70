"""Followers, what they follow, and the log of what each was sent.

- A ``Subscriber`` is one e-mail address. Its ``key`` is part of every signed link it receives
  (management, unsubscribe), so deleting the subscriber makes every old link harmless. Its
  ``language`` is the interface's language when the address subscribed (and confirmed): every
  e-mail it gets, from a request or from a worker, is written in it.
- A ``Subscription`` is one thing followed (an establishment, an area, or everything new) at one
  frequency. It sends nothing until ``confirmed_at`` is set by the link in the confirmation e-mail.
- A ``Delivery`` records that an inspection was sent to a subscriber: a retried or repeated send
  finds it and sends nothing twice (``alerts.sending``).
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common import clock
from recommendations.models import Establishment, Inspection


def new_key():
    return secrets.token_urlsafe(24)


class Frequency(models.TextChoices):
    IMMEDIATELY = "immediately", _("Immediately")
    DAILY = "daily", _("Once a day")
    WEEKLY = "weekly", _("Once a week")


class Topic(models.TextChoices):
    EVERYTHING = "all", _("All new reviews and inspections")
    ESTABLISHMENT = "establishment", _("An establishment")
    AREA = "area", _("An area")


# What following everything is called inside a sentence ("e-mails about all new reviews and
# inspections"); ``Topic.EVERYTHING.label`` is its heading.
EVERYTHING_IN_A_SENTENCE = _("all new reviews and inspections")


class Subscriber(models.Model):
    """One e-mail address that follows something. Deleted with its last subscription."""

    email = models.EmailField(max_length=254, unique=True, help_text=_("Stored in lower case."))
    key = models.CharField(max_length=64, default=new_key, editable=False)
    created_at = models.DateTimeField(default=clock.now, editable=False)
    # The language code (settings.LANGUAGES) the address subscribed in; empty: the default.
    language = models.CharField(max_length=15, blank=True, default="", editable=False)

    class Meta:
        ordering = ["email"]

    def __str__(self):
        return self.email

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    @property
    def email_language(self):
        """The language its e-mails are written in: the one it subscribed in while the site still
        offers it, else the site's default."""
        offered = {code for code, _ in settings.LANGUAGES}
        return self.language if self.language in offered else settings.LANGUAGE_CODE


class SubscriptionQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)

    def pending(self):
        return self.filter(confirmed_at__isnull=True)


class Subscription(models.Model):
    """One thing a subscriber follows, and how often they hear about it."""

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="subscriptions")
    topic = models.CharField(max_length=20, choices=Topic.choices)
    establishment = models.ForeignKey(Establishment, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    # An area is named by the words of the reports (Recommendation.area); its slug is the key of
    # the public area page (public/compare.py), the name is kept to show it.
    area_slug = models.SlugField(max_length=200, blank=True)
    area_name = models.CharField(max_length=200, blank=True)
    frequency = models.CharField(max_length=20, choices=Frequency.choices, default=Frequency.DAILY)
    requested_at = models.DateTimeField(default=clock.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # Nothing public before this moment is news to this subscription (set when confirmed).
    news_since = models.DateTimeField(null=True, blank=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["subscriber", "topic", "area_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber"], condition=Q(topic=Topic.EVERYTHING), name="alerts_follow_everything_once"
            ),
            models.UniqueConstraint(
                fields=["subscriber", "establishment"],
                condition=Q(topic=Topic.ESTABLISHMENT),
                name="alerts_follow_establishment_once",
            ),
            models.UniqueConstraint(
                fields=["subscriber", "area_slug"], condition=Q(topic=Topic.AREA), name="alerts_follow_area_once"
            ),
            models.CheckConstraint(
                condition=(Q(topic=Topic.ESTABLISHMENT) & Q(establishment__isnull=False))
                | (~Q(topic=Topic.ESTABLISHMENT) & Q(establishment__isnull=True)),
                name="alerts_establishment_only_for_establishment_topic",
            ),
            models.CheckConstraint(
                condition=(Q(topic=Topic.AREA) & ~Q(area_slug="")) | (~Q(topic=Topic.AREA) & Q(area_slug="")),
                name="alerts_area_only_for_area_topic",
            ),
            models.CheckConstraint(
                condition=Q(confirmed_at__isnull=True) | Q(news_since__isnull=False),
                name="alerts_confirmed_has_news_since",
            ),
        ]
        indexes = [
            # Each scheduled run reads the confirmed subscriptions of one frequency.
            models.Index(fields=["frequency", "confirmed_at"], name="alerts_subscription_due_idx"),
        ]

    def __str__(self):
        return f"{self.subscriber}: {self.title}"

    @property
    def title(self):
        """What is followed, as pages and e-mails name it."""
        if self.topic == Topic.ESTABLISHMENT:
            return self.establishment.name
        if self.topic == Topic.AREA:
            return self.area_name
        return Topic.EVERYTHING.label

    @property
    def about(self):
        """What is followed, inside a sentence: the title, but everything new in lower case."""
        return EVERYTHING_IN_A_SENTENCE if self.topic == Topic.EVERYTHING else self.title

    @property
    def is_confirmed(self):
        return self.confirmed_at is not None

    def confirm(self, now=None):
        """Starts sending: what becomes public from now on is news to this subscription."""
        if self.confirmed_at is None:
            now = now or clock.now()
            self.confirmed_at = now
            self.news_since = now
            self.save(update_fields=["confirmed_at", "news_since"])


class Delivery(models.Model):
    """One inspection sent to one subscriber: the send log that makes sending idempotent."""

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="+")
    frequency = models.CharField(max_length=20, choices=Frequency.choices)
    sent_at = models.DateTimeField(default=clock.now)
    message_id = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-sent_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["subscriber", "inspection"], name="alerts_inspection_sent_once"),
        ]

    def __str__(self):
        return f"{self.inspection} to {self.subscriber} ({self.sent_at.date().isoformat()})"
