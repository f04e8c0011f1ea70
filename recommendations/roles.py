"""The two signed-in roles and the permissions each needs, in one place.

An *inspector* belongs to one inspectorate and works in the admin (the inspectors'
workspace); a *leader* runs the response and actions of one or more establishments on the
leaders' pages and never reaches the admin.
"""

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists


class Role:
    INSPECTOR = "inspector"
    LEADER = "leader"
    ALL = (INSPECTOR, LEADER)


GROUP_NAMES = {Role.INSPECTOR: "Inspectors", Role.LEADER: "Prison leaders"}

# (app label, model, actions) each role may perform on this app's models. Other model apps
# declare theirs on their AppConfig as ``role_permissions`` (``findings.apps``), so that this
# app never names another's permissions; ``role_permissions()`` gathers them all.
PERMISSIONS = {
    Role.INSPECTOR: [
        ("recommendations", "establishment", ["view"]),
        ("recommendations", "inspectorate", ["view"]),
        ("recommendations", "inspection", ["view", "add", "change"]),
        ("recommendations", "teammember", ["view", "add", "change", "delete"]),
        ("recommendations", "healthyprisonscore", ["view", "add", "change", "delete"]),
        ("recommendations", "recommendation", ["view", "add", "change"]),
        ("recommendations", "unpublication", ["view"]),
        ("recommendations", "auditevent", ["view"]),
        # To withdraw a published action plan (``actions.may_withdraw_plan``); its form changes nothing else.
        ("recommendations", "actionplan", ["view", "change"]),
        ("recommendations", "actionplanwithdrawal", ["view"]),
        # Announcing a coming review (recommendations.announcements), for its lead inspectorate.
        ("recommendations", "reviewannouncement", ["view", "add", "change"]),
    ],
    Role.LEADER: [
        ("recommendations", "response", ["view", "add", "change"]),
        ("recommendations", "action", ["view", "add", "change"]),
        ("recommendations", "progressnote", ["view", "add"]),
        ("recommendations", "targetdatechange", ["view", "add"]),
        ("recommendations", "actionplan", ["view", "add", "change"]),
    ],
}


class RoleError(ValueError):
    """A role cannot be granted as asked; the message says why in a sentence."""


def normalise_email(email):
    """An e-mail address as stored on a user: stripped, its domain in lower case; RoleError if it
    is not an address."""
    from django.contrib.auth.base_user import BaseUserManager
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    email = BaseUserManager.normalize_email((email or "").strip())
    try:
        validate_email(email)
    except ValidationError:
        raise RoleError(f"“{email}” is not an email address, like name@example.org.") from None
    return email


def email_taken(email, user=None):
    """True when another user than ``user`` already has ``email`` (case does not matter)."""
    from django.contrib.auth import get_user_model

    others = get_user_model().objects.filter(email__iexact=email)
    if user is not None:
        others = others.exclude(pk=user.pk)
    return others.exists()


def inspectorate_ids(user):
    """The inspectorates whose recommendations ``user`` may judge: all (None) for a superuser,
    their own for an inspector, none for anyone else. Cached on the user: one query a request."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    if user.is_superuser:
        return None
    if not hasattr(user, "_judged_inspectorate_ids"):
        user._judged_inspectorate_ids = frozenset(user.inspectorates.values_list("pk", flat=True))
    return user._judged_inspectorate_ids


def led_establishments(user):
    """The establishments whose leaders' pages ``user`` may open: those they lead while they
    hold the leader role. The one rule behind ``leader_view``, the chooser and the navigation."""
    from recommendations.models import Establishment

    if not user.is_authenticated or not user.is_active:
        return Establishment.objects.none()
    has_role = user.groups.through.objects.filter(user=user.pk, group__name=GROUP_NAMES[Role.LEADER])
    return Establishment.objects.filter(leaders=user.pk).filter(Exists(has_role))


def is_inspector(user):
    """True for a signed-in inspector: in the inspectors' group or tied to an inspectorate, and
    staff (so the admin lets them in); superusers too. Cached on the user: one query a request."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if not user.is_staff:
        return False
    if not hasattr(user, "_is_inspector"):
        user._is_inspector = user.groups.filter(name=GROUP_NAMES[Role.INSPECTOR]).exists() or bool(
            inspectorate_ids(user)
        )
    return user._is_inspector


def navigation_links(user):
    """Which of the layout's links a signed-in ``user`` gets (``settings.NAVIGATION_LINKS``, read by
    ``common.context_processors.navigation``): "Your prison" by the rule of the leaders' pages,
    "Inspectors' workspace" by the rule of the admin."""
    return {"leads": led_establishments(user).exists(), "inspects": is_inspector(user)}


def may_judge(user, inspectorate_id):
    """True when ``user`` may record or change judgements for this inspectorate."""
    allowed = inspectorate_ids(user)
    return allowed is None or inspectorate_id in allowed


def may_write_report_text(user, inspection):
    """True when ``user`` may add, change or delete ``inspection``'s report text outside evidence
    paragraphs (summary, key findings, notable practice, team, scores): a superuser, or an
    inspector of the inspectorate that leads it."""
    allowed = inspectorate_ids(user)
    if allowed is None:
        return True
    return inspection is not None and inspection.lead_inspectorate_id in allowed


def role_permissions(role):
    """Every (app label, model, actions) ``role`` needs: this app's and each installed app's
    ``role_permissions`` declared on its AppConfig."""
    found = list(PERMISSIONS.get(role, []))
    for config in apps.get_app_configs():
        found.extend(getattr(config, "role_permissions", {}).get(role, []))
    return found


def role_group(role):
    """The group for ``role`` with exactly the permissions it needs (created or brought up to date)."""
    from django.contrib.auth.models import Group, Permission  # imported late: AppConfigs import this module

    group, _ = Group.objects.get_or_create(name=GROUP_NAMES[role])
    wanted = {
        (app_label, f"{action}_{model}") for app_label, model, actions in role_permissions(role) for action in actions
    }
    found = {  # one query for them all, not one each
        (permission.content_type.app_label, permission.codename): permission
        for permission in Permission.objects.select_related("content_type").filter(
            content_type__app_label__in={app_label for app_label, _ in wanted},
            codename__in={codename for _, codename in wanted},
        )
    }
    if missing := sorted(wanted - found.keys()):
        raise Permission.DoesNotExist(f"No such permissions: {', '.join('.'.join(key) for key in missing)}")
    group.permissions.set(found[key] for key in wanted)
    return group


@transaction.atomic
def grant_role(username, role, *, inspectorate=None, establishments=(), password=None, email=None, by=None):
    """Create the user if needed and give them ``role``; returns (user, created).

    An inspector is tied to exactly one inspectorate (and is staff, to reach the admin); a
    leader to one or more establishments (and never staff). ``email`` (when given) becomes the
    address reminders and password resets go to; one address belongs to one person. Recorded in
    the audit trail, with ``by`` (who granted it) when known.
    """
    from recommendations.audit import record_audit_event  # imported late: models import this module

    if role not in Role.ALL:
        raise RoleError(f"Unknown role {role!r}: choose inspector or leader.")
    if role == Role.INSPECTOR and inspectorate is None:
        raise RoleError("An inspector needs an inspectorate.")
    if role == Role.INSPECTOR and establishments:
        raise RoleError("An inspector is tied to an inspectorate, not to establishments.")
    if role == Role.LEADER and not establishments:
        raise RoleError("A leader needs at least one establishment.")
    if role == Role.LEADER and inspectorate is not None:
        raise RoleError("A leader is tied to establishments, not to an inspectorate.")

    User = get_user_model()
    if email is not None:
        email = normalise_email(email)
        if email_taken(email, User.objects.filter(username=username).first()):
            raise RoleError(f"{email} is already another person’s email address: one address belongs to one person.")
    user, created = User.objects.get_or_create(username=username)
    other = Role.LEADER if role == Role.INSPECTOR else Role.INSPECTOR
    if not created and user.groups.filter(name=GROUP_NAMES[other]).exists():
        # Leaders never reach the inspectors' workspace, so one person never holds both roles.
        article = "an" if other == Role.INSPECTOR else "a"
        raise RoleError(f"{username} is already {article} {other}: a person holds one role, not both.")
    if password is not None:
        user.set_password(password)
    elif created:
        user.set_unusable_password()
    user.is_staff = role == Role.INSPECTOR or user.is_superuser
    if email is not None:
        user.email = email
    user.save()
    user.groups.add(role_group(role))
    if role == Role.INSPECTOR:
        # One inspectorate per inspector: a new grant moves them.
        user.inspectorates.set([inspectorate])
        where = str(inspectorate)
    else:
        user.led_establishments.add(*establishments)
        where = ", ".join(str(e) for e in establishments)
    record_audit_event(
        "role-granted",
        user=by,
        summary=f"{username} {'created and ' if created else ''}granted the {role} role for {where}.",
    )
    return user, created
