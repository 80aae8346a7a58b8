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
import os
import platform
import sys
import time
from pathlib import Path

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def _admin(server: str) -> psycopg.Connection:
    return psycopg.connect(f"{server.replace('postgres://', 'postgresql://', 1)}/postgres", autocommit=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, default=100_000, help="bulk run size (default 100,000)")
    parser.add_argument("--reference", type=int, default=2_000, help="ORM reference run size (default 2,000)")
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--batch", type=int, default=50_000)
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--db", default="shebao_bench", help="scratch database: must not exist; dropped afterwards")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args()

    with _admin(args.server) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(args.db)))
    os.environ["DATABASE_URL"] = f"{args.server}/{args.db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shebao.settings")
    os.environ.setdefault("SHEBAO_ENV", "demo")  # unset is production, which refuses the demo secret
    os.environ["SHEBAO_DEBUG"] = "0"  # no query log: it would slow the ORM reference down
    try:
        return _run(args)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            with _admin(args.server) as conn:
                conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(args.db)))


def _run(args: argparse.Namespace) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from shebao.devtools.seed.bulk import seed_bulk
    from shebao.devtools.seed.demo import seed_demo

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server_version = cursor.fetchone()[0]
    started = time.perf_counter()
    demo = seed_demo()
    demo_seconds = time.perf_counter() - started
    print(f"machine: {os.cpu_count()} cores, Python {platform.python_version()}, PostgreSQL {server_version}")
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
