"""/boardbot watch WORDS · /boardbot watches · /boardbot unwatch N: saved searches that notify.

`/boardbot watches` (and the Home tab) shows each watch with a Stop watching button, and so does each
watch notice: `stop` removes it for its owner only, and a press on one already gone says so.

A watch tells its owner of each passage added after it was set (a new agenda item, action, KPI or
document page; decisions once they are indexed) that has every one of its words, itself or a synonym:
reminders/watches.py finds them in the reminder run, so they come at once or in the daily digest, as
the person chose with `/boardbot settings`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import models as m
from bot import search as s
from bot import updates
from bot.boards import person_for
from bot.render import reply
from bot.reply import Reply
from bot.request import CommandRequest
from bot.search.words import STOP_WORDS, as_watched, question

MAX_WATCHES = 20  # a person's watches; more is a search, not a watch
MAX_WORDS_CHARS = 200


def watches_of(session: Session, person: m.Person) -> list[m.SearchWatch]:
    """The person's watches, oldest first: the numbers `/boardbot watches` shows."""
    return list(
        session.scalars(
            select(m.SearchWatch).where(m.SearchWatch.person_id == person.id).order_by(m.SearchWatch.id)
        )
    )


def same_words(one: str, other: str) -> bool:
    """The same watch: the same words and phrases searched, whatever the case, marks or stop words
    ("looked children" is not "looked after children", which is also LAC)."""
    first, second = question(one), question(other)
    return [w.terms for w in first.words] == [w.terms for w in second.words]


def _reply(problem: str | None, person: m.Person | None, **context: Any) -> Reply:
    defaults: dict[str, Any] = {
        "watch": None,
        "words": "",
        "synonyms": [],
        "watches": [],
        "asked": "",
        "daily": False,
        "pressed": False,
    }
    return reply("watches.json.j2", problem=problem, person=person, **(defaults | context))


def _daily(session: Session, person: m.Person) -> bool:
    preference = session.get(m.ReminderPreference, person.id)
    return preference is not None and preference.delivery == m.DeliveryPreference.DAILY


def watch(request: CommandRequest, session: Session, slack: updates.Directory | None = None) -> Reply:
    """`/boardbot watch WORDS`: notify me of new passages with these words."""
    person = person_for(session, request)
    words = " ".join(request.words[1:])[:MAX_WORDS_CHARS].strip()
    if person is None:
        return _reply("not_a_person", None)
    asked = question(words)
    if not any(w.word not in STOP_WORDS for w in asked.words):
        return _reply("usage", person, asked=words)
    wanted = as_watched(words)
    mine = watches_of(session, person)
    same = next((w for w in mine if same_words(w.words, wanted)), None)
    if same is not None:
        return _reply("already", person, watch=same, words=same.words, watches=mine)
    if len(mine) >= MAX_WATCHES:
        return _reply("too_many", person, watches=mine)
    created = m.SearchWatch(
        person_id=person.id, words=wanted, created_at=request.now, after_entry_id=s.newest_entry_id(session)
    )
    session.add(created)
    session.flush()
    return _reply(
        None,
        person,
        watch=created,
        words=wanted,
        synonyms=asked.synonyms,
        watches=[*mine, created],
        daily=_daily(session, person),
    )


def listing(request: CommandRequest, session: Session, slack: updates.Directory | None = None) -> Reply:
    """`/boardbot watches`: mine, numbered, with how to remove one."""
    person = person_for(session, request)
    if person is None:
        return _reply("not_a_person", None)
    return _reply("list", person, watches=watches_of(session, person), daily=_daily(session, person))


def unwatch(request: CommandRequest, session: Session, slack: updates.Directory | None = None) -> Reply:
    """`/boardbot unwatch N` (its number in the list) or `/boardbot unwatch WORDS`."""
    person = person_for(session, request)
    if person is None:
        return _reply("not_a_person", None)
    mine = watches_of(session, person)
    asked = " ".join(request.words[1:]).strip().lstrip("#")
    found = None
    if asked.isdigit() and 1 <= int(asked) <= len(mine):
        found = mine[int(asked) - 1]
    elif asked:
        found = next((w for w in mine if same_words(w.words, asked)), None)
    if found is None:
        return _reply("which", person, watches=mine, asked=asked)
    session.delete(found)
    return _reply("removed", person, words=found.words, watches=[w for w in mine if w is not found])


def stop(request: CommandRequest, session: Session, watch_id: int, *, on_notice: bool = False) -> Reply:
    """A Stop watching button: remove that watch if it is the presser's own.

    Pressed on the list, the answer is the list brought up to date, to replace it; pressed on a notice
    (`on_notice`), which may sit in a daily message among other reminders, it is a few words of its own.
    """
    person = person_for(session, request)
    if person is None:
        return _reply("not_a_person", None)
    found = session.get(m.SearchWatch, watch_id)
    mine = watches_of(session, person)
    if found is not None and found.person_id != person.id:
        return _reply("not_yours", person)  # said to the presser only; the list stays as it was
    if found is None:
        answer = _reply("gone", person, watches=mine, pressed=not on_notice)
    else:
        session.delete(found)
        rest = [w for w in mine if w.id != found.id]
        answer = _reply("removed", person, words=found.words, watches=rest, pressed=not on_notice)
    answer.extra["replace"] = not on_notice  # a list pressed on is out of date: this answer replaces it
    return answer
