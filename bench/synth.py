"""The synthetic boards: how many of everything, and one row generator per table.

Deterministic: the same plan and seed give the same rows. Ids are assigned here, in sequence, so every
foreign key is known without asking the database. Only the small things (workspaces, people's names,
boards, meeting dates, KPI shapes) are kept in memory; the big tables are generated row by row.
"""

from __future__ import annotations

import random
import re
from bisect import bisect, bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from bot.boarddata.loader import agenda_position

NOW = date(2026, 11, 22)  # the benchmarks' "today": due dates cluster around it
FIRST_DAY, LAST_DAY = date(2015, 1, 1), date(2030, 12, 31)  # meetings are spread over these years
WORKSPACES = (("TBENCH", "Benchmark workspace"), ("TBENCH2", "Second benchmark workspace"))

ITEMS_PER_MEETING = 10
MEMBERS_PER_BOARD = 25
AREAS_PER_BOARD = 10  # every KPI has values for each of its board's areas …
PERIODS = 20  # … in each of 20 periods
DOCUMENTS_PER_BOARD = 3 + PERIODS  # terms of reference, work programme, action log, a report a period
UPDATES_PATTERN = (0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0)  # 0.2 per action
DUE_WINDOW_DAYS = 350  # half the actions fall due in these 50 weeks around NOW: 1% of all a week


TABLE_ORDER = (
    "workspaces",
    "documents",
    "organisations",
    "people",
    "boards",
    "memberships",
    "meetings",
    "agenda_items",
    "actions",
    "action_updates",
    "kpis",
    "kpi_values",
)

COLUMNS: dict[str, tuple[str, ...]] = {
    "workspaces": ("id", "team_id", "name"),
    "documents": ("id", "workspace_id", "key", "title", "publisher", "published_on", "url"),
    "organisations": ("id", "workspace_id", "key", "name", "short_name"),
    "people": (
        "id", "workspace_id", "key", "name", "role_title", "organisation_id", "email", "slack_user_id",
    ),
    "boards": (
        "id", "workspace_id", "key", "name", "short_name", "slack_channel", "timezone", "holiday_region",
        "paper_deadline_working_days", "secretary_id", "source_document_id", "source_line",
    ),
    "memberships": ("id", "board_id", "person_id", "role", "source_document_id", "source_line"),
    "meetings": (
        "id", "board_id", "key", "meets_on", "starts_at", "venue", "host_id", "status", "papers_url",
        "notes", "source_document_id", "source_line",
    ),
    "agenda_items": (
        "id", "meeting_id", "number", "position", "title", "purpose", "pages", "presenter",
        "report_author", "report_author_id", "paper_due_on", "paper_status", "restricted", "outcome",
        "source_document_id", "source_line",
    ),
    "actions": (
        "id", "board_id", "ref", "meeting_id", "agenda_item_id", "description", "lead_id", "lead_text",
        "due_on", "timescale", "status", "rag", "progress", "source_document_id", "source_line",
    ),
    "action_updates": (
        "id", "action_id", "seq", "at", "field", "old", "new", "by_id", "by_text", "note", "via", "link",
    ),
    "kpis": (
        "id", "board_id", "key", "name", "unit", "better", "theme", "scope", "aliases", "description",
        "source_document_id", "source_line",
    ),
    "kpi_values": (
        "id", "kpi_id", "area", "period", "period_end", "value", "target", "rag", "london", "england",
        "statistical_neighbours", "previous", "previous_period", "note",
        "source_document_id", "source_line",
    ),
}  # fmt: skip

# --- Vocabulary -------------------------------------------------------------------------------------

PLACES = (
    "Northbridge", "Eastmoor", "Westfield", "Southdene", "Kingsholm", "Ashby Vale", "Riverside",
    "Hollins", "Marsh Green", "Oakhampton", "Brackley", "Fenwick", "Greystone", "Hartwell", "Ivydale",
    "Juniper Hill", "Kelsall", "Longmead", "Millbrook", "Newhaven", "Orchard Park", "Pendle Cross",
    "Queensway", "Redcliffe", "Stanmore Heath",
)  # fmt: skip
BOARD_KINDS = (
    ("hwb", "Health and Wellbeing Board", "HWB"),
    ("sab", "Safeguarding Adults Board", "SAB"),
    ("scp", "Safeguarding Children Partnership", "SCP"),
    ("csp", "Community Safety Partnership", "CSP"),
    ("yjb", "Youth Justice Management Board", "YJMB"),
    ("icp", "Integrated Care Partnership", "ICP"),
    ("fps", "Family and People Services Scrutiny Committee", "FPS"),
    ("cyp", "Children and Young People's Partnership", "CYPP"),
    ("hsb", "Housing Strategy Board", "HSB"),
    ("lsp", "Local Strategic Partnership", "LSP"),
)
ORG_KINDS = (
    "{place} Council", "{place} NHS Foundation Trust", "{place} Police", "{place} Voluntary Action",
    "{place} Integrated Care Board", "{place} Housing Association", "{place} Fire and Rescue Service",
    "{place} College", "Healthwatch {place}", "{place} Probation Service",
)  # fmt: skip
FIRST_NAMES = (
    "Amara", "Ben", "Chloe", "David", "Eleni", "Farid", "Grace", "Hamza", "Isla", "James", "Kavita",
    "Liam", "Maya", "Nathan", "Olivia", "Priya", "Quentin", "Rosa", "Samuel", "Tara", "Usman", "Vera",
    "William", "Xenia", "Yusuf", "Zara", "Aidan", "Bethany", "Carlos", "Deborah", "Emeka", "Fiona",
    "Gareth", "Helen", "Imran", "Joanna", "Kwame", "Lucy", "Marek", "Niamh",
)  # fmt: skip
LAST_NAMES = (
    "Okafor", "Smith", "Patel", "Jones", "Williams", "Brown", "Taylor", "Khan", "Davies", "Evans",
    "Wilson", "Thomas", "Roberts", "Johnson", "Lewis", "Walker", "Robinson", "Wood", "Thompson",
    "White", "Hughes", "Edwards", "Green", "Hall", "Hussain", "Clarke", "Jackson", "Ali", "Turner",
    "Hill", "Moore", "Cooper", "Ward", "Morris", "King", "Watson", "Harris", "Baker", "Novak", "Murphy",
)  # fmt: skip
ROLE_TITLES = (
    "Cabinet Member for Adult Social Care", "Director of Public Health", "Chief Executive",
    "Head of Youth Justice", "Borough Commander", "Director of Children's Services",
    "Healthwatch Chair", "Chief Nurse", "Executive Director of Adult Social Care",
    "Head of Community Safety", "Voluntary Sector Representative", "Governance Officer",
    "Policy Officer", "Assistant Director, Commissioning", "Clinical Director",
)  # fmt: skip
MEMBER_ROLES = ("chair", "vice-chair", "secretary", "officer", "officer", "substitute", "substitute")
VENUES = (
    "Committee Room 1, {place} Town Hall", "Council Chamber, {place} Civic Centre", "Microsoft Teams",
    "Conference Room 2, {place} House", "Main Hall, {place} Community Centre",
)  # fmt: skip
START_TIMES = (time(10, 0), time(14, 0), time(18, 30), time(16, 0), time(9, 30), time(13, 0))
NUMBERINGS = (
    tuple(str(n) for n in range(1, 11)),
    ("1", "2", "3", "4", "4.1", "4.2", "5", "6", "7", "8"),
    ("1", "2", "3", "4", "5", "6", "6.1", "7", "8", "9"),
)
POSITIONS = {number: agenda_position(number) for numbering in NUMBERINGS for number in numbering}
PROCEDURAL = (
    "Welcome, introductions and apologies",
    "Declarations of interest",
    "Minutes of the previous meeting and action log",
)
TOPICS = (
    "Joint Strategic Needs Assessment", "Better Care Fund plan", "Winter pressures update",
    "Youth Justice Plan", "SEND inspection action plan", "Domestic abuse strategy",
    "Suicide prevention audit", "Pharmaceutical needs assessment", "Carers' strategy refresh",
    "Health inequalities dashboard", "Rough sleeping pathway", "Annual safeguarding report",
    "Partnership risk register", "Childhood immunisations", "Healthy weight strategy",
    "Mental health crisis care", "Drug and alcohol treatment", "Early help review",
    "Integrated care strategy", "Air quality action plan", "Cost of living support",
    "Serious violence duty", "Children's social care performance", "Adult social care charging",
    "Hospital discharge", "Tobacco control", "Homelessness prevention", "Work programme",
    "Community champions", "Fuel poverty",
)  # fmt: skip
PURPOSES = ("For decision", "For information", "For comment", "For discussion", "For assurance")
OUTCOMES = (
    "Noted.",
    "The Board agreed the recommendations.",
    "The Board noted the report and asked for an update in six months.",
    "Deferred to the next meeting.",
    "Agreed, subject to the comments made.",
)
VERBS = (
    "Circulate", "Bring back", "Report on", "Review", "Update the board on", "Agree", "Confirm",
    "Write to partners about", "Share", "Arrange a workshop on", "Map", "Set up a task group on",
)  # fmt: skip
OBJECTS = (
    "the joint strategic needs assessment", "the winter pressures plan", "the SEND action plan",
    "the youth justice plan", "childhood immunisation uptake", "the better care fund submission",
    "the domestic abuse strategy", "the suicide prevention audit", "the carers' strategy",
    "the health inequalities dashboard", "the rough sleeping pathway", "the partnership risk register",
    "the terms of reference", "the autism strategy", "school readiness data", "the serious violence duty",
)  # fmt: skip
QUALIFIERS = (
    "", " with partners", " to all members", " at the next meeting", " before the budget is set",
    " including ward-level data", " with the voluntary sector",
)  # fmt: skip
LEAD_TEXTS = (
    "Public Health team", "YJS and Partners", "All partners", "ICB commissioning team",
    "Community Safety team", "Board secretariat", "Housing Options service",
)  # fmt: skip
PROGRESS = (
    "Work under way; update at the next meeting.", "Draft circulated to members for comment.",
    "Completed and reported to the board.", "Delayed by vacancies in the team.",
    "Awaiting data from NHS partners.", "Included in the forward plan.", "Briefing note circulated.",
)  # fmt: skip
SEASONS = ("Spring", "Summer", "Autumn", "Winter")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")  # fmt: skip
REGIONS = ("england", "wales", "scotland", "northern-ireland")
REGION_WEIGHTS = (85, 91, 96, 100)  # cumulative per cent
STATUSES = ("done", "open", "in_progress", "blocked", "cancelled")
# Cumulative per-mille weights of STATUSES; together: ~60% done, 25% open or in progress, 15% other.
DUE_PAST_WEIGHTS = (750, 830, 880, 940, 1000)
DUE_LATER_WEIGHTS = (300, 650, 850, 930, 1000)
UNDATED_WEIGHTS = (670, 770, 830, 920, 1000)
STATUS_PATHS = {
    "open": ("open",),
    "in_progress": ("open", "in_progress"),
    "done": ("open", "in_progress", "done"),
    "blocked": ("open", "in_progress", "blocked"),
    "cancelled": ("open", "cancelled"),
}


@dataclass(frozen=True)
class KpiTemplate:
    slug: str
    name: str
    unit: str
    better: str
    theme: str
    aliases: tuple[str, ...]
    base: float
    spread: float


KPI_TEMPLATES = (
    KpiTemplate("fte-rate", "First time entrants to the youth justice system", "per 100,000 aged 10-17",
                "lower", "Youth justice", ("FTE",), 220, 80),
    KpiTemplate("reoffending", "Proven reoffending rate", "%", "lower", "Youth justice", ("reoffending",),
                35, 10),
    KpiTemplate("lac-rate", "Looked-after children", "per 10,000 aged 0-17", "neither",
                "Children's social care", ("LAC", "CLA"), 50, 20),
    KpiTemplate("cp-plans", "Children subject to a child protection plan", "per 10,000 aged 0-17",
                "neither", "Children's social care", ("CP plans",), 40, 15),
    KpiTemplate("re-referrals", "Re-referrals to children's social care within 12 months", "%", "lower",
                "Children's social care", (), 20, 6),
    KpiTemplate("hle-female", "Healthy life expectancy at birth (female)", "years", "higher",
                "Public health", ("HLE",), 63, 4),
    KpiTemplate("smoking", "Smoking prevalence in adults", "%", "lower", "Public health", ("smoking",),
                13, 4),
    KpiTemplate("obesity-y6", "Children overweight or obese in Year 6", "%", "lower", "Public health",
                ("obesity",), 22, 5),
    KpiTemplate("mmr-5", "MMR vaccination coverage at age 5 (two doses)", "%", "higher", "Public health",
                ("MMR",), 80, 8),
    KpiTemplate("discharge-delays", "Delayed transfers of care", "days per 100,000", "lower",
                "Adult social care", ("DToC",), 300, 100),
    KpiTemplate("ld-employment", "Adults with learning disabilities in paid employment", "%", "higher",
                "Adult social care", (), 6, 3),
    KpiTemplate("care-admissions", "Permanent admissions to residential care (65+)",
                "per 100,000 aged 65+", "lower", "Adult social care", (), 500, 150),
    KpiTemplate("da-incidents", "Domestic abuse incidents reported", "count", "neither",
                "Community safety", ("DA incidents",), 3000, 800),
    KpiTemplate("rough-sleepers", "Rough sleepers counted", "count", "lower", "Housing", (), 40, 20),
    KpiTemplate("temp-accommodation", "Households in temporary accommodation", "count", "lower",
                "Housing", ("TA",), 1500, 500),
    KpiTemplate("neet", "16-17 year olds not in education, employment or training", "%", "lower",
                "Education", ("NEET",), 4, 2),
    KpiTemplate("gld", "Children achieving a good level of development", "%", "higher", "Education",
                ("GLD",), 70, 8),
    KpiTemplate("assessment-days", "Average days from referral to assessment", "days", "lower",
                "Adult social care", (), 28, 10),
    KpiTemplate("s42-enquiries", "Safeguarding enquiries concluded", "count", "neither", "Safeguarding",
                ("s42",), 600, 200),
    KpiTemplate("knife-crime", "Knife crime offences", "count", "lower", "Community safety", (), 400, 150),
)  # fmt: skip
KPI_VARIANTS = ("", " (female)", " (male)", " (under 25s)", " (over 65s)", " (most deprived areas)")


def _financial_years() -> tuple[tuple[str, date], ...]:
    """The 20 financial years to 2025/26, labelled the usual way ("2019/20")."""
    return tuple(
        (f"{year}/{(year + 1) % 100:02d}", date(year + 1, 3, 31)) for year in range(2025 - PERIODS + 1, 2026)
    )


def _quarters() -> tuple[tuple[str, date], ...]:
    """The 20 quarters to Q4 2025/26 ("Q3 2024/25")."""
    ends = ((6, 30), (9, 30), (12, 31), (3, 31))
    quarters = []
    for year in range(2021, 2026):
        for n, (month, day) in enumerate(ends, start=1):
            quarters.append((f"Q{n} {year}/{(year + 1) % 100:02d}", date(year + (n == 4), month, day)))
    return tuple(quarters)


YEARS = _financial_years()
QUARTERS = _quarters()


def slug(text_: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text_.lower()).strip("-")


def updates_of(action_number: int) -> int:
    """How many history entries the action with this number (1, 2, … in its board) gets."""
    return UPDATES_PATTERN[action_number % len(UPDATES_PATTERN)]


# --- The plan: how many of everything ---------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """How many of each record to make; per-board counts shrink with the scale once boards cannot."""

    boards: tuple[int, int]  # per workspace: TBENCH, TBENCH2
    people: tuple[int, int]
    organisations: tuple[int, int]
    meetings_per_board: int
    actions_per_board: int
    kpis_per_board: int

    @classmethod
    def at(cls, scale: float) -> Plan:
        if not scale > 0:
            raise ValueError(f"scale must be a positive number, not {scale}")
        boards = max(1, round(200 * scale))
        enough_people = MEMBERS_PER_BOARD + 5
        return cls(
            boards=(boards, max(1, round(5 * scale))),
            people=(max(enough_people, round(5000 * scale)), max(enough_people, round(150 * scale))),
            organisations=(max(10, round(100 * scale)), 10),
            meetings_per_board=max(4, round(20_000 * scale / boards)),
            actions_per_board=max(20, round(500_000 * scale / boards)),
            kpis_per_board=max(2, round(10_000 * scale / boards)),
        )

    def counts(self) -> dict[str, int]:
        """The number of rows each table will have."""
        boards = sum(self.boards)
        updates = sum(updates_of(n) for n in range(1, self.actions_per_board + 1))
        return {
            "workspaces": len(WORKSPACES),
            "documents": boards * DOCUMENTS_PER_BOARD,
            "organisations": sum(self.organisations),
            "people": sum(self.people),
            "boards": boards,
            "memberships": boards * MEMBERS_PER_BOARD,
            "meetings": boards * self.meetings_per_board,
            "agenda_items": boards * self.meetings_per_board * ITEMS_PER_MEETING,
            "actions": boards * self.actions_per_board,
            "action_updates": boards * updates,
            "kpis": boards * self.kpis_per_board,
            "kpi_values": boards * self.kpis_per_board * AREAS_PER_BOARD * PERIODS,
        }


# --- The synthetic data -----------------------------------------------------------------------------


@dataclass
class WorkspaceShape:
    id: int
    team_id: str
    name: str
    organisation_ids: range
    person_ids: range


@dataclass
class BoardShape:
    id: int
    workspace: WorkspaceShape
    key: str
    name: str
    short_name: str
    place: str
    areas: tuple[str, ...]
    first_document_id: int
    members: list[int]  # person ids, in MEMBER_ROLES order then plain members; [2] is the secretary
    first_meeting_id: int
    meeting_days: list[int]  # date ordinals, ascending
    meeting_statuses: list[str]

    @property
    def channel(self) -> str:
        return f"CB{self.id:04d}"


@dataclass
class KpiShape:
    id: int
    board: BoardShape
    number: int  # 0, 1, … within the board
    template: KpiTemplate
    variant: int
    quarterly: bool
    dated: bool
    target: float | None
    with_rag: bool
    with_comparators: bool
    with_previous: bool


@dataclass
class UpdatedAction:
    """What the history of an action needs to know about it."""

    id: int
    number: int
    board: BoardShape
    status: str
    lead_id: int | None
    raised_day: int  # ordinal
    due_day: int | None


class Synth:
    """Deterministic synthetic board data: one row generator per table, ids assigned in sequence."""

    def __init__(self, plan: Plan, seed: int = 1):
        self.plan = plan
        self.seed = seed
        self.workspaces: list[WorkspaceShape] = []
        self.boards: list[BoardShape] = []
        self.kpi_shapes: list[KpiShape] = []
        self.updated_actions: list[UpdatedAction] = []
        self.person_names: dict[int, str] = {}
        self.people_rows: list[tuple] = []
        self._shape_workspaces()
        self._shape_people()
        self._shape_boards()
        self._shape_kpis()

    def rng(self, *parts: object) -> random.Random:
        """A random stream of its own for each table and board, so each can be made independently."""
        return random.Random("/".join(map(str, (self.seed, *parts))))

    # The small things, kept in memory: workspaces, people's names, boards, meeting dates, KPIs.

    def _shape_workspaces(self) -> None:
        next_org = next_person = 1
        for number, (team_id, name) in enumerate(WORKSPACES):
            orgs, people = self.plan.organisations[number], self.plan.people[number]
            self.workspaces.append(
                WorkspaceShape(
                    number + 1,
                    team_id,
                    name,
                    range(next_org, next_org + orgs),
                    range(next_person, next_person + people),
                )
            )
            next_org += orgs
            next_person += people

    def _shape_people(self) -> None:
        rng = self.rng("people")
        for workspace in self.workspaces:
            for person_id in workspace.person_ids:
                first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
                r = rng.random()
                honorific = "Councillor " if r < 0.15 else "Dr " if r < 0.23 else ""
                name = f"{honorific}{first} {last}"
                slack_id = f"UB{person_id:05d}" if rng.random() < 0.4 else None
                self.person_names[person_id] = name
                self.people_rows.append(
                    (
                        person_id,
                        workspace.id,
                        f"{slug(first)}-{slug(last)}-{person_id}",
                        name,
                        rng.choice(ROLE_TITLES) if rng.random() < 0.8 else None,
                        rng.choice(workspace.organisation_ids) if rng.random() < 0.9 else None,
                        f"{first}.{last}.{person_id}@example.org".lower() if rng.random() < 0.7 else None,
                        slack_id,
                    )
                )

    def _shape_boards(self) -> None:
        board_id = meeting_id = 0
        span = LAST_DAY.toordinal() - FIRST_DAY.toordinal()
        per_board = self.plan.meetings_per_board
        now = NOW.toordinal()
        for number, workspace in enumerate(self.workspaces):
            for _ in range(self.plan.boards[number]):
                board_id += 1
                rng = self.rng("board", board_id)
                kind, kind_name, kind_short = BOARD_KINDS[board_id % len(BOARD_KINDS)]
                place = PLACES[(board_id // len(BOARD_KINDS)) % len(PLACES)]
                areas = (place, *rng.sample([p for p in PLACES if p != place], AREAS_PER_BOARD - 1))
                people = list(workspace.person_ids)
                members = rng.sample(people, min(MEMBERS_PER_BOARD, len(people)))
                step = span / per_board
                jitter = min(10, int(step / 4))
                days: list[int] = []
                statuses: list[str] = []
                for n in range(per_board):
                    day = FIRST_DAY.toordinal() + int((n + 0.5) * step) + rng.randint(-jitter, jitter)
                    day -= max(0, date.fromordinal(day).weekday() - 3)  # Friday to Sunday: back to Thursday
                    days.append(day)
                    r = rng.random()
                    if day < now:
                        status = "cancelled" if r < 0.04 else "confirmed"
                    elif day < now + 180:
                        status = "cancelled" if r < 0.03 else "provisional" if r < 0.15 else "confirmed"
                    else:
                        status = "confirmed" if r < 0.2 else "provisional"
                    statuses.append(status)
                self.boards.append(
                    BoardShape(
                        id=board_id,
                        workspace=workspace,
                        key=f"{kind}-{board_id:04d}",
                        name=f"{place} {kind_name}",
                        short_name=f"{kind_short} {board_id}",
                        place=place,
                        areas=areas,
                        first_document_id=(board_id - 1) * DOCUMENTS_PER_BOARD + 1,
                        members=members,
                        first_meeting_id=meeting_id + 1,
                        meeting_days=days,
                        meeting_statuses=statuses,
                    )
                )
                meeting_id += per_board

    def _shape_kpis(self) -> None:
        kpi_id = 0
        for board in self.boards:
            rng = self.rng("kpis", board.id)
            for number in range(self.plan.kpis_per_board):
                kpi_id += 1
                template = KPI_TEMPLATES[number % len(KPI_TEMPLATES)]
                targeted = rng.random() < 0.4
                self.kpi_shapes.append(
                    KpiShape(
                        id=kpi_id,
                        board=board,
                        number=number,
                        template=template,
                        variant=(number // len(KPI_TEMPLATES)) % len(KPI_VARIANTS),
                        quarterly=rng.random() < 0.3,
                        dated=rng.random() < 0.95,
                        target=round(template.base * (0.8 + 0.4 * rng.random()), 1) if targeted else None,
                        with_rag=targeted and template.better != "neither",
                        with_comparators=rng.random() < 0.3,
                        with_previous=rng.random() < 0.5,
                    )
                )

    # One generator of row tuples per table, in COLUMNS order.

    def rows(self, table: str) -> Iterator[tuple]:
        return getattr(self, f"_{table}")()

    def _workspaces(self) -> Iterator[tuple]:
        for workspace in self.workspaces:
            yield (workspace.id, workspace.team_id, workspace.name)

    def _documents(self) -> Iterator[tuple]:
        for board in self.boards:
            first, ws = board.first_document_id, board.workspace.id
            publisher = f"{board.place} Council"
            url = f"https://democracy.example.gov.uk/{board.key}/documents/"
            yield (first, ws, f"{board.key}-terms-of-reference", f"{board.name}: terms of reference",
                   publisher, date(2015, 1, 5), url + "tor.pdf")  # fmt: skip
            yield (first + 1, ws, f"{board.key}-work-programme", f"{board.name}: work programme 2026/27",
                   publisher, date(2026, 6, 1), url + "work-programme.pdf")  # fmt: skip
            yield (first + 2, ws, f"{board.key}-action-log", f"{board.name}: action log",
                   publisher, NOW - timedelta(days=30), url + "action-log.pdf")  # fmt: skip
            for period, (label, end) in enumerate(YEARS):
                yield (first + 3 + period, ws, f"{board.key}-performance-{slug(label)}",
                       f"{board.name}: performance report {label}", publisher, end + timedelta(days=90),
                       f"{url}performance-{slug(label)}.pdf")  # fmt: skip

    def _organisations(self) -> Iterator[tuple]:
        for workspace in self.workspaces:
            for number, org_id in enumerate(workspace.organisation_ids):
                kind = ORG_KINDS[number % len(ORG_KINDS)]
                place = PLACES[(number // len(ORG_KINDS) + workspace.id - 1) % len(PLACES)]
                name = kind.format(place=place)
                key = slug(name) if number < len(ORG_KINDS) * len(PLACES) else f"{slug(name)}-{number}"
                short = "".join(word[0] for word in name.split() if word[0].isupper())
                yield (org_id, workspace.id, key, name, short)

    def _people(self) -> Iterator[tuple]:
        yield from self.people_rows

    def _boards(self) -> Iterator[tuple]:
        for board in self.boards:
            rng = self.rng("board-row", board.id)
            region = REGIONS[bisect(REGION_WEIGHTS, rng.randrange(100))]
            yield (board.id, board.workspace.id, board.key, board.name, board.short_name, board.channel,
                   "Europe/London", region, rng.randint(5, 15), board.members[2],
                   board.first_document_id, 1)  # fmt: skip

    def _memberships(self) -> Iterator[tuple]:
        membership_id = 0
        for board in self.boards:
            rng = self.rng("memberships", board.id)
            for number, person_id in enumerate(board.members):
                membership_id += 1
                role = MEMBER_ROLES[number] if number < len(MEMBER_ROLES) else "member"
                if role == "vice-chair" and rng.random() < 0.3:
                    role = "co-chair"
                source = (board.first_document_id, 10 + number) if rng.random() < 0.5 else (None, None)
                yield (membership_id, board.id, person_id, role, *source)

    def _meetings(self) -> Iterator[tuple]:
        now = NOW.toordinal()
        orgs_of = {w.id: w.organisation_ids for w in self.workspaces}
        for board in self.boards:
            rng = self.rng("meetings", board.id)
            rand, choice = rng.random, rng.choice
            orgs = orgs_of[board.workspace.id]
            for n, (day, status) in enumerate(zip(board.meeting_days, board.meeting_statuses, strict=True)):
                meeting_id = board.first_meeting_id + n
                meets_on = date.fromordinal(day)
                far = status == "provisional" and day > now + 180
                starts_at = choice(START_TIMES) if rand() < (0.5 if far else 0.92) else None
                notes = None
                if status == "cancelled" and rand() < 0.5:
                    notes = "Cancelled: insufficient business."
                elif rand() < 0.02:
                    notes = "Joint meeting with the neighbouring board."
                papers = None
                if day < now and status == "confirmed":
                    papers = f"https://democracy.example.gov.uk/ieListDocuments.aspx?MId={meeting_id}"
                cited = status == "provisional"
                yield (meeting_id, board.id, f"{board.key}-{meets_on.isoformat()}", meets_on, starts_at,
                       choice(VENUES).format(place=board.place), choice(orgs) if rand() < 0.5 else None,
                       status, papers, notes, board.first_document_id + 1 if cited else None,
                       10 + n if cited else None)  # fmt: skip

    def _agenda_items(self) -> Iterator[tuple]:
        now = NOW.toordinal()
        item_id = 0
        for board in self.boards:
            rng = self.rng("agenda-items", board.id)
            rand, choice, randint = rng.random, rng.choice, rng.randint
            members = board.members
            names = [self.person_names[p] for p in members]
            for n, (day, status) in enumerate(zip(board.meeting_days, board.meeting_statuses, strict=True)):
                meeting_id = board.first_meeting_id + n
                past = day < now
                held = past and status != "cancelled"
                r = rand()
                numbering = NUMBERINGS[0] if r < 0.7 else NUMBERINGS[1] if r < 0.85 else NUMBERINGS[2]
                page = 1
                last = len(numbering) - 1
                for j, number in enumerate(numbering):
                    item_id += 1
                    pages = None
                    if past:
                        length = randint(1, 24)
                        pages, page = f"{page} - {page + length - 1}", page + length
                    if j < 3 or j == last:
                        title = PROCEDURAL[j] if j < 3 else "Any other business"
                        yield (item_id, meeting_id, number, POSITIONS[number], title, None, pages,
                               names[0], None, None, None, None, False, "Noted." if held else None,
                               None, None)  # fmt: skip
                        continue
                    who = randint(3, len(members) - 1) if len(members) > 3 else 0
                    author_id = members[who] if rand() < 0.3 else None
                    if past:
                        paper_status = "withdrawn" if rand() < 0.03 else "published"
                    else:
                        paper_status = "submitted" if day - now < 14 and rand() < 0.6 else "awaited"
                    restricted = rand() < 0.02
                    title = choice(TOPICS)
                    yield (item_id, meeting_id, number, POSITIONS[number],
                           f"Exempt: {title}" if restricted else title, choice(PURPOSES), pages,
                           names[who], f"{names[who]}, report author" if rand() < 0.5 else None, author_id,
                           date.fromordinal(day - 14) if rand() < 0.05 else None, paper_status, restricted,
                           choice(OUTCOMES) if held else None,
                           board.first_document_id + 1, 100 + j)  # fmt: skip

    def _actions(self) -> Iterator[tuple]:
        now = NOW.toordinal()
        half_window = DUE_WINDOW_DAYS // 2
        action_id = 0
        self.updated_actions = []
        for board in self.boards:
            rng = self.rng("actions", board.id)
            rand, choice, randrange = rng.random, rng.choice, rng.randrange
            days = board.meeting_days
            held = bisect(days, now)  # meetings before NOW
            action_log = board.first_document_id + 2
            for number in range(1, self.plan.actions_per_board + 1):
                action_id += 1
                if rand() < 0.5:
                    due_day = now + randrange(-half_window, half_window)
                    before = bisect_left(days, due_day - 14)  # meetings at least two weeks earlier
                    index = randrange(max(0, before - 6), before) if before else None
                    weights = DUE_PAST_WEIGHTS if due_day < now else DUE_LATER_WEIGHTS
                    timescale = None
                else:
                    due_day = None
                    index = randrange(held) if held else None
                    weights = UNDATED_WEIGHTS
                    timescale = _timescale(rng, days[index] if index is not None else now)
                status = STATUSES[bisect(weights, randrange(1000))]
                if index is not None and rand() < 0.1:
                    index = None  # raised between meetings
                meeting_id = board.first_meeting_id + index if index is not None else None
                item_id = None
                if meeting_id is not None and rand() < 0.5:  # one of the meeting's substantive items
                    item_id = (meeting_id - 1) * ITEMS_PER_MEETING + randrange(4, ITEMS_PER_MEETING)
                lead_id = choice(board.members) if rand() < 0.7 else None
                rag = None
                if status in ("open", "in_progress", "blocked") and rand() < 0.5:
                    rag = "red" if status == "blocked" else choice(("red", "amber", "green"))
                elif status == "done" and rand() < 0.2:
                    rag = "green"
                cited = rand() < 0.5
                if updates_of(number):
                    raised = days[index] if index is not None else (due_day or now) - 60
                    self.updated_actions.append(
                        UpdatedAction(action_id, number, board, status, lead_id, raised, due_day)
                    )
                yield (action_id, board.id, f"A-{number}", meeting_id, item_id,
                       f"{choice(VERBS)} {choice(OBJECTS)}{choice(QUALIFIERS)}.", lead_id,
                       None if lead_id else choice(LEAD_TEXTS),
                       date.fromordinal(due_day) if due_day else None, timescale, status, rag,
                       choice(PROGRESS) if rand() < 0.5 else None,
                       action_log if cited else None, 10 + number if cited else None)  # fmt: skip

    def _action_updates(self) -> Iterator[tuple]:
        """The history of the actions `_actions` picked (running it first if it has not run)."""
        if not self.updated_actions:
            for _ in self._actions():
                pass
        rng = self.rng("action-updates")
        rand, choice, randrange = rng.random, rng.choice, rng.randrange
        epoch = date(1970, 1, 1).toordinal()
        now = NOW.toordinal()
        update_id = 0
        for action in self.updated_actions:
            count = updates_of(action.number)
            path = STATUS_PATHS[action.status]
            transitions = list(zip(path, path[1:], strict=False))[-count:]
            start = (action.raised_day - epoch) * 86400 + 36000
            end = (max(now, action.raised_day + 30) - epoch) * 86400
            stamps = sorted(start + randrange(end - start) for _ in range(count))
            free = count - len(transitions)  # entries before the status changes
            for seq, stamp in enumerate(stamps, start=1):
                update_id += 1
                if seq > free:
                    name, (old, new) = "status", transitions[seq - free - 1]
                else:
                    r = rand()
                    if r < 0.7:
                        name, old, new = "progress", None, choice(PROGRESS)
                    elif r < 0.85 and action.due_day:
                        moved = date.fromordinal(action.due_day)
                        name, old, new = "due_on", (moved - timedelta(days=28)).isoformat(), moved.isoformat()
                    else:
                        name, old, new = "rag", "amber", choice(("red", "green"))
                at = datetime.fromtimestamp(stamp, UTC)
                by_id, by_text, note, link = action.lead_id, None, None, None
                r = rand()
                if r < 0.5:
                    via = "message"
                    if by_id is None:
                        by_text = f"UB{randrange(1, 99_999):05d}"
                    link = f"https://tbench.slack.com/archives/{action.board.channel}/p{stamp}000100"
                elif r < 0.7:
                    via = "button"
                elif r < 0.85:
                    via = "form"
                    note = "Updated from the action form." if rand() < 0.5 else None
                else:
                    via, by_id, by_text = "import", None, "import"
                    note = f"loaded from {action.board.key}-action-log.yaml"
                yield (update_id, action.id, seq, at, name, old, new, by_id, by_text, note, via, link)

    def _kpis(self) -> Iterator[tuple]:
        for kpi in self.kpi_shapes:
            t = kpi.template
            variant = KPI_VARIANTS[kpi.variant]
            key = f"{kpi.board.key}-{t.slug}" + (f"-{kpi.variant + 1}" if kpi.variant else "")
            if kpi.number >= len(KPI_TEMPLATES) * len(KPI_VARIANTS):
                key += f"-{kpi.number}"
            yield (kpi.id, kpi.board.id, key, t.name + variant, t.unit, t.better, t.theme,
                   "partnership" if kpi.number % 5 == 4 else "borough", list(t.aliases) or None,
                   f"{t.name}{variant}, as reported to the board." if kpi.number % 3 == 0 else None,
                   kpi.board.first_document_id + 3 + PERIODS - 1, 10 + kpi.number)  # fmt: skip

    def _kpi_values(self) -> Iterator[tuple]:
        value_id = 0
        for kpi in self.kpi_shapes:
            rng = self.rng("kpi-values", kpi.id)
            rand = rng.random
            t = kpi.template
            periods = QUARTERS if kpi.quarterly else YEARS
            ceiling = 100.0 if t.unit == "%" else float("inf")
            drift = t.spread * (rand() - 0.5) * 0.05
            noise = t.spread * 0.2
            comparators = [
                tuple(round(t.base + drift * p + noise * (rand() - 0.5), 1) for _ in range(3))
                if kpi.with_comparators
                else (None, None, None)
                for p in range(PERIODS)
            ]
            target, better = kpi.target, t.better
            first_report = kpi.board.first_document_id + 3
            for a, area in enumerate(kpi.board.areas):
                level = t.base * (0.8 + 0.4 * rand())
                line = 12 + kpi.number * AREAS_PER_BOARD + a
                previous = None
                for p in range(PERIODS):
                    label, end = periods[p]
                    value = round(min(max(level + drift * p + noise * (rand() - 0.5), 0.0), ceiling), 1)
                    rag = None
                    if kpi.with_rag:
                        ahead = value >= target if better == "higher" else value <= target
                        close = abs(value - target) <= 0.1 * abs(target)
                        rag = "green" if ahead else "amber" if close else "red"
                    value_id += 1
                    london, england, neighbours = comparators[p]
                    yield (value_id, kpi.id, area, label, end if kpi.dated else None, value, target, rag,
                           london, england, neighbours,
                           previous if kpi.with_previous else None,
                           periods[p - 1][0] if kpi.with_previous and p else None,
                           "Provisional figure." if rand() < 0.005 else None,
                           first_report + p, line)  # fmt: skip
                    previous = value


def _timescale(rng: random.Random, raised_day: int) -> str:
    """A timescale as people write them, a season to a year after the meeting that set it."""
    when = date.fromordinal(raised_day + rng.randrange(30, 365))
    r = rng.random()
    if r < 0.15:
        return "Ongoing"
    if r < 0.25:
        return "By the next meeting"
    if r < 0.55:
        return f"{SEASONS[((when.month - 3) % 12) // 3]} {when.year}"
    if r < 0.85:
        return f"{MONTHS[when.month - 1]} {when.year}"
    fy = when.year if when.month > 3 else when.year - 1
    return f"Q{((when.month - 4) % 12) // 3 + 1} {fy}/{(fy + 1) % 100:02d}"
