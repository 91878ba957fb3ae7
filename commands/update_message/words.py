"""The words of a status message: statuses, RAG colours, keywords, the words that change nothing,
the problems a reading can find, and how a message is made plain text and matched word by word.

Statuses, RAG colours and keywords are matched word by word, forgiving one typo in a word of four to
six letters and two in longer words.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from bot import models as m
from bot.render import slack_unescape

STATUS_WORDS: dict[str, tuple[str, ...]] = {
    m.ActionStatus.DONE: (
        "done",
        "all done",
        "complete",
        "completed",
        "finished",
        "closed",
        "resolved",
        "delivered",
        "achieved",
        "signed off",
    ),
    m.ActionStatus.IN_PROGRESS: (
        "in progress",
        "in-progress",
        "inprogress",
        "work in progress",
        "wip",
        "ongoing",
        "on-going",
        "underway",
        "under way",
        "started",
        "progressing",
        "in hand",
    ),
    m.ActionStatus.BLOCKED: ("blocked", "stuck", "on hold", "held up", "paused"),
    m.ActionStatus.OPEN: (
        "open",
        "reopen",
        "reopened",
        "re-open",
        "re-opened",
        "not started",
        "to do",
        "todo",
    ),
    m.ActionStatus.CANCELLED: (
        "cancelled",
        "canceled",
        "cancel",
        "dropped",
        "withdrawn",
        "abandoned",
        "no longer needed",
        "not needed",
    ),
}
RAG_WORDS: dict[str, tuple[str, ...]] = {
    m.Rag.RED: ("red", "rag red"),
    m.Rag.AMBER: ("amber", "orange", "yellow", "rag amber"),
    m.Rag.GREEN: ("green", "rag green"),
}
DATE_KEYWORDS = (
    "due",
    "due on",
    "due by",
    "due date",
    "now due",
    "new date",
    "new due date",
    "new deadline",
    "deadline",
    "target date",
    "eta",
    "date",
    "by",
    "until",
    "moved to",
    "move to",
    "moving to",
    "moved",
    "postponed to",
    "postponed until",
    "postponed",
    "pushed to",
    "pushed back to",
    "pushed back",
    "delayed to",
    "delayed until",
    "delayed",
    "deferred to",
    "deferred until",
    "rescheduled to",
    "rescheduled for",
    "extended to",
    "extended until",
    "extend to",
)
WEAK_DATE_KEYWORDS = {("by",), ("until",), ("date",)}  # without a date they are just words
NOTE_KEYWORDS = ("note", "notes", "update", "progress", "progress note", "progress update", "comment", "fyi")
LABELS = ("status", "rag", "rag status", "rag rating", "rating", "rated")
FILLERS = {
    "is", "are", "was", "has", "have", "had", "been", "be", "being", "it", "it's", "its", "this",
    "that", "the", "a", "an", "as", "to", "set", "mark", "marked", "marking", "change", "changed",
    "make", "made", "now", "all", "fully", "finally", "officially", "already", "just", "today",
    "yesterday", "please", "pls", "plz", "thanks", "thank", "you", "thx", "ty", "cheers", "ta", "ok",
    "okay", "and", "also", "then", "action", "i", "i've", "ive", "we", "we've", "weve", "our", "my",
    "got", "can", "could", "would", "both", "yay", "hooray", "great", "good", "news", "-", "->", "=>", "=",
    "!", ".", "...", "…", "so", "hi", "hello", "hey", "re", "on", "for", "of", "boardbot", "updated",
    "updating",
}  # fmt: skip
LEAD_IN = FILLERS | {"update", "updates", "quick", "morning", "afternoon", "team", "all", "actions"}
NEGATIONS = {
    "incomplete", "incompleted", "unfinished", "unresolved", "undelivered", "unstarted", "uncompleted",
    "not", "isn't", "isnt", "aren't", "arent", "no", "never", "hasn't", "hasnt", "haven't",
    "havent", "wasn't", "wasnt", "won't", "wont", "can't", "cant", "cannot", "nothing", "neither",
}  # fmt: skip
HEDGES = {
    "almost", "nearly", "partly", "partially", "half", "mostly", "maybe", "perhaps", "probably",
    "hopefully", "should", "will", "might", "may", "soon", "likely", "possibly", "virtually",
    "practically", "kinda", "sort", "kind", "about", "close", "or", "be",
}  # fmt: skip
CONNECTORS = {
    "because", "as", "since", "cos", "cause", "coz", "due", "waiting", "awaiting", "pending", "need",
    "needs", "needed", "needing", "until", "but", "so", "after", "following", "with", "while",
    "by", "per", "from", "via", "see", "report", "sent", "agreed", "confirmed",
}  # fmt: skip
QUESTION_WORDS = {"is", "has", "have", "was", "what", "whats", "what's", "when", "why", "how", "did", "does"}
NEGATING_PREFIXES = ("un", "in", "im", "non", "dis")
REQUEST_OPENERS = ("can you", "could you", "would you", "please", "pls", "plz")
NEVER_FUZZY = {
    "none", "gone", "one", "bone", "dine", "dune", "dome", "node", "nope", "oven", "opens", "even",
    "greet", "greed", "preen", "stick", "stock", "struck", "stack", "snuck", "starter", "stated",
    "tone", "noted", "updated", "updating", "close", "loved", "decayed", "relayed",
    "closet", "closer", "cloned", "dated", "dues", "debt", "data", "date", "note", "notes", "nodes",
    "red", "read", "reed", "rid", "bed", "led", "ted", "redo", "undo", "amen", "amble",
}  # fmt: skip
UNDO_WORDS = {"undo", "revert", "rollback", "roll", "back", "oops", "please", "pls", "that", "this", "it"}
UNDO_TAIL = {"last", "my", "the", "change", "update", "changes", "updates", "thanks", "sorry", "mistake"}

MONTHS = (
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec"
).split()
WEEKDAYS = {
    "monday": 0, "mon": 0, "tuesday": 1, "tue": 1, "tues": 1, "wednesday": 2, "wed": 2, "weds": 2,
    "thursday": 3, "thu": 3, "thur": 3, "thurs": 3, "friday": 4, "fri": 4, "saturday": 5, "sat": 5,
    "sunday": 6, "sun": 6,
}  # fmt: skip
NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip
NOT_PREFIXES = set(MONTHS) | {
    "q", "fy", "h", "wk", "week", "day", "days", "year", "years", "yr", "y", "ks", "covid", "mp",
    "v", "cw", "wc", "am", "pm", "st", "nd", "rd", "th", "x", "n", "no", "p", "pp", "page", "item",
    "para", "s", "section", "room", "tel", "ext", "dec", "oct", "nov", "top", "under", "over", "age",
    "aged", "ages", "in", "on", "at", "by", "to", "of", "or", "and", "the", "for", "from", "due",
}  # fmt: skip

# "action 12", "action #12", "ref 12", "#12", "A-12", "a12", "FPS-3", "HWB 2" (a letter prefix, a
# number; with a space only when the prefix is written in capitals, see clauses._ref_of)
REF_IN_TEXT_RE = re.compile(
    r"(?<![\w/.#-])(?:(?:action|ref)\s*(?:no\.?\s*|number\s*)?#?\s*(?P<word_number>\d{1,9})"
    r"|#(?P<hash_number>\d{1,9})"
    r"|(?P<prefix>[A-Za-z]{1,12})(?:-|(?P<space> ))?(?P<number>\d{1,9}))(?![\w/]|[.,:-]\d)",
    re.IGNORECASE,
)
SLACK_TOKEN_RE = re.compile(r"<([^<>\n]*)>")
SHORTCODE_RE = re.compile(r":([a-z0-9_+'-]{1,60}):")
TOKEN_RE = re.compile(r"—|:|\(|\)|,|;|\?|[^\s—:(),;?]+")
SEPARATORS = {":", "—", "-", "--", "("}
ISO_DATE_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
NUMERIC_DATE_RE = re.compile(r"^\d{1,2}[/.-]\d{1,2}(?:[/.-](\d{2}|\d{4}))?$")
DAY_RE = re.compile(r"^\d{1,2}(?:st|nd|rd|th)?$")
ORDINAL_RE = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)$")
YEAR_RE = re.compile(r"^(?:19|20)\d{2}$|^'\d{2}$")
TRAILING_JOIN_RE = re.compile(r"(?:[\s,;.&+]|\band\b|\balso\b|\bthen\b|\bplus\b)+$", re.IGNORECASE)
HARD_BREAK_RE = re.compile(r"(?:[,;.!\n]|\band)\s*(?:and\s+|also\s+|then\s+)?$", re.IGNORECASE)
DOUBLE_QUOTES = '"“”„‟«»‹›「」『』〝〞〟＂″‶'
SINGLE_QUOTES = "‘’‚‛′‵`´"
QUOTES = DOUBLE_QUOTES + SINGLE_QUOTES + "'"
APOSTROPHES = str.maketrans(dict.fromkeys(SINGLE_QUOTES, "'"))
FULL_WIDTH_RE = re.compile(r"[\uff01-\uff5e]+")
MENTION_RE = re.compile(r"@([UW][A-Z0-9]{2,20})\b")
LINK_RE = re.compile(r"(?:https?://|mailto:)\S+|(?<![\w#])#[\w-]*[A-Za-z_][\w-]*")  # no refs inside
EMOJI_WORDS = {
    "x": "not",
    "no_entry": "not",
    "no_entry_sign": "not",
    "heavy_multiplication_x": "not",
    "negative_squared_cross_mark": "not",
    "white_check_mark": "done",
    "heavy_check_mark": "done",
    "ballot_box_with_check": "done",
    "red_circle": "red",
    "large_red_circle": "red",
    "large_orange_circle": "amber",
    "orange_circle": "amber",
    "large_yellow_circle": "amber",
    "yellow_circle": "amber",
    "large_green_circle": "green",
    "green_circle": "green",
}
UNICODE_EMOJI_WORDS = {
    "❌": "not",
    "✖": "not",
    "❎": "not",
    "🚫": "not",
    "⛔": "not",
    "✅": "done",
    "✔": "done",
    "☑": "done",
    "🔴": "red",
    "🟠": "amber",
    "🟡": "amber",
    "🟢": "green",
}


class Problem(StrEnum):
    NOTHING = "nothing"  # no reference and no change: small talk
    NO_ACTION = "no_action"  # a change, but no action named and none in the thread
    NO_CHANGE = "no_change"  # an action named, but no change
    UNKNOWN_WORDS = "unknown_words"
    AMBIGUOUS_STATUS = "ambiguous_status"
    AMBIGUOUS_RAG = "ambiguous_rag"
    HEDGED = "hedged"  # "almost done"
    NEGATED = "negated"  # "not done"
    BAD_DATE = "bad_date"
    VAGUE_DATE = "vague_date"  # "next month"
    PAST_DATE = "past_date"
    TOO_FAR = "too_far"  # more than ten years ahead
    MONTH_FIRST = "month_first"  # "12/15": dates are read day first
    QUESTION = "question"
    UNDO_WORDS = "undo_words"  # `undo` with more words than it takes
    TOO_LONG = "too_long"


@dataclass
class Token:
    text: str
    start: int
    end: int

    @property
    def word(self) -> str:
        """The word as matched: lower case, without quotes around it or a closing `.`/`!`."""
        lowered = self.text.lower().translate(APOSTROPHES).strip(QUOTES)
        return lowered.rstrip(".!…") or lowered


def tokenise(text: str) -> list[Token]:
    """The words and punctuation of a text; quote marks alone are skipped (they stay in notes)."""
    return [Token(t.group(), t.start(), t.end()) for t in TOKEN_RE.finditer(text) if t.group().strip(QUOTES)]


# --- normalising ---------------------------------------------------------------------------------


def _slack_token(found: re.Match) -> str:
    """A Slack token as a reader would write it: a link as `label (url)` or the URL, a person as
    `@U…` (named later, see `name_people`), a channel as `#name`, a group or broadcast as `@name`."""
    inner = found.group(1)
    target, _, label = inner.partition("|")
    if target.startswith("@"):
        return target
    if target.startswith("#"):
        return f"#{label or target[1:]}"
    if target.startswith("!"):
        if target.startswith("!subteam"):
            return f"@{label.lstrip('@') or target.split('^')[-1]}"
        if target in ("!here", "!channel", "!everyone"):
            return f"@{target[1:]}"
        return label or " "  # `<!date^…|fallback>`
    bare = re.sub(r"^(?:https?://|mailto:)", "", target).rstrip("/")
    if not label or label.rstrip("/") in (target, bare):
        return label or target
    return f"{label} ({target})"


def name_people(text: str, names: Mapping[str, str]) -> str:
    """`@U…` mentions as the person's name when the workspace's data has them, else as `@U…`."""
    return MENTION_RE.sub(lambda found: names.get(found.group(1), found.group(0)), text)


def normalise_message(text: str) -> str:
    """The message as plain text: Slack tokens written out, dashes and emoji made plain, quotes kept."""
    text = slack_unescape(SLACK_TOKEN_RE.sub(_slack_token, text))
    text = FULL_WIDTH_RE.sub(lambda f: unicodedata.normalize("NFKC", f.group()), text)  # "Ａ－１２"
    text = SHORTCODE_RE.sub(lambda f: f" {EMOJI_WORDS.get(f.group(1), '')} ", text)
    out = []
    for char in text:
        if char in UNICODE_EMOJI_WORDS:
            out.append(f" {UNICODE_EMOJI_WORDS[char]} ")
        elif char in "‐‑‒−﹣－":
            out.append("-")
        elif char in "–―":
            out.append("—")
        elif char == "\n":
            out.append("\n")
        elif char.isspace():
            out.append(" ")
        elif unicodedata.category(char) in ("So", "Sk", "Cs", "Co", "Cn", "Cf", "Cc", "Me", "Mn"):
            out.append(" ")
        else:
            out.append(char)
    text = "".join(out)
    text = re.sub(r"(?<=[A-Za-z])—(?=\d)", "-", text)  # "A–12" typed with an en dash
    text = re.sub(r"\s*—\s*", " — ", text)
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


# --- matching words ------------------------------------------------------------------------------


def _distance(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions, transpositions."""
    rows = [list(range(len(b) + 1))]
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            row[j] = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


def same_word(typed: str, wanted: str) -> bool:
    if typed == wanted:
        return True
    if typed in NEVER_FUZZY or not typed.isalpha() or not wanted.isalpha() or len(wanted) < 4:
        return False
    for prefix in NEGATING_PREFIXES:  # "incomplete" is not a typo for "complete"
        if typed.startswith(prefix) and not wanted.startswith(prefix):
            return False
    if abs(len(typed) - len(wanted)) > 2:
        return False
    allowed = 1 if len(wanted) <= 6 else 2
    if len(wanted) == 4:  # short words: only a swapped or doubled letter
        return sorted(typed) == sorted(wanted) or (len(typed) == 5 and _distance(typed, wanted) == 1)
    return _distance(typed, wanted) <= allowed


def _phrases() -> list[tuple[tuple[str, ...], str, str | None]]:
    table: list[tuple[tuple[str, ...], str, str | None]] = []
    for status, words in STATUS_WORDS.items():
        table += [(tuple(w.split()), "status", str(status)) for w in words]
    for rag, words in RAG_WORDS.items():
        table += [(tuple(w.split()), "rag", str(rag)) for w in words]
    table += [(tuple(w.split()), "date", None) for w in DATE_KEYWORDS]
    table += [(tuple(w.split()), "note", None) for w in NOTE_KEYWORDS]
    table += [(tuple(w.split()), "label", None) for w in LABELS]
    return sorted(table, key=lambda entry: -len(entry[0]))


PHRASES = _phrases()


def match_phrase(tokens: list[Token], i: int) -> tuple[int, str, str | None, tuple[str, ...]] | None:
    """The longest phrase starting at token i, as written if any is, else with typos forgiven."""
    for same in (str.__eq__, same_word):
        for phrase, kind, value in PHRASES:
            words = tokens[i : i + len(phrase)]
            if len(words) == len(phrase) and all(same(t.word, p) for t, p in zip(words, phrase, strict=True)):
                return len(phrase), kind, value, phrase
    return None
