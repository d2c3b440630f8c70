"""The dashboards' charts (see common.charts), each over a table of the same figures."""

from __future__ import annotations

from caremarket.common.charts import Chart, chart
from caremarket.insight.selectors.care_homes import BedCounts, CareHomeMarket
from caremarket.insight.selectors.demand import Demand
from caremarket.insight.selectors.figures import percent
from caremarket.insight.selectors.market import Market
from caremarket.insight.selectors.placements import ROUTE_LABELS, ROUTES


def _short(label: str) -> str:
    return label.removeprefix("Week to ")


def demand_charts(*, demand: Demand) -> dict[str, Chart]:
    labels = [_short(w.period.label) for w in demand.trend]
    made = [
        chart(
            id="demand_waiting",
            title="Packages waiting at the end of each week",
            kind="line",
            labels=labels,
            series=[("Waiting", [w.waiting for w in demand.trend])],
        ),
        chart(
            id="demand_flow",
            title="Packages referred and placed each week",
            kind="bar",
            labels=labels,
            series=[
                ("Referred", [w.referred for w in demand.trend]),
                ("Placed", [w.placed for w in demand.trend]),
            ],
        ),
    ]
    return {c.id: c for c in made}


def market_charts(*, market: Market) -> dict[str, Chart]:
    rows = market.by_period()
    labels = [_short(p.label) for p, _, _ in rows]
    made = [
        chart(
            id="market_adults",
            title="Adults receiving council-funded home care",
            kind="line",
            labels=labels,
            series=[("Adults", [c.adult_count for _, c, _ in rows])],
        ),
        chart(
            id="market_hours",
            title="Commissioned hours a week",
            kind="line",
            labels=labels,
            series=[
                ("All commissioned hours", [c.hours_per_week for _, c, _ in rows]),
                ("Under framework orders", [c.framework_hours_per_week for _, c, _ in rows]),
            ],
            unit="hours",
        ),
        chart(
            id="market_utilisation",
            title="Framework utilisation",
            kind="line",
            labels=labels,
            series=[("Framework utilisation", [percent(c.utilisation) for _, c, _ in rows])],
            unit="percent",
        ),
        chart(
            id="market_routes",
            title="How packages were placed",
            kind="bar",
            labels=labels,
            series=[(ROUTE_LABELS[r], [s.by_route.get(r, 0) for _, _, s in rows]) for r in ROUTES],
            stacked=True,
        ),
        chart(
            id="market_time_to_source",
            title="Time to source (working hours)",
            kind="line",
            labels=labels,
            series=[
                ("Median", [s.median_hours for _, _, s in rows]),
                ("90th percentile", [s.p90_hours for _, _, s in rows]),
            ],
            unit="working_hours",
        ),
    ]
    return {c.id: c for c in made}


def care_home_charts(*, market: CareHomeMarket) -> dict[str, Chart]:
    labels = [_short(p.label) for p in market.periods]
    districts = market.districts(market.latest)
    made = [
        chart(
            id="beds_total",
            title="Care home rooms: occupied, vacant and suspended",
            kind="bar",
            labels=labels,
            series=[
                ("Occupied", [d.total.occupied for d in market.series]),
                ("Vacant", [d.total.vacancies for d in market.series]),
                ("Suspended", [d.total.suspended for d in market.series]),
            ],
            stacked=True,
        ),
        chart(
            id="beds_occupancy",
            title="Occupancy by district",
            kind="line",
            labels=labels,
            series=[
                (
                    name,
                    [
                        percent(d.by_district.get(district_id, BedCounts()).occupancy)
                        for d in market.series
                    ],
                )
                for district_id, name, _ in districts
            ],
            unit="percent",
        ),
    ]
    return {c.id: c for c in made}
