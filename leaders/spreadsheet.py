"""The action plan as a spreadsheet: written as XLSX or CSV, read back from either.

Written with openpyxl directly (not django-import-export): the round trip is not a model's
rows in and out. One row is a recommendation's response *and* one of its actions, a change
goes through ``recommendations.actions`` (a moved date needs a reason, done needs a note,
dropped a reason, each under the action's version lock), and the preview has to say, per cell,
old → new, and why a row is refused. import-export's resources map rows to one model and save
through ``save()``; every part of it would have been overridden. openpyxl also gives what the
file needs: data validation lists, date cells, text-formatted cells and a hidden column.

Reading never evaluates anything: a formula cell is read as its text (``=A1*2``), a file over
``MAX_BYTES`` or ``MAX_ROWS`` is refused before its rows are read, and an XLSX whose parts would
unpack to more than ``MAX_UNPACKED_BYTES`` (a "zip bomb") is refused unopened. XML is parsed
through defusedxml (openpyxl uses it when installed).
"""

import csv
import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field

from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_noop

from common.downloads import FORMULA_STARTS
from leaders.forms import MONTHS
from recommendations.models import TEXT_LIMITS, ActionStatus, ResponseDecision

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 2_000
MAX_UNPACKED_BYTES = 60 * 1024 * 1024
SHEET_TITLE = gettext_noop("Action plan")

# (key, header, width, editable). The headers are what the file shows and what an upload is
# matched by; the order is the download's. A download writes them in the reader's language
# (``gettext``); an upload is matched in that language or in English, so a file downloaded in
# one language reads back in the other.
COLUMNS = [
    ("inspection", gettext_noop("Inspection"), 16, False),
    ("reference", gettext_noop("Reference"), 11, False),
    ("area", gettext_noop("Area"), 22, False),
    ("recommendation", gettext_noop("Recommendation"), 50, False),
    ("inspectorate", gettext_noop("Inspectorate"), 13, False),
    ("judgement", gettext_noop("Latest judgement"), 20, False),
    ("response", gettext_noop("Response"), 16, True),
    ("response_reason", gettext_noop("Response reason"), 35, True),
    ("action", gettext_noop("Action"), 45, True),
    ("owner", gettext_noop("Owner"), 22, True),
    ("target_date", gettext_noop("Target date"), 14, True),
    ("date_change_reason", gettext_noop("Why the target date moved"), 30, True),
    ("status", gettext_noop("Action status"), 14, True),
    ("dropped_reason", gettext_noop("Reason dropped"), 30, True),
    ("latest_note", gettext_noop("Latest progress note"), 40, False),
    ("new_note", gettext_noop("New progress note"), 40, True),
    ("updated", gettext_noop("Action last updated"), 14, False),
    ("version", gettext_noop("Version (do not change)"), 12, False),
]
HEADERS = {key: header for key, header, _, _ in COLUMNS}


def keys_by_header():
    """``{header in lower case: key}``: each header in English and in the active language."""
    found = {header.lower(): key for key, header, _, _ in COLUMNS}
    found.update({gettext(header).lower(): key for key, header, _, _ in COLUMNS})
    return found


REQUIRED = ["reference", "response", "response_reason", "action", "owner", "target_date", "status", "version"]
TEXT_KEYS = [key for key, *_ in COLUMNS if key not in ("target_date", "updated")]

# What an upload keeps of each cell it needs, in characters: one more than the longest the tracker
# takes, so that "too long" is still seen (with the length typed, ``ReadRow.lengths``). The columns
# for reading only (area, recommendation, judgement, latest note, last updated) are not kept. A
# workbook's shared strings let a 100 KB file repeat one long text in every cell: without these
# caps it was read into hundreds of megabytes of rows.
KEPT_CHARS = {
    "inspection": 200,
    "reference": 200,
    "response": 200,
    "response_reason": TEXT_LIMITS["response_reason"] + 1,
    "action": TEXT_LIMITS["action_description"] + 1,
    "owner": TEXT_LIMITS["owner"] + 1,
    "target_date": 200,
    "date_change_reason": TEXT_LIMITS["reason"] + 1,
    "status": 200,
    "dropped_reason": TEXT_LIMITS["reason"] + 1,
    "new_note": TEXT_LIMITS["progress_note"] + 1,
    "version": 1_000,
}
MAX_KEPT_CHARS = 10_000_000  # all the kept cells of one upload together

# The spreadsheet's lists, as text: the workbook stores strings, and an upload is read against the
# same words the download wrote.
RESPONSE_LABELS = [str(label) for _, label in ResponseDecision.choices]
STATUS_LABELS = [str(label) for _, label in ActionStatus.choices]
NO_RESPONSE = "No response yet"  # what the older CSV wrote for no response; read as empty


class SpreadsheetRefused(ValueError):
    """The file as a whole cannot be read; the message says why in a sentence."""


# --- Writing ----------------------------------------------------------------------------------


def write_xlsx(rows):
    """The plan as XLSX bytes. ``rows`` are dicts keyed as ``COLUMNS`` (dates as ``date``).

    The reference, and every text, is a text cell (never a number, never a formula: text that
    starts with ``=`` is stored as text); target dates are real dates; response and status have
    drop-down lists; the version column is hidden; the header row is frozen.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = gettext(SHEET_TITLE)
    letters = {key: get_column_letter(i) for i, (key, *_) in enumerate(COLUMNS, start=1)}
    bold, grey = Font(bold=True), PatternFill("solid", fgColor="F3F2F1")
    for i, (key, header, width, editable) in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=i, value=gettext(header))
        cell.font = bold
        if not editable:
            cell.fill = grey
        sheet.column_dimensions[letters[key]].width = width
    sheet.column_dimensions[letters["version"]].hidden = True
    sheet.freeze_panes = "C2"
    wrap = Alignment(wrap_text=True, vertical="top")
    count = 0
    for r, row in enumerate(rows, start=2):
        count += 1
        for i, (key, *_rest) in enumerate(COLUMNS, start=1):
            value = row.get(key)
            cell = sheet.cell(row=r, column=i)
            if key in ("target_date", "updated"):
                cell.value = value
                cell.number_format = "DD/MM/YYYY"
            else:
                cell.value = "" if value is None else str(value)
                cell.data_type = "s"  # text, even when it starts with "=": shown, never run
                cell.number_format = "@"
            cell.alignment = wrap
    last = max(count + 1, 2) + 500  # room for rows the leader adds
    for key, labels, title in (
        ("response", RESPONSE_LABELS, HEADERS["response"]),
        ("status", STATUS_LABELS, HEADERS["status"]),
    ):
        validation = DataValidation(
            type="list",
            formula1='"' + ",".join(labels) + '"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=gettext("%(column)s not in the list") % {"column": gettext(title)},
            error=gettext("Choose one of: %(choices)s.") % {"choices": ", ".join(labels)},
        )
        validation.add(f"{letters[key]}2:{letters[key]}{last}")
        sheet.add_data_validation(validation)
    dates = DataValidation(
        type="date",
        operator="greaterThan",
        formula1="1",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=gettext("Not a date"),
        error=gettext("Type the target date as a date, for example 31/03/2027."),
    )
    dates.add(f"{letters['target_date']}2:{letters['target_date']}{last}")
    sheet.add_data_validation(dates)
    for column in ("reference", "inspection"):  # new rows' references typed as text too
        for r in range(count + 2, last + 1):
            sheet[f"{letters[column]}{r}"].number_format = "@"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_rows(rows):
    """The plan's rows as CSV cells (dates ISO; ``downloads.csv_response`` guards formulas)."""
    for row in rows:
        yield [
            row[key].isoformat() if isinstance(row.get(key), datetime.date) else (row.get(key) or "")
            for key, *_ in COLUMNS
        ]


# --- Reading ----------------------------------------------------------------------------------


@dataclass
class ReadRow:
    """One row of an uploaded plan, as read: its line, its text cells and its target date."""

    line: int
    cells: dict = field(default_factory=dict)
    target_date: str = ""  # ISO, when the cell holds a date
    date_problem: str = ""  # what was typed, when the cell is not empty and not a date
    lengths: dict = field(default_factory=dict)  # {key: length typed} for cells kept cut short

    def as_json(self):
        return {
            "line": self.line,
            "cells": self.cells,
            "target_date": self.target_date,
            "date_problem": self.date_problem,
            "lengths": self.lengths,
        }

    @classmethod
    def from_json(cls, data):
        return cls(
            data["line"],
            data["cells"],
            data.get("target_date", ""),
            data.get("date_problem", ""),
            data.get("lengths", {}),
        )

    def length(self, key):
        """How long the cell was as typed (its kept text may be cut short)."""
        return self.lengths.get(key, len(self.cells.get(key, "")))


def read_plan(name, data):
    """The rows of an uploaded XLSX or CSV (``name`` decides which), or ``SpreadsheetRefused``."""
    if len(data) > MAX_BYTES:
        raise SpreadsheetRefused(
            gettext("The file is larger than %(size)d MB. Upload the action plan only.")
            % {"size": MAX_BYTES // (1024 * 1024)}
        )
    if not data:
        raise SpreadsheetRefused(gettext("The file is empty."))
    lower = name.lower()
    if lower.endswith(".xlsx"):
        return _read_xlsx(data)
    if lower.endswith(".csv"):
        return _read_csv(data)
    raise SpreadsheetRefused(gettext("Upload the action plan as an Excel (.xlsx) or CSV (.csv) file."))


def _text(value):
    """A cell's value as the text a person typed: whole numbers without ".0", formulas as their text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = getattr(value, "text", None) if not isinstance(value, (str, int, float)) else None  # ArrayFormula
    text = str(value) if text is None else str(text)
    text = text.replace("\r\n", "\n").replace("\x00", "").strip()
    # The download guards formula-like text with an apostrophe (downloads.spreadsheet_cell): undo it.
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        text = text[1:]
    return text


def parse_date(value):
    """``(date or None, problem)`` for a target-date cell: a date cell, or text typed as
    2027-03-31, 31/03/2027 (day first), 31-03-2027, 31 March 2027 or 31 Mar 2027. A number,
    a formula or anything else is not a date (never guessed, never evaluated)."""
    if value is None or value == "":
        return None, ""
    if isinstance(value, datetime.datetime):
        return value.date(), ""
    if isinstance(value, datetime.date):
        return value, ""
    text = _text(value)
    if not text:
        return None, ""
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?", text)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text)
        if match:
            day, month, year = (int(g) for g in match.groups())
        else:
            match = re.fullmatch(r"(\d{1,2})\s+([A-Za-z]+)\.?,?\s+(\d{4})", text)
            if not match or match.group(2).lower() not in MONTHS:
                return None, text
            day, month, year = int(match.group(1)), MONTHS[match.group(2).lower()], int(match.group(3))
    try:
        return datetime.date(year, month, day), ""
    except ValueError:
        return None, text


def _filled(value):
    """Whether a cell holds anything (without copying a long text to find out)."""
    if value is None:
        return False
    if isinstance(value, str):
        return value != "" and not value.isspace()
    return True


def _columns(header):
    """``{key: index}`` from the header row; refuses a file without the plan's columns."""
    found, headers = {}, keys_by_header()
    for index, value in enumerate(header):
        key = headers.get(_text(value).lower())
        if key and key not in found:
            found[key] = index
    missing = [gettext(HEADERS[key]) for key in REQUIRED if key not in found]
    if missing:
        raise SpreadsheetRefused(
            gettext("The first row must be the action plan’s column headings, as downloaded. Missing: %(missing)s.")
            % {"missing": ", ".join(missing)}
        )
    return found


def _rows(values_iter):
    """ReadRow for each non-empty row after the header, with the limits applied."""
    header = next(values_iter, None)
    if header is None:
        raise SpreadsheetRefused(gettext("The file has no rows."))
    columns = {key: index for key, index in _columns(header).items() if key in KEPT_CHARS}
    rows, kept = [], 0
    for line, values in enumerate(values_iter, start=2):
        values = list(values)
        if not any(_filled(v) for v in values):
            if line > MAX_ROWS * 10:
                break
            continue
        if len(rows) >= MAX_ROWS:
            raise SpreadsheetRefused(
                gettext("The file has more than %(rows)s rows. Upload at most %(rows)s at a time.")
                % {"rows": f"{MAX_ROWS:,}"}
            )
        row = ReadRow(line)
        for key, index in columns.items():
            value = values[index] if index < len(values) else None
            if isinstance(value, str) and len(value) > KEPT_CHARS[key]:
                row.lengths[key] = len(value)
                value = value[: KEPT_CHARS[key] * 2]  # room for what _text takes off; cut below
            if key == "target_date":
                parsed, problem = parse_date(value)
                row.target_date = parsed.isoformat() if parsed else ""
                row.date_problem = problem[: KEPT_CHARS[key]]
                row.cells[key] = date_format(parsed) if parsed else row.date_problem
            else:
                row.cells[key] = _text(value)[: KEPT_CHARS[key]]
            kept += len(row.cells[key])
        if kept > MAX_KEPT_CHARS:
            raise SpreadsheetRefused(
                gettext("The file holds far more text than an action plan: upload the plan’s rows only.")
            )
        rows.append(row)
    return rows


def _read_xlsx(data):
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise SpreadsheetRefused(
                    gettext("The file unpacks to far more than an action plan: it cannot be read.")
                )
    except zipfile.BadZipFile:
        raise SpreadsheetRefused(
            gettext("The file is not an Excel (.xlsx) workbook. Save it as .xlsx or .csv.")
        ) from None
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
    except Exception:  # openpyxl raises many kinds for a damaged or foreign file
        raise SpreadsheetRefused(gettext("The file could not be read as an Excel (.xlsx) workbook.")) from None
    try:
        title = next((t for t in (gettext(SHEET_TITLE), SHEET_TITLE) if t in workbook.sheetnames), None)
        sheet = workbook[title] if title else workbook.worksheets[0]
        return _rows(sheet.iter_rows(values_only=True, max_col=len(COLUMNS) + 20))
    finally:
        workbook.close()


def _read_csv(data):
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes nearly anything
        raise SpreadsheetRefused(gettext("The CSV file’s characters could not be read. Save it as CSV UTF-8."))
    if "\x00" in text:
        raise SpreadsheetRefused(gettext("The file is not a CSV file (it holds binary data)."))
    try:
        return _rows(iter(csv.reader(io.StringIO(text, newline=""))))
    except csv.Error as error:
        raise SpreadsheetRefused(gettext("The CSV file could not be read: %(error)s.") % {"error": error}) from None
