"""What a run decides: reminders, each for one recipient on one occasion, and who receives them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from bot import models as m
from reminders.timing import BoardDay

LADDER, SNOOZE_END = 1, 0  # at the same nominal day a ladder stage wins over a snooze's end


@dataclass(frozen=True)
class Recipient:
    """Who a message goes to: a person (a DM) or a board's channel."""

    key: str  # "person:12" or "channel:3" (the board's id): stable, unlike Slack ids
    name: str
    slack_id: str | None  # U… or C…; None when they cannot be reached on Slack
    person_id: int | None = None
    away_note: str | None = None  # "Josh Rendall, who is away until …": delivered to their delegate

    @property
    def is_channel(self) -> bool:
        return self.key.startswith("channel:")


def person_recipient(person: m.Person) -> Recipient:
    return Recipient(f"person:{person.id}", person.name, person.slack_user_id or None, person.id)


def channel_recipient(board: m.Board) -> Recipient:
    label = f"{board.short_name or board.name} channel"
    return Recipient(f"channel:{board.id}", label, board.slack_channel or None)


@dataclass(frozen=True)
class Stage:
    """One rung of a ladder: the day it hangs on and its name in the occasion key."""

    nominal: date
    label: str  # "before:5", "due", "overdue:2026-12-07", "snoozed:2026-12-01"
    rank: int = LADDER


def current_stage(stages: list[Stage], day: BoardDay, snoozed_until: date | None) -> Stage | None:
    """The stage to deliver now: the latest eligible one (later stages supersede earlier ones).

    A snooze holds everything back until its day; on that day its end is a stage of its own, so the
    reminder comes back even when no rung of the ladder falls then.
    """
    if snoozed_until is not None and snoozed_until > day.today:
        return None
    candidates = [s for s in stages if day.eligible(s.nominal)]
    started = any(s.nominal <= day.today for s in stages)
    if snoozed_until is not None and started and day.eligible(snoozed_until):
        candidates.append(Stage(snoozed_until, f"snoozed:{snoozed_until.isoformat()}", SNOOZE_END))
    if not candidates:
        return None
    return max(candidates, key=lambda s: (s.nominal, s.rank))


@dataclass(eq=False, slots=True)
class Reminder:
    """One reminder to deliver: a ledger row when claimed, a part of one message when sent.

    Its one-line summary and its template context are made only when asked for, by
    `describe(*args)` and `build(*args)`: a run decides about many more reminders than it sends.
    """

    kind: str  # paper, action, action_escalation, papers_digest, vague_actions, meeting_*
    recipient: Recipient
    occasion: str  # subject, the date it hangs on, the stage: unique with kind and recipient
    day: BoardDay
    stage: Stage
    describe: Callable[..., str]  # makes the summary from args
    build: Callable[..., dict[str, Any]] = dict  # makes the context of reminder_<kind>.json.j2
    args: tuple = ()
    subject: tuple[str, int] | None = None  # ("action", 12) or ("paper", 34): snoozes and buttons
    for_person: str | None = None  # set when listed for the secretary because they are not on Slack
    order: int = 50  # position in a message: escalations first, digests last
    on_sent: Callable[[Session, datetime], None] | None = None  # what to keep once it is sent
    _summary: str | None = field(default=None, repr=False)
    _context: dict[str, Any] | None = field(default=None, repr=False)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.kind, self.recipient.key, self.occasion)

    @property
    def template(self) -> str:
        return f"reminder_{self.kind}.json.j2"

    @property
    def summary(self) -> str:
        """One plain line for previews, logs and notifications."""
        if self._summary is None:
            self._summary = self.describe(*self.args)
        return self._summary

    @property
    def context(self) -> dict[str, Any]:
        if self._context is None:
            self._context = self.build(*self.args)
        return self._context


@dataclass
class People:
    """The people a run needs (leads, authors, secretaries, chairs), loaded once by id."""

    by_id: dict[int, m.Person] = field(default_factory=dict)
    chairs: dict[int, list[m.Person]] = field(default_factory=dict)  # board id -> chairs and co-chairs
    _routes: dict[tuple, tuple[Recipient, str | None]] = field(default_factory=dict)
    _recipients: dict[int, Recipient] = field(default_factory=dict)

    def recipient(self, person: m.Person) -> Recipient:
        found = self._recipients.get(person.id)
        if found is None:
            found = self._recipients[person.id] = person_recipient(person)
        return found

    def secretary(self, board: m.Board) -> m.Person | None:
        return self.by_id.get(board.secretary_id) if board.secretary_id else None

    def name(self, person_id: int | None, as_written: str | None = None) -> str:
        person = self.by_id.get(person_id) if person_id else None
        return person.name if person is not None else (as_written or "not recorded")

    def route(
        self, person_id: int | None, board: m.Board, as_written: str | None = None
    ) -> tuple[Recipient, str | None]:
        """Whom a reminder for a person goes to: themselves on Slack, else the board secretary.

        Also returns, when it goes to the secretary on someone's behalf, that someone as they are
        to be named. A recipient without a Slack id cannot be reached (previews list them).
        """
        key = (person_id, board.id, None if person_id in self.by_id else as_written)
        found = self._routes.get(key)
        if found is None:
            found = self._routes[key] = self._route(
                self.by_id.get(person_id) if person_id else None, board, as_written
            )
        return found

    def _route(
        self, person: m.Person | None, board: m.Board, as_written: str | None
    ) -> tuple[Recipient, str | None]:
        if person is not None and person.slack_user_id:
            return self.recipient(person), None
        on_behalf = person.name if person is not None else (as_written or "no lead recorded")
        secretary = self.secretary(board)
        if secretary is not None:
            return self.recipient(secretary), on_behalf
        if person is not None:
            return self.recipient(person), None
        return Recipient(f"secretary:{board.id}", f"the {board.name} secretary", None), on_behalf


@dataclass
class Sieve:
    """Drops reminders a run need not build: already settled in the ledger, or for nobody on Slack.

    Checked before a reminder is built, because most reminders in a run's window were settled by an
    earlier run. Previews keep the unreachable ones to list them.
    """

    settled: set[tuple[str, str, str]]
    keep_unreachable: bool = False
    settled_count: int = 0
    unreachable_count: int = 0

    def wanted(self, kind: str, recipient: Recipient, occasion: str) -> bool:
        if (kind, recipient.key, occasion) in self.settled:
            self.settled_count += 1
            return False
        if recipient.slack_id is None and not self.keep_unreachable:
            self.unreachable_count += 1
            return False
        return True


def snooze_key(person_id: int | None, subject: tuple[str, int]) -> tuple[int | None, str, int]:
    return (person_id, subject[0], subject[1])
