"""Recomputing determinations in bulk (养老金批量重算): when a year's 计发基数 row is published
(or corrected), every determination of that year's retirements that rests on another value —
the provisional ones, computed with the previous year's figure carried forward — is
recomputed from its **stored inputs** under the rule rows now in force, and its figures,
params and rule refs rewritten. The person's record is not read again: the inputs are those
the determination was approved with (the replay guarantee), only the rule changes.

A job (``pensions.recompute``) over determination ids, each chunk once. Two paths that give
the same figures to the fen: ``sql`` (PostgreSQL: one ``UPDATE … FROM`` per chunk, the
formula of ``rules.formula.pension_compute`` in SQL numerics, half-up rounding to the fen of
each component) and ``orm`` (anywhere: the pure formula row by row). The page's derivation is
rebuilt from the stored inputs and params on read, so it always matches the stored figures.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.db import connection
from django.db.models import Max, Min

from shebao.core import audit
from shebao.core.errors import InvalidInput
from shebao.core.jobs import JobKind, Params
from shebao.pensions.models import PensionDetermination
from shebao.pensions.params import pension_params_for
from shebao.pensions.rules.formula import PensionParams, pension_compute
from shebao.pensions.services.common import REGION
from shebao.pensions.services.determination import inputs_from_json, params_from_json, params_to_json

RECOMPUTE_JOB = "pensions.recompute"


def path_resolve(path: str) -> str:
    if path not in ("auto", "sql", "orm"):
        raise InvalidInput(f"未知的重算方式：{path}", f"Unknown recompute path: {path}", field="path")
    if path == "auto":
        return "sql" if connection.vendor == "postgresql" else "orm"
    if path == "sql" and connection.vendor != "postgresql":
        raise InvalidInput("批量 SQL 重算需要 PostgreSQL", "The bulk SQL path needs PostgreSQL", field="path")
    return path


def recompute_params(*, year: int, region: str = REGION) -> PensionParams:
    """The params of a retirement in January of ``year`` under the rows in force now (the
    计发基数 is one figure for the whole year)."""
    return pension_params_for(region=region, retirement_year=year, retirement_month=1)


def _targets(year: int, lo: int, hi: int) -> Any:
    return PensionDetermination.objects.filter(
        id__gte=lo,
        id__lte=hi,
        status=PensionDetermination.Status.APPROVED,
        retirement_month__gte=dt.date(year, 1, 1),
        retirement_month__lt=dt.date(year + 1, 1, 1),
    )


def recompute_range_orm(*, year: int, params: PensionParams, lo: int, hi: int) -> dict[str, int]:
    """Row by row through the pure formula: load, compute, save (the reference path)."""
    stored = params_to_json(params)
    changed = 0
    for det in _targets(year, lo, hi).exclude(params=stored).only("id", "inputs", "params"):
        result = pension_compute(inputs=inputs_from_json(det.inputs), params=params)
        det.basic_pension, det.account_pension = result.basic_pension, result.account_pension
        det.transition_pension, det.total = result.transition_pension, result.total
        det.months_divisor, det.provisional = result.months_divisor, result.provisional
        det.params, det.rule_refs = stored, list(params.rule_refs)
        det.save(
            update_fields=[
                "basic_pension",
                "account_pension",
                "transition_pension",
                "total",
                "months_divisor",
                "provisional",
                "params",
                "rule_refs",
            ]
        )
        changed += 1
    return {"recomputed": changed}


# The formula of rules.formula.pension_compute, divisions last so that PostgreSQL's numeric
# and Python's Decimal meet at the same rounding to the fen (round() on numeric is half up).
# One pass over the chunk's rows (no self-join): each row's inputs are read from its own JSON.
_Z = "(inputs->>'average_index')::numeric"
_DEEMED_INDEX = {"fixed_one": "1", "own_index": _Z, "half_sum": f"((1 + {_Z}) / 2)"}
_BASIC = f"round((%(c)s + %(c)s * {_Z}) * (inputs->>'contribution_months')::int / 2400, 2)"
_ACCOUNT = "round((inputs->>'account_balance')::numeric / months_divisor, 2)"
_TRANSITION = "round(%(c)s * {zd} * (inputs->>'deemed_months')::int * %(k)s / 12, 2)"
# Constant fragments only (the deemed-index expression comes from a fixed map); values are bound.
_SQL = f"""
UPDATE pensions_pensiondetermination SET
    basic_pension = {_BASIC},
    account_pension = {_ACCOUNT},
    transition_pension = {_TRANSITION},
    total = {_BASIC} + {_ACCOUNT} + {_TRANSITION},
    provisional = %(provisional)s,
    params = %(params)s::jsonb,
    rule_refs = %(refs)s::jsonb
WHERE id BETWEEN %(lo)s AND %(hi)s AND status = 'approved'
  AND retirement_month >= %(first)s AND retirement_month < %(after)s
  AND params <> %(params)s::jsonb
"""  # noqa: S608


def recompute_range_sql(*, year: int, params: PensionParams, lo: int, hi: int) -> dict[str, int]:
    """Set-based: one UPDATE of the chunk's determinations (PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute(
            _SQL.replace("{zd}", _DEEMED_INDEX[params.deemed_index_rule]),
            {
                "c": params.average_wage,
                "k": params.transition_coefficient,
                "provisional": params.provisional,
                "params": json.dumps(params_to_json(params), ensure_ascii=False),
                "refs": json.dumps(list(params.rule_refs)),
                "lo": lo,
                "hi": hi,
                "first": dt.date(year, 1, 1),
                "after": dt.date(year + 1, 1, 1),
            },
        )
        return {"recomputed": cursor.rowcount}


def _plan(params: Params) -> list[tuple[int, int]]:
    year = int(params["year"])
    span = PensionDetermination.objects.filter(
        status=PensionDetermination.Status.APPROVED,
        retirement_month__gte=dt.date(year, 1, 1),
        retirement_month__lt=dt.date(year + 1, 1, 1),
    ).aggregate(lo=Min("id"), hi=Max("id"))
    return [] if span["lo"] is None else [(span["lo"], span["hi"])]


def _run_chunk(*, params: Params, lo: int, hi: int) -> dict[str, Any]:
    year = int(params["year"])
    rule = params_from_json(params["params"])
    run = recompute_range_sql if params.get("path") == "sql" else recompute_range_orm
    counts = run(year=year, params=rule, lo=lo, hi=hi)
    if counts["recomputed"]:
        audit.record(
            actor=None,
            action="pension.recompute.chunk",
            subject_type="pensions.PensionDetermination",
            subject_id=str(year),
            after={"ids": [lo, hi], **counts, "rule_refs": list(rule.rule_refs), "path": params.get("path")},
            channel="system",
        )
    return counts


RECOMPUTE = JobKind(
    name=RECOMPUTE_JOB,
    title="养老金批量重算 / Pensions recomputed",
    plan=_plan,
    run_chunk=_run_chunk,
    chunk_size=50_000,
)


def recompute_job_params(*, year: int, path: str = "auto", region: str = REGION) -> dict[str, Any]:
    """The job's parameters: the year, the path and the params fixed at planning, so every chunk
    (and a resumption) uses the same rule values."""
    return {
        "year": year,
        "path": path_resolve(path),
        "params": params_to_json(recompute_params(year=year, region=region)),
    }
