"""The Attending and Send apologies buttons on /nextmeeting and the meeting notices (value `meeting:<id>`)."""

from __future__ import annotations

import re

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from sqlalchemy.orm import Session, sessionmaker

from bot import clock
from bot import models as m
from bot.config import Settings
from bot.db import in_transaction
from bot.reply import Reply
from bot.slack.after import AFTER, respond
from bot.slack.events import SlackLookups
from bot.slack.payloads import origin_of
from commands import apologies

MEETING_RE = re.compile(r"^meeting:(\d{1,12})$")
STATUS = {
    "attendance_attending": m.AttendanceStatus.ATTENDING,
    "attendance_apologies": m.AttendanceStatus.APOLOGIES,
}


def attendance_button(sessions: sessionmaker[Session], settings: Settings, *, trust_console: bool = False):
    """Record the presser's reply for the meeting and answer them privately, after the ack."""

    def listener(ack: Ack, body: dict, action: dict, client: WebClient, context: BoltContext) -> None:
        ack()
        origin = origin_of(body, trust_console=trust_console)
        found = MEETING_RE.match(action.get("value") or "")
        lookups = SlackLookups(client, context)
        if found is None:
            answer = apologies.stale()
        else:
            answer = in_transaction(
                sessions,
                lambda session: apologies.press(
                    origin.team_id,
                    origin.user_id,
                    int(found.group(1)),
                    STATUS[action["action_id"]],
                    clock.now(settings),
                    session,
                    lookups,
                    origin.person_hint,
                ),
            )
        _tell(body, answer, client)

    return listener


def _tell(body: dict, answer: Reply, client: WebClient) -> None:
    """Answer privately where the press was; a press on the Home tab (no response_url) by DM."""
    url, user = body.get("response_url"), (body.get("user") or {}).get("id")
    if not url and user:
        AFTER.later(
            "attendance answer",
            user,
            lambda: client.chat_postMessage(channel=user, text=answer.text, blocks=answer.blocks),
        )
        return
    message = {
        "replace_original": False,
        "response_type": "ephemeral",
        "text": answer.text,
        "blocks": answer.blocks,
    }
    AFTER.later("attendance answer", user, lambda: respond(url, user, "attendance answer", **message))
