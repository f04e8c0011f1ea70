"""`manage.py grant_role` gives people their role, with exactly the permissions it needs."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from recommendations.roles import GROUP_NAMES, Role, role_permissions

User = get_user_model()
GOOD_PASSWORD = "a-long-unusual-passphrase-for-tests"


def grant(*args, stdin=None):
    out = io.StringIO()
    call_command("grant_role", *args, stdout=out, stdin=stdin)
    return out.getvalue()


def test_an_inspector_is_created_for_one_inspectorate(hmi_prisons):
    """A new inspector is staff, in the Inspectors group, tied to their inspectorate."""
    output = grant("jo.bloggs", "inspector", "--inspectorate", "hmi-prisons")
    user = User.objects.get(username="jo.bloggs")
    assert "Created jo.bloggs: inspector for HMI Prisons." in output
    assert "has no password yet" in output and not user.has_usable_password()
    assert user.is_staff and not user.is_superuser
    assert list(user.inspectorates.all()) == [hmi_prisons]
    assert list(user.groups.values_list("name", flat=True)) == ["Inspectors"]
    assert user.has_perm("findings.change_judgement") and not user.has_perm("recommendations.change_action")


def test_a_leader_is_created_for_several_establishments(belmarsh, wandsworth):
    """A leader is never staff and may lead several establishments."""
    output = grant("sam.smith", "leader", "--establishment", "belmarsh", "--establishment", "wandsworth")
    user = User.objects.get(username="sam.smith")
    assert "Created sam.smith: leader for HMP Belmarsh, HMP Wandsworth." in output
    assert not user.is_staff
    assert set(user.led_establishments.all()) == {belmarsh, wandsworth}
    assert user.has_perm("recommendations.change_action") and not user.has_perm("findings.change_judgement")


def test_granting_again_moves_an_inspector_and_updates_the_group(hmi_prisons, ofsted):
    grant("jo.bloggs", "inspector", "--inspectorate", "hmi-prisons")
    output = grant("jo.bloggs", "inspector", "--inspectorate", "ofsted")
    assert "Updated jo.bloggs: inspector for Ofsted." in output
    assert list(User.objects.get(username="jo.bloggs").inspectorates.all()) == [ofsted]


def test_role_groups_have_exactly_the_listed_permissions(hmi_prisons, belmarsh):
    grant("jo.bloggs", "inspector", "--inspectorate", "hmi-prisons")
    grant("sam.smith", "leader", "--establishment", "belmarsh")
    for role in Role.ALL:
        group = Group.objects.get(name=GROUP_NAMES[role])
        expected = {f"{action}_{model}" for _, model, actions in role_permissions(role) for action in actions}
        assert set(group.permissions.values_list("codename", flat=True)) == expected


def test_a_password_from_stdin_must_pass_the_validators(hmi_prisons):
    """A weak password is refused with the validators' own words, and no user is created."""
    with pytest.raises(CommandError) as refused:
        grant(
            "jo.bloggs", "inspector", "--inspectorate", "hmi-prisons", "--password-stdin", stdin=io.StringIO("12345\n")
        )
    message = str(refused.value)
    assert message.startswith("The password was refused:")
    assert "at least 12 characters" in message and "entirely numeric" in message
    assert not User.objects.filter(username="jo.bloggs").exists()

    with pytest.raises(CommandError, match="too similar to the username"):
        grant(
            "jo.bloggs.inspector",
            "inspector",
            "--inspectorate",
            "hmi-prisons",
            "--password-stdin",
            stdin=io.StringIO("jo.bloggs.inspector1\n"),
        )


def test_a_good_password_from_stdin_is_set(hmi_prisons):
    grant(
        "jo.bloggs",
        "inspector",
        "--inspectorate",
        "hmi-prisons",
        "--password-stdin",
        stdin=io.StringIO(GOOD_PASSWORD + "\n"),
    )
    assert User.objects.get(username="jo.bloggs").check_password(GOOD_PASSWORD)


def test_an_empty_stdin_is_refused(hmi_prisons):
    with pytest.raises(CommandError, match="standard input held no password"):
        grant("jo.bloggs", "inspector", "--inspectorate", "hmi-prisons", "--password-stdin", stdin=io.StringIO(""))


@pytest.mark.parametrize(
    "args, message",
    [
        (["jo", "auditor"], "Unknown role “auditor”: choose one of inspector, leader."),
        (["jo", "inspector", "--inspectorate", "hmip"], "No inspectorate “hmip”. Known inspectorates:"),
        (["jo", "inspector"], "An inspector needs an inspectorate."),
        (["jo", "leader"], "A leader needs at least one establishment."),
        (["jo", "leader", "--establishment", "nowhere"], "No establishment “nowhere”."),
        (["jo", "leader", "--establishment", "belmarsh", "--inspectorate", "ofsted"], "not to an inspectorate"),
    ],
)
def test_bad_input_is_refused_with_a_sentence(belmarsh, args, message):
    """Unknown roles and slugs are named; nothing is written."""
    with pytest.raises(CommandError) as refused:
        grant(*args)
    assert message in str(refused.value)
    assert not User.objects.filter(username="jo").exists()


def test_a_leader_cannot_also_be_made_an_inspector(belmarsh, hmi_prisons):
    """Leaders never reach the inspectors' workspace: one person holds one role."""
    grant("sam.smith", "leader", "--establishment", "belmarsh")
    with pytest.raises(CommandError, match="sam.smith is already a leader"):
        grant("sam.smith", "inspector", "--inspectorate", "hmi-prisons")
    assert not User.objects.get(username="sam.smith").is_staff


def test_dry_run_writes_nothing(hmi_prisons):
    output = grant("jo.bloggs", "inspector", "--inspectorate", "hmi-prisons", "--dry-run")
    assert "nothing was written" in output
    assert not User.objects.filter(username="jo.bloggs").exists()
