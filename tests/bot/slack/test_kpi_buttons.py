"""A KPI search's detail buttons, pressed over HTTP, answer with that KPI's history."""

from __future__ import annotations


def test_a_kpis_detail_button_shows_its_history(running, fake_slack):
    status, reply = running.command("/kpi", "hwb reoffending")
    assert status == 200
    [details] = [b for b in reply["blocks"] if b.get("block_id") == "kpi_details"]
    second = details["elements"][1]
    assert second["action_id"] == "page_open_2"
    status, _ = running.button(
        {**second, "block_id": "kpi_details"},
        response_url=fake_slack.response_url(),
    )
    assert status == 200
    [call] = fake_slack.calls_to("respond")
    assert call.body["replace_original"] is True
    assert "Reoffending - frequency rate per reoffender" in call.body["text"]
    assert "• Apr20-Mar21 cohort: *1.75 offences per reoffender*" in call.body["text"]
