"""Many workspaces: the OAuth install and uninstall through the served app, and two workspaces isolated.

The served app runs on loopback with SLACK_CLIENT_ID/SECRET set, against the fake Slack Web API (which
answers oauth.v2.access for codes the test makes valid, and auth.test per token). T1 holds the demo
boards with its words marked; T2 holds a look-alike copy (same board keys, same action refs), so a
leak would show as T1's mark in what a member of T2 is shown or posted.
"""

from __future__ import annotations

import html
import http.client
import json
import logging
import re
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from slack_bolt import BoltRequest
from slack_sdk.oauth.installation_store import Installation
from sqlalchemy import func, select, update

from bot import models as m
from bot.app import create_app
from bot.boarddata import load_files
from bot.config import ConfigError, Settings
from bot.db import make_sessions
from bot.manifest import BOT_SCOPES, manifest
from bot.slack import gate
from bot.slack.asgi import SlackASGI
from bot.slack.oauth import Installations, store_metadata
from bot.workspaces import start_up
from reminders.scheduler import each_workspace_job
from tests.bot.slack.conftest import DEMO_NOW, SECRET, Running
from tests.bot.slack.test_workspaces import main_with
from tests.conftest import DEMO_FILES, LOAD_TIME, engine_for

T1, T2 = "T1WESTMIN", "T2OTHER"
MARK = "T1ONLY"  # in every T1 action, KPI, agenda item and venue: never shown to T2
MONDAY = datetime(2023, 9, 4, 9, 30, tzinfo=UTC)  # reminders are due on both copies of the boards
LATER = datetime(2023, 9, 22, 9, 30, tzinfo=UTC)
KIRAN = {"T1WESTMIN": "U1KIRAN", "T2OTHER": "U2KIRAN"}  # kiran-hayer, lead of HWB-2, in each workspace


def build_two_workspaces(engine) -> None:
    """T1: the demo boards, their words marked; T2: the demo loaded again. Everyone linked to Slack."""
    sessions = make_sessions(engine)
    with sessions.begin() as session:
        session.execute(update(m.Workspace).where(m.Workspace.team_id == "local").values(team_id=T1))
    with sessions.begin() as session:
        result = load_files(session, DEMO_FILES, now=LOAD_TIME, team_id=T2)
        assert result.ok, result.problems
    with sessions.begin() as session:
        boards = select(m.Board.id).join(m.Workspace).where(m.Workspace.team_id == T1)
        for action in session.scalars(select(m.Action).where(m.Action.board_id.in_(boards))):
            action.description = f"{MARK} {action.description}"
        for kpi in session.scalars(select(m.Kpi).where(m.Kpi.board_id.in_(boards))):
            kpi.name = f"{MARK} {kpi.name}"
        for meeting in session.scalars(select(m.Meeting).where(m.Meeting.board_id.in_(boards))):
            meeting.venue = f"{MARK} {meeting.venue}"
        for item in session.scalars(
            select(m.AgendaItem).join(m.Meeting).where(m.Meeting.board_id.in_(boards))
        ):
            item.title = f"{MARK} {item.title}"
        for team_id, prefix in ((T1, "U1"), (T2, "U2")):  # everyone on Slack, so reminders reach them
            people = session.scalars(
                select(m.Person)
                .join(m.Workspace)
                .where(m.Workspace.team_id == team_id)
                .order_by(m.Person.key)
            )
            for number, person in enumerate(people):
                person.slack_user_id = (
                    KIRAN[team_id] if person.key == "kiran-hayer" else f"{prefix}{number:04d}"
                )


@pytest.fixture
def world_db(backend):
    """A database of two workspaces (built once a run, as a template: see tests/conftest.py)."""
    backend.demo_template()
    yield from engine_for(
        backend.fresh_url(backend.template("two_workspaces", build_two_workspaces, based_on="demo"))
    )


@pytest.fixture
def oauth_settings(world_db, fake_slack) -> Settings:
    return Settings(
        database_url=world_db.url.render_as_string(hide_password=False),
        slack_signing_secret=SECRET,
        slack_api_url=fake_slack.api_url,
        slack_client_id="1111.2222",
        slack_client_secret="client-secret",
        now=DEMO_NOW,
    )


@pytest.fixture
def installations(oauth_settings, world_db) -> Installations:
    return Installations.on(oauth_settings, world_db)


@pytest.fixture
def served(oauth_settings, world_db, installations):
    app = create_app(oauth_settings, make_sessions(world_db), installations=installations)
    server = Running(app, SlackASGI(app, SECRET, answer_seconds=10))  # timing is test_served's business
    yield server
    server.close()


def browse(server: Running, path: str, *, cookie: str | None = None, method: str = "GET", headers=None):
    """A browser's request: (status, lower-case headers, body); redirects are not followed."""
    host, port = urlsplit(server.url).netloc.split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.request(
            method, path, headers={**({"Cookie": cookie} if cookie else {}), **(headers or {})}
        )
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read().decode()
    finally:
        connection.close()


def installed_rows(engine, team_id: str) -> tuple[int, ...]:
    """The workspace's rows in slack_installations and slack_bots."""
    tables = store_metadata().tables
    with engine.connect() as connection:
        return tuple(
            connection.scalar(
                select(func.count()).select_from(tables[n]).where(tables[n].c.team_id == team_id)
            )
            for n in ("slack_installations", "slack_bots")
        )


def uninstalled_event(team_id: str, kind: str = "app_uninstalled", **event) -> str:
    return json.dumps(
        {
            "token": "x",
            "team_id": team_id,
            "api_app_id": "A0BOARDBOT",
            "type": "event_callback",
            "event_id": f"Ev{kind}{team_id}",
            "event_time": int(time.time()),
            "event": {"type": kind, **event},
        }
    )


# --- Installing and uninstalling -------------------------------------------------------------------


def test_a_workspace_installs_and_uninstalls_through_the_served_app(
    served, fake_slack, world_db, installations, caplog
):
    status, headers, page = browse(served, "/slack/install")
    assert status == 200
    cookie = headers["set-cookie"].split(";")[0]
    state = cookie.split("=", 1)[1]
    link = html.unescape(re.search(r'href="(https://slack.com/oauth/v2/authorize[^"]+)"', page)[1])
    asked = parse_qs(urlsplit(link).query)
    assert asked["client_id"] == ["1111.2222"] and asked["state"] == [state]
    assert asked["scope"] == [",".join(BOT_SCOPES)]  # the manifest's scopes, so they never drift

    token = fake_slack.install_code("code-from-slack", T2, "Other Borough")
    with caplog.at_level(logging.INFO, logger="bot.slack.oauth"):
        status, _, page = browse(
            served, f"/slack/oauth_redirect?code=code-from-slack&state={state}", cookie=cookie
        )
    assert status == 200, page
    assert installations.bot_token(T2) == token
    assert installed_rows(world_db, T2) == (1, 1)
    assert f"BoardBot installed in workspace {T2}; it has 2 boards here" in caplog.text
    [traded] = fake_slack.calls_to("oauth.v2.access")
    assert traded.body["code"] == "code-from-slack"

    # the state is used up: the same redirect again installs nothing
    status, _, _ = browse(served, f"/slack/oauth_redirect?code=code-from-slack&state={state}", cookie=cookie)
    assert status >= 400 and len(fake_slack.calls_to("oauth.v2.access")) == 1

    # T2's members are answered from T2's boards
    status, reply = served.command("/nextmeeting", "the health and wellbeing board", team_id=T2, user_id="U2")
    assert status == 200 and "Thursday 5 October 2023" in reply["text"] and MARK not in json.dumps(reply)

    with caplog.at_level(logging.WARNING, logger="bot.slack.oauth"):
        status, _ = served.post(uninstalled_event(T2), content_type="application/json")
    assert status == 200
    assert installations.bot_token(T2) is None and installed_rows(world_db, T2) == (0, 0)
    assert (
        f"BoardBot was uninstalled from workspace {T2}" in caplog.text and "its reminders stop" in caplog.text
    )


def test_an_install_needs_the_browser_that_began_it(served, fake_slack, installations):
    status, headers, _ = browse(served, "/slack/install")
    state = headers["set-cookie"].split(";")[0].split("=", 1)[1]
    fake_slack.install_code("code-1", T2, "Other Borough")
    status, _, _ = browse(served, f"/slack/oauth_redirect?code=code-1&state={state}")  # no cookie
    assert status == 400
    status, _, _ = browse(
        served, "/slack/oauth_redirect?code=code-1&state=forged", cookie="slack-app-oauth-state=forged"
    )
    assert status == 401
    assert fake_slack.calls_to("oauth.v2.access") == [] and installations.bot_token(T2) is None


def test_install_pages_are_read_with_get_and_keep_the_body_limit(served):
    assert browse(served, "/slack/install", method="POST")[0] == 405
    status, _, _ = browse(served, "/slack/install", headers={"Content-Length": "2000000"})
    assert status == 413


def test_without_oauth_there_are_no_install_pages(running):
    assert running.get("/slack/install")[0] == 404
    assert running.get("/slack/oauth_redirect?code=x&state=y")[0] == 404


def test_tokens_revoked_deletes_the_bot_token(served, installations, world_db, two_workspaces):
    event = uninstalled_event(T2, "tokens_revoked", tokens={"bot": ["UBOT"]})
    assert served.post(event, content_type="application/json")[0] == 200
    assert installations.bot_token(T2) is None and installations.bot_token(T1) is not None


def test_half_an_oauth_configuration_is_refused():
    with pytest.raises(ConfigError, match="Set both SLACK_CLIENT_ID and SLACK_CLIENT_SECRET"):
        Settings.from_env({"SLACK_CLIENT_ID": "1111.2222"})
    assert Settings.from_env({"SLACK_CLIENT_ID": "1", "SLACK_CLIENT_SECRET": "2"}).oauth


# --- Two workspaces --------------------------------------------------------------------------------


def install(installations: Installations, fake_slack, team_id: str) -> str:
    token = fake_slack.install_code(f"code-{team_id}", team_id, f"Workspace {team_id}")
    installations.store.save(
        Installation(
            app_id="A0BOARDBOT",
            enterprise_id=None,
            team_id=team_id,
            bot_token=token,
            bot_id="BBOT",
            bot_user_id="UBOT",
            bot_scopes=BOT_SCOPES,
            user_id="U0INSTALLER",
            installed_at=time.time(),
        )
    )
    return token


@pytest.fixture
def two_workspaces(installations, fake_slack) -> dict[str, str]:
    """T1 and T2 both installed: their bot tokens."""
    return {team_id: install(installations, fake_slack, team_id) for team_id in (T1, T2)}


def action_of(engine, team_id: str, ref: str) -> m.Action:
    with make_sessions(engine)() as session:
        return session.scalar(
            select(m.Action)
            .join(m.Board)
            .join(m.Workspace)
            .where(m.Workspace.team_id == team_id, m.Action.ref == ref)
        )


def said(fake_slack) -> str:
    """Everything the app sent Slack since the last look: replies, posts, forms."""
    return json.dumps([call.body for call in fake_slack.take()])


def tokens_used(calls) -> set[str]:
    return {call.headers.get("Authorization", "").removeprefix("Bearer ") for call in calls}


QUESTIONS = [  # (command, text, whether T1's answer shows T1's marked words)
    ("/nextmeeting", "", False),  # which board? (each workspace names its own)
    ("/nextmeeting", "the health and wellbeing board", True),
    ("/agenda", "hwb next", True),
    ("/agenda", "Family and People Services Policy and Scrutiny Committee 25 Nov", True),
    ("/kpi", "hwb", True),
    ("/kpi", "healthy weight Health & Wellbeing Board", True),
    ("/actions", "hwb", True),
    ("/actions", "HWB-2", True),
    ("/actions", "mine", True),
    ("/actions", "overdue helth and welbeing", False),  # a typo: which words were not understood
]


def test_a_member_of_one_workspace_is_never_shown_anothers_boards(served, fake_slack, two_workspaces):
    for command, text, marked in QUESTIONS:
        asked = f"{command} {text}"
        status, mine = served.command(command, text, team_id=T1, user_id=KIRAN[T1])
        assert status == 200 and (MARK in json.dumps(mine)) == marked, (asked, mine)
        status, theirs = served.command(command, text, team_id=T2, user_id=KIRAN[T2])
        assert status == 200 and theirs["text"] and MARK not in json.dumps(theirs), (asked, theirs)
        fake_slack.take()
        status, stranger = served.command(
            command, text, team_id="T3NOBODY", user_id="U3", response_url=fake_slack.response_url()
        )
        told = json.dumps(stranger) + said(fake_slack)  # Bolt answers a workspace not installed
        assert "install this app" in told.lower() and MARK not in told, (asked, told)


def test_page_buttons_page_the_askers_own_workspace(served, fake_slack, two_workspaces):
    for value in ({"c": "actions", "t": "hwb", "p": 2}, {"c": "kpi", "t": "hwb", "p": 2}):
        element = {"action_id": "page_next", "value": json.dumps(value), "type": "button", "block_id": "p"}
        fake_slack.take()
        status, _ = served.button(
            element,
            team={"id": T2},
            user={"id": KIRAN[T2], "team_id": T2},
            response_url=fake_slack.response_url(),
        )
        assert status == 200
        told = said(fake_slack)
        assert "HWB-" in told or "KPI" in told.upper(), told
        assert MARK not in told


def test_a_forged_button_or_form_naming_another_workspaces_action_changes_nothing(
    served, fake_slack, world_db, two_workspaces
):
    theirs = action_of(world_db, T1, "HWB-2")
    user = {"id": KIRAN[T2], "team_id": T2}
    for button in ("action_done", "action_blocked", "action_add_note", "action_new_date"):
        element = {"action_id": button, "value": f"action:{theirs.id}", "type": "button", "block_id": "x"}
        served.button(element, team={"id": T2}, user=user, response_url=fake_slack.response_url())
    for callback_id, values in (
        ("action_add_note_modal", {"note": {"value": {"type": "plain_text_input", "value": "forged"}}}),
        (
            "action_new_date_modal",
            {"due_on": {"value": {"type": "datepicker", "selected_date": "2023-12-01"}}},
        ),
    ):
        payload = {
            "type": "view_submission",
            "team": {"id": T2},
            "user": user,
            "trigger_id": "1.2.3",
            "view": {
                "id": "V1",
                "type": "modal",
                "callback_id": callback_id,
                "private_metadata": json.dumps({"a": theirs.id, "c": "D2", "t": None}),
                "state": {"values": values},
            },
        }
        assert served.post(urlencode({"payload": json.dumps(payload)}))[0] == 200
    after = action_of(world_db, T1, "HWB-2")
    assert (after.status, after.progress, after.due_on) == (theirs.status, theirs.progress, theirs.due_on)
    told = said(fake_slack)
    assert MARK not in told and "views.open" not in json.dumps([c.method for c in fake_slack.calls])


def test_a_dm_update_changes_the_senders_workspace_only_and_replies_with_its_token(
    served, fake_slack, world_db, two_workspaces
):
    event = {
        "type": "message",
        "channel": "D2KIRAN",
        "channel_type": "im",
        "user": KIRAN[T2],
        "text": "HWB-2 in progress: waiting for the ICB data",
        "ts": "1693555200.000101",
    }
    body = {
        "token": "x",
        "team_id": T2,
        "api_app_id": "A0BOARDBOT",
        "type": "event_callback",
        "event_id": "Ev2KIRAN1",
        "event_time": 1693555200,
        "event": event,
    }
    fake_slack.take()
    assert served.post(json.dumps(body), content_type="application/json")[0] == 200
    assert action_of(world_db, T2, "HWB-2").status == "in_progress"
    assert action_of(world_db, T1, "HWB-2").status == "open"
    calls = fake_slack.take()
    posts = [c for c in calls if c.method == "chat.postMessage"]
    assert posts and MARK not in json.dumps([c.body for c in posts])
    assert tokens_used(calls) == {two_workspaces[T2]}


def test_the_clock_reminds_each_workspace_with_its_own_token(
    oauth_settings, world_db, fake_slack, installations, two_workspaces, caplog
):
    sessions = make_sessions(world_db)
    team_of = {token: team_id for team_id, token in two_workspaces.items()}
    fake_slack.take()
    results = each_workspace_job(replace(oauth_settings, now=MONDAY), sessions, installations)
    assert len(results) == 2 and all(r.delivered and not r.failed for r in results)
    calls = [c for c in fake_slack.take() if c.method in ("chat.postMessage", "conversations.open")]
    posted_by = {team_id: [] for team_id in (T1, T2)}
    for call in calls:
        team_id = team_of[call.headers["Authorization"].removeprefix("Bearer ")]
        recipient = str(call.body.get("users") or call.body.get("channel"))
        assert recipient[:2] in ("U" + team_id[1], "D" + team_id[1]) or not recipient.startswith(
            ("U", "D")
        ), call
        posted_by[team_id].append(call.body)
    assert posted_by[T1] and posted_by[T2]
    assert MARK not in json.dumps(posted_by[T2]) and MARK in json.dumps(posted_by[T1])

    installations.store.delete_all(enterprise_id=None, team_id=T1)  # T1 uninstalls: its boards stay
    with caplog.at_level(logging.INFO, logger="reminders.scheduler"):
        results = each_workspace_job(replace(oauth_settings, now=LATER), sessions, installations)
    assert len(results) == 1 and results[0].delivered
    assert f"Reminders for workspace {T1} skipped: BoardBot is not installed there" in caplog.text
    assert tokens_used(c for c in fake_slack.take() if c.method == "chat.postMessage") == {two_workspaces[T2]}


def test_an_export_of_one_workspace_holds_only_its_boards(world_db, two_workspaces, tmp_path, capsys):
    assert main_with(world_db, ["export", "--workspace", T2, "-o", str(tmp_path / "t2.yaml")]) == 0
    theirs = (tmp_path / "t2.yaml").read_text()
    assert MARK not in theirs and T1 not in theirs and "HWB-2" in theirs and T2 in theirs
    assert main_with(world_db, ["export", "--workspace", T1]) == 0
    mine = capsys.readouterr().out
    assert MARK in mine and T2 not in mine
    assert main_with(world_db, ["export", "--workspace", "T3NOBODY"]) == 2
    assert f"No workspace T3NOBODY; the workspaces are: {T1}, {T2}" in capsys.readouterr().err


def test_the_install_pages_are_routed_only_when_serving_many_workspaces():
    for path in ("/slack/install", "/slack/oauth_redirect"):
        assert gate.route("GET", path).status == 404
        assert gate.route("GET", path, installs=True) is None
        assert gate.route("POST", path, installs=True).status == 405
    assert gate.route("POST", "/slack/events", installs=True) is None


def test_the_manifest_names_the_redirect_url_on_the_public_host():
    given = manifest("https://boardbot.example.gov.uk/slack/events")
    assert given["oauth_config"]["redirect_urls"] == ["https://boardbot.example.gov.uk/slack/oauth_redirect"]
    assert "redirect_urls" not in manifest()["oauth_config"]  # the placeholder: no URL to name
    assert "redirect_urls" not in manifest(socket_mode=True)["oauth_config"]
    assert {"app_uninstalled", "tokens_revoked"} <= set(
        given["settings"]["event_subscriptions"]["bot_events"]
    )


def test_local_boards_go_to_no_workspace_when_serving_many(demo_db, fake_slack, caplog):
    settings = Settings(slack_api_url=fake_slack.api_url, slack_client_id="1", slack_client_secret="2")
    with caplog.at_level(logging.WARNING, logger="bot.workspaces"):
        assert start_up(settings, make_sessions(demo_db)) is None
    assert "served to no workspace while BoardBot serves many" in caplog.text
    assert fake_slack.calls == []


def test_installs_never_finished_are_forgotten(installations):
    begun = installations.states.issue()
    assert installations.forget_abandoned(datetime.now(UTC)) == 0  # still within its ten minutes
    assert installations.forget_abandoned(datetime.now(UTC) + timedelta(minutes=11)) == 1
    assert installations.states.consume(begun) is False


def test_the_console_serves_one_workspace_when_the_environment_names_an_oauth_app(
    demo_db, fake_slack, monkeypatch
):
    """Bolt reads SLACK_CLIENT_ID/SECRET itself; the console (or Socket Mode) must still answer."""
    monkeypatch.setenv("SLACK_CLIENT_ID", "1111.2222")
    monkeypatch.setenv("SLACK_CLIENT_SECRET", "client-secret")
    settings = Settings.from_env({"SLACK_CLIENT_ID": "1111.2222", "SLACK_CLIENT_SECRET": "client-secret"})
    app = create_app(
        replace(settings, slack_api_url=fake_slack.api_url), make_sessions(demo_db), console=True
    )
    body = {
        "command": "/nextmeeting",
        "text": "the health and wellbeing board",
        "team_id": "local",
        "user_id": "U1",
        "channel_id": "D1",
        "channel_name": "directmessage",
    }
    response = app.dispatch(BoltRequest(body=body, mode="socket_mode"))
    assert response.status == 200 and "Thursday 5 October 2023" in response.body
    assert len(fake_slack.calls_to("auth.test")) == 1
