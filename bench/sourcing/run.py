"""A simulated year of county demand (about 10,000 packages) through the sourcing engine.

Target (DESIGN section 8): under 5 seconds on a 2-core machine. Prints the time, the
engine's throughput and the simulation report for the council's timetable and for short
windows with continuous batching.
"""

from __future__ import annotations

import datetime as dt
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from caremarket.sourcing.engine.calendar import LONDON
from caremarket.sourcing.engine.rules import CONTINUOUS_BATCHING, COUNCIL_TIMETABLE
from caremarket.sourcing.engine.simulation import Scenario, format_reports, simulate

TARGET_SECONDS = 5.0
RUNS = 3


def main() -> None:
    scenario = Scenario(weeks=52, seed=2026, start=dt.datetime(2026, 1, 5, 9, tzinfo=LONDON))
    timings = []
    report = None
    for _ in range(RUNS):
        started = time.perf_counter()
        report = simulate(scenario, COUNCIL_TIMETABLE, label="council timetable")
        timings.append(time.perf_counter() - started)
    assert report is not None
    best, median = min(timings), statistics.median(timings)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"packages: {report.packages}, offers: {report.offers}, "
        f"engine decisions: {report.decisions}"
    )
    print(
        f"year through the engine: best {best:.2f} s, median {median:.2f} s of {RUNS} runs "
        f"(target < {TARGET_SECONDS:.0f} s) -> {'MET' if median < TARGET_SECONDS else 'MISSED'}"
    )
    print(
        f"throughput: {report.packages / median:,.0f} packages/s, "
        f"{report.decisions / median:,.0f} decisions/s; "
        f"peak RSS {peak_mb:.0f} MB"
    )
    print()
    other = simulate(scenario, CONTINUOUS_BATCHING, label="30-min windows, hourly batching")
    print(format_reports([report, other]))


if __name__ == "__main__":
    main()
