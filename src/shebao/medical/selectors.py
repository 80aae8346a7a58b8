"""Reads of medical insurance, scoped by the actor: a person sees their own reimbursements and
filings; staff see a reimbursement when they may see its case (the case engine's rule)."""

from __future__ import annotations

from django.db.models import QuerySet

from shebao.cases import selectors as case_selectors
from shebao.core.errors import NotFound
from shebao.core.models import Account
from shebao.medical.models import CareAuthorisation, Hospital, Reimbursement


def reimbursement_get(*, actor: Account, case_number: str) -> Reimbursement:
    case_selectors.case_get(actor=actor, number=case_number)  # not visible and not there look alike
    row = Reimbursement.objects.select_related("hospital", "payment").filter(case_number=case_number).first()
    if row is None:
        raise NotFound("尚未核定", "Not assessed yet")
    return row


def reimbursements_mine(*, actor: Account) -> QuerySet[Reimbursement]:
    if actor.kind != Account.Kind.CITIZEN or not actor.id_number:
        return Reimbursement.objects.none()
    return Reimbursement.objects.select_related("payment").filter(id_number=actor.id_number)


def authorisations_mine(*, actor: Account) -> QuerySet[CareAuthorisation]:
    if actor.kind != Account.Kind.CITIZEN or not actor.id_number:
        return CareAuthorisation.objects.none()
    return CareAuthorisation.objects.filter(id_number=actor.id_number)


def hospitals_list() -> QuerySet[Hospital]:
    """The register is public (which hospitals are designated, and their level)."""
    return Hospital.objects.all()
