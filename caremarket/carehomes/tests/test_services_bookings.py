import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from caremarket.audit.models import AuditEvent
from caremarket.carehomes import services
from caremarket.carehomes.models import (
    Booking,
    BookingStatus,
    Funding,
    RejectionReason,
    RejectionStage,
    Suspension,
    SuspensionReason,
)
from caremarket.carehomes.tests.helpers import submit
from caremarket.common.errors import Conflict, NotPermitted, ValidationFailed
from caremarket.notifications.models import Notification

DAY = dt.timedelta(days=1)


def refreshed(room):
    room.refresh_from_db()
    return room


def test_a_request_reserves_the_room_until_the_home_answers(world, estate):
    submit(world.broker, estate.spot, estate.now)
    with pytest.raises(Conflict) as exc:
        submit(world.health_searcher, estate.spot, estate.now, reference="NHS-2")
    assert exc.value.code == "room_requested"
    assert "awaiting the home's answer" in exc.value.message


def test_accepting_turns_the_request_into_a_booking_and_tells_the_requester(world, estate):
    booking = submit(world.broker, estate.spot, estate.now)
    services.booking_request_accept(actor=world.care_home_user, booking=booking, now=estate.now)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.ACCEPTED
    assert booking.decided_by == world.care_home_user
    assert refreshed(estate.spot).free_from is None
    note = Notification.objects.get(recipient=world.broker)
    assert note.event == "booking.accepted" and "Willow House" in note.subject


def test_the_home_staff_hear_of_a_new_request(world, estate):
    submit(world.broker, estate.spot, estate.now)
    recipients = set(
        Notification.objects.filter(event="booking.requested").values_list("recipient", flat=True)
    )
    assert recipients == {world.care_home_admin.pk, world.care_home_user.pk}


def test_rejecting_frees_the_room_at_once_and_tells_the_requester_why(world, estate):
    booking = submit(world.broker, estate.spot, estate.now)
    assert refreshed(estate.spot).free_from is None
    services.booking_request_reject(
        actor=world.care_home_admin,
        booking=booking,
        stage=RejectionStage.AFTER_ASSESSMENT,
        reason=RejectionReason.NEEDS_NOT_MET,
        now=estate.now,
    )
    assert refreshed(estate.spot).free_from <= estate.today
    note = Notification.objects.get(recipient=world.broker, event="booking.rejected")
    assert "after assessing the person" in note.body
    submit(world.health_searcher, estate.spot, estate.now, reference="NHS-2")


def test_a_rejection_needs_a_reason_and_other_needs_a_note(world, estate):
    booking = submit(world.broker, estate.spot, estate.now)
    with pytest.raises(ValidationFailed) as exc:
        services.booking_request_reject(
            actor=world.care_home_admin,
            booking=booking,
            stage=RejectionStage.BEFORE_ASSESSMENT,
            reason=RejectionReason.OTHER,
            now=estate.now,
        )
    assert "note" in exc.value.errors


def test_only_the_requesting_organisation_can_cancel(world, estate):
    booking = submit(world.broker, estate.spot, estate.now)
    with pytest.raises(NotPermitted):
        services.booking_request_cancel(
            actor=world.health_searcher, booking=booking, now=estate.now
        )
    services.booking_request_cancel(actor=world.council_admin, booking=booking, now=estate.now)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert refreshed(estate.spot).free_from <= estate.today


def test_a_request_cannot_be_answered_twice(world, estate):
    booking = submit(world.broker, estate.spot, estate.now)
    services.booking_request_accept(actor=world.care_home_user, booking=booking, now=estate.now)
    with pytest.raises(Conflict) as exc:
        services.booking_request_reject(
            actor=world.care_home_user,
            booking=booking,
            stage=RejectionStage.BEFORE_ASSESSMENT,
            reason=RejectionReason.NO_STAFF,
            now=estate.now,
        )
    assert exc.value.code == "wrong_status"


def test_ending_a_booking_frees_the_room_from_the_end_date(world, estate):
    booking = submit(world.broker, estate.spot, estate.now)
    services.booking_request_accept(actor=world.care_home_user, booking=booking, now=estate.now)
    later = estate.now + 10 * DAY
    services.booking_end(actor=world.care_home_user, booking=booking, now=later)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.ENDED
    assert booking.ends_on == estate.today + 10 * DAY
    assert refreshed(estate.spot).free_from == estate.today + 10 * DAY
    assert Notification.objects.filter(recipient=world.broker, event="booking.ended").exists()


def test_a_booking_cannot_end_before_it_started(world, estate):
    booking = submit(world.broker, estate.spot, estate.now, starts_on=estate.today + 5 * DAY)
    services.booking_request_accept(actor=world.care_home_user, booking=booking, now=estate.now)
    with pytest.raises(ValidationFailed) as exc:
        services.booking_end(
            actor=world.care_home_user, booking=booking, ends_on=estate.today, now=estate.now
        )
    assert "ends_on" in exc.value.errors


def test_a_short_stay_leaves_the_room_free_for_a_later_booking(world, estate):
    first = submit(world.broker, estate.spot, estate.now, ends_on=estate.today + 7 * DAY)
    later = submit(world.health_searcher, estate.spot, estate.now, starts_on=estate.today + 7 * DAY)
    assert first.pk != later.pk


def test_a_provider_records_its_own_self_funder_as_a_booking_at_once(world, estate):
    booking = submit(world.care_home_user, estate.irn, estate.now, funding=Funding.SELF_FUNDER)
    assert booking.status == BookingStatus.ACCEPTED
    assert not Notification.objects.filter(event="booking.requested").exists()


def test_a_provider_may_record_a_resident_who_arrived_before_today(world, estate):
    booking = submit(
        world.care_home_admin,
        estate.spot,
        estate.now,
        starts_on=estate.today - 30 * DAY,
        funding=Funding.SELF_FUNDER,
    )
    assert booking.starts_on == estate.today - 30 * DAY


def test_a_broker_cannot_request_a_start_in_the_past(world, estate):
    with pytest.raises(ValidationFailed) as exc:
        submit(world.broker, estate.spot, estate.now, starts_on=estate.today - DAY)
    assert exc.value.errors["starts_on"] == ["The start date must be today or later."]


def test_a_provider_cannot_book_its_own_block_room(world, estate):
    with pytest.raises(NotPermitted):
        submit(world.care_home_admin, estate.block, estate.now, funding=Funding.SELF_FUNDER)


def test_top_ups_need_a_spot_room_that_accepts_them(world, estate):
    with pytest.raises(ValidationFailed) as exc:
        submit(world.broker, estate.irn, estate.now, funding=Funding.TOP_UP)
    assert exc.value.errors["funding"] == ["Room 2 does not accept third-party top-ups."]


def test_a_person_is_named_by_reference_only(world, estate):
    with pytest.raises(ValidationFailed) as exc:
        submit(world.broker, estate.spot, estate.now, reference="Mary Smith")
    assert "person_reference" in exc.value.errors


def test_a_suspended_room_takes_no_request_and_says_why(world, estate):
    services.room_suspend(
        actor=world.care_home_admin,
        room=estate.spot,
        starts_on=estate.today,
        reason=SuspensionReason.DECORATION,
        now=estate.now,
    )
    with pytest.raises(Conflict) as exc:
        submit(world.broker, estate.spot, estate.now)
    assert exc.value.code == "room_suspended"
    assert "decoration" in exc.value.message


def test_each_transition_is_audited(world, estate):
    booking = submit(world.broker, estate.spot, estate.now)
    services.booking_request_accept(actor=world.care_home_user, booking=booking, now=estate.now)
    services.booking_end(actor=world.care_home_user, booking=booking, now=estate.now)
    actions = list(
        AuditEvent.objects.filter(object_type="carehomes.booking", object_id=str(booking.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["booking.requested", "booking.accepted", "booking.ended"]


def test_the_database_refuses_two_overlapping_bookings_written_around_the_services(world, estate):
    booking = submit(world.broker, estate.spot, estate.now)
    clash = Booking(
        room=estate.spot,
        status=BookingStatus.ACCEPTED,
        starts_on=estate.today + 3 * DAY,
        person_reference="CASE-2",
        funding=Funding.SELF_FUNDER,
        requested_by=world.care_home_admin,
        requester_organisation=world.care_home_provider,
        requested_at=estate.now,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        clash.save()
    assert Booking.objects.filter(room=estate.spot).count() == 1
    assert booking.pk


def test_the_database_refuses_a_suspension_over_a_booking(world, estate):
    submit(world.broker, estate.spot, estate.now)
    with pytest.raises(IntegrityError), transaction.atomic():
        Suspension.objects.create(
            room=estate.spot,
            starts_on=estate.today + 2 * DAY,
            ends_on=estate.today + 4 * DAY,
            reason=SuspensionReason.DECORATION,
            created_at=estate.now,
        )


def test_the_database_refuses_moving_a_booking_onto_another(world, estate):
    submit(world.broker, estate.spot, estate.now, ends_on=estate.today + 5 * DAY)
    later = submit(world.broker, estate.spot, estate.now, starts_on=estate.today + 5 * DAY)
    later.starts_on = estate.today + 2 * DAY
    with pytest.raises(IntegrityError), transaction.atomic():
        later.save()


def test_the_database_lets_a_rejected_request_sit_beside_a_booking(world, estate):
    first = submit(world.broker, estate.spot, estate.now)
    services.booking_request_reject(
        actor=world.care_home_admin,
        booking=first,
        stage=RejectionStage.BEFORE_ASSESSMENT,
        reason=RejectionReason.NO_STAFF,
        now=estate.now,
    )
    second = submit(world.broker, estate.spot, estate.now)
    assert second.status == BookingStatus.REQUESTED


def test_home_staff_are_reminded_once_a_day_of_unanswered_requests(world, estate):
    submit(world.broker, estate.spot, estate.now)
    tomorrow = estate.now + dt.timedelta(hours=25)
    assert services.booking_request_remind_unanswered(now=tomorrow) == 1
    assert services.booking_request_remind_unanswered(now=tomorrow + dt.timedelta(hours=1)) == 0
    assert Notification.objects.filter(event="booking.reminder").count() == 2  # admin and user
