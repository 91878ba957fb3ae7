"""A local console that needs no Slack account: commands typed as in Slack, through the same Bolt app.

Slash commands become Slack-shaped payloads dispatched to the app built by create_app; replies come
back in the ack. What the app sends to Slack afterwards (a page button's respond(), later a
reminder's chat.postMessage) goes to a fake Slack on loopback (bot/slack/fake.py) and is printed.
"""

from __future__ import annotations

import dataclasses
import json
import re
import sys
import time
from typing import Any, TextIO

from slack_bolt import BoltRequest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot import models as m
from bot.app import COMMANDS, create_app
from bot.config import Settings
from bot.render import plain
from bot.slack.fake import FakeSlack

CONSOLE_USER = "UCONSOLE"
CONSOLE_CHANNEL = "DCONSOLE"
BOLD_RE = re.compile(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])")
ITALIC_RE = re.compile(r"(?<![\w_])_([^_\n]+)_(?![\w_])")


class Console:
    def __init__(
        self,
        settings: Settings,
        sessions: sessionmaker[Session],
        *,
        team_id: str = "local",
        person: str | None = None,
        board: str | None = None,
        color: bool = False,
    ):
        self.slack = FakeSlack()
        self.response_url = self.slack.response_url("console")
        self.api_url = self.slack.api_url
        self.last_press = 0  # microseconds since the epoch of the last press's action_ts
        self.settings = settings
        self.clock = None
        self.app = create_app(
            dataclasses.replace(settings, slack_api_url=self.api_url), sessions, console=True
        )
        self.sessions = sessions
        self.team_id = team_id
        self.person = person
        self.board = board
        self.color = color
        self.buttons: list[dict[str, Any]] = []
        self.user_id = CONSOLE_USER
        if person:
            with sessions() as session:
                found = session.scalar(
                    select(m.Person)
                    .join(m.Workspace)
                    .where(m.Workspace.team_id == team_id, m.Person.key == person)
                )
                if found is None:
                    raise ValueError(f"no person '{person}' in workspace '{team_id}'")
                self.user_id = found.slack_user_id or CONSOLE_USER
                self.person_name = found.name

    def start_clock(self) -> None:
        """Run the reminder clock beside the console; what it sends shows before the next prompt."""
        from reminders.scheduler import start_background

        self.clock = start_background(
            self.settings, self.sessions, api_url=self.api_url, team_id=self.team_id
        )

    def remind_now(self) -> str:
        """One reminder run now (`!remind`), shown as it would arrive in Slack."""
        from reminders.run import run_now

        result = run_now(self.settings, self.sessions, api_url=self.api_url, team_id=self.team_id)
        shown = self.drain()
        return shown or f"No reminders are due now ({result.delivered} sent)."

    def close(self) -> None:
        if self.clock is not None:
            self.clock.shutdown(wait=False)
        self.slack.close()

    def _hints(self) -> dict[str, Any]:
        return {"boardbot_console": {"board": self.board, "person": self.person}}

    def run_line(self, line: str) -> str:
        """One line typed at the prompt, answered as text."""
        line = line.strip()
        if not line:
            return ""
        if re.fullmatch(r"!\d+", line):
            return self.press(int(line[1:]))
        if line == "!remind":
            return self.remind_now()
        if not line.startswith("/"):
            return "Type a command as in Slack, e.g. /nextmeeting or /boardbot help (quit to leave)."
        name, _, text = line[1:].partition(" ")
        if name not in {c.name for c in COMMANDS}:
            known = ", ".join(f"/{c.name}" for c in COMMANDS)
            return f"There is no /{name} command. The commands are {known}."
        payload = {
            "command": f"/{name}",
            "text": text,
            "team_id": self.team_id,
            "user_id": self.user_id,
            "channel_id": CONSOLE_CHANNEL,
            "channel_name": "directmessage",
            "response_url": self.response_url,
            "trigger_id": "console",
            **self._hints(),
        }
        response = self.app.dispatch(BoltRequest(body=payload, mode="socket_mode"))
        return self._show_response(response.status, response.body)

    def press(self, number: int) -> str:
        if not 1 <= number <= len(self.buttons):
            return f"There is no button {number} on the last reply."
        button = self.buttons[number - 1]
        body = {
            "type": "block_actions",
            "team": {"id": self.team_id},
            "user": {"id": self.user_id, "team_id": self.team_id},
            "channel": {"id": CONSOLE_CHANNEL, "name": "directmessage"},
            "response_url": self.response_url,
            "trigger_id": "console",
            "actions": [
                {
                    "action_id": button["action_id"],
                    "block_id": button.get("block_id", ""),
                    "value": button.get("value", ""),
                    "type": "button",
                    "action_ts": self._action_ts(),
                }
            ],
            **self._hints(),
        }
        self.app.dispatch(BoltRequest(body=body, mode="socket_mode"))
        return self.drain()

    def _action_ts(self) -> str:
        """Slack's action_ts for a press, later than the last: a press is claimed under it, so each
        press is its own event (in this console and in any later one)."""
        self.last_press = max(time.time_ns() // 1000, self.last_press + 1)
        return f"{self.last_press // 1_000_000}.{self.last_press % 1_000_000:06d}"

    def drain(self) -> str:
        """Show the messages the app sent to 'Slack' since the last look."""
        shown = []
        for call in self.slack.take():
            message = call.body
            if "text" not in message and "blocks" not in message:
                continue  # auth.test, users.info, conversations.open: questions, not messages
            to = message.get("channel")
            heading = [self._dim(f"→ to {to}")] if to and call.method.startswith("chat.") else []
            shown.append(
                "\n".join([*heading, self.render(message.get("blocks") or [], message.get("text", ""))])
            )
        return "\n".join(shown)

    def _show_response(self, status: int, body: str) -> str:
        if status != 200:
            return f"(the app answered HTTP {status})"
        reply = json.loads(body) if body else {}
        shown = self.render(reply.get("blocks") or [], reply.get("text", ""))
        later = self.drain()
        return "\n".join(part for part in (shown, later) if part)

    def render(self, blocks: list[dict[str, Any]], text: str) -> str:
        """Block Kit as a person would read it on a terminal."""
        lines: list[str] = []
        self.buttons = []
        if not blocks:
            return self._style(plain(text))
        for block in blocks:
            kind = block.get("type")
            if kind in ("section", "header") and block.get("text"):
                lines.append(self._style(plain(block["text"]["text"])))
            if block.get("fields"):
                for field in block["fields"]:
                    label, _, value = plain(field["text"]).partition("\n")
                    lines.append(self._style(f"{label}: {value}" if value else label))
            if kind == "context":
                lines.append(self._dim(" ".join(plain(e.get("text", "")) for e in block.get("elements", []))))
            if kind == "divider":
                lines.append("─" * 60)
            if kind == "actions":
                labels = []
                for element in block.get("elements", []):
                    if element.get("type") == "button":
                        self.buttons.append({**element, "block_id": block.get("block_id", "")})
                        labels.append(f"[!{len(self.buttons)} {element['text']['text']}]")
                lines.append("  ".join(labels))
        return "\n".join(lines)

    def _style(self, text: str) -> str:
        if not self.color:
            return BOLD_RE.sub(r"\1", ITALIC_RE.sub(r"\1", text))
        return BOLD_RE.sub("\033[1m\\1\033[0m", ITALIC_RE.sub("\033[3m\\1\033[0m", text))

    def _dim(self, text: str) -> str:
        return f"\033[2m{self._style(text)}\033[0m" if self.color else self._style(text)

    def banner(self) -> str:
        who = (
            f"{self.person_name} ({self.person})"
            if self.person
            else "a workspace member who is not in the records"
        )
        board = (
            f"board {self.board}" if self.board else "no board chosen (name one in a command, or use --board)"
        )
        return (
            f"BoardBot console: you are {who}; {board}.\n"
            "Type commands as in Slack (/boardbot help lists them), !N to press button N, "
            "!remind to run the reminders now, quit to leave."
        )


def interact(console: Console, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout) -> None:
    interactive = stdin.isatty()
    print(console.banner(), file=stdout)
    if interactive:
        console.start_clock()
    while True:
        if interactive:
            fired = console.drain()
            if fired:
                print(fired, file=stdout)
            print("\nboardbot> ", end="", file=stdout, flush=True)
        line = stdin.readline()
        if not line or line.strip() in ("quit", "exit", "\\q"):
            break
        if not interactive and line.strip():
            print(f"\n> {line.strip()}", file=stdout)
        print(console.run_line(line), file=stdout, flush=True)
