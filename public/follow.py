"""What a page offers to follow: its Atom feeds (public/feeds.py), each with a title for a feed
reader, the words of its visible link and its address. The page's head announces them
(templates/public/includes/feed_alternates.html) and its "Follow" box links them
(templates/public/includes/follow_links.html)."""

from django.urls import reverse
from django.utils.translation import gettext


def feed(title, label, url):
    """A feed a page offers: its title (for a feed reader), the link's words, its address."""
    return {"title": title, "label": label, "url": url}


def home_feeds():
    return [
        feed(gettext("New reviews of progress"), gettext("New reviews of progress"), reverse("public:reviews-feed"))
    ]


def establishment_feeds(establishment):
    slug = {"slug": establishment.slug}
    return [
        feed(
            gettext("%(name)s: new reviews of progress") % {"name": establishment.name},
            gettext("New reviews"),
            reverse("public:establishment-reviews-feed", kwargs=slug),
        ),
        feed(
            gettext("%(name)s: changes to its action plans") % {"name": establishment.name},
            gettext("Changes to its action plans"),
            reverse("public:establishment-action-plan-feed", kwargs=slug),
        ),
    ]


def area_feeds(slug, area):
    return [
        feed(
            gettext("%(area)s: new judgements of progress") % {"area": area},
            gettext("New judgements"),
            reverse("public:area-feed", kwargs={"slug": slug}),
        )
    ]
