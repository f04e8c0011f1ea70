"""Prison leaders' pages: their prison's open recommendations, response and actions.

Every page is at ``/leaders/<establishment-slug>/…`` and goes through ``leader_view``, the one
access rule: anonymous people are sent to sign in; a signed-in user who does not lead that
establishment gets 403; an object (recommendation, action, inspection) that does not belong to
the establishment in the address is not found (404), because every object is looked up in a
queryset scoped to that establishment. Changes go through ``recommendations.actions``.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, FloatField, OuterRef, Prefetch, Subquery, Value
from django.db.models.functions import Cast, Coalesce, NullIf
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_http_methods, require_POST

from common import clock
from common.downloads import csv_response
from findings.models import Standing, open_recommendations, published_recommendations, standing, with_latest_judgement
from leaders.filters import PROBLEMS, ActionFilter, problem_counts
from leaders.forms import (
    ActionEditForm,
    ActionForm,
    DoneForm,
    DropForm,
    ProgressNoteForm,
    ResponseForm,
    add_domain_errors,
)
from recommendations import actions as domain
from recommendations.models import (
    Action,
    ActionStatus,
    Establishment,
    Inspection,
    ProgressNote,
    Response,
)
from recommendations.roles import led_establishments

# --- Access: the one rule ---------------------------------------------------------------------


def forbidden(request):
    return render(request, "leaders/forbidden.html", status=403)


def leader_view(view):
    """Resolves ``slug`` to an establishment the signed-in user leads, or refuses (one query)."""

    @login_required
    @wraps(view)
    def wrapper(request, slug, *args, **kwargs):
        led = led_establishments(request.user).filter(pk=OuterRef("pk"))
        establishment = Establishment.objects.filter(slug=slug).annotate(leads=Exists(led)).first()
        if establishment is None:
            raise Http404("No such establishment.")
        if not establishment.leads:
            return forbidden(request)
        return view(request, establishment, *args, **kwargs)

    return wrapper


@login_required
def dashboard(request):
    """``/leaders/``: straight to the prison a leader runs, or a choice when they run several."""
    led = list(led_establishments(request.user))
    if not led:
        return forbidden(request)
    if len(led) == 1:
        return redirect("leaders:home", slug=led[0].slug)
    return render(request, "leaders/choose.html", {"establishments": led})


RECOMMENDATIONS_PER_PAGE = 50
ACTIONS_PER_PAGE = 50


def _page(request, items, per_page):
    """One page of ``items`` for ``?page=``: a page that is not a number is the first, one past
    the end the last."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))


# --- Querysets: one per page ------------------------------------------------------------------


def _count(actions):
    return Coalesce(
        Subquery(actions.order_by().values("recommendation").annotate(n=Count("pk")).values("n")[:1]), Value(0)
    )


def recommendations_for(establishment, today):
    """The establishment's recommendations the public may see, with their latest published
    judgement, the rank of 'reasonable progress' on their scale, the response and action counts."""
    actions = Action.objects.filter(recommendation=OuterRef("pk"))
    return (
        with_latest_judgement(published_recommendations(today).for_establishment(establishment), today)
        .select_related("inspectorate", "inspection__action_plan", "response")
        .annotate(
            actions_total=_count(actions),
            actions_done=_count(actions.filter(status=ActionStatus.DONE)),
            actions_dropped=_count(actions.filter(status=ActionStatus.DROPPED)),
            actions_live=_count(actions.live()),
            actions_overdue=_count(actions.overdue(today)),
            next_target_date=Subquery(
                actions.live().filter(target_date__isnull=False).order_by("target_date").values("target_date")[:1]
            ),
        )
    )


def dashboard_recommendations(establishment, today):
    """Open recommendations (the inspectorate's latest judgement below the top of its scale, or
    none yet), worst first: by how far up its own scale the judgement is, never-judged last."""
    standing = Cast(F("latest_rank") - 1, FloatField()) / NullIf(Cast(F("top_rank") - 1, FloatField()), 0.0)
    base = recommendations_for(establishment, today)
    return (
        open_recommendations(base, today)
        .annotate(standing=standing)
        .order_by(F("standing").asc(nulls_last=True), "inspection__visit_start", "position", "pk")
    )


def describe(recommendation):
    """Adds what the templates show beside the judgement (no queries)."""
    r = recommendation
    r.standing = standing(r.latest_rank, r.top_rank)
    counted = r.actions_total - r.actions_dropped
    r.all_done = counted > 0 and r.actions_done == counted
    r.done_but_judged_low = r.all_done and r.standing in (Standing.LOWEST, Standing.LOW)
    try:
        r.the_response = r.response
    except Response.DoesNotExist:
        r.the_response = None
    return r


def _recommendation(establishment, pk, today):
    recommendation = get_object_or_404(recommendations_for(establishment, today), pk=pk)
    return describe(recommendation)


def _action(establishment, pk):
    return get_object_or_404(
        Action.objects.for_establishment(establishment).select_related("recommendation__inspectorate"), pk=pk
    )


# --- Pages ------------------------------------------------------------------------------------


@leader_view
def establishment_dashboard(request, establishment):
    today, now = clock.today(), clock.now()
    open_recommendations = dashboard_recommendations(establishment, today)
    # The order and inspection of every open recommendation (for the total, the pages and the
    # action-plan boxes), then the full rows of one page only: a national-size prison has
    # hundreds open, and drawing them all was most of the page's time.
    order = list(open_recommendations.values_list("pk", "inspection_id"))
    page_obj = _page(request, order, RECOMMENDATIONS_PER_PAGE)
    rows = {r.pk: r for r in open_recommendations.filter(pk__in=[pk for pk, _ in page_obj.object_list])}
    recommendations = [describe(rows[pk]) for pk, _ in page_obj.object_list if pk in rows]
    inspections = Inspection.objects.filter(pk__in={inspection for _, inspection in order}).select_related(
        "action_plan"
    )
    counts = problem_counts(Action.objects.for_establishment(establishment), today, now)
    list_url = reverse("leaders:action-list", kwargs={"slug": establishment.slug})
    problems = [
        {"label": label, "count": counts[key.replace("-", "_")], "url": f"{list_url}?problem={key}"}
        for key, (label, _) in PROBLEMS.items()
    ]
    return render(
        request,
        "leaders/dashboard.html",
        {
            "establishment": establishment,
            "recommendations": recommendations,
            "open_total": page_obj.paginator.count,
            "paginator": page_obj.paginator,
            "page_obj": page_obj,
            "problems": problems,
            "inspections": sorted(inspections, key=lambda i: (i.visit_start is None, i.visit_start, i.pk)),
            "today": today,
        },
    )


@leader_view
def action_list(request, establishment):
    today, now = clock.today(), clock.now()
    actions = (
        Action.objects.for_establishment(establishment)
        .select_related("recommendation__inspectorate")
        .order_by(F("target_date").asc(nulls_first=True), "pk")
    )
    filterset = ActionFilter(request.GET or None, queryset=actions, today=today, now=now)
    valid = filterset.is_valid() if filterset.is_bound else True
    page_obj = _page(request, filterset.qs if valid else [], ACTIONS_PER_PAGE)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "leaders/action_list.html",
        {
            "establishment": establishment,
            "filter": filterset,
            "actions": list(page_obj.object_list),
            "paginator": page_obj.paginator,
            "page_obj": page_obj,
            "query_string": query.urlencode(),
            "today": today,
        },
        status=200 if valid else 400,
    )


@leader_view
def recommendation_detail(request, establishment, pk):
    today = clock.today()
    recommendation = _recommendation(establishment, pk, today)
    actions = list(
        recommendation.actions.prefetch_related(
            Prefetch("notes", queryset=ProgressNote.objects.order_by("-noted_on", "-pk"))
        )
    )
    return render(
        request,
        "leaders/recommendation.html",
        {"establishment": establishment, "recommendation": recommendation, "actions": actions, "today": today},
    )


@leader_view
@require_http_methods(["GET", "POST"])
def response_form(request, establishment, pk):
    recommendation = _recommendation(establishment, pk, clock.today())
    current = recommendation.the_response
    initial = {"seen": domain.response_seen(current)}
    if current:
        initial.update(decision=current.decision, reason=current.reason)
    form = ResponseForm(request.POST or None, initial=initial)
    status, saved = 200, None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        # A form from before this check carries no "seen": it saves over the latest, as before.
        seen = data.pop("seen") if "seen" in request.POST else None
        data.pop("seen", None)
        try:
            domain.record_response(recommendation, by=request.user, seen=seen, **data)
        except domain.ResponseChanged as changed:
            # Nothing written: the form again with what this person chose, against the other
            # person's response, shown beside it (the same 409 page as an action's).
            saved, posted = changed.response, request.POST.copy()
            posted["seen"] = domain.response_seen(saved)
            form, status = ResponseForm(posted), 409
            form.is_valid()
            form.refuse(changed.MESSAGE)
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, "The prison’s response is saved.")
            return redirect("leaders:recommendation-detail", slug=establishment.slug, pk=recommendation.pk)
    return render(
        request,
        "leaders/response_form.html",
        {"establishment": establishment, "recommendation": recommendation, "form": form, "saved": saved},
        status=400 if form.errors and status == 200 else status,
    )


@leader_view
@require_http_methods(["GET", "POST"])
def action_add(request, establishment, pk):
    today = clock.today()
    recommendation = _recommendation(establishment, pk, today)
    form = ActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            action = domain.add_action(recommendation, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, "The action is added.")
            _warn_if_past(request, action, today)
            return redirect("leaders:recommendation-detail", slug=establishment.slug, pk=recommendation.pk)
    return render(
        request,
        "leaders/action_form.html",
        {"establishment": establishment, "recommendation": recommendation, "form": form, "today": today},
        status=400 if form.errors else 200,
    )


def _warn_if_past(request, action, today):
    """A past target date is allowed (the action is saved) but said plainly: it is overdue now."""
    if action.target_date and action.target_date < today:
        messages.warning(
            request,
            f"The target date, {date_format(action.target_date)}, is in the past, so the action "
            "already counts as overdue. If the date has moved, change it and say why.",
        )


@leader_view
def action_detail(request, establishment, pk):
    return _render_action(request, establishment, _action(establishment, pk), ProgressNoteForm())


def _render_action(request, establishment, action, note_form, status=200):
    # Oldest first, as on the public page: the notes read as a diary.
    notes = list(action.notes.select_related("author"))
    date_changes = list(action.date_changes.select_related("changed_by"))
    return render(
        request,
        "leaders/action_detail.html",
        {
            "establishment": establishment,
            "action": action,
            "notes": notes,
            "date_changes": date_changes,
            "note_form": note_form,
            "today": clock.today(),
        },
        status=status,
    )


@leader_view
@require_http_methods(["GET", "POST"])
def action_edit(request, establishment, pk):
    today = clock.today()
    action = _action(establishment, pk)
    form = ActionEditForm(request.POST or None, action=action)
    status, saved = 200, None
    if request.method == "POST" and form.is_valid():
        changes = dict(form.cleaned_data)
        seen_version = changes.pop("version")
        moved = changes["target_date"] != action.target_date
        try:
            domain.update_action(action, by=request.user, seen_version=seen_version, **changes)
        except domain.ActionChanged as changed:
            # Nothing written. The form again with what this person typed, now against the
            # other person's version, and beside it what the other person saved: sending it
            # again is a decision taken knowing both.
            saved, data = changed.action, request.POST.copy()
            data["version"] = str(saved.version)
            form, status = ActionEditForm(data, action=saved), 409
            form.refuse(changed.MESSAGE)
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, "The action is updated.")
            if moved:
                _warn_if_past(request, action, today)
            return redirect("leaders:action", slug=establishment.slug, pk=action.pk)
    return render(
        request,
        "leaders/action_form.html",
        {
            "establishment": establishment,
            "recommendation": action.recommendation,
            "action": action,
            "form": form,
            "saved": saved,
            "today": today,
        },
        status=400 if form.errors and status == 200 else status,
    )


@leader_view
@require_POST
def action_note(request, establishment, pk):
    action = _action(establishment, pk)
    form = ProgressNoteForm(request.POST)
    if form.is_valid():
        domain.add_progress_note(action, form.cleaned_data["text"], by=request.user)
        messages.success(request, "The progress note is added.")
        return redirect("leaders:action", slug=establishment.slug, pk=action.pk)
    return _render_action(request, establishment, action, form, status=400)


def _closing_view(form_class, field, change, template, done_message):
    """Marking done and dropping: a page with one required text, then the domain change.

    If someone else changed the action since the page was opened, nothing is written and the
    page is shown again (409) with the action as it is now; the text typed is kept.
    """

    @leader_view
    @require_http_methods(["GET", "POST"])
    def view(request, establishment, pk):
        action = _action(establishment, pk)
        form = form_class(request.POST or None, action=action)
        status = 200
        if request.method == "POST" and form.is_valid():
            try:
                change(action, form.cleaned_data[field], by=request.user, seen_version=form.cleaned_data["version"])
            except domain.ActionChanged as changed:
                form, status = form_class(action=changed.action, initial={field: form.cleaned_data[field]}), 409
                form.refuse(changed.MESSAGE)
            except ValidationError as error:
                add_domain_errors(form, error)
            else:
                messages.success(request, done_message)
                return redirect("leaders:action", slug=establishment.slug, pk=action.pk)
        return render(
            request,
            template,
            {"establishment": establishment, "action": action, "form": form, "today": clock.today()},
            status=400 if form.errors and status == 200 else status,
        )

    return view


action_done = _closing_view(
    DoneForm, "note", domain.mark_done, "leaders/action_done.html", "The action is marked done."
)
action_drop = _closing_view(
    DropForm, "reason", domain.drop_action, "leaders/action_drop.html", "The action is dropped. It stays on the plan."
)


HISTORY_FIELDS = ["description", "owner", "target_date", "status", "dropped_reason"]
HISTORY_LABELS = {
    "description": "Description",
    "owner": "Owner",
    "target_date": "Target date",
    "status": "Status",
    "dropped_reason": "Reason for dropping",
}


def _shown(field, value):
    if value in (None, ""):
        return "(none)"
    if field == "status":
        return ActionStatus(value).label
    if field == "target_date":
        return date_format(value)
    return value


@leader_view
def action_history(request, establishment, pk):
    """Every change to the action, oldest first, with who and when; and each progress note."""
    action = _action(establishment, pk)
    records = list(action.history.select_related("history_user").order_by("history_date", "history_id"))
    events = []
    previous = None
    for record in records:
        if previous is None:
            changes = [(HISTORY_LABELS[f], None, _shown(f, getattr(record, f))) for f in HISTORY_FIELDS]
            changes = [c for c in changes if c[2] != "(none)"]
            what = "Action added"
        else:
            changes = [
                (HISTORY_LABELS[f], _shown(f, getattr(previous, f)), _shown(f, getattr(record, f)))
                for f in HISTORY_FIELDS
                if getattr(previous, f) != getattr(record, f)
            ]
            if not changes and not record.history_change_reason:
                # A new version with nothing of its own to say (a progress note's, shown below).
                previous = record
                continue
            what = "Changed"
        events.append(
            {
                "when": record.history_date,
                "who": record.history_user,
                "what": what,
                "changes": changes,
                "reason": record.history_change_reason,
            }
        )
        previous = record
    for note in action.notes.select_related("author"):
        events.append({"when": note.created_at, "who": note.author, "what": "Progress note added", "note": note})
    events.sort(key=lambda e: e["when"])
    return render(
        request, "leaders/action_history.html", {"establishment": establishment, "action": action, "events": events}
    )


@leader_view
@require_http_methods(["GET", "POST"])
def publish(request, establishment, inspection):
    today = clock.today()
    inspection = get_object_or_404(
        Inspection.objects.published(today).filter(establishment=establishment).select_related("action_plan"),
        slug=inspection,
    )
    plan = getattr(inspection, "action_plan", None)
    if request.method == "POST":
        try:
            domain.publish_action_plan(inspection, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "The action plan is published: the response and actions are now public.")
        return redirect("leaders:home", slug=establishment.slug)
    counts = {
        "responses": Response.objects.filter(recommendation__inspection=inspection).count(),
        "actions": Action.objects.filter(recommendation__inspection=inspection).count(),
    }
    return render(
        request,
        "leaders/publish.html",
        {"establishment": establishment, "inspection": inspection, "plan": plan, "counts": counts},
    )


CSV_COLUMNS = [
    "Reference",
    "Area",
    "Recommendation",
    "Inspectorate",
    "Latest judgement",
    "Response",
    "Response reason",
    "Action",
    "Owner",
    "Target date",
    "Action status",
    "Reason dropped",
    "Latest progress note",
    "Action last updated",
]


@leader_view
def action_plan_csv(request, establishment):
    """The action plan in dashboard order: one row per action, a row for a recommendation without any."""
    today = clock.today()
    recommendations = dashboard_recommendations(establishment, today).prefetch_related(
        Prefetch(
            "actions",
            queryset=Action.objects.order_by("created_at", "pk").prefetch_related(
                Prefetch("notes", queryset=ProgressNote.objects.order_by("-noted_on", "-created_at", "-pk"))
            ),
        )
    )

    def rows():
        for r in recommendations:
            describe(r)
            head = [
                r.label,
                r.area,
                r.text,
                r.inspectorate.short_name,
                r.latest_label or "Not yet judged",
                r.the_response.get_decision_display() if r.the_response else "No response yet",
                r.the_response.reason if r.the_response else "",
            ]
            rows = [
                [
                    a.description,
                    a.owner,
                    a.target_date.isoformat() if a.target_date else "",
                    a.get_status_display(),
                    a.dropped_reason,
                    a.notes.all()[0].text if a.notes.all() else "",
                    timezone.localdate(a.updated_at).isoformat(),
                ]
                for a in r.actions.all()
            ] or [[""] * 7]
            for row in rows:
                yield head + row

    filename = f"{establishment.slug}-action-plan-{today:%Y-%m-%d}.csv"
    return csv_response(filename, CSV_COLUMNS, rows())
