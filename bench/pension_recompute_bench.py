"""Recomputing the pension of 1,200,000 retirees when a year's 计发基数 is published, on a scratch
PostgreSQL database made for the run and dropped after it.

    .venv/bin/python bench/pension_recompute_bench.py                      # 1,200,000 retirees
    .venv/bin/python bench/pension_recompute_bench.py --retirees 120000    # a tenth

1. migrate (the data migrations load the Wuhan rule rows: 计发基数 2024 9022, 2025 9112);
2. synthetic retirees, generated inside PostgreSQL (``INSERT … SELECT generate_series``: no row
   crosses the wire): a person and an approved determination each, all retired in 2026 and so
   determined provisionally with 2025's 9112 carried forward; each determination's stored inputs
   vary (index 0.60-3.00, 180-479 contribution months, 0-179 deemed, balances 20,000-170,000,
   ages 60y0m-60y11m with their interpolated 计发月数) and its figures are computed by the same
   formula;
3. the 2026 row is published (9300) and the params of the recompute fixed
   (``recompute_job_params``);
4. the ORM reference: ``recompute_range_orm`` (the pure formula, row by row: load, compute,
   save) on the first ``--sample`` determinations, timed, kept in memory and rolled back;
5. the bulk run: the job ``pensions.recompute`` on the SQL path (one ``UPDATE … FROM`` per chunk
   of 50,000 ids) on a local executor with 2 processes, timed (target < 60 s); the sample's
   figures must equal the reference's, every determination must be recomputed, and a re-run
   must change nothing.

Ratio = bulk rows/s ÷ reference rows/s. Benchmarks never gate CI on a time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from decimal import Decimal

from _common import machine_line, scratch_arguments, scratch_database, scratch_name, this_tree_first

this_tree_first()

FIGURES = ("basic_pension", "account_pension", "transition_pension", "total", "provisional")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--retirees", type=int, default=1_200_000)
    parser.add_argument("--sample", type=int, default=5_000, help="ORM reference: determinations (default 5,000)")
    parser.add_argument("--processes", type=int, default=2)
    scratch_arguments(parser, db=scratch_name("pension"))
    args = parser.parse_args()

    with scratch_database(args):
        return _run(args)


def _load(retirees: int, params_json: str) -> None:
    """Persons 1..N, each with one approved 2026 determination computed with C̄ = 9112, k = 1.2 %,
    Z同 = Z̄ (the provisional params of 2026 retirements before the row is published)."""
    from django.db import connection

    from shebao.core.models import Area

    city = Area.objects.create(code="420100", name="武汉市", kind=Area.Kind.CITY)
    district = Area.objects.create(code="420102", name="江岸区", kind=Area.Kind.DISTRICT, parent=city)
    district.district = district
    district.save(update_fields=["district"])
    statements = [
        f"""INSERT INTO registry_person (id, id_number, name, sex, birth_date, category, hukou_place, address, phone,
                                     district_id, created_at)
            SELECT i, lpad(i::text, 18, '0'), '退休人员' || i, 'M', DATE '1965-06-01', 'retiree', '', '', '',
                   {district.pk}, now()
            FROM generate_series(1, {retirees}) i""",
        # the inputs first (a temporary table), then the figures by the formula of pension_compute
        f"""CREATE TEMP TABLE bench_inputs AS
            SELECT i AS id,
                   round(0.60 + (i % 241) / 100.0, 4) AS z,
                   180 + i % 300 AS m,
                   i % 180 AS dm,
                   round(20000 + (i * 37) % 150000 + (i % 100) / 100.0, 2) AS bal,
                   i % 12 AS am,
                   round(139 - 7 * (i % 12) / 12.0, 1) AS divisor
            FROM generate_series(1, {retirees}) i""",
        """INSERT INTO pensions_pensiondetermination (id, person_id, kind, status, case_number, retirement_month,
                effective_from, age_years, age_months, basic_pension, account_pension, transition_pension, total,
                months_divisor, provisional, inputs, params, rule_refs, derivation, created_at, approved_at)
            SELECT id, id, 'initial', 'approved', '', DATE '2026-01-01' + mod(id, 12) * INTERVAL '1 month',
                   DATE '2026-01-01' + mod(id, 12) * INTERVAL '1 month', 60, am,
                   round((9112 + 9112 * z) * m / 2400, 2), round(bal / divisor, 2),
                   round(9112 * z * dm * 0.012 / 12, 2),
                   round((9112 + 9112 * z) * m / 2400, 2) + round(bal / divisor, 2)
                       + round(9112 * z * dm * 0.012 / 12, 2),
                   divisor, true,
                   jsonb_build_object('average_index', z::text, 'contribution_months', m, 'deemed_months', dm,
                                      'account_balance', bal::text, 'age_years', 60, 'age_months', am),
                   %s::jsonb, %s::jsonb, '[]'::jsonb, now(), now()
            FROM bench_inputs""",
        "SELECT setval(pg_get_serial_sequence('registry_person', 'id'), (SELECT max(id) FROM registry_person))",
        """SELECT setval(pg_get_serial_sequence('pensions_pensiondetermination', 'id'),
                         (SELECT max(id) FROM pensions_pensiondetermination))""",
        "DROP TABLE bench_inputs",
        "ANALYZE",
    ]
    import json

    refs = json.dumps(json.loads(params_json)["rule_refs"])
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement, [params_json, refs] if "%s" in statement else None)


def _snapshot(lo: int, hi: int) -> dict[int, tuple]:
    from shebao.pensions.models import PensionDetermination

    rows = PensionDetermination.objects.filter(id__gte=lo, id__lte=hi).order_by("id").values_list("id", *FIGURES)
    return {row[0]: row[1:] for row in rows}


def _run(args: argparse.Namespace) -> int:
    import django

    django.setup()
    import json

    from django.core.management import call_command
    from django.db import connection, transaction

    from shebao.core.jobs import LocalExecutor, job_create, job_run
    from shebao.pensions.models import PensionBase, PensionDetermination
    from shebao.pensions.services.determination import params_to_json
    from shebao.pensions.services.recompute import (
        RECOMPUTE_JOB,
        recompute_job_params,
        recompute_params,
        recompute_range_orm,
    )

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrate_seconds = time.perf_counter() - started
    print(machine_line())
    print(f"migrate: {migrate_seconds:.1f} s")
    before = recompute_params(year=2026)  # 2025's 9112 carried forward: provisional
    assert before.provisional and before.average_wage == Decimal("9112.00"), before
    started = time.perf_counter()
    _load(args.retirees, json.dumps(params_to_json(before), ensure_ascii=False))
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
    print(
        f"data: {args.retirees:,} retirees with a provisional 2026 determination, "
        f"generated in {time.perf_counter() - started:.1f} s; database {size}"
    )

    # --- publish the row; the params every chunk will use ---------------------------------
    PensionBase.objects.create(
        region="wuhan",
        year=2026,
        amount=Decimal("9300.00"),
        effective_from=dt.date(2026, 1, 1),
        effective_to=dt.date(2026, 12, 31),
        source="bench: the 2026 计发基数 published",
        confidence="L",
    )
    params = recompute_job_params(year=2026, path="sql")
    after = recompute_params(year=2026)
    assert not after.provisional and after.average_wage == Decimal("9300.00"), after

    # --- the ORM reference on a sample, rolled back --------------------------------------
    lo, hi = 1, args.sample
    with transaction.atomic():
        started = time.perf_counter()
        done = recompute_range_orm(year=2026, params=after, lo=lo, hi=hi)
        ref_seconds = time.perf_counter() - started
        reference = _snapshot(lo, hi)
        transaction.set_rollback(True)
    ref_rate = done["recomputed"] / ref_seconds
    print(
        f"ORM reference: {done['recomputed']:,} determinations row by row, {ref_seconds:.2f} s, "
        f"{ref_rate:,.0f} rows/s (would take {args.retirees / ref_rate:,.0f} s for all)"
    )

    # --- the bulk run ------------------------------------------------------------------------
    started = time.perf_counter()
    job = job_create(kind=RECOMPUTE_JOB, params=params)
    job = job_run(job_id=job.pk, executor=LocalExecutor(processes=args.processes))
    bulk_seconds = time.perf_counter() - started
    recomputed = sum(c.result.get("recomputed", 0) for c in job.chunks.all())
    bulk_rate = recomputed / bulk_seconds
    print(
        f"bulk SQL: job #{job.pk} {job.status}, {job.total_chunks} chunks on {args.processes} processes → "
        f"{recomputed:,} determinations, {bulk_seconds:.1f} s, {bulk_rate:,.0f} rows/s "
        f"({'under' if bulk_seconds < 60 else 'OVER'} the 60 s target)"
    )
    print(f"ratio bulk ÷ ORM reference: {bulk_rate / ref_rate:.1f}×")
    assert job.status == "done" and recomputed == args.retirees, (job.status, recomputed)
    assert _snapshot(lo, hi) == reference, "the SQL path and the ORM path disagree on the sample"
    left = PensionDetermination.objects.filter(provisional=True).count()
    assert left == 0, left
    print(f"check: the sample's {len(reference):,} determinations are identical on both paths; none provisional")
    started = time.perf_counter()
    again = job_run(
        job_id=job_create(kind=RECOMPUTE_JOB, params=params).pk, executor=LocalExecutor(processes=args.processes)
    )
    changed = sum(c.result.get("recomputed", 0) for c in again.chunks.all())
    assert changed == 0, changed
    print(
        f"re-run (idempotent, nothing written): job #{again.pk} {again.status}, {time.perf_counter() - started:.1f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
