"""Writes of visit monitoring, one module per concept (decision 0053): `submissions` receives and
processes the providers' files, `flags` raises the risk flags. Every public name is
re-exported here."""

from caremarket.monitoring.services.flags import (
    KPI_KINDS,
    Breach,
    Kind,
    risk_flags_check_missing,
    risk_flags_evaluate,
)
from caremarket.monitoring.services.submissions import (
    ERROR_LIMIT,
    NO_REFERENCE,
    PROCESS_SUBMISSION,
    submission_process,
    submission_receive,
)

__all__ = [
    "ERROR_LIMIT",
    "KPI_KINDS",
    "NO_REFERENCE",
    "PROCESS_SUBMISSION",
    "Breach",
    "Kind",
    "risk_flags_check_missing",
    "risk_flags_evaluate",
    "submission_process",
    "submission_receive",
]
