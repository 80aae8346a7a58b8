"""Public calculators (no sign-in): one month's contributions and a year's account interest,
computed by the same functions the assessment and the personal account use, with the rule
rows they used. An answer computed from a row carried forward past its period (a month after
the last published base limits, a year before its crediting rate is out) says
``provisional: true`` and lists those rows in ``carried_forward``. Bad input is a 422 with a
Chinese and an English message."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from shebao.contributions.accounts import interest_quote
from shebao.contributions.rulebook import contribution_quote, month_parse
from shebao.contributions.rules import INSURANCE_NAMES, MONTHS_IN_YEAR, ContributionCalc, InterestCalc
from shebao.core.api import answers
from shebao.core.errors import InvalidInput

router = Router(tags=["calculators"])


class ContributionIn(Schema):
    person_type: Literal["employee", "flexible"]
    region: str = "wuhan"
    month: str = Field(description="YYYY-MM")
    wage: Decimal | None = Field(None, description="employee: declared monthly wage (yuan)")
    grade: Decimal | None = Field(
        None, description="flexible: ratio of the average wage, within the grade rule in force (0.60-3.00 by 0.01)"
    )
    risk_class: int = Field(1, description="employee: work-injury risk class 1-8")


class RuleOut(Schema):
    id: int | None
    table: str
    key: str
    value: Decimal
    effective_from: str
    confidence: str
    provisional: bool = Field(False, description="used past its own period: its successor is not published yet")


class InsuranceOut(Schema):
    insurance: str
    name: str
    name_en: str
    employer: Decimal | None
    personal: Decimal | None
    employer_rate: Decimal | None
    personal_rate: Decimal | None


class ContributionOut(Schema):
    person_type: str
    region: str
    month: str
    base: Decimal
    limit_applied: str | None
    average: Decimal
    floor: Decimal
    cap: Decimal
    insurances: list[InsuranceOut]
    employer_total: Decimal
    personal_total: Decimal
    total: Decimal
    account_credit: Decimal
    provisional: bool = Field(description="a rule row was carried forward: the month's own figures are not published")
    carried_forward: list[RuleOut]
    rules: list[RuleOut]
    steps: list[str]


class InterestIn(Schema):
    opening_balance: Decimal
    year: int
    monthly_credits: list[Decimal] | None = None
    monthly_credit: Decimal | None = None
    months: int | None = Field(None, description="k: credit up to month k (retirement, transfer, death)")


class InterestLineOut(Schema):
    month: int
    amount: Decimal
    months_earning: int


class InterestOut(Schema):
    year: int
    rate: Decimal
    provisional: bool
    carried_forward: list[RuleOut]
    rate_row: RuleOut
    months: int
    opening_balance: Decimal
    credited: Decimal
    interest_on_opening: Decimal
    interest_on_credits: Decimal
    interest: Decimal
    closing_balance: Decimal
    lines: list[InterestLineOut]
    steps: list[str]


MAX_AMOUNT = Decimal("1000000000000")  # a balance or a wage beyond any person's: the arithmetic keeps the fen


def _money(value: Decimal | None, *, field: str) -> Decimal | None:
    if value is None:
        return None
    if not value.is_finite():
        raise InvalidInput(f"{field}应为金额", f"{field} must be an amount", field=field)
    if value < 0:
        raise InvalidInput(f"{field}不能为负数", f"{field} cannot be negative", field=field)
    if value.as_tuple().exponent < -2:  # type: ignore[operator]  # an int: the value is finite
        raise InvalidInput(f"{field}最多保留两位小数", f"{field} has at most two decimal places", field=field)
    if value >= MAX_AMOUNT:
        raise InvalidInput(f"{field}超出可计算范围", f"{field} is out of range (below 10^12)", field=field)
    return value


def contribution_calculate(data: ContributionIn) -> tuple[ContributionCalc, dict[str, Any]]:
    """Shared by the API and the page: validate, compute, and shape the answer."""
    month = month_parse(data.month)
    wage = _money(data.wage, field="wage")
    if data.person_type == "employee" and wage is None:
        raise InvalidInput("职工须填写缴费工资", "An employee's wage is required", field="wage")
    if data.person_type == "flexible" and data.grade is None:
        raise InvalidInput("灵活就业人员须选择缴费档次", "A flexible worker's grade is required", field="grade")
    calc = contribution_quote(
        person_type=data.person_type,
        month=month,
        region=data.region.strip().lower(),
        wage=wage if data.person_type == "employee" else None,
        grade=data.grade if data.person_type == "flexible" else None,
        risk_class=data.risk_class,
    )
    limits = {r.key.split("/")[1]: r.value for r in calc.rules if r.table == "WageBase"}
    body = {
        "person_type": calc.person_type,
        "region": data.region.strip().lower(),
        "month": month.strftime("%Y-%m"),
        "base": calc.base,
        "limit_applied": calc.limit_applied,
        "average": limits["average"],
        "floor": limits["floor"],
        "cap": limits["cap"],
        "insurances": [
            {
                "insurance": x.insurance,
                "name": INSURANCE_NAMES[x.insurance][0],
                "name_en": INSURANCE_NAMES[x.insurance][1],
                "employer": x.employer,
                "personal": x.personal,
                "employer_rate": x.employer_rate,
                "personal_rate": x.personal_rate,
            }
            for x in calc.lines
        ],
        "employer_total": calc.employer_total,
        "personal_total": calc.personal_total,
        "total": calc.total,
        "account_credit": calc.account_credit,
        "provisional": calc.provisional,
        "carried_forward": [r.as_dict() for r in calc.carried_forward],
        "rules": [r.as_dict() for r in calc.rules],
        "steps": list(calc.steps),
    }
    return calc, body


def interest_calculate(data: InterestIn) -> tuple[InterestCalc, dict[str, Any]]:
    opening = _money(data.opening_balance, field="opening_balance")
    assert opening is not None
    if data.monthly_credits is not None and data.monthly_credit is not None:
        raise InvalidInput(
            "每月记账额只能按月逐一填写或统一填写一个，不能同时填写",
            "Give either monthly_credits or monthly_credit, not both",
            field="monthly_credits",
        )
    if data.monthly_credits is not None:
        if len(data.monthly_credits) != MONTHS_IN_YEAR:
            raise InvalidInput(
                f"每月记账额应为12个金额（收到 {len(data.monthly_credits)} 个）",
                f"monthly_credits must hold 12 amounts (got {len(data.monthly_credits)})",
                field="monthly_credits",
            )
        credits = [_money(x, field="monthly_credits") or Decimal(0) for x in data.monthly_credits]
    else:
        one = _money(data.monthly_credit, field="monthly_credit") or Decimal("0.00")
        credits = [one] * MONTHS_IN_YEAR
    if data.months is not None and not 1 <= data.months <= MONTHS_IN_YEAR:
        raise InvalidInput(
            f"计息月数应在1至12之间（收到 {data.months}）",
            f"months must be 1 to 12 (got {data.months})",
            field="months",
        )
    if not 1990 <= data.year <= 2100:
        raise InvalidInput(f"年度不正确：{data.year}", f"Not a valid year: {data.year}", field="year")
    calc, crediting = interest_quote(
        year=data.year, opening_balance=opening, monthly_credits=credits, months=data.months
    )
    body = {
        "year": calc.year,
        "rate": calc.rate,
        "provisional": crediting.provisional,
        "carried_forward": [crediting.rule.as_dict()] if crediting.provisional else [],
        "rate_row": crediting.rule.as_dict(),
        "months": calc.months,
        "opening_balance": calc.opening_balance,
        "credited": calc.credited,
        "interest_on_opening": calc.interest_on_opening,
        "interest_on_credits": calc.interest_on_credits,
        "interest": calc.interest,
        "closing_balance": calc.closing_balance,
        "lines": [{"month": x.month, "amount": x.amount, "months_earning": x.months_earning} for x in calc.lines],
        "steps": list(calc.steps),
    }
    return calc, body


@router.post(
    "/contribution", response=answers(ContributionOut), auth=None, summary="缴费计算器 / Contribution calculator"
)
def contribution(request: HttpRequest, data: ContributionIn) -> dict[str, Any]:
    """Base after clamping (and which limit applied), each insurance's employer and personal
    amounts, the totals, the account credit, and the rule rows used; ``provisional`` with the
    rows carried forward when the month's figures are not published yet."""
    return contribution_calculate(data)[1]


@router.post(
    "/account-interest", response=answers(InterestOut), auth=None, summary="个人账户利息计算器 / Account interest"
)
def account_interest(request: HttpRequest, data: InterestIn) -> dict[str, Any]:
    """Interest on the opening balance and on the year's credits (月积数法), the closing
    balance and the rate (provisional when the year's rate is not yet published)."""
    return interest_calculate(data)[1]
