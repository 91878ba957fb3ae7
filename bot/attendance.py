"""Who is coming to a meeting: members' replies, what the minutes record, and whether quorum holds.

A member replies "attending" (in person or online) or "apologies" (with a substitute or none), and may
change or withdraw it until the meeting starts; after that the replies are the record. Quorum is the
board's stated count and groups (docs/data-format.md, quorum_groups); nothing is assumed when none is
stated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from bot import models as m
from bot.boarddata.provenance import note_slack

# Seats that count for quorum and are asked to reply: not officers or the secretary.
MEMBER_ROLES = (
    m.MembershipRole.CHAIR.value,
    m.MembershipRole.CO_CHAIR.value,
    m.MembershipRole.VICE_CHAIR.value,
    m.MembershipRole.MEMBER.value,
)
REPLY_FIELDS = ("status", "mode", "substitute", "substitute_name", "recorded_by", "recorded_at")


def starts_at_utc(meeting: m.Meeting) -> datetime:
    """When the meeting starts (the start of its day when no time is recorded), in UTC."""
    local = datetime.combine(meeting.meets_on, meeting.starts_at or time(0), ZoneInfo(meeting.board.timezone))
    return local.astimezone(ZoneInfo("UTC"))


def has_started(meeting: m.Meeting, now: datetime) -> bool:
    return now >= starts_at_utc(meeting)


def members(session: Session, meeting: m.Meeting, today: date) -> list[tuple[m.Person, str]]:
    """The members in force on the meeting's day (as asked on `today`), by name, with their role."""
    rows = session.execute(
        select(m.Person, m.Membership.role)
        .join(m.Membership, m.Membership.person_id == m.Person.id)
        .options(joinedload(m.Person.organisation))
        .where(
            m.Membership.board_id == meeting.board_id,
            m.Membership.role.in_(MEMBER_ROLES),
            m.Membership.in_force(meeting.meets_on, today),
        )
        .order_by(m.Person.name)
    )
    found: dict[int, tuple[m.Person, str]] = {}
    for person, role in rows:
        found.setdefault(person.id, (person, role))
    return list(found.values())


def records(session: Session, meeting: m.Meeting, *, minuted: bool) -> list[m.Attendance]:
    """The meeting's replies (or its minuted record), with the people they name."""
    return list(
        session.scalars(
            select(m.Attendance)
            .options(
                joinedload(m.Attendance.person),
                joinedload(m.Attendance.substitute),
                joinedload(m.Attendance.recorded_by),
            )
            .where(m.Attendance.meeting_id == meeting.id, m.Attendance.minuted.is_(minuted))
            .order_by(m.Attendance.id)
        ).unique()
    )


def reply_of(session: Session, meeting: m.Meeting, person: m.Person) -> m.Attendance | None:
    return session.scalar(
        select(m.Attendance).where(
            m.Attendance.meeting_id == meeting.id,
            m.Attendance.person_id == person.id,
            m.Attendance.minuted.is_(False),
        )
    )


def record_reply(
    session: Session,
    meeting: m.Meeting,
    person: m.Person,
    status: m.AttendanceStatus,
    *,
    by: m.Person | None,
    now: datetime,
    mode: m.AttendanceMode | None = None,
    substitute: m.Person | None = None,
    substitute_name: str | None = None,
) -> tuple[m.Attendance, str | None]:
    """Set the person's reply (replacing any earlier one); returns it and the status it had before."""
    row = reply_of(session, meeting, person)
    before = row.status if row is not None else None
    if row is None:
        row = m.Attendance(meeting_id=meeting.id, person_id=person.id, minuted=False)
        session.add(row)
    row.status = status.value
    row.mode = mode.value if mode else None
    row.substitute_id = substitute.id if substitute else None
    row.substitute_name = None if substitute else substitute_name
    row.recorded_by_id = by.id if by else None
    row.recorded_at = now
    session.flush()
    by_text = by.name if by else None
    note_slack(session, meeting.board.workspace_id, "attendance", row.id, REPLY_FIELDS, by=by_text, at=now)
    return row, before


@dataclass
class Standing:
    """One member's standing for a meeting: their reply, if any."""

    person: m.Person
    role: str
    reply: m.Attendance | None

    @property
    def status(self) -> str | None:
        if self.reply is None or self.reply.status == m.AttendanceStatus.WITHDRAWN:
            return None
        return self.reply.status

    @property
    def could_come(self) -> bool:
        return self.status != m.AttendanceStatus.APOLOGIES


@dataclass
class Roll:
    """Who is coming to a meeting, who sent apologies (and substitutes), who has not said."""

    meeting: m.Meeting
    standings: list[Standing]
    others: list[m.Attendance] = field(default_factory=list)  # replies from people not members that day

    @property
    def attending(self) -> list[Standing]:
        return [s for s in self.standings if s.status == m.AttendanceStatus.ATTENDING]

    @property
    def apologies(self) -> list[Standing]:
        return [s for s in self.standings if s.status == m.AttendanceStatus.APOLOGIES]

    @property
    def silent(self) -> list[Standing]:
        return [s for s in self.standings if s.status is None]


def roll(session: Session, meeting: m.Meeting, today: date) -> Roll:
    replies = {r.person_id: r for r in records(session, meeting, minuted=False)}
    standings = [Standing(p, role, replies.pop(p.id, None)) for p, role in members(session, meeting, today)]
    return Roll(meeting, standings, [r for r in replies.values() if r.status != m.AttendanceStatus.WITHDRAWN])


# --- Quorum -----------------------------------------------------------------------------------------


def in_group(group: m.QuorumGroup, person: m.Person) -> bool:
    """Whether the person belongs to the group as the data has them (key, organisation, name and title)."""
    if person.key in (group.people or []):
        return True
    organisations, roles = group.organisations or [], group.roles or []
    if not organisations and not roles:
        return False
    org_key = person.organisation.key if person.organisation is not None else None
    if organisations and org_key not in organisations:
        return False
    words = f"{person.name} {person.role_title or ''}".lower()
    return not roles or any(role.lower() in words for role in roles)


@dataclass
class GroupCheck:
    group: m.QuorumGroup
    could_come: list[str]  # names of members (or substitutes) of the group who could still come
    sent_apologies: list[str]  # members of the group who sent apologies

    @property
    def met(self) -> bool:
        return len(self.could_come) >= self.group.at_least


@dataclass
class QuorumCheck:
    """A meeting's quorum against the replies so far. `possible` counts members who have not sent
    apologies plus substitutes: everyone who could still come."""

    count: int | None
    groups: list[GroupCheck]
    possible: int
    confirmed: int
    apologies_without_substitute: list[str]

    @property
    def stated(self) -> bool:
        return self.count is not None or bool(self.groups)

    @property
    def at_risk(self) -> bool:
        short = self.count is not None and self.possible < self.count
        return short or any(not g.met for g in self.groups)

    def needed(self) -> list[str]:
        """Plain lines saying what is short and who could make it up."""
        lines = []
        if self.count is not None and self.possible < self.count:
            lines.append(
                f"{self.count} members are needed; at most {self.possible} can come. "
                + (
                    "Apologies without a substitute: " + ", ".join(self.apologies_without_substitute) + "."
                    if self.apologies_without_substitute
                    else ""
                )
            )
        for check in self.groups:
            if check.met:
                continue
            need = check.group.at_least
            who = (
                f"; apologies from {', '.join(check.sent_apologies)}: they, or a substitute who is one, are needed"
                if check.sent_apologies
                else "; no member of the board is one"
            )
            lines.append(f"{check.group.label}: {need} needed, {len(check.could_come)} can come{who}.")
        return [line.strip() for line in lines]


def quorum_groups(session: Session, board: m.Board) -> list[m.QuorumGroup]:
    return list(
        session.scalars(
            select(m.QuorumGroup).where(m.QuorumGroup.board_id == board.id).order_by(m.QuorumGroup.key)
        )
    )


def check_quorum(session: Session, meeting: m.Meeting, today: date, found: Roll | None = None) -> QuorumCheck:
    """The board's quorum rule against the replies so far (nothing stated: an empty check)."""
    found = found or roll(session, meeting, today)
    coming: list[tuple[str, m.Person | None]] = []  # name, and the person in the data
    missing: list[str] = []
    for standing in found.standings:
        if standing.could_come:
            coming.append((standing.person.name, standing.person))
            continue
        reply = standing.reply
        assert reply is not None  # apologies are a reply
        if reply.substitute is not None:
            coming.append((reply.substitute.name, reply.substitute))
        elif reply.substitute_name:
            coming.append((reply.substitute_name, None))
        else:
            missing.append(standing.person.name)
    checks = []
    for group in quorum_groups(session, meeting.board):
        could = [name for name, person in coming if person is not None and in_group(group, person)]
        sent = [s.person.name for s in found.apologies if in_group(group, s.person)]
        checks.append(GroupCheck(group, could, sent))
    return QuorumCheck(
        count=meeting.board.quorum,
        groups=checks,
        possible=len(coming),
        confirmed=len(found.attending),
        apologies_without_substitute=missing,
    )
