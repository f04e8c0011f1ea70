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

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from common import public_cache
from common.clock import now, today
from recommendations.models import (
    Action,
    ActionPlan,
    ActionStatus,
    ProgressNote,
    Response,
    ResponseDecision,
    TargetDateChange,
)

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

    MESSAGE = "Someone else changed this action since you opened it. Their changes are shown below; make yours again."

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

    MESSAGE = (
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
        raise ValidationError({"decision": "Choose accepted, partly accepted or not accepted."})
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
            raise ValidationError({"date_change_reason": "Say why the target date is changing."})
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
        raise ValidationError({"status": "Mark an action done or dropped with its own form, which asks why."})
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


def _note(action, text, by, noted_on=None):
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Write what has happened."})
    note = ProgressNote(action=action, text=text, author=by, noted_on=noted_on or today())
    note._history_user = by
    note.save()
    public_cache.changed()
    return note


@transaction.atomic
def add_progress_note(action, text, *, by=None, noted_on=None):
    """Adds a dated progress note; the action counts as updated (a new version).

    A note adds to the action and overwrites nothing, so it takes no ``seen_version``: a note
    written while someone else changed the action is kept, not refused.
    """
    _lock(action, None)
    note = _note(action, text, by, noted_on)
    _save_action(action, by)
    return note


@transaction.atomic
def mark_done(action, note, *, by=None, seen_version=None):
    """Marks the action done, with a note on what changed (required), kept as a progress note."""
    _lock(action, seen_version)
    if not (note or "").strip():
        raise ValidationError({"note": "Say what changed now that the action is done."})
    if action.status == ActionStatus.DONE:
        raise ValidationError("This action is already done.")
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
        raise ValidationError({"reason": "Say why the action is dropped."})
    if action.status == ActionStatus.DROPPED:
        raise ValidationError("This action is already dropped.")
    action.status = ActionStatus.DROPPED
    action.dropped_reason = reason
    return _save_action(action, by)


@transaction.atomic
def publish_action_plan(inspection, *, by=None):
    """Makes the prison's response and actions to ``inspection``'s recommendations public.

    Until then the plan is a draft that only the prison's leaders see. Publishing twice is
    refused; later changes to a published plan show publicly as they are made.
    """
    plan, _ = ActionPlan.objects.select_for_update().get_or_create(inspection=inspection)
    if plan.published_at is not None:
        raise ValidationError("This action plan is already published.")
    plan.published_at = now()
    plan.published_by = by
    plan._history_user = by
    plan.save()
    public_cache.changed()
    return plan
