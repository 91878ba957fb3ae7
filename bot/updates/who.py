"""Who asks, from where, and who may: the person a Slack user is, their workspace and boards, and
who may change a board's actions and papers.

Who may change an action: its lead, the board's secretary, its chairs and co-chairs, and admins
and owners of the board's own Slack workspace (not a Slack Connect guest who is an admin of
another). Record actions or mark papers: the same without the lead (a paper's author may mark it).
Anyone else is refused and nothing changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from bot import models as m
from bot.boarddata.provenance import note_slack
from bot.meetings import board_today

EDITING_ROLES: dict[str, str] = {
    m.MembershipRole.CHAIR: "chair",
    m.MembershipRole.CO_CHAIR: "co-chair",
    m.MembershipRole.SECRETARY: "secretary",
}


def workspace_id(session: Session, team_id: str) -> int | None:
    """The id of the workspace a Slack team is, or None when it has no boards here."""
    return session.scalar(select(m.Workspace.id).where(m.Workspace.team_id == team_id))


def workspace_boards(session: Session, workspace_id: int, limit: int) -> list[m.Board]:
    """The workspace's first boards by name."""
    return list(
        session.scalars(
            select(m.Board).where(m.Board.workspace_id == workspace_id).order_by(m.Board.name).limit(limit)
        )
    )


def channel_board(session: Session, workspace_id: int, channel: str) -> m.Board | None:
    """The board whose Slack channel this is, if any."""
    return session.scalar(
        select(m.Board).where(m.Board.workspace_id == workspace_id, m.Board.slack_channel == channel).limit(1)
    )


@dataclass(frozen=True)
class SlackProfile:
    """What Slack says about a user (users.info)."""

    email: str | None = None
    is_admin: bool = False  # an admin or owner of the user's own workspace (team_id)
    is_bot: bool = False
    team_id: str | None = None  # the user's home workspace; another team's for a Slack Connect guest


class Directory(Protocol):
    def profile(self, user_id: str) -> SlackProfile | None: ...


class NoDirectory:
    """No Slack to ask (the console, tests): nobody is found by e-mail or is an admin."""

    def profile(self, user_id: str) -> SlackProfile | None:
        return None


@dataclass
class Actor:
    """Who asked: their Slack id, the person they are in the data (if any), and Slack's word on them."""

    slack_user_id: str
    person: m.Person | None
    directory: Directory = field(default_factory=NoDirectory)
    team_id: str | None = None  # the workspace of the boards asked about: admin rights count only there
    _profile: SlackProfile | None = None
    _looked_up: bool = False

    def profile(self) -> SlackProfile | None:
        if not self._looked_up:
            self._profile, self._looked_up = self.directory.profile(self.slack_user_id), True
        return self._profile

    def is_admin(self) -> bool:
        """An admin or owner of this workspace: Slack says so, and says the user is of this team."""
        profile = self.profile()
        return bool(profile and profile.is_admin and self.team_id and profile.team_id == self.team_id)

    @property
    def by_text(self) -> str | None:
        """How history names someone who is not a person in the data."""
        return None if self.person else f"Slack user {self.slack_user_id}"


def identify(
    session: Session,
    workspace_id: int,
    slack_user_id: str,
    directory: Directory,
    *,
    person_key: str | None = None,
) -> Actor:
    """The person a Slack user is: by Slack user id, or the first time by e-mail, then remembered.

    `person_key` is a person the surface vouches for (the console's --as), never anything from Slack.
    """
    who = m.Person.key == person_key if person_key else m.Person.slack_user_id == slack_user_id
    person = session.scalar(select(m.Person).where(m.Person.workspace_id == workspace_id, who))
    team_id = session.scalar(select(m.Workspace.team_id).where(m.Workspace.id == workspace_id))
    actor = Actor(slack_user_id, person, directory, team_id)
    if person_key:
        return actor
    if person is not None or not slack_user_id:
        return actor
    profile = actor.profile()
    if profile is None or not profile.email or profile.is_bot:
        return actor
    found = list(
        session.scalars(
            select(m.Person)
            .where(
                m.Person.workspace_id == workspace_id,
                func.lower(m.Person.email) == profile.email.strip().lower(),
                m.Person.slack_user_id.is_(None),
            )
            .limit(2)
        )
    )
    if len(found) == 1:  # two people with one address: leave it to the secretary
        actor.person = found[0]
        found[0].slack_user_id = slack_user_id
        by = f"learned from {profile.email}"  # a reload keeps it (bot/boarddata/merge.py)
        note_slack(session, workspace_id, "people", found[0].id, ["slack_user_id"], by=by)
    return actor


def permission(session: Session, actor: Actor, action: m.Action) -> str | None:
    """Why the actor may change the action ("lead", "secretary", "chair", "co-chair", "admin"), or None."""
    if actor.person is not None and action.lead_id == actor.person.id:
        return "lead"
    return board_permission(session, actor, action.board)


def in_force_now(board: m.Board) -> ColumnElement[bool]:
    """Seats held today in the board's zone: a past chair no longer edits the board's actions."""
    today = board_today(board)
    return m.Membership.in_force(today, today)


def editors(session: Session, board: m.Board) -> list[m.Person]:
    """The board's secretary first, then its chairs and co-chairs: who to ask instead."""
    people = [board.secretary] if board.secretary else []
    people += session.scalars(
        select(m.Person)
        .join(m.Membership, m.Membership.person_id == m.Person.id)
        .where(
            m.Membership.board_id == board.id,
            m.Membership.role.in_(list(EDITING_ROLES)),
            in_force_now(board),
        )
        .order_by(m.Membership.role.desc(), m.Person.name)
    )
    return list({p.id: p for p in people}.values())  # each once, where first named


def paper_permission(session: Session, actor: Actor, item: m.AgendaItem) -> str | None:
    """Why the actor may mark the item's paper ("author", "secretary", "chair", …), or None."""
    if actor.person is not None and actor.person.id in item.author_ids:
        return "author"
    return board_permission(session, actor, item.meeting.board)


def board_permission(session: Session, actor: Actor, board: m.Board) -> str | None:
    """Why the actor may record actions on the board ("secretary", "chair", "co-chair", "admin"), or None."""
    person = actor.person
    if person is not None:
        if board.secretary_id == person.id:
            return "secretary"
        role = session.scalar(
            select(m.Membership.role).where(
                m.Membership.board_id == board.id,
                m.Membership.person_id == person.id,
                m.Membership.role.in_(list(EDITING_ROLES)),
                in_force_now(board),
            )
        )
        if role in EDITING_ROLES:
            return EDITING_ROLES[role]
    return "admin" if actor.is_admin() else None


def editable_boards(session: Session, actor: Actor, workspace_id: int, limit: int = 100) -> list[m.Board]:
    """The boards the actor may record actions on, by name: every board for an admin."""
    if actor.is_admin():
        return workspace_boards(session, workspace_id, limit)
    if actor.person is None:
        return []
    roles = select(m.Membership.board_id).where(
        m.Membership.person_id == actor.person.id, m.Membership.role.in_(list(EDITING_ROLES))
    )
    return list(
        session.scalars(
            select(m.Board)
            .where(
                m.Board.workspace_id == workspace_id,
                (m.Board.secretary_id == actor.person.id) | m.Board.id.in_(roles),
            )
            .order_by(m.Board.name)
            .limit(limit)
        )
    )
