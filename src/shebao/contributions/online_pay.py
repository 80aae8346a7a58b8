"""网上缴费: a flexible worker (or their agent under a HANDLE authorisation) pays an open or
overdue month online, through the payment gateway adapter (``shebao.core.payments``).

The steps, each a service the page and the API both call:

1. :func:`payment_quote` — the month's principal, its 滞纳金 to today (``selectors.late_fee_for``:
   principal × the rule row's daily rate × days past the due date, the rule named) and the total;
2. :func:`online_payment_start` — the gateway fixes that total for a fresh reference (the
   idempotency key the payment will carry); nothing is taken, the payer sees the amount;
3. :func:`online_payment_confirm` — the payer confirmed: the bill is checked again (still open,
   the total unchanged), the gateway takes the money and the payment is recorded by
   ``services.payment_record`` under the reference, so a repeat, a double click or the
   gateway's own notification (:func:`online_payment_callback`) returns the one payment; an
   intent whose bill another payment settled meanwhile is refunded, never recorded twice;
4. the receipt is ``receipts.receipt_pdf`` of the paid bill.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from shebao.contributions import selectors, services
from shebao.contributions.models import Bill, Payment
from shebao.core.channels import Channel
from shebao.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from shebao.core.models import Account, Role
from shebao.core.payments import SUCCEEDED, Intent, payment_gateway
from shebao.registry import selectors as registry_selectors
from shebao.registry import services as registry_services


@dataclass(frozen=True)
class PaymentQuote:
    bill: Bill
    principal: Decimal
    late_fee: selectors.LateFee
    total: Decimal
    as_of: dt.date


def _citizen(actor: Account) -> None:
    if actor.kind != Account.Kind.CITIZEN or actor.role != Role.CITIZEN:
        raise NotAllowed("网上缴费仅限参保人本人或其代办人", "Online payment is for the insured person or their agent")


def _quote(bill: Bill, as_of: dt.date) -> PaymentQuote:
    fee = selectors.late_fee_for(bill=bill, as_of=as_of)
    principal = bill.employer_total + bill.personal_total
    return PaymentQuote(bill=bill, principal=principal, late_fee=fee, total=principal + fee.amount, as_of=as_of)


def _payable(*, actor: Account, bill_id: int) -> Bill:
    _citizen(actor)
    bill = selectors.bill_get(actor=actor, bill_id=bill_id)  # NotFound outside the actor's sight
    if bill.person_id is None or bill.unit_id is not None:
        raise NotFound("未找到该缴费单", "No such bill")  # a unit's bill is paid in the unit hall
    if bill.status != Bill.Status.OPEN:
        raise Conflict("该月已缴费或已撤销", "This month is already paid or cancelled")
    return bill


def bills_to_pay(*, actor: Account) -> list[PaymentQuote]:
    """The open and overdue months of the person (or the person acted for), oldest first, each
    with what it costs today."""
    _citizen(actor)
    today = timezone.localdate()
    rows = (
        selectors.bills_visible(actor=actor)
        .filter(status=Bill.Status.OPEN, unit__isnull=True, person__isnull=False)
        .order_by("period", "id")
    )
    return [_quote(bill, today) for bill in rows]


def payment_quote(*, actor: Account, bill_id: int) -> PaymentQuote:
    """What paying ``bill_id`` today takes: principal, late fee (with its days and rate), total."""
    return _quote(_payable(actor=actor, bill_id=bill_id), timezone.localdate())


def online_payment_start(*, actor: Account, bill_id: int, channel: str) -> tuple[PaymentQuote, Intent]:
    """Open a payment intent for today's total; nothing is taken until it is confirmed."""
    registry_services.acting_may_handle(actor=actor)
    quote = payment_quote(actor=actor, bill_id=bill_id)
    bill = quote.bill
    reference = f"OP{bill.pk}-{secrets.token_hex(10)}"
    intent = payment_gateway().intent_create(
        reference=reference,
        amount=quote.total,
        description=f"{bill.period:%Y-%m} 灵活就业人员社会保险费 / Flexible worker's contributions",
        metadata={
            "bill": bill.pk,
            "account": actor.pk,
            "acting": registry_selectors.acting_for(actor) or 0,
            "on": quote.as_of.isoformat(),
            "channel": channel,
        },
    )
    return quote, intent


def _intent_of(*, actor: Account, intent_id: str) -> tuple[Intent, int]:
    intent = payment_gateway().intent_get(intent_id=intent_id)
    try:
        bill_id = int(intent.metadata["bill"])
        owner = int(intent.metadata["account"])
    except (KeyError, TypeError, ValueError):
        raise InvalidInput("支付单号无效", "Not a payment intent of this service", field="intent_id") from None
    if owner != actor.pk:
        raise NotFound("未找到该支付单", "No such payment intent")
    return intent, bill_id


def online_payment_confirm(*, actor: Account, intent_id: str, channel: str) -> Payment:
    """The payer confirmed the amount shown: take it and record the payment, exactly once."""
    _citizen(actor)
    intent, bill_id = _intent_of(actor=actor, intent_id=intent_id)
    done = Payment.objects.filter(key=intent.reference).first()
    if done is not None:
        if done.bill_id != bill_id:
            raise Conflict("支付单与缴费单不符", "The payment intent is for another bill")
        selectors.bill_get(actor=actor, bill_id=bill_id)  # still the actor's to see
        return done
    registry_services.acting_may_handle(actor=actor)
    quote = payment_quote(actor=actor, bill_id=bill_id)  # Conflict when another payment settled it
    if quote.total != intent.amount:
        raise InvalidInput(
            f"应缴金额已变为 {quote.total} 元（滞纳金按日计算），请重新发起缴费",
            f"The amount due is now {quote.total} yuan (the late fee grows daily): start the payment again",
            field="intent_id",
        )
    gateway = payment_gateway()
    charged = gateway.intent_confirm(intent_id=intent.id)  # PaymentDeclined (402): nothing recorded
    return _record(actor=actor, bill=quote.bill, intent=charged, channel=channel)


def _record(*, actor: Account, bill: Bill, intent: Intent, channel: str) -> Payment:
    try:
        return services.payment_record(
            actor=actor,
            bill=bill,
            amount=intent.amount,
            key=intent.reference,
            channel=channel,
            bank_ref=intent.transaction_ref,
        )
    except Conflict:
        # paid meanwhile by another payment: the money of this one goes back
        payment_gateway().refund(intent_id=intent.id)
        raise


def online_payment_callback(*, payload: str, signature: str) -> Payment | None:
    """The gateway's asynchronous notification: a succeeded intent is recorded under its
    reference, as its payer (and as the person they acted for) — the same payment as the
    confirm's when that came first. Returns None for a notification of anything but success."""
    intent = payment_gateway().callback_verify(payload=payload, signature=signature)
    if intent.status != SUCCEEDED:
        return None
    done = Payment.objects.filter(key=intent.reference).first()
    if done is not None:
        return done
    try:
        account = Account.objects.get(pk=int(intent.metadata["account"]), is_active=True)
        bill_id = int(intent.metadata["bill"])
        acting = int(intent.metadata.get("acting") or 0)
        channel = str(intent.metadata.get("channel") or Channel.ONLINE)
    except (KeyError, TypeError, ValueError, Account.DoesNotExist):
        raise InvalidInput("支付通知无法对应缴费单", "The notification names no payment of ours") from None
    if acting:
        account.acting_for = acting  # type: ignore[attr-defined]  # the payer acted for this person
        account.acting_for_label = str(acting)  # type: ignore[attr-defined]  # a per-request attribute the pages read
    bill = selectors.bill_get(actor=account, bill_id=bill_id)
    return _record(actor=account, bill=bill, intent=intent, channel=channel)
