"""Two staff act on the same step at the same moment: exactly one wins (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from shebao.cases import services
from shebao.cases.models import Case, CaseStepRecord
from shebao.core.errors import Conflict
from tests.cases.conftest import ALL
from tests.conftest import require_postgres

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_reviewers_on_one_step_one_wins_one_gets_a_conflict(engine, clerk, reviewer, approver, applicant):
    require_postgres()
    case = services.case_open(
        actor=clerk, item_code="T-L2", applicant=applicant, channel="hall", form={"address": "x"}, materials=ALL
    )
    case = services.case_act(actor=clerk, case_id=case.pk, version=case.version, action="accept")
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def review(actor):
        try:
            barrier.wait(timeout=10)
            services.case_act(actor=actor, case_id=case.pk, version=case.version, action="review")
            outcomes[actor.username] = "ok"
        except Conflict:
            outcomes[actor.username] = "conflict"
        finally:
            connection.close()

    threads = [threading.Thread(target=review, args=(a,)) for a in (reviewer, approver)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes.values()) == ["conflict", "ok"]
    assert CaseStepRecord.objects.filter(case=case, action="review").count() == 1
    final = Case.objects.get(pk=case.pk)
    assert final.status == Case.Status.COMPLETED
    assert final.version == case.version + 1
