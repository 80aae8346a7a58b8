"""A person assessed through another bill while a chunk runs (PostgreSQL): the chunk fails whole
and its retry leaves every bill equal to the sum of its rows.

The chunk's "already assessed?" check cannot see a row another transaction has not committed
yet; its insert then waits on the unique (person, period) index, and fails when the other
transaction commits. Skipping that row instead (ON CONFLICT DO NOTHING) would leave the unit's
bill holding the person's amounts without their row."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal
from importlib import import_module

import pytest
import time_machine
from django.apps import apps
from django.db import IntegrityError, connection
from django.db.models import Sum

from shebao.contributions.assessment import FLEX_OFFSET, JOB_KIND
from shebao.contributions.models import Bill, ContributionMonth, WageBase
from shebao.core.jobs import chunk_execute, job_create
from shebao.core.models import JobChunk
from tests.conftest import require_postgres
from tests.contributions.test_assessment import JAN, SHANGHAI, make_world

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
AMOUNTS = ("pension_employer", "pension_personal", "medical_employer", "medical_personal")


def _lock_waiters() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def _until(condition, *, polls: int = 3000) -> bool:
    """Poll ``condition`` every 10 ms (at most 30 s): ordering by what PostgreSQL reports, not by sleeping."""
    pause = threading.Event()
    for _ in range(polls):
        if condition():
            return True
        pause.wait(0.01)
    return False


def test_a_row_committed_meanwhile_fails_the_chunk_and_the_retry_skips_the_person(district):
    require_postgres()
    with time_machine.travel(dt.datetime(2026, 2, 10, 10, 0, tzinfo=SHANGHAI), tick=False):
        _run(district)


def _rule_rows() -> None:
    """The Wuhan rule rows of data migration 0004, which an earlier transactional test's flush
    removed (serialized_rollback trips over the content types Django recreates)."""
    if not WageBase.objects.exists():
        import_module("shebao.contributions.migrations.0004_rule_rows").forwards(apps, None)


def _run(district) -> None:
    _rule_rows()
    world = make_world(district)
    job = job_create(kind=JOB_KIND, params={"period": JAN.isoformat(), "path": "sql", "region": "wuhan"})
    chunk = JobChunk.objects.get(job=job, lo__lte=world.unit_a.pk, hi__gte=world.unit_a.pk, hi__lt=FLEX_OFFSET)
    inserted, commit = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def other_bill() -> None:
        # p1 (employed at unit A) assessed for January through a back-payment bill, not committed yet
        from django.db import transaction

        try:
            with transaction.atomic():
                bill = Bill.objects.create(
                    person=world.p1,
                    period=JAN,
                    kind=Bill.Kind.BACK_PAYMENT,
                    employer_total=Decimal("1.00"),
                    personal_total=Decimal("1.00"),
                    due_date=JAN,
                    status=Bill.Status.OPEN,
                )
                ContributionMonth.objects.create(
                    person=world.p1,
                    period=JAN,
                    base=Decimal("5000.00"),
                    pension_employer=Decimal("1.00"),
                    pension_personal=Decimal("1.00"),
                    bill=bill,
                )
                inserted.set()
                assert commit.wait(timeout=60)
        finally:
            connection.close()

    def run_chunk() -> None:
        try:
            chunk_execute(chunk_id=chunk.pk)
        except BaseException as exc:
            failures.append(exc)
        finally:
            connection.close()

    other = threading.Thread(target=other_bill)
    other.start()
    assert inserted.wait(timeout=60)
    runner = threading.Thread(target=run_chunk)
    runner.start()
    # the chunk's insert waits on the uncommitted row's index entry …
    assert _until(lambda: _lock_waiters() == 1 or not runner.is_alive())
    assert _lock_waiters() == 1, f"the chunk should be waiting for the other transaction ({failures})"
    commit.set()  # … until that transaction commits
    other.join(timeout=60)
    runner.join(timeout=60)

    # then the chunk failed whole: no bill for unit A, no row of the chunk
    assert len(failures) == 1 and isinstance(failures[0], IntegrityError)
    assert not Bill.objects.filter(unit=world.unit_a, period=JAN).exists()
    assert ContributionMonth.objects.filter(period=JAN).count() == 1
    assert JobChunk.objects.get(pk=chunk.pk).status == JobChunk.Status.FAILED

    # when it is retried, p1 is skipped and unit A's bill is exactly the sum of its rows
    assert chunk_execute(chunk_id=chunk.pk) is True
    bill = Bill.objects.get(unit=world.unit_a, period=JAN, kind=Bill.Kind.MONTHLY)
    rows = ContributionMonth.objects.filter(bill=bill)
    assert rows.exists() and not rows.filter(person=world.p1).exists()
    employer = (
        "pension_employer",
        "medical_employer",
        "unemployment_employer",
        "injury_employer",
        "maternity_employer",
    )
    sums = rows.aggregate(**{c: Sum(c) for c in employer})
    assert bill.employer_total == sum((v or Decimal(0)) for v in sums.values())
    assert ContributionMonth.objects.get(person=world.p1, period=JAN).bill.kind == Bill.Kind.BACK_PAYMENT
