"""``shebao mailing``: the annual statement mailing from the command line.

    shebao mailing start --year 2025 --as USERNAME [--district 420102 | --id-numbers FILE]
                         [--variant annual|pension_notice] [--run]
    shebao mailing run RUN_ID [--executor local|celery] [--processes N]     (run or resume)
    shebao mailing manifest RUN_ID
    shebao mailing returns FILE --as USERNAME        (the post's scan file: ref, reason per line)
    shebao mailing resend --year 2025 --as USERNAME [--run]
    shebao mailing show RUN_ID

``run`` shows a progress bar (rich) and writes the address manifest when the job is done; a
killed run resumes where it stopped with ``shebao mailing run RUN_ID``. Exit codes: 0 done,
1 the job did not finish (failed or cut short: run it again), 2 a refused request.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

from shebao.core.channels import Channel
from shebao.core.errors import ShebaoError
from shebao.core.jobs import CeleryExecutor, Executor, LocalExecutor, job_progress
from shebao.core.management.commands.jobs import _Stream
from shebao.core.models import Account, Job
from shebao.statements.mailing.models import MailingItem, MailingRun
from shebao.statements.mailing.services import (
    Manifest,
    mailing_manifest_write,
    mailing_resend_start,
    mailing_run_execute,
    mailing_run_start,
    returned_mail_import,
    scan_rows,
)

EXIT_UNFINISHED = 1
EXIT_REFUSED = 2


class Command(BaseCommand):
    help = "权益记录单寄送 / Annual statement mailing: start, run, manifest, returns, resend, show"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        start = sub.add_parser("start", help="plan a run")
        start.add_argument("--year", type=int, required=True)
        start.add_argument("--as", dest="username", required=True, help="the staff member who issues")
        start.add_argument("--district", default=None, help="a district's code (420102)")
        start.add_argument("--id-numbers", default=None, type=Path, help="a file of ID numbers, one a line")
        start.add_argument("--chunk-size", type=int, default=None)
        start.add_argument(
            "--variant",
            choices=MailingRun.Variant.values,
            default=MailingRun.Variant.ANNUAL,
            help="pension_notice: retirees",
        )
        start.add_argument(
            "--reprint",
            action="store_true",
            help="print a list again (--id-numbers) though an earlier run of the year mailed them",
        )
        run = sub.add_parser("run", help="run or resume a run")
        run.add_argument("run_id", type=int)
        resend = sub.add_parser("resend", help="plan a run over the re-send list")
        resend.add_argument("--year", type=int, required=True)
        resend.add_argument("--as", dest="username", required=True)
        resend.add_argument("--variant", choices=MailingRun.Variant.values, default=MailingRun.Variant.ANNUAL)
        for target in (start, resend):
            target.add_argument("--run", action="store_true", help="run it at once")
        for target in (start, run, resend):
            target.add_argument("--executor", choices=["local", "celery"], default=None)
            target.add_argument("--processes", type=int, default=None)
            target.add_argument("--timeout", type=float, default=24 * 3600.0, help="Celery: seconds to wait")
        manifest = sub.add_parser("manifest", help="write the address manifest (CSV and Excel)")
        manifest.add_argument("run_id", type=int)
        returns = sub.add_parser("returns", help="record returned mail from the post's scan file")
        returns.add_argument("file", type=Path)
        returns.add_argument("--as", dest="username", required=True)
        show = sub.add_parser("show", help="a run's progress and counts")
        show.add_argument("run_id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        self.console = Console(file=cast(IO[str], _Stream(self.stdout)), highlight=False, soft_wrap=True)
        try:
            getattr(self, f"_{options['action']}")(**options)
        except ShebaoError as exc:
            raise CommandError(f"{exc.message_zh} / {exc.message_en}", returncode=EXIT_REFUSED) from exc

    def _actor(self, username: str) -> Account:
        actor = Account.objects.filter(username=username, is_active=True).select_related("office__area").first()
        if actor is None:
            raise CommandError(f"没有账号 {username} / No account {username}", returncode=EXIT_REFUSED)
        return actor

    def _run_by_id(self, run_id: int) -> MailingRun:
        run = MailingRun.objects.filter(pk=run_id).first()
        if run is None or run.job_id is None:
            raise CommandError(f"没有寄送批次 #{run_id} / No mailing run #{run_id}", returncode=EXIT_REFUSED)
        return run

    def _start(
        self,
        *,
        year: int,
        username: str,
        district: str | None,
        id_numbers: Path | None,
        chunk_size: int | None,
        variant: str,
        run: bool,
        reprint: bool = False,
        **options: Any,
    ) -> None:
        numbers = None
        if id_numbers is not None:
            numbers = id_numbers.read_text(encoding="utf-8-sig").split()
        extra = {"chunk_size": chunk_size} if chunk_size else {}
        mailing = mailing_run_start(
            actor=self._actor(username),
            year=year,
            district_code=district,
            id_numbers=numbers,
            channel=Channel.CLI,
            variant=variant,
            reprint=reprint,
            **extra,
        )
        self._created(mailing, run=run, **options)

    def _resend(self, *, year: int, username: str, variant: str, run: bool, **options: Any) -> None:
        self._created(mailing_resend_start(actor=self._actor(username), year=year, variant=variant), run=run, **options)

    def _created(self, mailing: MailingRun, *, run: bool, **options: Any) -> None:
        assert mailing.job is not None
        self.console.print(
            f"已创建寄送批次 / Created mailing run #{mailing.pk} ({mailing.year}, {mailing.scope}, "
            f"{mailing.job.total_chunks} chunks) → {mailing.directory}"
        )
        for entry in mailing.left_out_shown():
            self.console.print(
                f"未列入 / Left out: {entry['name']} {entry['id_number']}：{entry['reason_zh']} / {entry['reason_en']}",
                markup=False,
            )
        if run:
            self._run(run_id=mailing.pk, **options)

    def _executor(self, *, executor: str | None, processes: int | None, timeout: float) -> Executor:
        from django.conf import settings

        if (executor or settings.JOB_EXECUTOR) == "celery":
            return CeleryExecutor(timeout=timeout)
        return LocalExecutor(processes=processes)

    def _run(
        self,
        *,
        run_id: int,
        executor: str | None = None,
        processes: int | None = None,
        timeout: float = 24 * 3600.0,
        **options: Any,
    ) -> None:
        mailing = self._run_by_id(run_id)
        job_id = mailing.job_id
        assert job_id is not None
        start = job_progress(job_id=job_id)
        runner = self._executor(executor=executor, processes=processes, timeout=timeout)
        with Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TaskProgressColumn(),
            TextColumn("{task.fields[failed]} failed"),
            TimeElapsedColumn(),
            console=self.console,
            auto_refresh=False,
        ) as bar:
            task = bar.add_task(
                f"寄送 / mailing #{run_id}", total=start["total"] or 1, completed=start["done"], failed=0
            )

            def advance(progress: dict[str, Any]) -> None:
                bar.update(task, completed=progress["done"], failed=progress["failed"])
                bar.refresh()

            job, manifest = mailing_run_execute(run=mailing, executor=runner, on_progress=advance)
            bar.update(task, completed=job.done_chunks if job.total_chunks else 1)
            bar.refresh()
        if job.status != Job.Status.DONE:
            raise CommandError(
                f"寄送未完成（{job.status}），可再次运行以继续 / Run not finished ({job.status}): "
                f"shebao mailing run {run_id} resumes it. {job.error}",
                returncode=EXIT_UNFINISHED,
            )
        assert manifest is not None  # a finished run's manifest is written
        self._manifest_shown(manifest)

    def _manifest(self, *, run_id: int, **options: Any) -> None:
        self._manifest_shown(mailing_manifest_write(run=self._run_by_id(run_id)))

    def _manifest_shown(self, manifest: Manifest) -> None:
        self.console.print(f"邮寄清单 / Manifest: {manifest.rows} rows → {manifest.csv} , {manifest.xlsx}")

    def _returns(self, *, file: Path, username: str, **options: Any) -> None:
        recorded = returned_mail_import(actor=self._actor(username), rows=scan_rows(file.read_bytes()))
        self.console.print(f"已登记退信 / Returned mail recorded: {len(recorded)}")

    def _show(self, *, run_id: int, **options: Any) -> None:
        mailing = self._run_by_id(run_id)
        assert mailing.job_id is not None
        progress = job_progress(job_id=mailing.job_id)
        counts = {
            delivery: MailingItem.objects.filter(run=mailing, delivery=delivery).count()
            for delivery in MailingItem.Delivery.values
        }
        self.console.print(
            f"寄送批次 / Run #{mailing.pk} {mailing.year} {mailing.scope}: {progress['status']} "
            f"{progress['done']}/{progress['total']} chunks ({progress['percent']}%), "
            f"paper {counts['paper']}, electronic {counts['electronic']}, batches {mailing.batches.count()}"
        )
