"""What a chart draws, as plain data for Chart.js (static/js/charts.mjs, decision 51).

Pages put `Chart.spec()` in a json_script beside a table of the same figures (the include
`includes/chart.html`), so they work without JavaScript and for people who cannot see a chart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Dataset:
    label: str
    data: list[float | None]


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    kind: str  # "line" or "bar"
    labels: list[str]
    datasets: list[Dataset]
    unit: str = "count"  # count, percent (0 to 100), hours, money, working_hours
    stacked: bool = False

    def spec(self) -> dict[str, object]:
        return asdict(self)


def _num(value: object) -> float | None:
    return None if value is None else round(float(value), 2)  # type: ignore[arg-type]


def chart(
    *,
    id: str,
    title: str,
    kind: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[object]]],
    unit: str = "count",
    stacked: bool = False,
) -> Chart:
    return Chart(
        id=id,
        title=title,
        kind=kind,
        labels=list(labels),
        datasets=[Dataset(label=label, data=[_num(v) for v in values]) for label, values in series],
        unit=unit,
        stacked=stacked,
    )
