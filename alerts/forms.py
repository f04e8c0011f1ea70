from django import forms
from django.utils.translation import gettext_lazy as _

from alerts.models import Frequency

# Lazy: the fields are made once, when the module loads; each request reads them in its language.
EMAIL_ERRORS = {
    "required": _("Enter your email address"),
    "invalid": _("Enter an email address in the correct format, like name@example.com"),
    "max_length": _("Enter an email address of 254 characters or fewer"),
}


class EmailField(forms.EmailField):
    def __init__(self, **kwargs):
        super().__init__(
            label=_("Email address"),
            max_length=254,
            error_messages=EMAIL_ERRORS,
            widget=forms.EmailInput(attrs={"class": "govuk-input", "autocomplete": "email", "spellcheck": "false"}),
            **kwargs,
        )


class FrequencyField(forms.ChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("How often do you want to get emails?"))
        super().__init__(
            choices=Frequency.choices,
            widget=forms.RadioSelect,
            error_messages={
                "required": _("Select how often you want to get emails"),
                "invalid_choice": _("Select how often you want to get emails"),
            },
            **kwargs,
        )


class FollowForm(forms.Form):
    frequency = FrequencyField(initial=Frequency.DAILY)
    email = EmailField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound and "email" in self.errors:
            self.fields["email"].widget.attrs["class"] = "govuk-input govuk-input--error"


class FrequencyForm(forms.Form):
    frequency = FrequencyField()


class ManageLinkForm(forms.Form):
    email = EmailField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound and "email" in self.errors:
            self.fields["email"].widget.attrs["class"] = "govuk-input govuk-input--error"
