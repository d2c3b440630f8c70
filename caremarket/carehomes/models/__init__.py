from caremarket.carehomes.models.bookings import (
    HOLDING_STATUSES,
    Booking,
    BookingStatus,
    Funding,
    RejectionReason,
    RejectionStage,
    person_reference_validator,
)
from caremarket.carehomes.models.flags import FlagChoices
from caremarket.carehomes.models.homes import (
    CareHome,
    CareType,
    Facility,
    HomePhoto,
    search_stamp_new,
)
from caremarket.carehomes.models.rooms import (
    FREE_SINCE_ALWAYS,
    ContractType,
    HomeSuspension,
    Room,
    RoomFeature,
    Suspension,
    SuspensionReason,
)

__all__ = [
    "FREE_SINCE_ALWAYS",
    "HOLDING_STATUSES",
    "Booking",
    "BookingStatus",
    "CareHome",
    "CareType",
    "ContractType",
    "Facility",
    "FlagChoices",
    "Funding",
    "HomePhoto",
    "HomeSuspension",
    "RejectionReason",
    "RejectionStage",
    "Room",
    "RoomFeature",
    "Suspension",
    "SuspensionReason",
    "person_reference_validator",
    "search_stamp_new",
]
