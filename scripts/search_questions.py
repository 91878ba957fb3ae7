"""Ask the demo boards twenty questions a member would ask; write the top three results of each and
whether they answer it to docs/search-questions.md.

    .venv/bin/python scripts/search_questions.py           # rewrite docs/search-questions.md
    .venv/bin/python scripts/search_questions.py --check   # exit 1 if it would change

The search runs on a fresh SQLite database holding data/demo/*.yaml (PostgreSQL ranks ties a little
differently). The verdicts are a person's reading of those three results, kept in VERDICTS: when the
results change, `--check` fails, and whoever writes the file again reads them and the verdicts again.
"""

from __future__ import annotations

import argparse
import glob
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from bot import models as m
from bot.boarddata import load_files
from bot.db import make_engine, make_sessions, upgrade
from bot.render import plain
from bot.search import search
from bot.search.present import shown

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "search-questions.md"

# question -> (answered: yes / partly / no, why), read from the three results below it
VERDICTS: dict[str, tuple[str, str]] = {
    "What did we decide about the Better Care Fund?": (
        "yes",
        "The June 2023 item shows the resolution (report agreed; the BCF plan to go to members once the "
        "Chairs agree it); the October 2023 item is found too, by its title only.",
    ),
    "How many first time entrants to the youth justice system are there?": (
        "partly",
        "The three FTE KPIs come first, but the numbers are one step away (`/kpi hwb …`, offered under "
        "each); the excerpt shows only their names and aliases.",
    ),
    "How many looked after children are in external foster placements?": (
        "yes",
        "The KPI first, and the Westminster self-assessment's page saying External Foster Placement 21%.",
    ),
    "What about CAMHS waiting times?": (
        "partly",
        "The 2019 FPS pack's plan to reduce CAMHS waiting times, with no figure; the other two are about "
        "child mental health assessments and an educational psychology service, not waiting times.",
    ),
    "What did the committee ask about the memory cafe?": (
        "yes",
        "Action FPS-12 (circulate the number of places in memory cafe drop-in sessions, completed), second; "
        "the first is the action tracker page it comes from.",
    ),
    "What is in the youth justice disproportionality action plan?": (
        "yes",
        "The plan's own actions (HWB-39, HWB-92) with their objectives; CS-5 is the CYP plan's action.",
    ),
    "How many young people are NEET?": (
        "partly",
        "The NEET KPI first (its figure via `/kpi`) and the YJS action on NEET children; no count is in the "
        "results themselves.",
    ),
    "What did the consultation on the health and wellbeing strategy find?": (
        "partly",
        "Both strategy items are found (June 2023: consultation extended to 9 July; October 2023: the report "
        "on it, title only), but what the consultation found is not in the data.",
    ),
    "What is the reoffending rate?": (
        "partly",
        "The reoffending KPIs of both boards first; the rates are one `/kpi` away, not in the results.",
    ),
    "What was said about the JSNA?": (
        "partly",
        "Two passages on youth-offending and serious-youth-violence JSNAs; the third matched only 'needs' "
        "and 'assessment', which the JSNA synonym brings in.",
    ),
    "What are we doing about SEND?": (
        "yes",
        "Action CS-13 (working with the SEND service), the SEND KPI and the youth justice plan's SEND count.",
    ),
    "What about school exclusions?": (
        "yes",
        "Actions HWB-10 (exclusions monitored, low in Westminster) and HWB-94 (prevent exclusions).",
    ),
    "Who presented the Safeguarding Adults Board annual report?": (
        "no",
        "No such item is in the demo data; the results are pages that happen to have all five words apart. "
        "Search cannot say that nothing answers it.",
    ),
    "What did we resolve on the youth justice plans?": (
        "partly",
        "Item 7 of October 2023 (pages 85-218, for information/comment) is found third, after two actions; "
        "no resolution is recorded, as the minutes of that meeting are not in the data.",
    ),
    "How many care leavers are in education, employment or training?": (
        "yes",
        "The KPI first, and the HWB pack's page: 78.2% of care leavers in EET against 55% nationally.",
    ),
    "What about child poverty and the cost of living?": (
        "yes",
        "Self-assessment pages on cost-of-living pressures and one in four Westminster children in poverty.",
    ),
    "What did the adult social care self-assessment say about CQC?": (
        "no",
        "The self-assessments in the data are of children's social care; the results are general adult "
        "social care passages with no CQC finding.",
    ),
    "What about knife crime and serious youth violence?": (
        "yes",
        "The serious youth violence task group's guide on knife violence (FPS, 2019) and RBKC's concerns "
        "about violence and gang crime.",
    ),
    "What happened on hospital discharge?": (
        "partly",
        "One 2019 passage on short-term beds to ease delayed discharge; the other two matched one word each "
        "(conditional discharges, dental admissions).",
    ),
    "What are childhood immunisation rates?": (
        "partly",
        "The October 2019 item on immunisation programmes and its resolutions (asking GP practices to share "
        "rates), but no rates.",
    ),
}


def rows(session, workspace_id: int, question: str) -> tuple[list[str], str]:
    results = search(session, workspace_id, question, limit=3)
    found = []
    for number, hit in enumerate(results.hits, 1):
        item = shown(session, hit.entry, results.question.terms, number, hit.words, hit.of)
        where = [item.board.short_name or item.board.name]
        if item.meeting:
            where.append(f"meeting of {item.meeting.meets_on:%d %b %Y}")
        if item.page:
            where.append(f"page {item.page}")
        excerpt = plain(item.excerpt).replace("|", "/")[:220]
        found.append(
            f"{number}. {item.kind}: **{item.title[:90]}** ({', '.join(where)}; {hit.words}/{hit.of} words) — {excerpt}"
        )
    searched = ", ".join(w.word for w in results.question.words)
    also = "; ".join(f"{also} for {said}" for said, also in results.question.synonyms)
    return found, searched + (f" (also {also})" if also else "")


def render(questions: list[str], answers: dict[str, tuple[list[str], str]]) -> str:
    lines = [
        "# Search on the demo boards: twenty questions",
        "",
        "Generated by `scripts/search_questions.py` (SQLite, data/demo/*.yaml); the verdicts are a",
        "person's reading of the top three results: does a member asking this get their answer there?",
        "",
    ]
    counts = {"yes": 0, "partly": 0, "no": 0}
    for number, question in enumerate(questions, 1):
        found, searched = answers[question]
        verdict, why = VERDICTS.get(question, ("unread", "no one has read these results yet"))
        counts[verdict] = counts.get(verdict, 0) + 1
        lines += [f"## {number}. {question}", "", f"Searched: {searched}", ""]
        lines += found or ["Nothing matched."]
        lines += ["", f"**Answers it: {verdict}.** {why}", ""]
    summary = ", ".join(f"{n} {k}" for k, n in counts.items() if n)
    return "\n".join([*lines[:5], f"In all: {summary}.", "", *lines[5:]]).rstrip() + "\n"


QUESTIONS = [
    "What did we decide about the Better Care Fund?",
    "How many first time entrants to the youth justice system are there?",
    "How many looked after children are in external foster placements?",
    "What about CAMHS waiting times?",
    "What did the committee ask about the memory cafe?",
    "What is in the youth justice disproportionality action plan?",
    "How many young people are NEET?",
    "What did the consultation on the health and wellbeing strategy find?",
    "What is the reoffending rate?",
    "What was said about the JSNA?",
    "What are we doing about SEND?",
    "What about school exclusions?",
    "Who presented the Safeguarding Adults Board annual report?",
    "What did we resolve on the youth justice plans?",
    "How many care leavers are in education, employment or training?",
    "What about child poverty and the cost of living?",
    "What did the adult social care self-assessment say about CQC?",
    "What about knife crime and serious youth violence?",
    "What happened on hospital discharge?",
    "What are childhood immunisation rates?",
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check", action="store_true", help="change nothing; exit 1 if the file would change"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{folder}/demo.db")
        upgrade(engine)
        sessions = make_sessions(engine)
        with sessions.begin() as session:
            files = sorted(glob.glob(str(ROOT / "data" / "demo" / "*.yaml")))
            result = load_files(session, files, now=datetime(2023, 9, 1, 8, tzinfo=UTC))
            assert result.ok, result.problems
        with sessions() as session:
            workspace_id = session.scalar(select(m.Workspace.id).where(m.Workspace.team_id == "local"))
            answers = {q: rows(session, workspace_id, q) for q in QUESTIONS}
        engine.dispose()
    text = render(QUESTIONS, answers)
    if args.check:
        same = OUT.is_file() and OUT.read_text(encoding="utf-8") == text
        if not same:
            print(f"{OUT.relative_to(ROOT)} is out of date: run scripts/search_questions.py", file=sys.stderr)
        return 0 if same else 1
    OUT.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
