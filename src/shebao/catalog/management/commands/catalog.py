"""``shebao catalog sync [--reset]`` · ``shebao catalog poster CODE FILE`` · ``shebao catalog booklet FILE``."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shebao.catalog import posters
from shebao.catalog.models import ServiceItem
from shebao.catalog.selectors import item_get
from shebao.catalog.services import catalog_sync
from shebao.core.errors import ShebaoError


class Command(BaseCommand):
    help = "服务事项目录 / The service catalogue"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sync = sub.add_parser("sync", help="载入各模块声明的服务事项 / load the declared items")
        sync.add_argument("--reset", action="store_true", help="按定义重建环节与材料 / rebuild steps and materials")
        poster = sub.add_parser("poster", help="A3 流程图 / an item's A3 poster")
        poster.add_argument("code")
        poster.add_argument("file")
        booklet = sub.add_parser("booklet", help="服务指南 / the guide booklet")
        booklet.add_argument("file")

    def handle(self, *args: object, **options: object) -> None:
        action = options["action"]
        try:
            if action == "sync":
                report = catalog_sync(reset=bool(options["reset"]))
                self.stdout.write(
                    f"服务事项 {report.total} 个：新增 {report.created}，更新 {report.updated} / items {report.total}: created {report.created}, updated {report.updated}"
                )
            elif action == "poster":
                pdf = posters.item_poster_pdf(item_get(code=str(options["code"]), with_structure=True))
                Path(str(options["file"])).write_bytes(pdf)
                self.stdout.write(f"{options['file']} ({len(pdf):,} bytes)")
            else:
                items = (
                    ServiceItem.objects.filter(is_active=True)
                    .prefetch_related("phases__steps", "materials")
                    .order_by("code")
                )
                pdf = posters.guide_booklet_pdf(items)
                Path(str(options["file"])).write_bytes(pdf)
                self.stdout.write(f"{options['file']} ({len(pdf):,} bytes)")
        except ShebaoError as exc:
            raise CommandError(f"{exc.message_zh} / {exc.message_en}") from exc
