"""A small board to remind, a clock to drive it, and a fake Slack that can show what it was sent.

`SlackWithHistory` extends tests/fake_slack.FakeSlack with conversations.open and
conversations.history answered from the messages it accepted, so the sender's look-before-retry
works against it. A message counts as posted when the fake answered it with HTTP 200 and ok: a
timed-out call that was answered late counts (Slack had it), a 500 or 429 does not.
"""

from __future__ import annotations

import time as time_module
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot import models as m
from bot.config import Settings
from bot.db import make_sessions
from reminders.delivery import Policy, Sender, make_client
from reminders.run import RunResult, run_reminders
from tests.fake_slack import Call, FakeSlack, Scripted

TEAM = "T0TEST"
LONDON = ZoneInfo("Europe/London")


class SlackWithHistory(FakeSlack):
    def __init__(self) -> None:
        self.answered: list[tuple[Call, Scripted]] = []
        super().__init__()

    def _record(self, call: Call) -> Scripted:
        scripted = super()._record(call)
        with self.lock:
            if call.method == "chat.postMessage":
                ts = f"{1_700_000_000 + len(self.answered)}.000100"
                if scripted.body is None and scripted.status == 200:
                    scripted = Scripted(scripted.status, {"ok": True, "channel": self._dm(call.body["channel"]),
                                                          "ts": ts}, scripted.headers, scripted.delay)  # fmt: skip
                self.answered.append((call, scripted))
            elif call.method == "conversations.open" and scripted.body is None:
                scripted = Scripted(body={"ok": True, "channel": {"id": self._dm(call.body["users"])}})
            elif call.method == "conversations.history" and scripted.body is None:
                scripted = Scripted(body={"ok": True, "messages": self._history(call.body["channel"])})
        return scripted

    @staticmethod
    def _dm(channel: str) -> str:
        return f"D{channel}" if channel.startswith(("U", "W")) else channel

    def _history(self, channel: str) -> list[dict]:
        found = []
        for call, scripted in self.answered:
            ok = scripted.status == 200 and (scripted.body or {}).get("ok")
            if ok and self._dm(call.body["channel"]) == channel:
                found.append({"ts": scripted.body["ts"], "text": call.body.get("text"),
                              "metadata": call.body.get("metadata")})  # fmt: skip
        return list(reversed(found))

    def posted(self) -> list[Call]:
        """chat.postMessage calls Slack accepted: the messages people see."""
        with self.lock:
            return [
                call
                for call, scripted in self.answered
                if scripted.status == 200 and (scripted.body or {}).get("ok")
            ]


def deliveries_of(call: Call) -> list[int]:
    payload = (call.body.get("metadata") or {}).get("event_payload") or {}
    return [int(i) for i in str(payload.get("deliveries", "")).split(",") if i]


@dataclass
class World:
    engine: Engine
    board_id: int
    people: dict[str, int]  # key -> id

    def session(self) -> Session:
        return make_sessions(self.engine).begin()

    def add_meeting(self, meets_on: date, starts_at: time | None = time(10, 0), **fields) -> int:
        with self.session() as s:
            meeting = m.Meeting(
                board_id=self.board_id,
                key=f"hwb-{meets_on.isoformat()}",
                meets_on=meets_on,
                starts_at=starts_at,
                status=fields.pop("status", m.MeetingStatus.CONFIRMED),
                venue=fields.pop("venue", "Committee Room 1"),
                **fields,
            )
            s.add(meeting)
            s.flush()
            return meeting.id

    def add_item(self, meeting_id: int, number: str, title: str, author: str | None = None, **fields) -> int:
        with self.session() as s:
            item = m.AgendaItem(
                meeting_id=meeting_id,
                number=number,
                position=int(float(number) * 100),
                title=title,
                report_author_id=self.people[author] if author else None,
                report_author=fields.pop("report_author", None),
                paper_status=fields.pop("paper_status", m.PaperStatus.AWAITED),
                **fields,
            )
            s.add(item)
            s.flush()
            return item.id

    def add_action(self, ref: str, due_on: date | None, lead: str | None = None, **fields) -> int:
        with self.session() as s:
            action = m.Action(
                board_id=self.board_id,
                ref=ref,
                description=fields.pop("description", f"Do the thing called {ref}"),
                lead_id=self.people[lead] if lead else None,
                due_on=due_on,
                status=fields.pop("status", m.ActionStatus.OPEN),
                **fields,
            )
            s.add(action)
            s.flush()
            return action.id

    def update(self, model, id_: int, **values) -> None:
        with self.session() as s:
            row = s.get(model, id_)
            for name, value in values.items():
                setattr(row, name, value)

    def settings(self, **values) -> None:
        with self.session() as s:
            row = s.get(m.BoardReminderSettings, self.board_id)
            if row is None:
                row = m.BoardReminderSettings(board_id=self.board_id)
                s.add(row)
            for name, value in values.items():
                setattr(row, name, value)

    def ledger(self) -> list[m.ReminderDelivery]:
        with make_sessions(self.engine)() as s:
            return list(s.scalars(select(m.ReminderDelivery).order_by(m.ReminderDelivery.id)))

    def described(self, call: Call) -> list[tuple[str, str, str]]:
        """(kind, recipient, occasion) of each reminder a message delivered."""
        ids = deliveries_of(call)
        rows = {row.id: row for row in self.ledger()}
        return [(rows[i].kind, rows[i].recipient, rows[i].occasion) for i in ids]


PEOPLE = {
    # key: (name, slack id, email)
    "sam-sec": ("Sam Secretary", "U0SEC", "sam@example.org"),
    "cat-chair": ("Councillor Cat Chair", "U0CHAIR", None),
    "amy-author": ("Amy Author", "U0AMY", None),
    "olly-offline": ("Olly Offline", None, "olly@example.org"),
    "leo-lead": ("Leo Lead", "U0LEO", None),
}


def make_world(engine: Engine, *, region: str = "england", zone: str = "Europe/London") -> World:
    with make_sessions(engine).begin() as s:
        workspace = m.Workspace(team_id=TEAM, name="Test")
        s.add(workspace)
        s.flush()
        people = {}
        for key, (name, slack_id, email) in PEOPLE.items():
            person = m.Person(
                workspace_id=workspace.id, key=key, name=name, slack_user_id=slack_id, email=email
            )
            s.add(person)
            s.flush()
            people[key] = person.id
        board = m.Board(
            workspace_id=workspace.id,
            key="hwb",
            name="Health & Wellbeing Board",
            short_name="HWB",
            slack_channel="C0HWB",
            timezone=zone,
            holiday_region=region,
            paper_deadline_working_days=10,
            secretary_id=people["sam-sec"],
        )
        s.add(board)
        s.flush()
        s.add(m.Membership(board_id=board.id, person_id=people["cat-chair"], role=m.MembershipRole.CHAIR))
        s.add(m.Membership(board_id=board.id, person_id=people["sam-sec"], role=m.MembershipRole.SECRETARY))
        return World(engine, board.id, people)


def at_local(day: date, hour: int = 9, minute: int = 5) -> datetime:
    """A London wall-clock time as a UTC instant."""
    return datetime.combine(day, time(hour, minute), LONDON).astimezone(UTC)


class Sleeps:
    """An injectable sleep that records instead of waiting, and the clock it moves on."""

    def __init__(self) -> None:
        self.calls: list[float] = []
        self.slept = 0.0

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)
        self.slept += seconds

    def clock(self) -> float:
        return time_module.monotonic() + self.slept


def sender_for(fake: FakeSlack, *, policy: Policy | None = None, sleep=None) -> Sender:
    policy = policy or Policy()
    client = make_client(Settings(slack_bot_token="xoxb-test"), base_url=fake.api_url, timeout=policy.timeout)
    sleep = sleep or Sleeps()
    return Sender(client, policy, sleep=sleep, clock=sleep.clock)


def run_at(world: World, fake: FakeSlack, now: datetime, **kwargs) -> RunResult:
    sender = kwargs.pop("sender", None) or sender_for(fake)
    return run_reminders(make_sessions(world.engine), sender, now=now, team_id=TEAM, **kwargs)


def days(start: date, end: date) -> Iterator[date]:
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


def run_daily(world: World, fake: SlackWithHistory, start: date, end: date, hour: int = 9, minute: int = 5):
    """A run each day at the given London time (and a second an hour later, which must send nothing).

    Returns {day: [(recipient slack id, [(kind, occasion)…])…]} for the days something was posted.
    """
    sent: dict[date, list[tuple[str, list[tuple[str, str]]]]] = {}
    for day in days(start, end):
        before = len(fake.posted())
        run_at(world, fake, at_local(day, hour, minute))
        run_at(world, fake, at_local(day, hour + 1, minute))
        new = fake.posted()[before:]
        if new:
            sent[day] = [
                (call.body["channel"], [(kind, occasion) for kind, _, occasion in world.described(call)])
                for call in new
            ]
    return sent
