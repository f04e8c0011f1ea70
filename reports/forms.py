"""The inspectors' report upload: a published report's PDF, or its text, checked as the
``import_report`` command checks them before anything is read."""

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from reports.limits import MAX_REPORT_BYTES, check_pdf, format_refusal, size_refusal
from reports.reading import ReportError, decode_report
from reports.reading.pdf import page_count

MAX_UPLOAD_BYTES = MAX_REPORT_BYTES  # the same limit as the command's (reports.limits)


class UploadForm(forms.Form):
    report = forms.FileField(
        allow_empty_file=True,  # refused below, in the command's words
        label=_("Report (PDF or text)"),
        help_text=lazy(
            lambda: (
                gettext("The report’s PDF as published, or its text (.txt), up to %(size)s.")
                % {"size": filesizeformat(MAX_UPLOAD_BYTES)}
            ),
            str,
        )(),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf,text/plain,.txt"}),
    )

    def clean_report(self):
        upload = self.cleaned_data["report"]
        refusal = size_refusal(upload.size, MAX_UPLOAD_BYTES)
        if refusal:
            raise forms.ValidationError(refusal)
        data = upload.read()
        name = upload.name.rsplit("/", 1)[-1].lower()
        refusal = format_refusal(data, name)
        if refusal:
            raise forms.ValidationError(refusal)
        try:
            if data.startswith(b"%PDF-"):
                check_pdf(data)
                self.pages = page_count(data)
            elif name.endswith(".pdf"):
                raise forms.ValidationError(gettext("The file is not a PDF (it does not start with %PDF-)."))
            else:
                decode_report(data)  # empty, binary or not UTF-8: refused as the command refuses it
        except ReportError as error:
            raise forms.ValidationError(str(error)) from None
        self.data_bytes = data
        return upload


class ConfirmForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)
    overwrite = forms.BooleanField(
        required=False,
        label=_("Replace the values inspectors changed since the last import with the report’s text"),
    )
