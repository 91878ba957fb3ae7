"""`boardbot import moderngov`: a committee's meetings, agendas, members and papers from ModernGov.

The committee becomes a board; each meeting is keyed by its ModernGov id (`<board>-mg-<id>`), so a
meeting the council moves to another day is the same meeting with a new date, not a second one.
What the site does not publish is left out (not recorded); restricted items keep their flag.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import yaml
from sqlalchemy.orm import Session
from tqdm import tqdm

from bot import clock
from bot.boarddata import Imported
from bot.config import Settings
from bot.importers.command import ImportFailed
from bot.importers.mgclient import Client, Meeting, parse_time, parse_uk_date, site_url

NAME = "moderngov"
HELP = "a committee's meetings, agendas, members and papers from a council's ModernGov site"
VIA = "ModernGov"
DEFAULT_DAYS_BACK = 365
DEFAULT_DAYS_AHEAD = 365

CANCELLED = ("cancelled", "canceled", "postponed", "abandoned", "withdrawn")
PROVISIONAL = ("provisional", "draft", "tbc", "to be confirmed", "tentative")
CONFIRMED = ("", "confirmed", "scheduled", "published")
ROLES = (  # ModernGov's role description, lower case, starts with -> membership role
    ("vice-chair", "vice-chair"),
    ("vice chair", "vice-chair"),
    ("deputy chair", "vice-chair"),
    ("co-chair", "co-chair"),
    ("chair", "chair"),
    ("substitute", "substitute"),
    ("reserve", "substitute"),
    ("clerk", "secretary"),
    ("committee administrator", "secretary"),
    ("democratic services", "secretary"),
    ("secretary", "secretary"),
    ("officer", "officer"),
)
HONORIFICS = re.compile(r"^(?:councillor|cllr\.?|mr|mrs|ms|miss|mx|dr|prof(?:essor)?)\s+", re.IGNORECASE)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--site", required=True, help="the council's committee site, e.g. https://democracy.example.gov.uk"
    )
    parser.add_argument(
        "--list", action="store_true", help="list the site's committees (id and title) and stop"
    )
    parser.add_argument("--committee", type=int, metavar="ID", help="the committee's id (see --list)")
    parser.add_argument(
        "--from", dest="start", metavar="DATE", help="first meeting day, YYYY-MM-DD (default a year ago)"
    )
    parser.add_argument(
        "--to", dest="end", metavar="DATE", help="last meeting day, YYYY-MM-DD (default a year ahead)"
    )
    parser.add_argument(
        "--board",
        metavar="KEY",
        help="an existing board to put the meetings in (its name, channel and settings are left alone); "
        "without it the committee becomes a board of its own, keyed from its title",
    )
    parser.add_argument(
        "--sync-every",
        type=interval,
        metavar="DAYS",
        help="how often the clock syncs the board with the site, in days: 0 never "
        "(default: as set before, else 1, daily)",
    )
    parser.set_defaults(after_import=after_import)


def interval(raw: str) -> int:
    """--sync-every: whole days from 0 (never) to 365."""
    if not raw.isdigit() or int(raw) > 365:
        raise argparse.ArgumentTypeError(
            f"'{raw}' is not a number of days from 0 (never) to 365, e.g. 1 or 7"
        )
    return int(raw)


def read(args: argparse.Namespace) -> list[Imported]:
    """Fetch the committee's meetings in the window and make one board-data text of them."""
    client = Client(args.site)
    if args.list:
        list_committees(client)
        raise SystemExit(0)
    if args.committee is None:
        raise ImportFailed(
            f"--committee ID is needed; `boardbot import moderngov --site {args.site} --list` lists them"
        )
    start, end = window(args)
    return [fetch(client, args.committee, start, end, board=args.board)]


def window(args: argparse.Namespace) -> tuple[date, date]:
    """--from and --to, or a year either side of today."""
    today = clock.now(Settings.from_env()).date()
    start = given_date(args.start, "--from") or today - timedelta(days=DEFAULT_DAYS_BACK)
    end = given_date(args.end, "--to") or today + timedelta(days=DEFAULT_DAYS_AHEAD)
    if end < start:
        raise ImportFailed(f"--to {end} is before --from {start}")
    return start, end


def after_import(session: Session, args: argparse.Namespace, imports: list[Imported]) -> None:
    """A real import: remember the board's source for the clock (bot/importers/mgsync.py)."""
    from bot.importers.mgsync import remember  # mgsync builds on this module

    remember(session, args, imports, window(args)[0], clock.now(Settings.from_env()))


def list_committees(client: Client) -> None:
    for committee in sorted(client.committees(), key=lambda c: c.title.lower()):
        notes = [word for word, on in (("expired", committee.expired), ("deleted", committee.deleted)) if on]
        print(f"{committee.id:>6}  {committee.title}{' (' + ', '.join(notes) + ')' if notes else ''}")


def import_key(site: str, committee: int) -> str:
    return f"moderngov {site_url(site)} committee {committee}"


def progress(rows: Iterable[Any], total: int, unit: str) -> Iterable[Any]:
    """A progress bar on a terminal (standard error); nothing when not a terminal."""
    return tqdm(
        rows, total=total, unit=f" {unit}", desc="ModernGov", disable=not sys.stderr.isatty(), leave=False
    )


def fetch(
    client: Client,
    committee: int,
    start: date,
    end: date,
    *,
    board: str | None = None,
    show: Callable[[Iterable[Any], int, str], Iterable[Any]] | None = None,
) -> Imported:
    """One committee, start to end, as board data keyed by the site and committee."""
    title, listed = client.meeting_ids(committee, start, end)
    if not title:
        raise ImportFailed(
            f"{client.url('GetMeetings', lCommitteeId=committee)} does not know committee {committee}; "
            f"`boardbot import moderngov --site {client.site} --list` lists the committees"
        )
    meetings = [
        client.meeting(meeting_id) for meeting_id, _ in (show or progress)(listed, len(listed), "meetings")
    ]
    headings = sum(meeting.headings_left_out for meeting in meetings)
    if headings:
        print(f"Left out {headings} agenda headings without a number or title.", file=sys.stderr)
    data = board_data(client.site, committee, title, meetings, board=board)
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=120)
    return Imported(key=import_key(client.site, committee), text=text, via=VIA)


def board_data(
    site: str, committee: int, title: str, meetings: list[Meeting], *, board: str | None
) -> dict[str, Any]:
    """The board-data file (docs/data-format.md) for one committee's meetings."""
    key = board or keyish(title)[:60].strip("-")
    data: dict[str, Any] = {"boardbot": 1}
    if board is None:
        data["boards"] = [{"key": key, "name": title}]
    documents: dict[str, dict[str, Any]] = {}
    rows: list[dict[str, Any]] = []
    items: list[dict[str, Any]] = []
    for meeting in sorted(meetings, key=lambda m: (m.day, m.id)):
        meeting_key = f"{key}-mg-{meeting.id}"
        row: dict[str, Any] = {"key": meeting_key, "board": key, "date": meeting.day.isoformat()}
        starts = parse_time(meeting.time_text) if meeting.time_text else None
        if starts is not None:
            row["start_time"] = starts.strftime("%H:%M")
        if meeting.venue:
            row["venue"] = meeting.venue
        row["status"], notes = status(meeting.status_text)
        row["papers_url"] = f"{site}/ieListDocuments.aspx?CId={committee}&MId={meeting.id}"
        if meeting.time_text and starts is None:
            notes.append(f"time as published: {meeting.time_text}")
        if notes:
            row["notes"] = "; ".join(notes)
        pack = [_document(documents, key, doc) for doc in meeting.documents if not doc.restricted]
        if pack:
            row["source"] = {"doc": pack[0]}
        rows.append(row)
        for item in meeting.items:
            entry: dict[str, Any] = {"meeting": meeting_key, "number": item.number, "title": item.title}
            papers = [_document(documents, key, doc) for doc in item.documents if not doc.restricted]
            if papers:
                entry["paper_status"] = "published"
                entry["source"] = {"doc": papers[0]}
            if item.restricted:
                entry["restricted"] = True
            items.append(entry)
    if documents:
        data["documents"] = list(documents.values())
    people, memberships = _members(key, meetings)
    clerks = [row["person"] for row in memberships if row["role"] == "secretary" and "ends_on" not in row]
    if board is None and len(clerks) == 1:  # the committee's clerk, as the latest list of attendees shows
        data["boards"][0]["secretary"] = clerks[0]
    if people:
        data["people"] = people
    data.update({"memberships": memberships} if memberships else {})
    data["meetings"] = rows
    if items:
        data["agenda_items"] = items
    return data


def status(raw: str) -> tuple[str, list[str]]:
    """The meeting's status, and a note when the site's word was not one of the usual ones."""
    word = raw.strip().lower()
    if word.startswith(CANCELLED):
        return "cancelled", ([] if word in CANCELLED else [f"ModernGov status: {raw}"])
    if word in CONFIRMED:
        return "confirmed", []
    if word.startswith(PROVISIONAL):
        return "provisional", []
    return "provisional", [f"ModernGov status: {raw} (not one BoardBot knows; shown as provisional)"]


def _document(documents: dict[str, dict[str, Any]], board: str, doc) -> str:
    key = f"{board}-mg-doc-{keyish(doc.id)}"
    if key not in documents:
        entry: dict[str, Any] = {"key": key, "title": doc.title}
        if doc.published_on:
            entry["published_on"] = doc.published_on.isoformat()
        if doc.url:
            entry["url"] = doc.url
        documents[key] = entry
    return key


@dataclass
class _Seat:
    person: str
    role: str
    first: date
    last: date


def _members(board: str, meetings: list[Meeting]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """People listed at the meetings, and their seats bounded by the meetings that list them.

    A seat held at the latest meeting with a list of attendees is left open (not ended, as far as
    the site shows); `starts_on` is the first meeting listing it, which bounds what is known.
    """
    keys: dict[str, str] = {}
    names: dict[str, str] = {}
    seats: list[_Seat] = []
    current: dict[str, _Seat] = {}
    listed = [m for m in sorted(meetings, key=lambda m: (m.day, m.id)) if m.attendees]
    for meeting in listed:
        for attendee in meeting.attendees:
            role = seat_role(attendee.role, attendee.kind)
            if role is None or not attendee.name:
                continue
            person = keys.get(attendee.id or attendee.name)
            if person is None:
                person = keyish(HONORIFICS.sub("", attendee.name))
                if person in names.values() or not person:
                    person = f"{person}-{keyish(attendee.id or str(len(keys)))}".strip("-")
                keys[attendee.id or attendee.name] = person
                names[attendee.name] = person
            seat = current.get(person)
            if seat is not None and seat.role == role:
                seat.last = meeting.day
                continue
            current[person] = _Seat(person, role, meeting.day, meeting.day)
            seats.append(current[person])
    latest = listed[-1].day if listed else None
    people = [{"key": person, "name": name} for name, person in names.items()]
    memberships = []
    for seat in seats:
        row: dict[str, Any] = {"board": board, "person": seat.person, "role": seat.role}
        row["starts_on"] = seat.first.isoformat()
        if not (current[seat.person] is seat and seat.last == latest):
            row["ends_on"] = seat.last.isoformat()
        memberships.append(row)
    return people, memberships


def seat_role(role: str, kind: str) -> str | None:
    """The membership role a ModernGov attendee's role and type say; None for guests and the public."""
    described = role.lower()
    for start, mapped in ROLES:
        if described.startswith(start):
            return mapped
    if "member" in described or "member" in kind.lower():
        return "member"
    if "officer" in kind.lower():
        return "officer"
    return None


def keyish(raw: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", raw.lower()).strip("-")


def given_date(raw: str | None, option: str) -> date | None:
    """A date typed on the command line: YYYY-MM-DD or dd/mm/yyyy."""
    if raw is None:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        pass
    try:
        return parse_uk_date(raw, option)
    except ImportFailed:
        raise ImportFailed(f"{option} '{raw}' is not a date: write YYYY-MM-DD, e.g. 2024-04-01") from None
