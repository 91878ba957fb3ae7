"""A bare Bolt app, served as the web process is: the floor under BoardBot's figures.

    python -m bench.bare        # like `python -m bot.slack.asgi`: uvicorn on $PORT, WEB_CONCURRENCY

One command listener that acks a short text, with the settings BoardBot's own app reads
(SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_API_URL), behind the same ASGI layer (size limit,
signature on the raw bytes, thread pool) at /slack/events.
"""

from __future__ import annotations

import os
import re

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.config import Settings
from bot.slack.asgi import DEFAULT_THREADS, SlackASGI, env_int, serve


def make_application() -> SlackASGI:
    secret = os.environ["SLACK_SIGNING_SECRET"]
    app = App(
        signing_secret=secret,
        client=WebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"]),
        process_before_response=True,
    )

    @app.command(re.compile(r"^/"))
    def answer(ack: Ack) -> None:
        ack(text="ok")

    return SlackASGI(app, secret, threads=env_int("WEB_THREADS", DEFAULT_THREADS))


if __name__ == "__main__":
    raise SystemExit(serve(Settings.from_env(), "bench.bare:make_application"))
