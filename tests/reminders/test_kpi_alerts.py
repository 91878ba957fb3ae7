"""KPI alerts in the board channel: a new figure once, a better band the first time only, never the
history a board's first load brings."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.boarddata.loader import load_files
from bot.db import make_sessions
from reminders.kpi_alerts import band
from reminders.run import plan_reminders, run_reminders
from tests.reminders.world import TEAM, at_local, sender_for
from tests.slack_limits import assert_fits_slack

D = date.fromisoformat
HEAD = """boardbot: 1
workspace: {team_id: T0TEST, name: Test}
documents:
  - {key: report, title: Youth justice performance report}
boards:
  - {key: yjb, name: Youth Justice Board, slack_channel: C0BOARD}
kpis:
  - {key: fte, board: yjb, name: First time entrants, unit: "per 100,000", better: lower, scope: borough}
  - {key: ete, board: yjb, name: Children in education or training, unit: "%", better: higher, scope: borough}
kpi_values:
  - {kpi: fte, area: Westminster, period: "2020", period_end: 2020-12-31, period_kind: year, value: 150, target: 140, source: {doc: report, line: 1}}
  - {kpi: fte, area: Westminster, period: "2021", period_end: 2021-12-31, period_kind: year, value: 145, target: 140, source: {doc: report, line: 1}}
  - {kpi: ete, area: Westminster, period: 2021-22, period_end: 2022-03-31, period_kind: year, value: 60, rag: red, source: {doc: report, line: 1}}
"""
V2022 = '  - {kpi: fte, area: Westminster, period: "2022", period_end: 2022-12-31, period_kind: year, value: 132, target: 140, source: {doc: report, line: 1}}\n'
V2023 = '  - {kpi: fte, area: Westminster, period: "2023", period_end: 2023-12-31, period_kind: year, value: 151, target: 140, source: {doc: report, line: 1}}\n'
V2024 = '  - {kpi: fte, area: Westminster, period: "2024", period_end: 2024-12-31, period_kind: year, value: 130, target: 140, source: {doc: report, line: 1}}\n'
ETE_AMBER = "  - {kpi: ete, area: Westminster, period: 2022-23, period_end: 2023-03-31, period_kind: year, value: 70, rag: amber, source: {doc: report, line: 1}}\n"


def load(engine, path, text: str, day: date) -> None:
    path.write_text(text)
    with make_sessions(engine).begin() as session:
        result = load_files(session, [path], now=at_local(day, 8, 0), team_id=TEAM)
    assert result.ok, result.problems


def alerts(fake) -> list[tuple[str, str]]:
    """(channel, text) of each message posted so far that is a KPI alert."""
    return [
        (c.body["channel"], c.body["text"])
        for c in fake.posted()
        if "new figure" in c.body["text"] or "for the first time" in c.body["text"]
    ]


def words(message) -> str:
    """A message's sections and context lines, as one text."""
    parts = [b["text"]["text"] for b in message.body["blocks"] if b.get("text")]
    parts += [e["text"] for b in message.body["blocks"] if b["type"] == "context" for e in b["elements"]]
    return " ".join(parts)


def run(engine, fake, now: datetime):
    return run_reminders(make_sessions(engine), sender_for(fake), now=now, team_id=TEAM)


def test_the_history_of_a_first_load_is_never_announced(fresh_db, slack, tmp_path):
    load(fresh_db, tmp_path / "b.yaml", HEAD, D("2026-03-02"))
    run(fresh_db, slack, at_local(D("2026-03-02"), 9, 5))
    run(fresh_db, slack, at_local(D("2026-03-03"), 9, 5))
    assert alerts(slack) == []


def test_a_new_figure_is_announced_once_in_the_channel(fresh_db, slack, tmp_path):
    path = tmp_path / "b.yaml"
    load(fresh_db, path, HEAD, D("2026-03-02"))
    load(fresh_db, path, HEAD + V2022, D("2026-03-03"))  # the 2022 figure is published a day later
    run(fresh_db, slack, at_local(D("2026-03-03"), 9, 5))
    run(fresh_db, slack, at_local(D("2026-03-03"), 9, 35))  # the clock's next run: nothing again
    run(fresh_db, slack, at_local(D("2026-03-04"), 9, 5))  # the next day: nothing again
    [(channel, text)] = alerts(slack)
    assert channel == "C0BOARD"
    [message] = [c for c in slack.posted() if c.body["channel"] == "C0BOARD"]
    assert_fits_slack(message.body, "KPI alerts")
    body = words(message)
    assert "a new figure for *First time entrants*" in body
    assert (
        "Westminster: *132 per 100,000* (2022) · ↓ improving from 145 (2021) · █▆▁ 3 years, 2020–2022" in body
    )
    assert "target 140 per 100,000 · :dart: on target" in body
    # and, in the same message, the first time on target
    assert "*First time entrants* in Westminster is *on target* for the first time" in body
    assert "Before: 145 (2021), off target." in body


def test_a_better_band_is_announced_the_first_time_only(fresh_db, slack, tmp_path):
    path = tmp_path / "b.yaml"
    load(fresh_db, path, HEAD, D("2026-03-02"))
    load(fresh_db, path, HEAD + V2022, D("2026-03-03"))
    run(fresh_db, slack, at_local(D("2026-03-03"), 9, 5))
    load(fresh_db, path, HEAD + V2022 + V2023, D("2026-03-04"))  # off target again: a new figure only
    run(fresh_db, slack, at_local(D("2026-03-04"), 9, 5))
    load(fresh_db, path, HEAD + V2022 + V2023 + V2024, D("2026-03-05"))  # on target again: not the first time
    run(fresh_db, slack, at_local(D("2026-03-05"), 9, 5))
    texts = [text for _, text in alerts(slack)]
    firsts = [t for t in texts if "for the first time" in t]
    assert len(firsts) == 1 and "2022" in firsts[0]
    assert sum("new figure" in t for t in texts) == 3


def test_a_stated_rag_rising_a_band_is_announced(fresh_db, slack, tmp_path):
    path = tmp_path / "b.yaml"
    load(fresh_db, path, HEAD, D("2026-03-02"))
    load(fresh_db, path, HEAD + ETE_AMBER, D("2026-03-03"))
    run(fresh_db, slack, at_local(D("2026-03-03"), 9, 5))
    [message] = [c for c in slack.posted() if c.body["channel"] == "C0BOARD"]
    body = words(message)
    assert (
        ":large_orange_circle: *Youth Justice Board*: *Children in education or training* in Westminster"
        in body
    )
    assert "is *amber* for the first time: *70%* (2022-23). Before: 60% (2021-22), red." in body
    assert "The band is the RAG rating the source gives" in body


def test_the_preview_shows_the_alert_on_the_day_the_figure_arrived(fresh_db, tmp_path):
    path = tmp_path / "b.yaml"
    load(fresh_db, path, HEAD, D("2026-03-02"))
    load(fresh_db, path, HEAD + V2022, D("2026-03-03"))
    with make_sessions(fresh_db).begin() as session:
        plan = plan_reminders(
            session, datetime(2026, 3, 3, 12, tzinfo=UTC), team_id=TEAM, day=D("2026-03-03")
        )
        kinds = sorted(r.kind for r in plan.due)
    assert kinds == ["kpi_band", "kpi_published"]


def test_bands_follow_the_better_direction(fresh_db):
    from bot import models as m
    from bot.kpis.info import KpiInfo

    def kpi(better: str) -> KpiInfo:
        return KpiInfo(1, "k", "K", "%", better, None, ())

    lower = m.KpiValue(value=30.0, target=35.0)
    assert band(lower, kpi("lower")) == "on target" and band(lower, kpi("higher")) == "off target"
    assert band(lower, kpi("neither")) is None
    assert band(m.KpiValue(value=30.0, target=35.0, rag="red"), kpi("lower")) == "red"  # the source's word


def test_a_big_import_is_one_channel_message_within_slacks_limits(fresh_db, slack, tmp_path):
    path = tmp_path / "b.yaml"
    load(fresh_db, path, HEAD, D("2026-03-02"))
    many = "".join(
        f'  - {{kpi: fte, area: "Area {n}", period: "2022", period_end: 2022-12-31, period_kind: year, '
        f"value: {100 + n}, source: {{doc: report, line: {n + 1}}}}}\n"
        for n in range(40)
    )
    load(fresh_db, path, HEAD + many, D("2026-03-03"))
    result = run(fresh_db, slack, at_local(D("2026-03-03"), 9, 5))
    assert result.delivered == 40 and result.messages == 1
    [message] = [c for c in slack.posted() if c.body["channel"] == "C0BOARD"]
    assert_fits_slack(message.body, "40 KPI alerts")
    assert "more" in words(message)  # past Slack's 50 blocks, the rest one line each
