"""``shebao jobs``: list, show, create and run bulk jobs from the command line.

    shebao jobs kinds
    shebao jobs list [--limit 20]
    shebao jobs show <id>
    shebao jobs create <kind> [--param key=value ...] [--chunk-size N] [--run]
    shebao jobs run <id> [--executor local|celery] [--processes N] [--queue Q] [--timeout S]

Exit codes: 0 done, 1 the job ended failed, 2 a refused request (unknown kind or job, bad
parameter, timeout) with its message in Chinese and English.
"""

from __future__ import annotations

import json
import math
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper
from django.utils import timezone
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from shebao.core.errors import ShebaoError
from shebao.core.jobs import (
    CeleryExecutor,
    Executor,
    LocalExecutor,
    job_chunk_list,
    job_create,
    job_get,
    job_kinds,
    job_list,
    job_progress,
    job_run,
)
from shebao.core.models import Job

EXIT_FAILED = 1
EXIT_REFUSED = 2


class _Stream:
    """Lets rich write through the command's stdout without Django adding line endings."""

    def __init__(self, out: OutputWrapper) -> None:
        self._out = out

    def write(self, text: str) -> int:
        self._out.write(text, ending="")
        return len(text)

    def flush(self) -> None:
        self._out.flush()

    def isatty(self) -> bool:
        return self._out.isatty()


def _param(text: str) -> tuple[str, Any]:
    """``key=value``; the value is read as JSON when it is JSON (numbers, true, lists), else text."""
    key, sep, raw = text.partition("=")
    if not sep or not key.strip():
        raise CommandError(f"参数应写成 key=value / --param must be key=value, got {text!r}", returncode=EXIT_REFUSED)
    try:
        value = json.loads(raw)
    except ValueError:
        value = raw
    if isinstance(value, float) and not math.isfinite(value):
        value = raw  # "82358e1276" overflows to Infinity, which is not JSON: keep the text
    return key.strip(), value


def _local(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S") if moment else "-"


class Command(BaseCommand):
    help = "批量任务 / Bulk jobs: kinds, list, show, create, run"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("kinds", help="registered job kinds")
        listing = sub.add_parser("list", help="latest jobs")
        listing.add_argument("--limit", type=int, default=20)
        show = sub.add_parser("show", help="one job and its chunks")
        show.add_argument("job_id", type=int)
        create = sub.add_parser("create", help="plan a job")
        create.add_argument("kind")
        create.add_argument("--param", action="append", default=[], metavar="KEY=VALUE")
        create.add_argument("--chunk-size", type=int, default=None)
        create.add_argument("--run", action="store_true", help="run it at once")
        run = sub.add_parser("run", help="run (or resume) a job with a progress bar")
        run.add_argument("job_id", type=int)
        for target in (create, run):
            target.add_argument("--executor", choices=["local", "celery"], default=None)
            target.add_argument("--processes", type=int, default=None, help="local worker processes")
            target.add_argument("--queue", default=None, help="Celery queue")
            target.add_argument("--timeout", type=float, default=3600.0, help="Celery: seconds to wait")

    def handle(self, *args: Any, **options: Any) -> None:
        # _Stream has the two methods rich calls (write, flush), not the whole of IO[str]
        self.console = Console(file=cast(IO[str], _Stream(self.stdout)), highlight=False, soft_wrap=True)
        try:
            getattr(self, f"_{options['action']}")(**options)
        except ShebaoError as exc:
            raise CommandError(f"{exc.message_zh} / {exc.message_en}", returncode=EXIT_REFUSED) from exc

    def _kinds(self, **options: Any) -> None:
        for kind in job_kinds.all():
            self.console.print(f"{kind.name}\t{kind.title}\t(chunk {kind.chunk_size})")

    def _list(self, *, limit: int, **options: Any) -> None:
        table = Table("#", "kind", "status", "chunks", "created (Asia/Shanghai)")
        for job in job_list(limit=limit):
            table.add_row(
                str(job.pk), job.kind, job.status, f"{job.done_chunks}/{job.total_chunks}", _local(job.created_at)
            )
        self.console.print(table)

    def _show(self, *, job_id: int, **options: Any) -> None:
        job = job_get(job_id=job_id)
        progress = job_progress(job_id=job_id)
        self.console.print(f"任务 / Job #{job.pk}  {job.kind}  {job.status}")
        self.console.print(f"params: {json.dumps(job.params, ensure_ascii=False)}")
        self.console.print(
            f"chunks: {progress['done']}/{progress['total']} done, {progress['failed']} failed ({progress['percent']}%)"
        )
        self.console.print(
            f"created {_local(job.created_at)}  started {_local(job.started_at)}  finished {_local(job.finished_at)}"
        )
        if job.error:
            self.console.print(f"error: {job.error}")
        table = Table("index", "ids", "status", "attempts", "result / error")
        for chunk in job_chunk_list(job_id=job_id):
            last_error = chunk.error.strip().splitlines()[-1] if chunk.error.strip() else ""
            detail = json.dumps(chunk.result, ensure_ascii=False) if chunk.result is not None else last_error
            table.add_row(str(chunk.index), f"{chunk.lo}-{chunk.hi}", chunk.status, str(chunk.attempts), detail)
        self.console.print(table)

    def _create(self, *, kind: str, param: list[str], chunk_size: int | None, run: bool, **options: Any) -> None:
        params = dict(_param(text) for text in param)
        job = job_create(kind=kind, params=params, chunk_size=chunk_size)
        self.console.print(f"已创建任务 / Created job #{job.pk} ({job.kind}, {job.total_chunks} chunks)")
        if run:
            self._run(job_id=job.pk, **options)

    def _executor(self, *, executor: str | None, processes: int | None, queue: str | None, timeout: float) -> Executor:
        from django.conf import settings

        if (executor or settings.JOB_EXECUTOR) == "celery":
            return CeleryExecutor(queue=queue, timeout=timeout)
        return LocalExecutor(processes=processes)

    def _run(
        self,
        *,
        job_id: int,
        executor: str | None = None,
        processes: int | None = None,
        queue: str | None = None,
        timeout: float = 3600.0,
        **options: Any,
    ) -> None:
        start = job_progress(job_id=job_id)
        runner = self._executor(executor=executor, processes=processes, queue=queue, timeout=timeout)
        # No refresh thread: the bar is redrawn when a chunk finishes, and local workers are
        # forked from a process without extra threads.
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
                f"{start['kind']} #{job_id}", total=start["total"] or 1, completed=start["done"], failed=0
            )

            def advance(progress: dict[str, Any]) -> None:
                bar.update(task, completed=progress["done"], failed=progress["failed"])
                bar.refresh()

            job = job_run(job_id=job_id, executor=runner, on_progress=advance)
            bar.update(task, completed=job.done_chunks if job.total_chunks else 1)
            bar.refresh()
        final = job_progress(job_id=job_id)
        self.console.print(
            f"任务 / Job #{job_id}: {final['status']} — {final['done']}/{final['total']} chunks done, "
            f"{final['failed']} failed"
        )
        if job.status == Job.Status.FAILED:
            raise CommandError(f"任务失败 / Job failed: {job.error}", returncode=EXIT_FAILED)
        if job.status != Job.Status.DONE:
            raise CommandError(
                f"任务未完成，可再次运行以继续 / Job not finished ({job.status}): run it again to resume",
                returncode=EXIT_FAILED,
            )
