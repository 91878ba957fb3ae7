"""KPIs as board members ask about them: headlines, a forgiving search, histories with their sources.

reading.py reads a board's KPIs and their recent values; search.py finds the KPIs a member's words
name; figures.py turns values into what a reply shows; info.py holds what the three share.
"""

from bot.kpis.info import reading_order

__all__ = ["reading_order"]
