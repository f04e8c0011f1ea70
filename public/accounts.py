"""Signing in, and the door of the inspectors' workspace, for everyone who is not an inspector.

After signing in each person goes where they work (``workspace_url``): an inspector to the
inspectors' workspace (the admin), a leader of one establishment to its dashboard, a leader of
several to the chooser, anyone else to the home page. A safe ``next`` (same host) wins.

The admin sends every request it refuses to its own login page. That page would show a
signed-in leader Django's raw "not authorized" form, so ``admin_door`` stands in front of it:
anonymous people get the site's own sign-in page (the same throttled form), a leader goes to
their dashboard, anyone else signed in gets the site's own 403 page. Leaders never see a page
of the admin.
"""

from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.core.exceptions import PermissionDenied
from django.core.validators import MaxLengthValidator
from django.shortcuts import redirect, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme

from recommendations.roles import is_inspector, led_establishments


def workspace_url(user):
    """Where ``user`` works: the admin, their establishment's dashboard, the chooser, or home."""
    if is_inspector(user):
        return resolve_url("admin:index")
    led = list(led_establishments(user).values_list("slug", flat=True)[:2])
    if len(led) == 1:
        return resolve_url("leaders:home", slug=led[0])
    if led:
        return resolve_url("leaders:dashboard")
    return resolve_url("public:home")


class SignInForm(AuthenticationForm):
    """Django's sign-in form, with its username's length checked: Django sets the limit on the
    field after the field is made, so no validator enforces it, and a longer username reached
    django-axes, whose record of failed attempts holds 255 characters (a 500 on PostgreSQL).
    Over the limit, the form says so and nothing is authenticated or recorded."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        message = f"Enter a username of {field.max_length} characters or fewer."
        field.validators.append(MaxLengthValidator(field.max_length, message=message))
        field.error_messages["required"] = "Enter your username."
        self.fields["password"].error_messages["required"] = "Enter your password."


class SignInView(LoginView):
    """Django's sign-in (throttled by django-axes), landing each person in their own workspace."""

    form_class = SignInForm

    def get_default_redirect_url(self):
        return workspace_url(self.request.user)


def _safe_next(request):
    target = request.GET.get("next", "")
    allowed = url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure())
    return target if allowed else ""


def admin_door(request):
    """Stands in for the admin's login page (``/admin/login/``); see the module's docstring."""
    user = request.user
    if not user.is_authenticated:
        return SignInView.as_view()(request)
    if user.is_active and user.is_staff:
        # Staff who are signed in: the admin's own pages decide what they may open.
        return redirect(_safe_next(request) or "admin:index")
    if led_establishments(user).exists():
        return redirect(workspace_url(user))
    raise PermissionDenied("The inspectors’ workspace is only for inspectors.")
