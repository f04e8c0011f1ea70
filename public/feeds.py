"""Atom feeds (Django's syndication framework) to follow the tracker without checking the site.

- /feeds/reviews.atom: newly published reviews, nationally;
- /feeds/establishments/<slug>/reviews.atom: one establishment's;
- /feeds/establishments/<slug>/action-plan.atom: changes to its published action plans (the
  prison's response and actions), as they are made after publication: one entry per change (a
  progress note and the action's update it causes are one entry);
- /feeds/areas/<slug>/judgements.atom: published reviews' judgements in one area.

Every entry's id is a tag URI (RFC 4151), ``tag:<site's host>,2026:<kind>-<id>``, which never
changes when a title or a link does.

They obey the site's publication rules: built on ``Inspection.objects.published(today)``, so a
draft or embargoed review is in no feed until its publication date; an action plan is in the feed
only once published (``ActionPlan.objects.published(today)``), and only its changes from then on.
Each feed is a fixed number of queries.
"""

import datetime

from django.contrib.syndication.views import Feed
from django.db.models import Count, F
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.translation import gettext, gettext_lazy

from common import clock
from findings.models import Judgement
from public.dictionary import area_slug
from public.filters import public_areas
from public.pages import public_establishments
from recommendations.models import Action, ActionPlan, Inspection, ProgressNote, Response

FEED_LENGTH = 30
LICENCE = gettext_lazy("Crown copyright, used under the Open Government Licence v3.0")
SERVICE = gettext_lazy("Prison inspection recommendation tracker")
# The year in every tag URI: the site's host names the tagging authority from then on.
TAG_YEAR = "2026"
# A progress note and the action's save it causes happen within one request.
SAME_CHANGE = datetime.timedelta(seconds=5)
# What an action's change changes: a history record that differs in none of these (a note
# added, which only bumps the action's version) is not a change of its own.
ACTION_FIELDS = ("description", "owner", "target_date", "status", "dropped_reason")


def tag_uri(request, kind, pk):
    """An entry's id: ``tag:tracker.example.org,2026:review-12`` (RFC 4151)."""
    host = request.get_host().rsplit(":", 1)[0] if request is not None else "localhost"
    return f"tag:{host.strip('[]').lower() or 'localhost'},{TAG_YEAR}:{kind}-{pk}"


class TaggedFeed(Feed):
    """Keeps the request, so entries' ids are tag URIs under the site's host."""

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def feed_guid(self, obj):
        """The feed's own id: its absolute address. (Django's default, the page it is about, gave
        an establishment's two feeds one id, so a reader could take them for one feed.)"""
        return self.request.build_absolute_uri(self.request.path)


def start_of(day):
    """A publication date as the moment it became public: the start of that day, local time."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min)) if day else None


def as_summary(text):
    """Plain text as the HTML an Atom ``<summary type="html">`` holds: escaped here once for HTML,
    and once more for XML by the feed writer, so a reader decodes it back to text, never to tags
    (a leader's reason reading ``<script>`` stays those characters)."""
    return escape(text)


class LatestReviewsFeed(TaggedFeed):
    """Newly published reviews nationally, newest first: two queries (the reviews, and their
    judgements counted per level)."""

    feed_type = Atom1Feed
    author_name = SERVICE
    title = gettext_lazy("New independent reviews of progress")
    subtitle = gettext_lazy("Reviews of progress published by the prison inspectorates, newest first.")
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
        published = review.publication_date_display or gettext("today")
        if not review.findings:
            return as_summary(
                gettext("Published %(published)s. Judgements: No judgement recorded.") % {"published": published}
            )
        found = "; ".join(review.findings)
        return as_summary(
            gettext("Published %(published)s. Judgements: %(found)s.") % {"published": published, "found": found}
        )

    def item_link(self, review):
        return review.get_absolute_url()

    def item_guid(self, review):
        return tag_uri(self.request, "review", review.pk)

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
        return gettext("%(name)s: new reviews of progress") % {"name": establishment.name}

    def subtitle(self, establishment):
        return gettext("Reviews of progress at %(name)s published by the prison inspectorates.") % {
            "name": establishment.name
        }

    def link(self, establishment):
        return establishment.get_absolute_url()

    def reviews(self, establishment):
        return super().reviews(establishment).filter(establishment=establishment)


class ActionPlanFeed(TaggedFeed):
    """Changes to an establishment's published action plans: each plan's publication, then each
    action added or changed, each response given or changed and each progress note added after it.

    Five queries: the establishment, its published plans, and the history of actions, of
    responses and the progress notes since each plan was published.
    """

    feed_type = Atom1Feed
    feed_copyright = gettext_lazy("The prison’s own account of its actions, not the inspectorate’s judgement.")

    def author_name(self, establishment):
        return establishment.name

    def get_object(self, request, slug):
        self.today = clock.today()
        return get_object_or_404(public_establishments(self.today), slug=slug)

    def title(self, establishment):
        return gettext("%(name)s: changes to its action plans") % {"name": establishment.name}

    def subtitle(self, establishment):
        return gettext(
            "The response and actions %(name)s published to answer inspectors’ recommendations, "
            "and each change made to them since."
        ) % {"name": establishment.name}

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
                "guid": ("action-plan", plan.pk),
                "when": plan.published_at,
                "title": plan_published_title(plan.inspection),
                "description": gettext(
                    "The prison published its response and actions to this inspection’s recommendations."
                ),
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
        notes = list(
            ProgressNote.objects.filter(action__recommendation__inspection_id__in=list(plans), created_at__gte=since)
            .select_related("action__recommendation")
            .order_by("-created_at", "-pk")[:FEED_LENGTH]
        )
        changes = list(changes)
        kept = one_per_change(changes)
        # A note written with a change (marking an action done says what changed) is part of
        # it: one entry, not two. The note is saved first, then the action's record.
        merged = {}
        for note in notes:
            following = [r for r in changes if r.id == note.action_id and note.created_at <= r.history_date]
            record = min(following, key=lambda r: r.history_date, default=None)
            if record is not None and record in kept and record.history_date - note.created_at < SAME_CHANGE:
                merged[record.history_id] = note
        notes = [note for note in notes if note not in merged.values()]
        for record in kept:
            recommendation = record.recommendation
            if not after_publication(recommendation.inspection_id, record.history_date):
                continue
            title = {
                "+": gettext_lazy("Action added: %(action)s"),
                "~": gettext_lazy("Action updated: %(action)s"),
                "-": gettext_lazy("Action removed: %(action)s"),
            }[record.history_type] % {"action": record.description[:80]}
            description = action_summary(record, recommendation)
            with_note = merged.get(record.history_id)
            if with_note is not None:
                description += " " + gettext("Progress noted %(date)s: %(text)s") % {
                    "date": date_format(with_note.noted_on),
                    "text": with_note.text,
                }
            events.append(
                {
                    "guid": ("action-change", record.history_id),
                    "when": record.history_date,
                    "title": title,
                    "description": description,
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
                    "guid": ("response-change", record.history_id),
                    "when": record.history_date,
                    "title": gettext("Response to %(recommendation)s: %(decision)s")
                    % {"recommendation": recommendation.name, "decision": record.get_decision_display()},
                    "description": f"{record.get_decision_display()}.{reason}",
                    "link": recommendation.get_absolute_url(),
                }
            )
        for note in notes:
            recommendation = note.action.recommendation
            if not after_publication(recommendation.inspection_id, note.created_at):
                continue
            events.append(
                {
                    "guid": ("progress-note", note.pk),
                    "when": note.created_at,
                    "title": gettext("Progress noted on %(recommendation)s") % {"recommendation": recommendation.name},
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
        return tag_uri(self.request, *event["guid"])

    item_guid_is_permalink = False

    def item_pubdate(self, event):
        return event["when"]

    def item_updateddate(self, event):
        return event["when"]


def one_per_change(records):
    """An action's history records that change something a reader sees: a record that differs
    from the action's record before it (among ``records``, newest first) only in its version and
    time is the trace of a progress note, which has its own entry."""
    records = list(records)
    kept = []
    for index, record in enumerate(records):
        earlier = next((r for r in records[index + 1 :] if r.id == record.id), None)
        if (
            record.history_type == "~"
            and earlier is not None
            and all(getattr(record, name) == getattr(earlier, name) for name in ACTION_FIELDS)
        ):
            continue
        kept.append(record)
    return kept


def action_summary(record, recommendation):
    parts = [
        gettext("For %(recommendation)s.") % {"recommendation": recommendation.name},
        gettext("Status: %(status)s.") % {"status": record.get_status_display()},
    ]
    parts.append(gettext("Owner: %(owner)s.") % {"owner": record.owner} if record.owner else gettext("No owner."))
    if record.target_date:
        parts.append(gettext("Target date: %(date)s.") % {"date": date_format(record.target_date)})
    else:
        parts.append(gettext("No target date."))
    if record.dropped_reason:
        parts.append(gettext("Dropped because: %(reason)s") % {"reason": record.dropped_reason})
    return " ".join(parts)


def plan_published_title(inspection):
    """ "Action plan published for the full inspection of 2021"."""
    kind = inspection.get_kind_display().lower()
    if inspection.year:
        return gettext("Action plan published for the %(kind)s of %(year)s") % {"kind": kind, "year": inspection.year}
    return gettext("Action plan published for the %(kind)s") % {"kind": kind}


class AreaJudgementsFeed(TaggedFeed):
    """Published reviews' judgements in one area (e.g. use of force), newest review first: one
    entry per review, listing its judgements in the area. Two queries: the area's labels (the
    published areas, to find the one named) and the judgements."""

    feed_type = Atom1Feed
    author_name = SERVICE
    feed_copyright = LICENCE

    def get_object(self, request, slug):
        self.today = clock.today()
        labels = [area for area in public_areas(self.today) if area_slug(area) == slug]
        if not labels:
            raise Http404("No published recommendation is in that area.")
        return {"slug": slug, "name": labels[0], "labels": labels}

    def title(self, area):
        return gettext("%(area)s: new judgements of progress") % {"area": area["name"]}

    def subtitle(self, area):
        return gettext("Each published review's judgements of recommendations on %(area)s, newest first.") % {
            "area": area["name"].lower()
        }

    def link(self, area):
        return reverse("public:compare-area", kwargs={"slug": area["slug"]})

    def items(self, area):
        judgements = (
            Judgement.objects.published(self.today)
            .filter(recommendation__area__in=area["labels"], level__isnull=False)
            .select_related("review__establishment", "recommendation__inspectorate", "level")
            .order_by(F("review__published_on").desc(nulls_last=True), "-review_id", "position", "pk")
        )
        reviews = {}
        for judgement in judgements[: FEED_LENGTH * 20]:
            review = reviews.setdefault(judgement.review_id, judgement.review)
            review.area_judgements = getattr(review, "area_judgements", []) + [judgement]
            if len(reviews) > FEED_LENGTH:
                break
        for review in reviews.values():
            review.area = area
        return list(reviews.values())[:FEED_LENGTH]

    def item_title(self, review):
        return f"{review.name_with_establishment}: {review.area['name'].lower()}"

    def item_description(self, review):
        found = "; ".join(
            f"{judgement.recommendation.inspectorate.short_name} {judgement.recommendation.label or gettext('theme')}: "
            f"{judgement.level.label}"
            for judgement in review.area_judgements
        )
        return as_summary(
            gettext("Published %(published)s. %(found)s.")
            % {"published": review.publication_date_display or gettext("today"), "found": found}
        )

    def item_link(self, review):
        first = review.area_judgements[0]
        return f"{review.get_absolute_url()}#recommendation-{first.recommendation_id}"

    def item_guid(self, review):
        return tag_uri(self.request, f"area-{review.area['slug']}-review", review.pk)

    item_guid_is_permalink = False

    def item_pubdate(self, review):
        return start_of(review.published_on) or review.published_at

    def item_updateddate(self, review):
        return self.item_pubdate(review)
