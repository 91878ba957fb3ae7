"""A fake ModernGov site on loopback: `mgWebService.asmx` answering GETs with XML in the real shapes.

Written for BoardBot's tests and bench from the public shapes of the web service (GetCommittees,
GetMeetings, GetMeeting with attendees, agenda items and linked documents), with its quirks: dates
as dd/mm/yyyy (a date in any other form is ignored and the whole history comes back), text escaped
twice, numbers padded with spaces, times as `10.00 am`. Tests change the site between syncs by
editing `committees`, and script failures with `script` (status, content type, body) and `delay`.
"""

from __future__ import annotations

import html
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from datetime import date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape


@dataclass
class Doc:
    id: str
    title: str
    published: date | None = None
    restricted: bool = False


@dataclass
class Item:
    number: str
    title: str
    restricted: bool = False
    docs: list[Doc] = field(default_factory=list)


@dataclass
class Attendee:
    id: str
    name: str
    role: str
    kind: str = "committee member"
    attendance: str = "Present"


@dataclass
class SiteMeeting:
    id: int
    day: date
    time: str = "10.00 am"
    status: str = ""
    venue: str | None = None
    items: list[Item] = field(default_factory=list)
    docs: list[Doc] = field(default_factory=list)
    attendees: list[Attendee] = field(default_factory=list)


@dataclass
class SiteCommittee:
    id: int
    title: str
    meetings: list[SiteMeeting] = field(default_factory=list)
    expired: bool = False


def twice(text: str) -> str:
    """Text as ModernGov writes it into XML: HTML-escaped, then XML-escaped again (`&amp;amp;`)."""
    return escape(html.escape(text, quote=True))


def uk(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def committees_xml(committees: list[SiteCommittee]) -> str:
    rows = "".join(
        f"<committee><committeeid> {c.id}</committeeid><committeetitle>{twice(c.title)}</committeetitle>"
        f"<committeedeleted>False</committeedeleted><committeeexpired>{c.expired}</committeeexpired>"
        "<committeecategory>Committees</committeecategory></committee>"
        for c in committees
    )
    return f'<?xml version="1.0" encoding="utf-8"?>\n<committees><committeecount>  {len(committees)}</committeecount>{rows}</committees>'


def meetings_xml(committee: SiteCommittee, meetings: list[SiteMeeting]) -> str:
    rows = "".join(
        f"<meeting><meetingid> {m.id}</meetingid><meetingdate>{uk(m.day)}</meetingdate>"
        f"<meetingtime>{twice(m.time)}</meetingtime><meetingstatus>{twice(m.status)}</meetingstatus></meeting>"
        for m in meetings
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<getmeetings><committee>'
        f"<committeeid> {committee.id}</committeeid><committeetitle>{twice(committee.title)}</committeetitle>"
        f"<meetingcount>  {len(meetings)}</meetingcount><meetings>{rows}</meetings></committee></getmeetings>"
    )


def docs_xml(docs: list[Doc], site: str) -> str:
    rows = "".join(
        f"<linkeddoc><documentid> {d.id}</documentid><title>{twice(d.title)}</title>"
        f"<url>{escape(site)}/documents/s{d.id}/{urllib.parse.quote(d.title, safe='')}.pdf</url>"
        f"<publicationdate>{uk(d.published) if d.published else ''}</publicationdate>"
        f"<isrestricted>{d.restricted}</isrestricted></linkeddoc>"
        for d in docs
    )
    return f"<linkeddocuments>{rows}</linkeddocuments>"


def meeting_xml(committee: SiteCommittee, m: SiteMeeting, site: str) -> str:
    people = "".join(
        f'<attendee memberid="{a.id}" name="{twice(a.name)}" roledescription="{twice(a.role)}" '
        f'membertype="{twice(a.kind)}" attendance="{twice(a.attendance)}" />'
        for a in m.attendees
    )
    items = "".join(
        f"<agendaitem><agendaitemid>{m.id * 100 + n}</agendaitemid><agendaitemnumber> {i.number}</agendaitemnumber>"
        f"<fulldisplaynumberformat>{twice(i.number)}.</fulldisplaynumberformat>"
        f"<agendaitemtitle>{twice(i.title)}</agendaitemtitle><isrestricted>{i.restricted}</isrestricted>"
        f"<isdisplayallowed>True</isdisplayallowed>{docs_xml(i.docs, site)}</agendaitem>"
        for n, i in enumerate(m.items, 1)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<meeting>'
        f"<meetingid> {m.id}</meetingid><meetingdate>{uk(m.day)}</meetingdate>"
        f"<meetingtime>{twice(m.time)}</meetingtime><meetingstatus>{twice(m.status)}</meetingstatus>"
        f"<committeeid> {committee.id}</committeeid><committeetitle>{twice(committee.title)}</committeetitle>"
        f"<meetinglocation>{twice(m.venue or '')}</meetinglocation>"
        f"<agendapublished>{bool(m.items)}</agendapublished>{docs_xml(m.docs, site)}"
        f"<attendees>{people}</attendees><agendaitems>{items}</agendaitems></meeting>"
    )


def given_date(raw: str) -> date | None:
    """A date as ModernGov reads it: dd/mm/yyyy only; anything else is silently no date."""
    try:
        return datetime.strptime(raw, "%d/%m/%Y").date()
    except ValueError:
        return None


class FakeSite:
    """The site on 127.0.0.1; `url` is its base address, `requests` every path and query asked for."""

    def __init__(self, committees: list[SiteCommittee]) -> None:
        self.committees = committees
        self.requests: list[str] = []
        self.script: list[tuple[int, str, bytes]] = []  # answered first, one per request
        self.delay = 0.0
        self.off = False  # the web service switched off: 404 for every operation
        self.ignore_dates = False  # a site that sends the whole history whatever dates are asked for
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def committee(self, committee_id: int) -> SiteCommittee | None:
        return next((c for c in self.committees if c.id == committee_id), None)

    def answer(self, path: str, query: dict[str, str]) -> tuple[int, str, bytes]:
        if self.script:
            return self.script.pop(0)
        operation = path.rsplit("/", 1)[-1]
        if self.off or not path.lower().startswith("/mgwebservice.asmx/"):
            return 404, "text/html", b"<html><body><h1>404 - File or directory not found.</h1></body></html>"
        if operation == "GetCommittees":
            return self.xml(committees_xml(self.committees))
        if operation == "GetMeetings":
            committee = self.committee(int(query.get("lCommitteeId", "0") or 0))
            if committee is None:
                return self.xml('<?xml version="1.0" encoding="utf-8"?>\n<getmeetings />')
            start, end = given_date(query.get("sFromDate", "")), given_date(query.get("sToDate", ""))
            if self.ignore_dates:
                start = end = None
            chosen = [
                m
                for m in committee.meetings
                if (start is None or m.day >= start) and (end is None or m.day <= end)
            ]
            return self.xml(meetings_xml(committee, chosen))
        if operation == "GetMeeting":
            wanted = int(query.get("lMeetingId", "0") or 0)
            for committee in self.committees:
                for meeting in committee.meetings:
                    if meeting.id == wanted:
                        return self.xml(meeting_xml(committee, meeting, self.url))
            return 500, "text/plain", b"System.NullReferenceException: Object reference not set"
        return 500, "text/plain", f"Unknown web method {operation}".encode()

    @staticmethod
    def xml(text: str) -> tuple[int, str, bytes]:
        return 200, "text/xml; charset=utf-8", text.encode()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # the name http.server calls
                parts = urllib.parse.urlsplit(self.path)
                site.requests.append(self.path)
                query = dict(urllib.parse.parse_qsl(parts.query))
                if site.delay:
                    time.sleep(site.delay)
                status, content_type, body = site.answer(parts.path, query)
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (the timeout tests)

            def log_message(self, format: str, *args: object) -> None:  # http.server's name
                pass

        return Handler


def sample_committee(*, changed: bool = False) -> SiteCommittee:
    """A Health and Wellbeing Board as a council might publish it; `changed`: the same a week later.

    A week later: the October meeting has moved from the 12th to the 19th and to another room, a
    supplementary agenda has added item 5a, the pharmacy paper is published, and the December
    meeting, provisional before, is confirmed with a time. One meeting is cancelled throughout,
    and item 8 of the October meeting is restricted (exempt).
    """
    members = [
        Attendee("101", "Councillor Josh Rendall", "Chair"),
        Attendee("102", "Councillor Ann O'Neill", "Vice-Chair"),
        Attendee("103", "Dr Priya Patel", "Committee Member"),
        Attendee("201", "Sam Clerk", "Committee Administrator", kind="officer"),
        Attendee("301", "Alex Visitor", "Guest", kind="other", attendance="Present, as expected"),
    ]
    june = SiteMeeting(
        501,
        date(2023, 6, 15),
        venue="Council Chamber, Town Hall, Hornton Street, W8 7NX",
        docs=[Doc("9001", "Agenda frontsheet 15/06/2023", date(2023, 6, 7))],
        items=[
            Item("1", "Welcome & apologies"),
            Item("2", "Declarations of interest"),
            Item(
                "3", "Minutes of the previous meeting", docs=[Doc("9002", "Draft minutes", date(2023, 6, 7))]
            ),
            Item(
                "4", "Better Care Fund Plan 2023/25", docs=[Doc("9003", "BCF plan report", date(2023, 6, 7))]
            ),
        ],
        attendees=members,
    )
    cancelled = SiteMeeting(
        502, date(2023, 9, 7), time="2.30 pm", status="Cancelled", venue="Committee Room 1"
    )
    october = SiteMeeting(
        503,
        date(2023, 10, 19) if changed else date(2023, 10, 12),
        venue="Committee Room 2, Town Hall"
        if changed
        else "Council Chamber, Town Hall, Hornton Street, W8 7NX",
        docs=[Doc("9101", "Agenda frontsheet 12/10/2023", date(2023, 10, 4))],
        items=[
            Item("1", "Welcome & apologies"),
            Item("2", "Declarations of interest"),
            Item(
                "3",
                "Minutes of the previous meeting",
                docs=[Doc("9102", "Minutes 15/06/2023", date(2023, 10, 4))],
            ),
            Item(
                "4",
                "Joint Health & Wellbeing Strategy refresh",
                docs=[Doc("9103", "Strategy report", date(2023, 10, 4))],
            ),
            Item(
                "5",
                "Children's mental health: the 'Thrive' model",
                docs=[Doc("9104", "Thrive report", date(2023, 10, 4))],
            ),
            Item(
                "7",
                "Pharmacy services update",
                docs=[Doc("9106", "Pharmacy update", date(2023, 10, 16))] if changed else [],
            ),
            Item(
                "8",
                "Community equipment contract award",
                restricted=True,
                docs=[Doc("9107", "Exempt report", date(2023, 10, 4), restricted=True)],
            ),
        ],
        attendees=members,
    )
    if changed:
        october.docs.append(Doc("9150", "Supplementary agenda: item 5a", date(2023, 10, 16)))
        october.items.insert(
            5,
            Item(
                "5a",
                "Pharmaceutical Needs Assessment 2024",
                docs=[Doc("9151", "PNA report", date(2023, 10, 16))],
            ),
        )
    december = SiteMeeting(
        504,
        date(2023, 12, 7),
        time="10.00 am" if changed else "",
        status="" if changed else "Provisional",
        venue="Council Chamber, Town Hall, Hornton Street, W8 7NX" if changed else None,
    )
    old = SiteMeeting(401, date(2019, 3, 14), items=[Item("1", "An item from 2019")])
    return SiteCommittee(137, "Health & Wellbeing Board", [old, june, cancelled, october, december])


def main() -> None:
    """Serve the sample committee until interrupted; type `c` and Enter to make the week-later change."""
    site = FakeSite([sample_committee(), SiteCommittee(138, "Licensing Sub-Committee", expired=True)])
    print(f"ModernGov stand-in at {site.url} (committee 137); 'c' + Enter: the site changes", flush=True)
    try:
        for line in iter(input, None):
            if line.strip() == "c":
                site.committees[0] = sample_committee(changed=True)
                print("The site has changed.", flush=True)
    except (EOFError, KeyboardInterrupt):
        pass
    finally:
        site.close()


if __name__ == "__main__":
    main()
