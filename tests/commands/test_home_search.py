"""Searching from the Home tab, as members type into its box on the demo boards: the modal it opens."""

from __future__ import annotations

import pytest
from slack_sdk.models.views import View

from bot.db import make_sessions, reading
from bot.render import plain
from bot.request import CommandRequest
from commands.home_search import search_view
from tests.commands.test_search import restrict, says
from tests.helpers import SEPT_2023
from tests.slack_limits import check_view

MEMBER = "josh-rendall"  # HWB co-chair
OUTSIDER = "jonathan-glanz"  # FPS committee only


def modal(engine, words: str, person: str | None = MEMBER, *, dm: bool = False) -> dict:
    request = CommandRequest.parse(
        "boardbot",
        words,
        team_id="local",
        user_id="UNOBODY",
        channel_id=None,
        is_direct_message=dm,
        now=SEPT_2023,
        person_hint=person,
    )
    with reading(make_sessions(engine)) as session:
        view = search_view(session, request)
    View(**view).validate_json()
    check_view(view, f"search modal for {words!r}")
    return view


def text(view: dict) -> str:
    parts = [b["text"]["text"] for b in view["blocks"] if b.get("text")]
    parts += [e.get("text", "") for b in view["blocks"] for e in b.get("elements", []) if "text" in e]
    return plain("\n".join(parts)).replace("*", "")


def box(view: dict) -> dict:
    [found] = [b for b in view["blocks"] if b.get("block_id") == "words"]
    return found["element"]


def test_a_member_searches_the_better_care_fund_and_sees_the_same_results_as_the_command(demo_db):
    view = modal(demo_db, "better care fund")
    said = text(view)
    assert view["type"] == "modal" and view["callback_id"] == "home_search_modal"
    assert box(view)["initial_value"] == "better care fund"  # the box keeps the words to refine them
    assert "match “better care fund”" in said and "Also searched: “BCF” for “better care fund”" in said
    first = said.split("1. ", 1)[1].split("\n2. ", 1)[0]
    assert "BETTER CARE FUND" in first
    hits = [line for line in said.splitlines() if line[:3] in {f"{n}. " for n in range(1, 10)}]
    assert len(hits) >= 3
    in_channel = says(demo_db, "better care fund", person_hint=MEMBER, dm=False, channel_id="CHWB")
    assert all(hit in in_channel for hit in hits)  # the same search, the same order


def test_a_question_in_a_members_words_with_the_board_named_last(demo_db):
    said = text(modal(demo_db, "what did we decide about looked after children hwb?"))
    assert "of Health & Wellbeing Board match" in said
    assert "FPS P&S ·" not in said


def test_a_typo_still_finds_the_words_spelt_right_and_says_how_many_matched(demo_db):
    said = text(modal(demo_db, "beter care fund"))
    assert "BETTER CARE FUND" in said and "2 of your 3 words" in said


def test_nonsense_says_nothing_matches_and_what_was_searched(demo_db):
    said = text(modal(demo_db, "xqzvk blorp"))
    assert "Nothing matches “xqzvk blorp”. I searched for xqzvk, blorp." in said
    assert "Try other or fewer words" in said


@pytest.mark.parametrize("words", ["", "   "])
def test_an_empty_box_says_what_to_type(demo_db, words):
    view = modal(demo_db, words)
    assert "Nothing to search for yet: type a few words in the box, e.g. `better care fund`" in text(view)
    assert "initial_value" not in box(view)


def test_only_common_words_says_to_add_the_words_that_matter(demo_db):
    said = text(modal(demo_db, "what was the"))
    assert "“what was the” has only common words" in said and "passages match" not in said


def test_restricted_items_stay_out_even_for_a_member_and_the_modal_says_where_to_ask(demo_db):
    restrict(demo_db, "BETTER CARE FUND 2023-24")
    assert "(restricted): Item 10 BETTER CARE FUND 2023-24" in says(
        demo_db, "better care fund", person_hint=MEMBER
    )  # in a DM, /boardbot search shows it to the member
    for person, dm in ((MEMBER, False), (MEMBER, True), (OUTSIDER, False), (None, False)):
        said = text(modal(demo_db, "better care fund", person, dm=dm))  # the Home tab is never a DM
        assert "Item 10 BETTER CARE FUND 2023-24" not in said and "(restricted)" not in said
        assert "Restricted (Part 2) items are searched only for the board's members, in a DM" in said


def test_raw_markup_is_kept_as_typed_in_the_box_and_escaped_in_the_results(demo_db):
    view = modal(demo_db, "<!channel> care & fund")
    assert box(view)["initial_value"] == "<!channel> care & fund"
    assert "<!channel>" not in str([b for b in view["blocks"] if b.get("type") != "input"])
