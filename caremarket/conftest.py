"""Named personas, one per role, built through the real services (once per test, or once per
module for a fixture that wraps its build in `built_once_per_module`, or, for transactional
tests, in `restored_once_per_module`)."""

from __future__ import annotations

import copy
import importlib
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from caremarket.accounts.models import Organisation, OrganisationKind, Role, User
from caremarket.accounts.services import organisation_create, organisation_set_partners, user_create
from caremarket.audit.triggers import triggers_install, triggers_remove

PASSWORD = "a-long-test-password-1"  # noqa: S105

T = TypeVar("T")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items) -> None:
    """Keep each `xdist_group` on one worker under `--dist loadgroup`.

    pytest-xdist 3.8 tells its scheduler a test's group by writing `id@group` to the test's
    `_nodeid`, which pytest 9.2 no longer reads (its ids are structured: pytest-xdist#1386), so
    the groups were silently ignored. This runs after xdist's hook and writes the same id where
    pytest reads it; drop it once xdist updates the structured id itself.
    """
    if not config.getoption("loadgroup", default=False):
        return
    from _pytest.nodeid import NodeId

    for item in items:
        grouped = getattr(item, "_nodeid", None)
        if isinstance(grouped, str) and grouped != item.nodeid:
            item._id = NodeId.parse(grouped)


def is_transactional(item) -> bool:
    """A test that commits for real (a live server, a browser): it empties every table after."""
    marker = item.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("transaction")) or bool(
        {"live_server", "transactional_db"} & set(item.fixturenames)
    )


def _uses_the_database(item) -> bool:
    return "_django_db_helper" in item.fixturenames or bool(item.get_closest_marker("django_db"))


@contextmanager
def built_once_per_module(
    request, django_db_blocker, build: Callable[[], T], *, shared_by: str
) -> Iterator[T | None]:
    """The body of a module-scoped fixture: `build()` runs once, inside a transaction that is
    rolled back when the module ends; each test's own transaction (a savepoint inside it) still
    undoes whatever that test writes, as Django's `setUpTestData` does.

    Only when every test of the module that uses the database asks for the fixture `shared_by`,
    and none is transactional; otherwise it yields None and each test builds its own data. A
    test that did not ask for the data would find it there, and a transactional test empties
    every table, taking the shared data with it.
    """
    items = [
        item
        for item in request.session.items
        if getattr(item, "module", None) is request.node.obj and _uses_the_database(item)
    ]
    if any(is_transactional(item) or shared_by not in item.fixturenames for item in items):
        yield None
        return
    with django_db_blocker.unblock(), transaction.atomic():
        yield build()
        transaction.set_rollback(True)


@contextmanager
def restored_once_per_module(
    build: Callable[[], T],
) -> Iterator[Callable[[pytest.FixtureRequest], T]]:
    """The body of a module-scoped fixture for transactional tests (a live server, a browser),
    which empty every table when they end and so cannot share a rolled-back transaction as
    `built_once_per_module` does. It yields `start`; the function-scoped fixture that the tests
    ask for returns `start(request)`.

    The first test to call `start` runs `build()` once its database is set up (emptied by the
    flush that ended the test before it, the reference data reloaded, the audit triggers
    installed), so it builds what a function-scoped fixture would; then the whole test database
    is copied. Each later test of the module gets that copy restored over the emptied database
    instead of building again: every table, trigger and sqlite_sequence, so every row has the
    primary key the build gave it. Each test gets its own deep copy of what `build()` returned.

    SQLite only: the test database is in memory, the live server's thread shares its
    connection, and the sqlite3 backup API copies it to an in-memory database and back in
    milliseconds. On PostgreSQL, and for a test that is not transactional (a restore cannot go
    inside its transaction), `start` builds for every test: the same data, only slower. Under
    xdist each worker has its own database, so a module split across workers builds on each.

    Only the database is restored: the module fixture keeps what else the build needs for the
    whole module, the files it writes in a `tmp_path_factory` directory (which the tests may
    read, never change) and the settings and constants it changes (`override_settings`,
    `pytest.MonkeyPatch.context()`). The caches are emptied after the build or the restore,
    whatever order the fixtures ran in, so each test starts with none, as
    `_process_caches_empty` promises: after a restore a district cached by an earlier test
    would look valid (the same primary key) and might not be.
    """
    snapshot: sqlite3.Connection | None = None
    built: list[T] = []  # what the build returned, once there is a snapshot of its rows

    def start(request: pytest.FixtureRequest) -> T:
        nonlocal snapshot
        # The database as this test sets it up; any earlier test's flush ran in its teardown.
        request.getfixturevalue("_django_db_helper")
        if connection.vendor != "sqlite" or not is_transactional(request.node):
            fresh = build()
            _caches_empty()
            return fresh
        connection.ensure_connection()
        if snapshot is None:
            fresh = build()
            copied = sqlite3.connect(":memory:")
            connection.connection.backup(copied)
            snapshot = copied
            built.append(fresh)
        else:
            snapshot.backup(connection.connection)
        _caches_empty()
        return copy.deepcopy(built[0])

    try:
        yield start
    finally:
        if snapshot is not None:
            snapshot.close()


def _caches_empty() -> None:
    from django.core.cache import caches

    from caremarket.common.process_caches import process_caches_clear

    process_caches_clear()
    for cache in caches.all():
        cache.clear()


@pytest.fixture(scope="session", autouse=True)
def _frontend_built():
    """The suite fails at once, and says why, without the front-end build (pages would render
    unstyled and without charts, and the browser tests would fail for the wrong reason)."""
    from django.core.checks import run_checks

    errors = run_checks(tags=["frontend"])
    if errors:
        pytest.exit("\n".join(f"{e.msg} {e.hint}" for e in errors), returncode=3)


@pytest.fixture(autouse=True)
def _process_caches_empty():
    """Each test starts with no cached answers or places from an earlier test.

    Transactional tests reload the reference data, so a district cached by an earlier test in
    the same process would carry an id that no longer exists (the search then finds no homes).
    """
    _caches_empty()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a transactional test's flush, put back the reference data that migrations load.

    Plain tests rely on it, and pytest-django's running them before the transactional ones is
    no longer the whole story: xdist's `loadgroup` sends the largest groups first, and the
    grouped tests are transactional. Not after the last test, whose teardown ends the session
    and with it the test database.
    """
    result = yield
    if nextitem is not None and is_transactional(item):
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            _reference_data_load()
    return result


def _reference_data_load() -> None:
    importlib.import_module("caremarket.geography.migrations.0002_reference_data").load(apps, None)


@pytest.fixture(autouse=True)
def _audit_append_only_in_transactional_tests(request):
    """Transactional tests empty every table afterwards; lift the audit guard just for that."""
    if not is_transactional(request.node):
        yield
        return
    # Set up the database first so its flush runs after our teardown.
    request.getfixturevalue("_django_db_helper")
    # The reference data is put back after each flush (pytest_runtest_teardown); loading it
    # again here covers a flush that ran outside pytest's teardown (it adds nothing present).
    _reference_data_load()
    triggers_install(connection)
    yield
    triggers_remove(connection)


@dataclass
class World:
    council: Organisation
    icb: Organisation
    other_nhs: Organisation
    care_home_provider: Organisation
    other_care_home_provider: Organisation
    home_care_provider: Organisation
    council_admin: User
    broker: User
    contract_manager: User
    health_searcher: User
    other_health_searcher: User
    care_home_admin: User
    care_home_user: User
    other_care_home_admin: User
    home_care_admin: User
    home_care_user: User

    def client_for(self, user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client


def make_user(org: Organisation, email: str, role: str, name: str | None = None) -> User:
    return user_create(
        now=timezone.now(),
        actor=None,
        organisation=org,
        email=email,
        full_name=name or email.split("@")[0].title(),
        role=role,
        password=PASSWORD,
        send_invitation=False,
    )


@pytest.fixture
def world(db) -> World:
    return world_build()


def world_build() -> World:
    def org(name: str, kind: str) -> Organisation:
        return organisation_create(now=timezone.now(), actor=None, name=name, kind=kind)

    council = org("Test County Council", OrganisationKind.COUNCIL)
    icb = org("Test ICB", OrganisationKind.NHS)
    other_nhs = org("Unrelated NHS Trust", OrganisationKind.NHS)
    chp = org("Willow Care Homes", OrganisationKind.CARE_HOME_PROVIDER)
    other_chp = org("Birch Care Homes", OrganisationKind.CARE_HOME_PROVIDER)
    hcp = org("Meadow Home Care", OrganisationKind.HOME_CARE_PROVIDER)
    organisation_set_partners(now=timezone.now(), actor=None, organisation=council, partners=[icb])
    return World(
        council=council,
        icb=icb,
        other_nhs=other_nhs,
        care_home_provider=chp,
        other_care_home_provider=other_chp,
        home_care_provider=hcp,
        council_admin=make_user(council, "admin@council.test", Role.COUNCIL_ADMIN),
        broker=make_user(council, "broker@council.test", Role.BROKER),
        contract_manager=make_user(council, "contracts@council.test", Role.CONTRACT_MANAGER),
        health_searcher=make_user(icb, "searcher@icb.test", Role.HEALTH_SEARCHER),
        other_health_searcher=make_user(other_nhs, "searcher@other-nhs.test", Role.HEALTH_SEARCHER),
        care_home_admin=make_user(chp, "manager@willow.test", Role.PROVIDER_ADMIN),
        care_home_user=make_user(chp, "staff@willow.test", Role.PROVIDER_USER),
        other_care_home_admin=make_user(other_chp, "manager@birch.test", Role.PROVIDER_ADMIN),
        home_care_admin=make_user(hcp, "manager@meadow.test", Role.PROVIDER_ADMIN),
        home_care_user=make_user(hcp, "staff@meadow.test", Role.PROVIDER_USER),
    )


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if not os.path.exists(path):
        # Never skipped: a missing browser is a broken set-up, not an optional test.
        pytest.fail(f"Chromium not found at {path}: run `make test-tools`.")
    return path


@pytest.fixture(scope="module")
def browser(chromium_path):
    # One Chromium for a module's browser tests (starting Playwright and the browser costs
    # half a second); each test still gets a fresh browser context, so no cookies or storage
    # carry over. Playwright's sync API runs an event loop in this thread; Django's ORM calls
    # from the test body are still synchronous, which is safe here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(
            executable_path=chromium_path,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    pg = context.new_page()
    pg.set_default_timeout(15000)
    yield pg
    context.close()


@pytest.fixture
def journey(browser, live_server):
    """A person's journey through the pages, with axe-core on each page it passes through."""
    from caremarket.accessibility.journey import Journey

    trip = Journey(browser=browser, live_server=live_server)
    yield trip
    trip.close()


class Clock:
    """The time the pages, the services and the timetable read, moved on by the test."""

    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now

    def advance(self, **delta) -> None:
        import datetime as dt

        self.now = self.now + dt.timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    """``clock.now = ...`` sets what `timezone.now()` answers in the test and the live server."""
    import datetime as dt

    fixed = Clock(dt.datetime(2026, 11, 19, 10, 0, tzinfo=dt.UTC))
    monkeypatch.setattr("django.utils.timezone.now", fixed)
    return fixed


def sign_in(page, live_server, email: str, password: str = PASSWORD) -> None:
    page.goto(f"{live_server.url}/accounts/sign-in/")
    page.fill("#id_username", email)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("main [type=submit]")


def fill_date(page, label: str, iso: str) -> None:
    """Type an ISO date into a GOV.UK date input (day, month, year) found by its legend."""
    year, month, day = iso.split("-")
    group = page.get_by_role("group", name=label)
    group.get_by_label("Day").fill(day)
    group.get_by_label("Month").fill(month)
    group.get_by_label("Year").fill(year)


@pytest.fixture
def object_storage(monkeypatch):
    """An S3-compatible bucket (moto's, in this process) that the storage settings can name."""
    import boto3
    from moto import mock_aws

    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "eu-west-2",
    }.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        s3 = boto3.client("s3", region_name="eu-west-2")
        s3.create_bucket(
            Bucket="caremarket-test",
            CreateBucketConfiguration={"LocationConstraint": "eu-west-2"},
        )
        yield s3


def stored_keys(s3) -> list[str]:
    return sorted(
        o["Key"] for o in s3.list_objects_v2(Bucket="caremarket-test").get("Contents", [])
    )
