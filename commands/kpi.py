"""/kpi [board] [words]: the board's KPI headlines, or the KPIs your words name with their history."""

from __future__ import annotations

from itertools import groupby

from sqlalchemy.orm import Session

from bot import models as m
from bot.boards import BoardChoice
from bot.kpis.figures import details, headlines
from bot.kpis.info import one_line
from bot.kpis.reading import board_kpis
from bot.kpis.search import Query, rank, suggestions, working_example
from bot.render import reply
from bot.reply import Reply
from bot.request import CommandRequest
from commands.common import Found, find_board, noted, page_of

HEADLINES_PER_PAGE = 8
MATCHES_PER_PAGE = 3  # each shows its history per area: three fill a screen
ASKED_CHARS = 80


def run(request: CommandRequest, session: Session) -> Reply:
    choice, problem = find_board(session, request, takes_words=True, finds=kpis_found)
    if problem:
        return problem
    assert choice.board is not None  # find_board answers with a problem otherwise
    query = Query.parse(" ".join(choice.rest))
    if not query:
        return show_headlines(request, session, choice.board)
    return noted(choice, show_matches(request, session, choice.board, query))


def kpis_found(
    session: Session, request: CommandRequest, boards: list[m.Board], choice: BoardChoice
) -> dict[int, Found]:
    """The KPIs matching every word, on each board that has any."""
    query = Query.parse(" ".join(choice.rest))
    if not query:
        return {}
    found = {}
    for board in boards:
        matches, every_word = rank(board_kpis(session, board).kpis, query)
        if matches and every_word:
            found[board.id] = Found(len(matches), [match.kpi.name for match in matches[:3]], "KPI")
    return found


def show_headlines(request: CommandRequest, session: Session, board: m.Board) -> Reply:
    found = board_kpis(session, board)
    if not found.kpis:
        return reply("kpi_none.json.j2", board=board, empty=True)
    page = page_of(len(found.kpis), request.page, HEADLINES_PER_PAGE)
    shown = headlines(session, found.kpis[page.offset : page.offset + page.size])
    groups = [(theme, list(items)) for theme, items in groupby(shown, key=lambda h: h.kpi.theme)]
    return reply(
        "kpi.json.j2",
        public=request.share,
        board=board,
        themes=found.themes,
        theme_sizes=dict(found.themes),
        groups=groups,
        example=shown[0].kpi.example,
        page=page,
        request=request,
    )


def show_matches(request: CommandRequest, session: Session, board: m.Board, query: Query) -> Reply:
    kpis = board_kpis(session, board).kpis
    if not kpis:
        return reply("kpi_none.json.j2", board=board, empty=True)
    matches, every_word = rank(kpis, query)
    asked = one_line(query.text, ASKED_CHARS)
    if not matches:
        return reply(
            "kpi_none.json.j2",
            board=board,
            empty=False,
            asked=asked,
            cut=query.cut,
            suggestions=suggestions(kpis, query),
            example=working_example(kpis),
            total=len(kpis),
        )
    page = page_of(len(matches), request.page, MATCHES_PER_PAGE)
    on_page = [match.kpi for match in matches[page.offset : page.offset + page.size]]
    return reply(
        "kpi_search.json.j2",
        public=request.share,
        board=board,
        asked=asked,
        cut=query.cut,
        every_word=every_word,
        details=details(session, on_page),
        page=page,
        request=request,
    )
