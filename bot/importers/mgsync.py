"""Keeping ModernGov boards in step: where each came from, and the clock's re-import of it.

`boardbot import moderngov` remembers the site and committee of the board it imported
(m.ModernGovSync); the clock re-runs that import when the board's `every_days` have passed, through
the same merge (only what the site changed; Slack's edits kept), and tells the board secretary in a
direct message what changed and what conflicts with edits made in Slack.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot import models as m
from bot.boarddata import Imported, LoadResult, load_imported
from bot.boarddata.merge import Kept, show
from bot.boarddata.reader import describe_key
from bot.importers.command import ImportFailed
from bot.importers.mgclient import Client, site_url
from bot.importers.moderngov import DEFAULT_DAYS_AHEAD, fetch
from bot.render import fallback_text, render_blocks

log = logging.getLogger(__name__)

SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
Post = Callable[[str, str, list[dict[str, Any]]], None]  # (Slack user id, text, blocks)


@dataclass
class SyncOutcome:
    board: str
    result: LoadResult | None
    failure: str | None
    told: str | None  # the Slack id the report went to; None: nobody to tell, or nothing to say


def remember(
    session: Session, args: argparse.Namespace, imports: list[Imported], start: date, now: datetime
) -> None:
    """After a real import: the board's site, committee, window start and sync interval."""
    data = yaml.load(imports[0].text, Loader=SafeLoader)
    key = args.board or data["boards"][0]["key"]
    stmt = select(m.Board).join(m.Workspace).where(m.Board.key == key).order_by(m.Board.id)
    if args.workspace:
        stmt = stmt.where(m.Workspace.team_id == args.workspace)
    for board in session.scalars(stmt):
        sync = session.get(m.ModernGovSync, board.id) or m.ModernGovSync(board_id=board.id)
        sync.site, sync.committee_id = site_url(args.site), args.committee
        sync.starts_on = min(start, sync.starts_on) if sync.starts_on else start
        if args.sync_every is not None or sync.every_days is None:
            sync.every_days = 1 if args.sync_every is None else args.sync_every
        sync.last_run_at, sync.last_outcome = now, "imported by `boardbot import moderngov`"
        session.add(sync)


def is_due(sync: m.ModernGovSync, now: datetime) -> bool:
    if sync.every_days == 0:
        return False
    if sync.last_run_at is None:
        return True
    last = sync.last_run_at if sync.last_run_at.tzinfo else sync.last_run_at.replace(tzinfo=UTC)  # SQLite
    return last + timedelta(days=sync.every_days) <= now


def sync_due(
    sessions: sessionmaker[Session],
    now: datetime,
    post: Post,
    *,
    team_id: str | None = None,
    client: Callable[[str], Client] = Client,
) -> list[SyncOutcome]:
    """Re-import every board whose interval has passed; report each to its secretary."""
    with sessions() as session:
        stmt = select(m.ModernGovSync).join(m.Board).join(m.Workspace).order_by(m.ModernGovSync.board_id)
        if team_id is not None:
            stmt = stmt.where(m.Workspace.team_id == team_id)
        due = [
            (sync.board_id, sync.site, sync.committee_id, sync.starts_on)
            for sync in session.scalars(stmt)
            if is_due(sync, now)
        ]
    return [sync_one(sessions, now, post, *row, client=client) for row in due]


def sync_one(
    sessions: sessionmaker[Session],
    now: datetime,
    post: Post,
    board_id: int,
    site: str,
    committee: int,
    starts_on: date,
    *,
    client: Callable[[str], Client] = Client,
) -> SyncOutcome:
    with sessions() as session:
        board = session.get_one(m.Board, board_id)
        key, team = board.key, board.workspace.team_id
    result, failure = None, None
    try:
        end = now.date() + timedelta(days=DEFAULT_DAYS_AHEAD)
        imported = fetch(
            client(site), committee, starts_on, end, board=key, show=lambda rows, total, unit: rows
        )
        with sessions.begin() as session:
            result = load_imported(session, [imported], now=now, team_id=team)
        if not result.ok:
            failure = "; ".join(str(problem) for problem in result.problems[:5])
    except ImportFailed as exc:
        failure = str(exc)
    with sessions.begin() as session:
        sync = session.get_one(m.ModernGovSync, board_id)
        sync.last_run_at = now
        sync.last_outcome = (f"failed: {failure}" if failure else result.summary() if result else "")[:2000]
        board = session.get_one(m.Board, board_id)
        secretary = board.secretary
        report = failure is not None or (result is not None and (result.changes or result.conflicts))
        told = secretary.slack_user_id if secretary is not None and report else None
        blocks = render_blocks(
            "moderngov_sync.json.j2",
            board=board,
            site=site,
            committee=committee,
            failure=failure,
            changes=[change.describe() for change in result.changes] if result and not failure else [],
            conflicts=[conflict_line(kept) for kept in result.conflicts] if result and not failure else [],
            summary=result.summary().removesuffix(" (kept; listed above)") if result and not failure else "",
        )
    if told:
        post(told, fallback_text(blocks), blocks)
    elif report:
        log.warning(
            "ModernGov sync of board %s: no secretary on Slack to tell (%s)", key, failure or "changes"
        )
    return SyncOutcome(key, result, failure, told)


def conflict_line(kept: Kept) -> str:
    """A conflict as the secretary reads it: what Slack set, and what the site says now."""
    return (
        f"{kept.kind.label} {describe_key(kept.key)}: {kept.field}: kept {show(kept.current)} "
        f"({kept.who()}); the site now says {show(kept.file_value)}"
    )
