"""Rules every template keeps, read from the templates themselves, so a new page cannot bring
back a defect the browser test would only find on the pages it knows."""

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


def test_no_python_code_writes_its_own_date_format():
    """Views and forms format dates through Django's DATE_FORMAT too (``date_format(value)``)."""
    offences = []
    for app in ("public", "leaders", "findings", "recommendations"):
        for path in (ROOT / app).rglob("*.py"):
            for match in re.finditer(r"date_format\([^)]*,\s*[\"']([^\"']+)[\"']", path.read_text()):
                if match.group(1) not in ALLOWED_DATE_FORMATS:
                    offences.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
    assert offences == []
