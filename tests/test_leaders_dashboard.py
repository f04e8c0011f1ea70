"""The dashboard shows the prison's open recommendations worst first, beside its response and
actions, and counts what needs attention; each count opens the list it counts; the CSV follows
the dashboard's order."""

import csv
import io

import pytest
from django.urls import reverse

from findings.models import Judgement
from recommendations import actions as domain
from recommendations.models import ActionStatus, PublicationStatus
from tests.conftest import level
from tests.leaders_data import TODAY, build_plan, make_action

DASHBOARD = reverse("leaders:home", kwargs={"slug": "belmarsh"})
ACTIONS = reverse("leaders:action-list", kwargs={"slug": "belmarsh"})
CSV = reverse("leaders:action-plan-csv", kwargs={"slug": "belmarsh"})


@pytest.fixture(autouse=True)
def frozen_today(settings):
    settings.TRACKER_TODAY = TODAY


@pytest.fixture
def signed_in(client, belmarsh_leader):
    client.force_login(belmarsh_leader)
    return client


def test_counts_are_right(signed_in, make_review, belmarsh, wandsworth):
    """Open 4, overdue 2, no owner 2, no target date 1, not updated in 30 days 2; done, dropped and
    other prisons' actions count for nothing."""
    build_plan(make_review, belmarsh)
    other = make_review(wandsworth, [("hmi-prisons", "insufficient-progress")]).judgements.get().recommendation
    make_action(other, "Wandsworth overdue", owner="", target=TODAY.replace(month=1))
    response = signed_in.get(DASHBOARD)
    counts = {p["label"]: p["count"] for p in response.context["problems"]}
    assert len(response.context["recommendations"]) == 4
    assert counts == {
        "Actions overdue": 2,
        "Actions with no owner": 2,
        "Actions with no target date": 1,
        "Actions not updated in 30 days": 2,
    }
    html = response.content.decode("utf-8-sig")
    assert '<span class="app-leaders-counts__number">4</span> Open recommendations' in html


@pytest.mark.parametrize(
    "problem, expected",
    [
        ("overdue", {"Review every use of force on camera", "Publish a violence reduction plan"}),
        ("no-owner", {"Train all staff in de-escalation", "Publish a violence reduction plan"}),
        ("no-target-date", {"Reopen the gym"}),
        ("stale", {"Audit the complaints log", "Publish a violence reduction plan"}),
    ],
)
def test_each_count_links_to_the_actions_it_counts(signed_in, make_review, belmarsh, problem, expected):
    """Following a count's link lists exactly the actions counted."""
    build_plan(make_review, belmarsh)
    links = [p["url"] for p in signed_in.get(DASHBOARD).context["problems"]]
    assert f"{ACTIONS}?problem={problem}" in links
    response = signed_in.get(ACTIONS, {"problem": problem})
    assert {a.description for a in response.context["actions"]} == expected


def test_action_list_filters_by_status(signed_in, make_review, belmarsh):
    """The list also filters by the action's status: dropped actions are still there."""
    build_plan(make_review, belmarsh)
    response = signed_in.get(ACTIONS, {"status": ActionStatus.DROPPED})
    assert [a.description for a in response.context["actions"]] == ["Buy new books"]


def test_bad_filter_value_is_a_clear_400(signed_in, make_review, belmarsh):
    """A made-up filter value says what is wrong, with a 400, not a 500."""
    build_plan(make_review, belmarsh)
    response = signed_in.get(ACTIONS, {"problem": "everything"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode("utf-8-sig")


def test_open_recommendations_worst_first_and_closed_left_out(signed_in, make_review, belmarsh):
    """Worst judgement first, by how far up its own scale; good progress (the top) is left out."""
    build_plan(make_review, belmarsh)
    recommendations = signed_in.get(DASHBOARD).context["recommendations"]
    assert [(r.label, r.latest_label) for r in recommendations] == [
        ("1.1", "No meaningful progress"),
        ("1.2", "Insufficient progress"),
        ("Theme 1", "Reasonable progress"),
        ("1.5", "Reasonable progress"),
    ]


def test_the_inspectorates_judgement_decides_openness_not_the_prisons_status(signed_in, make_review, belmarsh):
    """All actions done does not close a recommendation; the dashboard says so plainly when the
    latest judgement is in the lower half of its scale, and not when it is in the upper half."""
    review = make_review(belmarsh, [("hmi-prisons", "insufficient-progress"), ("ofsted", "reasonable-progress")])
    for judgement in review.judgements.all():
        make_action(judgement.recommendation, f"Done for {judgement.recommendation.label}", status=ActionStatus.DONE)
    response = signed_in.get(DASHBOARD)
    assert len(response.context["recommendations"]) == 2
    flagged = [r.label for r in response.context["recommendations"] if r.done_but_judged_low]
    assert flagged == ["1.1"]
    html = response.content.decode("utf-8-sig")
    assert html.count("The prison marks all its actions done, but the inspectorate’s latest judgement is") == 1
    assert "insufficient progress, in the lower half of the HMI Prisons scale" in html


def test_draft_review_judgements_are_not_used(signed_in, make_review, belmarsh, hmi_prisons):
    """Only the latest *published* judgement counts: a draft review's 'good progress' leaves it open."""
    review = make_review(belmarsh, [("hmi-prisons", "insufficient-progress")])
    recommendation = review.judgements.get().recommendation
    draft = make_review(belmarsh, [], year=2023, status=PublicationStatus.DRAFT)
    draft.follows_up = review.follows_up
    draft.save()
    Judgement.objects.create(review=draft, recommendation=recommendation, level=level(hmi_prisons, "good-progress"))
    recommendations = signed_in.get(DASHBOARD).context["recommendations"]
    assert [(r.pk, r.latest_label) for r in recommendations] == [(recommendation.pk, "Insufficient progress")]


@pytest.mark.parametrize("extra", [0, 12])
def test_dashboard_runs_a_constant_number_of_queries(
    signed_in, make_review, belmarsh, django_assert_num_queries, extra
):
    """Eight queries whatever the number of recommendations and actions."""
    build_plan(make_review, belmarsh, extra_recommendations=extra)
    signed_in.get(DASHBOARD)  # warm the session
    # 1 session, 2 user, 3 the establishment with the user's right to lead it, 4 the order and
    # inspection of every open recommendation, 5 one page of them with judgement, response and
    # action counts, 6 their inspections' action plans, 7 the problem counts, 8 the navigation's
    # "Your prison" link.
    with django_assert_num_queries(8):
        response = signed_in.get(DASHBOARD)
    assert len(response.context["recommendations"]) == 4 + extra


@pytest.mark.parametrize("extra", [0, 12])
def test_action_list_and_csv_run_a_constant_number_of_queries(
    signed_in, make_review, belmarsh, django_assert_num_queries, extra
):
    """The list takes six queries and the CSV seven, whatever the data size."""
    build_plan(make_review, belmarsh, extra_recommendations=extra)
    # 1 session, 2 user, 3 establishment, 4 the actions' count, 5 one page of actions with their
    # recommendations, 6 navigation link.
    with django_assert_num_queries(6):
        signed_in.get(ACTIONS)
    # 1 session, 2 user, 3 establishment, 4 the open recommendations' order, 5 recommendations,
    # 6 their actions, 7 the actions' notes.
    with django_assert_num_queries(7):
        signed_in.get(CSV)


def test_csv_follows_the_dashboard_order(signed_in, make_review, belmarsh, belmarsh_leader):
    """One row per action (created order) under each recommendation in dashboard order, with the
    response and the latest note; a recommendation without actions still has a row."""
    review = build_plan(make_review, belmarsh)
    recommendation = review.judgements.get(position=5).recommendation
    domain.record_response(recommendation, decision="partly_accepted", reason="=SUM(A1) budget", by=belmarsh_leader)
    action = recommendation.actions.get()
    domain.add_progress_note(action, "Draft written", by=belmarsh_leader)
    make_review_row = review.judgements.get(position=2).recommendation
    response = signed_in.get(CSV)
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="belmarsh-action-plan-2022-06-01.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    dashboard = [r.label for r in signed_in.get(DASHBOARD).context["recommendations"]]
    seen = list(dict.fromkeys(row["Reference"] for row in rows))
    assert seen == dashboard == ["1.1", "1.2", "Theme 1", "1.5"]
    assert [row["Action"] for row in rows if row["Reference"] == make_review_row.label] == [
        "Reopen the gym",
        "Audit the complaints log",
    ]
    last = rows[-1]
    assert last["Response"] == "Partly accepted"
    assert last["Response reason"] == "'=SUM(A1) budget"  # never run as a spreadsheet formula
    assert last["Latest progress note"] == "Draft written"
    assert last["Action status"] == "In progress" and last["Target date"] == "2022-03-01"


def test_csv_has_a_row_for_a_recommendation_without_actions(signed_in, make_review, belmarsh):
    """A recommendation with no action yet still appears, with empty action columns."""
    make_review(belmarsh, [("hmi-prisons", "insufficient-progress")])
    rows = list(csv.DictReader(io.StringIO(signed_in.get(CSV).content.decode("utf-8-sig"))))
    assert [(r["Reference"], r["Action"], r["Response"]) for r in rows] == [("1.1", "", "")]


@pytest.mark.parametrize("notes", [1, 8])
def test_recommendation_action_and_history_pages_run_a_constant_number_of_queries(
    signed_in, make_review, belmarsh, belmarsh_leader, django_assert_num_queries, notes
):
    """The leaders' recommendation, action and history pages do not grow with actions or notes."""
    review = build_plan(make_review, belmarsh)
    recommendation = review.judgements.get(position=1).recommendation
    for action in recommendation.actions.all():
        for n in range(notes):
            domain.add_progress_note(action, f"Note {n}", by=belmarsh_leader)
        domain.move_target_date(action, TODAY.replace(year=2023), "Slipped", by=belmarsh_leader)
    action = recommendation.actions.first()
    kwargs = {"slug": "belmarsh"}
    # 1 session, 2 user, 3 establishment, 4 recommendation with judgement and counts, 5 actions,
    # 6 their notes, 7 the published judgements, 8 their evidence, 9 navigation link.
    with django_assert_num_queries(9):
        signed_in.get(reverse("leaders:recommendation-detail", kwargs={**kwargs, "pk": recommendation.pk}))
    # 1 session, 2 user, 3 establishment, 4 action, 5 notes, 6 date changes, 7 navigation link.
    with django_assert_num_queries(7):
        signed_in.get(reverse("leaders:action", kwargs={**kwargs, "pk": action.pk}))
    # 1 session, 2 user, 3 establishment, 4 action, 5 history records with users, 6 the notes'
    # history (added, corrected, deleted), 7 navigation.
    with django_assert_num_queries(7):
        response = signed_in.get(reverse("leaders:action-history", kwargs={**kwargs, "pk": action.pk}))
    # Added; each note (its new version of the action has nothing of its own to show); the move.
    assert len(response.context["events"]) == 1 + notes + 1


def test_a_long_dashboard_and_action_list_come_in_pages(signed_in, make_review, belmarsh, belmarsh_leader, monkeypatch):
    """With more open recommendations or actions than a page holds, each page shows its share in
    order, the totals count them all, and every action plan box stays on the first page."""
    from leaders import views

    monkeypatch.setattr(views, "RECOMMENDATIONS_PER_PAGE", 3)
    monkeypatch.setattr(views, "ACTIONS_PER_PAGE", 1)
    build_plan(make_review, belmarsh)
    everything = [r.label for r in views.dashboard_recommendations(belmarsh, TODAY)]
    first = signed_in.get(DASHBOARD)
    second = signed_in.get(DASHBOARD, {"page": "2"})
    assert [r.label for r in first.context["recommendations"]] == everything[:3]
    assert [r.label for r in second.context["recommendations"]] == everything[3:6]
    html = first.content.decode()
    assert f'<span class="app-leaders-counts__number">{len(everything)}</span> Open recommendations' in html
    assert f"Showing 1 to 3 of {len(everything)} open recommendations." in html
    assert "Action plan for the full inspection" in html and 'rel="next"' in html
    # A page past the end shows the last; one that is not a number, the first.
    assert signed_in.get(DASHBOARD, {"page": "999"}).context["page_obj"].number == len(everything) // 3 + (
        1 if len(everything) % 3 else 0
    )
    assert signed_in.get(DASHBOARD, {"page": "abc"}).context["page_obj"].number == 1

    actions = signed_in.get(ACTIONS, {"problem": "no-owner"})
    assert actions.context["paginator"].count == 2  # two live actions of the plan have no owner
    assert [a.description for a in actions.context["actions"]] == ["Publish a violence reduction plan"]
    assert "2 actions: 1 to 1 shown." in actions.content.decode()
    assert "problem=no-owner&amp;page=2" in actions.content.decode()
    second_page = signed_in.get(ACTIONS, {"problem": "no-owner", "page": "2"}).context["actions"]
    assert [a.description for a in second_page] == ["Train all staff in de-escalation"]
