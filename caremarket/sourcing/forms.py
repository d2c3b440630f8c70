"""Page forms for sourcing: packages, offers, the lists and the book of care; visit patterns,
handbacks, transfers and strategic partners (entry points: parse input only)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms

from caremarket.common.forms import GovDateField, GovForm, field_messages_govuk
from caremarket.framework.models import Cohort, Provider, ServiceType
from caremarket.sourcing.engine.visit_pattern import WEEKDAY_NAMES, Call, CallRow
from caremarket.sourcing.models import HandbackReason, RouteChoices, Urgency
from caremarket.sourcing.selectors.packages import placement_organisations


class PackageForm(GovForm):
    submit_label = "Create package and start sourcing"
    person_reference = forms.CharField(
        max_length=40,
        label="Person's case reference",
        help_text="The council's reference. Providers never see it.",
    )
    postcode = forms.CharField(
        max_length=8, help_text="The district and lot follow from the postcode."
    )
    service_type = forms.ChoiceField(choices=ServiceType.choices)
    cohort = forms.ChoiceField(choices=Cohort.choices)
    hours_per_week = forms.DecimalField(
        min_value=Decimal("0.25"), max_value=Decimal("168"), decimal_places=2
    )
    visit_pattern = forms.CharField(
        max_length=300, help_text="For example, 4 calls a day, 30 minutes each"
    )
    start_date = GovDateField(
        what="the date the care starts", label="Start date", help_text="For example, 30 11 2026"
    )
    needs = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="What the care must cover. No names or addresses.",
    )
    urgency = forms.ChoiceField(choices=Urgency.choices)


class DeclineForm(GovForm):
    submit_label = "Decline offer"
    submit_class = "govuk-button--warning"
    reason = forms.CharField(max_length=300, label="Why are you declining?")


class CancelForm(GovForm):
    submit_label = "Cancel package"
    submit_class = "govuk-button--warning"
    reason = forms.CharField(max_length=300)


class EndForm(GovForm):
    submit_label = "Record the end of care"
    ends_on = GovDateField(
        what="the last day of care",
        label="Last day of care",
        help_text="For example, 27 11 2026. It cannot be in the future.",
    )
    reason = forms.CharField(
        max_length=300,
        label="Why has the care ended?",
        help_text="For example, moved into a care home. No names.",
    )


class _PricedForm(GovForm):
    """A rate is asked for in the unit the package's service type is priced in."""

    rate_label = "Rate"

    def __init__(self, *args: Any, unit_label: str = "an hour", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rate"].label = f"{self.rate_label} (£ {unit_label})"
        # The label is known only now, after GovFormMixin worded the messages: word them again
        # so an empty rate says "Enter your rate (£ an hour)", not Django's default.
        field_messages_govuk(self.fields["rate"])


class ProposalForm(_PricedForm):
    # The page writes each package's button, so it can say which package it sends to.
    submit_label = ""
    rate_label = "Your rate"
    rate = forms.DecimalField(min_value=Decimal("0.01"), decimal_places=2)
    notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="How you could make the package work, for example a different start date",
    )


class DirectPlacementForm(_PricedForm):
    submit_label = "Place package"
    rate_label = "Agreed rate"
    route = forms.ChoiceField(
        choices=[
            (RouteChoices.MINI_COMPETITION.value, RouteChoices.MINI_COMPETITION.label),
            (RouteChoices.SPOT.value, RouteChoices.SPOT.label),
        ]
    )
    organisation = forms.ModelChoiceField(queryset=placement_organisations(), label="Provider")
    rate = forms.DecimalField(min_value=Decimal("0.01"), decimal_places=2)
    note = forms.CharField(max_length=300, required=False)


class ChangeHoursForm(GovForm):
    submit_label = "Change the hours"
    hours_per_week = forms.DecimalField(
        min_value=Decimal("0.25"),
        max_value=Decimal("168"),
        decimal_places=2,
        label="New hours a week",
    )
    starts_on = GovDateField(
        what="the first day of the new hours",
        label="First day of the new hours",
        help_text="For example, 4 1 2027. The current purchase order ends the day before.",
    )


class BatchingUploadForm(GovForm):
    submit_label = "Upload returned list"
    file = forms.FileField(label="Your ticked Batching List (.xlsx)")


class CareBookForm(GovForm):
    submit_label = "Check and load the book"
    file = forms.FileField(
        label="Book of care (CSV or xlsx)",
        help_text="Your case system's export, in the columns of the template.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )


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


class SwapForm(GovForm):
    submit_label = "Propose the swap"
    package_reference = forms.CharField(
        max_length=20,
        label="Package moving from its provider to the other",
        help_text="The package reference, for example PKG-00012.",
    )
    other_package_reference = forms.CharField(
        max_length=20,
        label="Package coming back in exchange",
        help_text="A package the other provider delivers, which moves the other way.",
    )
    transfer_date = GovDateField(
        what="the first day with the new providers",
        label="First day with the new providers",
        help_text="For example, 4 1 2027. Both current purchase orders end the day before.",
    )
    reason = forms.CharField(
        max_length=500,
        label="Why does each package fit the other round better?",
        help_text="For example, each provider's carers already visit near the other's client.",
    )


class WithdrawForm(GovForm):
    submit_label = "Withdraw"
    submit_class = "govuk-button--secondary"
    reason = forms.CharField(max_length=300, label="Why are you withdrawing?")


class PartnershipForm(GovForm):
    submit_label = "Name the strategic partner"
    provider = forms.ModelChoiceField(
        queryset=Provider.objects.filter(is_active=True).select_related("organisation"),
        label="Strategic partner",
        help_text="A provider on the ranked list for the service in every district named.",
    )
    service_type = forms.ChoiceField(
        choices=ServiceType.choices, widget=forms.RadioSelect, label="Service type"
    )
    outward_codes = forms.CharField(
        max_length=200,
        label="Outward codes",
        help_text="Separate them with commas or spaces, for example CM1, CM2.",
    )
    starts_on = GovDateField(
        what="the first day of the trial",
        label="First day of the trial",
        help_text="For example, 1 2 2027.",
    )
    ends_on = GovDateField(
        what="the last day of the trial",
        label="Last day of the trial",
        help_text="For example, 31 7 2027. At most two years after the first day.",
    )
    notes = forms.CharField(max_length=500, required=False, label="Notes (optional)")


class PartnershipEndForm(GovForm):
    submit_label = "End the partnership"
    submit_class = "govuk-button--warning"
    reason = forms.CharField(max_length=300, label="Why does the partnership end early?")
