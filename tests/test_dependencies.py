"""The apps depend on each other in one direction only, read from each module's imports.

Audience apps (``reports``, ``public``, ``leaders``) and the feature app ``alerts`` may use the
model apps; ``findings`` may use ``recommendations``; every app may use the plain package
``common``, which imports no app; nothing points back up, and the report parser imports nothing
from Django.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Packages that are not apps: the configuration (it wires every app together) and the tests.
NOT_APPS = {"belmarsh_irp", "tests"}

# What each package may import of the project's own packages.
ALLOWED = {
    "common": set(),
    "recommendations": {"common"},
    "findings": {"recommendations", "common"},
    "reports": {"recommendations", "findings", "common"},
    "public": {"recommendations", "findings", "common"},
    "leaders": {"recommendations", "findings", "common"},
    # A feature app with models of its own, above the model apps; nothing imports it (the
    # public pages only link to its URLs).
    "alerts": {"recommendations", "findings", "common"},
}
PROJECT_APPS = set(ALLOWED) | {"belmarsh_irp"}


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


def test_every_package_of_the_project_is_checked():
    """A new app (or package) is added to ``ALLOWED`` with what it may import, so none escapes the check."""
    packages = {path.parent.name for path in ROOT.glob("*/__init__.py")}
    assert packages - NOT_APPS == set(ALLOWED)


def test_common_is_not_an_app():
    """``common`` holds helpers, not models: no models, no migrations, not an installed app."""
    from django.conf import settings

    assert not (ROOT / "common" / "models.py").exists()
    assert not (ROOT / "common" / "migrations").exists()
    assert "common" not in settings.INSTALLED_APPS


def test_templates_do_not_name_model_app_urls_in_models():
    """The model apps never reverse an audience app's URL (the link is configured in settings)."""
    for app in ("recommendations", "findings"):
        for path in modules_of(app):
            text = path.read_text()
            assert 'reverse("public:' not in text and 'reverse("leaders:' not in text, path
