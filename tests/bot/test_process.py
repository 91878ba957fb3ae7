"""A started web worker keeps its start-up objects out of Python's full garbage collections."""

from __future__ import annotations

import gc
import weakref

from bot import process
from bot.slack import asgi


class Node:
    pass


def test_started_freezes_what_start_up_made_but_not_its_garbage():
    gc.disable()  # the cycle below stays garbage until started() collects it
    try:
        node = Node()
        node.me = node  # type: ignore[attr-defined]
        gone = weakref.ref(node)
        del node
        process.started()
        assert gone() is None  # collected, not frozen for the life of the process
        assert gc.get_freeze_count() > 10_000  # the modules, SQLAlchemy, Jinja, Bolt …
    finally:
        gc.unfreeze()
        gc.enable()


def test_the_web_process_serves_the_app_made_by_the_freezing_factory():
    assert asgi.serve.__defaults__ == ("bot.slack.asgi:served_application",)
