"""The ModernGov web service (`mgWebService.asmx`): plain HTTP GETs returning XML, read defensively.

Councils' sites are slow, sometimes switched off, and answer with quirks: dates only as dd/mm/yyyy
(an ISO date is ignored and the whole history comes back), entities escaped twice, numbers with
leading spaces. Every failure says which URL was tried and what was wrong (ImportFailed).
"""

from __future__ import annotations

import html
import re
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET  # only the types: parsing goes through defusedxml
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from datetime import time as clock_time
from email.message import Message

import defusedxml
import defusedxml.ElementTree as safe_xml

from bot.importers.command import ImportFailed

SERVICE = "mgWebService.asmx"
TIMEOUT_SECONDS = 60.0  # a slow council site can take most of a minute for one meeting
TRIES = 3
BACKOFF_SECONDS = (5.0, 15.0)  # waits before the second and third tries
MAX_BYTES = 20 * 1024 * 1024
USER_AGENT = "BoardBot ModernGov importer (board papers for partnership boards)"


@dataclass
class Committee:
    id: int
    title: str
    expired: bool = False
    deleted: bool = False


@dataclass
class Document:
    id: str
    title: str
    url: str | None
    published_on: date | None
    restricted: bool


@dataclass
class Item:
    number: str
    title: str
    restricted: bool
    documents: list[Document] = field(default_factory=list)


@dataclass
class Attendee:
    id: str
    name: str
    role: str
    kind: str
    attendance: str


@dataclass
class Meeting:
    id: int
    day: date
    time_text: str
    status_text: str
    venue: str | None = None
    items: list[Item] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    attendees: list[Attendee] = field(default_factory=list)
    headings_left_out: int = 0


class Client:
    """GETs against one site's web service; `sleep` and `timeout` are injectable so tests run fast."""

    def __init__(
        self,
        site: str,
        *,
        timeout: float = TIMEOUT_SECONDS,
        backoff: tuple[float, ...] = BACKOFF_SECONDS,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.site = site_url(site)
        self.timeout = timeout
        self.backoff = backoff
        self.sleep = sleep

    def url(self, operation: str, **params: object) -> str:
        return f"{self.site}/{SERVICE}/{operation}?{urllib.parse.urlencode(params)}"

    def committees(self) -> list[Committee]:
        root = self.get("GetCommittees", lDummy=0)
        with reading(self.url("GetCommittees", lDummy=0)):
            return [
                Committee(
                    id=number(node, "committeeid"),
                    title=text(node, "committeetitle"),
                    expired=flag(node, "committeeexpired"),
                    deleted=flag(node, "committeedeleted"),
                )
                for node in root.iter("committee")
                if text(node, "committeeid")
            ]

    def meeting_ids(self, committee: int, start: date, end: date) -> tuple[str, list[tuple[int, date]]]:
        """The committee's title and its meetings from `start` to `end` (dates sent as dd/mm/yyyy)."""
        root = self.get("GetMeetings", lCommitteeId=committee, sFromDate=uk_date(start), sToDate=uk_date(end))
        with reading(
            self.url("GetMeetings", lCommitteeId=committee, sFromDate=uk_date(start), sToDate=uk_date(end))
        ):
            return self._meetings(root, committee, start, end)

    @staticmethod
    def _meetings(
        root: ET.Element, committee: int, start: date, end: date
    ) -> tuple[str, list[tuple[int, date]]]:
        title = ""
        for node in root.iter("committee"):
            if text(node, "committeeid") == str(committee):
                title = text(node, "committeetitle")
        found = []
        for node in root.iter("meeting"):
            day = parse_uk_date(text(node, "meetingdate"), f"meeting {text(node, 'meetingid')}")
            if start <= day <= end:  # a site that ignored the dates sends everything: keep the window
                found.append((number(node, "meetingid"), day))
        return title, found

    def meeting(self, meeting_id: int) -> Meeting:
        root = self.get("GetMeeting", lMeetingId=meeting_id)
        with reading(self.url("GetMeeting", lMeetingId=meeting_id)):
            return self._meeting(root, meeting_id)

    def _meeting(self, root: ET.Element, meeting_id: int) -> Meeting:
        node = root if root.tag == "meeting" else root.find(".//meeting")
        if node is None:
            raise ImportFailed("the answer has no <meeting> in its XML")
        where = f"meeting {meeting_id}"
        found = Meeting(
            id=meeting_id,
            day=parse_uk_date(text(node, "meetingdate"), where),
            time_text=text(node, "meetingtime"),
            status_text=text(node, "meetingstatus"),
            venue=text(node, "meetinglocation") or None,
            documents=documents(node.find("linkeddocuments"), where),
        )
        for person in node.iter("attendee"):
            found.attendees.append(
                Attendee(
                    id=value(person, "memberid"),
                    name=value(person, "name"),
                    role=value(person, "roledescription"),
                    kind=value(person, "membertype"),
                    attendance=value(person, "attendance"),
                )
            )
        for item in node.iter("agendaitem"):
            title = text(item, "agendaitemtitle")
            shown = (text(item, "fulldisplaynumberformat") or text(item, "agendaitemnumber")).rstrip(".")
            if not title or shown in ("", "0"):
                found.headings_left_out += 1
                continue
            found.items.append(
                Item(
                    number=shown,
                    title=title,
                    restricted=flag(item, "isrestricted"),
                    documents=documents(item.find("linkeddocuments"), f"{where} item {shown}"),
                )
            )
        return found

    def get(self, operation: str, **params: object) -> ET.Element:
        url = self.url(operation, **params)
        body, content_type = self._fetch(url)
        return parse(url, body, content_type)

    def _fetch(self, url: str) -> tuple[bytes, str]:
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "text/xml"})
        last = ""
        for attempt in range(TRIES):
            if attempt:
                self.sleep(self.backoff[min(attempt, len(self.backoff)) - 1])
            try:
                with urllib.request.urlopen(
                    request, timeout=self.timeout
                ) as response:  # http(s) only: site_url
                    body = response.read(MAX_BYTES + 1)
                    if len(body) > MAX_BYTES:
                        raise ImportFailed(f"{url} sent more than {MAX_BYTES // 2**20} MB; refused")
                    headers: Message = response.headers
                    return body, headers.get_content_type()
            except urllib.error.HTTPError as exc:
                if exc.code < 500:
                    raise ImportFailed(
                        f"{url} answered HTTP {exc.code} {exc.reason}: the site may have switched its "
                        f"ModernGov web service off, or the address is not the folder holding {SERVICE} "
                        "(try the address of the council's committee pages, e.g. https://democracy.example.gov.uk)"
                    ) from exc
                last = f"HTTP {exc.code} {exc.reason}"
            except TimeoutError:
                last = f"no answer within {self.timeout:g} s"
            except urllib.error.URLError as exc:
                if isinstance(exc.reason, TimeoutError):
                    last = f"no answer within {self.timeout:g} s"
                else:
                    raise ImportFailed(
                        f"{url} could not be reached ({exc.reason}); check the site address"
                    ) from exc
        raise ImportFailed(f"{url} failed {TRIES} times ({last}); the site may be down: try again later")


@contextmanager
def reading(url: str) -> Iterator[None]:
    """What was wrong with an answer's content, said with the URL that gave it."""
    try:
        yield
    except ImportFailed as exc:
        raise ImportFailed(f"{url}: {exc}") from exc


def site_url(site: str) -> str:
    """The site's base address, as given or without a trailing `/mgWebService.asmx`; http(s) only."""
    cleaned = site.strip().rstrip("/")
    if cleaned.lower().endswith("/" + SERVICE.lower()):
        cleaned = cleaned[: -len(SERVICE) - 1]
    if not re.match(r"^https?://[^/\s]+", cleaned):
        raise ImportFailed(
            f"'{site}' is not a web address: give the council's committee site, e.g. https://democracy.example.gov.uk"
        )
    return cleaned


def parse(url: str, body: bytes, content_type: str) -> ET.Element:
    start = body.lstrip()[:200].lower()
    if content_type == "text/html" or start.startswith((b"<!doctype html", b"<html")):
        raise ImportFailed(
            f"{url} returned a web page, not XML: the council may have switched its ModernGov web service "
            "off or put it behind a login; nothing was imported"
        )
    try:
        return safe_xml.fromstring(body, forbid_dtd=True)
    except (
        defusedxml.DTDForbidden,
        defusedxml.EntitiesForbidden,
        defusedxml.ExternalReferenceForbidden,
    ) as exc:
        raise ImportFailed(
            f"{url} sent XML with a document type or entity declarations ({type(exc).__name__}), which a "
            "ModernGov answer never has; refused as unsafe"
        ) from exc
    except ET.ParseError as exc:
        raise ImportFailed(f"{url} sent malformed XML ({exc})") from exc


def text(node: ET.Element, tag: str) -> str:
    """A child's text: entities escaped twice by ModernGov unescaped once more, spaces trimmed."""
    return clean(node.findtext(tag) or "")


def value(node: ET.Element, name: str) -> str:
    """An attribute or, failing that, a child element (attendees come both ways)."""
    raw = node.get(name)
    return clean(raw) if raw is not None else text(node, name)


def clean(raw: str) -> str:
    return " ".join(html.unescape(raw).split())


def flag(node: ET.Element, tag: str) -> bool:
    return text(node, tag).lower() == "true"


def number(node: ET.Element, tag: str) -> int:
    raw = text(node, tag)
    if not raw.isdigit():
        raise ImportFailed(f"<{tag}> should be a whole number, not '{raw}'")
    return int(raw)


def documents(node: ET.Element | None, where: str) -> list[Document]:
    if node is None:
        return []
    found = []
    for doc in node.iter("linkeddoc"):
        published = text(doc, "publicationdate")
        found.append(
            Document(
                id=text(doc, "documentid"),
                title=text(doc, "title"),
                url=text(doc, "url") or None,
                published_on=parse_uk_date(published, f"{where} document") if published else None,
                restricted=flag(doc, "isrestricted"),
            )
        )
    return [doc for doc in found if doc.id and doc.title]


def uk_date(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def parse_uk_date(raw: str, where: str) -> date:
    """dd/mm/yyyy, as ModernGov writes dates (a time after the date is ignored)."""
    try:
        return datetime.strptime(raw.split()[0] if raw else raw, "%d/%m/%Y").date()
    except ValueError:
        raise ImportFailed(f"{where}: date '{raw}' is not dd/mm/yyyy") from None


TIME_RE = re.compile(r"^(\d{1,2})(?:[.:](\d{2}))?\s*([ap])\.?\s*m\.?$", re.IGNORECASE)


def parse_time(raw: str) -> clock_time | None:
    """`10.00 am`, `2.30pm`, `2 p.m.`, `14:00`: None when the site wrote something else (kept as notes)."""
    cleaned = raw.strip().lower()
    if cleaned in ("noon", "12 noon", "midday"):
        return clock_time(12, 0)
    found = TIME_RE.match(cleaned)
    if found:
        hour, minute = int(found.group(1)), int(found.group(2) or 0)
        if not 1 <= hour <= 12 or minute > 59:
            return None
        return clock_time(hour % 12 + (12 if found.group(3) == "p" else 0), minute)
    found = re.match(r"^(\d{1,2})[:.](\d{2})$", cleaned)
    if found and int(found.group(1)) < 24 and int(found.group(2)) < 60:
        return clock_time(int(found.group(1)), int(found.group(2)))
    return None
