"""Fills the database with realistic national data: the benchmark's and the scale tests' data.

About 150 prisons, young offender institutions and removal centres, each inspected every year
with a full inspection (before May 2022 dozens of recommendations, a few named priority concerns;
from May 2022 up to 15 key concerns without recommendations, four of them priorities; healthy
prison scores under the fourth test's name of the year; some Ofsted themes) and followed up the
next year by an independent review of progress that judges most of them, with numbered evidence
paragraphs; repeated concerns linked across inspections
(``Recommendation.repeats``); the prison's responses, actions and published action plans; the
latest year's reviews partly drafts and partly embargoed. Everything is made with bulk inserts
in one transaction, reproducibly from ``--seed``, and ends in the one function that keeps the
public's view of the judgements (``findings.publishing.public_data_changed``).

It refuses to run on a database that already holds inspections, unless ``--force`` is given
(then it adds its establishments beside what is there).

    .venv/bin/python manage.py build_national_data                       # 150 establishments, 11 years
    .venv/bin/python manage.py build_national_data --establishments 3 --years 2 --seed 7
"""

import datetime
import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from django.utils.text import slugify

from common import clock
from findings.models import Judgement, NotablePractice, Paragraph, ParagraphPart, ProgressLevel
from findings.publishing import public_data_changed
from recommendations.history import record_first_history
from recommendations.models import (
    Action,
    ActionBy,
    ActionPlan,
    ActionStatus,
    Establishment,
    EstablishmentType,
    FourthTestName,
    HealthyPrisonScore,
    HealthyPrisonTest,
    Inspection,
    InspectionEra,
    InspectionKind,
    Inspectorate,
    ProgressNote,
    PublicationStatus,
    Recommendation,
    RecommendationKind,
    Response,
    ResponseDecision,
    TeamMember,
)

TOWNS = (
    "Altcourse Ashfield Askham Aylesbury Bedford Belmarsh Berwyn Birmingham Brinsford Bristol Brixton "
    "Bronzefield Buckley Bullingdon Bure Cardiff Channings Chelmsford Coldingley Cookham Dartmoor Deerbolt "
    "Doncaster Dovegate Downview Drake Durham Eastwood Elmley Erlestoke Exeter Featherstone Feltham Ford "
    "Forest Frankland Full Garth Gartree Grendon Guys Haverigg Hewell Highdown Highpoint Hindley Hollesley "
    "Holme Hull Humber Huntercombe Isis Isle Kirkham Kirklevington Lancaster Leeds Leicester Lewes Leyhill "
    "Lincoln Lindholme Littlehey Liverpool Long Lartin Low Newton Lowdham Maidstone Manchester Moorland "
    "Morton Mount Nottingham Oakwood Onley Parc Pentonville Peterborough Portland Prescoed Preston Ranby "
    "Risley Rochester Rye Send Stafford Standford Stocken Stoke Sudbury Swaleside Swansea Swinfen Thameside "
    "Thorn Usk Verne Wakefield Wandsworth Warren Wayland Wealstun Werrington Wetherby Whatton Whitemoor "
    "Winchester Woodhill Wormwood Wymott Brook Colnbrook Harmondsworth Dungavel Tinsley Yarl Derwentside"
).split()

AREAS = [
    "Early days in custody",
    "Managing behaviour",
    "Use of force",
    "Segregation",
    "Security",
    "Self-harm and suicide prevention",
    "Safeguarding",
    "Staff-prisoner relationships",
    "Equality, diversity and faith",
    "Health, well-being and social care",
    "Mental health care",
    "Substance misuse",
    "Time out of cell",
    "Education, skills and work",
    "Reading",
    "Family ties",
    "Reducing risk, rehabilitation",
    "Public protection",
    "Release planning",
    "Living conditions",
    "Residential services",
    "Complaints",
    "Leadership and management",
    "Violence reduction",
]
THEME_AREAS = ["Education, skills and work", "Reading", "Time out of cell", "Leadership and management"]

SUBJECTS = [
    "Leaders",
    "Managers",
    "Staff",
    "Officers",
    "The governor",
    "Health care staff",
    "The safer custody team",
    "Residential managers",
    "Education providers",
    "Prison offender managers",
]
VERBS = [
    "should make sure that",
    "should ensure that",
    "should review how",
    "should improve the way",
    "should monitor whether",
    "should investigate why",
]
OBJECTS = [
    "prisoners at risk of self-harm are supported through the ACCT process",
    "use of force is proportionate and body-worn cameras are switched on",
    "violence against staff and prisoners is reduced",
    "segregated prisoners have a meaningful regime",
    "prisoners spend enough time out of their cell",
    "education, skills and work places are filled and attended",
    "complaints are answered on time and fairly",
    "new arrivals are kept safe on their first night",
    "release plans give prisoners somewhere to live",
    "medicines are given safely and on time",
    "cells are clean, decent and in good repair",
    "prisoners with disabilities have the help they need",
    "illicit drugs are kept out of the prison",
    "family visits start on time",
    "reading is taught to prisoners who cannot read well",
    "public protection arrangements are reviewed before release",
    "data on outcomes for minority groups is analysed and acted upon",
]
FINDINGS = [
    "We found that {what}.",
    "Leaders had a plan but {what} only on some wings.",
    "Records showed that {what} in most cases we sampled.",
    "Prisoners told us that {what} less often than before.",
    "Since the inspection, {what} in a clear improvement.",
    "Staff shortages meant that {what} only intermittently.",
    "Data showed that {what}; leaders used it to target work on the worst wings.",
    "There was little evidence that {what}.",
]

# The vocabulary of the generated report text. Real reports share their words: every prison's
# report speaks of violence, safeguarding, induction and resettlement, so the first entries of
# each list are drawn far more often than the last (weights fall as 1 / rank), and the long
# tail gives each report words few others use. A search for a common word then matches
# thousands of recommendations and tens of thousands of paragraphs, as it would on the real record.
TOPICS = [  # what a sentence is about, most common first
    "violence against staff and prisoners",
    "the safeguarding of vulnerable adults",
    "the induction of new arrivals",
    "resettlement planning before release",
    "the use of force",
    "support for prisoners at risk of self-harm",
    "time out of cell",
    "the supply of illicit drugs",
    "access to education, skills and work",
    "the segregation unit's regime",
    "key work sessions",
    "the management of complaints",
    "health care and medicines",
    "mental health support",
    "body-worn cameras during incidents",
    "living conditions on the wings",
    "contact with families and children",
    "offender management and sentence planning",
    "equality and diversity monitoring",
    "the reading strategy",
    "public protection arrangements",
    "accommodation on release",
    "the incentives scheme",
    "substance misuse treatment",
    "the first night centre",
    "adjudications and the disciplinary process",
    "the chaplaincy and faith provision",
    "support for foreign national prisoners",
    "care for older and disabled prisoners",
    "the kitchen and the food served",
    "library and gym access",
    "the management of debt and bullying",
    "the work of the Listeners and Samaritans",
    "neurodiversity screening",
    "the use of special accommodation",
    "gate pay and identification documents on release",
    "peer mentors and prisoner representatives",
    "the control of mobile phones and drones",
    "tobacco-free policy and vaping",
    "translation and interpreting services",
]
ASSESSMENTS = [  # what a finding says of it, most common first
    "had improved since the inspection",
    "was not good enough",
    "was monitored but not acted upon",
    "remained a concern",
    "was inconsistent across the prison",
    "was better than at similar prisons",
    "had deteriorated",
    "was well led and effective",
    "lacked clear oversight",
    "had not been reviewed",
    "was hampered by staff shortages",
    "was supported by reliable data",
    "depended on a few committed staff",
    "was undermined by the restricted regime",
    "had been prioritised by the new governor",
]
GOALS = [  # what a recommendation asks of it
    "is monitored and improved",
    "meets prisoners' needs",
    "is consistent across every wing",
    "is reviewed regularly by leaders",
    "is supported by accurate data",
    "is delivered by trained staff",
    "is proportionate and accountable",
    "is available to all prisoners",
]
WHERE = [  # an optional detail, a long tail of rarer words
    "on the residential wings",
    "for young adults",
    "on the first night",
    "in the segregation unit",
    "for prisoners with protected characteristics",
    "during the evening regime",
    "for remand prisoners",
    "for those serving indeterminate sentences",
    "on the vulnerable prisoners' unit",
    "in the health care centre",
    "for women transferred from other establishments",
    "at weekends",
    "for foreign nationals awaiting deportation",
    "for prisoners with learning disabilities",
    "during lockdowns",
    "after serious incidents",
    "in the workshops",
    "for care leavers",
    "in the visits hall",
    "for veterans",
    "on the drug recovery wing",
    "for prisoners released on temporary licence",
    "in reception",
    "for Gypsy, Roma and Traveller prisoners",
    "in the open conditions annexe",
]


def zipf_weights(items):
    """Cumulative weights 1/3, 1/4, 1/5, … for ``items`` in order (for ``Random.choices``): the
    first entry about one draw in nine of the topics, the last one in a hundred and fifty."""
    total, cumulative = 0.0, []
    for rank in range(1, len(items) + 1):
        total += 1 / (rank + 2)
        cumulative.append(total)
    return cumulative


VOCABULARY = {
    name: (words, zipf_weights(words))
    for name, words in {"topic": TOPICS, "assessment": ASSESSMENTS, "goal": GOALS, "where": WHERE}.items()
}
OWNERS = ["Head of safety", "Head of residence", "Deputy governor", "Head of healthcare", "Head of learning", ""]
TEAM = [("Team leader", "hmi-prisons"), ("Inspector", "hmi-prisons"), ("Ofsted inspector", "ofsted")]

# Proportions, chosen to look like the published record.
REVIEWED = (10, 20)  # recommendations a review follows up (with every Ofsted theme), as IRPs do
REPEATS = 0.2  # recommendations that repeat an earlier one in the same area
PRIORITY = 0.1
THEMES = (2, 4)  # Ofsted themes per full inspection
RECOMMENDATIONS = (52, 72)  # per full inspection before May 2022
KEY_CONCERNS = (8, 15)  # per full inspection from May 2022: key concerns, no recommendations
KEY_CONCERN_PRIORITIES = 4  # the first ones listed, under "Priority concerns"
NEW_ERA_FROM = datetime.date(2022, 5, 3)  # HMI Prisons' reports name key concerns alone from then


def full_inspection_era(published_on):
    """The era of a full inspection published on ``published_on``."""
    return InspectionEra.CONCERNS if published_on >= NEW_ERA_FROM else InspectionEra.RECOMMENDATIONS


def expected_recommendations(establishments, years, today):
    """About how many recommendations, key concerns and themes ``build`` makes: a full inspection
    each year before this one, with dozens of recommendations before May 2022 and a few key
    concerns from then (half of 2022's inspections in each era)."""
    themes = sum(THEMES) / 2
    old, new = sum(RECOMMENDATIONS) / 2 + themes, sum(KEY_CONCERNS) / 2 + themes

    def per_inspection(year):
        if year == NEW_ERA_FROM.year:
            return (old + new) / 2
        return old if year < NEW_ERA_FROM.year else new

    return int(establishments * sum(per_inspection(year) for year in range(today.year - years + 1, today.year)))


def fourth_test_name(year):
    """The name the fourth healthy prison test is printed under in a report of ``year``."""
    if year < 2017:
        return FourthTestName.RESETTLEMENT
    if year >= 2024:
        return FourthTestName.PREPARATION
    return FourthTestName.REHABILITATION


def report_paragraph_number(index):
    """The number of a generated full inspection report's ``index``-th paragraph (40 a section)."""
    return f"{1 + index // 40}.{index}"


EVIDENCE = (5, 9)  # paragraphs per judgement
REPORT_PARAGRAPHS = 270  # numbered paragraphs of a full inspection's report
# Years of inspections by default: with 150 establishments, about 100,000 recommendations (the
# national archive's size), most of them from before May 2022, when reports had dozens each.
YEARS = 14
LATEST_DRAFTS = 0.05  # of the latest year's reviews, still drafts
LATEST_EMBARGOED = 0.03  # of the latest year's reviews, published with a date still to come
RESPONDED = 0.5  # recommendations with the prison's response
WITH_ACTIONS = 0.3  # recommendations with actions
PLAN_PUBLISHED = 0.6  # inspections whose action plan is published
BATCH = 5000


class Command(BaseCommand):
    help = "Fills the database with realistic national data (establishments, inspections, reviews) for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--establishments", type=int, default=150, help="How many establishments (150).")
        parser.add_argument(
            "--years",
            type=int,
            default=YEARS,
            help=f"Years of inspections up to this year ({YEARS}: about 100,000 recommendations in both eras).",
        )
        parser.add_argument("--seed", type=int, default=1, help="Random seed: the same seed makes the same data.")
        parser.add_argument(
            "--force", action="store_true", help="Run even though the database already holds inspections."
        )
        parser.add_argument("--dry-run", action="store_true", help="Say what would be made; write nothing.")

    def handle(self, *args, establishments, years, seed, force, dry_run, verbosity, **options):
        if establishments < 1 or years < 2:
            raise CommandError("Give at least one establishment and two years (a review follows up a year later).")
        if establishments > 5000 or years > 50:
            raise CommandError("At most 5,000 establishments and 50 years.")
        refuse_an_unmigrated_database()
        if not force and Inspection.objects.exists():
            raise CommandError(
                "The database already holds inspections: this command is for an empty database. "
                "Use --force to add generated establishments beside them."
            )
        if not ProgressLevel.objects.exists():
            raise CommandError("The progress scales are missing: run `manage.py migrate` first.")
        if dry_run:
            self.stdout.write(
                f"Would make {establishments} establishments with {establishments * (years - 1) * 2} inspections "
                f"and about {expected_recommendations(establishments, years, clock.today()):,} recommendations. "
                "Nothing written."
            )
            return
        started = time.monotonic()
        with transaction.atomic():
            counts = Builder(random.Random(seed), clock.today(), verbosity, self.stdout).build(establishments, years)
            # Rows written in bulk have no history: each gets its first version, so a later
            # import or edit has a "before" to compare with (recommendations.history).
            counts["first history versions"] = record_first_history(GENERATED_REASON)
        # Fresh planner statistics: without them PostgreSQL misjudges every join of the new rows.
        # On PostgreSQL, outside a transaction, VACUUM too, as autovacuum would later: it marks the
        # new rows' pages all-visible, so a count per inspection reads the index alone (the
        # unfiltered list's layout: 66 ms by a sequential scan and a sort, 22 ms index-only).
        vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
        if verbosity:
            made = ", ".join(f"{n:,} {name}" for name, n in counts.items())
            self.stdout.write(f"Made {made} in {time.monotonic() - started:.0f} s.")


GENERATED_REASON = "Generated by build_national_data"


def refuse_an_unmigrated_database():
    """A database never migrated (or migrated by an older version of the project) is refused
    with what to do, before any query could end in a traceback about a missing table."""
    try:
        tables = connection.introspection.table_names()
        executor = MigrationExecutor(connection)
        unapplied = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as error:
        raise CommandError(f"Cannot read the database: {error}".strip()) from None
    if not tables:
        raise CommandError("The database has no tables: run `make migrate` (manage.py migrate) first.")
    if unapplied:
        raise CommandError(
            f"The database lacks {len(unapplied)} of the project's migrations: "
            "run `make migrate` (manage.py migrate) first."
        )


class Builder:
    def __init__(self, rng, today, verbosity, stdout):
        self.rng = rng
        self.today = today
        self.verbosity = verbosity
        self.stdout = stdout
        self.inspectorates = {i.slug: i for i in Inspectorate.objects.all()}
        self.levels = {}
        for level in ProgressLevel.objects.order_by("rank"):
            self.levels.setdefault(level.inspectorate_id, []).append(level)
        self.counts = {}

    def say(self, message):
        if self.verbosity >= 2:
            self.stdout.write(message)

    def word(self, kind):
        """One entry of the vocabulary list ``kind``, common ones far more often than rare ones."""
        words, weights = VOCABULARY[kind]
        return self.rng.choices(words, cum_weights=weights)[0]

    def detail(self):
        return " " + self.word("where") if self.rng.random() < 0.4 else ""

    def sentence(self):
        """A recommendation: who should make sure of what (concerns reuse it with "did not")."""
        rng = self.rng
        return f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {self.word('topic')} {self.word('goal')}{self.detail()}."

    def finding(self):
        """One sentence of evidence: a topic, what the inspectors found of it, maybe where."""
        what = f"{self.word('topic')} {self.word('assessment')}{self.detail()}"
        return self.rng.choice(FINDINGS).format(what=what)

    def paragraph_text(self, sentences=3):
        return " ".join(self.finding() for _ in range(sentences))

    def insert(self, model, rows):
        created = model.objects.bulk_create(rows, batch_size=BATCH)
        name = model._meta.verbose_name_plural
        self.counts[name] = self.counts.get(name, 0) + len(created)
        self.say(f"{len(created):,} {name}")
        return created

    def copy(self, model, objects):
        """Inserts ``objects`` without reading their keys back: PostgreSQL's COPY (many times
        faster than INSERT for hundreds of thousands of rows), or bulk_create elsewhere."""
        if connection.vendor != "postgresql":
            return self.insert(model, objects)
        fields = [f for f in model._meta.concrete_fields if not f.primary_key and not f.generated]
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        table = connection.ops.quote_name(model._meta.db_table)
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for obj in objects:
                copy.write_row([getattr(obj, f.attname) for f in fields])
        name = model._meta.verbose_name_plural
        self.counts[name] = self.counts.get(name, 0) + len(objects)
        self.say(f"{len(objects):,} {name}")

    def made_at(self, full, hmi, position):
        """What a full inspection asks of the prison: before May 2022 a concern with its
        recommendation and paragraph reference; from May 2022 a numbered key concern alone."""
        rng = self.rng
        area = rng.choice(AREAS)
        concern = self.sentence().replace("should", "did not", 1)
        if full.era == InspectionEra.CONCERNS:
            return Recommendation(
                inspection=full,
                inspectorate=hmi,
                kind=RecommendationKind.CONCERN,
                area=area,
                concern=concern,
                text="",
                number=position,
                priority=position <= KEY_CONCERN_PRIORITIES,
                position=position,
            )
        return Recommendation(
            inspection=full,
            inspectorate=hmi,
            kind=RecommendationKind.RECOMMENDATION,
            area=area,
            concern=concern,
            text=self.sentence(),
            # the number of a paragraph its report holds (see REPORT_PARAGRAPHS), so the reference links
            reference=report_paragraph_number(position),
            priority=rng.random() < PRIORITY,
            action_by=rng.choices(list(ActionBy), weights=[90, 7, 3])[0],
            position=position,
        )

    def build(self, establishment_count, years):
        rng = self.rng
        taken = set(Establishment.objects.values_list("name", flat=True))
        taken_slugs = set(Establishment.objects.values_list("slug", flat=True))
        establishments = []
        for number in range(establishment_count):
            town = TOWNS[number % len(TOWNS)]
            kind = rng.choices(
                [EstablishmentType.PRISON, EstablishmentType.YOI, EstablishmentType.IRC], weights=[85, 10, 5]
            )[0]
            prefix = {"prison": "HMP", "yoi": "HMYOI", "irc": "IRC"}[kind]
            name = f"{prefix} {town}"
            suffix = 2
            while name in taken or slugify(name.split(" ", 1)[1]) in taken_slugs:
                name = f"{prefix} {town} {suffix}"
                suffix += 1
            taken.add(name)
            slug = slugify(name.split(" ", 1)[1])
            taken_slugs.add(slug)
            establishments.append(Establishment(name=name, slug=slug, type=kind, description=f"A {kind} in {town}."))
        establishments = self.insert(Establishment, establishments)

        first_year = self.today.year - years + 1
        hmi, ofsted = self.inspectorates["hmi-prisons"], self.inspectorates["ofsted"]

        # Full inspections, one a year for each establishment, all published.
        fulls = []
        for establishment in establishments:
            for year in range(first_year, self.today.year):
                start = datetime.date(year, rng.randint(1, 10), rng.randint(1, 28))
                published_on = start + datetime.timedelta(days=rng.randint(70, 110))
                fulls.append(
                    Inspection(
                        establishment=establishment,
                        kind=InspectionKind.FULL,
                        slug=f"inspection-{year}",
                        title=f"Report on an unannounced inspection of {establishment.name}",
                        visit_start=start,
                        visit_end=start + datetime.timedelta(days=rng.randint(4, 12)),
                        year=year,
                        published_on=published_on,
                        era=full_inspection_era(published_on),
                        status=PublicationStatus.PUBLISHED,
                        population=rng.randint(200, 1800),
                        summary_signed_by="Charlie Taylor, HM Chief Inspector of Prisons",
                    )
                )
        fulls = self.insert(Inspection, fulls)

        # Reviews: each full inspection followed up about a year later; the latest year's
        # reviews partly drafts, partly embargoed (published with a date still to come).
        reviews = []
        for full in fulls:
            start = datetime.date(full.year + 1, rng.randint(1, 11), rng.randint(1, 28))
            published_on = start + datetime.timedelta(days=rng.randint(40, 80))
            status = PublicationStatus.PUBLISHED
            chance = rng.random()
            if published_on > self.today or chance < LATEST_EMBARGOED and start.year >= self.today.year:
                # Not out yet: an embargoed report, published with its date still to come.
                published_on = max(published_on, self.today + datetime.timedelta(days=rng.randint(1, 30)))
            elif start.year >= self.today.year and chance < LATEST_EMBARGOED + LATEST_DRAFTS:
                status = PublicationStatus.DRAFT
            if start > self.today:
                status, published_on = PublicationStatus.DRAFT, None
            reviews.append(
                Inspection(
                    establishment=full.establishment,
                    kind=InspectionKind.IRP,
                    slug=f"irp-{start.year}",
                    title=f"Independent review of progress at {full.establishment.name}",
                    follows_up=full,
                    visit_start=start,
                    visit_end=start + datetime.timedelta(days=rng.randint(1, 3)),
                    year=start.year,
                    published_on=published_on,
                    status=status,
                    published_at=timezone.now() if status == PublicationStatus.PUBLISHED else None,
                    population=full.population,
                    summary_signed_by="Charlie Taylor, HM Chief Inspector of Prisons",
                )
            )
        reviews = self.insert(Inspection, reviews)

        # Recommendations and themes; a fifth repeat an earlier one in the same area.
        recommendations = []
        earlier = {}  # (establishment id, area) → the latest recommendation made there
        for full in fulls:  # in order of establishment then year
            count = rng.randint(*RECOMMENDATIONS)
            if full.era == InspectionEra.CONCERNS:
                count = rng.randint(*KEY_CONCERNS)
            for position in range(1, count + 1):
                recommendations.append(self.made_at(full, hmi, position))
            for theme in range(1, rng.randint(*THEMES) + 1):
                recommendations.append(
                    Recommendation(
                        inspection=full,
                        inspectorate=ofsted,
                        kind=RecommendationKind.THEME,
                        theme_number=theme,
                        area=rng.choice(THEME_AREAS),
                        text=f"What progress have leaders made in {rng.choice(OBJECTS)}?",
                        position=count + theme,
                    )
                )
        # Inserted a year at a time, so a repeat can name the earlier recommendation's key.
        by_year = {}
        for recommendation in recommendations:
            by_year.setdefault(recommendation.inspection.year, []).append(recommendation)
        recommendations = []
        for year in sorted(by_year):
            for recommendation in by_year[year]:
                key = (recommendation.inspection.establishment_id, recommendation.area)
                if key in earlier and rng.random() < REPEATS:
                    recommendation.repeats = earlier[key]
            for recommendation in by_year[year]:
                earlier[(recommendation.inspection.establishment_id, recommendation.area)] = recommendation
            recommendations += self.insert(Recommendation, by_year[year])

        # Judgements: the review judges most of what the inspection it follows up recommended.
        review_of = {review.follows_up_id: review for review in reviews}
        made_at = {}
        for recommendation in recommendations:
            made_at.setdefault(recommendation.inspection_id, []).append(recommendation)
        followed_up = set()
        for made in made_at.values():
            hmi_made = [r for r in made if r.kind != RecommendationKind.THEME]
            followed_up.update(r.pk for r in rng.sample(hmi_made, min(len(hmi_made), rng.randint(*REVIEWED))))
            followed_up.update(r.pk for r in made if r.kind == RecommendationKind.THEME)
        judgements = []
        positions = {}
        for recommendation in recommendations:
            review = review_of[recommendation.inspection_id]
            if recommendation.pk not in followed_up:
                continue
            scale = self.levels[recommendation.inspectorate_id]
            position = positions[review.pk] = positions.get(review.pk, 0) + 1
            judgements.append(
                Judgement(
                    review=review,
                    recommendation=recommendation,
                    level=rng.choices(scale, weights=[len(scale) - abs(2 - n) for n in range(len(scale))])[0],
                    position=position,
                )
            )
        judgements = self.insert(Judgement, judgements)

        # Paragraphs: summary and key findings, evidence for each judgement, notable practice;
        # and the numbered paragraphs of each full inspection's report.
        paragraphs, notable = [], []
        by_review = {}
        for judgement in judgements:
            by_review.setdefault(judgement.review_id, []).append(judgement)
        for review in reviews:
            number = 0
            for part, section, count in ((ParagraphPart.SUMMARY, 1, 5), (ParagraphPart.KEY_FINDINGS, 2, 4)):
                for index in range(1, count + 1):
                    paragraphs.append(
                        Paragraph(
                            inspection=review,
                            number=f"{section}.{index}",
                            section=section,
                            index=index,
                            part=part,
                            text=self.paragraph_text(),
                        )
                    )
            for judgement in by_review.get(review.pk, []):
                for _ in range(rng.randint(*EVIDENCE)):
                    number += 1
                    paragraphs.append(
                        Paragraph(
                            inspection=review,
                            number=f"3.{number}",
                            section=3,
                            index=number,
                            part=ParagraphPart.EVIDENCE,
                            judgement=judgement,
                            text=self.paragraph_text(rng.randint(2, 4)),
                        )
                    )
            if rng.random() < 0.5:
                paragraphs.append(
                    Paragraph(
                        inspection=review,
                        number="2.9",
                        section=2,
                        index=9,
                        part=ParagraphPart.NOTABLE_PRACTICE,
                        text=self.paragraph_text(2),
                    )
                )
                notable.append(paragraphs[-1])
        for full in fulls:
            for index in range(1, REPORT_PARAGRAPHS + 1):
                section = 1 + index // 40
                paragraphs.append(
                    Paragraph(
                        inspection=full,
                        number=report_paragraph_number(index),
                        section=section,
                        index=index,
                        part=ParagraphPart.KEY_FINDINGS if section == 1 else ParagraphPart.SUMMARY,
                        text=self.paragraph_text(),
                    )
                )
        self.insert(Paragraph, notable)
        self.copy(Paragraph, [p for p in paragraphs if p.part != ParagraphPart.NOTABLE_PRACTICE])
        self.insert(NotablePractice, [NotablePractice(paragraph=p, title="Notable positive practice") for p in notable])

        # Healthy prison scores and the team, for each full inspection.
        self.insert(
            HealthyPrisonScore,
            [
                HealthyPrisonScore(
                    inspection=full,
                    test=test,
                    score=rng.randint(1, 4),
                    printed_as=fourth_test_name(full.year) if test == HealthyPrisonTest.REHABILITATION else "",
                )
                for full in fulls
                for test in HealthyPrisonTest
            ],
        )
        self.insert(
            TeamMember,
            [
                TeamMember(
                    inspection=inspection,
                    name=f"{rng.choice(['Sam', 'Alex', 'Jo', 'Chris', 'Priya', 'Amir'])} Inspector {n}",
                    role=role,
                    inspectorate=self.inspectorates[inspectorate],
                    position=n,
                )
                for inspection in [*fulls, *reviews]
                for n, (role, inspectorate) in enumerate(TEAM)
            ],
        )

        # The prison's side: action plans, responses, actions and their notes.
        self.insert(
            ActionPlan,
            [
                ActionPlan(inspection=full, published_at=timezone.now() if rng.random() < PLAN_PUBLISHED else None)
                for full in fulls
            ],
        )
        responses, actions = [], []
        now = timezone.now()
        for recommendation in recommendations:
            if rng.random() < RESPONDED:
                decision = rng.choices(list(ResponseDecision), weights=[80, 15, 5])[0]
                responses.append(
                    Response(
                        recommendation=recommendation,
                        decision=decision,
                        reason="" if decision == ResponseDecision.ACCEPTED else "Resources do not allow it this year.",
                    )
                )
            if rng.random() < WITH_ACTIONS:
                made = recommendation.inspection.visit_end
                for _ in range(rng.randint(1, 3)):
                    target = made + datetime.timedelta(days=rng.randint(30, 540)) if rng.random() < 0.85 else None
                    status = rng.choices(list(ActionStatus), weights=[25, 40, 30, 5])[0]
                    actions.append(
                        Action(
                            recommendation=recommendation,
                            description=f"{rng.choice(SUBJECTS)} will {rng.choice(OBJECTS).split(' ', 1)[1]}.",
                            owner=rng.choice(OWNERS),
                            target_date=target,
                            status=status,
                            dropped_reason="Replaced by a national programme."
                            if status == ActionStatus.DROPPED
                            else "",
                            created_at=now,
                            updated_at=now - datetime.timedelta(days=rng.randint(0, 90)),
                        )
                    )
        self.insert(Response, responses)
        actions = self.insert(Action, actions)
        self.insert(
            ProgressNote,
            [ProgressNote(action=action, text=self.finding(), noted_on=self.today) for action in actions[::2]],
        )

        # The one function that keeps the public's view of the judgements.
        public_data_changed(reviews=[review.pk for review in reviews])
        return self.counts
