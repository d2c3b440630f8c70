"""Forms for visit patterns and the round work (entry points: parse input only)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms

from caremarket.common.forms import GovDateField, GovForm
from caremarket.framework.models import Provider
from caremarket.sourcing.engine.visit_pattern import WEEKDAY_NAMES, Call, CallRow
from caremarket.sourcing.models import HandbackReason

CALL_ROWS = 6
DAY_CHOICES = [(str(i), name) for i, name in enumerate(WEEKDAY_NAMES)]


def _time_parse(text: str) -> dt.time | None:
    for fmt in ("%H:%M", "%H.%M", "%H%M"):
        try:
            return dt.datetime.strptime(text.strip(), fmt).time()
        except ValueError:
            continue
    return None


class VisitPatternForm(GovForm):
    """Up to six calls, each on chosen days; the hours a week are optional, as a check."""

    submit_label = "Save visit pattern"
    hours_per_week = forms.DecimalField(
        required=False,
        min_value=Decimal("0.25"),
        max_value=Decimal("168"),
        decimal_places=2,
        label="Hours a week (optional check)",
        help_text="Leave blank to take the hours from the calls. If you give a figure it must"
        " agree with the calls.",
    )

    def __init__(self, *args: Any, calls: list[Call] | None = None, **kwargs: Any) -> None:
        if calls and not kwargs.get("initial"):
            kwargs["initial"] = self.initial_from(calls)
        super().__init__(*args, **kwargs)
        for i in range(1, CALL_ROWS + 1):
            self.fields[f"call{i}_days"] = forms.MultipleChoiceField(
                choices=DAY_CHOICES,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                label=f"Call {i}: days",
            )
            self.fields[f"call{i}_start"] = forms.CharField(
                required=False, max_length=5, label=f"Call {i}: start time"
            )
            self.fields[f"call{i}_minutes"] = forms.IntegerField(
                required=False, min_value=5, max_value=1440, label=f"Call {i}: length in minutes"
            )
            self.fields[f"call{i}_carers"] = forms.IntegerField(
                required=False, min_value=1, max_value=4, label=f"Call {i}: carers"
            )

    @staticmethod
    def initial_from(calls: list[Call]) -> dict[str, object]:
        initial: dict[str, object] = {}
        groups: dict[tuple[dt.time, int, int], list[str]] = {}
        for c in calls:
            groups.setdefault((c.start, c.minutes, c.carers), []).append(str(c.weekday))
        for i, ((start, minutes, carers), days) in enumerate(sorted(groups.items()), start=1):
            initial.update(
                {
                    f"call{i}_days": days,
                    f"call{i}_start": f"{start:%H:%M}",
                    f"call{i}_minutes": minutes,
                    f"call{i}_carers": carers,
                }
            )
        return initial

    def call_rows(self) -> list[dict[str, Any]]:
        """Bound fields per call, for the template."""
        return [
            {
                "n": i,
                "days": self[f"call{i}_days"],
                "start": self[f"call{i}_start"],
                "minutes": self[f"call{i}_minutes"],
                "carers": self[f"call{i}_carers"],
            }
            for i in range(1, CALL_ROWS + 1)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        rows: list[CallRow] = []
        for i in range(1, CALL_ROWS + 1):
            days = data.get(f"call{i}_days") or []
            start_text = (data.get(f"call{i}_start") or "").strip()
            minutes = data.get(f"call{i}_minutes")
            carers = data.get(f"call{i}_carers")
            if not days and not start_text and minutes is None:
                continue
            if not days:
                self.add_error(f"call{i}_days", f"Call {i}: choose at least one day.")
            start = _time_parse(start_text) if start_text else None
            if start is None:
                self.add_error(
                    f"call{i}_start",
                    f"Call {i}: give the start time as hours and minutes, like 07:30.",
                )
            if minutes is None:
                self.add_error(f"call{i}_minutes", f"Call {i}: give the length in minutes.")
            if days and start is not None and minutes is not None:
                rows.append(
                    CallRow(
                        weekdays=frozenset(int(d) for d in days),
                        start=start,
                        minutes=minutes,
                        carers=carers or 1,
                    )
                )
        if not rows and not self.errors:
            self.add_error(None, "Add at least one call: its days, start time and length.")
        data["rows"] = rows
        return data


class HandbackForm(GovForm):
    submit_label = "Give notice"
    reason = forms.ChoiceField(
        choices=HandbackReason.choices,
        widget=forms.RadioSelect,
        label="Why are you handing it back?",
    )
    details = forms.CharField(
        max_length=500,
        required=False,
        label="More about the reason (required for other)",
        help_text="No names or addresses.",
    )
    last_day = GovDateField(
        what="your last day of care",
        label="Your last day of care",
        help_text="For example, 8 1 2027. The new provider starts the day after.",
    )


class TransferForm(GovForm):
    submit_label = "Propose the transfer"
    to_provider = forms.ModelChoiceField(
        queryset=Provider.objects.none(),
        label="Receiving provider",
        help_text="Providers on the framework for this package's lot.",
    )
    transfer_date = GovDateField(
        what="the first day with the receiving provider",
        label="First day with the receiving provider",
        help_text="For example, 4 1 2027. The current purchase order ends the day before.",
    )
    reason = forms.CharField(
        max_length=500,
        label="Why does it fit the other round better?",
        help_text="For example, their carers already visit two streets away at these times.",
    )

    def __init__(self, *args: Any, providers: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if providers is not None:
            field = self.fields["to_provider"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = providers


class WithdrawForm(GovForm):
    submit_label = "Withdraw"
    reason = forms.CharField(max_length=300, label="Why are you withdrawing?")
