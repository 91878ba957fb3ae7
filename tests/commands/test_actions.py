"""/actions on the demo boards: lists, overdue, whose, one action with its history, bad input."""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from bot import models as m
from bot.actions import OPEN_STATUSES as OPEN
from bot.actions import Ref, Scope, find_actions, parse_ref, shorten
from bot.db import make_sessions
from commands import actions
from commands.actions import Filters, parse_filters
from tests.helpers import ask, text_of

FPS = "Family and People Services Policy and Scrutiny Committee"
FPS_OPEN = [
    "FPS-2",
    "FPS-3",
    "FPS-5",
    "FPS-20",
    "FPS-29",
    "FPS-31",
    "FPS-33",
    "FPS-34",
    "FPS-37",
    "FPS-39",
    "FPS-45",
    "FPS-46",
]


def run(engine, text: str = "", **kwargs):
    return ask(engine, actions.run, "actions", text, **kwargs)


def refs_shown(reply) -> list[str]:
    """The references heading each listed action, in order."""
    return [
        block["text"]["text"].split(" · ")[0].strip("*")
        for block in reply.blocks
        if block["type"] == "section" and " · " in block["text"].get("text", "").split("\n")[0]
    ]


def add_actions(engine, board_key: str, *rows: dict) -> None:
    with make_sessions(engine).begin() as session:
        board = session.scalar(select(m.Board).where(m.Board.key == board_key))
        for row in rows:
            session.add(m.Action(board=board, **row))


def set_slack_id(engine, person_key: str, user_id: str) -> None:
    with make_sessions(engine).begin() as session:
        session.scalar(select(m.Person).where(m.Person.key == person_key)).slack_user_id = user_id


def assert_within_slack_limits(reply) -> None:
    assert 0 < len(reply.blocks) <= 50
    for block in reply.blocks:
        if "text" in block:
            assert len(block["text"]["text"]) <= 3000
        assert len(block.get("fields", [])) <= 10
        for item in block.get("fields", []):
            assert len(item["text"]) <= 2000
        for element in block.get("elements", []):
            if element.get("type") == "button":
                assert len(element["value"]) <= 2000
    json.dumps(reply.blocks)


# --- parsing -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, wanted",
    [
        ("", Filters()),
        ("open", Filters(scope=Scope.OPEN, scope_said=True)),
        ("OVERDUE", Filters(scope=Scope.OVERDUE, scope_said=True)),
        ("done", Filters(scope=Scope.DONE, scope_said=True)),
        ("completed actions", Filters(scope=Scope.DONE, scope_said=True)),
        ("cancelled", Filters(scope=Scope.CANCELLED, scope_said=True)),
        ("mine", Filters(mine=True)),
        ("my overdue actions", Filters(scope=Scope.OVERDUE, scope_said=True, mine=True)),
        ("<@U123ABC>", Filters(mention="U123ABC")),
        ("<@U123ABC|josh rendall> done", Filters(scope=Scope.DONE, scope_said=True, mention="U123ABC")),
        ("@josh", Filters(name="@josh")),
        ("@K HAYER", Filters(name="@K HAYER")),
        ("josh rendall overdue", Filters(scope=Scope.OVERDUE, scope_said=True, words="josh rendall")),
        ("A-12", Filters(ref=Ref("A", "12"))),
        ("a12", Filters(ref=Ref("a", "12"))),
        ("FPS-3 history", Filters(ref=Ref("FPS", "3"))),
        ("#12", Filters(ref=Ref(None, "12"))),
        ("done overdue", Filters(unclear="done overdue")),
        ("mine @josh", Filters(unclear="mine @josh")),
        ("<@U1AA> <@U2BB>", Filters(unclear="<@U1AA> <@U2BB>")),
        ("one two three four five", Filters(words="one two three four five")),
        ("one two three four five six seven eight nine ten eleven twelve thirteen", None),
        # the bot's own status names, however they are spelt, with the others
        ("blocked", Filters(status="blocked")),
        ("in progress", Filters(status="in_progress")),
        ("In-Progress", Filters(status="in_progress")),
        (
            "inprogress overdue mine",
            Filters(scope=Scope.OVERDUE, scope_said=True, status="in_progress", mine=True),
        ),
        ("blocked done", Filters(unclear="blocked done")),
        ("blocked in progress", Filters(unclear="blocked in progress")),
        # the meeting actions were raised at
        ("from last", Filters(meeting="last")),
        ("from the last meeting", Filters(meeting="last")),
        ("raised at the next meeting", Filters(meeting="next")),
        ("from the meeting of 8 June", Filters(meeting="8 June")),
        (
            "blocked from 8 June 2023 @kembra",
            Filters(status="blocked", meeting="8 June 2023", name="@kembra"),
        ),
        ("from 2023-06-08 attendance", Filters(meeting="2023-06-08", words="attendance")),
        ("from June 8th, 2023", Filters(meeting="June 8th, 2023")),
        ("from tomorrow", Filters(bad_meeting="tomorrow")),
        ("from 31 Juni", Filters(meeting="31 Juni")),  # read as a date, and found not one
        ("feedback from schools", Filters(words="feedback from schools")),
        ("from", Filters(bad_meeting="nothing")),
        # words to find
        ("attendance", Filters(words="attendance")),
        (
            "school attendance overdue",
            Filters(scope=Scope.OVERDUE, scope_said=True, words="school attendance"),
        ),
        ("mine attendance", Filters(mine=True, words="attendance")),
    ],
)
def test_filters_are_read_from_the_words_after_the_board(text, wanted):
    wanted = wanted or Filters(unclear=text)
    assert parse_filters(text.split()) == wanted


@pytest.mark.parametrize(
    "word, text, forms",
    [
        ("A-12", "A-12", ["A-12", "a-12"]),
        ("a-12", "A-12", ["A-12", "a-12"]),
        ("fps3", "FPS-3", ["FPS-3", "fps-3"]),
        ("FPS-03", "FPS-3", ["FPS-03", "FPS-3", "fps-03", "fps-3"]),
        ("#7", "#7", ["HWB-7"]),
    ],
)
def test_references_are_read_forgivingly(word, text, forms):
    ref = parse_ref(word)
    assert ref.text == text
    assert ref.forms(["HWB"]) == forms


@pytest.mark.parametrize("word", ["mine", "josh-rendall", "A-", "-12", "A-12-3", "12a", "<@U1>"])
def test_words_that_are_not_references(word):
    assert parse_ref(word) is None


def test_long_text_is_cut_at_a_word_with_an_ellipsis():
    assert shorten("one two three four", 12) == "one two…"
    assert shorten("  short\n text ", 200) == "short text"


# --- lists ---------------------------------------------------------------------------------------


def test_open_actions_of_the_scrutiny_committee_tracker(demo_db):
    reply = run(demo_db, "scrutiny")
    text = text_of(reply)
    assert text.startswith(f"{FPS}: open actions\n12 open (none overdue) · 34 done · 46 in all")
    assert refs_shown(reply) == FPS_OPEN[:8]
    assert (
        "FPS-2 · In progress\n"
        "Requested a report on why people become homeless and the reasons why they sometimes do not ask "
        "for help.\nLead: not recorded · Due: no due date recorded\nLast update: no updates recorded"
    ) in text
    assert "Page 1 of 2 (12 in all)" in text
    assert not reply.public
    second = run(demo_db, "scrutiny", page=2)
    assert refs_shown(second) == FPS_OPEN[8:]
    assert "Page 2 of 2" in text_of(second)


def test_a_page_past_the_end_shows_the_last(demo_db):
    assert refs_shown(run(demo_db, "fps open", page=99)) == FPS_OPEN[8:]


def test_done_lists_completed_actions_in_reference_order(demo_db):
    reply = run(demo_db, "fps done")
    text = text_of(reply)
    assert f"{FPS}: completed actions" in text
    assert refs_shown(reply) == ["FPS-1", "FPS-4", "FPS-6", "FPS-7", "FPS-8", "FPS-9", "FPS-10", "FPS-11"]
    assert "FPS-1 · Done\nRequested that the Ofsted report be circulated." in text
    assert "Page 1 of 5 (34 in all)" in text
    assert "In progress" not in text


def test_overdue_counts_only_real_past_due_dates_of_unfinished_actions(demo_db):
    add_actions(
        demo_db,
        "fps",
        {
            "ref": "FPS-47",
            "description": "Late by a week",
            "status": "in_progress",
            "due_on": date(2023, 8, 25),
        },
        {"ref": "FPS-48", "description": "Late by a month", "status": "open", "due_on": date(2023, 8, 1)},
        {"ref": "FPS-49", "description": "Done late", "status": "done", "due_on": date(2023, 7, 1)},
        {"ref": "FPS-50", "description": "Not due yet", "status": "open", "due_on": date(2023, 9, 10)},
        {"ref": "FPS-51", "description": "Called off", "status": "cancelled", "due_on": date(2023, 6, 1)},
        {"ref": "FPS-52", "description": "Due today", "status": "blocked", "due_on": date(2023, 9, 1)},
    )
    reply = run(demo_db, "fps overdue")
    text = text_of(reply)
    assert f"{FPS}: overdue actions\n16 open (2 overdue) · 35 done · 1 cancelled · 52 in all" in text
    assert refs_shown(reply) == ["FPS-48", "FPS-47"]  # most overdue first
    assert "Due: Tue 1 Aug 2023 (:warning: overdue by 31 days)" in text
    assert "Due: Fri 25 Aug 2023 (:warning: overdue by 7 days)" in text
    for absent in ("Done late", "Not due yet", "Called off", "Due today"):
        assert absent not in text
    assert "No firm date: 12 open actions have no due date or timescale recorded." in text
    open_list = text_of(run(demo_db, "fps"))
    assert "FPS-52 · Blocked" in open_list and "Due: Fri 1 Sep 2023 (due today)" in open_list
    assert refs_shown(run(demo_db, "fps"))[:4] == ["FPS-48", "FPS-47", "FPS-52", "FPS-50"]  # by due date


def test_overdue_uses_the_date_in_the_boards_time_zone(demo_db):
    add_actions(
        demo_db,
        "fps",
        {"ref": "FPS-47", "description": "Due 31 August", "status": "open", "due_on": date(2023, 8, 31)},
    )
    half_past_midnight_in_london = datetime(2023, 8, 31, 23, 30, tzinfo=UTC)
    text = text_of(run(demo_db, "fps overdue", now=half_past_midnight_in_london))
    assert "overdue by 1 day)" in text
    ten_to_midnight_in_london = datetime(2023, 8, 31, 22, 50, tzinfo=UTC)
    assert "Nothing is overdue" in text_of(run(demo_db, "fps overdue", now=ten_to_midnight_in_london))


def test_past_timescales_are_overdue_and_vague_ones_have_no_firm_date(demo_db):
    # issue 15: a timescale naming a period is due by its end; "Ongoing" and the like stay undated
    reply = run(demo_db, "hwb overdue")
    text = "\n".join(b["text"]["text"] for b in reply.blocks if b["type"] == "section")
    text += "\n".join(e["text"] for b in reply.blocks if b["type"] == "context" for e in b["elements"])
    text = text.replace("*", "").replace("_", "")
    assert "107 open (10 overdue)" in text
    assert refs_shown(run(demo_db, "hwb overdue"))[:3] == ["HWB-89", "HWB-37", "HWB-64"]  # most overdue first
    assert (
        "Due: by end of June 2023 (from the timescale as written) (:warning: overdue by 63 days): "
        "To be completed by the end of June 2023" in text
    )
    assert "No firm date: 18 open actions have only a timescale naming no period to finish by" in text
    assert "• HWB-42 On-going every quarter:" in text
    assert "• HWB-2 Autumn 2023" not in text
    assert "55 open actions have no due date or timescale recorded." in text


def test_a_timescale_is_shown_as_written(demo_db):
    text = text_of(run(demo_db, "hwb @kiran"))
    assert (
        "Lead: Kiran Hayer · Due: by end of Autumn 2023 (30 Nov 2023, from the timescale as written): "
        "Autumn 2023" in text
    )


def test_long_descriptions_are_cut_short_in_lists(demo_db):
    reply = run(demo_db, "hwb cost of living")
    first = reply.blocks[3]["text"]["text"].split("\n")[1]
    assert first.startswith("Council-wide approach to support families with the Cost-of-Living Crisis")
    assert first.endswith("…") and len(first) <= 200


def test_last_update_is_the_latest_history_entry(demo_db):
    add_history(demo_db)
    text = text_of(run(demo_db, "fps"))
    assert (
        "FPS-2 · In progress\nRequested a report on why people become homeless and the reasons why they "
        "sometimes do not ask for help.\nLead: not recorded · Due: no due date recorded\n"
        "Last update: Fri 6 Oct 2023, progress: In progress → Report commissioned from Shelter "
        "(Tristan Fieldsend)"
    ) in text
    assert "FPS-3 · In progress" in text and text.count("no updates recorded") == 7


def test_a_board_without_actions_says_so(demo_db):
    with make_sessions(demo_db).begin() as session:
        workspace = session.scalar(select(m.Workspace).where(m.Workspace.team_id == "local"))
        session.add(m.Board(workspace=workspace, key="allotments", name="Allotments Board"))
    text = text_of(run(demo_db, "allotments"))
    assert "Allotments Board: open actions\nNo actions are recorded for this board yet." in text


def test_every_page_of_every_list_is_in_order_across_statuses_and_dates(demo_db):
    """Pages are cut from per-status index reads: together they are the whole list, in order."""
    rng = random.Random(7)
    statuses = [s.value for s in m.ActionStatus]
    with make_sessions(demo_db).begin() as session:
        workspace = session.scalar(select(m.Workspace).where(m.Workspace.team_id == "local"))
        board = m.Board(workspace=workspace, key="mixed", name="Mixed Board")
        session.add(board)
        for number in range(1, 61):
            due = date(2023, 8, 1) + timedelta(days=rng.randrange(90)) if rng.random() < 0.6 else None
            session.add(
                m.Action(
                    board=board,
                    ref=f"{rng.choice(['M', 'MX'])}-{number}",
                    description=f"action {number}",
                    due_on=due,
                    status=rng.choice(statuses),
                )
            )
    with make_sessions(demo_db)() as session:
        stored = session.scalars(select(m.Action).join(m.Board).where(m.Board.key == "mixed")).all()
        today = date(2023, 9, 1)

        def by_ref(act):  # prefix, then number: M-2 before M-10
            return (act.ref.rstrip("0123456789"), len(act.ref), act.ref)

        expected = {
            "open": sorted(
                (a for a in stored if a.status in OPEN),
                key=lambda a: (a.due_on is None, a.due_on or today, *by_ref(a)),
            ),
            "overdue": sorted(
                (a for a in stored if a.status in OPEN and a.due_on and a.due_on < today),
                key=lambda a: (a.due_on, *by_ref(a)),
            ),
            "done": sorted((a for a in stored if a.status == "done"), key=by_ref),
            "cancelled": sorted((a for a in stored if a.status == "cancelled"), key=by_ref),
        }
    for word, wanted in expected.items():
        pages = -(-len(wanted) // 8)
        shown = [
            ref
            for page in range(1, pages + 1)
            for ref in refs_shown(run(demo_db, f"mixed {word}", page=page))
        ]
        assert shown == [a.ref for a in wanted], word


def test_share_posts_to_the_channel(demo_db):
    assert run(demo_db, "fps done share").public


# --- whose ---------------------------------------------------------------------------------------


def test_mine_lists_the_askers_actions(demo_db):
    set_slack_id(demo_db, "kiran-hayer", "UKIRAN")
    reply = run(demo_db, "hwb mine", user_id="UKIRAN")
    text = text_of(reply)
    assert (
        "Health & Wellbeing Board: open actions you lead\n1 open (none overdue) · 0 done · 1 in all" in text
    )
    assert refs_shown(reply) == ["HWB-2"]
    assert "You lead no actions on this board." in text_of(run(demo_db, "fps mine", user_id="UKIRAN"))


def test_mine_for_someone_not_in_the_data_names_the_secretary(demo_db):
    text = text_of(run(demo_db, "fps mine", user_id="USTRANGER"))
    assert "your Slack account is not linked to a person in the data of " + FPS in text
    assert "The board secretary, Tristan Fieldsend, can add your Slack ID." in text
    set_slack_id(demo_db, "maria-burton", "UMARIA")
    reply = run(demo_db, "hwb mine", user_id="USTRANGER")
    assert "The board secretary, <@UMARIA>, can add your Slack ID." in reply.text


@pytest.mark.parametrize("mention", ["<@UKIRAN>", "<@UKIRAN|kiran>"])
def test_a_slack_mention_lists_that_persons_actions(demo_db, mention):
    set_slack_id(demo_db, "kiran-hayer", "UKIRAN")
    reply = run(demo_db, f"hwb {mention}")
    assert "open actions led by Kiran Hayer" in text_of(reply)
    assert refs_shown(reply) == ["HWB-2"]


def test_a_mention_of_someone_not_in_the_data_says_so(demo_db):
    reply = run(demo_db, "hwb <@UZED99>")
    assert reply.text.startswith("<@UZED99> is not linked to a person")
    assert "@UZED99 is not linked to a person in the data of Health & Wellbeing Board" in text_of(reply)
    assert "The board secretary, Maria Burton, can add their Slack ID." in text_of(reply)


@pytest.mark.parametrize("words", ["@kiran", "kiran", "Kiran Hayer", "@kiran-hayer", "hayer", "@K HAYER"])
def test_a_lead_is_found_by_name_or_key(demo_db, words):
    reply = run(demo_db, f"hwb {words}")
    assert "Health & Wellbeing Board: open actions led by Kiran Hayer" in text_of(reply)
    assert refs_shown(reply) == ["HWB-2"]


@pytest.mark.parametrize("words", ["@josh", "Cllr Josh", "councillor josh rendall"])
def test_a_member_who_leads_nothing_is_told_plainly(demo_db, words):
    text = text_of(run(demo_db, f"hwb {words}"))
    assert "open actions led by Councillor Josh Rendall" in text
    assert "Councillor Josh Rendall leads no actions on this board." in text


def test_an_ambiguous_name_lists_the_candidates(demo_db):
    text = text_of(run(demo_db, "hwb @ja"))
    assert (
        "“@ja” could be more than one person: Jackie Rosenberg (`@jackie-rosenberg`), "
        "James Benson (`@james-benson`), Jan Maniera (`@jan-maniera`)."
    ) in text
    assert "`/actions hwb @jackie-rosenberg`" in text


# --- one action ----------------------------------------------------------------------------------


def add_history(engine) -> None:
    with make_sessions(engine).begin() as session:
        action = session.scalar(select(m.Action).where(m.Action.ref == "FPS-2"))
        josh = session.scalar(select(m.Person).where(m.Person.key == "josh-rendall"))
        tristan = session.scalar(select(m.Person).where(m.Person.key == "tristan-fieldsend"))
        session.add_all(
            [
                m.ActionUpdate(
                    action=action,
                    seq=1,
                    at=datetime(2023, 10, 5, 18, 30, tzinfo=UTC),
                    field="status",
                    old="open",
                    new="in_progress",
                    by=josh,
                    note="Housing have agreed to report",
                    via="message",
                    link="https://example.slack.com/archives/C1/p1",
                ),
                m.ActionUpdate(
                    action=action,
                    seq=2,
                    at=datetime(2023, 10, 5, 23, 30, tzinfo=UTC),  # already 6 October in London
                    field="progress",
                    old="In progress",
                    new="Report commissioned from Shelter",
                    by=tristan,
                    via="form",
                ),
            ]
        )


def test_one_action_shows_every_field_and_its_history(demo_db):
    add_history(demo_db)
    reply = run(demo_db, "fps FPS-2")
    text = text_of(reply)
    assert text.startswith(
        f"FPS-2 · {FPS}\nRequested a report on why people become homeless and the reasons why they "
        "sometimes do not ask for help."
    )
    for field in (
        "Lead\nnot recorded",
        "Due\nno due date recorded",
        "Status\nIn progress",
        "RAG\nnot recorded",
        "Raised at\nthe meeting of Thu 17 Oct 2019, item 4: Cabinet Member Update",
        f"Source\n{FPS}, Monday 25th November 2019 - Committee Agenda",
        "Progress\nIn progress",
        "History (2 changes)",
    ):
        assert field in text
    assert (
        "1. Thu 5 Oct 2023 · Councillor Josh Rendall · status: Open → In progress · by message · message "
        "(https://example.slack.com/archives/C1/p1)\n“Housing have agreed to report”"
    ) in text
    assert (
        "2. Fri 6 Oct 2023 · Tristan Fieldsend · progress: In progress → Report commissioned from Shelter"
        " · by form" in text
    )
    assert text.index("1. Thu 5 Oct") < text.index("2. Fri 6 Oct")
    assert_within_slack_limits(reply)


def test_an_action_found_by_reference_comes_with_what_its_page_shows(demo_db):
    """find_actions brings the action's meeting, item, lead and document as the session's own
    objects, and the action changes as any other."""
    with make_sessions(demo_db)() as session:
        action = session.scalar(select(m.Action).where(m.Action.ref == "HWB-1"))
        expected = (action.lead_id, action.meeting_id, action.agenda_item_id, action.source_document_id)
    with make_sessions(demo_db).begin() as session:
        hwb, fps = (session.scalar(select(m.Board).where(m.Board.key == key)) for key in ("hwb", "fps"))
        [found] = find_actions(session, hwb, Ref("hwb", "1"))
        [fps_2] = find_actions(session, fps, Ref(None, "2"))
        related = (found.lead, found.meeting, found.agenda_item, found.source_document)
        assert tuple(r.id if r else None for r in related) == expected and related[1] is not None
        assert found in session and not session.dirty and fps_2.ref == "FPS-2"
        assert find_actions(session, hwb, Ref("HWB", "01")) == [found]  # the one the session holds
        found.status = m.ActionStatus.DONE
    with make_sessions(demo_db)() as session:
        assert session.scalar(select(m.Action.status).where(m.Action.ref == "HWB-1")) == m.ActionStatus.DONE


def test_one_action_shows_lead_as_written_and_timescale(demo_db):
    text = text_of(run(demo_db, "hwb hwb-2"))
    assert "Lead\nKiran Hayer\nas written: Kiran Hayer YOs" in text
    assert (
        "Due\nby end of Autumn 2023 (30 Nov 2023, from the timescale as written)\n"
        "timescale as written: Autumn 2023" in text
    )
    assert "Progress\nThis will be implemented in Autumn 2023." in text
    assert "History\nNo changes recorded." in text


@pytest.mark.parametrize("words", ["fps FPS-2", "fps fps-2", "fps fps2", "fps #2", "FPS-2"])
def test_a_reference_is_found_however_it_is_typed(demo_db, words):
    assert text_of(run(demo_db, words)).startswith(f"FPS-2 · {FPS}")


def test_a_long_history_is_paged(demo_db):
    with make_sessions(demo_db).begin() as session:
        action = session.scalar(select(m.Action).where(m.Action.ref == "FPS-3"))
        for seq in range(1, 24):
            session.add(
                m.ActionUpdate(
                    action=action,
                    seq=seq,
                    at=datetime(2023, 1, seq, 12, tzinfo=UTC),
                    field="progress",
                    old=f"step {seq - 1}",
                    new=f"step {seq}",
                    by_text="import",
                    via="import",
                )
            )
    first = run(demo_db, "fps FPS-3")
    assert "History (23 changes)" in text_of(first) and "10. Tue 10 Jan 2023" in text_of(first)
    assert "11. " not in text_of(first) and "Page 1 of 3 (23 in all)" in text_of(first)
    last = text_of(run(demo_db, "fps FPS-3", page=3))
    assert "21. Sat 21 Jan 2023 · import · progress: step 20 → step 21 · loaded from a file" in last
    assert "23. Mon 23 Jan 2023" in last
    beyond = text_of(run(demo_db, "fps FPS-3", page=9))  # a button from a longer history: the last page
    assert "23. Mon 23 Jan 2023" in beyond and "Page 3 of 3 (23 in all)" in beyond
    assert_within_slack_limits(first)


def test_an_unknown_reference_suggests_near_ones(demo_db):
    text = text_of(run(demo_db, "fps FPS-48"))  # past the last: where the references end
    assert f"There is no action FPS-48 on {FPS}. FPS P&S references run up to FPS-46." in text
    assert "FPS P&S references run up to FPS-46." in text_of(run(demo_db, "fps FPS-99"))
    add_actions(demo_db, "fps", {"ref": "FPS-50", "description": "A gap below", "status": "open"})
    assert "Did you mean FPS-46 or FPS-50?" in text_of(run(demo_db, "fps FPS-48"))
    assert "Did you mean CS-12 or HWB-12?" in text_of(run(demo_db, "hwb A-12"))


def test_a_reference_on_another_board_points_there(demo_db):
    text = text_of(run(demo_db, "hwb FPS-3"))
    assert "There is no action FPS-3 on Health & Wellbeing Board." in text
    assert f"{FPS} has an action FPS-3: `/actions fps FPS-3`" in text


def test_a_number_shared_by_two_prefixes_asks_which(demo_db):
    text = text_of(run(demo_db, "hwb #12"))
    assert "“#12” could be CS-12 or HWB-12 on Health & Wellbeing Board." in text


# --- bad input -----------------------------------------------------------------------------------


def test_unknown_filter_lists_what_works(demo_db):
    reply = run(demo_db, "fps frobnicate")
    text = text_of(reply)
    assert text.startswith("I don't understand “frobnicate”: it is not a filter, and nobody who leads")
    for example in (
        "`/actions fps overdue`",
        "`/actions fps done`",
        "`/actions fps mine`",
        "`/actions fps FPS-1`",
    ):
        assert example in text
    assert not reply.public


def test_conflicting_filters_list_what_works(demo_db):
    text = text_of(run(demo_db, "fps done overdue"))
    assert text.startswith("I don't understand “done overdue”. Here is what `/actions` can show:")


@pytest.mark.parametrize(
    "junk",
    [
        "x" * 3000,
        "fps " + "lorem ipsum dolor " * 170,
        "fps " + "<@U123|" * 400,
        "hwb " + "% _ ' \" ; -- " * 250,
        "fps @" + "a" * 2990,
        "fps #" + "9" * 2990,
    ],
)
def test_junk_gets_a_helpful_reply(demo_db, junk):
    reply = run(demo_db, junk)
    text = text_of(reply)
    assert "I don't understand" in text or "Which board do you mean?" in text
    assert "`/actions" in text
    assert_within_slack_limits(reply)


def test_in_a_dm_without_a_board_it_asks_which(demo_db):
    assert text_of(run(demo_db, "overdue")).startswith("Which board do you mean?")


def test_empty_database_says_there_are_no_boards(fresh_db):
    for words in ("", "fps overdue", "A-12", "mine"):
        assert "There are no boards in this workspace yet" in text_of(run(fresh_db, words))


def test_descriptions_are_slack_escaped(demo_db):
    add_actions(
        demo_db,
        "fps",
        {
            "ref": "FPS-47",
            "description": "Ping <!channel> & see <http://evil.example|this>",
            "status": "open",
            "lead_text": "<@U999> & co",
            "progress": "<!here> soon",
        },
    )
    for words in ("fps", "fps FPS-47"):
        reply = run(demo_db, words, page=2)
        assert "Ping &lt;!channel&gt; &amp; see &lt;http://evil.example|this&gt;" in reply.text
        assert "&lt;@U999&gt; &amp; co" in reply.text
        for raw in ("<!channel>", "<!here>", "<@U999>", "<http://evil"):
            assert raw not in json.dumps(reply.blocks)


def test_every_reply_stays_inside_slacks_limits(demo_db):
    add_history(demo_db)
    for words in ("hwb", "hwb overdue", "hwb done", "hwb HWB-3", "hwb CS-1", "fps", "fps done", "hwb @ja"):
        for page in (1, 2, 13):
            assert_within_slack_limits(run(demo_db, words, page=page))


def test_pager_buttons_ask_the_same_question_again(demo_db):
    reply = run(demo_db, "fps done", page=2)
    pager = next(block for block in reply.blocks if block.get("block_id") == "pager")
    values = [json.loads(button["value"]) for button in pager["elements"]]
    assert [(v["c"], v["t"], v["p"]) for v in values] == [
        ("actions", "fps done", 1),
        ("actions", "fps done", 3),
    ]


def test_a_restricted_item_title_is_not_shown_with_the_action_that_it_raised(demo_db):
    from sqlalchemy import select as sa_select

    from bot import models as m
    from bot.db import make_sessions

    with make_sessions(demo_db).begin() as session:
        action = session.scalar(sa_select(m.Action).where(m.Action.ref == "FPS-1"))
        item = m.AgendaItem(
            meeting_id=action.meeting_id,
            number="99",
            position=990000000,
            title="SECRET redundancy plan",
            restricted=True,
        )
        session.add(item)
        session.flush()
        action.agenda_item_id = item.id
    text = text_of(run(demo_db, "fps FPS-1"))
    assert "SECRET" not in text and "a restricted (Part 2) item" in text
