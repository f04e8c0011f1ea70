"""Announcing a coming independent review of progress: which recommendations (or key concerns) of
a full inspection it will follow up, and the month it is planned for.

"When we announce an IRP, we identify which recommendations we intend to follow up." An
announcement is a draft until an inspector publishes it; from then leaders see the chosen
recommendations flagged on their dashboard and the public sees them on the inspection's page.
Written only through these functions (the workspace's admin calls them).
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from common import clock, public_cache
from recommendations.audit import record_audit_event
from recommendations.models import AuditAction, InspectionKind, ReviewAnnouncement


@transaction.atomic
def announce_review(inspection, recommendations, planned_month: datetime.date, by=None):
    """Creates or changes the (draft or published) announcement of ``inspection``'s coming review."""
    if inspection.kind != InspectionKind.FULL:
        raise ValidationError(gettext("A review is announced to follow up a full inspection."))
    chosen = list(recommendations)
    strangers = [r for r in chosen if r.inspection_id != inspection.pk]
    if strangers:
        raise ValidationError(
            f"{strangers[0].name} was not made at {inspection}: a review follows up what its inspection made."
        )
    if not chosen:
        raise ValidationError(gettext("Choose at least one recommendation or concern the review will follow up."))
    announcement, _ = ReviewAnnouncement.objects.update_or_create(
        inspection=inspection, defaults={"planned_month": planned_month.replace(day=1)}
    )
    announcement.recommendations.set(chosen)
    if announcement.is_published:
        public_cache.changed()
    return announcement


@transaction.atomic
def publish_announcement(announcement, by=None, now=None):
    """Makes the announcement visible to leaders and the public."""
    if announcement.is_published:
        return announcement
    if not announcement.recommendations.exists():
        raise ValidationError(
            gettext("The announcement names no recommendation: choose what the review will follow up.")
        )
    announcement.published_at = now or clock.now()
    announcement.published_by = by if getattr(by, "is_authenticated", False) else None
    announcement._history_user = announcement.published_by
    announcement.save()
    record_audit_event(
        AuditAction.ANNOUNCED,
        user=by,
        inspection=announcement.inspection,
        summary=f"Announced the review of {announcement.inspection} planned for "
        f"{announcement.planned_month_display}: {announcement.recommendations.count()} to follow up.",
        at=announcement.published_at,
    )
    public_cache.changed()
    return announcement
