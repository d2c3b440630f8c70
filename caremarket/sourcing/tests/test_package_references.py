"""Package references come from the row's own number, so simultaneous creates never collide."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from caremarket.sourcing.models import Package

pytestmark = pytest.mark.django_db


def test_a_package_reference_is_its_row_number(world, sourcing):
    package = sourcing.package(world.broker)
    assert package.reference == f"PKG-{package.pk:06d}"
    package.refresh_from_db()
    assert package.reference == f"PKG-{package.pk:06d}"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrency needs PostgreSQL")
def test_twenty_brokers_creating_at_once_give_twenty_packages(world, sourcing):
    start = threading.Barrier(20)
    errors: list[BaseException] = []

    def create(n: int) -> None:
        try:
            start.wait()
            sourcing.package(
                world.broker, person_reference=f"AS-{n:05d}", hours_per_week=Decimal("7")
            )
        except BaseException as error:  # every failure is the test's finding
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=create, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    references = set(Package.objects.values_list("reference", flat=True))
    assert len(references) == 20
    assert all(ref.startswith("PKG-") for ref in references)
