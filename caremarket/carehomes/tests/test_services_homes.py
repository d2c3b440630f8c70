import io
from pathlib import Path

import pytest
from PIL import Image

from caremarket.accounts.models import Organisation
from caremarket.audit.models import AuditEvent
from caremarket.carehomes import services
from caremarket.carehomes.models import FREE_SINCE_ALWAYS, CareHome, ContractType, HomePhoto, Room
from caremarket.common.errors import NotPermitted, ValidationFailed
from caremarket.cqc.services import cqc_directory_import, cqc_ratings_import

CQC_FIXTURES = Path(__file__).resolve().parents[2] / "cqc" / "tests" / "fixtures"


def new_home(world, now, **extra):
    data = {
        "provider": world.care_home_provider,
        "cqc_location_id": "1-999",
        "name": "Ash Court",
        "address": "3 Mill Lane",
        "postcode": "CM1 1AA",
        "now": now,
    }
    data.update(extra)
    return services.care_home_create(actor=world.care_home_admin, **data)


def test_a_home_is_placed_by_its_postcode(world, estate):
    home = new_home(world, estate.now)
    assert home.district.code == "E07000070"
    assert home.location_exact
    assert (home.lat, home.lng) == (51.7356, 0.4685)


def test_an_unknown_full_postcode_falls_back_to_its_outward_code(world, estate):
    home = new_home(world, estate.now, postcode="CM2 8XX")
    assert not home.location_exact
    assert home.lat is not None


def test_a_postcode_we_cannot_place_is_refused_on_the_postcode_field(world, estate):
    with pytest.raises(ValidationFailed) as exc:
        new_home(world, estate.now, postcode="ZZ9 9ZZ")
    assert "postcode" in exc.value.errors


def test_a_provider_admin_adds_homes_only_for_its_own_provider(world, estate):
    with pytest.raises(ValidationFailed) as exc:
        new_home(world, estate.now, provider=world.other_care_home_provider)
    assert "provider" in exc.value.errors


def test_a_provider_user_cannot_add_a_home(world, estate):
    with pytest.raises(NotPermitted):
        services.care_home_create(
            actor=world.care_home_user,
            provider=world.care_home_provider,
            cqc_location_id="1-998",
            name="X",
            address="Y",
            postcode="CM1 1AA",
            now=estate.now,
        )


def test_a_cqc_location_id_is_used_once(world, estate):
    with pytest.raises(ValidationFailed) as exc:
        new_home(world, estate.now, cqc_location_id=estate.home.cqc_location_id)
    assert "cqc_location_id" in exc.value.errors


def test_updating_the_postcode_moves_the_home_and_is_audited(world, estate):
    services.care_home_update(
        actor=world.care_home_admin, home=estate.home, postcode="CO1 1AA", now=estate.now
    )
    estate.home.refresh_from_db()
    assert estate.home.district.code == "E07000071"
    event = AuditEvent.objects.filter(action="care_home.updated").latest("id")
    assert event.changes["postcode"] == ["CM1 1AA", "CO1 1AA"]


def test_only_the_homes_own_administrators_and_the_council_change_it(world, estate):
    with pytest.raises(NotPermitted):
        services.care_home_update(
            actor=world.other_care_home_admin, home=estate.home, name="Mine", now=estate.now
        )
    with pytest.raises(NotPermitted):
        services.care_home_update(
            actor=world.care_home_user, home=estate.home, name="Mine", now=estate.now
        )
    services.care_home_update(
        actor=world.council_admin, home=estate.home, name="Ours", now=estate.now
    )


def test_unknown_care_types_are_refused(world, estate):
    with pytest.raises(ValidationFailed) as exc:
        services.care_home_update(
            actor=world.care_home_admin, home=estate.home, care_types=["aliens"], now=estate.now
        )
    assert "care_types" in exc.value.errors


def test_irn_rooms_need_a_home_on_the_framework(world, estate):
    with pytest.raises(ValidationFailed) as exc:
        services.room_create(
            actor=None,
            home=estate.other_home,
            name="Room B",
            contract_type=ContractType.IRN,
            now=estate.now,
        )
    assert exc.value.errors["contract_type"] == ["Birch Lodge is not on the IRN framework."]


def test_irn_rooms_need_a_home_caring_for_older_people(world, estate):
    services.care_home_update(
        actor=None, home=estate.home, care_types=["learning_disability"], now=estate.now
    )
    with pytest.raises(ValidationFailed, match="adults over 65"):
        services.room_create(
            actor=None, home=estate.home, name="R9", contract_type=ContractType.IRN, now=estate.now
        )


def test_a_block_room_needs_a_council_or_nhs_owner(world, estate):
    for owner in (None, world.care_home_provider):
        with pytest.raises(ValidationFailed) as exc:
            services.room_create(
                actor=None,
                home=estate.home,
                name="R8",
                contract_type=ContractType.BLOCK,
                block_owner=owner,
                now=estate.now,
            )
        assert "block_owner" in exc.value.errors


def test_rate_and_top_up_choices_apply_to_spot_rooms_only(world, estate):
    room = services.room_create(
        actor=None,
        home=estate.home,
        name="R7",
        contract_type=ContractType.IRN,
        accepts_la_rate=True,
        accepts_top_up=True,
        now=estate.now,
    )
    assert (room.accepts_la_rate, room.accepts_top_up) == (False, False)


def test_rooms_are_added_together_with_unique_names(world, estate):
    rooms = services.room_create_many(
        actor=world.care_home_admin,
        home=estate.home,
        names=["Suite 1", "Suite 2"],
        contract_type=ContractType.SPOT,
        now=estate.now,
    )
    assert [r.name for r in rooms] == ["Suite 1", "Suite 2"]
    with pytest.raises(ValidationFailed, match="already has a room called Suite 2"):
        services.room_create_many(
            actor=world.care_home_admin,
            home=estate.home,
            names=["Suite 2"],
            contract_type=ContractType.SPOT,
            now=estate.now,
        )


def test_changing_a_room_to_block_requires_an_owner_and_clears_spot_terms(world, estate):
    room = services.room_update(
        actor=world.care_home_admin,
        room=estate.spot,
        contract_type=ContractType.BLOCK,
        block_owner=world.icb,
        now=estate.now,
    )
    assert room.block_owner == world.icb
    assert (room.accepts_la_rate, room.accepts_top_up) == (False, False)


def _image(fmt="JPEG", size=(1200, 900)):
    buffer = io.BytesIO()
    image = Image.new("RGB", size, (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # camera make
    image.save(buffer, fmt, exif=exif) if fmt == "JPEG" else image.save(buffer, fmt)
    return buffer.getvalue()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_a_photograph_is_stored_without_metadata_and_with_a_thumbnail(world, estate, media):
    photo = services.care_home_photo_add(
        actor=world.care_home_admin,
        home=estate.home,
        data=_image(),
        filename="lounge.jpg",
        alt_text="The lounge",
        now=estate.now,
    )
    with Image.open(photo.image.path) as stored:
        assert not stored.getexif()
        assert stored.size == (1200, 900)
    with Image.open(photo.thumbnail.path) as thumb:
        assert thumb.size == (480, 360)
    estate.home.refresh_from_db()
    assert estate.home.photos_updated_at == estate.now


def test_a_large_photograph_is_scaled_down(world, estate, media):
    photo = services.care_home_photo_add(
        actor=world.care_home_admin,
        home=estate.home,
        data=_image(size=(4000, 1000)),
        filename="wide.jpg",
        alt_text="Garden",
        now=estate.now,
    )
    assert (photo.width, photo.height) == (1600, 400)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not an image at all", "not a picture we can read"),
        (_image("GIF"), "is a GIF image"),
        (b"\xff" * (5 * 1024 * 1024 + 1), "larger than 5 MB"),
    ],
)
def test_files_that_are_not_acceptable_photographs_are_refused(world, estate, media, data, message):
    with pytest.raises(ValidationFailed, match=message):
        services.care_home_photo_add(
            actor=world.care_home_admin,
            home=estate.home,
            data=data,
            filename="upload.bin",
            alt_text="x",
            now=estate.now,
        )
    assert not HomePhoto.objects.exists()


def test_a_photograph_needs_a_description(world, estate, media):
    with pytest.raises(ValidationFailed) as exc:
        services.care_home_photo_add(
            actor=world.care_home_admin,
            home=estate.home,
            data=_image(),
            filename="a.jpg",
            alt_text=" ",
            now=estate.now,
        )
    assert "alt_text" in exc.value.errors


def test_removing_a_photograph_deletes_its_files(
    world, estate, media, django_capture_on_commit_callbacks
):
    photo = services.care_home_photo_add(
        actor=world.care_home_admin,
        home=estate.home,
        data=_image(),
        filename="a.jpg",
        alt_text="Hall",
        now=estate.now,
    )
    path = Path(photo.image.path)
    with django_capture_on_commit_callbacks(execute=True):
        services.care_home_photo_remove(actor=world.care_home_admin, photo=photo, now=estate.now)
    assert not path.exists()


def test_the_cqc_import_creates_care_homes_and_runs_again_without_duplicates(world, estate):
    data = (CQC_FIXTURES / "directory.csv").read_bytes()
    cqc_directory_import(data=data, filename="directory.csv", now=estate.now)
    oak = CareHome.objects.get(cqc_location_id="1-100000001")
    assert oak.provides_nursing and oak.provides_residential
    assert set(oak.care_type_codes) >= {"older_people", "dementia", "physical_disability"}
    assert oak.provider.reference == "1-000000001"
    cqc_directory_import(data=data, filename="directory.csv", now=estate.now)
    assert CareHome.objects.filter(cqc_location_id__startswith="1-1000000").count() == 2


def test_the_cqc_import_refreshes_name_and_address_but_keeps_the_providers_profile(world, estate):
    data = (CQC_FIXTURES / "directory.csv").read_bytes()
    cqc_directory_import(data=data, filename="directory.csv", now=estate.now)
    oak = CareHome.objects.get(cqc_location_id="1-100000001")
    services.care_home_update(
        actor=None, home=oak, name="Old name", website="https://mine.example", now=estate.now
    )
    cqc_directory_import(data=data, filename="directory.csv", now=estate.now)
    oak.refresh_from_db()
    assert oak.name == "Oak Lodge"
    assert oak.website == "https://mine.example"


def test_the_ratings_import_copies_the_overall_rating_to_the_home(world, estate):
    cqc_directory_import(
        data=(CQC_FIXTURES / "directory.csv").read_bytes(), filename="d.csv", now=estate.now
    )
    cqc_ratings_import(
        data=(CQC_FIXTURES / "ratings.csv").read_bytes(), filename="r.csv", now=estate.now
    )
    elm = CareHome.objects.get(cqc_location_id="1-100000002")
    assert elm.cqc_overall_rating == "Requires improvement"
    assert elm.cqc_updated_at == estate.now


def test_a_provider_named_in_the_cqc_file_is_matched_to_an_existing_organisation(world, estate):
    data = (CQC_FIXTURES / "directory.csv").read_bytes()
    Organisation.objects.filter(pk=world.care_home_provider.pk).update(
        name="Oakwood Care Homes Ltd"
    )
    cqc_directory_import(data=data, filename="d.csv", now=estate.now)
    assert CareHome.objects.get(cqc_location_id="1-100000001").provider == world.care_home_provider


def test_a_room_nothing_has_held_is_free_on_any_day(world, estate):
    assert Room.objects.get(pk=estate.spot.pk).free_from == FREE_SINCE_ALWAYS


def test_the_councils_fields_are_saved_together_or_not_at_all(world, estate, monkeypatch):
    home = estate.home
    before = (home.irn_framework, home.is_active)
    events = AuditEvent.objects.count()

    def refuse(**kwargs):
        raise ValidationFailed({"is_active": ["No."]})

    monkeypatch.setattr("caremarket.carehomes.services.homes.care_home_set_active", refuse)
    with pytest.raises(ValidationFailed):
        services.care_home_set_council_fields(
            actor=world.council_admin,
            home=home,
            irn_framework=not before[0],
            is_active=before[1],
            now=estate.now,
        )
    home = CareHome.objects.get(pk=home.pk)
    assert (home.irn_framework, home.is_active) == before
    assert AuditEvent.objects.count() == events


def test_only_the_council_sets_the_councils_fields(world, estate):
    with pytest.raises(NotPermitted):
        services.care_home_set_council_fields(
            actor=world.care_home_admin,
            home=estate.home,
            irn_framework=True,
            is_active=False,
            now=estate.now,
        )
