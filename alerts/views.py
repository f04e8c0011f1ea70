"""The pages of following by e-mail, on GOV.UK's "Get emails about this page" pattern.

Nobody signs in: a signed link in an e-mail is the only key (``alerts.tokens``). Pages reached by
such a link are never cached and never indexed; the site's ``Referrer-Policy: same-origin``
keeps the key from other sites (``no-referrer`` would make browsers send ``Origin: null`` with
the page's own forms, which CSRF protection refuses). Every change is a POST; the one-click
unsubscribe (RFC 8058) is the only POST without a CSRF token, because a mail client sends it,
and its signed token is the proof.
"""

from functools import wraps

from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from alerts import subscribing, tokens
from alerts.forms import FollowForm, FrequencyForm, ManageLinkForm
from alerts.models import Frequency, Subscription, Topic
from alerts.sending import manage_url
from common.client import client_address

SESSION_EMAIL = "alerts:email"

# What the manage page says once a frequency is changed: a whole sentence for each, which a
# translator may order as their language needs.
CHANGED = {
    Frequency.IMMEDIATELY: gettext_lazy("You will get emails about %(title)s immediately."),
    Frequency.DAILY: gettext_lazy("You will get emails about %(title)s once a day."),
    Frequency.WEEKLY: gettext_lazy("You will get emails about %(title)s once a week."),
}


def private(view):
    """A page reached by a signed link: not cached, not indexed."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return wrapper


def _target(topic, slug):
    if topic == Topic.ESTABLISHMENT:
        establishment = subscribing.public_establishment(slug)
        if establishment is None:
            raise Http404("No establishment with that address has anything published.")
        return subscribing.Target(topic, establishment=establishment)
    if topic == Topic.AREA:
        area = subscribing.public_area(slug)
        if area is None:
            raise Http404("No published recommendation is in that area.")
        return subscribing.Target(topic, area_slug=area[0], area_name=area[1])
    return subscribing.Target(Topic.EVERYTHING)


@require_http_methods(["GET", "HEAD", "POST"])
def follow(request, topic, slug=None):
    """How often, and which address: then a confirmation e-mail."""
    target = _target(topic, slug)
    form = FollowForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not subscribing.too_many_from(client_address(request)):  # else the same answer, nothing sent
            subscribing.request_subscription(form.cleaned_data["email"], target, form.cleaned_data["frequency"])
        request.session[SESSION_EMAIL] = form.cleaned_data["email"].strip().lower()
        request.session["alerts:title"] = str(target.about)  # the session holds text, not a lazy translation
        return HttpResponseRedirect(reverse("alerts:check-email"))
    status = 400 if form.errors else 200
    return render(request, "alerts/follow.html", {"form": form, "target": target}, status=status)


@private
def check_email(request):
    return render(
        request,
        "alerts/check_email.html",
        {"email": request.session.get(SESSION_EMAIL, ""), "title": request.session.get("alerts:title", "")},
    )


def _invalid_link(request, what):
    return render(request, "alerts/invalid_link.html", {"what": what}, status=404)


@private
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, token):
    """The link in the confirmation e-mail: a page with a button (a mail scanner that opens the
    link confirms nothing); the button confirms."""
    try:
        subscription = tokens.read_confirm_token(token)
    except tokens.BadToken:
        return _invalid_link(request, "confirm")
    if request.method == "POST" or subscription.is_confirmed:
        if request.method == "POST":
            subscription = subscribing.confirm(subscription, language=subscribing.current_language())
        return render(
            request,
            "alerts/confirmed.html",
            {"subscription": subscription, "manage_url": manage_url(subscription.subscriber)},
        )
    return render(
        request,
        "alerts/confirm.html",
        {"subscription": subscription, "frequency": Frequency(subscription.frequency)},
    )


@private
@require_http_methods(["GET", "HEAD", "POST"])
def manage(request, token):
    """Every subscription of one address: change how often, stop one, or stop them all."""
    try:
        subscriber = tokens.read_manage_token(token)
    except tokens.BadToken:
        return _invalid_link(request, "manage")
    subscriptions = list(subscriber.subscriptions.select_related("establishment"))
    errors = {}
    done = ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        chosen = next((s for s in subscriptions if str(s.pk) == request.POST.get("subscription", "")), None)
        if action == "stop-all":
            subscribing.unsubscribe(subscriber.pk, subscriber.key)
            return render(request, "alerts/unsubscribed.html", {"titles": [s.about for s in subscriptions]})
        if chosen is None:
            posted = request.POST.get("subscription", "")
            if (
                action in ("stop", "frequency")
                and posted.isdigit()
                and not Subscription.objects.filter(pk=posted).exists()
            ):
                # Stopped already (a double click, a second tab): the page as it now is.
                return HttpResponseRedirect(request.path)
            return _invalid_link(request, "manage")
        if action == "stop":
            titles = subscribing.unsubscribe(subscriber.pk, subscriber.key, [chosen.pk])
            if not subscriber.subscriptions.exists():
                return render(request, "alerts/unsubscribed.html", {"titles": titles})
            done = gettext("You will not get any more emails about %(title)s.") % {"title": chosen.about}
        elif action == "frequency":
            form = FrequencyForm(request.POST)
            if form.is_valid():
                frequency = Frequency(form.cleaned_data["frequency"])
                subscribing.change_frequency(chosen, frequency)
                done = CHANGED[frequency] % {"title": chosen.about}
            else:
                errors[chosen.pk] = form.errors["frequency"][0]
        else:
            return _invalid_link(request, "manage")
        if not errors:
            # Post/redirect/get: a reload does not post again.
            request.session["alerts:done"] = done
            return HttpResponseRedirect(request.path)
        subscriptions = list(subscriber.subscriptions.select_related("establishment"))
    for subscription in subscriptions:
        subscription.error = errors.get(subscription.pk, "")
        subscription.frequency_label = Frequency(subscription.frequency).label
    return render(
        request,
        "alerts/manage.html",
        {
            "subscriber": subscriber,
            "subscriptions": subscriptions,
            "frequencies": Frequency.choices,
            "done": request.session.pop("alerts:done", ""),
        },
        status=400 if errors else 200,
    )


@private
@require_http_methods(["GET", "HEAD", "POST"])
def manage_link(request):
    """No account, so a lost management link is sent again to the address that asks."""
    form = ManageLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not subscribing.too_many_from(client_address(request)):  # else the same answer, nothing sent
            subscribing.request_manage_link(form.cleaned_data["email"])
        return render(request, "alerts/manage_link_sent.html", {"email": form.cleaned_data["email"]})
    return render(request, "alerts/manage_link.html", {"form": form}, status=400 if form.errors else 200)


@csrf_exempt
@private
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    """RFC 8058: a POST (``List-Unsubscribe=One-Click`` from a mail client, or the button on
    this page) unsubscribes at once; a GET only shows the button."""
    try:
        subscriber_id, key, ids = tokens.read_unsubscribe_token(token)
    except tokens.BadToken:
        return _invalid_link(request, "unsubscribe")
    if request.method == "POST":
        titles = subscribing.unsubscribe(subscriber_id, key, ids)
        return render(request, "alerts/unsubscribed.html", {"titles": titles})
    subscriptions = subscribing.still_following(subscriber_id, key, ids)
    return render(request, "alerts/unsubscribe.html", {"subscriptions": subscriptions})
