"""The range a dashboard covers, from the query string: a preset or two dates."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from caremarket.common.errors import ValidationFailed
from caremarket.common.forms import GovDateField, GovForm, form_add_domain_error
from caremarket.framework.models import Cohort, ServiceType
from caremarket.geography.selectors import district_list
from caremarket.insight.selectors.periods import (
    DEFAULT_PRESET,
    PRESETS,
    DateRange,
    range_between,
    range_preset,
)


class RangeForm(GovForm):
    """Either a preset, or both dates; errors name the field (`from`, `to`)."""

    submit_label = "Show figures"
    preset = forms.ChoiceField(choices=[("", "Choose dates below"), *PRESETS], required=False)
    starts_on = GovDateField(
        what="the first day of the range",
        label="From",
        required=False,
        help_text="For example, 1 9 2026",
    )
    ends_on = GovDateField(
        what="the last day of the range",
        label="To",
        required=False,
        help_text="For example, 30 11 2026",
    )

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"preset": DEFAULT_PRESET})
        super().__init__(*args, **kwargs)
        self.today = today

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("starts_on"), data.get("ends_on")
        if self.errors:
            return data
        if start is None and end is None:
            return data
        if start is None or end is None:
            self.add_error(
                "starts_on" if start is None else "ends_on",
                "Enter the first day of the range"
                if start is None
                else "Enter the last day of the range",
            )
            return data
        try:
            data["range"] = range_between(starts_on=start, ends_on=end, today=self.today)
        except ValidationFailed as exc:
            form_add_domain_error(self, exc)
        return data

    def date_range(self) -> DateRange:
        """The range asked for, or the default when the form is empty or invalid."""
        if self.is_valid():
            if "range" in self.cleaned_data:
                return self.cleaned_data["range"]
            if self.cleaned_data.get("preset"):
                return range_preset(self.cleaned_data["preset"], today=self.today)
        return range_preset(DEFAULT_PRESET, today=self.today)


class DemandFilterForm(forms.Form):
    district = forms.ChoiceField(required=False)
    service_type = forms.ChoiceField(
        choices=[("", "All services"), *ServiceType.choices], required=False
    )
    cohort = forms.ChoiceField(choices=[("", "All cohorts"), *Cohort.choices], required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = [  # type: ignore[attr-defined]
            ("", "All districts"),
            *[(d.code, d.name) for d in district_list()],
        ]

    def filters(self) -> dict[str, str]:
        if not self.is_valid():
            return {"district_code": "", "service_type": "", "cohort": ""}
        return {
            "district_code": self.cleaned_data["district"],
            "service_type": self.cleaned_data["service_type"],
            "cohort": self.cleaned_data["cohort"],
        }
