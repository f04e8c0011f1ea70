"""Rules every template keeps, read from the templates themselves, so a new page cannot bring
back a defect the browser test would only find on the pages it knows."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = sorted(
    path
    for folder in ("templates", "public", "leaders", "findings", "recommendations")
    for path in (ROOT / folder).rglob("*.html")
)
REGION = re.compile(r'<div class="app-table-region" role="region" aria-label(?:ledby)?="[^"]+" tabindex="0">\s*$')


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_table_scrolls_in_its_own_labelled_region(path):
    """A table could be wider than a phone: it sits in a labelled, focusable region (WCAG 1.4.10)."""
    lines = path.read_text().splitlines()
    for number, line in enumerate(lines):
        if re.search(r"<table[\s>]", line):
            before = next((previous for previous in reversed(lines[:number]) if previous.strip()), "")
            assert REGION.search(before), f"{path.relative_to(ROOT)}:{number + 1}: table outside a region"


# The formats a template may name: the settings' own, or a month and year, or a year alone.
ALLOWED_DATE_FORMATS = {"DATE_FORMAT", "DATETIME_FORMAT", "SHORT_DATE_FORMAT", "TIME_FORMAT", "F Y", "Y"}


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_dates_use_the_one_format(path):
    """ "31 March 2027" everywhere: no template writes a date or time in a format of its own."""
    named = re.findall(r"\|(?:date|time):[\"']([^\"']+)[\"']", path.read_text())
    assert set(named) <= ALLOWED_DATE_FORMATS, f"{path.relative_to(ROOT)} uses {set(named) - ALLOWED_DATE_FORMATS}"


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_browser_date_picker(path):
    """Dates are typed in GOV.UK's day, month and year boxes, never the browser's date picker."""
    assert 'type="date"' not in path.read_text()


# Python that writes text people read: every package of the project (a new app included), not
# the tests nor migrations.
PYTHON = sorted(
    path
    for package in ROOT.glob("*/__init__.py")
    if package.parent.name != "tests"
    for path in package.parent.rglob("*.py")
    if "migrations" not in path.parts
)
DATE_FUNCTIONS = {"date_format", "time_format"}
FORMAT_IN_TEXT = re.compile(r"\{[^{}]*:%[^{}]*\}")  # "{:%d %B %Y}".format(day)


def own_date_formats(source):
    """``(line, what)`` for each date or time Python writes in a format of its own: an f-string or
    ``str.format`` spec with a ``%`` directive (``f"{day:%-d %B %Y}"``), ``strftime``, or
    ``date_format``/``time_format`` with a format other than the settings' own."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FormattedValue) and node.format_spec is not None:
            spec = "".join(part.value for part in node.format_spec.values if isinstance(part, ast.Constant))
            if "%" in spec:
                yield node.lineno, f"f-string format {spec!r}"
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and FORMAT_IN_TEXT.search(node.value):
            yield node.lineno, f"format string {node.value!r}"
        elif isinstance(node, ast.Call):
            called = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
            if called == "strftime":
                yield node.lineno, "strftime()"
            elif called in DATE_FUNCTIONS and len(node.args) > 1:
                named = node.args[1]
                if not (isinstance(named, ast.Constant) and named.value in ALLOWED_DATE_FORMATS):
                    yield node.lineno, f"{called}() with format {ast.unparse(named)}"


@pytest.mark.parametrize(
    "source",
    [
        'f"Target date: {action.target_date:%-d %B %Y}."',
        'f"{review.published_on:%B %Y}"',
        'message = "Shown from {:%d/%m/%Y}".format(day)',
        "day.strftime('%d %B %Y')",
        'date_format(day, "d/m/Y")',
        "time_format(moment, FORMAT)",
    ],
)
def test_the_date_rule_catches_a_format_of_its_own(source):
    """The check below finds each way Python can write a date in a format of its own."""
    assert list(own_date_formats(source))


@pytest.mark.parametrize(
    "source",
    [
        'f"{date_format(day)}: {note.text}"',
        'date_format(day, "F Y")',
        'f"{count:,} rows, {ratio:.2f}"',
        "day.isoformat()",
    ],
)
def test_the_date_rule_lets_the_one_format_through(source):
    assert list(own_date_formats(source)) == []


@pytest.mark.parametrize("path", PYTHON, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_python_code_writes_its_own_date_format(path):
    """Views, feeds, messages and models format dates through Django's DATE_FORMAT too
    (``date_format(value)``); machine-readable dates are ``isoformat()``."""
    offences = [f"{path.relative_to(ROOT)}:{line}: {what}" for line, what in own_date_formats(path.read_text())]
    assert offences == []
