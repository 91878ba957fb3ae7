"""Answering an action update written as a message: `A-12 done`, `undo`.

`run` answers one message: it reads it (commands.update_message), finds the actions (named, or the
one the thread is about), checks who may change them, applies everything through bot.updates in the
caller's transaction and returns the reply, or None when the message is not for BoardBot or was
answered before. Nothing here knows Slack's payloads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import actions as a
from bot import models as m
from bot import updates
from bot.actions import Ref
from bot.boards import boards_of
from bot.reply import Reply
from commands.update.reply import (
    UNDO_MINUTES,
    applied_reply,
    help_reply,
    not_understood,
    refusal,
    secretaries,
)
from commands.update_message import (
    ParsedUpdate,
    ParseProblem,
    Problem,
    Wanted,
    parse_update,
)

DEFAULT_ZONE = "Europe/London"
DEFAULT_REGION = "england"
MENTION_TOKEN_RE = re.compile(r"<@([UW][A-Z0-9]{2,20})(?:\|[^>]*)?>")
MAX_ACTIONS = 25  # actions one message may change


class Lookups(updates.Directory, Protocol):
    """What answering a message may need to ask Slack (bot/slack/events.py implements it)."""

    def permalink(self, channel: str, ts: str) -> str | None: ...

    def thread_action_ids(self, channel: str, thread_ts: str) -> list[int]:
        """The actions named by the buttons of the bot message a thread hangs under."""
        ...


class NoLookups(updates.NoDirectory):
    def permalink(self, channel: str, ts: str) -> str | None:
        return None

    def thread_action_ids(self, channel: str, thread_ts: str) -> list[int]:
        return []


@dataclass(frozen=True)
class MessageRequest:
    """A message to BoardBot: who wrote it, where, what and when."""

    team_id: str
    user_id: str
    channel_id: str
    ts: str
    text: str
    now: datetime  # UTC
    is_direct_message: bool
    thread_ts: str | None = None  # the thread it was written in; None at the top level
    mentioned: bool = False  # an @BoardBot mention in a channel
    under_bot_message: bool = False  # a thread reply under a message BoardBot posted
    person_key: str | None = None  # a person the console vouches for (never from Slack)
    board_key: str | None = None  # the board the console is 'in' when its channel is not on Slack

    @property
    def key(self) -> str:
        """The same message delivered twice (a retry, or as `message` and `app_mention`) has one key."""
        return f"message:{self.team_id}:{self.channel_id}:{self.ts}"

    @property
    def in_channel_thread(self) -> bool:
        return not self.is_direct_message and not self.mentioned

    @property
    def reply_thread(self) -> str:
        return self.thread_ts or self.ts


@dataclass
class _Target:
    wanted: Wanted
    actions: list[m.Action]


@dataclass
class _Unresolved:
    """Why the message's actions could not be found: a problem for update_help.json.j2."""

    problem: str
    context: dict


def run(request: MessageRequest, session: Session, slack: Lookups | None = None) -> Reply | None:
    """Answer a message: the changes made and the actions' new state, or why nothing changed."""
    slack = slack or NoLookups()
    workspace_id = updates.workspace_id(session, request.team_id)
    if updates.seen(session, request.key):
        return None  # a retry, or the twin of an app_mention: answered already
    if request.in_channel_thread and not request.under_bot_message:
        if not updates.thread_has_requests(
            session, request.team_id, request.channel_id, request.reply_thread
        ):
            return None  # people talking in a thread BoardBot has no part in
    board = _channel_board(session, workspace_id, request.channel_id, request.board_key)
    zone = board.timezone if board else DEFAULT_ZONE
    region = board.holiday_region if board else DEFAULT_REGION
    example = a.example_ref(session, board) if board else "A-12"
    names = _mentioned(session, workspace_id, request.text)

    def parse(zone: str, region: str) -> ParsedUpdate | ParseProblem:
        return parse_update(
            request.text, today=request.now, tz=zone, example_ref=example, region=region, names=names
        )

    parsed = parse(zone, region)
    if isinstance(parsed, ParseProblem) and not parsed.signal and _small_talk_allowed(request, parsed):
        return None  # small talk under a reminder: not every "thanks" needs an answer
    if workspace_id is None:
        _claim(session, request, None)
        return help_reply("no_boards")
    if isinstance(parsed, ParseProblem):
        _claim(session, request, None)
        return not_understood(parsed)
    actor = updates.identify(session, workspace_id, request.user_id, slack, person_key=request.person_key)
    claimed = _claim(session, request, actor)
    if parsed.undo:
        return _undo(session, claimed, actor, request, workspace_id, board)
    targets = _targets(session, request, slack, workspace_id, board, actor, parsed)
    places = {(act.board.timezone, act.board.holiday_region) for t in _found(targets) for act in t.actions}
    if len(places) == 1 and (zone, region) not in places:  # relative dates: the action's own board
        parsed = parse(*places.pop())
        if isinstance(parsed, ParseProblem):
            return not_understood(parsed)
        targets = _targets(session, request, slack, workspace_id, board, actor, parsed)
    if isinstance(targets, _Unresolved):
        return help_reply(targets.problem, **targets.context)
    return _apply(session, claimed, actor, request, targets, slack)


def _small_talk_allowed(request: MessageRequest, parsed: ParseProblem) -> bool:
    """Small talk BoardBot leaves unanswered: any in a channel's thread, "thanks!" in a DM's thread."""
    in_dm_thread = request.is_direct_message and request.thread_ts not in (None, request.ts)
    return request.in_channel_thread or (in_dm_thread and parsed.kind is Problem.NOTHING)


def _mentioned(session: Session, workspace_id: int | None, text: str) -> dict[str, str]:
    """The names of the people a message mentions (`<@U…>`), by Slack id, when the data has them."""
    ids = set(MENTION_TOKEN_RE.findall(text))
    if workspace_id is None or not ids:
        return {}
    people = session.scalars(
        select(m.Person).where(m.Person.workspace_id == workspace_id, m.Person.slack_user_id.in_(ids))
    )
    return {person.slack_user_id: person.name for person in people if person.slack_user_id}


def _found(targets: list[_Target] | _Unresolved) -> list[_Target]:
    return [] if isinstance(targets, _Unresolved) else targets


def _claim(session: Session, request: MessageRequest, actor: updates.Actor | None) -> m.UpdateRequest:
    claimed = updates.claim(
        session,
        request.key,
        team_id=request.team_id,
        actor=actor,
        slack_user_id=request.user_id,
        via=m.UpdateVia.MESSAGE,
        now=request.now,
        channel=request.channel_id,
        ts=request.ts,
        thread_ts=request.reply_thread,
    )
    assert claimed is not None  # checked with `seen` above; a twin's commit fails ours on the key
    return claimed


def _channel_board(
    session: Session, workspace_id: int | None, channel: str, board_key: str | None = None
) -> m.Board | None:
    if workspace_id is not None and board_key:
        return session.scalar(
            select(m.Board).where(m.Board.workspace_id == workspace_id, m.Board.key == board_key)
        )
    if workspace_id is None or not channel or channel.startswith("D"):
        return None
    return updates.channel_board(session, workspace_id, channel)


def _find(
    session: Session, workspace_id: int, ref: Ref, near: m.Board | None, mine: list[m.Board]
) -> list[m.Action]:
    """The actions a reference may name: on the nearby board first, then across the workspace."""
    if near is not None and (found := a.find_actions(session, near, ref)):
        return found
    if ref.prefix:
        return list(
            session.scalars(
                select(m.Action)
                .join(m.Board, m.Board.id == m.Action.board_id)
                .where(m.Board.workspace_id == workspace_id, m.Action.ref.in_(ref.forms([])))
                .order_by(m.Board.name)
                .limit(10)
            )
        )
    boards = mine or updates.workspace_boards(session, workspace_id, 20)
    return [action for b in boards for action in a.find_actions(session, b, ref)][:10]


def _thread_actions(
    session: Session, request: MessageRequest, slack: Lookups, workspace_id: int
) -> list[m.Action]:
    """The actions the message's thread is about: the bot message's buttons, else earlier updates."""
    if not request.thread_ts:
        return []
    ids: list[int] = []
    if request.under_bot_message:
        ids = slack.thread_action_ids(request.channel_id, request.thread_ts)
    if not ids:
        ids = updates.thread_action_ids(session, request.team_id, request.channel_id, request.thread_ts)
    found = []
    for action_id in dict.fromkeys(ids):
        action = session.get(m.Action, action_id)
        if action is not None and action.board.workspace_id == workspace_id:
            found.append(action)
    return found


def _targets(
    session: Session,
    request: MessageRequest,
    slack: Lookups,
    workspace_id: int,
    board: m.Board | None,
    actor: updates.Actor,
    parsed: ParsedUpdate,
) -> list[_Target] | _Unresolved:
    in_thread = _thread_actions(session, request, slack, workspace_id)
    near = board or (in_thread[0].board if len(in_thread) == 1 else None)
    mine = boards_of(session, actor.person) if actor.person else []
    if near is None and len(mine) == 1:
        near = mine[0]
    targets = []
    for wanted in parsed.wanted:
        if not wanted.refs:
            if len(in_thread) != 1:
                return _Unresolved(
                    "no_action" if not in_thread else "which_thread_action",
                    {"refs": [act.ref for act in in_thread[:8]], "example": _with_ref(session, wanted, near)},
                )
            targets.append(_Target(wanted, in_thread))
            continue
        found_all = []
        for ref in wanted.refs:
            found = _find(session, workspace_id, ref, near, mine)
            if not found:
                return _Unresolved(
                    "unknown_ref", _unknown_ref_context(session, ref, near, mine, workspace_id)
                )
            if len(found) > 1:
                return _Unresolved(
                    "which_ref",
                    {
                        "ref": ref.text,
                        "refs": [f"{act.ref} ({act.board.short_name or act.board.name})" for act in found],
                    },
                )
            found_all += found
        targets.append(_Target(wanted, found_all))
    if sum(len(t.actions) for t in targets) > MAX_ACTIONS:
        return _Unresolved("parse", {"kind": str(Problem.TOO_LONG), "example": "A-12 done, A-14 in progress"})
    return targets


def _with_ref(session: Session, wanted: Wanted, near: m.Board | None) -> str:
    """The message again with a reference, as an example of what works."""
    ref = a.example_ref(session, near) if near else "A-12"
    words: dict[str, str] = {
        m.ActionStatus.DONE: "done",
        m.ActionStatus.IN_PROGRESS: "in progress",
        m.ActionStatus.BLOCKED: "blocked",
        m.ActionStatus.OPEN: "open",
        m.ActionStatus.CANCELLED: "cancelled",
    }
    said = words.get(wanted.status or "", "in progress")
    return f"{ref} {said}" + (f": {wanted.note}" if wanted.note else "")


def _unknown_ref_context(
    session: Session, ref: Ref, near: m.Board | None, mine: list[m.Board], workspace_id: int
) -> dict:
    boards = [near] if near else mine or updates.workspace_boards(session, workspace_id, 5)
    examples = []
    for b in boards[:5]:
        prefixes = a.board_prefixes(session, b)
        last = a.last_refs(session, b, ref, prefixes) if ref.prefix else []
        near_refs = a.near_refs(session, b, ref, prefixes) if prefixes else []
        examples.append({"board": b, "near": near_refs[:3], "last": last[:2], "prefixes": prefixes})
    return {"ref": ref.text, "refs": examples}


def _merge(targets: list[_Target]) -> dict[int, tuple[m.Action, dict]] | str:
    """Each action's new values, in the order the message named them; a conflict is named."""
    merged: dict[int, tuple[m.Action, dict]] = {}
    for target in targets:
        w = target.wanted
        values = {"status": w.status, "due_on": w.due_on, "rag": w.rag, "progress": w.note}
        values = {k: v for k, v in values.items() if v is not None}
        for action in target.actions:
            _, existing = merged.setdefault(action.id, (action, {}))
            for name, value in values.items():
                if name in existing and existing[name] != value and name != "progress":
                    return action.ref
                existing[name] = (
                    value if name != "progress" or name not in existing else f"{existing[name]}; {value}"
                )
    return merged


def _apply(
    session: Session,
    claimed: m.UpdateRequest,
    actor: updates.Actor,
    request: MessageRequest,
    targets: list[_Target],
    slack: Lookups,
) -> Reply:
    merged = _merge(targets)
    if isinstance(merged, str):
        return not_understood(
            ParseProblem(Problem.AMBIGUOUS_STATUS, f"{merged} twice", None, f"{merged} done")
        )
    actions = [action for action, _ in merged.values()]
    refused = [(action, updates.permission(session, actor, action)) for action in actions]
    denied = [action for action, why in refused if why is None]
    if denied:
        claimed.outcome = m.UpdateOutcome.REFUSED.value
        return refusal(session, actor, denied)
    link = slack.permalink(request.channel_id, request.ts)
    note = request.text.strip()
    results = [
        updates.apply_changes(
            session, claimed, actor, action.id, values, now=request.now, note=note, link=link
        )
        for action, values in merged.values()
    ]
    moved = [
        {
            "refs": [act.ref for act in target.actions],
            "said": w.due_said,
            "from": w.due_moved_from,
            "to": w.due_on,
        }
        for target in targets
        if (w := target.wanted).due_moved_from is not None
    ]
    return applied_reply(results, request.now, via="message", moved=moved, private=request.is_direct_message)


def _undo(
    session: Session,
    claimed: m.UpdateRequest,
    actor: updates.Actor,
    request: MessageRequest,
    workspace_id: int,
    board: m.Board | None,
) -> Reply:
    if actor.person is None:
        boards = [board] if board else updates.workspace_boards(session, workspace_id, 5)
        return help_reply("not_a_person", board=boards[0] if boards else None, people=secretaries(boards))
    undone = updates.undo_last(session, claimed, actor, request.now)
    if undone.request is None:
        return help_reply("nothing_to_undo", too_old=undone.too_old, minutes=UNDO_MINUTES)
    by_action: dict[int, list[m.ActionUpdate]] = {}
    for row in undone.rows:
        by_action.setdefault(row.action_id, []).append(row)
    results = [
        updates.Applied(session.get_one(m.Action, action_id), rows) for action_id, rows in by_action.items()
    ]
    kept = [(change.action.ref, a.FIELD_LABELS.get(change.field, change.field)) for change in undone.kept]
    return applied_reply(results, request.now, via="undo", kept=kept, private=request.is_direct_message)
