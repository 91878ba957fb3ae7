"""The quorum rule and its warning: groups over organisations and titles, once to the secretary and
chairs two working days before, shown by the preview on that day. No source document states a
quorum for the demo boards, so these run on a generated board (tests/reminders/world.py)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import delete

from bot import attendance as att
from bot import models as m
from bot.config import Settings
from bot.render import render_blocks
from reminders.preview import preview
from reminders.quorum import brief_lines
from tests.reminders.world import at_local, run_at, run_daily
from tests.slack_limits import assert_fits_slack

D = date.fromisoformat
MEETS = D("2026-12-17")  # a Thursday: two working days before is Tuesday 15 December
WARN_DAY = D("2026-12-15")
MEMBERS = {
    # key: (name, role title, organisation)
    "wendy-wcc": ("Councillor Wendy West", None, "wcc"),
    "ken-rbkc": ("Cllr Ken Kensington", "Lead Member for Health", "rbkc"),
    "nina-nhs": ("Nina Nurse", "Director of Nursing", "nhs"),
    "dora-dph": ("Dora Doctor", "Director of Public Health", "wcc"),
    "vic-vol": ("Vic Voluntary", "Chief Executive", "vol"),
}


@pytest.fixture
def quorate(world):
    """The world's board with five members, a quorum of 4 and four groups, and a meeting on 17 Dec."""
    with world.session() as s:
        board = s.get(m.Board, world.board_id)
        board.quorum = 4
        orgs = {}
        for key in ("wcc", "rbkc", "nhs", "vol"):
            org = m.Organisation(workspace_id=board.workspace_id, key=key, name=key.upper())
            s.add(org)
            s.flush()
            orgs[key] = org.id
        for key, (name, title, org) in MEMBERS.items():
            person = m.Person(
                workspace_id=board.workspace_id,
                key=key,
                name=name,
                role_title=title,
                organisation_id=orgs[org],
            )
            s.add(person)
            s.flush()
            world.people[key] = person.id
            s.add(m.Membership(board_id=board.id, person_id=person.id, role=m.MembershipRole.MEMBER))
        deputy = m.Person(workspace_id=board.workspace_id, key="dan-deputy", name="Dan Deputy")
        substitute = m.Person(
            workspace_id=board.workspace_id,
            key="rita-rbkc",
            name="Councillor Rita Royal",
            organisation_id=orgs["rbkc"],
        )
        s.add_all([deputy, substitute])
        s.flush()
        world.people.update({"dan-deputy": deputy.id, "rita-rbkc": substitute.id})
        councillor = ["Councillor", "Cllr"]
        s.add_all(
            [
                m.QuorumGroup(board_id=board.id, key="a-wcc", label="a Westminster councillor",
                              organisations=["wcc"], roles=councillor),
                m.QuorumGroup(board_id=board.id, key="b-rbkc", label="an RBKC councillor",
                              organisations=["rbkc"], roles=councillor),
                m.QuorumGroup(board_id=board.id, key="c-nhs", label="an NHS member", organisations=["nhs"]),
                m.QuorumGroup(board_id=board.id, key="d-dph", label="the Director of Public Health or deputy",
                              roles=["Director of Public Health"], people=["dan-deputy"]),
            ]
        )  # fmt: skip
    world.meeting_id = world.add_meeting(MEETS)
    world.add_item(world.meeting_id, "1", "Apologies for absence", paper_status=None)
    return world


def reply(world, key, status, *, substitute=None, name=None):
    with world.session() as s:
        meeting = s.get(m.Meeting, world.meeting_id)
        person = s.get(m.Person, world.people[key])
        sub = s.get(m.Person, world.people[substitute]) if substitute else None
        att.record_reply(
            s,
            meeting,
            person,
            status,
            by=person,
            now=at_local(D("2026-12-01")),
            substitute=sub,
            substitute_name=name,
        )


def check(world) -> att.QuorumCheck:
    with world.session() as s:
        return att.check_quorum(s, s.get(m.Meeting, world.meeting_id), D("2026-12-01"))


def test_every_group_met_and_enough_members_is_not_at_risk(quorate):
    found = check(quorate)
    assert found.stated and not found.at_risk
    assert found.possible == 6  # the chair and five members; the secretary does not count
    # Cat Chair is a councillor of no council in the data; Dora Doctor (Westminster) is no councillor
    assert [len(g.could_come) for g in found.groups] == [1, 1, 1, 1]


def test_the_director_of_public_health_away_without_deputy_puts_quorum_at_risk(quorate):
    reply(quorate, "dora-dph", m.AttendanceStatus.APOLOGIES)
    found = check(quorate)
    assert found.at_risk
    assert found.needed() == [
        "the Director of Public Health or deputy: 1 needed, 0 can come; apologies from Dora Doctor: "
        "they, or a substitute who is one, are needed."
    ]


def test_a_named_deputy_as_substitute_keeps_the_group(quorate):
    reply(quorate, "dora-dph", m.AttendanceStatus.APOLOGIES, substitute="dan-deputy")
    assert not check(quorate).at_risk


def test_a_councillor_of_the_same_council_substitutes_but_a_name_as_written_counts_only_in_number(quorate):
    reply(quorate, "ken-rbkc", m.AttendanceStatus.APOLOGIES, substitute="rita-rbkc")
    assert not check(quorate).at_risk
    reply(quorate, "ken-rbkc", m.AttendanceStatus.APOLOGIES, name="Someone From Kensington")
    found = check(quorate)
    assert found.at_risk and found.possible == 6
    assert [g.group.key for g in found.groups if not g.met] == ["b-rbkc"]


def test_too_few_who_could_come_names_those_without_a_substitute(quorate):
    for key in ("vic-vol", "nina-nhs", "cat-chair"):
        reply(quorate, key, m.AttendanceStatus.APOLOGIES)
    reply(quorate, "nina-nhs", m.AttendanceStatus.WITHDRAWN)  # withdrawn: she may still come
    found = check(quorate)
    assert found.possible == 4 and not found.at_risk
    reply(quorate, "nina-nhs", m.AttendanceStatus.APOLOGIES)  # changed her mind again
    found = check(quorate)
    assert found.at_risk
    assert found.needed() == [
        "4 members are needed; at most 3 can come. Apologies without a substitute: "
        "Councillor Cat Chair, Nina Nurse, Vic Voluntary.",
        "an NHS member: 1 needed, 0 can come; apologies from Nina Nurse: "
        "they, or a substitute who is one, are needed.",
    ]


def test_the_warning_goes_once_to_the_secretary_and_chair_two_working_days_before(quorate, slack):
    reply(quorate, "dora-dph", m.AttendanceStatus.APOLOGIES)
    sent = run_daily(quorate, slack, D("2026-12-07"), MEETS)
    warned = {
        day: sorted(channel for channel, parts in calls if any(kind == "quorum_risk" for kind, _ in parts))
        for day, calls in sent.items()
    }
    assert {day: who for day, who in warned.items() if who} == {WARN_DAY: ["U0CHAIR", "U0SEC"]}
    rows = [r for r in quorate.ledger() if r.kind == "quorum_risk"]
    assert len(rows) == 2 and {r.occasion for r in rows} == {
        f"quorum:{quorate.meeting_id}:{MEETS.isoformat()}"
    }
    to_sec = next(
        c for c in slack.posted() if c.body["channel"] == "U0SEC" and "quorum" in c.body["text"].lower()
    )
    text = " ".join(b["text"]["text"] for b in to_sec.body["blocks"] if b["type"] == "section")
    assert "*quorum is at risk*" in text and "apologies from Dora Doctor" in text


def test_no_warning_when_quorum_holds_or_the_board_states_no_rule(quorate, slack):
    run_at(quorate, slack, at_local(WARN_DAY))
    assert not [r for r in quorate.ledger() if r.kind == "quorum_risk"]
    reply(quorate, "dora-dph", m.AttendanceStatus.APOLOGIES)
    quorate.update(m.Board, quorate.board_id, quorum=None)
    with quorate.session() as s:
        s.execute(delete(m.QuorumGroup))
    run_at(quorate, slack, at_local(WARN_DAY, 11))
    assert not [r for r in quorate.ledger() if r.kind == "quorum_risk"]


def test_apologies_after_the_warning_day_send_no_second_warning(quorate, slack):
    reply(quorate, "dora-dph", m.AttendanceStatus.APOLOGIES)
    run_at(quorate, slack, at_local(WARN_DAY))
    reply(quorate, "nina-nhs", m.AttendanceStatus.APOLOGIES)
    run_at(quorate, slack, at_local(WARN_DAY, 15))
    run_at(quorate, slack, at_local(D("2026-12-16")))
    assert len([r for r in quorate.ledger() if r.kind == "quorum_risk"]) == 2


def test_the_preview_shows_the_warning_on_its_day_only(quorate):
    reply(quorate, "dora-dph", m.AttendanceStatus.APOLOGIES)
    settings = Settings(database_url="unused", now=at_local(D("2026-12-01")))
    for day, expected in ((WARN_DAY, True), (D("2026-12-14"), False), (D("2026-12-16"), False)):
        out = io.StringIO()
        assert preview(settings, quorate.engine, day=day.isoformat(), out=out, err=io.StringIO()) == 0
        assert ("quorum at risk" in out.getvalue()) is expected, out.getvalue()


def test_brief_lines_give_attendance_and_quorum(quorate):
    reply(quorate, "dora-dph", m.AttendanceStatus.APOLOGIES, name="A <Deputy> & co")
    reply(quorate, "nina-nhs", m.AttendanceStatus.ATTENDING)
    with quorate.session() as s:
        lines = brief_lines(s, s.get(m.Meeting, quorate.meeting_id))
    assert lines[0] == "*Attendance*: 1 attending, 1 apologies (1 with a substitute), 4 not yet said"
    assert lines[1] == "Apologies: Dora Doctor (substitute: A &lt;Deputy&gt; &amp; co)"
    assert lines[2].startswith("*Quorum at risk*: the Director of Public Health or deputy")


def test_the_meeting_notices_carry_the_attending_and_apologies_buttons(quorate, slack):
    run_at(quorate, slack, at_local(D("2026-12-16")))  # the eve notice, in the board's channel
    notice = next(c for c in slack.posted() if c.body["channel"] == "C0HWB")
    buttons = [b for b in notice.body["blocks"] if b["type"] == "actions"]
    assert [(e["action_id"], e["value"]) for b in buttons for e in b["elements"]] == [
        ("attendance_attending", f"meeting:{quorate.meeting_id}"),
        ("attendance_apologies", f"meeting:{quorate.meeting_id}"),
    ]


def test_a_warning_with_hostile_names_fits_slack(quorate, slack):
    hostile = "&<>*" * 70
    quorate.update(m.Person, quorate.people["dora-dph"], name="Dora " + hostile)
    with quorate.session() as s:
        for n in range(30):
            s.add(
                m.QuorumGroup(
                    board_id=quorate.board_id, key=f"z{n}", label=f"group {n} {hostile}", people=["x"]
                )
            )
    reply(quorate, "dora-dph", m.AttendanceStatus.APOLOGIES, name=hostile)
    run_at(quorate, slack, at_local(WARN_DAY))
    warnings = [c for c in slack.posted() if "quorum" in c.body["text"].lower()]
    assert len(warnings) == 2
    for call in warnings:
        assert_fits_slack(call.body["blocks"], "quorum warning")
    with quorate.session() as s:
        assert_fits_slack(ask_attendance(s, quorate), "attendance list")


def ask_attendance(session, world):
    """The attendance list's blocks for the world's meeting, as /nextmeeting renders them."""
    meeting = session.get(m.Meeting, world.meeting_id)
    found = att.roll(session, meeting, D("2026-12-01"))
    return render_blocks(
        "attendance.json.j2",
        board=meeting.board,
        meeting=meeting,
        roll=found,
        quorum=att.check_quorum(session, meeting, D("2026-12-01"), found),
        started=False,
    )
