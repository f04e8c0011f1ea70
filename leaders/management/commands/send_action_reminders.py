"""Sends each establishment's leaders one e-mail digest of the actions overdue or due soon.

The Belmarsh review found actions nobody was following up for weeks. This command, run once a
day from cron, tells every leader of an establishment which of its live actions (not done, not
dropped) are past their target date or due within the next 14 days, in one e-mail per leader
per establishment, through Django's e-mail framework (the console unless ``DJANGO_EMAIL_HOST``
is set). It is safe to run more than once a day: each digest sent is recorded in
``ReminderLog``, and a leader who already had today's digest about an establishment gets
nothing more. ``--dry-run`` says what it would send and sends and records nothing.

    .venv/bin/python manage.py send_action_reminders [--dry-run] [-v 2]
"""

from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Prefetch
from django.template.loader import render_to_string

from common import clock
from recommendations import actions as domain
from recommendations.models import Action, Establishment, ReminderLog
from recommendations.roles import GROUP_NAMES, Role


class Command(BaseCommand):
    help = "E-mails each establishment's leaders a digest of actions overdue or due in the next 14 days (once a day)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Say what would be sent; send and record nothing.")

    @transaction.atomic
    def handle(self, *args, dry_run=False, verbosity=1, **options):
        today = clock.today()
        days = domain.REMIND_DAYS_AHEAD
        due = (
            (Action.objects.overdue(today) | Action.objects.due_within(today, days))
            .select_related("recommendation__inspection")
            .order_by("target_date", "pk")
        )
        by_establishment = {}
        for action in due:
            by_establishment.setdefault(action.recommendation.inspection.establishment_id, []).append(action)

        leaders = (
            get_user_model()
            .objects.filter(is_active=True, groups__name=GROUP_NAMES[Role.LEADER])
            .order_by("username")
            .distinct()
        )
        establishments = Establishment.objects.filter(pk__in=by_establishment).prefetch_related(
            Prefetch("leaders", queryset=leaders, to_attr="active_leaders")
        )
        already = set(ReminderLog.objects.filter(sent_on=today).values_list("user_id", "establishment_id"))

        messages, logs, skipped = [], [], 0
        for establishment in establishments:
            actions = by_establishment[establishment.pk]
            overdue = [a for a in actions if a.target_date < today]
            soon = [a for a in actions if a.target_date >= today]
            for leader in establishment.active_leaders:
                if (leader.pk, establishment.pk) in already:
                    skipped += 1
                    if verbosity >= 2:
                        self.stdout.write(f"Already reminded today: {leader.get_username()} about {establishment}.")
                    continue
                if not leader.email:
                    if verbosity >= 2:
                        self.stdout.write(f"No e-mail address for {leader.get_username()}: no reminder.")
                    continue
                context = {
                    "leader": leader,
                    "establishment": establishment,
                    "overdue": overdue,
                    "soon": soon,
                    "days": days,
                    "today": today,
                }
                messages.append(
                    EmailMessage(
                        subject=f"{establishment}: {len(overdue)} action{'s' if len(overdue) != 1 else ''} overdue, "
                        f"{len(soon)} due in the next {days} days",
                        body=render_to_string("leaders/email/reminder.txt", context),
                        to=[leader.email],
                    )
                )
                logs.append(ReminderLog(establishment=establishment, user=leader, sent_on=today, actions=len(actions)))
                if verbosity >= 2:
                    verb = "Would send" if dry_run else "Sending"
                    self.stdout.write(f"{verb} {leader.email} a digest of {len(actions)} actions at {establishment}.")

        if not dry_run and messages:
            ReminderLog.objects.bulk_create(logs)
            get_connection().send_messages(messages)

        if verbosity >= 1:
            verb = "Would send" if dry_run else "Sent"
            summary = f"{verb} {len(messages)} reminder{'s' if len(messages) != 1 else ''}"
            if skipped:
                summary += f"; {skipped} already sent today"
            self.stdout.write(summary + ".")
