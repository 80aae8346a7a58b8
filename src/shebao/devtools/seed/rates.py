"""The figures the synthetic contribution records are computed with. Pure, no Django.

These are SEED figures only. The platform's own calculations read effective-dated rule tables
(rates, average wages, base limits) that a later issue creates; when those tables exist, the
seed should read them instead of this module. Every figure cites DOMAIN.md.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from shebao.core.money import round_fen

# Wuhan contribution-base average monthly wage (元/月) by contribution year, DOMAIN.md §2.4
# (鄂人社发〔2023〕30号 for 2023; "public files A and B" for 2024 and 2025; confidence L/M).
# Base limits are 60% and 300% of it (国办发〔2019〕13号, DOMAIN.md §2.3).
SEED_AVERAGE_MONTHLY_WAGE: dict[int, Decimal] = {
    2023: Decimal("7040"),
    2024: Decimal("7489"),
    2025: Decimal("7496"),
}
BASE_FLOOR_SHARE = Decimal("0.6")
BASE_CAP_SHARE = Decimal("3")


def average_wage(year: int) -> Decimal:
    """The year's figure; a year outside the table (bulk benchmark data reaching back ten years)
    takes the nearest known year's figure: those rows are synthetic volume, not history."""
    known = min(SEED_AVERAGE_MONTHLY_WAGE, key=lambda y: (abs(y - year), y))
    return SEED_AVERAGE_MONTHLY_WAGE[known]


def base_limits(year: int) -> tuple[int, int]:
    """(floor, cap) in whole yuan: the smallest and largest whole-yuan base inside 60%-300%."""
    avg = average_wage(year)
    floor = (avg * BASE_FLOOR_SHARE).to_integral_value(rounding=ROUND_CEILING)
    cap = (avg * BASE_CAP_SHARE).to_integral_value(rounding=ROUND_FLOOR)
    return int(floor), int(cap)


def clamp_base(wage: float | int, year: int) -> int:
    """A monthly wage in yuan → the whole-yuan contribution base for the year (clamped)."""
    floor, cap = base_limits(year)
    return max(floor, min(cap, round(wage)))


# Rates as (employer, individual, credited to the personal account) shares of the base, by
# (person category, insurance). DOMAIN.md §2.3: pension 16%/8% (国办发〔2019〕13号, H); flexible
# workers 20% of their chosen base with 8% to the account (国发〔2005〕38号, H); employee medical
# ~8%/2% with the individual 2% to the medical account (L); unemployment 0.7%/0.3% (Hubei, L);
# maternity collected with medical since 国办发〔2019〕10号, kept as its own employer-only row at
# 0.7% (Wuhan rate L); flexible workers' medical 8% individual, no account (L).
SEED_CONTRIBUTION_RATES: dict[tuple[str, str], tuple[Decimal, Decimal, Decimal]] = {
    ("employee", "pension"): (Decimal("0.16"), Decimal("0.08"), Decimal("0.08")),
    ("employee", "medical"): (Decimal("0.08"), Decimal("0.02"), Decimal("0.02")),
    ("employee", "unemployment"): (Decimal("0.007"), Decimal("0.003"), Decimal("0")),
    ("employee", "maternity"): (Decimal("0.007"), Decimal("0"), Decimal("0")),
    ("flexible", "pension"): (Decimal("0"), Decimal("0.20"), Decimal("0.08")),
    ("flexible", "medical"): (Decimal("0"), Decimal("0.08"), Decimal("0")),
}
# Work injury: employer only, base rate by industry risk class (人社部发〔2015〕71号, DOMAIN.md §2.3, M).
SEED_INJURY_RATE_BY_CLASS: dict[int, Decimal] = {
    1: Decimal("0.002"),
    2: Decimal("0.004"),
    3: Decimal("0.007"),
    4: Decimal("0.009"),
    5: Decimal("0.011"),
    6: Decimal("0.013"),
    7: Decimal("0.016"),
    8: Decimal("0.019"),
}
EMPLOYEE_INSURANCES = ("pension", "medical", "unemployment", "injury", "maternity")


def rates_for(*, category: str, insurance: str, risk_class: int | None = None) -> tuple[Decimal, Decimal, Decimal]:
    if insurance == "injury":
        if category != "employee" or risk_class is None:
            raise ValueError("work-injury insurance is paid by an employer for its employees")
        return SEED_INJURY_RATE_BY_CLASS[risk_class], Decimal("0"), Decimal("0")
    return SEED_CONTRIBUTION_RATES[(category, insurance)]


def amounts(
    *, base_total: Decimal, category: str, insurance: str, risk_class: int | None = None
) -> tuple[Decimal, Decimal, Decimal]:
    """(employer, individual, account credit), each round_fen(base_total × rate)."""
    employer, individual, account = rates_for(category=category, insurance=insurance, risk_class=risk_class)
    return round_fen(base_total * employer), round_fen(base_total * individual), round_fen(base_total * account)


def percent_points(rate: Decimal) -> int:
    """A rate that is a whole number of percent as that integer (0.16 → 16), for the bulk path's
    integer-fen arithmetic: whole-yuan base × whole percent is an exact number of fen."""
    points = rate * 100
    if points != points.to_integral_value():
        raise ValueError(f"{rate} is not a whole percent")
    return int(points)
