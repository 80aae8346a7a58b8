"""三级风险控制 beside the rules: the offices a staff member works for, and who counts as staff.

Which action a staff member may take on a case now (authority, skill group, jurisdiction,
separation of duties, never a case about oneself) is decided once, by the pure rules
(``cases.rules.permissions``: ``refusal``, ``require``, ``offers``), which read the facts
``cases.facts`` loads with :func:`jurisdiction_offices`.

Here too: who has a queue at all (``require_workbench``, for the page and the API
alike), and which applicant acts on a case as its own (``applicant_owns``: a unit only on what
it filed).
"""

from __future__ import annotations

from shebao.cases.models import Case
from shebao.core.errors import NotAllowed
from shebao.core.http import citizen_id_number
from shebao.core.models import Account, Office, Role

HANDLING_ROLES = frozenset({Role.CLERK, Role.REVIEWER, Role.APPROVER, Role.SUPERVISOR, Role.HOTLINE, Role.BANK_AGENT})


def jurisdiction_offices(actor: Account) -> list[int]:
    """The offices whose cases ``actor`` works on: their own, and for a community service
    centre also the district office it serves as a window of (社区窗口)."""
    office = actor.office
    if office is None:
        return []
    if office.kind == Office.Kind.COMMUNITY_CENTRE and office.parent_id:
        return [office.pk, office.parent_id]
    return [office.pk]


def has_skill(actor: Account, skill_group_id: int) -> bool:
    return any(g.pk == skill_group_id for g in actor.skill_groups.all())


def require_staff(actor: Account) -> None:
    if not actor.is_authenticated or actor.kind != Account.Kind.STAFF or not actor.is_active:
        raise NotAllowed("仅限经办人员办理", "Only agency staff may do this")


def require_workbench(actor: Account) -> None:
    """The clerk's queue (一岗通), as a page or through the API: staff of a case-handling role.
    A monitor or an administrator watches the agency's work; they have no queue of their own."""
    staff = actor.is_authenticated and actor.kind == Account.Kind.STAFF and actor.is_active
    if not staff or actor.role not in HANDLING_ROLES:
        raise NotAllowed("仅限经办人员使用工作台", "The workbench is for case-handling staff")


def applicant_owns(actor: Account, case: Case) -> bool:
    """Whether ``actor`` acts on ``case`` as its applicant (supplement, withdraw, rate).

    A unit acts only on the cases it filed itself (its own unit code on a case a unit account
    opened), never on a person's own filing that names it. A person acts on the cases about
    them, except what their employer filed (the employer's to withdraw)."""
    if not actor.is_authenticated:
        return False
    if actor.kind == Account.Kind.CITIZEN:
        number = citizen_id_number(actor)  # the grantor's while acting (代办)
        return bool(number) and number == case.applicant_id_number and case.filer != Case.Filer.UNIT
    if actor.kind == Account.Kind.UNIT:
        return bool(actor.unit_code) and actor.unit_code == case.applicant_unit_code and case.filer == Case.Filer.UNIT
    return False
