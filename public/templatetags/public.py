"""Small template helpers of the public pages: paragraph anchors and links. (The judgement tag
is ``findings.templatetags.judgements``, shared with the leaders' pages.)"""

import re

from django import template
from django.template.defaultfilters import stringfilter
from django.utils.html import escape
from django.utils.safestring import mark_safe

from recommendations.models import HEALTHY_PRISON_SCORES

register = template.Library()

# "see paragraph 3.5", "(See paragraph 3.5.)", "paragraph 3.7", "paragraphs 3.7": the number is
# a section and a paragraph; a full stop after it ends the sentence and is not part of it.
PARAGRAPH_REFERENCE = re.compile(r"\b(paragraphs?\s+)(\d{1,2})\.(\d{1,3})\b", re.IGNORECASE)


def paragraph_anchor(number):
    """The id a paragraph carries on its review page: 3.9 → paragraph-3-9."""
    return "paragraph-" + str(number).replace(".", "-")


@register.filter
def anchor(number):
    return paragraph_anchor(number)


@register.filter(needs_autoescape=False)
def paragraph_links(text, page_url=""):
    """Escapes ``text`` and turns "paragraph 3.5" into a link to that paragraph of the review.

    ``page_url`` is the review page's address when the text is shown on another page; on the
    review page itself the link is the fragment alone.
    """
    escaped = str(escape(text or ""))

    def link(match):
        words, section, index = match.groups()
        href = f"{escape(page_url)}#paragraph-{section}-{index}"
        return f'<a class="govuk-link" href="{href}">{words}{section}.{index}</a>'

    return mark_safe(PARAGRAPH_REFERENCE.sub(link, escaped))


@register.filter
def healthy_prison_meaning(score):
    """What a healthy prison score (1–4) means, in the inspectorate's words."""
    return HEALTHY_PRISON_SCORES.get(score, "")


CODE_SPAN = re.compile(r"`([^`]+)`")


@register.filter
@stringfilter
def code_spans(text):
    """The data dictionary's `field` names as code: the text escaped, each `…` a <code>."""
    return mark_safe(CODE_SPAN.sub(r"<code>\1</code>", escape(text)))
