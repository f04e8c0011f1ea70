"""The leaders' background work (Celery): the daily reminders, on Celery beat's schedule."""

import smtplib
from io import StringIO

from celery import shared_task
from django.core.management import call_command


@shared_task(
    name="leaders.send_action_reminders",
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError, OSError),
    retry_backoff=60,
    retry_backoff_max=60 * 60,
    retry_jitter=True,
    max_retries=6,
)
def send_action_reminders():
    """Runs ``send_action_reminders``; returns what it said (who was sent what, and what could
    not be sent, and why). Its log of digests sent today makes a retry send nothing twice."""
    out = StringIO()
    call_command("send_action_reminders", stdout=out)
    return out.getvalue()
