"""/boardbot: help (and /boardbot alone), and the subcommands that record things.

- `/boardbot` · `/boardbot help`: what each command does, with examples.
- `/boardbot paper submitted [board] ITEM`: commands/paper.py.
- `/boardbot settings [immediate|daily]`: how the asker's reminders come (commands/settings.py).
- `/boardbot action add`: the Record an action form (commands/record.py); the reply carries the form
  as `extra["view"]` and the Slack listener opens it with the command's trigger_id.
Anything else gets the help, headed "I don't know …".
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot import updates
from bot.render import reply
from bot.reply import Reply
from bot.request import CommandRequest
from commands import paper, record, settings

TOPICS = ("help", "")


def run(request: CommandRequest, session: Session, slack: updates.Directory | None = None) -> Reply:
    words = [w.lower() for w in request.words]
    word = words[0] if words else ""
    if word == "paper":
        return paper.run(request, session, slack)
    if word in ("settings", "setting"):
        return settings.run(request, session, request.words[1:])
    if words[:2] == ["action", "add"] or words[:2] == ["actions", "add"]:
        return record.command(request, session, slack)
    return reply("help.json.j2", public=request.share, unknown=None if word in TOPICS else request.text)
