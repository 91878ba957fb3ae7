"""Reading an iCalendar file back without the `icalendar` package that wrote it.

`strict_lines` checks the file's lines as RFC 5545 wants them (CRLF, at most 75 octets, folded with a
space) and unfolds them; `read` parses the file with vobject; `zone` builds a tzinfo from the file's
own VTIMEZONE with dateutil's tzical, so the offsets a calendar client would use are the ones checked.
"""

from __future__ import annotations

import io
from datetime import tzinfo

import vobject
from dateutil import tz


def strict_lines(body: bytes) -> list[str]:
    """The content lines, unfolded, after checking each physical line's ending and length."""
    assert body.endswith(b"\r\n"), "the file does not end with CRLF"
    physical = body[:-2].split(b"\r\n")
    lines: list[str] = []
    for raw in physical:
        assert b"\n" not in raw and b"\r" not in raw, f"a bare line break in {raw!r}"
        assert len(raw) <= 75, f"a line of {len(raw)} octets: {raw!r}"
        text = raw.decode("utf-8")
        if text[:1] in (" ", "\t"):
            assert lines, "the file starts with a continuation line"
            lines[-1] += text[1:]
        else:
            lines.append(text)
    return lines


def read(body: bytes):
    """The VCALENDAR, parsed by vobject (which resolves a TZID by its own zone database)."""
    strict_lines(body)
    return vobject.readOne(body.decode("utf-8"))


def zone(body: bytes, tzid: str) -> tzinfo:
    """The zone `tzid` as the file's own VTIMEZONE defines it (dateutil.tz.tzical)."""
    text = body.decode("utf-8")
    start = text.index("BEGIN:VTIMEZONE")
    end = text.rindex("END:VTIMEZONE") + len("END:VTIMEZONE")
    found = tz.tzical(io.StringIO(text[start:end])).get(tzid)
    assert found is not None, f"no VTIMEZONE for {tzid}"
    return found


def events(body: bytes) -> dict[str, dict[str, str]]:
    """Each VEVENT's raw properties (name with parameters → value) by UID, from the strict lines."""
    found: dict[str, dict[str, str]] = {}
    current: dict[str, str] | None = None
    for line in strict_lines(body):
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            assert current is not None
            found[current["UID"]] = current
            current = None
        elif current is not None:
            name, _, value = line.partition(":")
            current[name] = value
    return found
