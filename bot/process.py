"""Once a long-running process (a web worker, Socket Mode) has started, keep what it made out of
Python's full garbage collections.

A full collection scans every object the collector tracks, and with all of start-up's (modules,
SQLAlchemy, Jinja, Bolt: over 100,000) each one stopped every request's thread long enough to show
in a search's slowest answers (bench/README.md, "Full-text search"). Those objects live as long as
the process, so `gc.freeze` moves them where the collector no longer looks.
"""

from __future__ import annotations

import gc


def started() -> None:
    """Call once the app is built: collect start-up's garbage, then freeze what is left."""
    gc.collect()
    gc.freeze()
