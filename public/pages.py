"""What each public page reads, one function per page, each a fixed number of queries.

The public views and the inspectors' preview build only on these, so a page shows the same
thing whoever opens it; what differs is which reviews the caller may reach (``published()``
for the public, any review for the preview).
"""

from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Subquery, Window
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from common import public_cache
from findings.models import (
    Judgement,
    Paragraph,
    ParagraphPart,
    ProgressLevel,
    key_findings,
    open_recommendations,
    published_recommendations,
    with_latest_judgement,
)
from recommendations.models import (
    Action,
    Establishment,
    HealthyPrisonScore,
    HealthyPrisonTest,
    Inspection,
    InspectionKind,
    Inspectorate,
)

LATEST_REVIEWS_ON_HOME = 6
# An establishment inspected for years has hundreds of open recommendations: its page shows the
# newest; the list, filtered by the establishment, has them all.
OPEN_ON_ESTABLISHMENT_PAGE = 50


def inspection_order():
    """Newest first: by visit, then publication, for inspections that give only one of them."""
    return [F("visit_start").desc(nulls_last=True), F("published_on").desc(nulls_last=True), "-pk"]


# --- Home --------------------------------------------------------------------------------


@dataclass
class Totals:
    inspectorate: Inspectorate
    levels: list  # [(level, count)], lowest rank first
    top_rank: int

    @property
    def total(self):
        return sum(count for _, count in self.levels)


def home_page(today):
    """The latest published reviews and the count of published judgements at each level.

    Two queries: the reviews, and the levels with their counts (read from the cache while the
    public data stays the same: counting every published judgement is the costly part).
    """
    published = Inspection.objects.published(today)
    latest = list(
        published.reviews()
        .select_related("establishment")
        .order_by(F("published_on").desc(nulls_last=True), "-pk")[:LATEST_REVIEWS_ON_HOME]
    )

    def count_levels():
        # Judgements the public may see (``Judgement.objects.published``), counted per level from
        # the (level, public_from) index without reading the reviews.
        public = Judgement.objects.published(today).filter(level=OuterRef("pk")).order_by()
        counted = public.values("level").annotate(n=Count("pk")).values("n")
        return list(ProgressLevel.objects.select_related("inspectorate").annotate(n=Coalesce(Subquery(counted), 0)))

    return latest, _totals(public_cache.remember(today, "home:level-counts", count_levels))


def _totals(levels):
    grouped = {}
    for level in levels:
        grouped.setdefault(level.inspectorate, []).append((level, level.n))
    return [
        Totals(inspectorate, counted, max(level.rank for level, _ in counted))
        for inspectorate, counted in grouped.items()
        if any(count for _, count in counted)
    ]


# --- Establishments ----------------------------------------------------------------------


def public_establishments(today):
    """Establishments with at least one published inspection or review; nothing else exists
    for the public."""
    published = Inspection.objects.published(today).filter(establishment=OuterRef("pk"))
    return Establishment.objects.filter(Exists(published))


def establishment_list_page(today):
    """One query: each public establishment with its count of published reviews."""
    published = Inspection.objects.published(today)
    return list(
        public_establishments(today).annotate(
            reviews=Count("inspections", filter=Q(inspections__in=published, inspections__kind=InspectionKind.IRP)),
        )
    )


@dataclass
class EstablishmentPage:
    establishment: Establishment
    inspections: list
    scores: dict = field(default_factory=dict)  # inspection pk → [HealthyPrisonScore]
    open_recommendations: list = field(default_factory=list)
    open_total: int = 0


def establishment_page(today, slug):
    """Four queries: the establishment, its published inspections, their healthy prison scores
    and its recommendations whose latest published judgement is below the top of the scale
    (the newest ``OPEN_ON_ESTABLISHMENT_PAGE`` of them shown, all of them counted)."""
    establishment = get_object_or_404(public_establishments(today), slug=slug)
    inspections = list(
        Inspection.objects.published(today)
        .filter(establishment=establishment)
        .annotate(judged=Count("judgements"))
        .order_by(*inspection_order())
    )
    for inspection in inspections:
        inspection.establishment = establishment
    scores = {}
    for score in HealthyPrisonScore.objects.filter(inspection__in=[i.pk for i in inspections]):
        scores.setdefault(score.inspection_id, []).append(score)
    for inspection in inspections:
        inspection.scores = scores.get(inspection.pk, [])
    still_open = list(
        open_recommendations(published_recommendations(today).for_establishment(establishment), today)
        .select_related("inspectorate", "inspection")
        .annotate(open_total=Window(Count("pk")))  # counted over them all, before the limit
        .order_by(F("inspection__visit_start").desc(nulls_last=True), "inspection_id", "position", "pk")[
            :OPEN_ON_ESTABLISHMENT_PAGE
        ]
    )
    total = still_open[0].open_total if still_open else 0
    return EstablishmentPage(establishment, inspections, scores, still_open, total)


# --- One review --------------------------------------------------------------------------


@dataclass
class ReviewPage:
    review: Inspection
    summary: list
    key_finding_paragraphs: list
    notable_practice: list
    judgements: list  # each with .evidence_paragraphs and .top_rank
    key_findings: list  # [Totals]: per inspectorate, each level of its scale with its count
    team: list


def review_queryset(today=None, *, public=True):
    """The reviews a caller may open: published and past their date for the public, any for
    the inspectors' preview."""
    reviews = Inspection.objects.published(today) if public else Inspection.objects.all()
    return reviews.reviews().select_related("establishment", "follows_up")


def review_page(reviews, **lookup):
    """Everything the review page shows, in six queries whatever the review's size: the review,
    its paragraphs, its judgements with their recommendations, the key-finding counts and the
    scales (two), and the team."""
    review = get_object_or_404(reviews, **lookup)
    paragraphs = list(Paragraph.objects.filter(inspection=review).select_related("notable_practice"))
    judgements = list(
        Judgement.objects.filter(review=review)
        .select_related("recommendation__inspectorate", "level")
        .order_by("position", "pk")
    )
    findings = key_findings(review)
    top_ranks = {inspectorate.pk: max(level.rank for level, _ in levels) for inspectorate, levels in findings}
    team = list(review.team.select_related("inspectorate"))

    evidence = {}
    for paragraph in paragraphs:
        if paragraph.judgement_id:
            evidence.setdefault(paragraph.judgement_id, []).append(paragraph)
    for judgement in judgements:
        judgement.evidence_paragraphs = evidence.get(judgement.pk, [])
        judgement.top_rank = top_ranks.get(judgement.recommendation.inspectorate_id)
        judgement.review = review

    def part(name):
        return [p for p in paragraphs if p.part == name]

    return ReviewPage(
        review=review,
        summary=part(ParagraphPart.SUMMARY),
        key_finding_paragraphs=part(ParagraphPart.KEY_FINDINGS),
        notable_practice=part(ParagraphPart.NOTABLE_PRACTICE),
        judgements=judgements,
        key_findings=[Totals(inspectorate, levels, top_ranks[inspectorate.pk]) for inspectorate, levels in findings],
        team=team,
    )


# --- Recommendations ---------------------------------------------------------------------


def list_layout(recommendations, today, key):
    """``[(inspection pk, how many of its recommendations are in the list)]`` in the list's
    order, for the filtered ``recommendations``; ``key`` names the filters.

    Two queries (the counts per inspection, and the inspections' order), read from the cache
    while the public data stays the same: it gives the total without a COUNT per request, and
    lets a page of any depth be read from the one or two inspections it falls in instead of
    sorting and skipping every row before it."""

    def compute():
        counts = dict(
            recommendations.order_by()
            .values_list("inspection_id")
            .annotate(n=Count("pk"))
            .values_list("inspection_id", "n")
        )
        order = (
            Inspection.objects.filter(pk__in=list(counts))
            .order_by("establishment__name", F("visit_start").desc(nulls_last=True), "pk")
            .values_list("pk", flat=True)
        )
        return [(pk, counts[pk]) for pk in order]

    return public_cache.remember(today, f"recommendation-list:{key}", compute)


class ListWindow:
    """The filtered list as a paginator (or a download) reads it: its length from the layout,
    and any slice read from the inspections it falls in, one query a slice."""

    def __init__(self, layout, rows):
        self.layout = layout
        self.rows = rows  # the filtered recommendations in the list's order
        self.total = sum(n for _, n in layout)

    def __len__(self):
        return self.total

    def __getitem__(self, window):
        start, stop = window.start or 0, min(window.stop if window.stop is not None else self.total, self.total)
        chosen, skip, position = [], 0, 0
        for pk, n in self.layout:
            if position >= stop:
                break
            if position + n > start:
                if not chosen:
                    skip = start - position
                chosen.append(pk)
            position += n
        if not chosen:
            return []
        return list(self.rows.filter(inspection_id__in=chosen))[skip : skip + stop - start]

    def chunks(self, inspections=50):
        """The whole list, a few inspections at a time (one query each), for a download."""
        pks = [pk for pk, _ in self.layout]
        for start in range(0, len(pks), inspections):
            yield from self.rows.filter(inspection_id__in=pks[start : start + inspections]).iterator(chunk_size=2000)


def recommendations_for_public_list(today):
    """Every public recommendation and theme with its latest published judgement, in the
    list's order, with what a row shows joined in: one query per page of results."""
    return (
        with_latest_judgement(published_recommendations(today), today)
        .select_related("inspection__establishment", "inspectorate")
        .order_by(
            "inspection__establishment__name",
            F("inspection__visit_start").desc(nulls_last=True),
            "inspection_id",
            "position",
            "pk",
        )
    )


@dataclass
class RecommendationPage:
    recommendation: object
    judgements: list
    levels: list
    action_plan_published: bool
    response: object = None
    actions: list = field(default_factory=list)

    @property
    def top_rank(self):
        return max((level.rank for level in self.levels), default=None)

    @property
    def latest(self):
        return self.judgements[-1] if self.judgements else None


def recommendation_page(today, pk):
    """Four queries (seven once the prison's action plan is public): the recommendation with its
    inspection, establishment, action plan and response; its published judgements; their
    evidence; the scale; and, when public, the actions with their progress notes and target
    date changes."""
    recommendation = get_object_or_404(
        with_latest_judgement(published_recommendations(today), today).select_related(
            "inspection__establishment", "inspection__action_plan", "inspectorate", "response"
        ),
        pk=pk,
    )
    judgements = list(
        Judgement.objects.published(today)
        .filter(recommendation=recommendation)
        .select_related("review__establishment", "level")
        .prefetch_related(Prefetch("evidence", queryset=Paragraph.objects.order_by("section", "index")))
        .order_by(F("review__published_on").asc(nulls_first=True), F("review__visit_start").asc(nulls_first=True), "pk")
    )
    levels = list(ProgressLevel.objects.filter(inspectorate_id=recommendation.inspectorate_id))
    plan = getattr(recommendation.inspection, "action_plan", None)
    page = RecommendationPage(
        recommendation, judgements, levels, action_plan_published=bool(plan and plan.is_published)
    )
    if page.action_plan_published:
        page.response = getattr(recommendation, "response", None)
        page.actions = list(
            Action.objects.filter(recommendation=recommendation)
            .prefetch_related("notes", "date_changes")
            .order_by("created_at", "pk")
        )
        for action in page.actions:
            action.slippage = slippage(action)
    return page


TIMES = {1: "once", 2: "twice"}


def slippage(action):
    """How far an action's target date has slipped, as the public reads it: the date first
    set and how many times it moved ("first set for 31 March 2023; moved twice"), or None."""
    changes = list(action.date_changes.all())
    if not changes:
        return None
    n = len(changes)
    return {
        "first": changes[0].old_date,
        "times": TIMES.get(n, f"{n} times"),
        "changes": changes,
    }


# --- Healthy prison assessments on a review page -----------------------------------------


@dataclass
class HealthyPrisonHistory:
    """The establishment's earlier full inspections (oldest first) and, for each healthy
    prison test, the score at each of them: a HealthyPrisonScore's number, or None where no
    inspector has entered it."""

    inspections: list
    rows: list  # [(test label, [score or None, one per inspection])]
    after: str = ""  # the summary paragraph the figure follows (the one that promises it)

    @property
    def known(self):
        return any(score is not None for _, scores in self.rows for score in scores)

    @property
    def complete(self):
        return bool(self.inspections) and all(score is not None for _, scores in self.rows for score in scores)


def healthy_prison_history(review, inspections, summary=()):
    """One query: the full inspections of ``review``'s establishment before it, among
    ``inspections`` (the published ones for the public, all for a preview), with one
    annotation per healthy prison test holding its score. The figure goes after the summary
    paragraph that promises it ("we made the following judgements about outcomes…", 1.2 in
    reports of this kind), or after the summary's last paragraph."""
    scores = HealthyPrisonScore.objects.filter(inspection=OuterRef("pk"))
    earlier = inspections.filter(establishment_id=review.establishment_id, kind=InspectionKind.FULL).exclude(
        pk=review.pk
    )
    if review.visit_start:
        earlier = earlier.filter(Q(visit_start__lt=review.visit_start) | Q(visit_start__isnull=True))
    earlier = list(
        earlier.annotate(
            **{f"score_{test}": Subquery(scores.filter(test=test).values("score")[:1]) for test in HealthyPrisonTest}
        ).order_by(F("visit_start").asc(nulls_first=True), "pk")
    )
    rows = [(test.label, [getattr(i, f"score_{test}") for i in earlier]) for test in HealthyPrisonTest]
    promising = [p for p in summary if "judgements about outcomes" in p.text]
    after = (promising or list(summary) or [None])[0 if promising else -1]
    return HealthyPrisonHistory(earlier, rows, after.number if after else "")
