"""The monthly basic pension of an enterprise employee (国发〔2005〕38号, DOMAIN.md §1.1-1.3).

- 基础养老金 = (C̄ + C̄·Z̄) ÷ 2 × N × 1%, N = contribution months (actual + deemed) ÷ 12;
- 个人账户养老金 = account balance ÷ 计发月数 (the annex table, interpolated for month ages);
- 过渡性养老金 = C̄ × Z同 × N同 × k, N同 = deemed months ÷ 12, Z同 and k from the region's rule row.

Rounding: each component is rounded once, half up to the fen, at the end of its own
calculation (``core.money.round_fen``); the total is the sum of the rounded components, so
the figures a retiree adds up on the statement equal the total. 计发月数 between whole ages
is interpolated linearly and rounded half up to 0.1 (Jinan's published answer, conf M); the
average index Z̄ is kept to four decimals, as statements print it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from shebao.core.errors import InvalidInput
from shebao.core.money import round_fen

MONTHS_IN_YEAR = 12
ONE_PERCENT = Decimal("0.01")
INDEX_PLACES = Decimal("0.0001")
DIVISOR_PLACES = Decimal("0.1")

DeemedIndexRule = Literal["fixed_one", "own_index", "half_sum"]
DEEMED_INDEX_RULES: dict[str, tuple[str, str]] = {
    "fixed_one": ("视同缴费指数固定为1", "deemed index fixed at 1"),
    "own_index": ("视同缴费指数取本人平均缴费工资指数", "deemed index = own average index"),
    "half_sum": ("视同缴费指数取(1+本人平均缴费工资指数)÷2", "deemed index = (1 + own index) / 2"),
}

MONTHS_DIVISOR_SOURCE = "国发〔2005〕38号附件：个人账户养老金计发月数表"
# 计发月数 by whole retirement age (conf H; age 47 = 208 by majority, DOMAIN.md §1.2).
MONTHS_DIVISOR_TABLE: dict[int, int] = {
    40: 233, 41: 230, 42: 226, 43: 223, 44: 220, 45: 216, 46: 212, 47: 208,
    48: 204, 49: 199, 50: 195, 51: 190, 52: 185, 53: 180, 54: 175, 55: 170,
    56: 164, 57: 158, 58: 152, 59: 145, 60: 139, 61: 132, 62: 125, 63: 117,
    64: 109, 65: 101, 66: 93, 67: 84, 68: 75, 69: 65, 70: 56,
}  # fmt: skip
MIN_AGE = min(MONTHS_DIVISOR_TABLE)
MAX_AGE = max(MONTHS_DIVISOR_TABLE)


def months_divisor(*, age_years: int, age_months: int) -> Decimal:
    """计发月数 at a retirement age of ``age_years`` years and ``age_months`` months: the table
    at whole ages; between them m(a) + (m(a+1) − m(a)) × k ÷ 12, rounded half up to 0.1
    (60y1m = 138.4, 50y1m = 194.6, 62y10m = 118.3)."""
    if not 0 <= age_months < MONTHS_IN_YEAR:
        raise InvalidInput(
            f"退休年龄的月数应在0至11之间（收到 {age_months}）",
            f"age_months must be 0 to 11 (got {age_months})",
            field="age_months",
        )
    if not MIN_AGE <= age_years <= MAX_AGE or (age_years == MAX_AGE and age_months):
        raise InvalidInput(
            f"计发月数表只覆盖{MIN_AGE}至{MAX_AGE}周岁（收到 {age_years} 周岁 {age_months} 个月）",
            f"The months table covers ages {MIN_AGE} to {MAX_AGE} (got {age_years}y{age_months}m)",
            field="age_years",
        )
    low = Decimal(MONTHS_DIVISOR_TABLE[age_years])
    if age_months == 0:
        return low.quantize(DIVISOR_PLACES)
    high = Decimal(MONTHS_DIVISOR_TABLE[age_years + 1])
    return (low + (high - low) * age_months / MONTHS_IN_YEAR).quantize(DIVISOR_PLACES, rounding=ROUND_HALF_UP)


def average_index(*, months: Sequence[tuple[Decimal, Decimal]]) -> Decimal:
    """平均缴费工资指数 Z̄ = (Σ xᵢ ÷ cᵢ) ÷ n over the actual contribution months, each given as
    (the month's base xᵢ, the average wage cᵢ that applied to it); deemed months are not in it
    (DOMAIN.md §1.1 item 3). Four decimals, half up; no months → 0."""
    if not months:
        return Decimal("0.0000")
    total = Decimal(0)
    for base, average in months:
        if average <= 0:
            raise ValueError(f"average wage must be positive: {average!r}")
        if base < 0:
            raise ValueError(f"contribution base cannot be negative: {base!r}")
        total += base / average
    return (total / len(months)).quantize(INDEX_PLACES, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class PensionParams:
    """The region's figures for one retirement month, from the rule rows (``params.py``)."""

    average_wage: Decimal  # C̄, 计发基数 (monthly yuan)
    transition_coefficient: Decimal  # k, 过渡系数, e.g. 0.012
    deemed_index_rule: DeemedIndexRule
    rule_refs: tuple[str, ...] = ()  # e.g. ("pensions.PensionBase#3", "pensions.TransitionRule#1")
    provisional: bool = False
    average_wage_ref: str | None = None  # the rule row C̄ came from (None: given by the caller)
    transition_ref: str | None = None  # the rule row k and Z同 came from
    provisional_note_zh: str = ""
    provisional_note_en: str = ""
    average_wage_year: int | None = None  # the year of the 计发基数 row (None: given by the caller)


@dataclass(frozen=True)
class PensionInputs:
    """The person's side of the formula at retirement."""

    average_index: Decimal  # Z̄
    contribution_months: int  # actual + deemed
    deemed_months: int  # 视同缴费月数 (before the personal-account start)
    account_balance: Decimal  # 个人账户累计储存额
    age_years: int
    age_months: int


@dataclass(frozen=True)
class DerivationLine:
    """One step a retiree can follow: what, the formula with its numbers, the value, the rule row."""

    key: str
    label_zh: str
    label_en: str
    formula: str
    value: Decimal
    rule_ref: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "key": self.key,
            "label_zh": self.label_zh,
            "label_en": self.label_en,
            "formula": self.formula,
            "value": str(self.value),
            "rule_ref": self.rule_ref,
        }


@dataclass(frozen=True)
class PensionResult:
    basic_pension: Decimal
    account_pension: Decimal
    transition_pension: Decimal
    total: Decimal
    months_divisor: Decimal
    provisional: bool
    derivation: tuple[DerivationLine, ...]
    inputs: PensionInputs | None = None
    params: PensionParams | None = None


def _check_inputs(inputs: PensionInputs) -> None:
    if not inputs.average_index.is_finite() or inputs.average_index < 0:
        raise InvalidInput("平均缴费工资指数不能为负数", "average_index cannot be negative", field="average_index")
    if inputs.contribution_months < 0:
        raise InvalidInput("缴费月数不能为负数", "contribution_months cannot be negative", field="contribution_months")
    if not 0 <= inputs.deemed_months <= inputs.contribution_months:
        raise InvalidInput(
            "视同缴费月数应在0与累计缴费月数之间",
            "deemed_months must be between 0 and contribution_months",
            field="deemed_months",
        )
    if not inputs.account_balance.is_finite() or inputs.account_balance < 0:
        raise InvalidInput("个人账户储存额不能为负数", "account_balance cannot be negative", field="account_balance")


def deemed_index(*, rule: DeemedIndexRule, average_index: Decimal) -> Decimal:
    """Z同 by the region's rule: 1, the own index Z̄, or (1 + Z̄) ÷ 2."""
    if rule == "fixed_one":
        return Decimal(1)
    if rule == "own_index":
        return average_index
    if rule == "half_sum":
        return (1 + average_index) / 2
    raise ValueError(f"unknown deemed index rule: {rule}")


def _percent(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}%"


def _n(months: int) -> str:
    return f"{months}/12"


def pension_compute(*, inputs: PensionInputs, params: PensionParams) -> PensionResult:
    """基本养老金 = 基础养老金 + 个人账户养老金 + 过渡性养老金, each with its arithmetic."""
    _check_inputs(inputs)
    if not params.average_wage.is_finite() or params.average_wage <= 0:
        raise InvalidInput("计发基数应大于零", "average_wage must be above zero", field="average_wage")
    c, z = params.average_wage, inputs.average_index
    months, deemed = inputs.contribution_months, inputs.deemed_months
    divisor = months_divisor(age_years=inputs.age_years, age_months=inputs.age_months)
    lines: list[DerivationLine] = [
        DerivationLine(
            "average_wage",
            "计发基数（上年度在岗职工月平均工资）C̄",
            "Average wage for benefits C̄",
            f"{c}",
            c,
            params.average_wage_ref,
        ),
        DerivationLine("average_index", "本人平均缴费工资指数 Z̄", "Average contribution index Z̄", f"{z}", z),
        DerivationLine(
            "indexed_wage",
            "本人指数化月平均缴费工资 C̄×Z̄",
            "Indexed average monthly wage C̄×Z̄",
            f"{c} × {z} = {c * z}",
            c * z,
        ),
        DerivationLine(
            "contribution_years",
            "累计缴费年限 N（含视同）",
            "Contribution years N (incl. deemed)",
            f"{months} 个月 ÷ 12 = {(Decimal(months) / MONTHS_IN_YEAR).quantize(INDEX_PLACES)} 年",
            (Decimal(months) / MONTHS_IN_YEAR).quantize(INDEX_PLACES),
        ),
    ]
    basic = round_fen((c + c * z) / 2 * months * ONE_PERCENT / MONTHS_IN_YEAR)
    lines.append(
        DerivationLine(
            "basic_pension",
            "基础养老金 =（C̄ + C̄×Z̄）÷ 2 × N × 1%",
            "Basic pension = (C̄ + C̄×Z̄) / 2 × N × 1%",
            f"({c} + {c} × {z}) ÷ 2 × {_n(months)} × 1% = {basic}",
            basic,
            params.average_wage_ref,
        )
    )
    lines.append(
        DerivationLine(
            "months_divisor",
            f"计发月数（{inputs.age_years}周岁{inputs.age_months}个月）",
            f"Months divisor (age {inputs.age_years}y{inputs.age_months}m)",
            _divisor_formula(inputs.age_years, inputs.age_months, divisor),
            divisor,
            MONTHS_DIVISOR_SOURCE,
        )
    )
    account = round_fen(inputs.account_balance / divisor)
    lines.append(
        DerivationLine(
            "account_pension",
            "个人账户养老金 = 个人账户储存额 ÷ 计发月数",
            "Account pension = account balance / months divisor",
            f"{inputs.account_balance} ÷ {divisor} = {account}",
            account,
        )
    )
    k = params.transition_coefficient
    if deemed:
        z_deemed = deemed_index(rule=params.deemed_index_rule, average_index=z)
        rule_zh, rule_en = DEEMED_INDEX_RULES[params.deemed_index_rule]
        lines.append(
            DerivationLine(
                "deemed_index",
                f"视同缴费指数 Z同（{rule_zh}）",
                f"Deemed index ({rule_en})",
                f"{z_deemed}",
                z_deemed,
                params.transition_ref,
            )
        )
        transition = round_fen(c * z_deemed * deemed * k / MONTHS_IN_YEAR)
        formula = f"{c} × {z_deemed} × {_n(deemed)} × {_percent(k)} = {transition}"
    else:
        transition = round_fen(Decimal(0))
        formula = "无视同缴费年限 / no deemed years: 0.00"
    lines.append(
        DerivationLine(
            "transition_pension",
            "过渡性养老金 = C̄ × Z同 × N同 × 过渡系数",
            "Transition pension = C̄ × deemed index × deemed years × k",
            formula,
            transition,
            params.transition_ref,
        )
    )
    total = basic + account + transition
    lines.append(
        DerivationLine(
            "total",
            "基本养老金 = 基础养老金 + 个人账户养老金 + 过渡性养老金",
            "Basic pension total = basic + account + transition",
            f"{basic} + {account} + {transition} = {total}",
            total,
        )
    )
    if params.provisional:
        lines.append(
            DerivationLine(
                "provisional",
                "暂定：" + (params.provisional_note_zh or "所用规则尚未公布当年数值，沿用最近一年"),
                "Provisional: "
                + (params.provisional_note_en or "the year's figure is not published; the latest is used"),
                "待公布后重算 / to be recomputed when published",
                total,
                params.average_wage_ref,
            )
        )
    return PensionResult(
        basic_pension=basic,
        account_pension=account,
        transition_pension=transition,
        total=total,
        months_divisor=divisor,
        provisional=params.provisional,
        derivation=tuple(lines),
        inputs=inputs,
        params=params,
    )


def _divisor_formula(age_years: int, age_months: int, divisor: Decimal) -> str:
    if age_months == 0:
        return f"{age_years}周岁查表 = {divisor}"
    low, high = MONTHS_DIVISOR_TABLE[age_years], MONTHS_DIVISOR_TABLE[age_years + 1]
    return f"{low} + ({high} − {low}) × {age_months}/12 = {divisor}（保留一位小数）"
