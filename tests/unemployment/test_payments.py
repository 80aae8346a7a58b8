"""The monthly payment job: each claim's months from its start to the target month, once each
(constraint and bank idempotency key), resumed after a crash without a duplicate; stopped on
re-employment seen in the registry; used up after its months; SY-003's stop."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from shebao.core.errors import Conflict
from shebao.core.jobs import LocalExecutor, job_create, job_run
from shebao.unemployment import bank
from shebao.unemployment.models import Claim, ClaimPayment
from shebao.unemployment.services import claim_stop, unused_months
from tests.unemployment.conftest import CARD
from tests.web.support import employ, make_person, make_unit

pytestmark = pytest.mark.django_db


class CrashingBank(bank.FakeBank):
    """Accepts transfers, then fails (a lost connection) on the ``fail_at``-th call."""

    def __init__(self, fail_at: int | None = None) -> None:
        super().__init__()
        self.calls = 0
        self.fail_at = fail_at

    def transfer(self, **kw):
        self.calls += 1
        if self.fail_at is not None and self.calls == self.fail_at:
            raise ConnectionError("bank connection lost")
        return super().transfer(**kw)


@pytest.fixture
def fake_bank(monkeypatch):
    fake = CrashingBank()
    monkeypatch.setattr(bank, "_default", fake)
    return fake


def make_claim(district, n: int, *, months: int = 12, start=dt.date(2026, 3, 1), ended=dt.date(2026, 1, 31)) -> Claim:
    person = make_person(district=district, name=f"领取人{n}")
    return Claim.objects.create(
        person=person,
        district=district,
        case_number=f"2602100000000{n}",
        separation_reason="contract_ended",
        terminated_on=ended,
        contribution_months=60,
        start_month=start,
        max_months=months,
        monthly_benefit=Decimal("1809.00"),
        bank_card=CARD,
    )


def run(month: str, chunk_size: int = 1):
    job = job_create(kind="unemployment.payments", params={"month": month}, chunk_size=chunk_size)
    return job_run(job_id=job.pk, executor=LocalExecutor(processes=1))


def test_a_job_crashed_mid_chunk_resumes_and_pays_each_month_once(district, fake_bank):
    # given three claims from March 2026, and a bank link that drops on the 5th transfer (the
    # second claim's second month: its first month was accepted by the bank, then rolled back here)
    claims = [make_claim(district, n) for n in range(3)]
    fake_bank.fail_at = 5
    job = run("2026-05-01")
    assert job.status == "failed"
    assert ClaimPayment.objects.filter(claim=claims[1]).count() == 0  # the chunk rolled back whole
    # when the job is run again
    fake_bank.fail_at = None
    job = job_run(job_id=job.pk, executor=LocalExecutor(processes=1))
    # then every claim has March, April and May once, and the bank made one transfer per month
    assert job.status == "done"
    for claim in claims:
        months = list(ClaimPayment.objects.filter(claim=claim).order_by("month").values_list("month", flat=True))
        assert months == [dt.date(2026, 3, 1), dt.date(2026, 4, 1), dt.date(2026, 5, 1)]
    assert len(fake_bank.transfers) == 9
    assert fake_bank.calls == 3 + 2 + 3 + 3  # the resent month of claim 1 was answered, not paid again
    assert {p.key for p in ClaimPayment.objects.all()} == set(fake_bank.transfers)
    # and a second run for the same month pays nothing more
    run("2026-05-01", chunk_size=100)
    assert ClaimPayment.objects.count() == 9 and len(fake_bank.transfers) == 9


def test_the_bank_answers_a_replayed_key_with_the_first_transfer_and_refuses_other_content():
    fake = bank.FakeBank()
    first = fake.transfer(key="SY-1-202603", account=CARD, amount=Decimal("1809.00"), memo="失业保险金")
    assert fake.transfer(key="SY-1-202603", account=CARD, amount=Decimal("1809.00"), memo="失业保险金") == first
    with pytest.raises(Conflict):
        fake.transfer(key="SY-1-202603", account=CARD, amount=Decimal("1.00"), memo="失业保险金")
    returned = fake.transfer(key="SY-1-202604", account="6222021234567890", amount=Decimal("1809.00"), memo="")
    assert not returned.accepted and len(fake.transfers) == 2


def test_a_claim_is_used_up_after_its_months(district, fake_bank):
    claim = make_claim(district, 1, months=12)
    run("2027-06-01")  # 16 months after March 2026
    claim.refresh_from_db()
    assert ClaimPayment.objects.filter(claim=claim).count() == 12
    assert ClaimPayment.objects.filter(claim=claim).latest("month").month == dt.date(2027, 2, 1)
    assert claim.status == Claim.Status.EXHAUSTED and unused_months(person_id=claim.person_id) == 0


def test_re_employment_in_the_registry_stops_the_claim_and_keeps_the_rest(district, fake_bank):
    claim = make_claim(district, 1, months=18)
    unit = make_unit(code="91420102MA4K000017", district=district)
    employ(claim.person, unit, start=dt.date(2026, 4, 10))  # a new job from 10 April
    run("2026-06-01")
    claim.refresh_from_db()
    # paid March and April, stopped from May; 16 months kept for a later claim
    assert claim.status == Claim.Status.STOPPED and claim.stop_reason == "reemployed"
    assert claim.stopped_from == dt.date(2026, 5, 1)
    paid = list(ClaimPayment.objects.filter(claim=claim).order_by("month").values_list("month", flat=True))
    assert paid == [dt.date(2026, 3, 1), dt.date(2026, 4, 1)]
    assert unused_months(person_id=claim.person_id) == 16


def test_a_stop_cannot_reach_back_into_months_paid(district, fake_bank, clerk):
    claim = make_claim(district, 1)
    run("2026-04-01")
    with pytest.raises(Conflict, match="已发放"):
        claim_stop(actor=clerk, person=claim.person, reason="military", from_month=dt.date(2026, 4, 1))
    stopped = claim_stop(actor=clerk, person=claim.person, reason="military", from_month=dt.date(2026, 5, 20))
    assert stopped.stopped_from == dt.date(2026, 5, 1) and unused_months(person_id=claim.person_id) == 10
    run("2026-08-01")
    assert ClaimPayment.objects.filter(claim=claim).count() == 2
