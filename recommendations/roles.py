"""The two signed-in roles and the permissions each needs, in one place.

An *inspector* belongs to one inspectorate and works in the admin (the inspectors'
workspace); a *leader* runs the response and actions of one or more establishments on the
leaders' pages and never reaches the admin.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction


class Role:
    INSPECTOR = "inspector"
    LEADER = "leader"
    ALL = (INSPECTOR, LEADER)


GROUP_NAMES = {Role.INSPECTOR: "Inspectors", Role.LEADER: "Prison leaders"}

# (app label, model, actions) each role may perform.
PERMISSIONS = {
    Role.INSPECTOR: [
        ("recommendations", "establishment", ["view"]),
        ("recommendations", "inspectorate", ["view"]),
        ("recommendations", "inspection", ["view", "add", "change"]),
        ("recommendations", "teammember", ["view", "add", "change", "delete"]),
        ("recommendations", "healthyprisonscore", ["view", "add", "change", "delete"]),
        ("recommendations", "recommendation", ["view", "add", "change"]),
        ("findings", "progresslevel", ["view"]),
        ("findings", "judgement", ["view", "add", "change", "delete"]),
        ("findings", "paragraph", ["view", "add", "change", "delete"]),
        ("findings", "notablepractice", ["view", "add", "change", "delete"]),
    ],
    Role.LEADER: [
        ("recommendations", "response", ["view", "add", "change"]),
        ("recommendations", "action", ["view", "add", "change"]),
        ("recommendations", "progressnote", ["view", "add"]),
        ("recommendations", "targetdatechange", ["view", "add"]),
        ("recommendations", "actionplan", ["view", "add", "change"]),
    ],
}


def role_group(role):
    """The group for ``role`` with exactly the permissions it needs (created or brought up to date)."""
    group, _ = Group.objects.get_or_create(name=GROUP_NAMES[role])
    wanted = []
    for app_label, model, actions in PERMISSIONS[role]:
        for action in actions:
            wanted.append(Permission.objects.get(content_type__app_label=app_label, codename=f"{action}_{model}"))
    group.permissions.set(wanted)
    return group


@transaction.atomic
def grant_role(username, role, *, inspectorate=None, establishments=(), password=None):
    """Create the user if needed and give them ``role``; returns (user, created).

    An inspector is tied to exactly one inspectorate (and is staff, to reach the admin); a
    leader to one or more establishments (and never staff).
    """
    if role not in Role.ALL:
        raise ValueError(f"Unknown role {role!r}: choose inspector or leader.")
    if role == Role.INSPECTOR and inspectorate is None:
        raise ValueError("An inspector needs an inspectorate.")
    if role == Role.LEADER and not establishments:
        raise ValueError("A leader needs at least one establishment.")

    User = get_user_model()
    user, created = User.objects.get_or_create(username=username)
    if password is not None:
        user.set_password(password)
    elif created:
        user.set_unusable_password()
    user.is_staff = role == Role.INSPECTOR or user.is_superuser
    user.save()
    user.groups.add(role_group(role))
    if role == Role.INSPECTOR:
        # One inspectorate per inspector: a new grant moves them.
        user.inspectorates.set([inspectorate])
    else:
        user.led_establishments.add(*establishments)
    return user, created
