"""Following, confirming, changing and stopping: every change to a subscription, in one place.

Double opt-in: asking to follow something writes a pending subscription and e-mails a signed
link; nothing is sent to the address until the link is followed. Asking again for something
already followed sends the management link instead, so a stranger who types someone's address
learns nothing and changes nothing. At most ``MAX_REQUESTS_PER_HOUR`` such e-mails go to one
address in an hour, whoever asks.
"""

import hashlib
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext

from alerts import tokens
from alerts.models import EVERYTHING_IN_A_SENTENCE, Frequency, Subscriber, Subscription, Topic
from alerts.sending import absolute, manage_url
from common import clock, throttle
from findings.models import published_recommendations
from recommendations.models import Establishment, Inspection

logger = logging.getLogger(__name__)

MAX_REQUESTS_PER_HOUR = 5  # e-mails asked for one address
# Requests for e-mails from one network address, to any addresses: a page that sends mail to
# whatever address is typed is otherwise a way to send a stranger mail, one address after another.
MAX_REQUESTS_FROM_ONE_PLACE_PER_HOUR = 30


def too_many_from(address):
    """True when the network ``address`` asked for more than ``MAX_REQUESTS_FROM_ONE_PLACE_PER_HOUR``
    confirmation or management e-mails this hour, to whatever addresses (hashed in the cache)."""
    key = f"alerts:from:{hashlib.sha256(address.encode()).hexdigest()[:32]}"
    return throttle.tries(key, 60 * 60) > MAX_REQUESTS_FROM_ONE_PLACE_PER_HOUR


@dataclass
class Target:
    """Something one may follow: everything new, an establishment, or an area."""

    topic: str
    establishment: Establishment | None = None
    area_slug: str = ""
    area_name: str = ""

    @property
    def title(self):
        if self.topic == Topic.ESTABLISHMENT:
            return self.establishment.name
        if self.topic == Topic.AREA:
            return self.area_name
        return Topic.EVERYTHING.label

    @property
    def about(self):
        """What is followed, inside a sentence (``Subscription.about``)."""
        return EVERYTHING_IN_A_SENTENCE if self.topic == Topic.EVERYTHING else self.title

    @property
    def lookup(self):
        if self.topic == Topic.ESTABLISHMENT:
            return {"topic": self.topic, "establishment": self.establishment}
        if self.topic == Topic.AREA:
            return {"topic": self.topic, "area_slug": self.area_slug}
        return {"topic": self.topic}

    @property
    def page_url(self):
        """The public page this target belongs to."""
        if self.topic == Topic.ESTABLISHMENT:
            return self.establishment.get_absolute_url()
        if self.topic == Topic.AREA:
            return reverse("public:compare-area", kwargs={"slug": self.area_slug})
        return reverse("public:home")


def public_establishment(slug, today=None):
    """The establishment ``slug`` names if the public can see it (it has a published inspection), or None."""
    published = Inspection.objects.published(today or clock.today()).filter(establishment=OuterRef("pk"))
    return Establishment.objects.filter(Exists(published), slug=slug).first()


def public_area(slug, today=None):
    """(slug, name) of the area of published recommendations whose slug is ``slug``, or None:
    the same rule as the area's public page (``findings.models.published_recommendations``)."""
    areas = published_recommendations(today or clock.today()).order_by("area").values_list("area", flat=True).distinct()
    name = next((area for area in areas if (slugify(area) or "-") == slug), None)
    return (slug, name) if name else None


def _throttled(email):
    """True when ``email`` was sent ``MAX_REQUESTS_PER_HOUR`` confirmation or reminder e-mails this hour."""
    # The address is hashed: the shared cache (Redis) holds no list of who asked for e-mails.
    key = f"alerts:requests:{hashlib.sha256(email.encode()).hexdigest()[:32]}"
    return throttle.tries(key, 60 * 60) > MAX_REQUESTS_PER_HOUR


def request_subscription(email, target, frequency):
    """Someone asked to follow ``target`` at ``frequency`` with ``email``: writes a pending
    subscription and e-mails the confirmation link (or, if already followed, the management
    link). Returns what was e-mailed: "confirm", "already", or "throttled" (nothing)."""
    email = email.strip().lower()
    if _throttled(email):
        logger.warning("Alerts: too many requests for one address this hour; no email sent.")
        return "throttled"
    with transaction.atomic():
        # The language of the page they subscribed on: their e-mails are written in it.
        subscriber, _ = Subscriber.objects.get_or_create(email=email, defaults={"language": current_language()})
        subscription = Subscription.objects.select_for_update().filter(subscriber=subscriber, **target.lookup).first()
        already = subscription is not None and subscription.is_confirmed
        if not already:
            if subscription is None:
                subscription = Subscription(subscriber=subscriber, **target.lookup)
                subscription.area_name = target.area_name
            subscription.frequency = frequency
            subscription.requested_at = clock.now()
            subscription.save()
    # Queued once the rows are committed (the views run outside any transaction), so a worker
    # on another machine finds them.
    if already:
        send_already_following(subscription.pk)
        return "already"
    send_confirmation(subscription.pk)
    return "confirm"


def current_language():
    """The language of the request being answered (LocaleMiddleware's choice), as recorded on a subscriber."""
    return translation.get_language() or ""


def _send(subject, template, context, to):
    context = {**context, "service_name": settings.SERVICE_NAME, "subject": subject}
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"alerts/email/{template}.txt", context),
        to=[to],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(render_to_string(f"alerts/email/{template}.html", context), "text/html")
    message.send()


def send_confirmation(subscription_id):
    """E-mails the signed confirmation link of a pending subscription (through the task queue)."""
    from alerts.tasks import send_confirmation_email

    send_confirmation_email.delay(subscription_id)


def send_already_following(subscription_id):
    from alerts.tasks import send_already_following_email

    send_already_following_email.delay(subscription_id)


def confirmation_email(subscription_id):
    """Sends the confirmation e-mail now; nothing if the subscription is gone or confirmed."""
    subscription = Subscription.objects.select_related("subscriber", "establishment").filter(pk=subscription_id).first()
    if subscription is None or subscription.is_confirmed:
        return False
    url = absolute(reverse("alerts:confirm", args=[tokens.confirm_token(subscription)]))
    with translation.override(subscription.subscriber.email_language):
        _send(
            gettext("Confirm that you want emails about %(title)s") % {"title": subscription.about},
            "confirm",
            {"subscription": subscription, "confirm_url": url, "frequency": Frequency(subscription.frequency)},
            subscription.subscriber.email,
        )
    return True


def already_following_email(subscription_id):
    subscription = Subscription.objects.select_related("subscriber", "establishment").filter(pk=subscription_id).first()
    if subscription is None:
        return False
    with translation.override(subscription.subscriber.email_language):
        _send(
            gettext("You already get emails about %(title)s") % {"title": subscription.about},
            "already",
            {
                "subscription": subscription,
                "manage_url": manage_url(subscription.subscriber),
                "frequency": Frequency(subscription.frequency),
            },
            subscription.subscriber.email,
        )
    return True


def request_manage_link(email):
    """E-mails the management link to ``email`` if it follows anything; says nothing either way."""
    email = email.strip().lower()
    subscriber = Subscriber.objects.filter(email=email).first()
    if subscriber is None or _throttled(email):
        return False
    from alerts.tasks import send_manage_link_email

    send_manage_link_email.delay(subscriber.pk)
    return True


def manage_link_email(subscriber_id):
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None:
        return False
    with translation.override(subscriber.email_language):
        _send(
            gettext("Change or stop your emails"),
            "manage_link",
            {"subscriber": subscriber, "manage_url": manage_url(subscriber)},
            subscriber.email,
        )
    return True


@transaction.atomic
def confirm(subscription, language=None):
    """Confirms ``subscription``; ``language``, the one the owner of the address confirmed in,
    becomes the language of their e-mails."""
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    subscription.confirm()
    if language is not None:
        Subscriber.objects.filter(pk=subscription.subscriber_id).exclude(language=language).update(language=language)
    return subscription


@transaction.atomic
def change_frequency(subscription, frequency):
    Subscription.objects.filter(pk=subscription.pk).update(frequency=frequency)


@transaction.atomic
def unsubscribe(subscriber_id, key, subscription_ids=None):
    """Ends the subscriptions named (all of the subscriber's when None); forgets the address with
    its last subscription. Returns the titles of what was ended (empty if nothing was left)."""
    subscriber = Subscriber.objects.select_for_update().filter(pk=subscriber_id, key=key).first()
    if subscriber is None:
        return []
    ended = subscriber.subscriptions.select_related("establishment")
    if subscription_ids is not None:
        ended = ended.filter(pk__in=subscription_ids)
    titles = [s.about for s in ended]
    ended.delete()
    if not subscriber.subscriptions.exists():
        subscriber.delete()
    return titles


def still_following(subscriber_id, key, subscription_ids):
    """The subscriptions an unsubscribe link names that still exist."""
    return list(
        Subscription.objects.filter(
            subscriber_id=subscriber_id, subscriber__key=key, pk__in=subscription_ids
        ).select_related("establishment")
    )
