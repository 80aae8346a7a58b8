"""``shebao medical_cadres_move [--day YYYY-MM-DD] [--chunk-size N] [--resume JOB]``: the move of
the military-transferred cadres from central to district management, as a job (chunked; a run
killed halfway is resumed with ``--resume``, reassigning nobody twice); prints the count per
district."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shebao.core.errors import ShebaoError
from shebao.medical.cadres import cadres_move_run, cadres_move_start


class Command(BaseCommand):
    help = "自主择业军转干部属地化管理：逐一分户、续保，按区报告人数 / Move the cadres to district management"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--day", type=dt.date.fromisoformat, default=None)
        parser.add_argument("--chunk-size", type=int, default=None)
        parser.add_argument("--resume", type=int, default=None, metavar="JOB", help="resume this move job")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            job_id = options["resume"]
            if job_id is None:
                job_id = cadres_move_start(actor=None, day=options["day"], chunk_size=options["chunk_size"]).pk
            report = cadres_move_run(actor=None, job_id=job_id)
        except ShebaoError as refusal:
            raise CommandError(str(refusal)) from refusal
        self.stdout.write(
            f"job {report.job_id} {report.status} {report.done}/{report.chunks} "
            f"{report.day} {report.rule_ref}: {report.total}"
        )
        for district, count in report.per_district.items():
            self.stdout.write(f"  {district}\t{count}")
