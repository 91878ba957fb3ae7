"""Stand-in Slack ids for people and boards the data does not put on Slack, for the console and previews.

The demo boards name nobody's Slack account, so no reminder could ever be shown. `--slack-ids demo`
gives every person without a Slack id a stand-in (`UDEMO` and their key, e.g. UDEMOKIRANHAYER) and every
board without a channel one (`CDEMO` and its key); `--slack-ids FILE` reads a YAML map of person or
board keys to ids instead. They are written to the database being used only while the console or the
preview runs, and removed after it (and at the next start, should a run have been killed), so the board
data and `boardbot export` never contain them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import yaml
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from bot import models as m

PERSON_PREFIX = "UDEMO"
CHANNEL_PREFIX = "CDEMO"


class StandInError(ValueError):
    """A --slack-ids value that is neither `demo` nor a readable map of keys to Slack ids."""


def _id(prefix: str, key: str) -> str:
    return (prefix + re.sub(r"[^A-Za-z0-9]", "", key).upper())[:32]


def read_map(spec: str) -> dict[str, str] | None:
    """None for `demo` (everyone gets a stand-in); else the file's key-to-id map."""
    if spec == "demo":
        return None
    path = Path(spec)
    if not path.is_file():
        raise StandInError(f"--slack-ids takes `demo` or a YAML file of key: Slack id; {spec!r} is neither")
    loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(loaded, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and re.fullmatch(r"[UWC][A-Z0-9]{2,31}", v)
        for k, v in loaded.items()
    ):
        raise StandInError(f"{spec}: expected lines like `kiran-hayer: U0123ABCD` (person or board key)")
    return loaded


def apply(session: Session, team_id: str, wanted: dict[str, str] | None) -> dict[str, str]:
    """Give the workspace's people and boards without Slack ids their stand-ins; returns id → name.

    Written with UPDATE statements, not through the ORM, so nothing takes them for a change in Slack.
    """
    given: dict[str, str] = {}
    in_team = select(m.Workspace.id).where(m.Workspace.team_id == team_id).scalar_subquery()
    people = session.execute(
        select(m.Person.id, m.Person.key, m.Person.name).where(
            m.Person.workspace_id == in_team, m.Person.slack_user_id.is_(None)
        )
    )
    for person_id, key, name in people.all():
        chosen = _id(PERSON_PREFIX, key) if wanted is None else wanted.get(key)
        if chosen:
            session.execute(update(m.Person).where(m.Person.id == person_id).values(slack_user_id=chosen))
            given[chosen] = name
    boards = session.execute(
        select(m.Board.id, m.Board.key, m.Board.name).where(
            m.Board.workspace_id == in_team, m.Board.slack_channel.is_(None)
        )
    )
    for board_id, key, name in boards.all():
        chosen = _id(CHANNEL_PREFIX, key) if wanted is None else wanted.get(key)
        if chosen:
            session.execute(update(m.Board).where(m.Board.id == board_id).values(slack_channel=chosen))
            given[chosen] = f"#{key} ({name})"
    return given


def remove(session: Session, given: dict[str, str] | None = None) -> None:
    """Take stand-ins off again: those given (a file's ids), and any demo ones left by a killed run."""
    people = m.Person.slack_user_id.startswith(PERSON_PREFIX, autoescape=True)
    boards = m.Board.slack_channel.startswith(CHANNEL_PREFIX, autoescape=True)
    if given:
        people = people | m.Person.slack_user_id.in_(given)
        boards = boards | m.Board.slack_channel.in_(given)
    session.execute(update(m.Person).where(people).values(slack_user_id=None))
    session.execute(update(m.Board).where(boards).values(slack_channel=None))


@contextmanager
def stand_ins(
    sessions: sessionmaker[Session], team_id: str | None, spec: str | None
) -> Iterator[dict[str, str]]:
    """Stand-ins in the database for the block's length (none without a spec); yields id → name."""
    with sessions.begin() as session:
        remove(session)
    if not spec:
        yield {}
        return
    wanted = read_map(spec)
    with sessions.begin() as session:
        teams = [team_id] if team_id else list(session.scalars(select(m.Workspace.team_id)))
        given = {k: v for team in teams for k, v in apply(session, team, wanted).items()}
    try:
        yield given
    finally:
        with sessions.begin() as session:
            remove(session, given)
