"""The demo's cases come through the engine: queues and pages have real work to show."""

from __future__ import annotations

import pytest

from shebao.cases import selectors
from shebao.cases.models import Case
from shebao.core.models import Account
from shebao.devtools.seed.demo import seed_demo

pytestmark = pytest.mark.django_db


def test_the_demo_has_cases_in_every_state_and_the_clerk_has_a_queue():
    seed_demo(persons=200)
    statuses = set(Case.objects.values_list("status", flat=True))
    assert {"in_progress", "completed", "awaiting_materials"} <= statuses
    clerk = Account.objects.get(username="clerk")
    queue = list(selectors.workbench_queue(actor=clerk))
    assert queue, "the demo clerk's workbench is empty"
    assert all(c.office == clerk.office for c in queue)
    assert [c.due_date for c in queue] == sorted(c.due_date for c in queue)
    citizen = Account.objects.get(username=Case.objects.first().applicant_account.username)
    assert list(selectors.cases_of_applicant(actor=citizen))
