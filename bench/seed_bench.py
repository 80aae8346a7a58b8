"""Seed speed: the bulk path of ``shebao seed --persons N`` (COPY) against the plain ORM path
(one ``Model.objects.create`` per row), on a scratch PostgreSQL database made for the run and
dropped after it.

    .venv/bin/python bench/seed_bench.py --persons 100000 --reference 2000

Both runs make the same kind of rows (persons, units, employment, ``--years`` annual pension
records per person) with the same generator; only the way they reach the database differs.
The reference runs first, on the freshly seeded demo database, then the bulk run. The ratio
is bulk rows/s ÷ reference rows/s.
"""

from __future__ import annotations

import argparse
import sys
import time

from _common import machine_line, scratch_arguments, scratch_database, this_tree_first

this_tree_first()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, default=100_000, help="bulk run size (default 100,000)")
    parser.add_argument("--reference", type=int, default=2_000, help="ORM reference run size (default 2,000)")
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--batch", type=int, default=50_000)
    scratch_arguments(parser, db="shebao_bench", db_help="scratch database: must not exist; dropped afterwards")
    args = parser.parse_args()

    with scratch_database(args):
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    import django

    django.setup()
    from django.core.management import call_command

    from shebao.devtools.seed.bulk import seed_bulk
    from shebao.devtools.seed.demo import seed_demo

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    demo = seed_demo()
    demo_seconds = time.perf_counter() - started
    print(machine_line())
    print(
        f"demo seed: {demo.counts['persons']:,} persons, {demo.counts['contribution_years']:,} records, {demo_seconds:.1f} s"
    )

    runs = [
        ("orm (reference)", seed_bulk(persons=args.reference, years=args.years, batch=args.batch, method="orm")),
        ("copy", seed_bulk(persons=args.persons, years=args.years, batch=args.batch, method="copy")),
    ]
    reference_rate = runs[0][1].rows / runs[0][1].seconds
    print(f"{'path':<16} {'persons':>10} {'rows':>12} {'seconds':>9} {'rows/s':>10} {'ratio':>7}")
    for name, result in runs:
        rate = result.rows / result.seconds
        print(
            f"{name:<16} {result.persons:>10,} {result.rows:>12,} {result.seconds:>9.1f} {rate:>10,.0f}"
            f" {rate / reference_rate:>6.1f}x"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
