"""Full-text search over what the boards have said: agenda items, actions, KPIs, document pages.

sources.py makes the passages, index.py keeps `search_entries` in step with the data, query.py
searches it with the database's own full-text index (FTS5 on SQLite, tsvector on PostgreSQL).
"""

from bot.search.index import newest_entry_id, refresh, reindex
from bot.search.query import Hit, Results, search

__all__ = ["Hit", "Results", "newest_entry_id", "refresh", "reindex", "search"]
