"""A review's glossary on its page: the entries (one query), and an area printed with
"(see Glossary)" in the report linked to its entry."""

from dataclasses import dataclass, field

from django import template
from django.utils.html import format_html

from findings.models import GlossaryEntry

register = template.Library()


@dataclass
class Glossary:
    entries: list = field(default_factory=list)

    @property
    def anchors(self):
        return {entry.term.lower(): entry.anchor for entry in self.entries if entry.see_from_area}


@register.simple_tag
def review_glossary(review):
    """The glossary of ``review``, in the report's order."""
    return Glossary(list(GlossaryEntry.objects.filter(review=review)))


@register.simple_tag
def area_with_glossary(area, glossary):
    """The area as printed: with "(see Glossary)", linking to the entry, where the report printed it."""
    anchor = glossary.anchors.get((area or "").lower()) if glossary else None
    if not anchor:
        return area
    return format_html(
        '{} <span class="app-see-glossary">(<a class="govuk-link" href="#{}">see Glossary</a>)</span>', area, anchor
    )
