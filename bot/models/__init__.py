"""The board's shared database: typed SQLAlchemy models, one module an area.

Every board belongs to a Slack workspace and every record below a board is reached through it, so
each query can be scoped to the workspace that asked. Records that come from outside carry a stable
`key` (boards, people, meetings, KPIs) or natural key (an agenda item's number in its meeting, an
action's reference in its board), which importers match on. Every model is named here, so
`from bot import models as m` then `m.Action` reaches them all.
"""

from bot.models.actions import (
    Action,
    ActionStatus,
    ActionUpdate,
    UpdateOutcome,
    UpdateRequest,
    UpdateRequestChange,
    UpdateVia,
    ref_order,
)
from bot.models.attendance import Attendance, AttendanceMode, AttendanceStatus, QuorumGroup
from bot.models.base import NAMING_CONVENTION, Base, Rag, Sourced, one_of
from bot.models.boards import (
    DEFAULT_MINUTES_DUE_WORKING_DAYS,
    DEFAULT_PAPER_DEADLINE_WORKING_DAYS,
    AgendaItem,
    Board,
    Document,
    HolidayRegion,
    Meeting,
    MeetingStatus,
    Membership,
    MembershipRole,
    Organisation,
    PaperStatus,
    Person,
    Workspace,
)
from bot.models.calendars import CalendarFeed
from bot.models.decisions import Decision, DecisionStatus, Minutes, MinutesStatus
from bot.models.declarations import AgendaNotice, Declaration, InterestKind, StandingDeclaration
from bot.models.importers import ModernGovSync
from bot.models.kpis import Better, Kpi, KpiScope, KpiValue
from bot.models.provenance import FieldProvenance, LoadedFile, LoadedValue, SourceKind
from bot.models.reminders import (
    BoardReminderSettings,
    DeliveryPreference,
    DeliveryStatus,
    ReminderDelivery,
    ReminderPreference,
    ReminderSnooze,
)
from bot.models.search import SearchEntry, SearchWatch

__all__ = [
    "DEFAULT_MINUTES_DUE_WORKING_DAYS",
    "DEFAULT_PAPER_DEADLINE_WORKING_DAYS",
    "NAMING_CONVENTION",
    "Action",
    "ActionStatus",
    "ActionUpdate",
    "AgendaItem",
    "Attendance",
    "AttendanceMode",
    "AttendanceStatus",
    "AgendaNotice",
    "Base",
    "Better",
    "Board",
    "BoardReminderSettings",
    "Declaration",
    "CalendarFeed",
    "DeliveryPreference",
    "Decision",
    "DecisionStatus",
    "DeliveryStatus",
    "Document",
    "FieldProvenance",
    "HolidayRegion",
    "InterestKind",
    "Kpi",
    "KpiScope",
    "KpiValue",
    "LoadedFile",
    "LoadedValue",
    "ModernGovSync",
    "Meeting",
    "Minutes",
    "MinutesStatus",
    "MeetingStatus",
    "Membership",
    "MembershipRole",
    "Organisation",
    "PaperStatus",
    "Person",
    "QuorumGroup",
    "Rag",
    "ReminderDelivery",
    "ReminderPreference",
    "ReminderSnooze",
    "SearchEntry",
    "SearchWatch",
    "SourceKind",
    "Sourced",
    "StandingDeclaration",
    "UpdateOutcome",
    "UpdateRequest",
    "UpdateRequestChange",
    "UpdateVia",
    "Workspace",
    "one_of",
    "ref_order",
]
