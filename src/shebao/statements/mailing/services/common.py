"""Shared by the mailing commands: who may send statements, and the chunk size of a run."""

from __future__ import annotations

from shebao.core.errors import NotAllowed
from shebao.core.models import Account, Area, Role

CHUNK_SIZE = 500  # persons per chunk: one PDF batch of at most this many pages
MAILING_ROLES = frozenset({Role.CLERK, Role.REVIEWER, Role.APPROVER})  # those who may issue statements


def _staff_area(actor: Account) -> Area | None:
    """The area a staff member's office covers (None for anyone else)."""
    if actor is None or not actor.is_authenticated or not actor.is_active or actor.kind != Account.Kind.STAFF:
        return None
    office = actor.office
    return office.area if office is not None else None


def _require_mailing_staff(actor: Account) -> Area:
    area = _staff_area(actor)
    if area is None or actor.role not in MAILING_ROLES:
        raise NotAllowed("只有经办人员可以寄送权益记录单", "Only agency staff send rights statements")
    return area
