"""/kpi [board] [area] [words] [chart]: the board's KPI headlines, or the KPIs your words name, in
an area; with "chart" (or "graph", "plot"), the history of the KPI they name best, drawn."""

from __future__ import annotations

import re
from dataclasses import replace
from itertools import groupby

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import models as m
from bot.boards import BoardChoice
from bot.kpis.areas import AreaChoice, area_names, board_areas, pick_area
from bot.kpis.chart import chart_data
from bot.kpis.figures import details, headlines
from bot.kpis.info import KpiInfo, one_line
from bot.kpis.reading import board_kpis
from bot.kpis.search import Match, Query, compact, rank, suggestions, words_of, working_example
from bot.kpis.themes import theme_lines
from bot.render import Mrkdwn, reply
from bot.reply import Reply
from bot.request import CommandRequest
from commands.common import Found, find_board, noted, page_of

HEADLINES_PER_PAGE = 8
MATCHES_PER_PAGE = 10  # one or two lines each, with a button for the detail
ASKED_CHARS = 80
BUTTON_CHARS = 75
LOOK_ALIKES = str.maketrans("<>", "‹›")
CHART_RE = re.compile(r"\b(?:chart|charts|graph|graphs|plot|plots)\b", re.IGNORECASE)
OTHERS_CHARTED = 3  # other matches named under a chart of the best one


def asks_for_chart(text: str) -> tuple[str, bool]:
    """The text without its chart words ("chart", "graph", "plot"), and whether it had any."""
    rest, count = CHART_RE.subn(" ", text)
    return " ".join(rest.split()), count > 0


def run(request: CommandRequest, session: Session) -> Reply:
    choice, problem = find_board(session, request, takes_words=True, finds=kpis_found)
    if problem:
        return problem
    assert choice.board is not None  # find_board answers with a problem otherwise
    return noted(choice, answer(request, session, choice.board, " ".join(choice.rest)))


def kpis_found(
    session: Session, request: CommandRequest, boards: list[m.Board], choice: BoardChoice
) -> dict[int, Found]:
    """The KPIs matching every word (an area's name aside), on each board that has any."""
    found = {}
    text, _ = asks_for_chart(" ".join(choice.rest))
    for board in boards:
        picked = pick_area(text, area_names(session, board))
        query = Query.parse(picked.rest)
        if not query:
            continue
        matches, every_word = rank(board_kpis(session, board).kpis, query)
        if matches and every_word:
            found[board.id] = Found(len(matches), [match.kpi.name for match in matches[:3]], "KPI")
    return found


def answer(request: CommandRequest, session: Session, board: m.Board, text: str) -> Reply:
    """The board's answer to the words after its name."""
    found = board_kpis(session, board)
    if not found.kpis:
        return reply("kpi_none.json.j2", board=board, problem="empty")
    text, chart = asks_for_chart(text)
    picked = pick_area(text, area_names(session, board))
    query = Query.parse(picked.rest)
    if not query and picked.area is None and text.strip() and not words_of(text):
        return reply(  # only symbols, emoji or another alphabet: nothing to search for
            "kpi_none.json.j2",
            board=board,
            problem="unusable",
            asked=one_line(text, ASKED_CHARS),
            example=working_example(found.kpis),
            areas=example_areas(session, board),
        )
    if not query and chart:
        return reply(
            "kpi_none.json.j2",
            board=board,
            problem="chart",
            area=picked.area,
            example=working_example(found.kpis),
        )
    if not query:
        return show_headlines(request, session, board, found.kpis, picked)
    return show_matches(request, session, board, found.kpis, query, picked.area, chart=chart)


def example_areas(session: Session, board: m.Board) -> list[str]:
    return board_areas(session, board)[:3]


def show_headlines(
    request: CommandRequest, session: Session, board: m.Board, kpis: tuple[KpiInfo, ...], picked: AreaChoice
) -> Reply:
    """The board's own chosen headlines, else one line per theme: in one area when one is named."""
    chosen = [k for k in kpis if k.headline]
    if not chosen:
        lines = theme_lines(session, kpis, picked.area)
        if not lines:
            return reply("kpi_none.json.j2", board=board, problem="area", area=picked.area, total=len(kpis))
        return reply(
            "kpi_themes.json.j2",
            public=request.share,
            board=board,
            area=picked.area,
            lines=lines,
            total=sum(line.count for line in lines),
            example=lines[0].headline.kpi.key,
            other_area=next(iter(example_areas(session, board)), None),
        )
    page = page_of(len(chosen), request.page, HEADLINES_PER_PAGE)
    shown = headlines(session, chosen[page.offset : page.offset + page.size], picked.area)
    groups = [(theme, list(items)) for theme, items in groupby(shown, key=lambda h: h.kpi.theme)]
    return reply(
        "kpi.json.j2",
        public=request.share,
        board=board,
        area=picked.area,
        groups=groups,
        example=shown[0].kpi.example,
        total=len(kpis),
        page=page,
        request=request,
    )


def partners(kpi: KpiInfo, kpis: tuple[KpiInfo, ...]) -> list[KpiInfo]:
    """The board's KPIs for the same measure from another document (`same_as`, either way)."""
    return [k for k in kpis if k is not kpi and (k.key == kpi.same_as or k.same_as == kpi.key)]


def together(matches: list[Match], kpis: tuple[KpiInfo, ...]) -> list[KpiInfo]:
    """The matches in rank order, each followed by the other matches that are the same measure."""
    matched = {match.kpi.key for match in matches}
    ordered: dict[str, KpiInfo] = {}
    for match in matches:
        for kpi in (match.kpi, *partners(match.kpi, kpis)):
            if kpi.key in matched:
                ordered.setdefault(kpi.key, kpi)
    return list(ordered.values())


def with_values_in(session: Session, kpis: list[KpiInfo], area: str | None) -> list[KpiInfo]:
    """The KPIs that have a value for the area (all of them when no area is asked for)."""
    if area is None or not kpis:
        return kpis
    having = set(
        session.scalars(
            select(m.KpiValue.kpi_id)
            .where(m.KpiValue.kpi_id.in_([k.id for k in kpis]), m.KpiValue.area == area)
            .distinct()
        )
    )
    return [k for k in kpis if k.id in having]


def show_matches(
    request: CommandRequest,
    session: Session,
    board: m.Board,
    kpis: tuple[KpiInfo, ...],
    query: Query,
    area: str | None,
    *,
    chart: bool = False,
) -> Reply:
    matches, every_word = rank(kpis, query)
    asked = one_line(query.text, ASKED_CHARS)
    named = next((k for k in kpis if compact(k.key) == query.phrase), None)
    if named is not None:  # a KPI's key: its history, with the same measure from other documents
        return show_detail(request, session, board, [named, *partners(named, kpis)], area, chart=chart)
    found = with_values_in(session, together(matches, kpis), area)
    if found and all(k in (found[0], *partners(found[0], kpis)) for k in found):
        return show_detail(
            request, session, board, [found[0], *partners(found[0], kpis)], area, chart=chart
        )  # one measure
    if found and chart:  # the best match drawn; the others named, to chart one of them instead
        measure = [found[0], *partners(found[0], kpis)]
        others = [k for k in found if k not in measure][:OTHERS_CHARTED]
        words = one_line(" ".join(query.words), ASKED_CHARS)
        return show_detail(request, session, board, measure, area, chart=True, asked=words, others=others)
    if not found:
        return reply(
            "kpi_none.json.j2",
            board=board,
            problem="area" if matches else "words",
            area=area,
            asked=asked,
            cut=query.cut,
            suggestions=[] if matches else suggestions(kpis, query),
            example=working_example(kpis),
            total=len(kpis),
        )
    page = page_of(len(found), request.page, MATCHES_PER_PAGE)
    shown = headlines(session, found[page.offset : page.offset + page.size], area)
    return reply(
        "kpi_search.json.j2",
        public=request.share,
        board=board,
        area=area,
        asked=asked,
        cut=query.cut,
        every_word=every_word,
        shown=shown,
        keys={k.key for k in kpis},
        buttons=[detail_button(request, board, h.kpi, n) for n, h in enumerate(shown, start=page.offset + 1)],
        page=page,
        request=request,
    )


def detail_button(request: CommandRequest, board: m.Board, kpi: KpiInfo, number: int) -> dict[str, str]:
    """A button that asks `/kpi BOARD KEY`: the KPI's history and sources."""
    # plain text, never parsed: angle brackets are shown as look-alikes so no mention can form
    label = one_line(f"{number}. {kpi.name}", BUTTON_CHARS).translate(LOOK_ALIKES)
    asking = replace(request, text=f"{board.key} {kpi.key}")
    value = page_of(1, 1).button_value(asking, 1)
    assert value is not None  # two keys of at most 100 characters always fit
    return {"action_id": f"page_open_{number}", "text": Mrkdwn(label), "value": value}


def chart_button(
    request: CommandRequest, board: m.Board, kpi: KpiInfo, area: str | None, number: int
) -> dict[str, str]:
    """A button that asks `/kpi BOARD KEY [AREA] chart`: the KPI's history drawn, posted here."""
    asking = replace(request, text=f"{board.key} {kpi.key}{f' {area}' if area else ''} chart", share=False)
    value = page_of(1, 1).button_value(asking, 1)
    if value is None:  # an area name too long for a button: the chart of every area
        value = page_of(1, 1).button_value(replace(asking, text=f"{board.key} {kpi.key} chart"), 1)
    assert value is not None  # two keys of at most 100 characters always fit
    label = one_line(f"Chart: {kpi.name}", BUTTON_CHARS).translate(LOOK_ALIKES)
    return {"action_id": f"page_chart_{number}", "text": Mrkdwn(label), "value": value}


def show_detail(
    request: CommandRequest,
    session: Session,
    board: m.Board,
    kpis: list[KpiInfo],
    area: str | None,
    *,
    chart: bool = False,
    asked: str | None = None,
    others: list[KpiInfo] | None = None,
) -> Reply:
    """The KPIs' histories, with a Chart button each; with `chart`, the first one's chart to upload."""
    answered = reply(
        "kpi_detail.json.j2",
        public=request.share,
        board=board,
        area=area,
        details=details(session, kpis, area),
        same=len(kpis) > 1,
        chart=chart,
        asked=asked,
        others=others or [],
        buttons=[chart_button(request, board, k, area, n) for n, k in enumerate(kpis, start=1)],
    )
    if chart:
        answered.extra["chart"] = chart_data(session, board, kpis[0], area)
    return answered
