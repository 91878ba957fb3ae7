"""Thin listener for Stop watching on watch lists, the Home tab and notices (commands/watch.py).

On a list the answer replaces it (what was removed, how to watch again, the watches left). On a notice
(value `watch:<id>:notice`) it comes privately beneath, as the other reminder buttons answer, and the
message stays: a daily message carries other reminders. On the Home tab, which has no response_url,
it comes by DM and the tab is published again (bot.slack.home.refreshing).
"""

from __future__ import annotations

import re

from slack_bolt import Ack
from slack_sdk import WebClient
from sqlalchemy.orm import Session, sessionmaker

from bot import clock
from bot.config import Settings
from bot.db import in_transaction
from bot.reply import Reply
from bot.request import CommandRequest
from bot.slack.after import AFTER, respond
from bot.slack.listeners import tell
from bot.slack.payloads import origin_of
from commands import watch

WATCH_RE = re.compile(r"^watch:(\d{1,12})(:notice)?$")
STALE = "That button is from an older message; `/boardbot watches` lists your watches."


def stop_button(sessions: sessionmaker[Session], settings: Settings, *, trust_console: bool = False):
    def listener(ack: Ack, body: dict, action: dict, client: WebClient) -> None:
        ack()
        origin = origin_of(body, trust_console=trust_console)
        found = WATCH_RE.match(str(action.get("value") or ""))
        if found is None:
            reply = Reply(blocks=[], text=STALE)
        else:
            request = CommandRequest.parse(
                "boardbot",
                "",
                team_id=origin.team_id,
                user_id=origin.user_id,
                channel_id=origin.channel_id,
                is_direct_message=origin.is_direct_message,
                now=clock.now(settings),
                board_hint=origin.board_hint,
                person_hint=origin.person_hint,
            )
            watch_id, on_notice = int(found.group(1)), found.group(2) is not None
            reply = in_transaction(
                sessions, lambda session: watch.stop(request, session, watch_id, on_notice=on_notice)
            )
        user = origin.user_id
        if (body.get("container") or {}).get("type") == "view":
            tell(client, user, None, reply)
            return
        url = body.get("response_url")
        message = {"replace_original": bool(reply.extra.get("replace")), **reply.as_slack()}
        AFTER.later("watch stopped", user, lambda: respond(url, user, "watch stopped", **message))

    listener.__name__ = "watch_stop"
    return listener
