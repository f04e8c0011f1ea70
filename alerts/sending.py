"""What each follower is told, and sending it exactly once.

What is public is decided only by ``Inspection.objects.published(today)`` (and, for what a
review found, ``Judgement.objects.published(today)``): an embargoed review is in no alert before
its publication date, a draft never, and an unpublished one is in no alert sent after it was
taken back. Everything is read again at the moment of sending, so a digest queued before an
unpublishing carries nothing it took back.

*News* for a subscription is whatever became public after the subscription was confirmed: a
review becomes public at the later of the moment it was published and the start of its
publication date. Each inspection is sent to a subscriber once (``Delivery``), whichever of their
subscriptions and frequencies finds it first.

One e-mail per subscriber per run of a frequency covers every subscription they have at that
frequency, grouped by what they follow: establishments, then areas, then everything new. An
inspection found by several subscriptions is listed once, under the first.
"""

import datetime
import logging
from dataclasses import dataclass, field
from email.utils import make_msgid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext, ngettext

from alerts import tokens
from alerts.models import Delivery, Frequency, Subscriber, Subscription, Topic
from common import clock
from findings.models import Judgement, published_recommendations
from recommendations.models import HealthyPrisonScore, Inspection, InspectionKind, RecommendationKind

logger = logging.getLogger(__name__)

TOPIC_ORDER = {Topic.ESTABLISHMENT: 0, Topic.AREA: 1, Topic.EVERYTHING: 2}


def absolute(path):
    """``path`` on the site's public address (``DJANGO_SITE_URL``), for links in e-mails."""
    return settings.SITE_URL.rstrip("/") + path


def became_public(inspection):
    """The moment ``inspection`` became (or becomes) public: the later of the moment it was
    published and the start of its publication date (its embargo)."""
    moments = []
    if inspection.published_on:
        start = datetime.datetime.combine(inspection.published_on, datetime.time.min)
        moments.append(timezone.make_aware(start))
    if inspection.published_at:
        moments.append(inspection.published_at)
    return max(moments) if moments else None


def news(today, since):
    """Inspections public ``today`` that may have become public after ``since`` (a superset:
    ``became_public`` decides exactly, in Python)."""
    since_day = timezone.localdate(since)
    return (
        Inspection.objects.published(today)
        .filter(Q(published_at__gte=since) | Q(published_on__gte=since_day))
        .select_related("establishment")
    )


@dataclass
class Item:
    """One inspection as an alert tells it."""

    inspection: Inspection
    title: str
    url: str
    published: str
    lines: list = field(default_factory=list)  # judgements (or recommendations) in brief
    area_lines: dict = field(default_factory=dict)  # area slug → that area's lines

    @property
    def pk(self):
        return self.inspection.pk


@dataclass
class Group:
    subscription: Subscription
    items: list


@dataclass
class Digest:
    subscriber: Subscriber
    frequency: str
    groups: list
    subscriptions: list

    @property
    def followed(self):
        """What the subscriber follows at this frequency, as the e-mail's footer names it."""
        return ", ".join(str(s.about) for s in self.subscriptions)

    @property
    def items(self):
        return [item for group in self.groups for item in group.items]

    @property
    def subject(self):
        items = self.items
        if len(items) == 1:
            return gettext("Published: %(title)s") % {"title": items[0].title}
        count = {"count": len(items)}
        # Whole sentences, each with its plural forms (a digest holds two or more; Welsh has a
        # form for two).
        if self.frequency == Frequency.DAILY:
            return (
                ngettext(
                    "Daily digest: %(count)d new review or inspection",
                    "Daily digest: %(count)d new reviews and inspections",
                    len(items),
                )
                % count
            )
        if self.frequency == Frequency.WEEKLY:
            return (
                ngettext(
                    "Weekly digest: %(count)d new review or inspection",
                    "Weekly digest: %(count)d new reviews and inspections",
                    len(items),
                )
                % count
            )
        return (
            ngettext(
                "Published: %(count)d new review or inspection",
                "Published: %(count)d new reviews and inspections",
                len(items),
            )
            % count
        )


def inspection_title(inspection):
    names = {"establishment": inspection.establishment.name, "kind": inspection.get_kind_display().lower()}
    if inspection.year:
        # "HMP Belmarsh: independent review of progress 2022"
        return gettext("%(establishment)s: %(kind)s %(year)s") % {**names, "year": inspection.year}
    return gettext("%(establishment)s: %(kind)s") % names


def published_display(inspection):
    if inspection.published_on:
        return inspection.publication_date_display
    if inspection.published_at:
        return date_format(timezone.localdate(inspection.published_at))
    return ""


def describe(inspections, today):
    """An ``Item`` for each inspection, with what it found in brief: three queries at most (the
    reviews' published judgements, the full inspections' recommendations and their scores)."""
    items = {}
    for inspection in inspections:
        # A review's page, or a full inspection's own page (the same address scheme).
        items[inspection.pk] = Item(
            inspection=inspection,
            title=inspection_title(inspection),
            url=absolute(inspection.get_absolute_url()),
            published=published_display(inspection),
        )
    reviews = [pk for pk, item in items.items() if item.inspection.kind == InspectionKind.IRP]
    full = [pk for pk in items if pk not in reviews]
    if reviews:
        judgements = (
            Judgement.objects.published(today)
            .filter(review__in=reviews, level__isnull=False)
            .select_related("level", "recommendation__inspectorate")
            .order_by("review_id", "position", "pk")
        )
        counts = {}
        for judgement in judgements:
            item = items[judgement.review_id]
            recommendation = judgement.recommendation
            key = (recommendation.inspectorate.short_name, judgement.level.rank, judgement.level.label)
            counts.setdefault(item.pk, {}).setdefault(key, 0)
            counts[item.pk][key] += 1
            line = gettext("%(recommendation)s: %(judgement)s") % {
                "recommendation": recommendation.name,
                "judgement": judgement.level.label,
            }
            item.area_lines.setdefault(slugify(recommendation.area), []).append(line)
        for pk, found in counts.items():
            by_inspectorate = {}
            for (inspectorate, _, label), n in sorted(found.items(), key=lambda kv: (kv[0][0], -kv[0][1])):
                by_inspectorate.setdefault(inspectorate, []).append(f"{n} {label.lower()}")
            items[pk].lines = [f"{name}: {', '.join(parts)}" for name, parts in by_inspectorate.items()]
    if full:
        made = {}
        # What the inspection itself made: not the themes another inspectorate followed up at its
        # review, which are listed beside it on its page but were never made by it.
        public = published_recommendations(today).filter(inspection__in=full).exclude(kind=RecommendationKind.THEME)
        for recommendation in public.order_by("inspection", "position"):
            made.setdefault(recommendation.inspection_id, []).append(recommendation)
            area = f"{recommendation.area} ({recommendation.label})" if recommendation.label else recommendation.area
            if recommendation.kind == RecommendationKind.CONCERN:
                if recommendation.priority:
                    line = gettext("%(area)s: a key concern (a priority)") % {"area": area}
                else:
                    line = gettext("%(area)s: a key concern") % {"area": area}
            elif recommendation.priority:
                line = gettext("%(area)s: recommended (a priority)") % {"area": area}
            else:
                line = gettext("%(area)s: recommended") % {"area": area}
            items[recommendation.inspection_id].area_lines.setdefault(slugify(recommendation.area), []).append(line)
        scores = {}
        for score in HealthyPrisonScore.objects.filter(inspection__in=full).order_by("inspection", "test"):
            scores.setdefault(score.inspection_id, []).append(
                gettext("%(test)s: %(score)s of 4") % {"test": score.get_test_display(), "score": score.score}
            )
        for pk in full:
            recommendations = made.get(pk, [])
            priorities = sum(r.priority for r in recommendations)
            if recommendations and all(r.kind == RecommendationKind.CONCERN for r in recommendations):
                # From May 2022 a full inspection names key concerns and recommends nothing.
                summary = ngettext("%(count)d key concern", "%(count)d key concerns", len(recommendations)) % {
                    "count": len(recommendations)
                }
            else:
                summary = ngettext(
                    "%(count)d recommendation made", "%(count)d recommendations made", len(recommendations)
                ) % {"count": len(recommendations)}
            if priorities:
                # "3 recommendations made, 1 of them priority"
                summary = ngettext(
                    "%(made)s, %(priorities)d of them priority",
                    "%(made)s, %(priorities)d of them priorities",
                    priorities,
                ) % {"made": summary, "priorities": priorities}
            lines = [summary]
            items[pk].lines = lines + scores.get(pk, [])
    return items


def matches(subscription, item):
    inspection = item.inspection
    if subscription.topic == Topic.ESTABLISHMENT:
        return inspection.establishment_id == subscription.establishment_id
    if subscription.topic == Topic.AREA:
        return subscription.area_slug in item.area_lines
    return True


def build_digest(subscriber, frequency, today=None):
    """The e-mail ``subscriber`` is due at ``frequency`` now, or None when nothing is due."""
    today = today or clock.today()
    subscriptions = sorted(
        Subscription.objects.confirmed()
        .filter(subscriber=subscriber, frequency=frequency)
        .select_related("establishment"),
        key=lambda s: (TOPIC_ORDER[s.topic], s.title.lower()),
    )
    if not subscriptions:
        return None
    since = min(s.news_since for s in subscriptions)
    candidates = [i for i in news(today, since) if became_public(i) and became_public(i) >= since]
    if not candidates:
        return None
    sent = set(
        Delivery.objects.filter(subscriber=subscriber, inspection__in=[i.pk for i in candidates]).values_list(
            "inspection_id", flat=True
        )
    )
    candidates = [i for i in candidates if i.pk not in sent]
    if not candidates:
        return None
    candidates.sort(key=lambda i: (became_public(i), i.establishment.name, i.pk))
    items = describe(candidates, today)
    placed, groups = set(), []
    for subscription in subscriptions:
        found = [
            items[i.pk]
            for i in candidates
            if i.pk not in placed and became_public(i) >= subscription.news_since and matches(subscription, items[i.pk])
        ]
        placed.update(item.pk for item in found)
        if found:
            groups.append(Group(subscription, found))
    if not groups:
        return None
    return Digest(subscriber, frequency, groups, subscriptions)


def _message_id():
    return make_msgid(domain=urlsplit(settings.SITE_URL).hostname or "localhost")


def unsubscribe_url(subscriber, subscriptions):
    return absolute(reverse("alerts:unsubscribe", args=[tokens.unsubscribe_token(subscriber, subscriptions)]))


def manage_url(subscriber):
    return absolute(reverse("alerts:manage", args=[tokens.manage_token(subscriber)]))


def render_digest(digest):
    """The e-mail: a plain-text part, an accessible HTML part, and the RFC 8058 headers."""
    subscriber = digest.subscriber
    unsubscribe = unsubscribe_url(subscriber, digest.subscriptions)
    context = {
        "digest": digest,
        "groups": digest.groups,
        "frequency": Frequency(digest.frequency),
        "manage_url": manage_url(subscriber),
        "unsubscribe_url": unsubscribe,
        "service_name": settings.SERVICE_NAME,
        "site_url": settings.SITE_URL,
        "subject": digest.subject,
    }
    message = EmailMultiAlternatives(
        subject=digest.subject,
        body=render_to_string("alerts/email/digest.txt", context),
        to=[subscriber.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": f"{settings.SERVICE_NAME} alerts <alerts.{urlsplit(settings.SITE_URL).hostname or 'localhost'}>",
            "Auto-Submitted": "auto-generated",
            "Message-ID": _message_id(),
        },
    )
    message.attach_alternative(render_to_string("alerts/email/digest.html", context), "text/html")
    return message


def send_digest(subscriber_id, frequency, today=None):
    """Sends ``subscriber_id`` what is due at ``frequency``, once: the deliveries are written in
    the same transaction as the e-mail is sent, so a failed send writes nothing (and is retried)
    and a retried or repeated send finds the log and sends nothing. Returns how many inspections
    the e-mail listed (0 when none was sent)."""
    with transaction.atomic():
        # Locks the subscriber: two workers given the same subscriber send one e-mail between them.
        subscriber = Subscriber.objects.select_for_update().filter(pk=subscriber_id).first()
        if subscriber is None:
            return 0
        # In the subscriber's language, whichever language the worker or command runs in.
        with translation.override(subscriber.email_language):
            digest = build_digest(subscriber, frequency, today)
            if digest is None:
                return 0
            message = render_digest(digest)
        now = clock.now()
        Delivery.objects.bulk_create(
            [
                Delivery(
                    subscriber=subscriber,
                    inspection=item.inspection,
                    frequency=frequency,
                    sent_at=now,
                    message_id=message.extra_headers["Message-ID"],
                )
                for item in digest.items
            ]
        )
        message.send()
        return len(digest.items)


def due_subscribers(frequency, today=None):
    """The subscribers who may have something due at ``frequency``: those with a confirmed
    subscription at it and something public since. Two queries; ``send_digest`` decides exactly."""
    today = today or clock.today()
    subscriptions = list(
        Subscription.objects.confirmed().filter(frequency=frequency).values_list("subscriber_id", "news_since")
    )
    if not subscriptions:
        return []
    since = min(news_since for _, news_since in subscriptions)
    moments = [became_public(i) for i in news(today, since)]
    moments = [m for m in moments if m]
    if not moments:
        return []
    latest = max(moments)
    return sorted({subscriber for subscriber, news_since in subscriptions if news_since <= latest})


def forget_unconfirmed(now=None):
    """Deletes subscriptions never confirmed within the confirmation link's life, and
    subscribers left with no subscription: an address nobody confirmed is not kept."""
    now = now or clock.now()
    limit = now - datetime.timedelta(seconds=tokens.CONFIRM_MAX_AGE)
    expired, _ = Subscription.objects.pending().filter(requested_at__lt=limit).delete()
    orphans, _ = Subscriber.objects.filter(subscriptions__isnull=True, created_at__lt=limit).delete()
    return expired, orphans
