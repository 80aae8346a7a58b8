"""``shebao cases sla-scan``: warn handlers of cases due within a working day and escalate
overdue ones (run it from cron every morning and at noon)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from shebao.cases.services import cases_sla_scan


class Command(BaseCommand):
    help = "办件时限扫描 / Case deadline scan"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["sla-scan"])

    def handle(self, *args: object, **options: object) -> None:
        result = cases_sla_scan()
        self.stdout.write(
            f"临期提醒 {result['warned']} 件，超期升级 {result['escalated']} 件 / warned {result['warned']}, escalated {result['escalated']}"
        )
