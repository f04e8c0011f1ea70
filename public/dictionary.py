"""The public downloads' columns, each with its API field, meaning and values: one definition
that the CSV, the XLSX and the data dictionary page (/data-dictionary/) all read, so a column
is named, typed and explained in one place.

The CSV's columns and the API's v1 fields stay as they are (people's scripts depend on them);
where the two name one thing differently the dictionary says so side by side. An API field is a
path in an item of the download's API resource: ``a.b`` is a field inside an object, ``a → b`` a
field of the resource that ``a`` links to (tests/test_downloads.py follows every path).
"""

from dataclasses import dataclass

from django.utils.functional import lazy
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from common.downloads import Column, ColumnKind


@dataclass(frozen=True)
class Field:
    column: Column
    api: str  # the API field holding the same thing ("" where the API has none)
    meaning: str
    values: str
    values_anchor: str = ""  # the dictionary's list of allowed values, when it has one

    @property
    def name(self):
        return self.column.name


def _put(message, names):
    return str(message) % names


_put_lazy = lazy(_put, str)


def with_names(message, **names):
    """``message`` translated, then the machine names put in its ``%(placeholders)s``: a column,
    a field, a slug or a path no language changes, which the translator sees only as a
    placeholder. A name written `so` is shown as code on the page."""
    return _put_lazy(message, names)


def code(name):
    return f"`{name}`"


def area_slug(area):
    """An area's slug, as in /compare/areas/<slug>/ and every filter: "Use of force" → use-of-force."""
    return slugify(area) or "-"


TEXT, INTEGER, DATE = ColumnKind.TEXT, ColumnKind.INTEGER, ColumnKind.DATE
# The values the files and the API write for a yes-or-no column: data, in every language.
YES_NO = {"yes": "yes", "no": "no", "true": "true", "false": "false"}

RECOMMENDATIONS = [
    Field(
        Column("establishment", TEXT, 24),
        "establishment",
        _("The establishment inspected."),
        with_names(
            _(
                "Its name, e.g. HMP Belmarsh. The API gives a link to the establishment, whose %(name)s this is "
                "and whose %(slug)s the %(filter)s filter takes."
            ),
            name=code("name"),
            slug=code("slug"),
            filter=code("establishment"),
        ),
    ),
    Field(
        Column("review", TEXT, 40),
        "latest_judgement.review",
        _("The published review that gave the latest judgement."),
        with_names(
            _(
                "The review's title, else its kind and year; empty until a published review judges it. The API "
                "gives a link to the review (an inspection with %(kind)s %(irp)s)."
            ),
            kind=code("kind"),
            irp="irp",
        ),
    ),
    Field(
        Column("inspectorate", TEXT, 14),
        "inspectorate",
        _("The inspectorate that made the recommendation and judges it, on its own scale."),
        with_names(
            _("Its short name here (HMI Prisons, Ofsted); its slug in the API and the filters (%(slugs)s)."),
            slugs="hmi-prisons, ofsted",
        ),
        "inspectorates",
    ),
    Field(
        Column("kind", TEXT, 15),
        "kind",
        _("A recommendation, or an Ofsted theme (a question about education, skills and work)."),
        with_names(_("%(recommendation)s or %(theme)s."), recommendation=code("recommendation"), theme=code("theme")),
    ),
    Field(
        Column("area", TEXT, 32),
        "area",
        _("The report's heading the recommendation sits under."),
        _("Its label, e.g. Use of force. Filters take its slug (use-of-force)."),
        "areas",
    ),
    Field(
        Column("reference", TEXT, 11),
        "reference",
        _("The paragraph of the full inspection report that makes the recommendation."),
        _("As printed, e.g. 1.39 or 1.40 (text, never a number: 1.40 is not 1.4); empty for a theme."),
    ),
    Field(
        Column("recommendation", TEXT, 70),
        "text",
        _("What the inspectorate recommended, or the theme's question."),
        _("The report's words."),
    ),
    Field(
        Column("judgement", TEXT, 24),
        "latest_judgement.label",
        _("The latest published judgement of progress on it."),
        with_names(
            _(
                "A level of its inspectorate's scale, e.g. No meaningful progress (the API's "
                "%(field)s is its slug, %(slug)s); empty until a published review judges it."
            ),
            field=code("latest_judgement.level"),
            slug="no-meaningful-progress",
        ),
        "judgements",
    ),
    Field(
        Column("theme_number", INTEGER, 13),
        "theme_number",
        _("A theme's number in the report."),
        _("A whole number (Theme 2 → 2); empty for a recommendation."),
    ),
    Field(
        Column("concern", TEXT, 70),
        "concern",
        _("The concern that led to the recommendation."),
        _("The report's words; may be empty."),
    ),
    Field(
        Column("inspected", INTEGER, 10),
        "year",
        _("The year of the inspection that made the recommendation."),
        with_names(_("A year, e.g. 2021 (the %(filter)s filter takes it)."), filter=code("year")),
    ),
    Field(
        Column("review_published_on", DATE, 19),
        "latest_judgement.review → published_on",
        _("When the review that gave the latest judgement was published."),
        with_names(
            _(
                "A date, %(date)s, or the month only, %(month)s, when the report gives no day (in the XLSX a real "
                "date, shown the same way); empty until a published review judges it."
            ),
            date="2022-04-26",
            month="2022-04",
        ),
    ),
    Field(
        Column("url", TEXT, 45),
        "web_url",
        _("The recommendation's page on this site."),
        _("An absolute URL."),
    ),
    Field(
        Column("priority", TEXT, 9),
        "priority",
        _("Whether the full inspection named it a priority."),
        with_names(_("%(yes)s or %(no)s (%(true)s or %(false)s in the API)."), **YES_NO),
    ),
    Field(
        Column("followed_up", TEXT, 12),
        "followed_up",
        _("Whether a published review has judged it."),
        with_names(
            _("%(yes)s or %(no)s (%(true)s or %(false)s in the API); the %(filter)s filter takes %(yes)s or %(no)s."),
            filter=code("followed_up"),
            **YES_NO,
        ),
    ),
    Field(
        Column("follow_up", TEXT, 20),
        "follow_up",
        _("What became of it, in the words the pages use."),
        _(
            "followed_up (a published review judged it: “Followed up by a review”), to_be_followed_up (no "
            "published review of its inspection yet: “To be followed up”) or not_followed_up (a published review "
            "of its inspection left it out: “Not followed up by a review”)."
        ),
    ),
]


def _compare_fields(group):
    name, api, meaning, values, anchor = group
    return [
        Field(Column(name, INTEGER if name == "year_of_review" else TEXT, 28), api, meaning, values, anchor),
        Field(
            Column("inspectorate", TEXT, 14),
            "inspectorate",
            _("The inspectorate whose scale the row counts (scales are never added together)."),
            _("Its short name (HMI Prisons, Ofsted); its slug in the API."),
            "inspectorates",
        ),
        Field(
            Column("level", TEXT, 24),
            "level.label",
            _("A level of that inspectorate's scale."),
            with_names(
                _("Its label, e.g. Reasonable progress (the API's %(field)s is %(slug)s)."),
                field=code("level.slug"),
                slug="reasonable-progress",
            ),
            "judgements",
        ),
        Field(
            Column("rank", INTEGER, 6),
            "level.rank",
            _("Where the level sits on its scale."),
            _("1 is the lowest; each scale has its own top (HMI Prisons 4, Ofsted 3)."),
        ),
        Field(
            Column("judgements", INTEGER, 12),
            "",
            _("How many published judgements are at this level."),
            with_names(
                _(
                    "A count: by default at each establishment's latest review; with a year, at every review of that "
                    "year. The API gives the judgements themselves (%(path)s)."
                ),
                path="/api/v1/judgements/",
            ),
        ),
        Field(
            Column("repeated_concerns", INTEGER, 19),
            "recommendation → repeats",
            _("How many of the row's judgements are of a recommendation that repeats an earlier one."),
            with_names(
                _(
                    "A count, for the whole row (the same on each level's line). In the API, a recommendation's "
                    "%(field)s links the earlier one."
                ),
                field=code("repeats"),
            ),
        ),
        Field(
            Column("not_followed_up", INTEGER, 16),
            "",
            _("How many recommendations and key concerns of the row's inspections no published review has judged."),
            with_names(
                _(
                    "A count, for the whole row (the same on each level's line), never part of %(column)s. In the API, "
                    "%(query)s lists them."
                ),
                column=code("judgements"),
                query=code("?followed_up=no"),
            ),
        ),
    ]


COMPARE_GROUPS = {
    "areas": (
        "area",
        "recommendation → area",
        _("The report's heading the judged recommendations sit under."),
        with_names(_("Its label, e.g. Use of force; the area's page is %(path)s."), path="/compare/areas/<slug>/"),
        "areas",
    ),
    "types": (
        "establishment_type",
        "review → establishment → type_label",
        _("The kind of establishment reviewed."),
        with_names(
            _("Its label, e.g. Prison (the API's %(field)s is its slug, %(slug)s)."), field=code("type"), slug="prison"
        ),
        "types",
    ),
    "years": (
        "year_of_review",
        "review → year",
        _("The year of the review."),
        _("A year, e.g. 2022."),
        "",
    ),
}
COMPARE = {table: _compare_fields(group) for table, group in COMPARE_GROUPS.items()}

AREA = [
    Field(Column("establishment", TEXT, 24), "establishment → name", _("The establishment."), _("Its name.")),
    Field(
        Column("type", TEXT, 24),
        "establishment → type_label",
        _("The kind of establishment."),
        with_names(_("Its label, e.g. Prison (the API's %(field)s is its slug)."), field=code("type")),
        "types",
    ),
    Field(
        Column("inspectorate", TEXT, 14),
        "inspectorate",
        _("The inspectorate that made the recommendation."),
        _("Its short name; its slug in the API."),
        "inspectorates",
    ),
    Field(
        Column("reference", TEXT, 11),
        "label",
        _("How the report refers to the recommendation."),
        _("1.39 for a recommendation (text, never a number), Theme 2 for a theme."),
    ),
    Field(Column("recommendation", TEXT, 70), "text", _("What was recommended."), _("The report's words.")),
    Field(
        Column("judgement", TEXT, 24),
        "latest_judgement.label",
        _("The latest published judgement."),
        _("A level's label."),
        "judgements",
    ),
    Field(
        Column("rank", INTEGER, 6), "latest_judgement.rank", _("The judgement's rank on its scale."), _("1 is lowest.")
    ),
    Field(Column("top_rank", INTEGER, 9), "", _("The rank of the top of the scale."), _("HMI Prisons 4, Ofsted 3.")),
    Field(
        Column("review", TEXT, 45),
        "latest_judgement.review → web_url",
        _("The review that gave the judgement."),
        _("The review's page on this site (an absolute URL)."),
    ),
    Field(
        Column("repeats_earlier", TEXT, 15),
        "repeats",
        _("Whether the recommendation repeats one made at an earlier inspection."),
        with_names(_("%(yes)s, or empty."), yes=code("yes")),
    ),
    Field(Column("url", TEXT, 45), "web_url", _("The recommendation's page on this site."), _("An absolute URL.")),
]


def columns(fields):
    return [field.column for field in fields]


def names(fields):
    return [field.name for field in fields]
