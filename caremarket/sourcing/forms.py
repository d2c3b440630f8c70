from __future__ import annotations

from decimal import Decimal

from django import forms

from caremarket.accounts.models import Organisation, OrganisationKind
from caremarket.common.forms import GovDateField, GovForm
from caremarket.framework.models import Cohort, ServiceType
from caremarket.sourcing.models import RouteChoices, Urgency


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
    reason = forms.CharField(max_length=300, label="Why are you declining?")


class CancelForm(GovForm):
    submit_label = "Cancel package"
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


class ProposalForm(GovForm):
    # The page writes each package's button, so it can say which package it sends to.
    submit_label = ""
    rate = forms.DecimalField(
        min_value=Decimal("0.01"), decimal_places=2, label="Your rate (£ an hour)"
    )
    notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="How you could make the package work, for example a different start date",
    )


class DirectPlacementForm(GovForm):
    submit_label = "Place package"
    route = forms.ChoiceField(
        choices=[
            (RouteChoices.MINI_COMPETITION.value, RouteChoices.MINI_COMPETITION.label),
            (RouteChoices.SPOT.value, RouteChoices.SPOT.label),
        ]
    )
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.filter(
            kind=OrganisationKind.HOME_CARE_PROVIDER, is_active=True
        ),
        label="Provider",
    )
    rate = forms.DecimalField(
        min_value=Decimal("0.01"), decimal_places=2, label="Agreed rate (£ an hour)"
    )
    note = forms.CharField(max_length=300, required=False)


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
