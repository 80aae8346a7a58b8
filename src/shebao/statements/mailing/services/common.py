"""Shared by the mailing commands: who may do what in the mailing, and the chunk size of a run.

Who (ARCHITECTURE.md's roles, issue 14's review):

- **start a run** (and the re-send run): the city administrator, for the whole city, a
  district or a list; a district office's supervisor (督导员), for their own district only. A
  window clerk serves the person in front of them and does not start a mailing of thousands.
- **watch the runs' progress**: those who may start one, and the monitors (city: every run;
  district: the runs touching their district), read-only.
- **the post room** (returned mail, the re-send list) and a person's delivery choice at the
  window: the window clerks (clerk, reviewer, approver) of a social-insurance office or a
  community centre, and those who may start a run. Not the card centre, the medical-insurance
  centre, a bank outlet, a kiosk or the hotline: the statement is the social-insurance agency's
  record (pension account and all), none of their business.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

from shebao.core.errors import InvalidInput, NotAllowed
from shebao.core.models import Account, Area, Office, Role
from shebao.statements.mailing.models import MailingRun
from shebao.statements.selectors import RECORD_READING_ROLES, record_office_staff

SHANGHAI = ZoneInfo("Asia/Shanghai")
CHUNK_SIZE = 500  # persons per chunk: one PDF batch of at most this many pages
# the window clerks who read and print a person's statement, and the offices they sit in (the
# record's own rule: statements.selectors)
WINDOW_ROLES = RECORD_READING_ROLES
RUN_ROLES = frozenset({Role.ADMIN, Role.SUPERVISOR})
MONITOR_ROLES = frozenset({Role.MONITOR_CITY, Role.MONITOR_DISTRICT})
# anyone with a mailing page at all (each page and command checks its own action below)
MAILING_ROLES = WINDOW_ROLES | RUN_ROLES | MONITOR_ROLES


def _staff_area(actor: Account) -> Area | None:
    """The area a staff member's office covers (None for anyone else)."""
    if actor is None or not actor.is_authenticated or not actor.is_active or actor.kind != Account.Kind.STAFF:
        return None
    office = actor.office
    return office.area if office is not None else None


def run_starter_area(actor: Account) -> Area | None:
    """The area ``actor`` may start a run for: the city administrator at a city-level office
    (the city), a district office's supervisor (its district); None for anyone else. The role
    first: every page's menu asks, and the area costs a query."""
    if actor is None or getattr(actor, "role", None) not in RUN_ROLES:
        return None
    area = _staff_area(actor)
    if area is None:
        return None
    assert actor.office is not None  # _staff_area found the office's area
    if actor.role == Role.ADMIN and area.kind == Area.Kind.CITY:
        return area
    if actor.role == Role.SUPERVISOR and actor.office.kind == Office.Kind.DISTRICT_OFFICE and area.district_id:
        return area
    return None


def run_districts(actor: Account) -> list[Area]:
    """The districts (and development zones) ``actor`` may start a run for, by code: every one
    for the city administrator, their own for a district office's supervisor, none for anyone
    else (the start form's choices; ``mailing_run_start`` checks again)."""
    area = run_starter_area(actor)
    if area is None:
        return []
    districts = Area.objects.filter(kind__in=(Area.Kind.DISTRICT, Area.Kind.ZONE)).order_by("code")
    if area.kind != Area.Kind.CITY:  # a supervisor's district office: run_starter_area checked its district
        districts = districts.filter(pk=area.district_id or 0)
    return list(districts)


def _require_run_starter(actor: Account) -> Area:
    area = run_starter_area(actor)
    if area is None:
        raise NotAllowed(
            "寄送批次由市级系统管理员或区经办机构督导员发起",
            "A mailing run is started by the city administrator or a district office's supervisor",
        )
    return area


def is_window_staff(actor: Account) -> bool:
    """A window clerk (clerk, reviewer, approver) of a social-insurance office or community centre
    (asked by every page's menu: the office's kind decides, its area is not read)."""
    return record_office_staff(actor, WINDOW_ROLES) and actor.office is not None and actor.office.area_id is not None


def run_watcher_area(actor: Account) -> Area | None:
    """The area whose runs ``actor`` may follow (read-only for the monitors); None: no runs."""
    if actor is not None and getattr(actor, "role", None) in MONITOR_ROLES:
        return _staff_area(actor)
    if run_starter_area(actor) is not None:
        return _staff_area(actor)
    return None


def _require_mailing_staff(actor: Account) -> Area:
    """The post room: returned mail and the re-send list (a window clerk, or a run's starter)."""
    area = _staff_area(actor)
    if area is None or not (is_window_staff(actor) or run_starter_area(actor) is not None):
        raise NotAllowed("只有经办人员可以寄送权益记录单", "Only agency staff send rights statements")
    return area


def last_annual_year(*, today: dt.date | None = None) -> int:
    """The last year whose annual statement may be mailed: the year before this one in
    Asia/Shanghai (the statement records a finished year; this year's has months to come)."""
    return (today or timezone.localdate(timezone=SHANGHAI)).year - 1


def mailing_year_check(*, year: int, variant: str, today: dt.date | None = None) -> None:
    """The annual statement (权益记录单) of a year not yet ended is refused (422): mailed now it
    would show the months to come as missing, and since a person and year are mailed once a
    variant, the real mailing after the year's end would be refused as a second run. The
    pension notice (养老金信息告知) shows the pension as determined now: its year is only the
    mailing's year (the once-a-year key), so this year is allowed."""
    if variant != MailingRun.Variant.ANNUAL:
        return
    last = last_annual_year(today=today)
    if year > last:
        raise InvalidInput(
            f"{year}年度尚未结束，不能寄送该年度的权益记录单；最晚可寄送{last}年度",
            f"The year {year} has not ended: the annual statement can be mailed for {last} at the latest",
            field="year",
        )
