"""The leaders' background work (Celery): the daily reminders, on Celery beat's schedule."""

import logging
import smtplib
from io import StringIO

from celery import shared_task
from django.core.management import call_command

from leaders.management.commands.send_action_reminders import SendFailed

logger = logging.getLogger(__name__)


@shared_task(
    name="leaders.send_action_reminders",
    autoretry_for=(SendFailed, smtplib.SMTPException, ConnectionError, TimeoutError, OSError),
    retry_backoff=60,
    retry_backoff_max=60 * 60,
    retry_jitter=True,
    max_retries=6,
)
def send_action_reminders():
    """Runs ``send_action_reminders`` (its e-mails paced by ``ALERTS_SEND_RATE_LIMIT``); returns
    what it said (who was sent what, and what could not be sent, and why). When the mail server
    refused some digests, it logs what the command said and fails, and Celery retries it with
    back-off: the log of digests sent today (``ReminderLog``, written with each e-mail) makes the
    retry send only those."""
    out = StringIO()
    try:
        call_command("send_action_reminders", stdout=out)
    except SendFailed:
        logger.warning("Reminders: %s", out.getvalue().strip())
        raise
    return out.getvalue()
