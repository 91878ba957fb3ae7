"""Action updates written as messages: `A-12 done`, `a12 in progress: waiting for data`, `undo`.

`parse_update` is Slack-free and reads no database: it turns a message into explicit changes per
action reference (or for the thread's action when none is named), or says exactly what it did not
understand. `words` holds the vocabulary and the word matching, `dates` reads dates, `clauses` reads
each reference's changes, `parse` the whole message.
"""

from commands.update_message.dates import example_date, read_date
from commands.update_message.parse import ParsedUpdate, ParseProblem, Wanted, parse_update
from commands.update_message.words import Problem, normalise_message

__all__ = [
    "ParseProblem",
    "ParsedUpdate",
    "Problem",
    "Wanted",
    "example_date",
    "normalise_message",
    "parse_update",
    "read_date",
]
