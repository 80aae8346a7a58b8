"""The app API under load: "my records" and "nearest outlets" at 50 concurrent phones, against
a real server process on a scratch PostgreSQL database of 1,000,000 persons, beside the same
queries sent straight through psycopg at the same concurrency (the ceiling), as a ratio.

    .venv/bin/python bench/app_api_bench.py                         # 1,000,000 persons
    .venv/bin/python bench/app_api_bench.py --persons 20000 --seconds 15   # a quick look

1. A scratch database (dropped after the run unless --keep), migrated; generated inside
   PostgreSQL (``INSERT … SELECT generate_series``): the city and its districts, employers,
   the persons, each person's twelve ledger months of the year (all five insurances), and
   the outlets — community centres, bank outlets, kiosks and district offices spread over
   Wuhan with their weekday hours (Saturday service at the district offices).
2. A sample of persons (``--phones``) get a citizen account with a valid ID number and an app
   sign-in (``core.tokens.token_issue``: access token and device id), as a phone would have.
3. gunicorn (``--workers`` processes × ``--threads`` gthread threads, production settings, the
   app's rate limits raised out of reach in ``bench/_app_bench_settings.py`` — still counted),
   then locust headless: ``--users`` users, no think time, each on its own token, asking
   one question for ``--seconds`` after a warm-up (statistics reset once all have started):
   requests per second, median and 99th-percentile latency, failures.
4. The ceiling: for each sampled phone (records) and point (outlets) the SQL the server ran
   for that request, captured in-process (``CaptureQueriesContext``); then ``--users``
   connections (2 processes × users/2 threads, each its own connection) send each request's
   statements through psycopg, one request after another, for the same seconds: requests per
   second, median and p99. Twice: its reads alone, and all of it ("all": also the person-view
   audit row in its transaction under the audit chain's advisory lock, with fresh hashes).
   Ratio = server ÷ ceiling. (The rate-limit counter is in the cache, not in either.)

Both halves share the machine (2 cores here) with locust itself; ``uptime``'s load before
and after is printed. Benchmarks never gate CI.
"""

from __future__ import annotations

import argparse
import csv
import http.client
import json
import os
import random
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import psycopg
from _common import (
    BENCH,
    HOST,
    ROOT,
    database_create,
    database_drop,
    free_port,
    production_env,
    scratch_arguments,
    scratch_name,
    this_tree_first,
)

this_tree_first()

BIN = Path(sys.executable).parent  # the venv's gunicorn and locust (a clone of the tree may have no .venv)
DISTRICTS = (
    ("420102", "江岸区", 30.60, 114.30),
    ("420103", "江汉区", 30.60, 114.27),
    ("420104", "硚口区", 30.58, 114.23),
    ("420105", "汉阳区", 30.55, 114.22),
    ("420106", "武昌区", 30.55, 114.32),
    ("420107", "青山区", 30.63, 114.39),
    ("420111", "洪山区", 30.50, 114.35),
)
OUTLETS = (("community_centre", 1196, "CC"), ("bank_outlet", 600, "BK"), ("kiosk", 300, "KS"))


def _uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--phones", type=int, default=200, help="persons with an app sign-in (the users' tokens)")
    parser.add_argument("--users", type=int, default=50, help="concurrent locust users, and ceiling connections")
    parser.add_argument("--seconds", type=int, default=30, help="measured seconds of each run")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4, help="gthread threads per gunicorn worker")
    parser.add_argument("--year", type=int, default=2026)
    scratch_arguments(parser, db=scratch_name("app"), reuse_help="use --db as loaded by a --keep run")
    parser.add_argument("--redis", default="", help="a shared cache (REDIS_URL) for the rate counters; '' for none")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--load-only", action="store_true", help="load --db and keep it (then --reuse it)")
    args = parser.parse_args()

    database_create(args)
    var_dir = Path(tempfile.mkdtemp(prefix="shebao_bench_app_"))
    (var_dir / "static").mkdir()
    env = {**production_env(args), "DJANGO_SETTINGS_MODULE": "_app_bench_settings", "SHEBAO_VAR_DIR": str(var_dir)}
    os.environ.update(env)
    os.environ["SHEBAO_ALLOWED_HOSTS"] = f"{HOST},testserver"
    sys.path.insert(0, str(BENCH))
    server = None
    try:
        import django

        django.setup()
        if not args.reuse:
            _load(args)
        if args.load_only:
            args.keep = True
            print(f"kept {args.db}: run again with --reuse --db {args.db}")
            return 0
        phones = _phones(args)
        print(f"load before: {_uptime()}")
        figures: dict[str, object] = {"persons": args.persons, "users": args.users, "seconds": args.seconds}
        server = _Server(args, env)
        tokens_file = var_dir / "phones.json"
        tokens_file.write_text(json.dumps(phones))
        for task in ("records", "outlets"):
            served = _locust(args, server.port, tokens_file, task, var_dir)
            print(
                f"{task:8s} server {served['rps']:8.1f} req/s  median {served['median_ms']:6.0f} ms  "
                f"p99 {served['p99_ms']:6.0f} ms  failures {served['failures']}"
            )
            figures[task] = {"server": served}
            for label, writes in (("reads", False), ("all", True)):
                ceiling = _ceiling(args, _captured(task, phones, writes=writes))
                ratio = served["rps"] / ceiling["rps"] if ceiling["rps"] else 0.0
                figures[task][f"ceiling_{label}"] = {**ceiling, "ratio": round(ratio, 3)}
                print(
                    f"{task:8s} psycopg ceiling ({label:5s}, {ceiling['queries']:4.1f} statements a request) "
                    f"{ceiling['rps']:8.1f} req/s  median {ceiling['median_ms']:6.1f} ms  "
                    f"p99 {ceiling['p99_ms']:6.1f} ms  |  server / ceiling {ratio:.3f}"
                )
        print(f"load after: {_uptime()}")
        figures["uptime_after"] = _uptime()
        if args.json:
            args.json.write_text(json.dumps(figures, indent=2))
        return 0
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(var_dir, ignore_errors=True)
        if database_drop(args):
            print(f"dropped {args.db}")


# --- 1. the data --------------------------------------------------------------------------------


def _load(args: argparse.Namespace) -> None:
    from django.core.management import call_command
    from django.db import connection

    from shebao.core.models import Area

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    city = Area.objects.create(code="420100", name="武汉市", kind=Area.Kind.CITY)
    ids = []
    for code, name, _lat, _lng in DISTRICTS:
        area = Area.objects.create(code=code, name=name, kind=Area.Kind.DISTRICT, parent=city)
        area.district = area
        area.save(update_fields=["district"])
        ids.append(area.pk)
    n, units, nd = args.persons, max(1, args.persons // 50), len(DISTRICTS)
    dids = "ARRAY[" + ",".join(map(str, ids)) + "]"
    lats = "ARRAY[" + ",".join(str(d[2]) for d in DISTRICTS) + "]::numeric[]"
    lngs = "ARRAY[" + ",".join(str(d[3]) for d in DISTRICTS) + "]::numeric[]"
    statements = [
        f"""INSERT INTO registry_unit (id, credit_code, name, district_id, industry, injury_risk_class, vip, created_at)
            SELECT i, 'U' || lpad(i::text, 17, '0'), '武汉第' || i || '科技有限公司', ({dids})[1 + i % {nd}], '',
                   1 + i % 8, false, now()
            FROM generate_series(1, {units}) i""",
        f"""INSERT INTO registry_person (id, id_number, name, sex, birth_date, category, hukou_place, address, phone,
                                     postcode, delivery_route, district_id, created_at)
            SELECT i, lpad(i::text, 18, '0'), '参保人' || i, CASE WHEN i % 2 = 0 THEN 'F' ELSE 'M' END,
                   DATE '1970-01-01' + (i % 12000), 'employee', '', '武汉市', '', '430000', '',
                   ({dids})[1 + i % {nd}], now()
            FROM generate_series(1, {n}) i""",
        f"""INSERT INTO contributions_contributionmonth (person_id, unit_id, period, base, pension_employer,
                pension_personal, medical_employer, medical_personal, unemployment_employer, unemployment_personal,
                injury_employer, maternity_employer, account_credit, status, rules)
            SELECT i, 1 + i % {units}, make_date({args.year}, m, 1), b, b * 0.16, b * 0.08, b * 0.08, b * 0.02,
                   b * 0.007, b * 0.003, b * 0.004, b * 0.007, b * 0.08, 'paid', '{{}}'
            FROM generate_series(1, {n}) i, generate_series(1, 12) m,
                 LATERAL (SELECT (4077 + (i * 37) % 20000)::numeric(12, 2) AS b) base""",
        "SELECT setval(pg_get_serial_sequence('registry_unit', 'id'), (SELECT max(id) FROM registry_unit))",
        "SELECT setval(pg_get_serial_sequence('registry_person', 'id'), (SELECT max(id) FROM registry_person))",
    ]
    # the outlets: scattered around each district's centre (±0.06°), the district offices at it
    for kind, count, prefix in OUTLETS:
        statements.append(
            f"""INSERT INTO core_office (code, name, kind, area_id, address, phone, latitude, longitude, is_active)
                SELECT '{prefix}' || lpad(i::text, 5, '0'), '{prefix}网点' || i, '{kind}', ({dids})[1 + i % {nd}],
                       '武汉市', '027-12333', ({lats})[1 + i % {nd}] + (random() - 0.5) * 0.12,
                       ({lngs})[1 + i % {nd}] + (random() - 0.5) * 0.12, true
                FROM generate_series(1, {count}) i"""
        )
    statements += [
        f"""INSERT INTO core_office (code, name, kind, area_id, address, phone, latitude, longitude, is_active)
            SELECT 'SI-' || i, '社保处' || i, 'district_office', ({dids})[i], '武汉市', '027-12333',
                   ({lats})[i], ({lngs})[i], true
            FROM generate_series(1, {nd}) i""",
        # weekdays 9:00-12:00 and 13:30-17:00; Saturday service 9:00-16:00 at the district offices
        """INSERT INTO core_openinghours (office_id, weekday, opens, closes)
           SELECT o.id, d, s.opens, s.closes FROM core_office o, generate_series(0, 4) d,
                  (VALUES (TIME '09:00', TIME '12:00'), (TIME '13:30', TIME '17:00')) s(opens, closes)""",
        """INSERT INTO core_openinghours (office_id, weekday, opens, closes)
           SELECT id, 5, TIME '09:00', TIME '16:00' FROM core_office WHERE kind = 'district_office'""",
    ]
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    connection.close()
    with psycopg.connect(
        f"{args.server.replace('postgres://', 'postgresql://', 1)}/{args.db}", autocommit=True
    ) as conn:
        conn.execute("VACUUM ANALYZE")
    print(f"loaded {n:,} persons, {12 * n:,} ledger months, outlets: {time.perf_counter() - started:.1f} s")


def _phones(args: argparse.Namespace) -> list[dict[str, str]]:
    """A citizen account and an app sign-in for ``--phones`` persons spread over the table."""
    import datetime as dt

    from shebao.core.identifiers import id_number_make
    from shebao.core.models import Account, AppSession, Role
    from shebao.core.tokens import token_issue
    from shebao.registry.models import Person

    AppSession.objects.update(revoked_at=dt.datetime.now(dt.UTC), revoked_reason="sign_out")  # a --reuse run's
    rng = random.Random(7)
    person_ids = sorted(rng.sample(range(1, args.persons + 1), min(args.phones, args.persons)))
    phones = []
    for serial, pk in enumerate(person_ids, start=1):
        number = id_number_make(region_code="420102", birth_date=dt.date(1980, 1, 1), sequence=serial)
        account = Account.objects.filter(username=number).first()
        if account is None:
            account = Account.objects.create(
                username=number, id_number=number, kind=Account.Kind.CITIZEN, role=Role.CITIZEN, full_name=f"参保人{pk}"
            )
        Person.objects.filter(pk=pk).update(id_number=number, account=account)
        device = f"bench-phone-{serial:05d}"
        phones.append({"access": token_issue(account=account, device_id=device).access, "device": device})
    print(f"{len(phones)} phones signed in (access tokens live 15 minutes)")
    return phones


# --- 2. the server and locust --------------------------------------------------------------------


class _Server:
    def __init__(self, args: argparse.Namespace, env: dict[str, str]) -> None:
        self.port = free_port()
        self.log = Path(tempfile.gettempdir()) / f"shebao_bench_app_gunicorn_{os.getpid()}.log"
        command = [
            str(BIN / "gunicorn"),
            "shebao.wsgi:application",
            f"--bind={HOST}:{self.port}",
            "--worker-class=gthread",
            f"--workers={args.workers}",
            f"--threads={args.threads}",
            "--keep-alive=30",
            "--preload",
            "--log-level=warning",
            f"--chdir={ROOT}",
            f"--pythonpath={ROOT / 'src'},{BENCH}",
        ]
        with open(self.log, "w") as out:
            self.process = subprocess.Popen(
                command, env={**os.environ, **env, "SHEBAO_ALLOWED_HOSTS": HOST}, stdout=out, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + 120
        answered = 0
        while answered < 2 * args.workers * args.threads:  # every worker has answered (imports done)
            try:
                conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
                conn.request("GET", "/api/v1/app/guides?limit=1")
                if conn.getresponse().status == 200:
                    answered += 1
                conn.close()
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"gunicorn did not start; see {self.log}") from None
                time.sleep(0.3)
        print(f"gunicorn: {args.workers} workers x {args.threads} threads (gthread), log {self.log}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


def _locust(args: argparse.Namespace, port: int, tokens: Path, task: str, var_dir: Path) -> dict[str, float]:
    prefix = var_dir / f"locust_{task}"
    command = [
        str(BIN / "locust"),
        "-f",
        str(BENCH / "_app_locust.py"),
        "--headless",
        "--users",
        str(args.users),
        "--spawn-rate",
        str(args.users),
        "--run-time",
        f"{args.warmup + args.seconds}s",
        "--reset-stats",
        "--host",
        f"http://{HOST}:{port}",
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    env = {**os.environ, "APP_BENCH_TOKENS": str(tokens), "APP_BENCH_TASK": task}
    # statistics reset once every user has started; the warm-up seconds are the spawn and caches
    run = subprocess.run(command, env=env, check=False, capture_output=True, text=True)
    with open(f"{prefix}_stats.csv") as f:
        rows = {row["Name"]: row for row in csv.DictReader(f)}
    row = rows["Aggregated"]
    if int(row["Request Count"]) == 0 or int(row["Failure Count"]):
        print(run.stdout[-3000:], run.stderr[-3000:], Path(f"{prefix}_failures.csv").read_text()[:2000], sep="\n")
    if int(row["Request Count"]) == 0:
        raise SystemExit(f"locust sent no request ({task})")
    return {
        "requests": int(row["Request Count"]),
        "failures": int(row["Failure Count"]),
        "rps": float(row["Requests/s"]),
        "median_ms": float(row["Median Response Time"]),
        "p99_ms": float(row["99%"]),
    }


# --- 3. the ceiling: the same reads through psycopg ------------------------------------------------


def _captured(task: str, phones: list[dict[str, str]], *, writes: bool) -> list[list[str]]:
    """For each phone (or point), the statements the server ran for its request, as sent: its
    reads, and with ``writes`` also its transaction (the audit row under its advisory lock)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    rng = random.Random(11)
    sets = []
    for phone in phones[:100]:
        headers = {"HTTP_AUTHORIZATION": f"Bearer {phone['access']}", "HTTP_X_DEVICE_ID": phone["device"]}
        if task == "records":
            url = "/api/v1/app/my/records?page_size=12"
        else:
            url = (
                f"/api/v1/app/outlets/nearby?lat={rng.uniform(30.48, 30.68):.6f}&lng={rng.uniform(114.16, 114.42):.6f}"
            )
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, **headers)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        sent = [q["sql"] for q in queries.captured_queries if not q["sql"].lstrip().upper().startswith(SKIPPED)]
        sets.append(sent if writes else [q for q in sent if q.lstrip().upper().startswith("SELECT")])
    return sets


SKIPPED = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")
HASH = re.compile(r"'[0-9a-f]{64}'")


def _replayable(query: str) -> str:
    """An INSERT of the audit chain sent again needs hashes of its own (they are unique)."""
    if query.lstrip().upper().startswith("INSERT"):
        return HASH.sub(lambda _m: f"'{secrets.token_hex(32)}'", query)
    return query


def _ceiling_worker(payload: tuple[str, list[list[str]], int, float, float, int]) -> list[float]:
    dsn, sets, threads, start_at, seconds, seed = payload
    latencies: list[float] = []
    lock = threading.Lock()

    def loop(index: int) -> None:
        rng = random.Random(seed * 1000 + index)
        mine: list[float] = []
        with psycopg.connect(dsn, autocommit=True) as conn:
            while time.time() < start_at:
                time.sleep(0.01)
            end = start_at + seconds
            while True:
                t0 = time.perf_counter()
                if time.time() >= end:
                    break
                for query in rng.choice(sets):
                    cursor = conn.execute(_replayable(query))
                    if cursor.description is not None:
                        cursor.fetchall()
                mine.append((time.perf_counter() - t0) * 1000.0)
        with lock:
            latencies.extend(mine)

    workers = [threading.Thread(target=loop, args=(i,)) for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return latencies


def _ceiling(args: argparse.Namespace, sets: list[list[str]]) -> dict[str, float]:
    dsn = f"{args.server.replace('postgres://', 'postgresql://', 1)}/{args.db}"
    processes = 2
    per = [args.users // processes + (1 if i < args.users % processes else 0) for i in range(processes)]
    start_at = time.time() + 3.0  # every connection open before the clock starts
    with ProcessPoolExecutor(max_workers=processes, mp_context=get_context("spawn")) as pool:
        # a warm-up pass, then the measured one
        list(pool.map(_ceiling_worker, [(dsn, sets, n, time.time() + 2.0, args.warmup, i) for i, n in enumerate(per)]))
        start_at = time.time() + 3.0
        parts = list(pool.map(_ceiling_worker, [(dsn, sets, n, start_at, args.seconds, i) for i, n in enumerate(per)]))
    latencies = sorted(x for part in parts for x in part)
    return {
        "requests": len(latencies),
        "rps": len(latencies) / args.seconds,
        "median_ms": statistics.median(latencies) if latencies else 0.0,
        "p99_ms": latencies[int(0.99 * (len(latencies) - 1))] if latencies else 0.0,
        "queries": statistics.mean(len(s) for s in sets),
    }


if __name__ == "__main__":
    raise SystemExit(main())
