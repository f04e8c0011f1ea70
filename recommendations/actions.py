"""The prison's side of a recommendation, changed only through these functions.

Each one checks, changes and records who did it in one transaction: the response, an action's
details, its target date (the original is kept in ``TargetDateChange``), progress notes, done
(with a note on what changed), dropped (with a reason; an action is never deleted), and the
publication of an inspection's action plan. Views, commands and tests all come through here.

Optimistic locking: every change to an action locks its row (``select_for_update``), adds one
to ``Action.version`` and saves once, so history gets one row per change. A form carries the
version it was opened at and passes it as ``seen_version``; if the row has moved on since, the
change raises ``ActionChanged`` and writes nothing, instead of silently overwriting the other
person's change. Callers that pass no ``seen_version`` (commands, tests) change the latest row.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy, ngettext

from common import public_cache
from common.clock import now, today
from recommendations.audit import record_audit_event
from recommendations.models import (
    NOTE_CORRECTION_HOURS,
    TEXT_LIMITS,
    Action,
    ActionPlan,
    ActionPlanWithdrawal,
    ActionStatus,
    AuditAction,
    ProgressNote,
    Recommendation,
    Response,
    ResponseDecision,
    TargetDateChange,
    too_long,
)
from recommendations.roles import inspectorate_ids

STALE_AFTER_DAYS = 30
REMIND_DAYS_AHEAD = 14


def _save(obj, by):
    obj._history_user = by
    obj.full_clean()
    obj.save()
    # A published action plan shows publicly as it changes: retire the cached public pages.
    public_cache.changed()
    return obj


class ActionChanged(ValidationError):
    """Someone else changed the action after the form was opened; nothing was written.

    ``action`` holds the action as it is now in the database, to show in the form again.
    """

    MESSAGE = gettext_lazy(
        "Someone else changed this action since you opened it. Their changes are shown below; make yours again."
    )

    def __init__(self, action):
        super().__init__(self.MESSAGE, code="stale")
        self.action = action


def _lock(action, seen_version):
    """Reloads ``action`` in place from its locked row; refuses if it is not ``seen_version``.

    Call inside the change's transaction: the row stays locked until it commits, so two
    changes to one action run one after the other and each sees the other's version.
    """
    action.refresh_from_db(from_queryset=Action.objects.select_for_update())
    if seen_version is not None and seen_version != action.version:
        raise ActionChanged(action)
    return action


def _save_action(action, by):
    """Saves a change to a locked action as its next version, marked updated now."""
    action.version += 1
    action.updated_at = now()
    return _save(action, by)


class ResponseChanged(ValidationError):
    """Someone else gave or changed the response after the form was opened; nothing was written.

    ``response`` holds the response as it is now, to show beside the form again."""

    MESSAGE = gettext_lazy(
        "Someone else changed this response since you opened it. What they saved is shown below; "
        "save yours again if it should replace theirs."
    )

    def __init__(self, response):
        super().__init__(self.MESSAGE, code="stale")
        self.response = response


def response_seen(response):
    """What a form remembers of the response it was opened on ("" when there was none yet)."""
    if response is None or response.pk is None:
        return ""
    return f"{response.pk}:{response.updated_at.isoformat()}"


@transaction.atomic
def record_response(recommendation, *, decision, reason="", by=None, seen=None):
    """Records (or changes) the prison's response: accepted, partly accepted or not accepted.

    A reason is required unless the recommendation is fully accepted. ``seen`` is what the form
    remembered of the response (``response_seen``): if it has been given or changed since,
    ``ResponseChanged`` is raised and nothing is written, as for actions; two first responses at
    once make one, and the other is refused the same way (never a database error).
    """
    response = Response.objects.select_for_update().filter(recommendation=recommendation).first()
    if seen is not None and response_seen(response) != seen:
        raise ResponseChanged(response)
    response = response or Response(recommendation=recommendation)
    response.decision = decision
    response.reason = (reason or "").strip()
    response.updated_by = by
    if decision not in ResponseDecision.values:
        raise ValidationError({"decision": gettext("Choose accepted, partly accepted or not accepted.")})
    if response.pk is not None:
        return _save(response, by)
    # A first response: another person's may be committed after the lock above found none.
    response._history_user = by
    try:
        response.full_clean()
    except ValidationError as error:
        if "recommendation" in getattr(error, "error_dict", {}):  # theirs is in: one per recommendation
            raise ResponseChanged(Response.objects.get(recommendation=recommendation)) from None
        raise
    try:
        with transaction.atomic():  # a savepoint: theirs may win the insert while we wait for it
            response.save()
    except IntegrityError:
        raise ResponseChanged(Response.objects.get(recommendation=recommendation)) from None
    public_cache.changed()
    return response


@transaction.atomic
def add_action(recommendation, *, description, owner="", target_date=None, by=None):
    """Adds a new action, not started, to answer ``recommendation``."""
    stamp = now()
    action = Action(
        recommendation=recommendation,
        description=description.strip(),
        owner=owner.strip(),
        target_date=target_date,
        status=ActionStatus.NOT_STARTED,
        created_by=by,
        created_at=stamp,
        updated_at=stamp,
    )
    return _save(action, by)


def _move_date(action, new_date, reason, by):
    """Changes ``action.target_date`` in memory, recording the move; the caller saves."""
    old_date = action.target_date
    reason = (reason or "").strip()
    if old_date is not None:
        if not reason:
            raise ValidationError({"date_change_reason": gettext("Say why the target date is changing.")})
        TargetDateChange.objects.create(
            action=action, old_date=old_date, new_date=new_date, reason=reason, changed_by=by, changed_at=now()
        )
        action._change_reason = f"Target date moved: {reason}"
    action.target_date = new_date


@transaction.atomic
def move_target_date(action, new_date, reason, by=None, seen_version=None):
    """Moves the target date, keeping the original and the reason in a ``TargetDateChange``.

    Setting a first date where there was none needs no reason (nothing is moved); moving or
    removing a date does.
    """
    _lock(action, seen_version)
    if new_date == action.target_date:
        return action
    _move_date(action, new_date, reason, by)
    return _save_action(action, by)


@transaction.atomic
def update_action(
    action, *, description, owner, target_date, status, date_change_reason="", by=None, seen_version=None
):
    """Changes an action's description, owner, target date and open status.

    ``status`` is not started or in progress here: done needs a note (``mark_done``) and
    dropping needs a reason (``drop_action``). Reopening a done or dropped action is allowed.
    """
    _lock(action, seen_version)
    if status not in (ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS):
        raise ValidationError({"status": gettext("Mark an action done or dropped with its own form, which asks why.")})
    if target_date != action.target_date:
        _move_date(action, target_date, date_change_reason, by)
    action.description = description.strip()
    action.owner = owner.strip()
    action.status = status
    action.dropped_reason = ""
    return _save_action(action, by)


@transaction.atomic
def edit_action(
    action,
    *,
    description,
    owner,
    target_date,
    status,
    dropped_reason="",
    date_change_reason="",
    by=None,
    seen_version=None,
):
    """The inspectors' workspace's change to an action (a superuser correcting a record): any
    field and any status, under the same lock, version and date history as the leaders' forms.
    A moved date needs a reason (kept in ``TargetDateChange``); dropped needs its reason."""
    _lock(action, seen_version)
    if target_date != action.target_date:
        _move_date(action, target_date, date_change_reason, by)
    action.description = (description or "").strip()
    action.owner = (owner or "").strip()
    action.status = status
    action.dropped_reason = (dropped_reason or "").strip() if status == ActionStatus.DROPPED else ""
    return _save_action(action, by)


def _check_note(text, noted_on):
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": gettext("Write what has happened.")})
    if len(text) > TEXT_LIMITS["progress_note"]:
        raise ValidationError({"text": too_long(gettext("The progress note"), TEXT_LIMITS["progress_note"])})
    if noted_on is not None and noted_on > today():
        raise ValidationError({"noted_on": gettext("The date of the note must be today or in the past.")})
    return text


def _note(action, text, by, noted_on=None, submission=None):
    text = _check_note(text, noted_on)
    note = ProgressNote(
        action=action, text=text, author=by, noted_on=noted_on or today(), created_at=now(), submission=submission
    )
    note._history_user = by
    note.save()
    public_cache.changed()
    return note


def add_progress_note(action, text, *, by=None, noted_on=None, submission=None):
    """Adds a progress note dated ``noted_on`` (today by default; a past date, never a future
    one); the action counts as updated (a new version). Returns ``(note, created)``.

    ``submission`` is the one-time key of the form the note was written in: the same form sent
    twice (a double click, a resubmit after a slow response, two workers at once) makes one
    note, and the second sending returns the first note with ``created`` false.

    A note adds to the action and overwrites nothing, so it takes no ``seen_version``: a note
    written while someone else changed the action is kept, not refused.
    """
    if submission is not None:
        existing = ProgressNote.objects.filter(submission=submission).first()
        if existing is not None:
            return existing, False
    try:
        with transaction.atomic():
            _lock(action, None)
            note = _note(action, text, by, noted_on, submission)
            _save_action(action, by)
    except IntegrityError:
        # The same submission saved by another request a moment before this one.
        existing = ProgressNote.objects.filter(submission=submission).first() if submission else None
        if existing is None:
            raise
        return existing, False
    return note, True


def may_correct_note(note, user, at=None):
    """Whether ``user`` may still correct or delete ``note``: its author, within
    ``NOTE_CORRECTION_HOURS`` of writing it."""
    at = at or now()
    return (
        user is not None
        and note.author_id is not None
        and note.author_id == user.pk
        and at - note.created_at <= datetime.timedelta(hours=NOTE_CORRECTION_HOURS)
    )


def _check_may_correct(note, by):
    if not may_correct_note(note, by):
        raise PermissionDenied(
            gettext("Only the note’s author may correct or delete it, within %(hours)d hours of writing it.")
            % {"hours": NOTE_CORRECTION_HOURS}
        )


@transaction.atomic
def correct_progress_note(note, *, text, noted_on, by):
    """The author corrects a note's text or date within ``NOTE_CORRECTION_HOURS``; history
    keeps the version before (``ProgressNote.history``)."""
    _check_may_correct(note, by)
    text = _check_note(text, noted_on)
    _lock(note.action, None)
    note.text, note.noted_on, note.corrected_at = text, noted_on or note.noted_on, now()
    note._history_user = by
    note._change_reason = "Corrected by its author"
    note.save()
    _save_action(note.action, by)
    return note


@transaction.atomic
def delete_progress_note(note, *, by):
    """The author deletes a note within ``NOTE_CORRECTION_HOURS``; history keeps what it said."""
    _check_may_correct(note, by)
    action = note.action
    _lock(action, None)
    note._history_user = by
    note._change_reason = "Deleted by its author"
    note.delete()
    _save_action(action, by)


@transaction.atomic
def mark_done(action, note, *, by=None, seen_version=None):
    """Marks the action done, with a note on what changed (required), kept as a progress note."""
    _lock(action, seen_version)
    if not (note or "").strip():
        raise ValidationError({"note": gettext("Say what changed now that the action is done.")})
    if action.status == ActionStatus.DONE:
        raise ValidationError(gettext("This action is already done."))
    _note(action, note, by)
    action.status = ActionStatus.DONE
    action.dropped_reason = ""
    return _save_action(action, by)


@transaction.atomic
def drop_action(action, reason, *, by=None, seen_version=None):
    """Drops the action, keeping it (never deleted) with the reason it was dropped."""
    _lock(action, seen_version)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": gettext("Say why the action is dropped.")})
    if action.status == ActionStatus.DROPPED:
        raise ValidationError(gettext("This action is already dropped."))
    action.status = ActionStatus.DROPPED
    action.dropped_reason = reason
    return _save_action(action, by)


class PlanGaps:
    """What an action plan lacks: the recommendations without a response and the live actions
    without an owner or a target date (two queries)."""

    def __init__(self, inspection):
        self.unanswered = list(
            Recommendation.objects.filter(inspection=inspection, response__isnull=True)
            .select_related("inspectorate")
            .order_by("position", "pk")
        )
        self.incomplete = list(
            Action.objects.filter(recommendation__inspection=inspection)
            .live()
            .filter(Q(owner="") | Q(target_date__isnull=True))
            .select_related("recommendation")
            .order_by("recommendation__position", "recommendation_id", "created_at", "pk")
        )

    def __bool__(self):
        return bool(self.unanswered or self.incomplete)

    @property
    def sentences(self):
        said = []
        if self.unanswered:
            n = len(self.unanswered)
            said.append(f"{n} recommendation{'s have' if n != 1 else ' has'} no response.")
        if self.incomplete:
            n = len(self.incomplete)
            said.append(f"{n} action{'s have' if n != 1 else ' has'} no owner or no target date.")
        return said


class PlanIncomplete(ValidationError):
    """Publishing a plan with gaps without saying so knowingly; ``gaps`` lists them."""

    def __init__(self, gaps):
        super().__init__(
            " ".join(gaps.sentences) + " Confirm that you want to publish the plan as it is.", code="incomplete"
        )
        self.gaps = gaps


@transaction.atomic
def publish_action_plan(inspection, *, by=None, knowingly=False):
    """Makes the prison's response and actions to ``inspection``'s recommendations public.

    Until then the plan is a draft that only the prison's leaders see. A plan with gaps
    (``PlanGaps``: recommendations without a response, actions without an owner or a date) is
    published only ``knowingly``, else ``PlanIncomplete`` says what is missing and nothing is
    written. Publishing twice is refused; later changes to a published plan show publicly as
    they are made. Recorded in the audit trail.
    """
    plan, _ = ActionPlan.objects.select_for_update().get_or_create(inspection=inspection)
    if plan.published_at is not None:
        raise ValidationError(gettext("This action plan is already published."))
    gaps = PlanGaps(inspection)
    if gaps and not knowingly:
        raise PlanIncomplete(gaps)
    plan.published_at = now()
    plan.published_by = by
    plan._history_user = by
    plan._change_reason = "Published knowing: " + " ".join(gaps.sentences) if gaps else "Published"
    plan.save()
    record_audit_event(
        AuditAction.PLAN_PUBLISHED,
        user=by,
        inspection=inspection,
        summary=f"Action plan for {inspection} published."
        + (" It was published knowing: " + " ".join(gaps.sentences) if gaps else ""),
        at=plan.published_at,
    )
    public_cache.changed()
    return plan


def may_withdraw_plan(user, plan):
    """Who may withdraw a published action plan: a superuser, or an inspector (with the action
    plan change permission) of an inspectorate that made recommendations at its inspection."""
    if user is None or not user.has_perm("recommendations.change_actionplan"):
        return False
    allowed = inspectorate_ids(user)
    if allowed is None:
        return True
    return bool(allowed) and plan.inspection.recommendations.filter(inspectorate__in=allowed).exists()


@transaction.atomic
def withdraw_action_plan(plan, *, reason, by):
    """An inspector takes a published plan down again: it is a draft (not public) until the
    leaders publish it again. The reason is kept (``ActionPlanWithdrawal``) and audited."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": gettext("Give a reason for withdrawing the action plan.")})
    if len(reason) > TEXT_LIMITS["reason"]:
        raise ValidationError({"reason": too_long(gettext("The reason"), TEXT_LIMITS["reason"])})
    plan = ActionPlan.objects.select_for_update().select_related("inspection__establishment").get(pk=plan.pk)
    if not may_withdraw_plan(by, plan):
        raise PermissionDenied(gettext("You may not withdraw this action plan."))
    if plan.published_at is None:
        raise ValidationError(gettext("This action plan is not published."))
    stamp = now()
    withdrawal = ActionPlanWithdrawal.objects.create(
        plan=plan, reason=reason, was_published_at=plan.published_at, by=by, at=stamp
    )
    plan.published_at = None
    plan.published_by = None
    plan._history_user = by
    plan._change_reason = f"Withdrawn: {reason}"
    plan.save()
    record_audit_event(
        AuditAction.PLAN_WITHDRAWN,
        user=by,
        inspection=plan.inspection,
        summary=f"Action plan for {plan.inspection} withdrawn; it had been public since "
        f"{date_format(withdrawal.was_published_at.date())}.",
        reason=reason,
        at=stamp,
    )
    public_cache.changed()
    return withdrawal


def slippage(date_changes):
    """How far an action's target date has slipped, from its date changes (oldest first), as the
    public page and the leaders' read it: the date first set and how many times it moved ("first
    set for 31 March 2023; moved twice"), with the changes; or None if it never moved."""
    changes = list(date_changes)
    if not changes:
        return None
    count = len(changes)
    times = {1: gettext("once"), 2: gettext("twice")}.get(count) or ngettext(
        "%(count)s time", "%(count)s times", count
    ) % {"count": count}
    return {"first": changes[0].old_date, "times": times, "changes": changes}
