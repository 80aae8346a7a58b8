"""The rule rows a month is assessed by (``RuleSet``, read through the rulebook on the 1st of
the month) and the ledger's columns both paths fill."""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from shebao.contributions.rulebook import rulebook_load
from shebao.contributions.rules import BaseLimits, RuleRef, carried_forward
from shebao.contributions.rules import due_date as rules_due_date
from shebao.core.errors import InvalidInput
from shebao.core.months import month_start

DEFAULT_REGION = "wuhan"


INSURANCES = ("pension", "medical", "unemployment", "injury", "maternity")


FLEXIBLE_INSURANCES = ("pension", "medical")


# (insurance, payer) → ContributionMonth column; work injury is priced by risk class instead.
COLUMNS: dict[tuple[str, str], str] = {
    ("pension", "employer"): "pension_employer",
    ("pension", "individual"): "pension_personal",
    ("medical", "employer"): "medical_employer",
    ("medical", "individual"): "medical_personal",
    ("unemployment", "employer"): "unemployment_employer",
    ("unemployment", "individual"): "unemployment_personal",
    ("maternity", "employer"): "maternity_employer",
}


EMPLOYER_COLUMNS = (
    "pension_employer",
    "medical_employer",
    "unemployment_employer",
    "injury_employer",
    "maternity_employer",
)


PERSONAL_COLUMNS = ("pension_personal", "medical_personal", "unemployment_personal")


AMOUNT_COLUMNS = EMPLOYER_COLUMNS + PERSONAL_COLUMNS


@dataclass(frozen=True)
class RuleSet:
    """The rows in force on the 1st of ``period`` for ``region`` (read through the rulebook):
    what one month is assessed by, for both paths."""

    period: dt.date
    region: str
    limits: BaseLimits
    # person_type → (insurance, payer) → the rate row in force
    rates: dict[str, dict[tuple[str, str], RuleRef]] = field(default_factory=dict)
    injury: dict[int, RuleRef] = field(default_factory=dict)
    grace_days: int = 0

    @property
    def wage_base_id(self) -> int:
        return int(self.limits.id or 0)

    @property
    def average(self) -> Decimal:
        return self.limits.average

    @property
    def floor(self) -> Decimal:
        return self.limits.floor

    @property
    def cap(self) -> Decimal:
        return self.limits.cap

    @property
    def due_date(self) -> dt.date:
        return rules_due_date(self.period, grace_days=self.grace_days)

    def rate(self, person_type: str, insurance: str, payer: str) -> RuleRef | None:
        return self.rates.get(person_type, {}).get((insurance, payer))

    def carried(self, person_type: str) -> list[dict[str, Any]]:
        """The rows a bill of ``person_type`` is computed from that were carried forward past
        their period (the bill is then provisional), as stored on the bill."""
        refs = [*self.limits.refs(), *self.rates.get(person_type, {}).values()]
        if person_type == "employee":
            refs += self.injury.values()
        return [ref.as_dict() for ref in carried_forward(refs)]

    def carried_keys(self, person_type: str) -> list[str] | None:
        """The same rows as ledger-row rule keys (``rules.carried_forward``); None when none."""
        return [f"{x['table']}:{x['key']}" for x in self.carried(person_type)] or None

    def priced(self, person_type: str, insurance: str) -> bool:
        """An insurance is charged only where an employer or individual rate is in force."""
        if insurance == "injury":
            return person_type == "employee" and bool(self.injury)
        return any(self.rate(person_type, insurance, payer) for payer in ("employer", "individual"))


def ruleset_for(*, period: dt.date, region: str = DEFAULT_REGION) -> RuleSet:
    """The rule rows in force on the 1st of ``period``. No base limits in force is a clear
    ``InvalidInput``: nothing can be assessed without them."""
    first = month_start(period)
    book = rulebook_load(region=region)
    limits = book.base_limits(first)
    rates: dict[str, dict[tuple[str, str], RuleRef]] = {}
    for person_type in ("employee", "flexible"):
        try:
            rates[person_type] = book.rates(person_type=person_type, on=first)
        except InvalidInput:
            rates[person_type] = {}
    injury: dict[int, RuleRef] = {}
    for risk_class in range(1, 9):
        with contextlib.suppress(InvalidInput):
            injury[risk_class] = book.injury_rate(risk_class=risk_class, on=first)
    try:
        grace = book.late_fee(first).grace_days
    except InvalidInput:
        grace = 0
    return RuleSet(period=first, region=region, limits=limits, rates=rates, injury=injury, grace_days=grace)
