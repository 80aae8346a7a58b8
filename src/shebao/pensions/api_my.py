"""The retiree's pension over the API (the app's "我的养老金"): ``GET /api/v1/my/pension``, the
same figures as ``/my/pension/`` and the 养老待遇明细表, read through the one selector
(``pensions.selectors.pension_of_mine``), with money as strings to the fen."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Router, Schema

from shebao.core.api import answers
from shebao.core.errors import NotAllowed
from shebao.core.http import ApiRequest
from shebao.core.models import Account
from shebao.core.tokens import person_auth
from shebao.pensions.selectors import pension_of_mine

router = Router(tags=["pension 养老待遇"])


class ComponentOut(Schema):
    key: str
    label_zh: str
    label_en: str
    amount: str
    formula: str


class LineOut(Schema):
    key: str
    label_zh: str
    label_en: str
    formula: str
    value: str
    rule_ref: str | None = None


class PaymentOut(Schema):
    month: dt.date
    kind: str
    kind_label: str
    amount: str
    card: str
    note: str


class PensionOut(Schema):
    retired: bool
    status: str
    certificate_number: str | None
    retirement_month: dt.date | None
    effective_from: dt.date | None
    monthly: str | None
    provisional: bool
    components: list[ComponentOut]
    derivation: list[LineOut]
    rule_refs: list[str]
    payments: list[PaymentOut]
    paid_total: str


@router.get(
    "/my/pension",
    response=answers(PensionOut, errors=(401, 403, 404)),
    auth=person_auth,
    summary="我的养老金 / My pension",
)
def my_pension(request: ApiRequest) -> dict[str, Any]:
    """The monthly basic pension, its three parts with their formulas, every line of the
    derivation with the rule rows it used, and the latest payments. For the insured person."""
    user = request.auth
    if user.kind != Account.Kind.CITIZEN:
        raise NotAllowed("仅限参保人本人查询", "For insured persons only")
    view = pension_of_mine(actor=user)
    det = view.determination
    return {
        "retired": view.certificate is not None,
        "status": view.profile.status if view.profile is not None else "pending",
        "certificate_number": view.certificate.number if view.certificate else None,
        "retirement_month": view.certificate.retirement_month if view.certificate else None,
        "effective_from": det.effective_from if det else None,
        "monthly": str(det.total) if det else None,
        "provisional": bool(det and det.provisional),
        "components": [
            {
                "key": c.key,
                "label_zh": c.label_zh,
                "label_en": c.label_en,
                "amount": str(c.amount),
                "formula": c.formula,
            }
            for c in view.components
        ],
        "derivation": list(view.derivation),
        "rule_refs": list(det.rule_refs) if det else [],
        "payments": [
            {
                "month": p.month,
                "kind": p.kind,
                "kind_label": p.kind_label,
                "amount": str(p.amount),
                "card": p.card_tail,
                "note": p.note,
            }
            for p in view.payments
        ],
        "paid_total": str(view.paid_total),
    }
