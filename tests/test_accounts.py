"""Leaders' accounts that work: an e-mail address from `grant_role --email`, an account page to
change it, and password change and reset on the site's own pages, throttled."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from tests.conftest import PASSWORD

User = get_user_model()
NEW_PASSWORD = "a-brand-new-long-passphrase"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "https://tracker.example.org"


def grant(*args):
    out = io.StringIO()
    call_command("grant_role", *args, stdout=out)
    return out.getvalue()


def test_grant_role_sets_an_email_address(belmarsh):
    """A new leader with an address and no password is told how to choose one."""
    output = grant("sam.smith", "leader", "--establishment", "belmarsh", "--email", "Sam.Smith@Belmarsh.Example")
    user = User.objects.get(username="sam.smith")
    assert user.email == "Sam.Smith@belmarsh.example"
    assert "“Forgotten your password?”" in output and "sam.smith@belmarsh.example".lower() in output.lower()
    output = grant("jo.bloggs", "leader", "--establishment", "belmarsh")
    assert "jo.bloggs has no email address: they get no reminders" in output


@pytest.mark.parametrize(
    "address, message",
    [
        ("not-an-address", "is not an email address"),
        ("governor@belmarsh.example", "is already another person’s email address"),
    ],
)
def test_grant_role_refuses_a_bad_or_taken_address(belmarsh, belmarsh_leader, address, message):
    belmarsh_leader.email = "governor@belmarsh.example"
    belmarsh_leader.save()
    with pytest.raises(CommandError, match=message):
        grant("sam.smith", "leader", "--establishment", "belmarsh", "--email", address)
    assert not User.objects.filter(username="sam.smith").exists()


def test_a_leader_changes_their_email_address_with_their_password(client, belmarsh_leader):
    client.force_login(belmarsh_leader)
    page = client.get(reverse("account"))
    assert "HMP Belmarsh" in page.content.decode() and "None yet" in page.content.decode()
    wrong = client.post(reverse("account"), {"email": "me@belmarsh.example", "password": "guess"})
    assert wrong.status_code == 400 and "The password is not right" in wrong.content.decode()
    response = client.post(reverse("account"), {"email": "me@belmarsh.example", "password": PASSWORD})
    assert response.status_code == 302
    belmarsh_leader.refresh_from_db()
    assert belmarsh_leader.email == "me@belmarsh.example"
    assert "Your email address is now me@belmarsh.example." in client.get(reverse("account")).content.decode()


def test_an_address_belongs_to_one_person(client, belmarsh_leader, other_leader):
    other_leader.email = "taken@example.org"
    other_leader.save()
    client.force_login(belmarsh_leader)
    response = client.post(reverse("account"), {"email": "TAKEN@example.org", "password": PASSWORD})
    assert response.status_code == 400 and "Another account has this email address" in response.content.decode()


def test_the_account_page_needs_signing_in(client):
    response = client.get(reverse("account"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_password_is_reset_by_email(client, belmarsh_leader):
    """The link goes to the account's address, on DJANGO_SITE_URL; it works once."""
    belmarsh_leader.email = "governor@belmarsh.example"
    belmarsh_leader.save()
    assert "Forgotten your password?" in client.get(reverse("login")).content.decode()
    assert client.get("/password_reset/").url == reverse("password_reset")  # Django's usual address: was a 404
    response = client.post(reverse("password_reset"), {"email": "GOVERNOR@belmarsh.example"}, HTTP_HOST="localhost")
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["governor@belmarsh.example"]
    link = re.search(r"https://tracker\.example\.org(/password-reset/[^\s]+/)", message.body).group(1)
    page = client.get(link, follow=True)
    assert "Choose a new password" in page.content.decode()
    set_password = page.redirect_chain[-1][0]
    response = client.post(set_password, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    belmarsh_leader.refresh_from_db()
    assert belmarsh_leader.check_password(NEW_PASSWORD)
    assert "This link does not work" in client.get(link, follow=True).content.decode()
    assert client.post(reverse("login"), {"username": "belmarsh.leader", "password": NEW_PASSWORD}).status_code == 302


def test_a_new_account_without_a_password_chooses_its_first_by_reset(client, belmarsh):
    grant("sam.smith", "leader", "--establishment", "belmarsh", "--email", "sam@belmarsh.example")
    client.post(reverse("password_reset"), {"email": "sam@belmarsh.example"})
    assert len(mail.outbox) == 1 and "sam.smith" in mail.outbox[0].body


def test_reset_says_the_same_for_an_unknown_address_and_is_throttled(client, belmarsh_leader):
    belmarsh_leader.email = "governor@belmarsh.example"
    belmarsh_leader.save()
    unknown = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert unknown.status_code == 302 and unknown.url == reverse("password_reset_done")
    assert mail.outbox == []
    for _ in range(8):
        response = client.post(reverse("password_reset"), {"email": "governor@belmarsh.example"})
        assert response.url == reverse("password_reset_done")
    assert len(mail.outbox) == 5


def test_a_password_is_changed_with_the_old_one_and_guessing_is_throttled(client, belmarsh_leader):
    client.force_login(belmarsh_leader)
    page = client.get(reverse("password_change"))
    assert page.status_code == 200 and "Change your password" in page.content.decode()
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302 and response.url == reverse("password_change_done")
    belmarsh_leader.refresh_from_db()
    assert belmarsh_leader.check_password(NEW_PASSWORD)
    for _ in range(9):
        client.post(reverse("password_change"), {"old_password": "guess", "new_password1": "x", "new_password2": "x"})
    refused = client.post(
        reverse("password_change"),
        {"old_password": NEW_PASSWORD, "new_password1": PASSWORD, "new_password2": PASSWORD},
    )
    assert refused.status_code == 429 and "Too many attempts" in refused.content.decode()
    belmarsh_leader.refresh_from_db()
    assert belmarsh_leader.check_password(NEW_PASSWORD)
