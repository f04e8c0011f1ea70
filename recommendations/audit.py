"""The audit trail: who published, unpublished, changed an embargo, imported a report or granted a
role. One function writes it; the workspace lists it read-only (``AuditEventAdmin``)."""

from django.utils import timezone

from recommendations.models import AuditAction, AuditEvent


def record_audit_event(action, *, user=None, inspection=None, summary, reason="", at=None):
    """Records one event and returns it.

    ``action`` is an ``AuditAction`` (or its value, e.g. ``"imported"``); ``user`` who did it (None
    for the command line without a named user); ``inspection`` the report concerned, if any;
    ``summary`` one sentence saying what changed, from what to what; ``reason`` why, if given.
    Call it inside the same transaction as the change it records, so both land or neither does.
    """
    action = AuditAction(action)
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    return AuditEvent.objects.create(
        action=action,
        user=user,
        inspection=inspection,
        summary=summary,
        reason=reason or "",
        at=at or timezone.now(),
    )
