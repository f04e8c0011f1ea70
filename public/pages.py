"""What each public page reads, one function per page, each a fixed number of queries.

The public views and the inspectors' preview build only on these, so a page shows the same
thing whoever opens it; what differs is which reviews the caller may reach (``published()``
for the public, any review for the preview).
"""

from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Subquery, Window
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils.formats import date_format
from django.utils.text import get_text_list
from django.utils.translation import gettext, gettext_lazy

from common import public_cache
from findings.models import (
    WORST_FIRST,
    WORST_FIRST_THEN_LEVEL,
    FollowUp,
    Judgement,
    Paragraph,
    ParagraphPart,
    ProgressLevel,
    ReportSource,
    key_findings,
    level_order,
    open_recommendations,
    published_recommendations,
    with_current_level_id,
    with_latest_judgement,
    worst_first,
)
from recommendations.actions import slippage
from recommendations.models import (
    HEALTHY_PRISON_SCORES,
    Action,
    Establishment,
    HealthyPrisonScore,
    HealthyPrisonTest,
    Inspection,
    InspectionKind,
    Inspectorate,
    Recommendation,
    RecommendationKind,
    ReviewAnnouncement,
)

LATEST_REVIEWS_ON_HOME = 6
# An establishment inspected for years has hundreds of open recommendations: its page shows the
# worst; the list, filtered by the establishment and sorted by judgement, has them all.
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

    @property
    def in_words(self):
        """ "2 no meaningful progress, 7 reasonable progress and 1 good progress" (levels with none left out)."""
        parts = [f"{count} {level.label.lower()}" for level, count in self.levels if count]
        return get_text_list(parts, gettext("and"))


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
class ScoreHistory:
    """The healthy prison scores of an establishment's full inspections, oldest first: for the
    chart and the table of the establishment page."""

    inspections: list  # full inspections with at least one score, oldest first
    rows: list  # [(test label, [(score or None, printed name or "") per inspection])]

    @property
    def table(self):
        """[(test label, [(inspection, score, printed name)])] for the table: each cell knows its
        inspection, so that on a phone, where the table stacks, it is labelled with its year."""
        return [
            (
                label,
                [
                    (inspection, score, printed)
                    for inspection, (score, printed) in zip(self.inspections, cells, strict=True)
                ],
            )
            for label, cells in self.rows
        ]

    @property
    def chart(self):
        """[(test label, [(inspection, score, width percent, meaning)])] for the bar chart."""
        return [
            (
                label,
                [
                    (inspection, score, (score or 0) * 25, HEALTHY_PRISON_SCORES.get(score, gettext("Not known")))
                    for inspection, (score, _) in zip(self.inspections, cells, strict=True)
                ],
            )
            for label, cells in self.rows
        ]


def score_history(inspections, scores) -> ScoreHistory:
    """``inspections`` (newest first, as the page lists them) and their scores, as a history."""
    scored = [i for i in reversed(inspections) if i.kind == InspectionKind.FULL and scores.get(i.pk)]
    by_inspection = {i.pk: {score.test: score for score in scores[i.pk]} for i in scored}
    rows = []
    for test in HealthyPrisonTest:
        cells = []
        for inspection in scored:
            score = by_inspection[inspection.pk].get(test)
            cells.append((score.score, score.label) if score else (None, ""))
        rows.append((test.label, cells))
    return ScoreHistory(scored, rows)


@dataclass
class EstablishmentPage:
    establishment: Establishment
    inspections: list
    scores: dict = field(default_factory=dict)  # inspection pk → [HealthyPrisonScore]
    open_recommendations: list = field(default_factory=list)
    open_total: int = 0

    @property
    def score_history(self):
        return score_history(self.inspections, self.scores)


def establishment_page(today, slug):
    """Four queries: the establishment, its published inspections, their healthy prison scores
    and its recommendations whose latest published judgement is below the top of the scale
    (the worst ``OPEN_ON_ESTABLISHMENT_PAGE`` of them shown, worst first as on the leaders'
    dashboard and the comparison, newest first among equals; all of them counted)."""
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
        worst_first(open_recommendations(published_recommendations(today).for_establishment(establishment), today))
        .select_related("inspectorate", "inspection")
        .annotate(open_total=Window(Count("pk")))  # counted over them all, before the limit
        .order_by(*WORST_FIRST, F("inspection__visit_start").desc(nulls_last=True), "inspection_id", "position", "pk")[
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
    source: ReportSource | None = None  # the report file as published, the latest kept


def review_queryset(today=None, *, public=True):
    """The reviews a caller may open: published and past their date for the public, any for
    the inspectors' preview."""
    reviews = Inspection.objects.published(today) if public else Inspection.objects.all()
    return reviews.reviews().select_related("establishment", "follows_up")


def review_page(reviews, **lookup):
    """Everything the review page shows, in seven queries whatever the review's size: the review,
    its paragraphs, its judgements with their recommendations, the key-finding counts and the
    scales (two), the team, and the report file as published."""
    review = get_object_or_404(reviews, **lookup)
    paragraphs = list(
        Paragraph.objects.filter(inspection=review).defer("search_document").select_related("notable_practice")
    )
    judgements = list(
        Judgement.objects.filter(review=review)
        .select_related("recommendation__inspectorate", "level")
        .order_by("position", "pk")
    )
    findings = key_findings(review)
    top_ranks = {inspectorate.pk: max(level.rank for level, _ in levels) for inspectorate, levels in findings}
    team = list(review.team.select_related("inspectorate"))
    source = ReportSource.objects.filter(inspection=review).latest_first().first()

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
        source=source,
    )


# --- One full inspection ----------------------------------------------------------------


class Fate:
    """What became of a recommendation or key concern a full inspection made: ``FollowUp``'s values
    as the page's CSS names them (``app-fate--not-followed-up``)."""

    FOLLOWED_UP = FollowUp.FOLLOWED_UP.value.replace("_", "-")
    NOT_FOLLOWED_UP = FollowUp.NOT_FOLLOWED_UP.value.replace("_", "-")
    TO_BE_FOLLOWED_UP = FollowUp.TO_BE_FOLLOWED_UP.value.replace("_", "-")


def describe_fate(item, announcement=None):
    """Sets ``item.fate`` and ``item.fate_text`` from ``item.follow_up`` (``findings.models.FollowUp``,
    decided by ``with_latest_judgement``): "Followed up in April 2022: Reasonable progress", "Not
    followed up by a review", or "To be followed up" (with the planned month once a review is
    announced)."""
    item.fate = item.follow_up.replace("_", "-")
    item.fate_text = follow_up_text(item)
    item.announced = bool(announcement and item.pk in announcement.announced_ids)
    if item.announced and item.fate == Fate.TO_BE_FOLLOWED_UP:
        item.fate_text = gettext("To be followed up at the review planned for %(month)s") % {
            "month": announcement.planned_month_display
        }
    return item


def follow_up_text(item) -> str:
    """What became of ``item`` in words: its judgement with the review's month where it has one
    (``latest_review_published_on``), else ``FollowUp``'s label."""
    if item.follow_up != FollowUp.FOLLOWED_UP:
        return str(FollowUp(item.follow_up).label)
    when = getattr(item, "latest_review_published_on", None)
    if when:
        return gettext("Followed up in %(month)s: %(level)s") % {
            "month": date_format(when, "F Y"),
            "level": item.latest_label,
        }
    return gettext("Followed up: %(level)s") % {"level": item.latest_label}


# The numbered sections of a full inspection report (docs/formats/full-inspection.md, "Parts").
FULL_INSPECTION_SECTIONS = {
    1: gettext_lazy("Summary of key findings"),
    2: gettext_lazy("Leadership"),
    3: gettext_lazy("Safety"),
    4: gettext_lazy("Respect"),
    5: gettext_lazy("Purposeful activity"),
    6: gettext_lazy("Rehabilitation and release planning"),
    7: gettext_lazy("Progress on recommendations from the last full inspection"),
}


@dataclass
class FullInspectionPage:
    inspection: Inspection
    items: list  # every recommendation, key concern (and theme) made, in the report's order
    scores: list
    paragraphs: list  # every numbered paragraph of the report, in order, each with .practice (or None)
    team: list
    reviews: list  # the published reviews that follow it up
    announcement: object = None  # a published ReviewAnnouncement, with .announced_ids
    source: ReportSource | None = None  # the report file as published, the latest kept

    def count(self, fate):
        return sum(1 for item in self.items if item.fate == fate)

    @property
    def notable_practice(self):
        return [paragraph for paragraph in self.paragraphs if paragraph.practice is not None]

    @property
    def sections(self):
        """``[(section number, its title, [paragraph, …])]``: the report's numbered paragraphs by
        section, each titled as full inspection reports title it (the sixth by the name the
        fourth test had in this report)."""
        fourth = next((s.label for s in self.scores if s.test == HealthyPrisonTest.REHABILITATION), None)
        sections = {}
        for paragraph in self.paragraphs:
            sections.setdefault(paragraph.section, []).append(paragraph)
        titles = {**FULL_INSPECTION_SECTIONS, **({6: fourth} if fourth else {})}
        return [(number, titles.get(number, ""), paragraphs) for number, paragraphs in sections.items()]

    @property
    def followed_up(self):
        return self.count(Fate.FOLLOWED_UP)

    @property
    def not_followed_up(self):
        return self.count(Fate.NOT_FOLLOWED_UP)

    @property
    def to_be_followed_up(self):
        return self.count(Fate.TO_BE_FOLLOWED_UP)

    @property
    def priorities(self):
        return sum(1 for item in self.items if item.priority)


def full_inspection_queryset(today=None, *, public=True):
    inspections = Inspection.objects.published(today) if public else Inspection.objects.all()
    return inspections.filter(kind=InspectionKind.FULL).select_related("establishment")


def full_inspection_page(inspections, today, **lookup):
    """Everything a full inspection's page shows, in eight queries whatever its size: the
    inspection, what it made with each one's latest published judgement, its scores, its
    numbered paragraphs (with their notable practice), its team, the published reviews that
    follow it up, a published announcement of the next (with what it names, a ninth when there
    is one) and the report file as published. A reference that is one of its paragraphs (1.38)
    links to it (``item.paragraph``)."""
    inspection = get_object_or_404(inspections, **lookup)
    items = list(
        with_latest_judgement(Recommendation.objects.filter(inspection=inspection), today)
        .annotate(latest_review_published_on=F("latest__review__published_on"))
        .select_related("inspectorate")
        .order_by("position", "pk")
    )
    scores = list(HealthyPrisonScore.objects.filter(inspection=inspection))
    # The reverse one-to-one read in the same query: ``paragraph.notable_practice`` would raise
    # where there is none, so each paragraph carries ``practice`` (None or its NotablePractice).
    paragraphs = list(
        Paragraph.objects.filter(inspection=inspection)
        .defer("search_document")
        .select_related("notable_practice")
        .order_by("section", "index")
    )
    numbers = set()
    for paragraph in paragraphs:
        paragraph.practice = getattr(paragraph, "notable_practice", None)
        numbers.add(paragraph.number)
    team = list(inspection.team.select_related("inspectorate"))
    reviews = list(
        Inspection.objects.published(today)
        .reviews()
        .filter(follows_up=inspection)
        .select_related("establishment")
        .order_by("published_on")
    )
    announcement = ReviewAnnouncement.objects.published().filter(inspection=inspection).first()
    source = ReportSource.objects.filter(inspection=inspection).latest_first().first()
    if announcement is not None:
        announcement.announced_ids = set(announcement.recommendations.values_list("pk", flat=True))
    # The report's own recommendations in its order, then what other inspectorates followed up at
    # its reviews (Ofsted's themes), whose positions come from the review and not from this report.
    items.sort(key=lambda item: (item.kind == RecommendationKind.THEME, item.position, item.pk))
    for item in items:
        describe_fate(item, announcement)
        item.paragraph = item.reference if item.reference in numbers else ""
    order = [HealthyPrisonTest(t) for t in HealthyPrisonTest]
    scores.sort(key=lambda score: order.index(score.test))
    return FullInspectionPage(inspection, items, scores, paragraphs, team, reviews, announcement, source)


# --- Recommendations ---------------------------------------------------------------------


def list_layout(recommendations, today, key, sort="establishment"):
    """``[(group, inspection pk, how many of its recommendations are in the list)]`` in the
        list's order, for the filtered ``recommendations`` (not yet annotated: counted from the
        recommendations' own indexes, and from one join to the current judgement when sorted by
        judgement); ``key`` names the filters and the order.

        Sorted by establishment (the default) or by date, a group is ``None`` and the rows of one
        inspection come together. Sorted by judgement (``findings.models.worst_first``), a group
        is the level of the latest judgement, and the rows of one inspection come together within
        it. One query (two sorted by judgement: the scales' levels; and the inspections' order the
    first time, ``inspection_positions``), read from the cache while the public data stays the same: the
        layout gives the total without a COUNT per request, and lets a page of any depth be read
        from the few groups it falls in instead of sorting and skipping every row before it."""

    def compute():
        by_judgement = sort == "judgement"
        counted = recommendations.order_by()
        if by_judgement:
            grouped = with_current_level_id(counted, today).values("current_level_id", "inspection_id")
            rows = grouped.annotate(n=Count("pk")).values_list("current_level_id", "inspection_id", "n")
        else:
            grouped = counted.values("inspection_id").annotate(n=Count("pk")).values_list("inspection_id", "n")
            rows = ((None, inspection, n) for inspection, n in grouped)
        counts = {(group, inspection): n for group, inspection, n in rows}
        position = inspection_positions(today, sort)
        groups = level_order(list(ProgressLevel.objects.all())) if by_judgement else {None: 0}
        return sorted(
            ((group, inspection, n) for (group, inspection), n in counts.items()),
            key=lambda entry: (groups[entry[0]], position[entry[1]]),
        )

    return public_cache.remember(today, f"recommendation-list:{sort}:{key}", compute)


def inspection_positions(today, sort):
    """``{inspection pk: its place in the list}`` for the order ``sort``: one query over the
    inspections (ids only), kept while the public data stays the same and shared by every
    filter and search, so a first search counts its matches and reads its rows, nothing else."""

    def compute():
        order = Inspection.objects.order_by(*LIST_INSPECTION_ORDER[sort]).values_list("pk", flat=True)
        return {pk: index for index, pk in enumerate(order)}

    return public_cache.remember(today, f"recommendation-list-order:{sort}", compute)


# The order of the inspections in the public list, for each way it is sorted (by judgement:
# within each level, as by establishment).
LIST_INSPECTION_ORDER = {
    "establishment": ("establishment__name", F("visit_start").desc(nulls_last=True), "pk"),
    "date": (F("visit_start").desc(nulls_last=True), "establishment__name", "pk"),
    "judgement": ("establishment__name", F("visit_start").desc(nulls_last=True), "pk"),
}


class ListWindow:
    """The filtered list as a paginator (or a download) reads it: its length from the layout,
    and any slice read from the groups it falls in, one query a slice."""

    def __init__(self, layout, rows, by_judgement=False):
        self.layout = layout
        self.rows = rows  # the filtered recommendations in the list's order
        self.by_judgement = by_judgement
        self.total = sum(n for *_, n in layout)

    def __len__(self):
        return self.total

    def _where(self, entries):
        """The rows of the layout's ``entries`` (group, inspection): one condition per group."""
        inspections = {}
        for group, inspection in entries:
            inspections.setdefault(group, []).append(inspection)
        if not self.by_judgement:
            return Q(inspection_id__in=[pk for pks in inspections.values() for pk in pks])
        condition = Q(pk__in=[])
        for group, pks in inspections.items():
            level = Q(latest_level_id=group) if group is not None else Q(latest_level_id__isnull=True)
            condition |= level & Q(inspection_id__in=pks)
        return condition

    def __getitem__(self, window):
        start, stop = window.start or 0, min(window.stop if window.stop is not None else self.total, self.total)
        chosen, skip, position = [], 0, 0
        for group, pk, n in self.layout:
            if position >= stop:
                break
            if position + n > start:
                if not chosen:
                    skip = start - position
                chosen.append((group, pk))
            position += n
        if not chosen:
            return []
        return list(self.rows.filter(self._where(chosen)))[skip : skip + stop - start]

    def chunks(self, inspections=50):
        """The whole list, a few groups at a time (one query each), for a download."""
        entries = [(group, pk) for group, pk, _ in self.layout]
        for start in range(0, len(entries), inspections):
            yield from self.rows.filter(self._where(entries[start : start + inspections])).iterator(chunk_size=2000)


# The order of the rows, matching LIST_INSPECTION_ORDER.
LIST_ROW_ORDER = {
    "establishment": (
        "inspection__establishment__name",
        F("inspection__visit_start").desc(nulls_last=True),
        "inspection_id",
        "position",
        "pk",
    ),
    "date": (
        F("inspection__visit_start").desc(nulls_last=True),
        "inspection__establishment__name",
        "inspection_id",
        "position",
        "pk",
    ),
    "judgement": (
        *WORST_FIRST_THEN_LEVEL,
        "inspection__establishment__name",
        F("inspection__visit_start").desc(nulls_last=True),
        "inspection_id",
        "position",
        "pk",
    ),
}


def recommendations_for_public_list(today, recommendations=None, sort="establishment"):
    """Every public recommendation and theme (or the filtered ``recommendations``) with its
    latest published judgement, in the list's order, with what a row shows joined in: one
    query per page of results."""
    recommendations = published_recommendations(today) if recommendations is None else recommendations
    rows = with_latest_judgement(recommendations, today).select_related("inspection__establishment", "inspectorate")
    if sort == "judgement":
        rows = worst_first(rows)
    return rows.order_by(*LIST_ROW_ORDER[sort])


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
        .prefetch_related(
            Prefetch("evidence", queryset=Paragraph.objects.defer("search_document").order_by("section", "index"))
        )
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
            action.slippage = slippage(action.date_changes.all())
    return page


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

    @property
    def named(self):
        """The inspections as the figure's sentence names them ("the full inspection of 2016,
        the full inspection of 2019 and the full inspection of 2021"), placed whole in it."""
        names = []
        for inspection in self.inspections:
            kind = inspection.get_kind_display().lower()
            if inspection.year:
                names.append(gettext("the %(kind)s of %(year)s") % {"kind": kind, "year": inspection.year})
            else:
                names.append(gettext("the %(kind)s") % {"kind": kind})
        return get_text_list(names, gettext("and"))


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
