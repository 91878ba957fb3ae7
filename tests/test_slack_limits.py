"""Every reply, form and reminder fits Block Kit for any data: the walkthrough's H3 cases replayed, and
a property test that loads generated boards (huge, non-ASCII, emoji, RTL and hostile values) through
the real loader and asks every command of them as members would."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import count
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select
from sqlalchemy import inspect as sa_inspect

from bot import blockkit
from bot import models as m
from bot.app import COMMANDS
from bot.boarddata import load_files
from bot.boarddata.schema import KIND_BY_NAME
from bot.db import make_engine, make_sessions
from bot.render import plain
from bot.reply import Reply
from commands import record, update
from commands.update import ButtonRequest, MessageRequest
from reminders.digest import compose, group
from reminders.run import plan_reminders
from tests.helpers import SEPT_2023, ask, text_of
from tests.slack_limits import assert_fits_slack

RUN = {c.name: c.run for c in COMMANDS}
TEAM = "local"
SECRETARY = "UP0"  # p0, the board secretary: may update and record actions
_ts = count(1)


# --- Boards built from a palette of texts ------------------------------------------------------------


@dataclass
class Shape:
    """How big a generated board is, and the texts its free-text fields are drawn from."""

    palette: list[str]
    huge: str = ""  # the first few items, actions and KPIs carry this one
    items: int = 15
    actions: int = 20
    kpis: int = 6
    areas: int = 3
    periods: int = 2
    past_items: int = 3
    extra: dict[str, Any] = field(default_factory=dict)  # per-field overrides: {"venue": "…"}

    def text(self, n: int, name: str = "") -> str:
        if name in self.extra:
            return self.extra[name]
        if self.huge and n < 3:
            return self.huge
        return self.palette[n % len(self.palette)]


def board_data(shape: Shape) -> dict[str, Any]:
    """A workspace of one board, `big`, in the data format: every free text from the shape's palette."""
    t = shape.text
    people = [
        {
            "key": f"p{i}",
            "name": t(i + 7, "person"),
            "role_title": t(i + 1),
            "organisation": "org",
            "email": f"p{i}@example.org",
            "slack_user_id": f"UP{i}",
        }
        for i in range(6)
    ]
    roles = ["secretary", "chair", "co-chair", "member", "member", "vice-chair"]
    next_day, last_day = date(2023, 9, 14), date(2023, 6, 8)
    meetings = [
        {
            "key": "big-2023-09-14",
            "board": "big",
            "date": next_day,
            "start_time": "18:30",
            "status": "confirmed",
            "venue": t(0, "venue"),
            "host": "org",
            "papers_url": "https://example.org/papers?a=1&b=<2>",
            "notes": t(2),
            "source": {"doc": "pack", "line": 1},
        },
        {"key": "big-2023-06-08", "board": "big", "date": last_day, "status": "confirmed", "venue": t(4)},
        {"key": "big-2023-10-12", "board": "big", "date": date(2023, 10, 12), "status": "cancelled"},
        {"key": "big-2023-11-23", "board": "big", "date": date(2023, 11, 23), "status": "provisional"},
    ]
    items = [
        {
            "meeting": "big-2023-09-14",
            "number": str(n + 1),
            "title": t(n, "title"),
            "purpose": t(n + 1, "purpose"),
            "pages": f"{n} - {n + 2}",
            "presenter": t(n + 2, "presenter"),
            "report_author": t(n + 3),
            "report_author_person": f"p{n % 6}",
            "paper_status": ["awaited", "submitted", "published", "withdrawn"][n % 4],
            "restricted": n % 7 == 6,
            "source": {"doc": "pack", "line": n + 2},
        }
        for n in range(shape.items)
    ] + [
        {"meeting": "big-2023-06-08", "number": str(n + 1), "title": t(n), "outcome": t(n + 1, "outcome")}
        for n in range(shape.past_items)
    ]
    dues = [date(2023, 7, 1), date(2023, 8, 15), date(2023, 8, 31), date(2023, 9, 8), None]
    actions = []
    for n in range(shape.actions):
        action: dict[str, Any] = {
            "board": "big",
            "ref": f"A-{n + 1}",
            "meeting": "big-2023-06-08",
            "description": t(n, "description"),
            "status": ["open", "in_progress", "blocked", "open", "done", "cancelled"][n % 6],
            "progress": t(n + 1, "progress"),
            "source": {"doc": "pack", "line": 100 + n},
        }
        if shape.past_items:
            action["agenda_item"] = "1"
        if n % 3 == 2:
            action["lead_text"] = t(n + 2, "lead")
        else:
            action["lead"] = f"p{n % 6}"
        if dues[n % 5]:
            action["due_on"] = dues[n % 5]
        else:
            action["timescale"] = t(n + 3, "timescale")
        if n % 4 == 1:
            action["rag"] = ["red", "amber", "green"][n % 3]
        actions.append(action)
    history = [
        {
            "board": "big",
            "action": "A-1",
            "seq": s + 1,
            "at": datetime(2023, 7, 1 + s, 9, 0, tzinfo=UTC),
            "field": "progress",
            "old": t(s),
            "new": t(s + 1),
            "by": "p0",
            "note": t(s + 2, "note"),
            "via": "import",
        }
        for s in range(min(shape.actions, 1) * 12)
    ]
    kpis = [
        {
            "key": f"k{n}",
            "board": "big",
            "name": t(n, "kpi"),
            "unit": t(n + 1, "unit"),
            "better": ["higher", "lower", "neither"][n % 3],
            "theme": t(n % 4 + 3, "theme"),
            "scope": "borough",
            "aliases": [t(n + 2), f"alias{n}"],
            "description": t(n + 3),
            "source": {"doc": "pack", "line": 200 + n},
        }
        for n in range(shape.kpis)
    ]
    values = [
        {
            "kpi": f"k{n}",
            "area": f"#{a} {t(a + n, 'area')}",
            "period": f"20{10 + p}/{11 + p}" if p % 2 == 0 else f"{p}: {t(p)}",
            **({"period_end": date(2010 + p, 3, 31)} if p % 2 == 0 else {}),
            "value": 10.5 * (a + 1) + p,
            "previous": 9 + p,
            "previous_period": t(a + 1),
            "london": 11,
            "england": 12.25,
            "target": 10,
            "rag": ["red", "amber", "green"][(a + p) % 3],
            "note": t(a + p + 2, "kpi_note"),
            "source": {"doc": "pack", "line": 300 + n},
        }
        for n in range(shape.kpis)
        for a in range(shape.areas)
        for p in range(shape.periods)
    ]
    return {
        "boardbot": 1,
        "documents": [{"key": "pack", "title": t(5, "document"), "url": "https://example.org/pack?x=1&y=2"}],
        "organisations": [{"key": "org", "name": t(6, "organisation")}],
        "people": people,
        "boards": [
            {
                "key": "big",
                "name": t(0, "board"),
                "short_name": t(1, "short_name"),
                "slack_channel": "CBIG",
                "secretary": "p0",
            }
        ],
        "memberships": [{"board": "big", "person": f"p{i}", "role": role} for i, role in enumerate(roles)],
        "meetings": meetings,
        "agenda_items": items,
        "actions": actions,
        "action_updates": history,
        "kpis": kpis,
        "kpi_values": values,
    }


def within_columns(data: dict[str, Any]) -> dict[str, Any]:
    """Each text cut to what its column holds (the loader refuses longer: names 300, units 100 …)."""
    for name, records in data.items():
        kind = KIND_BY_NAME.get(name)
        if kind is None:
            continue
        columns = sa_inspect(kind.model).local_table.columns
        for row in records:
            for key, value in row.items():
                spec = kind.by_name.get(key)
                if isinstance(value, str) and spec is not None and spec.attribute in columns:
                    limit = getattr(columns[spec.attribute].type, "length", None)
                    row[key] = value[:limit].strip() or "x" if limit else value
    return data


def load_board(engine: Engine, shape: Shape, folder: Path) -> None:
    path = folder / f"board{next(_ts)}.yaml"
    data = within_columns(board_data(shape))
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with make_sessions(engine).begin() as session:
        result = load_files(session, [path], now=SEPT_2023)
        assert result.ok, "\n".join(str(p) for p in result.problems)


# --- Asking everything ---------------------------------------------------------------------------------


def slash(engine: Engine, text: str, *, user: str = "UP3", page: int = 1) -> Reply:
    command, _, words = text.lstrip("/").partition(" ")
    reply = ask(engine, RUN[command], command, words, user_id=user, page=page)
    assert_fits_slack(reply, f"{text} (page {page})")
    return reply


def message(engine: Engine, text: str, user: str = SECRETARY) -> Reply | None:
    request = MessageRequest(TEAM, user, "DSEC", f"1693555200.{next(_ts):06d}", text, SEPT_2023, True)
    with make_sessions(engine).begin() as session:
        reply = update.run(request, session, update.NoLookups())
    if reply is not None:
        assert_fits_slack(reply, text[:80])
    return reply


def reminders_on(engine: Engine, day: date) -> int:
    """Every reminder message due on `day`, to people on Slack and not: each checked; how many."""
    now = datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=9)
    sessions = make_sessions(engine)
    with sessions() as session:
        plan = plan_reminders(session, now, day=day, keep_unreachable=True)
        messages = plan.messages + group(plan.unreachable)
        for found in messages:
            blocks, text = compose(found)
            assert_fits_slack(
                {"blocks": blocks, "text": text}, f"reminders on {day} to {found.recipient.key}"
            )
        session.rollback()
    return len(messages)


def action_ids(engine: Engine) -> list[int]:
    with make_sessions(engine)() as session:
        return list(session.scalars(select(m.Action.id).order_by(m.Action.id).limit(3)))


def ask_everything(engine: Engine, shape: Shape, query: str) -> None:
    """Every command a member, a chair and the secretary would use, and every reminder: all checked."""
    lists = (
        "/nextmeeting big",
        "/agenda big next",
        "/agenda big last",
        "/kpi big",
        "/kpi big alias",
        "/actions big",
    )
    for text in lists:
        for page in (1, 2):
            slash(engine, text, page=page)
    for text in (
        f"/kpi big {query}",
        "/kpi big alias1",
        "/kpi big k0",
        "/kpi big k0 chart",
        "/actions big overdue",
        "/actions big done",
        "/actions big A-1",
        "/actions big @p1",
        f"/actions big {query}",
        f"/agenda big {query}",
        f"/nextmeeting {query}",
        "/boardbot help",
        "/boardbot settings daily",
    ):
        slash(engine, text)
    slash(engine, "/actions big A-1", page=2)
    slash(engine, "/actions big mine", user="UP1")
    slash(engine, "/boardbot paper submitted big 1", user=SECRETARY)
    opened = slash(engine, "/boardbot action add", user=SECRETARY)
    assert opened.extra.get("view") is not None
    with make_sessions(engine).begin() as session:
        for action_id in action_ids(engine):
            for form in ("date", "note"):
                view = update.form_view(session, TEAM, action_id, form, json.dumps({"a": action_id}))
                assert view is not None
                assert_fits_slack(view, f"{form} form")
            pressed = update.press(
                ButtonRequest(
                    TEAM, SECRETARY, action_id, {"status": m.ActionStatus.DONE}, f"b{next(_ts)}", SEPT_2023
                ),
                session,
            )
            assert pressed is not None
            assert_fits_slack(pressed, "Done button")
        board_id = session.scalar(select(m.Board.id))
        form = record.Submission(
            TEAM,
            SECRETARY,
            f"V{next(_ts)}",
            {
                "board": {"selected_option": {"value": str(board_id)}},
                "description": {"value": shape.text(0, "description")[:3000]},
                "timescale": {"value": shape.text(1)[:200]},
            },
            SEPT_2023,
        )
        try:
            recorded = record.submit(session, form)
        except record.Invalid:
            recorded = None  # Slack shows the form's errors beside its fields
        if recorded is not None:
            assert_fits_slack(recorded, "recorded action")
    refs = ", ".join(f"A-{n + 1}" for n in range(min(shape.actions, 25)))
    if refs:
        message(engine, f"{refs} in progress: {query[:200]}")
        message(engine, "undo")
    for day in (date(2023, 9, 1), date(2023, 9, 7), date(2023, 9, 13)):
        reminders_on(engine, day)


# --- Clipping after escaping ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "limit", "clipped"),
    [
        ("Ward &amp; Board meets", 11, "Ward…"),  # not inside &amp;
        ("x" * 8 + "&amp;", 11, "x" * 8 + "…"),
        ("see <https://example.org/a|the papers> now", 20, "see…"),  # not inside a link
        ("ask <@U123ABC> about it", 12, "ask…"),  # nor a mention
        ("run `/agenda hwb next` today", 20, "run…"),  # nor a code span
        ("*Health and Wellbeing Board*", 24, "*Health and Wellbeing…*"),  # bold closed again
        ("_for decision by the board_", 16, "_for decision…_"),
        ("😀" * 10, 7, "😀😀😀…"),  # an emoji counts twice, as Slack counts
        ("family 👨‍👩‍👧 here", 12, "family…"),  # a joined emoji stays whole
        ("short enough", 12, "short enough"),
    ],
)
def test_text_is_clipped_at_a_safe_boundary(text, limit, clipped):
    assert blockkit.clip(text, limit) == clipped
    assert blockkit.slack_len(clipped) <= limit


def test_a_long_section_cuts_its_long_lines_and_keeps_its_short_ones():
    text = "*1.* " + "Title " * 2000 + "\n_" + "purpose " * 2000 + "_\nPresenter: Ann Lead"
    fitted = blockkit.fit_text(text, 3000)
    lines = fitted.split("\n")
    assert len(fitted) <= 3000 and lines[2] == "Presenter: Ann Lead"
    assert lines[0].endswith("Title…") and lines[1].endswith("purpose…_")


def test_a_long_list_keeps_its_first_lines_and_counts_the_rest():
    text = "\n".join(f"• line {n} of the list" for n in range(500))
    fitted = blockkit.fit_text(text, 3000)
    assert len(fitted) <= 3000 and fitted.startswith("• line 0 of")
    kept = fitted.count("• line")
    assert fitted.endswith(f"…and {500 - kept} more")


def test_a_message_past_50_blocks_keeps_its_first_items_and_its_footer():
    items = [
        {"type": "section", "text": {"type": "mrkdwn", "text": f"*{n}.* Item {n}\nmore"}}
        for n in range(1, 61)
    ]
    footer = {"type": "context", "elements": [{"type": "mrkdwn", "text": "Full agenda: `/agenda hwb next`"}]}
    blocks = blockkit.fit_blocks([*items, footer])
    assert_fits_slack(blocks)
    assert len(blocks) == 50 and blocks[-1] == footer and blocks[-2] == items[-1]
    note = blocks[-3]["text"]["text"]
    assert (
        note.startswith("…and 12 more not shown here")
        and "• *48.* Item 48" in note
        and "• *59.* Item 59" in note
        and "Item 47" not in note
    )


# --- The walkthrough's H3 cases ----------------------------------------------------------------------


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path


def shown(reply: Reply) -> str:
    """Every text of every block, as a person reads it (the fallback text stops at 3,000)."""
    texts = []
    for block in reply.blocks:
        for obj in [block.get("text"), *block.get("fields", []), *block.get("elements", [])]:
            if isinstance(obj, dict) and isinstance(obj.get("text"), str):
                texts.append(obj["text"])
    return plain("\n".join(texts)).replace("*", "")


def test_an_update_of_twenty_five_actions_and_its_undo_fit_one_message(fresh_db, folder):
    """H3: a secretary closing 20 actions at once got no confirmation (61 blocks); 25 gave 76."""
    load_board(fresh_db, Shape(["Close the loop"], items=3, actions=25), folder)
    for count_ in (17, 20, 25):
        refs = ", ".join(f"A-{n + 1}" for n in range(count_))
        done = message(fresh_db, f"{refs} done")
        assert done is not None and len(done.blocks) <= 50
        said = shown(done)
        assert all(f"A-{n + 1} (" in said for n in range(count_))  # each in full, or named in "…and N more"
        assert "Say `undo` in this thread" in said
        undone = message(fresh_db, "undo")
        assert undone is not None and len(undone.blocks) <= 50
        said = text_of(undone)  # issue 15: one compact line per action, under one heading
        assert said.startswith("Undone ") and "\nA-1 (Close the loop): status Done → Open" in said


def test_next_meeting_with_49_items_fits_and_points_to_the_full_agenda(fresh_db, folder):
    """H3: `/nextmeeting big` with a planning committee's 49 items gave 54 blocks."""
    load_board(fresh_db, Shape([f"Planning application {n}" for n in range(49)], items=49), folder)
    reply = slash(fresh_db, "/nextmeeting big")
    said = shown(reply)
    assert len(reply.blocks) <= 50 and "1. Planning application" in said
    assert "… and 39 more items: `/agenda big 2023-09-14`" in said  # a command that shows them


@pytest.mark.parametrize(
    "query",
    ["children " + "😀" * 480, "“looked after children” " + "’" * 400, "\x01" * 10 + " children"],
    ids=["emoji", "curly-quotes", "control-characters"],
)
def test_page_buttons_carry_any_question_within_2000_characters(demo_db, query):
    """H3: `/kpi hwb 😀×490` gave a Next button of 5,936 characters, curly quotes 2,490."""
    reply = slash(demo_db, f"/kpi hwb {query}")
    buttons = [e for b in reply.blocks if b.get("block_id") == "pager" for e in b["elements"]]
    assert buttons  # the answer runs to several pages
    for button in buttons:
        assert json.loads(button["value"])["t"] == " ".join(f"hwb {query}".split())  # the same question


def test_a_question_too_long_for_a_button_says_so_instead_of_paging_another(demo_db):
    """Control characters escape six-fold in JSON: past 2,000 the button is left out, with a note,
    rather than a button that pages through the answer to a cut-down question."""
    reply = slash(demo_db, "/kpi hwb children " + "\x01" * 400)
    assert "Page 1 of" in shown(reply) and "too long to carry to another page" in shown(reply)
    assert not [b for b in reply.blocks if b.get("block_id") == "pager"]


HUGE = "Ward & <!channel> <@U1> *budget* `code` " * 350  # 14,000 characters: the stress board


def test_huge_agenda_venue_chairs_and_actions_are_clipped_after_escaping(fresh_db, folder):
    """H3: stress-board sections of 14,553-16,426 characters, fields of 3,661 and 2,660, and action
    text clipped before escaping that grew past 3,000."""
    shape = Shape([HUGE], items=4, actions=2, extra={"description": "R&D " * 700, "progress": "&" * 2600})
    load_board(fresh_db, shape, folder)
    for text in ("/nextmeeting big", "/agenda big next", "/actions big"):
        slash(fresh_db, text)  # within every limit, escaped, cut cleanly
    one = slash(fresh_db, "/actions big A-1")
    description, progress = (b["text"]["text"] for b in one.blocks if b["type"] == "section" and "text" in b
                             and ("R&amp;D" in b["text"]["text"] or "*Progress*" in b["text"]["text"]))  # fmt: skip
    assert description.endswith("R&amp;D…") and len(description) <= 3000
    assert progress.endswith("&amp;…") and len(progress) <= 3000


# --- The property ------------------------------------------------------------------------------------

HOSTILE = [
    "<!channel>", "<!here|here>", "&", "&amp;", "<@U1>", "<#C1>", "*", "_", "~", "`", "```", ">", "<",
    "<https://evil.example|click me>", "\u202eevil RTL override", "مجلس الصحة والرفاهية", "ועדת בריאות",
    "😀", "👨‍👩‍👧‍👦", "🇬🇧", "e\u0301", "\\", '"', "}", "]", ",]", "{{ x }}", "{% if %}", "%s", "\t", "\n",
    "Health & Wellbeing Board", "next", "last", "A-1", "share", "Ward",
]  # fmt: skip
WORDS = st.sampled_from(HOSTILE)
CHARS = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r\x85\u2028\u2029")
TEXTS = st.one_of(
    WORDS,
    st.text(CHARS, min_size=1, max_size=40),
    st.builds(
        lambda parts, n: " ".join(parts) * n, st.lists(WORDS, min_size=1, max_size=4), st.integers(2, 400)
    ),
).filter(lambda s: bool(s.strip()))


@st.composite
def shapes(draw: Callable) -> Shape:
    palette = draw(st.lists(TEXTS, min_size=2, max_size=6))
    huge_word = draw(st.sampled_from(["😀", "&", "<!channel> ", "`x` ", "Ward & Board ", "مرحبا "]))
    return Shape(
        palette,
        huge=(huge_word * (10_000 // len(huge_word)))[:10_000],
        items=draw(st.sampled_from([0, 1, 16, 49, 200])),
        actions=draw(st.sampled_from([0, 3, 25, 100])),
        kpis=draw(st.sampled_from([0, 2, 12, 40])),
        areas=draw(st.integers(1, 12)),
        periods=draw(st.integers(1, 3)),
        past_items=draw(st.sampled_from([0, 2])),
    )


@pytest.fixture(scope="module")
def schema_sqlite(tmp_path_factory) -> Iterator[Path]:
    from bot.db import upgrade

    path = tmp_path_factory.mktemp("limits") / "schema.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    yield path


@settings(
    max_examples=15,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # shrinking boards of megabytes takes minutes
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(shape=shapes(), query=TEXTS)
def test_every_reply_form_and_reminder_fits_slack_for_any_board(
    schema_sqlite, tmp_path_factory, shape, query
):
    """Generated boards, loaded through the real loader (SQLite: 15 boards stay within a
    minute), asked everything: every reply, page, form and reminder passes assert_fits_slack."""
    folder = tmp_path_factory.mktemp("board")
    database = folder / "board.db"
    database.write_bytes(schema_sqlite.read_bytes())
    engine = make_engine(f"sqlite:///{database}")
    try:
        load_board(engine, shape, folder)
        ask_everything(engine, shape, query)
    finally:
        engine.dispose()
