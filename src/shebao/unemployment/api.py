"""Unemployment over the API: the public calculator (a contract: ``POST
/api/v1/calculators/unemployment``, computed by the same rules and rows as a claim at the window)
and a claimant's own claim."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from shebao.core.api import answers
from shebao.core.errors import InvalidInput, NotAllowed
from shebao.core.http import ApiRequest
from shebao.core.models import Account
from shebao.core.tokens import person_auth
from shebao.unemployment import params, rules
from shebao.unemployment.selectors import claim_view, claims_of_self

calculators_router = Router(tags=["calculators"])
router = Router(tags=["unemployment"])

MONTH = re.compile(r"(\d{4})-(\d{2})")


class UnemploymentIn(Schema):
    region: str = Field("wuhan", max_length=16)
    contribution_months: int = Field(ge=0, le=1200, strict=True, description="累计缴费月数 / months of contributions")
    separation_reason: str = Field(
        max_length=32, description="contract_ended, dismissed, unit_closed, mutual_agreement_by_unit, resigned"
    )
    previous_unused_months: int = Field(
        0, ge=0, le=24, strict=True, description="前次未领月数 / unused months of a previous claim"
    )
    month: str = Field(description="YYYY-MM: the month the rules are taken from")


class ReasonOut(Schema):
    code: str
    message: str
    message_en: str


class UnemploymentOut(Schema):
    eligible: bool
    reasons: list[ReasonOut]
    max_months: int
    monthly_benefit: str = Field(description="yuan, to the fen")
    provisional: bool = Field(description="a rule row used is of low confidence (to verify)")
    derivation: dict[str, Any]


def month_parse(value: str, *, field: str = "month") -> dt.date:
    match = MONTH.fullmatch(value.strip())
    if match is None or not 1 <= int(match[2]) <= 12 or int(match[1]) < 1990:
        raise InvalidInput("月份格式应为 YYYY-MM（1990年以后）", "month must be YYYY-MM (from 1990)", field=field)
    return dt.date(int(match[1]), int(match[2]), 1)


def assessment_body(result: rules.Assessment) -> dict[str, Any]:
    return {
        "eligible": result.eligible,
        "reasons": [r.as_dict() for r in result.reasons],
        "max_months": result.max_months,
        "monthly_benefit": f"{result.monthly_benefit:.2f}",
        "provisional": result.provisional,
        "derivation": result.derivation,
    }


def unemployment_calculate(data: UnemploymentIn) -> dict[str, Any]:
    """Validate, take the rows in force in ``month``, assess."""
    month = month_parse(data.month)
    rule_set = params.params_on(on=month, region=data.region.strip().lower())
    if data.separation_reason not in rule_set.reasons:
        known = "、".join(sorted(rule_set.reasons))
        raise InvalidInput(
            f"离职原因应为以下之一：{known}",
            f"separation_reason must be one of: {', '.join(sorted(rule_set.reasons))}",
            field="separation_reason",
        )
    result = rules.unemployment_assess(
        contribution_months=data.contribution_months,
        separation_reason=data.separation_reason,
        previous_unused_months=data.previous_unused_months,
        params=rule_set,
    )
    body = assessment_body(result)
    body["derivation"] = {**result.derivation, "region": data.region.strip().lower(), "month": f"{month:%Y-%m}"}
    return body


@calculators_router.post(
    "/unemployment", response=answers(UnemploymentOut), auth=None, summary="失业保险金计算器 / Unemployment benefit"
)
def unemployment(request: HttpRequest, data: UnemploymentIn) -> dict[str, Any]:
    """Whether a claim would be eligible, for how many months and how much a month, with the
    reasons in Chinese and English and the derivation (the rule rows with their refs)."""
    return unemployment_calculate(data)


class UnemploymentPaymentOut(Schema):
    month: str
    amount: str
    status: str
    medical_by_fund: bool


class ClaimOut(Schema):
    case_number: str
    status: str
    start_month: str
    max_months: int
    months_paid: int
    months_left: int
    monthly_benefit: str
    provisional: bool
    derivation: dict[str, Any]
    payments: list[UnemploymentPaymentOut]


@router.get(
    "/my/unemployment/claims",
    response=answers(list[ClaimOut], errors=(401, 403, 429)),
    auth=person_auth,  # a session, or the app's bearer token (429: the app's rate limits)
    summary="我的失业保险金 / My unemployment claims",
)
def my_claims(request: ApiRequest) -> list[dict[str, Any]]:
    """The signed-in person's own claims, newest first, with months paid and left: for the
    insured person only (a person sees only their own)."""
    user = request.auth
    if user.kind != Account.Kind.CITIZEN:
        raise NotAllowed("仅限参保人本人查询", "For insured persons only")
    return [claim_view(claim) for claim in claims_of_self(actor=user)]
