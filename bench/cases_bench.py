"""The service engine under load: the clerk's queue (一岗通 待办) and a case's progress read by
16 concurrent clerks, on PostgreSQL holding a million cases.

    .venv/bin/python bench/cases_bench.py [--cases 1000000] [--users 16] [--seconds 30]
                                          [--think 1.0] [--keep | --reuse]

1. Makes a scratch database (``shebao_bench_cases``; it must not exist), migrates it, loads the
   catalogue (``catalog_sync``), an organisation with staff, and ``--cases`` cases with their
   phases, step records and materials (COPY, see ``bench/_cases_data.py``); VACUUM ANALYZE.
2. Starts the app under gunicorn (gthread workers) on 127.0.0.1 in production settings.
3. From a separate process, ``--users`` clerks (each a signed-in, second-factor-verified
   session) send GET /api/v1/workbench/queue, GET /api/v1/cases/{number} (numbers the clerk
   may see) and, when it exists, the HTML page /workbench/, back to back for ``--seconds``;
   then the same users hit the reference, GET /api/v1/calendar/workday?date=2026-02-14.
   With ``--think S`` the mix again with S seconds' mean think time between requests. Then
   the mix and the reference with one user.
4. Prints median / p95 / p99 / throughput per endpoint and each median as a ratio to the
   reference's median at the same number of users; the CPU the run used (this benchmark's
   processes and everything else on the machine); then the query count and SQL time per
   request and the queue query's plan (EXPLAIN ANALYZE), to say where the time goes.
5. Drops the database (``--keep`` keeps it; ``--reuse`` runs the load against a kept one).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime as dt
import json
import multiprocessing
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from _common import (
    BENCH,
    HOST,
    ROOT,
    database_create,
    database_drop,
    free_port,
    production_env,
    scratch_arguments,
    this_tree_first,
)
from _http_load import RunResult, UserPlan, get_once, run_users

this_tree_first()

QUEUE = "/api/v1/workbench/queue"
CASE = "/api/v1/cases/"
PAGE = "/workbench/"
REFERENCE = "/api/v1/calendar/workday?date=2026-02-14"
SAMPLE_OPEN, SAMPLE_ANY = 200, 200  # case numbers per user: from the open cases and from all visible
NAMES = {"queue": "GET /api/v1/workbench/queue", "case": "GET /api/v1/cases/{number}", "page": "GET /workbench/ (HTML)"}
TICK = os.sysconf("SC_CLK_TCK")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=16, help="concurrent users (at most 16 clerks are made)")
    parser.add_argument("--seconds", type=float, default=30.0, help="measured seconds of each concurrent run")
    parser.add_argument("--single-seconds", type=float, default=10.0, help="measured seconds of each 1-user run")
    parser.add_argument("--warmup", type=float, default=3.0, help="unmeasured seconds before each run")
    parser.add_argument("--think", type=float, default=0.0, help="also run the users with this mean think time (s)")
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=0.0,
        help="before each run wait up to this many seconds for other processes to leave the CPU idle",
    )
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker (gthread)")
    parser.add_argument("--batch", type=int, default=50_000, help="cases per COPY transaction")
    parser.add_argument("--seed", type=int, default=20261125)
    scratch_arguments(
        parser,
        db="shebao_bench_cases",
        db_help="scratch database: must not exist",
        reuse_help="run against a database kept by --keep (no load)",
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument(
        "--start-at",
        type=float,
        help="start the runs at this Unix time (after the set-up): two versions started together, each"
        " with its own server and database, then meet the machine's other load at the same moments",
    )
    parser.add_argument(
        "--numbers",
        type=Path,
        help="keep the sampled case numbers in this file and reuse them: every run on a kept database"
        " then reads the same cases, and skips the sampling (minutes on a busy machine)",
    )
    parser.add_argument(
        "--redis",
        default="redis://127.0.0.1:6379/15",
        help="the shared cache of a production deployment (sessions are read from it); '' for none",
    )
    parser.add_argument(
        "--compare",
        type=Path,
        nargs="+",
        metavar="JSON",
        help="no load: compare the --json files of interleaved runs, given as pairs OLD NEW OLD NEW ...",
    )
    args = parser.parse_args()
    if args.compare:
        return compare(args.compare)
    if not 1 <= args.users <= 16:
        parser.error("--users must be between 1 and 16")

    database_create(args)
    env = production_env(args)
    var_dir = Path(tempfile.mkdtemp(prefix="shebao_bench_cases_"))
    (var_dir / "static").mkdir()  # an empty STATIC_ROOT: whitenoise serves from the finders
    env["SHEBAO_VAR_DIR"] = str(var_dir)
    os.environ.update(env)
    os.environ["SHEBAO_ALLOWED_HOSTS"] = f"{HOST},testserver"  # testserver: the in-process profile
    server: Server | None = None
    try:
        import django

        django.setup()
        from django.urls import get_resolver

        get_resolver().check()  # import the URLconf now: the in-process profile uses this code
        if not args.reuse:
            _prepare(args)
        server = Server(args, env)
        return _measure(args, server)
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(var_dir, ignore_errors=True)
        if database_drop(args):
            print(f"dropped {args.db}")


# --- 1. the data --------------------------------------------------------------------------------


def _prepare(args: argparse.Namespace) -> None:
    import random

    from _cases_data import build_org, load_cases
    from django.core.management import call_command
    from django.utils import timezone

    from shebao.catalog.services import catalog_sync

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    sync = catalog_sync()
    org = build_org(rng=random.Random(args.seed))
    print(
        f"schema, catalogue ({sync.total} items), organisation ({len(org.office_by_code)} offices, "
        f"{sum(len(v) for v in org.staff.values())} staff): {time.perf_counter() - started:.1f} s"
    )
    print(f"loading {args.cases:,} cases (COPY, {args.batch:,} per transaction)")
    report = load_cases(org=org, count=args.cases, batch=args.batch, seed=args.seed, today=timezone.localdate())
    shares = ", ".join(
        f"{k} {v / report.cases:.1%}" for k, v in sorted(report.by_status.items(), key=lambda kv: -kv[1])
    )
    print(
        f"loaded {report.cases:,} cases, {report.phases:,} phases, {report.records:,} step records, "
        f"{report.materials:,} materials, {report.pauses:,} pauses = {report.rows:,} rows in {report.seconds:.1f} s "
        f"({report.rows / report.seconds:,.0f} rows/s); VACUUM ANALYZE {report.analyze_seconds:.1f} s"
    )
    print(f"statuses: {shares}; overdue in progress: {report.overdue:,}")


def _bench_users(count: int) -> list[tuple[int, str, int]]:
    """(account id, username, office id) of the load's clerks, in a fixed order."""
    from _cases_data import CARD_CENTRE, DISTRICTS, MEDICAL_CENTRE

    from shebao.core.models import Account

    codes = [f"SI-{c}" for c, _n, _w in DISTRICTS[:14]] + [MEDICAL_CENTRE, CARD_CENTRE]
    names = [f"clerk-{c.lower()}-1" for c in codes]
    found = {a.username: a for a in Account.objects.filter(username__in=names)}
    return [(found[n].pk, n, found[n].office_id) for n in names[:count]]


def _sampled_numbers(path: Path | None, user_ids: list[int]) -> dict[int, list[str]]:
    """``_case_numbers`` of each user, from ``path`` when it holds them for these users."""
    if path is not None and path.exists():
        saved = {int(k): v for k, v in json.loads(path.read_text()).items()}
        if set(saved) == set(user_ids):
            print(f"case numbers from {path}")
            return saved
    numbers = {pk: _case_numbers(pk) for pk in user_ids}
    if path is not None:
        path.write_text(json.dumps(numbers))
    return numbers


def _case_numbers(user_id: int) -> list[str]:
    """Numbers of cases the clerk may see: half from their office's open cases (what a clerk
    opens from the queue), half from all its cases; each checked through ``case_get``, the
    API's own visibility rule, so that a rule change never turns the sample into 404s."""
    from django.db import connection

    from shebao.cases import selectors
    from shebao.core.errors import NotFound
    from shebao.core.models import Account

    actor = Account.objects.select_related("office").get(pk=user_id)
    mine = "(office_id = %s OR receiving_office_id = %s)"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT number FROM cases_case WHERE {mine} AND status IN "
            "('in_progress', 'awaiting_materials', 'suspended', 'waiting_outside') ORDER BY random() LIMIT %s",
            [actor.office_id, actor.office_id, SAMPLE_OPEN],
        )
        candidates = [r[0] for r in cursor.fetchall()]
        cursor.execute(
            f"SELECT number FROM cases_case WHERE {mine} ORDER BY random() LIMIT %s",
            [actor.office_id, actor.office_id, SAMPLE_ANY],
        )
        candidates += [r[0] for r in cursor.fetchall()]
    numbers = []
    for number in candidates:
        try:
            selectors.case_get(actor=actor, number=number)
        except NotFound:
            continue
        numbers.append(number)
    if not numbers:
        raise SystemExit(f"{actor.username} can see none of the sampled cases")
    return numbers


# --- 2. the server ------------------------------------------------------------------------------


class Server:
    """gunicorn on a free port of 127.0.0.1; ``app`` is the WSGI entry point."""

    def __init__(self, args: argparse.Namespace, env: dict[str, str], app: str = "shebao.wsgi:application") -> None:
        self.port = free_port()
        self.log = Path(f"/tmp/shebao_bench_cases_gunicorn_{os.getpid()}_{self.port}.log")
        command = [
            str(ROOT / ".venv/bin/gunicorn"),
            app,
            f"--bind={HOST}:{self.port}",
            "--worker-class=gthread",
            f"--workers={args.workers}",
            f"--threads={args.threads}",
            "--keep-alive=30",
            "--log-level=warning",
            f"--chdir={ROOT}",
            f"--pythonpath={BENCH}",
        ]
        with open(self.log, "w") as out:
            self.process = subprocess.Popen(
                command, env={**os.environ, **env, "SHEBAO_ALLOWED_HOSTS": HOST}, stdout=out, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + 60
        while True:
            try:
                if get_once(host=HOST, port=self.port, path=REFERENCE)[0] == 200:
                    break
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"gunicorn did not start; see {self.log}")
            time.sleep(0.2)
        print(f"gunicorn {app}: {args.workers} workers x {args.threads} threads (gthread), log {self.log}")

    def pids(self) -> list[int]:
        """The master, its workers and the PostgreSQL backends connected to our database."""
        from django.db import connection

        pids = [self.process.pid]
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat") as f:
                        if int(f.read().rsplit(")", 1)[1].split()[1]) == self.process.pid:
                            pids.append(int(entry))
                except (OSError, IndexError, ValueError):
                    continue
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            pids += [r[0] for r in cursor.fetchall()]
        return pids

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


# --- 3. the load --------------------------------------------------------------------------------


def _jiffies(pids: list[int]) -> dict[int, int]:
    """CPU time (user + system, in clock ticks) of each live process of ``pids``."""
    out = {}
    for pid in set(pids):
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            out[pid] = int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, IndexError, ValueError):
            continue
    return out


def _machine() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    return sum(fields) - fields[3] - fields[4], sum(fields)


@dataclass
class Run:
    label: str
    result: RunResult
    machine_busy: float  # share of all cores busy during the run (warm-up included)
    ours: float  # of which: the server, its PostgreSQL backends and the load generator

    @property
    def others(self) -> float:
        return max(0.0, self.machine_busy - self.ours)

    @property
    def per_second(self) -> float:
        return sum(len(v) for v in self.result.latencies.values()) / self.result.seconds

    @property
    def cpu_ms_per_request(self) -> float:
        """CPU (server, PostgreSQL, generator) per request: steady under other processes' load,
        where latency and throughput are not."""
        return self.ours * (os.cpu_count() or 1) / max(self.per_second, 1e-9) * 1000


def _wait_quiet(limit: float) -> None:
    """On a shared machine: wait (up to ``limit`` s) until 5 s pass with the CPU under 15 % busy."""
    deadline = time.monotonic() + limit
    while limit > 0:
        busy0, total0 = _machine()
        time.sleep(5)
        busy1, total1 = _machine()
        busy = (busy1 - busy0) / max(1, total1 - total0)
        if busy < 0.15 or time.monotonic() > deadline:
            print(f"  (CPU {busy:.0%} busy before the run)", flush=True)
            return


def _run(server: Server, label: str, users: list[UserPlan], seconds: float, warmup: float, quiet: float = 0.0) -> Run:
    """One run, its users in a separate (spawned) process, with the CPU it cost."""
    _wait_quiet(quiet)
    context = multiprocessing.get_context("spawn")
    ours0, (busy0, total0) = _jiffies(server.pids()), _machine()
    with concurrent.futures.ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        result = pool.submit(
            run_users, host=HOST, port=server.port, users=users, seconds=seconds, warmup=warmup
        ).result()
    ours1, (busy1, total1) = _jiffies(server.pids()), _machine()
    # A backend that a recycled connection (CONN_MAX_AGE) ended during the run is not counted:
    # "this benchmark" is a slight underestimate.
    ours = sum(t - ours0.get(pid, 0) for pid, t in ours1.items())
    span = max(1, total1 - total0)
    generator = result.cpu_seconds * TICK * (seconds + warmup) / seconds  # its warm-up share estimated
    return Run(label, result, (busy1 - busy0) / span, min(1.0, (ours + generator) / span))


def _stats(values: list[float]) -> dict[str, float]:
    if len(values) < 2:
        one = values[0] if values else float("nan")
        return {"n": len(values), "median": one, "p95": one, "p99": one}
    q = statistics.quantiles(values, n=100, method="inclusive")
    return {"n": len(values), "median": statistics.median(values), "p95": q[94], "p99": q[98]}


def _table(title: str, runs: list[Run], reference: Run) -> list[dict]:
    ref = _stats(reference.result.latencies.get("reference", []))
    rows = []
    print(f"\n{title}")
    print(
        f"{'run':<22} {'endpoint':<30} {'requests':>8} {'errors':>6} {'median ms':>9} {'p95 ms':>8} {'p99 ms':>8}"
        f" {'req/s':>7} {'ratio':>7}"
    )
    for run in [*runs, reference]:
        for name, values in sorted(run.result.latencies.items()):
            s = _stats(values)
            kinds = run.result.errors.get(name, {})
            row = {
                "run": run.label,
                "endpoint": name,
                "requests": s["n"],
                "errors": sum(kinds.values()),
                "error_kinds": kinds,
                "median_ms": round(s["median"], 1),
                "p95_ms": round(s["p95"], 1),
                "p99_ms": round(s["p99"], 1),
                "per_second": round(s["n"] / run.result.seconds, 1),
                "ratio": round(s["median"] / ref["median"], 1),
            }
            rows.append(row)
            print(
                f"{run.label:<22} {name:<30} {s['n']:>8,} {row['errors']:>6} {s['median']:>9.1f} {s['p95']:>8.1f}"
                f" {s['p99']:>8.1f} {row['per_second']:>7.1f} {s['median'] / ref['median']:>6.1f}x"
            )
    for run in [*runs, reference]:
        print(
            f"  [{run.label}] {run.per_second:,.1f} req/s, {run.cpu_ms_per_request:.1f} ms of CPU per request;"
            f" CPU of all cores: {run.machine_busy:.0%} busy, this benchmark {run.ours:.0%},"
            f" other processes {run.others:.0%}; load generator"
            f" {run.result.cpu_seconds / run.result.seconds:.0%} of one core"
        )
        rows.append(
            {
                "run": run.label,
                "endpoint": "(all)",
                "per_second": round(run.per_second, 1),
                "cpu_ms_per_request": round(run.cpu_ms_per_request, 2),
                "cpu_busy": round(run.machine_busy, 2),
                "cpu_ours": round(run.ours, 2),
                "cpu_others": round(run.others, 2),
            }
        )
    return rows


def _measure(args: argparse.Namespace, server: Server) -> int:
    from _cases_data import staff_sessions
    from django.db import connection

    from shebao.cases.models import Case

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server_version = cursor.fetchone()[0]
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        db_size = cursor.fetchone()[0]
    case_count = Case.objects.count()
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    print(
        f"machine: {os.cpu_count()} cores, {memory:.0f} GiB, Python {platform.python_version()}, "
        f"PostgreSQL {server_version}; {case_count:,} cases, database {db_size}"
    )

    people = _bench_users(args.users)
    keys = staff_sessions(user_ids=[pk for pk, _n, _o in people])
    cookies = [f"sessionid={k}" for k in keys]
    numbers = _sampled_numbers(args.numbers, [pk for pk, _n, _office in people])
    print(f"case numbers per user: {[len(v) for v in numbers.values()]} (visible, checked by case_get)")
    with_page = _smoke(server, cookies, numbers[people[0][0]][0])

    def plans(n: int, think: float = 0.0) -> list[UserPlan]:
        weight = 0.45 if with_page else 0.5
        out = []
        for (pk, _name, _office), cookie in zip(people[:n], cookies[:n], strict=True):
            mix = [
                (NAMES["queue"], weight, (QUEUE,)),
                (NAMES["case"], weight, tuple(CASE + x for x in numbers[pk])),
            ]
            if with_page:
                mix.append((NAMES["page"], 0.10, (PAGE,)))
            out.append(UserPlan(cookie=cookie, mix=tuple(mix), think=think))
        return out

    def reference_plans(n: int) -> list[UserPlan]:
        return [UserPlan(cookie=c, mix=(("reference", 1.0, (REFERENCE,)),)) for c in cookies[:n]]

    figures: dict[str, object] = {
        "date": dt.date.today().isoformat(),
        "cases": case_count,
        "database_size": db_size,
        "postgresql": server_version,
        "cores": os.cpu_count(),
        "workers": args.workers,
        "threads": args.threads,
        "page": with_page,
    }
    n, single = args.users, args.single_seconds
    if args.start_at:
        wait = args.start_at - time.time()
        if wait < 0:
            raise SystemExit(f"--start-at passed {-wait:.0f} s before the set-up ended")
        print(f"waiting {wait:.1f} s for --start-at", flush=True)
        time.sleep(wait)
    _run(server, "priming", plans(n), 2.0, 0.0)  # every worker thread opens its database connection
    q = args.wait_quiet
    mixed = _run(server, f"{n} users", plans(n), args.seconds, args.warmup, q)
    reference_n = _run(server, f"{n} users, reference", reference_plans(n), args.seconds, args.warmup, q)
    runs = [mixed]
    if args.think:
        runs.append(
            _run(server, f"{n} users, think {args.think:g} s", plans(n, args.think), args.seconds, args.warmup, q)
        )
    one = _run(server, "1 user", plans(1), single, args.warmup, q)
    reference_1 = _run(server, "1 user, reference", reference_plans(1), single, args.warmup, q)
    title = "(ratio = median / the reference's median with the same number of users)"
    figures["concurrent"] = _table(f"{n} concurrent users, {args.seconds:g} s per run {title}", runs, reference_n)
    figures["single"] = _table(f"1 user, {single:g} s per run {title}", [one], reference_1)
    _save(args, figures)
    try:
        figures["profile"] = _profile(people[0], keys[0], numbers[people[0][0]][0])
    except Exception as exc:  # a profile that fails must not cost the figures above
        print(f"the in-process profile failed: {exc!r}")
    _save(args, figures)
    return 0


def _save(args: argparse.Namespace, figures: dict[str, object]) -> None:
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2, default=str))
        print(f"figures written to {args.json}")


def _smoke(server: Server, cookies: list[str], number: str) -> bool:
    """Every endpoint answers 200 for the first user; prints the queue sizes. True when the
    HTML workbench page exists (200); otherwise it is left out of the mix."""
    status, body, _ms = get_once(host=HOST, port=server.port, path=QUEUE, cookie=cookies[0])
    if status != 200:
        raise SystemExit(f"{QUEUE} answered {status}: {body[:300]!r}; see {server.log}")
    sizes = [len(json.loads(get_once(host=HOST, port=server.port, path=QUEUE, cookie=c)[1])) for c in cookies]
    status, body, _ms = get_once(host=HOST, port=server.port, path=CASE + number, cookie=cookies[0])
    if status != 200:
        raise SystemExit(f"{CASE}{number} answered {status}: {body[:300]!r}; see {server.log}")
    page, _body, _ms = get_once(host=HOST, port=server.port, path=PAGE, cookie=cookies[0])
    print(f"queue rows per user (first page of 50): {sizes}")
    print(f"GET {PAGE}: {page}" + ("" if page == 200 else " -- not in the mix"))
    return page == 200


# --- 4. where the time goes ---------------------------------------------------------------------


def _profile(person: tuple[int, str, int], session_key: str, number: str) -> dict[str, object]:
    """Query count and SQL time of one request of each endpoint (in process, after a warm-up
    request), and the queue query's plan."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from shebao.cases import selectors
    from shebao.core.models import Account

    out: dict[str, object] = {}
    client = Client()
    client.cookies["sessionid"] = session_key
    print(f"\nper request, in process ({person[1]}; SQL times as Django logs them, to the millisecond):")
    for name, path in (("queue", QUEUE), ("case", CASE + number), ("page", PAGE), ("reference", REFERENCE)):
        client.get(path)
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            response = client.get(path)
            total = (time.perf_counter() - t0) * 1000
        sql_ms = sum(float(q["time"]) for q in ctx.captured_queries) * 1000
        out[name] = {
            "status": response.status_code,
            "queries": len(ctx),
            "sql_ms": round(sql_ms, 1),
            "total_ms": round(total, 1),
            "sql": [f"{float(q['time']) * 1000:.0f} ms {q['sql'][:120]}" for q in ctx.captured_queries],
        }
        print(f"  {name:<9} {response.status_code} {len(ctx):>2} queries, SQL {sql_ms:6.1f} ms of {total:6.1f} ms")
        for line in out[name]["sql"]:  # type: ignore[union-attr]
            print(f"      {line}")
    actor = Account.objects.select_related("office").get(pk=person[0])
    plan = selectors.workbench_queue(actor=actor, limit=50).explain(analyze=True, buffers=True)
    print("\nEXPLAIN (ANALYZE, BUFFERS) of the queue query:")
    print(plan)
    out["queue_plan"] = plan
    return out


# --- 5. interleaved runs of two versions ----------------------------------------------------------


def compare(files: list[Path]) -> int:
    """Each pair's ratio new ÷ old of the medians and p95 per run and endpoint, and of the CPU
    per request; then the median of the pairs' ratios. ``files``: OLD NEW OLD NEW ... (the
    ``--json`` of runs interleaved on one machine, so that other load falls on both alike)."""
    if len(files) < 2 or len(files) % 2:
        raise SystemExit("--compare takes pairs: OLD NEW [OLD NEW ...]")
    runs = [json.loads(f.read_text()) for f in files]
    pairs = list(zip(runs[0::2], runs[1::2], strict=True))

    def rows(figures: dict) -> dict[tuple[str, str], dict]:
        return {(r["run"], r["endpoint"]): r for r in figures.get("concurrent", []) + figures.get("single", [])}

    keys = [k for k in rows(pairs[0][0]) if all(k in rows(o) and k in rows(n) for o, n in pairs)]
    n = len(pairs)
    print(
        f"{n} pairs: each pair's ratio new ÷ old (below 1: the new code is faster), the median of the {n}"
        " ratios, and the median of each code's own figures over its runs"
    )
    head = " ".join(f"{'pair ' + str(i + 1):>7}" for i in range(n))
    print(f"{'run':<22} {'endpoint':<30} {'figure':<10} {head} {'median':>7} {'old':>8} {'new':>8}")
    for key in keys:
        figures = ("cpu_ms_per_request",) if key[1] == "(all)" else ("median_ms", "p95_ms")
        for figure in figures:
            old_values = [rows(old)[key][figure] for old, _new in pairs]
            new_values = [rows(new)[key][figure] for _old, new in pairs]
            ratios = [b / a for a, b in zip(old_values, new_values, strict=True)]
            label = figure[:-3] if figure.endswith("_ms") else "CPU ms/req"
            print(
                f"{key[0]:<22} {key[1]:<30} {label:<10} "
                + " ".join(f"{r:>7.2f}" for r in ratios)
                + f" {statistics.median(ratios):>7.2f} {statistics.median(old_values):>8.1f}"
                f" {statistics.median(new_values):>8.1f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
