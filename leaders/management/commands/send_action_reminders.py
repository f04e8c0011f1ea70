"""Sends each establishment's leaders one e-mail digest of the actions overdue or due soon.

The Belmarsh review found actions nobody was following up for weeks. This command, run once a
day (Celery beat runs it at 07:30, ``CELERY_BEAT_SCHEDULE``; or cron), tells every leader of an
establishment which of its live actions (not done, not dropped) are past their target date or
due within the next 14 days, in one e-mail per leader per establishment, through Django's
e-mail framework (the console unless ``DJANGO_EMAIL_HOST`` is set).

An action's owner is usually a role ("Head of safety"). When it names a leader of the
establishment instead (their username, e-mail address or full name), that leader's digest puts
the actions they own first, under "Yours". The command sends what it can and then says what it
could not send, and why: a leader with no e-mail address (give them one with ``grant_role
--email``, or on their account page); at ``-v 2``, also the owners who are not users of the
tracker (their actions reach them only through the establishment's leaders).

It is safe to run more than once a day: each digest is recorded in ``ReminderLog`` in the same
transaction as it is sent, one e-mail at a time, so a leader who already had today's digest about
an establishment gets nothing more, and a digest the mail server refused is not recorded. When
the mail server fails, the command sends the rest, names each digest it could not send with the
server's error, and fails (exit status 1; the Celery task retries with back-off), so the next run
sends only those. At most ``ALERTS_SEND_RATE_LIMIT`` e-mails are sent (a burst of a minute's
worth, then paced). ``--dry-run`` says what it would send and sends and records nothing.

    .venv/bin/python manage.py send_action_reminders [--dry-run] [-v 2]
"""

import smtplib
import time

from celery.utils.time import rate
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext, ngettext

from common import clock
from recommendations import actions as domain
from recommendations.models import Action, Establishment, ReminderLog
from recommendations.roles import GROUP_NAMES, Role

# What a mail server's failure looks like: reported and sent again on the next run.
SEND_ERRORS = (smtplib.SMTPException, ConnectionError, TimeoutError, OSError)


class SendFailed(CommandError):
    """Some digests could not be sent (the mail server failed): the run says which and fails, so
    cron reports it and the Celery task retries; the next run sends only those."""


class Pace:
    """At most ``limit`` e-mails (Celery's rate syntax, e.g. "60/m"): a minute's worth at once,
    then one each time the allowance refills. An empty or zero limit does not pace."""

    def __init__(self, limit):
        self.per_second = rate(limit) if limit else 0
        self.capacity = max(1.0, self.per_second * 60)
        self.tokens = self.capacity
        self.last = time.monotonic()

    def wait(self):
        if not self.per_second:
            return
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.last) * self.per_second)
        self.last = now
        if self.tokens < 1:
            time.sleep((1 - self.tokens) / self.per_second)
            self.last = time.monotonic()
            self.tokens = 1
        self.tokens -= 1


def reminder_subject(establishment, overdue, soon, days, yours):
    """The reminder's subject, e.g. "HMP Belmarsh: 2 actions overdue, 1 due in the next 14 days (1 yours)":
    each count with its own plural forms, the whole a sentence a translator may reorder."""
    subject = gettext("%(establishment)s: %(overdue)s, %(soon)s") % {
        "establishment": establishment.name,
        "overdue": ngettext("%(count)d action overdue", "%(count)d actions overdue", overdue) % {"count": overdue},
        "soon": ngettext("%(count)d due in the next %(days)d days", "%(count)d due in the next %(days)d days", soon)
        % {"count": soon, "days": days},
    }
    if yours:
        subject = gettext("%(subject)s (%(yours)d yours)") % {"subject": subject, "yours": yours}
    return subject


class Command(BaseCommand):
    help = "Emails each establishment's leaders a digest of actions overdue or due in the next 14 days (once a day)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Say what would be sent; send and record nothing.")

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

        messages, skipped = [], 0
        no_address, not_users = [], {}
        for establishment in establishments:
            actions = by_establishment[establishment.pk]
            leaders = establishment.active_leaders
            owners = {action.pk: owner_of(action, leaders) for action in actions}
            for action in actions:
                if action.owner.strip() and owners[action.pk] is None:
                    not_users.setdefault(action.owner.strip(), set()).add(establishment.name)
            for leader in leaders:
                if (leader.pk, establishment.pk) in already:
                    skipped += 1
                    if verbosity >= 2:
                        self.stdout.write(f"Already reminded today: {leader.get_username()} about {establishment}.")
                    continue
                if not leader.email:
                    no_address.append((leader, establishment))
                    continue
                yours = [a for a in actions if owners[a.pk] == leader.pk]
                others = [a for a in actions if owners[a.pk] != leader.pk]
                context = {
                    "leader": leader,
                    "establishment": establishment,
                    "yours": yours,
                    "overdue": [a for a in others if a.target_date < today],
                    "soon": [a for a in others if a.target_date >= today],
                    "days": days,
                    "today": today,
                    "workspace_url": settings.SITE_URL + reverse("leaders:home", kwargs={"slug": establishment.slug}),
                    "account_url": settings.SITE_URL + reverse("account"),
                }
                overdue = sum(a.target_date < today for a in actions)
                soon = len(actions) - overdue
                message = EmailMessage(
                    subject=reminder_subject(establishment, overdue, soon, days, len(yours)),
                    body=render_to_string("leaders/email/reminder.txt", context),
                    to=[leader.email],
                )
                log = ReminderLog(establishment=establishment, user=leader, sent_on=today, actions=len(actions))
                messages.append((leader, establishment, message, log))
                if verbosity >= 2:
                    verb = "Would send" if dry_run else "Sending"
                    mine = f", {len(yours)} of them theirs" if yours else ""
                    self.stdout.write(
                        f"{verb} {leader.email} a digest of {len(actions)} actions at {establishment}{mine}."
                    )

        sent, failed = 0, []
        if dry_run:
            sent = len(messages)
        else:
            pace = Pace(settings.ALERTS_SEND_RATE_LIMIT)
            for leader, establishment, message, log in messages:
                pace.wait()
                try:
                    # The log and the e-mail together: a refused e-mail leaves no log (the next
                    # run sends it); a log another run wrote first means it was sent.
                    with transaction.atomic():
                        log.save()
                        message.send()
                except IntegrityError:
                    skipped += 1
                    continue
                except SEND_ERRORS as error:
                    failed.append((leader, establishment, error))
                    continue
                sent += 1

        if verbosity >= 1:
            verb = "Would send" if dry_run else "Sent"
            summary = f"{verb} {sent} reminder{'s' if sent != 1 else ''}"
            if skipped:
                summary += f"; {skipped} already sent today"
            self.stdout.write(summary + ".")
            for leader, establishment, error in failed:
                self.stdout.write(
                    f"Not sent to {leader.get_username()} (leader of {establishment}) at {leader.email}: the mail "
                    f"server failed ({type(error).__name__}: {error}). The next run sends it."
                )
            for leader, establishment in no_address:
                name = leader.get_username()
                self.stdout.write(
                    f"Not sent to {name} (leader of {establishment}): no email address. Add one with "
                    f"`manage.py grant_role {name} leader --establishment {establishment.slug} --email ADDRESS`, "
                    "or they add it on their account page."
                )
        if verbosity >= 2:
            for owner, places in sorted(not_users.items()):
                self.stdout.write(
                    f"Owner “{owner}” ({', '.join(sorted(places))}) is not a user of the tracker: their "
                    "actions reach them only through the establishment's leaders. Name a leader (username "
                    "or email address) as the owner to remind them directly."
                )
        if failed:
            raise SendFailed(
                f"{len(failed)} reminder{'s' if len(failed) != 1 else ''} could not be sent: the mail server failed."
            )


def owner_of(action, leaders):
    """The id of the leader ``action``'s owner names (username, e-mail address or full name,
    whatever the case), or None when it names nobody, or more than one of them."""
    owner = action.owner.strip().casefold()
    if not owner:
        return None
    found = {
        leader.pk
        for leader in leaders
        if owner
        in {
            leader.get_username().casefold(),
            (leader.email or "").casefold() or None,
            leader.get_full_name().strip().casefold() or None,
        }
    }
    return found.pop() if len(found) == 1 else None
