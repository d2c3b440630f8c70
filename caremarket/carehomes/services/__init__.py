"""Every write to care homes, rooms, suspensions and bookings; each audited in its transaction."""

from caremarket.carehomes.services.bookings import (
    booking_end,
    booking_request_accept,
    booking_request_cancel,
    booking_request_reject,
    booking_request_submit,
)
from caremarket.carehomes.services.cqc import care_home_sync_from_cqc
from caremarket.carehomes.services.homes import (
    care_home_confirm_vacancies,
    care_home_create,
    care_home_set_active,
    care_home_set_council_fields,
    care_home_set_irn_framework,
    care_home_update,
)
from caremarket.carehomes.services.photos import care_home_photo_add, care_home_photo_remove
from caremarket.carehomes.services.reminders import booking_request_remind_unanswered
from caremarket.carehomes.services.residents import (
    Resident,
    booking_record_residents,
    booking_residents_import,
)
from caremarket.carehomes.services.rooms import room_create, room_create_many, room_update
from caremarket.carehomes.services.suspensions import (
    HomeSuspensionResult,
    care_home_suspend,
    home_suspension_lift,
    room_suspend,
    suspension_lift,
)

__all__ = [
    "HomeSuspensionResult",
    "Resident",
    "booking_end",
    "booking_record_residents",
    "booking_request_accept",
    "booking_request_cancel",
    "booking_request_reject",
    "booking_request_remind_unanswered",
    "booking_request_submit",
    "booking_residents_import",
    "care_home_confirm_vacancies",
    "care_home_create",
    "care_home_photo_add",
    "care_home_photo_remove",
    "care_home_set_active",
    "care_home_set_council_fields",
    "care_home_set_irn_framework",
    "care_home_suspend",
    "care_home_sync_from_cqc",
    "care_home_update",
    "home_suspension_lift",
    "room_create",
    "room_create_many",
    "room_suspend",
    "room_update",
    "suspension_lift",
]
