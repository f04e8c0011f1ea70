"""The apps depend on each other in one direction only, read from each module's imports.

Audience apps (``reports``, ``public``, ``leaders``) may use the model apps; ``findings`` may use
``recommendations``; nothing points back up, and the report parser imports nothing from Django.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROJECT_APPS = {"recommendations", "findings", "reports", "public", "leaders", "belmarsh_irp"}

# What each app may import of the project's own packages.
ALLOWED = {
    "recommendations": set(),
    "findings": {"recommendations"},
    "reports": {"recommendations", "findings"},
    "public": {"recommendations", "findings"},
    "leaders": {"recommendations", "findings"},
}


def imported_packages(path):
    """The top-level packages a module imports, at any depth of the file (function bodies too)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def modules_of(app):
    return sorted(p for p in (ROOT / app).rglob("*.py"))


@pytest.mark.parametrize("app", sorted(ALLOWED))
def test_an_app_imports_only_the_apps_below_it(app):
    """No module of an app imports an app it must not depend on."""
    offences = []
    for path in modules_of(app):
        for package in imported_packages(path) & PROJECT_APPS:
            if package != app and package not in ALLOWED[app]:
                offences.append(f"{path.relative_to(ROOT)} imports {package}")
    assert offences == []


@pytest.mark.parametrize(
    "module",
    ["reports/parser.py", *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "reports").glob("[rg]*/*.py"))],
)
def test_the_report_reader_and_grammars_import_nothing_from_django(module):
    """The reader and the grammars stay plain Python, usable and testable without Django."""
    assert "django" not in imported_packages(ROOT / module)


@pytest.mark.parametrize("app", ["reports", "public", "leaders"])
def test_audience_apps_have_no_models(app):
    """Models live in the two model apps; an audience app has no models module or migrations."""
    assert not (ROOT / app / "models.py").exists()
    assert not (ROOT / app / "migrations").exists()


@pytest.mark.parametrize("app", sorted(ALLOWED))
def test_each_app_says_what_it_is_for(app):
    """Every app's package docstring says what it holds and what it may import."""
    doc = ast.get_docstring(ast.parse((ROOT / app / "__init__.py").read_text()))
    assert doc and "import" in doc


def test_templates_do_not_name_model_app_urls_in_models():
    """The model apps never reverse an audience app's URL (the link is configured in settings)."""
    for app in ("recommendations", "findings"):
        for path in modules_of(app):
            text = path.read_text()
            assert 'reverse("public:' not in text and 'reverse("leaders:' not in text, path
