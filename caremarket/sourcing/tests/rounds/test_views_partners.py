import datetime as dt

import pytest
from django.utils import timezone

from caremarket.audit.models import AuditEvent
from caremarket.sourcing.models import StrategicPartnership
from caremarket.sourcing.services.partners import partnership_create

pytestmark = pytest.mark.django_db

URL = "/sourcing/strategic-partners/"


def _dates(prefix, day):
    return {f"{prefix}_0": day.day, f"{prefix}_1": day.month, f"{prefix}_2": day.year}


def _post(sourcing, codes="CM1, CM2", starts=None, ends=None):
    today = timezone.localdate()
    starts = starts or today + dt.timedelta(days=1)
    ends = ends or today + dt.timedelta(days=180)
    return {
        "provider": sourcing.tier2.pk,
        "service_type": "personal_care",
        "outward_codes": codes,
        **_dates("starts_on", starts),
        **_dates("ends_on", ends),
        "notes": "",
    }


def _named(sourcing, world):
    today = timezone.localdate()
    return partnership_create(
        actor=world.contract_manager,
        provider=sourcing.tier2,
        service_type="personal_care",
        outward_codes=["CM1", "CM2"],
        starts_on=today,
        ends_on=today + dt.timedelta(days=90),
        now=timezone.now(),
    )


def test_a_contract_manager_names_a_partner_from_the_form(sourcing, world):
    client = world.client_for(world.contract_manager)
    assert client.get(URL + "new/").status_code == 200
    response = client.post(URL + "new/", _post(sourcing))
    partnership = StrategicPartnership.objects.get()
    assert response.status_code == 302 and response.url == f"{URL}{partnership.pk}/"
    assert partnership.outward_codes == ["CM1", "CM2"]
    assert AuditEvent.objects.filter(action="strategic_partner.named").count() == 1
    page = client.get(URL).content.decode()
    assert "CM1, CM2" in page and "In force" not in page  # starts tomorrow
    assert "Not started" in page


def test_bad_input_says_what_is_wrong_and_writes_nothing(sourcing, world):
    client = world.client_for(world.contract_manager)
    today = timezone.localdate()
    response = client.post(
        URL + "new/", _post(sourcing, starts=today + dt.timedelta(days=9), ends=today)
    )
    assert response.status_code == 400
    assert "The trial must end on or after its first day." in response.content.decode()
    response = client.post(URL + "new/", _post(sourcing, codes="ZZ9"))
    assert response.status_code == 400
    assert "ZZ9: not in the postcode directory." in response.content.decode()
    response = client.post(
        URL + "new/", {**_post(sourcing), "starts_on_0": "31", "starts_on_1": "2"}
    )
    assert response.status_code == 400
    assert StrategicPartnership.objects.count() == 0


def test_ending_early_takes_two_steps(sourcing, world):
    partnership = _named(sourcing, world)
    client = world.client_for(world.contract_manager)
    end = f"{URL}{partnership.pk}/end/"
    assert client.get(end).status_code == 200
    first = client.post(end, {"reason": "Trial stopped"})
    assert first.status_code == 200 and "Are you sure" in first.content.decode()
    partnership.refresh_from_db()
    assert partnership.ended_at is None
    assert client.post(end, {"reason": "Trial stopped", "confirm": "yes"}).status_code == 302
    partnership.refresh_from_db()
    assert partnership.ended_at is not None and partnership.end_reason == "Trial stopped"
    assert AuditEvent.objects.filter(action="strategic_partner.ended").count() == 1
    assert "Ended early" in client.get(f"{URL}{partnership.pk}/").content.decode()


def test_brokers_see_but_do_not_manage_and_providers_see_nothing(sourcing, world):
    partnership = _named(sourcing, world)
    broker = world.client_for(world.broker)
    page = broker.get(URL).content.decode()
    assert "CM1, CM2" in page and "Name a strategic partner" not in page
    assert broker.get(URL + "new/").status_code in (403, 404)
    assert broker.post(
        f"{URL}{partnership.pk}/end/", {"reason": "x", "confirm": "yes"}
    ).status_code in (403, 404)
    provider = world.client_for(sourcing.tier2_user)
    for url in (URL, f"{URL}{partnership.pk}/", URL + "new/"):
        assert provider.get(url).status_code in (403, 404), url
    partnership.refresh_from_db()
    assert partnership.ended_at is None


def test_council_staff_who_may_see_it_have_the_navigation_link(sourcing, world):
    assert (
        URL in world.client_for(world.contract_manager).get("/sourcing/packages/").content.decode()
        or URL in world.client_for(world.contract_manager).get("/").content.decode()
    )
    assert URL not in world.client_for(sourcing.tier2_user).get("/").content.decode()
