"""``shebao audit verify``: walk the audit chain; exit 1 naming the first broken event.
``shebao audit tail [-n N]``: the latest events."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from shebao.core import audit
from shebao.core.models import AuditEvent


class Command(BaseCommand):
    help = "审计链校验与查看 / Verify and view the audit chain"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="校验审计链 / verify the hash chain")
        tail = sub.add_parser("tail", help="最近的审计事件 / latest events")
        tail.add_argument("-n", type=int, default=20)

    def handle(self, *args: object, **options: object) -> None:
        if options["action"] == "verify":
            result = audit.verify()
            if not result.ok:
                raise CommandError(
                    f"{result.reason_zh} / {result.reason_en} (已校验 {result.checked} 条 / {result.checked} verified)"
                )
            self.stdout.write(
                self.style.SUCCESS(f"审计链完整：{result.checked} 条事件 / Audit chain intact: {result.checked} events")
            )
            return
        n = options["n"]
        assert isinstance(n, int)
        for event in reversed(list(AuditEvent.objects.order_by("-id")[:n])):
            at = timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M:%S")
            self.stdout.write(
                f"#{event.pk} {at} {event.actor_label} [{event.role}@{event.office}] {event.action} {event.subject_type}:{event.subject_id}"
            )
