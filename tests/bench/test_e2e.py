"""bench.e2e: its requests pass Slack's signature check, and a short run measures every command
through the web process (uvicorn), beside the bare Bolt app."""

from __future__ import annotations

import json

from slack_sdk.signature import SignatureVerifier

from bench.e2e import SECRET, main, p99, signed_body


def test_requests_are_signed_as_slack_signs_them():
    body, headers = signed_body("/kpi", "hwb lac", "DBENCH", "local")
    assert SignatureVerifier(SECRET).is_valid(
        body=body.decode(),
        timestamp=headers["X-Slack-Request-Timestamp"],
        signature=headers["X-Slack-Signature"],
    )


def test_p99_is_a_measured_value():
    assert p99([float(n) for n in range(1, 101)]) == 100.0
    assert p99([3.0]) == 3.0


def test_a_short_run_on_the_demo_data(tmp_path):
    out = tmp_path / "figures.json"
    assert main(["--demo", "--requests", "3", "--clients", "1,2", "--boards", "1", "--json", str(out)]) == 0
    figures = json.loads(out.read_text())
    servers = {row["app"] for row in figures["rows"]}
    assert len(servers) == 2 and "bare" in servers
    assert {row["n"] for row in figures["rows"]} == {3}
    commands = {row["command"] for row in figures["rows"]}
    assert len(commands) == 12 and {"/boardbot search", "/boardbot search KEY"} <= commands
    assert all(0 < mb < 1000 for worker in figures["peak_rss_mb"].values() for mb in worker.values())
