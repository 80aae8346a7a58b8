"""What each role's home page shows, built from the data that exists.

One function per kind of home, each returning ``(template, context)``. Reads of persons go
through ``shebao.registry.selectors`` (scoped by the actor and audited); the rest are the
actor's own office, their own audit events, and the city-wide figures a monitor watches.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib import admin
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from shebao.cases import authority
from shebao.cases import selectors as case_selectors
from shebao.contributions.accounts import account_summary
from shebao.contributions.models import ContributionYear, Insurance
from shebao.core import workdays
from shebao.core.errors import NotFound, ShebaoError
from shebao.core.identifiers import mask_id_number
from shebao.core.models import (
    Account,
    AuditEvent,
    CalendarYear,
    Job,
    Notification,
    Office,
    Role,
)
from shebao.core.org import OfficeDay, office_day
from shebao.registry import selectors
from shebao.registry.views import channel_for
from shebao.web.forms import DueDateForm

Context = dict[str, object]
HomeBuilder = Callable[[HttpRequest, Account], tuple[str, Context]]
UNIT_STAFF_PAGE_SIZE = 20


def office_hours_on(office: Office, day: dt.date) -> OfficeDay:
    """The office's hours today as every counter check sees them (one function decides:
    ``shebao.core.org.office_day``), so the home page and the workbench never disagree."""
    return office_day(office=office, day=day)


def _own_events(user: Account, limit: int = 10) -> list[AuditEvent]:
    events = list(AuditEvent.objects.filter(actor_id=user.pk).order_by("-id")[:limit])
    for event in events:
        event.subject_person_masked = mask_id_number(event.subject_person)  # type: ignore[attr-defined]  # for the template
    return events


def _staff_office(user: Account) -> Office:
    assert user.office_id is not None  # the staff homes are for staff with an office
    return Office.objects.select_related("area", "area__district").get(pk=user.office_id)


def staff_home(request: HttpRequest, user: Account) -> tuple[str, Context]:
    """Clerk, reviewer, approver, supervisor, hotline: their desk."""
    office = _staff_office(user)
    today = timezone.localdate()
    return "web/home/staff.html", {
        "office": office,
        "hours": office_hours_on(office, today),
        "is_workday": workdays.is_workday(today),
        "skill_groups": list(user.skill_groups.order_by("code")),
        "events": _own_events(user),
        "due_form": DueDateForm.initial_today(),
        "may_search": user.role in selectors.DISTRICT_SCOPED_ROLES | selectors.CITY_WIDE_ROLES,
        "queue": _queue_summary(user),
    }


HOME_QUEUE_ROWS = 5


def _queue_summary(user: Account) -> list[tuple[object, str]] | None:
    """The first cases of the staff member's 一岗通 queue (None: not a case-handling role)."""
    if user.role not in authority.HANDLING_ROLES:
        return None
    rows = case_selectors.workbench_queue(actor=user, limit=HOME_QUEUE_ROWS)
    return [(case, mask_id_number(case.applicant_id_number)) for case in rows]


def bank_agent_home(request: HttpRequest, user: Account) -> tuple[str, Context]:
    office = _staff_office(user)
    return "web/home/bank_agent.html", {"office": office, "hours": office_hours_on(office, timezone.localdate())}


def monitor_home(request: HttpRequest, user: Account) -> tuple[str, Context]:
    """City and district monitors: the audit chain, the outbox, the jobs."""
    office = _staff_office(user)
    events = AuditEvent.objects.order_by("-id")
    scope_district = None
    if user.role == Role.MONITOR_DISTRICT and office.area.district_id is not None:
        scope_district = office.area.district
        codes = Office.objects.filter(area__district_id=office.area.district_id).values("code")
        events = events.filter(office__in=codes)
    latest = list(events[:15])
    for event in latest:
        event.subject_person_masked = mask_id_number(event.subject_person)  # type: ignore[attr-defined]  # for the template
    counts = dict(Notification.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    outbox = [(status, label, counts.get(status, 0)) for status, label in Notification.Status.choices]
    return "web/home/monitor.html", {
        "office": office,
        "scope_district": scope_district,
        "chain_size": AuditEvent.objects.count(),
        "scoped_count": events.count() if scope_district else None,
        "events": latest,
        "outbox": outbox,
        "jobs": list(Job.objects.order_by("-id")[:10]),
    }


def admin_home(request: HttpRequest, user: Account) -> tuple[str, Context]:
    this_year = timezone.localdate().year
    years = list(CalendarYear.objects.order_by("-year"))
    loaded = {y.year for y in years}
    return "web/home/admin.html", {
        "admin_apps": admin.site.get_app_list(request),
        "calendar_years": years[:6],
        "calendar_year_count": len(years),
        "this_year": this_year,
        "next_year": this_year + 1,
        "this_year_missing": this_year not in loaded,
        "next_year_missing": this_year + 1 not in loaded,
    }


@dataclass(frozen=True)
class Bar:
    year: int
    months: int
    x: int
    y: int
    height: int


def contribution_chart(rows: list[ContributionYear]) -> dict[str, object]:
    """Pension months paid per year as SVG bar geometry (0-12 months → 0-120 px)."""
    months: dict[int, int] = {}
    for row in rows:
        if row.insurance == Insurance.PENSION:
            months[row.year] = months.get(row.year, 0) + row.months
    if not months:
        return {"bars": [], "width": 0}
    first, last = min(months), max(months)
    bars = []
    for i, year in enumerate(range(first, last + 1)):
        m = min(12, months.get(year, 0))
        height = m * 10
        bars.append(Bar(year=year, months=m, x=40 + i * 36, y=130 - height, height=height))
    total = sum(months.values())
    return {
        "bars": bars,
        "width": 40 + len(bars) * 36 + 10,
        "total_years": total // 12,
        "total_months": total % 12,
        "gridlines": [(m, 130 - m * 10) for m in (0, 6, 12)],
    }


@dataclass(frozen=True)
class HallLink:
    """One door of the online hall on the citizen's home."""

    key: str
    label: str  # "中文 / English"
    url: str
    note: str = ""


def _pay_url() -> str:
    """The flexible worker's own payment page where the contributions app has mounted it
    (``web:my_pay``); until then, my contributions (where open months show)."""
    try:
        return reverse("web:my_pay")
    except NoReverseMatch:
        return reverse("web:my_contributions")


def hall_links() -> list[HallLink]:
    """网上个人服务大厅: everything a person can do online, from their home page."""
    return [
        HallLink("records", "我的参保缴费记录 / My records", reverse("web:my_contributions")),
        HallLink("statements", "我的权益记录单 / My statements", reverse("statements:mine")),
        HallLink("pension", "我的养老金 / My pension", reverse("pensions:my_pension")),
        HallLink("cases", "我的办件 / My cases", reverse("web:my_cases")),
        HallLink("apply", "网上申请 / Apply online", reverse("web:apply_index")),
        HallLink("pay", "缴费 / Pay", _pay_url()),
        HallLink("messages", "我的消息 / My messages", reverse("web:my_messages")),
        HallLink("delivery", "记录单寄送方式 / Paper or electronic statements", reverse("statement_mailing:delivery")),
        HallLink("acting", "代办（为家人办理）/ Act for a family member", reverse("web:acting")),
    ]


def citizen_home(request: HttpRequest, user: Account) -> tuple[str, Context]:
    context: Context = {
        "notifications": list(Notification.objects.filter(account=user).order_by("-created_at", "-id")[:20]),
        "my_cases": list(case_selectors.cases_of_applicant(actor=user, limit=HOME_QUEUE_ROWS)),
        "hall_links": hall_links(),
    }
    try:
        person = selectors.person_self(actor=user, channel=channel_for(user))  # the grantor's while acting
    except ShebaoError:  # no person linked to this account (or a number that does not validate)
        context["person"] = None
        return "web/home/citizen.html", context
    # The person was loaded through the scoped, audited selector above; their contribution
    # rows are theirs to see.
    rows = list(ContributionYear.objects.filter(person=person).select_related("unit").order_by("-year", "insurance"))
    paid = sum((r.personal_amount + r.employer_amount for r in rows), Decimal("0"))
    context.update(
        {
            "person": person,
            # masked on the home page, which may be open on a shared screen; the person page
            # (/persons/<pk>/) shows the person their own number in full
            "id_number_shown": mask_id_number(person.id_number),
            "is_own": True,
            "phone_shown": person.phone,
            "contribution_rows": rows,
            "contribution_paid": paid,
            "chart": contribution_chart(rows),
            # the pension personal account: the same summary /my/account/ and the API read
            "account": account_summary(actor=user, person=person),
        }
    )
    return "web/home/citizen.html", context


def unit_home(request: HttpRequest, user: Account) -> tuple[str, Context]:
    try:
        unit = selectors.unit_get_own(actor=user)
    except NotFound:
        return "web/home/unit.html", {"unit": None}
    staff = selectors.unit_staff_list(actor=user, unit=unit)
    page = Paginator(staff, UNIT_STAFF_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(employment, mask_id_number(employment.person.id_number)) for employment in page.object_list]
    return "web/home/unit.html", {"unit": unit, "page": page, "rows": rows, "staff_count": page.paginator.count}


HOMES: dict[str, HomeBuilder] = {
    Role.CLERK: staff_home,
    Role.REVIEWER: staff_home,
    Role.APPROVER: staff_home,
    Role.SUPERVISOR: staff_home,
    Role.HOTLINE: staff_home,
    Role.BANK_AGENT: bank_agent_home,
    Role.MONITOR_CITY: monitor_home,
    Role.MONITOR_DISTRICT: monitor_home,
    Role.ADMIN: admin_home,
    Role.CITIZEN: citizen_home,
    Role.UNIT: unit_home,
}
