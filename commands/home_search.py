"""Search from the Home tab: the same search as `/boardbot search`, its results in a modal.

The Home tab's box (Enter, or its Search button) opens the results, and the modal's own box searches
again. A modal is shown only to the person, but it is not a DM: like the Home tab, and like
`/boardbot search` anywhere but a DM, it leaves restricted (Part 2) passages out and says where to
ask for them. The Home tab promises restricted items never appear on it; its modal keeps that promise.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy.orm import Session

from bot.blockkit import fit_view
from bot.render import render_blocks
from bot.request import CommandRequest
from bot.search.words import STOP_WORDS, question
from commands import search

BOX = "words"  # the modal's input: block id and action id
MAX_WORDS = 200  # what the box takes; longer is not a search anyone types
EMPTY_BOX = "Type a few words to look for, e.g. better care fund."  # told beside a submitted empty box


def home_request(request: CommandRequest) -> CommandRequest:
    """The request as the Home tab asks it: never a DM, never shared (its words as typed, "share" too)."""
    return replace(request, channel_id=None, is_direct_message=False, share=False)


def search_view(session: Session, request: CommandRequest) -> dict[str, Any]:
    """The modal for the words in `request.text`: their results, or what to type when there are none."""
    request = home_request(request)
    asked = request.text[:MAX_WORDS]
    common = bool(asked) and all(w.word in STOP_WORDS for w in question(asked).words)
    view: dict[str, Any] = render_blocks("home_search_modal.json.j2", asked=asked, common=common)  # type: ignore[assignment]
    for block in view["blocks"]:
        if block.get("block_id") == BOX and asked:
            block["element"]["initial_value"] = asked  # plain text: as typed, not escaped for mrkdwn
    if asked and not common:
        view["blocks"] += search.answer(request, session, asked.split()).blocks
    return fit_view(view)
