"""Where each person lands after signing in, and what a leader meets at the admin's door."""

import pytest
from django.urls import reverse

from recommendations.roles import Role, grant_role
from tests.conftest import PASSWORD


def sign_in(client, username, next_url=None):
    data = {"username": username, "password": PASSWORD}
    if next_url is not None:
        data["next"] = next_url
    return client.post(reverse("login"), data)


def test_an_inspector_lands_in_the_inspectors_workspace(client, hmi_inspector):
    response = sign_in(client, "hmi.inspector")
    assert response.status_code == 302 and response["Location"] == reverse("admin:index")


def test_a_leader_of_one_prison_lands_on_its_dashboard(client, belmarsh_leader, belmarsh):
    response = sign_in(client, "belmarsh.leader")
    assert response["Location"] == reverse("leaders:home", args=[belmarsh.slug])


def test_a_leader_of_several_prisons_lands_on_the_chooser(client, belmarsh, wandsworth):
    grant_role("two.prisons", Role.LEADER, establishments=[belmarsh, wandsworth], password=PASSWORD)
    response = sign_in(client, "two.prisons")
    assert response["Location"] == reverse("leaders:dashboard")
    chooser = client.get(response["Location"]).content.decode()
    assert "HMP Belmarsh" in chooser and "HMP Wandsworth" in chooser


def test_someone_with_no_role_lands_on_the_home_page(client, django_user_model):
    user = django_user_model.objects.create_user("no.role", password=PASSWORD)
    assert user.pk
    response = sign_in(client, "no.role")
    assert response["Location"] == reverse("public:home")


@pytest.mark.parametrize("username", ["hmi.inspector", "belmarsh.leader"])
def test_a_safe_next_is_honoured(client, hmi_inspector, belmarsh_leader, username):
    """The page a person asked for before signing in wins over their workspace."""
    wanted = reverse("public:recommendation-list") + "?q=force"
    assert sign_in(client, username, wanted)["Location"] == wanted


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/path", "javascript:alert(1)"])
def test_an_unsafe_next_is_ignored(client, belmarsh_leader, belmarsh, next_url):
    """A next that leaves the site is ignored: the leader goes to their dashboard instead."""
    response = sign_in(client, "belmarsh.leader", next_url)
    assert response["Location"] == reverse("leaders:home", args=[belmarsh.slug])


@pytest.mark.parametrize("path", ["/admin/", "/admin/findings/judgement/", "/admin/login/"])
def test_a_leader_opening_the_admin_goes_to_their_dashboard(client, belmarsh_leader, belmarsh, path):
    """Never Django's "not authorized" page: the leader ends on their own dashboard."""
    client.force_login(belmarsh_leader)
    response = client.get(path, follow=True)
    assert response.redirect_chain[-1][0] == reverse("leaders:home", args=[belmarsh.slug])
    page = response.content.decode()
    assert "not authorized" not in page and "Django" not in page
    assert "Open recommendations and your action plan" in page


def test_a_signed_in_person_without_a_role_gets_the_sites_own_403_at_the_admin(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("no.role", password=PASSWORD))
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    page = response.content.decode()
    assert "You cannot open this page" in page and "not authorized" not in page


def test_the_public_at_the_admin_gets_the_sites_sign_in_page(client, hmi_inspector):
    """Anonymous: the site's own sign-in form, which takes an inspector on to the admin."""
    response = client.get("/admin/", follow=True)
    page = response.content.decode()
    assert response.status_code == 200 and "Inspectors and prison leaders sign in here" in page
    assert 'name="next" value="/admin/"' in page
    assert sign_in(client, "hmi.inspector", "/admin/")["Location"] == "/admin/"


def test_a_signed_in_inspector_at_the_admin_login_goes_to_the_admin(client, hmi_inspector):
    client.force_login(hmi_inspector)
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302 and response["Location"] == reverse("admin:index")
