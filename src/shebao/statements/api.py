"""The statements API (mounted by shebao.api): the insured person's rights statements in the
app (我的权益记录单: the list, one year's record as JSON, its PDF, a correction asked for from
it), and an employer's view of its own employee's months."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpResponse
from ninja import Header, Router, Schema, Status
from ninja.security import SessionAuth
from pydantic import PlainValidator, WithJsonSchema, field_validator
from pydantic_core import PydanticCustomError

from shebao.cases import services as case_services
from shebao.cases.api import ProgressOut
from shebao.cases.selectors import case_progress
from shebao.core.api import answers
from shebao.core.channels import Channel
from shebao.core.errors import NotAllowed, NotFound
from shebao.core.http import ApiRequest
from shebao.core.models import Account
from shebao.core.tokens import person_auth
from shebao.registry.models import Person
from shebao.registry.selectors import person_find_by_id_number
from shebao.statements import selectors, services
from shebao.statements.document import statement_verify_url
from shebao.statements.models import Statement
from shebao.statements.record import record_content

router = Router(tags=["statements 个人权益记录单"])
session = SessionAuth()


class StatementOut(Schema):
    year: int
    version: int
    ref: str
    code: str
    issued_at: dt.datetime
    current: bool
    superseded_at: dt.datetime | None
    verify_url: str
    pdf_url: str


class StatementRecordOut(StatementOut):
    record: dict[str, Any]


class StatementYearsOut(Schema):
    years: list[int]
    issued: list[StatementOut]


_MONTH = re.compile(r"[0-9]{4}-[0-9]{2}(-[0-9]{2})?")


def _statement_month(value: object) -> dt.date:
    """A month as the page gives it (``YYYY-MM``) or a day of it (``YYYY-MM-DD``, the app's
    contract since the first version), as the month's first day; anything else a 422 with the
    Chinese message in the error's context (shebao.api's handler shows it first)."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.replace(day=1)
    if isinstance(value, str) and _MONTH.fullmatch(value.strip()):
        text = value.strip()
        try:
            return dt.date.fromisoformat(text if len(text) == 10 else f"{text}-01").replace(day=1)
        except ValueError:
            pass
    raise PydanticCustomError(
        "month_format",
        "give the month as YYYY-MM (or a day of it, YYYY-MM-DD), e.g. 2026-03",
        {"zh": "月份应为 年-月（YYYY-MM，或该月某日 YYYY-MM-DD），如 2026-03"},
    )


StatementMonth = Annotated[
    dt.date,
    PlainValidator(_statement_month),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": f"^{_MONTH.pattern}$",
            "description": "月份 YYYY-MM（或该月某日 YYYY-MM-DD，按该月1日计）/ A month, YYYY-MM, or a day of it",
            "examples": ["2026-03", "2026-03-01"],
        }
    ),
]


class CorrectionIn(Schema):
    period: StatementMonth  # the first month in question
    period_to: StatementMonth | None = None  # the last, inclusive; absent (null or ""): one month
    what: str  # base | missing | other
    correct_base: Decimal | None = None
    detail: str

    @field_validator("period_to", mode="before")
    @classmethod
    def _blank_is_one_month(cls, value: object) -> object:
        """An empty "to" month, as the web form sends it, is no run: one month."""
        return None if isinstance(value, str) and not value.strip() else value


class MonthOut(Schema):
    month: int
    base: Decimal | None
    flag: str


class StatementInsuranceOut(Schema):
    insurance: str
    label_zh: str
    enrolled_on: dt.date | None
    status: str
    months: list[MonthOut]


class EmployeeMonthsOut(Schema):
    name: str
    id_number_masked: str
    year: int
    insurances: list[StatementInsuranceOut]


def _own_person(user: Account) -> Person:
    if user.kind != Account.Kind.CITIZEN:
        raise NotAllowed("仅限参保人本人查询", "For insured persons only")
    return person_find_by_id_number(actor=user, id_number=user.id_number or "", channel=Channel.APP)


def _out(statement: Statement) -> dict[str, Any]:
    return {
        "year": statement.year,
        "version": statement.version,
        "ref": statement.ref,
        "code": statement.code,
        "issued_at": statement.issued_at,
        "current": statement.current,
        "superseded_at": statement.superseded_at,
        "verify_url": statement_verify_url(statement),
        # by the version's own ref: an old link never gives a later version's document
        "pdf_url": f"/api/v1/my/statements/s/{statement.ref}/pdf",
    }


@router.get(
    "/my/statements",
    response=answers(StatementYearsOut, errors=(401, 403, 404)),
    auth=person_auth,
    summary="我的权益记录单 / My rights statements",
)
def my_statements(request: ApiRequest) -> dict[str, Any]:
    """The years a statement can be had for (this year and every earlier year with records),
    and every statement issued so far, newest first (superseded versions included)."""
    user = request.auth
    person = _own_person(user)
    issued = list(selectors.statements_of(actor=user, person=person))
    return {"years": selectors.statement_years(actor=user, person=person), "issued": [_out(s) for s in issued]}


@router.get(
    "/my/statements/{year}",
    response=answers(StatementRecordOut, errors=(401, 403, 404)),
    auth=person_auth,
    summary="某年度权益记录单 / One year's rights statement",
)
def my_statement(request: ApiRequest, year: int) -> dict[str, Any]:
    """The year's current statement (issued now if none is, or if a figure changed since) with
    its record: the same content the PDF prints and the verification page checks."""
    user = request.auth
    person = _own_person(user)
    selectors.year_check(year)
    statement = services.statement_issue(actor=user, person=person, year=year, channel=Channel.APP)
    services.statement_view_record(actor=user, statement=statement, channel=Channel.APP)
    return {**_out(statement), "record": record_content(services.statement_record(statement=statement))}


@router.get(
    "/my/statements/{year}/pdf",
    response=answers(bytes, errors=(401, 403, 404, 409)),
    auth=person_auth,
    summary="下载权益记录单 PDF / The rights statement as PDF",
    openapi_extra={"responses": {200: {"content": {"application/pdf": {}}, "description": "PDF"}}},
)
def my_statement_pdf(request: ApiRequest, year: int) -> HttpResponse:
    user = request.auth
    person = _own_person(user)
    selectors.year_check(year)
    statement = services.statement_issue(actor=user, person=person, year=year, channel=Channel.APP)
    pdf = services.statement_pdf(actor=user, statement=statement, channel=Channel.APP)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="statement-{statement.ref}.pdf"'
    return response


@router.get(
    "/my/statements/s/{ref}/pdf",
    response=answers(bytes, errors=(401, 403, 404, 409)),
    auth=person_auth,
    summary="按编号下载某一版权益记录单 PDF / One version of a rights statement as PDF, by its number",
    openapi_extra={"responses": {200: {"content": {"application/pdf": {}}, "description": "PDF"}}},
)
def my_statement_pdf_by_ref(request: ApiRequest, ref: str) -> HttpResponse:
    """That version's signed document (a superseded one too, as issued), never a newer one; the
    person's own statements only (another person's ref is 404, like one that does not exist).
    A stored version that fails its signature (altered since issued) is 409, not served."""
    user = request.auth
    person = _own_person(user)
    statement = selectors.statement_by_ref(actor=user, ref=ref)
    if statement.person_id != person.pk:
        raise NotFound("未找到该记录单", "No such statement")
    pdf = services.statement_pdf(actor=user, statement=statement, channel=Channel.APP)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="statement-{statement.ref}.pdf"'
    return response


@router.post(
    "/my/statements/{year}/corrections",
    response=answers(ProgressOut, status=201, errors=(401, 403, 404, 409)),
    auth=person_auth,
    summary="申请更正权益记录 / Ask for a correction from the statement",
)
def my_statement_correction(
    request: ApiRequest,
    year: int,
    payload: CorrectionIn,
    idempotency_key: str = Header(..., alias="Idempotency-Key", pattern=f"^{case_services.IDEMPOTENCY_KEY.pattern}$"),
) -> Status[Any]:
    """Opens a QY-001 case for the months in question (``period`` to ``period_to``, inclusive;
    each ``YYYY-MM`` or ``YYYY-MM-DD``), naming the year's current statement; the employer's
    evidence is asked for as a material (一次性告知 when not handed in)."""
    user = request.auth
    person = _own_person(user)
    selectors.year_check(year)
    statement = services.statement_issue(actor=user, person=person, year=year, channel=Channel.APP)
    case = services.statement_correction_request(
        actor=user,
        statement=statement,
        period=payload.period,
        period_to=payload.period_to,
        what=payload.what,
        correct_base=payload.correct_base,
        detail=payload.detail,
        channel=Channel.APP,
        key=idempotency_key,
    )
    return Status(201, case_progress(case=case))


@router.get(
    "/unit/employees/{person_id}/months",
    response=answers(EmployeeMonthsOut, errors=(401, 403, 404)),
    auth=session,
    summary="单位查询职工缴费记录 / An employee's months paid through the unit",
)
def unit_employee_months(request: ApiRequest, person_id: int, year: int) -> dict[str, Any]:
    """An employer's own employee's months of ``year``, only those paid through the employer
    (人社部令第14号); a person the unit never employed is 404, like one that does not exist."""
    seen = services.statement_employer_view(actor=request.auth, person_id=person_id, year=year, channel=Channel.ONLINE)
    return {
        "name": seen.name,
        "id_number_masked": seen.id_number_masked,
        "year": seen.year,
        "insurances": [
            {
                "insurance": b.insurance,
                "label_zh": b.label_zh,
                "enrolled_on": b.enrolled_on,
                "status": b.status,
                "months": [{"month": c.month, "base": c.base, "flag": c.flag} for c in b.months],
            }
            for b in seen.insurances
        ],
    }
