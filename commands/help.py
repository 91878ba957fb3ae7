"""/boardbot help (and /boardbot alone): what each command does, with examples."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.render import reply
from bot.reply import Reply
from bot.request import CommandRequest

TOPICS = ("help", "")


def run(request: CommandRequest, session: Session) -> Reply:
    word = request.words[0].lower() if request.words else ""
    return reply("help.json.j2", public=request.share, unknown=None if word in TOPICS else request.text)
