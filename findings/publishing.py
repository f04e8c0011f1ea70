"""Publishing and unpublishing a review: explicit state changes, checked, in one transaction.

A review is published only when it is complete: the Chief Inspector's summary is present, and
every recommendation or theme it follows up (every judgement at the review) has a level and at
least one evidence paragraph. Publishing records who and when; the publication date embargoes
the report (the public sees only ``Inspection.objects.published(today)``). Unpublishing needs a
reason, kept as a ``recommendations.Unpublication``.

Judgements and evidence of a published review cannot be deleted: ``refuse_deleting_published``
guards every deletion path (the admin, the shell, a queryset's ``delete()``).

Whatever changes what the public sees ends in ``public_data_changed``: it brings the stored
"latest published judgement" windows up to date (``refresh_public_judgements``) and, once the
transaction commits, retires every cached public page (``recommendations.public_cache``).
Publishing, unpublishing, an import, an admin edit and a leader's change to a published action
plan all call it.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from findings.models import ALWAYS, Judgement, Paragraph, ParagraphPart
from recommendations import public_cache
from recommendations.models import Inspection, InspectionKind, PublicationStatus, Unpublication


def compute_public_windows(rows):
    """``{judgement pk: (public_from, superseded_from)}`` from rows of
    ``(pk, recommendation_id, review status, review published_on, review visit_start)``.

    A judgement of a published review is public from the review's publication date (always,
    when it has none). Of a recommendation's public judgements the latest is the one of the
    latest publication date (then the latest visit, then the latest written); it stays the
    latest until the next one's publication date. Pure: the data migration uses it too."""
    public = {}
    windows = {}
    for pk, recommendation_id, status, published_on, visit_start in rows:
        if status == PublicationStatus.PUBLISHED:
            public_from = published_on or ALWAYS
            public.setdefault(recommendation_id, []).append((public_from, visit_start or ALWAYS, pk))
        windows[pk] = (None, None)
    for judged in public.values():
        judged.sort()
        for (public_from, _, pk), following in zip(judged, [*judged[1:], None], strict=True):
            windows[pk] = (public_from, following[0] if following else None)
    return windows


def refresh_public_judgements(recommendations=None):
    """Brings the stored public windows of the judgements of ``recommendations`` (a queryset
    or ids; every recommendation when None) up to date, writing only the rows that differ.

    The one function that writes ``Judgement.public_from``/``superseded_from``; called through
    ``public_data_changed`` whenever a review is published, unpublished, imported or edited."""
    judgements = Judgement.objects.all()
    if recommendations is not None:
        judgements = judgements.filter(recommendation__in=recommendations)
    rows = list(
        judgements.values_list(
            "pk",
            "recommendation_id",
            "review__status",
            "review__published_on",
            "review__visit_start",
            "public_from",
            "superseded_from",
        )
    )
    windows = compute_public_windows(row[:5] for row in rows)
    stale = {}  # (public_from, superseded_from) → the judgements that need those dates
    for pk, *_, public_from, superseded_from in rows:
        if windows[pk] != (public_from, superseded_from):
            stale.setdefault(windows[pk], []).append(pk)
    # One UPDATE per pair of dates (judgements of one review mostly share theirs), in chunks.
    for (public_from, superseded_from), pks in stale.items():
        for start in range(0, len(pks), 5000):
            Judgement.objects.filter(pk__in=pks[start : start + 5000]).update(
                public_from=public_from, superseded_from=superseded_from
            )
    return sum(len(pks) for pks in stale.values())


def public_data_changed(reviews=None, recommendations=None):
    """What the public sees has changed: recompute the public windows of what ``reviews`` (a
    queryset, ids or instances) judge and of ``recommendations``, and retire every cached
    public page when the transaction commits. With neither, only the cache is retired (e.g.
    an establishment renamed, an action plan changed)."""
    if reviews is not None:
        reviews = [getattr(review, "pk", review) for review in reviews]
        judged = Judgement.objects.filter(review__in=reviews).values("recommendation_id")
        refresh_public_judgements(judged)
    if recommendations is not None:
        refresh_public_judgements(recommendations)
    public_cache.changed()


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
    public_data_changed(reviews=[review])
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
    public_data_changed(reviews=[review])
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
