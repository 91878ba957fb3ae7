"""Citations as a member reads them: the document and its printed page, never a text file's line."""

from __future__ import annotations

import re

from sqlalchemy import select

from bot import models as m
from bot.db import make_sessions
from bot.render import cite
from commands import actions, kpi
from tests.helpers import ask, text_of

PACK = "Health & Wellbeing Board, Thursday 5th October 2023 - Public Document Pack"


def source_field(text: str) -> str:
    return re.search(r"Source\n([^\n]*)", text).group(1)


def test_an_action_cites_the_pack_and_its_printed_page(demo_db):
    # HWB-87 is line 3490 of the text, between the footers "Page 207" and "Page 208"
    text = text_of(ask(demo_db, actions.run, "actions", "hwb HWB-87"))
    assert source_field(text) == f"{PACK}, page 208"
    assert "3490" not in text


def test_without_a_page_the_document_alone_is_cited(demo_db):
    text = text_of(ask(demo_db, actions.run, "actions", "Health & Wellbeing Board HWB-2"))
    assert source_field(text) == PACK
    assert not re.search(r"line \d", text)


def test_the_document_is_linked_when_its_url_is_known(demo_db):
    url = "https://www.rbkc.gov.uk/committees/hwb-2023-10-05-pack.pdf"
    with make_sessions(demo_db).begin() as session:
        session.scalar(select(m.Document).where(m.Document.key == "hwb-2023-10-05-pack")).url = url
    reply = ask(demo_db, actions.run, "actions", "hwb HWB-87")
    assert f"<{url}|{PACK.replace('&', '&amp;')}>, page 208" in reply.text
    search = ask(demo_db, kpi.run, "kpi", "hwb yj-reoffending-rate")
    assert f"Source: <{url}|" in search.text


def test_kpi_figures_show_no_line_numbers(demo_db):
    text = text_of(ask(demo_db, kpi.run, "kpi", "wellbeing yj-reoffending-rate"))
    assert "37.5%" in text and f"Source: {PACK}" in text
    assert not re.search(r"line \d", text)


def test_cite_escapes_the_title_and_links_only_plain_web_addresses():
    assert (
        cite("A & B <x>", "https://example.org/a.pdf", 3)
        == "<https://example.org/a.pdf|A &amp; B &lt;x&gt;>, page 3"
    )
    assert cite("A & B", "javascript:alert(1)") == "A &amp; B"
    assert cite("Plan", None, None) == "Plan"
