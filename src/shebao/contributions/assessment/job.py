"""The job kind ``contributions.assessment``: its plan (unit id ranges, and flexible workers as
virtual ids above ``FLEX_OFFSET``), its chunks (each on the SQL or the ORM path) and the
choice of path."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.db.models import Max, Min

from shebao.contributions.assessment.orm import _orm_flexible, _orm_units
from shebao.contributions.assessment.ruleset import DEFAULT_REGION, ruleset_for
from shebao.contributions.assessment.sql import _sql_flexible, _sql_units
from shebao.core import audit
from shebao.core.errors import InvalidInput
from shebao.core.jobs import JobKind, Params
from shebao.core.months import month_end
from shebao.registry.models import Person, UnitInsurance

JOB_KIND = "contributions.assessment"


FLEX_OFFSET = 1_000_000_000_000  # virtual ids at and above this are flexible-worker blocks


FLEX_BLOCK = 40  # person ids per virtual id: a 1,000-id chunk covers 40,000 person ids


def path_resolve(path: str) -> str:
    """``auto`` → ``sql`` on PostgreSQL, ``orm`` elsewhere; ``sql`` needs PostgreSQL."""
    if path not in ("auto", "sql", "orm"):
        raise InvalidInput(f"未知的核定方式：{path}", f"Unknown assessment path: {path}", field="path")
    if path == "auto":
        return "sql" if connection.vendor == "postgresql" else "orm"
    if path == "sql" and connection.vendor != "postgresql":
        raise InvalidInput("批量 SQL 核定需要 PostgreSQL", "The bulk SQL path needs PostgreSQL", field="path")
    return path


def _plan(params: Params) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    last = month_end(dt.date.fromisoformat(params["period"]))
    units = UnitInsurance.objects.filter(active=True, since__lte=last).aggregate(lo=Min("unit_id"), hi=Max("unit_id"))
    if units["lo"] is not None:
        ranges.append((units["lo"], units["hi"]))
    people = Person.objects.filter(category=Person.Category.FLEXIBLE).aggregate(lo=Min("id"), hi=Max("id"))
    if people["lo"] is not None:
        ranges.append((FLEX_OFFSET + people["lo"] // FLEX_BLOCK, FLEX_OFFSET + people["hi"] // FLEX_BLOCK))
    return ranges


def _run_chunk(*, params: Params, lo: int, hi: int) -> dict[str, Any]:
    rules = ruleset_for(period=dt.date.fromisoformat(params["period"]), region=params.get("region", DEFAULT_REGION))
    sql = params.get("path") == "sql"
    if lo >= FLEX_OFFSET:
        plo, phi = (lo - FLEX_OFFSET) * FLEX_BLOCK, (hi - FLEX_OFFSET + 1) * FLEX_BLOCK - 1
        counts = _sql_flexible(rules=rules, plo=plo, phi=phi) if sql else _orm_flexible(rules=rules, plo=plo, phi=phi)
        scope = {"persons": [plo, phi]}
    else:
        counts = _sql_units(rules=rules, lo=lo, hi=hi) if sql else _orm_units(rules=rules, lo=lo, hi=hi)
        scope = {"units": [lo, hi]}
    # Last, so the audit chain's lock is held only for the commit, not for the chunk's work.
    if counts["bills"]:
        audit.record(
            actor=None,
            action="contributions.assessment.chunk",
            subject_type="contributions.Bill",
            subject_id=rules.period.isoformat(),
            after={**scope, **counts, "path": params.get("path")},
            channel="system",
        )
    return counts


ASSESSMENT = JobKind(
    name=JOB_KIND,
    title="月度核定 / Monthly assessment",
    plan=_plan,
    run_chunk=_run_chunk,
    chunk_size=1000,
)


def register_job_kinds() -> None:
    """Called from ``ContributionsConfig.ready()``."""
    from shebao.core.jobs import job_kinds

    if JOB_KIND not in job_kinds:
        job_kinds.add(ASSESSMENT)
