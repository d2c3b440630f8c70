from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q

from caremarket.carehomes.models.rooms import Room


class BookingStatus(models.TextChoices):
    REQUESTED = "requested", "Awaiting the home's answer"
    ACCEPTED = "accepted", "Booked"
    REJECTED = "rejected", "Rejected"
    CANCELLED = "cancelled", "Cancelled"
    ENDED = "ended", "Ended"


# Statuses whose period holds the room: a pending request reserves it until answered.
HOLDING_STATUSES = (BookingStatus.REQUESTED, BookingStatus.ACCEPTED, BookingStatus.ENDED)


class Funding(models.TextChoices):
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    NHS = "nhs", "NHS"
    SELF_FUNDER = "self_funder", "Self-funder"
    TOP_UP = "top_up", "Local authority with a third-party top-up"


class RejectionStage(models.TextChoices):
    BEFORE_ASSESSMENT = "before_assessment", "Before assessing the person"
    AFTER_ASSESSMENT = "after_assessment", "After assessing the person"


class RejectionReason(models.TextChoices):
    NEEDS_NOT_MET = "needs_not_met", "The home cannot meet the person's needs"
    ROOM_UNSUITABLE = "room_unsuitable", "The room is not suitable"
    NO_STAFF = "no_staff", "Not enough staff to admit safely"
    FUNDING = "funding", "The funding offered is not accepted"
    RISK = "risk", "Risk to the person or to other residents"
    PERSON_DECLINED = "person_declined", "The person or their family declined"
    ROOM_TAKEN = "room_taken", "The room is no longer available"
    OTHER = "other", "Other (explain in the note)"


person_reference_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9/\-]{2,39}$",
    "Give the person's case or NHS reference (3 to 40 letters, digits, - or /), not a name.",
)


class Booking(models.Model):
    """A booking request and, once the home accepts it, the booking it becomes.

    The period is [starts_on, ends_on), ends_on exclusive (the day the room is free again);
    None means open-ended. Two holding periods on one room never overlap: database
    triggers refuse it (see carehomes/triggers.py).
    """

    room = models.ForeignKey(Room, on_delete=models.PROTECT, related_name="bookings")
    status = models.CharField(max_length=12, choices=BookingStatus.choices)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    # A reference to the person held by the requester (case number, NHS number), never a name.
    person_reference = models.CharField(max_length=40, validators=[person_reference_validator])
    funding = models.CharField(max_length=20, choices=Funding.choices)
    notes = models.CharField("notes for the home", max_length=500, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requester_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    rejection_stage = models.CharField(max_length=20, choices=RejectionStage.choices, blank=True)
    rejection_reason = models.CharField(max_length=20, choices=RejectionReason.choices, blank=True)
    rejection_note = models.CharField(max_length=500, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    end_note = models.CharField(max_length=300, blank=True)
    # When the home was last reminded of an unanswered request.
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="booking_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(status=BookingStatus.REJECTED) | ~Q(rejection_reason=""),
                name="booking_rejection_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["room", "status"], name="booking_room_status_idx"),
            models.Index(fields=["requester_organisation", "status"], name="booking_requester_idx"),
            models.Index(fields=["status", "requested_at"], name="booking_status_idx"),
        ]

    def __str__(self) -> str:
        return f"Booking {self.pk} ({self.get_status_display()}), {self.room}"

    @property
    def is_booking(self) -> bool:
        return self.status in (BookingStatus.ACCEPTED, BookingStatus.ENDED)
