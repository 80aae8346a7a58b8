"""The bank the reimbursements are paid through, behind an adapter.

The contract (as the agency's partner banks' 代发 interface works): ``transfer`` takes an
idempotency key, the card, the payee's name and the amount; it answers a receipt with the
bank's reference. The same key sent again answers the first receipt and moves no money again;
the same key with a different card or amount is refused (``BankRejected``), as is an amount not
above zero. :class:`FakeBank` keeps its ledger in memory: the demo and the tests use it.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol


class BankRejected(Exception):
    """The bank refused the order (the reason is the bank's text)."""


@dataclass(frozen=True)
class BankReceipt:
    reference: str
    idempotency_key: str
    card: str
    amount: Decimal
    replayed: bool = False


class BankAdapter(Protocol):
    def transfer(self, *, idempotency_key: str, card: str, name: str, amount: Decimal) -> BankReceipt: ...


class FakeBank:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.ledger: dict[str, BankReceipt] = {}
        self.transfers = 0  # how many times money moved

    def transfer(self, *, idempotency_key: str, card: str, name: str, amount: Decimal) -> BankReceipt:
        if amount <= 0:
            raise BankRejected("金额必须大于零 / amount must be above zero")
        with self._lock:
            seen = self.ledger.get(idempotency_key)
            if seen is not None:
                if (seen.card, seen.amount) != (card, amount):
                    raise BankRejected("同一幂等键的指令内容不一致 / same key, different order")
                return BankReceipt(seen.reference, idempotency_key, card, amount, replayed=True)
            digest = hashlib.sha256(idempotency_key.encode()).hexdigest()[:16].upper()
            receipt = BankReceipt(f"BK{digest}", idempotency_key, card, amount)
            self.ledger[idempotency_key] = receipt
            self.transfers += 1
            return receipt


_bank: BankAdapter = FakeBank()


def bank_adapter() -> BankAdapter:
    return _bank


def bank_adapter_set(adapter: BankAdapter) -> None:
    """Install another adapter (a test's fresh fake, or a real bank's client)."""
    global _bank
    _bank = adapter
