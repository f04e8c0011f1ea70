"""The judgement tag: its colour comes from where the level sits on its own scale
(``findings.models.standing``), the same on the public and the leaders' pages."""

from django import template

from findings.models import FollowUp, standing

register = template.Library()


@register.simple_tag
def judgement_class(rank, top):
    """``app-judgement--<standing>`` for a level of ``rank`` on a scale topped by ``top``."""
    return f"app-judgement--{standing(rank, top)}"


@register.inclusion_tag("includes/judgement_tag.html")
def judgement_tag(label, rank, top, follow_up=None):
    """A judgement as a coloured tag; without a label, what became of the recommendation in
    ``FollowUp``'s words ("To be followed up", "Not followed up by a review"), from the
    ``follow_up`` that ``with_latest_judgement`` gives every recommendation."""
    if not label and follow_up in FollowUp.values and follow_up != FollowUp.FOLLOWED_UP:
        return {
            "label": FollowUp(follow_up).label,
            "css_class": f"app-fate app-fate--{follow_up.replace('_', '-')} govuk-tag--grey",
        }
    return {"label": label, "css_class": judgement_class(rank, top)}
