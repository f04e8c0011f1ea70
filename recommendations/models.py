"""Establishments, inspections, the recommendations inspectorates make, and the prison's side:
its response to each recommendation and the actions that answer it.

The inspectorate's judgement of progress lives in ``findings``; this app never imports it.
"""

import datetime

from django.conf import settings
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext_lazy as _

from common import clock
from recommendations.history import HistoricalRecords

# The longest text a person may type into each free-text field: enforced by the forms, the
# models' clean() and the database (a CheckConstraint on the length, as SQLite ignores a
# TextField's max_length). Generous for real use; a 1 MB note is refused.
TEXT_LIMITS = {
    "action_description": 2_000,
    "owner": 200,
    "progress_note": 5_000,
    "reason": 2_000,
    "response_reason": 5_000,
}


def _too_long(label, limit):
    return gettext("%(label)s must be %(limit)s characters or fewer.") % {"label": label, "limit": f"{limit:,}"}


# GOV.UK's error message for text over its limit: lazy, as forms and models build it when they
# load, and each request reads it in its own language.
too_long = lazy(_too_long, str)


def length_limit(field, limit, name):
    """A database check that ``field`` is at most ``limit`` characters."""
    return models.CheckConstraint(condition=LessThanOrEqual(Length(field), limit), name=name)


def check_lengths(instance, limits):
    """``clean()``'s mirror of the length constraints: {field: (label, limit)}."""
    errors = {}
    for field, (label, limit) in limits.items():
        if len(getattr(instance, field) or "") > limit:
            errors[field] = too_long(label, limit)
    if errors:
        raise ValidationError(errors)


SEARCH_CONFIG = "english"


class SearchDocument(SearchVector):
    """The words of ``fields`` as the public search reads them (stemmed English), for a stored
    ``GeneratedField``: ``to_tsvector`` on PostgreSQL; on SQLite, where the search matches
    words instead, the column stays empty."""

    def __init__(self, *fields):
        super().__init__(*fields, config=SEARCH_CONFIG)

    def as_sqlite(self, compiler, connection, **extra_context):
        return "NULL", []


class EstablishmentType(models.TextChoices):
    PRISON = "prison", _("Prison")
    YOI = "yoi", _("Young offender institution")
    IRC = "irc", _("Immigration removal centre")
    STC = "stc", _("Secure training centre")
    OTHER = "other", _("Other place of detention")


class Establishment(models.Model):
    name = models.CharField(max_length=200, unique=True, help_text=_("As the report names it, e.g. HMP Belmarsh."))
    slug = models.SlugField(max_length=100, unique=True)
    type = models.CharField(max_length=10, choices=EstablishmentType.choices, default=EstablishmentType.PRISON)
    description = models.TextField(blank=True)
    leaders = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="led_establishments",
        help_text=_("Users with the leader role who run this establishment's response and actions."),
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class InspectorateManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Inspectorate(models.Model):
    """HMI Prisons, Ofsted, Estyn, CQC… Each owns a progress scale (``findings.ProgressLevel``).

    An inspectorate exists in the tracker together with its scale: both are created in one
    place, the data migration ``findings/migrations/0002_progress_scales.py`` (the dependency
    points from ``findings`` to this app, as everywhere). A new inspectorate is added the same
    way, by a ``findings`` data migration that creates it and its levels.
    """

    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=50, unique=True)
    slug = models.SlugField(max_length=50, unique=True)
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="inspectorates",
        help_text=_("Users with the inspector role who judge this inspectorate's recommendations."),
    )

    objects = InspectorateManager()

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.short_name

    def natural_key(self):
        return (self.slug,)


LEAD_INSPECTORATE_SLUG = "hmi-prisons"


def default_lead_inspectorate():
    """HMI Prisons leads a prison's inspections and reviews (HM Chief Inspector of Prisons signs
    the summary); other inspectorates contribute judgements."""
    return Inspectorate.objects.filter(slug=LEAD_INSPECTORATE_SLUG).values_list("pk", flat=True).first()


class InspectionKind(models.TextChoices):
    FULL = "full", _("Full inspection")
    IRP = "irp", _("Independent review of progress")


class InspectionEra(models.TextChoices):
    """How a full inspection states what it asks of the prison: HMI Prisons changed it on 3 May 2022."""

    RECOMMENDATIONS = "recommendations", _("Concerns with recommendations (before May 2022)")
    CONCERNS = "concerns", _("Key concerns without recommendations (from May 2022)")


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


# A published inspection with no publication date is public from the beginning of time.
ALWAYS = datetime.date(1, 1, 1)


# --- What the public may see: the one rule -----------------------------------------------------
# A published inspection or review is public from its publication date (always, when it has none);
# a draft never. ``public_since`` says it of one inspection, ``InspectionQuerySet.published`` asks it
# of the database; each other model's ``published(today)`` builds on one of them (the judgements'
# stored windows are computed by ``public_since``), so pages, CSV, API, feeds, comparison and caches
# all ask the same question.


def public_since(status, published_on):
    """The date from which an inspection with this ``status`` and ``published_on`` is public, or
    None while it is a draft."""
    if status != PublicationStatus.PUBLISHED:
        return None
    return published_on or ALWAYS


def _dated_by(today):
    """A published inspection is public from its publication date, or at once with none."""
    return Q(published_on__isnull=True) | Q(published_on__lte=today)


class InspectionQuerySet(models.QuerySet):
    def published(self, today=None):
        """Inspections the public may see on ``today``: published, and past their publication date.

        A published report is embargoed until its publication date; one with no date is
        visible from the moment it is published (``public_since``). Every public page builds on this.
        """
        return self.filter(status=PublicationStatus.PUBLISHED).filter(_dated_by(today or clock.today()))

    def embargoed(self, today=None):
        """Inspections published but not public yet on ``today``: their publication date is to come
        (the published ones ``published`` leaves out)."""
        return self.filter(status=PublicationStatus.PUBLISHED).exclude(_dated_by(today or clock.today()))

    def reviews(self):
        return self.filter(kind=InspectionKind.IRP)


class Inspection(models.Model):
    """A full inspection or an independent review of progress (IRP) of one establishment."""

    establishment = models.ForeignKey(Establishment, on_delete=models.PROTECT, related_name="inspections")
    kind = models.CharField(max_length=10, choices=InspectionKind.choices)
    slug = models.SlugField(max_length=60, help_text=_("The inspection's part of its web address, e.g. irp-2022."))
    title = models.CharField(max_length=300, blank=True)
    visit_start = models.DateField(null=True, blank=True)
    visit_end = models.DateField(null=True, blank=True)
    year = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        db_index=True,  # the public list filters recommendations by the year they were made
        help_text=_("Year of the visit. Taken from the visit's start (or the publication date) when left empty."),
    )
    visit_period = models.CharField(
        max_length=100,
        blank=True,
        help_text=_("The visit as the report gives it when it gives no exact dates, e.g. July–August 2021."),
    )
    published_on = models.DateField(
        null=True,
        blank=True,
        help_text=_("Publication date. A published report is shown to the public only from this date."),
    )
    published_month_only = models.BooleanField(
        default=False,
        help_text=_("The report gives only the month of publication (e.g. April 2022): the date is its first day."),
    )
    status = models.CharField(max_length=10, choices=PublicationStatus.choices, default=PublicationStatus.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    follows_up = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reviews",
        help_text=_("For an IRP: the full inspection whose recommendations it follows up."),
    )
    lead_inspectorate = models.ForeignKey(
        Inspectorate,
        null=True,
        blank=True,
        default=default_lead_inspectorate,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_(
            "The inspectorate that leads it: only its inspectors write the report's text outside "
            "evidence (summary, key findings, notable practice, team, scores)."
        ),
    )
    population = models.PositiveIntegerField(null=True, blank=True, help_text=_("Prisoners held at the time."))
    summary_signed_by = models.CharField(
        max_length=200,
        blank=True,
        help_text=_("Who signed the summary, e.g. Charlie Taylor, HM Chief Inspector of Prisons."),
    )
    source = models.CharField(max_length=300, blank=True, help_text=_("The report file this was imported from."))
    notice = models.TextField(
        blank=True,
        max_length=2000,
        help_text=_(
            "Shown above the inspection on its public page, e.g. what was corrected and when, or that "
            "it is example data and not an inspectorate's report. No import changes it."
        ),
    )
    era = models.CharField(
        max_length=20,
        choices=InspectionEra.choices,
        blank=True,
        help_text=_(
            "A full inspection's era: concerns with recommendations (before May 2022) or key concerns "
            "alone (from May 2022). Empty for a review, or a full inspection known only from its review."
        ),
    )

    objects = InspectionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["establishment__name", "-visit_start", "-published_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["establishment", "slug"], name="inspection_slug_unique_per_establishment"),
            models.CheckConstraint(
                condition=Q(visit_end__isnull=True)
                | Q(visit_start__isnull=True)
                | Q(visit_end__gte=models.F("visit_start")),
                name="inspection_visit_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=Q(follows_up__isnull=True) | Q(kind=InspectionKind.IRP),
                name="inspection_only_reviews_follow_up",
            ),
            models.CheckConstraint(
                condition=Q(era="") | Q(kind=InspectionKind.FULL),
                name="inspection_only_full_inspections_have_an_era",
            ),
        ]

    def __str__(self):
        return f"{self.establishment} — {self.name}"

    @property
    def name(self):
        """The one name of an inspection or review, beside its establishment, on every page, feed
        and download: "Independent review of progress 2022" (the kind alone when the year is unknown)."""
        kind = self.get_kind_display()
        return f"{kind} {self.year}" if self.year else kind

    @property
    def name_with_establishment(self):
        """Where the establishment is not already said: "HMP Belmarsh: Independent review of progress 2022"."""
        return f"{self.establishment.name}: {self.name}"

    @property
    def publication_date_display(self):
        """The publication date as precisely as the report gives it: "April 2022" or "26 April 2022"."""
        if not self.published_on:
            return ""
        if self.published_month_only:
            return date_format(self.published_on, "F Y")
        return date_format(self.published_on)

    @property
    def publication_date_iso(self):
        """For downloads: 2022-04 when only the month is known, else 2022-04-26."""
        if not self.published_on:
            return ""
        iso = self.published_on.isoformat()
        return iso[:7] if self.published_month_only else iso

    @property
    def is_review(self):
        return self.kind == InspectionKind.IRP

    def clean(self):
        if self.visit_start and self.visit_end and self.visit_end < self.visit_start:
            raise ValidationError({"visit_end": gettext("The visit cannot end before it starts.")})
        if self.follows_up_id and self.kind != InspectionKind.IRP:
            raise ValidationError(
                {"follows_up": gettext("Only an independent review of progress follows up an inspection.")}
            )
        if self.follows_up_id and self.follows_up.establishment_id != self.establishment_id:
            raise ValidationError(
                {"follows_up": gettext("A review follows up an inspection of the same establishment.")}
            )
        if self.era and self.kind != InspectionKind.FULL:
            raise ValidationError(
                {"era": gettext("Only a full inspection has an era; a review judges what one asked.")}
            )

    def save(self, *args, **kwargs):
        if self.year is None:
            known = self.visit_start or self.published_on
            self.year = known.year if known else None
        super().save(*args, **kwargs)


class TeamMember(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="team")
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=100, help_text=_("e.g. Team leader, Inspector, Ofsted inspector."))
    inspectorate = models.ForeignKey(Inspectorate, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    # A rename in the workspace is kept, and a re-import finds it (matched by position).
    history = HistoricalRecords()

    class Meta:
        ordering = ["inspection", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "name"], name="team_member_once_per_inspection"),
        ]

    def __str__(self):
        return f"{self.name}, {self.role}"


class HealthyPrisonTest(models.TextChoices):
    SAFETY = "safety", _("Safety")
    RESPECT = "respect", _("Respect")
    PURPOSEFUL_ACTIVITY = "purposeful_activity", _("Purposeful activity")
    REHABILITATION = "rehabilitation", _("Rehabilitation and release planning")


class FourthTestName(models.TextChoices):
    """The names the fourth healthy prison test has had in reports, as printed."""

    REHABILITATION = "rehabilitation and release planning", _("Rehabilitation and release planning")
    RESETTLEMENT = "resettlement", _("Resettlement")
    PREPARATION = "preparation for release", _("Preparation for release")


HEALTHY_PRISON_SCORES = {
    1: gettext_lazy("Outcomes for prisoners are poor"),
    2: gettext_lazy("Outcomes for prisoners are not sufficiently good"),
    3: gettext_lazy("Outcomes for prisoners are reasonably good"),
    4: gettext_lazy("Outcomes for prisoners are good"),
}


class HealthyPrisonScore(models.Model):
    """One healthy prison test's score (1–4) at a full inspection, entered by an inspector."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="healthy_prison_scores")
    test = models.CharField(max_length=30, choices=HealthyPrisonTest.choices)
    score = models.PositiveSmallIntegerField(choices=sorted(HEALTHY_PRISON_SCORES.items()))
    printed_as = models.CharField(
        max_length=40,
        blank=True,
        choices=FourthTestName.choices,
        help_text=_(
            "For the fourth test: the name the report gives it (Rehabilitation and release planning, "
            "Resettlement, Preparation for release). Empty for the other tests."
        ),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["inspection", "test"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "test"], name="healthy_prison_score_once_per_test"),
            models.CheckConstraint(condition=Q(score__gte=1) & Q(score__lte=4), name="healthy_prison_score_1_to_4"),
            models.CheckConstraint(
                condition=Q(printed_as="")
                | Q(test=HealthyPrisonTest.REHABILITATION, printed_as__in=FourthTestName.values),
                name="healthy_prison_score_only_fourth_test_renamed",
            ),
        ]

    def __str__(self):
        return f"{self.label}: {self.score}"

    @property
    def label(self):
        """The test's name as the report printed it (the fourth test has had three)."""
        if self.printed_as:
            return FourthTestName(self.printed_as).label
        return self.get_test_display()

    @property
    def meaning(self):
        return HEALTHY_PRISON_SCORES.get(self.score, "")

    def clean(self):
        if self.inspection_id and self.inspection.kind != InspectionKind.FULL:
            raise ValidationError(gettext("Healthy prison scores belong to a full inspection; reviews do not score."))
        if self.printed_as and self.test != HealthyPrisonTest.REHABILITATION:
            raise ValidationError({"printed_as": gettext("Only the fourth test has had other names.")})


class RecommendationKind(models.TextChoices):
    """What an inspection asks of a prison: a concern with a recommendation (full inspections
    before May 2022 and the reviews that follow them up), a key concern alone (full inspections
    from May 2022: leaders decide the solution), or an Ofsted theme's question."""

    RECOMMENDATION = "recommendation", _("Recommendation")
    THEME = "theme", _("Theme")
    CONCERN = "concern", _("Key concern")


class ActionBy(models.TextChoices):
    ESTABLISHMENT = "establishment", _("The establishment")
    HMPPS = "hmpps", _("HMPPS nationally")
    MOJ = "moj", _("Ministry of Justice")


class RecommendationQuerySet(models.QuerySet):
    def made_at(self, inspection):
        return self.filter(inspection=inspection)

    def for_establishment(self, establishment):
        return self.filter(inspection__establishment=establishment)


# The area a key concern from May 2022 is stored under: such reports give key concerns no area.
KEY_CONCERN_AREA = "Key concern"


class Recommendation(models.Model):
    """A recommendation (or an Ofsted theme question) made at an inspection by an inspectorate."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="recommendations")
    inspectorate = models.ForeignKey(Inspectorate, on_delete=models.PROTECT, related_name="recommendations")
    kind = models.CharField(
        max_length=20, choices=RecommendationKind.choices, default=RecommendationKind.RECOMMENDATION
    )
    area = models.CharField(max_length=200, help_text=_("The report's heading, e.g. Use of force."))
    concern = models.TextField(blank=True, help_text=_("The concern that led to the recommendation."))
    text = models.TextField(
        blank=True,
        help_text=_("The recommendation, or the theme's question. Empty for a key concern made without one."),
    )
    reference = models.CharField(
        max_length=20,
        blank=True,
        help_text=_("Paragraph in the full inspection report, e.g. 1.39. Themes have none."),
    )
    theme_number = models.PositiveSmallIntegerField(null=True, blank=True, help_text=_("Theme 1, 2, 3… for a theme."))
    number = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text=_(
            "A key concern's number as printed (1, 2 …) in a report from May 2022, which has no paragraph references."
        ),
    )
    priority = models.BooleanField(default=False, help_text=_("Named a priority concern in the report."))
    action_by = models.CharField(max_length=20, choices=ActionBy.choices, default=ActionBy.ESTABLISHMENT)
    repeats = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="repeated_by",
        help_text=_("An earlier recommendation this one repeats, to follow one concern across inspections."),
    )
    position = models.PositiveSmallIntegerField(default=0, help_text=_("Order in the report."))
    # The evidence of its judgements at published reviews (embargoed ones included), in order,
    # and the date from which all of it is public: written only by
    # findings.publishing.refresh_search_documents, through public_data_changed, so draft
    # evidence is never here and embargoed evidence is never matched before its date.
    evidence_text = models.TextField(blank=True, default="", editable=False)
    evidence_public_from = models.DateField(null=True, blank=True, editable=False)
    # What the public search reads: text, concern and published evidence in one document, so a
    # search is one GIN index lookup on PostgreSQL (migration 0011); SQLite's FTS5 table
    # recommendation_search indexes the same three columns (kept by triggers).
    public_document = models.GeneratedField(
        expression=SearchDocument("text", "concern", "evidence_text"),
        output_field=SearchVectorField(null=True),
        db_persist=True,
    )

    objects = RecommendationQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["evidence_text", "evidence_public_from", "public_document"])

    class Meta:
        ordering = ["inspection", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "inspectorate", "reference"],
                condition=~Q(reference=""),
                name="recommendation_reference_unique_per_inspection",
            ),
            models.UniqueConstraint(
                fields=["inspection", "inspectorate", "theme_number"],
                condition=Q(theme_number__isnull=False),
                name="theme_number_unique_per_inspection",
            ),
            models.CheckConstraint(
                condition=Q(kind=RecommendationKind.THEME) | Q(theme_number__isnull=True),
                name="only_themes_have_theme_numbers",
            ),
            models.UniqueConstraint(
                fields=["inspection", "inspectorate", "number"],
                condition=Q(number__isnull=False),
                name="concern_number_unique_per_inspection",
            ),
            models.CheckConstraint(
                condition=Q(kind=RecommendationKind.CONCERN) | Q(number__isnull=True),
                name="only_key_concerns_have_numbers",
            ),
            models.CheckConstraint(
                condition=Q(kind=RecommendationKind.CONCERN) | ~Q(text=""),
                name="recommendation_text_unless_key_concern",
            ),
            models.CheckConstraint(
                condition=~Q(kind=RecommendationKind.CONCERN) | (Q(text="") & ~Q(concern="")),
                name="key_concern_states_concern_without_recommendation",
            ),
        ]
        indexes = [
            # The public list filters by area and orders by inspection and position.
            models.Index(fields=["area"], name="recommendation_area_idx"),
            # The list's layout counts public recommendations per inspection: with the primary key
            # beside the inspection (the published rule reads both), PostgreSQL counts them from
            # this index alone (an index-only scan of a few hundred pages, not the wide table's
            # twelve thousand: 24–30 ms instead of 105–155 ms at national size).
            models.Index(fields=["inspection", "id"], name="recommendation_inspection_idx"),
            # The search checks again the few recommendations whose stored document holds
            # evidence still embargoed (a date after today): found here, not by reading each match.
            models.Index(
                fields=["evidence_public_from"],
                condition=Q(evidence_public_from__isnull=False),
                name="recommendation_embargoed_idx",
            ),
        ]

    def __str__(self):
        # A key concern from May 2022 has no recommendation text: its concern says what it is.
        return f"{self.name}: {(self.text or self.concern)[:60]}"

    @property
    def label(self):
        """How the report refers to it: '1.39' for a recommendation, 'Theme 2' for a theme,
        'Concern 3' for a numbered key concern of a report from May 2022."""
        if self.kind == RecommendationKind.THEME:
            return (
                gettext("Theme %(number)s") % {"number": self.theme_number} if self.theme_number else gettext("Theme")
            )
        if self.kind == RecommendationKind.CONCERN and not self.reference:
            return gettext("Concern %(number)s") % {"number": self.number} if self.number else ""
        return self.reference

    @property
    def is_concern_only(self):
        return self.kind == RecommendationKind.CONCERN

    @property
    def name(self):
        """The one way every page, list, message and download names it: 'Use of force (1.39)',
        'Education, skills and work (Theme 2)', 'Key concern 3' (a report from May 2022 gives its
        key concerns no area), or the area alone when it has no reference."""
        if self.kind == RecommendationKind.CONCERN and not self.reference and self.area == KEY_CONCERN_AREA:
            return gettext("Key concern %(number)s") % {"number": self.number} if self.number else self.area
        label = self.label
        return f"{self.area} ({label})" if label else self.area

    def clean(self):
        if self.repeats_id and self.repeats_id == self.pk:
            raise ValidationError({"repeats": gettext("A recommendation cannot repeat itself.")})
        if self.repeats_id and self.inspection_id:
            message = repeat_error(self.inspection, self.repeats.inspection)
            if message:
                raise ValidationError({"repeats": message})
        if self.kind != RecommendationKind.THEME and self.theme_number is not None:
            raise ValidationError({"theme_number": gettext("Only a theme has a theme number.")})
        if self.kind != RecommendationKind.CONCERN and self.number is not None:
            raise ValidationError({"number": gettext("Only a key concern of a report from May 2022 has a number.")})
        if self.kind == RecommendationKind.CONCERN:
            if self.text.strip():
                raise ValidationError(
                    {"text": gettext("A key concern is made without a recommendation: leaders decide the solution.")}
                )
            if not self.concern.strip():
                raise ValidationError({"concern": gettext("State the key concern.")})
        elif not self.text.strip():
            raise ValidationError({"text": gettext("State the recommendation (or the theme's question).")})


def repeat_error(inspection, earlier):
    """Why a recommendation made at ``inspection`` cannot repeat one made at ``earlier``, or None.

    A concern is followed at one establishment: the repeated recommendation was made at an
    earlier inspection of the same establishment."""
    if earlier.establishment_id != inspection.establishment_id:
        return gettext("A recommendation repeats one made at an earlier inspection of the same establishment.")
    if earlier.pk == inspection.pk:
        return gettext("A recommendation repeats one made at an earlier inspection, not at the same one.")
    started, earlier_started = (
        inspection.visit_start or inspection.published_on,
        earlier.visit_start or earlier.published_on,
    )
    if started and earlier_started and earlier_started >= started:
        return gettext("A recommendation repeats one made at an earlier inspection: that inspection came later.")
    return None


class ResponseDecision(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    PARTLY_ACCEPTED = "partly_accepted", _("Partly accepted")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")


class ReviewAnnouncementQuerySet(models.QuerySet):
    def published(self):
        """Announcements the public and leaders may see: published by an inspector."""
        return self.filter(published_at__isnull=False)


class ReviewAnnouncement(models.Model):
    """A coming independent review of progress, announced: which recommendations or concerns of a
    full inspection it will follow up, and the month it is planned for.

    "When we announce an IRP, we identify which recommendations we intend to follow up." It is
    shown to leaders and the public only once published (``published_at``)."""

    inspection = models.OneToOneField(
        Inspection,
        on_delete=models.CASCADE,
        related_name="announcement",
        help_text=_("The full inspection whose recommendations the coming review will follow up."),
    )
    planned_month = models.DateField(help_text=_("The month the review is planned for (its first day)."))
    recommendations = models.ManyToManyField(
        Recommendation, related_name="announcements", help_text=_("What the review will follow up.")
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ReviewAnnouncementQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["planned_month", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_month__day=1), name="review_announcement_planned_month_first_day"
            ),
        ]

    def __str__(self):
        return f"Review of {self.inspection} announced for {self.planned_month_display}"

    @property
    def is_published(self):
        return self.published_at is not None

    @property
    def planned_month_display(self):
        return date_format(self.planned_month, "F Y")

    def clean(self):
        if self.planned_month and self.planned_month.day != 1:
            self.planned_month = self.planned_month.replace(day=1)
        if self.inspection_id and self.inspection.kind != InspectionKind.FULL:
            raise ValidationError({"inspection": gettext("A review is announced to follow up a full inspection.")})


class ActionPlanQuerySet(models.QuerySet):
    def published(self, today=None):
        """The action plans the public may see: published by the prison's leaders (and not
        withdrawn since: withdrawing clears ``published_at``), answering an inspection the public
        may see on ``today``. The one rule for the site, the API, the feeds and the caches."""
        return self.filter(published_at__isnull=False, inspection__in=Inspection.objects.published(today))


class ActionPlan(models.Model):
    """An establishment's answer to one inspection's recommendations, public once leaders publish it.

    An inspector may withdraw a published plan, with a reason (``ActionPlanWithdrawal``): it is
    a draft again until the leaders publish it again."""

    inspection = models.OneToOneField(Inspection, on_delete=models.PROTECT, related_name="action_plan")
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ActionPlanQuerySet.as_manager()
    history = HistoricalRecords()

    def __str__(self):
        return f"Action plan for {self.inspection}"

    @property
    def is_published(self):
        return self.published_at is not None


class Response(models.Model):
    """The prison's response to one recommendation: accepted, partly, or not, with a reason."""

    recommendation = models.OneToOneField(Recommendation, on_delete=models.PROTECT, related_name="response")
    decision = models.CharField(max_length=20, choices=ResponseDecision.choices)
    reason = models.TextField(
        blank=True,
        max_length=TEXT_LIMITS["response_reason"],
        help_text=_("Required unless the recommendation is fully accepted."),
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(decision=ResponseDecision.ACCEPTED) | ~Q(reason=""),
                name="response_reason_unless_accepted",
            ),
            length_limit("reason", TEXT_LIMITS["response_reason"], "response_reason_length"),
        ]

    def __str__(self):
        return f"{self.get_decision_display()}: {self.recommendation}"

    def clean(self):
        check_lengths(self, {"reason": (gettext("The reason"), TEXT_LIMITS["response_reason"])})
        if self.decision != ResponseDecision.ACCEPTED and not self.reason.strip():
            raise ValidationError({"reason": gettext("Give a reason when the recommendation is not fully accepted.")})


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


OPEN_ACTION_STATUSES = [ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS]


class ActionQuerySet(models.QuerySet):
    def live(self):
        """Actions still to be done: not done and not dropped."""
        return self.filter(status__in=OPEN_ACTION_STATUSES)

    def overdue(self, today):
        return self.live().filter(target_date__lt=today)

    def due_within(self, today, days):
        return self.live().filter(target_date__gte=today, target_date__lte=today + timezone.timedelta(days=days))

    def without_owner(self):
        return self.live().filter(owner="")

    def without_target_date(self):
        return self.live().filter(target_date__isnull=True)

    def stale(self, now, days=30):
        return self.live().filter(updated_at__lt=now - timezone.timedelta(days=days))

    def for_establishment(self, establishment):
        return self.filter(recommendation__inspection__establishment=establishment)


class Action(models.Model):
    """One thing the prison will do to answer a recommendation. Never deleted: dropped, with a reason."""

    recommendation = models.ForeignKey(Recommendation, on_delete=models.PROTECT, related_name="actions")
    description = models.TextField(max_length=TEXT_LIMITS["action_description"])
    owner = models.CharField(max_length=TEXT_LIMITS["owner"], blank=True, help_text=_("A named role or person."))
    target_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED)
    dropped_reason = models.TextField(blank=True, max_length=TEXT_LIMITS["reason"])
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text=_(
            "Counts the changes made through recommendations.actions; a form carries the version "
            "it was opened at, and a save based on an older one is refused (optimistic locking)."
        ),
    )

    objects = ActionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["recommendation", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=ActionStatus.DROPPED) | ~Q(dropped_reason=""),
                name="action_dropped_needs_reason",
            ),
            length_limit("description", TEXT_LIMITS["action_description"], "action_description_length"),
            length_limit("owner", TEXT_LIMITS["owner"], "action_owner_length"),
            length_limit("dropped_reason", TEXT_LIMITS["reason"], "action_dropped_reason_length"),
        ]
        indexes = [
            # Leaders' dashboard counts overdue and due-soon actions by target date.
            models.Index(fields=["status", "target_date"], name="action_status_target_idx"),
        ]

    def __str__(self):
        return self.description[:80]

    def clean(self):
        check_lengths(
            self,
            {
                "description": (gettext("What will be done"), TEXT_LIMITS["action_description"]),
                "owner": (gettext("The owner"), TEXT_LIMITS["owner"]),
                "dropped_reason": (gettext("The reason"), TEXT_LIMITS["reason"]),
            },
        )
        if self.status == ActionStatus.DROPPED and not self.dropped_reason.strip():
            raise ValidationError({"dropped_reason": gettext("Say why the action is dropped.")})


NOTE_CORRECTION_HOURS = 24


class ProgressNote(models.Model):
    """A dated note on an action's progress. Its author may correct or delete it for
    ``NOTE_CORRECTION_HOURS`` after writing it (``recommendations.actions``); history keeps each version."""

    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="notes")
    noted_on = models.DateField(default=timezone.localdate)
    text = models.TextField(max_length=TEXT_LIMITS["progress_note"])
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    corrected_at = models.DateTimeField(null=True, blank=True, editable=False)
    submission = models.UUIDField(
        null=True,
        blank=True,
        editable=False,
        help_text=_("The form's one-time key: the same form sent twice (a double click, a resubmit) makes one note."),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["action", "noted_on", "created_at", "pk"]
        constraints = [
            length_limit("text", TEXT_LIMITS["progress_note"], "progress_note_length"),
            models.UniqueConstraint(
                fields=["submission"], condition=Q(submission__isnull=False), name="progress_note_one_per_submission"
            ),
        ]

    def __str__(self):
        return f"{self.noted_on}: {self.text[:60]}"

    def clean(self):
        check_lengths(self, {"text": (gettext("The progress note"), TEXT_LIMITS["progress_note"])})


class TargetDateChange(models.Model):
    """A moved target date: the date before, the date after, and why. Never edited."""

    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="date_changes")
    old_date = models.DateField(null=True, blank=True)
    new_date = models.DateField(null=True, blank=True)
    reason = models.TextField(max_length=TEXT_LIMITS["reason"])
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["action", "changed_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="target_date_change_needs_reason"),
            length_limit("reason", TEXT_LIMITS["reason"], "target_date_change_reason_length"),
        ]

    def __str__(self):
        return f"{self.old_date} → {self.new_date}"


class Unpublication(models.Model):
    """A published review taken down again, with who, when and why."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="unpublications")
    reason = models.TextField(max_length=TEXT_LIMITS["reason"])
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="unpublication_needs_reason"),
            length_limit("reason", TEXT_LIMITS["reason"], "unpublication_reason_length"),
        ]

    def __str__(self):
        return f"{self.inspection} unpublished {date_format(timezone.localtime(self.at))}"


class ReminderLog(models.Model):
    """One reminder digest sent to one leader about one establishment on one day.

    ``send_action_reminders`` writes it as it sends, so a second run on the same day sends nothing.
    """

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="reminders")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_on = models.DateField()
    actions = models.PositiveIntegerField(default=0, help_text=_("How many actions the digest listed."))

    class Meta:
        ordering = ["-sent_on", "establishment", "user"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "establishment", "sent_on"], name="one_reminder_per_leader_establishment_and_day"
            ),
        ]

    def __str__(self):
        return f"Reminder to {self.user} about {self.establishment} on {self.sent_on}"


class AuditAction(models.TextChoices):
    PUBLISHED = "published", _("Published a review")
    UNPUBLISHED = "unpublished", _("Unpublished a review")
    EMBARGO_CHANGED = "embargo-changed", _("Changed a publication date")
    IMPORTED = "imported", _("Imported a report")
    ROLE_GRANTED = "role-granted", _("Granted a role")
    PLAN_PUBLISHED = "plan-published", _("Published an action plan")
    PLAN_WITHDRAWN = "plan-withdrawn", _("Withdrew an action plan")
    PLAN_UPLOADED = "plan-uploaded", _("Updated an action plan from a spreadsheet")
    ANNOUNCED = "announced", _("Announced a review")


class AuditEvent(models.Model):
    """One thing done that changes what the public sees or who may do what: written only by the
    service (``recommendations.audit.record_audit_event``), read in the workspace, never edited."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=20, choices=AuditAction.choices)
    inspection = models.ForeignKey(
        Inspection, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_events"
    )
    summary = models.TextField(help_text=_("What changed, from what to what, in a sentence."))
    reason = models.TextField(blank=True, max_length=TEXT_LIMITS["reason"])

    class Meta:
        ordering = ["-at", "-pk"]
        constraints = [models.CheckConstraint(condition=~Q(summary=""), name="audit_event_needs_summary")]

    def __str__(self):
        return f"{self.get_action_display()} {date_format(timezone.localtime(self.at), 'DATETIME_FORMAT')}"


class ActionPlanWithdrawal(models.Model):
    """A published action plan taken down by an inspector, with who, when and why. Never edited."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.PROTECT, related_name="withdrawals")
    reason = models.TextField(max_length=TEXT_LIMITS["reason"])
    was_published_at = models.DateTimeField(help_text=_("When the plan withdrawn had been published."))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="action_plan_withdrawal_needs_reason"),
            length_limit("reason", TEXT_LIMITS["reason"], "action_plan_withdrawal_reason_length"),
        ]

    def __str__(self):
        return f"{self.plan} withdrawn {date_format(timezone.localtime(self.at))}"


class PlanUploadStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    CANCELLED = "cancelled", _("Cancelled")


class PlanUpload(models.Model):
    """An action-plan spreadsheet a leader uploaded, read and waiting for them to confirm.

    The rows are kept as read (JSON), in the database so that whichever worker serves the
    preview or the confirmation reads the same upload; the file itself is not kept. Nothing in
    the plan changes until the uploader confirms; the preview and the confirmation both compare
    the rows with the tracker as it is then (``leaders.plan_upload``)."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="plan_uploads")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    filename = models.CharField(max_length=255)
    rows = models.JSONField(default=list, help_text=_("The spreadsheet's rows as read, one object a row."))
    status = models.CharField(max_length=10, choices=PlanUploadStatus.choices, default=PlanUploadStatus.PENDING)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    summary = models.TextField(blank=True, help_text=_("What the confirmation changed."))

    class Meta:
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self):
        return f"{self.filename} for {self.establishment} ({self.get_status_display().lower()})"
