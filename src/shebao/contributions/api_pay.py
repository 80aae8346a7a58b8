"""网上缴费 over the API (the app's "缴费"): the same services as ``/my/bills/`` —
``contributions.online_pay`` — so a month costs the same to the fen in every channel.

``GET /my/bills`` lists the open and overdue months with their late fee to today; ``POST
/my/bills/{bill_id}/payment-intent`` fixes today's total with the gateway and shows it, nothing
taken; ``POST /my/payments`` confirms the intent (exactly once: a repeat returns the first
payment); ``POST /payments/callback`` is the gateway's signed notification (no sign-in: the
signature is the authentication), recorded under the same key. For the insured person
themselves (an agent acts for a grantor on the pages).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Router, Schema

from shebao.contributions import online_pay
from shebao.contributions.models import Payment
from shebao.core.api import answers
from shebao.core.channels import Channel
from shebao.core.http import ApiRequest
from shebao.core.tokens import person_auth

router = Router(tags=["pay 网上缴费"])


class BillToPayOut(Schema):
    bill_id: int
    period: dt.date
    due_date: dt.date
    principal: Decimal
    late_fee: Decimal
    late_days: int
    daily_rate: Decimal
    total: Decimal


class PaymentIntentOut(BillToPayOut):
    intent_id: str
    as_of: dt.date


class PaymentConfirmIn(Schema):
    intent_id: str = Field(..., min_length=1, max_length=4000)


class OnlinePaymentOut(Schema):
    payment_id: int
    bill_id: int
    amount: Decimal
    late_fee: Decimal
    paid_at: dt.datetime
    transaction_ref: str
    receipt_url: str


class PaymentCallbackIn(Schema):
    payload: str = Field(..., max_length=8000)
    signature: str = Field(..., max_length=128)


class PaymentCallbackOut(Schema):
    recorded: bool
    payment_id: int | None


def _bill_out(quote: online_pay.PaymentQuote) -> dict[str, Any]:
    return {
        "bill_id": quote.bill.pk,
        "period": quote.bill.period,
        "due_date": quote.bill.due_date,
        "principal": quote.principal,
        "late_fee": quote.late_fee.amount,
        "late_days": quote.late_fee.days,
        "daily_rate": quote.late_fee.daily_rate,
        "total": quote.total,
    }


def _payment_out(payment: Payment) -> dict[str, Any]:
    bill = payment.bill
    return {
        "payment_id": payment.pk,
        "bill_id": bill.pk,
        "amount": payment.amount,
        "late_fee": bill.late_fee,
        "paid_at": payment.paid_at,
        "transaction_ref": payment.bank_ref,
        "receipt_url": reverse("web:my_bill_receipt", args=[bill.pk]),
    }


@router.get(
    "/my/bills",
    response=answers(list[BillToPayOut], errors=(401, 403)),
    auth=person_auth,
    summary="待缴月份 / My months to pay",
)
def my_bills(request: ApiRequest) -> list[dict[str, Any]]:
    """The open and overdue months, oldest first, each with its 滞纳金 to today."""
    return [_bill_out(q) for q in online_pay.bills_to_pay(actor=request.auth)]


@router.post(
    "/my/bills/{bill_id}/payment-intent",
    response=answers(PaymentIntentOut, errors=(401, 403, 404, 409)),
    auth=person_auth,
    summary="发起缴费（显示金额，不扣款）/ Start a payment: the amount, nothing taken",
)
def payment_intent(request: ApiRequest, bill_id: int) -> dict[str, Any]:
    quote, intent = online_pay.online_payment_start(actor=request.auth, bill_id=bill_id, channel=Channel.APP)
    return _bill_out(quote) | {"intent_id": intent.id, "as_of": quote.as_of}


@router.post(
    "/my/payments",
    response=answers(OnlinePaymentOut, errors=(401, 402, 403, 404, 409, 422)),
    auth=person_auth,
    summary="确认缴费 / Confirm a payment (exactly once)",
)
def payment_confirm(request: ApiRequest, data: PaymentConfirmIn) -> dict[str, Any]:
    payment = online_pay.online_payment_confirm(actor=request.auth, intent_id=data.intent_id, channel=Channel.APP)
    return _payment_out(payment)


@router.post(
    "/payments/callback",
    response=answers(PaymentCallbackOut, errors=(403, 404, 409, 422)),
    auth=None,
    summary="支付网关通知 / The payment gateway's notification",
)
def payment_callback(request: HttpRequest, data: PaymentCallbackIn) -> dict[str, Any]:
    """Signed by the gateway; a succeeded intent is recorded under its key (once)."""
    payment = online_pay.online_payment_callback(payload=data.payload, signature=data.signature)
    return {"recorded": payment is not None, "payment_id": payment.pk if payment is not None else None}
