"""Atom feeds (Django's syndication framework) to follow the tracker without checking the site.

- /feeds/reviews.atom: newly published reviews, nationally;
- /feeds/establishments/<slug>/reviews.atom: one establishment's;
- /feeds/establishments/<slug>/action-plan.atom: changes to its published action plans (the
  prison's response and actions), as they are made after publication.

They obey the site's publication rules: built on ``Inspection.objects.published(today)``, so a
draft or embargoed review is in no feed until its publication date; an action plan is in the feed
only once published (``ActionPlan.objects.published(today)``), and only its changes from then on.
Each feed is a fixed number of queries.
"""

import datetime

from django.contrib.syndication.views import Feed
from django.db.models import Count, F
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.formats import date_format
from django.utils.html import escape

from common import clock
from findings.models import Judgement
from public.pages import public_establishments
from recommendations.models import Action, ActionPlan, Inspection, ProgressNote, Response

FEED_LENGTH = 30
LICENCE = "Crown copyright, used under the Open Government Licence v3.0"


def start_of(day):
    """A publication date as the moment it became public: the start of that day, local time."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min)) if day else None


def as_summary(text):
    """Plain text as the HTML an Atom ``<summary type="html">`` holds: escaped here once for HTML,
    and once more for XML by the feed writer, so a reader decodes it back to text, never to tags
    (a leader's reason reading ``<script>`` stays those characters)."""
    return escape(text)


class LatestReviewsFeed(Feed):
    """Newly published reviews nationally, newest first: two queries (the reviews, and their
    judgements counted per level)."""

    feed_type = Atom1Feed
    author_name = "Prison inspection recommendation tracker"
    title = "New independent reviews of progress"
    subtitle = "Reviews of progress published by the prison inspectorates, newest first."
    feed_copyright = LICENCE

    def link(self):
        return reverse("public:home")

    def get_object(self, request, *args, **kwargs):
        self.today = clock.today()
        return None

    def reviews(self, obj):
        return Inspection.objects.published(self.today).reviews().select_related("establishment")

    def items(self, obj):
        reviews = list(
            self.reviews(obj).order_by(F("published_on").desc(nulls_last=True), "-published_at", "-pk")[:FEED_LENGTH]
        )
        counts = (
            Judgement.objects.filter(review__in=[r.pk for r in reviews], level__isnull=False)
            .values("review_id", "level__label", "level__rank", "recommendation__inspectorate__short_name")
            .annotate(n=Count("pk"))
            .order_by("review_id", "recommendation__inspectorate_id", "level__rank")
        )
        findings, judged_by = {}, {}
        for row in counts:
            inspectorate = row["recommendation__inspectorate__short_name"]
            findings.setdefault(row["review_id"], []).append(
                f"{inspectorate} {row['level__label'].lower()}: {row['n']}"
            )
            judged_by.setdefault(row["review_id"], {})[inspectorate] = True
        for review in reviews:
            review.findings = findings.get(review.pk, [])
            review.judged_by = list(judged_by.get(review.pk, {}))
        return reviews

    def item_title(self, review):
        return review.name_with_establishment

    def item_description(self, review):
        published = review.publication_date_display or "today"
        found = "; ".join(review.findings) if review.findings else "No judgement recorded."
        return as_summary(f"Published {published}. Judgements: {found}.")

    def item_link(self, review):
        return review.get_absolute_url()

    def item_guid(self, review):
        return f"review-{review.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, review):
        return start_of(review.published_on) or review.published_at

    def item_updateddate(self, review):
        return self.item_pubdate(review)

    def item_author_name(self, review):
        """The inspectorates whose judgements the review gives, e.g. "HMI Prisons and Ofsted"."""
        return " and ".join(review.judged_by) or None


class EstablishmentReviewsFeed(LatestReviewsFeed):
    """One establishment's newly published reviews: three queries (the establishment too)."""

    def get_object(self, request, slug):
        self.today = clock.today()
        return get_object_or_404(public_establishments(self.today), slug=slug)

    def title(self, establishment):
        return f"{establishment.name}: new reviews of progress"

    def subtitle(self, establishment):
        return f"Reviews of progress at {establishment.name} published by the prison inspectorates."

    def link(self, establishment):
        return establishment.get_absolute_url()

    def reviews(self, establishment):
        return super().reviews(establishment).filter(establishment=establishment)


class ActionPlanFeed(Feed):
    """Changes to an establishment's published action plans: each plan's publication, then each
    action added or changed, each response given or changed and each progress note added after it.

    Five queries: the establishment, its published plans, and the history of actions, of
    responses and the progress notes since each plan was published.
    """

    feed_type = Atom1Feed
    feed_copyright = "The prison’s own account of its actions, not the inspectorate’s judgement."

    def author_name(self, establishment):
        return establishment.name

    def get_object(self, request, slug):
        self.today = clock.today()
        return get_object_or_404(public_establishments(self.today), slug=slug)

    def title(self, establishment):
        return f"{establishment.name}: changes to its action plans"

    def subtitle(self, establishment):
        return (
            f"The response and actions {establishment.name} published to answer inspectors’ recommendations, "
            "and each change made to them since."
        )

    def link(self, establishment):
        return establishment.get_absolute_url()

    def items(self, establishment):
        plans = {
            plan.inspection_id: plan
            for plan in ActionPlan.objects.published(self.today)
            .filter(inspection__establishment=establishment)
            .select_related("inspection")
        }
        if not plans:
            return []
        events = [
            {
                "guid": f"plan-{plan.pk}",
                "when": plan.published_at,
                "title": f"Action plan published for the {plan.inspection.get_kind_display().lower()}"
                + (f" of {plan.inspection.year}" if plan.inspection.year else ""),
                "description": "The prison published its response and actions to this inspection’s recommendations.",
                "link": establishment.get_absolute_url(),
            }
            for plan in plans.values()
        ]
        since = min(plan.published_at for plan in plans.values())

        def after_publication(inspection_id, when):
            plan = plans.get(inspection_id)
            return plan is not None and when >= plan.published_at

        changes = (
            Action.history.filter(recommendation__inspection_id__in=list(plans), history_date__gte=since)
            .select_related("recommendation")
            .order_by("-history_date", "-history_id")[: FEED_LENGTH * 2]
        )
        for record in changes:
            recommendation = record.recommendation
            if not after_publication(recommendation.inspection_id, record.history_date):
                continue
            verb = {"+": "Action added", "~": "Action updated", "-": "Action removed"}[record.history_type]
            events.append(
                {
                    "guid": f"action-{record.history_id}",
                    "when": record.history_date,
                    "title": f"{verb}: {record.description[:80]}",
                    "description": action_summary(record, recommendation),
                    "link": recommendation.get_absolute_url(),
                }
            )
        responses = (
            Response.history.filter(recommendation__inspection_id__in=list(plans), history_date__gte=since)
            .select_related("recommendation")
            .order_by("-history_date", "-history_id")[:FEED_LENGTH]
        )
        for record in responses:
            recommendation = record.recommendation
            if not after_publication(recommendation.inspection_id, record.history_date):
                continue
            reason = f" {record.reason}" if record.reason else ""
            events.append(
                {
                    "guid": f"response-{record.history_id}",
                    "when": record.history_date,
                    "title": f"Response to {recommendation.name}: {record.get_decision_display()}",
                    "description": f"{record.get_decision_display()}.{reason}",
                    "link": recommendation.get_absolute_url(),
                }
            )
        notes = (
            ProgressNote.objects.filter(action__recommendation__inspection_id__in=list(plans), created_at__gte=since)
            .select_related("action__recommendation")
            .order_by("-created_at", "-pk")[:FEED_LENGTH]
        )
        for note in notes:
            recommendation = note.action.recommendation
            if not after_publication(recommendation.inspection_id, note.created_at):
                continue
            events.append(
                {
                    "guid": f"note-{note.pk}",
                    "when": note.created_at,
                    "title": f"Progress noted on {recommendation.name}",
                    "description": f"{date_format(note.noted_on)}: {note.text}",
                    "link": recommendation.get_absolute_url(),
                }
            )
        events.sort(key=lambda event: event["when"], reverse=True)
        return events[:FEED_LENGTH]

    def item_title(self, event):
        return event["title"]

    def item_description(self, event):
        return as_summary(event["description"])

    def item_link(self, event):
        return event["link"]

    def item_guid(self, event):
        return event["guid"]

    item_guid_is_permalink = False

    def item_pubdate(self, event):
        return event["when"]

    def item_updateddate(self, event):
        return event["when"]


def action_summary(record, recommendation):
    parts = [f"For {recommendation.name}.", f"Status: {record.get_status_display()}."]
    parts.append(f"Owner: {record.owner}." if record.owner else "No owner.")
    parts.append(f"Target date: {date_format(record.target_date)}." if record.target_date else "No target date.")
    if record.dropped_reason:
        parts.append(f"Dropped because: {record.dropped_reason}")
    return " ".join(parts)
