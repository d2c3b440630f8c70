"""Reads for visit monitoring, one module per concept (decision 0053); every public name is
re-exported here, so callers write `from caremarket.monitoring import selectors`."""

from caremarket.monitoring.selectors.expected import (
    Branch,
    branch_list,
    contract_manager_list,
    provider_list_expected,
)
from caremarket.monitoring.selectors.flags import (
    FlagRow,
    flag_list,
    flag_periods,
    flag_providers,
    flag_rows,
)
from caremarket.monitoring.selectors.kpis import (
    DEEMED,
    DUE,
    MISSING,
    NOT_REQUIRED,
    OVERVIEW_SORTS,
    SUBMITTED,
    OverviewRow,
    compliance_list,
    compliance_state,
    county_series,
    district_choices,
    kpi_breakdown,
    kpi_overview,
    kpi_overview_sorted,
    kpi_periods,
    kpi_series,
)
from caremarket.monitoring.selectors.submissions import (
    submission_current,
    submission_find_duplicate,
    submission_list,
    submission_replaced_same_content,
)
from caremarket.monitoring.selectors.visits import (
    DEFAULT_PUNCTUALITY_WINDOW,
    branch_punctuality,
    visit_punctuality_by_hour,
)

__all__ = [
    "DEEMED",
    "DEFAULT_PUNCTUALITY_WINDOW",
    "DUE",
    "MISSING",
    "NOT_REQUIRED",
    "OVERVIEW_SORTS",
    "SUBMITTED",
    "Branch",
    "FlagRow",
    "OverviewRow",
    "branch_list",
    "branch_punctuality",
    "compliance_list",
    "compliance_state",
    "contract_manager_list",
    "county_series",
    "district_choices",
    "flag_list",
    "flag_periods",
    "flag_providers",
    "flag_rows",
    "kpi_breakdown",
    "kpi_overview",
    "kpi_overview_sorted",
    "kpi_periods",
    "kpi_series",
    "provider_list_expected",
    "submission_current",
    "submission_find_duplicate",
    "submission_list",
    "submission_replaced_same_content",
    "visit_punctuality_by_hour",
]
