"""shebao seed --demo [--persons N] · shebao seed --persons N [--years 10] [--batch 50000] ·
shebao seed --totp USERNAME"""

from __future__ import annotations

from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

from shebao.core.errors import ShebaoError
from shebao.devtools.seed.bulk import METHODS, seed_bulk
from shebao.devtools.seed.demo import DEFAULT_PERSONS, demo_logins, seed_demo, staff_totp
from shebao.devtools.seed.staff import totp_secret


class Command(BaseCommand):
    help = (
        "演示数据与批量合成数据 / Demo data and bulk synthetic data. "
        "--demo: the deterministic demo set (idempotent; prints the demo logins). "
        "--persons N without --demo: N synthetic persons with ten years of pension records, for benchmarks. "
        "--totp USERNAME: the current TOTP code of a staff account."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--demo", action="store_true", help="seed the demo data set (once) and print its logins")
        parser.add_argument(
            "--persons",
            type=int,
            help=f"with --demo: demo size (default {DEFAULT_PERSONS}); alone: number of bulk synthetic persons",
        )
        parser.add_argument("--years", type=int, default=10, help="bulk: annual records per person (default 10)")
        parser.add_argument("--batch", type=int, default=50_000, help="bulk: persons per transaction (default 50000)")
        parser.add_argument("--method", choices=METHODS, help="bulk: copy (PostgreSQL), executemany, orm (reference)")
        parser.add_argument("--totp", metavar="USERNAME", help="print the current TOTP code of a staff account")

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.ending = ""  # rich writes whole lines itself
        width = None if self.stdout.isatty() else 200
        # Django's OutputWrapper is a TextIOBase, which typeshed does not count as an IO[str]
        self.console = Console(file=cast(IO[str], self.stdout), width=width, highlight=False)
        try:
            if options["totp"]:
                self._totp(options["totp"])
            elif options["demo"]:
                self._demo(DEFAULT_PERSONS if options["persons"] is None else options["persons"])
            elif options["persons"] is not None:
                self._bulk(options)
            else:
                raise CommandError(
                    "请指定 --demo、--persons N 或 --totp 用户名 / Give --demo, --persons N or --totp USERNAME"
                )
        except ShebaoError as exc:
            raise CommandError(str(exc)) from exc

    def _totp(self, username: str) -> None:
        device, code = staff_totp(username=username)
        self.console.print(f"{username}  TOTP {code}  (secret {totp_secret(device)})")

    def _demo(self, persons: int) -> None:
        result = seed_demo(persons=persons)
        if result.created:
            self.console.print("[bold green]演示数据已创建 / Demo data created[/]")
            summary = Table("数据 / Data", "行数 / Rows", title="数据量 / Counts")
            for name, count in result.counts.items():
                summary.add_row(name, f"{count:,}")
            self.console.print(summary)
        else:
            self.console.print("演示数据已存在，未作改动 / Demo data already present: nothing written")
        self._print_logins()

    def _print_logins(self) -> None:
        table = Table(title="演示账户 / Demo accounts")
        table.add_column("角色 / Role")
        table.add_column("用户名 / Username", no_wrap=True)
        table.add_column("密码 / Password", no_wrap=True)
        table.add_column("姓名 / Name")
        table.add_column("机构 / Office")
        table.add_column("TOTP 密钥 / Secret", no_wrap=True)
        table.add_column("当前口令 / Code", no_wrap=True)
        for login in demo_logins():
            table.add_row(
                login.role,
                login.username,
                login.password,
                login.full_name,
                login.office,
                login.totp_secret,
                login.totp_code,
            )
        self.console.print(table)
        self.console.print(
            "工作人员登录需动态口令；随时可用 shebao seed --totp <用户名> 查看 / Staff sign in with TOTP."
        )

    def _bulk(self, options: dict[str, Any]) -> None:
        persons = options["persons"]
        columns = (
            TextColumn("合成参保人 / persons"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
        )
        with Progress(*columns, console=self.console) as progress:
            task = progress.add_task("persons", total=persons)
            result = seed_bulk(
                persons=persons,
                years=options["years"],
                batch=options["batch"],
                method=options["method"],
                on_progress=lambda n: progress.advance(task, n),
            )
        rate = result.rows / result.seconds if result.seconds else 0.0
        self.console.print(
            f"{result.method}: {result.persons:,} persons, {result.units:,} units, {result.employments:,} employments, "
            f"{result.contributions:,} contribution records ({result.years[0]}-{result.years[1]}); "
            f"{result.rows:,} rows in {result.seconds:.1f} s = {rate:,.0f} rows/s"
            + (f"; {result.skipped} persons skipped (ID number already registered)" if result.skipped else "")
        )
