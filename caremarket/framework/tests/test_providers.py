import datetime as dt

import pytest
from django.utils import timezone

from caremarket.audit.models import AuditEvent
from caremarket.common.errors import NotPermitted, ValidationFailed
from caremarket.cqc.models import CqcLocation
from caremarket.cqc.services import cqc_ratings_import
from caremarket.framework.models import BranchChangeRequest, RegistrationStatus
from caremarket.framework.services.branch_requests import (
    branch_change_request_decide,
    branch_change_request_submit,
)
from caremarket.framework.services.providers import branch_refresh_from_cqc
from caremarket.notifications.models import Notification

RATINGS = (
    "Location ID,Domain,Latest Rating,Publication Date\n"
    "1-900-B1,Overall,Requires improvement,2026-10-01\n"
    "1-900-B1,Safe,Requires improvement,2026-10-01\n"
)


def test_a_cqc_import_flags_a_tier1_provider_that_loses_eligibility(fw, world):
    cqc_ratings_import(data=RATINGS.encode(), filename="r.csv", now=timezone.now())
    fw.meadow.refresh_from_db()
    assert not fw.meadow.tier1_eligible and fw.meadow.eligibility_lost_at is not None
    assert "Safe is Requires improvement" in fw.meadow.eligibility_problems[1]
    note = Notification.objects.get(event="framework.tier1_eligibility_lost")
    assert note.recipient == world.contract_manager
    assert AuditEvent.objects.filter(
        action="framework_provider.tier1_eligibility_lost", object_id=str(fw.meadow.pk)
    ).exists()


def test_a_tier2_provider_that_loses_eligibility_is_not_flagged(fw):
    RATINGS_WEAK = RATINGS.replace("1-900-B1", "1-999-B1")
    cqc_ratings_import(data=RATINGS_WEAK.encode(), filename="r.csv", now=timezone.now())
    assert not Notification.objects.filter(event="framework.tier1_eligibility_lost").exists()


def test_a_cqc_refresh_records_a_branch_that_left_the_register(fw):
    CqcLocation.objects.filter(location_id="1-901-B1").update(registered=False)
    CqcLocation.objects.filter(location_id="1-9010-B1").update(registered=False)
    branch_refresh_from_cqc(location_ids=["1-9010-B1"], now=timezone.now())
    branch = fw.good[0].branches.get()
    assert branch.registration_status == RegistrationStatus.NOT_REGISTERED
    fw.good[0].refresh_from_db()
    assert (
        "no branch listed in the agreement holds a valid CQC registration"
        in fw.good[0].eligibility_problems
    )


def _new_location(fw, location_id="1-NEW", provider_id=None, **extra):
    values = {
        "name": "Meadow North (as registered)",
        "provider_name": "Meadow Home Care Ltd",
        "postcode": "CM1 1AA",
        **extra,
    }
    return CqcLocation.objects.create(
        location_id=location_id,
        provider_id=provider_id or fw.meadow.cqc_provider_id,
        updated_at=timezone.now(),
        **values,
    )


def submit(fw, world, **kwargs):
    if not CqcLocation.objects.filter(location_id="1-NEW").exists():
        _new_location(fw)
    defaults = {
        "actor": world.home_care_admin,
        "provider": fw.meadow,
        "kind": BranchChangeRequest.Kind.REPLACE,
        "branch": fw.meadow.branches.get(),
        "new_cqc_location_id": "1-NEW",
        "reason": "We are moving office.",
        "now": timezone.now(),
    }
    return branch_change_request_submit(**{**defaults, **kwargs})


def test_an_approved_replacement_lists_the_new_branch_and_keeps_the_history(fw, world):
    request = submit(fw, world)
    assert Notification.objects.filter(
        recipient=world.contract_manager, event="framework.branch_change_requested"
    ).exists()
    branch_change_request_decide(
        actor=world.contract_manager, request=request, approve=True, now=timezone.now()
    )
    listed = {b.cqc_location_id: b.listed_in_agreement for b in fw.meadow.branches.all()}
    assert listed == {"1-900-B1": False, "1-NEW": True}
    request.refresh_from_db()
    assert (
        request.status == BranchChangeRequest.Status.APPROVED
        and request.decided_by == world.contract_manager
    )
    assert Notification.objects.filter(
        recipient=world.home_care_admin, event="framework.branch_change_decided"
    ).exists()


def test_a_rejection_needs_a_reason_and_changes_no_branch(fw, world):
    request = submit(fw, world)
    with pytest.raises(ValidationFailed, match="Say why"):
        branch_change_request_decide(
            actor=world.contract_manager, request=request, approve=False, now=timezone.now()
        )
    branch_change_request_decide(
        actor=world.contract_manager,
        request=request,
        approve=False,
        note="Not in Essex.",
        now=timezone.now(),
    )
    assert fw.meadow.branches.get().listed_in_agreement


def test_a_replacement_must_name_the_new_branch(fw, world):
    with pytest.raises(ValidationFailed) as caught:
        submit(fw, world, new_cqc_location_id="", reason="")
    assert set(caught.value.errors) == {"new_cqc_location_id", "reason"}


def test_provider_users_and_other_providers_cannot_ask(fw, world):
    with pytest.raises(NotPermitted):
        submit(fw, world, actor=world.home_care_user)
    with pytest.raises(NotPermitted):
        submit(fw, world, provider=fw.weak, branch=fw.weak.branches.get())


def test_providers_cannot_decide_their_own_requests(fw, world):
    request = submit(fw, world)
    with pytest.raises(NotPermitted):
        branch_change_request_decide(
            actor=world.home_care_admin,
            request=request,
            approve=True,
            now=timezone.now() + dt.timedelta(minutes=1),
        )


def test_the_new_branch_takes_the_name_the_register_gives(fw, world):
    request = submit(fw, world)
    assert request.new_name == "Meadow North (as registered)"
    branch_change_request_decide(
        actor=world.contract_manager, request=request, approve=True, now=timezone.now()
    )
    assert fw.meadow.branches.get(cqc_location_id="1-NEW").name == "Meadow North (as registered)"


def test_a_location_of_another_cqc_provider_is_refused_naming_its_owner(fw, world):
    _new_location(fw, "1-THEIRS", provider_id="1-777", provider_name="Rival Care Ltd")
    with pytest.raises(ValidationFailed) as caught:
        submit(fw, world, new_cqc_location_id="1-THEIRS")
    [message] = caught.value.errors["new_cqc_location_id"]
    assert "registered to Rival Care Ltd (CQC provider ID 1-777)" in message
    assert f"not to your CQC provider ID {fw.meadow.cqc_provider_id}" in message
    assert not BranchChangeRequest.objects.exists()


@pytest.mark.parametrize(
    ("location_id", "reason"),
    [("1-NOWHERE", "is not in the CQC register"), ("1-GONE", "no longer registered")],
)
def test_unknown_and_deregistered_locations_are_refused(fw, world, location_id, reason):
    _new_location(fw, "1-GONE", registered=False)
    with pytest.raises(ValidationFailed, match=reason):
        submit(fw, world, new_cqc_location_id=location_id)


def test_contract_managers_are_told_when_a_branch_leaves_the_register(fw, world):
    branch = fw.meadow.branches.get()
    CqcLocation.objects.filter(location_id=branch.cqc_location_id).update(
        registered=False, deregistered_on=dt.date(2026, 10, 1)
    )
    counts = branch_refresh_from_cqc(location_ids=[branch.cqc_location_id], now=timezone.now())
    assert counts["Framework branches that lost their registration"] == 1
    note = Notification.objects.get(event="framework.branch_deregistered")
    assert note.recipient == world.contract_manager
    assert "from 01 October 2026" in note.body


def test_a_request_is_listed_in_the_api_with_the_providers_name(fw, world):
    request = submit(fw, world)
    body = world.client_for(world.contract_manager).get("/api/v1/branch-requests").json()
    [listed] = [r for r in body["items"] if r["id"] == request.pk]
    assert listed["provider"] == fw.meadow.organisation.name
    assert listed["provider_id"] == fw.meadow.pk
    assert (listed["kind"], listed["new_cqc_location_id"], listed["status"]) == (
        "replace",
        "1-NEW",
        "pending",
    )
    own = world.client_for(world.home_care_admin).get("/api/v1/branch-requests").json()
    assert [r["id"] for r in own["items"]] == [request.pk]
