"""Updates by message as a lead or secretary writes them (issue 15): notes kept as written, relative
dates on working days, replies for 25 actions in one Slack message, small talk left alone."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from bot import models as m
from bot.db import make_sessions
from commands.update import run
from tests.commands.test_update import action, history_count, link_people, message
from tests.helpers import SEPT_2023, text_of
from tests.slack_limits import assert_fits_slack

TWENTY_FIVE = [f"HWB-{n}" for n in range(3, 28)]


def answer(engine, request):
    with make_sessions(engine).begin() as session:
        return run(request, session)


def test_a_note_keeps_its_link_the_persons_name_the_channel_and_quotes(demo_db):
    link_people(demo_db)
    text = (
        "HWB-2 note: see <https://example.org/report.pdf|the report>, cc <@UMARIA> and <@UNOBODY>; "
        'discussed in <#C0123ABC|hwb-board>, the "panel" met'
    )
    said = text_of(answer(demo_db, message(text)))
    note = (
        "see the report (https://example.org/report.pdf), cc Maria Burton and @UNOBODY; "
        'discussed in #hwb-board, the "panel" met'
    )
    assert action(demo_db, "HWB-2").progress == note
    assert action(demo_db, "HWB-2").status == "open"  # a note only
    assert "Updated HWB-2" in said and "https://example.org/report.pdf" in said


def test_a_note_after_a_colon_changes_no_status(demo_db):
    link_people(demo_db)
    said = text_of(answer(demo_db, message("Update on HWB-2: we have now launched the panel…")))
    assert "progress: This will be implemented in Autumn 2023. → we have now launched the panel…" in said
    assert "status" not in said.split("Now:")[0]
    assert action(demo_db, "HWB-2").status == "open"


def test_hwb_2_written_with_a_space_and_completed_on_a_day(demo_db):
    link_people(demo_db)
    said = text_of(answer(demo_db, message("HWB 2 completed on 30 Aug")))
    assert "status: Open → Done" in said and "progress:" in said and "Completed on 30 Aug 2023" in said
    assert action(demo_db, "HWB-2").status == "done"


def test_due_tomorrow_on_a_friday_is_monday_and_the_reply_says_it_moved(demo_db):
    link_people(demo_db)
    said = text_of(answer(demo_db, message("HWB-2 due tomorrow")))  # Friday 1 September 2023
    assert action(demo_db, "HWB-2").due_on == date(2023, 9, 4)
    assert (
        "“due tomorrow” fell on Sat 2 Sep 2023, not a working day, so HWB-2 is due Mon 4 Sep 2023,"
        " the next working day." in said
    )


def test_a_due_date_after_the_note_is_set_and_left_out_of_it(demo_db):
    link_people(demo_db)
    answer(demo_db, message("HWB-2 in progress: waiting for ICB data, due 15 Dec"))
    hwb2 = action(demo_db, "HWB-2")
    assert (hwb2.status, hwb2.due_on, hwb2.progress) == (
        "in_progress",
        date(2023, 12, 15),
        "waiting for ICB data",
    )


def test_month_first_and_far_dates_are_refused_saying_exactly_why(demo_db):
    link_people(demo_db)
    said = text_of(answer(demo_db, message("HWB-2 due 12/15")))
    assert "“due 12/15” reads as month first: I read dates day first" in said
    assert "This would work: `HWB-2 due 15/12`" in said
    said = text_of(answer(demo_db, message("HWB-2 due 15 Dec 2040")))
    assert "“due 15 Dec 2040” is more than ten years away" in said and "Nothing was changed" in said
    assert history_count(demo_db) == 0


def test_thanks_in_a_dm_thread_under_a_reminder_gets_no_reply(demo_db):
    link_people(demo_db)
    under = {"thread_ts": "1693555000.000100", "under_bot_message": True}
    assert answer(demo_db, message("thanks!", **under)) is None
    assert answer(demo_db, message("thanks!", thread_ts="1693555000.000100")) is None
    assert "I didn't find an action" in text_of(answer(demo_db, message("thanks!")))  # top level: help
    assert "didn't understand" in text_of(answer(demo_db, message("HWB-2 frobnicated", **under)))


def test_twenty_five_actions_and_their_undo_fit_one_slack_message(demo_db):
    link_people(demo_db)
    text = ", ".join(TWENTY_FIVE) + " red"
    reply = answer(demo_db, message(text, user="UMARIA"))
    assert_fits_slack(reply.as_slack(), "update of 25 actions")
    said = text_of(reply)
    assert said.startswith("Updated 25 of 25 actions:")
    for ref in TWENTY_FIVE:
        assert f"{ref} (HWB): RAG none → Red · now " in said, ref
    undo = answer(demo_db, message("undo", user="UMARIA", now=SEPT_2023 + timedelta(minutes=2)))
    assert_fits_slack(undo.as_slack(), "undo of 25 actions")
    said = text_of(undo)
    assert said.startswith("Undone 25 of 25 actions:") and all(f"{ref} (HWB)" in said for ref in TWENTY_FIVE)
    with make_sessions(demo_db).begin() as session:
        rags = session.scalars(select(m.Action.rag).where(m.Action.ref.in_(TWENTY_FIVE)))
        assert set(rags) == {None}


def test_five_actions_still_get_their_buttons(demo_db):
    link_people(demo_db)
    reply = answer(demo_db, message(", ".join(TWENTY_FIVE[:5]) + " in progress", user="UMARIA"))
    assert_fits_slack(reply.as_slack(), "update of 5 actions")
    assert sum(block["type"] == "actions" for block in reply.blocks) == 5
