"""The one CSV writer behind every download (the public list, the leaders' action plan).

Every cell goes through ``spreadsheet_cell``: text that a spreadsheet would run as a formula
(starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is written with a leading
apostrophe, so that a recommendation or an action typed as ``=HYPERLINK(…)`` is shown, not run.
"""

import csv

from django.http import HttpResponse, StreamingHttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value):
    """``value`` as text a spreadsheet shows as it is and never runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _Echo:
    """A file-like object whose ``write`` hands the line back, for streaming."""

    def write(self, value):
        return value


def csv_response(filename, header, rows, *, stream=False):
    """A CSV download of ``header`` then ``rows`` (iterables of values), every cell guarded.

    With ``stream`` the rows are written as they are read (``StreamingHttpResponse``), so a
    download of every row starts at once and the process's memory does not grow with its size.
    """
    disposition = f'attachment; filename="{filename}"'
    if stream:
        writer = csv.writer(_Echo())

        def lines():
            yield writer.writerow([spreadsheet_cell(v) for v in header])
            for row in rows:
                yield writer.writerow([spreadsheet_cell(v) for v in row])

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        writer = csv.writer(response)
        writer.writerow([spreadsheet_cell(v) for v in header])
        writer.writerows([spreadsheet_cell(v) for v in row] for row in rows)
    response["Content-Disposition"] = disposition
    return response
