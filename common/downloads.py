"""The one writer behind every download (the public list, the comparison's tables, the leaders'
action plan): the same rows as CSV or as an Excel workbook (XLSX).

- **CSV** starts with a UTF-8 byte-order mark, so Excel reads curly apostrophes and accents as
  they are, and every cell goes through ``spreadsheet_cell``: text that a spreadsheet would run
  as a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is written
  with a leading apostrophe, so that a recommendation or an action typed as ``=HYPERLINK(…)`` is
  shown, not run.
- **XLSX** (openpyxl) types each cell by its ``Column``: references and other text are text cells
  (``1.40`` stays ``1.40``, never the number 1.4), dates are real dates, counts are numbers; text
  that looks like a formula is a text cell marked to stay text when edited (no apostrophe is
  added: the cell holds exactly what the report says). The header row is bold and frozen, each
  column has a width and a filter.

A download's rows are typed Python values (``str``, ``int``, ``datetime.date``, ``MonthDate``,
``None``); each format writes them its own way.
"""

import csv
import datetime
import re
import tempfile
from dataclasses import dataclass

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils.text import slugify
from django.utils.translation import gettext_noop

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Characters an XLSX file cannot hold (control characters other than tab, newline and return):
# shown as the replacement character rather than dropped.
ILLEGAL_IN_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class ColumnKind:
    # Marked for the catalogue: the data dictionary names each column's kind in words.
    TEXT = gettext_noop("text")
    INTEGER = gettext_noop("integer")
    DATE = gettext_noop("date")


@dataclass(frozen=True)
class Column:
    """One column of a download: its name (the CSV's header, the XLSX's too), what its cells
    hold and how wide it is in a spreadsheet (in characters)."""

    name: str
    kind: str = ColumnKind.TEXT
    width: int = 20


@dataclass(frozen=True)
class MonthDate:
    """A date the report gives to the month only ("April 2022"): ``2022-04`` in a CSV; in a
    spreadsheet the real date of the month's first day, shown as ``2022-04``."""

    first_day: datetime.date

    def __str__(self):
        return self.first_day.isoformat()[:7]


def spreadsheet_cell(value):
    """``value`` as text a spreadsheet shows as it is and never runs as a formula."""
    text = as_text(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def as_text(value):
    """How a typed value reads in a CSV: nothing for None, ISO 8601 for dates."""
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def download_name(what, parts, today):
    """A file name (without its extension) that says what it holds: ``what``, each filter in
    force (slugged, in the order given) and the day it was made, e.g.
    ``recommendations-belmarsh-no-meaningful-progress-2026-12-04``."""
    words = [slugify(str(part))[:40].strip("-") for part in parts if part not in (None, "")]
    return "-".join([what, *[word for word in words if word], today.isoformat()])


class _Echo:
    """A file-like object whose ``write`` hands the line back, for streaming."""

    def write(self, value):
        return value


def _names(columns):
    return [column.name if isinstance(column, Column) else column for column in columns]


def csv_response(filename, header, rows, *, stream=False):
    """A CSV download of ``header`` (names or ``Column``) then ``rows``, every cell guarded,
    starting with a UTF-8 byte-order mark.

    With ``stream`` the rows are written as they are read (``StreamingHttpResponse``), so a
    download of every row starts at once and the process's memory does not grow with its size.
    """
    names = _names(header)
    disposition = f'attachment; filename="{filename}"'
    if stream:
        writer = csv.writer(_Echo())

        def lines():
            yield BOM + writer.writerow([spreadsheet_cell(v) for v in names])
            for row in rows:
                yield writer.writerow([spreadsheet_cell(v) for v in row])

        response = StreamingHttpResponse(lines(), content_type=CSV_TYPE)
    else:
        response = HttpResponse(content_type=CSV_TYPE)
        response.write(BOM)
        writer = csv.writer(response)
        writer.writerow([spreadsheet_cell(v) for v in names])
        writer.writerows([spreadsheet_cell(v) for v in row] for row in rows)
    response["Content-Disposition"] = disposition
    return response


def xlsx_response(filename, columns, rows, *, sheet_title="Data"):
    """An Excel workbook of ``columns`` (``Column``) then ``rows``, one sheet, cells typed by
    their column. Written in openpyxl's write-only mode to a temporary file, so memory stays
    flat whatever the number of rows; the file is sent as it is read back."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    columns = [column if isinstance(column, Column) else Column(column) for column in columns]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=re.sub(r"[\[\]:*?/\\]", " ", sheet_title)[:31] or "Data")
    # Set before the first row: a write-only sheet writes its layout first.
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    bold = Font(bold=True)

    def header_cell(name):
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        cell.data_type = "s"
        return cell

    sheet.append([header_cell(column.name) for column in columns])
    count = 0
    for row in rows:
        sheet.append(
            [_xlsx_cell(WriteOnlyCell, sheet, column, value) for column, value in zip(columns, row, strict=True)]
        )
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"
    file = tempfile.TemporaryFile()
    workbook.save(file)
    file.seek(0)
    return FileResponse(file, as_attachment=True, filename=filename, content_type=XLSX_TYPE)


def _xlsx_cell(make, sheet, column, value):
    """A value as openpyxl writes it: plain text and numbers as they are (openpyxl never reads a
    ``str`` as a number, so "1.40" stays text), a cell object only where a cell needs more (a
    date's format, text that would otherwise be taken for a formula). Plain values keep a
    national download (100,000 rows) to seconds rather than minutes."""
    if value is None or value == "":
        return None
    if column.kind == ColumnKind.INTEGER and isinstance(value, int):
        return value
    if column.kind == ColumnKind.DATE:
        if isinstance(value, MonthDate):
            cell = make(sheet, value=value.first_day)
            cell.number_format = "yyyy-mm"
            return cell
        if isinstance(value, datetime.date):
            cell = make(sheet, value=value)
            cell.number_format = "yyyy-mm-dd"
            return cell
    text = as_text(value)
    if ILLEGAL_IN_XLSX.search(text):
        text = ILLEGAL_IN_XLSX.sub("\ufffd", text)
    if not text.startswith(FORMULA_STARTS):
        return text
    # Text that starts like a formula: a text cell all the same, holding exactly the report's
    # words, marked to stay text when someone edits it.
    cell = make(sheet, value=text)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def download_response(fmt, filename_stem, columns, rows, *, sheet_title="Data", stream=False):
    """The same rows as ``csv`` or ``xlsx``: the one place a download picks its writer."""
    if fmt == "xlsx":
        return xlsx_response(f"{filename_stem}.xlsx", columns, rows, sheet_title=sheet_title)
    return csv_response(f"{filename_stem}.csv", columns, rows, stream=stream)
