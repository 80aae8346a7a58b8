"""The annual statement mailing (权益记录单寄送) at scale, on a scratch PostgreSQL database made for
the run and dropped after it, beside an HTML-to-PDF reference (WeasyPrint) in the same run.

    .venv/bin/pip install -e ".[bench]"          # WeasyPrint, the reference (needs libpango)
    .venv/bin/python bench/statements_bench.py                      # 100,000 persons, 2 processes
    .venv/bin/python bench/statements_bench.py --persons 5000 --reference 100

1. migrate; synthetic data generated inside PostgreSQL (``INSERT … SELECT generate_series``):
   persons with names, addresses, postcodes and delivery routes in every district, employers,
   twelve ledger months of the year and the pension account's entries (the year's credits and
   the previous year's interest), 3% of the persons with electronic delivery;
2. the reference: N records (from ``record_for``) rendered through WeasyPrint from an HTML
   page of the same statement (the same font file, a QR code as SVG), on the same number of
   processes, timed — statements per second;
3. the writer alone (no database): the same N records through ``statement_pdf`` (one file
   each) and through ``StatementBook`` (a batch file), timed on the same processes;
4. the whole run: ``mailing_run_start`` for everyone, the job's chunks on a local executor
   with ``--processes`` processes (each chunk reads its persons' records, issues and signs the
   statements, writes its PDF batch and its manifest rows), then the address manifest as CSV
   and Excel — statements per second from the start of the job to the manifest on disk.

Ratios are against the reference measured in the same invocation. Benchmarks never gate CI.

On a database kept by ``--keep``: ``--reuse --skip-run --chunk-cpu 6`` times ``run_chunk`` in
this process (CPU ms a statement); ``--reuse --chunk-instructions 200`` counts one chunk's
instructions under valgrind's callgrind (needs valgrind and gcc), the figure a loaded machine
does not move; run from a copy of the tree with older code for a before/after.
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import os
import platform
import resource
import sys
import time
from pathlib import Path

from _common import scratch_arguments, scratch_database, scratch_name, this_tree_first

this_tree_first()

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国文志红玉春梅晓东海燕小兵雪"
ROADS = (
    "解放大道",
    "中山大道",
    "建设大道",
    "京汉大道",
    "沿江大道",
    "武珞路",
    "珞喻路",
    "中北路",
    "和平大道",
    "友谊大道",
)
DISTRICTS = (
    ("420102", "江岸区", "4300"),
    ("420103", "江汉区", "4300"),
    ("420104", "硚口区", "4300"),
    ("420106", "武昌区", "4300"),
    ("420111", "洪山区", "4300"),
    ("420115", "江夏区", "4302"),
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--reference", type=int, default=200, help="statements rendered by WeasyPrint and alone")
    parser.add_argument("--year", type=int, default=2025)
    scratch_arguments(parser, db=scratch_name("statements"), reuse_help="use --db as loaded by a --keep run")
    parser.add_argument("--skip-run", action="store_true", help="the renderers only (no whole run)")
    parser.add_argument(
        "--chunk-cpu",
        type=int,
        default=0,
        metavar="N",
        help="first: N chunks of 500 persons in this process (rolled back), CPU and wall ms a statement",
    )
    parser.add_argument("--profile", action="store_true", help="with --chunk-cpu: cProfile's top functions")
    parser.add_argument(
        "--chunk-instructions",
        type=int,
        default=0,
        metavar="N",
        help="then stop: one chunk of N persons run_chunk'ed under valgrind's callgrind (on a --reuse database), "
        "instructions a statement (a figure other processes' load does not move)",
    )
    parser.add_argument("--callgrind-child", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    with scratch_database(args, var_dir=True):
        return _run(args)


def _load(args: argparse.Namespace) -> None:
    """Synthetic persons, employers, the year's ledger months and account entries, server-side."""
    from django.db import connection

    from shebao.core.models import Area

    city = Area.objects.create(code="420100", name="武汉市", kind=Area.Kind.CITY)
    district_ids = []
    for code, name, _ in DISTRICTS:
        area = Area.objects.create(code=code, name=name, kind=Area.Kind.DISTRICT, parent=city)
        area.district = area
        area.save(update_fields=["district"])
        district_ids.append(area.pk)
    n, year, units = args.persons, args.year, max(1, args.persons // 50)
    surnames = "ARRAY[" + ",".join(f"'{c}'" for c in SURNAMES) + "]"
    given = "ARRAY[" + ",".join(f"'{c}'" for c in GIVEN) + "]"
    roads = "ARRAY[" + ",".join(f"'{r}'" for r in ROADS) + "]"
    dnames = "ARRAY[" + ",".join(f"'{d[1]}'" for d in DISTRICTS) + "]"
    dids = "ARRAY[" + ",".join(str(i) for i in district_ids) + "]"
    nd = len(DISTRICTS)
    statements = [
        f"""INSERT INTO registry_unit (id, credit_code, name, district_id, industry, injury_risk_class, vip, created_at)
            SELECT i, 'U' || lpad(i::text, 17, '0'), '武汉' || ({roads})[1 + i % 10] || '科技有限公司第' || i || '分公司',
                   ({dids})[1 + i % {nd}], '', 1 + i % 8, false, now()
            FROM generate_series(1, {units}) i""",
        f"""INSERT INTO registry_person (id, id_number, name, sex, birth_date, category, hukou_place, address, phone,
                                     postcode, delivery_route, district_id, created_at)
            SELECT i, lpad(i::text, 18, '0'),
                   ({surnames})[1 + i % {len(SURNAMES)}] || ({given})[1 + (i / 7) % {len(GIVEN)}]
                     || ({given})[1 + (i / 3) % {len(GIVEN)}],
                   CASE WHEN i % 2 = 0 THEN 'F' ELSE 'M' END, DATE '1970-01-01' + (i % 12000), 'employee', '',
                   '武汉市' || ({dnames})[1 + i % {nd}] || ({roads})[1 + (i / 11) % 10] || (1 + i % 600) || '号'
                     || (1 + i % 30) || '栋' || (1 + i % 6) || '单元' || (101 + i % 3000) || '室',
                   '138' || lpad((i % 100000000)::text, 8, '0'),
                   '430' || lpad((10 + (i * 7) % 390)::text, 3, '0'), lpad((1 + (i * 13) % 40)::text, 2, '0'),
                   ({dids})[1 + i % {nd}], now()
            FROM generate_series(1, {n}) i""",
        f"""INSERT INTO registry_employment (person_id, unit_id, start, "end")
            SELECT i, 1 + i % {units}, DATE '2010-01-01' + (i % 3000), NULL FROM generate_series(1, {n}) i""",
        f"""INSERT INTO contributions_contributionmonth (person_id, unit_id, period, base, pension_employer,
                pension_personal, medical_employer, medical_personal, unemployment_employer, unemployment_personal,
                injury_employer, maternity_employer, account_credit, status, rules)
            SELECT i, 1 + i % {units}, make_date({year}, m, 1), b, b * 0.16, b * 0.08, b * 0.08, b * 0.02,
                   b * 0.007, b * 0.003, b * 0.004, NULL, b * 0.08, 'paid', '{{}}'
            FROM generate_series(1, {n}) i, generate_series(1, 12) m,
                 LATERAL (SELECT (4077 + (i * 37) % 20000)::numeric(12, 2) AS b) base""",
        f"""INSERT INTO contributions_accountentry (person_id, kind, year, credited_month, amount, rate, note, created_at)
            SELECT person_id, 'contribution', {year}, period, account_credit, NULL, '', now()
            FROM contributions_contributionmonth""",
        f"""INSERT INTO contributions_accountentry (person_id, kind, year, credited_month, amount, rate, note, created_at)
            SELECT i, 'transfer_in', {year - 1}, DATE '{year - 1}-12-01', 10000 + (i % 50000), NULL, '', now()
            FROM generate_series(1, {n}) i""",
        "SELECT setval(pg_get_serial_sequence('registry_unit', 'id'), (SELECT max(id) FROM registry_unit))",
        "SELECT setval(pg_get_serial_sequence('registry_person', 'id'), (SELECT max(id) FROM registry_person))",
        f"""INSERT INTO statement_mailing_deliverypreference (person_id, mode, changed_at, channel)
            SELECT i, 'electronic', now(), 'online' FROM generate_series(1, {n}) i WHERE i % 33 = 0""",
        "ANALYZE",
    ]
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _clerk():
    from shebao.core.models import Account, Area, Office, Role

    city = Area.objects.get(code="420100")
    office, _ = Office.objects.get_or_create(
        code="SI-CITY", defaults={"name": "武汉市社会保险中心", "kind": Office.Kind.CITY_CENTRE, "area": city}
    )
    clerk, _ = Account.objects.get_or_create(
        username="bench_mailing",
        defaults={"kind": Account.Kind.STAFF, "role": Role.CLERK, "office": office, "authority_level": 1},
    )
    return clerk


def _starter(year: int):
    """The city administrator who starts the bench's runs (a window clerk may not, issue 14's
    review); the year's earlier runs of this database are removed first, as a second run over
    the same persons is refused (one mailing a person, year and kind)."""
    from shebao.core.models import Account, Role
    from shebao.statements.mailing.models import MailingRun

    office = _clerk().office
    admin, _ = Account.objects.update_or_create(
        username="bench_admin",
        defaults={"kind": Account.Kind.STAFF, "role": Role.ADMIN, "office": office, "authority_level": 3},
    )
    MailingRun.objects.filter(year=year).delete()
    return admin


# --- the reference: the same statement as an HTML page through WeasyPrint ------------------------

HTML = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><style>
@font-face {{ font-family: WQY; src: url("file://{font}"); }}
@page {{ size: A4; margin: 14mm 12.7mm; }}
body {{ font-family: WQY; font-size: 8pt; color: #1f2328; }}
h1 {{ text-align: center; font-size: 18pt; margin: 0; }} .en {{ text-align: center; color: #57606a; }}
table {{ width: 100%; border-collapse: collapse; margin-top: 4pt; }}
td, th {{ border: 0.5pt solid #1f2328; padding: 1.5pt 2pt; font-weight: normal; }}
th {{ background: #f6f8fa; }} .sec {{ background: #e8eef6; font-size: 9pt; padding: 2pt 4pt; margin-top: 6pt; }}
.n {{ text-align: right; }} .qr {{ float: right; width: 66pt; height: 66pt; }}
.grid td {{ font-size: 6.3pt; text-align: right; }}
</style></head><body>
<div class="qr">{qr}</div>
<h1>社会保险个人权益记录单</h1><div class="en">Annual Statement of Social Insurance Rights</div>
<p>记录年度 {year}年<br>记录单编号 {ref}<br>验证码 {code} <span style="float:right">单位：元</span></p>
<div class="sec">一、基本信息</div>
<table><tr><th>姓名</th><td>{p.name}</td><th>性别</th><td>{p.sex}</td><th>证件号码</th><td>{p.id_number_masked}</td></tr>
<tr><th>单位名称</th><td colspan="3">{p.employer}</td><th>参加工作时间</th><td>{p.work_start}</td></tr>
<tr><th>联系地址</th><td colspan="3">{p.address}</td><th>邮政编码</th><td>{p.postcode}</td></tr></table>
<div class="sec">二、缴费情况　● 已缴费 △ 欠缴 ○ 转入 – 无缴费计划</div>
<table class="grid"><tr><th>险种</th><th>参保时间 / 缴费状态</th><th>项目</th>{months}</tr>{rows}</table>
<div class="sec">三、基本养老保险个人账户</div>
<table><tr><th>截止上年末累计储存额</th><th>本年账户记入本金</th><th>本年账户记入利息</th><th>本年记账利率</th>
<th>累计缴费月数</th><th>本年账户支出额</th><th>累计储存额</th></tr>
<tr><td class="n">{a.opening_balance}</td><td class="n">{a.principal}</td><td class="n">{a.interest}</td><td class="n">{rate}</td>
<td class="n">{a.months}</td><td class="n">{a.paid_out}</td><td class="n">{a.closing_balance}</td></tr></table>
<div class="sec">五、备注</div><ol>{notes}</ol>
<p>数据统计截止至：{as_of}　　打印时间：{printed}</p></body></html>"""


def _html(record, ref: str, code: str, url: str) -> str:
    from html import escape

    import zxingcpp

    from shebao.core.documents import FONT_PATH

    qr = zxingcpp.create_barcode(url, zxingcpp.BarcodeFormat.QRCode, ec_level="M").to_svg()
    months = "".join(f"<th>{m}月</th>" for m in range(1, 13))
    rows = []
    for block in record.insurances:
        bases = "".join(f"<td>{c.base or ''}</td>" for c in block.months)
        flags = "".join(f"<td style='text-align:center'>{c.symbol}</td>" for c in block.months)
        rows.append(
            f"<tr><td rowspan=2>{block.label_zh}</td><td>{block.enrolled_on or '—'}</td><td>缴费基数</td>{bases}</tr>"
            f"<tr><td>{escape(block.status)}</td><td>缴费情况</td>{flags}</tr>"
        )
    a = record.pension_account
    return HTML.format(
        font=FONT_PATH,
        qr=qr,
        year=record.year,
        ref=ref,
        code=code,
        p=record.person,
        months=months,
        rows="".join(rows),
        a=a,
        rate=f"{a.rate * 100:.2f}%" if a.rate is not None else "尚未计息",
        notes="".join(f"<li>{escape(note)}</li>" for note in record.notes),
        as_of=record.as_of,
        printed=dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
    )


def _weasy_worker(payload: list[tuple]) -> int:
    import weasyprint

    for record, ref, code, url in payload:
        weasyprint.HTML(string=_html(record, ref, code, url)).write_pdf()
    return len(payload)


def _writer_single(payload: list[tuple]) -> int:
    from shebao.statements.render import statement_pdf

    for record, ref, code, url in payload:
        statement_pdf(record=record, code=code, verify_url=url, ref=ref)
    return len(payload)


def _writer_book(payload: list[tuple]) -> int:
    from shebao.statements.render import StatementBook

    book = StatementBook()
    for record, ref, code, url in payload:
        book.add(record=record, code=code, verify_url=url, ref=ref)
    book.finish()
    return len(payload)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed_pool(worker, payload: list[tuple], processes: int, *, repeat: int = 1) -> tuple[float, float]:
    """(statements per second, CPU ms per statement) of ``worker`` over ``payload`` (× ``repeat``)
    split across processes. The CPU time (the workers', from getrusage once they are reaped) is
    the figure a loaded machine distorts least: wall time shares the cores with everyone else."""
    work = payload * repeat
    parts = [work[i::processes] for i in range(processes)]
    context = multiprocessing.get_context("fork")
    with context.Pool(processes) as pool:
        pool.map(worker, [p[:2] for p in parts])  # warm-up: imports, the font, the static page
        cpu = _children_cpu()
        start = time.perf_counter()
        done = sum(pool.map(worker, parts))
        elapsed = time.perf_counter() - start
        pool.close()
        pool.join()
    warm = sum(len(p[:2]) for p in parts)
    return done / elapsed, (_children_cpu() - cpu) * 1000 / (done + warm)


def _chunk_cpu(args: argparse.Namespace, clerk) -> None:
    """The run's per-statement cost without the pool: ``run_chunk`` on N chunks of 500 persons
    (issue, sign, PDF batch, manifest rows) in this process, each in a transaction rolled back
    so that every repetition signs and writes afresh. Process CPU time is what the loaded
    machine distorts least; wall time includes waiting for PostgreSQL and for the cores."""
    import cProfile
    import pstats

    from django.db import transaction

    from shebao.statements.mailing.services import mailing_run_start, run_chunk

    starter = _starter(args.year)

    class _Undo(Exception):
        pass

    def chunk(lo: int) -> tuple[int, float, float]:
        measured = (0, 0.0, 0.0)
        try:
            with transaction.atomic():
                run = mailing_run_start(actor=starter, year=args.year, channel="cli")
                cpu, wall = time.process_time(), time.perf_counter()
                done = run_chunk(params={"run": run.pk}, lo=lo, hi=lo + 499)["persons"]
                measured = (done, time.process_time() - cpu, time.perf_counter() - wall)
                raise _Undo
        except _Undo:
            return measured

    chunk(1)  # warm: imports, the font, the static page
    profile = cProfile.Profile() if args.profile else None
    total = [0, 0.0, 0.0]
    if profile:
        profile.enable()
    for i in range(args.chunk_cpu):
        done, cpu, wall = chunk(1001 + 500 * i)
        total[0] += done
        total[1] += cpu
        total[2] += wall
    if profile:
        profile.disable()
        pstats.Stats(profile).sort_stats("tottime").print_stats(15)
    print(
        f"chunks in process: {total[0]} statements, {total[1] * 1000 / total[0]:.2f} CPU ms a statement "
        f"({total[2] * 1000 / total[0]:.2f} wall ms; {1000 / (total[1] * 1000 / total[0]) * 2:.0f}/s on two idle cores"
        f"{', profiled' if profile else ''})"
    )


CALLGRIND_HELPER = """#include <valgrind/callgrind.h>
void start(void) { CALLGRIND_ZERO_STATS; CALLGRIND_START_INSTRUMENTATION; }
void dump(const char *label) { CALLGRIND_DUMP_STATS_AT(label); CALLGRIND_STOP_INSTRUMENTATION; }
"""


def _chunk_instructions(args: argparse.Namespace) -> None:
    """This script again under ``valgrind --tool=callgrind --instr-atstart=no`` (a C helper built
    with gcc starts the instrumentation around the measured chunk only): the instructions the
    process executes for ``run_chunk`` of N persons (read, issue and sign, PDF batch, manifest
    rows; rolled back) after a warm chunk. PostgreSQL's own work is not counted, psycopg's
    client side is. Count, not time: another engineer's load does not move it."""
    import re
    import subprocess
    import tempfile

    from django.db import connections

    connections.close_all()
    work = Path(tempfile.mkdtemp(prefix="statements_callgrind_"))
    (work / "helper.c").write_text(CALLGRIND_HELPER)
    helper = work / "helper.so"
    subprocess.run(["gcc", "-O1", "-shared", "-fPIC", "-o", str(helper), str(work / "helper.c")], check=True)
    command = [
        "valgrind",
        "--tool=callgrind",
        "--instr-atstart=no",
        f"--callgrind-out-file={work}/callgrind.out",
        sys.executable,
        str(Path(__file__).resolve()),
        "--reuse",
        "--keep",
        "--db",
        args.db,
        "--server",
        args.server,
        "--year",
        str(args.year),
        "--chunk-instructions",
        str(args.chunk_instructions),
        "--callgrind-child",
        str(helper),
    ]
    result = subprocess.run(command, env={**os.environ, "PYTHONHASHSEED": "0"}, capture_output=True, text=True)
    done = re.search(r"^measured chunk: (\d+) statements", result.stdout, re.M)
    counted = [
        int(m.group(1))
        for path in work.glob("callgrind.out*")
        if "Trigger: Client Request: chunk" in (text := path.read_text(errors="replace"))
        for m in [re.search(r"^summary: (\d+)", text, re.M)]
        if m
    ]
    if result.returncode or not done or not counted:
        sys.stderr.write(result.stdout + result.stderr[-3000:])
        raise SystemExit("the chunk under callgrind failed")
    statements = int(done.group(1))
    print(
        f"chunk under callgrind: {statements} statements, {counted[0]:,} instructions, "
        f"{counted[0] / statements:,.0f} a statement (code {Path(__import__('shebao').__file__).parent})"
    )


def _chunk_instructions_child(args: argparse.Namespace, clerk) -> None:
    import ctypes

    from django.db import transaction

    from shebao.statements.mailing.services import mailing_run_start, run_chunk

    helper = ctypes.CDLL(args.callgrind_child)
    helper.dump.argtypes = [ctypes.c_char_p]

    starter = _starter(args.year)

    class _Undo(Exception):
        pass

    def chunk(lo: int, *, measured: bool) -> int:
        done = 0
        try:
            with transaction.atomic():
                run = mailing_run_start(actor=starter, year=args.year, channel="cli")
                if measured:
                    helper.start()
                done = run_chunk(params={"run": run.pk}, lo=lo, hi=lo + args.chunk_instructions - 1)["persons"]
                if measured:
                    helper.dump(b"chunk")
                raise _Undo
        except _Undo:
            return done

    chunk(1, measured=False)  # warm: imports, the font, the static page
    print(f"measured chunk: {chunk(2001, measured=True)} statements")


def _run(args: argparse.Namespace) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from shebao.core.jobs import LocalExecutor, job_run
    from shebao.registry.models import Person
    from shebao.statements.document import statement_verify_url
    from shebao.statements.mailing.models import MailingBatch, MailingItem
    from shebao.statements.mailing.services import mailing_manifest_write, mailing_run_start
    from shebao.statements.models import Statement
    from shebao.statements.record import record_from_content
    from shebao.statements.services import statement_issue

    print(
        f"# statements_bench  {platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} cpus, {args.persons} persons, {args.processes} processes, db {args.db}"
    )
    call_command("migrate", verbosity=0)
    if not args.reuse:
        started = time.perf_counter()
        _load(args)
        print(f"load: {time.perf_counter() - started:.1f} s")
    clerk = _clerk()
    if args.callgrind_child:
        _chunk_instructions_child(args, clerk)
        return 0
    if args.chunk_cpu:
        _chunk_cpu(args, clerk)
    if args.chunk_instructions:
        _chunk_instructions(args)
        return 0

    # the sample: N statements issued through the service (their records are what every writer draws)
    sample = []
    for person in Person.objects.order_by("pk")[: args.reference]:
        statement = statement_issue(actor=clerk, person=person, year=args.year, channel="system")
        sample.append(
            (record_from_content(statement.content), statement.ref, statement.code, statement_verify_url(statement))
        )
    connections.close_all()

    results = {}
    try:
        import weasyprint  # noqa: F401

        results["weasyprint"] = _timed_pool(
            _weasy_worker, sample[: max(args.processes * 10, args.reference // 4)], args.processes
        )
    except (ImportError, OSError) as missing:
        print(f"weasyprint unavailable ({missing}): pip install -e '.[bench]'")
    results["writer_single"] = _timed_pool(_writer_single, sample, args.processes, repeat=5)
    results["writer_book"] = _timed_pool(_writer_book, sample, args.processes, repeat=5)
    reference = results.get("weasyprint", (0.0, 0.0))[0]
    for name, (rate, cpu_ms) in results.items():
        ratio = f"  ×{rate / reference:.1f}" if reference else ""
        print(f"{name:>14}: {rate:8.1f} statements/s{ratio}   {cpu_ms:7.2f} CPU ms a statement")

    if args.skip_run:
        return 0
    starter = _starter(args.year)  # before the statements: the earlier run's rows point at them
    Statement.objects.filter(person__in=Person.objects.order_by("pk")[: args.reference]).delete()
    started = time.perf_counter()
    run = mailing_run_start(actor=starter, year=args.year, channel="cli")
    connections.close_all()
    cpu = _children_cpu()
    job = job_run(job_id=run.job_id, executor=LocalExecutor(processes=args.processes))
    worker_cpu = _children_cpu() - cpu
    ran = time.perf_counter()
    manifest = mailing_manifest_write(run=run)
    finished = time.perf_counter()
    items = MailingItem.objects.filter(run=run).count()
    pages = sum(MailingBatch.objects.filter(run=run).values_list("pages", flat=True))
    size = sum(f.stat().st_size for f in Path(run.directory).glob("batch-*.pdf"))
    total = finished - started
    print(
        f"whole run: {items} statements ({pages} on paper in {MailingBatch.objects.filter(run=run).count()} batches, "
        f"{size / 2**20:.0f} MiB; {items - pages} electronic) in {total:.1f} s "
        f"(job {ran - started:.1f} s, manifest {finished - ran:.1f} s, {manifest.rows} rows): "
        f"{items / total:.1f} statements/s" + (f"  ×{items / total / reference:.1f}" if reference else "")
    )
    print(
        f"job status: {job.status}; one million at this rate: {1_000_000 / (items / total) / 60:.0f} min; "
        f"the job's worker processes used {worker_cpu * 1000 / items:.2f} CPU ms a statement "
        f"(PostgreSQL's own CPU not included)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
