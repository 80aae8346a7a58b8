"""Core tables: organisation, accounts, calendar, audit chain, notification outbox, jobs.

Nothing here knows a social-insurance rule; the engine and the domain apps build on it.
"""

from shebao.core.models.accounts import Account, Role, SkillGroup
from shebao.core.models.audit import AuditCheckpoint, AuditEvent
from shebao.core.models.calendar import CalendarDay, CalendarYear
from shebao.core.models.jobs import Job, JobChunk
from shebao.core.models.notify import Notification
from shebao.core.models.org import Area, Office, OpeningException, OpeningHours
from shebao.core.models.tokens import AppSession, AppSignInCode, AppToken, UnitApiToken

__all__ = [
    "Account",
    "AppSession",
    "AppSignInCode",
    "AppToken",
    "Area",
    "AuditCheckpoint",
    "AuditEvent",
    "CalendarDay",
    "CalendarYear",
    "Job",
    "JobChunk",
    "Notification",
    "Office",
    "OpeningException",
    "OpeningHours",
    "Role",
    "SkillGroup",
    "UnitApiToken",
]
