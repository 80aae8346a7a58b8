"""``shebao audit verify``: walk the audit chain against its signed checkpoints; exit 1 naming
the first broken event (and checkpoint). ``shebao audit checkpoint``: sign the chain's head now.
``shebao audit tail [-n N]``: the latest events, with their actions' labels."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from shebao.core import audit
from shebao.core.models import AuditEvent


class Command(BaseCommand):
    help = "审计链校验、检查点与查看 / Verify, anchor and view the audit chain"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="校验审计链及其检查点 / verify the hash chain against its checkpoints")
        sub.add_parser("checkpoint", help="签署链头检查点 / sign a checkpoint of the chain's head")
        tail = sub.add_parser("tail", help="最近的审计事件 / latest events")
        tail.add_argument("-n", type=int, default=20)

    def handle(self, *args: object, **options: object) -> None:
        if options["action"] == "verify":
            self._verify()
        elif options["action"] == "checkpoint":
            self._checkpoint()
        else:
            n = options["n"]
            assert isinstance(n, int)
            self._tail(n)

    def _verify(self) -> None:
        result = audit.verify()
        if not result.ok:
            raise CommandError(
                f"{result.reason_zh} / {result.reason_en} (已校验 {result.checked} 条 / {result.checked} verified)"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"审计链完整：{result.checked} 条事件，{result.checkpoints} 个检查点 / "
                f"Audit chain intact: {result.checked} events, {result.checkpoints} checkpoints"
            )
        )
        if result.unexported:
            self.stdout.write(
                self.style.WARNING(
                    f"{result.unexported} 个检查点尚未写入检查点文件 / "
                    f"{result.unexported} checkpoints are not in the checkpoint file yet"
                )
            )

    def _checkpoint(self) -> None:
        try:
            checkpoint, created = audit.checkpoint_write()
        except audit.AuditChainBroken as error:
            raise CommandError(f"不签署检查点 / No checkpoint signed: {error}") from error
        if checkpoint is None:
            self.stdout.write("审计链为空，无需检查点 / The audit chain is empty: nothing to sign")
        elif created:
            self.stdout.write(
                self.style.SUCCESS(
                    f"检查点 #{checkpoint.pk}：第 {checkpoint.seq} 号事件 {checkpoint.event_hash[:16]}… / "
                    f"Checkpoint #{checkpoint.pk}: event #{checkpoint.seq}"
                )
            )
        else:
            self.stdout.write(
                f"链头未变，检查点 #{checkpoint.pk} 仍有效 / The head has not moved since checkpoint #{checkpoint.pk}"
            )

    def _tail(self, n: int) -> None:
        for event in reversed(list(AuditEvent.objects.order_by("-id")[:n])):
            at = timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M:%S")
            label = audit.audit_actions.label(event.action)
            self.stdout.write(
                f"#{event.pk} {at} {event.actor_label} [{event.role}@{event.office}] {label} ({event.action}) "
                f"{event.subject_type}:{event.subject_id}"
            )
