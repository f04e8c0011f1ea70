"""Every page of the site, at a phone's width (320 px) and a desktop's (1280 px), in Chromium,
under the site's Content-Security-Policy.

Each page fails:
- if the document is wider than the window (WCAG 1.4.10, reflow: a wide table scrolls inside
  its own region, never the page);
- if any text is set in a serif font (one font stack everywhere);
- if axe-core reports a WCAG 2.2 A/AA violation;
- if the policy refuses anything, the console shows an error, a script fails, or a stylesheet,
  script or image answers 400 or more;
- if the site's scripts did not run (GOV.UK Frontend marks the body ``js-enabled``), or the
  phone's navigation is not folded behind its Menu button once loaded;
- if anything on it moves once drawn: each layout shift the browser reports is summed, as
  Lighthouse does, and GOV.UK's bar for cumulative layout shift is under 0.1. The service
  navigation used to be drawn open and then folded away by GOV.UK Frontend's script, moving
  every page's content up (0.116 in Lighthouse); any shift of 0.01 or more fails.
The last three are the site's own pages' rules: the inspectors' workspace is Django's admin,
with its own scripts, whose Select2 boxes replace their lists as they start (a shift of 0.19 on
the judgement page the first time it loads).

Public pages, the leaders' workspace and the inspectors' main workspace pages, on the real
Belmarsh data (long evidence, long names) with a plan of actions, notes and a moved date. One
walk does every check, in one page per width: a fresh page costs Chromium more than a page load.
"""

import contextlib
import datetime
import json
import weakref

import pytest
from django.core.management import call_command
from django.urls import reverse

from findings.models import Judgement
from recommendations import actions as domain
from recommendations.models import Establishment, Inspection, Inspectorate, Recommendation, ResponseDecision
from recommendations.roles import Role, grant_role
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

PHONE = 320
WIDTHS = [PHONE, 1280]

# Text-bearing elements whose computed font stack starts with a serif family, or has no sans
# family at all (the browser's default is a serif); inputs and buttons count, as they do not
# inherit the page's font by default.
SERIF_TEXT = """() => {
  const serif = /^(serif|times|times new roman|georgia|garamond|cambria|palatino|book antiqua|
    dejavu serif|liberation serif|noto serif|tinos|bitstream charter|nimbus roman)/x;
  const ok = /(sans-serif|system-ui|-apple-system|monospace|arial|helvetica|roboto|segoe ui)/;
  const found = [];
  for (const el of document.querySelectorAll('body *')) {
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    const control = ['INPUT', 'BUTTON', 'SELECT', 'TEXTAREA', 'OPTION'].includes(el.tagName);
    const text = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!control && !text) continue;
    const families = style.fontFamily.toLowerCase().split(',').map(f => f.trim().replace(/["']/g, ''));
    if (serif.test(families[0]) || !families.some(f => ok.test(f))) {
      found.push(`${el.tagName.toLowerCase()}.${[...el.classList].join('.')}: ${style.fontFamily}`);
    }
  }
  return [...new Set(found)].slice(0, 10);
}""".replace("/x;", "/;").replace("|\n    ", "|")

# The widest elements when the page is wider than the window, to say what to fix.
TOO_WIDE = """() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width) return [];
  const found = [];
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (box.right > width + 1 && !el.closest('.app-table-region')) {
      found.push(`${el.tagName.toLowerCase()}.${[...el.classList].join('.')} right=${Math.round(box.right)}`);
    }
  }
  return [`page ${document.documentElement.scrollWidth}px wide in a ${width}px window`, ...found.slice(-5)];
}"""


# Recorded in each document from its first script on: what the policy refused, and every layout
# shift not caused by the reader's own input.
WATCH = """
window.__refused = [];
document.addEventListener('securitypolicyviolation', e =>
  window.__refused.push(`refused by the policy: ${e.violatedDirective} ${e.blockedURI}`));
window.__shifts = [];
new PerformanceObserver(list => {
  for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.__shifts.push(entry.value);
}).observe({type: 'layout-shift', buffered: true});
"""

AFTER_LOAD = """() => ({
  refused: window.__refused,
  moved: window.__shifts.reduce((sum, shift) => sum + shift, 0),
  scripts: document.body.classList.contains('js-enabled'),
  menu: document.querySelector('.govuk-js-service-navigation-toggle')?.getAttribute('aria-expanded') ?? null,
})"""


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "en-GB", "timezone_id": "Europe/London"}


@pytest.fixture
def site(transactional_db, settings):
    """The Belmarsh data, a leader's plan with every kind of action, a second prison, the cast."""
    settings.TRACKER_TODAY = datetime.date(2022, 6, 1)
    call_command("loaddata", "belmarsh", verbosity=0)
    belmarsh = Establishment.objects.get(slug="belmarsh")
    wandsworth = Establishment.objects.create(name="HMP Wandsworth", slug="wandsworth")
    leader = grant_role("belmarsh.leader", Role.LEADER, establishments=[belmarsh], password=PASSWORD)[0]
    grant_role("two.prisons", Role.LEADER, establishments=[belmarsh, wandsworth], password=PASSWORD)
    hmi = Inspectorate.objects.get(slug="hmi-prisons")
    grant_role("hmi.inspector", Role.INSPECTOR, inspectorate=hmi, password=PASSWORD)

    review = Inspection.objects.get(establishment=belmarsh, kind="irp")
    recommendation = Recommendation.objects.filter(inspection=review.follows_up).order_by("position").first()
    domain.record_response(recommendation, decision=ResponseDecision.PARTLY_ACCEPTED, reason="Budget", by=leader)
    action = domain.add_action(
        recommendation,
        description="Review every use of force on body-worn camera footage at the weekly safety meeting.",
        owner="Head of safety",
        target_date=datetime.date(2022, 5, 1),
        by=leader,
    )
    domain.add_progress_note(action, "The first weekly meeting reviewed 12 incidents.", by=leader)
    domain.move_target_date(action, datetime.date(2022, 9, 30), "The trainer was off sick.", by=leader)
    done = domain.add_action(recommendation, description="Issue cameras to every officer", by=leader)
    domain.mark_done(done, "Every officer on the wings has a camera.", by=leader)
    return {
        "review": review,
        "recommendation": recommendation,
        "action": action,
        "judgement": Judgement.objects.filter(review=review, recommendation__inspectorate=hmi).first(),
    }


def public_pages(site):
    review, recommendation = site["review"], site["recommendation"]
    return {
        "home": reverse("public:home"),
        "establishments": reverse("public:establishment-list"),
        "establishment": review.establishment.get_absolute_url(),
        "review": review.get_absolute_url(),
        "full inspection": review.follows_up.get_absolute_url(),
        "recommendations": reverse("public:recommendation-list"),
        "recommendations filtered": reverse("public:recommendation-list")
        + "?judgement=no-meaningful-progress&q=force&inspectorate=hmi-prisons",
        "recommendations with a bad filter": reverse("public:recommendation-list") + "?judgement=excellent",
        "recommendation": recommendation.get_absolute_url(),
        "comparison": reverse("public:compare"),
        "area": reverse("public:compare-area", kwargs={"slug": "use-of-force"}),
        "data dictionary": reverse("public:data-dictionary"),
        "not found": "/establishments/nowhere/",
        "sign in": reverse("login"),
    }


def leaders_pages(site):
    recommendation, action = site["recommendation"], site["action"]

    def leaders(name, **kwargs):
        return reverse(f"leaders:{name}", kwargs={"slug": "belmarsh", **kwargs})

    return {
        "dashboard": leaders("home"),
        "actions": leaders("action-list"),
        "actions filtered": leaders("action-list") + "?problem=overdue",
        "recommendation": leaders("recommendation-detail", pk=recommendation.pk),
        "response": leaders("response", pk=recommendation.pk),
        "new action": leaders("action-add", pk=recommendation.pk),
        "action": leaders("action", pk=action.pk),
        "change action": leaders("action-edit", pk=action.pk),
        "mark done": leaders("action-done", pk=action.pk),
        "drop": leaders("action-drop", pk=action.pk),
        "history": leaders("action-history", pk=action.pk),
        "publish": leaders("publish", inspection=recommendation.inspection.slug),
        "upload the plan": leaders("plan-upload"),
        "correct a note": leaders("note-edit", action_pk=action.pk, pk=action.notes.first().pk),
        "delete a note": leaders("note-delete", action_pk=action.pk, pk=action.notes.first().pk),
        "another prison (403)": reverse("leaders:home", kwargs={"slug": "wandsworth"}),
    }


def workspace_pages(site):
    review, judgement = site["review"], site["judgement"]
    return {
        "workspace home": reverse("admin:index"),
        "inspections": reverse("admin:recommendations_inspection_changelist"),
        "review": reverse("admin:recommendations_inspection_change", args=[review.pk]),
        "recommendations": reverse("admin:recommendations_recommendation_changelist"),
        "judgement": reverse("admin:findings_judgement_change", args=[judgement.pk]),
        "review history": reverse("admin:recommendations_inspection_history", args=[review.pk]),
        "audit trail": reverse("admin:recommendations_auditevent_changelist"),
        "new paragraph": reverse("admin:findings_paragraph_add"),
        "announce a review": reverse("admin:recommendations_reviewannouncement_add")
        + f"?inspection={review.follows_up_id}",
        "preview": reverse("public:review-preview", kwargs={"pk": review.pk}),
    }


def sign_in(page, live_server, username):
    page.goto(live_server.url + reverse("login"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button:has-text('Sign in')")


class Watch:
    """What a page reports as it goes: console errors, script errors, subresources that fail (a
    page the walk visits may itself answer 403 or 404), and, in the page, the ``WATCH`` record.
    On the inspectors' workspace, not while axe-core runs (``quiet``): its probing makes Select2
    add a style element the policy refuses, which the workspace never does by itself."""

    def __init__(self, page):
        self.problems, self.listening = [], True
        page.on("console", self.console)
        page.on("response", self.response)
        page.on("pageerror", lambda error: self.add(f"script error: {error}"))
        page.add_init_script(script=WATCH)

    def add(self, problem):
        if self.listening:
            self.problems.append(problem)

    def console(self, message):
        # A failed resource is reported below with its address (the walk's 404 page included).
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.add(f"console error: {message.text}")

    def response(self, response):
        if response.status >= 400 and response.request.resource_type != "document":
            if not response.url.endswith("/favicon.ico"):  # the browser's own request, not the site's
                self.add(f"{response.status} {response.url}")

    @contextlib.contextmanager
    def quiet(self):
        self.listening = False
        try:
            yield
        finally:
            self.listening = True


_watches = weakref.WeakKeyDictionary()


def check_pages(page, live_server, axe, pages):
    watch = _watches.get(page) or _watches.setdefault(page, Watch(page))
    problems = {}
    for name, url in pages.items():
        watch.problems.clear()
        page.goto(live_server.url + url)
        found = {"too wide": page.evaluate(TOO_WIDE), "serif text": page.evaluate(SERIF_TEXT)}
        workspace = url.startswith("/admin/")  # the Django admin's own pages and scripts
        if workspace:  # what it reported before axe-core probed its Select2 boxes
            found["refused or failed"] = page.evaluate("window.__refused") + watch.problems
            with watch.quiet():
                found["axe"] = axe(page)
        else:
            found["axe"] = axe(page)
        # After axe-core, which gives late refusals, errors and shifts time to show.
        after = page.evaluate(AFTER_LOAD)
        if not workspace:
            found["refused or failed"] = after["refused"] + watch.problems
            if not after["scripts"]:
                found["scripts"] = ["GOV.UK Frontend did not run: no js-enabled on the body"]
            if page.viewport_size["width"] <= PHONE and after["menu"] != "false":
                # GOV.UK Frontend has folded the navigation behind its Menu button.
                found["navigation"] = [f"the Menu button is aria-expanded={after['menu']} once loaded"]
            if after["moved"] >= 0.01:
                found["moved once drawn"] = [f"cumulative layout shift {after['moved']:.3f}"]
        found = {what: items for what, items in found.items() if items}
        if found:
            problems[name] = found
    if problems:
        pytest.fail("Pages with problems:\n" + json.dumps(problems, indent=1), pytrace=False)


@pytest.mark.parametrize("width", WIDTHS)
def test_every_public_page_reflows_in_one_font_and_passes_axe(live_server, new_page, axe, site, width):
    page = new_page(viewport={"width": width, "height": 800})
    check_pages(page, live_server, axe, public_pages(site))


@pytest.mark.parametrize("width", WIDTHS)
def test_every_leaders_page_reflows_in_one_font_and_passes_axe(live_server, new_page, axe, site, width):
    page = new_page(viewport={"width": width, "height": 800})
    sign_in(page, live_server, "belmarsh.leader")
    pages = leaders_pages(site)
    check_pages(page, live_server, axe, pages)

    # A leader of two prisons, in the same page (a fresh one costs Chromium more than the walk's
    # pages do): the leader's session cookie dropped, as a new browser would start.
    page.context.clear_cookies()
    sign_in(page, live_server, "two.prisons")
    check_pages(page, live_server, axe, {"chooser": reverse("leaders:dashboard")})
    assert page.url == live_server.url + reverse("leaders:dashboard")  # signed in: the chooser, not sign-in


@pytest.mark.parametrize("width", WIDTHS)
def test_the_inspectors_main_pages_reflow_in_one_font_and_pass_axe(live_server, new_page, axe, site, width):
    page = new_page(viewport={"width": width, "height": 800})
    sign_in(page, live_server, "hmi.inspector")
    check_pages(page, live_server, axe, workspace_pages(site))


def test_the_checks_catch_a_serif_and_a_page_too_wide(live_server, page):
    """The page checks themselves: text in the browser's default font and a wide block are found."""
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(live_server.url + reverse("public:home"))
    assert page.evaluate(SERIF_TEXT) == [] and page.evaluate(TOO_WIDE) == []
    page.evaluate(
        """() => {
        const p = document.createElement('p'); p.textContent = 'Serif'; p.className = 'planted';
        p.style.fontFamily = 'initial'; document.body.append(p);
        const input = document.createElement('input'); input.className = 'planted-input';
        input.style.fontFamily = 'Georgia, serif'; document.body.append(input);
        const wide = document.createElement('div'); wide.className = 'planted-wide';
        wide.style.width = '600px'; wide.textContent = 'wide'; document.querySelector('main').append(wide);
    }"""
    )
    serif = page.evaluate(SERIF_TEXT)
    assert any(found.startswith("p.planted:") for found in serif)
    assert any(found.startswith("input.planted-input:") for found in serif)
    too_wide = page.evaluate(TOO_WIDE)
    assert too_wide[0].startswith("page ") and any("div.planted-wide" in found for found in too_wide)


def test_the_checks_catch_a_refused_script_a_missing_file_and_a_shift(live_server, new_page):
    """The walk's watch itself: the page runs under the site's policy (an inline script is refused
    and reported), a stylesheet that answers 404 is reported with its address, and content that
    moves once drawn adds up to a layout shift."""
    page = new_page(viewport={"width": PHONE, "height": 800})
    watch = Watch(page)
    page.goto(live_server.url + reverse("public:home"))
    assert page.evaluate("window.__refused") == [] and watch.problems == []
    page.evaluate(
        """() => new Promise(resolve => {
        const script = document.createElement('script'); script.textContent = 'window.ran = true';
        document.body.append(script);
        const sheet = document.createElement('link'); sheet.rel = 'stylesheet'; sheet.href = '/static/no-such.css';
        sheet.onerror = resolve; document.head.append(sheet);
        const block = document.createElement('div'); block.style.height = '400px';
        document.querySelector('main').prepend(block);
    })"""
    )
    page.wait_for_timeout(100)  # the shift is reported after the next frame
    assert page.evaluate("window.ran") is None
    assert any(refused.startswith("refused by the policy: script-src") for refused in page.evaluate("window.__refused"))
    assert any(problem.startswith("404 ") and problem.endswith("/static/no-such.css") for problem in watch.problems)
    assert page.evaluate(AFTER_LOAD)["moved"] >= 0.01


def test_axe_reports_a_planted_violation_with_its_element(live_server, new_page, axe):
    page = new_page(viewport={"width": PHONE, "height": 800})
    page.goto(live_server.url + reverse("public:home"))
    assert axe(page) == []
    page.evaluate(
        "() => { const image = document.createElement('img');"
        " image.src = '/static/favicon.svg'; document.querySelector('main').append(image); }"
    )
    assert axe(page) == [
        {
            "id": "image-alt",
            "impact": "critical",
            "help": "Images must have alternative text",
            "nodes": [["img"]],
        }
    ]


def test_sign_out_looks_like_the_navigation_links_beside_it(live_server, page, belmarsh_leader):
    """Sign out is a button (it posts), styled exactly as the links beside it: font, colour, underline."""
    sign_in(page, live_server, belmarsh_leader.username)
    style = """el => { const s = getComputedStyle(el); return [s.fontFamily, s.fontSize, s.fontWeight, s.color,
        s.textDecorationLine, s.backgroundColor === 'rgba(0, 0, 0, 0)' ? 'none' : s.backgroundColor,
        s.borderTopWidth]; }"""
    link = page.get_by_role("link", name="Establishments").evaluate(style)
    button = page.get_by_role("button", name="Sign out").evaluate(style)
    assert button == link
