"""`boardbot import agenda-pack FILE.pdf|FILE.txt --board KEY`: a Public Document Pack as board data.

The pack's cover, agenda and report cover sheets become the board, its members, the meeting and its
agenda items; a stated next meeting and the minutes of the previous meeting come too. Every record
cites the pack's line (text) or page (PDF). Nothing the pack leaves blank is guessed.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

import yaml

from bot.boarddata import Imported
from bot.importers.command import ImportFailed
from bot.importers.pack_model import Item, Member, Pack, letters, role_of
from bot.importers.pack_parse import parse
from bot.importers.pack_text import Line, PackUnreadable, read_lines

NAME = "agenda-pack"
HELP = "read a Public Document Pack (PDF or text): meeting, members, agenda items, minutes"
ROLE_WORDS = re.compile(
    r"\b(Director|Member|Representative|Chair|Lead|Officer|Manager|Head|Advisor|Adviser|Group|Councillor)\b",
    re.IGNORECASE,
)
CONFIRM = True  # shows what it found and would change, and applies only with --yes or a yes typed


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="the agenda pack, a PDF or its text (.txt)")
    parser.add_argument("--board", required=True, metavar="KEY", help="the board's key, e.g. hwb")
    parser.add_argument("--yes", action="store_true", help="apply without asking")


def read(args) -> list[Imported]:
    path = Path(args.file)
    board = args.board
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", board):
        raise ImportFailed(f"--board {board!r} is not a board key: lower-case letters, digits and hyphens")
    try:
        lines = read_lines(path)
    except PackUnreadable as exc:
        raise ImportFailed(f"{path}: {exc}") from exc
    pack = parse(lines)
    missing = [
        what
        for what, value in (
            ("agenda (a line AGENDA, then numbered items)", pack.items),
            ("meeting date", pack.date),
        )
        if not value
    ]
    if missing:
        raise ImportFailed(
            f"{path}: not an agenda pack this importer can read: found no {' and no '.join(missing)}"
        )
    print(found(pack, path))
    text = yaml.safe_dump(board_data(pack, board, path), sort_keys=False, allow_unicode=True, width=100)
    # One source per board and meeting: the pack's PDF and its text, or a copy renamed, are the same pack.
    assert pack.date is not None
    return [Imported(key=f"agenda pack {board} {pack.date.isoformat()}", text=text, via="agenda pack")]


def slug(name: str) -> str:
    name = re.sub(r"^(Councillor|Cllr\.?)\s+", "", name)
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def board_data(pack: Pack, board: str, path: Path) -> dict[str, Any]:
    assert pack.date is not None
    doc = f"{board}-{pack.date.isoformat()}-pack"

    def source(at: Line | None) -> dict[str, Any]:
        where = {"line": at.line} if at and at.line else {"page": at.page} if at and at.page else {}
        return {"doc": doc, **where}

    committee = pack.committee or board
    data: dict[str, Any] = {"boardbot": 1}
    data["documents"] = [
        {
            "key": doc,
            "title": f"{committee}, {pack.date.strftime('%A')} {pack.date.day} {pack.date:%B %Y} - agenda pack",
            "file": str(path),
        }
    ]
    organisations: dict[str, dict[str, Any]] = {}
    people: dict[str, dict[str, Any]] = {}

    def organisation(name: str, at: Line | None) -> str:
        key = slug(name)
        organisations.setdefault(key, {"key": key, "name": name, "source": source(at)})
        if name.isupper() and len(name) <= 6:
            organisations[key]["short_name"] = name
        return key

    def person(name: str, at: Line | None, **fields: Any) -> str:
        key = slug(name)
        record = people.setdefault(key, {"key": key, "name": name})
        record.update({k: v for k, v in fields.items() if v and k not in record})
        record.setdefault("source", source(at))
        return key

    memberships = []
    meets_on = pack.date
    seated = {"starts_on": pack.issued} if pack.issued and pack.issued <= meets_on else {}

    def since(member: Member) -> dict[str, Any]:
        """Seated from the previous meeting when its minutes show them present in the same role."""
        held = pack.minutes
        if held and held.date < meets_on:
            plain = re.sub(r"^(Councillor|Cllr\.?)\s+", "", member.name)
            at = held.present.find(plain)
            role = re.match(r"\s*\(([^)]*)\)", held.present[at + len(plain) :]) if at >= 0 else None
            if at >= 0 and (role_of(role.group(1)) if role else "member") == member.role:
                return {"starts_on": held.date}
        return seated

    for member in pack.members:
        fields: dict[str, Any] = {}
        if member.description:
            title, _, org = member.description.rpartition(" - ")
            if not (title and org.isupper()):
                title, _, org = member.description.rpartition(", ")
            if title and org.isupper() and len(org) <= 6:
                fields = {"role_title": title, "organisation": organisation(org, member.at)}
            elif ROLE_WORDS.search(member.description):
                fields = {"role_title": member.description}
            else:  # "Healthwatch Westminster", "NHS London": whom they are there for
                fields = {"organisation": organisation(member.description, member.at)}
        key = person(member.name, member.at, **fields)
        memberships.append(
            {"board": board, "person": key, "role": member.role, **since(member), "source": source(member.at)}
        )
    board_record: dict[str, Any] = {"key": board, "name": committee, "source": source(pack.committee_at)}
    if pack.secretary:
        name, officer_title, email, at = pack.secretary
        board_record["secretary"] = person(name, at, role_title=officer_title, email=email)
        memberships.append(
            {"board": board, "person": slug(name), "role": "secretary", **seated, "source": source(at)}
        )

    meeting_key = f"{board}-{pack.date.isoformat()}"
    meeting: dict[str, Any] = {"key": meeting_key, "board": board, "date": pack.date}
    if pack.start:
        meeting["start_time"] = pack.start.strftime("%H:%M")
    if pack.venue:
        meeting["venue"] = pack.venue
    meeting.update(status="confirmed", source=source(pack.date_at))
    meetings = [meeting]
    items = [agenda_item(item, meeting_key, source, person) for item in pack.items]
    if pack.next_meeting:
        when, host, said = pack.next_meeting
        upcoming: dict[str, Any] = {"key": f"{board}-{when.isoformat()}", "board": board, "date": when}
        if host:
            upcoming["host"] = organisation(host, said.at)
        upcoming.update(status="provisional", notes=said.purpose, source=source(said.at))
        meetings.append(upcoming)
    actions = []
    if pack.minutes and pack.minutes.date < pack.date:
        held = pack.minutes
        before: dict[str, Any] = {
            "key": f"{board}-{held.date.isoformat()}",
            "board": board,
            "date": held.date,
        }
        if held.venue:
            before["venue"] = held.venue
        before.update(status="confirmed", source=source(held.at))
        meetings.append(before)
        items += [agenda_item(item, before["key"], source, person) for item in held.items]
        prefix = letters(board) or "ACT"
        for n, (number, text, at) in enumerate(held.actions, 1):
            actions.append(
                {
                    "board": board,
                    "ref": f"{prefix}-{held.date:%Y%m%d}{n:02d}",
                    "meeting": before["key"],
                    "agenda_item": number,
                    "description": text,
                    "status": "open",
                    "source": source(at),
                }
            )
    if organisations:
        data["organisations"] = list(organisations.values())
    data["people"] = list(people.values())
    data["boards"] = [board_record]
    data["memberships"] = memberships
    data["meetings"] = meetings
    data["agenda_items"] = items
    if actions:
        data["actions"] = actions
    return data


def agenda_item(item: Item, meeting: str, source, person) -> dict[str, Any]:
    record: dict[str, Any] = {"meeting": meeting, "number": item.number, "title": item.title}
    for name in ("purpose", "pages", "presenter", "report_author"):
        if getattr(item, name):
            record[name] = getattr(item, name)
    for name, author in zip(("report_author_person", "report_co_author_person"), item.authors, strict=False):
        record[name] = person(author.name, item.at, email=author.email)
    if item.pages:
        record["paper_status"] = "published"  # its pages are in this pack
    if item.restricted:
        record["restricted"] = True
    if item.outcome:
        record["outcome"] = item.outcome
    record["source"] = source(item.at)
    return record


def found(pack: Pack, path: Path) -> str:
    """What the pack states, in a sentence, before the changes it would make are listed."""
    assert pack.date is not None
    parts = [
        f"Found in {path.name}: {pack.committee or 'no committee name'}, {pack.date:%A} {pack.date.day} {pack.date:%B %Y}",
        f"{pack.start:%H:%M}" if pack.start else "no time stated",
        pack.venue or "no venue stated",
        f"{len(pack.members)} members",
        f"{len(pack.items)} agenda items ({sum(i.restricted for i in pack.items)} restricted)",
    ]
    if pack.next_meeting:
        parts.append(f"next meeting {pack.next_meeting[0]:%d %B %Y}")
    if pack.minutes:
        parts.append(f"minutes of {pack.minutes.date:%d %B %Y} ({len(pack.minutes.items)} items)")
    return "; ".join(parts) + "."
