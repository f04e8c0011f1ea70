"""Publishing and unpublishing a review: explicit state changes, checked, in one transaction.

A review is published only when it is complete: the Chief Inspector's summary is present, and
every recommendation or theme it follows up (every judgement at the review) has a level and at
least one evidence paragraph. Publishing records who and when; the publication date embargoes
the report (the public sees only ``Inspection.objects.published(today)``). Unpublishing needs a
reason, kept as a ``recommendations.Unpublication``.

Judgements and evidence of a published review cannot be deleted: ``refuse_deleting_published``
guards every deletion path (the admin, the shell, a queryset's ``delete()``).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from findings.models import Judgement, Paragraph, ParagraphPart
from recommendations.models import Inspection, InspectionKind, PublicationStatus, Unpublication


class PublicationError(ValidationError):
    """A review cannot be published or unpublished; ``messages`` says why, one sentence each."""


class PublishedReviewLocked(ValidationError):
    """A judgement or evidence paragraph of a published review cannot be deleted."""


def missing_for_publication(review):
    """Sentences naming what stops ``review`` being published; empty when it is complete.

    Two queries: the summary's presence, and the judgements with their evidence counts.
    """
    missing = []
    if review.kind != InspectionKind.IRP:
        return ["Only an independent review of progress is published from this page."]
    if not review.paragraphs.filter(part=ParagraphPart.SUMMARY).exists():
        missing.append("The Chief Inspector’s summary is missing: add at least one summary paragraph.")
    judgements = (
        Judgement.objects.of_review(review)
        .select_related("recommendation", "level")
        .annotate(evidence_count=Count("evidence", filter=Q(evidence__part=ParagraphPart.EVIDENCE)))
        .order_by("position", "pk")
    )
    judgements = list(judgements)
    if not judgements:
        missing.append("The review follows up no recommendation yet: add the recommendations it judges.")
    for judgement in judgements:
        name = judgement.recommendation.name
        if judgement.level_id is None:
            missing.append(f"{name} has no judgement: choose a level of progress.")
        if judgement.evidence_count == 0:
            missing.append(f"{name} has no evidence paragraph: add at least one.")
    return missing


@transaction.atomic
def publish_review(review, by, now=None):
    """Publishes ``review`` (an IRP) now, shown to the public from its publication date.

    Refuses, naming each missing item, if the review is incomplete; nothing is written then.
    An empty publication date becomes today. A draft full inspection the review follows up is
    published with it (with the review's date if it has none, so nothing shows before the review).
    """
    now = now or timezone.now()
    review = Inspection.objects.select_for_update().get(pk=review.pk)
    if review.status == PublicationStatus.PUBLISHED:
        raise PublicationError(f"{review} is already published.")
    missing = missing_for_publication(review)
    if missing:
        raise PublicationError(missing)
    review.status = PublicationStatus.PUBLISHED
    review.published_at = now
    review.published_by = by
    review.published_on = review.published_on or timezone.localdate(now)
    review._history_user = by
    review.save()
    inspection = review.follows_up
    if inspection is not None and inspection.status == PublicationStatus.DRAFT:
        inspection.status = PublicationStatus.PUBLISHED
        inspection.published_at = now
        inspection.published_by = by
        if not inspection.published_on:
            inspection.published_on = review.published_on
            inspection.published_month_only = review.published_month_only
        inspection._history_user = by
        inspection.save()
    return review


@transaction.atomic
def unpublish_review(review, by, reason, now=None):
    """Takes a published review down again (back to draft), keeping who, when and why."""
    reason = (reason or "").strip()
    if not reason:
        raise PublicationError("Give a reason for unpublishing the review.")
    review = Inspection.objects.select_for_update().get(pk=review.pk)
    if review.status != PublicationStatus.PUBLISHED:
        raise PublicationError(f"{review} is not published.")
    now = now or timezone.now()
    unpublication = Unpublication.objects.create(inspection=review, reason=reason, by=by, at=now)
    review.status = PublicationStatus.DRAFT
    review.published_at = None
    review.published_by = None
    review._history_user = by
    review._change_reason = f"Unpublished: {reason}"
    review.save()
    return unpublication


def refuse_deleting_published(sender, instance, **kwargs):
    """``pre_delete`` guard: a published review's judgements and evidence are never deleted."""
    if sender is Judgement:
        review_id = instance.review_id
        what = f"the judgement of {instance.recommendation.name}"
    elif sender is Paragraph:
        if instance.judgement_id is None:
            return
        review_id = instance.inspection_id
        what = f"evidence paragraph {instance.number}"
    else:
        return
    if Inspection.objects.filter(pk=review_id, status=PublicationStatus.PUBLISHED).exists():
        raise PublishedReviewLocked(
            f"The review is published, so {what} cannot be deleted. Unpublish the review first, with a reason."
        )
