"""Calendar feeds served end to end: a member asks /boardbot calendar, then a calendar client fetches
the address from the web process (uvicorn on loopback) and reads it with parsers of its own."""

from __future__ import annotations

import http.client
import json
import logging
import re
import socket
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from time import monotonic, sleep

import pytest
from sqlalchemy import select

from bot import models as m
from bot.app import create_app
from bot.calendar import links
from bot.calendar.feeds import NOT_FOUND, CalendarFeeds
from bot.config import Settings
from bot.db import make_sessions
from bot.slack.asgi import SlackASGI
from commands import help, nextmeeting
from tests.bot.slack.conftest import SECRET, Running
from tests.bot.slack.test_served import command_body, procfile_command, start, stop
from tests.calendar_reading import events, read, strict_lines, zone
from tests.helpers import ask

MARCH_2024 = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
PUBLIC = "https://boardbot.example.org"
MEMBER = "nafsika-butler-thalassis"  # co-chair of the Health & Wellbeing Board, member of the committee
UTC_ZONE = UTC


def add_meetings(engine) -> None:
    """Meetings of the Health & Wellbeing Board either side of both of 2024's clock changes in London."""
    with make_sessions(engine).begin() as session:
        hwb = session.scalar(select(m.Board).where(m.Board.key == "hwb"))
        rows = [
            ("hwb-2024-03-28", date(2024, 3, 28), time(10, 0), "confirmed"),  # GMT
            ("hwb-2024-04-04", date(2024, 4, 4), time(10, 0), "provisional"),  # BST from 31 March
            ("hwb-2024-10-24", date(2024, 10, 24), time(14, 0), "confirmed"),  # BST
            ("hwb-2024-10-31", date(2024, 10, 31), time(14, 0), "cancelled"),  # GMT from 27 October
            ("hwb-2026-06-04", date(2026, 6, 4), time(14, 0), "confirmed"),  # past two years ahead
        ]
        for key, day, starts, status in rows:
            session.add(
                m.Meeting(
                    board_id=hwb.id,
                    key=key,
                    meets_on=day,
                    starts_at=starts,
                    status=status,
                    venue="Council House, Room 1" if key == "hwb-2024-03-28" else None,
                    papers_url="https://example.org/hwb/2024-03-28" if key == "hwb-2024-03-28" else None,
                )
            )
        session.flush()
        march = session.scalar(select(m.Meeting).where(m.Meeting.key == "hwb-2024-03-28"))
        session.add_all(
            [
                m.AgendaItem(meeting_id=march.id, number="1", position=1, title="BETTER CARE FUND"),
                m.AgendaItem(
                    meeting_id=march.id,
                    number="2",
                    position=2,
                    title="EXEMPT: STAFFING CONSULTATION",
                    restricted=True,
                ),
            ]
        )


@pytest.fixture
def served(demo_db) -> Iterator[Running]:
    """The web process's ASGI app with calendar feeds, the clock at 1 March 2024."""
    add_meetings(demo_db)
    settings = Settings(
        database_url=demo_db.url.render_as_string(hide_password=False),
        slack_signing_secret=SECRET,
        public_url=PUBLIC,
        now=MARCH_2024,
    )
    sessions = make_sessions(demo_db)
    app = create_app(settings, sessions)  # also sets the site commands make addresses for
    server = Running(app, SlackASGI(app, SECRET, calendars=CalendarFeeds(sessions, settings)))
    yield server
    server.close()
    links.configure(Settings())


def my_calendar(engine, text: str = "calendar", who: str = MEMBER) -> dict[str, str]:
    """What /boardbot calendar answers a member: their addresses, as paths, by what they cover."""
    reply = ask(engine, help.run, "boardbot", text, person_hint=who, now=MARCH_2024)
    assert reply.public is False
    found = re.findall(r"`" + re.escape(PUBLIC) + r"(/calendar/[^\s`]+\.ics)`", str(reply.blocks))
    return {("mine" if path.count("/") == 2 else path.rsplit("/", 1)[1]): path for path in found}


def fetch(server: Running, path: str, method: str = "GET", data: bytes | None = None):
    request = urllib.request.Request(server.url + path, method=method, data=data)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def send_raw(server: Running, request: str) -> str:
    """What the server answers to a request written by hand (one urllib would not send)."""
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(request.encode())
        return sock.recv(4096).decode("latin-1")


def test_a_member_subscribes_to_all_their_boards_and_reads_them_back(served, demo_db):
    paths = my_calendar(demo_db)
    assert set(paths) == {"mine", "hwb.ics", "fps.ics"}
    status, headers, body = fetch(served, paths["mine"])
    assert status == 200
    assert headers["content-type"] == "text/calendar; charset=utf-8"
    cal = read(body)
    assert cal.prodid.value.startswith("-//BoardBot//")
    by_uid = {ev.uid.value: ev for ev in cal.vevent_list}
    assert sorted(by_uid) == sorted(
        f"local.hwb.{key}@boardbot"
        for key in (
            "hwb-2023-03-30",  # the past year …
            "hwb-2023-06-08",
            "hwb-2023-10-05",
            "hwb-2023-11-23",
            "hwb-2024-03-28",
            "hwb-2024-04-04",
            "hwb-2024-10-24",
            "hwb-2024-10-31",  # … to two years ahead: not 4 June 2026; the committee met in 2019-20
        )
    )
    assert cal.x_wr_calname.value == "My board meetings (BoardBot)"


def test_times_are_right_either_side_of_the_clock_changes(served, demo_db):
    _, _, body = fetch(served, my_calendar(demo_db)["hwb.ics"])
    cal, raw = read(body), events(body)
    london = zone(body, "Europe/London")  # the zone as the feed's own VTIMEZONE defines it
    expected_utc = {
        "hwb-2024-03-28": datetime(2024, 3, 28, 10, 0, tzinfo=UTC),  # 10:00 GMT
        "hwb-2024-04-04": datetime(2024, 4, 4, 9, 0, tzinfo=UTC),  # 10:00 BST
        "hwb-2024-10-24": datetime(2024, 10, 24, 13, 0, tzinfo=UTC),  # 14:00 BST
        "hwb-2024-10-31": datetime(2024, 10, 31, 14, 0, tzinfo=UTC),  # 14:00 GMT
    }
    by_uid = {ev.uid.value: ev for ev in cal.vevent_list}
    for key, instant in expected_utc.items():
        uid = f"local.hwb.{key}@boardbot"
        event = by_uid[uid]
        assert event.dtstart.value.astimezone(UTC) == instant, key  # vobject, by its own zone data
        assert event.dtend.value - event.dtstart.value == timedelta(hours=2), key
        local = datetime.strptime(raw[uid]["DTSTART;TZID=Europe/London"], "%Y%m%dT%H%M%S")
        assert local.replace(tzinfo=london).astimezone(UTC) == instant, key  # by the feed's VTIMEZONE
        assert "shown as 2 hours, an assumption of BoardBot's" in event.description.value


def test_a_meeting_without_a_start_time_is_an_all_day_event(served, demo_db):
    _, _, body = fetch(served, my_calendar(demo_db)["hwb.ics"])
    event = next(ev for ev in read(body).vevent_list if ev.uid.value == "local.hwb.hwb-2023-10-05@boardbot")
    assert event.dtstart.value == date(2023, 10, 5) and not isinstance(event.dtstart.value, datetime)
    assert event.dtend.value == date(2023, 10, 6)
    assert event.transp.value == "TRANSPARENT"
    assert "Time: not recorded, so this is shown as an all-day event." in event.description.value
    assert event.location.value.startswith("Museum of Brands")
    assert "7. YOUTH JUSTICE PLANS" in event.description.value


def test_provisional_is_tentative_and_cancelled_is_cancelled_with_a_raised_sequence(served, demo_db):
    _, _, body = fetch(served, my_calendar(demo_db)["hwb.ics"])
    by_key = {ev.uid.value.split(".")[2].split("@")[0]: ev for ev in read(body).vevent_list}
    assert by_key["hwb-2024-04-04"].status.value == "TENTATIVE"
    assert by_key["hwb-2024-04-04"].sequence.value == "0"
    assert by_key["hwb-2024-04-04"].summary.value == "Provisional: Health & Wellbeing Board"
    assert by_key["hwb-2024-10-31"].status.value == "CANCELLED"
    assert by_key["hwb-2024-10-31"].sequence.value == "1"
    assert by_key["hwb-2024-10-24"].status.value == "CONFIRMED"


def test_agenda_and_papers_are_described_and_restricted_items_never_appear(served, demo_db):
    paths = my_calendar(demo_db)
    for path in paths.values():
        assert b"STAFFING" not in fetch(served, path)[2]
    _, _, body = fetch(served, paths["hwb.ics"])
    event = next(ev for ev in read(body).vevent_list if "2024-03-28" in ev.uid.value)
    assert "Papers: https://example.org/hwb/2024-03-28" in event.description.value
    assert event.url.value == "https://example.org/hwb/2024-03-28"
    assert "Agenda:\n1. BETTER CARE FUND" in event.description.value
    assert event.location.value == "Council House, Room 1"


def test_uids_are_stable_between_fetches_and_feeds(served, demo_db):
    paths = my_calendar(demo_db)
    first = events(fetch(served, paths["mine"])[2])
    again = events(fetch(served, paths["mine"])[2])
    board = events(fetch(served, paths["hwb.ics"])[2])
    assert list(first) == list(again) == list(board)
    assert [e["DTSTART;TZID=Europe/London"] for e in first.values() if "DTSTART;TZID=Europe/London" in e] == [
        "20240328T100000",
        "20240404T100000",
        "20241024T140000",
        "20241031T140000",
    ]


def test_the_file_keeps_to_rfc_5545_lines_and_has_its_zone(served, demo_db):
    _, _, body = fetch(served, my_calendar(demo_db)["mine"])
    lines = strict_lines(body)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines and "TZID:Europe/London" in lines
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT6H" in lines and "X-PUBLISHED-TTL:PT6H" in lines
    assert lines.index("BEGIN:VTIMEZONE") < lines.index("BEGIN:VEVENT")


def test_asking_again_gives_the_same_address_and_new_revokes_it(served, demo_db):
    first = my_calendar(demo_db)
    assert my_calendar(demo_db, "calendar please") == first
    renewed = my_calendar(demo_db, "calendar new")
    assert renewed["mine"] != first["mine"]
    unknown = "/calendar/" + "a" * 39 + ".ics"
    for old in first.values():
        status, headers, body = fetch(served, old)
        assert status == 404
        assert (status, body) == fetch(served, unknown)[:3:2]  # revoked or never made: the same answer
        assert body.decode().strip() == NOT_FOUND
    assert all(fetch(served, path)[0] == 200 for path in renewed.values())


def test_only_a_hash_of_the_token_is_stored(served, demo_db):
    token = my_calendar(demo_db)["mine"].removeprefix("/calendar/").removesuffix(".ics")
    with make_sessions(demo_db)() as session:
        [feed] = session.scalars(select(m.CalendarFeed)).all()
        assert token not in (feed.nonce, feed.token_hash)
        assert feed.token_hash == links.token_hash(token)


def test_a_board_feed_stops_when_the_membership_ends(served, demo_db):
    paths = my_calendar(demo_db)
    with make_sessions(demo_db).begin() as session:
        person = session.scalar(select(m.Person).where(m.Person.key == MEMBER))
        seat = session.scalar(
            select(m.Membership)
            .join(m.Board)
            .where(m.Membership.person_id == person.id, m.Board.key == "hwb")
        )
        seat.ends_on = date(2024, 2, 1)
    assert fetch(served, paths["hwb.ics"])[0] == 404
    status, _, body = fetch(served, paths["mine"])
    assert status == 200 and b"local.hwb." not in body
    assert fetch(served, paths["mine"].replace(".ics", "/fps.ics"))[0] == 200


def test_nextmeeting_links_an_ics_of_that_one_meeting(served, demo_db):
    reply = ask(demo_db, nextmeeting.run, "nextmeeting", "health and wellbeing", now=MARCH_2024)
    [url] = re.findall(r"<(https://[^|>]+\.ics)\|Add to calendar \(\.ics\)>", str(reply.blocks))
    path = url.removeprefix(PUBLIC)
    status, headers, body = fetch(served, path)
    assert status == 200
    assert headers["content-disposition"] == 'attachment; filename="hwb-2024-03-28.ics"'
    [event] = read(body).vevent_list
    assert event.uid.value == "local.hwb.hwb-2024-03-28@boardbot"  # the feed's UID: no duplicate
    assert event.dtstart.value.astimezone(UTC) == datetime(2024, 3, 28, 10, 0, tzinfo=UTC)
    forged = re.sub(r"-[a-z2-7]+\.ics$", "-" + "a" * 26 + ".ics", path)
    assert fetch(served, forged)[0] == 404
    other_meeting = re.sub(r"/meeting/\d+-", "/meeting/1-", path)
    assert fetch(served, other_meeting)[0] == 404  # a signature is for its own meeting only


def test_only_get_is_served_and_bodies_keep_the_usual_limit(served, demo_db):
    path = my_calendar(demo_db)["mine"]
    assert fetch(served, path, "HEAD")[0] == 200
    status, headers, _ = fetch(served, path, "POST", b"x")
    assert status == 405 and headers["allow"] == "GET"
    assert send_raw(served, f"GET {path} HTTP/1.1\r\nHost: x\r\nContent-Length: 1000001\r\n\r\n").startswith(
        "HTTP/1.1 413"
    )
    assert fetch(served, "/calendar/not%20a%20token.ics")[0] == 404
    assert fetch(served, "/calendar/")[0] == 404


def test_the_request_log_never_shows_a_token(served, demo_db, caplog):
    paths = my_calendar(demo_db)
    token = paths["mine"].removeprefix("/calendar/").removesuffix(".ics")
    with caplog.at_level(logging.INFO, logger="bot.slack.asgi"):
        for path in (*paths.values(), "/calendar/" + token + "x.ics"):
            fetch(served, path)
        deadline = monotonic() + 5  # the line is written once the answer has gone
        while len(lines := [r for r in caplog.records if r.getMessage() == "request"]) < 4:
            assert monotonic() < deadline, lines
            sleep(0.01)
    # uvicorn's own access log is on in this test server; the web process turns it off (asgi.serve)
    ours = [r for r in caplog.records if r.name != "uvicorn.access"]
    assert [vars(r) for r in ours if token in str(vars(r))] == []
    assert {r.fields["path"] for r in lines} == {
        "/calendar/(token).ics",
        "/calendar/(token)/hwb.ics",
        "/calendar/(token)/fps.ics",
    }
    assert sorted(r.fields["kind"] for r in lines) == [
        "calendar:board",
        "calendar:board",
        "calendar:person",
        "calendar:person",
    ]


def test_the_procfile_web_process_serves_the_feed_a_member_was_given(demo_db, fake_slack, tmp_path):
    """The real wiring: BOARDBOT_PUBLIC_URL set, a signed /boardbot calendar, then a GET of the address."""
    with make_sessions(demo_db).begin() as session:
        session.scalar(select(m.Person).where(m.Person.key == MEMBER)).slack_user_id = "UNAFSIKA"
    web = start(
        ["bash", "-c", procfile_command("web")],
        demo_db,
        fake_slack,
        tmp_path / "web.log",
        BOARDBOT_PUBLIC_URL=PUBLIC,
    )
    try:
        status, body = web.signed(command_body("calendar", command="/boardbot", user_id="UNAFSIKA"))
        assert status == 200
        reply = json.loads(body)
        assert reply["response_type"] == "ephemeral"
        [path] = re.findall(
            r"`" + re.escape(PUBLIC) + r"(/calendar/[a-z2-7]+\.ics)`", reply["blocks"][0]["text"]["text"]
        )
        connection = http.client.HTTPConnection("127.0.0.1", web.port, timeout=10)
        connection.request("GET", path)
        response = connection.getresponse()
        assert response.status == 200
        assert (
            b"UID:T0TEST.hwb.hwb-2023-10-05@boardbot" in response.read()
        )  # start-up moved the boards to T0TEST
        connection.close()
    finally:
        stop(web)
    log = web.log.read_text()
    assert "path=/calendar/(token).ics kind=calendar:person" in log
    assert path.removeprefix("/calendar/").removesuffix(".ics") not in log
