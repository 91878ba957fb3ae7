"""Answering action updates: a message (`A-12 done`, `undo`), a button or a form about one action,
and a paper reminder's Submitted button.

`message` answers messages (`run`), `buttons` buttons and forms (`press`), `reply` words what changed
or why nothing did. The Slack layer uses the names below; nothing here knows Slack's payloads.
"""

from commands.update.buttons import ButtonRequest, form_view, past_due_date, press, press_paper
from commands.update.message import Lookups, MessageRequest, NoLookups, run

__all__ = [
    "ButtonRequest",
    "Lookups",
    "MessageRequest",
    "NoLookups",
    "form_view",
    "past_due_date",
    "press",
    "press_paper",
    "run",
]
