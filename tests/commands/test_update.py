"""Answering update messages on the demo boards: changes, history, permissions, retries, undo."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import count

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot import models as m
from bot.db import make_sessions
from bot.updates import SlackProfile
from commands.update import MessageRequest, run
from tests.commands.test_update_message import SAMPLE_WORDS
from tests.helpers import SEPT_2023, text_of

PEOPLE = {
    "kiran-hayer": "UKIRAN",
    "maria-burton": "UMARIA",
    "josh-rendall": "UJOSH",
    "sarah-newman": "USARAH",
}
_ts = count(1)


class FakeLookups:
    """Slack's answers, as a test wants them."""

    def __init__(self, profiles=None, thread_ids=None, link="https://example.slack.com/archives/D1/p1"):
        self.profiles = profiles or {}
        self.thread_ids = thread_ids or {}
        self.link = link
        self.asked: list[str] = []

    def profile(self, user_id):
        self.asked.append(user_id)
        return self.profiles.get(user_id)

    def permalink(self, channel, ts):
        return self.link

    def thread_action_ids(self, channel, thread_ts):
        return self.thread_ids.get(thread_ts, [])


def link_people(engine, people=PEOPLE):
    with make_sessions(engine).begin() as session:
        for key, user_id in people.items():
            session.scalar(select(m.Person).where(m.Person.key == key)).slack_user_id = user_id


def message(text, *, user="UKIRAN", channel="DKIRAN", thread_ts=None, now=SEPT_2023, dm=True, **kw):
    return MessageRequest(
        "local", user, channel, f"1693555200.{next(_ts):06d}", text, now, dm, thread_ts, **kw
    )


def say(engine, request, lookups=None):
    with make_sessions(engine).begin() as session:
        answer = run(request, session, lookups or FakeLookups())
    return text_of(answer) if answer else None


def action(engine, ref):
    with make_sessions(engine).begin() as session:
        return session.scalar(select(m.Action).where(m.Action.ref == ref))


def history(engine, ref):
    with make_sessions(engine).begin() as session:
        rows = session.scalars(
            select(m.ActionUpdate).join(m.Action).where(m.Action.ref == ref).order_by(m.ActionUpdate.seq)
        )
        return [(r.seq, r.field, r.old, r.new, r.via, r.by_id is not None, r.by_text) for r in rows]


def history_count(engine) -> int:
    with make_sessions(engine).begin() as session:
        return session.scalar(select(func.count()).select_from(m.ActionUpdate))


def test_a_lead_marks_their_action_done_and_the_reply_says_what_changed(demo_db):
    link_people(demo_db)
    answer = say(demo_db, message("HWB-2 in progress: waiting for ICB data"))
    assert "Updated HWB-2 (Health & Wellbeing Board)" in answer
    assert "status: Open → In progress" in answer
    assert "progress: This will be implemented in Autumn 2023. → waiting for ICB data" in answer
    assert (
        "Now: In progress · due Autumn 2023 (timescale as written) · RAG not recorded · lead Kiran Hayer"
        in answer
    )
    assert action(demo_db, "HWB-2").status == "in_progress"
    rows = history(demo_db, "HWB-2")
    assert [r[:5] for r in rows] == [
        (1, "status", "open", "in_progress", "message"),
        (2, "progress", "This will be implemented in Autumn 2023.", "waiting for ICB data", "message"),
    ]
    with make_sessions(demo_db).begin() as session:
        row = session.scalar(select(m.ActionUpdate).where(m.ActionUpdate.seq == 1))
        assert row.by.key == "kiran-hayer"
        assert row.note == "HWB-2 in progress: waiting for ICB data"
        assert row.link == "https://example.slack.com/archives/D1/p1"


def test_history_rows_follow_imported_history_with_the_next_seq(demo_db):
    link_people(demo_db)
    say(demo_db, message("HWB-2 done"))
    say(demo_db, message("HWB-2 due 15 Dec, red"))
    assert [(r[0], r[1], r[3]) for r in history(demo_db, "HWB-2")] == [
        (1, "status", "done"),
        (2, "due_on", "2023-12-15"),
        (3, "rag", "red"),
    ]


def test_several_actions_in_one_message_change_together(demo_db):
    link_people(demo_db)
    answer = say(demo_db, message("HWB-12 done, HWB-14 blocked", user="UMARIA"))
    assert "Updated HWB-12" in answer and "Updated HWB-14" in answer
    assert action(demo_db, "HWB-12").status == "done"


def test_one_unknown_reference_changes_nothing_at_all(demo_db):
    link_people(demo_db)
    answer = say(demo_db, message("HWB-12 done, HWB-999 done", user="UMARIA"))
    assert "I can't find an action HWB-999" in answer and "Nothing was changed" in answer
    assert "HWB-100" in answer  # where the references run up to
    assert action(demo_db, "HWB-12").status == "in_progress"
    assert history_count(demo_db) == 0


@pytest.mark.parametrize(
    "text, said",
    [
        ("HWB-2 almost done", "doesn't say whether it is finished"),
        ("HWB-2 due 31 Feb", "I couldn't read a date in “due 31 Feb”"),
        ("HWB-2 due 1 Jan 2023", "is in the past"),
        ("HWB-2 done?", "reads as a question"),
        ("hello", "I didn't find an action or a change"),
        ("HWB-2 red slipping", "This would work: `HWB-2 red: slipping`"),
    ],
)
def test_what_was_not_understood_is_said_with_an_example_and_nothing_changes(demo_db, text, said):
    link_people(demo_db)
    answer = say(demo_db, message(text))
    assert said in answer and "Nothing was changed" in answer
    assert history_count(demo_db) == 0


def test_a_retried_message_is_applied_once_and_answered_once(demo_db):
    link_people(demo_db)
    request = message("HWB-2 done")
    assert "Updated HWB-2" in say(demo_db, request)
    assert say(demo_db, request) is None
    assert len(history(demo_db, "HWB-2")) == 1


def test_done_in_a_reminders_thread_changes_the_reminders_action(demo_db):
    link_people(demo_db)
    hwb2 = action(demo_db, "HWB-2")
    lookups = FakeLookups(thread_ids={"1693555000.000100": [hwb2.id]})
    request = message("done ✅", thread_ts="1693555000.000100", under_bot_message=True)
    assert "Updated HWB-2" in say(demo_db, request, lookups)
    assert action(demo_db, "HWB-2").status == "done"


def test_done_in_the_thread_of_an_earlier_update_changes_that_action(demo_db):
    link_people(demo_db)
    first = message("HWB-2 in progress")
    say(demo_db, first)
    answer = say(demo_db, message("done", thread_ts=first.ts))
    assert "status: In progress → Done" in answer


def test_done_without_a_thread_asks_which_action(demo_db):
    link_people(demo_db)
    answer = say(demo_db, message("done"))
    assert "not which action it is for" in answer
    assert history_count(demo_db) == 0


def test_small_talk_in_a_channel_thread_is_ignored_but_in_a_dm_answered(demo_db):
    link_people(demo_db)
    thread = {"thread_ts": "1693555000.000100", "under_bot_message": True}
    assert say(demo_db, message("thanks, will do", channel="CHWB", dm=False, **thread)) is None
    assert "I didn't find an action" in say(demo_db, message("thanks, will do"))


def test_a_thread_the_bot_has_no_part_in_is_ignored(demo_db):
    link_people(demo_db)
    assert say(demo_db, message("HWB-2 done", channel="CHWB", dm=False, thread_ts="1.000001")) is None
    assert history_count(demo_db) == 0


def test_a_mention_in_a_boards_channel_updates_its_action_by_number(demo_db):
    link_people(demo_db)
    with make_sessions(demo_db).begin() as session:
        session.scalar(select(m.Board).where(m.Board.key == "fps")).slack_channel = "CFPS"
        session.scalar(select(m.Person).where(m.Person.key == "tristan-fieldsend")).slack_user_id = "UTRISTAN"
    answer = say(demo_db, message("action 3 done", user="UTRISTAN", channel="CFPS", dm=False, mentioned=True))
    assert "Updated FPS-3" in answer


@pytest.mark.parametrize(
    "person, ref, allowed",
    [
        ("kiran-hayer", "HWB-2", True),  # the lead
        ("kiran-hayer", "HWB-12", False),  # not theirs
        ("maria-burton", "HWB-12", True),  # the board secretary
        ("josh-rendall", "HWB-12", True),  # a co-chair
        ("sarah-newman", "HWB-12", False),  # a member
        ("annabel-saunders", "HWB-12", False),  # a substitute
        ("jonathan-glanz", "HWB-12", False),  # chair of another board
        ("jonathan-glanz", "FPS-3", True),  # chair of this one
        ("maria-burton", "FPS-3", False),  # secretary of another board
    ],
)
def test_who_may_update_an_action(demo_db, person, ref, allowed):
    link_people(demo_db, {person: "UASKER"})
    answer = say(demo_db, message(f"{ref} blocked", user="UASKER"))
    assert ("Updated" in answer) is allowed, answer
    if not allowed:
        assert answer.startswith("Sorry: only the lead of") and "Nothing was changed" in answer
        assert history_count(demo_db) == 0


def test_someone_not_in_the_data_is_told_who_their_board_secretary_is(demo_db):
    answer = say(demo_db, message("HWB-2 done", user="USTRANGER"))
    assert "I can't tell who you are in the data of Health & Wellbeing Board" in answer
    assert "The board secretary, Maria Burton (mburton@westminster.gov.uk)" in answer
    assert history_count(demo_db) == 0


def test_a_slack_user_is_matched_by_email_once_and_remembered(demo_db):
    lookups = FakeLookups(profiles={"UK2": SlackProfile(email="khayer@WESTMINSTER.gov.uk")})
    assert "Updated HWB-2" in say(demo_db, message("HWB-2 done", user="UK2"), lookups)
    assert "Updated HWB-2" in say(demo_db, message("HWB-2 open", user="UK2"), lookups)
    assert lookups.asked == ["UK2"]  # the second time by Slack user id
    with make_sessions(demo_db).begin() as session:
        assert session.scalar(select(m.Person).where(m.Person.key == "kiran-hayer")).slack_user_id == "UK2"


def test_a_slack_admin_not_in_the_data_may_update_and_is_named_in_history(demo_db):
    lookups = FakeLookups(profiles={"UADMIN": SlackProfile(is_admin=True, team_id="local")})
    assert "Updated HWB-12" in say(demo_db, message("HWB-12 done", user="UADMIN"), lookups)
    assert history(demo_db, "HWB-12")[0][5:] == (False, "Slack user UADMIN")


def test_undo_reverts_the_persons_last_change_as_new_history(demo_db):
    link_people(demo_db)
    say(demo_db, message("HWB-2 in progress: waiting"))
    say(demo_db, message("HWB-2 due 15 Dec"))
    answer = say(demo_db, message("undo", now=SEPT_2023 + timedelta(minutes=9)))
    assert "Undone HWB-2" in answer and "due date: Fri 15 Dec 2023 → none" in answer
    assert action(demo_db, "HWB-2").due_on is None and action(demo_db, "HWB-2").status == "in_progress"
    assert [r[1:4] for r in history(demo_db, "HWB-2")][-1] == ("due_on", "2023-12-15", None)
    answer = say(demo_db, message("undo", now=SEPT_2023 + timedelta(minutes=9)))
    assert "status: In progress → Open" in answer  # walks back one request at a time
    assert say(demo_db, message("undo", now=SEPT_2023 + timedelta(minutes=9))).startswith(
        "You have no change"
    )
    assert len(history(demo_db, "HWB-2")) == 6  # nothing rewritten: three changes, three reverts


def test_undo_after_ten_minutes_is_refused(demo_db):
    link_people(demo_db)
    say(demo_db, message("HWB-2 done"))
    answer = say(demo_db, message("undo", now=SEPT_2023 + timedelta(minutes=10, seconds=1)))
    assert "more than 10 minutes ago" in answer
    assert action(demo_db, "HWB-2").status == "done"


def test_undo_leaves_a_field_someone_changed_since(demo_db):
    link_people(demo_db)
    say(demo_db, message("HWB-2 in progress"))
    say(demo_db, message("HWB-2 blocked", user="UMARIA"))
    answer = say(demo_db, message("undo"))
    assert "Left as it is, because it was changed again since: HWB-2 status" in answer
    assert action(demo_db, "HWB-2").status == "blocked"


def test_relative_dates_use_the_actions_board_zone(demo_db):
    link_people(demo_db)
    with make_sessions(demo_db).begin() as session:
        session.scalar(select(m.Board).where(m.Board.key == "hwb")).timezone = "Pacific/Auckland"
    late = datetime(2023, 9, 1, 13, 0, tzinfo=UTC)  # already Saturday 2 September in Auckland
    say(demo_db, message("HWB-2 due in 3 days", now=late))  # issue 15: `tomorrow` is now Monday either way
    assert action(demo_db, "HWB-2").due_on == date(2023, 9, 5)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(SAMPLE_WORDS), max_size=12).map(" ".join).filter(lambda t: "HWB" not in t))
def test_junk_never_changes_the_demo_data(demo_db, text):
    link_people(demo_db)
    say(demo_db, message(text))  # no reference on the demo boards is written this way (A-12, FPS-3 …)
    with make_sessions(demo_db).begin() as session:
        changed = session.scalar(
            select(func.count()).select_from(m.ActionUpdate).where(m.ActionUpdate.via != "import")
        )
    assert changed == 0
