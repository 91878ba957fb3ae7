"""Alphabetical order as a reader expects (case and accents aside), in Python and as the database
keeps it for a board's KPI headlines."""

from __future__ import annotations

import re
import unicodedata

KEY_THEME_CHARS = 200  # a theme is at most 200 characters (models.Kpi.theme)
KEY_NAME_CHARS = 300  # the key fits in an index entry (PostgreSQL's hold about 2,700 bytes)
_CONTROL = re.compile(r"[\x00-\x1f]")


def reading_order(text: str) -> str:
    """Alphabetical as a reader expects: case and accents aside (éducation beside education)."""
    if text.isascii():  # nearly every name, and a hundred times cheaper
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def kpi_reading_key(theme: str | None, name: str | None) -> str:
    """A KPI's place in its board's headlines (by theme, themeless last, then name) as one string
    that a database comparing bytes (SQLite's BINARY, PostgreSQL's COLLATE "C") orders as Python
    orders (theme is None, reading_order(theme), reading_order(name)): "0" for a theme, "1" for
    none, the theme, a separator below every character kept, the name. Control characters are left
    out, and the parts cut at KEY_THEME_CHARS and KEY_NAME_CHARS: KPIs alike that far keep id order."""
    theme_part = _CONTROL.sub("", reading_order(theme or ""))[:KEY_THEME_CHARS]
    name_part = _CONTROL.sub("", reading_order(name or ""))[:KEY_NAME_CHARS]
    return f"{'1' if theme is None else '0'}{theme_part}\x01{name_part}"
