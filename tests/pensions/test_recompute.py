"""Bulk recompute when a year's 计发基数 is published: from the stored inputs under the new row,
the same figures on the SQL path (PostgreSQL) and the ORM path, idempotent, and the page's
derivation follows the new figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from shebao.core.jobs import job_create, job_run
from shebao.pensions.models import PensionBase, PensionDetermination
from shebao.pensions.selectors import derivation_of
from shebao.pensions.services import pension_replay
from shebao.pensions.services.recompute import RECOMPUTE_JOB, recompute_job_params
from tests.conftest import require_postgres
from tests.pensions.support import TOTAL, retiree

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("engine")]


def _run(path: str) -> dict:
    job = job_create(kind=RECOMPUTE_JOB, params=recompute_job_params(year=2026, path=path))
    job = job_run(job_id=job.pk)
    assert job.status == "done"
    return {"recomputed": sum(c.result.get("recomputed", 0) for c in job.chunks.all())}


@pytest.mark.parametrize("path", ["orm", "sql"])
def test_publishing_the_years_average_wage_recomputes_the_provisional_pensions(district, approver, path):
    if path == "sql":
        require_postgres()
    # given a retiree of 2026 determined provisionally at 2686.02 with 2025's 9112 carried forward
    person = retiree(district=district, approver=approver)
    # when 2026's 计发基数 (9300) is published and the recompute job runs
    row = PensionBase.objects.create(
        region="wuhan", year=2026, amount=Decimal("9300.00"), effective_from=dt.date(2026, 1, 1), source="test"
    )
    assert _run(path) == {"recomputed": 1}
    # then: basic 9300 × 205/1200 = 1588.75, account 80000 ÷ 137.3 = 582.67, transition
    # 9300 × 1 × 60/12 × 1.2% = 558.00 → 2729.42, final, naming the new row
    det = PensionDetermination.objects.get(person=person, status="approved")
    assert (det.basic_pension, det.account_pension, det.transition_pension, det.total) == (
        Decimal("1588.75"),
        Decimal("582.67"),
        Decimal("558.00"),
        Decimal("2729.42"),
    )
    assert det.provisional is False and row.ref in det.rule_refs and det.total != TOTAL
    # the replay agrees, the rules in force are those it used, and a second run changes nothing
    replay = pension_replay(determination=det)
    assert replay.same and not replay.rules_changed
    assert _run(path) == {"recomputed": 0}
    # the derivation shown follows the new figures
    lines = {line["key"]: line for line in derivation_of(det)}
    assert lines["basic_pension"]["formula"].endswith("= 1588.75") and lines["total"]["value"] == "2729.42"
    assert lines["actual_months"]["value"] == "145"


def test_the_derivation_shows_each_line_once_in_order(district, approver):
    person = retiree(district=district, approver=approver)
    keys = [line["key"] for line in derivation_of(PensionDetermination.objects.get(person=person))]
    assert len(keys) == len(set(keys))
    assert keys[:8] == [
        "actual_months",
        "deemed_months",
        "contribution_months",
        "average_index",
        "account_opening",  # the balance at retirement, step by step (issue 11)
        "account_credited",
        "account_interest",
        "account_balance",
    ]
    assert keys[-1] in ("total", "provisional") and "basic_pension" in keys and "transition_pension" in keys
