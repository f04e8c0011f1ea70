"""What a review found: progress scales, judgements, the report's numbered paragraphs and
notable positive practice. Depends on ``recommendations``; never the reverse."""

import re

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.core.exceptions import ValidationError
from django.db import connections, models
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    FloatField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce, NullIf
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from common import clock
from recommendations.history import HistoricalRecords
from recommendations.models import (
    SEARCH_CONFIG,
    Inspection,
    InspectionKind,
    Inspectorate,
    PublicationStatus,
    Recommendation,
    SearchDocument,
)
from recommendations.search import FullTextTable, fts_query


class ProgressLevelManager(models.Manager):
    def get_by_natural_key(self, inspectorate_slug, slug):
        return self.get(inspectorate__slug=inspectorate_slug, slug=slug)


class ProgressLevel(models.Model):
    """One level of an inspectorate's progress scale, lowest rank first, with the report's definition."""

    inspectorate = models.ForeignKey(Inspectorate, on_delete=models.PROTECT, related_name="levels")
    rank = models.PositiveSmallIntegerField(help_text=_("1 is the lowest level of the scale."))
    label = models.CharField(max_length=100, help_text=_("e.g. Reasonable progress."))
    slug = models.SlugField(max_length=50)
    definition = models.TextField()

    objects = ProgressLevelManager()

    class Meta:
        ordering = ["inspectorate", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["inspectorate", "rank"], name="progress_level_rank_unique_per_scale"),
            models.UniqueConstraint(fields=["inspectorate", "slug"], name="progress_level_slug_unique_per_scale"),
            models.UniqueConstraint(fields=["inspectorate", "label"], name="progress_level_label_unique_per_scale"),
            models.CheckConstraint(condition=Q(rank__gte=1), name="progress_level_rank_positive"),
        ]

    def __str__(self):
        return f"{self.label} ({self.inspectorate})"

    def natural_key(self):
        # Fixtures name a level by its scale and slug, not by a primary key a migration chose.
        return (self.inspectorate.slug, self.slug)

    natural_key.dependencies = ["recommendations.inspectorate"]


class Standing(models.TextChoices):
    """Where a level sits on its own scale; it chooses the tag's colour on every page."""

    LOWEST = "lowest", _("Lowest level of its scale")
    LOW = "low", _("Lower half of its scale")
    HIGH = "high", _("Upper half of its scale")
    TOP = "top", _("Top of its scale")
    NONE = "none", _("Not yet judged")


def standing(rank, top):
    """The ``Standing`` of a level of rank ``rank`` on a scale whose top rank is ``top``.

    Read from the scale's data alone, never from a level's name, so that Ofsted's 2 of 3 and
    HMI Prisons' 3 of 4 both read as the upper half, and a new inspectorate's scale needs no code.
    """
    if not rank or not top:
        return Standing.NONE
    if rank >= top:
        return Standing.TOP
    if rank <= 1:
        return Standing.LOWEST
    return Standing.HIGH if rank / top > 0.5 else Standing.LOW


def current_on(today, prefix=""):
    """The condition that a judgement is its recommendation's latest published one on ``today``
    (``prefix`` reaches the judgement through a relation, e.g. ``"judgements__"``)."""
    return Q(**{f"{prefix}public_from__lte": today}) & (
        Q(**{f"{prefix}superseded_from__isnull": True}) | Q(**{f"{prefix}superseded_from__gt": today})
    )


class JudgementQuerySet(models.QuerySet):
    def published(self, today=None):
        """Judgements the public may see on ``today``: those of reviews public on that date.

        Read from the stored ``public_from`` (the review's ``recommendations.models.public_since``,
        kept by ``findings.publishing.refresh_public_judgements``): the same rule as
        ``Inspection.objects.published``, one indexed comparison and no join, so the per-recommendation
        subqueries of the public list and the counts per level read only the judgements' indexes."""
        return self.filter(public_from__lte=today or clock.today())

    def of_review(self, review):
        return self.filter(review=review)

    def current(self, today=None):
        """Each recommendation's latest published judgement on ``today``, at most one each.

        Read from the stored public window (``public_from`` … ``superseded_from``) that
        ``findings.publishing.refresh_public_judgements`` keeps, so no query orders every
        judgement of a recommendation, and an embargo lifts on its date with nobody acting."""
        return self.filter(current_on(today or clock.today()))


class Judgement(models.Model):
    """An inspectorate's judgement of progress on one recommendation at one review."""

    review = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="judgements")
    recommendation = models.ForeignKey(Recommendation, on_delete=models.PROTECT, related_name="judgements")
    level = models.ForeignKey(
        ProgressLevel,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="judgements",
        help_text=_(
            "Empty while the recommendation is followed up but not yet judged; a review "
            "is published only when every judgement has a level and evidence."
        ),
    )
    position = models.PositiveSmallIntegerField(default=0, help_text=_("Order in the review's report."))
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    # The dates between which this is its recommendation's latest published judgement: from the
    # review's publication date (None while the review is a draft) until the publication date
    # of the next published judgement of the same recommendation (None while there is none).
    # Written only by findings.publishing.refresh_public_judgements; dates, not a flag, so an
    # embargoed review's judgement becomes the latest on its date without anyone acting.
    public_from = models.DateField(null=True, blank=True, editable=False)
    superseded_from = models.DateField(null=True, blank=True, editable=False)

    objects = JudgementQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["public_from", "superseded_from"])

    class Meta:
        ordering = ["review", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "recommendation"], name="one_judgement_per_review_and_recommendation"
            ),
        ]
        indexes = [
            # The public list, the establishment page and the leaders' dashboard join each
            # recommendation to its current judgement through this window.
            models.Index(
                fields=["recommendation", "public_from", "superseded_from"],
                name="judgement_public_window_idx",
                condition=Q(public_from__isnull=False),
            ),
            # The home page counts current judgements per level.
            models.Index(
                fields=["level", "public_from", "superseded_from"],
                name="judgement_level_window_idx",
                condition=Q(public_from__isnull=False),
            ),
        ]

    def __str__(self):
        level = self.level.label if self.level_id else "not judged"
        return f"{self.recommendation.name}: {level}"

    def scale_error(self):
        """The sentence that explains why the level is on the wrong scale, or None."""
        if not (self.level_id and self.recommendation_id):
            return None
        level = self.level
        recommendation = self.recommendation
        if level.inspectorate_id != recommendation.inspectorate_id:
            return (
                f"“{level.label}” is on the {level.inspectorate} scale, but this "
                f"{recommendation.get_kind_display().lower()} is judged by "
                f"{recommendation.inspectorate}: choose a level of the {recommendation.inspectorate} scale."
            )
        return None

    def clean(self):
        errors = {}
        message = self.scale_error()
        if message:
            errors["level"] = message
        if self.review_id and self.level_id is None and self.review.status == PublicationStatus.PUBLISHED:
            errors["level"] = gettext("This review is published: every recommendation it follows up keeps a level.")
        if self.review_id and self.review.kind != InspectionKind.IRP:
            errors["review"] = gettext("Judgements of progress are made at an independent review of progress.")
        elif self.review_id and self.recommendation_id:
            followed = self.review.follows_up_id
            if followed and self.recommendation.inspection_id != followed:
                errors["recommendation"] = gettext(
                    "This recommendation was not made at the inspection this review follows up."
                )
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        # The scale rule holds wherever a judgement is written from: forms, the admin, the importer.
        message = self.scale_error()
        if message:
            raise ValidationError({"level": message})
        super().save(*args, **kwargs)


class ParagraphPart(models.TextChoices):
    SUMMARY = "summary", _("Chief Inspector’s summary")
    KEY_FINDINGS = "key_findings", _("Key findings")
    NOTABLE_PRACTICE = "notable_practice", _("Notable positive practice")
    EVIDENCE = "evidence", _("Evidence")


PARAGRAPH_NUMBER = re.compile(r"^(\d{1,2})\.(\d{1,3})$")


class ParagraphQuerySet(models.QuerySet):
    def published(self, today=None):
        """Paragraphs of the reports the public may see on ``today`` (``Inspection.objects.published``)."""
        return self.filter(inspection__in=Inspection.objects.published(today))


class Paragraph(models.Model):
    """A numbered paragraph of a review's report (1.1 … 3.65), attached to the part it belongs to.

    Section 3's paragraphs are evidence for a judgement; their order is their number's.
    """

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="paragraphs")
    number = models.CharField(max_length=10, help_text=_("As printed, e.g. 3.9."))
    section = models.PositiveSmallIntegerField(editable=False)
    index = models.PositiveSmallIntegerField(editable=False)
    part = models.CharField(max_length=20, choices=ParagraphPart.choices, default=ParagraphPart.EVIDENCE)
    judgement = models.ForeignKey(Judgement, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence")
    text = models.TextField()
    # The words the public search reads, computed by the database on every write (bulk ones
    # included), with a GIN index: no query runs to_tsvector over the rows.
    search_document = models.GeneratedField(
        expression=SearchDocument("text"),
        output_field=SearchVectorField(null=True),
        db_persist=True,
    )

    objects = ParagraphQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search_document"])

    class Meta:
        ordering = ["inspection", "section", "index"]
        # /recommendations/?q=… searches evidence through a GIN index on search_document,
        # made on PostgreSQL only by migration 0005 (SQLite matches words instead).
        constraints = [
            models.UniqueConstraint(fields=["inspection", "number"], name="paragraph_number_unique_per_inspection"),
            models.CheckConstraint(
                condition=Q(judgement__isnull=True) | Q(part=ParagraphPart.EVIDENCE),
                name="only_evidence_paragraphs_have_a_judgement",
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.text[:60]}"

    def set_position_from_number(self):
        match = PARAGRAPH_NUMBER.match(self.number or "")
        if not match:
            raise ValidationError({"number": gettext("A paragraph number is a section and a number, such as 3.9.")})
        self.section, self.index = int(match.group(1)), int(match.group(2))

    def clean(self):
        self.set_position_from_number()
        if self.judgement_id and self.inspection_id and self.judgement.review_id != self.inspection_id:
            raise ValidationError({"judgement": gettext("Evidence belongs to a judgement of the same review.")})
        if self.judgement_id and self.part != ParagraphPart.EVIDENCE:
            raise ValidationError({"part": gettext("Only evidence paragraphs are attached to a judgement.")})

    def save(self, *args, **kwargs):
        self.set_position_from_number()
        super().save(*args, **kwargs)


class NotablePractice(models.Model):
    """Notable positive practice a review found: the paragraph that describes it."""

    paragraph = models.OneToOneField(Paragraph, on_delete=models.CASCADE, related_name="notable_practice")
    title = models.CharField(max_length=200, blank=True)
    see = models.CharField(
        max_length=10,
        blank=True,
        help_text=_("The paragraph of the report that describes the practice in full, e.g. 3.7 (full inspections)."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "notable positive practice"

    def __str__(self):
        return self.title or f"Notable positive practice ({self.paragraph.number})"

    @property
    def review(self):
        return self.paragraph.inspection


def key_findings(review):
    """Counts of judgements per level of each inspectorate's scale at ``review``.

    Derived from the judgements, never stored: ``[(inspectorate, [(level, count), …]), …]``
    with every level of each scale that judged something at the review, zeros included, lowest
    rank first. Two queries: the levels, and the counts.
    """
    counts = dict(
        Judgement.objects.filter(review=review).values("level_id").annotate(n=Count("pk")).values_list("level_id", "n")
    )
    judged_by = Inspectorate.objects.filter(levels__judgements__review=review)
    levels = ProgressLevel.objects.filter(inspectorate__in=judged_by).select_related("inspectorate")
    return _group_counts(levels, counts)


def _group_counts(levels, counts):
    grouped = {}
    for level in levels:
        grouped.setdefault(level.inspectorate, []).append((level, counts.get(level.pk, 0)))
    return list(grouped.items())


# --- Questions about recommendations that need their judgements ------------------------------
# They live here, not on Recommendation's queryset, because recommendations never imports
# findings. Each takes a Recommendation queryset and returns one, so they compose.


def published_recommendations(today=None):
    """Recommendations and themes the public may see: made at a published inspection, or
    judged at a published review. Everything public builds on this, so no draft leaks."""
    today = today or clock.today()
    published = Inspection.objects.published(today)
    judged_in_public = Judgement.objects.published(today).filter(recommendation=OuterRef("pk"))
    # The search's stored columns are read by the database only: a page never loads them.
    return Recommendation.objects.defer(*SEARCH_COLUMNS).filter(Q(inspection__in=published) | Exists(judged_in_public))


# Columns only the search reads, in the database; never loaded into Python by a page.
SEARCH_COLUMNS = ("evidence_text", "evidence_public_from", "public_document")


class FollowUp(models.TextChoices):
    """What became of a recommendation or key concern, in the one wording every page, the CSV and
    the API use (``with_latest_judgement`` decides it, as ``follow_up``):

    - followed up: a published review judged it;
    - to be followed up: no published review of the inspection that made it yet (an announced
      review names its planned month beside it);
    - not followed up by a review: a published review of that inspection left it out.
    """

    FOLLOWED_UP = "followed_up", _("Followed up by a review")
    TO_BE_FOLLOWED_UP = "to_be_followed_up", _("To be followed up")
    NOT_FOLLOWED_UP = "not_followed_up", _("Not followed up by a review")


def follow_up(today=None):
    """The ``FollowUp`` of each recommendation, as an expression over ``with_latest_judgement``'s
    annotations: judged in public, else whether a review of its inspection is public on ``today``."""
    reviewed = Exists(
        Inspection.objects.published(today).filter(kind=InspectionKind.IRP, follows_up=OuterRef("inspection_id"))
    )
    return Case(
        When(latest_judgement_id__isnull=False, then=Value(FollowUp.FOLLOWED_UP.value)),
        When(reviewed, then=Value(FollowUp.NOT_FOLLOWED_UP.value)),
        default=Value(FollowUp.TO_BE_FOLLOWED_UP.value),
        output_field=models.CharField(),
    )


def with_latest_judgement(recommendations, today=None):
    """Annotates each recommendation with its latest published judgement (at the latest published
    review that judged it) and the top rank of its inspectorate's scale:

    ``latest_judgement_id``, ``latest_level_id``, ``latest_rank``, ``latest_label``,
    ``latest_slug``, ``latest_review_id``, ``top_rank`` (None where never judged in public), and
    ``is_open``: the one rule of whether a recommendation is still open (its latest published
    judgement is below the top of its scale, or there is none yet), read by every page, the API
    and ``open_recommendations``; and ``follow_up``, its ``FollowUp`` (the one wording of whether
    a review followed it up).

    One join (not a subquery per row): the judgement whose stored public window holds
    ``today`` (see ``JudgementQuerySet.current``), so the list can filter and count by the
    latest judgement through an index.
    """
    today = today or clock.today()
    top = ProgressLevel.objects.filter(inspectorate=OuterRef("inspectorate")).order_by("-rank").values("rank")[:1]
    return (
        recommendations.annotate(
            latest=FilteredRelation("judgements", condition=current_on(today, "judgements__")),
        )
        .annotate(
            latest_judgement_id=F("latest__id"),
            latest_level_id=F("latest__level_id"),
            latest_rank=F("latest__level__rank"),
            latest_label=F("latest__level__label"),
            latest_slug=F("latest__level__slug"),
            latest_review_id=F("latest__review_id"),
            top_rank=Subquery(top),
        )
        .annotate(
            is_open=ExpressionWrapper(
                Q(latest_rank__isnull=True) | Q(latest_rank__lt=F("top_rank")), output_field=BooleanField()
            ),
            follow_up=follow_up(today),
        )
    )


def worst_first(recommendations):
    """The one ordering rule for "worst first" (the establishment page's open list, the leaders'
    dashboard, an area's comparison, the list sorted by judgement): by where the latest
    published judgement sits on its own scale, ``(rank − 1) / (top − 1)`` — 0 at the bottom
    of every scale, 1 at the top, so Ofsted's 1 of 3 and HMI Prisons' 1 of 4 come together —
    then never-judged last; ties keep the list's own order (``then``).

    Takes recommendations annotated by ``with_latest_judgement``; adds ``standing_ratio``."""
    return recommendations.annotate(standing_ratio=standing_ratio())


def standing_ratio():
    """``(latest rank − 1) / (top rank − 1)``: where a judgement sits on its scale, 0 to 1
    (None when never judged in public); see ``worst_first``."""
    return Cast(F("latest_rank") - 1, FloatField()) / NullIf(Cast(F("top_rank") - 1, FloatField()), Value(0.0))


WORST_FIRST = (F("standing_ratio").asc(nulls_last=True),)


def level_order(levels):
    """``{level pk: sort key}`` putting ``levels`` (every scale's ProgressLevels, read once) and
    None (never judged) in ``worst_first``'s order, then by the level's pk, as
    ``WORST_FIRST_THEN_LEVEL`` orders rows in SQL."""
    top = {}
    for level in levels:
        top[level.inspectorate_id] = max(level.rank, top.get(level.inspectorate_id, 0))
    keys = {None: (True, 0.0, True, 0)}
    for level in levels:
        highest = top[level.inspectorate_id]
        ratio = (level.rank - 1) / (highest - 1) if highest > 1 else None
        keys[level.pk] = (ratio is None, ratio or 0.0, False, level.pk)
    return keys


WORST_FIRST_THEN_LEVEL = (*WORST_FIRST, F("latest_level_id").asc(nulls_last=True))


def with_current_level(slug, today=None):
    """The condition that a recommendation's latest published judgement on ``today`` is at the
    level ``slug`` (of any scale): a semi-join on the current judgements' index."""
    current = Judgement.objects.current(today).filter(level__slug=slug).values("recommendation_id")
    return Q(pk__in=current)


def with_current_level_id(recommendations, today=None):
    """Annotates ``current_level_id``: the level of the latest published judgement (None when
    never judged in public), by the one join on the stored public window, nothing else."""
    today = today or clock.today()
    return recommendations.annotate(
        current=FilteredRelation("judgements", condition=current_on(today, "judgements__"))
    ).annotate(current_level_id=F("current__level_id"))


def open_recommendations(recommendations, today=None):
    """Recommendations still open (``is_open``, see ``with_latest_judgement``). The inspectorate's
    judgement decides, never the prison's own status."""
    return with_latest_judgement(recommendations, today).filter(is_open=True)


class GlossaryEntry(models.Model):
    """A term of a review's glossary (the report's Appendix II) and its definition. An area of the
    report printed with "(see Glossary)" is a term here, and links to it."""

    review = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="glossary")
    term = models.CharField(max_length=200)
    definition = models.TextField()
    position = models.PositiveSmallIntegerField(default=0)
    see_from_area = models.BooleanField(
        default=False, help_text=_("An area of the report is printed with “(see Glossary)” for this term.")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["review", "position", "term"]
        verbose_name_plural = "glossary entries"
        constraints = [models.UniqueConstraint(fields=["review", "term"], name="glossary_term_unique_per_review")]

    def __str__(self):
        return self.term

    @property
    def anchor(self):
        return "glossary-" + re.sub(r"[^a-z0-9]+", "-", self.term.lower()).strip("-")


class SectionIntroduction(models.Model):
    """What an inspectorate writes at the head of its part of a review's Section 3, e.g. Ofsted
    saying where its themes come from."""

    review = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="section_introductions")
    inspectorate = models.ForeignKey(Inspectorate, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["review", "inspectorate"]
        constraints = [
            models.UniqueConstraint(fields=["review", "inspectorate"], name="one_introduction_per_inspectorate")
        ]

    def __str__(self):
        return f"{self.inspectorate} introduction"


# --- Search ----------------------------------------------------------------------------------

# SQLite's FTS5 indexes (recommendations.search), made after every migrate (findings.apps).
RECOMMENDATION_SEARCH = FullTextTable(
    "recommendation_search", Recommendation._meta.db_table, ("text", "concern", "evidence_text")
)
PARAGRAPH_SEARCH = FullTextTable("paragraph_search", "findings_paragraph", ("text",))


def matching(recommendations, words, today=None):
    """The ``recommendations`` whose text, concern or published evidence contain ``words``
    (websearch syntax: every word, stemmed; ``"a phrase"`` as written; ``or``; ``-word``).

    One index lookup over one stored document per recommendation (text, concern and the
    evidence of its published judgements, ``Recommendation.public_document``; kept by
    ``findings.publishing.refresh_search_documents``): a GIN index on PostgreSQL, the FTS5
    table ``recommendation_search`` (Porter stemmer) on SQLite. Counting the matches reads no
    paragraph. Only a recommendation whose document holds evidence still embargoed on
    ``today`` (``evidence_public_from`` after it: a few, for weeks) is checked again without
    that evidence, against its own text and its public evidence paragraphs, so an embargoed
    or draft review's words never find it.
    """
    today = today or clock.today()
    words = (words or "").strip()
    if not words:
        return recommendations
    public_evidence = Paragraph.objects.filter(
        judgement__recommendation=OuterRef("pk"), judgement__public_from__lte=today
    )
    match = fts_query(words)
    if match is None:
        # Nothing to look for (punctuation, small words, or only "-word"): nothing found, on
        # both databases alike (PostgreSQL would read "-word" alone as "everything but").
        return recommendations.none()
    vendor = connections[recommendations.db].vendor
    if vendor == "postgresql":
        query = SearchQuery(words, config=SEARCH_CONFIG, search_type="websearch")
        found = Q(public_document=query)
        # For the few embargoed rows, their stored document is read in the row, not looked up in
        # its index again (a second pass over every match of a common word, 5 ms of 40), and
        # their own words alone (text and concern) are computed for the rows it matches.
        embargoed_found = Q(stored_document=query)
        own = Q(own_document=query)
        documents = {
            "stored_document": Coalesce("public_document", Cast(Value(""), SearchVectorField())),
            "own_document": SearchDocument("text", "concern"),
        }
        in_evidence = public_evidence.filter(search_document=query)
    else:
        found = embargoed_found = Q(pk__in=_fts(RECOMMENDATION_SEARCH, match))
        own = Q(pk__in=_fts(RECOMMENDATION_SEARCH, "{text concern} : (" + match + ")"))
        documents = {}
        in_evidence = public_evidence.filter(pk__in=_fts(PARAGRAPH_SEARCH, match))
    all_public = Q(evidence_public_from__isnull=True) | Q(evidence_public_from__lte=today)
    # The rows whose document holds evidence still embargoed (a few, found by their index) that
    # match without it: one uncorrelated subquery, computed once per search, not a check per
    # matching row. Their public evidence is probed by a scalar subquery, not EXISTS:
    # PostgreSQL would turn an EXISTS into a hash of every matching paragraph (1.3 s for a
    # common word); this one probes each embargoed row's own evidence by index.
    first_public_evidence = Subquery(in_evidence.order_by().values("pk")[:1])
    embargoed_matches = (
        Recommendation.objects.filter(evidence_public_from__gt=today)
        .alias(public_evidence_match=first_public_evidence, **documents)
        .filter(embargoed_found)
        .filter(own | Q(public_evidence_match__isnull=False))
        .values("pk")
    )
    return recommendations.filter(found).filter(all_public | Q(pk__in=embargoed_matches))


def _fts(table, match):
    return RawSQL(f"SELECT rowid FROM {table.name} WHERE {table.name} MATCH %s", [match])


class ReportSourceQuerySet(models.QuerySet):
    def published(self, today=None):
        """The files of reviews the public may see (``Inspection.objects.published``): a draft's or
        an embargoed review's file is not among them."""
        return self.filter(inspection__in=Inspection.objects.published(today))

    def latest_first(self):
        return self.order_by("-imported_at", "-pk")


def source_file_name(instance, filename):
    """Where a report file is stored: by its SHA-256 (never by the name it was uploaded with)."""
    suffix = ".pdf" if instance.media_type == ReportSource.PDF else ".txt"
    return f"reports/{instance.sha256[:2]}/{instance.sha256}{suffix}"


class ReportSource(models.Model):
    """A report file as published, kept as it was imported: the PDF (or text) a review was read
    from, with its SHA-256, size and original name. The public page links the latest one; an
    identical file imported again is recognised by its SHA-256 and changes nothing."""

    PDF = "application/pdf"
    TEXT = "text/plain"

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="sources")
    file = models.FileField(upload_to=source_file_name, max_length=200)
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(help_text=_("In bytes."))
    original_name = models.CharField(max_length=200, help_text=_("The file's name as uploaded or imported."))
    media_type = models.CharField(max_length=40, choices=[(PDF, "PDF"), (TEXT, "Text")])
    imported_at = models.DateTimeField(default=timezone.now)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    objects = ReportSourceQuerySet.as_manager()

    class Meta:
        ordering = ["-imported_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["inspection", "sha256"], name="one_source_per_file_and_review")]

    def __str__(self):
        return f"{self.original_name} ({self.format_label})"

    @property
    def format_label(self):
        return "PDF" if self.media_type == self.PDF else "text"
