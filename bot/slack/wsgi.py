"""The WSGI application gunicorn serves: Slack's requests at /slack/events, nothing else.

Run by `gunicorn 'bot.slack.wsgi:make_application()'` (the Procfile's web line), one app per worker.
"""

from __future__ import annotations

import logging

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

from bot.app import create_app
from bot.config import Settings
from bot.db import check_schema, make_engine, make_sessions

EVENTS_PATH = "/slack/events"


class SlackWSGI:
    def __init__(self, app: App):
        self.handler = SlackRequestHandler(app)

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") == EVENTS_PATH:
            if environ.get("REQUEST_METHOD") != "POST":
                start_response("405 Method Not Allowed", [("Allow", "POST"), ("Content-Type", "text/plain")])
                return [b"Slack posts its requests here.\n"]
            return self.handler(environ, start_response)
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"Not found. BoardBot listens at /slack/events.\n"]


def make_application(settings: Settings | None = None) -> SlackWSGI:
    settings = settings or Settings.from_env()
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if not settings.slack_signing_secret:
        raise SystemExit("SLACK_SIGNING_SECRET is not set: HTTP mode needs it to verify Slack's requests.")
    engine = make_engine(settings.database_url, pool_pre_ping=True)
    check_schema(engine)
    return SlackWSGI(create_app(settings, make_sessions(engine)))
