"""Forms of the leaders' pages. They validate input; the changes go through ``recommendations.actions``.

Widgets carry GOV.UK Frontend classes; ``templates/leaders/includes/field.html`` renders each
field as a GOV.UK form group (label, hint, error message) and ``error_summary.html`` the summary.
"""

import datetime
import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from recommendations.models import TEXT_LIMITS, ActionStatus, ResponseDecision, too_long


class GovukDateInput(forms.Widget):
    """GOV.UK's date input: three boxes, day, month and year, named ``<name>-day`` and so on.

    Its value is the three strings as typed, so that a form shown again keeps exactly what the
    person typed, right or wrong. ``templates/leaders/includes/field.html`` renders it.
    """

    PARTS = ("day", "month", "year")

    def value_from_datadict(self, data, files, name):
        return tuple((data.get(f"{name}-{part}") or "").strip() for part in self.PARTS)

    def value_omitted_from_data(self, data, files, name):
        return not any(f"{name}-{part}" in data for part in self.PARTS)


PART_LABELS = {"day": _("Day"), "month": _("Month"), "year": _("Year")}

# GOV.UK's "Target date must include a month": a whole sentence for each part or pair missing.
MUST_INCLUDE = {
    ("day",): _("%(label)s must include a day"),
    ("month",): _("%(label)s must include a month"),
    ("year",): _("%(label)s must include a year"),
    ("day", "month"): _("%(label)s must include a day and month"),
    ("day", "year"): _("%(label)s must include a day and year"),
    ("month", "year"): _("%(label)s must include a month and year"),
}


class DateParts:
    """One part of a date input, for the template: its name, label, value, width and error."""

    def __init__(self, bound_field, part, value, wrong):
        self.part = part
        self.label = PART_LABELS[part]
        self.name = f"{bound_field.html_name}-{part}"
        self.id = bound_field.auto_id if part == "day" else f"{bound_field.auto_id}-{part}"
        self.value = value
        # The month may be typed as a word ("March"): its box is wide enough for one, and it does
        # not ask a phone for its number pad (on which no letter can be typed), as day and year do.
        self.width = 2 if part == "day" else 4
        self.numeric = part != "month"
        self.wrong = wrong


class GovukDateBoundField(forms.BoundField):
    @property
    def id_for_label(self):
        """The first box with a mistake (the error summary links there), else the day box."""
        parts = self.date_parts
        return next((part.id for part in parts if part.wrong), parts[0].id)

    @property
    def date_parts(self):
        value = self.value()
        if isinstance(value, (tuple, list)):
            typed = list(value) + [""] * (3 - len(value))
        elif value:
            typed = [str(value.day), str(value.month), str(value.year)]
        else:
            typed = ["", "", ""]
        wrong = self.field.wrong_parts if self.errors else ()
        return [DateParts(self, part, typed[i], part in wrong) for i, part in enumerate(GovukDateInput.PARTS)]


MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}


def month_number(text):
    """The month typed as a number ("3", "03") or, as GOV.UK's own services accept, its name or
    abbreviation in any case ("March", "mar", "Sept."): its number as text, or ``text`` unchanged."""
    name = text.strip().rstrip(".").lower()
    return str(MONTHS[name]) if name in MONTHS else text


class GovukDateField(forms.Field):
    """A date typed as day, month and year, checked with GOV.UK's error messages:
    "Target date must include a month", "Target date must be a real date", and so on.
    The month may be a number or a month's name or abbreviation ("March", "Mar").
    The messages name the field by its label, so one field serves every date a person types."""

    widget = GovukDateInput

    # The parts to mark with GOV.UK's error style; rebound (never mutated) on each form's copy.
    wrong_parts = ()

    def get_bound_field(self, form, field_name):
        return GovukDateBoundField(form, self, field_name)

    def _refuse(self, message, parts):
        self.wrong_parts = frozenset(parts)
        raise ValidationError(message, code="invalid")

    def clean(self, value):
        day, month, year = value if isinstance(value, (tuple, list)) else ("", "", "")
        month = month_number(month)
        typed = {"day": day, "month": month, "year": year}
        missing = [part for part, text in typed.items() if not text]
        label = self.label
        if len(missing) == 3:
            if self.required:
                self._refuse(gettext("Enter the %(label)s") % {"label": str(label).lower()}, GovukDateInput.PARTS)
            return None
        if missing:
            self._refuse(MUST_INCLUDE[tuple(missing)] % {"label": label}, missing)
        not_numbers = [part for part, text in typed.items() if not text.isdigit()]
        if not_numbers:
            self._refuse(gettext("%(label)s must be a real date") % {"label": label}, not_numbers)
        if len(year) != 4:
            self._refuse(gettext("Year must include 4 numbers"), ["year"])
        try:
            return datetime.date(int(year), int(month), int(day))
        except ValueError:
            wrong = ["month"] if not 1 <= int(month) <= 12 else ["day"]
            self._refuse(gettext("%(label)s must be a real date") % {"label": label}, wrong)


def textarea(rows=4):
    return forms.Textarea(attrs={"class": "govuk-textarea", "rows": rows})


def text_input(width="govuk-!-width-two-thirds"):
    return forms.TextInput(attrs={"class": f"govuk-input {width}"})


ERROR_CLASSES = {"govuk-input": "govuk-input--error", "govuk-textarea": "govuk-textarea--error"}


class GovukForm(forms.Form):
    """Marks a field's input with GOV.UK's error class when the field has an error."""

    def add_error(self, field, error):
        super().add_error(field, error)
        for name in list(self.errors):
            widget = self.fields[name].widget if name in self.fields else None
            if widget is None:
                continue
            classes = widget.attrs.get("class", "").split()
            for base, error_class in ERROR_CLASSES.items():
                if base in classes and error_class not in classes:
                    classes.append(error_class)
            widget.attrs["class"] = " ".join(classes)

    def refuse(self, message):
        """Shows ``message`` in the error summary, also on a form built afresh (not bound)."""
        if not self.is_bound:
            self._errors, self.cleaned_data = ErrorDict(), {}
        self.add_error(None, message)


class VersionField(forms.CharField):
    """The version of the action the form was opened at, in a hidden input.

    A missing or unreadable version (a page opened before versions existed, a forged post)
    becomes -1, which no action has, so the change is refused as out of date: never an error
    on a hidden input the user cannot see or fix.
    """

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        return int(value) if value.isdigit() and len(value) < 10 else -1


class ActionChangeForm(GovukForm):
    """A form that changes an existing action, carrying the version it was opened at."""

    version = VersionField()

    def __init__(self, *args, action, initial=None, **kwargs):
        self.action = action
        super().__init__(*args, initial={"version": action.version, **(initial or {})}, **kwargs)


class ResponseForm(GovukForm):
    decision = forms.ChoiceField(
        label=_("Does the prison accept this recommendation?"),
        choices=ResponseDecision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether the prison accepts the recommendation.")},
    )
    reason = forms.CharField(
        label=_("Reason"),
        help_text=_("Required when the recommendation is partly accepted or not accepted."),
        required=False,
        widget=textarea(5),
        max_length=TEXT_LIMITS["response_reason"],
        error_messages={"max_length": too_long(_("The reason"), TEXT_LIMITS["response_reason"])},
    )
    # The response the form was opened on (actions.response_seen): a later save is refused if
    # someone else responded since.
    seen = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        decision = cleaned.get("decision")
        if decision and decision != ResponseDecision.ACCEPTED and not cleaned.get("reason", "").strip():
            self.add_error("reason", gettext("Give a reason when the recommendation is not fully accepted."))
        return cleaned


class ActionForm(GovukForm):
    """A new action: what will be done, by whom, by when."""

    description = forms.CharField(
        label=_("What will be done"),
        max_length=TEXT_LIMITS["action_description"],
        widget=textarea(4),
        error_messages={
            "max_length": too_long(_("What will be done"), TEXT_LIMITS["action_description"]),
            "required": _("Describe what will be done."),
        },
    )
    owner = forms.CharField(
        label=_("Owner"),
        help_text=_("A named role or person, for example Head of safety. Leave empty only if nobody owns it yet."),
        required=False,
        max_length=TEXT_LIMITS["owner"],
        widget=text_input(),
        error_messages={"max_length": too_long(_("The owner"), TEXT_LIMITS["owner"])},
    )
    target_date = GovukDateField(
        label=_("Target date"),
        help_text=_(
            "The date the action should be finished by, for example 31 3 2027. "
            "An action without one is counted on the dashboard."
        ),
        required=False,
    )


class ActionEditForm(ActionChangeForm, ActionForm):
    """An existing action: its details and open status; a moved date needs a reason."""

    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(s.value, s.label) for s in (ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS)],
        widget=forms.RadioSelect,
        help_text=_("To mark the action done or to drop it, use the buttons on the action’s page."),
    )
    date_change_reason = forms.CharField(
        label=_("Why the target date is changing"),
        help_text=_("Required when you move or remove a target date. The original date is kept."),
        required=False,
        widget=textarea(3),
        max_length=TEXT_LIMITS["reason"],
        error_messages={"max_length": too_long(_("The reason the date is changing"), TEXT_LIMITS["reason"])},
    )

    def __init__(self, *args, action, **kwargs):
        initial = {
            "description": action.description,
            "owner": action.owner,
            "target_date": action.target_date,
            "status": action.status if action.status in (ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS) else "",
        }
        super().__init__(*args, action=action, initial=initial, **kwargs)

    def clean(self):
        cleaned = super().clean()
        if "target_date" in cleaned and self.action.target_date is not None:
            if cleaned["target_date"] != self.action.target_date and not cleaned.get("date_change_reason", "").strip():
                self.add_error("date_change_reason", gettext("Say why the target date is changing."))
        return cleaned


class ProgressNoteForm(GovukForm):
    """A progress note, dated today unless the leader gives an earlier date. The form carries a
    one-time key (``submission``): sent twice, it makes one note."""

    text = forms.CharField(
        label=_("Progress note"),
        help_text=_("What has happened since the last note."),
        max_length=TEXT_LIMITS["progress_note"],
        widget=textarea(3),
        error_messages={
            "max_length": too_long(_("The progress note"), TEXT_LIMITS["progress_note"]),
            "required": _("Write what has happened."),
        },
    )
    noted_on = GovukDateField(
        label=_("Date of the note"),
        help_text=_(
            "When it happened, for example 27 3 2027 or 27 March 2027. Leave it as today, or give an "
            "earlier date; not a future one."
        ),
        required=False,
    )
    submission = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, today=None, **kwargs):
        self.today = today
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("noted_on", today)
            self.initial.setdefault("submission", uuid.uuid4())

    def clean_noted_on(self):
        noted_on = self.cleaned_data.get("noted_on")
        if noted_on and self.today and noted_on > self.today:
            GovukDateField._refuse(
                self.fields["noted_on"], gettext("Date of the note must be today or in the past"), ["day"]
            )
        return noted_on


class PlanUploadForm(GovukForm):
    file = forms.FileField(
        label=_("The action plan spreadsheet"),
        help_text=_(
            "The file you downloaded from this page and edited: Excel (.xlsx) or CSV, up to 5 MB and 2,000 rows."
        ),
        error_messages={"required": _("Choose the action plan file to upload."), "empty": _("The file is empty.")},
        widget=forms.ClearableFileInput(attrs={"class": "govuk-file-upload", "accept": ".xlsx,.csv"}),
    )


class PublishForm(GovukForm):
    knowingly = forms.BooleanField(
        label=_("I understand that the plan is published with the gaps listed above"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "govuk-checkboxes__input"}),
    )


class DoneForm(ActionChangeForm):
    note = forms.CharField(
        label=_("What changed"),
        help_text=_("Say what is different now that this action is done, so that inspectors can check it."),
        max_length=TEXT_LIMITS["progress_note"],
        widget=textarea(5),
        error_messages={
            "max_length": too_long(_("What changed"), TEXT_LIMITS["progress_note"]),
            "required": _("Say what changed now that the action is done."),
        },
    )


class DropForm(ActionChangeForm):
    reason = forms.CharField(
        label=_("Why is the action dropped?"),
        help_text=_("The action stays on the plan, marked dropped, with this reason."),
        max_length=TEXT_LIMITS["reason"],
        widget=textarea(4),
        error_messages={
            "max_length": too_long(_("The reason"), TEXT_LIMITS["reason"]),
            "required": _("Say why the action is dropped."),
        },
    )


def add_domain_errors(form, error):
    """Puts a ValidationError raised by a domain function onto the form's fields (or the form)."""
    if not isinstance(error, ValidationError):
        raise TypeError(error)
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
