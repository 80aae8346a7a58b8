"""The pensions API router (mounted by shebao.api at /api/v1/).

The pension calculators (issue 11), a contract other systems call, so the names are fixed:

- ``POST /calculators/pension``: the monthly basic pension from the formula's inputs, with
  each component, the 计发月数 and the derivation line by line; ``average_wage`` left out uses
  the region's 计发基数 row for the retirement month (``retirement_month``, else this month),
  provisional when that year's figure is not published yet;
- ``GET /calculators/retirement-age``: the statutory retirement age of a birth month under the
  2024 gradual-delay decision, with its flexible window and the minimum contribution.

Public (no sign-in). Bad input is a 422 naming the field, in Chinese and English.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field, PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from shebao.core.api import answers
from shebao.core.errors import InvalidInput
from shebao.pensions.params import pension_params_for
from shebao.pensions.rules.ages import (
    DELAY_SOURCE,
    BaseAge,
    Sex,
    flexible_window,
    minimum_contribution_months,
    retirement_age,
)
from shebao.pensions.rules.formula import MAX_AGE, MIN_AGE, PensionInputs, PensionResult, pension_compute

router = Router(tags=["pensions"])

MAX_WAGE = Decimal("1000000")  # a monthly average wage beyond any published one
MAX_BALANCE = Decimal("1000000000000")
MAX_INDEX = Decimal("3")  # bases are clamped to 300% of the average (国办发〔2019〕13号)
MAX_MONTHS = 720  # sixty years of contributions
_DECIMAL = re.compile(r"[0-9]{1,13}(\.[0-9]{1,4})?")
_MONTH = re.compile(r"((?:19|20)[0-9]{2})-(0[1-9]|1[0-2])")
_MONTH_SCHEMA = f"^{_MONTH.pattern}$"


def _decimal_in(value: object) -> Decimal:
    """A decimal as a JSON string ("9112.00") or number; never NaN, infinity or an exponent."""
    if isinstance(value, bool):
        raise PydanticCustomError("decimal_type", "must be a decimal number", {"zh": "应为数字"})
    text = str(value).strip() if isinstance(value, str | int | float | Decimal) else ""
    if not _DECIMAL.fullmatch(text):
        raise PydanticCustomError(
            "decimal_format", "must be a decimal number such as 9112.00", {"zh": "应为数字，如 9112.00"}
        )
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only plain decimals
        raise PydanticCustomError("decimal_format", "must be a decimal number", {"zh": "应为数字"}) from None


def _decimal_schema(pattern: str, description: str, example: str) -> WithJsonSchema:
    return WithJsonSchema({"type": "string", "pattern": pattern, "description": description, "examples": [example]})


Money = Annotated[
    Decimal,
    PlainValidator(_decimal_in),
    _decimal_schema(r"^[0-9]{1,12}(\.[0-9]{1,2})?$", "yuan, at most two decimals / 元，最多两位小数", "9112.00"),
]
Index = Annotated[
    Decimal,
    PlainValidator(_decimal_in),
    _decimal_schema(r"^[0-3](\.[0-9]{1,4})?$", "0 to 3, at most four decimals / 0至3，最多四位小数", "0.60"),
]


class PensionCalculatorIn(Schema):
    region: str = Field("wuhan", max_length=16, description="统筹区 / pooling region")
    average_wage: Money | None = Field(
        None, description="计发基数 C̄ (yuan a month); omitted: the region's rule row for the retirement month"
    )
    average_index: Index = Field(description="本人平均缴费工资指数 Z̄")
    contribution_months: int = Field(
        description="累计缴费月数 (actual + deemed)", json_schema_extra={"minimum": 0, "maximum": MAX_MONTHS}
    )
    account_balance: Money = Field(description="个人账户累计储存额 (yuan)")
    age_years: int = Field(
        description="retirement age, years / 退休年龄（周岁）",
        json_schema_extra={"minimum": MIN_AGE, "maximum": MAX_AGE},
    )
    age_months: int = Field(0, description="and months / 及月数", json_schema_extra={"minimum": 0, "maximum": 11})
    deemed_months: int = Field(
        0,
        description="视同缴费月数, within contribution_months",
        json_schema_extra={"minimum": 0, "maximum": MAX_MONTHS},
    )
    retirement_month: str | None = Field(
        None,
        description="YYYY-MM: whose rule row applies when average_wage is omitted (default: this month)",
        json_schema_extra={"pattern": _MONTH_SCHEMA},
    )


class PensionDerivationLineOut(Schema):
    key: str
    label_zh: str
    label_en: str
    formula: str
    value: str
    rule_ref: str | None


class PensionCalculatorOut(Schema):
    basic_pension: str = Field(description="基础养老金, yuan to the fen")
    account_pension: str = Field(description="个人账户养老金")
    transition_pension: str = Field(description="过渡性养老金")
    total: str = Field(description="基本养老金（月）")
    months_divisor: str = Field(description="计发月数")
    provisional: bool = Field(description="a rule row was used past its year: the figure is not published yet")
    average_wage: str
    retirement_month: str
    rule_refs: list[str]
    derivation: list[PensionDerivationLineOut]


class RetirementAgeCalculatorOut(Schema):
    delay_months: int
    age_years: int
    age_months: int
    retirement_month: str = Field(description="YYYY-MM")
    original_age: int
    flexible_earliest: str = Field(description="弹性提前退休最早月份 YYYY-MM")
    flexible_latest: str = Field(description="弹性延迟退休最晚月份 YYYY-MM")
    minimum_contribution_months: int = Field(description="最低缴费月数 at the statutory month")
    source: str


def _range(value: int, low: int, high: int, *, field: str, zh: str) -> int:
    if not low <= value <= high:
        raise InvalidInput(f"{zh}应在{low}至{high}之间（收到 {value}）", f"{field} must be {low} to {high} (got {value})", field=field)  # fmt: skip
    return value


def _amount(value: Decimal, *, high: Decimal, places: int, field: str, zh: str) -> Decimal:
    if value.as_tuple().exponent < -places:  # type: ignore[operator]  # an int: the pattern admits finite values only
        raise InvalidInput(f"{zh}最多保留{places}位小数", f"{field} has at most {places} decimal places", field=field)
    if value > high:
        raise InvalidInput(
            f"{zh}超出可计算范围（最大 {high}）", f"{field} is out of range (at most {high})", field=field
        )
    return value


def month_of(text: str | None, *, field: str) -> tuple[int, int]:
    if text is None:
        today = timezone.localdate()
        return today.year, today.month
    match = _MONTH.fullmatch(text.strip())
    if match is None:
        raise InvalidInput(f"月份格式应为 YYYY-MM（收到 {text}）", f"{field} must be YYYY-MM (got {text})", field=field)
    return int(match[1]), int(match[2])


def pension_calculate(data: PensionCalculatorIn) -> tuple[PensionResult, dict[str, Any]]:
    """Shared by the API and the public estimator page: validate, compute, shape the answer."""
    _range(data.contribution_months, 0, MAX_MONTHS, field="contribution_months", zh="累计缴费月数")
    _range(data.deemed_months, 0, data.contribution_months, field="deemed_months", zh="视同缴费月数")
    _range(data.age_years, MIN_AGE, MAX_AGE, field="age_years", zh="退休年龄")
    _range(data.age_months, 0, 0 if data.age_years == MAX_AGE else 11, field="age_months", zh="退休年龄月数")
    _amount(data.average_index, high=MAX_INDEX, places=4, field="average_index", zh="平均缴费工资指数")
    _amount(data.account_balance, high=MAX_BALANCE, places=2, field="account_balance", zh="个人账户储存额")
    if data.average_wage is not None:
        _amount(data.average_wage, high=MAX_WAGE, places=2, field="average_wage", zh="计发基数")
        if data.average_wage <= 0:
            raise InvalidInput("计发基数应大于零", "average_wage must be above zero", field="average_wage")
    year, month = month_of(data.retirement_month, field="retirement_month")
    params = pension_params_for(
        region=data.region, retirement_year=year, retirement_month=month, average_wage=data.average_wage
    )
    inputs = PensionInputs(
        average_index=data.average_index,
        contribution_months=data.contribution_months,
        deemed_months=data.deemed_months,
        account_balance=data.account_balance,
        age_years=data.age_years,
        age_months=data.age_months,
    )
    result = pension_compute(inputs=inputs, params=params)
    return result, pension_body(result, retirement=f"{year:04d}-{month:02d}")


def pension_body(result: PensionResult, *, retirement: str) -> dict[str, Any]:
    assert result.params is not None
    return {
        "basic_pension": str(result.basic_pension),
        "account_pension": str(result.account_pension),
        "transition_pension": str(result.transition_pension),
        "total": str(result.total),
        "months_divisor": str(result.months_divisor),
        "provisional": result.provisional,
        "average_wage": str(result.params.average_wage),
        "retirement_month": retirement,
        "rule_refs": list(result.params.rule_refs),
        "derivation": [line.as_dict() for line in result.derivation],
    }


@router.post(
    "/calculators/pension",
    response=answers(PensionCalculatorOut),
    auth=None,
    summary="养老金测算 / Pension calculator",
)
def calculator_pension(request: HttpRequest, data: PensionCalculatorIn) -> dict[str, Any]:
    """基础养老金, 个人账户养老金 and 过渡性养老金 (国发〔2005〕38号 with the region's rule rows),
    their total, the 计发月数 and every step with its numbers and the rule row it used."""
    return pension_calculate(data)[1]


class RetirementAgeCalculatorQuery(Schema):
    birth: str = Field(description="出生年月 YYYY-MM", json_schema_extra={"pattern": _MONTH_SCHEMA})
    sex: str = Field(description="M or F / 男 M，女 F", json_schema_extra={"enum": ["M", "F"]})
    base_age: int = Field(
        description="original statutory age: men 60; women cadre/technical 55, worker 50",
        json_schema_extra={"enum": [60, 55, 50]},
    )


def retirement_age_answer(*, birth: str, sex: str, base_age: int) -> dict[str, Any]:
    """Shared by the API and the estimator page."""
    birth_year, birth_month = month_of(birth, field="birth")
    if sex not in ("M", "F"):
        raise InvalidInput("性别应为 M（男）或 F（女）", "sex must be M or F", field="sex")
    if base_age not in (60, 55, 50):
        raise InvalidInput("原法定退休年龄应为60、55或50", "base_age must be 60, 55 or 50", field="base_age")
    s: Sex = "M" if sex == "M" else "F"
    b: BaseAge = 60 if base_age == 60 else 55 if base_age == 55 else 50
    age = retirement_age(birth_year=birth_year, birth_month=birth_month, sex=s, base_age=b)
    earliest, latest = flexible_window(birth_year=birth_year, birth_month=birth_month, sex=s, base_age=b)
    return {
        "delay_months": age.delay_months,
        "age_years": age.age_years,
        "age_months": age.age_months,
        "retirement_month": str(age.retirement),
        "original_age": age.base_age,
        "flexible_earliest": str(earliest),
        "flexible_latest": str(latest),
        "minimum_contribution_months": minimum_contribution_months(
            retirement_year=age.retirement_year, retirement_month=age.retirement_month
        ),
        "source": DELAY_SOURCE,
    }


@router.get(
    "/calculators/retirement-age",
    response=answers(RetirementAgeCalculatorOut),
    auth=None,
    summary="法定退休年龄 / Statutory retirement age",
)
def calculator_retirement_age(request: HttpRequest, query: Query[RetirementAgeCalculatorQuery]) -> dict[str, Any]:
    """The retirement age and month of a birth month under the 2024 gradual-delay decision
    (men 60 → 63, women 55 → 58 and 50 → 55), its flexible window (人社部发〔2024〕94号) and
    the minimum contribution months in the year it is reached."""
    return retirement_age_answer(birth=query.birth, sex=query.sex, base_age=query.base_age)
