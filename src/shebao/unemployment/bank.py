"""Payments to a claimant's bank account through an adapter. The contract a real bank interface
gives (代发 with an idempotency key): ``transfer`` with the same key is the same transfer — the
first answer again, never a second payment; the same key with another account or amount is a
refused replay; an account that is not a valid card number is returned unpaid with the reason.

:class:`FakeBank` keeps that contract in memory (the embedded deployment, tests, benchmarks)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from shebao.core.errors import Conflict, InvalidInput
from shebao.core.identifiers import bank_card_validate


@dataclass(frozen=True)
class Receipt:
    reference: str
    accepted: bool
    reason: str = ""


class BankAdapter(Protocol):
    def transfer(self, *, key: str, account: str, amount: Decimal, memo: str) -> Receipt: ...


class FakeBank:
    """An in-memory bank: one transfer per idempotency key, whatever the number of calls."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.transfers: dict[str, tuple[str, Decimal, Receipt]] = {}

    def transfer(self, *, key: str, account: str, amount: Decimal, memo: str) -> Receipt:
        with self._lock:
            if key in self.transfers:
                prev_account, prev_amount, receipt = self.transfers[key]
                if (prev_account, prev_amount) != (account, amount):
                    raise Conflict("同一幂等键的转账内容不一致", f"Transfer {key} replayed with other content")
                return receipt
            try:
                bank_card_validate(account, field="bank_card")
            except InvalidInput:
                receipt = Receipt(
                    reference=f"FB{len(self.transfers) + 1:010d}", accepted=False, reason="invalid account"
                )
            else:
                receipt = Receipt(reference=f"FB{len(self.transfers) + 1:010d}", accepted=True)
            self.transfers[key] = (account, amount, receipt)
            return receipt


_default = FakeBank()


def adapter() -> BankAdapter:
    """The bank this process pays through (the fake until a bank interface is configured)."""
    return _default
