"""Stop watching buttons: on `/boardbot watches` and on the Home tab, for the watch's owner only."""

from __future__ import annotations

from sqlalchemy import select

from bot import models as m
from bot.db import in_transaction, make_sessions
from bot.reply import Reply
from bot.request import CommandRequest
from commands import help as boardbot
from commands import watch
from commands.home import home_view
from tests.helpers import SEPT_2023, ask, text_of
from tests.slack_limits import assert_fits_slack

MEMBER = "josh-rendall"


def boardbot_reply(engine, text: str, person: str = MEMBER) -> Reply:
    reply = ask(engine, boardbot.run, "boardbot", text, person_hint=person)
    assert_fits_slack(reply)
    return reply


def stop_buttons(blocks: list[dict]) -> list[dict]:
    return [b["accessory"] for b in blocks if (b.get("accessory") or {}).get("action_id") == "watch_stop"]


def press_stop(engine, value: str, person: str = MEMBER) -> Reply:
    """The Stop watching press as the listener runs it: the button's watch, the presser."""
    request = CommandRequest.parse(
        "boardbot", "", team_id="local", user_id="UNOBODY", channel_id="DDIRECT",
        is_direct_message=True, now=SEPT_2023, person_hint=person,
    )  # fmt: skip
    watch_id = int(value.removeprefix("watch:"))
    reply = in_transaction(make_sessions(engine), lambda session: watch.stop(request, session, watch_id))
    assert_fits_slack(reply)
    return reply


def words_watched(engine, person: str = MEMBER) -> list[str]:
    with make_sessions(engine)() as session:
        owner = session.scalar(select(m.Person).where(m.Person.key == person))
        return [w.words for w in watch.watches_of(session, owner)]


def test_each_watch_in_the_list_has_a_stop_watching_button(demo_db):
    boardbot_reply(demo_db, "watch better care fund")
    boardbot_reply(demo_db, "watch youth justice")
    listed = boardbot_reply(demo_db, "watches")
    buttons = stop_buttons(listed.blocks)
    assert [b["text"]["text"] for b in buttons] == ["Stop watching", "Stop watching"]
    assert all(b["value"].startswith("watch:") for b in buttons)
    said = text_of(listed)
    assert "1. better care fund" in said and "2. youth justice" in said
    assert "Stop watching removes a watch (so does `/boardbot unwatch N`" in said


def test_pressing_stop_watching_removes_it_and_says_how_to_watch_again(demo_db):
    boardbot_reply(demo_db, "watch better care fund")
    boardbot_reply(demo_db, "watch youth justice")
    first, _ = stop_buttons(boardbot_reply(demo_db, "watches").blocks)
    answer = press_stop(demo_db, first["value"])
    said = text_of(answer)
    assert "Done: I no longer watch “better care fund” for you." in said
    assert "To watch it again: `/boardbot watch better care fund`." in said
    assert "Still watching: “youth justice”." in said
    assert len(stop_buttons(answer.blocks)) == 1 and answer.extra["replace"]  # the list, brought up to date
    assert words_watched(demo_db) == ["youth justice"]


def test_a_second_press_on_a_removed_watch_says_it_was_already_removed(demo_db):
    boardbot_reply(demo_db, "watch better care fund")
    [button] = stop_buttons(boardbot_reply(demo_db, "watches").blocks)
    press_stop(demo_db, button["value"])
    again = text_of(press_stop(demo_db, button["value"]))
    assert "That watch was already removed, so there was nothing to stop. You watch nothing now." in again


def test_only_the_owner_can_stop_a_watch(demo_db):
    boardbot_reply(demo_db, "watch better care fund")
    [button] = stop_buttons(boardbot_reply(demo_db, "watches").blocks)
    answer = press_stop(demo_db, button["value"], person="jonathan-glanz")
    assert "That watch is someone else's: only the person who set it can stop it" in text_of(answer)
    assert not answer.extra.get("replace")
    assert words_watched(demo_db) == ["better care fund"]
    nobody = press_stop(demo_db, button["value"], person="no-such-person")
    assert "I can't find you in the board records" in text_of(nobody)
    assert words_watched(demo_db) == ["better care fund"]


def test_unwatch_by_number_also_says_how_to_watch_again(demo_db):
    boardbot_reply(demo_db, "watch carers")
    said = text_of(boardbot_reply(demo_db, "unwatch 1"))
    assert "no longer watch “carers”" in said and "To watch it again: `/boardbot watch carers`" in said
    assert "You watch nothing else." in said


def test_the_home_tab_lists_my_watches_with_stop_buttons_and_points_to_the_rest(demo_db):
    for words in ("better care fund", "youth justice", "carers", "dementia", "hospital discharge", "NEET"):
        boardbot_reply(demo_db, f"watch {words}")
    with make_sessions(demo_db)() as session:
        person = session.scalar(select(m.Person).where(m.Person.key == MEMBER))
        view = home_view(session, person, SEPT_2023)
    assert_fits_slack(view, "home with watches")
    said = text_of(
        Reply(blocks=[], text="\n".join(b["text"]["text"] for b in view["blocks"] if b.get("text")))
    )
    assert (
        "Your watches (saved searches" in said
        and "1. better care fund" in said
        and "5. hospital discharge" in said
    )
    assert len(stop_buttons(view["blocks"])) == 5
    context = [e["text"] for b in view["blocks"] if b["type"] == "context" for e in b["elements"]]
    assert any("And 1 more: `/boardbot watches` lists them all" in c for c in context)


def test_the_home_tab_says_how_to_watch_when_i_watch_nothing(demo_db):
    with make_sessions(demo_db)() as session:
        person = session.scalar(select(m.Person).where(m.Person.key == MEMBER))
        view = home_view(session, person, SEPT_2023)
    said = " ".join(b["text"]["text"] for b in view["blocks"] if b.get("text"))
    assert "none yet. `/boardbot watch better care fund` watches for new" in said
    assert stop_buttons(view["blocks"]) == []
