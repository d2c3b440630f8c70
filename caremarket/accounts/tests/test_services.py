import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from caremarket.accounts import services
from caremarket.accounts.models import ApiToken, Role, User
from caremarket.audit.models import AuditEvent
from caremarket.common.errors import NotPermitted, ValidationFailed

NOW = dt.datetime(2026, 6, 30, 23, 30, tzinfo=dt.UTC)


def test_email_is_unique_ignoring_case(world):
    with pytest.raises(ValidationFailed) as exc:
        services.user_create(
            now=timezone.now(),
            actor=world.council_admin,
            organisation=world.council,
            email="BROKER@Council.Test",
            full_name="Copy",
            role=Role.BROKER,
        )
    assert "already exists" in exc.value.errors["email"][0]
    assert User.objects.filter(email__iexact="broker@council.test").count() == 1


def test_a_deactivated_accounts_address_is_still_taken(world):
    services.user_deactivate(actor=world.council_admin, user=world.broker, now=NOW)
    with pytest.raises(ValidationFailed):
        services.user_create(
            now=timezone.now(),
            actor=world.council_admin,
            organisation=world.council,
            email="broker@council.test",
            full_name="New",
            role=Role.BROKER,
        )


def test_email_is_stored_lower_case(world):
    user = services.user_create(
        now=timezone.now(),
        actor=world.council_admin,
        organisation=world.council,
        email="  New.Person@Council.Test ",
        full_name="New Person",
        role=Role.BROKER,
    )
    assert user.email == "new.person@council.test"


def test_new_user_is_sent_a_link_to_set_a_password(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        user = services.user_create(
            now=timezone.now(),
            actor=world.care_home_admin,
            organisation=world.care_home_provider,
            email="nurse@willow.test",
            full_name="Nia Nurse",
            role=Role.PROVIDER_USER,
        )
    assert not user.has_usable_password()
    assert mail.outbox[-1].to == ["nurse@willow.test"]
    assert "/accounts/reset/" in mail.outbox[-1].body


def test_role_must_suit_the_organisation(world):
    with pytest.raises(ValidationFailed) as exc:
        services.user_create(
            now=timezone.now(),
            actor=world.council_admin,
            organisation=world.care_home_provider,
            email="x@willow.test",
            full_name="X",
            role=Role.BROKER,
        )
    assert "role" in exc.value.errors


def test_provider_admin_cannot_add_users_to_another_organisation(world):
    with pytest.raises(NotPermitted):
        services.user_create(
            now=timezone.now(),
            actor=world.care_home_admin,
            organisation=world.other_care_home_provider,
            email="x@birch.test",
            full_name="X",
            role=Role.PROVIDER_USER,
        )
    assert not User.objects.filter(email="x@birch.test").exists()


def test_provider_admin_cannot_change_another_organisations_user(world):
    with pytest.raises(NotPermitted):
        services.user_update(
            now=timezone.now(),
            actor=world.care_home_admin,
            user=world.other_care_home_admin,
            full_name="Hijacked",
        )
    with pytest.raises(NotPermitted):
        services.user_deactivate(
            actor=world.care_home_admin, user=world.other_care_home_admin, now=NOW
        )


def test_provider_user_cannot_manage_colleagues(world):
    with pytest.raises(NotPermitted):
        services.user_deactivate(actor=world.care_home_user, user=world.care_home_admin, now=NOW)


def test_shared_mailbox_passes_to_a_new_member_of_staff(world, django_capture_on_commit_callbacks):
    user = world.care_home_user
    services.user_deactivate(actor=world.care_home_admin, user=user, now=NOW)
    user.refresh_from_db()
    assert not user.is_active
    with django_capture_on_commit_callbacks(execute=True):
        services.user_reactivate(
            actor=world.care_home_admin, user=user, full_name="Rita New", now=timezone.now()
        )
    user.refresh_from_db()
    assert user.is_active and user.full_name == "Rita New"
    # The previous holder's password no longer opens the account.
    assert not user.has_usable_password()
    assert mail.outbox[-1].to == [user.email]
    actions = list(
        AuditEvent.objects.filter(object_id=str(user.pk), object_type="accounts.user").values_list(
            "action", flat=True
        )
    )
    assert "user.deactivated" in actions and "user.reactivated" in actions


def test_deactivation_revokes_api_tokens(world):
    token, _ = services.api_token_create(actor=world.broker, name="Case system", now=NOW)
    services.user_deactivate(actor=world.council_admin, user=world.broker, now=NOW)
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_nobody_deactivates_themselves(world):
    with pytest.raises(ValidationFailed):
        services.user_deactivate(actor=world.council_admin, user=world.council_admin, now=NOW)


def test_update_records_what_changed(world):
    services.user_update(
        now=timezone.now(),
        actor=world.council_admin,
        user=world.broker,
        full_name="Priya Shah-Jones",
    )
    event = AuditEvent.objects.filter(action="user.updated").latest("at")
    assert event.changes == {"full_name": ["Broker", "Priya Shah-Jones"]}
    assert event.actor_id == world.council_admin.pk


def test_email_change_to_a_taken_address_is_refused_and_nothing_changes(world):
    with pytest.raises(ValidationFailed):
        services.user_update(
            now=timezone.now(),
            actor=world.council_admin,
            user=world.broker,
            email="Contracts@council.test",
            full_name="Changed",
        )
    world.broker.refresh_from_db()
    assert world.broker.email == "broker@council.test" and world.broker.full_name == "Broker"


def test_api_token_secret_is_not_stored(world):
    token, raw = services.api_token_create(actor=world.broker, name="Case system", now=NOW)
    assert raw.startswith("cm_")
    assert raw not in {token.key_hash, token.prefix}
    assert ApiToken.objects.get(pk=token.pk).key_hash == services.api_token_hash(raw)


def test_only_the_owner_revokes_a_token(world):
    token, _ = services.api_token_create(actor=world.broker, name="Case system", now=NOW)
    with pytest.raises(NotPermitted):
        services.api_token_revoke(actor=world.council_admin, token=token, now=NOW)
