"""Search from the Home tab and Stop watching, end to end: Slack-signed requests to the running app,
views.open, views.publish, chat.postMessage and response_url posts recorded at the fake Slack."""

from __future__ import annotations

import json
from datetime import datetime
from urllib.parse import urlencode

from slack_sdk.models.views import View
from sqlalchemy import select

from bot import models as m
from bot.db import make_sessions
from bot.render import plain
from tests.bot.slack.test_events import link_people
from tests.bot.slack.test_home import HEAVY, add_heavy_user, open_home, press_on_home, published, words
from tests.fake_slack import view_of
from tests.slack_limits import assert_fits_slack, check_view


def opened(fake_slack) -> list[dict]:
    """The modals opened, checked as Slack would check them."""
    views = []
    for call in fake_slack.calls_to("views.open"):
        assert call.body["trigger_id"] == "1.2.3"  # the press's own trigger
        view = view_of(call.body)
        View(**view).validate_json()
        check_view(view, "search modal")
        views.append(view)
    return views


def said(view: dict) -> str:
    return plain(words(view))


def enter_in_box(running, user: str, typed: str) -> None:
    """Enter in the Home tab's box: dispatch_action sends the typed words as the action's value."""
    press_on_home(
        running,
        user,
        {"action_id": "home_search", "block_id": "home_search", "type": "plain_text_input", "value": typed},
    )


def press_search(running, user: str, typed: str | None) -> None:
    """The Search button beside the box: the press carries the Home tab's state (the box's words)."""
    box = {} if typed is None else {"type": "plain_text_input", "value": typed}
    payload = {
        "type": "block_actions",
        "team": {"id": "local"},
        "user": {"id": user, "team_id": "local"},
        "container": {"type": "view", "view_id": "VHOME"},
        "view": {"id": "VHOME", "type": "home", "state": {"values": {"home_search": {"home_search": box}}}},
        "trigger_id": "1.2.3",
        "actions": [
            {"action_id": "home_search_go", "block_id": "home_search_go", "type": "button", "value": "search",
             "action_ts": "1693555300.000002"}
        ],
    }  # fmt: skip
    status, _ = running.post(urlencode({"payload": json.dumps(payload)}))
    assert status == 200


def search_again(running, user: str, typed: str | None) -> dict:
    """The modal's own Search (a view_submission); its answer is the HTTP response."""
    payload = {
        "type": "view_submission",
        "team": {"id": "local"},
        "user": {"id": user, "team_id": "local"},
        "trigger_id": "1.2.3",
        "view": {
            "id": "VSEARCH",
            "type": "modal",
            "callback_id": "home_search_modal",
            "private_metadata": "",
            "state": {"values": {"words": {"words": {"type": "plain_text_input", "value": typed}}}},
        },
    }
    status, body = running.post(urlencode({"payload": json.dumps(payload)}))
    assert status == 200
    return json.loads(body)


def test_the_home_tab_has_a_search_box_that_searches_on_enter(running, fake_slack, demo_db):
    link_people(demo_db)
    open_home(running, "UKIRAN")
    [home] = published(fake_slack, "UKIRAN")
    [box] = [b for b in home["blocks"] if b.get("block_id") == "home_search"]
    assert box["type"] == "input" and box["dispatch_action"] is True
    assert box["element"]["dispatch_action_config"] == {"trigger_actions_on": ["on_enter_pressed"]}
    enter_in_box(running, "UKIRAN", "better care fund")
    [modal] = opened(fake_slack)
    assert modal["callback_id"] == "home_search_modal"
    assert "match “better care fund”" in said(modal)
    assert "BETTER CARE FUND" in said(modal).split("\n1. ", 1)[1].split("\n2. ", 1)[0]
    assert len(published(fake_slack, "UKIRAN")) == 1  # searching changes nothing: the tab stays as it is


def test_the_search_button_reads_the_box_and_an_empty_box_is_told_what_to_type(running, fake_slack, demo_db):
    link_people(demo_db)
    press_search(running, "UKIRAN", "what did we decide about the better care fund?")
    [found] = opened(fake_slack)  # once its modal is open: the answers are made in the background
    press_search(running, "UKIRAN", "")
    press_search(running, "UKIRAN", None)  # Slack leaves an untouched box out of the value
    _, empty, untouched = opened(fake_slack)
    assert "Also searched: “BCF” for “better care fund”" in said(found)
    for view in (empty, untouched):
        assert "Nothing to search for yet: type a few words in the box" in said(view)


def test_the_modal_searches_again_a_typo_and_nonsense_and_refuses_an_empty_box(running, fake_slack, demo_db):
    link_people(demo_db)
    typo = search_again(running, "UKIRAN", "beter care fund")
    assert typo["response_action"] == "update"
    View(**typo["view"]).validate_json()
    check_view(typo["view"], "search modal")
    assert "BETTER CARE FUND" in said(typo["view"]) and "2 of your 3 words" in said(typo["view"])
    nonsense = search_again(running, "UKIRAN", "xqzvk")
    assert "Nothing matches “xqzvk”" in said(nonsense["view"])
    empty = search_again(running, "UKIRAN", "  ")
    assert empty == {
        "response_action": "errors",
        "errors": {"words": "Type a few words to look for, e.g. better care fund."},
    }


def test_restricted_items_never_show_in_the_home_search(running, fake_slack, demo_db):
    link_people(demo_db, {"josh-rendall": "UJOSH"})  # the HWB's co-chair
    with make_sessions(demo_db).begin() as session:
        item = session.scalar(select(m.AgendaItem).where(m.AgendaItem.title == "BETTER CARE FUND 2023-24"))
        item.restricted = True
    enter_in_box(running, "UJOSH", "better care fund")
    [modal] = opened(fake_slack)
    assert "Item 10 BETTER CARE FUND 2023-24" not in said(modal)
    assert "Restricted (Part 2) items are searched only for the board's members, in a DM" in said(modal)
    _, in_dm = running.command("/boardbot", "search better care fund", user_id="UJOSH")
    shown_in_dm = plain(json.dumps(in_dm["blocks"])).replace("*", "")
    assert "(restricted): Item 10 BETTER CARE FUND 2023-24" in shown_in_dm


def watch_buttons(blocks: list[dict]) -> list[dict]:
    return [b["accessory"] for b in blocks if (b.get("accessory") or {}).get("action_id") == "watch_stop"]


def test_stop_watching_on_the_watches_list_replaces_it_and_a_second_press_says_already_gone(
    running, fake_slack, demo_db
):
    link_people(demo_db)
    running.command("/boardbot", "watch better care fund", user_id="UKIRAN")
    running.command("/boardbot", "watch youth justice", user_id="UKIRAN")
    _, listed = running.command("/boardbot", "watches", user_id="UKIRAN")
    assert_fits_slack(listed)
    first, _ = watch_buttons(listed["blocks"])
    element = {**first, "action_ts": "1693555300.000003"}
    running.button(element, user={"id": "UKIRAN", "team_id": "local"}, response_url=fake_slack.response_url())
    running.button(element, user={"id": "UKIRAN", "team_id": "local"}, response_url=fake_slack.response_url())
    done, again = [c.body for c in fake_slack.calls_to("respond")]
    assert done["replace_original"] is True and done["response_type"] == "ephemeral"
    assert "Done: I no longer watch “better care fund” for you. To watch it again: `/boardbot watch better care fund`." in done["text"]  # fmt: skip
    assert len(watch_buttons(done["blocks"])) == 1  # youth justice, still with its button
    assert "That watch was already removed, so there was nothing to stop." in again["text"]
    running.button(element, user={"id": "UMARIA", "team_id": "local"}, response_url=fake_slack.response_url())
    assert "That watch was already removed" in fake_slack.calls_to("respond")[-1].body["text"]


def test_someone_elses_press_leaves_the_watch_and_the_message(running, fake_slack, demo_db):
    link_people(demo_db)
    running.command("/boardbot", "watch carers", user_id="UKIRAN")
    _, listed = running.command("/boardbot", "watches", user_id="UKIRAN")
    [button] = watch_buttons(listed["blocks"])
    element = {**button, "action_ts": "1693555300.000004"}
    running.button(element, user={"id": "UMARIA", "team_id": "local"}, response_url=fake_slack.response_url())
    [answer] = [c.body for c in fake_slack.calls_to("respond")]
    assert answer["replace_original"] is False and "That watch is someone else's" in answer["text"]
    with make_sessions(demo_db)() as session:
        assert session.scalars(select(m.SearchWatch.words)).all() == ["carers"]


def test_stop_watching_on_the_home_tab_answers_by_dm_and_republishes(running, fake_slack, demo_db):
    link_people(demo_db)
    running.command("/boardbot", "watch better care fund", user_id="UKIRAN")
    open_home(running, "UKIRAN")
    home = published(fake_slack, "UKIRAN")[-1]
    assert "1. better care fund · since Fri 1 Sep 2023" in words(home)
    [button] = watch_buttons(home["blocks"])
    press_on_home(running, "UKIRAN", button)
    [dm] = [c.body for c in fake_slack.calls_to("chat.postMessage") if c.body.get("channel") == "UKIRAN"]
    assert "To watch it again: `/boardbot watch better care fund`" in dm["text"]
    assert "Your watches (saved searches" in words(published(fake_slack, "UKIRAN")[-1])
    assert "none yet" in words(published(fake_slack, "UKIRAN")[-1])


def test_a_heavy_users_home_with_twenty_watches_stays_within_100_blocks(running, fake_slack, demo_db):
    add_heavy_user(demo_db)
    with make_sessions(demo_db).begin() as session:
        heavy = session.scalar(select(m.Person).where(m.Person.slack_user_id == HEAVY))
        for n in range(20):
            session.add(m.SearchWatch(person_id=heavy.id, words=f"topic {n} " * 20, created_at=datetime(2023, 8, n + 1),
                                      after_entry_id=0))  # fmt: skip
    open_home(running, HEAVY)
    [view] = published(fake_slack, HEAVY)  # checked against Slack's limits, 100 blocks among them
    assert len(watch_buttons(view["blocks"])) == 5
    assert "And 15 more: `/boardbot watches` lists them all" in words(view)
    assert "No reminders delivered to you yet" in words(view)  # the last block: nothing was cut
