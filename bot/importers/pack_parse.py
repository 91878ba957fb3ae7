"""What an agenda pack states: its cover, agenda, report cover sheets and the minutes it carries.

Only what the pack writes is taken; a field it leaves blank stays unset. Packs differ in layout
(labels beside or above their values, columns flattened into tabs), so each field is looked for
in the shapes seen in real packs rather than at fixed places.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, time

from bot.importers.pack_text import Line, join_wrapped

Day = date  # for fields after one named `date`

MONTHS = "January February March April May June July August September October November December".split()
DATE = re.compile(
    r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\s+)?(\d{1,2})(?:st|nd|rd|th)?\s+("
    + "|".join(MONTHS)
    + r")\s*,?\s+(\d{4})",
    re.IGNORECASE,
)
TIME = re.compile(r"\b(\d{1,2})(?:[.:](\d{2}))?\s*([ap])\.?\s?m\b\.?", re.IGNORECASE)
POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b")
PAGES = re.compile(r"\(?\s*Pages?\s+(\d+)(?:\s*[-–]\s*(\d+))?\s*\)?", re.IGNORECASE)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
HEADING = re.compile(r"(\d{1,2}[a-z]?)[.)]?\s+(.+)")
LABEL = re.compile(
    r"(Report Author(?: and Contact Details)?|Briefing Author(?: and Contact Details)?|Report of|Briefing of|Title)"
    r"\s*:\s*(.*)",
    re.IGNORECASE,
)
OTHER_LABEL = re.compile(r"[A-Z][A-Za-z ]{2,40}:|\S+\t|\d+\.?\s")
TITLE_WORDS = re.compile(r"\b(Director|Manager|Head|Officer|Chief|Lead|Executive)\b")
NOT_A_NAME = re.compile(r"\b(Services?|Director|Council|Department|Team|Directorate|Policy)\b")
ROLES = {"chairman": "chair", "chair": "chair", "co-chair": "co-chair", "vice-chair": "vice-chair"}


@dataclass
class Member:
    name: str
    role: str
    description: str | None
    at: Line


@dataclass
class Author:
    name: str
    email: str | None


@dataclass
class Item:
    number: str
    title: str
    at: Line
    purpose: str | None = None
    pages: str | None = None
    restricted: bool = False
    report_author: str | None = None
    presenter: str | None = None
    authors: list[Author] = field(default_factory=list)
    outcome: str | None = None


@dataclass
class Minutes:
    date: date
    at: Line
    venue: str | None
    items: list[Item]
    actions: list[tuple[str, str, Line]]  # (agenda number, action text, where)


@dataclass
class Pack:
    committee: str | None = None
    committee_at: Line | None = None
    date: date | None = None
    date_at: Line | None = None
    start: time | None = None
    venue: str | None = None
    members: list[Member] = field(default_factory=list)
    secretary: tuple[str, str | None, str | None, Line] | None = None  # name, title, e-mail, where
    items: list[Item] = field(default_factory=list)
    next_meeting: tuple[Day, str | None, Item] | None = None  # date, host's name, the item stating it
    minutes: Minutes | None = None
    issued: Day | None = None  # the agenda's own date: the members listed held their seats then


def letters(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]", "", text).upper()


def to_date(match: re.Match) -> date:
    return date(int(match.group(3)), MONTHS.index(match.group(2).capitalize()) + 1, int(match.group(1)))


def to_time(match: re.Match) -> time:
    hour = int(match.group(1)) % 12 + (12 if match.group(3).lower() == "p" else 0)
    return time(hour, int(match.group(2) or 0))


def is_heading(text: str) -> bool:
    """Agenda and minute titles are written in capitals: most of their letters are upper case."""
    caps = [c for c in text if c.isalpha()]
    return len(caps) >= 3 and sum(c.isupper() for c in caps) >= 0.8 * len(caps)


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
            role_key = letters(role).lower().replace("chairman", "chair").replace("cochair", "co-chair")
            role_key = role_key.replace("vicechair", "vice-chair")
            description = None if councillors else (" ".join(cells[1:]) or None)
            pack.members.append(Member(name, ROLES.get(role_key, "member"), description, lines[n]))


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


def reports(pack: Pack, lines: list[Line]) -> None:
    """Report cover sheets: each item's author ('Report Author', else a named 'Report of') and presenter."""
    by_number = {item.number: item for item in pack.items}
    by_title = {letters(item.title): item for item in pack.items}
    current: Item | None = None
    since = 0
    found: dict[str, dict[str, str]] = {}
    for n, ln in enumerate(lines):
        text = ln.text.strip()
        marker = re.fullmatch(r"Agenda Item (\d+[a-z]?)", text, re.IGNORECASE)
        label = LABEL.match(text)
        titled = label.group(2) if label and label.group(1).lower() == "title" else text
        if marker and marker.group(1) in by_number:
            current, since = by_number[marker.group(1)], n
        elif letters(titled) in by_title and (label or not HEADING.fullmatch(text)):
            if by_title[letters(titled)] is not current:
                current, since = by_title[letters(titled)], n
        elif label and current and n - since < 25:
            value = [label.group(2)]
            for more in lines[n + 1 : n + 4]:
                if not more.text.strip() or OTHER_LABEL.match(more.text.strip()):
                    break
                value.append(more.text)
            found.setdefault(current.number, {}).setdefault(label.group(1).lower(), join_wrapped(value))
            if label.group(1).lower().startswith(("report author", "briefing author")):
                sign_off(current, lines[n + 1 : n + 400], found)
    for number, labels in found.items():
        item = by_number[number]
        author = next((v for k, v in labels.items() if "author" in k), None)
        of = labels.get("report of")
        if author is None and of and person_like(without_contacts(of)[0].split(",")[0]):
            author = of
        if author:
            item.report_author, emails = without_contacts(author)
            names = [
                re.sub(r"\s*\(.*?\)", "", part).strip() for part in re.split(r" and |;|&", item.report_author)
            ]
            people = [name for name in names if person_like(name)]
            addresses = emails if len(emails) == len(people) else [None] * len(people)
            item.authors = [Author(name, email) for name, email in zip(people, addresses, strict=True)]
            if labels.get("sign-off") and len(people) == 1 and item.report_author == people[0]:
                item.report_author = labels["sign-off"]
        if labels.get("briefing of"):
            item.presenter = labels["briefing of"].rstrip(",")


def sign_off(item: Item, lines: list[Line], found: dict[str, dict[str, str]]) -> None:
    """A report signed 'Sarah Newman Executive Director, …' gives its author's title."""
    labels = found[item.number]
    author = next((v for k, v in labels.items() if "author" in k), "")
    name = without_contacts(author)[0]
    for ln in lines:
        text = ln.text.strip()
        if re.fullmatch(r"Agenda Item \d+[a-z]?", text, re.IGNORECASE):
            return
        rest = text[len(name) :].strip() if name and text.startswith(name + " ") else ""
        if rest and len(text) < 100 and TITLE_WORDS.search(rest) and not text.endswith("."):
            labels.setdefault("sign-off", f"{name}, {rest}")
            return


def without_contacts(text: str) -> tuple[str, list[str]]:
    """A name without the e-mail addresses, phone numbers and extensions written after it."""
    emails = EMAIL.findall(text)
    text = EMAIL.sub("", text)
    text = re.sub(r"\b(Tel:?|x\s?\d{3,5}\b)", "", text)
    text = re.sub(r"\+?\d[\d ]{6,}\d", "", text)
    text = re.sub(r"\s+(and|&)\s*$", "", re.sub(r"\s+", " ", text).strip(" ,;:"))
    return text, emails


def person_like(name: str) -> bool:
    return bool(re.fullmatch(r"[A-Z][a-z'’-]+(?: [A-Z][a-z'’-]+){1,2}", name)) and not NOT_A_NAME.search(name)


def minutes(lines: list[Line]) -> Minutes | None:
    """The minutes of the previous meeting, when the pack includes them: items, decisions, actions."""
    held = None
    for n, ln in enumerate(lines):
        if not ln.text.strip().startswith("Minutes of a meeting"):
            continue
        paragraph = [more.text for more in lines[n : n + 5]]
        text = join_wrapped(paragraph[: next((k for k, t in enumerate(paragraph) if not t.strip()), 5)])
        if when := DATE.search(text):
            held = n
            venue = text[when.end() :].strip(" ,.").removeprefix("in ").strip() or None
            result = Minutes(to_date(when), ln, venue, [], [])
            break
    if held is None:
        return None
    item: Item | None = None
    paragraphs: list[list[str]] = []
    resolved: list[str] = []
    resolving = False
    for ln in lines[held + 1 :]:
        bullet = re.match(r"[-•]\s+", ln.text.strip()) is not None
        text = re.sub(r"^[-•]\s+", "", ln.text.strip())
        if not text:
            continue
        if text.startswith("The Meeting ended") or letters(text) == "MINUTES":
            break
        heading = HEADING.fullmatch(text)
        if heading and is_heading(heading.group(2)) and "RESOLVED" not in text:
            outcome(item, paragraphs, resolved)
            item, paragraphs, resolved, resolving = (
                Item(heading.group(1), heading.group(2), ln),
                [],
                [],
                False,
            )
            result.items.append(item)
            continue
        if item is None:
            continue
        if text.rstrip(":").upper() == "RESOLVED":
            resolving = True
            continue
        if action := re.match(r"ACTIONS?\s*:\s*(.+)", text, re.IGNORECASE):
            result.actions.append((item.number, action.group(1).strip(), ln))
            continue
        numbered = re.match(r"(\d+\.\d+\.?|\d+\))\s+(.*)", text)
        if resolving:
            resolved.append(text if not numbered or ")" in numbered.group(1) else numbered.group(2))
        elif numbered or bullet or not paragraphs:
            paragraphs.append([numbered.group(2) if numbered else text])
        else:
            paragraphs[-1].append(text)
    outcome(item, paragraphs, resolved)
    return result


def outcome(item: Item | None, paragraphs: list[list[str]], resolved: list[str]) -> None:
    """The decision when minuted ('RESOLVED: …'); else the minute itself when it is one paragraph."""
    if item is None:
        return
    if resolved:
        item.outcome = "RESOLVED: " + join_wrapped(resolved)
    elif len(paragraphs) == 1:
        item.outcome = join_wrapped(paragraphs[0])
