import pytest

from caremarket.audit.models import AuditEvent
from caremarket.sourcing.models import StrategicPartnership
from caremarket.sourcing.services.offers import offer_accept
from caremarket.sourcing.tests.conftest import THURSDAY

pytestmark = pytest.mark.django_db

URL = "/api/v1/strategic-partners"


def body(sourcing, **overrides):
    fields = {
        "provider_id": sourcing.tier2.pk,
        "service_type": "personal_care",
        "outward_codes": ["CM1", "cm2"],
        "starts_on": "2026-11-19",
        "ends_on": "2027-05-18",
    }
    fields.update(overrides)
    return fields


@pytest.fixture(autouse=True)
def _thursday(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: THURSDAY)


def test_a_contract_manager_names_lists_gets_and_ends_a_partner(sourcing, world):
    client = world.client_for(world.contract_manager)
    made = client.post(URL, body(sourcing), content_type="application/json")
    assert made.status_code == 201, made.content
    pid = made.json()["id"]
    assert made.json()["outward_codes"] == ["CM1", "CM2"]
    assert made.json()["status"] == "In force"
    # A package in CM1 goes to the partner first; it takes it.
    package = sourcing.package(world.broker)
    offer = package.offers.get()
    assert offer.provider == sourcing.tier2
    offer_accept(actor=sourcing.tier2_user, offer=offer, now=THURSDAY)
    got = client.get(f"{URL}/{pid}").json()
    assert (got["packages_offered"], got["packages_placed"]) == (1, 1)
    listed = client.get(URL).json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == pid
    ended = client.post(
        f"{URL}/{pid}/end", {"reason": "Trial over"}, content_type="application/json"
    )
    assert ended.status_code == 200 and ended.json()["status"] == "Ended early"
    again = client.post(f"{URL}/{pid}/end", {"reason": "Again"}, content_type="application/json")
    assert again.status_code == 422 and again.json()["code"]
    assert AuditEvent.objects.filter(action__startswith="strategic_partner.").count() == 2


def test_bad_input_is_refused_with_the_field_and_nothing_written(sourcing, world):
    client = world.client_for(world.contract_manager)
    cases = [
        (body(sourcing, outward_codes=["NOPE1"]), "not an outward code"),
        (body(sourcing, ends_on="2026-11-01"), "must end on or after"),
        (body(sourcing, starts_on="2026-11-18"), "cannot start in the past"),
        (body(sourcing, service_type="gardening"), "is not a service type"),
    ]
    for payload, words in cases:
        response = client.post(URL, payload, content_type="application/json")
        assert response.status_code == 422, response.content
        assert words in response.content.decode()
    missing = client.post(URL, body(sourcing, provider_id=999999), content_type="application/json")
    assert missing.status_code == 404
    assert StrategicPartnership.objects.count() == 0


def test_a_second_partner_for_the_same_codes_and_service_is_refused(sourcing, world):
    client = world.client_for(world.contract_manager)
    assert client.post(URL, body(sourcing), content_type="application/json").status_code == 201
    clash = client.post(
        URL,
        body(sourcing, provider_id=sourcing.first.pk, outward_codes=["CM2"]),
        content_type="application/json",
    )
    assert clash.status_code == 422 and "already has a strategic partner" in clash.content.decode()


def test_only_contract_managers_write_and_providers_see_no_partnerships(sourcing, world):
    cm = world.client_for(world.contract_manager)
    pid = cm.post(URL, body(sourcing), content_type="application/json").json()["id"]
    broker = world.client_for(world.broker)
    assert broker.get(URL).status_code == 200
    assert broker.post(URL, body(sourcing), content_type="application/json").status_code in (
        403,
        404,
    )
    assert broker.post(
        f"{URL}/{pid}/end", {"reason": "x"}, content_type="application/json"
    ).status_code in (403, 404)
    for user in (sourcing.tier2_user, sourcing.first_user):
        provider = world.client_for(user)
        assert provider.get(URL).status_code in (403, 404)
        assert provider.get(f"{URL}/{pid}").status_code in (403, 404)
    assert StrategicPartnership.objects.get().ended_at is None
