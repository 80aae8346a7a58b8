"""What the registry's commands share: the insurances, who may write the registry's tables
(``unit_authorise``), the audit wrapper and the bulk helpers."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from shebao.core import audit
from shebao.core.errors import NotAllowed, NotFound
from shebao.core.models import Account, Area, Role
from shebao.registry.models import InsuredStatus, Unit

# The five insurances an employer registers for (五险); a flexible worker pays two of them.
FIVE_INSURANCES: tuple[str, ...] = ("pension", "medical", "unemployment", "injury", "maternity")


FLEXIBLE_INSURANCES: tuple[str, ...] = ("pension", "medical")


INSURANCE_NAMES = {
    "pension": "养老保险",
    "medical": "医疗保险",
    "unemployment": "失业保险",
    "injury": "工伤保险",
    "maternity": "生育保险",
}


STAFF_WRITERS = frozenset({Role.CLERK, Role.REVIEWER, Role.APPROVER, Role.SUPERVISOR, Role.ADMIN})


Active = InsuredStatus.Status.ACTIVE


Suspended = InsuredStatus.Status.SUSPENDED


Terminated = InsuredStatus.Status.TERMINATED


def _require_staff_writer(actor: Account | None) -> None:
    if actor is None or not actor.is_authenticated or not actor.is_active:
        raise NotAllowed("请先登录", "Please sign in")
    if actor.kind != Account.Kind.STAFF or actor.role not in STAFF_WRITERS:
        raise NotAllowed("您的账户不能办理参保登记", "Your account may not change registry records")


def unit_authorise(*, actor: Account | None, unit: Unit) -> None:
    """A unit operator acts for their own unit only; counter staff for any unit."""
    if actor is not None and actor.is_authenticated and actor.kind == Account.Kind.UNIT:
        if actor.role != Role.UNIT or not actor.unit_code or actor.unit_code.upper() != unit.credit_code.upper():
            # existence of another unit is not revealed
            raise NotFound("未找到该单位", "No such unit")
        return
    _require_staff_writer(actor)


def _person_authorise(actor: Account | None) -> None:
    _require_staff_writer(actor)


def _audit(
    *,
    actor: Account | None,
    action: str,
    subject_type: str,
    subject_id: Any,
    subject_person: str = "",
    before: Any = None,
    after: Any = None,
    channel: str,
) -> None:
    audit.record(
        actor=actor,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        subject_person=subject_person,
        before=before,
        after=after,
        channel=channel,
    )


def _district_of(area: Area) -> Area:
    return area.district if area.district is not None else area


def _chunks(values: list[Any], size: int = 900) -> Iterable[list[Any]]:
    for i in range(0, len(values), size):
        yield values[i : i + size]
