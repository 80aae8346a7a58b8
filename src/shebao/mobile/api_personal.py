"""The app's personal information (function 3): records, accounts, pension, cases, statements,
read with the app's bearer token through the same selectors the online hall and windows use.

Where the JSON API already answers the same question for the person (``/my/account``,
``/my/pension``, ``/my/statements``), the app's route calls that route's function: one shaping
of the same selector's figures, so the app, the API and the pages agree to the fen. Every route
here is the token holder's own: the person is the one whose ID number the account carries,
never a parameter."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from shebao.cases.api import ProgressOut
from shebao.cases.selectors import case_progress, cases_mine
from shebao.contributions.api_account import my_account
from shebao.contributions.selectors import MonthView, months_of_person
from shebao.core.api import answers
from shebao.core.channels import Channel
from shebao.core.errors import NotAllowed
from shebao.core.http import ApiRequest
from shebao.core.models import Account
from shebao.medical.api import account_out
from shebao.medical.selectors import medical_account_mine
from shebao.mobile.auth import app_bearer
from shebao.mobile.schemas import AppAccountsOut, AppRecordsOut
from shebao.pensions.api_my import PensionOut, my_pension
from shebao.registry.models import Person
from shebao.registry.selectors import person_find_by_id_number
from shebao.statements.api import StatementYearsOut, my_statement_pdf_by_ref, my_statements

router = Router(tags=["app 手机 App"])
ERRORS = (401, 403, 404, 429)  # 429: the app's rate limits (core.tokens)

INSURANCES: dict[str, tuple[str, str | None, str]] = {
    # insurance: (individual column, employer column) of the ledger row, and its label
    "pension": ("pension_personal", "pension_employer", "养老保险 / Pension"),
    "medical": ("medical_personal", "medical_employer", "医疗保险 / Medical"),
    "unemployment": ("unemployment_personal", "unemployment_employer", "失业保险 / Unemployment"),
    "injury": ("", "injury_employer", "工伤保险 / Work injury"),
    "maternity": ("", "maternity_employer", "生育保险 / Maternity"),
}
STATUS_LABELS = {
    "paid": "已缴 / Paid",
    "arrears": "欠费 / In arrears",
    "due": "待缴 / Due",
    "transferred_in": "转入 / Transferred in",
}


def _own_person(user: Account) -> Person:
    if user.kind != Account.Kind.CITIZEN:
        raise NotAllowed("仅限参保人本人查询", "For insured persons only")
    return person_find_by_id_number(actor=user, id_number=user.id_number or "", channel=Channel.APP)


# --- my records -----------------------------------------------------------------------------


class AppRecordsQuery(Schema):
    insurance: Literal["pension", "medical", "unemployment", "injury", "maternity"] | None = Field(
        None, description="险种，省略为全部 / One insurance (all when omitted)"
    )
    year: int | None = Field(None, ge=1990, le=2100, description="年度 / Year")
    page: int = Field(1, ge=1, le=10_000)
    page_size: int = Field(24, ge=1, le=120)


def _lines(month: MonthView, insurance: str | None) -> list[dict[str, Any]]:
    lines = []
    for key, (personal_col, employer_col, label) in INSURANCES.items():
        if insurance is not None and key != insurance:
            continue
        personal = getattr(month.row, personal_col) if personal_col else None
        employer = getattr(month.row, employer_col) if employer_col else None
        if personal is None and employer is None:
            continue  # not insured for it that month
        lines.append({"insurance": key, "label": label, "employer": employer, "personal": personal})
    return lines


@router.get(
    "/my/records",
    response=answers(AppRecordsOut, errors=ERRORS),
    auth=app_bearer,
    summary="我的缴费记录 / My contribution records",
)
def my_records(request: ApiRequest, query: Query[AppRecordsQuery]) -> dict[str, Any]:
    """The ledger month by month, newest first, a page at a time: base, status, the paying
    unit, and each insurance's employer and individual amounts (only ``insurance`` when given,
    and then only the months insured for it) — the months ``/my/contributions/`` shows."""
    person = _own_person(request.auth)
    months = months_of_person(actor=request.auth, person=person, as_of=timezone.localdate())
    rows = []
    for month in months:
        if query.year is not None and month.row.period.year != query.year:
            continue
        lines = _lines(month, query.insurance)
        if query.insurance is not None and not lines:
            continue
        rows.append((month, lines))
    start = (query.page - 1) * query.page_size
    return {
        "page": query.page,
        "page_size": query.page_size,
        "total": len(rows),
        "pages": -(-len(rows) // query.page_size),
        "insurance": query.insurance,
        "year": query.year,
        "months": [
            {
                "period": m.row.period,
                "base": m.row.base,
                "status": m.shown_status,
                "status_label": STATUS_LABELS.get(m.shown_status, m.shown_status),
                "payer": m.row.unit.name if m.row.unit is not None else "",
                "personal": m.personal,
                "employer": m.employer,
                "to_account": m.row.account_credit,
                "insurances": lines,
            }
            for m, lines in rows[start : start + query.page_size]
        ],
    }


# --- my accounts, my pension --------------------------------------------------------------------


@router.get(
    "/my/accounts",
    response=answers(AppAccountsOut, errors=ERRORS),
    auth=app_bearer,
    summary="我的个人账户 / My personal accounts",
)
def my_accounts(request: ApiRequest, year: int | None = None) -> dict[str, Any]:
    """The pension personal account (balance, every year's roll, the lines of ``year``) as
    ``/api/v1/my/account`` answers it, and the medical personal account (balance, credits and
    payments from it, newest first) as ``/api/v1/medical/account`` does."""
    pension = my_account(request, year=year)
    return {"pension": pension, "medical": account_out(medical_account_mine(actor=request.auth))}


@router.get(
    "/my/pension",
    response=answers(PensionOut, errors=ERRORS),
    auth=app_bearer,
    summary="我的养老金 / My pension",
)
def my_pension_app(request: ApiRequest) -> dict[str, Any]:
    """The monthly pension, its parts, derivation and payments, as ``/api/v1/my/pension``."""
    return my_pension(request)


# --- my cases ---------------------------------------------------------------------------------


class AppCasesQuery(Schema):
    limit: int = Field(20, ge=1, le=50)


@router.get(
    "/my/cases",
    response=answers(list[ProgressOut], errors=ERRORS),
    auth=app_bearer,
    summary="我的办件 / My cases",
)
def my_cases(request: ApiRequest, query: Query[AppCasesQuery]) -> list[dict[str, Any]]:
    """The person's own cases, newest first, each with its progress, due date and whether it
    is on time: what ``/api/v1/cases/mine`` and 我的办件 show."""
    if request.auth.kind != Account.Kind.CITIZEN:
        raise NotAllowed("仅限参保人本人查询", "For insured persons only")
    return [case_progress(case=c) for c in cases_mine(actor=request.auth, limit=query.limit)]


# --- my statements ----------------------------------------------------------------------------


@router.get(
    "/my/statements",
    response=answers(StatementYearsOut, errors=ERRORS),
    auth=app_bearer,
    summary="我的权益记录单 / My rights statements",
)
def my_statements_app(request: ApiRequest) -> dict[str, Any]:
    """The years a statement can be had for and every statement issued, newest first, each
    with its PDF address in the app's own routes."""
    answer = my_statements(request)
    for statement in answer["issued"]:
        statement["pdf_url"] = f"/api/v1/app/my/statements/{statement['ref']}/pdf"
    return answer


@router.get(
    "/my/statements/{ref}/pdf",
    response=answers(bytes, errors=ERRORS),
    auth=app_bearer,
    summary="下载权益记录单 PDF / A rights statement as PDF",
    openapi_extra={"responses": {200: {"content": {"application/pdf": {}}, "description": "PDF"}}},
)
def my_statement_pdf_app(request: ApiRequest, ref: str) -> HttpResponse:
    """That version's signed document; another person's number is 404, like one that does
    not exist."""
    return my_statement_pdf_by_ref(request, ref=ref)
