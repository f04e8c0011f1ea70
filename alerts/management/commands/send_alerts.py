"""Sends the alerts due now: what Celery beat runs on its schedule, for cron users and tests.

Followers choose to hear immediately, once a day or once a week. Each frequency's run e-mails
every subscriber with something new (public since they confirmed, and never sent to them
before) one message covering all they follow at that frequency. Celery beat runs
``--frequency immediately`` every five minutes, ``daily`` at 07:00 and ``weekly`` on Mondays at
07:15 (``CELERY_BEAT_SCHEDULE``); without a beat, run this command from cron at those times.

With REDIS_URL set, each e-mail is queued for the workers (``make worker``); without it, they
are sent here and now. Safe to run again: nothing is sent twice (``alerts.models.Delivery``).

    python manage.py send_alerts [--frequency immediately|daily|weekly] [--dry-run] [-v 2]
"""

from django.core.management.base import BaseCommand

from alerts import sending
from alerts.models import Frequency, Subscriber
from alerts.tasks import send_due_alerts


class Command(BaseCommand):
    help = "Sends the email alerts due now at one frequency (every frequency when none is given)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--frequency",
            choices=Frequency.values,
            action="append",
            help="immediately, daily or weekly; repeat for several. Default: all three.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Say who would get what; send nothing.")

    def handle(self, *args, frequency=None, dry_run=False, verbosity=1, **options):
        for chosen in frequency or Frequency.values:
            if dry_run:
                self.dry_run(chosen, verbosity)
                continue
            checked, sent = send_due_alerts(chosen)  # here; each e-mail a task (inline when eager)
            if verbosity >= 1:
                label = Frequency(chosen).label
                subscribers = f"{checked} subscriber{'s' if checked != 1 else ''} checked"
                if sent is None:
                    self.stdout.write(f"{label}: {subscribers}; their emails are queued for the workers.")
                else:
                    self.stdout.write(f"{label}: {sent} email{'s' if sent != 1 else ''} sent ({subscribers}).")

    def dry_run(self, frequency, verbosity):
        subscribers = Subscriber.objects.filter(pk__in=sending.due_subscribers(frequency)).order_by("email")
        due = 0
        for subscriber in subscribers:
            digest = sending.build_digest(subscriber, frequency)
            if digest is None:
                continue
            due += 1
            if verbosity >= 2:
                self.stdout.write(f"Would send {subscriber.email}: {digest.subject}")
        if verbosity >= 1:
            self.stdout.write(f"{Frequency(frequency).label}: would send {due} email{'s' if due != 1 else ''}.")
