"""The contribution base: a year's limits (published, or computed where a row publishes none:
floor up, cap down to the yuan), a wage clamped to them, and a flexible worker's grade
(缴费档次: the bounds and step of the grade row in force)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from shebao.contributions.rules.common import CAP_SHARE, FLOOR_SHARE, Round, RuleRef
from shebao.core.errors import InvalidInput
from shebao.core.money import round_fen, round_yuan_down, round_yuan_up


@dataclass(frozen=True)
class BaseLimits:
    """The limits of one contribution year (a WageBase row): as published, or computed by
    :func:`base_limits_compute` where the row publishes none (``floor_computed``/``cap_computed``)."""

    id: int | None
    year: int
    average: Decimal
    floor: Decimal
    cap: Decimal
    effective_from: dt.date
    confidence: str
    floor_computed: bool = False
    cap_computed: bool = False
    provisional: bool = False

    def refs(self) -> list[RuleRef]:
        return [
            RuleRef(
                "WageBase",
                self.id,
                f"{self.year}/{name}",
                value,
                self.effective_from,
                self.confidence,
                self.provisional,
            )
            for name, value in (("average", self.average), ("floor", self.floor), ("cap", self.cap))
        ]

    def steps(self) -> list[str]:
        """How a computed limit was obtained (nothing for published ones)."""
        lines = []
        if self.floor_computed:
            lines.append(
                f"下限未公布：{FLOOR_SHARE} × 平均工资 {self.average} = {FLOOR_SHARE * self.average}，"
                f"进位到元 = {self.floor} / floor not published: 60% of the average, rounded up to the yuan"
            )
        if self.cap_computed:
            lines.append(
                f"上限未公布：{CAP_SHARE} × 平均工资 {self.average} = {CAP_SHARE * self.average}，"
                f"舍去到元 = {self.cap} / cap not published: 300% of the average, rounded down to the yuan"
            )
        return lines


# --- the base -----------------------------------------------------------------------------


def base_limits_compute(average: Decimal) -> tuple[Decimal, Decimal]:
    """缴费基数上下限 where none is published (国办发〔2019〕13号: 60% and 300% of the average).

    The rounding rule, the only one for base limits: the floor is 60 % of the average rounded
    **up** to the whole yuan and the cap 300 % rounded **down** to the whole yuan, so a computed
    limit is a whole-yuan figure like the published ones and never lies outside the legal band
    (7489 × 60 % = 4493.40 → 4494; 6233 × 60 % = 3739.80 → 3740; 7490.83 × 300 % = 22472.49 →
    22472). Published floors and caps are used exactly as published, never recomputed."""
    if not isinstance(average, Decimal) or not average.is_finite() or average <= 0:
        raise ValueError(f"average wage must be a positive Decimal: {average!r}")
    return round_yuan_up(average * FLOOR_SHARE), round_yuan_down(average * CAP_SHARE)


def base_limits_make(
    *,
    row_id: int | None,
    year: int,
    average: Decimal,
    floor: Decimal | None,
    cap: Decimal | None,
    effective_from: dt.date,
    confidence: str,
    provisional: bool = False,
) -> BaseLimits:
    """The limits of a WageBase row: a published floor or cap as it is, a missing one computed."""
    computed_floor, computed_cap = base_limits_compute(average)
    return BaseLimits(
        id=row_id,
        year=year,
        average=average,
        floor=floor if floor is not None else computed_floor,
        cap=cap if cap is not None else computed_cap,
        effective_from=effective_from,
        confidence=confidence,
        floor_computed=floor is None,
        cap_computed=cap is None,
        provisional=provisional,
    )


def clamp_base(wage: Decimal, floor: Decimal, cap: Decimal) -> tuple[Decimal, str | None]:
    """缴费基数: the declared wage clamped to [floor, cap] (国办发〔2019〕13号). Returns the base
    and which limit applied ("floor", "cap" or None)."""
    if wage < 0:
        raise InvalidInput("工资不能为负数", "The wage cannot be negative", field="wage")
    if floor > cap:
        raise ValueError("floor above cap")
    if wage < floor:
        return floor, "floor"
    if wage > cap:
        return cap, "cap"
    return wage, None


# --- a flexible worker's grade (缴费档次) ----------------------------------------------------------


@dataclass(frozen=True)
class GradeBounds:
    """The grade rule in force (a GradeRule row): the lowest and highest ratio of the average
    wage a flexible worker may choose and the step between grades."""

    id: int | None
    minimum: Decimal
    maximum: Decimal
    step: Decimal
    effective_from: dt.date
    confidence: str
    provisional: bool = False

    def refs(self) -> list[RuleRef]:
        return [
            RuleRef("GradeRule", self.id, name, value, self.effective_from, self.confidence, self.provisional)
            for name, value in (("minimum", self.minimum), ("maximum", self.maximum), ("step", self.step))
        ]


def _percent(ratio: Decimal) -> str:
    return f"{(ratio * 100).normalize():f}%"


def grade_check(ratio: Decimal, bounds: GradeBounds, *, field: str = "grade", percent: bool = False) -> Decimal:
    """The one grade rule (国办发〔2019〕13号; bounds and step from the GradeRule row): a ratio of
    the average wage from ``bounds.minimum`` to ``bounds.maximum`` inclusive, on a whole number
    of steps from the minimum (0.60-3.00 by 0.01: 0.60, 0.61, … 3.00). The calculator, the
    grade and back-payment forms, the grade service and the back-payment all call this; the
    forms speak percent (``percent=True``: "60%" instead of "0.60")."""
    shown = _percent if percent else str
    if not isinstance(ratio, Decimal) or not ratio.is_finite() or not bounds.minimum <= ratio <= bounds.maximum:
        got = shown(ratio) if isinstance(ratio, Decimal) and ratio.is_finite() else str(ratio)
        low, high = shown(bounds.minimum), shown(bounds.maximum)
        times_zh, times_en = ("", "") if percent else ("倍", " times the average wage")
        raise InvalidInput(
            f"缴费档次应在{low}至{high}{times_zh}之间（收到 {got}）",
            f"The grade must be between {low} and {high}{times_en} (got {got})",
            field=field,
        )
    steps = (ratio - bounds.minimum) / bounds.step
    if steps != steps.to_integral_value():
        raise InvalidInput(
            f"缴费档次应为{shown(bounds.minimum)}起每档{shown(bounds.step)}（收到 {shown(ratio)}）",
            f"A grade goes from {shown(bounds.minimum)} in steps of {shown(bounds.step)} (got {shown(ratio)})",
            field=field,
        )
    return ratio


def grade_nearest(share: Decimal, bounds: GradeBounds) -> Decimal:
    """The allowed grade nearest below ``share`` (within the bounds): for data that carries a
    share of the average rather than a chosen grade (the demo's annual records)."""
    clamped = min(max(share, bounds.minimum), bounds.maximum)
    steps = ((clamped - bounds.minimum) / bounds.step).to_integral_value(rounding=ROUND_FLOOR)
    return grade_check(bounds.minimum + steps * bounds.step, bounds)


def grade_base(ratio: Decimal, limits: BaseLimits, *, rounding: Round = round_fen) -> tuple[Decimal, str | None]:
    """灵活就业缴费基数: grade × average rounded half up to the fen (2 decimals × 2 decimals has
    4: 0.65 × 5000.10 = 3250.065 → 3250.07), then kept within the floor and cap, so the lowest
    grade pays on the floor exactly as an employee at the floor does."""
    if not ratio.is_finite() or ratio <= 0:
        raise InvalidInput(f"缴费档次不正确：{ratio}", f"Not a valid grade: {ratio}", field="grade")
    return clamp_base(rounding(ratio * limits.average), limits.floor, limits.cap)
