"""/boardbot search and @BoardBot questions, as members ask them on the demo boards."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from bot import models as m
from bot.db import make_sessions
from bot.reply import Reply
from bot.search import query
from commands import help as boardbot
from commands import search
from commands.update import MessageRequest
from tests.helpers import SEPT_2023, ask, text_of
from tests.slack_limits import assert_fits_slack


def searching(engine, words: str, **kwargs):
    return ask(engine, boardbot.run, "boardbot", f"search {words}", **kwargs)


def read(reply: Reply) -> str:
    """Every block's text as a member reads it (the fallback text is clipped)."""
    texts = [b["text"]["text"] for b in reply.blocks if "text" in b]
    texts += [e["text"] for b in reply.blocks for e in b.get("elements", []) if "text" in e]
    return text_of(Reply(blocks=[], text="\n".join(texts)))


def says(engine, words: str, **kwargs) -> str:
    return read(searching(engine, words, **kwargs))


def restrict(engine, title: str) -> None:
    with make_sessions(engine).begin() as session:
        session.scalar(select(m.AgendaItem).where(m.AgendaItem.title == title)).restricted = True


def test_a_member_asks_what_was_decided_about_the_better_care_fund(demo_db):
    reply = searching(demo_db, "what did we decide about the better care fund?")
    text = read(reply)
    assert "match “what did we decide about the better care fund?”" in text
    assert "Also searched: “BCF” for “better care fund”" in text
    first = text.split("1. ", 1)[1].split("\n2. ", 1)[0]
    assert "BETTER CARE FUND" in first and "HWB · meeting of" in first
    assert "*BCF*" in json.dumps(reply.blocks) or "*Better*" in json.dumps(reply.blocks)  # matched words bold
    assert_fits_slack(reply)


@pytest.mark.parametrize(
    "words, expected",
    [
        ("youth justice first time entrants", "First time entrants to the youth justice system"),
        ("FTE", "First time entrants to the youth justice system"),
        ("LAC placements", "Looked After Children in"),
        ("memory cafe", "FPS-12 Circulate the number of places in memory cafe drop-in sessions"),
        ("Memory Café!", "FPS-12 Circulate the number of places in memory cafe drop-in sessions"),
    ],
)
def test_members_phrasings_find_what_they_mean(demo_db, words, expected):
    assert expected in says(demo_db, words)


def test_naming_the_board_last_keeps_to_that_board(demo_db):
    text = says(demo_db, "better care fund fps")
    assert "of Family and People Services Policy and Scrutiny Committee match" in text
    assert "HWB ·" not in text and "FPS P&S ·" in text


@pytest.mark.parametrize(
    "words",
    [
        "carers in the health and wellbeing board",
        "carers Health & Wellbeing Board",
        "what did the health and wellbeing board say about carers?",
        "hwb carers",
    ],
)
def test_a_board_named_in_full_keeps_the_search_to_it(demo_db, words):
    text = says(demo_db, words)
    assert "of Health & Wellbeing Board match" in text
    assert "Be told of new matches: `/boardbot watch carers`" in text  # the board's words are not searched


@pytest.mark.parametrize("words", ["health inequalities", "health and wellbeing strategy"])
def test_words_of_a_boards_name_without_a_board_noun_are_searched_everywhere(demo_db, words):
    text = says(demo_db, words)
    assert f"passages match “{words}”" in text and " of Health & Wellbeing Board" not in text
    assert f"`/boardbot watch {words}`" in text  # every word searched, and a watch of them as typed


def test_more_matches_than_are_ranked_says_more_than(demo_db, monkeypatch):
    monkeypatch.setattr(query, "CANDIDATES", 5)
    text = says(demo_db, "better care fund")
    assert "More than 5 passages match “better care fund”, those with the most of your words first" in text


def test_nothing_found_says_what_was_searched_and_what_might_work(demo_db):
    text = says(demo_db, "xylophone quokka")
    assert "Nothing matches “xylophone quokka”. I searched for xylophone, quokka." in text
    assert "Try other or fewer words" in text and "`/agenda fps`" in text
    text = says(demo_db, "what about the NEETs quokka in hwb")
    assert "NEET" in text or "Nothing" not in text


def test_a_typo_finds_nothing_and_says_so_plainly(demo_db):
    text = says(demo_db, "betr cair fnd")
    assert "Nothing matches “betr cair fnd”" in text and "check the spelling" in text


def test_search_alone_explains_itself(demo_db):
    assert "Say what to look for after `search`" in read(ask(demo_db, boardbot.run, "boardbot", "search"))


@pytest.mark.parametrize(
    "raw",
    ['"better care', "fund' OR 1=1; --", "NEAR(fund care) AND *", "<!channel> fund", "care & <b>fund</b>"],
)
def test_raw_input_is_searched_as_words_and_echoed_escaped(demo_db, raw):
    reply = searching(demo_db, raw)
    assert "&lt;!channel&gt;" in reply.text or "<!channel>" not in raw
    assert "<!channel>" not in json.dumps(reply.blocks)
    assert_fits_slack(reply)


def test_a_passage_holding_slack_markup_is_shown_escaped(demo_db):
    with make_sessions(demo_db).begin() as session:
        item = session.scalar(select(m.AgendaItem).where(m.AgendaItem.title == "BETTER CARE FUND 2023-24"))
        item.purpose = "Quokka plan <!channel> & *everyone* <@U0123ABC> <b>bold</b>"
    reply = searching(demo_db, "quokka")
    blob = json.dumps(reply.blocks, ensure_ascii=False)
    assert "&lt;!channel&gt; &amp; ∗everyone∗ &lt;@U0123ABC&gt; bold" in blob  # HTML tags left out
    assert "*Quokka*" in blob


def test_restricted_items_only_for_members_in_a_dm(demo_db):
    restrict(demo_db, "BETTER CARE FUND 2023-24")
    member, outsider = "josh-rendall", "jonathan-glanz"  # HWB co-chair; FPS committee only
    assert "(restricted): Item 10 BETTER CARE FUND 2023-24" in says(
        demo_db, "better care fund", person_hint=member
    )
    assert "Item 10 BETTER CARE FUND 2023-24" not in says(demo_db, "better care fund", person_hint=outsider)
    in_channel = says(demo_db, "better care fund", person_hint=member, dm=False, channel_id="CHWB")
    assert "Item 10 BETTER CARE FUND 2023-24" not in in_channel
    assert "Restricted (Part 2) items are searched only for the board's members, in a DM" in in_channel
    shared = says(demo_db, "better care fund share", person_hint=member)
    assert "Item 10 BETTER CARE FUND 2023-24" not in shared


def mention(text: str, *, dm: bool = False, thread_ts: str | None = None) -> MessageRequest:
    return MessageRequest(
        "local",
        "UJOSH",
        "DJOSH" if dm else "CHWB",
        "1693555200.000100",
        text,
        SEPT_2023,
        dm,
        thread_ts,
        mentioned=not dm,
        person_key="josh-rendall",
    )


def answer_to(engine, request: MessageRequest) -> str | None:
    with make_sessions(engine)() as session:
        reply = search.from_message(request, session)
    return read(reply) if reply else None


def test_a_mention_with_a_question_or_search_is_answered_in_its_thread(demo_db):
    restrict(demo_db, "BETTER CARE FUND 2023-24")
    text = answer_to(demo_db, mention("<@UBOT> what did we decide about the better care fund?"))
    assert text and "BETTER CARE FUND" in text
    assert "Item 10 BETTER CARE FUND 2023-24" not in text  # a thread in a channel is not private
    assert "Item 10 BETTER CARE FUND 2023-24" in answer_to(
        demo_db, mention("search better care fund", dm=True)
    )
    assert "First time entrants" in answer_to(demo_db, mention("@BoardBot search FTE", dm=True))


@pytest.mark.parametrize(
    "text, dm, thread",
    [
        ("<@UBOT> HWB-2 done", False, None),
        ("HWB-2 in progress: a note", True, None),
        ("search x", True, "1.2"),
    ],
)
def test_updates_and_thread_replies_are_not_searches(demo_db, text, dm, thread):
    assert answer_to(demo_db, mention(text, dm=dm, thread_ts=thread)) is None


def test_help_lists_search_and_watch(demo_db):
    text = read(ask(demo_db, boardbot.run, "boardbot", "help"))
    assert "/boardbot search `words`" in text and "/boardbot watch `words`" in text


@pytest.mark.parametrize(
    "words, watch",
    [
        ("looked after children placements", "looked after children placements"),  # "after" makes LAC
        ("what did we decide about the better care fund?", "better care fund"),
        ("carers in the health and wellbeing board", "carers"),
    ],
)
def test_the_watch_offered_keeps_the_words_a_watch_would(demo_db, words, watch):
    assert f"Be told of new matches: `/boardbot watch {watch}`" in says(demo_db, words)


def test_a_board_named_with_only_stop_words_besides_searches_the_name_within_it(demo_db):
    text = says(demo_db, "what is the health and wellbeing board?")
    assert "passages of Health & Wellbeing Board match" in text
    assert "`/boardbot watch health and wellbeing board`" in text  # never the stop words alone


def test_no_watch_is_offered_for_stop_words_alone(demo_db):
    assert "Be told of new matches" not in says(demo_db, "what is the")
