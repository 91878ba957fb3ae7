"""KPI sparklines and charts on the demo boards: comparable periods only, gaps not zeros, PNGs that
show something."""

from __future__ import annotations

import io
from datetime import date

import pytest
from PIL import Image
from sqlalchemy import select

from bot import models as m
from bot.db import make_sessions
from bot.kpis.chart import ChartData, chart_data, render_png
from bot.kpis.info import KpiInfo
from bot.kpis.sparkline import bars
from bot.models.kpis import PeriodKind
from commands import kpi
from tests.helpers import ask, text_of


@pytest.mark.parametrize(
    ("values", "drawn"),
    [
        ([1, 2, 3, 4, 5, 6, 7, 8], "▁▂▃▄▅▆▇█"),
        ([146, 162, 175], "▁▅█"),
        ([209, 209], "▄▄"),  # level: a flat line in the middle, not a fall to the bottom
        ([10, 0.5], "█▁"),
    ],
)
def test_bars_scale_from_the_lowest_to_the_highest(values, drawn):
    assert bars(values) == drawn


def kpi_text(engine, words: str) -> str:
    return text_of(ask(engine, kpi.run, "kpi", words))


def test_a_search_shows_each_areas_comparable_years_with_what_they_cover(demo_db):
    text = kpi_text(demo_db, "fps lac new starters")
    assert "• Westminster: 175 (2018/19) · ↑ up from 162 (2017/18) · ▁▅█ 3 years, 2016/17–2018/19" in text


def test_a_part_year_figure_is_left_out_of_the_sparkline_and_said_so(demo_db):
    text = kpi_text(demo_db, "hwb yj-victims-count westminster")
    assert (
        "Westminster · 2022: ↑ up from 43 (2021)\n▁█ 2 years, 2021–2022, part-year figure left out\n" in text
    )
    assert "• 2023 to present June, to date: 11" in text  # still shown, as a figure


def test_one_comparable_period_draws_no_sparkline(demo_db):
    text = kpi_text(demo_db, "hwb yj-ete-rate westminster")
    assert not any(bar in text for bar in "▁▂▃▄▅▆▇█")


def chart_of(engine, key: str, area: str | None = None) -> ChartData:
    with make_sessions(engine).begin() as session:
        row = session.scalar(select(m.Kpi).where(m.Kpi.key == key))
        return chart_data(session, row.board, KpiInfo.of(row), area)


def assert_a_real_picture(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    assert image.width >= 800 and image.height >= 400
    low, high = zip(*image.getextrema(), strict=True)
    assert max(high) - min(low) > 200  # not blank
    colours = image.getcolors(maxcolors=1_000_000)
    assert colours is not None and len(colours) > 50  # lines, markers, labels: more than a few colours
    return image


def test_the_first_time_entrants_chart_has_both_boroughs_and_the_comparators(demo_db, tmp_path):
    chart = chart_of(demo_db, "yj-fte-rate")
    assert chart.periods == ("annual period to September 2022", "annual period to December 2022")
    assert [(line.label, line.role, line.values) for line in chart.lines] == [
        ("Kensington and Chelsea", "area", (196.0, None)),  # not recorded: a gap, not a zero
        ("Westminster", "area", (None, 132.0)),
        ("England", "comparator", (148.0, 149.0)),
        ("London", "comparator", (169.0, 166.0)),
    ]
    assert "Kensington and Chelsea: 196 (annual period to September 2022)." in chart.alt_text
    png = render_png(chart)
    (tmp_path / "fte.png").write_bytes(png)
    assert_a_real_picture(png)


def test_a_chart_marks_part_year_periods_and_keeps_periods_in_order(demo_db):
    chart = chart_of(demo_db, "yj-victims-count")
    assert chart.periods == ("2021", "2022", "2022-23", "2023 to present June")
    assert chart.partial == (False, False, False, True)
    [westminster] = [line for line in chart.lines if line.label == "Westminster"]
    assert westminster.values == (43.0, 55.0, None, 11.0) and westminster.partial[-1]
    assert "11 (2023 to present June, not final)" in chart.alt_text
    assert "hollow markers: part-year or live values, not final" in chart.notes
    assert_a_real_picture(render_png(chart))


def test_a_chart_draws_the_target_and_says_it_in_words(demo_db, tmp_path):
    with make_sessions(demo_db).begin() as session:
        row = session.scalar(select(m.Kpi).where(m.Kpi.key == "fps-lac-new-starters"))
        for value in session.scalars(select(m.KpiValue).where(m.KpiValue.kpi_id == row.id)):
            value.target = 160.0
        session.add(
            m.KpiValue(
                kpi_id=row.id,
                area="Westminster",
                period="2019/20 to date",
                period_end=date(2019, 9, 30),
                period_kind=PeriodKind.TO_DATE,
                value=80.0,
            )
        )
    chart = chart_of(demo_db, "fps-lac-new-starters")
    [target] = [line for line in chart.lines if line.role == "target"]
    assert target.values == (160.0, 160.0, 160.0, None)
    assert "target: 160 (2016/17); 160 (2017/18); 160 (2018/19)." in chart.alt_text
    png = render_png(chart)
    (tmp_path / "target.png").write_bytes(png)
    assert_a_real_picture(png)


def test_a_kpi_with_no_dated_values_still_draws_and_says_so(demo_db):
    with make_sessions(demo_db).begin() as session:
        row = session.scalar(
            select(m.Kpi).where(
                m.Kpi.key.not_in(select(m.Kpi.key).join(m.KpiValue).where(m.KpiValue.period_end.is_not(None)))
            )
        )
        key = row.key
    chart = chart_of(demo_db, key)
    assert chart.periods == () and "no dated values" in chart.alt_text
    Image.open(io.BytesIO(render_png(chart))).verify()


@pytest.mark.parametrize(
    "words",
    [
        "hwb first time entrants chart",
        "hwb chart first time entrants",
        "show me a chart of first time entrants hwb",
        "hwb graph of FTE",
        "HWB Plot first-time entrants",
    ],
)
def test_chart_words_anywhere_ask_for_the_chart(demo_db, words):
    reply = ask(demo_db, kpi.run, "kpi", words)
    assert reply.extra["chart"].kpi_key in {"cssa-fte-rate", "yj-fte-rate"}
    assert "is being posted in this conversation" in text_of(reply)


def test_chart_without_a_kpi_asks_which(demo_db):
    reply = ask(demo_db, kpi.run, "kpi", "fps chart")
    assert "chart" not in reply.extra
    assert "Which KPI of the *Family and People Services" in reply.text
    assert "`/kpi fps reoffending chart`" in text_of(reply)


def test_a_kpis_detail_offers_a_chart_button_and_no_chart_unasked(demo_db):
    reply = ask(demo_db, kpi.run, "kpi", "hwb yj-fte-rate")
    assert "chart" not in reply.extra
    [charts] = [b for b in reply.blocks if b.get("block_id") == "kpi_charts"]
    assert [e["action_id"] for e in charts["elements"]] == ["page_chart_1", "page_chart_2"]
    assert '"t":"hwb yj-fte-rate chart"' in charts["elements"][0]["value"]


def test_a_long_history_in_many_areas_is_cut_and_says_what_it_left_out(demo_db, tmp_path):
    areas = [
        "Westminster",
        "Kensington and Chelsea",
        "Hammersmith and Fulham",
        "Bi-borough",
        "Camden",
        "Brent",
    ]
    with make_sessions(demo_db).begin() as session:
        row = session.scalar(select(m.Kpi).where(m.Kpi.key == "fps-lac-count"))
        for number, area in enumerate(areas):
            for quarter in range(20):
                end = date(2015 + quarter // 4, 3 * (quarter % 4) + 3, 28)
                session.add(
                    m.KpiValue(
                        kpi_id=row.id,
                        area=area,
                        period=f"Q{quarter % 4 + 1} {2015 + quarter // 4}",
                        period_end=end,
                        period_kind=PeriodKind.QUARTER,
                        value=150.0 + 10 * number + (quarter * 7 % 13),
                        england=160.0,
                        target=170.0,
                    )
                )
    chart = chart_of(demo_db, "fps-lac-count")
    assert len(chart.periods) == 16 and chart.periods[0] == "Q1 2016" and chart.periods[-1] == "Q4 2019"
    assert [line.label for line in chart.areas] == ["Bi-borough", "Brent", "Camden", "Hammersmith and Fulham"]
    assert "4 older periods not drawn" in chart.notes  # 2015's; Westminster's 31 March counts not drawn
    assert "2 other areas not drawn: name one to see it" in chart.notes
    assert len(chart.alt_text) <= 1000
    png = render_png(chart)
    (tmp_path / "long.png").write_bytes(png)
    assert assert_a_real_picture(png).width > 1200  # wider, for sixteen periods
