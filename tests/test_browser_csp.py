"""In Chromium, under the Content-Security-Policy: the public pages, the leaders' pages and the
inspectors' workspace (the review page with its inlines and widgets) load with no policy
violation and no console error, and the page's scripts still run."""

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD
from tests.leaders_data import make_action


def watch(page):
    """Collects every CSP violation and console error the page reports."""
    problems = []

    def console(message):
        # A missing resource is reported below with its address; the browser's own favicon
        # request is not the site's.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            problems.append(f"console {message.type}: {message.text}")

    def response(response):
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            problems.append(f"{response.status} {response.url}")

    page.on("console", console)
    page.on("response", response)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    return problems


def sign_in(page, base, username):
    page.goto(base + reverse("login"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("form button[type=submit], form input[type=submit]").last.click()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_no_page_breaks_the_content_security_policy(
    live_server, browser, make_review, belmarsh, hmi_inspector, belmarsh_leader
):
    review = make_review(belmarsh, [("hmi-prisons", "reasonable-progress"), ("ofsted", "insufficient-progress")])
    make_action(review.judgements.first().recommendation, "Review CCTV")
    base = live_server.url
    pages = {
        None: [reverse("public:home"), review.get_absolute_url(), reverse("public:recommendation-list")],
        "belmarsh.leader": [
            reverse("leaders:home", args=["belmarsh"]),
            reverse("leaders:action-list", args=["belmarsh"]),
        ],
        "hmi.inspector": [
            reverse("admin:index"),
            reverse("admin:recommendations_inspection_change", args=[review.pk]),
            reverse("admin:findings_judgement_change", args=[review.judgements.first().pk]),
            reverse("admin:recommendations_auditevent_changelist"),
            reverse("admin:recommendations_inspection_history", args=[review.pk]),
            reverse("admin:findings_paragraph_add"),
        ],
    }
    problems = []
    for username, urls in pages.items():
        context = browser.new_context()
        page = context.new_page()
        seen = watch(page)
        if username:
            sign_in(page, base, username)
        for url in urls:
            page.goto(base + url)
            page.wait_for_load_state("networkidle")
            # The scripts ran: GOV.UK Frontend's class is on the body, or the admin's JS loaded.
            if not url.startswith("/admin/"):
                assert "js-enabled" in page.evaluate("document.body.className"), url
        problems += [f"{username or 'anonymous'}: {p}" for p in seen]
        context.close()
    assert problems == []
