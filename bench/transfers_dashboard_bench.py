"""The pension transfers dashboard (转移接续统计) at the agency's scale, on a scratch PostgreSQL
database made for the run and dropped after it.

    .venv/bin/python bench/transfers_dashboard_bench.py                   # 12,000 a year, 4 years
    .venv/bin/python bench/transfers_dashboard_bench.py --per-year 2000 --years 2

1. migrate; the catalogue; synthetic transfers (bulk ORM writes): ``--per-year`` transfers a year
   for ``--years`` years, two in three into the city (YL-003, three phases) and one in three out
   (YL-013, one phase), each with its case and its phase clocks, finished on time or a few
   days late, the last weeks' still open and waiting on the other agency;
2. the reference: the same reads as the dashboard's for one year — that year's transfers and the
   open ones (the columns it shows), with their phase clocks — and nothing computed;
3. the dashboard: ``transfers_dashboard`` for that year (per-year counts in the database, every
   phase of the year's transfers measured on the working-day calendar, the waiting list).

Ratio = dashboard seconds ÷ reference seconds: what the working-day arithmetic costs on top of
reading the rows. Benchmarks never gate CI.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import time

from _common import scratch_arguments, scratch_database, scratch_name, this_tree_first

this_tree_first()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--per-year", type=int, default=12_000)
    parser.add_argument("--years", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each, the best kept")
    scratch_arguments(parser, db=scratch_name("transfers"))
    args = parser.parse_args()
    os.environ["SHEBAO_ENV"] = "demo"  # demo even where another environment is set
    with scratch_database(args, var_dir=True):
        return _run(args)


def _load(per_year: int, years: int, today: dt.date) -> int:
    from django.db import connection, transaction
    from django.utils import timezone

    from shebao.cases.models import Case, CasePhase
    from shebao.catalog.models import ServiceItem
    from shebao.core import workdays
    from shebao.core.models import Area, Office
    from shebao.pensions.transfers.models import Transfer

    city = Area.objects.create(code="420100", name="武汉市", kind=Area.Kind.CITY)
    district = Area.objects.create(code="420102", name="江岸区", kind=Area.Kind.DISTRICT, parent=city)
    district.district = district
    district.save(update_fields=["district"])
    office = Office.objects.create(code="SI-420102", name="江岸区社会保险管理处", kind="district_office", area=district)
    items = {i.code: i for i in ServiceItem.objects.filter(code__in=["YL-003", "YL-013"]).prefetch_related("phases")}
    phases = {code: list(item.phases.order_by("order")) for code, item in items.items()}
    due = lambda start, n: workdays.due_date(start=start, workdays=n).due_date  # noqa: E731
    made = 0
    first_year = today.year - years + 1
    for year in range(first_year, today.year + 1):
        with transaction.atomic():
            cases, transfers, clocks = [], [], []
            for k in range(per_year):
                day = dt.date(year, 1, 1) + dt.timedelta(days=(k * 365) // per_year)
                if day >= today:
                    day = today - dt.timedelta(days=1 + k % 60)
                direction = "out" if k % 3 == 2 else "in"
                code = "YL-013" if direction == "out" else "YL-003"
                open_ = (today - day).days < 40
                late = k % 11 == 0
                case = Case(
                    number=f"B{year % 100:02d}{k:09d}",
                    item=items[code],
                    item_version=items[code].version,
                    applicant_id_number=f"{k:018d}",
                    applicant_name="测试",
                    channel="online",
                    office=office,
                    received_at=timezone.make_aware(dt.datetime.combine(day, dt.time(10))),
                    form_data={},
                    status="waiting_outside" if open_ else "completed",
                )
                cases.append(case)
                transfers.append((case, direction, day, open_, late))
            Case.objects.bulk_create(cases, batch_size=2000)
            rows = []
            for case, direction, day, open_, late in transfers:
                start = day
                for n, phase in enumerate(phases[case.item.code]):
                    if phase.party == "outside" and open_:
                        clocks.append(
                            CasePhase(
                                case=case,
                                phase=phase,
                                office=office,
                                status="running",
                                limit_days=15,
                                started_on=start,
                                due_date=due(start, 15),
                            )
                        )
                        break
                    end = due(start, 15 + (3 if late and n == 1 else 0) - 5)
                    clocks.append(
                        CasePhase(
                            case=case,
                            phase=phase,
                            office=office,
                            status="done",
                            limit_days=15,
                            started_on=start,
                            due_date=due(start, 15),
                            finished_on=end,
                        )
                    )
                    start = end
                rows.append(
                    Transfer(
                        ref=f"R-{case.number}",
                        direction=direction,
                        case=case,
                        state=("letter_sent" if direction == "in" else "sent") if open_ else "completed",
                        id_number=case.applicant_id_number,
                        name="测试",
                        sex="M",
                        birth_date=dt.date(1980, 1, 1),
                        other_agency="440300",
                        other_agency_name="深圳市社会保险基金管理局",
                        applied_on=day,
                        letter_on=day + dt.timedelta(days=7) if direction == "out" else day,
                        sent_on=day + dt.timedelta(days=20) if direction == "out" else None,
                        completed_on=None if open_ else day + dt.timedelta(days=60),
                    )
                )
            CasePhase.objects.bulk_create(clocks, batch_size=5000)
            Transfer.objects.bulk_create(rows, batch_size=2000)
            made += len(rows)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return made


def _best(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def _run(args: argparse.Namespace) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db.models import Q
    from django.utils import timezone

    from shebao.cases.models import CasePhase
    from shebao.catalog.services import catalog_sync
    from shebao.core.calendar import calendar_seed_from_package
    from shebao.core.models import Account, Office, Role
    from shebao.pensions.transfers.models import Transfer
    from shebao.pensions.transfers.selectors import DASHBOARD_FIELDS, transfers_dashboard

    call_command("migrate", verbosity=0)
    today = timezone.localdate()
    calendar_seed_from_package(years=range(today.year - args.years, today.year + 2))
    catalog_sync()
    started = time.perf_counter()
    made = _load(args.per_year, args.years, today)
    print(f"loaded {made:,} transfers in {time.perf_counter() - started:.1f} s")
    monitor = Account.objects.create(
        username="bench_monitor",
        kind=Account.Kind.STAFF,
        role=Role.MONITOR_CITY,
        office=Office.objects.get(code="SI-420102"),
        authority_level=3,
    )
    year = today.year - 1  # a whole year

    def reference() -> None:
        """The same reads as the dashboard's, and nothing computed."""
        measured = Transfer.objects.filter(Q(applied_on__year=year) | Q(state__in=Transfer.OPEN_STATES))
        list(measured.select_related("case").only(*DASHBOARD_FIELDS).order_by("id"))
        phases = CasePhase.objects.filter(case_id__in=measured.values("case_id")).select_related("phase")
        list(phases.only("case_id", "started_on", "finished_on", "due_date", "phase__code", "phase__order"))

    board = transfers_dashboard(actor=monitor, year=year)
    ref = _best(reference, args.repeat)
    dash = _best(lambda: transfers_dashboard(actor=monitor, year=year), args.repeat)
    rows = sum(1 for _ in Transfer.objects.filter(Q(applied_on__year=year) | Q(state__in=Transfer.OPEN_STATES)))
    print(f"year {year}: {rows:,} transfers read; waiting on the other agency: {len(board.waiting):,}")
    print(f"reference (rows only) {ref:.3f} s · dashboard {dash:.3f} s · ratio {dash / ref:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
