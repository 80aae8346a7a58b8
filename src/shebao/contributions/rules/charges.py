"""A bill's due date, the late fee (滞纳金) and a back-payment's charge: late fee, interest or
nothing, as its row says."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from shebao.contributions.rules.common import DAYS_IN_YEAR, Round, RuleRef
from shebao.contributions.rules.interest import _money_in
from shebao.core.money import round_fen
from shebao.core.months import month_end

# --- late fee and due date ----------------------------------------------------------------------


def due_date(period: dt.date, *, grace_days: int) -> dt.date:
    """缴费截止日 of a month's contributions: the month's last day plus the rule row's grace days
    (grace 15: the 15th of the following month)."""
    return month_end(period) + dt.timedelta(days=grace_days)


@dataclass(frozen=True)
class LateFeeCalc:
    amount: Decimal
    due: dt.date
    as_of: dt.date
    days: int
    daily_rate: Decimal
    fee: Decimal
    charge: str = "late_fee"  # late_fee (滞纳金), interest (利息) or none
    rules: tuple[RuleRef, ...] = ()

    def step(self) -> str:
        if self.charge == "none":
            return f"不加收滞纳金或利息（{self.days} 天）/ no charge"
        name = "滞纳金" if self.charge == "late_fee" else "利息"
        return f"{name} = {self.amount} × 日费率 {self.daily_rate.normalize():f} × {self.days} 天 = {self.fee}"


def late_fee(
    *, amount: Decimal, due: dt.date, as_of: dt.date, daily_rate: Decimal, rounding: Round = round_fen
) -> LateFeeCalc:
    """滞纳金 = amount × daily rate × days overdue (社会保险法 Art. 86: 万分之五 a day), the days
    counted from the day after the due date up to ``as_of``; none when not yet overdue."""
    _money_in(amount, name="amount")
    days = max((as_of - due).days, 0)
    return LateFeeCalc(amount, due, as_of, days, daily_rate, rounding(amount * daily_rate * days))


BACKPAY_CHARGES = ("late_fee", "interest", "none")


def backpay_charge(
    *,
    charge: str,
    amount: Decimal,
    due: dt.date,
    as_of: dt.date,
    daily_rate: Decimal | None = None,
    annual_rate: Decimal | None = None,
    rules: Sequence[RuleRef] = (),
    rounding: Round = round_fen,
) -> LateFeeCalc:
    """What a back-paid month carries for the days from its own due date to ``as_of``, by the
    BackpayCharge row in force (社会保险法 Art. 86 for employers; a city's rule for a flexible
    worker's 中断期补缴, DOMAIN.md §10):

    - ``late_fee``: 滞纳金 = amount × the late-fee row's daily rate × days;
    - ``interest``: 利息 = amount × the row's annual rate × days / 365 (simple interest);
    - ``none``: nothing.

    One rounding, half up to the fen, at the end."""
    if charge not in BACKPAY_CHARGES:
        raise ValueError(f"unknown back-payment charge: {charge}")
    _money_in(amount, name="amount")
    days = max((as_of - due).days, 0)
    if charge == "none":
        return LateFeeCalc(amount, due, as_of, days, Decimal(0), Decimal("0.00"), charge, tuple(rules))
    if charge == "late_fee":
        if daily_rate is None:
            raise ValueError("a late fee needs the daily rate of the late-fee row")
        fee = rounding(amount * daily_rate * days)
        return LateFeeCalc(amount, due, as_of, days, daily_rate, fee, charge, tuple(rules))
    if annual_rate is None:
        raise ValueError("interest needs the annual rate of the back-payment row")
    fee = rounding(amount * annual_rate * days / DAYS_IN_YEAR)
    return LateFeeCalc(amount, due, as_of, days, annual_rate / DAYS_IN_YEAR, fee, charge, tuple(rules))
