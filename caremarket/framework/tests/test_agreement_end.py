"""A provider's framework agreement ends: kept on record, offered nothing from that day."""

import datetime as dt

import pytest

from caremarket.audit.models import AuditEvent
from caremarket.common.errors import Conflict, NotPermitted, ValidationFailed
from caremarket.framework.selectors.ranked_lists import ranked_list_in_force
from caremarket.framework.services.providers import provider_agreement_end
from caremarket.framework.tests.conftest import at

NOW = at(dt.date(2026, 11, 20))


def test_ending_keeps_the_provider_and_takes_it_off_the_list_in_force_from_that_day(world, fw):
    leaver = fw.good[0]
    provider_agreement_end(
        actor=world.contract_manager,
        provider=leaver,
        left_on=dt.date(2026, 11, 16),
        reason="Handed back every package",
        now=NOW,
    )
    leaver.refresh_from_db()
    assert (leaver.left_on, leaver.is_active) == (dt.date(2026, 11, 16), False)
    lot = fw.lot("Chelmsford")
    before = ranked_list_in_force(lot=lot, on=dt.date(2026, 11, 15))
    after = ranked_list_in_force(lot=lot, on=dt.date(2026, 11, 16))
    assert leaver.pk in [e.provider_id for e in before.tier1]
    assert leaver.pk not in [e.provider_id for e in after.tier1]
    assert [e.provider_id for e in after.tier1] == [fw.meadow.pk]
    assert AuditEvent.objects.filter(
        action="framework_provider.agreement_ended", object_id=str(leaver.pk)
    ).exists()


@pytest.mark.parametrize(
    ("left_on", "reason", "message"),
    [
        (dt.date(2026, 11, 21), "x", "cannot be in the future"),
        (dt.date(2025, 11, 9), "x", "The date the agreement ended must be after"),
        (dt.date(2026, 11, 16), " ", "Say why"),
    ],
)
def test_a_bad_end_is_refused_and_nothing_changes(world, fw, left_on, reason, message):
    with pytest.raises(ValidationFailed) as exc:
        provider_agreement_end(
            actor=world.contract_manager, provider=fw.weak, left_on=left_on, reason=reason, now=NOW
        )
    assert message in str(exc.value.errors)
    fw.weak.refresh_from_db()
    assert fw.weak.left_on is None and fw.weak.is_active


def test_an_agreement_ends_once_and_only_the_live_at_home_team_ends_it(world, fw):
    with pytest.raises(NotPermitted):
        provider_agreement_end(
            actor=world.broker, provider=fw.weak, left_on=NOW.date(), reason="x", now=NOW
        )
    provider_agreement_end(
        actor=world.contract_manager, provider=fw.weak, left_on=NOW.date(), reason="x", now=NOW
    )
    with pytest.raises(Conflict):
        provider_agreement_end(
            actor=world.contract_manager, provider=fw.weak, left_on=NOW.date(), reason="x", now=NOW
        )


def test_the_provider_page_ends_the_agreement(world, fw, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)
    client = world.client_for(world.contract_manager)
    page = client.get(f"/framework/providers/{fw.weak.pk}/")
    assert "End the agreement" in page.text
    typed = {
        "left_on_0": "16",
        "left_on_1": "11",
        "left_on_2": "2026",
        "reason": "Closed the business",
    }
    check = client.post(f"/framework/providers/{fw.weak.pk}/end-agreement/", typed)
    # The first step only shows what will happen: nothing has ended yet.
    assert "Check before you end the agreement" in check.text
    fw.weak.refresh_from_db()
    assert fw.weak.left_on is None
    response = client.post(
        f"/framework/providers/{fw.weak.pk}/end-agreement/",
        {**typed, "confirm": "yes"},
        follow=True,
    )
    assert "agreement has ended" in response.text and "16 November 2026" in response.text
    assert "End the agreement</h2>" not in response.text


def test_brokers_do_not_see_the_end_form_and_cannot_post_it(world, fw):
    client = world.client_for(world.broker)
    assert "End the agreement</h2>" not in client.get(f"/framework/providers/{fw.weak.pk}/").text
    response = client.post(
        f"/framework/providers/{fw.weak.pk}/end-agreement/",
        {"left_on_0": "16", "left_on_1": "11", "left_on_2": "2026", "reason": "x"},
    )
    assert response.status_code == 404


def test_the_api_ends_an_agreement(world, fw, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)
    response = world.client_for(world.contract_manager).post(
        f"/api/v1/providers/{fw.weak.pk}/end-agreement",
        {"left_on": "2026-11-16", "reason": "Closed"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["left_on"] == "2026-11-16" and response.json()["is_active"] is False
    refused = world.client_for(world.broker).post(
        f"/api/v1/providers/{fw.good[1].pk}/end-agreement",
        {"left_on": "2026-11-16", "reason": "Closed"},
        content_type="application/json",
    )
    assert refused.status_code == 403
