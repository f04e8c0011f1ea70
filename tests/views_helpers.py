"""Reading the public list as a reader would: the rows it shows."""

import re

ROW = re.compile(
    r'<li class="app-result">\s*<h3[^>]*><a class="govuk-link" href="(?P<url>[^"]+)">'
    r"(?P<area>[^<(]+?)(?: \((?P<label>[^)]*)\))?</a>"
)


def rows_of(response):
    """The recommendations a list page shows, in order, as dicts of url, area and label."""
    assert response.status_code in (200, 400), response.status_code
    return [match.groupdict() for match in ROW.finditer(response.content.decode())]
