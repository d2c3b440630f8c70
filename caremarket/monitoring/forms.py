from __future__ import annotations

from django import forms

from caremarket.common.forms import GovForm


class UploadForm(GovForm):
    submit_label = "Upload file"

    file = forms.FileField(
        label="Visit file (CSV)",
        help_text="One four-week period's visits, in the format of the file specification.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
