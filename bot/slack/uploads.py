"""Charts a reply asked for, drawn and uploaded after the ack (files_upload_v2), with alt text.

Drawing takes a moment and uploading is three Slack calls, so both run on the after-ack pool
(bot.slack.after): the reply itself (numbers, sparklines) reaches the asker first. An upload Slack
refuses (BoardBot not in the channel, say) is told to the asker by the request's response_url.
"""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.kpis.chart import ChartData, render_png
from bot.render import slack_escape
from bot.slack.after import AFTER, failure, reply_client, respond

log = logging.getLogger(__name__)

NOT_UPLOADED = (
    "I could not post the chart of {name} here ({why}). If this is a channel, invite BoardBot to it "
    "(`/invite @BoardBot`), or ask in a direct message with BoardBot."
)


def comment(chart: ChartData, user: str | None) -> str:
    """The message the chart is posted with: what it shows, and who asked."""
    asked = f", for <@{user}>" if user and user.isalnum() else ""
    return (
        f"Chart of *{slack_escape(chart.name)}* ({slack_escape(chart.board)}){asked}: "
        f"{slack_escape(chart.covers)}. The numbers are in the alt text and in "
        f"`/kpi {slack_escape(chart.board_key)} {slack_escape(chart.kpi_key)}`."
    )


def upload_chart(
    client: WebClient, chart: ChartData, channel: str | None, user: str | None, response_url: str | None
) -> None:
    """Draw `chart` and post it to `channel` after the ack; tell the asker if Slack refuses it."""

    def call() -> None:
        png = render_png(chart)
        try:
            reply_client(client).files_upload_v2(
                channel=channel,
                file=png,
                filename=chart.filename,
                title=chart.title,
                alt_txt=chart.alt_text,
                initial_comment=comment(chart, user),
            )
        except SlackApiError as error:
            log.warning("chart upload for %s failed: %s", user, failure(error))
            text = NOT_UPLOADED.format(name=slack_escape(chart.name), why=failure(error))
            respond(
                response_url,
                user,
                "chart-failed answer",
                text=text,
                response_type="ephemeral",
                replace_original=False,
            )

    AFTER.later("chart upload", user, call)
