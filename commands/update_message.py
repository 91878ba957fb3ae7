"""Action updates written as messages: `A-12 done`, `a12 in progress: waiting for data`, `undo`.

`parse_update` is Slack-free and reads no database: it turns a message into explicit changes per
action reference (or for the thread's action when none is named), or says exactly what it did not
understand. The grammar, per clause (a clause starts at each action reference):

    message  := [lead-in] clause {[, ; and & newline] clause} | change-list (in a thread) | "undo"
    clause   := ref {[, and &] ref} change-list
    change   := status | rag | date-keyword date | note-keyword [: text]
    change-list := change {[,] change} [(: | " - " | — | , | "(" | connector) note]

Statuses, RAG colours and keywords are matched word by word, forgiving one typo in a word of four to
six letters and two in longer words. A hedge ("almost done"), a negation ("not done"), two statuses
in one clause, a question, or a word it does not know makes the whole message a `ParseProblem`:
nothing changes. Dates are read day first (python-dateutil) against the board's today; a date with
no year that has passed this year means next year; a date in the past is refused.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

from dateutil import parser as dateparser
from dateutil.relativedelta import relativedelta

from bot import models as m
from bot.actions import Ref
from bot.render import slack_unescape

MAX_MESSAGE = 4000  # longer messages are refused: no update needs more
MAX_NOTE = 2000
MAX_YEARS_AHEAD = 10

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
NEGATED_STATUS_WORDS = {
    "incomplete",
    "incompleted",
    "unfinished",
    "unresolved",
    "undone",
    "undelivered",
    "unstarted",
    "unblocked",
    "uncompleted",
    "notdone",
}
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

# "action 12", "action #12", "ref 12", "#12", "A-12", "a12", "FPS-3" (a letter prefix, a number)
REF_IN_TEXT_RE = re.compile(
    r"(?<![\w/.#-])(?:(?:action|ref)\s*(?:no\.?\s*|number\s*)?#?\s*(?P<word_number>\d{1,9})"
    r"|#(?P<hash_number>\d{1,9})"
    r"|(?P<prefix>[A-Za-z]{1,12})-?(?P<number>\d{1,9}))(?![\w/]|[.,:-]\d)",
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
    QUESTION = "question"
    UNDO_WORDS = "undo_words"  # `undo` with more words than it takes
    TOO_LONG = "too_long"


@dataclass(frozen=True)
class Wanted:
    """The changes a clause asks for, for one or more actions (none named: the thread's action)."""

    refs: tuple[Ref, ...]
    status: str | None = None
    due_on: date | None = None
    rag: str | None = None
    note: str | None = None

    @property
    def changes_anything(self) -> bool:
        return any(v is not None for v in (self.status, self.due_on, self.rag, self.note))


@dataclass(frozen=True)
class ParsedUpdate:
    wanted: tuple[Wanted, ...] = ()
    undo: bool = False


@dataclass(frozen=True)
class ParseProblem:
    kind: Problem
    asked: str = ""  # the words not understood, as written
    ref: Ref | None = None  # the action the clause was about, when one was named
    example: str = ""  # a message that would work
    signal: bool = False  # a reference or a change word was seen: not small talk


@dataclass
class _Token:
    text: str
    start: int
    end: int

    @property
    def word(self) -> str:
        return self.text.lower().rstrip(".!…") or self.text.lower()


@dataclass
class _Clause:
    refs: list[Ref]
    body: str
    status: str | None = None
    rag: str | None = None
    due_on: date | None = None
    note: str | None = None
    found: list[str] = field(default_factory=list)  # the change words, as written


class _Trouble(Exception):
    def __init__(self, kind: Problem, asked: str = "", example: str = ""):
        super().__init__(kind)
        self.kind, self.asked, self.example = kind, asked, example


# --- normalising ---------------------------------------------------------------------------------


def normalise_message(text: str) -> str:
    """The message as plain text: Slack tokens resolved, quotes, dashes and emoji made plain."""

    def token(found: re.Match) -> str:
        inner = found.group(1)
        if inner.startswith(("@", "#", "!subteam", "!here", "!channel", "!everyone")):
            return " "
        if "|" in inner:
            return inner.split("|", 1)[1]
        return " " if inner.startswith("!") else inner

    text = slack_unescape(SLACK_TOKEN_RE.sub(token, text))
    text = unicodedata.normalize("NFKC", text)
    text = SHORTCODE_RE.sub(lambda f: f" {EMOJI_WORDS.get(f.group(1), '')} ", text)
    out = []
    for char in text:
        if char in UNICODE_EMOJI_WORDS:
            out.append(f" {UNICODE_EMOJI_WORDS[char]} ")
        elif char in DOUBLE_QUOTES:
            out.append(" ")
        elif char in SINGLE_QUOTES:
            out.append("'")
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
    text = re.sub(r"(?<![A-Za-z])'|'(?![A-Za-z])", " ", text)  # quotes, not apostrophes
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


@lru_cache(maxsize=65536)
def _same_word(typed: str, wanted: str) -> bool:
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


def _match(tokens: list[_Token], i: int) -> tuple[int, str, str | None, tuple[str, ...]] | None:
    """The longest phrase starting at token i, as written if any is, else with typos forgiven."""
    for same in (str.__eq__, _same_word):
        for phrase, kind, value in PHRASES:
            words = tokens[i : i + len(phrase)]
            if len(words) == len(phrase) and all(same(t.word, p) for t, p in zip(words, phrase, strict=True)):
                return len(phrase), kind, value, phrase
    return None


# --- dates ---------------------------------------------------------------------------------------


def _next_weekday(today: date, weekday: int, *, strictly_after: bool) -> date:
    days = (weekday - today.weekday()) % 7
    if days == 0 and strictly_after:
        days = 7
    return today + timedelta(days=days)


def _count(word: str) -> int | None:
    if word.isdigit() and 0 < int(word) <= 400:
        return int(word)
    return NUMBER_WORDS.get(word)


def _relative(words: list[str], today: date) -> date | Problem | None:
    """Dates said relative to today: tomorrow, next Friday, in 2 weeks, end of the month."""
    match words:
        case ["today"] | ["tonight"] | ["eod"]:
            return today
        case ["tomorrow" | "tmrw" | "tmr" | "tomorow" | "tommorow" | "tommorrow"]:
            return today + timedelta(days=1)
        case ["yesterday"]:
            return today - timedelta(days=1)
        case ["next", day] if day in WEEKDAYS:
            return _next_weekday(today, WEEKDAYS[day], strictly_after=True)
        case ["this" | "on" | "coming" | "this" | "the", day] | [day] if day in WEEKDAYS:
            return _next_weekday(today, WEEKDAYS[day], strictly_after=False)
        case [day, "week"] if day in WEEKDAYS:
            return _next_weekday(today, WEEKDAYS[day], strictly_after=True) + timedelta(days=7)
        case ["in", number, unit] if _count(number) and unit.rstrip("s") in ("day", "week", "month"):
            n = _count(number) or 0
            unit = unit.rstrip("s")
            if unit == "day":
                return today + timedelta(days=n)
            if unit == "week":
                return today + timedelta(weeks=n)
            return today + relativedelta(months=n)
        case ["in", "a", "fortnight"] | ["fortnight"]:
            return today + timedelta(weeks=2)
        case ["end", "of", *rest] if rest in (["month"], ["the", "month"], ["this", "month"]):
            return today + relativedelta(day=31)
        case ["end", "of", "next", "month"]:
            return today + relativedelta(months=1, day=31)
        case ["end", "of", *rest] if rest in (["week"], ["the", "week"], ["this", "week"]):
            return _next_weekday(today, 4, strictly_after=False)
        case ["end", "of", "next", "week"]:
            return _next_weekday(today, 4, strictly_after=True) + (
                timedelta(days=7) if today.weekday() <= 4 else timedelta(0)
            )
        case ["end", "of", *rest] if rest in (["year"], ["the", "year"], ["this", "year"]):
            return date(today.year, 12, 31)
        case ["next", "week" | "month" | "year" | "quarter" | "term"] | ["soon" | "asap" | "later" | "tbc"]:
            return Problem.VAGUE_DATE
    return None


def _absolute(words: list[str], today: date) -> date | Problem | None:
    """`15 Dec`, `15/12`, `31st March 2024`, `2024-03-31`: day first; no year means the next one."""
    phrase = " ".join(words)
    if found := ISO_DATE_RE.match(phrase):
        try:
            return date(int(found.group(1)), int(found.group(2)), int(found.group(3)))
        except ValueError:
            return Problem.BAD_DATE
    months = [w for w in words if w.rstrip(".,") in MONTHS]
    days = [w for w in words if DAY_RE.match(w.rstrip(".,"))]
    numeric = len(words) == 1 and NUMERIC_DATE_RE.match(phrase)
    ordinal = len(words) <= 2 and ORDINAL_RE.match(words[-1]) and words[:-1] in ([], ["the"])
    if ordinal:
        day = int(ORDINAL_RE.match(words[-1]).group(1))  # type: ignore[union-attr]
        try:
            found_day = today.replace(day=day)
        except ValueError:
            return Problem.BAD_DATE
        return found_day if found_day >= today else found_day + relativedelta(months=1)
    if numeric:  # 15/12, 15.12.2024, 1-2: day first, always; dateutil would turn 12/13 round
        parts = [int(x) for x in re.split(r"[/.-]", phrase)]
        year = parts[2] if len(parts) == 3 else None
        if year is not None and year < 100:
            year += 2000
        try:
            day = date(year or today.year, parts[1], parts[0])
        except ValueError:
            return Problem.BAD_DATE
        return _roll_forward(day, today) if year is None else day
    if not numeric and not (months and days):
        if months and len(words) <= 2 and all(w in MONTHS or YEAR_RE.match(w) for w in words):
            return Problem.VAGUE_DATE  # "March", "March 2024": which day?
        return None
    if len(months) > 1 or len(days) > 2 or not all(_date_word(w.rstrip(".,")) for w in words):
        return None
    try:
        read = dateparser.parse(phrase, dayfirst=True, default=datetime.combine(today, time()))
    except (dateparser.ParserError, ValueError, OverflowError):
        return None
    day = read.date()
    two_digit_year = len(days) == 2 and bool(months)  # "15 Dec 22"
    year_written = any(YEAR_RE.match(w.rstrip(".,")) for w in words) or two_digit_year
    return day if year_written else _roll_forward(day, today)


RECENT_PAST_DAYS = 60  # a yearless date this recent is a date in the past, not next year's


def _roll_forward(day: date, today: date) -> date:
    """A date written without a year: next year's when it is long past; a recent one stays (and is refused)."""
    if day < today and (today - day).days > RECENT_PAST_DAYS:
        return day + relativedelta(years=1)
    return day


def _date_word(word: str) -> bool:
    return bool(
        word in MONTHS
        or word in WEEKDAYS
        or word in ("of", "the")
        or DAY_RE.match(word)
        or YEAR_RE.match(word)
        or NUMERIC_DATE_RE.match(word)
    )


def read_date(words: list[str], today: date) -> tuple[date | Problem, int] | None:
    """The longest run of the first words (up to six) that is a date, and how many words it took."""
    lowered = [w.lower().strip(",.") for w in words]
    for size in range(min(len(lowered), 6), 0, -1):
        part = lowered[:size]
        if not all(part):
            continue
        found = _relative(part, today)
        if found is None:
            found = _absolute(part, today)
        if found is not None:
            return found, size
    return None


def example_date(today: date) -> str:
    later = today + timedelta(days=21)
    return f"{later.day} {later:%b}"


# --- clauses -------------------------------------------------------------------------------------


def _ref_of(found: re.Match) -> Ref | None:
    if found.group("word_number"):
        return Ref(None, found.group("word_number"))
    if found.group("hash_number"):
        return Ref(None, found.group("hash_number"))
    if found.group("prefix").lower() in NOT_PREFIXES:
        return None
    return Ref(found.group("prefix"), found.group("number"))


def _tokens(text: str) -> list[_Token]:
    return [_Token(t.group(), t.start(), t.end()) for t in TOKEN_RE.finditer(text)]


def _starts_a_change(text: str) -> bool:
    """Whether the words after a reference begin a change (so a reference in a note starts a clause)."""
    tokens = [t for t in _tokens(text) if t.word not in FILLERS and t.text not in SEPARATORS][:3]
    found = _match(tokens, 0) if tokens else None
    return found is not None and found[1] in ("status", "rag", "date", "note")


def _note_started(body: str) -> bool:
    tokens = _tokens(body)
    seen_word = False
    for token in tokens:
        if token.text in SEPARATORS and seen_word:
            return True
        if token.text not in SEPARATORS and token.text not in (",", ";"):
            seen_word = True
    return False


def _split_clauses(text: str) -> tuple[str, list[_Clause]]:
    """The lead-in before the first reference, and a clause per run of references."""
    heads: list[tuple[re.Match, Ref]] = []
    for found in REF_IN_TEXT_RE.finditer(text):
        ref = _ref_of(found)
        if ref is None:
            continue
        if heads:
            so_far = text[heads[-1][0].end() : found.start()]
            in_note = _note_started(so_far)
            if in_note and not (
                HARD_BREAK_RE.search(text[: found.start()]) and _starts_a_change(text[found.end() :])
            ):
                continue
        heads.append((found, ref))
    if not heads:
        return text, []
    clauses: list[_Clause] = []
    for index, (found, ref) in enumerate(heads):
        end = heads[index + 1][0].start() if index + 1 < len(heads) else len(text)
        body = (
            TRAILING_JOIN_RE.sub("", text[found.end() : end])
            if index + 1 < len(heads)
            else text[found.end() :]
        )
        if clauses and not clauses[-1].body.strip(" ,&+/\n"):
            clauses[-1].refs.append(ref)  # "A-12, A-14 done": one change for both
            clauses[-1].body = body
        else:
            clauses.append(_Clause([ref], body))
    return text[: heads[0][0].start()], clauses


def _example(ref: str, clause: _Clause | None, note: str = "waiting for data") -> str:
    word = (clause.found[0] if clause and clause.found else "in progress").split(":")[0]
    return f"{ref} {word}: {note}"


def _read_clause(clause: _Clause, today: date, ref_text: str) -> None:
    """Fill in the clause's changes from its body, or raise _Trouble saying what was not understood."""
    body = clause.body
    tokens = _tokens(body)
    i = 0
    label = False
    after_break = False
    note_asked = False
    while i < len(tokens):
        token = tokens[i]
        if token.text in (",", ";", ")"):
            i += 1
            after_break = True
            continue
        if token.text in SEPARATORS:
            if label or not (clause.found or note_asked):
                i += 1
                continue
            clause.note = _note_text(body[token.end :])
            return
        if token.text == "?":
            raise _Trouble(Problem.QUESTION, body.strip())
        found = _match(tokens, i)
        if found:
            size, kind, value, phrase = found
            said = body[token.start : tokens[i + size - 1].end]
            if kind == "date":
                i = _read_due(clause, tokens, i, size, phrase, today, ref_text)
                if i < 0:  # a weak keyword without a date: an ordinary word
                    i = -i
                    if _starts_note(clause, note_asked, after_break, tokens[i - 1]):
                        clause.note = _note_text(body[tokens[i - 1].start :])
                        return
                    asked = _unknown_run(body, tokens, i - 1)
                    raise _Trouble(Problem.UNKNOWN_WORDS, asked, f"{ref_text} in progress: {asked}")
                after_break = False
                continue
            i += size
            after_break = False
            if kind == "label":
                label = True
                continue
            label = False
            if kind == "note":
                note_asked = True
                if i < len(tokens) and tokens[i].text not in SEPARATORS:
                    clause.note = _note_text(body[tokens[i].start :])
                    return
                continue
            clause.found.append(said)
            if kind == "status":
                if clause.status and clause.status != value:
                    raise _Trouble(
                        Problem.AMBIGUOUS_STATUS, " and ".join(clause.found), _example(ref_text, None)
                    )
                clause.status = value
            else:
                if clause.rag and clause.rag != value:
                    raise _Trouble(Problem.AMBIGUOUS_RAG, " and ".join(clause.found), f"{ref_text} amber")
                clause.rag = value
            continue
        word = token.word
        if word in NEGATIONS or word in HEDGES:
            ahead = _next_change(tokens, i + 1)
            if ahead is not None and ahead[1] in ("status", "rag"):
                end = tokens[ahead[0] + ahead[2] - 1].end
                asked = body[token.start : end]
                kind = Problem.NEGATED if word in NEGATIONS else Problem.HEDGED
                if word == "or":
                    kind, asked = Problem.AMBIGUOUS_STATUS, body[tokens[max(i - 1, 0)].start : end]
                note = asked if kind is Problem.HEDGED else "not finished yet"
                raise _Trouble(kind, asked, f"{ref_text} in progress: {note}")
        if word in FILLERS and not (word in CONNECTORS and clause.found):
            i += 1
            continue
        if _starts_note(clause, note_asked, after_break, token):
            clause.note = _note_text(body[token.start :])
            return
        asked = _unknown_run(body, tokens, i)
        if clause.found:
            example = _example(ref_text, clause, asked)
        else:
            example = f"{ref_text} in progress: {asked}" if len(asked.split()) > 1 else f"{ref_text} done"
        raise _Trouble(Problem.UNKNOWN_WORDS, asked, example)


def _starts_note(clause: _Clause, note_asked: bool, after_break: bool, token: _Token) -> bool:
    if note_asked:
        return True
    return bool(clause.found) and (after_break or token.word in CONNECTORS or token.text == "(")


def _next_change(tokens: list[_Token], start: int) -> tuple[int, str, int] | None:
    """The next status or RAG phrase within three words, skipping fillers: (index, kind, size)."""
    i, looked = start, 0
    while i < len(tokens) and looked < 3:
        found = _match(tokens, i)
        if found:
            return i, found[1], found[0]
        if tokens[i].word not in FILLERS:
            looked += 1
        i += 1
    return None


def _unknown_run(body: str, tokens: list[_Token], i: int) -> str:
    """The words from token i up to the next word it knows (or the end), as written."""
    j = i + 1
    while j < len(tokens) and not _match(tokens, j) and tokens[j].text not in SEPARATORS:
        j += 1
    return body[tokens[i].start : tokens[j - 1].end].strip(" ,;")


def _note_text(text: str) -> str | None:
    note = text.strip(" \n,;:—-")
    if note.startswith("(") and note.endswith(")"):
        note = note[1:-1].strip()
    elif note.endswith(")") and "(" not in note:
        note = note[:-1].strip()
    if not note:
        return None
    return note if len(note) <= MAX_NOTE else note[: MAX_NOTE - 1].rstrip() + "…"


def _read_due(
    clause: _Clause,
    tokens: list[_Token],
    i: int,
    size: int,
    phrase: tuple[str, ...],
    today: date,
    ref_text: str,
) -> int:
    """Read the date after a keyword; return the index after it (negative: no date, a plain word)."""
    body = clause.body
    j = i + size
    while j < len(tokens) and (
        tokens[j].text in (":", "=", "-", "->")
        or tokens[j].word in ("on", "the", "to", "for", "until", "by", "is", "be")
    ):
        j += 1
    words: list[str] = []
    k = j
    while k < len(tokens) and len(words) < 6 and tokens[k].text not in (",", ";", ":", "—", "(", ")", "?"):
        words.append(tokens[k].text)
        k += 1
    found = read_date(words, today) if words else None
    example = f"{ref_text} due {example_date(today)}"
    if found is None:
        due_to = phrase == ("due",) and i + 1 < len(tokens) and tokens[i + 1].word == "to"
        if phrase in WEAK_DATE_KEYWORDS or due_to:
            return -(i + 1)
        asked = body[tokens[i].start : tokens[k - 1].end] if k > i else body[tokens[i].start :]
        raise _Trouble(Problem.BAD_DATE, asked.strip(), example)
    value, used = found
    asked = body[tokens[i].start : tokens[j + used - 1].end]
    if isinstance(value, Problem):
        raise _Trouble(value, asked, example)
    if value < today:
        raise _Trouble(Problem.PAST_DATE, asked, example)
    if value > today + relativedelta(years=MAX_YEARS_AHEAD):
        raise _Trouble(Problem.BAD_DATE, asked, example)
    if clause.due_on and clause.due_on != value:
        raise _Trouble(Problem.BAD_DATE, asked, example)
    clause.due_on = value
    clause.found.append(asked)
    return j + used


# --- the message ---------------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return [t.word for t in _tokens(text) if t.text not in SEPARATORS and t.text not in (",", ";")]


def _is_question(text: str) -> bool:
    if not text.rstrip().endswith("?"):
        return False
    lowered = text.lower().lstrip()
    return not lowered.startswith(REQUEST_OPENERS)


def _undo_words(text: str) -> bool | None:
    """True for `undo` (with fillers), None when it is no undo, False for undo with other words."""
    words = [w.strip(".!,") for w in _words(text)]
    if not any(w in ("undo", "revert", "rollback") for w in words) and words[:2] != ["roll", "back"]:
        return None
    return all(w in UNDO_WORDS or w in UNDO_TAIL or not w for w in words)


def parse_update(
    text: str, *, today: date | datetime, tz: str | ZoneInfo, example_ref: str = "A-12"
) -> ParsedUpdate | ParseProblem:
    """Read a message as explicit changes to actions, or say exactly what was not understood.

    `today` is the board's date (a datetime is taken to the board's zone `tz`); relative dates
    count from it. `example_ref` is used in examples when the message names no action.
    """
    zone = tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)
    if isinstance(today, datetime):
        today = (today if today.tzinfo else today.replace(tzinfo=zone)).astimezone(zone).date()
    if len(text) > MAX_MESSAGE:
        return ParseProblem(Problem.TOO_LONG, example=f"{example_ref} in progress: waiting for data")
    clean = normalise_message(text)
    if not clean.strip(" .!,;:-—"):
        return ParseProblem(Problem.NOTHING, example=f"{example_ref} done")
    if clean.lower().startswith(REQUEST_OPENERS):
        clean = clean.rstrip(" ?")  # "can you mark A-12 done?" asks for a change
    undo = _undo_words(clean)
    if undo is not None:
        if undo:
            return ParsedUpdate(undo=True)
        return ParseProblem(Problem.UNDO_WORDS, clean, example="undo", signal=True)
    lead_in, clauses = _split_clauses(clean)
    first_ref = clauses[0].refs[0] if clauses else None
    ref_text = first_ref.text if first_ref and first_ref.prefix else example_ref
    if _is_question(clean) or _words(clean)[:1] and _words(clean)[0] in QUESTION_WORDS - {"have"}:
        return ParseProblem(
            Problem.QUESTION, clean, first_ref, f"/actions {ref_text}", signal=first_ref is not None
        )
    if not clauses:
        return _thread_clause(clean, today, example_ref)
    lead_words = _words(lead_in)
    if lead_words and not lead_in.rstrip().endswith((":", ",", "—", "-")):
        unknown = [w for w in lead_words if w not in LEAD_IN]
        if unknown:
            words = [w for w in _words(lead_in) if w]
            asked = lead_in.strip(" ,:;")
            kind = Problem.NEGATED if set(words) & NEGATIONS else Problem.UNKNOWN_WORDS
            if kind is Problem.UNKNOWN_WORDS and set(words) & HEDGES:
                kind = Problem.HEDGED
            return ParseProblem(kind, asked, first_ref, f"{ref_text} done", signal=True)
    wanted = []
    for clause in clauses:
        ref = clause.refs[0]
        shown = ref.text if ref.prefix else example_ref
        try:
            _read_clause(clause, today, shown)
        except _Trouble as trouble:
            return ParseProblem(trouble.kind, trouble.asked, ref, trouble.example or f"{shown} done", True)
        if clause.status == "done" and clause.due_on is not None:  # "done by Friday" is a plan
            return ParseProblem(
                Problem.HEDGED, clause.body.strip(), ref, f"{shown} due {example_date(today)}", True
            )
        if not (clause.found or clause.note):
            return ParseProblem(
                Problem.NO_CHANGE,
                clause.body.strip(" ,;:"),
                ref,
                f"{shown} in progress: waiting for data",
                True,
            )
        wanted.append(Wanted(tuple(clause.refs), clause.status, clause.due_on, clause.rag, clause.note))
    return ParsedUpdate(tuple(wanted))


def _thread_clause(clean: str, today: date, example_ref: str) -> ParsedUpdate | ParseProblem:
    """A message naming no action: changes for the action the thread is about, or small talk."""
    clause = _Clause([], clean)
    try:
        _read_clause(clause, today, example_ref)
    except _Trouble as trouble:
        if trouble.kind is Problem.UNKNOWN_WORDS and not clause.found:
            return ParseProblem(Problem.NOTHING, clean, example=f"{example_ref} done")
        return ParseProblem(trouble.kind, trouble.asked, None, trouble.example, signal=True)
    if not (clause.found or clause.note):
        return ParseProblem(Problem.NOTHING, clean, example=f"{example_ref} done")
    if clause.status == "done" and clause.due_on is not None:  # "done by Friday" is a plan
        return ParseProblem(Problem.HEDGED, clean, None, f"due {example_date(today)}", signal=True)
    return ParsedUpdate((Wanted((), clause.status, clause.due_on, clause.rag, clause.note),))
