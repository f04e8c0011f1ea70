"""Shared fixtures: a small named cast of users and small, deterministic review data."""

import contextlib
import datetime
import gc
import importlib
import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# beside it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PROJECT_DIR = Path(__file__).resolve().parent.parent
SEED_REPORT = PROJECT_DIR / "fixtures" / "reports" / "belmarsh-irp-2022.txt"
AXE_JS = PROJECT_DIR / "node_modules" / "axe-core" / "axe.min.js"
# CHROMIUM_PATH names the browser to drive. Without it: Debian's Chromium headless shell where
# it is installed (chromium-headless-shell), else Debian's chromium. The shell is the same engine
# without the browser around it, as Playwright uses by default: the browser tests take about a
# third less time in it (docs/architecture.md).
BROWSERS = ("chromium-headless-shell", "chromium")


def _installed_browser():
    for name in BROWSERS:
        for path in (Path("/usr/lib/chromium") / name, shutil.which(name)):
            if path and Path(path).exists():
                return str(path)
    return ""


CHROMIUM = os.environ.get("CHROMIUM_PATH") or _installed_browser()
IN_CI = os.environ.get("CI", "").lower() == "true"


# --- The migrated database ------------------------------------------------------------------


def pytest_configure(config):
    """Under xdist the migrations run once, in a process the controller starts (or not at all, when
    an earlier run kept their result), and every worker copies their result; without xdist, on
    SQLite, the one process copies an earlier run's (tests/migrated_database.py)."""
    from tests import migrated_database

    if hasattr(config, "workerinput"):
        if os.environ.get(migrated_database.FOLDER_VARIABLE):
            migrated_database.use_copies()
    elif config.getoption("collectonly"):
        return
    elif config.getoption("dist", "no") != "no" and config.getoption("tx", None):
        config.stash[MIGRATED_BUILD] = migrated_database.start()
    elif (build := migrated_database.from_cache()) is not None:
        config.stash[MIGRATED_BUILD] = build
        migrated_database.use_copies()


def pytest_unconfigure(config):
    from tests import migrated_database

    build = config.stash.get(MIGRATED_BUILD, None)
    if build is not None:
        migrated_database.finish(*build)


MIGRATED_BUILD = pytest.StashKey()


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory):
    """An SQLite file that ``make migrate`` has migrated, for the tests that start the project in
    other processes to copy: the run's (tests/migrated_database.py), or made here without xdist
    (and kept for later runs)."""
    from tests import migrated_database

    built = migrated_database.ready(migrated_database.SQLITE)
    if built is not None:
        return built
    database = tmp_path_factory.mktemp("migrated") / migrated_database.SQLITE
    failure = migrated_database.make_migrate(database)
    assert failure is None, failure
    migrated_database.keep(database, migrated_database.cache_key())
    return database


# --- Python's garbage collector ---------------------------------------------------------------


def pytest_collection_finish(session):
    """Each full collection of Python's cyclic garbage collector walks every object alive, the
    whole of Django, the project and the tests included: 60–150 ms each in a worker. Objects that
    have outlived one are moved out of its reach (``gc.freeze``): after collection, and again after
    every later full collection, so the next walks only what is newer. The tests' own garbage is
    collected as before; what is frozen stays for the run (some 30 MB more per worker). The
    permission matrix, the template rules, the strict API and two more files: 20.9–22.3 → 19.1–19.5 s."""
    gc.collect()
    gc.freeze()
    gc.callbacks.append(_freeze_survivors)


def _freeze_survivors(phase, info):
    if phase == "stop" and info["generation"] == 2:
        gc.freeze()


# --- Browser tests ---------------------------------------------------------------------------


def _missing_browser_tools():
    tools = (("Chromium", CHROMIUM), ("axe-core", AXE_JS))
    return [what for what, path in tools if not path or not Path(path).exists()]


def _browser_tools_reason():
    missing = _missing_browser_tools()
    if not missing:
        return None
    where = f" at {CHROMIUM}" if os.environ.get("CHROMIUM_PATH") else ""
    return f"{' and '.join(missing)} not installed{where} (apt-get install chromium-headless-shell; npm ci)"


def pytest_report_header(config):
    reason = _browser_tools_reason()
    if reason is None:
        return f"browser tests: {CHROMIUM}"
    return f"browser tests: {'fail' if IN_CI else 'skipped'}, {reason}"


# The files whose tests take longest (seconds each: subprocesses, walks of every page, thousands
# of requests), longest first, measured with --durations=0. They run first: each worker takes
# the tests in order and one that has run out takes the other's last ones (``--dist
# worksteal``), so the run ends on short tests, with both cores busy to the end, never with one
# core waiting on a long test started last. An order only: every test runs wherever it is.
LONGEST_FIRST = [
    "test_browser_every_page.py",
    "test_browser_leaders.py",
    "test_import.py",
    "test_hostile_urls.py",
    "test_alerts_worker.py",
    "test_make_run_data.py",
    "test_browser_inspectors.py",
    "test_settings.py",
    "test_browser_sheets.py",
    "test_browser_import.py",
    "test_browser_alerts.py",
    "test_browser_public.py",
    "test_api_schema.py",
    "test_full_inspection_upload.py",
    "test_browser_compare.py",
    "test_browser_glance.py",
]


@pytest.hookimpl(trylast=True)  # after pytest's own order (by fixture scope), files kept whole
def pytest_collection_modifyitems(config, items):
    """The longest files first (``LONGEST_FIRST``), each file's tests in their order.

    Browser tests need Chromium and axe-core. Without them they are skipped on a developer's
    machine, decided here, before pytest-playwright's session fixtures try to launch a browser;
    under CI=true they fail instead (see ``pytest_runtest_setup``), never silently skipped."""
    rank = {name: position for position, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: the rest as collected

    reason = _browser_tools_reason()
    if reason is None or IN_CI:
        return
    skip = pytest.mark.skip(reason=reason)
    for item in items:
        if item.get_closest_marker("browser") is not None:
            item.add_marker(skip)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    if IN_CI and item.get_closest_marker("browser") is not None:
        reason = _browser_tools_reason()
        if reason is not None:
            pytest.fail(f"{reason}: browser tests never skip in CI", pytrace=False)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


# Screenshots of the browser tests' pages, for people to look at: taken only when SCREENSHOTS
# names a folder (`SCREENSHOTS=/tmp/shots make test`). Each costs Chromium a full-page render and
# a PNG, for nothing a test asserts.
SCREENSHOTS = os.environ.get("SCREENSHOTS", "")


def shoot(page, name):
    """A full-page screenshot of ``page`` as ``SCREENSHOTS/name.png``, when SCREENSHOTS is set."""
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=True)


@pytest.fixture
def new_page(browser):
    """``new_page(**options)``: a page in a browser context of its own, as ``browser.new_page``,
    closed after the test however it ends. A page left open keeps its keep-alive connection to
    the live server, whose thread then keeps its database connection open (CONN_MAX_AGE) until
    the end of the run, where PostgreSQL refuses to drop a test database still in use."""
    pages = []

    def open_page(**options):
        page = browser.new_page(**options)
        pages.append(page)
        return page

    yield open_page
    for page in pages:
        page.close()


@pytest.fixture
def offer_welsh(settings, tmp_path):
    """``offer_welsh(translations)``: the site offers Welsh (to an ``Accept-Language: cy``
    browser) from a catalogue of just these translations, msgid → msgstr."""
    from tests.i18n import write_catalogue

    def offer(translations):
        settings.LOCALE_PATHS = [write_catalogue(tmp_path / "locale", "cy", translations)]
        settings.LANGUAGES = [("en-gb", "English"), ("cy", "Cymraeg")]

    return offer


# axe-core's run, and what the tests read of it: each violation's rule, impact, help and first
# five elements, made in the page. The whole result (every rule that passed or did not apply,
# with its description and tags) would cross to Python for nothing: 35–40 ms a run.
AXE_VIOLATIONS = """async () => {
  const result = await axe.run(document, {
    runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']},
    resultTypes: ['violations'],
  });
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map(n => n.target),
  }));
}"""


@pytest.fixture(scope="session")
def axe_source():
    return AXE_JS.read_text()


@pytest.fixture
def axe(axe_source):
    """Runs axe-core on a Playwright page and returns the WCAG 2.2 A/AA violations.

    The pages keep the site's Content-Security-Policy: axe-core (half a megabyte of script) goes
    in through the browser's debugging protocol, which the policy does not govern, never as an
    inline script tag, which it refuses. It is sent once per page: evaluated in the document
    checked, and as an init script that every later document of that page runs as it opens,
    instead of being sent through Playwright again for each page a walk checks."""
    preloaded = set()

    def run(page):
        page.wait_for_load_state("load")  # after a click that navigates, check the new page
        if not page.evaluate("typeof window.axe?.run === 'function'"):
            if page not in preloaded:
                page.add_init_script(script=axe_source)
                preloaded.add(page)
            page.evaluate(axe_source)
        return page.evaluate(AXE_VIOLATIONS)

    return run


# --- The test databases ------------------------------------------------------------------------


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test databases, with one more step before they are dropped at the end of
    the run: on PostgreSQL, every other session still connected to them is ended. The live
    server answers each browser connection in a thread of its own, which keeps its database
    connection (CONN_MAX_AGE) for as long as the browser keeps the connection alive; one still
    open at the end made PostgreSQL refuse to drop the database ("is being accessed by other
    users"), which was then left behind on the server."""
    yield
    from django.db import connections

    with django_db_blocker.unblock():
        for connection in connections.all(initialized_only=True):
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                        " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )


# --- Data the migrations load ----------------------------------------------------------------


def _uses_database(request):
    names = request.fixturenames
    marker = request.node.get_closest_marker("django_db")
    if "live_server" in names or "transactional_db" in names or (marker and marker.kwargs.get("transaction")):
        return "transactional_db"
    if "db" in names or marker:
        return "db"
    return None


@pytest.fixture(autouse=True)
def _progress_scales(request):
    """The inspectorates and their scales come from a data migration; a transactional (browser)
    test flushes them when it ends, so any later test that uses the database gets them back.
    (Serialized rollback cannot help: Playwright's event loop gives those tests other connections.)"""
    fixture = _uses_database(request)
    if fixture is None:
        return
    request.getfixturevalue(fixture)
    ensure_progress_scales()


def ensure_progress_scales():
    from django.apps import apps

    from findings.models import ProgressLevel

    if not ProgressLevel.objects.exists():
        importlib.import_module("findings.migrations.0002_progress_scales").load(apps, None)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty cache (the public version, cached pages and totals)."""
    from django.core.cache import cache

    cache.clear()


# --- Rows built once for many tests ----------------------------------------------------------


@contextlib.contextmanager
def rolled_back_afterwards(django_db_blocker):
    """Rows written inside stay for the tests run inside (a class's, with a class-scoped fixture)
    and are rolled back at the end: an outer transaction, in which each test's ``db`` is a
    savepoint of its own, so what a test writes is undone after it, as always. For expensive data
    that many tests read (national data, imported reports); never with ``transactional_db`` or
    ``live_server``, which need the database's real commits. Build inside
    ``django_db_blocker.unblock()``; the tests still need ``db`` to reach the database."""
    from django.db import transaction

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
    try:
        with django_db_blocker.unblock():
            ensure_progress_scales()  # a transactional test before may have flushed them
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


# --- The cast --------------------------------------------------------------------------------


@pytest.fixture
def hmi_prisons(db):
    from recommendations.models import Inspectorate

    return Inspectorate.objects.get(slug="hmi-prisons")


@pytest.fixture
def ofsted(db):
    from recommendations.models import Inspectorate

    return Inspectorate.objects.get(slug="ofsted")


@pytest.fixture
def belmarsh(db):
    from recommendations.models import Establishment

    establishment, _ = Establishment.objects.get_or_create(slug="belmarsh", defaults={"name": "HMP Belmarsh"})
    return establishment


@pytest.fixture
def wandsworth(db):
    from recommendations.models import Establishment

    return Establishment.objects.create(name="HMP Wandsworth", slug="wandsworth")


PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def hmi_inspector(hmi_prisons):
    from recommendations.roles import Role, grant_role

    return grant_role("hmi.inspector", Role.INSPECTOR, inspectorate=hmi_prisons, password=PASSWORD)[0]


@pytest.fixture
def ofsted_inspector(ofsted):
    from recommendations.roles import Role, grant_role

    return grant_role("ofsted.inspector", Role.INSPECTOR, inspectorate=ofsted, password=PASSWORD)[0]


@pytest.fixture
def belmarsh_leader(belmarsh):
    from recommendations.roles import Role, grant_role

    return grant_role("belmarsh.leader", Role.LEADER, establishments=[belmarsh], password=PASSWORD)[0]


@pytest.fixture
def other_leader(wandsworth):
    from recommendations.roles import Role, grant_role

    return grant_role("wandsworth.leader", Role.LEADER, establishments=[wandsworth], password=PASSWORD)[0]


def build_cast():
    """The four users of the fixtures above, made as they make them, in a plain function (for data
    built once for many tests): {"hmi_inspector": ..., "ofsted_inspector": ..., "belmarsh_leader":
    ..., "other_leader": ...}."""
    from recommendations.models import Establishment, Inspectorate
    from recommendations.roles import Role, grant_role

    hmi, ofsted = (Inspectorate.objects.get(slug=slug) for slug in ("hmi-prisons", "ofsted"))
    belmarsh, _ = Establishment.objects.get_or_create(slug="belmarsh", defaults={"name": "HMP Belmarsh"})
    wandsworth = Establishment.objects.create(name="HMP Wandsworth", slug="wandsworth")
    return {
        "hmi_inspector": grant_role("hmi.inspector", Role.INSPECTOR, inspectorate=hmi, password=PASSWORD)[0],
        "ofsted_inspector": grant_role("ofsted.inspector", Role.INSPECTOR, inspectorate=ofsted, password=PASSWORD)[0],
        "belmarsh_leader": grant_role("belmarsh.leader", Role.LEADER, establishments=[belmarsh], password=PASSWORD)[0],
        "other_leader": grant_role("wandsworth.leader", Role.LEADER, establishments=[wandsworth], password=PASSWORD)[0],
    }


# --- Small review data -----------------------------------------------------------------------


def level(inspectorate, slug):
    from findings.models import ProgressLevel

    return ProgressLevel.objects.get(inspectorate=inspectorate, slug=slug)


@pytest.fixture
def make_review(db, hmi_prisons, ofsted):
    """Builds an inspection and a review of it with the judgements asked for.

    ``make_review(establishment, judgements=[("hmi-prisons", "good-progress"), ...])`` makes one
    recommendation (or theme, for Ofsted) per judgement with one evidence paragraph each.
    """
    return build_review


def build_review(establishment, judgements, *, year=2022, status="published", published_on=None):
    """``make_review`` as a plain function, for data built once for many tests
    (``rolled_back_afterwards``).

    The recommendations, judgements and paragraphs are written a table at a time, each with its
    first history record (django-simple-history's ``bulk_create_with_history``), which skips
    their ``save`` methods: each level is taken from its recommendation's own scale (the rule
    ``Judgement.save`` checks) and each paragraph's position set from its number (as
    ``Paragraph.save`` does). The same rows and history as one ``create`` each, in a fraction of
    the queries: a tenth of the non-browser tests' time went to this function before."""
    from simple_history.utils import bulk_create_with_history

    from findings.models import Judgement, Paragraph, ParagraphPart, ProgressLevel
    from findings.publishing import public_data_changed
    from recommendations.models import Inspection, InspectionKind, Inspectorate, Recommendation, RecommendationKind

    inspectorates = {i.slug: i for i in Inspectorate.objects.filter(slug__in=["hmi-prisons", "ofsted"])}
    levels = {(level.inspectorate_id, level.slug): level for level in ProgressLevel.objects.all()}
    inspection = Inspection.objects.create(
        establishment=establishment,
        kind=InspectionKind.FULL,
        slug=f"inspection-{year - 1}",
        visit_start=datetime.date(year - 1, 8, 2),
        visit_end=datetime.date(year - 1, 8, 13),
        status=status,
    )
    review = Inspection.objects.create(
        establishment=establishment,
        kind=InspectionKind.IRP,
        slug=f"irp-{year}",
        follows_up=inspection,
        visit_start=datetime.date(year, 3, 7),
        visit_end=datetime.date(year, 3, 9),
        published_on=published_on or datetime.date(year, 4, 26),
        status=status,
    )
    recommendations, theme = [], 0
    for position, (inspectorate_slug, _) in enumerate(judgements, start=1):
        is_theme = inspectorate_slug == "ofsted"
        theme += is_theme
        recommendations.append(
            Recommendation(
                inspection=inspection,
                inspectorate=inspectorates[inspectorate_slug],
                kind=RecommendationKind.THEME if is_theme else RecommendationKind.RECOMMENDATION,
                theme_number=theme if is_theme else None,
                area=f"Area {position}",
                concern=f"Concern {position} at {establishment}.",
                text=f"Recommendation {position} for {establishment}.",
                reference="" if is_theme else f"1.{position}",
                position=position,
            )
        )
    bulk_create_with_history(recommendations, Recommendation)
    made = [
        Judgement(
            review=review,
            recommendation=recommendation,
            level=levels[(recommendation.inspectorate_id, level_slug)],
            position=position,
        )
        for position, (recommendation, (_, level_slug)) in enumerate(
            zip(recommendations, judgements, strict=True), start=1
        )
    ]
    bulk_create_with_history(made, Judgement)
    paragraphs = [
        Paragraph(inspection=review, number="1.1", part=ParagraphPart.SUMMARY, text=f"{establishment} is a prison.")
    ]
    paragraphs += [
        Paragraph(
            inspection=review,
            number=f"3.{judgement.position}",
            part=ParagraphPart.EVIDENCE,
            judgement=judgement,
            text=f"Evidence {judgement.position} at {establishment}.",
        )
        for judgement in made
    ]
    for paragraph in paragraphs:
        paragraph.set_position_from_number()  # as Paragraph.save does
    bulk_create_with_history(paragraphs, Paragraph)
    # As publishing, the admin and the importer do after writing: the public windows of
    # the judgements, and the public cache.
    public_data_changed(reviews=[review])
    return review
