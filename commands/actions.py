"""/actions [board] [open|overdue|done|blocked|in progress|mine|@person|from DATE|WORDS|A-12]: the
board's actions, or one with its history."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import actions as a
from bot import models as m
from bot import updates
from bot.boards import BoardChoice, boards_of, can_see_restricted, other_boards
from bot.render import reply
from bot.reply import Reply
from bot.request import CommandRequest
from commands.actions_filters import MEETING_WORDS, STATUS_NAMES, Filters, is_filter_word, parse_filters
from commands.actions_narrow import Narrowed, help_reply, narrowed, usage, where_you_lead
from commands.common import Found, Page, find_board, noted, page_of, today_at

__all__ = ["Filters", "is_filter_word", "parse_filters", "run"]

PAGE_SIZE = 8
HISTORY_PAGE_SIZE = 10
SCOPE_WORDS = {
    a.Scope.OPEN: "open",
    a.Scope.OVERDUE: "overdue",
    a.Scope.DONE: "completed",
    a.Scope.CANCELLED: "cancelled",
    a.Scope.ALL: "",
}
STATUS_WORDS = {m.ActionStatus.BLOCKED.value: "blocked", m.ActionStatus.IN_PROGRESS.value: "in-progress"}
OTHER_FILTERS = ["open", "overdue", "done", "blocked", "in progress", "from last"]  # the context line's


def run(request: CommandRequest, session: Session) -> Reply:
    choice, problem = find_board(
        session,
        request,
        takes_words=True,
        not_a_board=is_filter_word,
        finds=actions_found,
        keep=MEETING_WORDS,
    )
    if problem and (problem := _without_a_board(session, request, choice, problem)):
        return problem
    board = choice.board
    assert board is not None  # found, or named by the reference or by where the asker leads
    filters = parse_filters(choice.rest)
    if filters.unclear:
        return usage(session, board, filters.unclear)
    if filters.bad_meeting:
        return help_reply("meeting_unclear", board, asked=filters.bad_meeting)
    if filters.ref:
        return noted(choice, _one_action(session, request, board, choice.person, filters.ref))
    found = narrowed(session, request, board, choice.person, filters, today_at(board, request))
    if isinstance(found, Reply):
        return found
    return noted(choice, _listing(session, request, board, choice.person, found))


def actions_found(
    session: Session, request: CommandRequest, boards: list[m.Board], choice: BoardChoice
) -> dict[int, Found]:
    """With no board named, the boards whose actions mention every word (`/actions attendance`).
    Filters alone (`overdue`), a lead or a reference name no board's here."""
    filters = parse_filters(choice.rest)
    if filters.unclear or filters.ref or filters.whose or not filters.words:
        return {}
    searched = a.search_words(filters.words)
    if not searched:
        return {}
    found = {}
    for board in boards:
        hit = a.actions_mentioning(session, board, searched)
        if hit.ids and hit.every_word:
            named = session.execute(
                select(m.Action.ref, m.Action.description)
                .where(m.Action.id.in_(hit.ids[:3]))
                .order_by(m.Action.id)
            )
            found[board.id] = Found(
                len(hit.ids), [f"{ref} {a.shorten(text, 60)}" for ref, text in named], "action"
            )
    return found


def _without_a_board(
    session: Session, request: CommandRequest, choice: BoardChoice, trouble: Reply
) -> Reply | None:
    """No board named and none to assume: the reference may say which (`/actions FPS-47`); for
    `mine`, where the asker leads actions; for a lead who sits on no board, the one board where
    they lead. None when that settles the board."""
    if choice.problem != "which":
        return trouble
    if len(choice.rest) == 1 and (ref := a.parse_ref(choice.rest[0])):
        if board := _board_of_ref(session, choice, ref):
            choice.board = board
            return None
        return trouble
    filters = parse_filters(choice.rest)
    asker = choice.person
    if asker is not None and filters.mine:
        led = where_you_lead(session, request, asker, choice.all_boards)
    elif asker is not None and not boards_of(session, asker):  # "You are on …" would be untrue
        led_on = a.boards_led_by(session, asker, choice.all_boards)
        led = led_on[0][0] if len(led_on) == 1 else trouble
    else:
        return trouble
    if isinstance(led, Reply):
        return led
    choice.board = led
    return None


def _board_of_ref(session: Session, choice: BoardChoice, ref: a.Ref) -> m.Board | None:
    """The one board with an action of that reference, else the one whose references have its
    prefix (FPS-47 past FPS-46 is still the committee's)."""
    boards = {board.id: board for board, _ in a.boards_with_ref(session, choice.all_boards, ref)}
    if len(boards) == 1:
        return next(iter(boards.values()))
    if boards or ref.prefix is None:
        return None
    prefixed = a.boards_using_prefix(session, choice.all_boards, ref.prefix)
    return prefixed[0] if len(prefixed) == 1 else None


def _heading(found: Narrowed) -> str:
    """The list's heading: "open actions led by Kiran Hayer", "blocked actions raised at the
    meeting of Thu 5 Oct 2023", "actions mentioning “attendance”"."""
    filters = found.filters
    scope = SCOPE_WORDS[filters.scope] if not filters.status or filters.scope is a.Scope.OVERDUE else ""
    words = [scope, STATUS_WORDS.get(filters.status or ""), "actions", found.whose]
    if found.meeting:
        day = found.meeting.meets_on
        words.append(f"raised at the meeting of {day:%a} {day.day} {day:%b %Y}")
    if found.found:
        words.append("mentioning " + " and ".join(f"“{w}”" for w in found.found.matched))
    return " ".join(w for w in words if w)


def _editable(
    session: Session, request: CommandRequest, board: m.Board, asker: m.Person | None, actions: list[m.Action]
) -> set[int]:
    """The actions whose update buttons the asker may press: their own as lead, or all of them as
    the board's secretary or a chair. None in a reply shared with the channel."""
    if request.share or asker is None:
        return set()
    if updates.board_permission(session, updates.Actor(request.user_id, asker), board):
        return {act.id for act in actions}
    return {act.id for act in actions if act.lead_id == asker.id}


def _listing(
    session: Session, request: CommandRequest, board: m.Board, asker: m.Person | None, found: Narrowed
) -> Reply:
    today = today_at(board, request)
    filters, among = found.filters, found.among
    tally = a.counts(session, board, today, among=among)
    page = page_of(a.scope_total(tally, filters.scope, filters.status), request.page, PAGE_SIZE)
    rows = a.action_rows(
        session, board, filters.scope, today, among=among, offset=page.offset, limit=page.size
    )
    if not can_see_restricted(session, request, asker, board):
        rows = [_part_2(row) if a.is_restricted(row.action) else row for row in rows]
    undated = None
    if filters.scope is a.Scope.OVERDUE and page.number == 1:  # with its "no firm date" list
        undated = a.undated(session, board, among=among)
    lead_key = found.lead.key if found.lead and not filters.mine else None
    again = replace(filters, scope_said=False).again(lead_key=lead_key)  # after "open"
    return reply(
        "actions.json.j2",
        public=request.share,
        request=request,
        board=board,
        scope=filters.scope.value,
        status=filters.status,
        heading=a.shorten(_heading(found), 250),
        narrowed=bool(filters.status or found.meeting or found.found or found.whose),
        lead_only=not (filters.status or found.meeting or found.found),
        led_elsewhere=[b for b, _ in a.boards_led_by(session, asker, other_boards(session, board)[:12])]
        if filters.mine and asker and not tally.total
        else [],
        partial=found.found if found.found and not found.found.every_word else None,
        mine=filters.mine,
        lead=found.lead,
        again=a.shorten(again, 200),
        rows=rows,
        editable=_editable(session, request, board, asker, [row.action for row in rows]),
        page=page,
        today=today,
        tally=tally,
        undated=undated,
        undated_rows=[
            (act, _summary(session, request, asker, board, act), a.shorten(act.timescale, 60))
            for act in undated.first
        ]
        if undated
        else [],
        example_ref=rows[0].action.ref if rows else a.example_ref(session, board),
        other_filters=[
            w for w in OTHER_FILTERS if w not in (filters.scope, STATUS_NAMES.get(filters.status or ""))
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
        return help_reply("which_ref", board, asked=ref.text, refs=[act.ref for act in found])
    if not found:
        elsewhere = a.boards_with_ref(session, other_boards(session, board), ref)
        prefixes = a.board_prefixes(session, board)
        last = [] if elsewhere else a.last_refs(session, board, ref, prefixes)
        past_the_end = bool(ref.prefix and last) and all(_number(r) < int(ref.number) for r in last)
        return help_reply(
            "no_ref",
            board,
            asked=ref.text,
            near=[] if elsewhere or past_the_end else a.near_refs(session, board, ref, prefixes),
            last=last,
            elsewhere=elsewhere,
        )
    action = found[0]
    if a.is_restricted(action) and not can_see_restricted(session, request, asker, board):
        return reply("actions_restricted.json.j2", public=request.share, board=board, action=action)
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
        derived=a.derived_due(action),
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
        editable=_editable(session, request, board, asker, [action]),
    )


def _part_2(row: a.ActionRow) -> a.ActionRow:
    """A Part 2 action's row for someone who may not see it: no description, no changed values."""
    last = replace(row.last, what=a.PART_2_HIDDEN) if row.last else None
    return replace(row, summary=f"Raised at a restricted item: {a.PART_2_HIDDEN}", last=last)


def _summary(
    session: Session, request: CommandRequest, asker: m.Person | None, board: m.Board, action: m.Action
) -> str:
    if a.is_restricted(action) and not can_see_restricted(session, request, asker, board):
        return a.PART_2_HIDDEN
    return a.shorten(action.description, 90)


def _number(ref: str) -> int:
    """The number of a stored reference: 46 for FPS-46."""
    digits = ref.rpartition("-")[2]
    return int(digits) if digits.isdigit() else 0


def _history_page(
    session: Session, action: m.Action, board: m.Board, wanted: int
) -> tuple[Page, list[a.Change]]:
    """The page of the action's history asked for, or its last page when that is past the end (a
    button from a longer history), and the paging."""
    page = page_of(a.history_length(session, action), wanted, HISTORY_PAGE_SIZE)
    return page, a.history(session, action, board.timezone, offset=page.offset, limit=page.size)
