"""The inspectors' report upload: a PDF of a published report, checked before anything is read."""

from django import forms
from django.template.defaultfilters import filesizeformat

from reports.limits import MAX_REPORT_BYTES, check_pdf, size_refusal
from reports.parser import ReportError, text_from_pdf

MAX_UPLOAD_BYTES = MAX_REPORT_BYTES  # the same limit as the command's (reports.limits)


class UploadForm(forms.Form):
    report = forms.FileField(
        label="Report (PDF)",
        help_text=f"The report’s PDF as published, up to {filesizeformat(MAX_UPLOAD_BYTES)}.",
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def clean_report(self):
        upload = self.cleaned_data["report"]
        refusal = size_refusal(upload.size, MAX_UPLOAD_BYTES)
        if refusal:
            raise forms.ValidationError(refusal)
        data = upload.read()
        if not data.startswith(b"%PDF-"):
            raise forms.ValidationError("The file is not a PDF (it does not start with %PDF-).")
        try:
            check_pdf(data)
            self.text = text_from_pdf(data)
        except ReportError as error:
            raise forms.ValidationError(str(error)) from None
        self.data_bytes = data
        return upload


class ConfirmForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)
    overwrite = forms.BooleanField(
        required=False,
        label="Replace the values inspectors changed since the last import with the report’s text",
    )
