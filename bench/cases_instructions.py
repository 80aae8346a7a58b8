"""Instructions per request of the engine's reads, counted by valgrind's callgrind: a figure
that other processes' load does not move (it counts instructions, not seconds).

    .venv/bin/python bench/cases_instructions.py --db shebao_bench_new [--requests 100]
    PYTHONPATH=<worktree of older code>/src .venv/bin/python bench/cases_instructions.py --db shebao_bench_old

It runs itself again under ``valgrind --tool=callgrind`` (the child, ``--child``), in process:
Django's test client with a signed-in, second-factor-verified clerk's session sends, per
endpoint, ``--warmup`` requests (not counted), then ``--requests`` requests between a
``CALLGRIND_ZERO_STATS`` and a ``CALLGRIND_DUMP_STATS_AT`` client request (a ten-line C helper
compiled on the fly with the machine's gcc and valgrind/callgrind.h, called through ctypes),
so start-up and warm-up are not counted. Then it reads each dump's ``summary:`` line and prints
the instructions (Ir) per request. Outside the counted window it also counts the queries each
request makes.

The working-day calendar's 60-second cache of each year is made permanent in the child: under
callgrind a minute of wall time is a second of native work, and its reloads would be counted
far more often than a server meets them.

Only the callgrind child's own instructions are counted: Django, the ORM, psycopg's client side
and the Redis client, not PostgreSQL's or Redis's servers (their share is in the queries
counted and ``cases_bench.py``'s EXPLAIN). It imports only what the engine's code has had since
the benchmark's first version (Django, ``shebao.core.models.Account``, the bench's session
helper) and requests URLs, so it measures whichever code is first on ``PYTHONPATH``: older code
from a ``git worktree``, the current code by default. The settings are the production ones
``cases_bench.py`` serves with (DEBUG off, sessions read from Redis), ``PYTHONHASHSEED=0``.

Endpoints: ``queue`` (GET /api/v1/workbench/queue), ``case`` (GET /api/v1/cases/{number},
cycling over the first ``--cases`` open and ``--cases`` other cases of the clerk's office by id,
so two databases loaded from the same seed get the same numbers), ``page`` (GET /workbench/)
and ``reference`` (GET /api/v1/calendar/workday?date=2026-02-14, no query).
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.append(str(ROOT / "src"))  # after PYTHONPATH: older code put first there is what runs

from _common import SERVER, production_env  # noqa: E402  (after the append: it leaves src/ where it is)

PATHS = {
    "queue": "/api/v1/workbench/queue",
    "case": "/api/v1/cases/",
    "page": "/workbench/",
    "reference": "/api/v1/calendar/workday?date=2026-02-14",
}
USER = "clerk-si-420102-1"  # the first of cases_bench.py's clerks (江岸区)
HELPER = r"""
#include <valgrind/callgrind.h>
void zero(void) { CALLGRIND_ZERO_STATS; }
void dump(const char *label) { CALLGRIND_DUMP_STATS_AT(label); }
"""
NO_CALLGRIND = Path("-")
OPEN = ("in_progress", "awaiting_materials", "suspended", "waiting_outside")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True, help="a database loaded by cases_bench.py --keep")
    parser.add_argument("--server", default=SERVER)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/15", help="sessions' cache; '' for none")
    parser.add_argument("--requests", type=int, default=100, help="counted requests per endpoint")
    parser.add_argument(
        "--warmup", type=int, default=20, help="uncounted requests per endpoint first (every case number once)"
    )
    parser.add_argument("--cases", type=int, default=10, help="open and other case numbers cycled through")
    parser.add_argument("--endpoints", default="queue,case,reference", help=f"some of {','.join(PATHS)}")
    parser.add_argument("--user", default=USER, help="the clerk signed in")
    parser.add_argument("--out", type=Path, help="keep the callgrind dumps in this directory")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument(
        "--no-callgrind", action="store_true", help="only the queries and buffers per request, without valgrind"
    )
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)  # the run under valgrind
    args = parser.parse_args()
    endpoints = [e for e in args.endpoints.split(",") if e]
    if unknown := set(endpoints) - set(PATHS):
        parser.error(f"unknown endpoints: {sorted(unknown)}")
    created = _environment(args)
    try:
        return _run(args, endpoints)
    finally:
        if created:
            shutil.rmtree(created, ignore_errors=True)


def _run(args: argparse.Namespace, endpoints: list[str]) -> int:
    if args.child:
        facts = _child(args, endpoints)
        args.child.with_name("facts.json").write_text(json.dumps(facts))
        return 0
    return _parent(args, endpoints)


def _environment(args: argparse.Namespace) -> str | None:
    """The production settings cases_bench.py serves with (it sets the same variables); returns
    the scratch SHEBAO_VAR_DIR when it made one (the child inherits the parent's)."""
    created = None if os.environ.get("SHEBAO_VAR_DIR") else tempfile.mkdtemp(prefix="shebao_bench_instr_")
    var_dir = os.environ.get("SHEBAO_VAR_DIR") or created or ""
    Path(var_dir, "static").mkdir(parents=True, exist_ok=True)
    defaults = {
        **production_env(args),
        "SHEBAO_ALLOWED_HOSTS": "testserver",
        "SHEBAO_VAR_DIR": var_dir,
        "PYTHONHASHSEED": "0",
    }
    for key, value in defaults.items():
        os.environ.setdefault(key, value)
    return created


# --- the parent: valgrind, then the dumps ---------------------------------------------------------


def _parent(args: argparse.Namespace, endpoints: list[str]) -> int:
    if args.no_callgrind:
        args.child = NO_CALLGRIND
        facts = _child(args, endpoints)
        print(facts["banner"].replace("callgrind, in process", "in process, no callgrind"))
        print(f"\n{'endpoint':<48} {'queries':>8} {'buffers':>8} {'status':>6}")
        for name in endpoints:
            label = f"GET {PATHS[name]}" + ("{number}" if name == "case" else "")
            q, b, st = (facts[k][name] for k in ("queries", "buffers", "status"))
            print(f"{label:<48} {q:>8} {b:>8} {st:>6}")
        if args.json:
            args.json.write_text(json.dumps(facts, ensure_ascii=False, indent=2))
        return 0
    if not shutil.which("valgrind"):
        raise SystemExit("valgrind is not installed (Debian: apt-get install valgrind)")
    work = Path(tempfile.mkdtemp(prefix="shebao_callgrind_"))
    out = args.out or work
    out.mkdir(parents=True, exist_ok=True)
    helper = work / "callgrind_helper.so"
    source = work / "callgrind_helper.c"
    source.write_text(HELPER)
    subprocess.run(["gcc", "-O1", "-shared", "-fPIC", "-o", str(helper), str(source)], check=True)
    base = out / "callgrind.out"
    for stale in out.glob("callgrind.out*"):
        stale.unlink()
    command = [
        "valgrind",
        "--tool=callgrind",
        f"--callgrind-out-file={base}",
        sys.executable,
        str(Path(__file__).resolve()),
        *sys.argv[1:],
        "--child",
        str(helper),
    ]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    facts_file = work / "facts.json"
    if result.returncode != 0 or not facts_file.exists():
        sys.stderr.write(result.stdout + result.stderr[-4000:])
        raise SystemExit(f"the run under callgrind failed ({result.returncode})")
    facts = json.loads(facts_file.read_text())
    print(facts["banner"])
    dumps = _dumps(out)
    figures: dict[str, object] = {**facts, "endpoints": {}}
    print(f"\n{'endpoint':<48} {'requests':>8} {'Ir per request':>15} {'queries':>8} {'buffers':>8} {'status':>6}")
    for name in endpoints:
        total = dumps.get(f"bench-{name}")
        if total is None:
            raise SystemExit(f"no callgrind dump for {name} in {out}")
        per = total / args.requests
        label = f"GET {PATHS[name]}" + ("{number}" if name == "case" else "")
        q, b = facts["queries"][name], facts["buffers"][name]
        print(f"{label:<48} {args.requests:>8} {per:>15,.0f} {q:>8} {b:>8} {facts['status'][name]:>6}")
        figures["endpoints"][name] = {"requests": args.requests, "ir_total": total, "ir_per_request": round(per)}
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2))
        print(f"figures written to {args.json}")
    if not args.out:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def _dumps(directory: Path) -> dict[str, int]:
    """Trigger label → the ``summary:`` Ir of each callgrind dump in ``directory``."""
    found = {}
    for path in directory.glob("callgrind.out*"):
        text = path.read_text(errors="replace")
        trigger = re.search(r"^desc: Trigger: Client Request: (\S+)", text, re.M)
        summary = re.search(r"^summary: (\d+)", text, re.M) or re.search(r"^totals: (\d+)", text, re.M)
        if trigger and summary:
            found[trigger.group(1)] = int(summary.group(1))
    return found


# --- the child: the requests, under callgrind -----------------------------------------------------


def _child(args: argparse.Namespace, endpoints: list[str]) -> dict[str, Any]:
    """The requests; the callgrind dumps (unless ``--no-callgrind``); the facts outside them."""
    import platform

    import django

    django.setup()
    from shebao.core import workdays

    # The working-day calendar keeps each year for 60 s of wall time (both codes). Under
    # callgrind, 60 s is about a second of native work, so the counted requests would reload
    # the year tens of times more often than a server does (once a minute in thousands of
    # requests): the count is taken in the steady state, the years loaded during the warm-up.
    workdays._CACHE_SECONDS = float("inf")  # type: ignore[attr-defined]
    from _cases_data import staff_sessions
    from django.db import connection
    from django.test import Client

    import shebao
    from shebao.core.models import Account

    helper: ctypes.CDLL | None = None
    if args.child != NO_CALLGRIND:
        helper = ctypes.CDLL(str(args.child))
        helper.dump.argtypes = [ctypes.c_char_p]
    actor = Account.objects.get(username=args.user)
    client = Client()
    client.cookies["sessionid"] = staff_sessions(user_ids=[actor.pk])[0]
    paths = _paths(connection, actor.office_id, args.cases)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM cases_case")
        cases = cursor.fetchone()[0]
    facts: dict[str, Any] = {
        "banner": (
            f"callgrind, in process: {args.user}, {cases:,} cases in {args.db}; code {Path(shebao.__file__).parent}; "
            f"Python {platform.python_version()}; {args.warmup} warm-up + {args.requests} counted requests per endpoint"
        ),
        "code": str(Path(shebao.__file__).parent),
        "db": args.db,
        "cases": cases,
        "queries": {},
        "buffers": {},
        "status": {},
    }
    for name in endpoints:
        cycle = paths[name]
        for i in range(args.warmup):
            response = client.get(cycle[i % len(cycle)])
            if response.status_code != 200:
                raise SystemExit(f"{cycle[i % len(cycle)]} answered {response.status_code}")
        if helper is not None:
            helper.zero()
            for i in range(args.requests):
                client.get(cycle[i % len(cycle)])
            helper.dump(f"bench-{name}".encode())
        # outside the counted window: queries per request, the status of each answer, and the
        # PostgreSQL buffers (shared hit + read) of each query, by EXPLAIN (ANALYZE, BUFFERS)
        # of the same statement right after: the database's work, which load does not change
        counted: list[int] = []
        buffers: list[int] = []
        statuses = set()
        for path in cycle:
            seen: list[tuple[str, object]] = []

            def record(execute, sql, params, many, context, seen=seen):  # type: ignore[no-untyped-def]
                seen.append((sql, params))
                return execute(sql, params, many, context)

            with connection.execute_wrapper(record):
                statuses.add(client.get(path).status_code)
            counted.append(len(seen))
            buffers.append(sum(_buffers(connection, sql, params) for sql, params in seen))
        facts["queries"][name] = _spread(counted)
        facts["buffers"][name] = round(sum(buffers) / len(buffers), 1)
        facts["status"][name] = ",".join(str(s) for s in sorted(statuses))
    return facts


def _spread(values: list[int]) -> str | int:
    return f"{min(values)}-{max(values)}" if min(values) != max(values) else values[0]


def _buffers(connection, sql: str, params: object) -> int:  # type: ignore[no-untyped-def]
    """Shared buffers (hit + read) a SELECT touches when run again under EXPLAIN ANALYZE."""
    if not sql.lstrip().upper().startswith("SELECT"):
        return 0
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    top = plan[0]["Plan"]
    return int(top.get("Shared Hit Blocks", 0)) + int(top.get("Shared Read Blocks", 0))


def _paths(connection, office_id: int, count: int) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    """The paths each endpoint cycles through: for ``case``, the first ``count`` open cases and
    the first ``count`` others of the clerk's office by id (the same rows on two databases
    loaded from the same seed)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT number FROM cases_case WHERE office_id = %s AND status = ANY(%s) ORDER BY id LIMIT %s",
            [office_id, list(OPEN), count],
        )
        numbers = [r[0] for r in cursor.fetchall()]
        cursor.execute(
            "SELECT number FROM cases_case WHERE office_id = %s AND NOT status = ANY(%s) ORDER BY id LIMIT %s",
            [office_id, list(OPEN), count],
        )
        numbers += [r[0] for r in cursor.fetchall()]
    return {
        "queue": [PATHS["queue"]],
        "case": [PATHS["case"] + n for n in numbers],
        "page": [PATHS["page"]],
        "reference": [PATHS["reference"]],
    }


if __name__ == "__main__":
    sys.exit(main())
