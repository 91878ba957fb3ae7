"""/actions [board] [open|overdue|done|mine|@person|A-12]: the board's actions, or one with its history."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from bot import actions as a
from bot import models as m
from bot.boards import BoardChoice, can_see_restricted, other_boards
from bot.render import reply
from bot.reply import Reply
from bot.request import CommandRequest
from commands.common import Found, Page, find_board, noted, page_of, today_at

PAGE_SIZE = 8
HISTORY_PAGE_SIZE = 10
MAX_NAME_WORDS = 4  # more words than a name has are not a name
MENTION_RE = re.compile(r"<@([UW][A-Z0-9]{2,20})(?:\|[^>]*)?>")
SCOPE_WORDS = {
    "open": a.Scope.OPEN,
    "outstanding": a.Scope.OPEN,
    "overdue": a.Scope.OVERDUE,
    "late": a.Scope.OVERDUE,
    "done": a.Scope.DONE,
    "completed": a.Scope.DONE,
    "complete": a.Scope.DONE,
    "cancelled": a.Scope.CANCELLED,
    "canceled": a.Scope.CANCELLED,
}
MINE_WORDS = {"mine", "my", "me"}
FILLER_WORDS = {"actions", "action", "by", "led", "history", "show"}
SCOPE_NOUNS = {
    a.Scope.OPEN: "open actions",
    a.Scope.OVERDUE: "overdue actions",
    a.Scope.DONE: "completed actions",
    a.Scope.CANCELLED: "cancelled actions",
}


def is_filter_word(word: str) -> bool:
    """Words that are /actions' own, never the start of a board's name."""
    lowered = word.lower()
    return (
        lowered in SCOPE_WORDS
        or lowered in MINE_WORDS
        or lowered in FILLER_WORDS
        or word.startswith(("@", "<@"))
        or a.parse_ref(word) is not None
    )


@dataclass(frozen=True)
class Filters:
    """What the words after the board ask for."""

    scope: a.Scope = a.Scope.OPEN
    mine: bool = False
    mention: str | None = None  # a Slack user id
    name: str = ""  # words naming a lead
    ref: a.Ref | None = None
    unclear: str = ""  # the words, when they make no sense together


def parse_filters(words: list[str]) -> Filters:
    """Read `overdue`, `mine`, `<@U123>`, `@josh`, `A-12` and combinations such as `mine overdue`."""
    text = " ".join(words)
    mentions = MENTION_RE.findall(text)
    rest = [w for w in MENTION_RE.sub(" ", text).split() if w.lower() not in FILLER_WORDS]
    if len(rest) == 1 and not mentions and (ref := a.parse_ref(rest[0])):
        return Filters(ref=ref)
    scopes: set[a.Scope] = set()
    mine = False
    names: list[str] = []
    for word in rest:
        bare = word.lower().strip(".,;:!?")
        if bare in SCOPE_WORDS:
            scopes.add(SCOPE_WORDS[bare])
        elif bare in MINE_WORDS:
            mine = True
        else:
            names.append(word)
    whose = int(mine) + len(mentions) + int(bool(names))
    if len(scopes) > 1 or whose > 1 or len(names) > MAX_NAME_WORDS:
        return Filters(unclear=text)
    return Filters(
        scope=next(iter(scopes), a.Scope.OPEN),
        mine=mine,
        mention=mentions[0] if mentions else None,
        name=" ".join(names),
    )


def run(request: CommandRequest, session: Session) -> Reply:
    choice, problem = find_board(
        session, request, takes_words=True, not_a_board=is_filter_word, finds=actions_found
    )
    if problem and not _board_from_ref(session, choice):
        return problem
    board = choice.board
    assert board is not None  # found, or named by the reference
    filters = parse_filters(choice.rest)
    if filters.unclear:
        return _usage(session, board, filters.unclear)
    if filters.ref:
        return noted(choice, _one_action(session, request, board, choice.person, filters.ref))
    lead, trouble = _lead(session, request, board, choice.person, filters)
    if trouble:
        return trouble
    return noted(choice, _listing(session, request, board, filters, lead))


def actions_found(
    session: Session, request: CommandRequest, boards: list[m.Board], choice: BoardChoice
) -> dict[int, Found]:
    """The actions the words name on each board: led by the asker (`mine`), or with every other word
    in their description. Filters alone (`overdue`) name no board's; a reference names its own."""
    words = [word for word in choice.rest if word.lower() not in FILLER_WORDS]
    mine = any(word.lower() in MINE_WORDS for word in words)
    searched = [word.lower() for word in words if not is_filter_word(word)]
    if (not mine and not searched) or (mine and choice.person is None):
        return {}
    where: list[ColumnElement[bool]] = [m.Action.board_id.in_([board.id for board in boards])]
    if mine and choice.person is not None:
        where.append(m.Action.lead_id == choice.person.id)
    where += [func.lower(m.Action.description).contains(word, autoescape=True) for word in searched]
    counted = session.execute(
        select(m.Action.board_id, func.count()).where(*where).group_by(m.Action.board_id)
    )
    found = {}
    for board_id, count in counted:
        first = session.execute(
            select(m.Action.ref, m.Action.description)
            .where(*where, m.Action.board_id == board_id)
            .order_by(m.Action.id)
            .limit(3)
        )
        found[board_id] = Found(count, [f"{ref} {a.shorten(text, 60)}" for ref, text in first], "action")
    return found


def _board_from_ref(session: Session, choice: BoardChoice) -> bool:
    """`/actions FPS-3` in a DM: the reference itself can say which board is meant."""
    if choice.problem != "which" or len(choice.rest) != 1 or not (ref := a.parse_ref(choice.rest[0])):
        return False
    boards = {board.id: board for board, _ in a.boards_with_ref(session, choice.all_boards, ref)}
    if len(boards) != 1:
        return False
    choice.board = next(iter(boards.values()))
    return True


def _lead(
    session: Session, request: CommandRequest, board: m.Board, asker: m.Person | None, filters: Filters
) -> tuple[m.Person | None, Reply | None]:
    """The person whose actions are asked for, or the reply that says why there is none."""
    if filters.mine or filters.mention == request.user_id:
        if asker is None:
            return None, _problem("not_a_person", board, secretary=board.secretary)
        return asker, None
    if filters.mention:
        person = a.person_with_slack_id(session, board, filters.mention)
        if person is None:
            return None, _problem(
                "unknown_mention", board, user_id=filters.mention, secretary=board.secretary
            )
        return person, None
    if filters.name:
        people = a.leads_named(session, board, filters.name)
        if not people:
            return None, _usage(session, board, filters.name, looked_for_person=True)
        if len(people) > 1:
            return None, _problem("which_person", board, asked=a.shorten(filters.name, 80), people=people[:8])
        return people[0], None
    return None, None


def _listing(
    session: Session, request: CommandRequest, board: m.Board, filters: Filters, lead: m.Person | None
) -> Reply:
    today = today_at(board, request)
    lead_id = lead.id if lead else None
    tally = a.counts(session, board, today, lead_id=lead_id)
    page = page_of(a.scope_total(tally, filters.scope), request.page, PAGE_SIZE)
    rows = a.action_rows(
        session, board, filters.scope, today, lead_id=lead_id, offset=page.offset, limit=page.size
    )
    undated = None
    if filters.scope is a.Scope.OVERDUE and page.number == 1:  # with its "no firm date" list
        undated = a.undated(session, board, lead_id=lead_id)
    if filters.mine:
        whose = "you lead"
    elif lead:
        whose = f"led by {lead.name}"
    else:
        whose = ""
    return reply(
        "actions.json.j2",
        public=request.share,
        request=request,
        board=board,
        scope=filters.scope.value,
        heading=" ".join(filter(None, [SCOPE_NOUNS[filters.scope], whose])),
        mine=filters.mine,
        lead=lead,
        who_words=" mine" if filters.mine else (f" @{lead.key}" if lead else ""),
        rows=rows,
        page=page,
        today=today,
        tally=tally,
        undated=undated,
        undated_rows=[
            (act, a.shorten(act.description, 90), a.shorten(act.timescale, 60)) for act in undated.first
        ]
        if undated
        else [],
        example_ref=rows[0].action.ref if rows else a.example_ref(session, board),
        other_filters=[
            scope.value for scope in SCOPE_NOUNS if scope not in (filters.scope, a.Scope.CANCELLED)
        ],
        status_labels=a.STATUS_LABELS,
        rag_labels=a.RAG_LABELS,
        open_statuses=a.OPEN_STATUSES,
    )


def _one_action(
    session: Session, request: CommandRequest, board: m.Board, asker: m.Person | None, ref: a.Ref
) -> Reply:
    found = a.find_actions(session, board, ref)
    if len(found) > 1:
        return _problem("which_ref", board, asked=ref.text, refs=[act.ref for act in found])
    if not found:
        elsewhere = a.boards_with_ref(session, other_boards(session, board), ref)
        prefixes = a.board_prefixes(session, board)
        return _problem(
            "no_ref",
            board,
            asked=ref.text,
            near=[] if elsewhere else a.near_refs(session, board, ref, prefixes),
            last=[] if elsewhere else a.last_refs(session, board, ref, prefixes),
            elsewhere=elsewhere,
        )
    action = found[0]
    today = today_at(board, request)
    page, changes = _history_page(session, action, board, request.page)
    item = action.agenda_item
    document = action.source_document
    return reply(
        "actions_one.json.j2",
        public=request.share,
        request=request,
        board=board,
        action=action,
        description=a.clip(action.description, 2500),
        progress=a.clip(action.progress, 2500) if action.progress and action.progress.strip() else "",
        lead=a.lead_name(action),
        lead_as_written=a.shorten(action.lead_text, 300) if action.lead and action.lead_text else "",
        timescale=a.shorten(action.timescale, 300) if action.timescale else "",
        overdue_days=a.overdue_days(action, today),
        today=today,
        item_title=(
            a.shorten(item.title, 150)
            if not item.restricted or can_see_restricted(session, request, asker, board)
            else "a restricted (Part 2) item"
        )
        if item
        else "",
        document=document,
        document_title=a.shorten(document.title, 150) if document else "",
        changes=changes,
        page=page,
        status_labels=a.STATUS_LABELS,
        rag_labels=a.RAG_LABELS,
        via_labels=a.VIA_LABELS,
        open_statuses=a.OPEN_STATUSES,
    )


def _history_page(
    session: Session, action: m.Action, board: m.Board, wanted: int
) -> tuple[Page, list[a.Change]]:
    """The page of the action's history asked for, or its last page when that is past the end (a
    button from a longer history), and the paging."""
    page = page_of(a.history_length(session, action), wanted, HISTORY_PAGE_SIZE)
    return page, a.history(session, action, board.timezone, offset=page.offset, limit=page.size)


def _usage(session: Session, board: m.Board, asked: str, *, looked_for_person: bool = False) -> Reply:
    return _problem(
        "filter",
        board,
        asked=a.shorten(asked, 80),
        looked_for_person=looked_for_person,
        example_ref=a.example_ref(session, board),
    )


def _problem(problem: str, board: m.Board, **context: Any) -> Reply:
    """A reply that says what went wrong and what would work: only the asker sees it."""
    defaults: dict[str, Any] = {
        "asked": "",
        "user_id": None,
        "people": [],
        "refs": [],
        "near": [],
        "elsewhere": [],
        "last": [],
        "looked_for_person": False,
        "example_ref": "A-12",
        "secretary": None,
    }
    return reply("actions_help.json.j2", problem=problem, board=board, **(defaults | context))
