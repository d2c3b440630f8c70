"""Photographs of a home: checked, re-encoded without metadata, with a thumbnail."""

from __future__ import annotations

import datetime as dt
import io
import uuid

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from PIL import Image, ImageOps, UnidentifiedImageError

from caremarket.accounts.models import User
from caremarket.audit.services import audit_record
from caremarket.carehomes.models import CareHome, HomePhoto
from caremarket.common.errors import ValidationFailed
from caremarket.common.permissions import require

NOT_PERMITTED = "Only the home's provider administrators and council administrators can do this."
MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PHOTOS = 20
MAX_PIXELS = 40_000_000
IMAGE_SIDE = 1600
THUMBNAIL_SIZE = (480, 360)
FORMATS = {"JPEG", "PNG", "WEBP"}


def _refuse(message: str) -> ValidationFailed:
    return ValidationFailed({"image": [message]})


def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    # Saved without the original's EXIF: no camera details or GPS position are published.
    image.save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue()


def photo_reencode(*, data: bytes, filename: str) -> tuple[bytes, bytes, tuple[int, int]]:
    """The photograph and its thumbnail as fresh JPEGs, or a clear reason it was refused."""
    if len(data) > MAX_PHOTO_BYTES:
        raise _refuse(f"{filename} is larger than {MAX_PHOTO_BYTES // 1024 // 1024} MB.")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind, (width, height) = probe.format, probe.size
            probe.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise _refuse(
            f"{filename} is not a picture we can read. Upload a JPEG, PNG or WebP photograph."
        ) from None
    if kind not in FORMATS:
        raise _refuse(f"{filename} is a {kind} image. Upload a JPEG, PNG or WebP photograph.")
    if width * height > MAX_PIXELS:
        raise _refuse(f"{filename} is {width} × {height} pixels: too large. Resize it first.")
    try:
        with Image.open(io.BytesIO(data)) as original:
            image = ImageOps.exif_transpose(original)
            if image.mode in ("RGBA", "LA", "P"):
                image = image.convert("RGBA")
                background = Image.new("RGB", image.size, (255, 255, 255))
                background.paste(image, mask=image.getchannel("A"))
                image = background
            image = image.convert("RGB")
            image.thumbnail((IMAGE_SIDE, IMAGE_SIDE))
            thumbnail = ImageOps.fit(image, THUMBNAIL_SIZE)
            return _jpeg(image), _jpeg(thumbnail), image.size
    except (OSError, ValueError) as exc:
        raise _refuse(f"{filename} could not be read to the end ({exc}).") from None


@transaction.atomic
def care_home_photo_add(
    *,
    actor: User | None,
    home: CareHome,
    data: bytes,
    filename: str,
    alt_text: str,
    now: dt.datetime,
) -> HomePhoto:
    require(actor, "carehomes.manage_home", home, NOT_PERMITTED)
    if not alt_text.strip():
        raise ValidationFailed(
            {"alt_text": ["Describe the photograph for people who cannot see it."]}
        )
    home = CareHome.objects.select_for_update().get(pk=home.pk)
    existing = home.photos.aggregate(n=Max("position"))["n"]
    if home.photos.count() >= MAX_PHOTOS:
        raise _refuse(f"A home can show at most {MAX_PHOTOS} photographs. Remove one first.")
    image, thumbnail, (width, height) = photo_reencode(data=data, filename=filename)
    name = uuid.uuid4().hex
    photo = HomePhoto(
        home=home,
        alt_text=alt_text.strip()[:200],
        position=(existing or 0) + 1,
        width=width,
        height=height,
        uploaded_at=now,
        uploaded_by=actor,
    )
    photo.image.save(f"{name}.jpg", ContentFile(image), save=False)
    photo.thumbnail.save(f"{name}-thumb.jpg", ContentFile(thumbnail), save=False)
    photo.save()
    CareHome.objects.filter(pk=home.pk).update(photos_updated_at=now)
    audit_record(
        actor=actor,
        action="care_home.photo_added",
        obj=photo,
        at=now,
        data={"home": home.pk, "file": photo.image.name, "bytes": len(image)},
    )
    return photo


@transaction.atomic
def care_home_photo_remove(*, actor: User | None, photo: HomePhoto, now: dt.datetime) -> None:
    require(actor, "carehomes.manage_home", photo.home, NOT_PERMITTED)
    files = [photo.image, photo.thumbnail]
    audit_record(
        actor=actor,
        action="care_home.photo_removed",
        obj=photo,
        at=now,
        data={"home": photo.home_id, "file": photo.image.name},
    )
    CareHome.objects.filter(pk=photo.home_id).update(photos_updated_at=now)
    photo.delete()

    # The files go only once the removal is committed.
    def _delete_files() -> None:
        for f in files:
            f.storage.delete(f.name)

    transaction.on_commit(_delete_files)
