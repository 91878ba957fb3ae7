"""/boardbot search WORDS (and "@BoardBot search …" or a question): what the boards have said about it.

Searches agenda items, actions, KPIs and the boards' documents page by page (bot.search), in the
asker's workspace: one board when the words name one in full, by name, short name or key ("LAC hwb",
"carers in the health and wellbeing board"), else all.
Restricted (Part 2) passages only for members of their board, in a DM (bot.boards.can_see_restricted).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import models as m
from bot import search as s
from bot import updates
from bot.boards import can_see_restricted, named_in_full, person_for, team_boards
from bot.render import reply
from bot.reply import Reply
from bot.request import CommandRequest
from bot.search.present import shown_all
from bot.search.words import STOP_WORDS, as_watched, tokens
from commands.update import MessageRequest

VERBS = ("search", "find")
MENTION_RE = re.compile(r"<@[UW][A-Z0-9]{2,20}(?:\|[^>]*)?>")
REF_RE = re.compile(r"\b[A-Za-z]{1,10}-\d{1,6}\b")  # an action's reference, as bot.actions writes them
QUESTION_STARTS = frozenset(
    "what when where which who whom why how did does do is are was were has have any".split()
)


def command(request: CommandRequest, session: Session, slack: updates.Directory | None = None) -> Reply:
    """`/boardbot search WORDS`: the words after the subcommand's own."""
    words = request.words[1:] if request.words and request.words[0].lower() in VERBS else request.words
    return answer(request, session, words)


def from_message(request: MessageRequest, session: Session) -> Reply | None:
    """A search asked in a message: "@BoardBot search …", or a question ("what did we decide about
    the BCF?") at the top of a DM or in a mention; None for anything else (an action update)."""
    if request.thread_ts not in (None, request.ts) or not (request.mentioned or request.is_direct_message):
        return None  # a thread reply is about the thread's actions
    words = MENTION_RE.sub(" ", request.text).split()
    while words and words[0].startswith("@"):
        words = words[1:]  # "@BoardBot" written out, as in a DM or the console
    if not words:
        return None
    first = words[0].lower().strip(",:")
    question = first in QUESTION_STARTS and words[-1].endswith("?") and not REF_RE.search(request.text)
    if first not in VERBS and not question:
        return None  # "is A-12 done?" stays with the updates, which say how to ask about one action
    asked = CommandRequest.parse(
        "boardbot",
        " ".join(words[1:] if first in VERBS else words),
        team_id=request.team_id,
        user_id=request.user_id,
        channel_id=request.channel_id,
        is_direct_message=request.is_direct_message,
        now=request.now,
        board_hint=request.board_key,
        person_hint=request.person_key,
    )
    asked = replace(asked, share=not request.is_direct_message)  # a mention is answered in its thread
    return answer(asked, session, asked.words)


def answer(request: CommandRequest, session: Session, words: list[str]) -> Reply:
    """The passages matching the words, best first, or what was searched and what might work."""
    boards = list(session.scalars(team_boards(request)))
    asked = " ".join(words).strip()
    if not boards:
        return reply("search.json.j2", problem="no_boards", asked=asked, **_empty())
    if not asked:
        return reply("search.json.j2", problem="usage", asked="", **_empty(example=boards[0]))
    named, rest = named_in_full(session, request, words)
    if named is not None and any(t not in STOP_WORDS for w in rest for t in tokens(w)):
        words = rest  # "carers in the health and wellbeing board": carers, in that board
    scope = [named] if named is not None else boards
    person = person_for(session, request)
    # the boards they have a seat on, in one query, before asking each whether it holds today
    seats = (
        set(session.scalars(select(m.Membership.board_id).where(m.Membership.person_id == person.id)))
        if person
        else set()
    )
    private = [b.id for b in scope if b.id in seats and can_see_restricted(session, request, person, b)]
    results = s.search(
        session,
        boards[0].workspace_id,
        " ".join(words),
        board_ids=[b.id for b in scope] if len(scope) == 1 else None,
        restricted_board_ids=private,
    )
    found = shown_all(session, results.hits, results.question.terms)
    return reply(
        "search.json.j2",
        problem=None if found else "nothing",
        asked=asked,
        searched=[w.word for w in results.question.words],
        watch_words=as_watched(" ".join(words)),
        synonyms=results.question.synonyms,
        shown=found,
        total=results.total,
        more=results.more,
        board=scope[0] if len(scope) == 1 else None,
        in_dm=request.is_direct_message and not request.share,
        example=boards[0],
    )


def _empty(example: m.Board | None = None) -> dict[str, Any]:
    return {
        "searched": [],
        "watch_words": "",
        "synonyms": [],
        "shown": [],
        "total": 0,
        "more": False,
        "board": None,
        "in_dm": False,
        "example": example,
    }
