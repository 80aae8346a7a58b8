"""Reads of unemployment claims, always scoped by the actor: a person sees only their own
claims, a district clerk the claims of their district's persons (``registry.persons_visible``),
an employer and a bank agent none."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from shebao.core import audit
from shebao.core.errors import NotFound
from shebao.core.models import Account
from shebao.core.months import month_add, month_start
from shebao.registry.selectors import persons_visible
from shebao.unemployment.models import Claim, ClaimPayment


def claims_visible(*, actor: Account) -> QuerySet[Claim]:
    if actor is None or not actor.is_authenticated or actor.kind == Account.Kind.UNIT:
        return Claim.objects.none()
    return Claim.objects.filter(person__in=persons_visible(actor=actor))


def claims_of_self(*, actor: Account) -> list[Claim]:
    """The signed-in person's own claims, newest first, with their payments (two queries)."""
    if actor.kind != Account.Kind.CITIZEN:
        return []
    return list(
        Claim.objects.filter(person__account_id=actor.pk).prefetch_related("payments").order_by("-created_at", "-id")
    )


def claim_get(*, actor: Account, claim_id: int, channel: str = "") -> Claim:
    """One claim the actor may see; any other is ``NotFound`` (not telling it exists). A staff
    member's look is an audit event (个人权益记录: who saw whose record)."""
    claim = (
        claims_visible(actor=actor).select_related("person").prefetch_related("payments").filter(pk=claim_id).first()
    )
    if claim is None:
        raise NotFound("未找到该失业保险金记录", "No such unemployment claim")
    if actor.kind == Account.Kind.STAFF:
        audit.record(
            actor=actor,
            action="unemployment.claim.view",
            subject_type="unemployment.Claim",
            subject_id=claim.pk,
            subject_person=claim.person.id_number,
            channel=channel,
        )
    return claim


def claims_list(*, actor: Account, limit: int = 100) -> list[Claim]:
    """The clerk's list: the claims of the persons they may see, newest first."""
    return list(claims_visible(actor=actor).select_related("person").order_by("-id")[:limit])


def claim_view(claim: Claim) -> dict[str, Any]:
    """A claim as the pages and the API show it: months paid and left, amounts, the derivation."""
    payments = sorted(claim.payments.all(), key=lambda p: p.month)
    paid = len(payments)
    return {
        "id": claim.pk,
        "case_number": claim.case_number,
        "status": claim.status,
        "status_label": claim.get_status_display(),
        "start_month": f"{claim.start_month:%Y-%m}",
        "max_months": claim.max_months,
        "months_paid": paid,
        "months_left": 0 if claim.status == Claim.Status.EXHAUSTED else max(0, claim.max_months - paid),
        "monthly_benefit": f"{claim.monthly_benefit:.2f}",
        "paid_total": f"{sum((p.amount for p in payments), start=claim.monthly_benefit * 0):.2f}",
        "provisional": claim.provisional,
        "stopped_from": f"{claim.stopped_from:%Y-%m}" if claim.stopped_from else "",
        "stop_reason": claim.get_stop_reason_display() if claim.stop_reason else "",
        "derivation": claim.derivation,
        "payments": [
            {
                "month": f"{p.month:%Y-%m}",
                "amount": f"{p.amount:.2f}",
                "status": p.status,
                "medical_by_fund": p.medical_by_fund,
            }
            for p in payments
        ],
    }


def medical_paid_by_fund(*, person_id: int, month: dt.date) -> bool:
    """Whether the unemployment fund pays the person's medical insurance for ``month``: a month
    of benefit paid, or due, within a claim's months and before its stop (条例第十九条). What
    the contributions side reads so it does not bill the person for that month."""
    month = month_start(month)
    if ClaimPayment.objects.filter(claim__person_id=person_id, month=month, medical_by_fund=True).exists():
        return True
    for claim in Claim.objects.filter(person_id=person_id, status=Claim.Status.PAYING, start_month__lte=month):
        if month < month_add(claim.start_month, claim.max_months):
            return True
    return False
