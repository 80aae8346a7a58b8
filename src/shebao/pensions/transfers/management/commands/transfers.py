"""``shebao transfers tick``: the national platform job — catch transfers up with their cases,
send the outbox, and (with the simulated platform) let the counterpart agency answer what is
due by the working-day calendar. ``shebao transfers letter ID_NUMBER AGENCY``: the simulated
counterpart sends its acceptance letter for a person insured here (a transfer out, for the demo).
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from shebao.core.errors import ShebaoError
from shebao.pensions.transfers import platform
from shebao.pensions.transfers.services import platform_letter_simulate, platform_tick


class Command(BaseCommand):
    help = "养老保险关系转移平台作业 / The pension transfer platform job"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["tick", "letter"])
        parser.add_argument("args", nargs="*", help="letter: ID_NUMBER AGENCY_CODE")
        parser.add_argument("--date", help="tick: the day the counterpart answers as of (YYYY-MM-DD)")

    def handle(self, *args: str, **options: object) -> None:
        try:
            if options["action"] == "tick":
                day = dt.date.fromisoformat(str(options["date"])) if options.get("date") else None
                report = platform_tick(today=day)
                self.stdout.write(
                    f"补办 {report['reconciled']} 件，发出报文 {report.get('sent', 0)} 条（失败 {report.get('failed', 0)}），"
                    f"对方答复 {report.get('answered', 0)} 条 / {report}"
                )
                return
            if len(args) != 2 or args[1] not in platform.AGENCIES:
                raise CommandError(f"letter ID_NUMBER AGENCY_CODE (one of {', '.join(platform.AGENCIES)})")
            today = timezone.localdate()
            receipt = platform_letter_simulate(
                id_number=args[0], from_agency=args[1], applied_on=today, letter_date=today
            )
        except ShebaoError as error:
            raise CommandError(f"{error.message_zh} / {error.message_en}") from None
        except ValueError as error:
            raise CommandError(str(error)) from None
        if not receipt.accepted:
            raise CommandError(receipt.reason)
        self.stdout.write(f"联系函已接收 / letter accepted: {receipt.message.transfer_ref if receipt.message else ''}")
