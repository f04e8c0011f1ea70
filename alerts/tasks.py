"""Alerts as background work (Celery): the scheduled runs and each e-mail.

``send_due_alerts(frequency)`` is what Celery beat runs (``CELERY_BEAT_SCHEDULE`` in settings) and
what ``manage.py send_alerts`` runs: it finds who may have something due and queues one
``send_alerts_to`` per subscriber, so any number of workers share the sending. Each e-mail is a
task of its own, retried with exponential back-off when the mail server fails, and rate-limited
per worker (``ALERTS_SEND_RATE_LIMIT``); the send log (``alerts.models.Delivery``) makes a
retried task send nothing twice.
"""

import smtplib

from celery import shared_task
from celery.result import EagerResult
from django.conf import settings

from alerts import sending, subscribing

# What a mail server's failure looks like: retried; anything else is a bug and fails the task.
RETRIED = (smtplib.SMTPException, ConnectionError, TimeoutError, OSError)
RETRY = {
    "autoretry_for": RETRIED,
    "retry_backoff": 30,  # seconds before the first retry, doubling each time
    "retry_backoff_max": 60 * 60,
    "retry_jitter": True,
    "max_retries": 8,
    "rate_limit": settings.ALERTS_SEND_RATE_LIMIT,
}


@shared_task(name="alerts.send_due_alerts", ignore_result=True)
def send_due_alerts(frequency):
    """Queues an e-mail for every subscriber who may have something due at ``frequency``, and
    forgets subscriptions nobody confirmed in time. Returns (subscribers checked, e-mails sent),
    the second None when the e-mails went to the workers' queue (it is known only when eager)."""
    sending.forget_unconfirmed()
    subscribers = sending.due_subscribers(frequency)
    results = [send_alerts_to.delay(subscriber_id, frequency) for subscriber_id in subscribers]
    if results and not all(isinstance(result, EagerResult) for result in results):
        return len(subscribers), None
    return len(subscribers), sum(1 for result in results if result.result)


@shared_task(name="alerts.send_alerts_to", ignore_result=True, **RETRY)
def send_alerts_to(subscriber_id, frequency):
    """Sends one subscriber what is due at ``frequency``, once; returns how many inspections it listed."""
    return sending.send_digest(subscriber_id, frequency)


@shared_task(name="alerts.send_confirmation_email", ignore_result=True, **RETRY)
def send_confirmation_email(subscription_id):
    return subscribing.confirmation_email(subscription_id)


@shared_task(name="alerts.send_already_following_email", ignore_result=True, **RETRY)
def send_already_following_email(subscription_id):
    return subscribing.already_following_email(subscription_id)


@shared_task(name="alerts.send_manage_link_email", ignore_result=True, **RETRY)
def send_manage_link_email(subscriber_id):
    return subscribing.manage_link_email(subscriber_id)
