"""Declarations of interest on the demo boards, asked the way members and the secretary ask."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import yaml
from sqlalchemy import select

from bot import models as m
from bot.boarddata.exporter import export_yaml
from bot.boarddata.loader import load_files
from bot.db import make_sessions
from commands import agenda, help
from commands.declare import parse
from tests.helpers import ask, text_of
from tests.slack_limits import assert_fits_slack


def boardbot(engine, text: str, person: str | None, **kwargs):
    return ask(engine, help.run, "boardbot", text, person_hint=person, **kwargs)


def declarations_in(engine) -> list[tuple[str, str, str, str | None, str | None]]:
    with make_sessions(engine)() as session:
        rows = session.scalars(select(m.Declaration).order_by(m.Declaration.id))
        return [
            (
                d.person.key,
                d.agenda_item.number,
                d.interest,
                d.kind,
                d.recorded_by.key if d.recorded_by else None,
            )
            for d in rows
        ]


def add_restricted_item(engine) -> None:
    """A Part 2 item on the HWB agenda of 5 October 2023 (the demo has none)."""
    with make_sessions(engine).begin() as session:
        meeting = session.scalar(select(m.Meeting).where(m.Meeting.key == "hwb-2023-10-05"))
        session.add(
            m.AgendaItem(
                meeting_id=meeting.id, number="11", position=1100, title="CONTRACT AWARD", restricted=True
            )
        )


@pytest.mark.parametrize(
    ("said", "item", "interest", "kind", "words", "for_words"),
    [
        ("hwb 6 interest my wife works for the ICB", "6", "my wife works for the ICB", None, ["hwb"], []),
        ("an interest in item 6: my wife works for the ICB", "6", "my wife works for the ICB", None, [], []),
        ("a pecuniary interest in item 7: shares in Acme", "7", "shares in Acme", "pecuniary", [], []),
        (
            "a non-pecuniary interest in item 7 on hwb: school governor",
            "7",
            "school governor",
            "non-pecuniary",
            ["hwb"],
            [],
        ),
        (
            "item 6 health and wellbeing board interest trustee",
            "6",
            "trustee",
            None,
            ["health", "and", "wellbeing", "board"],
            [],
        ),
        (
            "hwb 6 for lorraine dean interest her son works there",
            "6",
            "her son works there",
            None,
            ["hwb"],
            ["lorraine", "dean"],
        ),
        ("standing interest Trustee of Age UK", None, "Trustee of Age UK", None, [], []),
    ],
)
def test_declarations_are_read_as_typed_or_as_said(said, item, interest, kind, words, for_words):
    asked = parse(said)
    assert asked is not None
    assert (asked.item, asked.interest, asked.kind, asked.words, asked.for_words) == (
        item, interest, kind, words, for_words,
    )  # fmt: skip


def test_a_member_declares_in_plain_words_and_the_agenda_lists_it(demo_db):
    text = text_of(
        boardbot(demo_db, "declare an interest in item 6: my wife works for the ICB", "lorraine-dean")
    )
    assert "Recorded your declaration of an interest in item 6, SELF-EVALUATION FRAMEWORKS" in text
    assert "Health & Wellbeing Board meeting on Thu 5 Oct 2023: my wife works for the ICB" in text
    assert declarations_in(demo_db) == [("lorraine-dean", "6", "my wife works for the ICB", None, None)]
    shown = text_of(ask(demo_db, agenda.run, "agenda", "hwb next"))
    under_item_3 = shown.split("3. DECLARATIONS OF INTEREST")[1].split("4. MINUTES")[0]
    assert "Declared:\n• item 6: Councillor Lorraine Dean: my wife works for the ICB" in under_item_3


def test_the_kind_is_recorded_only_when_said_and_declaring_again_replaces(demo_db):
    boardbot(demo_db, "declare hwb 7 interest shares in a youth charity", "lorraine-dean")
    text = text_of(
        boardbot(
            demo_db,
            "declare a pecuniary interest in item 7 on the health and wellbeing board: 100 shares",
            "lorraine-dean",
        )
    )
    assert "declaration of a pecuniary interest in item 7, YOUTH JUSTICE PLANS" in text
    assert "It replaces: shares in a youth charity" in text
    assert declarations_in(demo_db) == [("lorraine-dean", "7", "100 shares", "pecuniary", None)]


def test_only_the_member_or_the_secretary_declares_for_a_member(demo_db):
    refused = text_of(boardbot(demo_db, "declare hwb 6 for lorraine dean interest x", "josh-rendall"))
    assert "only Councillor Lorraine Dean or the board secretary may declare" in refused
    assert declarations_in(demo_db) == []
    done = text_of(
        boardbot(demo_db, "declare hwb 6 for lorraine-dean interest her son works at the ICB", "maria-burton")
    )
    assert "Recorded Councillor Lorraine Dean’s declaration of an interest in item 6" in done
    assert declarations_in(demo_db) == [
        ("lorraine-dean", "6", "her son works at the ICB", None, "maria-burton")
    ]


def test_people_who_are_not_members_cannot_declare(demo_db):
    fps_chair = text_of(boardbot(demo_db, "declare hwb 6 interest x", "jonathan-glanz"))
    assert "You are not recorded as a member of Health & Wellbeing Board" in fps_chair
    stranger = text_of(boardbot(demo_db, "declare hwb 6 interest x", None, user_id="USTRANGER"))
    assert "I can't tell who you are" in stranger and "Maria Burton" in stranger
    assert declarations_in(demo_db) == []


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("declare hwb 42 interest x", "has no item 42. Nothing was recorded. Its items are 1, 2, 3"),
        ("declare hwb 6", "I didn't understand `/boardbot declare hwb 6`"),
        ("declare hwb interest my wife", "I didn't understand"),
        ("declare helth 6 interest x", "Nothing was recorded"),
        (
            "declare hwb 6 for nobody-here interest x",
            "I don't know anyone on Health & Wellbeing Board called “nobody-here”",
        ),
    ],
)
def test_bad_declarations_say_what_would_work(demo_db, said, expected):
    assert expected in text_of(boardbot(demo_db, said, "maria-burton"))
    assert declarations_in(demo_db) == []


def test_the_list_is_for_members_and_restricted_items_only_in_a_dm(demo_db):
    add_restricted_item(demo_db)
    boardbot(demo_db, "declare hwb 11 interest I sit on the bidder's board", "lorraine-dean")
    boardbot(demo_db, "declare hwb 6 interest my wife works for the ICB", "lorraine-dean")
    in_dm = text_of(boardbot(demo_db, "declarations hwb", "josh-rendall"))
    assert "• item 6: Councillor Lorraine Dean: my wife works for the ICB" in in_dm
    assert "• item 11: Councillor Lorraine Dean: I sit on the bidder's board" in in_dm
    in_channel = boardbot(demo_db, "declarations hwb", "josh-rendall", dm=False, channel_id="CHWB")
    assert "bidder" not in text_of(
        in_channel
    ) and "1 declaration in restricted (Part 2) items not shown" in text_of(in_channel)
    shared = text_of(boardbot(demo_db, "declarations hwb share", "josh-rendall"))
    assert "bidder" not in shared
    agenda_in_channel = text_of(ask(demo_db, agenda.run, "agenda", "hwb next", dm=False, channel_id="CHWB"))
    assert (
        "bidder" not in agenda_in_channel
        and "1 declaration in restricted items not shown" in agenda_in_channel
    )
    fps_member = text_of(boardbot(demo_db, "declarations hwb", "jonathan-glanz"))
    assert "listed for its members and secretary" in fps_member and "ICB" not in fps_member
    assert_fits_slack(in_channel)


def test_a_restricted_item_is_not_named_in_a_reply_in_a_channel(demo_db):
    add_restricted_item(demo_db)
    text = text_of(
        boardbot(demo_db, "declare hwb 11 interest x", "lorraine-dean", dm=False, channel_id="CHWB")
    )
    assert "item 11 (a restricted item)" in text and "CONTRACT" not in text


def test_standing_declarations_are_listed_and_reviewed(demo_db):
    text = text_of(
        boardbot(demo_db, "declare hwb standing interest Trustee of Age UK Westminster", "lorraine-dean")
    )
    assert (
        "Recorded your standing declaration on Health & Wellbeing Board: Trustee of Age UK Westminster"
        in text
    )
    listed = text_of(boardbot(demo_db, "declarations hwb", "maria-burton"))
    assert (
        "Standing declarations of members\n• Councillor Lorraine Dean: Trustee of Age UK Westminster"
        in listed
    )
    reviewed = text_of(boardbot(demo_db, "declarations hwb reviewed", "lorraine-dean"))
    assert "reviewed your 1 standing declaration on Health & Wellbeing Board today" in reviewed


def test_the_help_lists_declare(demo_db):
    assert "/boardbot declare `[board] item interest text`" in text_of(boardbot(demo_db, "help", None))


def test_declarations_are_in_the_board_data_export_and_load_back(demo_db, tmp_path, fresh_db):
    boardbot(demo_db, "declare a pecuniary interest in item 7: shares in Acme", "lorraine-dean")
    boardbot(demo_db, "declare hwb standing interest Trustee of Age UK Westminster", "lorraine-dean")
    with make_sessions(demo_db)() as session:
        exported = export_yaml(session, "local")
    data = yaml.safe_load(exported)
    assert data["declarations"] == [
        {"meeting": "hwb-2023-10-05", "agenda_item": "7", "person": "lorraine-dean", "interest": "shares in Acme",
         "kind": "pecuniary", "declared_on": date(2023, 9, 1)},
    ]  # fmt: skip
    assert data["standing_declarations"][0]["interest"] == "Trustee of Age UK Westminster"
    path = tmp_path / "export.yaml"
    path.write_text(exported)
    with make_sessions(fresh_db).begin() as session:
        assert load_files(session, [path], now=datetime(2023, 9, 2, tzinfo=UTC)).ok
    assert declarations_in(fresh_db) == [("lorraine-dean", "7", "shares in Acme", "pecuniary", None)]
