"""``shebao notify deliver``: send the outbox's due messages (run it from cron or a worker)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from shebao.core.notify import notifications_deliver


class Command(BaseCommand):
    help = "发送待发通知 / Deliver due notifications"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["deliver"])
        parser.add_argument("--limit", type=int, default=500)

    def handle(self, *args: object, **options: object) -> None:
        limit = options["limit"]
        assert isinstance(limit, int)
        report = notifications_deliver(limit=limit)
        self.stdout.write(
            f"已发送 {report.sent}，待重试 {report.retried}，失败 {report.failed} / "
            f"sent {report.sent}, to retry {report.retried}, failed {report.failed}"
        )
