"""/boardbot decisions [board] [words]: a board's decisions (resolutions), newest meeting first.

Each shows its meeting, agenda item, status (provisional until the minutes are approved) and source.
Words narrow the list to decisions whose text or item title holds every one of them. Decisions on
restricted (Part 2) items are listed only to the board's members in a DM, as /agenda does.
Also here: each agenda item's decisions, for /agenda.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import replace

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session, joinedload

from bot import models as m
from bot import updates
from bot.boards import BoardChoice, can_see_restricted
from bot.render import reply
from bot.reply import Reply
from bot.request import CommandRequest
from commands.common import Found, find_board, noted, page_of

PER_PAGE = 8
# Words of the question, not of what is asked about: "what did we resolve on the BCF?"
IDLE = frozenset(
    "a an the on of about for to and in at we did do what which was were is are decide decided decision "
    "decisions resolve resolved resolution resolutions any our".split()
)
WORD_RE = re.compile(r"[\w'’-]+")


def search_words(words: list[str]) -> list[str]:
    """The words a decision must hold, lowercased, without question words and punctuation."""
    found = [w.lower().strip("'’-") for word in words for w in WORD_RE.findall(word)]
    return [w for w in found if w and w not in IDLE]


def _matching(words: list[str]) -> ColumnElement[bool]:
    """Every word in the decision's text or its item's title (any case; `%` and `_` taken as typed)."""
    return and_(
        *(
            or_(
                m.Decision.text.icontains(w, autoescape=True),
                m.AgendaItem.title.icontains(w, autoescape=True),
            )
            for w in words
        )
    )


def board_decisions(board: m.Board, words: list[str], *, restricted: bool) -> Select[m.Decision]:
    """The board's decisions matching `words`, newest meeting first, then in agenda order."""
    stmt = (
        select(m.Decision)
        .join(m.Meeting, m.Decision.meeting_id == m.Meeting.id)
        .join(m.AgendaItem, m.Decision.agenda_item_id == m.AgendaItem.id)
        .where(m.Meeting.board_id == board.id)
    )
    if words:
        stmt = stmt.where(_matching(words))
    if not restricted:
        stmt = stmt.where(m.AgendaItem.restricted.is_(False))
    return stmt.order_by(
        m.Meeting.meets_on.desc(), m.AgendaItem.position, m.AgendaItem.number, m.Decision.seq
    )


def decisions_by_item(session: Session, meeting: m.Meeting) -> dict[int, list[m.Decision]]:
    """A meeting's decisions by agenda item id, in order (for /agenda)."""
    found: dict[int, list[m.Decision]] = defaultdict(list)
    stmt = (
        select(m.Decision)
        .where(m.Decision.meeting_id == meeting.id)
        .options(joinedload(m.Decision.minutes))
        .order_by(m.Decision.agenda_item_id, m.Decision.seq)
    )
    for decision in session.scalars(stmt):
        found[decision.agenda_item_id].append(decision)
    return found


def _found(
    session: Session, request: CommandRequest, boards: list[m.Board], choice: BoardChoice
) -> dict[int, Found]:
    """How many public decisions the words find on each board, when no board was named."""
    words = search_words(choice.rest)
    if not words:
        return {}
    found = {}
    for board in boards:
        counted = (
            board_decisions(board, words, restricted=False)
            .order_by(None)
            .with_only_columns(func.count(m.Decision.id))
        )
        count = session.scalar(counted) or 0
        if count:
            found[board.id] = Found(count, [], "decision")
    return found


def run(request: CommandRequest, session: Session, slack: updates.Directory | None = None) -> Reply:
    """`/boardbot decisions [board] [words]`: the words after `decisions` name the board and the topic."""
    asked = replace(request, command="boardbot decisions", text=" ".join(request.words[1:]))
    choice, problem = find_board(session, asked, takes_words=True, finds=_found)
    if problem:
        return problem
    board = choice.board
    assert board is not None  # find_board answers with a problem otherwise
    words = search_words(choice.rest)
    restricted = can_see_restricted(session, request, choice.person, board)
    stmt = board_decisions(board, words, restricted=restricted)
    total = session.scalar(stmt.order_by(None).with_only_columns(func.count(m.Decision.id))) or 0
    page = page_of(total, request.page, PER_PAGE)
    shown = list(
        session.scalars(
            stmt.options(
                joinedload(m.Decision.meeting),
                joinedload(m.Decision.agenda_item),
                joinedload(m.Decision.minutes),
                joinedload(m.Decision.source_document),
                joinedload(m.Decision.recorded_by),
            )
            .offset(page.offset)
            .limit(page.size)
        )
    )
    answer = reply(
        "decisions.json.j2",
        public=request.share,
        board=board,
        decisions=shown,
        words=" ".join(words),
        page=page,
        request=request,
    )
    return noted(choice, answer)
