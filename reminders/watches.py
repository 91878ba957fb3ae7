"""Watch notices: a new passage with every word of a person's watch (`/boardbot watch`), told once.

A passage is new to a watch when it was indexed after the watch was set (its id is above the
watch's mark: bot/models/search.py). Each goes to the watch's owner, as a DM or in their daily
message, under the occasion `watch:<watch>:entry:<entry>`: one notice per passage and watch, ever.
Restricted passages only of the boards the owner is a member of (a DM is theirs alone). A board
closed today (a weekend, a holiday) holds its passages back to its next working day.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from bot import models as m
from bot.boards import boards_of
from bot.search import search
from bot.search.present import shown
from bot.search.words import question
from reminders.items import Reminder, Sieve, Stage, person_recipient
from reminders.ledger import Key
from reminders.timing import BoardDay

KIND = "watch"
PER_WATCH = 10  # notices one watch gives in one run; the rest come in the next


def watch_notices(
    session: Session,
    days: dict[int, BoardDay],
    sieve: Sieve,
    settled: Callable[[list[Key]], set[Key]],
) -> list[Reminder]:
    """Each watch's new, unsent matches on the boards open today."""
    watches = list(session.scalars(select(m.SearchWatch).options(joinedload(m.SearchWatch.person))))
    if not watches:
        return []
    open_in: dict[int, list[int]] = defaultdict(list)
    for board_id, day in days.items():
        open_in[day.board.workspace_id].append(board_id)
    found: list[tuple[m.SearchWatch, m.SearchEntry, Key]] = []
    for watch in watches:
        person = watch.person
        boards = open_in.get(person.workspace_id)
        if not boards:
            continue
        recipient = person_recipient(person)
        theirs = [b.id for b in boards_of(session, person, watch.created_at)]
        results = search(
            session,
            person.workspace_id,
            watch.words,
            board_ids=boards,
            restricted_board_ids=theirs,
            after_entry_id=watch.after_entry_id,
            every_word=True,
            limit=None,
        )
        for hit in sorted(results.hits, key=lambda h: h.entry.id):
            occasion = f"watch:{watch.id}:entry:{hit.entry.id}"
            if sieve.wanted(KIND, recipient, occasion):
                found.append((watch, hit.entry, (KIND, recipient.key, occasion)))
    done = settled([key for _, _, key in found])
    per_watch: dict[int, int] = defaultdict(int)
    notices = []
    for watch, entry, key in found:
        if key in done or per_watch[watch.id] >= PER_WATCH:
            continue
        per_watch[watch.id] += 1
        day = days[entry.board_id]
        notices.append(
            Reminder(
                kind=KIND,
                recipient=person_recipient(watch.person),
                occasion=key[2],
                day=day,
                stage=Stage(day.today, "new"),
                describe=summary,
                build=lambda watch, entry: context(session, watch, entry),
                args=(watch, entry),
                order=70,
            )
        )
    return notices


def summary(watch: m.SearchWatch, entry: m.SearchEntry) -> str:
    """One line: what is new and which watch it matched."""
    return f"New for your watch “{watch.words}”: {entry.title[:120]}"


def context(session: Session, watch: m.SearchWatch, entry: m.SearchEntry) -> dict[str, Any]:
    asked = question(watch.words)
    return {"watch": watch, "h": shown(session, entry, asked.terms, of=len(asked.words))}
