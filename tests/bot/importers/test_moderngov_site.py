"""The ModernGov web service's quirks and failures, against the loopback stand-in (no database)."""

from __future__ import annotations

import socket
from datetime import date, time

import pytest

from bench.moderngov_site import FakeSite, sample_committee
from bot.cli import build_parser
from bot.importers.command import ImportFailed
from bot.importers.mgclient import Client, parse_time
from bot.importers.moderngov import board_data, fetch

START, END = date(2023, 1, 1), date(2023, 12, 31)
BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<committees><committee><committeeid>1</committeeid><committeetitle>&lol3;</committeetitle></committee></committees>"""


@pytest.fixture
def site():
    fake = FakeSite([sample_committee()])
    yield fake
    fake.close()


def on_site(site: FakeSite, meeting_id: int):
    return next(m for m in site.committees[0].meetings if m.id == meeting_id)


def client(site: FakeSite, waits: list[float] | None = None, timeout: float = 5.0) -> Client:
    return Client(site.url, timeout=timeout, sleep=(waits if waits is not None else []).append)


def test_dates_go_as_dd_mm_yyyy_and_only_the_window_is_read(site):
    title, meetings = client(site).meeting_ids(137, START, END)
    assert (
        site.requests[0]
        == "/mgWebService.asmx/GetMeetings?lCommitteeId=137&sFromDate=01%2F01%2F2023&sToDate=31%2F12%2F2023"
    )
    assert title == "Health & Wellbeing Board"
    assert [meeting_id for meeting_id, _ in meetings] == [501, 502, 503, 504]


def test_a_site_that_ignores_the_dates_still_gives_only_the_window(site):
    site.ignore_dates = True
    _, meetings = client(site).meeting_ids(137, START, END)
    assert 401 not in [meeting_id for meeting_id, _ in meetings]  # the 2019 meeting the site sent too


def test_text_escaped_twice_is_read_once_and_padded_numbers_are_read(site):
    meeting = client(site).meeting(503)
    titles = {item.number: item.title for item in meeting.items}
    assert titles["1"] == "Welcome & apologies"
    assert titles["5"] == "Children's mental health: the 'Thrive' model"
    assert meeting.id == 503 and [c.id for c in client(site).committees()] == [137]


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("10.00 am", time(10, 0)),
        ("2.30 pm", time(14, 30)),
        ("12.00 pm", time(12, 0)),
        ("12.15 am", time(0, 15)),
        ("2pm", time(14, 0)),
        ("6.30 p.m.", time(18, 30)),
        ("14:00", time(14, 0)),
        ("Noon", time(12, 0)),
        ("TBC", None),
        ("13.00 pm", None),
    ],
)
def test_times_as_councils_write_them(written, meant):
    assert parse_time(written) == meant


def test_a_time_the_site_wrote_otherwise_is_kept_as_a_note(site):
    on_site(site, 502).time = "After the Cabinet meeting"
    data = board_data(site.url, 137, "Board", [client(site).meeting(502)], board="hwb")
    assert "start_time" not in data["meetings"][0]
    assert data["meetings"][0]["notes"] == "time as published: After the Cabinet meeting"


def test_statuses_cancelled_provisional_confirmed_and_unknown(site):
    data = fetch(client(site), 137, START, END, board="hwb").text
    assert "status: cancelled" in data and "status: provisional" in data and "status: confirmed" in data
    on_site(site, 502).status = "Rescheduled"
    meeting = board_data(site.url, 137, "Board", [client(site).meeting(502)], board="hwb")["meetings"][0]
    assert meeting["status"] == "provisional"
    assert meeting["notes"] == "ModernGov status: Rescheduled (not one BoardBot knows; shown as provisional)"


def test_server_errors_are_retried_with_backoff(site):
    waits: list[float] = []
    site.script = [(503, "text/plain", b"busy"), (500, "text/plain", b"oops")]
    assert [c.title for c in client(site, waits).committees()] == ["Health & Wellbeing Board"]
    assert waits == [5.0, 15.0]


def test_three_server_errors_name_the_url(site):
    site.script = [(503, "text/plain", b"busy")] * 3
    with pytest.raises(ImportFailed) as failed:
        client(site).committees()
    assert str(failed.value) == (
        f"{site.url}/mgWebService.asmx/GetCommittees?lDummy=0 failed 3 times (HTTP 503 Service Unavailable); "
        "the site may be down: try again later"
    )


def test_a_slow_site_times_out_with_a_clear_error(site):
    site.delay = 1.0
    with pytest.raises(
        ImportFailed, match=r"GetCommittees\?lDummy=0 failed 3 times \(no answer within 0.2 s\)"
    ):
        client(site, timeout=0.2).committees()


def test_a_site_with_the_web_service_off_names_the_url_tried(site):
    site.off = True
    with pytest.raises(ImportFailed) as failed:
        client(site).committees()
    message = str(failed.value)
    assert message.startswith(f"{site.url}/mgWebService.asmx/GetCommittees?lDummy=0 answered HTTP 404")
    assert "switched its ModernGov web service off" in message


def test_an_html_page_instead_of_xml_is_refused(site):
    site.script = [(200, "text/html", b"<!DOCTYPE html><html><body>Sign in</body></html>")]
    with pytest.raises(ImportFailed, match="returned a web page, not XML"):
        client(site).committees()


def test_an_html_page_labelled_as_xml_is_refused_too(site):
    site.script = [(200, "text/xml", b"\n  <html><body>Service Unavailable</body></html>")]
    with pytest.raises(ImportFailed, match="returned a web page, not XML"):
        client(site).committees()


def test_an_xml_bomb_is_refused(site):
    site.script = [(200, "text/xml", BOMB)]
    with pytest.raises(ImportFailed, match="document type or entity declarations .* refused as unsafe"):
        client(site).committees()


def test_malformed_xml_says_where(site):
    site.script = [(200, "text/xml", b"<committees><committee></committees>")]
    with pytest.raises(
        ImportFailed, match=r"GetCommittees\?lDummy=0 sent malformed XML \(mismatched tag: line 1"
    ):
        client(site).committees()


def test_an_unreachable_site_and_a_non_address_are_named():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(
        ImportFailed, match=rf"http://127.0.0.1:{port}/mgWebService.asmx/GetCommittees.* could not be reached"
    ):
        Client(f"http://127.0.0.1:{port}/mgWebService.asmx").committees()
    with pytest.raises(ImportFailed, match="'democracy' is not a web address"):
        Client("democracy")


def test_an_unknown_committee_points_to_the_list(site):
    with pytest.raises(ImportFailed, match="does not know committee 999; .* --list"):
        fetch(client(site), 999, START, END)


def test_restricted_papers_are_never_linked(site):
    text = fetch(client(site), 137, START, END, board="hwb").text
    assert "Exempt report" not in text and "9107" not in text


def test_a_bad_date_in_an_answer_is_named_with_its_url(site):
    site.script = [
        (
            200,
            "text/xml",
            b"<meeting><meetingid>503</meetingid><meetingdate>2023-10-12</meetingdate></meeting>",
        )
    ]
    with pytest.raises(ImportFailed) as failed:
        client(site).meeting(503)
    assert str(failed.value) == (
        f"{site.url}/mgWebService.asmx/GetMeeting?lMeetingId=503: meeting 503: date '2023-10-12' is not dd/mm/yyyy"
    )


def test_the_sync_interval_is_checked_on_the_command_line(capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(
            ["import", "moderngov", "--site", "https://x.example", "--sync-every", "weekly"]
        )
    assert "'weekly' is not a number of days from 0 (never) to 365, e.g. 1 or 7" in capsys.readouterr().err
