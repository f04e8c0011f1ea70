"""Signing in, your account (e-mail address, password change and reset), and the door of the
inspectors' workspace, for everyone who is not an inspector.

After signing in each person goes where they work (``workspace_url``): an inspector to the
inspectors' workspace (the admin), a leader of one establishment to its dashboard, a leader of
several to the chooser, anyone else to the home page. A safe ``next`` (same host) wins.

The admin sends every request it refuses to its own login page. That page would show a
signed-in leader Django's raw "not authorized" form, so ``admin_door`` stands in front of it:
anonymous people get the site's own sign-in page (the same throttled form), a leader goes to
their dashboard, anyone else signed in gets the site's own 403 page. Leaders never see a page
of the admin.
"""

import hashlib

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.core.exceptions import PermissionDenied
from django.core.validators import MaxLengthValidator
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from common import throttle
from common.client import client_address
from recommendations.roles import RoleError, email_taken, is_inspector, led_establishments, normalise_email


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
        message = gettext("Enter a username of %(limit)d characters or fewer.") % {"limit": field.max_length}
        field.validators.append(MaxLengthValidator(field.max_length, message=message))
        field.error_messages["required"] = gettext("Enter your username.")
        self.fields["password"].error_messages["required"] = gettext("Enter your password.")


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
    raise PermissionDenied(gettext("The inspectors’ workspace is only for inspectors."))


# --- Your account: e-mail address, password change and reset ----------------------------------


def throttled(request, what, limit, period=60 * 60, extra=""):
    """True once ``what`` has been tried more than ``limit`` times in ``period`` seconds, counted
    for ``extra`` (an e-mail address, a username) when given, else for the network address; kept
    in the shared cache, so every worker process counts together."""
    # An address or username is hashed: the shared cache (Redis) holds no list of who tried.
    who = f"for:{hashlib.sha256(extra.lower().encode()).hexdigest()[:32]}" if extra else f"ip:{client_address(request)}"
    return throttle.tries(f"throttle:{what}:{who}", period) > limit


class EmailChangeForm(forms.Form):
    email = forms.EmailField(
        label=_("New email address"),
        max_length=254,
        error_messages={
            "required": _("Enter your new email address"),
            "invalid": _("Enter an email address in the correct format, like name@example.org"),
        },
        widget=forms.EmailInput(attrs={"class": "govuk-input", "autocomplete": "email", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label=_("Your password"),
        help_text=_("To check it is you."),
        error_messages={"required": _("Enter your password")},
        widget=forms.PasswordInput(
            attrs={"class": "govuk-input govuk-!-width-one-half", "autocomplete": "current-password"}
        ),
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_email(self):
        try:
            email = normalise_email(self.cleaned_data["email"])
        except RoleError as error:
            raise forms.ValidationError(str(error)) from None
        if email_taken(email, self.user):
            raise forms.ValidationError(
                gettext("Another account has this email address: one address belongs to one person.")
            )
        return email

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(gettext("The password is not right"))
        return password


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def account(request):
    """A signed-in person's own account: who they are, what they lead, their e-mail address (for
    reminders and password resets), and the way to change their password."""
    user = request.user
    form = EmailChangeForm(user, request.POST or None)
    if request.method == "POST":
        if throttled(request, "email-change", 10, extra=user.get_username()):
            form.add_error(None, gettext("Too many attempts: wait an hour, then try again."))
        elif form.is_valid():
            user.email = form.cleaned_data["email"]
            user.save(update_fields=["email"])
            messages.success(request, gettext("Your email address is now %(email)s.") % {"email": user.email})
            return redirect("account")
    context = {
        "form": form,
        "establishments": list(led_establishments(user)),
        "inspects": is_inspector(user),
    }
    return render(request, "registration/account.html", context, status=400 if form.errors else 200)


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset form, also for accounts that have no password yet (a role granted with
    ``grant_role --email`` and no password): the e-mailed link is how they choose their first."""

    def get_users(self, email):
        User = get_user_model()
        return User._default_manager.filter(email__iexact=email, is_active=True)


class PasswordResetView(auth_views.PasswordResetView):
    """Throttled: five requests an hour for one address, twenty from one network address. The
    answer is the same whether or not the address has an account."""

    form_class = PasswordResetForm
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    @property
    def extra_email_context(self):
        # Links built on DJANGO_SITE_URL, never on the request's Host header.
        return {"site_url": settings.SITE_URL, "service_name": settings.SERVICE_NAME}

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        if throttled(self.request, "password-reset", 20) or throttled(
            self.request, "password-reset-email", 5, extra=email
        ):
            return redirect(self.get_success_url())  # the same answer: nothing tells what happened
        return super().form_valid(form)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Throttled: ten attempts an hour for one person, so the old password cannot be guessed here."""

    def post(self, request, *args, **kwargs):
        if throttled(request, "password-change", 10, extra=request.user.get_username()):
            form = self.get_form()
            form.is_valid()
            form.add_error(None, gettext("Too many attempts: wait an hour, then try again."))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)
