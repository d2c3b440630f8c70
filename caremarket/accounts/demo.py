"""Demo organisations and one sign-in per role, created through the real services."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from caremarket.accounts.models import Organisation, OrganisationKind, Role, User
from caremarket.accounts.services import organisation_create, organisation_set_partners, user_create

DEMO_PASSWORD = "caremarket-demo-2026"  # noqa: S105 (published demo sign-in)


@dataclass(frozen=True)
class DemoLogin:
    email: str
    name: str
    role: str
    organisation: str


COUNCIL = "Essex County Council"
ICB = "NHS Mid and South Essex Integrated Care Board"
TRUST = "Mid and South Essex NHS Foundation Trust"
CARE_HOME_PROVIDER = "Oakwood Care Homes Ltd"
HOME_CARE_PROVIDER = "Brightpath Home Care Ltd"

DEMO_LOGINS = (
    DemoLogin("admin@council.example", "Alex Morgan", Role.COUNCIL_ADMIN, COUNCIL),
    DemoLogin("broker@council.example", "Priya Shah", Role.BROKER, COUNCIL),
    DemoLogin("contracts@council.example", "Tom Baker", Role.CONTRACT_MANAGER, COUNCIL),
    DemoLogin("discharge@nhs.example", "Grace Okafor", Role.HEALTH_SEARCHER, TRUST),
    DemoLogin("manager@oakwood.example", "Helen Price", Role.PROVIDER_ADMIN, CARE_HOME_PROVIDER),
    DemoLogin("staff@oakwood.example", "Sam Lee", Role.PROVIDER_USER, CARE_HOME_PROVIDER),
    DemoLogin("manager@brightpath.example", "Jo Evans", Role.PROVIDER_ADMIN, HOME_CARE_PROVIDER),
    DemoLogin(
        "coordinator@brightpath.example", "Chris Patel", Role.PROVIDER_USER, HOME_CARE_PROVIDER
    ),
)

ORGANISATIONS = (
    (COUNCIL, OrganisationKind.COUNCIL, "E10000012"),
    (ICB, OrganisationKind.NHS, "QH8"),
    (TRUST, OrganisationKind.NHS, "RAJ"),
    (CARE_HOME_PROVIDER, OrganisationKind.CARE_HOME_PROVIDER, "1-000000001"),
    (HOME_CARE_PROVIDER, OrganisationKind.HOME_CARE_PROVIDER, "1-000000002"),
)


def load(*, rng: random.Random, now: dt.datetime, **_: object) -> list[str]:
    if User.objects.filter(email=DEMO_LOGINS[0].email).exists():
        return ["Demo organisations and users already loaded."]
    orgs: dict[str, Organisation] = {}
    for name, kind, ref in ORGANISATIONS:
        orgs[name] = organisation_create(now=now, actor=None, name=name, kind=kind, reference=ref)
    # The council and the NHS bodies share each other's block-purchased beds.
    organisation_set_partners(
        now=now, actor=None, organisation=orgs[COUNCIL], partners=[orgs[ICB], orgs[TRUST]]
    )
    organisation_set_partners(
        now=now, actor=None, organisation=orgs[TRUST], partners=[orgs[COUNCIL], orgs[ICB]]
    )
    for login in DEMO_LOGINS:
        user_create(
            now=now,
            actor=None,
            organisation=orgs[login.organisation],
            email=login.email,
            full_name=login.name,
            role=login.role,
            password=DEMO_PASSWORD,
            send_invitation=False,
        )
    return [f"{len(orgs)} organisations and {len(DEMO_LOGINS)} demo users."]
