"""The public downloads' columns, each with its API field, meaning and values: one definition
that the CSV, the XLSX and the data dictionary page (/data-dictionary/) all read, so a column
is named, typed and explained in one place.

The CSV's columns and the API's v1 fields stay as they are (people's scripts depend on them);
where the two name one thing differently the dictionary says so side by side.
"""

from dataclasses import dataclass

from django.utils.text import slugify

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


def area_slug(area):
    """An area's slug, as in /compare/areas/<slug>/ and every filter: "Use of force" → use-of-force."""
    return slugify(area) or "-"


TEXT, INTEGER, DATE = ColumnKind.TEXT, ColumnKind.INTEGER, ColumnKind.DATE

RECOMMENDATIONS = [
    Field(
        Column("establishment", TEXT, 24),
        "establishment",
        "The establishment inspected.",
        "Its name, e.g. HMP Belmarsh. The API gives a link to the establishment, whose `name` this is "
        "and whose `slug` the `establishment` filter takes.",
    ),
    Field(
        Column("review", TEXT, 40),
        "latest_judgement.review",
        "The published review that gave the latest judgement.",
        "The review's title, else its kind and year; empty until a published review judges it. The API "
        "gives a link to the review (an inspection with `kind` irp).",
    ),
    Field(
        Column("inspectorate", TEXT, 14),
        "inspectorate",
        "The inspectorate that made the recommendation and judges it, on its own scale.",
        "Its short name here (HMI Prisons, Ofsted); its slug in the API and the filters (hmi-prisons, ofsted).",
        "inspectorates",
    ),
    Field(
        Column("kind", TEXT, 15),
        "kind",
        "A recommendation, or an Ofsted theme (a question about education, skills and work).",
        "`recommendation` or `theme`.",
    ),
    Field(
        Column("area", TEXT, 32),
        "area",
        "The report's heading the recommendation sits under.",
        "Its label, e.g. Use of force. Filters take its slug (use-of-force).",
        "areas",
    ),
    Field(
        Column("reference", TEXT, 11),
        "reference",
        "The paragraph of the full inspection report that makes the recommendation.",
        "As printed, e.g. 1.39 or 1.40 (text, never a number: 1.40 is not 1.4); empty for a theme.",
    ),
    Field(
        Column("recommendation", TEXT, 70),
        "text",
        "What the inspectorate recommended, or the theme's question.",
        "The report's words.",
    ),
    Field(
        Column("judgement", TEXT, 24),
        "latest_judgement.label",
        "The latest published judgement of progress on it.",
        "A level of its inspectorate's scale, e.g. No meaningful progress (the API's "
        "`latest_judgement.level` is its slug, no-meaningful-progress); empty until a published review judges it.",
        "judgements",
    ),
    Field(
        Column("theme_number", INTEGER, 13),
        "theme_number",
        "A theme's number in the report.",
        "A whole number (Theme 2 → 2); empty for a recommendation.",
    ),
    Field(
        Column("concern", TEXT, 70),
        "concern",
        "The concern that led to the recommendation.",
        "The report's words; may be empty.",
    ),
    Field(
        Column("inspected", INTEGER, 10),
        "year",
        "The year of the inspection that made the recommendation.",
        "A year, e.g. 2021 (the `year` filter takes it).",
    ),
    Field(
        Column("review_published_on", DATE, 19),
        "latest_judgement.review → published_on",
        "When the review that gave the latest judgement was published.",
        "A date, 2022-04-26, or the month only, 2022-04, when the report gives no day (in the XLSX a real "
        "date, shown the same way); empty until a published review judges it.",
    ),
    Field(
        Column("url", TEXT, 45),
        "web_url",
        "The recommendation's page on this site.",
        "An absolute URL.",
    ),
    Field(
        Column("priority", TEXT, 9),
        "priority",
        "Whether the full inspection named it a priority.",
        "yes or no (true or false in the API).",
    ),
    Field(
        Column("followed_up", TEXT, 12),
        "followed_up",
        "Whether a published review has judged it.",
        "yes or no (true or false in the API); the `followed_up` filter takes yes or no.",
    ),
]


def _compare_fields(group):
    name, api, meaning, values, anchor = group
    return [
        Field(Column(name, INTEGER if name == "year_of_review" else TEXT, 28), api, meaning, values, anchor),
        Field(
            Column("inspectorate", TEXT, 14),
            "inspectorate",
            "The inspectorate whose scale the row counts (scales are never added together).",
            "Its short name (HMI Prisons, Ofsted); its slug in the API.",
            "inspectorates",
        ),
        Field(
            Column("level", TEXT, 24),
            "level.label",
            "A level of that inspectorate's scale.",
            "Its label, e.g. Reasonable progress (the API's `level.slug` is reasonable-progress).",
            "judgements",
        ),
        Field(
            Column("rank", INTEGER, 6),
            "level.rank",
            "Where the level sits on its scale.",
            "1 is the lowest; each scale has its own top (HMI Prisons 4, Ofsted 3).",
        ),
        Field(
            Column("judgements", INTEGER, 12),
            "",
            "How many published judgements are at this level.",
            "A count: by default at each establishment's latest review; with a year, at every review of that year. "
            "The API gives the judgements themselves (/api/v1/judgements/).",
        ),
        Field(
            Column("repeated_concerns", INTEGER, 19),
            "repeats",
            "How many of the row's judgements are of a recommendation that repeats an earlier one.",
            "A count, for the whole row (the same on each level's line). In the API, a recommendation's `repeats` "
            "links the earlier one.",
        ),
        Field(
            Column("not_followed_up", INTEGER, 16),
            "followed_up",
            "How many recommendations and key concerns of the row's inspections no published review has judged.",
            "A count, for the whole row (the same on each level's line), never part of `judgements`. In the API, "
            "`?followed_up=no` lists them.",
        ),
    ]


COMPARE_GROUPS = {
    "areas": (
        "area",
        "recommendation.area",
        "The report's heading the judged recommendations sit under.",
        "Its label, e.g. Use of force; the area's page is /compare/areas/<slug>/.",
        "areas",
    ),
    "types": (
        "establishment_type",
        "establishment.type_label",
        "The kind of establishment reviewed.",
        "Its label, e.g. Prison (the API's `type` is its slug, prison).",
        "types",
    ),
    "years": (
        "year_of_review",
        "inspection.year",
        "The year of the review.",
        "A year, e.g. 2022.",
        "",
    ),
}
COMPARE = {table: _compare_fields(group) for table, group in COMPARE_GROUPS.items()}

AREA = [
    Field(Column("establishment", TEXT, 24), "establishment", "The establishment.", "Its name."),
    Field(
        Column("type", TEXT, 24),
        "establishment.type_label",
        "The kind of establishment.",
        "Its label, e.g. Prison (the API's `type` is its slug).",
        "types",
    ),
    Field(
        Column("inspectorate", TEXT, 14),
        "inspectorate",
        "The inspectorate that made the recommendation.",
        "Its short name; its slug in the API.",
        "inspectorates",
    ),
    Field(
        Column("reference", TEXT, 11),
        "label",
        "How the report refers to the recommendation.",
        "1.39 for a recommendation (text, never a number), Theme 2 for a theme.",
    ),
    Field(Column("recommendation", TEXT, 70), "text", "What was recommended.", "The report's words."),
    Field(
        Column("judgement", TEXT, 24),
        "latest_judgement.label",
        "The latest published judgement.",
        "A level's label.",
        "judgements",
    ),
    Field(Column("rank", INTEGER, 6), "latest_judgement.rank", "The judgement's rank on its scale.", "1 is lowest."),
    Field(Column("top_rank", INTEGER, 9), "", "The rank of the top of the scale.", "HMI Prisons 4, Ofsted 3."),
    Field(
        Column("review", TEXT, 45),
        "latest_judgement.review → web_url",
        "The review that gave the judgement.",
        "The review's page on this site (an absolute URL).",
    ),
    Field(
        Column("repeats_earlier", TEXT, 15),
        "repeats",
        "Whether the recommendation repeats one made at an earlier inspection.",
        "`yes`, or empty.",
    ),
    Field(Column("url", TEXT, 45), "web_url", "The recommendation's page on this site.", "An absolute URL."),
]


def columns(fields):
    return [field.column for field in fields]


def names(fields):
    return [field.name for field in fields]
