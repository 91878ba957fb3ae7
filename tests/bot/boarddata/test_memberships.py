"""Dated memberships and a stated paper rule in board-data files: loaded, checked and exported."""

from __future__ import annotations

from datetime import date

import yaml
from sqlalchemy import select

from bot import models as m
from bot.db import make_sessions
from tests.bot.boarddata.test_loader import count, export, load, write

BOARD = """
boardbot: 1
people:
  - {key: ann, name: Ann Chair}
  - {key: bob, name: Bob Member}
boards:
  - key: hwb
    name: Health & Wellbeing Board
memberships:
  - {board: hwb, person: ann, role: member, starts_on: 2019-05-20, ends_on: 2021-05-19}
  - {board: hwb, person: ann, role: chair, starts_on: 2023-05-18}
  - {board: hwb, person: bob, role: member}
"""


def spans(engine) -> list[tuple]:
    with make_sessions(engine)() as session:
        rows = session.execute(
            select(m.Person.key, m.Membership.role, m.Membership.starts_on, m.Membership.ends_on)
            .join(m.Person, m.Person.id == m.Membership.person_id)
            .order_by(m.Person.key, m.Membership.starts_on)
        )
        return [tuple(row) for row in rows]


def test_two_spells_of_one_person_load_and_export_back(fresh_db, tmp_path):
    assert load(fresh_db, write(tmp_path, BOARD)).ok
    assert spans(fresh_db) == [
        ("ann", "member", date(2019, 5, 20), date(2021, 5, 19)),
        ("ann", "chair", date(2023, 5, 18), None),
        ("bob", "member", None, None),
    ]
    exported = yaml.safe_load(export(fresh_db))
    assert exported["memberships"] == [
        {"board": "hwb", "person": "ann", "role": "member", "starts_on": date(2019, 5, 20), "ends_on": date(2021, 5, 19)},
        {"board": "hwb", "person": "ann", "role": "chair", "starts_on": date(2023, 5, 18)},
        {"board": "hwb", "person": "bob", "role": "member"},
    ]  # fmt: skip
    assert "paper_deadline_working_days" not in exported["boards"][0]  # not stated, not written


def test_giving_a_start_to_an_undated_membership_updates_it(fresh_db, tmp_path):
    assert load(fresh_db, write(tmp_path, BOARD)).ok
    dated = BOARD.replace(
        "{board: hwb, person: bob, role: member}",
        "{board: hwb, person: bob, role: member, starts_on: 2022-01-10}",
    )
    result = load(fresh_db, write(tmp_path, dated, "dated.yaml"))
    assert result.ok and [c.describe() for c in result.changes] == [
        "~ membership hwb/bob/2022-01-10: starts_on: (none) -> 2022-01-10"
    ]
    assert ("bob", "member", date(2022, 1, 10), None) in spans(fresh_db)
    assert count(fresh_db, m.Membership) == 3
    assert not load(fresh_db, write(tmp_path, dated, "again.yaml")).changes


def test_a_membership_ending_before_it_starts_is_refused_with_the_fix(fresh_db, tmp_path):
    bad = BOARD.replace("ends_on: 2021-05-19", "ends_on: 2018-05-19")
    result = load(fresh_db, write(tmp_path, bad))
    assert not result.ok and count(fresh_db, m.Membership) == 0
    [problem] = result.problems
    assert problem.line == 10
    assert "ends_on" in problem.where
    assert (
        "2018-05-19 is before starts_on 2019-05-20; a membership ends on or after the day it starts"
        in str(problem)
    )


def test_the_same_spell_twice_is_a_duplicate(fresh_db, tmp_path):
    twice = BOARD + "  - {board: hwb, person: bob, role: chair}\n"
    result = load(fresh_db, write(tmp_path, twice))
    assert not result.ok
    assert "duplicate membership hwb/bob/?" in str(result.problems[0])


def test_a_stated_paper_rule_is_kept_and_exported(fresh_db, tmp_path):
    stated = BOARD.replace(
        "name: Health & Wellbeing Board",
        "name: Health & Wellbeing Board\n    paper_deadline_working_days: 10",
    )
    assert load(fresh_db, write(tmp_path, stated)).ok
    with make_sessions(fresh_db)() as session:
        board = session.scalars(select(m.Board)).one()
        assert (board.paper_deadline_working_days, board.paper_deadline_rule) == (10, 10)
    assert yaml.safe_load(export(fresh_db))["boards"][0]["paper_deadline_working_days"] == 10
    assert load(fresh_db, write(tmp_path, BOARD, "unstated.yaml")).ok  # left out: no longer stated
    with make_sessions(fresh_db)() as session:
        board = session.scalars(select(m.Board)).one()
        assert (board.paper_deadline_working_days, board.paper_deadline_rule) == (None, 10)
