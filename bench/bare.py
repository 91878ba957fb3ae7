"""A bare Bolt app, served by the web process's gunicorn config: the floor under BoardBot's figures.

    gunicorn --config bot/slack/gunicorn_conf.py 'bench.bare:make_application()'

One command listener that acks a short text, with the settings BoardBot's own app reads
(SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_API_URL), at /slack/events like `bot.slack.wsgi`.
"""

from __future__ import annotations

import os
import re

from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient


def make_application() -> SlackRequestHandler:
    app = App(
        signing_secret=os.environ["SLACK_SIGNING_SECRET"],
        client=WebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"]),
        process_before_response=True,
    )

    @app.command(re.compile(r"^/"))
    def answer(ack: Ack) -> None:
        ack(text="ok")

    return SlackRequestHandler(app)
