"""The monthly unemployment-benefit payment for 100,000 claimants, on a scratch PostgreSQL database
made for the run and dropped after it.

    .venv/bin/python bench/unemployment_bench.py                       # 100,000 claimants
    .venv/bin/python bench/unemployment_bench.py --claimants 20000     # a fifth

1. migrate (the data migration loads the Wuhan rule rows);
2. synthetic claimants generated inside PostgreSQL (``INSERT … SELECT generate_series``): a
   person, an ended employment and a claim each (from 2026-11, 12/18/24 months, 1809.00 a
   month); one claimant in 50 has a new employment from 2026-11-10 (the job stops them);
3. the ORM reference: the same month paid row by row (for each claim: read its employments, count
   and find its last payment, send the transfer, save the payment) on the first ``--sample``
   claims, timed, then rolled back;
4. the job ``unemployment.payments`` for 2026-12 (chunks of 1,000 claim ids, a local executor of
   ``--processes`` processes), timed: every claim has November and December paid once, but the
   re-employed, stopped from December with November still paid; a re-run pays nothing.

Ratio = job claims/s ÷ reference claims/s. Benchmarks never gate CI on a time.
"""

from __future__ import annotations

import argparse
import time

from _common import machine_line, scratch_arguments, scratch_database, scratch_name, this_tree_first

this_tree_first()

CARD = "6222021234567894"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--claimants", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=2_000, help="ORM reference: claims (default 2,000)")
    parser.add_argument("--processes", type=int, default=2)
    scratch_arguments(parser, db=scratch_name("unemployment"))
    args = parser.parse_args()

    with scratch_database(args):
        return _run(args)


def _load(claimants: int) -> None:
    from django.db import connection

    from shebao.core.models import Area
    from shebao.registry.models import Unit

    city = Area.objects.create(code="420100", name="武汉市", kind=Area.Kind.CITY)
    district = Area.objects.create(code="420102", name="江岸区", kind=Area.Kind.DISTRICT, parent=city)
    district.district = district
    district.save(update_fields=["district"])
    unit = Unit.objects.create(credit_code="91420102MA4K000017", name="武汉测试有限公司", district=district)
    statements = [
        f"""INSERT INTO registry_person (id, id_number, name, sex, birth_date, category, hukou_place, address, phone,
                                     district_id, created_at)
            SELECT i, lpad(i::text, 18, '0'), '领取人' || i, 'M', DATE '1985-03-14', 'employee', '', '', '',
                   {district.pk}, now()
            FROM generate_series(1, {claimants}) i""",
        f"""INSERT INTO registry_employment (person_id, unit_id, start, "end")
            SELECT i, {unit.pk}, DATE '2016-01-01', DATE '2026-10-15' FROM generate_series(1, {claimants}) i""",
        f"""INSERT INTO registry_employment (person_id, unit_id, start, "end")
            SELECT i, {unit.pk}, DATE '2026-11-10', NULL FROM generate_series(1, {claimants}) i WHERE i % 50 = 0""",
        f"""INSERT INTO unemployment_claim (id, person_id, district_id, case_number, separation_reason, terminated_on,
                contribution_months, carried_months, start_month, max_months, monthly_benefit, derivation, rules,
                provisional, bank_card, status, stop_reason, created_at)
            SELECT i, i, {district.pk}, 'B' || lpad(i::text, 12, '0'), 'contract_ended', DATE '2026-10-15',
                   60 + i % 100, 0, DATE '2026-11-01', (ARRAY[12, 18, 24])[1 + i % 3], 1809.00, '{{}}'::jsonb,
                   '[]'::jsonb, true, '{CARD}', 'paying', '', now()
            FROM generate_series(1, {claimants}) i""",
        "SELECT setval(pg_get_serial_sequence('registry_person', 'id'), (SELECT max(id) FROM registry_person))",
        "SELECT setval(pg_get_serial_sequence('unemployment_claim', 'id'), (SELECT max(id) FROM unemployment_claim))",
        "ANALYZE",
    ]
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _reference(*, lo: int, hi: int, month) -> int:  # type: ignore[no-untyped-def]
    """The month paid the plain way: one claim at a time, one payment saved at a time."""
    from django.db.models import Max
    from django.utils import timezone

    from shebao.core.months import month_add
    from shebao.registry.models import Employment
    from shebao.unemployment import bank
    from shebao.unemployment.models import Claim, ClaimPayment

    adapter = bank.FakeBank()
    paid = 0
    for claim in Claim.objects.filter(id__gte=lo, id__lte=hi, status=Claim.Status.PAYING).order_by("id"):
        later = [e.start for e in Employment.objects.filter(person_id=claim.person_id) if e.start > claim.terminated_on]
        if later:
            claim.status, claim.stop_reason = Claim.Status.STOPPED, Claim.StopReason.REEMPLOYED
            claim.stopped_from = max(month_add(min(later), 1), claim.start_month)
            claim.save()
        end = min(month, month_add(claim.stopped_from, -1)) if claim.stopped_from else month
        count = ClaimPayment.objects.filter(claim=claim).count()
        last = ClaimPayment.objects.filter(claim=claim).aggregate(m=Max("month"))["m"]
        current = month_add(last, 1) if last else claim.start_month
        while current <= end and count < claim.max_months:
            key = f"SY-{claim.pk}-{current:%Y%m}"
            receipt = adapter.transfer(key=key, account=claim.bank_card, amount=claim.monthly_benefit, memo="")
            ClaimPayment.objects.create(
                claim=claim,
                month=current,
                amount=claim.monthly_benefit,
                bank_card=claim.bank_card,
                key=key,
                bank_ref=receipt.reference,
                paid_at=timezone.now(),
            )
            paid += 1
            count += 1
            current = month_add(current, 1)
    return paid


def _run(args: argparse.Namespace) -> int:
    import datetime as dt

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from shebao.core.jobs import LocalExecutor, job_create, job_run
    from shebao.unemployment.models import Claim, ClaimPayment
    from shebao.unemployment.services import PAYMENTS_JOB

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(machine_line())
    print(f"migrate: {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    _load(args.claimants)
    print(f"data: {args.claimants:,} claims from 2026-11, generated in {time.perf_counter() - started:.1f} s")
    month = dt.date(2026, 12, 1)

    # --- the ORM reference on a sample, rolled back ----------------------------------------
    with transaction.atomic():
        started = time.perf_counter()
        ref_payments = _reference(lo=1, hi=args.sample, month=month)
        ref_seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    ref_rate = args.sample / ref_seconds
    print(
        f"reference (ORM, row by row): {args.sample:,} claims, {ref_payments:,} payments in {ref_seconds:.2f} s "
        f"= {ref_rate:,.0f} claims/s"
    )

    # --- the job -------------------------------------------------------------------------------
    job = job_create(kind=PAYMENTS_JOB, params={"month": month.isoformat()})
    started = time.perf_counter()
    job = job_run(job_id=job.pk, executor=LocalExecutor(processes=args.processes))
    job_seconds = time.perf_counter() - started
    assert job.status == "done", (job.status, job.error)
    payments = ClaimPayment.objects.count()
    stopped = Claim.objects.filter(status=Claim.Status.STOPPED).count()
    job_rate = args.claimants / job_seconds
    print(
        f"job ({args.processes} processes, {job.total_chunks} chunks): {args.claimants:,} claims, "
        f"{payments:,} payments, {stopped:,} stopped in {job_seconds:.2f} s = {job_rate:,.0f} claims/s"
    )
    # re-employed on 2026-11-10: stopped from December, November still paid; every other: both months
    reemployed = args.claimants // 50
    assert stopped == reemployed, stopped
    assert payments == 2 * (args.claimants - reemployed) + reemployed, payments
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM (SELECT claim_id, month FROM unemployment_claimpayment "
            "GROUP BY claim_id, month HAVING count(*) > 1) d"
        )
        assert cursor.fetchone()[0] == 0
    again = job_run(
        job_id=job_create(kind=PAYMENTS_JOB, params={"month": month.isoformat()}).pk,
        executor=LocalExecutor(processes=args.processes),
    )
    assert again.status == "done" and ClaimPayment.objects.count() == payments, "a re-run paid again"
    print("re-run: nothing paid again")
    print(f"ratio job ÷ reference: {job_rate / ref_rate:.1f}×")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
