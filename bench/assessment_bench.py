"""Monthly assessment (月度核定) at city scale, and payments under concurrent retries, on a
scratch PostgreSQL database made for the run and dropped after it.

    .venv/bin/python bench/assessment_bench.py                       # full size
    .venv/bin/python bench/assessment_bench.py --units 6500 --employees 250000 --flexible 30000

1. migrate (the data migration loads the Wuhan rule rows);
2. synthetic data, generated inside PostgreSQL (``INSERT … SELECT generate_series``: no row
   crosses the wire): units with the five insurances, employees with an open employment, five
   active statuses and a declared base, flexible workers with pension + medical and a grade;
3. the ORM reference: the same month through the row-by-row ORM path on a 1% sample (the
   first 1% of units, the first 1% of flexible workers), timed, kept in memory and rolled back;
4. the bulk run: ``assessment_run`` on the SQL path, job chunks on a local executor with 2
   processes, timed (target < 60 s); the sample's rows must equal the reference's;
5. payments: N client threads each pay the same flexible bills with the same keys (every
   payment retried N times concurrently); throughput, and zero duplicates asserted.

Ratio = bulk rows/s ÷ reference rows/s. Benchmarks never gate CI on a time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import threading
import time

from _common import machine_line, scratch_arguments, scratch_database, scratch_name, this_tree_first

this_tree_first()

FIVE = ("pension", "medical", "unemployment", "injury", "maternity")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=65_000)
    parser.add_argument("--employees", type=int, default=2_500_000)
    parser.add_argument("--flexible", type=int, default=300_000)
    parser.add_argument("--sample", type=float, default=0.01, help="ORM reference share (default 1%%)")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--clients", type=int, default=8, help="concurrent payment clients")
    parser.add_argument("--payments", type=int, default=2_000, help="distinct bills paid (each by every client)")
    scratch_arguments(
        parser, db=scratch_name("assess"), reuse_help="use --db as loaded by a --keep run (clears the month)"
    )
    args = parser.parse_args()

    with scratch_database(args):
        return _run(args)


def _load(args: argparse.Namespace, period: dt.date) -> None:
    """Synthetic data, generated server-side. Persons 1..E are employees, E+1..E+F flexible."""
    from django.db import connection

    from shebao.core.models import Area

    city = Area.objects.create(code="420100", name="武汉市", kind=Area.Kind.CITY)
    district = Area.objects.create(code="420102", name="江岸区", kind=Area.Kind.DISTRICT, parent=city)
    district.district = district
    district.save(update_fields=["district"])
    units, employees, flexible = args.units, args.employees, args.flexible
    statements = [
        f"""INSERT INTO registry_unit (id, credit_code, name, district_id, industry, injury_risk_class, vip, created_at)
            SELECT i, 'U' || lpad(i::text, 17, '0'), '单位' || i, {district.pk}, '', 1 + i % 8, false, now()
            FROM generate_series(1, {units}) i""",
        f"""INSERT INTO registry_unitinsurance (unit_id, insurance, since, active)
            SELECT u, ins, '2020-01-01', true FROM generate_series(1, {units}) u,
            unnest(ARRAY{list(FIVE)}::text[]) ins""",
        f"""INSERT INTO registry_person (id, id_number, name, sex, birth_date, category, hukou_place, address, phone,
                                     district_id, created_at)
            SELECT i, lpad(i::text, 18, '0'), '参保人' || i, CASE WHEN i % 2 = 0 THEN 'F' ELSE 'M' END,
                   DATE '1970-01-01' + (i % 12000), CASE WHEN i <= {employees} THEN 'employee' ELSE 'flexible' END,
                   '', '', '', {district.pk}, now()
            FROM generate_series(1, {employees + flexible}) i""",
        f"""INSERT INTO registry_employment (person_id, unit_id, start, "end")
            SELECT i, 1 + i % {units}, '2020-01-01', NULL FROM generate_series(1, {employees}) i""",
        f"""INSERT INTO registry_insuredstatus (person_id, insurance, status, since, unit_id, updated_at)
            SELECT i, ins, 'active', '2020-01-01', 1 + i % {units}, now() FROM generate_series(1, {employees}) i,
            unnest(ARRAY{list(FIVE)}::text[]) ins""",
        f"""INSERT INTO registry_insuredstatus (person_id, insurance, status, since, unit_id, updated_at)
            SELECT i, ins, 'active', '2020-01-01', NULL, now()
            FROM generate_series({employees + 1}, {employees + flexible}) i, unnest(ARRAY['pension', 'medical']) ins""",
        f"""INSERT INTO contributions_declaredbase (unit_id, person_id, year, wage, declared_at)
            SELECT 1 + i % {units}, i, {period.year}, 3000 + (i * 37) % 25000 + (i % 100) / 100.0, now()
            FROM generate_series(1, {employees}) i""",
        f"""INSERT INTO contributions_flexiblegrade (person_id, ratio, effective_month, case_number, created_at)
            SELECT i, 0.60 + (i % 25) * 0.10, '2025-01-01', '', now()
            FROM generate_series({employees + 1}, {employees + flexible}) i""",
        "SELECT setval(pg_get_serial_sequence('registry_unit', 'id'), (SELECT max(id) FROM registry_unit))",
        "SELECT setval(pg_get_serial_sequence('registry_person', 'id'), (SELECT max(id) FROM registry_person))",
        "ANALYZE",
    ]
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _snapshot(person_ids: list[int], period: dt.date) -> dict[int, tuple]:
    from shebao.contributions.assessment import AMOUNT_COLUMNS
    from shebao.contributions.models import ContributionMonth

    fields = ("person_id", "unit_id", "base", "account_credit", *AMOUNT_COLUMNS)
    rows = ContributionMonth.objects.filter(person_id__in=person_ids, period=period).values_list(*fields)
    return {row[0]: row for row in rows}


def _run(args: argparse.Namespace) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from shebao.contributions.assessment import ruleset_for
    from shebao.contributions.assessment.orm import _orm_flexible, _orm_units
    from shebao.contributions.models import Bill, ContributionMonth, Payment
    from shebao.contributions.services import assessment_run, payment_record
    from shebao.core.jobs import LocalExecutor

    call_command("migrate", verbosity=0)  # on a reused database: the migrations since it was kept
    period = timezone.localdate().replace(day=1)
    print(machine_line())
    started = time.perf_counter()
    if args.reuse:
        with connection.cursor() as cursor:
            for table in ("contributions_accountentry", "contributions_payment"):
                cursor.execute(f"DELETE FROM {table}")
            cursor.execute("DELETE FROM contributions_contributionmonth WHERE period = %s", [period])
            cursor.execute("DELETE FROM contributions_bill WHERE period = %s", [period])
        # VACUUM (outside a transaction): a rerun must not probe the dead rows of the last one
        for table in ("contributions_contributionmonth", "contributions_bill", "contributions_payment"):
            connection.cursor().execute(f"VACUUM ANALYZE {table}")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        _load(args, period)
    print(
        f"data: {args.units:,} units × 5 insurances, {args.employees:,} employees, {args.flexible:,} flexible "
        f"workers, {'reused' if args.reuse else 'generated'} in {time.perf_counter() - started:.1f} s; month {period:%Y-%m}"
    )

    # --- the ORM reference on a sample, rolled back ---------------------------------------
    sample_units = max(1, int(args.units * args.sample))
    sample_flex = max(1, int(args.flexible * args.sample))
    flex_lo = args.employees + 1
    flex_hi = args.employees + sample_flex
    rules = ruleset_for(period=period)
    with transaction.atomic():
        started = time.perf_counter()
        units_done = _orm_units(rules=rules, lo=1, hi=sample_units)
        flex_done = _orm_flexible(rules=rules, plo=flex_lo, phi=flex_hi)
        ref_seconds = time.perf_counter() - started
        ref_rows = units_done["months"] + flex_done["months"]
        sample_people = list(ContributionMonth.objects.filter(period=period).values_list("person_id", flat=True))
        reference = _snapshot(sample_people, period)
        transaction.set_rollback(True)
    ref_rate = ref_rows / ref_seconds
    print(
        f"ORM reference: {sample_units:,} units + {sample_flex:,} flexible → {ref_rows:,} rows, "
        f"{ref_seconds:.2f} s, {ref_rate:,.0f} rows/s"
    )

    # --- the bulk run ------------------------------------------------------------------------
    started = time.perf_counter()
    job = assessment_run(period=period, actor=None, path="sql", executor=LocalExecutor(processes=args.processes))
    bulk_seconds = time.perf_counter() - started
    months = ContributionMonth.objects.filter(period=period).count()
    bills = Bill.objects.filter(period=period).count()
    bulk_rate = months / bulk_seconds
    print(
        f"bulk SQL: job #{job.pk} {job.status}, {job.total_chunks} chunks on {args.processes} processes → "
        f"{months:,} rows, {bills:,} bills, {bulk_seconds:.1f} s, {bulk_rate:,.0f} rows/s "
        f"({'under' if bulk_seconds < 60 else 'OVER'} the 60 s target)"
    )
    print(f"ratio bulk ÷ ORM reference: {bulk_rate / ref_rate:.1f}×")
    expected = args.employees + args.flexible
    assert job.status == "done" and months == expected, (job.status, months, expected)
    assert _snapshot(sample_people, period) == reference, "the SQL path and the ORM path disagree on the sample"
    print(f"check: the sample's {len(reference):,} rows are identical on both paths")
    started = time.perf_counter()
    again = assessment_run(period=period, actor=None, path="sql", executor=LocalExecutor(processes=args.processes))
    assert ContributionMonth.objects.filter(period=period).count() == months
    print(
        f"re-run (idempotent, nothing written): job #{again.pk} {again.status}, {time.perf_counter() - started:.1f} s"
    )

    # --- payments under concurrent retries -------------------------------------------------
    bill_ids = list(
        Bill.objects.filter(period=period, person__isnull=False)
        .order_by("id")
        .values_list("id", flat=True)[: args.payments]
    )
    totals = {
        b.pk: b.total
        for b in Bill.objects.filter(pk__in=bill_ids).only("id", "employer_total", "personal_total", "late_fee")
    }
    errors: list[BaseException] = []
    calls = [0] * args.clients
    barrier = threading.Barrier(args.clients)

    def client(index: int) -> None:
        order = bill_ids[:]
        random.Random(index).shuffle(order)
        try:
            barrier.wait()
            for bill_id in order:
                payment_record(
                    actor=None, bill=Bill(pk=bill_id), amount=totals[bill_id], key=f"BANK-{bill_id}", channel="bank"
                )
                calls[index] += 1
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    pay_seconds = time.perf_counter() - started
    payments = Payment.objects.filter(bill_id__in=bill_ids).count()
    duplicates = payments - Payment.objects.filter(bill_id__in=bill_ids).values("bill_id").distinct().count()
    paid = Bill.objects.filter(pk__in=bill_ids, status="paid").count()
    print(
        f"payments: {args.clients} clients × {len(bill_ids):,} bills (each payment sent {args.clients}×) = "
        f"{sum(calls):,} calls in {pay_seconds:.1f} s, {sum(calls) / pay_seconds:,.0f} calls/s, "
        f"{payments / pay_seconds:,.0f} payments/s; {payments:,} payments, {paid:,} bills paid, "
        f"{duplicates} duplicates"
    )
    assert not errors, errors[:3]
    assert duplicates == 0 and payments == len(bill_ids) == paid, (duplicates, payments, len(bill_ids), paid)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
