from __future__ import annotations

from django import forms

from caremarket.common.forms import GovForm


class DataImportForm(GovForm):
    submit_label = "Upload and import"

    file = forms.FileField(
        label="File",
        help_text=(
            "A CQC care directory (CSV), care directory with filters (xlsx or ODS), latest"
            " ratings (ODS, xlsx or CSV), or the ONS postcode directory (ONSPD or NSPL CSV),"
            " exactly as downloaded. The kind of file is recognised from its headings."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.ods"}),
    )
    partial = forms.BooleanField(
        label="This CQC directory file is a partial extract: deregister nothing",
        required=False,
        help_text=(
            "Leave this unticked for the national files: the import decides from the file, and"
            " says which it took it to be."
        ),
    )
