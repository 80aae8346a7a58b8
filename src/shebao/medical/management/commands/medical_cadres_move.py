"""``shebao medical_cadres_move [--day YYYY-MM-DD]``: the move of the military-transferred cadres
from central to district management; prints the count per district."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from shebao.medical.cadres import cadres_move_to_districts


class Command(BaseCommand):
    help = "自主择业军转干部属地化管理：逐一分户、续保，按区报告人数 / Move the cadres to district management"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--day", type=dt.date.fromisoformat, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        report = cadres_move_to_districts(actor=None, day=options["day"])
        self.stdout.write(f"{report.day} {report.rule_ref}: {report.total}")
        for district, count in report.per_district.items():
            self.stdout.write(f"  {district}\t{count}")
