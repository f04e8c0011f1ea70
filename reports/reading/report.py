"""What a report says, as plain data: the dataclasses a grammar returns and the importer writes."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from reports.reading.lines import Furniture


@dataclass
class Paragraph:
    number: str
    text: str
    line: int

    @property
    def section(self) -> int:
        return int(self.number.split(".")[0])

    @property
    def index(self) -> int:
        return int(self.number.split(".")[1])


@dataclass
class ScaleLevel:
    label: str
    definition: str
    line: int


@dataclass
class Recommendation:
    """A recommendation (HMI Prisons) or a theme (Ofsted, Estyn…) followed up in Section 3."""

    kind: str  # "recommendation" or "theme"
    inspectorate: str
    area: str
    concern: str
    text: str
    reference: str  # e.g. "1.39"; "" for a theme
    theme_number: int | None
    position: int
    line: int
    evidence: list[Paragraph] = field(default_factory=list)
    level: str = ""  # the closing judgement of Section 3, e.g. "Reasonable progress"
    level_line: int = 0
    summary_text: str = ""  # as Section 4 lists it
    summary_level: str = ""
    summary_line: int = 0
    area_see_glossary: bool = False  # the area is printed with "(see Glossary)"

    @property
    def label(self) -> str:
        return f"Theme {self.theme_number}" if self.kind == "theme" else self.reference


@dataclass
class StatedCount:
    inspectorate: str
    label: str
    count: int
    line: int


@dataclass
class TeamMember:
    name: str
    role: str
    inspectorate: str
    line: int


@dataclass
class GlossaryTerm:
    term: str
    definition: str
    line: int


@dataclass
class Introduction:
    """What an inspectorate says about its part of Section 3 (e.g. Ofsted on where themes come from)."""

    inspectorate: str
    text: str
    line: int


@dataclass
class Report:
    establishment: str
    title: str
    summary: list[Paragraph]
    signed_by: str
    published_text: str  # "April 2022", as printed under the summary
    published_on: datetime.date
    published_month_only: bool  # the report prints a month, not a day: published_on is its 1st
    key_findings: list[Paragraph]
    notable_practice: list[Paragraph]
    stated_counts: list[StatedCount]
    recommendations: list[Recommendation]
    team: list[TeamMember]
    scales: dict[str, list[ScaleLevel]]
    full_inspection_period: str  # "July–August 2021"
    full_inspection_year: int
    visit_start: datetime.date | None = None
    visit_end: datetime.date | None = None
    population: int | None = None
    glossary: list[GlossaryTerm] = field(default_factory=list)
    introductions: list[Introduction] = field(default_factory=list)
    furniture: list[Furniture] = field(default_factory=list)  # the page furniture dropped, named

    @property
    def review_year(self) -> int:
        return (self.visit_start or self.published_on).year

    @property
    def evidence(self) -> list[Paragraph]:
        return [p for r in self.recommendations for p in r.evidence]

    def level_counts(self, inspectorate: str) -> dict[str, int]:
        counts: dict[str, int] = {}
        for item in self.recommendations:
            if item.inspectorate == inspectorate:
                counts[item.level] = counts.get(item.level, 0) + 1
        return counts
