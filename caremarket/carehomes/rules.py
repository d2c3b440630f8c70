"""Who may find, book, answer and manage care home rooms. Views, API and services ask these."""

from __future__ import annotations

import functools
from typing import Any

import rules
from django.db import connection

from caremarket.accounts.models import Organisation, OrganisationKind
from caremarket.accounts.rules import (
    is_broker,
    is_council_admin,
    is_council_staff,
    is_health_searcher,
    is_provider_admin,
    is_provider_staff,
)
from caremarket.carehomes.models import Booking, CareHome, ContractType, Room, Suspension

_CACHE = "_carehomes_block_owners"


def block_owners_visible_to(user: Any) -> dict[int, str]:
    """The organisations whose Block rooms this user may find (their own and its partners), by
    id with their names: search shows the names, and keys its cached answers by both."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return {}
    cached = getattr(user, _CACHE, None)
    if cached is None or cached[0] != user.organisation_id:
        org = user.organisation_id
        with connection.cursor() as cursor:
            cursor.execute(_owners_statement(), [org, org])
            owners = dict(cursor.fetchall())
        cached = (org, owners)
        setattr(user, _CACHE, cached)
    return dict(cached[1])


@functools.cache
def _owners_statement() -> str:
    """The organisation and its partners, as one plain statement written once: every broker's
    search runs it, and the ORM built it again each time at five times its CPU (issue 13)."""
    quote = connection.ops.quote_name
    meta, partners = Organisation._meta, Organisation._meta.get_field("partners")
    through = Organisation.partners.through._meta
    pk, name = quote(meta.pk.column), quote(meta.get_field("name").column)
    # Q(partners=org): organisations with a row (them -> org) in the symmetrical table.
    return (
        f"SELECT {pk}, {name} FROM {quote(meta.db_table)} WHERE {pk} = %s"  # noqa: S608
        f" OR {pk} IN (SELECT {quote(partners.m2m_column_name())}"
        f" FROM {quote(through.db_table)}"
        f" WHERE {quote(partners.m2m_reverse_name())} = %s)"
    )


def block_owner_ids_visible_to(user: Any) -> frozenset[int]:
    return frozenset(block_owners_visible_to(user))


def _home_of(obj: Any) -> CareHome | None:
    if isinstance(obj, CareHome):
        return obj
    if isinstance(obj, Room):
        return obj.home
    if isinstance(obj, Booking | Suspension):
        return obj.room.home
    return None


@rules.predicate
def is_care_home_staff(user: Any) -> bool:
    return bool(
        is_provider_staff(user) and user.organisation.kind == OrganisationKind.CARE_HOME_PROVIDER
    )


@rules.predicate
def works_at_home(user: Any, obj: Any) -> bool:
    """The user is staff of the provider that runs this home (or the home of this room...)."""
    home = _home_of(obj)
    return bool(home and is_provider_staff(user) and home.provider_id == user.organisation_id)


@rules.predicate
def can_find_room(user: Any, room: Any) -> bool:
    """Block rooms are found only by their owner and its partners; others by anyone."""
    if not isinstance(room, Room):
        return False
    if room.contract_type != ContractType.BLOCK:
        return True
    return room.block_owner_id in block_owner_ids_visible_to(user)


@rules.predicate
def is_not_block(user: Any, room: Any) -> bool:
    return isinstance(room, Room) and room.contract_type != ContractType.BLOCK


@rules.predicate
def is_requester(user: Any, booking: Any) -> bool:
    return bool(
        isinstance(booking, Booking)
        and getattr(user, "is_authenticated", False)
        and booking.requester_organisation_id == user.organisation_id
    )


# Council brokers and administrators, and NHS health searchers, send booking requests.
is_placing_searcher = is_broker | is_health_searcher
# Council and NHS staff see rooms in search (the public and providers see counts only).
sees_rooms = is_council_staff | is_health_searcher

rules.add_perm("carehomes.see_rooms_in_search", sees_rooms)
rules.add_perm("carehomes.find_room", can_find_room)
# Object: a room. Providers book their own IRN and Spot rooms (e.g. self-funders), never Block.
rules.add_perm(
    "carehomes.request_room",
    (is_placing_searcher & can_find_room) | (works_at_home & is_not_block),
)
# Object: a booking request.
rules.add_perm("carehomes.answer_request", works_at_home)
rules.add_perm("carehomes.cancel_request", is_requester & (is_placing_searcher | works_at_home))
rules.add_perm("carehomes.end_booking", works_at_home)
rules.add_perm("carehomes.view_booking", works_at_home | is_requester | is_council_admin)
# Object: a home (or a room of it).
rules.add_perm("carehomes.manage_home", is_council_admin | (is_provider_admin & works_at_home))
rules.add_perm("carehomes.view_home_admin", is_council_admin | works_at_home)
# The home's own staff record a booking where others send a request (the page says which).
rules.add_perm("carehomes.record_booking", works_at_home)
rules.add_perm("carehomes.view_timeline", is_council_admin | works_at_home)
rules.add_perm("carehomes.administer_homes", is_council_admin)
rules.add_perm("carehomes.create_home", is_council_admin | (is_provider_admin & is_care_home_staff))
# No object: navigation and lists.
rules.add_perm("carehomes.view_own_homes", is_council_admin | is_care_home_staff)
rules.add_perm("carehomes.view_requests", is_placing_searcher | is_care_home_staff)
