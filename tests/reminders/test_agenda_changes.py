"""Agenda changes after the agenda notice: each told once, public ones in the channel, restricted
ones to members by DM; no change, no notice."""

from __future__ import annotations

from datetime import date

from bot import models as m
from tests.reminders.test_messages import texts
from tests.reminders.world import at_local, run_at

D = date.fromisoformat
MEETING_DAY = D("2026-12-17")  # Thursday; papers published Wed 9 Dec, the eve notice Wed 16 Dec


def published(world, slack) -> int:
    """A meeting whose agenda notice went out on 9 December."""
    with world.session() as s:
        s.add(
            m.Membership(
                board_id=world.board_id, person_id=world.people["leo-lead"], role=m.MembershipRole.MEMBER
            )
        )
    meeting = world.add_meeting(MEETING_DAY)
    world.add_item(meeting, "1", "Welcome", paper_status=None)
    world.add_item(
        meeting, "5", "Better Care Fund plan", author="amy-author", paper_status=m.PaperStatus.PUBLISHED
    )
    run_at(world, slack, at_local(D("2026-12-09")))
    assert [c.body["channel"] for c in slack.posted()] == ["C0HWB"]
    return meeting


def changes_told(world, slack, day: date, hour: int = 9) -> list[tuple[str, str]]:
    before = len(slack.posted())
    run_at(world, slack, at_local(day, hour))
    return [
        (call.body["channel"], texts(call).replace("&amp;", "&"))
        for call in slack.posted()[before:]
        if any(kind == "agenda_change" for kind, _, _ in world.described(call))
    ]


def test_no_change_means_no_notice(world, slack):
    published(world, slack)
    assert changes_told(world, slack, D("2026-12-10")) == []
    assert changes_told(world, slack, D("2026-12-11")) == []


def test_a_late_item_is_told_once_in_the_channel(world, slack):
    meeting = published(world, slack)
    world.add_item(meeting, "6", "Winter pressures", paper_status=m.PaperStatus.PUBLISHED)
    [(channel, text)] = changes_told(world, slack, D("2026-12-10"))
    assert channel == "C0HWB"
    assert "meeting of Thu 17 Dec 2026: agenda change: late item added: item 6, Winter pressures." in text
    assert changes_told(world, slack, D("2026-12-10"), hour=11) == []
    assert changes_told(world, slack, D("2026-12-11")) == []


def test_a_restricted_late_item_goes_to_members_by_dm_only(world, slack):
    meeting = published(world, slack)
    world.add_item(meeting, "9", "Contract award", paper_status=None, restricted=True)
    told = changes_told(world, slack, D("2026-12-10"))
    assert sorted(channel for channel, _ in told) == ["U0CHAIR", "U0LEO", "U0SEC"]
    assert all(
        "late item added: item 9, Contract award" in text and "told to members only" in text
        for _, text in told
    )
    assert changes_told(world, slack, D("2026-12-11")) == []


def test_a_withdrawn_item_and_a_supplement_are_each_told_once(world, slack):
    meeting = published(world, slack)
    late = world.add_item(
        meeting, "7", "Pharmacy needs assessment", author="amy-author"
    )  # awaited: told as late item
    assert [t for _, t in changes_told(world, slack, D("2026-12-10")) if "late item added: item 7" in t]
    world.update(m.AgendaItem, late, paper_status=m.PaperStatus.WITHDRAWN)
    [(_, text)] = changes_told(world, slack, D("2026-12-11"))
    assert "withdrawn: item 7, Pharmacy needs assessment" in text
    assert changes_told(world, slack, D("2026-12-14")) == []


def test_a_paper_published_after_the_notice_is_a_supplement(world, slack):
    with world.session() as s:
        s.add(
            m.Membership(
                board_id=world.board_id, person_id=world.people["leo-lead"], role=m.MembershipRole.MEMBER
            )
        )
    meeting = world.add_meeting(MEETING_DAY)
    item = world.add_item(meeting, "5", "Better Care Fund plan", author="amy-author")  # awaited
    run_at(world, slack, at_local(D("2026-12-16")))  # the eve notice goes, with the paper still awaited
    world.update(m.AgendaItem, item, paper_status=m.PaperStatus.PUBLISHED)
    [(channel, text)] = changes_told(world, slack, D("2026-12-16"), hour=14)
    assert (
        channel == "C0HWB" and "supplement: the paper for item 5, Better Care Fund plan is published" in text
    )


def test_a_moved_then_cancelled_meeting_is_told_once_each(world, slack):
    meeting = published(world, slack)
    world.update(m.Meeting, meeting, meets_on=D("2026-12-18"))
    [(channel, text)] = changes_told(world, slack, D("2026-12-10"))
    assert channel == "C0HWB" and "the meeting has moved to Fri 18 Dec 2026 at 10:00" in text
    assert changes_told(world, slack, D("2026-12-11")) == []
    world.update(m.Meeting, meeting, status=m.MeetingStatus.CANCELLED)
    [(_, text)] = changes_told(world, slack, D("2026-12-14"))
    assert "meeting of Fri 18 Dec 2026: the meeting is cancelled." in text
    assert changes_told(world, slack, D("2026-12-15")) == []


def test_the_eve_notice_tells_the_whole_agenda_again_and_becomes_the_baseline(world, slack):
    meeting = published(world, slack)
    world.add_item(meeting, "6", "Winter pressures", paper_status=None)
    assert changes_told(world, slack, D("2026-12-10"))
    run_at(world, slack, at_local(D("2026-12-16")))  # the eve notice lists item 6
    assert changes_told(world, slack, D("2026-12-16"), hour=15) == []
