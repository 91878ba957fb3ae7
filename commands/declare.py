"""/boardbot declare and /boardbot declarations: declarations of interest at a board's next meeting.

- `/boardbot declare [board] ITEM interest TEXT`, or as said: "declare an interest in item 6: my wife
  works for the ICB", "declare a pecuniary interest in item 7: shares in …". The kind (pecuniary,
  non-pecuniary, other) is recorded only when said. `standing` instead of an item records a standing
  declaration on the board. The secretary records one for a member with `for PERSON` before the
  word interest. Declaring again at the same item replaces the text.
- `/boardbot declarations [board] [next|last|DATE]`: a meeting's declarations and the members'
  standing ones, for the board's members and secretary; `reviewed` records that the asker reviewed
  their standing declarations. Restricted (Part 2) items' declarations: only to members in a DM.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import declarations as dec
from bot import meetings, updates
from bot import models as m
from bot.actions.people import leads_named
from bot.boarddata.provenance import note_slack
from bot.boards import can_see_restricted, is_member, person_for, resolve_board
from bot.render import reply
from bot.reply import Reply
from bot.request import CommandRequest
from bot.updates.who import in_force_now
from commands.agenda import DateNotUnderstood, meeting_on_day_of_year, parse_day
from commands.common import today_at

INTEREST_RE = re.compile(
    r"\b(?:(?P<kind>pecuniary|non[- ]?pecuniary|other)\s+)?interests?\b(?P<after>.*)$",
    re.IGNORECASE | re.DOTALL,
)
IN_ITEM_RE = re.compile(
    r"^\s*(?:in|at|on)\s+(?:agenda\s+)?(?:item\s*)?#?(\d{1,3}(?:\.\d{1,3})?[a-z]?)\b\.?", re.I
)
ITEM_RE = re.compile(r"^(?:item)?#?(\d{1,3}(?:\.\d{1,3})?[a-z]?)\.?,?$", re.IGNORECASE)
FILLER = frozenset(
    {"a", "an", "i", "to", "want", "would", "like", "please", "my", "in", "at", "of", "item", "agenda"}
)
LEADING_PREPOSITION_RE = re.compile(r"^\s*(?:on|at|of)\s+", re.IGNORECASE)
STANDING = frozenset({"standing", "register"})
MAX_INTEREST = 400


@dataclass
class Asked:
    """A declaration as typed: the item (or standing), the interest, its kind, and the other words."""

    item: str | None
    standing: bool
    interest: str
    kind: str | None
    words: list[str]  # board words, with `for PERSON` words after "for"
    for_words: list[str]


def parse(text: str) -> Asked | None:
    """Read what follows `declare`; None when no interest text can be found."""
    found = INTEREST_RE.search(text)
    if found is None:
        return None
    head, after = text[: found.start()], found.group("after")
    item = None
    in_item = IN_ITEM_RE.match(after)
    if in_item:
        item, after = in_item.group(1), after[in_item.end() :]
    if ":" in after and not after.lstrip().startswith(":"):
        extra, after = after.split(":", 1)  # "in item 6 on hwb: text"
        head = f"{head} {LEADING_PREPOSITION_RE.sub('', extra)}"
    interest = after.strip().lstrip(":-–— ").strip()
    words: list[str] = []
    for_words: list[str] = []
    standing = False
    target = words
    for word in head.split():
        lowered = word.lower().strip(",.")
        if lowered == "for":
            target = for_words
            continue
        if lowered in STANDING:
            standing = True
        elif item is None and target is words and (numbered := ITEM_RE.match(word)):
            item = numbered.group(1)
        elif lowered not in FILLER or target is for_words:
            target.append(word)
    kind = found.group("kind")
    if kind:
        kind = "non-pecuniary" if "non" in kind.lower() else kind.lower()
    return Asked(item.lower() if item else None, standing, interest[:MAX_INTEREST], kind, words, for_words)


def _reply(problem: str, **context: Any) -> Reply:
    defaults: dict[str, Any] = {"board": None, "meeting": None, "item": None, "asked": "", "numbers": []}
    defaults |= {"people": [], "boards": [], "person": None, "declaration": None, "for_other": False}
    return reply("declare.json.j2", problem=problem, **(defaults | context))


def declare(request: CommandRequest, session: Session, slack: updates.Directory | None = None) -> Reply:
    """`/boardbot declare …`: record the asker's (or, for the secretary, a member's) interest."""
    text = " ".join(request.words[1:])
    asked = parse(text)
    if asked is None or not asked.interest or (asked.item is None and not asked.standing):
        return _reply("usage", asked=text)
    choice = resolve_board(session, request, asked.words)
    if choice.board is None or choice.rest:
        return _reply("board", asked=" ".join(asked.words), boards=choice.candidates or choice.all_boards)
    board = choice.board
    today = today_at(board, request)
    actor = updates.identify(
        session,
        board.workspace_id,
        request.user_id,
        slack or updates.NoDirectory(),
        person_key=request.person_hint,
    )
    if actor.person is None:
        return _reply("not_a_person", board=board, people=[board.secretary] if board.secretary else [])
    person = actor.person
    if asked.for_words:
        named = leads_named(session, board, " ".join(asked.for_words))
        if len(named) != 1:
            return _reply("who", board=board, asked=" ".join(asked.for_words), people=named[:5])
        if named[0].id != person.id:
            if not _is_secretary(session, board, person):
                return _reply(
                    "refused",
                    board=board,
                    person=named[0],
                    people=[board.secretary] if board.secretary else [],
                )
            person = named[0]
    if not is_member(session, person, board, today=today):
        return _reply("not_member", board=board, person=person, for_other=person.id != actor.person.id)
    if asked.standing:
        return _standing(session, board, person, asked, actor.person, request)
    meeting = meetings.next_meeting(session, board, today)
    if meeting is None:
        return _reply("no_meeting", board=board)
    items = list(session.scalars(select(m.AgendaItem).where(m.AgendaItem.meeting_id == meeting.id)))
    item = next((i for i in items if i.number.lower().rstrip(".") == asked.item), None)
    if item is None:
        numbers = [i.number for i in sorted(items, key=lambda i: (i.position, i.number))]
        return _reply("no_item", board=board, meeting=meeting, asked=asked.item, numbers=numbers)
    declaration = session.scalar(
        select(m.Declaration).where(
            m.Declaration.meeting_id == meeting.id,
            m.Declaration.agenda_item_id == item.id,
            m.Declaration.person_id == person.id,
        )
    )
    before = declaration.interest if declaration else None
    if declaration is None:
        declaration = m.Declaration(meeting_id=meeting.id, agenda_item_id=item.id, person_id=person.id)
        session.add(declaration)
    declaration.interest, declaration.kind, declaration.declared_on = asked.interest, asked.kind, today
    declaration.recorded_by_id = actor.person.id if person.id != actor.person.id else None
    session.flush()
    fields = ["interest", "kind", "declared_on", "recorded_by"]
    note_slack(
        session,
        board.workspace_id,
        "declarations",
        declaration.id,
        fields,
        by=request.user_id,
        at=request.now,
    )
    return _reply(
        "done",
        board=board,
        meeting=meeting,
        item=item,
        person=person,
        declaration=declaration,
        asked=before or "",
        for_other=person.id != actor.person.id,
        show_title=not item.restricted or can_see_restricted(session, request, actor.person, board),
    )


def _standing(
    session: Session, board: m.Board, person: m.Person, asked: Asked, actor: m.Person, request: CommandRequest
) -> Reply:
    today = today_at(board, request)
    found = session.scalar(
        select(m.StandingDeclaration).where(
            m.StandingDeclaration.board_id == board.id,
            m.StandingDeclaration.person_id == person.id,
            m.StandingDeclaration.interest == asked.interest,
        )
    )
    if found is None:
        found = m.StandingDeclaration(
            board_id=board.id, person_id=person.id, interest=asked.interest, declared_on=today
        )
        session.add(found)
    found.kind, found.reviewed_on = asked.kind or found.kind, today
    return _reply("standing", board=board, person=person, declaration=found, for_other=person.id != actor.id)


def _is_secretary(session: Session, board: m.Board, person: m.Person) -> bool:
    if board.secretary_id == person.id:
        return True
    seat = session.scalar(
        select(m.Membership.id).where(
            m.Membership.board_id == board.id,
            m.Membership.person_id == person.id,
            m.Membership.role == m.MembershipRole.SECRETARY.value,
            in_force_now(board),
        )
    )
    return seat is not None


MEETING_WORDS = frozenset({"next", "last", "previous", "reviewed", "review", "mine"})


def declarations(request: CommandRequest, session: Session, slack: updates.Directory | None = None) -> Reply:
    """`/boardbot declarations [board] [next|last|DATE] [reviewed]`: a meeting's declarations."""
    words = request.words[1:]
    choice = resolve_board(session, request, words, not_a_board=lambda w: w.lower() in MEETING_WORDS)
    if choice.board is None:
        return _reply(
            "board", asked=" ".join(words), boards=choice.candidates or choice.all_boards, listing=True
        )
    board = choice.board
    today = today_at(board, request)
    person = person_for(session, request)
    rest = [w.lower() for w in choice.rest]
    if not (
        is_member(session, person, board, today=today) or (person and _is_secretary(session, board, person))
    ):
        return _reply("not_member_list", board=board, people=[board.secretary] if board.secretary else [])
    assert person is not None  # a member is a person
    if "reviewed" in rest or "review" in rest:
        mine = dec.standing_of(session, board, [person.id])
        for standing in mine:
            standing.reviewed_on = today
        return _reply("reviewed", board=board, person=person, standing=mine)
    selector = " ".join(w for w in rest if w != "mine") or "next"
    meeting = _meeting(session, board, selector, today)
    if meeting is None:
        return _reply("no_meeting_list", board=board, asked=selector)
    show_restricted = can_see_restricted(session, request, person, board)
    found = dec.of_meeting(session, meeting.id)
    shown = [d for d in found if show_restricted or not d.agenda_item.restricted]
    member_ids = list(
        session.scalars(
            select(m.Membership.person_id).where(m.Membership.board_id == board.id, in_force_now(board))
        )
    )
    return reply(
        "declarations.json.j2",
        public=request.share,
        board=board,
        meeting=meeting,
        lines=[dec.line(d) for d in shown],
        hidden=len(found) - len(shown),
        standing=dec.standing_of(session, board, member_ids),
        today=today,
    )


def _meeting(session: Session, board: m.Board, selector: str, today: date) -> m.Meeting | None:
    if selector == "next":
        return meetings.next_meeting(session, board, today)
    if selector in ("last", "previous"):
        return meetings.last_meeting(session, board, today)
    try:
        day, yearless = parse_day(selector, today)
    except DateNotUnderstood:
        return None
    if day is not None:
        return meetings.meeting_on(session, board, day)
    assert yearless is not None  # parse_day gives a day or a month and day
    return meeting_on_day_of_year(session, board, *yearless, today)
