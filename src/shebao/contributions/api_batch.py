"""The employers' VIP batch API (issue 13): 增减员 and the annual base declaration as JSON, the
equivalent of the unit hall's Excel uploads, through the same checks
(``registry.imports.staff_import_rows``, ``contributions.declarations.base_declare_rows``).

Each batch answers row by row: every row with its problems (column, Chinese, English), and
the batch is written whole or not at all, as the Excel path. ``key`` is the unit's own batch
key: a batch that was written is kept with its answer (``registry.BatchSubmission``), so the
same key again returns that answer (``replayed``) and writes nothing; the same key with other
content is a 409. A rejected batch wrote nothing and may be corrected and sent again under the
same key. Row numbers are positions in ``rows`` from 1.

For VIP units (``Unit.vip``): an operator's session (with CSRF), or the unit's payroll system
with ``Authorization: Bearer <unit API token>`` (made on the unit hall's API tokens page, see
``contributions.batch_tokens``; no CSRF, rate-limited per token as the app's sign-ins).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Literal

from ninja import Field, Router, Schema

from shebao.contributions import declarations
from shebao.contributions.batch_tokens import batch_unit_get
from shebao.contributions.services import declared_wage_record
from shebao.core.api import answers
from shebao.core.channels import Channel
from shebao.core.http import ApiRequest
from shebao.core.models import Account
from shebao.core.tokens import unit_batches_auth
from shebao.registry import imports
from shebao.registry import services as registry_services
from shebao.registry.models import Person, Unit

router = Router(tags=["unit batches 单位批量申报"])
MAX_ROWS = 5000  # one request; a larger batch goes as several keys, or by Excel


class BatchProblemOut(Schema):
    column: str
    message: str
    message_en: str


class BatchRowOut(Schema):
    row: int | None  # None: an employee the batch left out (base declarations)
    person: str
    ok: bool
    problems: list[BatchProblemOut]
    case_number: str = ""


class BatchOut(Schema):
    key: str
    kind: str
    replayed: bool
    accepted: bool
    rows: int
    written: int
    message: str
    message_en: str
    results: list[BatchRowOut]


class StaffBatchRowIn(Schema):
    id_number: str = Field(..., max_length=32)
    name: str = Field(..., max_length=128)
    phone: str = Field("", max_length=32)
    start: str | None = Field(None, max_length=32, description="增员: YYYY-MM-DD")
    wage: str | None = Field(None, max_length=32, description="增员: 月工资（元）")
    end: str | None = Field(None, max_length=32, description="减员: YYYY-MM-DD")
    reason: str | None = Field(None, max_length=64, description="减员原因")


class StaffBatchIn(Schema):
    key: str = Field(..., min_length=1, max_length=64)
    kind: Literal["add", "remove"]
    rows: list[StaffBatchRowIn] = Field(..., min_length=1, max_length=MAX_ROWS)


class BaseBatchRowIn(Schema):
    id_number: str = Field(..., max_length=32)
    name: str = Field(..., max_length=128)
    wage: str = Field(..., max_length=32)


class BaseBatchIn(Schema):
    key: str = Field(..., min_length=1, max_length=64)
    year: int = Field(..., ge=1990, le=2100)
    rows: list[BaseBatchRowIn] = Field(..., min_length=1, max_length=MAX_ROWS)


def _digest(body: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def _answer(*, key: str, kind: str, rows: int, written: int, results: list[dict[str, Any]]) -> dict[str, Any]:
    accepted = all(r["ok"] for r in results)
    return {
        "key": key,
        "kind": kind,
        "replayed": False,
        "accepted": accepted,
        "rows": rows,
        "written": written,
        "message": f"已全部申报（{written} 行）" if accepted else "有错误的行，整批未申报；请改正后重新提交",
        "message_en": f"All {written} rows declared"
        if accepted
        else "Rows have problems: nothing was declared; correct them and send the batch again",
        "results": results,
    }


@router.post(
    "/unit/batches/staff",
    response=answers(BatchOut, errors=(401, 403, 404, 409, 429)),
    auth=unit_batches_auth,
    summary="批量增减员（VIP 单位）/ Batch staff additions or removals (VIP units)",
)
def staff_batch(request: ApiRequest, data: StaffBatchIn) -> dict[str, Any]:
    """增员 or 减员 for many employees at once, checked row by row as the Excel import."""
    actor = request.auth
    unit = batch_unit_get(actor=actor)
    raw_rows = [(n, row.dict()) for n, row in enumerate(data.rows, start=1)]

    def run() -> tuple[dict[str, Any], bool]:
        report = imports.staff_import_rows(
            actor=actor, unit=unit, kind=data.kind, raw_rows=raw_rows, channel=Channel.ONLINE
        )
        hired = Person.objects.in_bulk(list(report.wages)) if report.wages else {}
        for person_id, (year, wage) in report.wages.items():  # as the Excel path: the wage on the case
            declared_wage_record(
                actor=actor,
                unit=unit,
                person=hired[person_id],
                year=year,
                wage=wage,
                case_number=report.case_of.get(person_id, ""),
            )
        cases: dict[str, str] = {}
        if report.case_of:
            numbers = Person.objects.filter(pk__in=list(report.case_of)).values_list("pk", "id_number")
            cases = {number: report.case_of[pk] for pk, number in numbers}
        problems: dict[int, list[dict[str, str]]] = {}
        for error in report.rejected:
            problems.setdefault(error.row, []).append(
                {"column": error.column, "message": error.message_zh, "message_en": error.message_en}
            )
        results = [
            {
                "row": n,
                "person": values["name"],
                "ok": n not in problems,
                "problems": problems.get(n, []),
                "case_number": cases.get(_normal(values["id_number"]), ""),
            }
            for n, values in raw_rows
        ]
        answer = _answer(
            key=data.key, kind=f"staff.{data.kind}", rows=len(raw_rows), written=report.accepted, results=results
        )
        return answer, report.accepted > 0

    return _once(actor=actor, unit=unit, key=data.key, kind=f"staff.{data.kind}", body=data.dict(), run=run)


def _normal(id_number: str) -> str:
    return id_number.strip().upper()


@router.post(
    "/unit/batches/bases",
    response=answers(BatchOut, errors=(401, 403, 404, 409, 429)),
    auth=unit_batches_auth,
    summary="批量申报缴费基数（VIP 单位）/ Batch base declaration (VIP units)",
)
def bases_batch(request: ApiRequest, data: BaseBatchIn) -> dict[str, Any]:
    """The year's declared wages of every employee of the year, checked row by row as the
    Excel declaration (every employee present, once, with a wage in range)."""
    actor = request.auth
    unit = batch_unit_get(actor=actor)
    rows = [(n, (row.name, row.id_number, row.wage)) for n, row in enumerate(data.rows, start=1)]

    def run() -> tuple[dict[str, Any], bool]:
        report = declarations.base_declare_rows(actor=actor, unit=unit, year=data.year, rows=rows)
        problems: dict[int | None, list[dict[str, str]]] = {}
        missing: list[dict[str, Any]] = []
        for p in report.problems:
            item = {"column": p.column, "message": p.message_zh, "message_en": p.message_en}
            if p.row is None:
                missing.append({"row": None, "person": p.person, "ok": False, "problems": [item]})
            else:
                problems.setdefault(p.row, []).append(item)
        results = [
            {"row": n, "person": values[0], "ok": n not in problems, "problems": problems.get(n, [])}
            for n, values in rows
        ] + missing
        answer = _answer(
            key=data.key, kind=f"bases.{data.year}", rows=len(rows), written=report.declared, results=results
        )
        return answer, report.declared > 0

    return _once(actor=actor, unit=unit, key=data.key, kind=f"bases.{data.year}", body=data.dict(), run=run)


def _once(*, actor: Account, unit: Unit, key: str, kind: str, body: dict[str, Any], run: Any) -> dict[str, Any]:
    body = {k: v for k, v in body.items() if k != "key"}
    answer, replayed = registry_services.batch_once(
        actor=actor, unit=unit, key=key, kind=kind, digest=_digest(body), run=run
    )
    return {**answer, "replayed": replayed}
