"""A member of the public follows a prison by e-mail in Chromium, at a phone's width (320 px)
and a desktop's (1280 px): the "Get emails" link, the form and its errors, "Check your email",
the confirmation page and its button, the management page, the one-click unsubscribe page; and a
leader's account and password pages. Each page fits the window and axe-core finds no WCAG 2.2
A/AA violation. Screenshots go to SCREENSHOTS when it names a folder (tests/conftest.py)."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from tests.conftest import PASSWORD, shoot
from tests.test_browser_every_page import TOO_WIDE

pytestmark = pytest.mark.browser

WIDTHS = [320, 1280]


def check(page, axe, name, width):
    assert page.evaluate(TOO_WIDE) == [], f"{name} at {width}px"
    assert axe(page) == [], f"{name} at {width}px"
    shoot(page, f"{name}-{width}")


def link_in(message, name):
    return re.search(rf"https?://[^/\s]+(/alerts/{name}/[^\s/]+/)", message.body).group(1)


@pytest.fixture
def published(make_review, belmarsh, settings, live_server):
    settings.SITE_URL = live_server.url
    review = make_review(belmarsh, [("hmi-prisons", "reasonable-progress"), ("ofsted", "insufficient-progress")])
    recommendation = review.judgements.get(position=1).recommendation
    recommendation.area = "Use of force"
    recommendation.save()
    return review


@pytest.mark.parametrize("width", WIDTHS)
def test_following_an_establishment_from_its_page(live_server, page, axe, published, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + reverse("public:establishment", args=["belmarsh"]))
    shoot(page, f"public-establishment-with-link-{width}")
    page.get_by_role("link", name="Get emails about HMP Belmarsh").click()
    page.wait_for_url("**/alerts/follow/establishments/belmarsh/")
    check(page, axe, "alerts-subscribe", width)

    page.get_by_role("button", name="Subscribe").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your email address")
    check(page, axe, "alerts-subscribe-error", width)

    page.get_by_label("Once a week").check()
    page.get_by_label("What’s your email address?").fill("a.very.long.address.for.a.family.member@example.org")
    page.get_by_role("button", name="Subscribe").click()
    page.wait_for_url("**/alerts/check-your-email/")
    assert "a.very.long.address.for.a.family.member@example.org" in page.inner_text("main")
    check(page, axe, "alerts-check-email", width)

    (confirmation,) = mail.outbox
    page.goto(live_server.url + link_in(confirmation, "confirm"))
    assert page.get_by_role("heading", level=1).inner_text() == "Confirm that you want emails about HMP Belmarsh"
    check(page, axe, "alerts-confirm", width)
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator("main")).to_contain_text("You’ve subscribed")
    check(page, axe, "alerts-confirmed", width)

    page.get_by_role("link", name="Manage your emails").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Manage your emails")
    check(page, axe, "alerts-manage", width)
    page.get_by_label("Immediately").check()
    page.get_by_role("button", name="Save how often for HMP Belmarsh").click()
    expect(page.locator("main")).to_contain_text("You will get emails about HMP Belmarsh immediately.")
    check(page, axe, "alerts-manage-saved", width)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_unsubscribe_page_and_an_area(live_server, page, axe, published, width):
    from alerts.models import Subscriber, Subscription
    from alerts.sending import unsubscribe_url

    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + reverse("public:compare-area", args=["use-of-force"]))
    page.get_by_role("link", name="Get emails about use of force").click()
    page.wait_for_url("**/alerts/follow/areas/use-of-force/")
    check(page, axe, "alerts-subscribe-area", width)

    subscriber = Subscriber.objects.create(email="reader@example.org")
    subscription = Subscription.objects.create(subscriber=subscriber, topic="all")
    subscription.confirm()
    page.goto(live_server.url + unsubscribe_url(subscriber, [subscription]).split(live_server.url, 1)[-1])
    check(page, axe, "alerts-unsubscribe", width)
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.locator("main")).to_contain_text("You’ve unsubscribed")
    check(page, axe, "alerts-unsubscribed", width)
    assert not Subscription.objects.exists()


@pytest.mark.parametrize("width", WIDTHS)
def test_a_leaders_account_and_password_pages(live_server, page, axe, belmarsh_leader, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + reverse("login"))
    page.get_by_role("link", name="Forgotten your password?").click()
    page.wait_for_url(live_server.url + reverse("password_reset"))
    check(page, axe, "account-password-reset", width)
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("Username").fill("belmarsh.leader")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(live_server.url + reverse("account"))
    check(page, axe, "account", width)
    page.get_by_label("New email address").fill("not an address")
    page.get_by_role("button", name="Save email address").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check(page, axe, "account-error", width)
    page.goto(live_server.url + reverse("password_change"))
    check(page, axe, "account-password-change", width)
