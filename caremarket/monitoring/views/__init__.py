"""The visit monitoring pages, one module per concept (decision 0053)."""

from caremarket.monitoring.views.kpis import (
    TREND_FIGURES,
    branch_detail,
    flag_list,
    overview,
    provider_detail,
)
from caremarket.monitoring.views.submissions import (
    error_report,
    file_spec,
    home,
    submission_detail,
    submission_list,
    submission_upload,
    template_download,
    warning_report,
)

__all__ = [
    "TREND_FIGURES",
    "branch_detail",
    "error_report",
    "file_spec",
    "flag_list",
    "home",
    "overview",
    "provider_detail",
    "submission_detail",
    "submission_list",
    "submission_upload",
    "template_download",
    "warning_report",
]
