"""Small review data for the API's tests: one public review, one draft, one embargoed."""

import datetime

from django.utils import timezone

from findings.models import NotablePractice, Paragraph, ParagraphPart
from recommendations.models import Establishment, PublicationStatus

PUBLIC = "HMP Belmarsh"
HIDDEN = ("HMP Wandsworth", "HMP Pentonville")


def tomorrow():
    return timezone.localdate() + datetime.timedelta(days=1)


def build(make_review):
    """Belmarsh's review is public (with notable practice); Wandsworth's is a draft;
    Pentonville's is published but embargoed until tomorrow, its inspection too."""
    belmarsh, _ = Establishment.objects.get_or_create(slug="belmarsh", defaults={"name": "HMP Belmarsh"})
    wandsworth = Establishment.objects.create(name="HMP Wandsworth", slug="wandsworth")
    pentonville = Establishment.objects.create(name="HMP Pentonville", slug="pentonville")
    public = make_review(belmarsh, [("hmi-prisons", "good-progress"), ("ofsted", "insufficient-progress")])
    paragraph = Paragraph.objects.create(
        inspection=public, number="2.6", part=ParagraphPart.NOTABLE_PRACTICE, text="A good team."
    )
    NotablePractice.objects.create(paragraph=paragraph, title="Conflict resolution team")
    draft = make_review(wandsworth, [("hmi-prisons", "no-meaningful-progress")], status=PublicationStatus.DRAFT)
    embargoed = make_review(pentonville, [("hmi-prisons", "no-meaningful-progress")], published_on=tomorrow())
    inspection = embargoed.follows_up
    inspection.published_on = tomorrow()
    inspection.save()
    return public, draft, embargoed
