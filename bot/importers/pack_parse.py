"""What an agenda pack states: its cover and agenda (report sheets and minutes: pack_reports).

Only what the pack writes is taken; a field it leaves blank stays unset. Packs differ in layout
(labels beside or above their values, columns flattened into tabs), so each field is looked for
in the shapes seen in real packs rather than at fixed places.
"""

from __future__ import annotations

import re

from bot.importers.pack_model import (
    DATE,
    EMAIL,
    HEADING,
    PAGES,
    POSTCODE,
    TIME,
    Item,
    Member,
    Pack,
    is_heading,
    letters,
    role_of,
    to_date,
    to_time,
)
from bot.importers.pack_reports import minutes, reports
from bot.importers.pack_text import Line, join_wrapped


def parse(lines: list[Line]) -> Pack:
    pack = Pack()
    start = next((n for n, ln in enumerate(lines) if letters(ln.text) == "AGENDA"), None)
    if start is None:
        return pack
    cover(pack, lines[:start])
    end = agenda(pack, lines, start + 1)
    issued = (DATE.fullmatch(ln.text.strip()) for ln in lines[end : end + 12])
    pack.issued = next((to_date(found) for found in issued if found), None)
    reports(pack, lines[end:])
    pack.minutes = minutes(lines[end:])
    return pack


def cover(pack: Pack, lines: list[Line]) -> None:
    texts = [ln.text.strip() for ln in lines]
    for n, text in enumerate(texts):
        label, _, value = text.partition(":")
        value = value.strip()
        if pack.committee is None and label.strip() == "Title":
            at = n if value else next((k for k in range(n + 1, len(texts)) if texts[k]), n)
            pack.committee, pack.committee_at = (value or texts[at]).strip(), lines[at]
        if pack.date is None and (found := DATE.search(text)):
            pack.date, pack.date_at = to_date(found), lines[n]
        if pack.start is None and label.strip() == "Time" and (hour := TIME.search(value)):
            pack.start = to_time(hour)
        if pack.venue is None and label.strip() == "Venue" and value:
            pack.venue = value
    if pack.venue is None:
        venue = next((t for t in texts if POSTCODE.search(t) and "@" not in t), None)
        if venue:
            pack.venue = repair_columns([c.strip() for c in venue.split("\t") if c.strip()])
    members(pack, lines, texts)
    contact = re.search(
        r"please contact (?:the )?(Committee Officer, )?([A-Z][\w'-]+(?: [A-Z][\w'-]+)+)(?:, ([^.]+))?\.",
        " ".join(texts),
    )
    if contact:
        title = contact.group(3) or (contact.group(1) or "").strip(", ") or None
        email = next((m.group(0) for t in texts if "Email" in t and (m := EMAIL.search(t))), None)
        where = next(ln for ln, t in zip(lines, texts, strict=True) if contact.group(2) in t)
        pack.secretary = (contact.group(2), title, email, where)


def repair_columns(cells: list[str]) -> str:
    """Two lines drawn over each other come out as two overlapping halves: put the lines back.

    'Museum of Brands, Packa Lancaster Road, London,' + 's, Packaging and Advertising, 111-117
    ondon, W11 1QT' is 'Museum of Brands, Packaging and Advertising, 111-117' over 'Lancaster Road,
    London, W11 1QT'. When no such overlap is found the halves are kept as written.
    """
    if len(cells) != 2:
        return " ".join(cells)
    left, right = cells[0].split(" "), cells[1].split(" ")
    for i in range(1, len(left)):
        for j in range(1, len(right)):
            a1, a2 = " ".join(left[:i]), " ".join(left[i:])
            b1, b2 = " ".join(right[:j]), " ".join(right[j:])
            k1, k2 = overlap(a1, b1), overlap(a2, b2)
            if k1 >= 3 and k2 >= 3:
                return f"{a1}{b1[k1:]} {a2}{b2[k2:]}"
    return " ".join(cells)


def overlap(a: str, b: str) -> int:
    return max((k for k in range(3, min(len(a), len(b)) + 1) if a.endswith(b[:k])), default=0)


def members(pack: Pack, lines: list[Line], texts: list[str]) -> None:
    first = next(
        (n for n, t in enumerate(texts) if re.match(r"Memb(ers?)?\b", t) and "public" not in t), None
    )
    if first is None:
        return
    councillors = "Councillors" in texts[first]
    for n in range(first + 1, len(texts)):
        text = texts[n]
        if text.startswith(("Members of the public", "If you have", "Admission")):
            break
        cells = [c.strip() for c in text.split("\t") if c.strip()]
        if (
            not cells
            or POSTCODE.search(text)
            or re.fullmatch(r"[A-Za-z]{1,8}:?", text)
            or text == "Councillors:"
        ):
            continue
        for cell in cells if councillors else cells[:1]:
            name, _, role = cell.partition("(")
            name = re.sub(r"^Cllr\.? ", "Councillor ", name.strip())
            if councillors and not name.startswith("Councillor"):
                name = f"Councillor {name}"
            description = None if councillors else (" ".join(cells[1:]) or None)
            pack.members.append(Member(name, role_of(role), description, lines[n]))


END_OF_AGENDA = re.compile(r"(CLOSE OF MEETING|MINUTES|Agenda Item \d+|.*Chief Executive.*)", re.IGNORECASE)


def agenda(pack: Pack, lines: list[Line], start: int) -> int:
    """Agenda items up to the end of the agenda; the index of the first line after it."""
    restricted = False
    item: Item | None = None
    purpose: list[str] = []
    in_title = False
    n = start
    for n in range(start, len(lines)):
        text = re.sub(r"\s+", " ", lines[n].text).strip()
        if not text:
            in_title = False
            if purpose and item and item.purpose is None:
                item.purpose, purpose = join_wrapped(purpose), []
            continue
        if END_OF_AGENDA.fullmatch(text) or (DATE.fullmatch(text) and pack.items):
            break
        if re.match(r"PART(\d|ONE|TWO)", letters(text)):
            restricted = bool(re.search(r"PART ?2|PRIVATE|EXEMPT|CONFIDENTIAL", letters(text)))
            continue
        pages = PAGES.search(text)
        body = PAGES.sub("", text).strip() if pages else text
        heading = HEADING.fullmatch(body)
        if heading and is_heading(heading.group(2)):
            finish(item, purpose)
            item, purpose, in_title = Item(heading.group(1), heading.group(2).strip(), lines[n]), [], True
            item.restricted = restricted
            pack.items.append(item)
        elif item and in_title and is_heading(body) and body:
            item.title = f"{item.title} {body}"
        elif item and body and item.purpose is None:
            in_title = False
            purpose.append(body)
        if pages and item:
            item.pages = f"{pages.group(1)} - {pages.group(2)}" if pages.group(2) else pages.group(1)
    finish(item, purpose)
    next_meeting(pack)
    return n


def finish(item: Item | None, purpose: list[str]) -> None:
    if item and purpose and item.purpose is None:
        item.purpose = join_wrapped(purpose)


def next_meeting(pack: Pack) -> None:
    for item in pack.items:
        said = item.purpose or ""
        found = re.search(r"next meeting (?:will|is to) be held on (.*)", said, re.IGNORECASE)
        when = DATE.search(found.group(1)) if found else None
        if found and when:
            host = re.search(r"hosted by (?:the )?([^.,;]+)", said)
            pack.next_meeting = (to_date(when), host.group(1).strip() if host else None, item)
