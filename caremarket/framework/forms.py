from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from caremarket.common.forms import GovDateField, GovForm
from caremarket.framework.models import (
    Branch,
    BranchChangeRequest,
    Lot,
    PriceYear,
    Provider,
    RateUnit,
    ServiceType,
)
from caremarket.framework.services.ranked_lists import DEFAULT_PRICE_WEIGHT, DEFAULT_QUALITY_WEIGHT
from caremarket.geography.models import District


class BranchChangeRequestForm(GovForm):
    submit_label = "Send the request"
    kind = forms.ChoiceField(
        choices=BranchChangeRequest.Kind.choices,
        widget=forms.RadioSelect,
        label="What do you want to change?",
    )
    branch = forms.ModelChoiceField(
        queryset=Branch.objects.none(),
        required=False,
        label="Branch to remove or replace",
        help_text="Only for removing or replacing a branch",
    )
    new_cqc_location_id = forms.CharField(
        max_length=20,
        required=False,
        label="CQC location ID of the new branch",
        help_text=(
            "Only for adding or replacing a branch, for example 1-123456789. It must be"
            " registered to your CQC provider ID; the branch takes the name the register gives."
        ),
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), label="Why is it needed?")

    def __init__(self, *args: Any, provider: Provider, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["branch"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = provider.branches.filter(listed_in_agreement=True)


class ProviderFromCqcForm(GovForm):
    submit_label = "Add to the framework"
    cqc_provider_id = forms.CharField(max_length=20, widget=forms.HiddenInput)
    branch_location_ids = forms.MultipleChoiceField(
        label="Branches in the agreement",
        help_text="Each branch takes the name and address the CQC register gives it.",
        widget=forms.CheckboxSelectMultiple,
    )
    joined_on = GovDateField(
        what="the date the provider joined the framework",
        label="Date the provider joined the framework",
        help_text="For example, 9 11 2025.",
    )

    def __init__(self, *args: Any, locations: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["branch_location_ids"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [
            (loc.location_id, f"{loc.name}, {loc.postcode} ({loc.location_id})")
            for loc in locations
        ]


class AgreementEndForm(GovForm):
    # Nothing ends on this step: the next page says what will happen and asks to confirm.
    submit_label = "Continue"
    left_on = GovDateField(
        what="the date the agreement ended",
        label="Date the agreement ended",
        help_text="From this day the provider is offered no packages. For example, 30 11 2026.",
    )
    reason = forms.CharField(max_length=300, label="Why has the agreement ended?")


class BranchDecisionForm(GovForm):
    submit_label = "Record the decision"
    decision = forms.ChoiceField(
        choices=[("approve", "Approve"), ("reject", "Reject")], widget=forms.RadioSelect
    )
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label="Note to the provider",
        help_text="Required when rejecting",
    )


class RankedListImportForm(GovForm):
    submit_label = "Check and import"
    workbook = forms.FileField(
        label="Ranked-list workbook (xlsx, ODS or CSV)",
        help_text=(
            "Use the “Ranked lists” sheet of the Ranked List Tool download: one row per provider"
            " per lot, with District, Service type, Cohort, Tier, Position and CQC provider ID."
        ),
    )


class IssueForm(GovForm):
    submit_label = "Issue this version"
    effective_from = GovDateField(
        what="the date this version is in force from",
        label="In force from",
        help_text="Today or later. For example, 9 5 2026.",
    )
    note = forms.CharField(max_length=500, required=False, label="Note (optional)")


class RankByScoresForm(GovForm):
    submit_label = "Rank by scores"
    price_weight = forms.IntegerField(
        min_value=0, max_value=100, initial=DEFAULT_PRICE_WEIGHT, label="Price weight (%)"
    )
    quality_weight = forms.IntegerField(
        min_value=0, max_value=100, initial=DEFAULT_QUALITY_WEIGHT, label="Quality weight (%)"
    )


class LotEditForm(GovForm):
    submit_label = "Save this list"
    tier1 = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 10}),
        required=False,
        label="Tier 1, in rank order",
        help_text=(
            "One provider a line, starting with its CQC provider ID. At most 10 in a district."
        ),
    )
    tier2 = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 10}),
        required=False,
        label="Tier 2, in rank order",
        help_text="One provider a line, starting with its CQC provider ID.",
    )

    def _providers(self, name: str) -> list[Provider]:
        ids = [line.split()[0] for line in self.cleaned_data[name].splitlines() if line.strip()]
        known = {
            p.cqc_provider_id.lower(): p for p in Provider.objects.select_related("organisation")
        }
        unknown = [i for i in ids if i.lower() not in known]
        if unknown:
            raise forms.ValidationError(
                f"No framework provider has the CQC provider ID {', '.join(unknown)}."
            )
        return [known[i.lower()] for i in ids]

    def clean_tier1(self) -> list[Provider]:
        return self._providers("tier1")

    def clean_tier2(self) -> list[Provider]:
        return self._providers("tier2")


class RateSelectForm(GovForm):
    submit_label = "Select this rate"
    lot = forms.ModelChoiceField(queryset=Lot.objects.select_related("district"))
    year = forms.ModelChoiceField(queryset=PriceYear.objects.all(), label="Framework year")
    amount = forms.DecimalField(
        max_digits=8,
        decimal_places=2,
        min_value=0,
        label="Rate (£)",
        help_text="One of the rates in the price matrix for the lot's service type and district",
    )


class PriceYearForm(GovForm):
    submit_label = "Add the year"
    label = forms.CharField(
        max_length=20, label="Name of the year", help_text="For example, 2027/28"
    )
    starts_on = GovDateField(
        what="the first day of the year",
        label="First day",
        help_text=(
            "Packages starting on or after this day get this year's rates. For example, 1 4 2027"
        ),
    )
    ends_on = GovDateField(
        what="the last day of the year", label="Last day", help_text="For example, 31 3 2028"
    )


class MatrixRateForm(GovForm):
    submit_label = "Add the rate"
    service_type = forms.ChoiceField(
        choices=[("", "Choose a service type"), *ServiceType.choices], label="Service type"
    )
    district = forms.ModelChoiceField(
        queryset=District.objects.order_by("name"),
        required=False,
        empty_label="Every district without a rate of its own",
        label="District",
    )
    band = forms.CharField(max_length=20, help_text="For example, Standard or Rural")
    amount = forms.DecimalField(
        max_digits=8, decimal_places=2, min_value=Decimal("0.01"), label="Rate (£)"
    )
    unit = forms.ChoiceField(choices=RateUnit.choices, initial=RateUnit.HOUR, label="Per")
