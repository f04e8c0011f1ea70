"""GOV.UK pagination for every paged list (the public list, the leaders' dashboard and actions):
one rule for which page numbers to link, one template. Registered as the ``pagination`` library
in ``settings.TEMPLATES`` (``common`` is not an app, so Django does not find it by itself)."""

from django import template

register = template.Library()


def page_links(page):
    """Page numbers to link: first, last, and two either side of the current one; None where
    numbers are left out."""
    count = page.paginator.num_pages
    wanted = {1, count, *range(page.number - 2, page.number + 3)}
    links, previous = [], 0
    for number in sorted(n for n in wanted if 1 <= n <= count):
        if number - previous > 1:
            links.append(None)
        links.append(number)
        previous = number
    return links


@register.inclusion_tag("includes/pagination.html")
def pagination(page, label, query_string=""):
    """``{% pagination page_obj "Pages of results" query_string %}``: nothing when one page holds all."""
    return {
        "page_obj": page,
        "paginator": page.paginator,
        "page_links": page_links(page) if page.paginator.num_pages > 1 else [],
        "label": label,
        "query_string": query_string,
    }
