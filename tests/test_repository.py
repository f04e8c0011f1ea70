"""The project's own files hold no half-finished merge: a conflict's markers left in a stylesheet
once shipped, and the browser silently dropped the rules around them."""

import re

from tests.conftest import PROJECT_DIR

SKIPPED = {".git", ".venv", "node_modules", "staticfiles", "__pycache__", ".pytest_cache", ".ruff_cache"}
TEXT = {".py", ".html", ".css", ".js", ".md", ".toml", ".txt", ".json", ".yml", ".yaml", ".cfg", ".po", ".sh", ""}
MARKER = re.compile(r"^(<{7} |>{7} |={7}$)", re.M)


def project_files():
    for path in PROJECT_DIR.rglob("*"):
        relative = path.relative_to(PROJECT_DIR)
        if any(part in SKIPPED for part in relative.parts) or not path.is_file() or path.suffix not in TEXT:
            continue
        yield path, relative


def test_no_file_holds_merge_conflict_markers():
    found = []
    for path, relative in project_files():
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        found += [f"{relative}:{text.count(chr(10), 0, m.start()) + 1}" for m in MARKER.finditer(text)]
    assert found == []
