"""The payment gateway adapter (网上支付): the contract a real gateway fulfils (UnionPay, a
bank's e-payment, WeChat Pay or Alipay behind one aggregator) and the fake the demo and the
tests use. Core knows no bill: the caller names the payment by its own reference (the merchant
order number, our idempotency key) and reads back what the gateway says.

The contract, as real gateways have it:

- :meth:`PaymentGateway.intent_create` fixes an amount for a reference and returns an intent
  (status ``requires_confirmation``); nothing is taken yet. The same reference twice gives the
  same intent.
- :meth:`PaymentGateway.intent_confirm` takes the money (the payer has seen and confirmed the
  amount); confirming again returns the same succeeded intent, never a second charge.
- :meth:`PaymentGateway.callback_verify` checks a gateway's asynchronous notification (its
  signature) and returns the intent it reports; the caller records the payment idempotently,
  so a callback after the confirm, or twice, changes nothing.
- :meth:`PaymentGateway.refund` gives the money back (an intent whose bill was paid meanwhile).

:class:`FakeGateway` keeps no state: an intent id is the signed intent itself, and the
transaction reference is derived from the reference, so every process agrees (the demo's and
the tests'). It declines nothing unless told (``decline`` in the metadata).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from django.conf import settings
from django.core import signing
from django.utils.module_loading import import_string

from shebao.core.errors import InvalidInput, ShebaoError

REQUIRES_CONFIRMATION = "requires_confirmation"
SUCCEEDED = "succeeded"
DECLINED = "declined"
REFUNDED = "refunded"


class PaymentDeclined(ShebaoError):
    """The gateway refused to take the money (card declined, limit reached)."""

    status = 402
    code = "payment_declined"


@dataclass(frozen=True)
class Intent:
    id: str
    reference: str
    amount: Decimal
    status: str
    metadata: dict[str, Any] = field(default_factory=dict)
    transaction_ref: str = ""


class PaymentGateway(Protocol):
    def intent_create(self, *, reference: str, amount: Decimal, description: str, metadata: dict[str, Any]) -> Intent:
        """Fix ``amount`` for ``reference``; nothing is taken."""

    def intent_get(self, *, intent_id: str) -> Intent:
        """The intent (InvalidInput when the id is not one of this gateway's)."""

    def intent_confirm(self, *, intent_id: str) -> Intent:
        """Take the money; idempotent. Raises :class:`PaymentDeclined` when refused."""

    def callback_verify(self, *, payload: str, signature: str) -> Intent:
        """The intent an asynchronous notification reports, if its signature is the gateway's."""

    def refund(self, *, intent_id: str) -> Intent:
        """Give the money of a succeeded intent back."""


_SALT = "shebao.core.payments.fake"


def _not_ours() -> InvalidInput:
    return InvalidInput("支付单号无效", "Not a payment intent of this gateway", field="intent_id")


class FakeGateway:
    """A stateless stand-in with the real contract (see the module docstring)."""

    def _sign(self, intent: Intent) -> str:
        body = {"r": intent.reference, "a": str(intent.amount), "m": intent.metadata}
        return signing.dumps(body, salt=_SALT, compress=True)

    def _load(self, intent_id: str) -> Intent:
        try:
            body = signing.loads(intent_id, salt=_SALT)
            amount = Decimal(str(body["a"]))
            return Intent(
                id=intent_id,
                reference=str(body["r"]),
                amount=amount,
                status=REQUIRES_CONFIRMATION,
                metadata=dict(body.get("m") or {}),
            )
        except (signing.BadSignature, KeyError, TypeError, ValueError, InvalidOperation):
            raise _not_ours() from None

    @staticmethod
    def transaction_ref(reference: str) -> str:
        return "FAKE" + hashlib.sha256(reference.encode()).hexdigest()[:24].upper()

    def intent_create(self, *, reference: str, amount: Decimal, description: str, metadata: dict[str, Any]) -> Intent:
        intent = Intent(id="", reference=reference, amount=amount, status=REQUIRES_CONFIRMATION, metadata=metadata)
        return replace(intent, id=self._sign(intent))

    def intent_get(self, *, intent_id: str) -> Intent:
        return self._load(intent_id)

    def intent_confirm(self, *, intent_id: str) -> Intent:
        intent = self._load(intent_id)
        if intent.metadata.get("decline"):
            raise PaymentDeclined("支付被拒绝，请更换支付方式", "The payment was declined: try another way to pay")
        return replace(intent, status=SUCCEEDED, transaction_ref=self.transaction_ref(intent.reference))

    def callback_payload(self, *, intent_id: str) -> tuple[str, str]:
        """What the fake gateway would post to our callback for a succeeded intent, and its
        signature (the demo's and the tests' stand-in for the gateway's notification)."""
        intent = self.intent_confirm(intent_id=intent_id)
        payload = json.dumps({"intent_id": intent.id, "status": SUCCEEDED, "transaction_ref": intent.transaction_ref})
        return payload, self._signature(payload)

    @staticmethod
    def _signature(payload: str) -> str:
        key = (settings.SECRET_KEY + _SALT).encode()
        return hmac.new(key, payload.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()

    def callback_verify(self, *, payload: str, signature: str) -> Intent:
        given = (signature or "").encode("utf-8", "surrogatepass")  # any text: compared as bytes
        if not hmac.compare_digest(self._signature(payload).encode(), given):
            raise InvalidInput(
                "支付通知签名无效", "The payment notification's signature is not valid", field="signature"
            )
        try:
            body = json.loads(payload)
            intent = self._load(str(body["intent_id"]))
        except (ValueError, KeyError, TypeError):
            raise _not_ours() from None
        if body.get("status") != SUCCEEDED:
            return intent
        return replace(intent, status=SUCCEEDED, transaction_ref=self.transaction_ref(intent.reference))

    def refund(self, *, intent_id: str) -> Intent:
        intent = self._load(intent_id)
        return replace(intent, status=REFUNDED, transaction_ref=self.transaction_ref(intent.reference))


def payment_gateway() -> PaymentGateway:
    """The configured gateway (``PAYMENT_GATEWAY``, a dotted path; the fake by default)."""
    path = getattr(settings, "PAYMENT_GATEWAY", "shebao.core.payments.FakeGateway")
    gateway: PaymentGateway = import_string(path)()
    return gateway
