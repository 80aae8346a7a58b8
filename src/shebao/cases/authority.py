"""三级风险控制: who may do which step of which case.

A step needs (1) a staff account of a handling role, (2) authority at least the step's
level, (3) the item's skill group (一岗通), (4) the case's jurisdiction (its office, or an
office under it such as a community centre under the district office; the receiving window
may also do the acceptance); and nobody does two
steps of one case, nor any step of a case whose applicant is themselves.

Beside the steps: who has a queue at all (``require_workbench``, for the page and the API
alike), and which applicant acts on a case as its own (``applicant_owns``: a unit only on what
it filed).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from shebao.cases.models import Case
from shebao.core.errors import NotAllowed
from shebao.core.models import Account, Office, Role

if TYPE_CHECKING:
    from shebao.catalog.models import ItemStep

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


def in_jurisdiction(actor: Account, office_id: int | None) -> bool:
    return office_id is not None and office_id in jurisdiction_offices(actor)


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
        return bool(actor.id_number) and actor.id_number == case.applicant_id_number and case.filer != Case.Filer.UNIT
    if actor.kind == Account.Kind.UNIT:
        return bool(actor.unit_code) and actor.unit_code == case.applicant_unit_code and case.filer == Case.Filer.UNIT
    return False


def require_handler(actor: Account, case: Case) -> None:
    """What every staff action on a case needs, beyond a step's own checks: a case-handling
    role (a monitor or an administrator watches, never acts), a bank outlet on card cases only,
    and never a case about oneself."""
    require_staff(actor)
    if actor.role not in HANDLING_ROLES:
        raise NotAllowed("您的岗位不办理业务", "Your role does not act on cases")
    if actor.role == Role.BANK_AGENT and case.item.insurance != "card":
        raise NotAllowed("银行代理点只能办理社保卡业务", "A bank outlet may handle card services only")
    if actor.id_number and actor.id_number == case.applicant_id_number:
        raise NotAllowed("不能办理与本人有关的业务", "You may not handle a case about yourself")


def check_step(actor: Account, case: Case, step: ItemStep, *, did_before: bool) -> None:
    """Raise NotAllowed with the precise reason, or return when ``actor`` may do ``step``."""
    require_staff(actor)
    if actor.role not in HANDLING_ROLES:
        raise NotAllowed("您的岗位不办理业务环节", "Your role does not handle case steps")
    if actor.role == Role.BANK_AGENT and case.item.insurance != "card":
        raise NotAllowed("银行代理点只能办理社保卡业务", "A bank outlet may handle card services only")
    needed = max(step.min_authority, case.required_authority)
    if actor.authority_level < needed:
        raise NotAllowed(
            f"该环节需要{needed}级权限，您为{actor.authority_level}级",
            f"This step needs authority level {needed}; you have {actor.authority_level}",
        )
    if not has_skill(actor, case.item.skill_group_id):
        raise NotAllowed("该事项不在您的业务技能组内", "This item is not in your skill groups")
    # The window that received an application may accept it (受理) even when another office
    # has jurisdiction (a card loss reported to 12333 or at a bank outlet); later steps
    # belong to the office of jurisdiction.
    receiving = (
        step.kind == "accept" and case.receiving_office_id is not None and actor.office_id == case.receiving_office_id
    )
    if not receiving and not in_jurisdiction(actor, case.office_id):
        raise NotAllowed("该办件不属于您所在机构管辖", "This case is outside your office's jurisdiction")
    if actor.id_number and actor.id_number == case.applicant_id_number:
        raise NotAllowed("不能办理与本人有关的业务", "You may not handle a case about yourself")
    if did_before:
        raise NotAllowed(
            "同一办件的不同环节须由不同人员办理",
            "Another person must do this step: you did an earlier step of this case",
        )
