"""KPI alerts in the board's channel: a new figure published, and a KPI reaching a better band.

A value is new when it arrived after its KPI was first loaded: the provenance of its `period` (a key
field, so set once, when the row was made by a load or an import) is later than that of its KPI's
`key`. The history that comes with a board's first load, or with a KPI added later, arrives with the
KPI and is never announced. Only values that arrived within the run's catch-up window (the board's
working days, as for every reminder) are looked at; the ledger sends each alert once.

A band is the value's RAG where its source states one, else on or off its target, judged in the
direction the KPI says is better. A final value in a better band than the area's previous final
value is announced the first time the area reaches that band (Metabase's "only the first time"): an
earlier value in that band or a better one, or a ledger row for the band, means it is not the first.

Alerts go to the board's channel only, not to people, so the daily digest has nothing to fold in.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from bot import models as m
from bot.kpis.figures import brief, figure, measure, trend
from bot.kpis.info import KpiInfo
from bot.kpis.periods import is_partial
from bot.kpis.sparkline import sparkline
from reminders.items import Reminder, Sieve, Stage, channel_recipient
from reminders.ledger import Key
from reminders.timing import BoardDay

BANDS = {"red": 0, "off target": 0, "amber": 1, "green": 2, "on target": 2}
BAND_BADGES = {
    "red": ":red_circle:",
    "amber": ":large_orange_circle:",
    "green": ":large_green_circle:",
    "on target": ":dart:",
    "off target": ":small_red_triangle_down:",
}


def band(row: m.KpiValue, kpi: KpiInfo) -> str | None:
    """The value's band: its stated RAG, else on or off its target in the KPI's better direction."""
    if row.rag in BANDS:
        return str(row.rag)
    if row.target is None or kpi.better not in (m.Better.HIGHER, m.Better.LOWER):
        return None
    met = row.value >= row.target if kpi.better == m.Better.HIGHER else row.value <= row.target
    return "on target" if met else "off target"


def digest(*parts: str) -> str:
    """A short stable name for an area and period in an occasion key (they may be long)."""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:12]


def window_start_utc(day: BoardDay) -> datetime:
    return datetime.combine(day.first_nominal, time(0, 0), day.zone).astimezone(UTC)


def _utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes: they are UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def new_values(
    session: Session, days: dict[int, BoardDay], now: datetime
) -> list[tuple[m.KpiValue, m.Kpi, datetime]]:
    """Values of these boards' KPIs that arrived in the window, after their KPI was first loaded."""
    arrived, kpi_loaded = aliased(m.FieldProvenance), aliased(m.FieldProvenance)
    since = min(window_start_utc(d) for d in days.values())
    rows = session.execute(
        select(m.KpiValue, m.Kpi, arrived.at)
        .join(m.Kpi, m.Kpi.id == m.KpiValue.kpi_id)
        .join(
            arrived,
            (arrived.kind == "kpi_values")
            & (arrived.record_id == m.KpiValue.id)
            & (arrived.field == "period"),
        )
        .join(
            kpi_loaded,
            (kpi_loaded.kind == "kpis") & (kpi_loaded.record_id == m.Kpi.id) & (kpi_loaded.field == "key"),
        )
        .where(
            m.Kpi.board_id.in_(list(days)),
            arrived.at >= since,
            arrived.at <= now,
            arrived.at > kpi_loaded.at,
        )
        .order_by(m.Kpi.board_id, m.Kpi.key, m.KpiValue.area, m.KpiValue.period_end, m.KpiValue.id)
    )
    found = []
    for value, kpi, at in rows:
        day = days[kpi.board_id]
        local = _utc(at).astimezone(day.zone).date()
        if day.eligible(local):
            found.append((value, kpi, _utc(at)))
    return found


def area_values(session: Session, kpi_ids: Iterable[int]) -> dict[tuple[int, str], list[m.KpiValue]]:
    """Every value of these KPIs, by KPI and area, newest first (undated last)."""
    grouped: dict[tuple[int, str], list[m.KpiValue]] = defaultdict(list)
    ids = sorted(set(kpi_ids))
    if not ids:
        return grouped
    for row in session.scalars(select(m.KpiValue).where(m.KpiValue.kpi_id.in_(ids))):
        grouped[(row.kpi_id, row.area)].append(row)
    for rows in grouped.values():
        rows.sort(key=lambda r: (r.period_end is None, r.period_end and -r.period_end.toordinal(), -r.id))
    return grouped


def earlier_finals(row: m.KpiValue, rows: list[m.KpiValue]) -> list[m.KpiValue]:
    """The area's final dated values before `row`'s period, newest first."""
    if row.period_end is None:
        return []
    end = row.period_end
    return [r for r in rows if r.period_end is not None and r.period_end < end and not is_partial(r)]


def band_crossing(row: m.KpiValue, kpi: KpiInfo, rows: list[m.KpiValue]) -> tuple[str, m.KpiValue] | None:
    """The better band `row` reaches for the first time, and the previous value it rose from."""
    now_band = band(row, kpi)
    if now_band is None or is_partial(row) or row.period_end is None:
        return None
    earlier = earlier_finals(row, rows)
    before = next((r for r in earlier if band(r, kpi) is not None), None)
    if before is None:
        return None
    then = band(before, kpi)
    assert then is not None
    if BANDS[now_band] <= BANDS[then]:
        return None
    if any(BANDS[b] >= BANDS[now_band] for r in earlier if (b := band(r, kpi)) is not None):
        return None  # it was there before: not the first time
    return now_band, before


def kpi_alerts(
    session: Session,
    days: dict[int, BoardDay],
    now: datetime,
    sieve: Sieve,
    settled: Callable[[list[Key]], set[Key]],
) -> list[Reminder]:
    """The board channel's alerts for the KPI values that arrived since the last runs."""
    found = new_values(session, days, now)
    if not found:
        return []
    history = area_values(session, {kpi.id for _, kpi, _ in found})
    alerts: list[Reminder] = []
    for row, kpi_row, at in found:
        day = days[kpi_row.board_id]
        recipient = channel_recipient(day.board)
        kpi = KpiInfo.of(kpi_row)
        rows = history[(kpi.id, row.area)]
        where = digest(row.area, row.period)
        occasion = (
            f"kpi:{kpi.id}:{where}:period:{row.period_end.isoformat() if row.period_end else 'undated'}"
        )
        stage = Stage(at.astimezone(day.zone).date(), "published")
        if sieve.wanted("kpi_published", recipient, occasion):
            alerts.append(published_alert(row, kpi, rows, day, occasion, stage))
        crossing = band_crossing(row, kpi, rows)
        if crossing is not None:
            reached, before = crossing
            occasion = f"kpi:{kpi.id}:{digest(row.area)}:band:{reached}"
            if sieve.wanted("kpi_band", recipient, occasion):
                alerts.append(band_alert(row, kpi, before, reached, day, occasion, stage))
    bands = [r.key for r in alerts if r.kind == "kpi_band"]
    done = (
        settled(bands) if bands else set()
    )  # a band reached long ago: its ledger row is older than the window
    return [r for r in alerts if r.key not in done]


def published_alert(
    row: m.KpiValue, kpi: KpiInfo, rows: list[m.KpiValue], day: BoardDay, occasion: str, stage: Stage
) -> Reminder:
    shown = figure(row, kpi, rows)
    summary = f"{day.board.name}: new figure for {kpi.name}, {row.area}: {shown.value} ({shown.period})"
    context = {
        "board": day.board,
        "kpi": kpi,
        "figure": shown,
        "trend": None if is_partial(row) else trend(row, rows, kpi),
        "spark": None if is_partial(row) else sparkline(row, rows),
        "band": band(row, kpi),
        "badges": BAND_BADGES,
    }
    return Reminder(
        kind="kpi_published",
        recipient=channel_recipient(day.board),
        occasion=occasion,
        day=day,
        stage=stage,
        describe=lambda: summary,
        build=lambda: context,
        order=70,
    )


def band_alert(
    row: m.KpiValue,
    kpi: KpiInfo,
    before: m.KpiValue,
    reached: str,
    day: BoardDay,
    occasion: str,
    stage: Stage,
) -> Reminder:
    value = measure(row.value, kpi.unit)
    summary = (
        f"{day.board.name}: {kpi.name}, {row.area}, is {reached} for the first time ({value}, {row.period})"
    )
    context = {
        "board": day.board,
        "kpi": kpi,
        "area": row.area,
        "reached": reached,
        "badge": BAND_BADGES[reached],
        "value": value,
        "period": row.period,
        "target": measure(row.target, kpi.unit) if row.target is not None else None,
        "before_band": band(before, kpi),
        "before_value": brief(before.value, kpi.unit),
        "before_period": before.period,
        "stated": row.rag is not None,
    }
    return Reminder(
        kind="kpi_band",
        recipient=channel_recipient(day.board),
        occasion=occasion,
        day=day,
        stage=stage,
        describe=lambda: summary,
        build=lambda: context,
        order=65,
    )
