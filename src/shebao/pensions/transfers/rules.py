"""养老保险关系转移接续 arithmetic and decisions, pure (no Django): 国办发〔2009〕66号.

- :func:`transfer_amount` (第四条): the whole personal-account balance, plus the pooled part,
  12 % of the actual contribution base of every month contributed since 1998-01 (a part year
  counts its months: Σ monthly base × 12 %), pre-1998 months excluded; the derivation by year.
- :func:`temporary_account_decide` (第五条): men of 50 and over and women of 40 and over moving
  to a place that is not their 户籍 place keep their relationship at the original place; the new
  place opens a temporary contribution account (临时基本养老保险缴费账户).
- :func:`benefit_place_decide` (第六条): where the pension is claimed.

The rate, the first pooled month, the age thresholds and the ten years are rows of
:data:`PARAMETERS` with their period, source and confidence (DOMAIN.md §3.1); a result names
the rows it used so it can be replayed.

Rounding: each year's pooled amount is a money figure of the information form (信息表), so it
is rounded once, half up to the fen, at the end of that year's sum; the pooled total is the sum
of the years as the form lists them, and the transfer total that sum plus the balance.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from shebao.core.money import round_fen

ZERO = Decimal("0.00")
MONTHS_IN_YEAR = 12


@dataclass(frozen=True)
class Parameter:
    """One effective-dated parameter of the transfer rules, with where it comes from."""

    id: str
    code: str
    value: Decimal
    valid_from: dt.date
    valid_to: dt.date | None
    source: str
    confidence: str  # H / M / L, as DOMAIN.md grades its sources
    note: str = ""

    def in_force(self, on: dt.date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)


MEASURE = "国办发〔2009〕66号《城镇企业职工基本养老保险关系转移接续暂行办法》"

PARAMETERS: tuple[Parameter, ...] = (
    Parameter(
        "pooled_rate/2010",
        "pooled_rate",
        Decimal("0.12"),
        dt.date(2010, 1, 1),
        None,
        f"{MEASURE}第四条第二项",
        "H",
        "统筹基金（单位缴费）以本人1998年1月1日后各年度实际缴费工资为基数，按12%的总和转移；不足1年的按实际缴费月数计算",
    ),
    Parameter(
        "pooled_from/2010",
        "pooled_from_year",
        Decimal("1998"),
        dt.date(2010, 1, 1),
        None,
        f"{MEASURE}第四条第二项",
        "H",
        "统筹基金自1998年1月起计算，此前年度不转移统筹基金（缴费年限照常累计）",
    ),
    Parameter(
        "temporary_age_male/2010",
        "temporary_account_age_male",
        Decimal("50"),
        dt.date(2010, 1, 1),
        None,
        f"{MEASURE}第五条",
        "M",
        "男性年满50周岁跨省流动就业、新就业地不是户籍所在地的，在新就业地建立临时基本养老保险缴费账户",
    ),
    Parameter(
        "temporary_age_female/2010",
        "temporary_account_age_female",
        Decimal("40"),
        dt.date(2010, 1, 1),
        None,
        f"{MEASURE}第五条",
        "M",
        "女性年满40周岁，同上",
    ),
    Parameter(
        "benefit_years/2010",
        "benefit_place_years",
        Decimal("10"),
        dt.date(2010, 1, 1),
        None,
        f"{MEASURE}第六条",
        "M",
        "待遇领取地：在基本养老保险关系所在地累计缴费满10年",
    ),
    Parameter(
        "phase_workdays/2010",
        "phase_workdays",
        Decimal("15"),
        dt.date(2010, 1, 1),
        None,
        f"{MEASURE}第八条",
        "H",
        "转入地、转出地各环节办理时限均为15个工作日",
    ),
)


class NoParameter(LookupError):
    """No row of ``code`` is in force on the day asked."""


def parameter_in_force(code: str, *, on: dt.date, rows: Sequence[Parameter] = PARAMETERS) -> Parameter:
    """The row of ``code`` in force on ``on`` (the latest-starting one when periods overlap)."""
    found = [p for p in rows if p.code == code and p.in_force(on)]
    if not found:
        raise NoParameter(f"no transfer parameter {code!r} in force on {on.isoformat()}")
    return max(found, key=lambda p: p.valid_from)


# --- the transfer amount (第四条) ------------------------------------------------------------


@dataclass(frozen=True)
class MonthBase:
    """One month contributed at the original place: its first day and its actual base."""

    period: dt.date
    base: Decimal
    personal: Decimal = ZERO  # credited to the personal account for the month


@dataclass(frozen=True)
class CarriedYear:
    """A year brought in by an earlier transfer (信息表 line): its months and sums only."""

    year: int
    months: int
    base_total: Decimal
    personal: Decimal = ZERO


@dataclass(frozen=True)
class YearLine:
    """One year of the information form: months contributed, the sum of their bases, and the
    pooled amount (0 for a year before the first pooled year)."""

    year: int
    months: int
    base_total: Decimal
    pooled: Decimal
    counted: bool  # False: before 1998, the pooled part is not transferred
    personal: Decimal = ZERO

    @property
    def arithmetic(self) -> str:
        if not self.counted:
            return f"{self.year}年 {self.months}个月：1998年以前，不转移统筹基金"
        return f"{self.year}年 {self.months}个月：缴费基数合计 {self.base_total} × 12% = {self.pooled}"


@dataclass(frozen=True)
class TransferAmount:
    """The amount transferred and how it was reached."""

    on: dt.date
    balance: Decimal
    years: tuple[YearLine, ...]
    pooled: Decimal
    total: Decimal
    rate: Decimal
    parameters: tuple[str, ...]
    months_total: int  # every month contributed, pre-1998 included: years are never lost
    steps: tuple[str, ...] = field(default=())

    def derivation(self) -> dict[str, object]:
        return {
            "on": self.on.isoformat(),
            "inputs": {"balance": str(self.balance), "months": self.months_total},
            "parameters": list(self.parameters),
            "years": [
                {
                    "year": y.year,
                    "months": y.months,
                    "base_total": str(y.base_total),
                    "pooled": str(y.pooled),
                    "personal": str(y.personal),
                    "counted": y.counted,
                }
                for y in self.years
            ],
            "steps": list(self.steps),
            "pooled": str(self.pooled),
            "total": str(self.total),
        }


def year_pooled(*, year: int, base_total: Decimal, on: dt.date, rows: Sequence[Parameter] = PARAMETERS) -> Decimal:
    """One year's pooled part: Σ monthly base × 12 %, rounded to the fen; 0 before 1998."""
    first_year = int(parameter_in_force("pooled_from_year", on=on, rows=rows).value)
    if year < first_year:
        return ZERO
    return round_fen(base_total * parameter_in_force("pooled_rate", on=on, rows=rows).value)


def transfer_amount(
    *,
    balance: Decimal,
    months: Sequence[MonthBase],
    on: dt.date,
    carried: Sequence[CarriedYear] = (),
    rows: Sequence[Parameter] = PARAMETERS,
) -> TransferAmount:
    """个人账户储存额 + 统筹基金 (第四条).

    ``balance``: the whole personal-account balance credited to ``on`` (the transfer date).
    ``months``: every month contributed here with its actual base; ``carried``: the years an
    earlier transfer brought in (they move on: years are never lost). A month given twice, a
    negative base, a month after ``on`` or a year of more than 12 months is a ``ValueError``
    (the records are wrong, not the applicant's input)."""
    if balance < 0:
        raise ValueError("the personal-account balance cannot be negative")
    rate_row = parameter_in_force("pooled_rate", on=on, rows=rows)
    from_row = parameter_in_force("pooled_from_year", on=on, rows=rows)
    first_year = int(from_row.value)
    seen: set[dt.date] = set()
    by_year: dict[int, list[Decimal]] = {}  # year -> [months, base total, personal]
    for month in months:
        period = month.period.replace(day=1)
        if period in seen:
            raise ValueError(f"month {period:%Y-%m} given twice")
        if month.base < 0:
            raise ValueError(f"negative base in {period:%Y-%m}")
        if period > on:
            raise ValueError(f"month {period:%Y-%m} is after the transfer date")
        seen.add(period)
        line = by_year.setdefault(period.year, [ZERO, ZERO, ZERO])
        line[0] += 1
        line[1] += month.base
        line[2] += month.personal
    for year_in in carried:
        if year_in.base_total < 0 or not 1 <= year_in.months <= MONTHS_IN_YEAR:
            raise ValueError(f"carried year {year_in.year} is malformed")
        line = by_year.setdefault(year_in.year, [ZERO, ZERO, ZERO])
        line[0] += year_in.months
        line[1] += year_in.base_total
        line[2] += year_in.personal
    lines = []
    for year in sorted(by_year):
        count, base_total, personal = by_year[year]
        if count > MONTHS_IN_YEAR:
            raise ValueError(f"{year} has {count} months")
        counted = year >= first_year
        pooled = round_fen(base_total * rate_row.value) if counted else ZERO
        lines.append(
            YearLine(
                year=year, months=int(count), base_total=base_total, pooled=pooled, counted=counted, personal=personal
            )
        )
    pooled_total = sum((y.pooled for y in lines), ZERO)
    total = balance + pooled_total
    steps = (
        *(y.arithmetic for y in lines),
        f"统筹基金合计 = {' + '.join(str(y.pooled) for y in lines if y.counted) or '0.00'} = {pooled_total}",
        f"转移总额 = 个人账户储存额 {balance} + 统筹基金 {pooled_total} = {total}",
    )
    return TransferAmount(
        on=on,
        balance=balance,
        years=tuple(lines),
        pooled=pooled_total,
        total=total,
        rate=rate_row.value,
        parameters=(rate_row.id, from_row.id),
        months_total=sum(y.months for y in lines),
        steps=steps,
    )


# --- the temporary account (第五条) ---------------------------------------------------------


def age_on(*, birth_date: dt.date, on: dt.date) -> int:
    """Full years of age on ``on`` (a birthday on 29 Feb is reached on 1 Mar in other years)."""
    years = on.year - birth_date.year
    if (on.month, on.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


@dataclass(frozen=True)
class TemporaryAccountDecision:
    temporary: bool
    age: int
    threshold: int
    to_hukou_place: bool
    parameter: str
    reason: str


def temporary_account_decide(
    *,
    sex: str,
    birth_date: dt.date,
    on: dt.date,
    to_hukou_place: bool,
    rows: Sequence[Parameter] = PARAMETERS,
) -> TemporaryAccountDecision:
    """第五条: a man of 50 or over (``sex`` "M") or a woman of 40 or over ("F") who moves to a
    place that is not their 户籍 place keeps the relationship at the original place; the new
    place opens a temporary contribution account. Anyone moving to their 户籍 place, and anyone
    younger, transfers the relationship itself. The age is counted in full years on ``on``, the
    day of the application: the birthday itself is the threshold."""
    if sex not in ("M", "F"):
        raise ValueError(f"unknown sex {sex!r}")
    code = "temporary_account_age_male" if sex == "M" else "temporary_account_age_female"
    row = parameter_in_force(code, on=on, rows=rows)
    threshold = int(row.value)
    age = age_on(birth_date=birth_date, on=on)
    if to_hukou_place:
        return TemporaryAccountDecision(False, age, threshold, True, row.id, "转入户籍所在地，转移基本养老保险关系")
    if age >= threshold:
        who = "男性" if sex == "M" else "女性"
        return TemporaryAccountDecision(
            True,
            age,
            threshold,
            False,
            row.id,
            f"{who}年满{threshold}周岁（{age}周岁）且新参保地不是户籍所在地：保留原参保地基本养老保险关系，"
            "在新参保地建立临时基本养老保险缴费账户",
        )
    return TemporaryAccountDecision(False, age, threshold, False, row.id, f"{age}周岁，未满{threshold}周岁：转移关系")


# --- the place of benefit (第六条) ----------------------------------------------------------


@dataclass(frozen=True)
class Spell:
    """A run of contributions at one place, in the order they happened (oldest first)."""

    place: str
    months: int
    temporary: bool = False  # a temporary account (第五条): not a relationship place


@dataclass(frozen=True)
class BenefitPlace:
    place: str
    clause: int  # 第六条 (一)…(四)
    reason: str
    parameter: str


def benefit_place_decide(
    *, hukou_place: str, spells: Sequence[Spell], on: dt.date, rows: Sequence[Parameter] = PARAMETERS
) -> BenefitPlace:
    """第六条, in its order:

    (一) the relationship is at the 户籍 place: the benefit is claimed there;
    (二) it is elsewhere and ≥ 10 years were paid at the relationship place: there;
    (三) it is elsewhere with < 10 years there: the last earlier place with ≥ 10 years;
    (四) no place reaches 10 years: the 户籍 place, where relationship and funds are gathered.

    The relationship place is the place of the last spell that was not a temporary account;
    years are counted per place over all its non-temporary spells (a temporary account's
    contributions are gathered to the relationship, 第五条)."""
    row = parameter_in_force("benefit_place_years", on=on, rows=rows)
    need = int(row.value) * MONTHS_IN_YEAR
    real = [s for s in spells if not s.temporary and s.months > 0]
    if not real:
        return BenefitPlace(hukou_place, 4, "无基本养老保险关系所在地：归集到户籍所在地", row.id)
    months_at: dict[str, int] = {}
    for spell in real:
        months_at[spell.place] = months_at.get(spell.place, 0) + spell.months
    current = real[-1].place
    if current == hukou_place:
        return BenefitPlace(hukou_place, 1, "基本养老保险关系在户籍所在地", row.id)
    if months_at[current] >= need:
        return BenefitPlace(current, 2, f"关系所在地累计缴费{months_at[current]}个月，满{int(row.value)}年", row.id)
    for spell in reversed(real[:-1]):
        if spell.place != current and months_at[spell.place] >= need:
            return BenefitPlace(
                spell.place,
                3,
                f"关系所在地不满{int(row.value)}年：转回上一个缴费满{int(row.value)}年的参保地（{months_at[spell.place]}个月）",
                row.id,
            )
    return BenefitPlace(hukou_place, 4, f"每个参保地累计缴费均不满{int(row.value)}年：归集到户籍所在地", row.id)
