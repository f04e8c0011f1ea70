"""In Chromium: a Belmarsh leader signs in, answers the use-of-force recommendation with a
response and two actions, marks one done, publishes the plan, and the public page shows it.
axe-core finds no WCAG 2.2 A/AA violation on any leaders' page along the way."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from recommendations.models import Action, ActionPlan, ActionStatus
from tests.conftest import PASSWORD, shoot
from tests.leaders_data import TODAY

pytestmark = pytest.mark.browser

USE_OF_FORCE = (
    "Leaders should make sure that all use of force is justified, proportionate and accountable, "
    "with body-worn cameras used and footage reviewed."
)


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """A British browser: dates typed and shown day first."""
    return {**browser_context_args, "locale": "en-GB", "timezone_id": "Europe/London"}


def test_leader_runs_the_action_plan_and_publishes_it(
    live_server, page, axe, settings, make_review, belmarsh, belmarsh_leader
):
    settings.TRACKER_TODAY = TODAY
    review = make_review(belmarsh, [("hmi-prisons", "insufficient-progress"), ("hmi-prisons", "reasonable-progress")])
    recommendation = review.judgements.get(position=1).recommendation
    recommendation.area, recommendation.text, recommendation.reference = "Use of force", USE_OF_FORCE, "1.39"
    recommendation.save()
    violations = {}

    def check(name):
        violations[name] = axe(page)

    # Sign in: the leaders' home asks for it, then goes straight to Belmarsh.
    page.goto(live_server.url + reverse("leaders:dashboard"))
    expect(page.locator("h1")).to_have_text("Sign in")
    page.fill("#id_username", belmarsh_leader.username)
    page.fill("#id_password", PASSWORD)
    page.click("button:has-text('Sign in')")
    expect(page).to_have_url(re.compile(r"/leaders/belmarsh/$"))
    expect(page.locator("h1")).to_have_text("Open recommendations and your action plan")
    shoot(page, "leaders-dashboard-empty")
    check("dashboard")

    # The response: partly accepted without a reason is refused, then given one.
    page.click("a:has-text('Leaders should make sure that all use of force')")
    expect(page.locator("h1")).to_have_text("Use of force (1.39)")
    check("recommendation")
    page.click("text=Record the response")
    page.check("label:has-text('Partly accepted')")
    page.click("button:has-text('Save the response')")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Give a reason")
    check("response form with an error")
    page.fill("#id_reason", "Body-worn cameras depend on a national contract.")
    page.click("button:has-text('Save the response')")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("The prison’s response is saved.")

    # Two actions; the second with a past date is saved with a warning.
    page.click("text=Add an action")
    check("action form")
    page.fill("#id_description", "Review every use of force on camera at the weekly safety meeting")
    page.fill("#id_owner", "Head of safety")
    page.fill("#id_target_date", "30")
    page.fill("#id_target_date-month", "9")
    page.fill("#id_target_date-year", "2022")
    shoot(page, "leaders-action-form")
    page.click("button:has-text('Add the action')")
    page.click("text=Add an action")
    page.fill("#id_description", "Issue body-worn cameras to every officer on the wings")
    page.fill("#id_owner", "Deputy governor")
    page.fill("#id_target_date", "1")
    page.fill("#id_target_date-month", "5")
    page.fill("#id_target_date-year", "2022")
    page.click("button:has-text('Add the action')")
    expect(page.locator("main")).to_contain_text("is in the past, so the action already counts as overdue")
    shoot(page, "leaders-recommendation")
    check("recommendation with a warning")

    # Mark the first one done, with a note on what changed.
    page.click("a:has-text('Review every use of force on camera')")
    check("action")
    page.click("text=Mark as done")
    check("mark as done")
    page.click("button:has-text('Mark as done')")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Say what changed")
    check("mark as done with an error")
    page.fill("#id_note", "Every incident since May reviewed on camera; findings minuted.")
    page.click("button:has-text('Mark as done')")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Done")
    shoot(page, "leaders-action")
    page.click("text=See every change to this action")
    expect(page.locator("h1")).to_have_text("History of the action")
    check("history")
    page.go_back()
    page.click("text=Change the action")
    check("change action")
    page.go_back()
    page.click("text=Drop the action")
    check("drop action")

    page.goto(live_server.url + reverse("leaders:action-list", kwargs={"slug": "belmarsh"}) + "?problem=overdue")
    expect(page.locator("main")).to_contain_text("Issue body-worn cameras")
    check("action list")

    # The dashboard shows the response and actions beside the judgement; then publish.
    page.goto(live_server.url + reverse("leaders:home", kwargs={"slug": "belmarsh"}))
    row = page.locator("tr", has_text="Use of force")
    expect(row).to_contain_text("Insufficient progress")
    expect(row).to_contain_text("Partly accepted")
    expect(row).to_contain_text("1 of 2 actions done")
    shoot(page, "leaders-dashboard")
    check("dashboard with a plan")
    page.click("a:has-text('Publish the action plan')")
    check("publish")
    # The other recommendation has no response yet: the page says so and asks first.
    expect(page.locator("main")).to_contain_text("1 recommendation without a response")
    page.click("button:has-text('Publish the action plan')")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Tick the box")
    check("publish refused without the box ticked")
    page.check("#id_knowingly")
    page.click("button:has-text('Publish the action plan')")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("The action plan is published")
    expect(page.locator(".app-leaders-plan")).to_contain_text("Published")
    check("dashboard after publishing")

    assert {name: found for name, found in violations.items() if found} == {}
    assert ActionPlan.objects.get(inspection=recommendation.inspection).published_by == belmarsh_leader
    assert sorted(Action.objects.values_list("status", flat=True)) == [ActionStatus.DONE, ActionStatus.NOT_STARTED]

    # The public recommendation page shows the published plan.
    page.goto(live_server.url + reverse("public:recommendation", kwargs={"pk": recommendation.pk}))
    expect(page.locator("main")).to_contain_text("Partly accepted")
    expect(page.locator("main")).to_contain_text("Review every use of force on camera at the weekly safety meeting")
    expect(page.locator("main")).to_contain_text("Issue body-worn cameras to every officer on the wings")
