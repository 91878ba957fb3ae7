"""Render an agenda pack's text as a PDF, as councils' packs come: for the PDF path's tests and bench.

A minimal PDF written by hand (Helvetica, WinAnsi text): each tab-separated cell is drawn at its own
column, long lines wrap (hyphenating a word now and then, as typesetting does), and every page gets
the pack's running header and a "Page N" footer, which the importer must leave out.
"""

from __future__ import annotations

import textwrap
import zlib
from pathlib import Path

LINES_PER_PAGE = 60
WIDTH = 95  # characters of a wrapped line at 9 pt


def wrap(line: str) -> list[str]:
    if "\t" in line.lstrip("\t") or len(line) <= WIDTH:
        return [line]
    line = line.strip()
    rows = textwrap.wrap(line, WIDTH, break_long_words=False, break_on_hyphens=False)
    # Hyphenate the first long word carried to the next row, as a typesetter would.
    for n in range(len(rows) - 1):
        word, _, rest = rows[n + 1].partition(" ")
        if len(word) >= 10 and word.isalpha() and word.islower() and len(rows[n]) + 6 <= WIDTH:
            rows[n], rows[n + 1] = f"{rows[n]} {word[:5]}-", f"{word[5:]} {rest}".rstrip()
    return rows


def pages_of(text: str, header: str) -> list[list[str]]:
    rows = [row for line in text.splitlines() for row in wrap(line)]
    body = LINES_PER_PAGE - 4
    return [[header, "", *rows[i : i + body]] for i in range(0, max(len(rows), 1), body)]


def escape(text: str) -> bytes:
    raw = text.encode("cp1252", errors="replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def page_stream(rows: list[str], number: int) -> bytes:
    out = [b"BT /F1 9 Tf"]
    for n, row in enumerate(rows):
        y = 800 - n * 12.5
        for k, cell in enumerate(row.split("\t")):
            if cell.strip():
                out.append(b"1 0 0 1 %d %.1f Tm (%s) Tj" % (40 + k * 260, y, escape(cell)))
    out.append(b"1 0 0 1 280 30 Tm (%s) Tj ET" % escape(f"Page {number}"))
    return b"\n".join(out)


def write_pdf(text: str, path: Path, header: str = "Public Document Pack") -> Path:
    """The text as a PDF at path; returns path."""
    pages = pages_of(text, header)
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # the page tree, once the pages' numbers are known
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    kids = []
    for number, rows in enumerate(pages, 1):
        stream = zlib.compress(page_stream(rows, number))
        objects.append(
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(stream), stream)
        )
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> "
            b"/Contents %d 0 R >>" % len(objects)
        )
        kids.append(len(objects))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids),
        len(kids),
    )
    return write_objects(objects, path)


def write_objects(objects: list[bytes], path: Path) -> Path:
    data = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(data))
        data += b"%d 0 obj\n%s\nendobj\n" % (n, body)
    xref = len(data)
    data += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    data += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    data += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(data))
    return path


def image_only_pdf(path: Path, pages: int = 2) -> Path:
    """A scanned pack: pages that draw only an image, with no text layer."""
    objects: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>", b""]
    kids = []
    for _ in range(pages):
        pixels = zlib.compress(bytes(range(256)) * 16)
        objects.append(
            b"<< /Type /XObject /Subtype /Image /Width 64 /Height 64 /ColorSpace /DeviceGray "
            b"/BitsPerComponent 8 /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream"
            % (len(pixels), pixels)
        )
        image = len(objects)
        draw = b"q 500 0 0 700 40 70 cm /Im1 Do Q"
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(draw), draw))
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im1 %d 0 R >> >> "
            b"/Contents %d 0 R >>" % (image, len(objects))
        )
        kids.append(len(objects))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids),
        len(kids),
    )
    return write_objects(objects, path)
