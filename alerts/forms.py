from django import forms
from django.utils.translation import gettext

from alerts.models import Frequency

EMAIL_ERRORS = {
    "required": "Enter your email address",
    "invalid": "Enter an email address in the correct format, like name@example.com",
    "max_length": "Enter an email address of 254 characters or fewer",
}


class EmailField(forms.EmailField):
    def __init__(self, **kwargs):
        super().__init__(
            label=gettext("Email address"),
            max_length=254,
            error_messages=EMAIL_ERRORS,
            widget=forms.EmailInput(attrs={"class": "govuk-input", "autocomplete": "email", "spellcheck": "false"}),
            **kwargs,
        )


class FrequencyField(forms.ChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", "How often do you want to get emails?")
        super().__init__(
            choices=Frequency.choices,
            widget=forms.RadioSelect,
            error_messages={
                "required": gettext("Select how often you want to get emails"),
                "invalid_choice": gettext("Select how often you want to get emails"),
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
