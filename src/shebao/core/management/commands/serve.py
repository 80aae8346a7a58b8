"""shebao serve [ADDR:PORT]: the web server with the periodic work run in process (the embedded
deployment of ``make demo``: SQLite, no broker, no ``celery beat``)."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from shebao.core.schedule import InProcessBeat


class Command(BaseCommand):
    help = (
        "Web 服务与进程内定时任务（嵌入式部署）/ The web server with the periodic work in process "
        "(deadline warnings and escalations, notifications, arrears): the embedded deployment, without Celery beat."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--no-beat", action="store_true", help="serve without the periodic work")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_beat"]:
            beat = InProcessBeat()
            for entry in beat.entries:
                self.stdout.write(f"定时任务 / periodic: {entry.name} every {entry.every:g} s ({entry.task})")
            beat.start()
        call_command("runserver", options["addrport"], use_reloader=False)
