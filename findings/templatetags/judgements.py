"""The judgement tag: its colour comes from where the level sits on its own scale
(``findings.models.standing``), the same on the public and the leaders' pages."""

from django import template

from findings.models import standing

register = template.Library()


@register.simple_tag
def judgement_class(rank, top):
    """``app-judgement--<standing>`` for a level of ``rank`` on a scale topped by ``top``."""
    return f"app-judgement--{standing(rank, top)}"


@register.inclusion_tag("includes/judgement_tag.html")
def judgement_tag(label, rank, top):
    """A judgement as a coloured tag; "Not yet judged" without a label."""
    return {"label": label, "css_class": judgement_class(rank, top)}
