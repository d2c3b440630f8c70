from __future__ import annotations

import datetime as dt

from django.db import transaction

from caremarket.accounts.models import User
from caremarket.audit.services import audit_record
from caremarket.common.permissions import require
from caremarket.framework.models import Cohort, Lot, ServiceType
from caremarket.geography.selectors import district_list


@transaction.atomic
def lot_create_all(*, actor: User | None, now: dt.datetime) -> list[Lot]:
    """Create any missing lot: every council district × service type × cohort. Safe to rerun."""
    require(actor, "framework.manage_framework", None, "Only the Live at Home team can add lots.")
    created = []
    for district in district_list(council_area_only=True):
        for service_type in ServiceType.values:
            for cohort in Cohort.values:
                lot, new = Lot.objects.get_or_create(
                    district=district, service_type=service_type, cohort=cohort
                )
                if new:
                    created.append(lot)
                    audit_record(actor=actor, action="framework_lot.created", obj=lot, at=now)
    return created
