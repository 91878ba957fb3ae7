"""/kpi on the demo boards: headlines, forgiving search, histories with sources, and bad input."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from bot import models as m
from bot.db import make_sessions
from bot.kpis.figures import measure
from bot.kpis.info import KpiInfo
from bot.kpis.reading import RECENT_DATED, RECENT_UNDATED, board_kpis, recent_values
from bot.kpis.search import Probe, Query, rank, words_of
from commands import kpi
from tests.helpers import ask, text_of

HWB_KPIS = 125  # KPIs of the Health & Wellbeing Board in data/demo/
HWB_THEMES = 19


def kpi_text(engine, text: str = "", **kwargs) -> str:
    return text_of(ask(engine, kpi.run, "kpi", text, **kwargs))


def every_page(engine, text: str) -> list:
    """The replies for every page of a question, following the page count the first reply gives."""
    first = ask(engine, kpi.run, "kpi", text)
    replies = [first]
    pager = [b for b in first.blocks if b.get("block_id") == "pager"]
    if pager:
        count = int(text_of(first).split("Page 1 of ")[1].split(" ")[0])
        replies += [ask(engine, kpi.run, "kpi", text, page=n) for n in range(2, count + 1)]
    return replies


def assert_within_slack_limits(reply) -> None:
    assert len(reply.blocks) <= 50
    for block in reply.blocks:
        if "text" in block:
            assert len(block["text"]["text"]) <= 3000
        assert len(block.get("fields", [])) <= 10


def add_value(engine, kpi_key: str, doc_key: str, **fields) -> None:
    with make_sessions(engine).begin() as session:
        kpi_id = session.scalar(select(m.Kpi.id).where(m.Kpi.key == kpi_key))
        doc_id = session.scalar(select(m.Document.id).where(m.Document.key == doc_key))
        session.add(m.KpiValue(kpi_id=kpi_id, source_document_id=doc_id, **fields))


def ranked_keys(engine, board_key: str, words: str) -> list[str]:
    with make_sessions(engine).begin() as session:
        board = session.scalar(select(m.Board).where(m.Board.key == board_key))
        matches, _ = rank(board_kpis(session, board).kpis, Query.parse(words))
        return [match.kpi.key for match in matches]


# --- search ---------------------------------------------------------------------------------------


def test_reoffending_lists_both_kpis_compactly_with_each_boroughs_latest(demo_db):
    reply = ask(demo_db, kpi.run, "kpi", "hwb reoffending")
    text = text_of(reply)
    assert text.startswith("Health & Wellbeing Board: 2 KPIs matching “reoffending”, best first.")
    assert text.index("1. Reoffending - binary rate") < text.index(
        "2. Reoffending - frequency rate per reoffender"
    )
    assert (
        "• Westminster: 37.5% (July 2020 to July 2021) · ↓ improving from 42.4%"
        " · █▁ 2 years, previous–July 2020 to July 2021 · London 33.1%\n"
    ) in text
    buttons = [b for b in reply.blocks if b.get("block_id") == "kpi_details"][0]["elements"]
    assert [json.loads(b["value"])["t"] for b in buttons] == [
        "hwb yj-reoffending-rate",
        "hwb yj-reoffending-frequency",
    ]
    assert {b["action_id"] for b in buttons} == {"page_open_1", "page_open_2"}


def test_a_kpis_key_shows_its_history_per_borough_each_labelled(demo_db):
    reply = ask(demo_db, kpi.run, "kpi", "hwb yj-reoffending-rate")
    text = text_of(reply)
    assert "Unit: % · lower is better · theme: Youth justice" in text
    westminster = (
        "Westminster · ↓ improving from 42.4%\n"
        "█▁ 2 years, previous–July 2020 to July 2021\n"  # the source's previous, then the value
        "• July 2020 to July 2021: 37.5% · London 33.1% · England 31.1% · previous 42.4%\n"
    )
    # the live tracker is never compared: the direction is the final cohort's, against its own previous
    kensington = (
        "Kensington and Chelsea · April 2020 to March 2021: ↓ improving from 34.4% (previous cohort)\n"
        "█▁ 2 years, previous cohort–April 2020 to March 2021, live-tracker figure left out\n"
        "• April 2020 to March 2021: 25.8% · London 33.2% · England 31.2% · previous 34.4% (previous cohort)"
        "\n"
    )
    assert westminster in text and kensington in text
    assert "• Apr22-Mar23 cohort (live tracker), not final: 16.7%\n" in text  # oldest first within an area
    assert "Source: Health & Wellbeing Board, Thursday 5th October 2023 - Public Document Pack" in text
    area_blocks = [
        b["text"]["text"] for b in reply.blocks if b.get("text", {}).get("text", "").startswith("*")
    ]
    assert any(t.startswith("*Westminster*") for t in area_blocks)
    assert any(t.startswith("*Kensington and Chelsea*") for t in area_blocks)
    assert "RAG" not in text and "target" not in text  # not recorded in the demo: never invented
    assert "Only the latest values are shown" not in text  # the whole history fits


def test_first_time_entrants_rate_shows_both_documents_same_measure_together(demo_db):
    text = kpi_text(demo_db, "hwb first time entrants rate")
    assert "First time entrants to the youth justice system (rate)" in text
    assert "• annual period to September 2022: 196 per 100,000 · London 169 · England 148" in text
    assert "• annual period to December 2022: 132 per 100,000 · London 166 · England 149\n" in text
    # two self-assessments report the same KPI: each figure says which document it comes from
    assert "• September 2022: 196 per 100,000 · London 169 · England 148 · previous 148 · source 1\n" in text
    assert "`cssa-fte-rate` · the same measure, from another document" in text
    assert (
        "Sources: 1. Annual Self Assessment, April 2022/March 2023; 2. Creating a Fairer Westminster" in text
    )


def test_a_kpi_found_shows_its_description(demo_db):
    text = kpi_text(demo_db, "hwb cssa-section-7-count")
    assert "Unit: count · which way is better: not recorded · theme: Child protection\n" in text
    assert 'The RBKC self-assessment writes "completed section 7s".' in text
    assert "The RBKC self-assessment" not in "\n".join(text_of(r) for r in every_page(demo_db, "hwb"))


@pytest.mark.parametrize(
    ("board", "words", "expected_first"),
    [
        ("hwb", "reoffending", ["yj-reoffending-rate"]),
        ("hwb", "re-offending", ["yj-reoffending-rate"]),
        ("hwb", "REOFFENDING!", ["yj-reoffending-rate"]),
        ("hwb", "binary reoffending rate", ["yj-reoffending-rate"]),
        ("hwb", "first time entrants", ["cssa-fte-rate", "yj-fte-rate"]),
        ("hwb", "first-time entrant", ["cssa-fte-rate", "yj-fte-rate"]),
        ("hwb", "the first time entrants, please", ["cssa-fte-rate", "yj-fte-rate"]),
        ("hwb", "FTE", ["cssa-fte-rate", "yj-fte-rate"]),
        ("hwb", "LAC", ["cssa-lac-count", "cyp-lac-count"]),
        ("hwb", "lac", ["cssa-lac-count", "cyp-lac-count"]),
        ("hwb", "looked after children", ["cssa-lac-count", "cyp-lac-count"]),
        ("hwb", "children looked after", ["cssa-lac-count", "cyp-lac-count"]),
        ("hwb", "Looked-After Children", ["cssa-lac-count", "cyp-lac-count"]),
        ("hwb", "NEET", ["yj-neet-16-19", "cyp-neet-not-known-16-17-pct"]),
        ("hwb", "UASC", ["cssa-lac-uasc-count"]),
        ("hwb", "yj-custody-rate", ["yj-custody-rate"]),
        ("hwb", "tooth decay", ["cyp-5yo-decayed-teeth-pct"]),
        ("hwb", "knife", ["yj-knife-offences-count"]),
        ("fps", "LAC", ["fps-lac-count"]),
        ("fps", "looked after children", ["fps-lac-count"]),
        ("fps", "reoffending", ["fps-yj-reoffending-rate"]),
        ("fps", "first time entrants", ["fps-yj-first-time-entrants"]),
    ],
)
def test_matching_forgives_case_hyphens_plurals_and_word_order(demo_db, board, words, expected_first):
    found = ranked_keys(demo_db, board, words)
    assert sorted(found[: len(expected_first)]) == sorted(expected_first), found[:5]


def kpi_info(key: str, name: str, aliases: tuple[str, ...] = (), theme: str | None = None) -> KpiInfo:
    return KpiInfo(1, key, name, None, None, theme, aliases)


@pytest.mark.parametrize(
    ("words", "name", "aliases", "matches"),
    [
        ("entrant", "First time entrants", (), True),  # stem
        ("entra", "First time entrants", (), True),  # start of a word
        ("reoffenders", "Reoffending rate", (), True),
        ("offending", "Proportion re-offending", (), True),  # inside a hyphenated word
        ("LAC", "Placement stability", (), False),  # a short word must be a whole word
        ("FTE", "FTEs in custody", (), False),
        ("LAC", "Placement stability", ("LAC stability",), True),
        ("cin", "Cinema visits", (), False),
        ("and", "Anything", (), False),  # stop words alone find nothing
        ("reoffending custody", "Reoffending rate", (), True),  # half the words, as nothing has both
        ("reoffending custody entrants", "Reoffending rate", (), False),  # fewer than half
    ],
)
def test_word_matching_rules(words, name, aliases, matches):
    found, _ = rank([kpi_info("k", name, aliases)], Query.parse(words))
    assert bool(found) is matches


def test_kpis_matching_some_words_are_left_out_when_one_matches_them_all():
    kpis = [
        kpi_info("a", "Reoffending rate"),
        kpi_info("b", "Custody rate"),
        kpi_info("c", "Reoffending in custody"),
    ]
    found, every_word = rank(kpis, Query.parse("custody reoffending"))
    assert [match.kpi.key for match in found] == ["c"] and every_word


def test_a_word_that_matches_nothing_still_finds_the_kpis_for_the_others(demo_db):
    text = kpi_text(demo_db, "hwb reoffending pancakes")
    assert "no KPI matches every word of “reoffending pancakes”; 2 match some of them" in text
    assert "Reoffending - binary rate" in text


def test_many_matches_are_paged_best_first(demo_db):
    first = ask(demo_db, kpi.run, "kpi", "hwb LAC")
    text = text_of(first)
    assert "KPIs matching “LAC”, best first" in text and "Page 1 of " in text
    assert text.index("1. Looked After Children `cssa-lac-count`") < text.index("cyp-lac-count")
    seen = []
    for reply in every_page(demo_db, "hwb LAC"):
        assert_within_slack_limits(reply)
        seen += [
            b["text"]["text"].split("`")[1]
            for b in reply.blocks
            if b["type"] == "section" and b["text"]["text"][:1].isdigit()
        ]
    assert len(seen) == len(set(seen)) == len(ranked_keys(demo_db, "hwb", "LAC"))
    button = json.loads(first.blocks[-1]["elements"][0]["value"])
    assert button == {"c": "kpi", "t": "hwb LAC", "p": 2, "b": None, "s": False}


def test_long_history_is_cut_to_the_latest_values_and_says_so(demo_db):
    for year in range(1990, 2020):
        add_value(
            demo_db,
            "yj-reoffending-rate",
            "hwb-2023-10-05-pack",
            area="Westminster",
            period=f"{year}/{(year + 1) % 100:02d}",
            period_end=date(year + 1, 3, 31),
            value=40.0 + year % 7,
            source_line=1828,
        )
    reply = ask(demo_db, kpi.run, "kpi", "hwb yj-reoffending-rate")
    text = text_of(reply)
    assert "Only the latest values are shown: older ones are in the sources." in text
    westminster = next(
        b["text"]["text"]
        for b in reply.blocks
        if b.get("text", {}).get("text", "").startswith("*Westminster*")
    )
    assert westminster.count("\n•") == 5
    assert "July 2020 to July 2021" in westminster and "2015/" not in westminster
    assert_within_slack_limits(reply)


def test_two_documents_that_disagree_are_both_shown_with_their_sources(demo_db):
    add_value(
        demo_db,
        "yj-reoffending-rate",
        "wcc-self-assessment-2023",
        area="Westminster",
        period="July 2020 to July 2021",
        period_end=date(2021, 7, 31),
        value=38.2,
        source_page=12,
    )
    text = kpi_text(demo_db, "hwb yj-reoffending-rate")
    assert (
        "• July 2020 to July 2021: 37.5% · London 33.1% · England 31.1% · previous 42.4%"
        " · :warning: the sources disagree · source 1\n"
    ) in text
    assert "• July 2020 to July 2021: 38.2% · :warning: the sources disagree · source 2, page 12" in text
    assert (
        "Sources: 1. Health & Wellbeing Board, Thursday 5th October 2023 - Public Document Pack;"
        " 2. Creating a Fairer Westminster"
    ) in text
    assert ":warning: sources differ" in kpi_text(demo_db, "hwb reoffending")


def test_target_and_rag_are_shown_only_when_recorded(demo_db):
    with make_sessions(demo_db).begin() as session:
        value = session.scalar(
            select(m.KpiValue)
            .join(m.Kpi)
            .where(m.Kpi.key == "yj-reoffending-rate", m.KpiValue.area == "Westminster")
        )
        value.target, value.rag = 35.0, m.Rag.RED
    text = kpi_text(demo_db, "hwb yj-reoffending-rate")
    assert (
        "37.5% · London 33.1% · England 31.1% · previous 42.4% · target 35% · RAG :red_circle: red\n"
    ) in text
    assert text.count("RAG") == 1 and text.count("target") == 1
    listed = kpi_text(demo_db, "hwb reoffending")
    assert (
        "• Westminster: 37.5% (July 2020 to July 2021) · ↓ improving from 42.4%"
        " · █▁ 2 years, previous–July 2020 to July 2021 · London 33.1% · target 35% · RAG :red_circle: red"
    ) in listed
    assert listed.count("RAG") == 1


# --- headlines ------------------------------------------------------------------------------------


def test_headlines_fit_one_screen_one_line_per_theme(demo_db):
    reply = ask(demo_db, kpi.run, "kpi", "hwb")
    text = text_of(reply)
    assert text.startswith(
        f"Health & Wellbeing Board: KPI headlines\n{HWB_KPIS} KPIs in {HWB_THEMES} themes."
    )
    assert "The board has not chosen its own headlines." in text
    themes = [b for b in reply.blocks if b.get("text", {}).get("text", "").startswith(":small_blue_diamond:")]
    assert len(themes) == HWB_THEMES
    assert not [b for b in reply.blocks if b.get("block_id") == "pager"]
    assert_within_slack_limits(reply)
    assert (
        ":small_blue_diamond: Child protection (6 KPIs): Children on Child Protection Plans"
        " `cssa-cp-plans-count`\n• Kensington and Chelsea: 42 (31 March 2023) · ↓ down from 60 (31 March 2022)"
    ) in text


def test_a_part_year_figure_is_never_compared_with_a_full_year(demo_db):
    """Restorative justice in Westminster: 1 victim engaged in "2023 to present June" is not a fall
    from 35 in 2022 (hwb pack lines 2123-2125): the full years are compared, the part year shown apart."""
    text = kpi_text(demo_db, "hwb victims westminster")
    assert (
        "• Westminster: 35 (2022) · ↑ improving from 10 (2021) · ▁█ 2 years, 2021–2022"
        " · newer: 1 (2023 to present June, to date)"
    ) in text
    assert (
        "• Westminster: 55 (2022) · ↑ up from 43 (2021) · ▁█ 2 years, 2021–2022"
        " · newer: 11 (2023 to present June, to date)"
    ) in text
    assert "from 35" not in text and "from 55" not in text


def test_a_live_tracker_figure_is_not_compared_with_a_final_one(demo_db):
    """RBKC reoffending frequency: the live tracker's 1.80 is no rise from the final 1.75, which the
    plan says fell from 2.73 (hwb pack lines 3010-3012)."""
    text = kpi_text(demo_db, "hwb reoffending rbkc")
    assert (
        "• Kensington and Chelsea: 1.75 offences per reoffender (Apr20-Mar21 cohort) · ↓ improving from 2.73"
        " (preceding period) · █▁ 2 years, preceding period–Apr20-Mar21 cohort · London 3.15"
        " · newer: 1.8 offences per reoffender"
        " (Apr22-Mar23 cohort (live tracker), not final)"
    ) in text
    assert "from 1.75" not in text


def test_child_protection_in_westminster_gives_the_change_the_source_states(demo_db):
    """86 in April 2023 is not "unchanged from 86": the self-assessment says a 10% fall (wcc lines
    125-126) and the year-end slide 86 against 96 (line 544)."""
    listed = kpi_text(demo_db, "hwb child protection plans in westminster")
    assert "unchanged" not in listed
    text = kpi_text(demo_db, "hwb cssa-cp-plans-count westminster")
    assert (
        "• April 2023: 86 · the source says: 10% decrease in Child Protection plans since April 2022;"
        " a 69% increase compared to April 2021"
    ) in text
    assert (
        "• 2022-23 year end: 86 · the source says: 10.4% cohort decrease compared to the same point last year"
        " · previous 96 (same point last year)"
    ) in text
    assert "unchanged" not in text and "Kensington and Chelsea" not in text
    # the CYP plan's count is the same measure, kept with its own source
    assert "`cyp-cp-plans-count` · the same measure, from another document" in text
    assert "• 31 March 2019: 61\n" in text


def test_both_documents_looked_after_children_counts_are_kept(demo_db):
    text = kpi_text(demo_db, "hwb cssa-lac-count")
    assert "• March 2023: 182 · source 2\n" in text
    assert "• currently (Westminster Youth Justice Plan 2023): 177 · source 3" in text
    assert "Looked After Children (children in care) `cyp-lac-count` · the same measure" in text


def test_school_attendance_is_found_with_the_national_figure(demo_db):
    text = kpi_text(demo_db, "hwb school attendance")
    assert "School attendance (all WCC schools)" in text
    assert "95.3% · England 94.3%" in text


@pytest.mark.parametrize(
    "words",
    ["westminster", "Westminster", "wcc", "in westminster please", "Westminster City Council"],
)
def test_headlines_for_one_borough(demo_db, words):
    text = kpi_text(demo_db, f"hwb {words}")
    assert text.startswith("Health & Wellbeing Board: KPI headlines for Westminster\n")
    assert "Kensington and Chelsea:" not in text and "• Westminster: " in text


@pytest.mark.parametrize(
    "words", ["kensington and chelsea", "Kensington & Chelsea", "rbkc", "RBKC", "kensington", "chelsea"]
)
def test_kensington_and_chelsea_by_any_of_its_names(demo_db, words):
    text = kpi_text(demo_db, f"hwb {words}")
    assert text.startswith("Health & Wellbeing Board: KPI headlines for Kensington and Chelsea\n")
    assert "• Westminster:" not in text


def test_words_and_a_borough_together(demo_db):
    text = kpi_text(demo_db, "hwb reoffending westminster")
    assert "Reoffending - binary rate, Westminster." in text
    assert "• July 2020 to July 2021: 37.5%" in text and "Kensington and Chelsea" not in text
    text = kpi_text(demo_db, "hwb looked after children in kensington and chelsea")
    assert "with values for Kensington and Chelsea" in text and "• Westminster:" not in text


def test_a_borough_with_no_value_for_the_words_says_so(demo_db):
    text = kpi_text(demo_db, "hwb grenfell westminster")
    assert "has a value recorded for Westminster" in text


@pytest.mark.parametrize("junk", ["😀", "Ωμέγα", "%", "_", "*", "😀 😀", "«»"])
def test_input_with_nothing_to_search_for_says_so(demo_db, junk):
    reply = ask(demo_db, kpi.run, "kpi", f"hwb {junk}")
    text = text_of(reply)
    assert f"I couldn't use “{junk}” to find a KPI of the *Health &amp; Wellbeing Board*" in reply.text
    assert "KPI headlines" not in text
    assert "Try `/kpi hwb reoffending`" in text


def test_the_boards_own_headlines_are_shown_when_it_chose_them(demo_db):
    with make_sessions(demo_db).begin() as session:
        for row in session.scalars(
            select(m.Kpi).where(m.Kpi.key.in_(["yj-reoffending-rate", "cssa-lac-count", "yj-fte-rate"]))
        ):
            row.headline = True
    text = kpi_text(demo_db, "hwb")
    assert "The 3 KPIs the board chose as its headlines" in text
    assert (
        "• Westminster: 37.5% (July 2020 to July 2021) · ↓ improving from 42.4%"
        " · █▁ 2 years, previous–July 2020 to July 2021 · London 33.1%"
    ) in text
    assert "Care Leavers" not in text
    text = kpi_text(demo_db, "hwb westminster")
    assert "KPI headlines for Westminster" in text and "Kensington and Chelsea:" not in text


def test_same_as_must_name_another_kpi_of_the_board(fresh_db, tmp_path):
    from datetime import UTC, datetime

    from bot.boarddata.loader import load_files

    path = tmp_path / "b.yaml"
    path.write_text(
        "boardbot: 1\nboards:\n  - {key: b, name: B}\nkpis:\n"
        "  - {key: one, board: b, name: One, scope: borough, same_as: two}\n"
        "  - {key: own, board: b, name: Own, scope: borough, same_as: own}\n"
    )
    with make_sessions(fresh_db).begin() as session:
        result = load_files(session, [path], now=datetime(2023, 9, 1, tzinfo=UTC))
    assert [p.message.split(";")[0] for p in result.problems] == [
        "'two' is not another KPI of board 'b'",
        "'own' is not another KPI of board 'b'",
    ]


def test_dated_values_come_before_undated_ones(demo_db):
    add_value(
        demo_db,
        "yj-reoffending-rate",
        "wcc-self-assessment-2023",
        area="Westminster",
        period="not stated",
        value=12.0,
        source_line=99,
    )
    assert "• Westminster: 37.5% (July 2020 to July 2021)" in kpi_text(demo_db, "hwb reoffending")
    text = kpi_text(demo_db, "hwb yj-reoffending-rate")
    assert text.index("• July 2020 to July 2021: 37.5%") < text.index("• not stated: 12%")


def test_only_stop_words_shows_the_headlines(demo_db):
    assert "KPI headlines" in kpi_text(demo_db, "hwb the of and")


def test_share_posts_headlines_and_search_to_the_channel(demo_db):
    assert ask(demo_db, kpi.run, "kpi", "hwb share").public
    assert ask(demo_db, kpi.run, "kpi", "hwb reoffending share").public
    assert not ask(demo_db, kpi.run, "kpi", "hwb reoffending").public


# --- bad input ------------------------------------------------------------------------------------


def test_no_match_suggests_close_names_and_an_example_that_works(demo_db):
    text = kpi_text(demo_db, "hwb reofending")
    assert text.startswith("No KPI of the Health & Wellbeing Board matches “reofending”. Did you mean:")
    assert "• Reoffending - binary rate: `/kpi hwb yj-reoffending-rate`" in text
    assert "Try `/kpi hwb reoffending`, or `/kpi hwb` for the headlines of all 125 KPIs." in text
    text = kpi_text(demo_db, "hwb allotment waiting lists")
    assert "No KPI of the Health & Wellbeing Board matches “allotment waiting lists”." in text
    assert "Try `/kpi hwb reoffending`" in text


@pytest.mark.parametrize(
    "junk",
    [
        ("<!channel> ' \" ; DROP TABLE kpis; --" * 80)[:3000],
        "x" * 3000,
        ("reoffending " * 300)[:3000],
        " ".join(f"word{n}" for n in range(600))[:3000],
        "%_*`~|:" * 400,
        "🙂 ünïcödé " * 300,
    ],
)
def test_junk_gets_a_helpful_reply(demo_db, junk):
    reply = ask(demo_db, kpi.run, "kpi", "hwb " + junk)
    text = text_of(reply)
    assert "Health & Wellbeing Board" in text
    assert "/kpi hwb" in text  # says what would work
    assert "<!channel>" not in json.dumps(reply.blocks)
    assert_within_slack_limits(reply)


def test_empty_database_says_there_are_no_boards(fresh_db):
    assert "There are no boards in this workspace yet" in kpi_text(fresh_db, "reoffending")
    assert "There are no boards in this workspace yet" in kpi_text(fresh_db, "")


def test_board_without_kpis_says_so(fresh_db):
    with make_sessions(fresh_db).begin() as session:
        workspace = m.Workspace(team_id="local", name="Test")
        session.add(m.Board(workspace=workspace, key="adults", name="Adults Board"))
    for text in ("", "reoffending"):
        assert "No KPIs are recorded for the Adults Board yet" in kpi_text(fresh_db, text)


def test_kpi_names_and_values_are_slack_escaped(demo_db):
    with make_sessions(demo_db).begin() as session:
        kpi_row = session.scalar(select(m.Kpi).where(m.Kpi.key == "yj-reoffending-rate"))
        kpi_row.name = "Reoffending <!channel> & <http://evil.example|click>"
        value = session.scalar(select(m.KpiValue).where(m.KpiValue.kpi_id == kpi_row.id).limit(1))
        value.note = "see <!here>"
    for text in ("hwb reoffending", "hwb yj-reoffending-rate", "hwb", "hwb westminster"):
        for reply in every_page(demo_db, text):
            blocks = json.dumps(reply.blocks)
            assert "<!channel>" not in blocks and "<!here>" not in blocks and "<http://evil" not in blocks
    reply = ask(demo_db, kpi.run, "kpi", "hwb reoffending")
    assert "Reoffending &lt;!channel&gt; &amp; &lt;http://evil.example|click&gt;" in reply.text
    button = [b for b in reply.blocks if b.get("block_id") == "kpi_details"][0]["elements"][0]
    assert button["text"]["text"] == "1. Reoffending ‹!channel› & ‹http://evil.example|click›"


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        (40.0, "%", "40%"),
        (25.8, "%", "25.8%"),
        (44.0, "count", "44"),
        (1559.0, "count", "1,559"),
        (196.0, "per 100,000 aged 10-17", "196 per 100,000 aged 10-17"),
        (0.23, "per 1,000 aged 10-17", "0.23 per 1,000 aged 10-17"),
        (1034455.0, "£", "£1,034,455"),
        (-0.2, "% change", "-0.2% change"),
        (4.9, "offences per reoffender", "4.9 offences per reoffender"),
        (12345.678, None, "12,345.678"),
        (1.0 / 3, "%", "0.333%"),
    ],
)
def test_values_are_shown_with_their_units(value, unit, shown):
    assert measure(value, unit) == shown


def test_headlines_are_alphabetical_as_a_reader_expects(fresh_db):
    """Themes and names in reading order: case and accents aside, themeless last."""
    with make_sessions(fresh_db).begin() as session:
        board = m.Board(
            workspace=m.Workspace(team_id="local", name="Test"), key="adults", name="Adults Board"
        )
        for key, name, theme in [
            ("emp", "Employment rate", "employment"),
            ("edu2", "Exclusions", "Éducation"),
            ("edu1", "attendance", "education"),
            ("none", "Aardvark count", None),
        ]:
            session.add(m.Kpi(board=board, key=key, name=name, theme=theme, scope=m.KpiScope.PARTNERSHIP))
    text = kpi_text(fresh_db, "")
    positions = [
        text.index(name) for name in ("attendance", "Exclusions", "Employment rate", "Aardvark count")
    ]
    assert positions == sorted(positions)


def test_recent_values_are_each_kpis_newest_dated_then_first_undated(demo_db):
    """The bounded read picks exactly what reading every value and sorting would: per KPI, the
    newest RECENT_DATED dated values (ties on the date: highest id first), then the first
    RECENT_UNDATED undated ones."""
    for n in range(30):  # more than either window, with ties on the date and several areas
        for area in ("Westminster", "Kensington and Chelsea"):
            add_value(
                demo_db,
                "yj-reoffending-rate",
                "hwb-2023-10-05-pack",
                area=area,
                period=f"Q{n % 4 + 1} {2000 + n // 4}",
                period_end=date(2000 + n // 4, 3 * (n % 4) + 1, 1),
                value=float(n),
            )
        if n < 8:
            add_value(
                demo_db,
                "yj-reoffending-rate",
                "hwb-2023-10-05-pack",
                area="Westminster",
                period=f"undated {n}",
                value=1.0,
            )
    with make_sessions(demo_db)() as session:
        long_one = session.scalar(select(m.Kpi.id).where(m.Kpi.key == "yj-reoffending-rate"))
        others = session.scalars(select(m.Kpi.id).where(m.Kpi.id != long_one).order_by(m.Kpi.id).limit(7))
        kpi_ids = [*others, long_one]  # a page of headlines
        everything = session.execute(select(m.KpiValue.kpi_id, m.KpiValue.id, m.KpiValue.period_end)).all()
        read = recent_values(session, kpi_ids)
        for kpi_id in kpi_ids:
            mine = [v for v in everything if v.kpi_id == kpi_id]
            dated = sorted(
                (v for v in mine if v.period_end), key=lambda v: (v.period_end, v.id), reverse=True
            )
            undated = sorted(v.id for v in mine if v.period_end is None)
            expected = [v.id for v in dated[:RECENT_DATED]] + undated[:RECENT_UNDATED]
            assert [value.id for value in read[kpi_id]] == expected


def test_a_kpi_changed_between_two_asks_is_answered_as_changed(demo_db):
    """A KPI renamed, or given an alias, between two asks is found and shown by its new words."""
    assert "Reoffending - binary rate" not in kpi_text(demo_db, "hwb recidivism")  # no KPI has the word
    assert "Reoffending - binary rate" in kpi_text(demo_db, "hwb reoffending")
    with make_sessions(demo_db).begin() as session:
        kpi_row = session.scalar(select(m.Kpi).where(m.Kpi.key == "yj-reoffending-rate"))
        kpi_row.name, kpi_row.aliases = "Proven reoffending rate", [*(kpi_row.aliases or []), "recidivism"]
    assert "Proven reoffending rate" in kpi_text(demo_db, "hwb recidivism")
    listed = kpi_text(demo_db, "hwb reoffending")
    assert "Proven reoffending rate" in listed and "Reoffending - binary rate" not in listed


def test_skipping_kpis_no_word_can_match_changes_no_ranking(demo_db, monkeypatch):
    """rank scores only KPIs that one of the words may match: the same answers as scoring all."""
    with make_sessions(demo_db)() as session:
        board = session.scalar(select(m.Board).where(m.Board.key == "hwb"))
        kpis = board_kpis(session, board).kpis
    words = {w for k in kpis for w in words_of(f"{k.name} {' '.join(k.aliases)} {k.key} {k.theme or ''}")}
    queries = [*sorted(words), "first time entrants", "children looked after", "LAC", "reoffend", "studies x"]
    queries += [f"{a} {b}" for a, b in zip(sorted(words), sorted(words, reverse=True), strict=False)][:80]
    skipping = {text: rank(kpis, Query.parse(text)) for text in queries}
    monkeypatch.setattr(Probe, "may_match", lambda self, terms: True)
    for text in queries:
        assert rank(kpis, Query.parse(text)) == skipping[text], text


def test_every_command_a_kpi_reply_suggests_works(demo_db):
    """Each `/kpi …` a reply prints in code is itself a question with an answer."""
    import re

    suggested = set()
    for asked in ("hwb", "hwb westminster", "hwb reoffending", "hwb 😀", "hwb pancakes", "fps", "hwb LAC"):
        suggested |= set(re.findall(r"`/kpi ([^`]*)`", ask(demo_db, kpi.run, "kpi", asked).text))
    assert len(suggested) >= 8
    for text in sorted(suggested):
        answer = text_of(ask(demo_db, kpi.run, "kpi", text))
        assert not answer.startswith(("No KPI", "I couldn't use", "Which board", "I don't know")), (
            text,
            answer,
        )
