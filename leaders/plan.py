"""The action plan's round trip: the rows a download holds, and an upload compared with the
tracker (the preview) and applied (the confirmation).

Each downloaded row carries a signed version (``sign_row``): which establishment, which
recommendation, which action at which ``Action.version``, and a fingerprint of the response.
An upload is compared with the tracker as it is *now*: a row whose action or response moved on
since the download and that differs from the tracker is refused as changed in the tracker,
instead of overwriting someone's work with an old copy. Rows missing from the file change
nothing (actions are never deleted).

``preview`` writes nothing. ``apply`` makes the same comparison again inside one transaction and
makes each change through ``recommendations.actions`` (history, version locks, date reasons,
done notes, drop reasons), as the pages do; if anything differs from what the leader was shown,
or an action moves on meanwhile, nothing is written.
"""

import datetime
import hashlib
import json
from dataclasses import dataclass, field

from django.core import signing
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from findings.models import FollowUp, published_recommendations, with_latest_judgement
from leaders.spreadsheet import NO_RESPONSE, RESPONSE_LABELS, STATUS_LABELS, ReadRow
from recommendations import actions as domain
from recommendations.audit import record_audit_event
from recommendations.models import (
    OPEN_ACTION_STATUSES,
    TEXT_LIMITS,
    Action,
    ActionStatus,
    AuditAction,
    PlanUploadStatus,
    ProgressNote,
    Response,
    ResponseDecision,
)

SALT = "leaders.action-plan-row"

DECISIONS = {label.lower(): value for value, label in ResponseDecision.choices} | {
    value: value for value in ResponseDecision.values
}
STATUSES = {label.lower(): value for value, label in ActionStatus.choices} | {
    value: value for value in ActionStatus.values
}
STATUS_LABEL = dict(ActionStatus.choices)
DECISION_LABEL = dict(ResponseDecision.choices)

LIMITS = {
    "action": ("Action", TEXT_LIMITS["action_description"]),
    "owner": ("Owner", TEXT_LIMITS["owner"]),
    "response_reason": ("Response reason", TEXT_LIMITS["response_reason"]),
    "date_change_reason": ("Why the target date moved", TEXT_LIMITS["reason"]),
    "dropped_reason": ("Reason dropped", TEXT_LIMITS["reason"]),
    "new_note": ("New progress note", TEXT_LIMITS["progress_note"]),
}


def fingerprint(decision, reason):
    """A short hash of a response's decision and reason ("" for no response)."""
    if decision is None:
        return ""
    return hashlib.sha256(f"{decision}\x00{(reason or '').strip()}".encode()).hexdigest()[:16]


def response_fingerprint(response):
    return fingerprint(response.decision, response.reason) if response is not None else ""


def action_fingerprint(description, owner, target_date, status, dropped_reason):
    """A short hash of an action's cells as a row of the file shows them: a row whose cells
    still hash to the one signed at the download was not edited in the spreadsheet."""
    values = [(description or "").strip(), (owner or "").strip(), target_date.isoformat() if target_date else ""]
    values += [status or "", (dropped_reason or "").strip()]
    return hashlib.sha256("\x00".join(values).encode()).hexdigest()[:16]


def sign_row(establishment, recommendation, action):
    return signing.dumps(
        {
            "e": establishment.pk,
            "r": recommendation.pk,
            "a": action.pk if action else None,
            "v": action.version if action else None,
            "h": response_fingerprint(recommendation.the_response),
            "f": (
                action_fingerprint(
                    action.description, action.owner, action.target_date, action.status, action.dropped_reason
                )
                if action
                else None
            ),
        },
        salt=SALT,
        compress=True,
    )


def plan_recommendations(establishment, today):
    """The establishment's recommendations a leader sees (published), each with its response,
    latest judgement and actions (with their notes, newest first): three queries."""
    return (
        with_latest_judgement(published_recommendations(today).for_establishment(establishment), today)
        .select_related("inspectorate", "inspection", "response")
        .prefetch_related(
            Prefetch(
                "actions",
                queryset=Action.objects.order_by("created_at", "pk").prefetch_related(
                    Prefetch("notes", queryset=ProgressNote.objects.order_by("-noted_on", "-created_at", "-pk"))
                ),
            )
        )
    )


def _response(recommendation):
    try:
        recommendation.the_response = recommendation.response
    except Response.DoesNotExist:
        recommendation.the_response = None
    return recommendation.the_response


def download_rows(establishment, recommendations):
    """One row per action, and one for each recommendation without any (dicts keyed as
    ``spreadsheet.COLUMNS``), for ``recommendations`` (in the order given)."""
    for r in recommendations:
        response = _response(r)
        head = {
            "inspection": r.inspection.slug,
            "reference": r.label,
            "area": r.area,
            "recommendation": r.text,
            "inspectorate": r.inspectorate.short_name,
            "judgement": r.latest_label or str(FollowUp(r.follow_up).label),
            "response": response.get_decision_display() if response else "",
            "response_reason": response.reason if response else "",
        }
        actions = list(r.actions.all())
        for action in actions or [None]:
            row = dict(head)
            if action is not None:
                notes = list(action.notes.all())
                row.update(
                    {
                        "action": action.description,
                        "owner": action.owner,
                        "target_date": action.target_date,
                        "status": action.get_status_display(),
                        "dropped_reason": action.dropped_reason,
                        "latest_note": notes[0].text if notes else "",
                        "updated": timezone.localdate(action.updated_at),
                    }
                )
            row["version"] = sign_row(establishment, r, action)
            yield row


# --- The comparison ---------------------------------------------------------------------------


@dataclass
class Entry:
    """One line of the preview: a row to add, change, leave or refuse, or a response to change."""

    kind: str  # "add", "change", "leave", "refuse"
    line: int | None
    recommendation: object
    action: object = None
    description: str = ""
    changes: list = field(default_factory=list)  # [(column, old, new)]
    reasons: list = field(default_factory=list)
    op: dict = field(default_factory=dict)  # what apply() does
    what: str = "action"  # or "response"

    @property
    def name(self):
        return self.recommendation.name if self.recommendation is not None else ""

    def fingerprint(self):
        return [self.kind, self.what, self.line, self.changes, self.reasons]


@dataclass
class Preview:
    entries: list

    def of(self, kind):
        return [e for e in self.entries if e.kind == kind]

    @property
    def added(self):
        return self.of("add")

    @property
    def changed(self):
        return self.of("change")

    @property
    def left(self):
        return self.of("leave")

    @property
    def refused(self):
        return self.of("refuse")

    @property
    def writes(self):
        return len(self.added) + len(self.changed)

    def digest(self):
        """What the leader was shown, as a short hash: a confirmation is applied only if the
        comparison made again still gives exactly this."""
        data = json.dumps([e.fingerprint() for e in self.entries], default=str, sort_keys=True)
        return hashlib.sha256(data.encode()).hexdigest()[:32]


def _shown_date(value):
    return date_format(value) if value else gettext("(none)")


def _shown(value):
    return value if value not in (None, "") else gettext("(none)")


def _same_text(a, b):
    return (a or "").strip() == (b or "").strip()


def _reference_matches(typed, recommendation):
    label = recommendation.label
    if _same_text(typed, label) or not typed:
        return True
    try:  # LibreOffice and Excel turn "1.40" into the number 1.4
        return float(typed) == float(label)
    except ValueError:
        return False


class Plan:
    """The tracker's side of the comparison: the establishment's recommendations and actions."""

    def __init__(self, establishment, today):
        self.establishment = establishment
        self.recommendations = {r.pk: r for r in plan_recommendations(establishment, today)}
        for r in self.recommendations.values():
            _response(r)
        self.actions = {a.pk: a for r in self.recommendations.values() for a in r.actions.all()}
        self.rows_of_action = {}  # action pk → the first row of the file that carries it
        self.by_reference = {}
        for r in self.recommendations.values():
            for key in ((r.inspection.slug.lower(), r.label.lower()), (None, r.label.lower())):
                self.by_reference.setdefault(key, []).append(r)

    def find(self, inspection, reference):
        """The recommendation a row added in the spreadsheet names, or a sentence saying why none."""
        reference = (reference or "").strip()
        if not reference:
            return None, gettext("The reference is empty: copy it from a row of the recommendation.")
        candidates = self.by_reference.get(((inspection or "").strip().lower() or None, reference.lower()), [])
        if not candidates:
            try:
                number = float(reference)
            except ValueError:
                number = None
            if number is not None:
                candidates = [
                    r
                    for r in self.recommendations.values()
                    if (not inspection or r.inspection.slug.lower() == inspection.strip().lower())
                    and _float(r.label) == number
                ]
        if not candidates:
            names = {"reference": reference, "inspection": inspection, "establishment": self.establishment}
            if inspection:
                return None, gettext(
                    "Unknown reference “%(reference)s” at %(inspection)s: "
                    "no recommendation of %(establishment)s has it."
                ) % names
            return None, gettext(
                "Unknown reference “%(reference)s”: no recommendation of %(establishment)s has it."
            ) % names
        if len(candidates) > 1:
            return None, gettext(
                "The reference “%(reference)s” is used at more than one inspection: "
                "fill in the Inspection column as downloaded."
            ) % {"reference": reference}
        return candidates[0], ""


def _float(text):
    try:
        return float(text)
    except ValueError:
        return None


def _check_cells(row):
    """Per-cell problems: lists, dates, lengths. Returns (values, reasons)."""
    cells, reasons = row.cells, []
    response_text = cells.get("response", "").strip()
    decision = None
    if response_text and response_text.lower() != NO_RESPONSE.lower():
        decision = DECISIONS.get(response_text.lower())
        if decision is None:
            reasons.append(
                gettext("Response “%(typed)s” is not in the list: %(choices)s.")
                % {"typed": response_text, "choices": ", ".join(RESPONSE_LABELS)}
            )
    status_text = cells.get("status", "").strip()
    status = None
    if status_text:
        status = STATUSES.get(status_text.lower())
        if status is None:
            reasons.append(
                gettext("Action status “%(typed)s” is not in the list: %(choices)s.")
                % {"typed": status_text, "choices": ", ".join(STATUS_LABELS)}
            )
    if row.date_problem:
        reasons.append(
            gettext("Target date “%(typed)s” is not a date: type it as a date, for example 31/03/2027.")
            % {"typed": row.date_problem}
        )
    for key, (label, limit) in LIMITS.items():
        length = row.length(key)
        if length > limit:
            reasons.append(
                gettext("%(column)s is %(length)s characters long: it must be %(limit)s characters or fewer.")
                % {"column": gettext(label), "length": f"{length:,}", "limit": f"{limit:,}"}
            )
    return decision, status, reasons


def compare(establishment, rows, today):
    """The preview of applying ``rows`` (``ReadRow``) to the establishment's plan now."""
    plan = Plan(establishment, today)
    entries = []
    responses = {}  # recommendation pk → [(line, decision, reason, fingerprint at download)]
    for row in rows:
        entries.extend(_compare_row(plan, row, responses))
    for pk, proposals in responses.items():
        entry = _compare_response(plan.recommendations[pk], proposals)
        if entry is not None:
            entries.append(entry)
    order = {"refuse": 0, "add": 1, "change": 2, "leave": 3}
    entries.sort(key=lambda e: (order[e.kind], e.line or 0, e.what))
    return Preview(entries)


def _compare_row(plan, row, responses):
    cells = row.cells
    token = cells.get("version", "").strip()
    signed = None
    recommendation = None
    if token:
        try:
            signed = signing.loads(token, salt=SALT)
        except signing.BadSignature:
            signed = None
        if not isinstance(signed, dict) or signed.get("e") != plan.establishment.pk:
            return [
                Entry(
                    "refuse",
                    row.line,
                    None,
                    description=cells.get("action", ""),
                    reasons=[
                        gettext(
                            "The hidden version column of this row was changed or copied from another file: "
                            "download the plan again and make the change there."
                        )
                    ],
                )
            ]
        recommendation = plan.recommendations.get(signed.get("r"))
        if recommendation is None:
            return [
                Entry(
                    "refuse",
                    row.line,
                    None,
                    description=cells.get("action", ""),
                    reasons=[
                        gettext("Unknown reference “%(reference)s”: the recommendation is no longer in the plan.")
                        % {"reference": cells.get("reference", "")}
                    ],
                )
            ]
        if not _reference_matches(cells.get("reference", ""), recommendation):
            return [
                Entry(
                    "refuse",
                    row.line,
                    recommendation,
                    description=cells.get("action", ""),
                    reasons=[
                        gettext(
                            "The reference was changed from %(old)s to “%(new)s” on a row from the tracker: "
                            "to add an action to another recommendation, add a new row."
                        )
                        % {"old": recommendation.label, "new": cells.get("reference")}
                    ],
                )
            ]
    else:
        recommendation, problem = plan.find(cells.get("inspection"), cells.get("reference"))
        if recommendation is None:
            return [Entry("refuse", row.line, None, description=cells.get("action", ""), reasons=[problem])]

    decision, status, reasons = _check_cells(row)
    if reasons:
        return [Entry("refuse", row.line, recommendation, description=cells.get("action", ""), reasons=reasons)]

    entries = []
    # The response: gathered per recommendation, decided once every row is read.
    response = recommendation.the_response
    downloaded = signed.get("h") if signed else None
    reason = cells.get("response_reason", "").strip()
    current = (response.decision, response.reason.strip()) if response else (None, "")
    # A row whose response cells are as downloaded says nothing about the response (another
    # row of the same recommendation may change it, or someone in the tracker may have).
    untouched = downloaded is not None and fingerprint(decision, reason) == downloaded
    # A row added in the spreadsheet with its response cells left empty says nothing either.
    silent = not token and decision is None and not reason
    if (decision, reason) != current and not (untouched or silent):
        responses.setdefault(recommendation.pk, []).append((row.line, decision, reason, downloaded))

    action_id = signed.get("a") if signed else None
    copied_from = plan.rows_of_action.setdefault(action_id, row.line) if action_id is not None else None
    if copied_from is not None and copied_from != row.line:
        # A copy of a downloaded row (its hidden version came along): a new action when its
        # Action says something else, else a duplicate that would change nothing twice.
        action = plan.actions.get(action_id)
        if action is not None and not _same_text(cells.get("action", ""), action.description):
            entries.append(_new_action(row, recommendation, status))
        else:
            entries.append(
                Entry(
                    "refuse",
                    row.line,
                    recommendation,
                    description=cells.get("action", ""),
                    reasons=[
                        gettext(
                            "This row copies row %(row)s (the same action). To add an action, "
                            "write what will be done in its Action column; otherwise delete the row."
                        )
                        % {"row": copied_from}
                    ],
                )
            )
    elif action_id is not None:
        action = plan.actions.get(action_id)
        if action is None or action.recommendation_id != recommendation.pk:
            entries.append(
                Entry(
                    "refuse",
                    row.line,
                    recommendation,
                    description=cells.get("action", ""),
                    reasons=[gettext("The action on this row is no longer in the plan.")],
                )
            )
        else:
            entries.append(_compare_action(row, recommendation, action, status, signed))
    elif cells.get("action", "").strip():
        entries.append(_new_action(row, recommendation, status))
    elif any(cells.get(k, "").strip() for k in ("owner", "new_note", "status", "dropped_reason")) or row.target_date:
        entries.append(
            Entry(
                "refuse",
                row.line,
                recommendation,
                reasons=[gettext("A new row needs an action: say what will be done in the Action column.")],
            )
        )
    return entries


def _new_action(row, recommendation, status):
    cells = row.cells
    status = status or ActionStatus.NOT_STARTED
    description = cells["action"].strip()
    note = cells.get("new_note", "").strip()
    dropped = cells.get("dropped_reason", "").strip()
    reasons = []
    if status == ActionStatus.DONE and not note:
        reasons.append(gettext("An action added as done needs a New progress note saying what changed."))
    if status == ActionStatus.DROPPED and not dropped:
        reasons.append(gettext("An action added as dropped needs a Reason dropped."))
    if reasons:
        return Entry("refuse", row.line, recommendation, description=description, reasons=reasons)
    owner = cells.get("owner", "").strip()
    target = row.target_date or None
    changes = [("Action", None, description), ("Owner", None, _shown(owner))]
    changes.append(("Target date", None, _shown_date(_date(target))))
    changes.append(("Action status", None, STATUS_LABEL[status]))
    if status == ActionStatus.DROPPED:
        changes.append(("Reason dropped", None, dropped))
    if note:
        changes.append(("New progress note", None, note))
    return Entry(
        "add",
        row.line,
        recommendation,
        description=description,
        changes=changes,
        op={
            "add": True,
            "recommendation": recommendation.pk,
            "description": description,
            "owner": owner,
            "target_date": target,
            "status": status,
            "dropped_reason": dropped,
            "note": note,
        },
    )


def _date(iso):
    return datetime.date.fromisoformat(iso) if iso else None


def _compare_action(row, recommendation, action, status, signed):
    seen_version = signed.get("v")
    cells = row.cells
    description = cells.get("action", "").strip()
    owner = cells.get("owner", "").strip()
    target = _date(row.target_date)
    note = cells.get("new_note", "").strip()
    dropped = cells.get("dropped_reason", "").strip()
    date_reason = cells.get("date_change_reason", "").strip()
    changes = []
    if not _same_text(description, action.description):
        changes.append(("Action", action.description, _shown(description)))
    if not _same_text(owner, action.owner):
        changes.append(("Owner", _shown(action.owner), _shown(owner)))
    if target != action.target_date:
        changes.append(("Target date", _shown_date(action.target_date), _shown_date(target)))
    if status is not None and status != action.status:
        changes.append(("Action status", STATUS_LABEL[action.status], STATUS_LABEL[status]))
    final_status = status or action.status
    if final_status == ActionStatus.DROPPED and action.status == ActionStatus.DROPPED:
        if not _same_text(dropped, action.dropped_reason):
            changes.append(("Reason dropped", _shown(action.dropped_reason), _shown(dropped)))
    elif final_status == ActionStatus.DROPPED and dropped:
        changes.append(("Reason dropped", "(none)", dropped))
    if note:
        changes.append(("New progress note", None, note))
    base = {"recommendation": recommendation, "description": action.description, "action": action}
    if not changes:
        return Entry("leave", row.line, **base)
    if seen_version != action.version and not note and not date_reason:
        as_downloaded = signed.get("f") is not None and signed.get("f") == action_fingerprint(
            description, owner, target, status, dropped
        )
        if as_downloaded:
            # The row is as it was downloaded: the leader did not edit it, someone changed the
            # action in the tracker since. Nothing to refuse and nothing to overwrite.
            return Entry(
                "leave",
                row.line,
                reasons=[gettext("Changed in the tracker since you downloaded the file: kept as it is now.")],
                **base,
            )
    if seen_version != action.version:
        who = action.history.order_by("-history_date").values_list("history_user__username", flat=True).first()
        when = date_format(timezone.localtime(action.updated_at), "DATETIME_FORMAT")
        return Entry(
            "refuse",
            row.line,
            changes=changes,
            reasons=[
                (
                    gettext(
                        "This action was changed in the tracker since you downloaded the file (by %(who)s, "
                        "%(when)s): download the plan again, then make your change."
                    )
                    if who
                    else gettext(
                        "This action was changed in the tracker since you downloaded the file (%(when)s): "
                        "download the plan again, then make your change."
                    )
                )
                % {"who": who, "when": when}
            ],
            **base,
        )
    reasons = []
    if not description:
        reasons.append(
            gettext("The Action column is empty: an action cannot be removed (drop it instead, with a reason).")
        )
    moved = target != action.target_date and action.target_date is not None
    if moved and not date_reason:
        reasons.append(gettext("The target date moved: say why in the column “Why the target date moved”."))
    if status == ActionStatus.DONE and action.status != ActionStatus.DONE and not note:
        reasons.append(gettext("Marked done: say what changed in the New progress note column."))
    if final_status == ActionStatus.DROPPED and action.status != ActionStatus.DROPPED and not dropped:
        reasons.append(gettext("Dropped: give the Reason dropped."))
    details_changed = any(c[0] in ("Action", "Owner", "Target date", "Reason dropped") for c in changes)
    if details_changed and action.status not in OPEN_ACTION_STATUSES and final_status == action.status:
        reasons.append(
            gettext(
                "The action is %(status)s: change its details on its page, "
                "or set its status to In progress to reopen it."
            )
            % {"status": str(STATUS_LABEL[action.status]).lower()}
        )
    if reasons:
        return Entry("refuse", row.line, changes=changes, reasons=reasons, **base)
    return Entry(
        "change",
        row.line,
        changes=changes,
        op={
            "action": action.pk,
            "seen_version": seen_version,
            "description": description,
            "owner": owner,
            "target_date": target.isoformat() if target else None,
            "date_change_reason": date_reason,
            "status": final_status,
            "dropped_reason": dropped,
            "note": note,
        },
        **base,
    )


def _compare_response(recommendation, proposals):
    response = recommendation.the_response
    lines = sorted({line for line, *_ in proposals})
    first = lines[0]
    base = {"recommendation": recommendation, "what": "response", "description": "The prison’s response"}
    wanted = {(decision, reason) for _, decision, reason, _ in proposals}
    old = (
        f"{DECISION_LABEL[response.decision]}{': ' + response.reason if response.reason else ''}"
        if response
        else gettext("(none)")
    )
    if len(wanted) > 1:
        return Entry(
            "refuse",
            first,
            reasons=[
                gettext("Rows %(rows)s give different responses to %(recommendation)s: make them the same.")
                % {"rows": ", ".join(map(str, lines)), "recommendation": recommendation.name}
            ],
            **base,
        )
    decision, reason = wanted.pop()
    new = f"{DECISION_LABEL[decision]}{': ' + reason if reason else ''}" if decision else gettext("(none)")
    changes = [("Response", old, new)]
    stale = [fp for *_, fp in proposals if fp is not None and fp != response_fingerprint(response)]
    if stale:
        return Entry(
            "refuse",
            first,
            changes=changes,
            reasons=[
                gettext(
                    "The response was changed in the tracker since you downloaded the file: "
                    "download the plan again, then make your change."
                )
            ],
            **base,
        )
    if decision is None:
        return Entry(
            "refuse",
            first,
            changes=changes,
            reasons=[gettext("A response cannot be removed: choose Accepted, Partly accepted or Not accepted.")],
            **base,
        )
    if decision != ResponseDecision.ACCEPTED and not reason:
        return Entry(
            "refuse",
            first,
            changes=changes,
            reasons=[gettext("Give a Response reason when the recommendation is not fully accepted.")],
            **base,
        )
    return Entry(
        "change",
        first,
        changes=changes,
        op={"response": True, "recommendation": recommendation.pk, "decision": decision, "reason": reason},
        **base,
    )


# --- The confirmation -------------------------------------------------------------------------


class PreviewOutdated(Exception):
    """The plan changed between the preview and the confirmation; ``preview`` is the new one."""

    def __init__(self, preview):
        super().__init__(gettext("The plan changed since the preview."))
        self.preview = preview


def rows_of(upload):
    return [ReadRow.from_json(data) for data in upload.rows]


def apply(upload, *, by, digest, today):
    """Applies a pending upload if the comparison made now is the one the leader confirmed.

    One transaction: every change through ``recommendations.actions`` (an action changed
    meanwhile raises ``ActionChanged``, and nothing is written); the upload is marked
    confirmed and an audit event says what changed. Returns the preview applied.
    """
    with transaction.atomic():
        upload = type(upload).objects.select_for_update().get(pk=upload.pk)
        if upload.status != PlanUploadStatus.PENDING:
            raise PreviewOutdated(None)
        preview = compare(upload.establishment, rows_of(upload), today)
        if preview.digest() != digest:
            raise PreviewOutdated(preview)
        recommendations = {e.recommendation.pk: e.recommendation for e in preview.entries if e.recommendation}
        try:
            for entry in preview.entries:
                if entry.kind == "add":
                    _apply_add(entry.op, recommendations[entry.op["recommendation"]], by)
                elif entry.kind == "change" and entry.what == "response":
                    domain.record_response(
                        recommendations[entry.op["recommendation"]],
                        decision=entry.op["decision"],
                        reason=entry.op["reason"],
                        by=by,
                    )
                elif entry.kind == "change":
                    _apply_change(entry.op, entry.action, by)
        except domain.ActionChanged:
            transaction.set_rollback(True)
            raise PreviewOutdated(compare(upload.establishment, rows_of(upload), today)) from None
        summary = (
            f"Action plan of {upload.establishment} updated from the spreadsheet “{upload.filename}”: "
            f"{_count(len(preview.added), 'action')} added, {_count(len(preview.changed), 'change')}, "
            f"{_count(len(preview.refused), 'row')} refused."
        )
        upload.status = PlanUploadStatus.CONFIRMED
        upload.confirmed_at = timezone.now()
        upload.summary = summary
        upload.save(update_fields=["status", "confirmed_at", "summary"])
        record_audit_event(AuditAction.PLAN_UPLOADED, user=by, summary=summary)
    return preview


def _count(n, word):
    return f"{n} {word}{'s' if n != 1 else ''}"


def _apply_add(op, recommendation, by):
    action = domain.add_action(
        recommendation, description=op["description"], owner=op["owner"], target_date=_date(op["target_date"]), by=by
    )
    status = op["status"]
    if status == ActionStatus.IN_PROGRESS:
        domain.update_action(
            action,
            description=action.description,
            owner=action.owner,
            target_date=action.target_date,
            status=status,
            by=by,
        )
    if op["note"] and status != ActionStatus.DONE:
        domain.add_progress_note(action, op["note"], by=by)
    if status == ActionStatus.DONE:
        domain.mark_done(action, op["note"], by=by)
    elif status == ActionStatus.DROPPED:
        domain.drop_action(action, op["dropped_reason"], by=by)


def _apply_change(op, action, by):
    seen = op["seen_version"]
    target = _date(op["target_date"])
    status = op["status"]
    details = (
        not _same_text(op["description"], action.description)
        or not _same_text(op["owner"], action.owner)
        or target != action.target_date
    )
    if status in OPEN_ACTION_STATUSES and (details or status != action.status):
        saved_status = status
    elif details:  # done or dropped now: the details first, while it is open
        saved_status = action.status if action.status in OPEN_ACTION_STATUSES else ActionStatus.IN_PROGRESS
    else:
        saved_status = None
    if saved_status is not None:
        domain.update_action(
            action,
            description=op["description"],
            owner=op["owner"],
            target_date=target,
            status=saved_status,
            date_change_reason=op["date_change_reason"],
            by=by,
            seen_version=seen,
        )
        seen = None
    if op["note"] and status != ActionStatus.DONE:
        domain.add_progress_note(action, op["note"], by=by)
    if status == ActionStatus.DONE and action.status != ActionStatus.DONE:
        domain.mark_done(action, op["note"], by=by, seen_version=seen)
    elif status == ActionStatus.DROPPED and action.status != ActionStatus.DROPPED:
        domain.drop_action(action, op["dropped_reason"], by=by, seen_version=seen)
