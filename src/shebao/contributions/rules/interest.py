"""Personal-account interest (月积数法): one rounding of the whole year's interest."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from shebao.contributions.rules.common import MONTHS_IN_YEAR, Round
from shebao.core.errors import InvalidInput
from shebao.core.money import round_fen

# --- personal-account interest (月积数法) -------------------------------------------------------


@dataclass(frozen=True)
class InterestLine:
    month: int
    amount: Decimal
    months_earning: int
    interest: Decimal  # unrounded: the lines add up exactly to the unrounded total


@dataclass(frozen=True)
class InterestCalc:
    year: int
    rate: Decimal
    months: int
    opening_balance: Decimal
    credited: Decimal
    interest_on_opening: Decimal
    interest_on_credits: Decimal
    interest: Decimal
    closing_balance: Decimal
    lines: tuple[InterestLine, ...] = field(default=())
    steps: tuple[str, ...] = field(default=())


def _money_in(value: Decimal, *, name: str) -> Decimal:
    if not isinstance(value, Decimal) or not value.is_finite():
        raise InvalidInput(f"{name}应为金额", f"{name} must be an amount", field=name)
    if value < 0:
        raise InvalidInput(f"{name}不能为负数", f"{name} cannot be negative", field=name)
    return value


def account_interest(
    *,
    year: int,
    opening_balance: Decimal,
    monthly_credits: Sequence[Decimal],
    rate: Decimal,
    months: int = MONTHS_IN_YEAR,
    rounding: Round = round_fen,
) -> InterestCalc:
    """记账利息, 月积数法 (劳办发〔1997〕116号, DOMAIN.md §2.2), credited up to month ``months``
    (12 at year end; the month of retirement, transfer or death for a part year):

        on the opening balance  B0 × r × k / 12
        on the year's credits   Σ a_m × (k − m + 1) × r / 12   for m ≤ k
        closing                 B0 + Σ a_m (m ≤ k) + interest

    The rounding rule, the only one for account interest: the two parts are added exactly and
    the sum is rounded **once**, half up to the fen (ROUND_HALF_UP, no intermediate rounding:
    0.075 + 0.005 = 0.080 → 0.08, where rounding each part first would credit 0.09). For the
    statement the part on the opening balance is shown rounded half up to the fen and the part
    on the credits is the remainder, so the two lines always add up to the interest credited.
    ``monthly_credits`` holds 12 amounts (month 1..12); those after month k are not counted. A
    month's amount is net of its debits (a retiree's monthly payout, a transfer out), which are
    negative: money paid out in month m stops earning from month m, so its product is
    subtracted by the same weight (k − m + 1) as a credit's is added — the interest is on the
    balance net of payouts, month by month."""
    if not 1 <= months <= MONTHS_IN_YEAR:
        raise InvalidInput(
            f"计息月数应在1至12之间（收到 {months}）", f"months must be 1 to 12 (got {months})", field="months"
        )
    if len(monthly_credits) != MONTHS_IN_YEAR:
        raise InvalidInput(
            "每月记账额应为12个金额",
            "monthly_credits must hold 12 amounts (January to December)",
            field="monthly_credits",
        )
    _money_in(opening_balance, name="opening_balance")
    if not rate.is_finite() or not Decimal(0) <= rate < 1:
        raise ValueError(f"interest rate out of range: {rate}")
    twelve = Decimal(MONTHS_IN_YEAR)
    exact_opening = opening_balance * rate * months / twelve
    lines: list[InterestLine] = []
    for m, amount in enumerate(monthly_credits, start=1):
        if m > months:
            break
        if not isinstance(amount, Decimal) or not amount.is_finite():
            raise InvalidInput("每月记账额应为金额", "monthly_credits must be amounts", field="monthly_credits")
        weight = months - m + 1
        lines.append(InterestLine(m, amount, weight, amount * weight * rate / twelve))
    product = sum((x.amount * x.months_earning for x in lines), Decimal(0))
    exact_credits = product * rate / twelve
    interest = rounding(exact_opening + exact_credits)
    on_opening = rounding(exact_opening)
    on_credits = interest - on_opening
    credited = sum((x.amount for x in lines), Decimal("0.00"))
    closing = opening_balance + credited + interest
    steps = (
        f"年初余额利息 = {opening_balance} × {rate} × {months}/12 = {exact_opening.normalize():f}",
        f"当年记账额利息 = Σ 月记账额 × 计息月数 × {rate}/12 = {product} × {rate}/12 = {exact_credits.normalize():f}",
        f"记账利息 = {exact_opening.normalize():f} + {exact_credits.normalize():f}，四舍五入到分 = {interest}",
        f"年末余额 = {opening_balance} + {credited} + {interest} = {closing}",
    )
    return InterestCalc(
        year=year,
        rate=rate,
        months=months,
        opening_balance=opening_balance,
        credited=credited,
        interest_on_opening=on_opening,
        interest_on_credits=on_credits,
        interest=interest,
        closing_balance=closing,
        lines=tuple(lines),
        steps=steps,
    )
