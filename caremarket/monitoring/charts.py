"""Server-rendered SVG line charts (no script, no inline style), with their data for a table."""

from __future__ import annotations

from dataclasses import dataclass

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 36
COLOURS = ("#00497f", "#d4351c", "#00703c", "#f47738", "#4c2c92")


@dataclass(frozen=True)
class Series:
    label: str
    colour: str
    points: str  # the polyline's points attribute
    dots: list[tuple[float, float, str]]  # x, y, value text


@dataclass(frozen=True)
class LineChart:
    title: str
    width: int
    height: int
    series: list[Series]
    x_labels: list[tuple[float, str]]
    y_ticks: list[tuple[float, str]]
    plot_left: int
    plot_right: int
    plot_bottom: int


def _fmt(value: float, percent: bool) -> str:
    return f"{value * 100:.1f}%" if percent else f"{value:,.1f}"


def line_chart(
    *,
    title: str,
    x_labels: list[str],
    series: list[tuple[str, list[float | None]]],
    percent: bool = True,
    y_max: float | None = None,
) -> LineChart:
    values = [v for _, vs in series for v in vs if v is not None]
    top = y_max if y_max is not None else (max(values) if values else 1.0) or 1.0
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(x_labels) - 1, 1)

    def x(i: int) -> float:
        return round(LEFT + i * step, 1)

    def y(v: float) -> float:
        return round(TOP + plot_h - (min(v, top) / top) * plot_h, 1)

    drawn = []
    for n, (label, vs) in enumerate(series):
        dots = [(x(i), y(v), _fmt(v, percent)) for i, v in enumerate(vs) if v is not None]
        drawn.append(
            Series(
                label=label,
                colour=COLOURS[n % len(COLOURS)],
                points=" ".join(f"{dx},{dy}" for dx, dy, _ in dots),
                dots=dots,
            )
        )
    ticks = [(y(top * f), _fmt(top * f, percent)) for f in (0, 0.25, 0.5, 0.75, 1.0)]
    return LineChart(
        title=title,
        width=WIDTH,
        height=HEIGHT,
        series=drawn,
        x_labels=[(x(i), text) for i, text in enumerate(x_labels)],
        y_ticks=ticks,
        plot_left=LEFT,
        plot_right=WIDTH - RIGHT,
        plot_bottom=TOP + plot_h,
    )
