"""A KPI's history as a PNG: its areas, the comparators its values carry, and its target.

Read (`chart_data`, in the request's session) apart from drawn (`render_png`, after the ack): the
data is plain values, so drawing needs no session. matplotlib draws on its Agg backend through a
Figure of its own (no pyplot state), so charts can be drawn on several threads at once.

Told apart without colour: each area has its own marker and solid line, comparators are grey with
their own dash and marker, the target is a labelled dashed line; every line is named at its end as
well as in the legend. Periods run oldest to newest; a part-year or live value is a hollow marker and
its period says so, and no line joins it to the final values; a period an area has no value for is
a gap, never a zero.
"""

from __future__ import annotations

import io
import math
import re
import textwrap
from dataclasses import dataclass

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot import models as m
from bot.kpis.figures import HISTORY_AREAS, brief
from bot.kpis.info import KpiInfo, one_line, reading_order
from bot.kpis.periods import is_partial

MAX_PERIODS = 16  # the newest periods drawn; more would crowd the axis labels
ALT_CHARS = 1000  # Slack's limit for a file's alt text
PERIOD_CHARS = 18  # a period label wraps at this width under the axis
AREA_STYLES = [("o", "-"), ("s", "-"), ("^", "-"), ("D", "-")]
AREA_COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7"]  # Okabe-Ito: safe for colour blindness
COMPARATORS = (  # label, column, marker, line style
    ("England", "england", "v", "--"),
    ("London", "london", "P", ":"),
    ("statistical neighbours", "statistical_neighbours", "X", "-."),
)
LABEL_GAP = 0.05  # of the values' range: end labels closer than this are moved apart
UPRIGHT_LABELS = 8  # periods: with more, their labels are slanted to fit
LEGEND_ROW = 6  # legend entries on one row under the chart
VALUE_LABELS_UP_TO = 8  # periods: with more, the numbers would overlap


@dataclass(frozen=True)
class Line:
    label: str  # "Kensington and Chelsea", "England", "target"
    role: str  # "area", "comparator" or "target"
    values: tuple[float | None, ...]  # one per period; None: not recorded, drawn as a gap
    partial: tuple[bool, ...] = ()  # one per period: a part-year or live value, not final
    marker: str = "o"
    style: str = "-"
    colour: str = "#555555"


@dataclass(frozen=True)
class ChartData:
    """What a chart shows: plain values, safe to hand to another thread."""

    board: str
    board_key: str
    kpi_key: str
    name: str
    unit: str | None
    better: str  # "lower is better"
    periods: tuple[str, ...]  # oldest first, as written
    partial: tuple[bool, ...]  # a period some area's value for is part-year or live
    lines: tuple[Line, ...]
    undated: int = 0  # values without a date: not drawn
    older: int = 0  # periods before the first drawn
    other_areas: int = 0  # areas past HISTORY_AREAS: not drawn (one may be asked for by name)

    @property
    def areas(self) -> list[Line]:
        return [line for line in self.lines if line.role == "area"]

    @property
    def title(self) -> str:
        return one_line(f"{self.name}: {self.board}", 200)

    @property
    def filename(self) -> str:
        return f"{re.sub(r'[^a-z0-9-]+', '-', self.kpi_key.lower()).strip('-') or 'kpi'}-chart.png"

    @property
    def covers(self) -> str:
        if not self.periods:
            return "no dated values"
        if len(self.periods) == 1:
            return f"1 period, {self.periods[0]}"
        return f"{len(self.periods)} periods, {self.periods[0]} – {self.periods[-1]}"

    def amount(self, value: float | None) -> str:
        return "not recorded" if value is None else brief(value, self.unit)

    @property
    def alt_text(self) -> str:
        """The chart in words, for screen readers and notifications: each line's values in order."""
        parts = [
            f"Line chart of {self.name} ({self.unit or 'unit not recorded'}, {self.better}), {self.covers}."
        ]
        for line in self.lines:
            shown = [
                f"{self.amount(v)} ({period}{', not final' if line.partial and line.partial[i] else ''})"
                for i, (v, period) in enumerate(zip(line.values, self.periods, strict=True))
                if v is not None
            ]
            parts.append(f"{line.label}: {'; '.join(shown)}.")
        parts += [f"{note.capitalize()}." for note in self.notes if not note.startswith("hollow")]
        text = " ".join(parts)
        return text if len(text) <= ALT_CHARS else text[: ALT_CHARS - 1].rstrip() + "…"

    @property
    def notes(self) -> list[str]:
        """What a reader of the chart must know that the lines do not say."""
        found = []
        if any(self.partial):
            found.append("hollow markers: part-year or live values, not final")
        if self.undated:
            found.append(f"{self.undated} value{'s' if self.undated != 1 else ''} without a date not drawn")
        if self.older:
            found.append(f"{self.older} older period{'s' if self.older != 1 else ''} not drawn")
        if self.other_areas:
            found.append(
                f"{self.other_areas} other area{'s' if self.other_areas != 1 else ''} not drawn: name one to see it"
            )
        return found


def chart_data(session: Session, board: m.Board, kpi: KpiInfo, area: str | None = None) -> ChartData:
    """The KPI's dated values by period (the newest MAX_PERIODS), per area (or `area` only), with the
    comparators and targets its values carry."""
    where = [m.KpiValue.kpi_id == kpi.id] + ([m.KpiValue.area == area] if area else [])
    rows = list(
        session.scalars(
            select(m.KpiValue)
            .where(*where, m.KpiValue.period_end.is_not(None))
            .order_by(m.KpiValue.period_end, m.KpiValue.id)
        )
    )
    undated = session.scalar(select(func.count()).where(*where, m.KpiValue.period_end.is_(None))) or 0
    every_area = sorted({r.area for r in rows}, key=lambda a: (reading_order(a), a))
    areas = every_area[:HISTORY_AREAS]
    rows = [r for r in rows if r.area in areas]  # no period shown for an area not drawn
    # a period is its end and its kind: a year and a count on its last day are not one value
    ends = sorted({(r.period_end, r.period_kind or "") for r in rows}, key=lambda p: (p[0], p[1]))
    older, ends = max(len(ends) - MAX_PERIODS, 0), ends[-MAX_PERIODS:]
    at = {end: i for i, end in enumerate(ends)}
    rows = [r for r in rows if (r.period_end, r.period_kind or "") in at]
    labels = [next(r.period for r in rows if (r.period_end, r.period_kind or "") == end) for end in ends]
    partial = [False] * len(ends)
    lines: list[Line] = []
    for number, name in enumerate(areas):
        values: list[float | None] = [None] * len(ends)
        marks = [False] * len(ends)
        for row in (r for r in rows if r.area == name):
            i = at[(row.period_end, row.period_kind or "")]
            if values[i] is None or marks[i] or not is_partial(row):  # a final value wins its period
                values[i], marks[i] = row.value, is_partial(row)
        partial = [p or mk for p, mk in zip(partial, marks, strict=True)]
        marker, style = AREA_STYLES[number % len(AREA_STYLES)]
        colour = AREA_COLOURS[number % len(AREA_COLOURS)]
        lines.append(Line(name, "area", tuple(values), tuple(marks), marker, style, colour))
    for label, column, marker, style in COMPARATORS:
        values = [None] * len(ends)
        for row in rows:
            i = at[(row.period_end, row.period_kind or "")]
            if values[i] is None:
                values[i] = getattr(row, column)
        if any(v is not None for v in values):
            lines.append(Line(label, "comparator", tuple(values), (), marker, style, "#666666"))
    targets: list[float | None] = [None] * len(ends)
    for row in rows:
        i = at[(row.period_end, row.period_kind or "")]
        if targets[i] is None:
            targets[i] = row.target
    if any(v is not None for v in targets):
        lines.append(Line("target", "target", tuple(targets), (), "_", "--", "#000000"))
    return ChartData(
        board=board.name,
        board_key=board.key,
        kpi_key=kpi.key,
        name=kpi.name,
        unit=kpi.unit,
        better=kpi.better_label,
        periods=tuple(one_line(label, 60) for label in labels),
        partial=tuple(partial),
        lines=tuple(lines),
        undated=undated,
        older=older,
        other_areas=len(every_area) - len(areas),
    )


def _nan(values: tuple[float | None, ...]) -> list[float]:
    return [math.nan if v is None else v for v in values]


def end_labels(data: ChartData) -> list[tuple[Line, str, int, float]]:
    """Each line's name at its newest value, (line, text, x, y), moved apart where they would overlap."""
    found = []
    for line in data.lines:
        last = max((i for i, v in enumerate(line.values) if v is not None), default=None)
        if last is None:
            continue
        value = line.values[last]
        assert value is not None
        text = f"target {data.amount(value)}" if line.role == "target" else line.label
        found.append((line, text, last, value))
    values = [v for line in data.lines for v in line.values if v is not None]
    gap = (max(values) - min(values)) * LABEL_GAP if values else 0.0
    placed: list[tuple[Line, str, int, float]] = []
    for line, text, x, y in sorted(found, key=lambda f: (f[3], f[2])):
        near = [p[3] for p in placed if abs(p[2] - x) <= 1]  # labels run about one period wide
        while any(abs(y - other) < gap for other in near):
            y = max(other for other in near if abs(y - other) < gap) + gap
        placed.append((line, text, x, y))
    return placed


def render_png(data: ChartData) -> bytes:
    """The chart as PNG bytes."""
    width = min(max(10.0, 0.8 * len(data.periods) + 3), 16)  # wider for many periods, within reason
    figure = Figure(figsize=(width, 5.6), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)  # the Agg backend, for this figure only
    ax = figure.add_subplot()
    xs = list(range(len(data.periods)))
    for line in data.lines:
        ys = _nan(line.values)
        if line.role == "target":
            ax.plot(xs, ys, linestyle=line.style, color=line.colour, linewidth=1.5, label="target")
            continue
        width = 2.2 if line.role == "area" else 1.4
        part = [i for i, v in enumerate(line.values) if v is not None and line.partial and line.partial[i]]
        final = [math.nan if i in part else y for i, y in enumerate(ys)]  # a part year joins no line
        ax.plot(
            xs,
            final,
            linestyle=line.style,
            marker=line.marker,
            markersize=8,
            color=line.colour,
            linewidth=width,
            label=line.label,
        )
        if part:
            ax.plot(
                part,
                [ys[i] for i in part],
                linestyle="none",
                marker=line.marker,
                markersize=9,
                markerfacecolor="white",
                markeredgewidth=2,
                color=line.colour,
            )
        if line.role == "area" and len(xs) <= VALUE_LABELS_UP_TO:
            for i, v in enumerate(line.values):
                if v is not None:
                    ax.annotate(
                        data.amount(v),
                        (i, v),
                        xytext=(0, 9),
                        textcoords="offset points",
                        ha="center",
                        fontsize=8,
                    )
    ticks = [
        textwrap.fill(label + (" (not final)" if data.partial[i] else ""), PERIOD_CHARS)
        for i, label in enumerate(data.periods)
    ]
    for line, text, x, y in end_labels(data):  # named where it ends: no colour or legend needed
        ax.annotate(
            text,
            (x, y),
            xytext=(8, 0),
            textcoords="offset points",
            va="center",
            fontsize=9,
            color=line.colour,
        )
    crowded = len(xs) > UPRIGHT_LABELS
    ax.set_xticks(xs, ticks, fontsize=8, rotation=35 if crowded else 0, ha="right" if crowded else "center")
    ax.set_xlim(-0.5, max(len(xs) - 0.5, 0.5) + 0.9)  # room on the right for the lines' names
    ax.set_ylabel(data.unit or "unit not recorded")
    ax.grid(axis="y", color="#dddddd")
    ax.margins(y=0.12)  # room above the highest value for its label
    ax.spines[["top", "right"]].set_visible(False)
    figure.suptitle(textwrap.fill(data.name, 80), fontsize=13, x=0.01, ha="left", fontweight="bold")
    subtitle = textwrap.fill(f"{data.board} · {data.better} · {data.covers}", 120)
    if data.notes:  # under the title, where no legend can cover it
        subtitle += "\n" + textwrap.fill("; ".join(data.notes).capitalize() + ".", 120)
    ax.set_title(subtitle, fontsize=9, loc="left", color="#444444")
    if not data.periods:
        ax.text(0.5, 0.5, "No dated values recorded", ha="center", va="center", transform=ax.transAxes)
    handles, labels = ax.get_legend_handles_labels()
    if handles:  # below everything, the period labels too (constrained layout makes the room)
        columns = len(handles) if len(handles) <= LEGEND_ROW else 4
        figure.legend(handles, labels, loc="outside lower left", ncol=columns, fontsize=9, frameon=False)
    out = io.BytesIO()
    figure.savefig(out, format="png", bbox_inches="tight", pad_inches=0.2)
    return out.getvalue()
