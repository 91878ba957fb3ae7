"""A person's reminder settings: `/boardbot settings`, `/boardbot away`, `/boardbot back`.

- `settings [immediate|daily]`: each reminder as it falls due, or one message a day.
- `settings quiet mon fri` · `settings quiet none`: weekdays with no reminders; what falls due then
  waits for the next day that is not quiet (reminders/away.py), nothing is dropped.
- `away until 14 Sept delegate @person|name` · `back`: while away, reminders go to the delegate,
  marked as theirs, and come back afterwards.
Personal settings, kept in `reminder_preferences` (backed up with the database), not board data. The
Home tab (commands/home.py) changes them through the same functions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from bot import models as m
from bot.actions.people import HONORIFICS
from bot.boards import boards_of, normalise, person_for
from bot.meetings import board_today
from bot.render import reply, short_date
from bot.reply import Reply
from bot.request import CommandRequest
from commands.update_message.dates import read_date
from commands.update_message.words import WEEKDAYS, Problem
from reminders.away import MAX_QUIET
from reminders.ledger import set_delivery

CHOICES = {
    "immediate": m.DeliveryPreference.IMMEDIATE,
    "immediately": m.DeliveryPreference.IMMEDIATE,
    "each": m.DeliveryPreference.IMMEDIATE,
    "now": m.DeliveryPreference.IMMEDIATE,
    "daily": m.DeliveryPreference.DAILY,
    "digest": m.DeliveryPreference.DAILY,
    "day": m.DeliveryPreference.DAILY,
}
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
NO_DAYS = {"none", "no", "off", "nothing", "clear", "never"}
MENTION_RE = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
DELEGATE_RE = re.compile(
    r"^(?P<when>.*?)[\s,;]*\b(?:with\s+)?(?:delegate(?:d|s)?(?:\s+to)?|delegating\s+to|covered\s+by|cover)\s+(?P<who>.+)$",
    re.IGNORECASE,
)
MAX_AWAY_DAYS = 366
MAX_MATCHES = 8


@dataclass(frozen=True)
class Status:
    """A person's reminder settings, as replies and the Home tab show them."""

    delivery: str  # "immediate" or "daily"
    quiet: list[str]  # weekday names, Monday first
    away_until: date | None  # back on this day; None when not away (or the day has come)
    delegate: m.Person | None

    @property
    def away(self) -> bool:
        return self.away_until is not None


def today_for(session: Session, person: m.Person, now: datetime) -> date:
    """The person's today: in the zone of their first board (boards keep their own zone)."""
    boards = boards_of(session, person, now)
    return board_today(boards[0], now) if boards else now.date()


def status_of(session: Session, person: m.Person, today: date) -> Status:
    found = session.get(m.ReminderPreference, person.id)
    if found is None:
        return Status(m.DeliveryPreference.IMMEDIATE.value, [], None, None)
    away = found.away_until is not None and found.away_until > today and found.delegate_id is not None
    return Status(
        m.DeliveryPreference(found.delivery).value,
        [DAY_NAMES[d] for d in sorted(found.quiet_days or [])],
        found.away_until if away else None,
        found.delegate if away else None,
    )


def _preference(session: Session, person: m.Person, now: datetime) -> m.ReminderPreference:
    found = session.get(m.ReminderPreference, person.id)
    if found is None:
        set_delivery(session, person.id, m.DeliveryPreference.IMMEDIATE, now)
        found = session.get(m.ReminderPreference, person.id)
    assert found is not None
    found.updated_at = now
    return found


def set_quiet(session: Session, person: m.Person, days: list[int], now: datetime) -> None:
    _preference(session, person, now).quiet_days = sorted(set(days))
    session.flush()


def set_away(session: Session, person: m.Person, until: date, delegate: m.Person, now: datetime) -> None:
    found = _preference(session, person, now)
    found.away_until, found.delegate_id = until, delegate.id
    session.flush()


def clear_away(session: Session, person: m.Person, now: datetime) -> bool:
    """Back: True when they were away."""
    found = session.get(m.ReminderPreference, person.id)
    if found is None or found.away_until is None:
        return False
    found.away_until, found.delegate_id, found.updated_at = None, None, now
    session.flush()
    return True


def away_problem(person: m.Person, until: date, delegate: m.Person | None, today: date) -> str | None:
    """Why an absence cannot be set as asked, in words; None when it can."""
    if until <= today:
        which = "is today" if until == today else "has passed"
        return (
            f"{short_date(until)} {which}: say the day you are back, from tomorrow on "
            f"(e.g. `/boardbot away until {short_date(today + timedelta(days=14))} delegate NAME`)."
        )
    if (until - today).days > MAX_AWAY_DAYS:
        return (
            f"{short_date(until)} is more than a year ahead: give a nearer day (you can set it again later)."
        )
    if delegate is not None and delegate.id == person.id:
        return "You can't be your own delegate: name someone who will take your reminders while you are away."
    return None


def _render(
    person: m.Person | None,
    status: Status | None,
    *,
    changed: str = "",
    problem: str = "",
    matches: list[m.Person] | None = None,
    delegate_offline: bool = False,
) -> Reply:
    return reply(
        "settings.json.j2",
        person=person,
        status=status,
        changed=changed,
        problem=problem,
        matches=matches or [],
        delegate_offline=delegate_offline,
    )


def run(request: CommandRequest, session: Session, words: list[str]) -> Reply:
    """`words` are what follows `settings`."""
    person = person_for(session, request)
    if person is None:
        return _render(None, None)
    today = today_for(session, person, request.now)
    lowered = [w.lower().strip(",.") for w in words if w.strip(",.")]
    if lowered[:1] == ["no"] and lowered[1:2] == ["quiet"]:
        lowered = ["quiet", "none"]
    if lowered[:1] == ["quiet"]:
        return _quiet(session, person, lowered[1:], request.now, today)
    wanted = " ".join(lowered)
    if not wanted:
        return _render(person, status_of(session, person, today))
    choice = next((CHOICES[w] for w in lowered if w in CHOICES), None)
    if choice is None:
        problem = (
            f"I don't know the setting “{' '.join(words)[:60]}”. Use `/boardbot settings immediate`, "
            "`/boardbot settings daily`, `/boardbot settings quiet mon fri` or `/boardbot away until DATE delegate NAME`."
        )
        return _render(person, status_of(session, person, today), problem=problem)
    set_delivery(session, person.id, choice, request.now)
    return _render(person, status_of(session, person, today), changed="delivery")


def parse_quiet(words: list[str]) -> list[int] | str:
    """Weekday numbers, or what is wrong with the words."""
    words = [w for w in words if w not in ("days", "day", "on", "and", "&", "are", "is", "every")]
    if not words or all(w in NO_DAYS for w in words):
        return []
    days, unknown = [], []
    for word in words:
        day = WEEKDAYS.get(word.rstrip("s")) if word not in WEEKDAYS else WEEKDAYS[word]
        (days.append(day) if day is not None else unknown.append(word))
    if unknown:
        return f"I don't know the day “{' '.join(unknown)[:40]}”: name weekdays, e.g. `/boardbot settings quiet mon fri`, or `quiet none`."
    if any(d >= 5 for d in days):
        return "Saturdays and Sundays never have reminders (they are not working days): name weekdays, Monday to Friday."
    if len(set(days)) > MAX_QUIET:
        return (
            "That would stop your reminders altogether: leave at least one weekday (or ask for them `daily`)."
        )
    return sorted(set(days))


def _quiet(session: Session, person: m.Person, words: list[str], now: datetime, today: date) -> Reply:
    days = parse_quiet(words)
    if isinstance(days, str):
        return _render(person, status_of(session, person, today), problem=days)
    set_quiet(session, person, days, now)
    return _render(person, status_of(session, person, today), changed="quiet")


def delegates_named(session: Session, person: m.Person, phrase: str) -> list[m.Person]:
    """People of the person's workspace a phrase names: a Slack mention, a key, a full name, or
    words that each start a word of the name (`kiran`, `k hayer`)."""
    phrase = phrase.strip().strip(".")
    in_workspace = m.Person.workspace_id == person.workspace_id
    if found := MENTION_RE.match(phrase):
        return list(
            session.scalars(select(m.Person).where(in_workspace, m.Person.slack_user_id == found.group(1)))
        )
    key = phrase.lstrip("@").lower()
    by_key = list(session.scalars(select(m.Person).where(in_workspace, m.Person.key == key)))
    if by_key:
        return by_key
    words = [w for w in normalise(key).split() if w not in HONORIFICS]
    if not words or len("".join(words)) < 2:
        return []
    like = f"%{max(words, key=len)}%"
    candidates = session.scalars(
        select(m.Person)
        .where(in_workspace, or_(func.lower(m.Person.name).like(like), m.Person.key.like(like)))
        .order_by(m.Person.name)
        .limit(200)
    ).all()
    names = {p.id: [w for w in normalise(p.name).split() if w not in HONORIFICS] for p in candidates}
    exact = [p for p in candidates if names[p.id] == words]
    if exact:
        return exact
    return [p for p in candidates if all(any(n.startswith(w) for n in names[p.id]) for w in words)]


def away(request: CommandRequest, session: Session, words: list[str]) -> Reply:
    """`away until DATE delegate NAME`: `words` follow `away`."""
    person = person_for(session, request)
    if person is None:
        return _render(None, None)
    today = today_for(session, person, request.now)
    status = status_of(session, person, today)
    text = " ".join(words).strip()
    if not text:
        return _render(person, status, problem=_AWAY_USAGE)
    found = DELEGATE_RE.match(text)
    when_text, who = (found.group("when"), found.group("who")) if found else (text, "")
    date_words = [
        w for w in when_text.split() if w.lower().strip(",.") not in ("until", "till", "til", "up", "to")
    ]
    read = read_date(date_words, today) if date_words else None
    if read is None or read[1] != len(date_words) or isinstance(read[0], Problem):
        said = when_text.strip() or text
        return _render(
            person, status, problem=f"I couldn't read “{said[:60]}” as the day you are back. {_AWAY_USAGE}"
        )
    until = read[0]
    assert isinstance(until, date)
    if not who:
        return _render(
            person,
            status,
            problem=f"Who gets your reminders until {short_date(until)}? Add `delegate NAME` (or `delegate @person`).",
        )
    matches = delegates_named(session, person, who)
    if not matches:
        unknown = (
            "The person you mentioned has no Slack account in the board records"
            if MENTION_RE.match(who.strip())
            else f"I can't find “{who[:60]}” in the board records"
        )
        return _render(
            person,
            status,
            problem=f"{unknown}. Name them as the board does (e.g. their full name), or @mention them.",
        )
    if len(matches) > 1:
        return _render(
            person, status, problem=f"“{who[:60]}” could be several people:", matches=matches[:MAX_MATCHES]
        )
    delegate = matches[0]
    problem = away_problem(person, until, delegate, today)
    if problem:
        return _render(person, status, problem=problem)
    set_away(session, person, until, delegate, request.now)
    return _render(
        person,
        status_of(session, person, today),
        changed="away",
        delegate_offline=not delegate.slack_user_id,
    )


_AWAY_USAGE = "Say it like `/boardbot away until 14 Sept delegate Kiran Hayer` (or `delegate @person`); `/boardbot back` when you return."


def back(request: CommandRequest, session: Session) -> Reply:
    person = person_for(session, request)
    if person is None:
        return _render(None, None)
    today = today_for(session, person, request.now)
    was_away = clear_away(session, person, request.now)
    return _render(person, status_of(session, person, today), changed="back" if was_away else "not_away")
