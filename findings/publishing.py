"""Publishing and unpublishing a review: explicit state changes, checked, in one transaction.

A review is published only when it is complete: the Chief Inspector's summary is present, and
every recommendation or theme it follows up (every judgement at the review) has a level and at
least one evidence paragraph. Publishing records who and when; the publication date embargoes
the report (the public sees only ``Inspection.objects.published(today)``). Unpublishing needs a
reason, kept as a ``recommendations.Unpublication``.

Judgements and evidence of a published review cannot be deleted: ``refuse_deleting_published``
guards every deletion path (the admin, the shell, a queryset's ``delete()``).

Whatever changes what the public sees ends in ``public_data_changed``: it brings the stored
"latest published judgement" windows up to date (``refresh_public_judgements``), then each
recommendation's search document (its published evidence, ``refresh_search_documents``), and,
once the transaction commits, retires every cached public page (``common.public_cache``).
Publishing, unpublishing, an import, an admin edit and a leader's change to a published action
plan all call it.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from common import clock, public_cache
from findings.models import Judgement, Paragraph, ParagraphPart
from recommendations.audit import record_audit_event
from recommendations.models import (
    ALWAYS,
    TEXT_LIMITS,
    AuditAction,
    Inspection,
    InspectionKind,
    PublicationStatus,
    Unpublication,
    public_since,
    too_long,
)
from recommendations.roles import inspectorate_ids


def compute_public_windows(rows):
    """``{judgement pk: (public_from, superseded_from)}`` from rows of
    ``(pk, recommendation_id, review status, review published_on, review visit_start)``.

    A judgement is public from its review's ``public_since`` (the one rule: the publication date,
    always when it has none, never while a draft). Of a recommendation's public judgements the latest is the one of the
    latest publication date (then the latest visit, then the latest written); it stays the
    latest until the next one's publication date. Pure: the data migration uses it too."""
    public = {}
    windows = {}
    for pk, recommendation_id, status, published_on, visit_start in rows:
        start = public_since(status, published_on)
        if start is not None:
            public.setdefault(recommendation_id, []).append((start, visit_start or ALWAYS, pk))
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


EVIDENCE_SEPARATOR = "\n\n"
SEARCH_CHUNK = 2000


def refresh_search_documents(recommendations=None):
    """Brings each recommendation's stored evidence (``Recommendation.evidence_text``, read by
    the public search with its text and concern as one document) up to date for
    ``recommendations`` (a queryset or ids; every recommendation when None), writing only the
    rows that differ. Returns how many were written.

    The evidence is that of its judgements at published reviews (``public_from`` set, after
    ``refresh_public_judgements``), oldest first, so a draft's evidence is never in the
    document. An embargoed review's evidence is, with ``evidence_public_from`` (the latest
    date from which any of it is public): until that date the search checks a match without
    it (``findings.models.matching``), so it is found from its date with nobody
    acting, and never before. The one function that writes those two fields."""
    from recommendations.models import Recommendation

    if recommendations is None:
        ids = list(Recommendation.objects.order_by("pk").values_list("pk", flat=True))
    else:
        ids = sorted(set(_ids(recommendations)))
    written = 0
    for start in range(0, len(ids), SEARCH_CHUNK):
        chunk = ids[start : start + SEARCH_CHUNK]
        texts, public_from = {}, {}
        paragraphs = (
            Paragraph.objects.filter(judgement__recommendation__in=chunk, judgement__public_from__isnull=False)
            .order_by("judgement__public_from", "judgement__review_id", "section", "index", "pk")
            .values_list("judgement__recommendation_id", "judgement__public_from", "text")
        )
        for recommendation_id, date, text in paragraphs.iterator(chunk_size=5000):
            texts.setdefault(recommendation_id, []).append(text)
            public_from[recommendation_id] = max(date, public_from.get(recommendation_id, date))
        stale = []
        current = Recommendation.objects.filter(pk__in=chunk).values_list("pk", "evidence_text", "evidence_public_from")
        for pk, text, date in current.iterator(chunk_size=SEARCH_CHUNK):
            wanted = (EVIDENCE_SEPARATOR.join(texts.get(pk, [])), public_from.get(pk))
            if (text, date) != wanted:
                stale.append(Recommendation(pk=pk, evidence_text=wanted[0], evidence_public_from=wanted[1]))
        Recommendation.objects.bulk_update(stale, ["evidence_text", "evidence_public_from"], batch_size=500)
        written += len(stale)
    return written


def _ids(items):
    """Primary keys from instances, ids, or rows of ``values()`` with one column."""
    for item in items:
        if isinstance(item, dict):
            (item,) = item.values()
        yield getattr(item, "pk", item)


def public_data_changed(reviews=None, recommendations=None):
    """What the public sees has changed: recompute the public windows and the search
    documents of what ``reviews`` (a queryset, ids or instances) judge and of
    ``recommendations``, and retire every cached public page when the transaction commits.
    With neither, only the cache is retired (e.g. an establishment renamed, an action plan
    changed)."""
    if reviews is not None:
        reviews = [getattr(review, "pk", review) for review in reviews]
        judged = Judgement.objects.filter(review__in=reviews).values("recommendation_id")
        refresh_public_judgements(judged)
        refresh_search_documents(judged)
    if recommendations is not None:
        refresh_public_judgements(recommendations)
        refresh_search_documents(recommendations)
    public_cache.changed()


# The years a report's publication date can fall in: anything else is a typing slip
# (0001-01-01, 9999-12-31), refused with a sentence wherever a date is set.
EARLIEST_PUBLICATION = datetime.date(1900, 1, 1)
LATEST_PUBLICATION = datetime.date(2200, 12, 31)


def publication_date_refusal(day):
    """The sentence refusing ``day`` as a publication date, or None if it is in range."""
    if day is None or EARLIEST_PUBLICATION <= day <= LATEST_PUBLICATION:
        return None
    return gettext("Enter a publication date between %(earliest)s and %(latest)s.") % {
        "earliest": _date(EARLIEST_PUBLICATION),
        "latest": _date(LATEST_PUBLICATION),
    }


class PublicationError(ValidationError):
    """A review cannot be published or unpublished; ``messages`` says why, one sentence each."""


class PublishedReviewLocked(ValidationError):
    """A judgement or evidence paragraph of a published review cannot be deleted."""


class NotAllowedToPublish(PermissionDenied):
    """The user may not publish, unpublish or re-date this review (``may_publish``)."""


def may_publish(user, review=None):
    """Who may publish, unpublish or change the publication date of ``review``: a superuser, or an
    inspector (with the inspection change permission) whose inspectorate judges something in it —
    publishing makes their judgements public — or, for a full inspection, of its lead inspectorate.
    With no review: whether the user may publish any."""
    if not user.has_perm("recommendations.change_inspection"):
        return False
    allowed = inspectorate_ids(user)
    if allowed is None:
        return True
    if not allowed:
        return False
    if review is None:
        return True
    if review.kind == InspectionKind.FULL:
        # A full inspection is its lead inspectorate's report (as its import is theirs).
        return review.lead_inspectorate_id in allowed
    return review.is_review and review.judgements.filter(recommendation__inspectorate__in=allowed).exists()


def _check(by, review):
    if by is not None and not may_publish(by, review):
        raise NotAllowedToPublish(
            gettext("You may not publish or change the publication of %(review)s.") % {"review": review}
        )


def _date(value):
    return date_format(value) if value else "no date"


def missing_for_publication(review):
    """Sentences naming what stops ``review`` being published; empty when it is complete.

    Two queries: the summary's presence, and the judgements with their evidence counts.
    """
    missing = []
    if review.kind != InspectionKind.IRP:
        return [gettext("Only an independent review of progress is published from this page.")]
    if not review.paragraphs.filter(part=ParagraphPart.SUMMARY).exists():
        missing.append(gettext("The Chief Inspector’s summary is missing: add at least one summary paragraph."))
    judgements = (
        Judgement.objects.of_review(review)
        .select_related("recommendation", "level")
        .annotate(evidence_count=Count("evidence", filter=Q(evidence__part=ParagraphPart.EVIDENCE)))
        .order_by("position", "pk")
    )
    judgements = list(judgements)
    if not judgements:
        missing.append(gettext("The review follows up no recommendation yet: add the recommendations it judges."))
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
    An empty publication date becomes today (``common.clock``: the frozen ``TRACKER_TODAY`` when
    set, so the review is public on the day the service says it is). A draft full inspection the review follows up is
    published with it (with the review's date if it has none, so nothing shows before the review).
    """
    now = now or clock.now()
    review = Inspection.objects.select_for_update().get(pk=review.pk)
    if review.status == PublicationStatus.PUBLISHED:
        raise PublicationError(f"{review} is already published.")
    missing = missing_for_publication(review)
    if missing:
        raise PublicationError(missing)
    _check(by, review)  # after the checks: a review judging nothing yet has no one to publish it
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
        record_audit_event(
            AuditAction.PUBLISHED,
            user=by,
            inspection=inspection,
            summary=f"{inspection} published with {review}, shown from {_date(inspection.published_on)}.",
            at=now,
        )
    record_audit_event(
        AuditAction.PUBLISHED,
        user=by,
        inspection=review,
        summary=f"{review} published, shown from {_date(review.published_on)}.",
        at=now,
    )
    public_data_changed(reviews=[review])
    return review


@transaction.atomic
def publish_full_inspection(inspection, by, now=None):
    """Publishes a full inspection imported from its own report: the report is public, and so are
    the recommendations or concerns it made, before any review follows them up. Shown from its
    publication date (the report's month). Never touches a review."""
    now = now or clock.now()
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if inspection.kind != InspectionKind.FULL:
        raise PublicationError(gettext("Only a full inspection is published this way."))
    if inspection.status == PublicationStatus.PUBLISHED:
        return inspection
    inspection.status = PublicationStatus.PUBLISHED
    inspection.published_at = now
    inspection.published_by = by
    inspection.published_on = inspection.published_on or timezone.localdate(now)
    inspection._history_user = by
    inspection.save()
    record_audit_event(
        AuditAction.PUBLISHED,
        user=by,
        inspection=inspection,
        summary=f"{inspection} published, shown from {_date(inspection.published_on)}.",
        at=now,
    )
    public_data_changed()
    return inspection


def published_with(review):
    """The full inspection ``review`` published when it was published (it was a draft then), or None.

    ``publish_review`` gives both the same ``published_at``; an inspection published on its own
    (or by another review first) has another.
    """
    inspection = review.follows_up
    if (
        inspection is None
        or inspection.status != PublicationStatus.PUBLISHED
        or review.published_at is None
        or inspection.published_at != review.published_at
    ):
        return None
    return inspection


@transaction.atomic
def unpublish_review(review, by, reason, now=None):
    """Takes a published review down again (back to draft), keeping who, when and why."""
    reason = (reason or "").strip()
    if not reason:
        raise PublicationError(gettext("Give a reason for unpublishing the review."))
    if len(reason) > TEXT_LIMITS["reason"]:
        raise PublicationError(too_long(gettext("The reason"), TEXT_LIMITS["reason"]))
    review = Inspection.objects.select_for_update().get(pk=review.pk)
    _check(by, review)
    if review.status != PublicationStatus.PUBLISHED:
        raise PublicationError(f"{review} is not published.")
    now = now or clock.now()
    unpublication = Unpublication.objects.create(inspection=review, reason=reason, by=by, at=now)
    inspection = published_with(review)
    review.status = PublicationStatus.DRAFT
    review.published_at = None
    review.published_by = None
    review._history_user = by
    review._change_reason = f"Unpublished: {reason}"
    review.save()
    record_audit_event(
        AuditAction.UNPUBLISHED, user=by, inspection=review, summary=f"{review} unpublished.", reason=reason, at=now
    )
    if inspection is not None:
        # Publishing put the inspection out; take it back unless another published review of it
        # still needs it public.
        still_followed = inspection.reviews.filter(status=PublicationStatus.PUBLISHED).exclude(pk=review.pk)
        if not still_followed.exists():
            inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
            inspection.status = PublicationStatus.DRAFT
            inspection.published_at = None
            inspection.published_by = None
            inspection._history_user = by
            inspection._change_reason = f"Unpublished with {review}: {reason}"
            inspection.save()
            record_audit_event(
                AuditAction.UNPUBLISHED,
                user=by,
                inspection=inspection,
                summary=f"{inspection} unpublished with {review}, which had published it.",
                reason=reason,
                at=now,
            )
    public_data_changed(reviews=[review])
    return unpublication


@transaction.atomic
def change_publication_date(review, by, published_on, reason, *, month_only=None, now=None):
    """Moves the date from which ``review`` is shown to the public (its embargo), recording who,
    from what, to what and why. Only someone who may publish the review may; a reason is needed.

    A full inspection published with the review and shown from the same date moves with it, so
    it never shows before (or stays up after) the review it was published with.
    """
    reason = (reason or "").strip()
    if len(reason) > TEXT_LIMITS["reason"]:
        raise PublicationError(too_long(gettext("The reason"), TEXT_LIMITS["reason"]))
    if published_on is None:
        raise PublicationError(gettext("Enter the new publication date."))
    if publication_date_refusal(published_on):
        raise PublicationError(publication_date_refusal(published_on))
    now = now or clock.now()
    review = Inspection.objects.select_for_update().get(pk=review.pk)
    _check(by, review)
    if not reason and review.status == PublicationStatus.PUBLISHED:
        # A published date is a public promise: moving it is a decision on record.
        raise PublicationError(gettext("Give a reason for changing the publication date."))
    month_only = review.published_month_only if month_only is None else month_only
    old, old_month_only = review.published_on, review.published_month_only
    if old == published_on and old_month_only == month_only:
        raise PublicationError(f"{review} is already shown from {_date(old)}.")
    inspection = published_with(review)
    review.published_on = published_on
    review.published_month_only = month_only
    review._history_user = by
    review._change_reason = f"Publication date {_date(old)} → {_date(published_on)}" + (f": {reason}" if reason else "")
    review.save()
    record_audit_event(
        AuditAction.EMBARGO_CHANGED,
        user=by,
        inspection=review,
        summary=f"{review}: publication date changed from {_date(old)} to {_date(published_on)}.",
        reason=reason or None,
        at=now,
    )
    if inspection is not None and inspection.published_on == old:
        inspection.published_on = published_on
        inspection.published_month_only = month_only
        inspection._history_user = by
        inspection._change_reason = review._change_reason
        inspection.save()
        record_audit_event(
            AuditAction.EMBARGO_CHANGED,
            user=by,
            inspection=inspection,
            summary=f"{inspection}: publication date changed with {review} from {_date(old)} to {_date(published_on)}.",
            reason=reason,
            at=now,
        )
    # The judgements' public windows follow the review's date; cached pages are retired.
    public_data_changed(reviews=[review])
    return review


@transaction.atomic
def publish_on(review, by, day, reason="", now=None):
    """The workspace's one "Publish on [date]" action. A draft is published, shown from ``day``
    (today or earlier: at once; a later day: embargoed until then), checked as ``publish_review``
    checks it; a published review's date moves to ``day``, with a reason
    (``change_publication_date``)."""
    refusal = publication_date_refusal(day)
    if refusal:
        raise PublicationError(refusal)
    review = Inspection.objects.select_for_update().get(pk=review.pk)
    if review.status == PublicationStatus.PUBLISHED:
        return change_publication_date(review, by, day, reason, month_only=False, now=now)
    _check(by, review)
    if day is not None and (review.published_on, review.published_month_only) != (day, False):
        review.published_on, review.published_month_only = day, False
        review._history_user = by
        review._change_reason = f"Publication date set to {_date(day)} when publishing"
        review.save(update_fields=["published_on", "published_month_only"])
    return publish_review(review, by, now=now)


def publication_state(review, today):
    """How the workspace names a review's state: Draft, Embargoed until [date], or Published."""
    if review.status != PublicationStatus.PUBLISHED:
        return gettext("Draft")
    if review.published_on and review.published_on > today:
        return gettext("Embargoed until %(date)s") % {"date": _date(review.published_on)}
    return gettext("Published")


def refuse_deleting_published(sender, instance, **kwargs):
    """``pre_delete`` guard: a published review's judgements and evidence are never deleted."""
    if sender is Judgement:
        review_id = instance.review_id
        refusal = gettext(
            "The review is published, so the judgement of %(recommendation)s cannot be deleted. "
            "Unpublish the review first, with a reason."
        ) % {"recommendation": instance.recommendation.name}
    elif sender is Paragraph:
        if instance.judgement_id is None:
            return
        review_id = instance.inspection_id
        refusal = gettext(
            "The review is published, so evidence paragraph %(number)s cannot be deleted. "
            "Unpublish the review first, with a reason."
        ) % {"number": instance.number}
    else:
        return
    if Inspection.objects.filter(pk=review_id, status=PublicationStatus.PUBLISHED).exists():
        raise PublishedReviewLocked(refusal)
