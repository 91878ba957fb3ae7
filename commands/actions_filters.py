"""What the words after `/actions BOARD` ask for: a status, whose, which meeting, words to find."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot import actions as a
from bot import models as m

MAX_WORDS = 12  # more words than a search or a name has are not one
MENTION_RE = re.compile(r"<@([UW][A-Z0-9]{2,20})(?:\|[^>]*)?>")
SCOPE_WORDS = {
    "open": a.Scope.OPEN,
    "outstanding": a.Scope.OPEN,
    "overdue": a.Scope.OVERDUE,
    "late": a.Scope.OVERDUE,
    "done": a.Scope.DONE,
    "completed": a.Scope.DONE,
    "complete": a.Scope.DONE,
    "cancelled": a.Scope.CANCELLED,
    "canceled": a.Scope.CANCELLED,
    "all": a.Scope.ALL,
    "every": a.Scope.ALL,
}
STATUS_WORDS = {
    "blocked": m.ActionStatus.BLOCKED.value,
    "in_progress": m.ActionStatus.IN_PROGRESS.value,
    "inprogress": m.ActionStatus.IN_PROGRESS.value,
}
IN_PROGRESS_RE = re.compile(r"\bin[\s_-]+progress\b", re.IGNORECASE)
MINE_WORDS = {"mine", "my", "me"}
MEETING_WORDS = frozenset({"at", "the", "of", "meeting", "meetings"})  # "raised at the meeting of 8 June"
FILLER_WORDS = {"actions", "action", "by", "led", "history", "show", "list"}
# "from last", "from the meeting of 8 June 2023", "raised at the last meeting", "from 2023-06-08"
MEETING_RE = re.compile(
    r"\b(?:from|raised\s+(?:at|on))\s+(?:the\s+)?(?:(?:board\s+)?meeting\s+)?(?:(?:of|on)\s+)?"
    r"(?P<when>last|previous|latest|next"
    r"|\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}(?:/\d{2,4})?"
    r"|\d{1,2}(?:st|nd|rd|th)?\s+[a-z]{3,9}\.?(?:,?\s+\d{4})?"
    r"|[a-z]{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?(?:,?\s+\d{4})?)"
    r"(?:\s+(?:board\s+)?meeting)?(?=\s|$)",
    re.IGNORECASE,
)
# after "from", words that mean a meeting was meant ("from 31 June"), not words to find ("from schools")
DATE_LIKE_RE = re.compile(
    r"^from$|\d|\b(?:meeting|today|tomorrow|yesterday|week|month|year|jan(?:uary)?|feb(?:ruary)?"
    r"|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t|tember)?|oct(?:ober)?|nov(?:ember)?"
    r"|dec(?:ember)?)\b",
    re.IGNORECASE,
)
FROM_RE = re.compile(r"\b(?:from|raised\s+(?:at|on))\b\s*(?P<rest>.*)", re.IGNORECASE)
STATUS_NAMES = {m.ActionStatus.BLOCKED.value: "blocked", m.ActionStatus.IN_PROGRESS.value: "in progress"}


@dataclass(frozen=True)
class Filters:
    """What the words after the board ask for."""

    scope: a.Scope = a.Scope.OPEN
    scope_said: bool = False  # the asker named the scope (else a search or a meeting shows all)
    status: str | None = None  # in_progress or blocked: one of the open statuses
    mine: bool = False
    mention: str | None = None  # a Slack user id
    name: str = ""  # `@name`: a lead, linked or as written
    words: str = ""  # other words: a lead's name, else words to find in the actions
    meeting: str = ""  # "last", "next" or a date as typed
    ref: a.Ref | None = None
    unclear: str = ""  # the words, when they make no sense together
    bad_meeting: str = ""  # the words after "from", when they name no meeting

    @property
    def whose(self) -> bool:
        return self.mine or bool(self.mention or self.name)

    def again(self, *, lead_key: str | None = None) -> str:
        """The filters as words for `/actions BOARD …`, for "and N more" and examples."""
        said = [self.scope.value] if self.scope_said else []
        status = [STATUS_NAMES[self.status]] if self.status else []
        who = ["mine"] if self.mine else [f"@{lead_key}"] if lead_key else [self.name] if self.name else []
        meeting = [f"from {self.meeting}"] if self.meeting else []
        return " ".join([*said, *status, *who, *meeting, *([self.words] if self.words else [])])


def is_filter_word(word: str) -> bool:
    """Words that are /actions' own, never the start of a board's name."""
    lowered = word.lower()
    return (
        lowered in SCOPE_WORDS
        or lowered in STATUS_WORDS
        or lowered in MINE_WORDS
        or lowered in FILLER_WORDS
        or lowered in ("from", "raised")
        or word.startswith(("@", "<@"))
        or a.parse_ref(word) is not None
    )


def parse_filters(words: list[str]) -> Filters:
    """Read `overdue`, `blocked`, `in progress`, `mine`, `<@U123>`, `@josh`, `from last`, `A-12`,
    words to search for, and combinations such as `mine overdue` or `blocked from 8 June`."""
    text = " ".join(words)
    meeting = ""
    if found := MEETING_RE.search(text):
        meeting = " ".join(found.group("when").split())
        text = text[: found.start()] + " " + text[found.end() :]
    elif (found := FROM_RE.search(text)) and DATE_LIKE_RE.search(found.group("rest") or "from"):
        return Filters(bad_meeting=a.shorten(found.group("rest"), 80) or "nothing")
    mentions = MENTION_RE.findall(text)
    text = IN_PROGRESS_RE.sub(" in_progress ", MENTION_RE.sub(" ", text))
    rest = [w for w in text.split() if w.lower() not in FILLER_WORDS]
    if len(rest) == 1 and not mentions and not meeting and (ref := a.parse_ref(rest[0])):
        return Filters(ref=ref)
    scopes: set[a.Scope] = set()
    statuses: set[str] = set()
    mine = False
    names: list[str] = []
    others: list[str] = []
    for word in rest:
        bare = word.lower().strip(".,;:!?")
        if bare in SCOPE_WORDS:
            scopes.add(SCOPE_WORDS[bare])
        elif bare in STATUS_WORDS:
            statuses.add(STATUS_WORDS[bare])
        elif bare in MINE_WORDS:
            mine = True
        elif word.startswith("@") or (names and len(names) < MAX_WORDS and not others):
            names.append(word)  # `@K Hayer`: a name goes on past its first word
        else:
            others.append(word)
    whose = int(mine) + len(mentions) + int(bool(names))
    scope = next(iter(scopes), a.Scope.OPEN)
    if (
        len(scopes) > 1
        or len(statuses) > 1
        or (statuses and scope in (a.Scope.DONE, a.Scope.CANCELLED))
        or whose > 1
        or len(names) > MAX_WORDS
        or len(others) > MAX_WORDS
    ):
        return Filters(unclear=" ".join(words))
    return Filters(
        scope=scope,
        scope_said=bool(scopes),
        status=next(iter(statuses), None),
        mine=mine,
        mention=mentions[0] if mentions else None,
        name=" ".join(names),
        words=" ".join(others),
        meeting=meeting,
    )
