from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q

from caremarket.carehomes.models.flags import FlagChoices
from caremarket.carehomes.models.homes import CareHome

# Room.free_from of a room nothing has ever held: free on any day.
FREE_SINCE_ALWAYS = dt.date(1900, 1, 1)


class ContractType(models.TextChoices):
    BLOCK = "block", "Block"
    IRN = "irn", "IRN"
    SPOT = "spot", "Spot"


class RoomFeature(FlagChoices):
    """Append new features at the end: the bit of a feature is its position."""

    EN_SUITE = "en_suite", "En-suite"
    NURSING = "nursing", "Nursing bed"
    DEMENTIA = "dementia", "Dementia-friendly"
    BARIATRIC = "bariatric", "Bariatric"
    GROUND_FLOOR = "ground_floor", "Ground floor"
    WHEELCHAIR = "wheelchair", "Wheelchair accessible"
    CEILING_HOIST = "ceiling_hoist", "Ceiling hoist"
    SHARED = "shared", "Shared room"


class Room(models.Model):
    home = models.ForeignKey(CareHome, on_delete=models.PROTECT, related_name="rooms")
    name = models.CharField(max_length=40)
    contract_type = models.CharField(max_length=8, choices=ContractType.choices)
    # Block rooms only: the council or NHS body that purchased the room.
    block_owner = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="block_rooms",
    )
    # Spot rooms only (the provider's choice on the edit bedroom form).
    accepts_la_rate = models.BooleanField("accepts local authority rates", default=False)
    accepts_top_up = models.BooleanField("accepts third-party top-ups", default=False)
    features = models.PositiveIntegerField(default=0)  # RoomFeature bitmask
    # The first day from which nothing (booking, request, suspension) holds the room;
    # None while something holds it without an end. Kept by the services under the room's lock.
    free_from = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["home", "name"]
        constraints = [
            models.UniqueConstraint(fields=["home", "name"], name="room_unique_name_in_home"),
            models.CheckConstraint(
                condition=Q(contract_type=ContractType.BLOCK, block_owner__isnull=False)
                | (~Q(contract_type=ContractType.BLOCK) & Q(block_owner__isnull=True)),
                name="room_block_owner_iff_block",
            ),
            models.CheckConstraint(
                condition=Q(contract_type=ContractType.SPOT)
                | Q(accepts_la_rate=False, accepts_top_up=False),
                name="room_rate_flags_only_for_spot",
            ),
        ]
        indexes = [models.Index(fields=["home", "free_from"], name="room_home_free_idx")]

    def __str__(self) -> str:
        return f"{self.name}, {self.home.name}" if self.home_id else self.name

    @property
    def feature_labels(self) -> list[str]:
        return RoomFeature.labels_of(self.features)

    @property
    def feature_codes(self) -> list[str]:
        return RoomFeature.codes(self.features)


class SuspensionReason(models.TextChoices):
    HOME_CLOSED = "home_closed", "Home closed to admissions"
    DECORATION = "decoration", "Decoration or repair"
    INFECTION_CONTROL = "infection_control", "Infection control"
    OTHER = "other", "Other"


class _OutOfUse(models.Model):
    """A period out of use: [starts_on, ends_on), ends_on exclusive and None until lifted."""

    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    reason = models.CharField(max_length=20, choices=SuspensionReason.choices)
    note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="%(class)s_ends_after_start",
            ),
        ]


class HomeSuspension(_OutOfUse):
    """A whole home closed to admissions: one Suspension for each room unoccupied at the time."""

    home = models.ForeignKey(CareHome, on_delete=models.PROTECT, related_name="suspensions")

    class Meta(_OutOfUse.Meta):
        pass

    def __str__(self) -> str:
        return f"{self.home} closed from {self.starts_on}"


class Suspension(_OutOfUse):
    """A room out of use; never shown as vacant meanwhile."""

    room = models.ForeignKey(Room, on_delete=models.PROTECT, related_name="suspensions")
    home_suspension = models.ForeignKey(
        HomeSuspension,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="room_suspensions",
    )

    class Meta(_OutOfUse.Meta):
        indexes = [models.Index(fields=["room", "starts_on"], name="suspension_room_idx")]

    def __str__(self) -> str:
        return f"{self.room} suspended from {self.starts_on}"
