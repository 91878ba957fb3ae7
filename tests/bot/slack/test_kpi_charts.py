"""A member asks for a KPI chart: the answer comes in the ack, the PNG is uploaded after it
(files.getUploadURLExternal, the upload, files.completeUploadExternal) to where they asked."""

from __future__ import annotations

import io
import json

from PIL import Image

from tests.fake_slack import Scripted


def test_asking_for_a_chart_uploads_a_png_after_the_answer(running, fake_slack):
    status, reply = running.command("/kpi", "show me a chart of first time entrants hwb")
    assert status == 200
    text = reply["text"]
    assert "a chart of *First time entrants to the youth justice system* is being posted" in text
    [asked] = fake_slack.calls_to("files.getUploadURLExternal")
    assert asked.body["filename"] == "cssa-fte-rate-chart.png"
    assert "Kensington and Chelsea: 196 (September 2022)" in asked.body["alt_txt"]
    [upload] = fake_slack.calls_to("upload")
    assert upload.body["bytes"] == int(asked.body["length"]) > 10_000
    [(done, files)] = fake_slack.uploaded()
    assert done.body["channel_id"] == "DDIRECT"  # the conversation the question came from
    assert json.loads(done.body["files"])[0]["title"].startswith("First time entrants")
    assert "for <@" in done.body["initial_comment"]
    image = Image.open(io.BytesIO(next(iter(files.values()))))
    assert image.format == "PNG" and image.width > 600


def test_the_chart_button_uploads_the_chart_and_leaves_the_message(running, fake_slack):
    status, reply = running.command("/kpi", "hwb yj-victims-count")
    assert status == 200
    [charts] = [b for b in reply["blocks"] if b.get("block_id") == "kpi_charts"]
    [button] = charts["elements"]
    assert button["action_id"] == "page_chart_1" and button["text"]["text"].startswith("Chart: Victims")
    assert fake_slack.calls_to("files.completeUploadExternal") == []
    status, _ = running.button({**button, "block_id": "kpi_charts"}, response_url=fake_slack.response_url())
    assert status == 200
    [(done, _)] = fake_slack.uploaded()
    assert done.body["channel_id"] == "DDIRECT"
    assert fake_slack.calls_to("respond") == []  # the KPI's message stays as it was


def test_a_refused_upload_is_told_to_the_asker(running, fake_slack):
    fake_slack.script("files.completeUploadExternal", Scripted(body={"ok": False, "error": "not_in_channel"}))
    status, _ = running.command("/kpi", "hwb reoffending chart", response_url=fake_slack.response_url())
    assert status == 200
    [told] = fake_slack.calls_to("respond")
    assert (
        "I could not post the chart of Reoffending - binary rate here (HTTP 200 not_in_channel)"
        in told.body["text"]
    )
    assert "/invite @BoardBot" in told.body["text"]
