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
import tempfile
from contextlib import ExitStack
from pathlib import Path
from typing import Any, TextIO

from slack_bolt import BoltRequest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot import clock
from bot import models as m
from bot.app import COMMANDS, create_app
from bot.config import Settings
from bot.console_choices import choose_board, choose_person
from bot.console_forms import Form, FormProblem
from bot.render import plain
from bot.slack.fake import FakeSlack
from bot.standins import stand_ins

CONSOLE_USER = "UCONSOLE"
CONSOLE_CHANNEL = "DCONSOLE"
BOARD_CHANNEL = "CCONSOLE"  # the channel of --board when the board has none on Slack
UPLOADS = Path(tempfile.gettempdir()) / "boardbot-console"  # files BoardBot uploaded, to open
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
        slack_ids: str | None = None,
    ):
        self.slack = FakeSlack()
        self.response_url = self.slack.response_url("console")
        self.api_url = self.slack.api_url
        self.settings = settings
        self.clock = None
        self.sessions = sessions
        self.team_id = team_id
        self.color = color
        self.buttons: list[dict[str, Any]] = []
        self.form: Form | None = None
        self.home_opened = False  # !home asked for the Home tab: show the next one published
        self.last_post: tuple[str, str] | None = None  # (channel, ts) of BoardBot's last message to you
        self.exits = ExitStack()
        self.stand_ins = self.exits.enter_context(stand_ins(sessions, team_id, slack_ids))
        try:
            self.person, self.person_name, self.user_id = self._person(person)
            self.board, self.board_name, self.channel = self._board(board)
        except ValueError:
            self.exits.close()
            self.slack.close()
            raise
        self.app = create_app(
            dataclasses.replace(settings, slack_api_url=self.api_url), sessions, console=True
        )

    def _person(self, key: str | None) -> tuple[str | None, str, str]:
        """--as: the person's key, name and Slack id (the console's own when they have none)."""
        if not key:
            return None, "", CONSOLE_USER
        with self.sessions() as session:
            found = choose_person(session, self.team_id, key)
            return found.key, found.name, found.slack_user_id or CONSOLE_USER

    def _board(self, words: str | None) -> tuple[str | None, str, str]:
        """--board: the board's key, name and channel (a stand-in when it has none on Slack)."""
        if not words:
            return None, "", CONSOLE_CHANNEL
        with self.sessions() as session:
            found = choose_board(session, self.team_id, words)
            return found.key, found.name, found.slack_channel or BOARD_CHANNEL

    def start_clock(self) -> None:
        """Run the reminder clock beside the console; what it sends shows before the next prompt."""
        from reminders.scheduler import start_background

        self.clock = start_background(
            self.settings, self.sessions, api_url=self.api_url, team_id=self.team_id
        )

    def remind_now(self) -> str:
        """One reminder run now (`!remind`), shown as it would arrive in Slack, then the reminders
        nobody on Slack could be sent, by whom they are for."""
        from reminders.run import plan_reminders, run_now

        result = run_now(self.settings, self.sessions, api_url=self.api_url, team_id=self.team_id)
        shown = self.drain()
        with self.sessions() as session:
            plan = plan_reminders(
                session, clock.now(self.settings), team_id=self.team_id, keep_unreachable=True
            )
            unsent = [(r.recipient.name, r.summary) for r in plan.unreachable]
            session.rollback()
        lines = [shown or f"No reminders are due now ({result.delivered} sent)."]
        if unsent:
            lines.append(f"\nNot sent, nobody on Slack to send them to ({len(unsent)}):")
            lines += [f"  {name}: {summary}" for name, summary in sorted(unsent)]
            lines.append("(`--slack-ids demo` gives the demo people stand-in Slack ids, to see these sent.)")
        return "\n".join(lines)

    def close(self) -> None:
        if self.clock is not None:
            self.clock.shutdown(wait=False)
        self.exits.close()
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
        if line == "!home":
            return self.open_home()
        if line == "!form" or line.startswith("!form "):
            return self.submit_form(line[len("!form") :])
        if line == "!cancel":
            self.form = None
            return "Form closed; nothing was sent."
        if line.startswith("!reply "):
            return self.reply_in_thread(line[len("!reply ") :])
        if line.startswith("!"):
            return "!N presses button N; !remind, !home, !form name=value…, !cancel, !reply TEXT (quit to leave)."
        if not line.startswith("/"):
            return self.say(line)
        name, _, text = line[1:].partition(" ")
        if name not in {c.name for c in COMMANDS}:
            known = ", ".join(f"/{c.name}" for c in COMMANDS)
            return f"There is no /{name} command. The commands are {known}."
        payload = {
            "command": f"/{name}",
            "text": text,
            "team_id": self.team_id,
            "user_id": self.user_id,
            "channel_id": self.channel,
            "channel_name": "directmessage" if self.channel == CONSOLE_CHANNEL else self.board,
            "response_url": self.response_url,
            "trigger_id": self._trigger_id(),
            **self._hints(),
        }
        response = self.app.dispatch(BoltRequest(body=payload, mode="socket_mode"))
        return self._show_response(response.status, response.body)

    def say(self, text: str, thread: tuple[str, str] | None = None) -> str:
        """A plain message to BoardBot, as Slack delivers it: a DM, an @mention in the --board's
        channel, or (`thread`) a reply in a thread under BoardBot's message."""
        ts = self.slack.next_ts()
        event: dict[str, Any] = {"type": "message", "user": self.user_id, "text": text, "ts": ts}
        if thread is not None:
            channel, thread_ts = thread
            event.update(channel=channel, thread_ts=thread_ts, parent_user_id="UBOT")
        elif self.board:
            channel = self.channel
            event.update(type="app_mention", text=f"<@UBOT> {text}")
        else:
            channel = CONSOLE_CHANNEL
        event.update(channel=channel, channel_type="im" if channel.startswith("D") else "channel")
        body = {
            "type": "event_callback",
            "team_id": self.team_id,
            "event_id": f"Ev{ts.replace('.', '')}",
            "event": event,
            **self._hints(),
        }
        response = self.app.dispatch(BoltRequest(body=body, mode="socket_mode"))
        if response.status != 200:
            return f"(the app answered HTTP {response.status})"
        return self.drain() or "(BoardBot did not answer: it answers only messages it can act on here)"

    def open_home(self) -> str:
        """`!home`: open BoardBot's Home tab, as Slack's app_home_opened event does."""
        event = {"type": "app_home_opened", "user": self.user_id, "tab": "home", "channel": CONSOLE_CHANNEL}
        body = {"type": "event_callback", "team_id": self.team_id, "event": event, **self._hints()}
        self.home_opened = True
        self.app.dispatch(BoltRequest(body=body, mode="socket_mode"))
        return self.drain()

    def reply_in_thread(self, text: str) -> str:
        """`!reply`: in the thread of BoardBot's last message to you (your DM, or --board's channel)."""
        if self.last_post is None:
            return "BoardBot has sent you no message to reply to yet."
        return self.say(text, thread=self.last_post)

    def submit_form(self, line: str) -> str:
        """`!form name=value …`: fill in the open form and submit it as Slack would."""
        if self.form is None:
            return "No form is open (one opens with e.g. /boardbot action add, or a New date button)."
        if not line.strip():
            return self.form.show()
        with self.sessions() as session:
            people = session.scalars(
                select(m.Person).join(m.Workspace).where(m.Workspace.team_id == self.team_id)
            )
            user_ids = {p.key: p.slack_user_id for p in people if p.slack_user_id}
            boards = session.scalars(
                select(m.Board).join(m.Workspace).where(m.Workspace.team_id == self.team_id)
            )
            aliases = {b.key: b.name for b in boards}
        try:
            state = self.form.fill(line, user_ids, aliases)
        except FormProblem as problem:
            return str(problem)
        view = {**self.form.view, "id": f"VCONSOLE{self.slack.next_ts().replace('.', '')}", "state": state}
        body = {
            "type": "view_submission",
            "team": {"id": self.team_id},
            "user": {"id": self.user_id, "team_id": self.team_id},
            "trigger_id": self._trigger_id(),
            "view": view,
            **self._hints(),
        }
        response = self.app.dispatch(BoltRequest(body=body, mode="socket_mode"))
        answer = json.loads(response.body) if response.body else {}
        if answer.get("response_action") == "errors":
            problems = "\n".join(f"  [{k}] {v}" for k, v in answer.get("errors", {}).items())
            return f"The form was not accepted; correct these and submit again:\n{problems}"
        if answer.get("response_action") == "update":  # the form's own answer replaces it
            self.form = Form(answer["view"])
            return self._style(self.form.show())
        self.form = None
        return self.drain()

    def press(self, number: int) -> str:
        if not 1 <= number <= len(self.buttons):
            return f"There is no button {number} on the last reply."
        button = self.buttons[number - 1]
        body = {
            "type": "block_actions",
            "team": {"id": self.team_id},
            "user": {"id": self.user_id, "team_id": self.team_id},
            "channel": {
                "id": self.channel,
                "name": "directmessage" if self.channel[:1] == "D" else self.board,
            },
            "response_url": self.response_url,
            "trigger_id": self._trigger_id(),
            "actions": [
                {
                    "action_id": button["action_id"],
                    "block_id": button.get("block_id", ""),
                    "value": button.get("value", ""),
                    "type": "button",
                    "action_ts": self.slack.next_ts(),
                }
            ],
            **self._hints(),
        }
        if button.get("home"):  # as Slack sends a Home tab press: no response_url; the tab is republished
            body["container"] = {"type": "view", "view_id": "VCONSOLEHOME"}
            body.pop("response_url")
            self.home_opened = True
        if button.get("message"):
            body["container"] = {"channel_id": button["message"][0], "message_ts": button["message"][1]}
            body["channel"] = {"id": button["message"][0]}
        self.app.dispatch(BoltRequest(body=body, mode="socket_mode"))
        shown, self.home_opened = self.drain(), False  # a press that opened a form publishes no tab
        return shown

    def _trigger_id(self) -> str:
        """Each interaction's own trigger_id, as Slack gives (a press is claimed under its action_ts)."""
        return f"console.{self.slack.next_ts()}"

    def drain(self, keep: bool = False) -> str:
        """Show the messages the app sent to 'Slack' since the last look, and any form it opened;
        their buttons are numbered on from the last reply's when `keep`, else from 1."""
        shown = []
        for call in self.slack.take():
            message = call.body
            if call.method == "files.completeUploadExternal":
                shown.append(self._dim(self.show_upload(call)))
                continue
            if call.method == "views.publish":  # the Home tab: shown when opened with !home
                if not self.home_opened:
                    continue
                self.home_opened = False
                view = message.get("view") or {}
                view = json.loads(view) if isinstance(view, str) else view
                before = len(self.buttons) if keep else 0
                shown.append(
                    self._dim("── Home tab ──") + "\n" + self.render(view.get("blocks") or [], "", keep=keep)
                )
                for button in self.buttons[before:]:
                    button["home"] = True  # pressed on the Home tab: the tab is the answer
                keep = True
                continue
            if call.method in ("views.open", "views.push") and isinstance(message.get("view"), dict | str):
                view = message["view"]
                self.form = Form(json.loads(view) if isinstance(view, str) else view)
                shown.append(self._style(self.form.show()))
                continue
            if "text" not in message and "blocks" not in message:
                continue  # auth.test, users.info, conversations.open: questions, not messages
            to = message.get("channel")
            posted = (call.answer.get("channel"), call.answer.get("ts"))
            heading = []
            if to and call.method.startswith("chat."):
                if to != CONSOLE_CHANNEL:
                    who = self.stand_ins.get(to) or (
                        f"the channel of {self.board}" if to == self.channel else ""
                    )
                    if to.startswith("D") and (name := self.stand_ins.get("U" + to[1:])):
                        who = f"the direct messages of {name}"
                    heading = [self._dim(f"→ to {to}" + (f" ({who})" if who else ""))]
                yours = {CONSOLE_CHANNEL, self.channel, self.user_id, "D" + self.user_id[1:]}
                if call.method == "chat.postMessage" and all(posted) and to in yours:
                    self.last_post = (str(posted[0]), str(message.get("thread_ts") or posted[1]))
            blocks = message.get("blocks") or []
            if isinstance(blocks, str):
                blocks = json.loads(blocks)
            before = len(self.buttons) if keep else 0
            shown.append("\n".join([*heading, self.render(blocks, message.get("text", ""), keep=keep)]))
            keep = True
            if call.method == "chat.postMessage" and all(posted):
                for button in self.buttons[before:]:
                    button["message"] = (str(posted[0]), str(message.get("thread_ts") or posted[1]))
        return "\n".join(shown)

    def show_upload(self, call: Any) -> str:
        """Where the files an upload shared were written, with their titles and alt text."""
        UPLOADS.mkdir(exist_ok=True)
        said = plain(call.body.get("initial_comment", ""))
        lines = [f"→ file upload to {call.body.get('channel_id') or 'no channel'}: {said}"]
        for shared in call.answer.get("files", []):
            path = UPLOADS / f"{shared['id']}-{shared['name']}"
            path.write_bytes(self.slack.uploads[shared["id"]])
            alt = self.slack.files[shared["id"]].get("alt_txt") or "none"
            lines.append(f"  {shared['title']}: PNG written to {path}\n  alt text: {alt}")
        return "\n".join(lines)

    def _show_response(self, status: int, body: str) -> str:
        if status != 200:
            return f"(the app answered HTTP {status})"
        reply = json.loads(body) if body else {}
        shown = self.render(reply.get("blocks") or [], reply.get("text", ""))
        later = self.drain(keep=True)
        return "\n".join(part for part in (shown, later) if part)

    def render(self, blocks: list[dict[str, Any]], text: str, keep: bool = False) -> str:
        """Block Kit as a person would read it on a terminal; buttons numbered on when `keep`."""
        lines: list[str] = []
        if not keep:
            self.buttons = []
        if not blocks:
            return self._style(plain(text))
        for block in blocks:
            kind = block.get("type")
            if kind in ("section", "header") and block.get("text"):
                lines.append(self._style(plain(block["text"]["text"])))
            if (accessory := block.get("accessory") or {}).get("type") == "button":  # the Home tab's
                self.buttons.append({**accessory, "block_id": block.get("block_id", "")})
                lines.append(f"[!{len(self.buttons)} {accessory['text']['text']}]")
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
        where = (
            f"in the channel of {self.board_name} ({self.board}): messages are @BoardBot mentions"
            if self.board
            else "in a direct message with BoardBot; no board chosen (name one, or use --board)"
        )
        ids = f"\n{len(self.stand_ins)} people and boards have stand-in Slack ids." if self.stand_ins else ""
        return (
            f"BoardBot console: you are {who}, {where}.{ids}\n"
            "Type commands as in Slack (/boardbot help lists them) or a message (HWB-2 done); "
            "!N presses button N, !form fills in a form, !reply TEXT answers in BoardBot's last thread, "
            "!remind runs the reminders now, !home opens the Home tab, quit leaves."
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
