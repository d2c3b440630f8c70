"""A contract manager adds a provider and its branches from the CQC register."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from caremarket.accounts.models import Organisation
from caremarket.common.errors import NotPermitted, ValidationFailed
from caremarket.cqc.services import cqc_import
from caremarket.cqc.tests import published as p
from caremarket.framework.models import Provider
from caremarket.framework.services.providers import provider_add_from_cqc

NOW = dt.datetime(2026, 11, 2, 10, tzinfo=dt.UTC)


@pytest.fixture
def register(db):
    rows = [
        p.directory_row(
            "1-61",
            "Sunrise Chelmsford",
            "CM1 1AA",
            provider_id="1-600",
            provider="Sunrise Care Ltd",
            types="Homecare agencies",
        ),
        p.directory_row(
            "1-62",
            "Sunrise Colchester",
            "CO1 1AB",
            provider_id="1-600",
            provider="Sunrise Care Ltd",
            types="Homecare agencies",
        ),
        p.directory_row(
            "1-63",
            "Other Firm",
            "CM1 1AB",
            provider_id="1-700",
            provider="Other Ltd",
            types="Homecare agencies",
        ),
    ]
    cqc_import(data=p.directory_csv(rows), filename="d.csv", now=NOW)


def add(world, **kwargs):
    values = {
        "actor": world.contract_manager,
        "cqc_provider_id": "1-600",
        "branch_location_ids": ["1-61", "1-62"],
        "joined_on": dt.date(2026, 11, 2),
        "now": NOW,
    }
    return provider_add_from_cqc(**{**values, **kwargs})


def test_a_provider_joins_with_two_branches_named_as_the_register_names_them(world, register):
    provider = add(world)
    assert provider.name == "Sunrise Care Ltd" and provider.organisation.reference == "1-600"
    assert sorted(provider.branches.values_list("name", flat=True)) == [
        "Sunrise Chelmsford",
        "Sunrise Colchester",
    ]


def test_an_existing_home_care_organisation_is_used_when_its_reference_matches(world, register):
    Organisation.objects.filter(pk=world.home_care_provider.pk).update(reference="1-600")
    assert add(world).organisation == world.home_care_provider


def test_a_location_of_another_provider_or_an_unknown_id_is_refused(world, register):
    with pytest.raises(ValidationFailed, match="1-63: not a registered location of CQC provider"):
        add(world, branch_location_ids=["1-61", "1-63"])
    with pytest.raises(ValidationFailed, match="no registered location under provider ID"):
        add(world, cqc_provider_id="1-999", branch_location_ids=["1-61"])
    with pytest.raises(ValidationFailed, match="at least one branch"):
        add(world, branch_location_ids=[])
    assert not Provider.objects.exists()


def test_only_contract_managers_add_providers(world, register):
    with pytest.raises(NotPermitted):
        add(world, actor=world.broker)


def test_the_page_lists_the_providers_locations_and_adds_the_chosen_branches(world, register):
    client = world.client_for(world.contract_manager)
    url = reverse("framework:provider-add")
    page = client.get(url, {"cqc_provider_id": "1-600"}).content.decode()
    assert "Sunrise Chelmsford" in page and "Other Firm" not in page
    response = client.post(
        url,
        {
            "cqc_provider_id": "1-600",
            "branch_location_ids": ["1-61", "1-62"],
            "joined_on": "2026-11-02",
        },
    )
    provider = Provider.objects.get()
    assert response.url == reverse("framework:provider-detail", args=[provider.pk])
    assert provider.branches.count() == 2
    assert world.client_for(world.broker).get(url).status_code == 404


def test_the_api_lists_locations_and_adds_a_provider(world, register):
    client = world.client_for(world.contract_manager)
    listed = client.get("/api/v1/cqc-providers/1-600/locations")
    assert [loc["location_id"] for loc in listed.json()] == ["1-61", "1-62"]
    created = client.post(
        "/api/v1/providers",
        {"cqc_provider_id": "1-600", "branch_location_ids": ["1-61"], "joined_on": "2026-11-02"},
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["cqc_provider_id"] == "1-600"
    refused = world.client_for(world.broker).get("/api/v1/cqc-providers/1-600/locations")
    assert refused.status_code == 403
