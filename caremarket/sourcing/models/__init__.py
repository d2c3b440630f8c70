"""The sourcing models, one module per concept (decision 0053): packages and their offers and
decisions, the Batching and Available Packages lists, the book of care, the timetable, rounds,
handbacks, transfers and strategic partners. Every model is re-exported here, as Django's app
registry needs."""

from caremarket.sourcing.models.available import AvailableList, RateProposal
from caremarket.sourcing.models.batching import BatchingList, BatchingListLine, BatchingReturn
from caremarket.sourcing.models.care_book import CareBookImport
from caremarket.sourcing.models.handbacks import Handback, HandbackReason, HandbackStatus
from caremarket.sourcing.models.packages import (
    Offer,
    OutcomeChoices,
    Package,
    PassedOverChoices,
    RouteChoices,
    SourcingDecision,
    StageChoices,
    Urgency,
)
from caremarket.sourcing.models.partners import StrategicPartnerArea, StrategicPartnership
from caremarket.sourcing.models.rounds import WEEK_BYTES, VisitCall, VisitWeek
from caremarket.sourcing.models.timetable import TimetableRun
from caremarket.sourcing.models.transfers import Transfer, TransferStatus

__all__ = [
    "WEEK_BYTES",
    "AvailableList",
    "BatchingList",
    "BatchingListLine",
    "BatchingReturn",
    "CareBookImport",
    "Handback",
    "HandbackReason",
    "HandbackStatus",
    "Offer",
    "OutcomeChoices",
    "Package",
    "PassedOverChoices",
    "RateProposal",
    "RouteChoices",
    "SourcingDecision",
    "StageChoices",
    "StrategicPartnerArea",
    "StrategicPartnership",
    "TimetableRun",
    "Transfer",
    "TransferStatus",
    "Urgency",
    "VisitCall",
    "VisitWeek",
]
