"""What the pension commands share: who may write, the profile under a row lock, the audit
wrapper and the benefit's event log."""

from __future__ import annotations

import datetime as dt
from typing import Any

from shebao.core import audit
from shebao.core.errors import NotAllowed
from shebao.core.models import Account, Role
from shebao.pensions.models.benefits import BenefitEvent, PensionProfile
from shebao.registry.models import Person

# Counter staff write through the engine (the completing step's actor, whose authority the
# engine has checked); administrators may correct. Nobody else writes a pension.
STAFF_WRITERS = frozenset({Role.CLERK, Role.REVIEWER, Role.APPROVER, Role.SUPERVISOR, Role.ADMIN})
APPROVERS = frozenset({Role.APPROVER, Role.ADMIN})
REGION = "wuhan"


def staff_authorise(actor: Account | None) -> None:
    if actor is None or not actor.is_authenticated or not actor.is_active:
        raise NotAllowed("请先登录", "Please sign in")
    if actor.kind != Account.Kind.STAFF or actor.role not in STAFF_WRITERS:
        raise NotAllowed("您的账户不能办理养老待遇业务", "Your account may not change pension records")


def approver_authorise(actor: Account | None) -> None:
    """待遇核定 is risk level 3 (ARCHITECTURE.md): an approver with authority level 3."""
    staff_authorise(actor)
    assert actor is not None  # checked above
    if actor.role not in APPROVERS or actor.authority_level < 3:
        raise NotAllowed("养老待遇核定须由审批岗（三级权限）审批", "A determination needs an approver (level 3)")


def profile_lock(person: Person) -> PensionProfile:
    """The person's profile, created when missing, locked for the rest of the transaction."""
    PensionProfile.objects.get_or_create(person=person)
    return PensionProfile.objects.select_for_update().get(person=person)


def event_add(
    *,
    person: Person,
    kind: str,
    on: dt.date,
    actor: Account | None,
    case_number: str = "",
    detail: dict[str, Any] | None = None,
) -> BenefitEvent:
    return BenefitEvent.objects.create(
        person=person, kind=kind, on=on, case_number=case_number, detail=detail or {}, actor=actor
    )


def record(
    *,
    actor: Account | None,
    action: str,
    person: Person,
    subject_type: str = "pensions.PensionProfile",
    subject_id: Any = "",
    before: Any = None,
    after: Any = None,
    channel: str = "",
) -> None:
    audit.record(
        actor=actor,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id or person.pk,
        subject_person=person.id_number,
        before=before,
        after=after,
        channel=channel,
    )
