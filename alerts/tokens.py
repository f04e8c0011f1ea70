"""The signed links of alerts: confirm a subscription, manage them all, unsubscribe in one click.

Each token is signed with the site's secret key and a salt of its own, and carries the
subscriber's random ``key``: a link works only for the subscriber it was made for, and stops
working when the subscriber is deleted (a new subscriber with the same address gets a new key).
A confirmation link expires after ``CONFIRM_MAX_AGE``; management and unsubscribe links, sent in
every alert, last as long as the subscriber does.
"""

from django.core import signing

from alerts.models import Subscriber, Subscription

CONFIRM_SALT = "alerts.confirm"
MANAGE_SALT = "alerts.manage"
UNSUBSCRIBE_SALT = "alerts.unsubscribe"
CONFIRM_MAX_AGE = 7 * 24 * 60 * 60  # a week, in seconds


class BadToken(Exception):
    """The link is forged, damaged, expired, or its subscriber no longer exists."""


def confirm_token(subscription):
    return signing.dumps([subscription.pk, subscription.subscriber.key], salt=CONFIRM_SALT, compress=True)


def read_confirm_token(token):
    """The pending or confirmed subscription ``token`` names (its subscriber and establishment joined)."""
    try:
        pk, key = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError):
        raise BadToken from None
    subscription = (
        Subscription.objects.select_related("subscriber", "establishment").filter(pk=pk, subscriber__key=key).first()
    )
    if subscription is None:
        raise BadToken
    return subscription


def manage_token(subscriber):
    return signing.dumps([subscriber.pk, subscriber.key], salt=MANAGE_SALT, compress=True)


def read_manage_token(token):
    try:
        pk, key = signing.loads(token, salt=MANAGE_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        raise BadToken from None
    subscriber = Subscriber.objects.filter(pk=pk, key=key).first()
    if subscriber is None:
        raise BadToken
    return subscriber


def unsubscribe_token(subscriber, subscriptions):
    """Names the subscriptions one e-mail was sent for: its one-click unsubscribe ends those."""
    ids = sorted(s.pk for s in subscriptions)
    return signing.dumps([subscriber.pk, subscriber.key, ids], salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token):
    """(subscriber key, subscriber id, subscription ids); the subscriber may be gone already."""
    try:
        pk, key, ids = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        raise BadToken from None
    if not isinstance(ids, list) or not all(isinstance(i, int) for i in ids):
        raise BadToken
    return pk, key, ids
