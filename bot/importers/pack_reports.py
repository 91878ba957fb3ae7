"""Report cover sheets (authors, presenters) and the previous meeting's minutes in an agenda pack."""

from __future__ import annotations

import re

from bot.importers.pack_model import (
    DATE,
    EMAIL,
    HEADING,
    LABEL,
    NOT_A_NAME,
    OTHER_LABEL,
    TITLE_WORDS,
    Author,
    Item,
    Minutes,
    Pack,
    is_heading,
    letters,
    to_date,
)
from bot.importers.pack_text import Line, join_wrapped


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
            place = re.split(r"\.(?:\s|$)", text[when.end() :])[0]  # to the sentence's end
            venue = place.strip(" ,.").removeprefix("in ").strip() or None
            result = Minutes(to_date(when), ln, venue, [], [])
            break
    if held is None:
        return None
    for n in range(held + 1, min(held + 12, len(lines))):
        if lines[n].text.strip().startswith("Members Present"):
            said = lines[n].text.partition(":")[2]
            rows = [ln.text for ln in lines[n + 1 : n + 10]]
            if not said.strip():  # the list under its label, after a blank line
                rows = rows[next((k for k, t in enumerate(rows) if t.strip()), 0) :]
            rows = rows[: next((k for k, t in enumerate(rows) if not t.strip()), len(rows))]
            result.present = join_wrapped([said, *rows] if said.strip() else rows)
            break
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
