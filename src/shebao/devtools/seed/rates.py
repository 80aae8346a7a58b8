"""The figures the synthetic contribution records are computed with, read from the rule rows.

The seed keeps no copy of a rate, an average wage or a base limit: each comes from the
contributions' effective-dated tables (the rows migrations 0004 and 0008 load and
administrators correct in the admin), through the rulebook the monthly assessment reads them
with. So the demo's annual records charge what the rule rows say: from 2019 maternity is
collected with medical (the merged employer medical rate, no maternity row of its own, 国办发
〔2019〕10号), a flexible worker's medical rate is the row's, and only the pension has an
account share.

A year's figures are those in force on its 1 January (a synthetic annual record has one rate
per insurance). A year before the first published row takes the first row's figures (bulk
benchmark data reaching back further than the tables: synthetic volume, not history); a year
after the last carries the last forward, as the rulebook does.

Read once per process and year (:func:`year_figures`); :func:`figures_use` installs figures
read elsewhere, so that a plan made in another process, without the database, is the same.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from django.db.models import Min

from shebao.contributions.models import WageBase
from shebao.contributions.rulebook import DEFAULT_REGION, rulebook_load
from shebao.contributions.rules import INSURANCES
from shebao.core.errors import InvalidInput
from shebao.core.money import round_fen

PERSON_TYPES = ("employee", "flexible")  # a person's category is the rate rows' person type
RISK_CLASSES = range(1, 9)
# Every insurance an employer registers its staff for (the statuses); which of them carries its
# own contribution in a year is the rate rows' answer (:func:`insurances_charged`).
EMPLOYEE_INSURANCES = INSURANCES


@dataclass(frozen=True)
class YearFigures:
    """What the rule rows in force on 1 January of ``year`` say (its repr rebuilds it)."""

    year: int
    average: Decimal  # the average monthly wage of the WageBase row
    floor: int  # the smallest whole-yuan base within the row's floor
    cap: int  # the largest whole-yuan base within the row's cap
    rates: tuple[tuple[str, str, str, Decimal], ...]  # (person type, insurance, payer, rate)
    injury: tuple[Decimal, ...]  # the work-injury rate of risk classes 1 to 8


_figures: dict[int, YearFigures] = {}


def _load(year: int) -> YearFigures:
    first = WageBase.objects.filter(region=DEFAULT_REGION).aggregate(first=Min("year"))["first"]
    on = dt.date(max(year, first or year), 1, 1)
    book = rulebook_load()
    limits = book.base_limits(on)
    rates: list[tuple[str, str, str, Decimal]] = []
    for person_type in PERSON_TYPES:
        try:
            in_force = book.rates(person_type=person_type, on=on)
        except InvalidInput:
            continue  # no row for this kind of person that year
        rates += [(person_type, insurance, payer, ref.value) for (insurance, payer), ref in sorted(in_force.items())]
    return YearFigures(
        year=year,
        average=limits.average,
        floor=int(limits.floor.to_integral_value(rounding=ROUND_CEILING)),
        cap=int(limits.cap.to_integral_value(rounding=ROUND_FLOOR)),
        rates=tuple(rates),
        injury=tuple(book.injury_rate(risk_class=c, on=on).value for c in RISK_CLASSES),
    )


def year_figures(year: int) -> YearFigures:
    """The figures of ``year`` from the rule rows (read once per process)."""
    if year not in _figures:
        _figures[year] = _load(year)
    return _figures[year]


def figures_use(figures: Mapping[int, YearFigures]) -> None:
    """Compute with ``figures`` (read from the rule rows elsewhere) instead of reading them."""
    _figures.clear()
    _figures.update(figures)


def figures_forget() -> None:
    """Read the rule rows again at the next use (after the rows changed)."""
    _figures.clear()


def average_wage(year: int) -> Decimal:
    """The average monthly wage of the year's WageBase row."""
    return year_figures(year).average


def base_limits(year: int) -> tuple[int, int]:
    """(floor, cap) in whole yuan: the smallest and largest whole-yuan base within the row's limits."""
    figures = year_figures(year)
    return figures.floor, figures.cap


def clamp_base(wage: float | int, year: int) -> int:
    """A monthly wage in yuan → the whole-yuan contribution base for the year (clamped)."""
    floor, cap = base_limits(year)
    return max(floor, min(cap, round(wage)))


def insurances_charged(*, category: str, year: int) -> tuple[str, ...]:
    """The insurances a ``category`` person's annual record of ``year`` carries: those with a
    rate row in force, and work injury for employees (its rate is the employer's risk class's)."""
    charged = {insurance for person_type, insurance, _payer, _rate in year_figures(year).rates if person_type == category}
    if category == "employee":
        charged.add("injury")
    return tuple(i for i in INSURANCES if i in charged)


def rates_for(
    *, category: str, insurance: str, year: int, risk_class: int | None = None
) -> tuple[Decimal, Decimal, Decimal]:
    """(employer, individual, credited to the personal account) shares of the base, as the rule
    rows in force on 1 January of ``year`` say; a payer without a row pays nothing."""
    figures = year_figures(year)
    if insurance == "injury":
        if category != "employee" or risk_class is None or risk_class not in RISK_CLASSES:
            raise ValueError("work-injury insurance is paid by an employer, at its risk class's rate, for its employees")
        return figures.injury[risk_class - 1], Decimal("0"), Decimal("0")
    found = {payer: rate for kind, name, payer, rate in figures.rates if kind == category and name == insurance}
    if not found:
        raise ValueError(f"no {category} {insurance} rate row is in force on {year}-01-01")
    zero = Decimal("0")
    return found.get("employer", zero), found.get("individual", zero), found.get("account", zero)


def amounts(
    *, base_total: Decimal, category: str, insurance: str, year: int, risk_class: int | None = None
) -> tuple[Decimal, Decimal, Decimal]:
    """(employer, individual, account credit), each round_fen(base_total × the row's rate)."""
    employer, individual, account = rates_for(category=category, insurance=insurance, year=year, risk_class=risk_class)
    return round_fen(base_total * employer), round_fen(base_total * individual), round_fen(base_total * account)


def percent_points(rate: Decimal) -> int:
    """A rate that is a whole number of percent as that integer (0.16 → 16), for the bulk path's
    integer-fen arithmetic: whole-yuan base × whole percent is an exact number of fen."""
    points = rate * 100
    if points != points.to_integral_value():
        raise ValueError(f"{rate} is not a whole percent")
    return int(points)
