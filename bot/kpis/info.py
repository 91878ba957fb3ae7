"""A KPI as /kpi uses it, and the orderings and labels that reading, searching and showing share."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from bot import models as m

BETTER_LABELS: dict[str | None, str] = {
    m.Better.HIGHER: "higher is better",
    m.Better.LOWER: "lower is better",
    m.Better.NEITHER: "neither higher nor lower is better",
}


def one_line(text: str, limit: int) -> str:
    """The text on one line (runs of spaces and line breaks made one space), cut with "…" past `limit`."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def reading_order(text: str) -> str:
    """Alphabetical as a reader expects: case and accents aside (éducation beside education)."""
    if text.isascii():  # nothing to decompose, and casefold is lower for ASCII
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@dataclass(slots=True, eq=False)
class KpiInfo:
    """A KPI's naming and description: what matching and the replies need, without its values."""

    id: int
    key: str
    name: str
    unit: str | None
    better: str | None
    theme: str | None
    aliases: tuple[str, ...]
    description: str | None = None
    headline: bool = False  # one of the board's own chosen headlines
    same_as: str | None = None  # key of the board's KPI for the same measure in another document

    @classmethod
    def of(cls, kpi: m.Kpi) -> KpiInfo:
        """From a KPI row; blank or non-text aliases (hand-edited data) are left out."""
        aliases = tuple(a for a in kpi.aliases or () if isinstance(a, str) and a.strip())
        return cls(
            kpi.id,
            kpi.key,
            kpi.name,
            kpi.unit,
            kpi.better,
            kpi.theme,
            aliases,
            kpi.description,
            bool(kpi.headline),
            kpi.same_as,
        )

    @property
    def unit_label(self) -> str:
        return self.unit or "not recorded"

    @property
    def better_label(self) -> str:
        return BETTER_LABELS.get(self.better, "which way is better: not recorded")

    @property
    def short_name(self) -> str:
        return one_line(self.name, 200)

    @property
    def summary(self) -> str | None:
        return one_line(self.description, 300) if self.description else None

    @property
    def example(self) -> str:
        """Words that find this KPI: its shortest alias, else its key."""
        return min(self.aliases, key=len) if self.aliases else self.key
