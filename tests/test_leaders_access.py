"""Leaders' pages are for the leaders of one establishment: everyone else is sent to sign in,
refused (403 for another prison's workspace) or not found (404 for another prison's objects)."""

import pytest
from django.urls import reverse

from findings.models import Judgement
from recommendations.models import Action, ActionStatus, ProgressNote, Response
from recommendations.roles import Role, grant_role
from tests.conftest import level
from tests.leaders_data import TODAY, date_parts, make_action

PAGES = ["home", "action-list", "action-plan-csv"]


@pytest.fixture(autouse=True)
def frozen_today(settings):
    settings.TRACKER_TODAY = TODAY


@pytest.fixture
def two_prisons(make_review, belmarsh, wandsworth):
    """Belmarsh and Wandsworth, each with one judged recommendation and one action."""
    ours = make_review(belmarsh, [("hmi-prisons", "insufficient-progress")]).judgements.get().recommendation
    theirs = make_review(wandsworth, [("hmi-prisons", "insufficient-progress")]).judgements.get().recommendation
    return {
        "ours": ours,
        "theirs": theirs,
        "our_action": make_action(ours, "Belmarsh action"),
        "their_action": make_action(theirs, "Wandsworth secret action", owner="Wandsworth governor"),
    }


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_visitor_is_sent_to_sign_in(client, belmarsh, name):
    """Nobody sees a leaders' page without signing in."""
    response = client.get(reverse(f"leaders:{name}", kwargs={"slug": belmarsh.slug}))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login") + "?next=/leaders/belmarsh/")


def test_anonymous_visitor_to_leaders_home_is_sent_to_sign_in(client, db):
    """/leaders/ itself asks for sign-in."""
    response = client.get(reverse("leaders:dashboard"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("name", PAGES)
def test_leader_of_another_prison_is_refused(client, two_prisons, other_leader, belmarsh, name):
    """A Wandsworth leader gets 403 on every Belmarsh page."""
    client.force_login(other_leader)
    response = client.get(reverse(f"leaders:{name}", kwargs={"slug": belmarsh.slug}))
    assert response.status_code == 403
    assert "You cannot see this page" in response.content.decode()


def test_inspector_is_not_a_leader(client, two_prisons, hmi_inspector, belmarsh):
    """An inspector signed in is not a prison leader: 403 on the leaders' pages and /leaders/."""
    client.force_login(hmi_inspector)
    assert client.get(reverse("leaders:home", kwargs={"slug": belmarsh.slug})).status_code == 403
    assert client.get(reverse("leaders:dashboard")).status_code == 403


def test_user_named_a_leader_without_the_role_is_refused(client, two_prisons, belmarsh, django_user_model):
    """Being listed as a leader is not enough without the leader role (group)."""
    user = django_user_model.objects.create_user("no.role", password="x" * 20)
    belmarsh.leaders.add(user)
    client.force_login(user)
    assert client.get(reverse("leaders:home", kwargs={"slug": belmarsh.slug})).status_code == 403


def test_unknown_establishment_is_not_found(client, belmarsh_leader):
    """A made-up prison slug is a 404, not a 500."""
    client.force_login(belmarsh_leader)
    assert client.get(reverse("leaders:home", kwargs={"slug": "nowhere"})).status_code == 404


def test_leader_of_one_prison_goes_straight_to_it(client, belmarsh_leader):
    """/leaders/ takes a leader of one establishment to its dashboard."""
    client.force_login(belmarsh_leader)
    response = client.get(reverse("leaders:dashboard"))
    assert response.status_code == 302
    assert response.url == reverse("leaders:home", kwargs={"slug": "belmarsh"})


def test_leader_of_several_prisons_chooses_one(client, belmarsh, wandsworth, belmarsh_leader):
    """A leader of two establishments picks one and can open either."""
    grant_role(belmarsh_leader.username, Role.LEADER, establishments=[wandsworth])
    client.force_login(belmarsh_leader)
    html = client.get(reverse("leaders:dashboard")).content.decode()
    assert "Choose a prison" in html and "/leaders/belmarsh/" in html and "/leaders/wandsworth/" in html
    assert client.get(reverse("leaders:home", kwargs={"slug": "wandsworth"})).status_code == 200


def test_action_list_shows_only_the_prisons_own_actions(client, two_prisons, belmarsh_leader):
    """The Belmarsh list and CSV never include Wandsworth's actions."""
    client.force_login(belmarsh_leader)
    html = client.get(reverse("leaders:action-list", kwargs={"slug": "belmarsh"})).content.decode()
    assert "Belmarsh action" in html and "Wandsworth secret action" not in html
    csv = client.get(reverse("leaders:action-plan-csv", kwargs={"slug": "belmarsh"})).content.decode()
    assert "Wandsworth" not in csv


@pytest.mark.parametrize("name", ["action", "action-edit", "action-done", "action-drop", "action-history"])
def test_guessing_another_prisons_action_id_is_not_found(client, two_prisons, belmarsh_leader, name):
    """An action of another prison, reached by its id under Belmarsh's address, is a 404."""
    client.force_login(belmarsh_leader)
    url = reverse(f"leaders:{name}", kwargs={"slug": "belmarsh", "pk": two_prisons["their_action"].pk})
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "name, data",
    [
        ("action-edit", {"description": "Hacked", "owner": "", "status": "in_progress", **date_parts("")}),
        ("action-note", {"text": "Hacked"}),
        ("action-done", {"note": "Hacked"}),
        ("action-drop", {"reason": "Hacked"}),
    ],
)
def test_posting_to_another_prisons_action_changes_nothing(client, two_prisons, belmarsh_leader, name, data):
    """A forged form for another prison's action is a 404 and writes nothing."""
    client.force_login(belmarsh_leader)
    action = two_prisons["their_action"]
    url = reverse(f"leaders:{name}", kwargs={"slug": "belmarsh", "pk": action.pk})
    assert client.post(url, data).status_code == 404
    action.refresh_from_db()
    assert action.description == "Wandsworth secret action" and action.status == ActionStatus.IN_PROGRESS
    assert action.history.count() == 1
    assert not ProgressNote.objects.exists()


def test_posting_a_response_or_action_for_another_prisons_recommendation_changes_nothing(
    client, two_prisons, belmarsh_leader
):
    """Another prison's recommendation: 404 under Belmarsh's address, 403 under its own."""
    client.force_login(belmarsh_leader)
    theirs = two_prisons["theirs"]
    for slug, expected in (("belmarsh", 404), ("wandsworth", 403)):
        response_url = reverse("leaders:response", kwargs={"slug": slug, "pk": theirs.pk})
        assert client.post(response_url, {"decision": "accepted"}).status_code == expected
        add_url = reverse("leaders:action-add", kwargs={"slug": slug, "pk": theirs.pk})
        assert client.post(add_url, {"description": "Injected"}).status_code == expected
    assert not Response.objects.exists()
    assert not Action.objects.filter(description="Injected").exists()


def test_publishing_another_prisons_plan_is_refused(client, two_prisons, belmarsh_leader):
    """A leader cannot publish another prison's action plan, by its address or by guessing."""
    client.force_login(belmarsh_leader)
    inspection = two_prisons["theirs"].inspection
    assert (
        client.post(
            reverse("leaders:publish", kwargs={"slug": "wandsworth", "inspection": inspection.slug})
        ).status_code
        == 403
    )
    inspection.refresh_from_db()
    assert not hasattr(inspection, "action_plan")


def test_leader_never_changes_a_judgement_even_through_the_admin(client, two_prisons, belmarsh_leader, hmi_prisons):
    """The admin refuses a leader (not staff): a forged POST changes no judgement."""
    client.force_login(belmarsh_leader)
    judgement = Judgement.objects.get(recommendation=two_prisons["ours"])
    url = reverse("admin:findings_judgement_change", args=[judgement.pk])
    good = level(hmi_prisons, "good-progress")
    response = client.post(
        url, {"level": good.pk, "review": judgement.review_id, "recommendation": judgement.recommendation_id}
    )
    assert response.status_code == 302 and response.url.startswith(reverse("admin:login"))
    assert client.get(reverse("admin:index")).status_code == 302
    judgement.refresh_from_db()
    assert judgement.level.slug == "insufficient-progress"
    assert judgement.history.count() == 1
