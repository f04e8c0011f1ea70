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
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from common import clock
from common.downloads import csv_response
from findings.models import (
    WORST_FIRST,
    Judgement,
    Paragraph,
    Standing,
    open_recommendations,
    published_recommendations,
    standing,
    with_latest_judgement,
    worst_first,
)
from leaders import plan as round_trip
from leaders.filters import PROBLEMS, ActionFilter, problem_counts
from leaders.forms import (
    ActionEditForm,
    ActionForm,
    DoneForm,
    DropForm,
    PlanUploadForm,
    ProgressNoteForm,
    PublishForm,
    ResponseForm,
    add_domain_errors,
)
from leaders.spreadsheet import COLUMNS, MAX_BYTES, SpreadsheetRefused, csv_rows, read_plan, write_xlsx
from recommendations import actions as domain
from recommendations.models import (
    NOTE_CORRECTION_HOURS,
    Action,
    ActionPlanWithdrawal,
    ActionStatus,
    Establishment,
    Inspection,
    PlanUpload,
    PlanUploadStatus,
    ProgressNote,
    Response,
    ReviewAnnouncement,
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
    # A published announcement of the coming review that will follow it up: its planned month.
    announced = ReviewAnnouncement.objects.published().filter(recommendations=OuterRef("pk"))
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
            announced_for=Subquery(announced.order_by("planned_month").values("planned_month")[:1]),
        )
    )


def dashboard_recommendations(establishment, today):
    """Open recommendations (the inspectorate's latest judgement below the top of its scale, or
    none yet), worst first (``findings.models.worst_first``, the rule the public establishment
    page and the comparison use), oldest inspection first among equals."""
    return _worst_first_open(recommendations_for(establishment, today), today)


def dashboard_order(establishment, today):
    """The dashboard's open recommendations in its order, without the response and action counts
    (for reading the order alone)."""
    return _worst_first_open(published_recommendations(today).for_establishment(establishment), today)


def _worst_first_open(recommendations, today):
    return worst_first(open_recommendations(recommendations, today)).order_by(
        *WORST_FIRST, "inspection__visit_start", "position", "pk"
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
    # The order and inspection of every open recommendation (for the total, the pages and the
    # action-plan boxes), then the full rows of one page only: a national-size prison has
    # hundreds open, and drawing them all was most of the page's time. The order is read
    # without the rows' counts (building and compiling their subqueries twice was a tenth of
    # the page's time), the rows without the order (the page's keys give it).
    order = list(dashboard_order(establishment, today).values_list("pk", "inspection_id"))
    page_obj = _page(request, order, RECOMMENDATIONS_PER_PAGE)
    rows = recommendations_for(establishment, today).filter(pk__in=[pk for pk, _ in page_obj.object_list])
    rows = {r.pk: r for r in rows.order_by()}
    recommendations = [describe(rows[pk]) for pk, _ in page_obj.object_list if pk in rows]
    # Each row's link from one reversed address, not a reverse() per row.
    detail = reverse("leaders:recommendation-detail", kwargs={"slug": establishment.slug, "pk": 0})
    for recommendation in recommendations:
        recommendation.detail_url = f"{detail.removesuffix('0/')}{recommendation.pk}/"
    withdrawn = ActionPlanWithdrawal.objects.filter(plan__inspection=OuterRef("pk")).order_by("-at")
    inspections = (
        Inspection.objects.filter(pk__in={inspection for _, inspection in order})
        .select_related("action_plan")
        .annotate(plan_withdrawn_at=Subquery(withdrawn.values("at")[:1]))
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
    # Each published review's judgement, oldest first, with its evidence paragraphs: what the
    # inspectors found, beside what the prison says it did.
    judgements = list(
        Judgement.objects.published(today)
        .filter(recommendation=recommendation)
        .select_related("review__establishment", "level")
        .prefetch_related(Prefetch("evidence", queryset=Paragraph.objects.order_by("section", "index")))
        .order_by(F("review__published_on").asc(nulls_first=True), F("review__visit_start").asc(nulls_first=True), "pk")
    )
    return render(
        request,
        "leaders/recommendation.html",
        {
            "establishment": establishment,
            "recommendation": recommendation,
            "actions": actions,
            "judgements": judgements,
            "today": today,
        },
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
            messages.success(request, gettext("The prison’s response is saved."))
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
            messages.success(request, gettext("The action is added."))
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
    return _render_action(request, establishment, _action(establishment, pk), ProgressNoteForm(today=clock.today()))


def _render_action(request, establishment, action, note_form, status=200):
    # Oldest first, as on the public page: the notes read as a diary.
    notes = list(action.notes.select_related("author"))
    now = clock.now()
    for note in notes:
        note.correctable = domain.may_correct_note(note, request.user, now)
    date_changes = list(action.date_changes.select_related("changed_by"))
    return render(
        request,
        "leaders/action_detail.html",
        {
            "establishment": establishment,
            "action": action,
            "notes": notes,
            "date_changes": date_changes,
            "slippage": domain.slippage(date_changes),
            "note_form": note_form,
            "correction_hours": NOTE_CORRECTION_HOURS,
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
            messages.success(request, gettext("The action is updated."))
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
    form = ProgressNoteForm(request.POST, today=clock.today())
    if form.is_valid():
        try:
            _, created = domain.add_progress_note(
                action,
                form.cleaned_data["text"],
                by=request.user,
                noted_on=form.cleaned_data["noted_on"],
                submission=form.cleaned_data["submission"],
            )
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            if created:
                messages.success(request, gettext("The progress note is added."))
            else:
                messages.info(request, gettext("The progress note was already added: it is kept once."))
            return redirect("leaders:action", slug=establishment.slug, pk=action.pk)
    return _render_action(request, establishment, action, form, status=400)


def _note(establishment, action_pk, pk):
    return get_object_or_404(
        ProgressNote.objects.filter(action__in=Action.objects.for_establishment(establishment)).select_related(
            "action__recommendation", "author"
        ),
        pk=pk,
        action_id=action_pk,
    )


@leader_view
@require_http_methods(["GET", "POST"])
def note_edit(request, establishment, action_pk, pk):
    """The author corrects a progress note (text and date) within 24 hours of writing it."""
    note = _note(establishment, action_pk, pk)
    if not domain.may_correct_note(note, request.user, clock.now()):
        return _note_locked(request, establishment, note)
    today = clock.today()
    form = ProgressNoteForm(request.POST or None, today=today, initial={"text": note.text, "noted_on": note.noted_on})
    if request.method == "POST" and form.is_valid():
        try:
            domain.correct_progress_note(
                note, text=form.cleaned_data["text"], noted_on=form.cleaned_data["noted_on"], by=request.user
            )
        except ValidationError as error:
            add_domain_errors(form, error)
        except PermissionDenied:
            return _note_locked(request, establishment, note)
        else:
            messages.success(
                request, gettext("The progress note is corrected. The version before is kept in the history.")
            )
            return redirect("leaders:action", slug=establishment.slug, pk=note.action_id)
    return render(
        request,
        "leaders/note_form.html",
        {"establishment": establishment, "note": note, "action": note.action, "form": form, "today": today},
        status=400 if form.errors else 200,
    )


@leader_view
@require_http_methods(["GET", "POST"])
def note_delete(request, establishment, action_pk, pk):
    """The author deletes a progress note within 24 hours of writing it (a page that asks first)."""
    note = _note(establishment, action_pk, pk)
    if not domain.may_correct_note(note, request.user, clock.now()):
        return _note_locked(request, establishment, note)
    if request.method == "POST":
        try:
            domain.delete_progress_note(note, by=request.user)
        except PermissionDenied:
            return _note_locked(request, establishment, note)
        messages.success(request, gettext("The progress note is deleted. What it said is kept in the history."))
        return redirect("leaders:action", slug=establishment.slug, pk=action_pk)
    return render(
        request, "leaders/note_delete.html", {"establishment": establishment, "note": note, "action": note.action}
    )


def _note_locked(request, establishment, note):
    return render(
        request,
        "leaders/note_locked.html",
        {"establishment": establishment, "note": note, "action": note.action, "hours": NOTE_CORRECTION_HOURS},
        status=403,
    )


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
    DoneForm, "note", domain.mark_done, "leaders/action_done.html", gettext_lazy("The action is marked done.")
)
action_drop = _closing_view(
    DropForm,
    "reason",
    domain.drop_action,
    "leaders/action_drop.html",
    gettext_lazy("The action is dropped. It stays on the plan."),
)


HISTORY_FIELDS = ["description", "owner", "target_date", "status", "dropped_reason"]
HISTORY_LABELS = {
    "description": gettext_lazy("Description"),
    "owner": gettext_lazy("Owner"),
    "target_date": gettext_lazy("Target date"),
    "status": gettext_lazy("Status"),
    "dropped_reason": gettext_lazy("Reason for dropping"),
}


def _shown(field, value):
    if value in (None, ""):
        return gettext("(none)")
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
            changes = [
                (HISTORY_LABELS[f], None, _shown(f, getattr(record, f)))
                for f in HISTORY_FIELDS
                if getattr(record, f) not in (None, "")
            ]
            what = gettext("Action added")
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
            what = gettext("Changed")
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
    # The notes: each one added, corrected or deleted, from their history (a deleted note's
    # words stay here).
    before = {}
    for record in (
        ProgressNote.history.filter(action_id=action.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    ):
        earlier = before.get(record.id)
        if record.history_type == "+":
            what, changes = gettext("Progress note added"), []
        elif record.history_type == "-":
            what, changes = gettext("Progress note deleted"), []
        else:
            what = gettext("Progress note corrected")
            changes = [
                (label, shown(getattr(earlier, f)), shown(getattr(record, f)))
                for f, label, shown in (("text", gettext("Note"), str), ("noted_on", gettext("Dated"), date_format))
                if earlier is not None and getattr(earlier, f) != getattr(record, f)
            ]
        events.append(
            {"when": record.history_date, "who": record.history_user, "what": what, "changes": changes, "note": record}
        )
        before[record.id] = record
    events.sort(key=lambda e: e["when"])
    return render(
        request, "leaders/action_history.html", {"establishment": establishment, "action": action, "events": events}
    )


@leader_view
@require_http_methods(["GET", "POST"])
def publish(request, establishment, inspection):
    """Publishing asks first: it lists the recommendations without a response and the actions
    without an owner or a target date, and a plan with gaps is published only when the leader
    ticks that they know."""
    today = clock.today()
    inspection = get_object_or_404(
        Inspection.objects.published(today).filter(establishment=establishment).select_related("action_plan"),
        slug=inspection,
    )
    plan = getattr(inspection, "action_plan", None)
    form = PublishForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            domain.publish_action_plan(inspection, by=request.user, knowingly=form.cleaned_data["knowingly"])
        except domain.PlanIncomplete:
            form.add_error(
                "knowingly", gettext("Tick the box to publish the plan with the gaps listed, or fill them first.")
            )
            status = 400
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("leaders:home", slug=establishment.slug)
        else:
            messages.success(request, gettext("The action plan is published: the response and actions are now public."))
            return redirect("leaders:home", slug=establishment.slug)
    counts = {
        "responses": Response.objects.filter(recommendation__inspection=inspection).count(),
        "actions": Action.objects.filter(recommendation__inspection=inspection).count(),
    }
    withdrawal = plan.withdrawals.select_related("by").first() if plan else None
    return render(
        request,
        "leaders/publish.html",
        {
            "establishment": establishment,
            "inspection": inspection,
            "plan": plan,
            "counts": counts,
            "gaps": domain.PlanGaps(inspection),
            "withdrawal": withdrawal,
            "form": form,
        },
        status=status,
    )


def _plan_rows(establishment, today):
    """The rows of the action-plan download, in dashboard order (open recommendations, worst
    first), then the establishment's other published recommendations that have actions."""
    order = list(dashboard_recommendations(establishment, today).values_list("pk", flat=True))
    recommendations = {r.pk: r for r in round_trip.plan_recommendations(establishment, today)}
    rest = sorted(
        (r for pk, r in recommendations.items() if pk not in set(order) and r.actions.all()),
        key=lambda r: (r.inspection.visit_start is None, r.inspection.visit_start, r.position, r.pk),
    )
    ordered = [recommendations[pk] for pk in order if pk in recommendations] + rest
    return round_trip.download_rows(establishment, ordered)


def _plan_filename(establishment, today, extension):
    return f"{establishment.slug}-action-plan-{today.isoformat()}.{extension}"


@leader_view
def action_plan_csv(request, establishment):
    """The action plan as CSV: the spreadsheet's columns, the same round trip (upload it back)."""
    today = clock.today()
    rows = _plan_rows(establishment, today)
    return csv_response(
        _plan_filename(establishment, today, "csv"), [gettext(h) for _, h, *_ in COLUMNS], csv_rows(rows)
    )


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@leader_view
def action_plan_xlsx(request, establishment):
    """The action plan as an Excel workbook to edit and upload back (``leaders.spreadsheet``)."""
    today = clock.today()
    response = HttpResponse(write_xlsx(_plan_rows(establishment, today)), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_plan_filename(establishment, today, "xlsx")}"'
    return response


UPLOAD_HOURS = 24


def forget_expired_uploads():
    """Uploads left waiting more than ``UPLOAD_HOURS`` are cancelled and their rows dropped (one
    query, made on each new upload): a spreadsheet's rows are not kept for ever unconfirmed."""
    PlanUpload.objects.filter(
        status=PlanUploadStatus.PENDING, uploaded_at__lt=clock.now() - timezone.timedelta(hours=UPLOAD_HOURS)
    ).update(status=PlanUploadStatus.CANCELLED, rows=[])


@leader_view
@require_http_methods(["GET", "POST"])
def plan_upload(request, establishment):
    """The edited spreadsheet is read and kept, waiting for the leader to confirm; nothing in the
    plan changes here. A file that cannot be read is refused with a sentence (400)."""
    form = PlanUploadForm(*((request.POST, request.FILES) if request.method == "POST" else ()))
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > MAX_BYTES:
                raise SpreadsheetRefused(gettext("The file is larger than 5 MB. Upload the action plan only."))
            rows = read_plan(upload.name, upload.read())
        except SpreadsheetRefused as refused:
            form.add_error("file", str(refused))
        else:
            if not rows:
                form.add_error("file", gettext("The file has no rows under its headings."))
            else:
                forget_expired_uploads()
                pending = PlanUpload.objects.create(
                    establishment=establishment,
                    uploaded_by=request.user,
                    uploaded_at=clock.now(),
                    filename=upload.name[-255:],
                    rows=[row.as_json() for row in rows],
                )
                return redirect("leaders:plan-preview", slug=establishment.slug, pk=pending.pk)
    return render(
        request,
        "leaders/plan_upload.html",
        {"establishment": establishment, "form": form},
        status=400 if form.errors else 200,
    )


def updated_message(added, changed, refused):
    """ "The action plan is updated: 2 actions added and 1 change made." and, when rows were
    refused, "1 refused row was left out.": each count with its own plural forms."""
    message = gettext("The action plan is updated: %(added)s and %(changed)s.") % {
        "added": ngettext("%(count)d action added", "%(count)d actions added", added) % {"count": added},
        "changed": ngettext("%(count)d change made", "%(count)d changes made", changed) % {"count": changed},
    }
    if refused:
        message += " " + ngettext(
            "%(count)d refused row was left out.", "%(count)d refused rows were left out.", refused
        ) % {"count": refused}
    return message


@leader_view
@require_http_methods(["GET", "POST"])
def plan_preview(request, establishment, pk):
    """What the upload would do, compared with the tracker now: actions to add, change (each
    cell old → new) and leave, and each refused row with its reason. Confirming applies it
    (``leaders.plan.apply``); cancelling forgets it. Only its uploader sees it."""
    upload = get_object_or_404(
        PlanUpload.objects.filter(establishment=establishment, uploaded_by=request.user.pk), pk=pk
    )
    today = clock.today()
    if upload.status != PlanUploadStatus.PENDING:
        said = gettext("That upload is %(status)s.") % {"status": upload.get_status_display().lower()}
        messages.info(request, f"{said} {upload.summary}".strip())
        return redirect("leaders:home", slug=establishment.slug)
    if clock.now() - upload.uploaded_at > timezone.timedelta(hours=UPLOAD_HOURS):
        upload.status, upload.rows = PlanUploadStatus.CANCELLED, []
        upload.save(update_fields=["status", "rows"])
        messages.error(
            request, gettext("That upload waited more than a day: upload the file again to see it against the plan.")
        )
        return redirect("leaders:plan-upload", slug=establishment.slug)
    status, outdated = 200, False
    if request.method == "POST":
        if "cancel" in request.POST:
            upload.status, upload.rows = PlanUploadStatus.CANCELLED, []
            upload.save(update_fields=["status", "rows"])
            messages.info(request, gettext("The upload is cancelled. Nothing in the plan was changed."))
            return redirect("leaders:home", slug=establishment.slug)
        try:
            applied = round_trip.apply(upload, by=request.user, digest=request.POST.get("digest", ""), today=today)
        except round_trip.PreviewOutdated as changed:
            if changed.preview is None:
                return redirect("leaders:plan-preview", slug=establishment.slug, pk=upload.pk)
            preview, status, outdated = changed.preview, 409, True
        else:
            messages.success(
                request,
                updated_message(len(applied.added), len(applied.changed), len(applied.refused)),
            )
            return redirect("leaders:home", slug=establishment.slug)
    else:
        preview = round_trip.compare(establishment, round_trip.rows_of(upload), today)
    return render(
        request,
        "leaders/plan_preview.html",
        {
            "establishment": establishment,
            "upload": upload,
            "preview": preview,
            "digest": preview.digest(),
            "outdated": outdated,
        },
        status=status,
    )
