"""``send_action_reminders`` e-mails each establishment's leaders one digest of actions overdue
or due within 14 days, once a day, and nothing on a dry run."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from recommendations.models import ActionStatus, ReminderLog
from recommendations.roles import Role, grant_role
from tests.leaders_data import TODAY, make_action

d = datetime.date


@pytest.fixture(autouse=True)
def frozen_today(settings):
    settings.TRACKER_TODAY = TODAY


@pytest.fixture
def plan(make_review, belmarsh, wandsworth, belmarsh_leader, other_leader):
    """Belmarsh: one overdue, one due in 14 days, one due in 15, one done overdue; Wandsworth: one overdue."""
    ours = make_review(belmarsh, [("hmi-prisons", "insufficient-progress")]).judgements.get().recommendation
    theirs = make_review(wandsworth, [("hmi-prisons", "insufficient-progress")]).judgements.get().recommendation
    make_action(ours, "Overdue CCTV review", target=d(2022, 5, 20))
    make_action(ours, "Due in a fortnight", owner="", target=d(2022, 6, 15))
    make_action(ours, "Due in fifteen days", target=d(2022, 6, 16))
    make_action(ours, "Done long ago", target=d(2022, 3, 1), status=ActionStatus.DONE)
    make_action(theirs, "Wandsworth overdue", target=d(2022, 5, 1))
    for user, email in ((belmarsh_leader, "governor@belmarsh.example"), (other_leader, "governor@wandsworth.example")):
        user.email = email
        user.save()


def run(*args, verbosity=1):
    out = StringIO()
    call_command("send_action_reminders", *args, verbosity=verbosity, stdout=out)
    return out.getvalue()


def test_each_leader_gets_one_digest_of_their_own_prisons_actions(plan):
    """One e-mail per leader: overdue and due within 14 days, nothing later, nothing done, no other prison."""
    assert run() == "Sent 2 reminders.\n"
    belmarsh = next(m for m in mail.outbox if m.to == ["governor@belmarsh.example"])
    assert belmarsh.subject == "HMP Belmarsh: 1 action overdue, 1 due in the next 14 days"
    assert "Overdue CCTV review" in belmarsh.body and "Target date: 20 May 2022" in belmarsh.body
    assert "Due in a fortnight" in belmarsh.body and "Owner: nobody yet" in belmarsh.body
    assert "Due in fifteen days" not in belmarsh.body and "Done long ago" not in belmarsh.body
    assert "Wandsworth" not in belmarsh.body
    wandsworth = next(m for m in mail.outbox if m.to == ["governor@wandsworth.example"])
    assert "Wandsworth overdue" in wandsworth.body and "CCTV" not in wandsworth.body


def test_a_second_run_the_same_day_sends_nothing(plan, settings):
    """Safe to run from cron more than once a day; the next day it sends again."""
    run()
    assert run() == "Sent 0 reminders; 2 already sent today.\n"
    assert len(mail.outbox) == 2 and ReminderLog.objects.count() == 2
    settings.TRACKER_TODAY = TODAY + datetime.timedelta(days=1)
    run()
    assert len(mail.outbox) == 4


def test_a_leader_of_two_prisons_gets_a_digest_for_each(plan, belmarsh_leader, wandsworth):
    """The digest is per establishment: a leader of both gets two."""
    grant_role(belmarsh_leader.username, Role.LEADER, establishments=[wandsworth])
    run()
    assert sorted(m.subject.split(":")[0] for m in mail.outbox if m.to == ["governor@belmarsh.example"]) == [
        "HMP Belmarsh",
        "HMP Wandsworth",
    ]


def test_dry_run_sends_and_records_nothing(plan):
    """--dry-run says what it would send, at verbosity 2 to whom, and changes nothing."""
    output = run("--dry-run", verbosity=2)
    assert "Would send governor@belmarsh.example a digest of 2 actions at HMP Belmarsh." in output
    assert "Would send 2 reminders.\n" in output
    assert mail.outbox == [] and not ReminderLog.objects.exists()
    run()
    assert len(mail.outbox) == 2


def test_quiet_at_verbosity_zero_and_skips_leaders_without_an_address(plan, belmarsh_leader):
    """-v 0 prints nothing; a leader with no e-mail address gets nothing and is not logged."""
    belmarsh_leader.email = ""
    belmarsh_leader.save()
    assert run(verbosity=0) == ""
    assert [m.to for m in mail.outbox] == [["governor@wandsworth.example"]]
    assert ReminderLog.objects.count() == 1


def test_it_says_what_it_could_not_send_and_why(plan, belmarsh_leader):
    """Sends what it can; then names each leader it could not reach and how to fix it."""
    belmarsh_leader.email = ""
    belmarsh_leader.save()
    output = run()
    assert output.startswith("Sent 1 reminder.\n")
    assert (
        "Not sent to belmarsh.leader (leader of HMP Belmarsh): no email address. Add one with "
        "`manage.py grant_role belmarsh.leader leader --establishment belmarsh --email ADDRESS`, "
        "or they add it on their account page."
    ) in output
    assert "Owner “Head of safety” (HMP Belmarsh, HMP Wandsworth) is not a user" in run(verbosity=2)


def test_an_owner_who_is_a_user_gets_their_actions_first(plan, belmarsh, belmarsh_leader):
    """An action whose owner names a leader (username, e-mail or full name) reaches that leader
    under "Yours"; the other leaders still see it, with its owner."""
    from recommendations.models import Action

    deputy = grant_role("sam.smith", Role.LEADER, establishments=[belmarsh], email="sam.smith@belmarsh.example")[0]
    deputy.first_name, deputy.last_name = "Sam", "Smith"
    deputy.save()
    Action.objects.filter(description="Overdue CCTV review").update(owner="SAM.SMITH@belmarsh.example")
    Action.objects.filter(description="Due in a fortnight").update(owner="Sam Smith")
    assert run() == "Sent 3 reminders.\n"
    (sam,) = [m for m in mail.outbox if m.to == ["sam.smith@belmarsh.example"]]
    assert sam.subject == "HMP Belmarsh: 1 action overdue, 1 due in the next 14 days (2 yours)"
    yours = sam.body.split("Yours (2):")[1]
    assert "Overdue CCTV review" in yours and "Overdue since: 20 May 2022" in yours
    assert "Due in a fortnight" in yours and "Due on: 15 June 2022" in yours
    assert "Hello Sam Smith," in sam.body and "/leaders/belmarsh/" in sam.body
    (governor,) = [m for m in mail.outbox if m.to == ["governor@belmarsh.example"]]
    assert "Yours" not in governor.body and "Owner: SAM.SMITH@belmarsh.example" in governor.body


@pytest.mark.parametrize("extra", [0, 10])
def test_reminders_run_a_constant_number_of_queries(plan, make_review, django_assert_num_queries, extra):
    """Four reads, then three queries for each e-mail sent, whatever the number of establishments and actions."""
    from recommendations.models import Establishment

    for n in range(extra):
        establishment = Establishment.objects.create(name=f"HMP Test {n}", slug=f"test-{n}")
        recommendation = make_review(establishment, [("hmi-prisons", "insufficient-progress")]).judgements.get()
        make_action(recommendation.recommendation, "Overdue", target=d(2022, 5, 1))
    # 1 the due actions, 2 their establishments, 3 their leaders, 4 today's log; then for each of
    # the two e-mails, its log row written with it: a savepoint, the row, release.
    with django_assert_num_queries(4 + 2 * 3):
        run()


def test_a_mail_server_failure_is_reported_and_the_next_run_sends_only_what_failed(plan):
    """The server refuses one digest: the other is sent and logged, the command names the one it
    could not send and why and fails (cron sees it), and the next run sends only that one."""
    import smtplib
    from unittest import mock

    from django.core.management import CommandError

    real_send = mail.EmailMessage.send

    def refuse_belmarsh(message, *args, **kwargs):
        if message.to == ["governor@belmarsh.example"]:
            raise smtplib.SMTPRecipientsRefused({"governor@belmarsh.example": (451, b"try again later")})
        return real_send(message, *args, **kwargs)

    out = StringIO()
    with mock.patch("django.core.mail.EmailMessage.send", refuse_belmarsh):
        with pytest.raises(CommandError, match="1 reminder could not be sent"):
            call_command("send_action_reminders", stdout=out)
    assert out.getvalue().startswith("Sent 1 reminder.\nNot sent to belmarsh.leader (leader of HMP Belmarsh) at ")
    assert "the mail server failed (SMTPRecipientsRefused" in out.getvalue()
    assert [m.to for m in mail.outbox] == [["governor@wandsworth.example"]]
    assert run() == "Sent 1 reminder; 1 already sent today.\n"
    assert sorted(m.to[0] for m in mail.outbox) == ["governor@belmarsh.example", "governor@wandsworth.example"]
    assert run() == "Sent 0 reminders; 2 already sent today.\n"


def test_the_task_retries_a_failed_run_and_each_leader_gets_one_digest(plan):
    """Celery's task (eager here, so the retry runs at once) retries after the mail server failed:
    each leader gets exactly one digest in all."""
    import smtplib
    from unittest import mock

    from leaders.tasks import send_action_reminders

    real_send = mail.EmailMessage.send
    calls = []

    def flaky(message, *args, **kwargs):
        calls.append(message.to[0])
        if len(calls) == 2:
            raise smtplib.SMTPServerDisconnected("connection lost")
        return real_send(message, *args, **kwargs)

    with mock.patch("django.core.mail.EmailMessage.send", flaky):
        result = send_action_reminders.apply(throw=False)
    assert result.successful(), result.traceback
    assert result.result == "Sent 1 reminder; 1 already sent today.\n"
    assert len(calls) == 3
    assert sorted(m.to[0] for m in mail.outbox) == ["governor@belmarsh.example", "governor@wandsworth.example"]
    assert ReminderLog.objects.count() == 2


def test_sending_is_paced_by_the_rate_limit(monkeypatch):
    """A minute's worth goes at once, then one e-mail each time the allowance refills."""
    from leaders.management.commands import send_action_reminders as command

    slept = []
    clock = [0.0]
    monkeypatch.setattr(command.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(
        command.time, "sleep", lambda seconds: (slept.append(seconds), clock.__setitem__(0, clock[0] + seconds))
    )
    pace = command.Pace("2/m")
    for _ in range(4):
        pace.wait()
    assert slept == [30.0, 30.0]
    unpaced = command.Pace("")
    for _ in range(100):
        unpaced.wait()
    assert slept == [30.0, 30.0]
