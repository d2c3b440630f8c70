from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models

from caremarket.carehomes.models.flags import FlagChoices


class CareType(FlagChoices):
    """The people a home cares for (CQC's specialisms). Append new types at the end."""

    OLDER_PEOPLE = "older_people", "Older people (65 and over)"
    YOUNGER_ADULTS = "younger_adults", "Adults under 65"
    DEMENTIA = "dementia", "Dementia"
    LEARNING_DISABILITY = "learning_disability", "Learning disability"
    MENTAL_HEALTH = "mental_health", "Mental health conditions"
    PHYSICAL_DISABILITY = "physical_disability", "Physical disability"
    SENSORY_IMPAIRMENT = "sensory_impairment", "Sensory impairment"
    SUBSTANCE_MISUSE = "substance_misuse", "Substance misuse"
    EATING_DISORDERS = "eating_disorders", "Eating disorders"
    AUTISM = "autism", "Autism"


class Facility(FlagChoices):
    """What the home offers its residents. Append new facilities at the end."""

    GARDEN = "garden", "Garden"
    LIFT = "lift", "Passenger lift"
    ACTIVITIES = "activities", "Activities programme"
    HAIRDRESSER = "hairdresser", "Hairdresser"
    WIFI = "wifi", "Wi-Fi for residents"
    PARKING = "parking", "Visitor parking"
    PETS = "pets", "Pets welcome"
    PRAYER_ROOM = "prayer_room", "Chapel or prayer room"
    RESPITE = "respite", "Short stays (respite)"
    HEARING_LOOP = "hearing_loop", "Hearing loop"


def search_stamp_new() -> int:
    """A fresh search stamp: random, so no two states of a home (or of an area) share one."""
    # 48 bits: the sum over every home in the country stays inside a signed 64-bit integer.
    return secrets.randbits(48)


class CareHome(models.Model):
    """A care home (one CQC location) and the profile its provider keeps."""

    provider = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="care_homes"
    )
    cqc_location_id = models.CharField("CQC location ID", max_length=20, unique=True)
    name = models.CharField(max_length=255)
    address = models.CharField(max_length=500)
    postcode = models.CharField(max_length=8)
    district = models.ForeignKey(
        "geography.District", null=True, blank=True, on_delete=models.SET_NULL
    )
    # From the postcode; None when not even the outward code is known.
    lat = models.FloatField(null=True, blank=True)
    lng = models.FloatField(null=True, blank=True)
    location_exact = models.BooleanField(default=False)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    website = models.URLField(max_length=300, blank=True)
    description = models.TextField(max_length=3000, blank=True)
    care_types = models.PositiveIntegerField(default=0)  # CareType bitmask
    facilities = models.PositiveIntegerField(default=0)  # Facility bitmask
    provides_nursing = models.BooleanField(default=False)
    provides_residential = models.BooleanField(default=True)
    # Signed up to the council's Integrated Residential Nursing framework (set by the council).
    irn_framework = models.BooleanField("on the IRN framework", default=False)
    # Copied from the CQC ratings import so search can show them without another query.
    cqc_overall_rating = models.CharField(max_length=30, blank=True)
    cqc_rating_published_on = models.DateField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    # Set when the CQC register no longer lists the home: it leaves search (is_active off),
    # its rooms and bookings stay as history, and a re-registration brings it back.
    cqc_deregistered_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField()
    # When each part of the profile was last changed, shown to searchers as freshness.
    details_updated_at = models.DateTimeField()
    photos_updated_at = models.DateTimeField(null=True, blank=True)
    vacancies_updated_at = models.DateTimeField()
    cqc_updated_at = models.DateTimeField(null=True, blank=True)
    # Changes with every write that changes what vacancy search shows of the home (its rooms,
    # their holds, its profile); cached search answers are keyed by the stamps of the homes
    # they cover (decision 17).
    search_stamp = models.BigIntegerField(default=search_stamp_new, editable=False)

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["lat", "lng"], name="carehome_position_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def care_type_labels(self) -> list[str]:
        return CareType.labels_of(self.care_types)

    @property
    def facility_labels(self) -> list[str]:
        return Facility.labels_of(self.facilities)

    @property
    def care_type_codes(self) -> list[str]:
        return CareType.codes(self.care_types)

    @property
    def facility_codes(self) -> list[str]:
        return Facility.codes(self.facilities)


def _photo_path(instance: HomePhoto, filename: str) -> str:
    return f"carehomes/{instance.home_id}/{filename}"


class HomePhoto(models.Model):
    """A photograph of a home, re-encoded on upload (no EXIF) with a thumbnail."""

    home = models.ForeignKey(CareHome, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to=_photo_path)
    thumbnail = models.ImageField(upload_to=_photo_path)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    alt_text = models.CharField("description for people who cannot see it", max_length=200)
    position = models.PositiveSmallIntegerField(default=0)
    uploaded_at = models.DateTimeField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.alt_text
