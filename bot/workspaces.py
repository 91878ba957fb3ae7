"""Which Slack workspace each board belongs to, and the one a single bot token serves.

Board data written from the demo or docs/data-format.md says `team_id: local`. With one bot token,
start-up asks Slack (`auth.test`, once) which team the token is for and, if that team has no boards
here while `local` has, rebinds the `local` workspace to it: the database then says plainly whose
boards they are (`boardbot workspace`), every query stays a plain team id match, and a reload of a
`local` file lands in that same workspace (`load_team`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cache

from slack_sdk import WebClient
from sqlalchemy import exists, func, select, update
from sqlalchemy.orm import Session, aliased, sessionmaker

from bot import models as m
from bot.config import Settings

log = logging.getLogger(__name__)
LOCAL = "local"  # the team id of board data not yet bound to a Slack workspace


class WorkspaceError(ValueError):
    """A workspace change that cannot be made as asked; the message says what would work."""


@dataclass(frozen=True)
class BotTeam:
    team_id: str
    name: str | None = None


@cache
def bot_team(token: str, api_url: str | None = None) -> BotTeam:
    """The workspace a bot token belongs to, from Slack's auth.test: asked once a process."""
    answer = WebClient(token=token, base_url=api_url or WebClient.BASE_URL, timeout=10).auth_test()
    return BotTeam(str(answer["team_id"]), answer.get("team"))


def board_count(session: Session, team_id: str) -> int:
    return (
        session.scalar(
            select(func.count(m.Board.id))
            .join(m.Workspace, m.Workspace.id == m.Board.workspace_id)
            .where(m.Workspace.team_id == team_id)
        )
        or 0
    )


def adopt_local(session: Session, team: BotTeam) -> bool:
    """Rebind `local`'s boards to the bot's team when that team has none here; True if it did.

    One conditional UPDATE, so web processes starting together rebind it once.
    """
    if team.team_id == LOCAL or board_count(session, team.team_id) or not board_count(session, LOCAL):
        return False
    other = aliased(m.Workspace)
    taken = exists(select(other.id).where(other.team_id == team.team_id))
    if session.scalar(select(taken)):
        log.warning(
            "Workspace %s has no boards but exists here, so the boards loaded for `local` stay there; "
            "load their files into it with `boardbot load --workspace %s FILE…`",
            team.team_id,
            team.team_id,
        )
        return False
    done = session.execute(
        update(m.Workspace)
        .where(m.Workspace.team_id == LOCAL, ~taken)
        .values(team_id=team.team_id, name=func.coalesce(m.Workspace.name, team.name))
        .execution_options(synchronize_session=False)
    )
    return bool(done.rowcount)  # type: ignore[attr-defined]


def start_up(settings: Settings, sessions: sessionmaker[Session]) -> BotTeam | None:
    """With a bot token: learn its workspace and give it the boards loaded for `local`.

    Serving many workspaces (OAuth), no one of them is the install's, so `local` boards stay put."""
    if settings.oauth:
        with sessions() as session:
            if board_count(session, LOCAL):
                log.warning(
                    "Boards loaded for workspace `local` are served to no workspace while BoardBot "
                    "serves many: bind them with `boardbot workspace set T… --board KEY`"
                )
        return None
    if not settings.slack_bot_token:
        return None
    team = bot_team(settings.slack_bot_token, settings.slack_api_url)
    with sessions.begin() as session:
        if adopt_local(session, team):
            log.info(
                "Boards loaded for workspace `local` now belong to %s (%s), this bot token's workspace",
                team.team_id,
                team.name or "name not recorded",
            )
    return team


def load_team(session: Session, team_id: str | None) -> str:
    """Where a file's boards load: `local` (or none) means the install's one workspace once bound."""
    if team_id not in (None, "", LOCAL):
        return str(team_id)
    teams = list(session.scalars(select(m.Workspace.team_id).limit(2)))
    return teams[0] if len(teams) == 1 else LOCAL


@dataclass(frozen=True)
class BoardPlace:
    key: str
    name: str
    team_id: str
    workspace_name: str | None


def board_places(session: Session) -> list[BoardPlace]:
    rows = session.execute(
        select(m.Board.key, m.Board.name, m.Workspace.team_id, m.Workspace.name)
        .join(m.Workspace, m.Workspace.id == m.Board.workspace_id)
        .order_by(m.Workspace.team_id, m.Board.name)
    )
    return [BoardPlace(*row) for row in rows]


def describe_places(session: Session) -> list[str]:
    """`boardbot workspace`: each board and its workspace, and what binds `local` boards."""
    places = board_places(session)
    if not places:
        return ["No boards loaded yet: `boardbot load FILE…` (add --workspace T… to bind them)."]
    lines = []
    for place in places:
        where = place.team_id + (f" ({place.workspace_name})" if place.workspace_name else "")
        lines.append(f"{place.key:<12} {place.name}: workspace {where}")
    if any(p.team_id == LOCAL for p in places):
        lines.append(
            "`local` boards go to the bot token's workspace when `boardbot serve`, `run` or `clock` "
            "starts, or now: `boardbot workspace set T…`"
        )
    return lines


def set_workspace(session: Session, team_id: str, board_key: str | None = None) -> str:
    """Bind boards to the Slack team `team_id`: the only workspace's, or `board_key`'s. Says what changed.

    A workspace moves whole (its people and actions are shared by its boards), so with several
    boards in it `--board` is refused rather than splitting it.
    """
    team_id = team_id.strip()
    if not team_id or len(team_id) > 32 or not team_id.replace("-", "").isalnum():
        raise WorkspaceError(
            f"{team_id!r} is not a Slack team id; use e.g. T012AB3CD (Slack: About this workspace)"
        )
    if board_key:
        boards = list(session.scalars(select(m.Board).where(m.Board.key == board_key)))
        if not boards:
            keys = ", ".join(session.scalars(select(m.Board.key).order_by(m.Board.key))) or "none loaded"
            raise WorkspaceError(f"No board has the key {board_key!r}; the boards are: {keys}")
        if len(boards) > 1:
            raise WorkspaceError(f"Several workspaces have a board {board_key!r}; move its workspace whole")
        workspace = boards[0].workspace
        others = [b.key for b in workspace.boards if b.key != board_key]
        if others:
            raise WorkspaceError(
                f"{board_key} shares workspace {workspace.team_id} with {', '.join(sorted(others))} "
                f"(people and actions too), so it moves whole: `boardbot workspace set {team_id}`"
            )
    else:
        workspaces = list(session.scalars(select(m.Workspace).order_by(m.Workspace.team_id)))
        if len(workspaces) != 1:
            teams = ", ".join(w.team_id for w in workspaces) or "none: load board data first"
            raise WorkspaceError(f"Say which board moves (--board KEY); the workspaces are: {teams}")
        workspace = workspaces[0]
    if workspace.team_id == team_id:
        return f"Already in workspace {team_id}; nothing changed."
    if session.scalar(select(m.Workspace.id).where(m.Workspace.team_id == team_id)):
        raise WorkspaceError(
            f"Workspace {team_id} already has its own data; to merge, export and load the file "
            f"with `boardbot load --workspace {team_id} FILE`"
        )
    before, workspace.team_id = workspace.team_id, team_id
    keys = ", ".join(sorted(b.key for b in workspace.boards))
    return f"Moved {keys} from workspace {before} to {team_id}."
