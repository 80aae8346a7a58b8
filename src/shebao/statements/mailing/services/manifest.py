"""The address manifest of a run (CSV and XLSX) and the audit of its download."""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Max, Q
from django.db.models.functions import Length
from django.utils import timezone

from shebao.core import audit
from shebao.core.channels import Channel
from shebao.core.models import Account
from shebao.core.workbooks import csv_row
from shebao.statements.mailing.models import MailingItem, MailingRun

MANIFEST_COLUMNS = ("序号", "邮政编码", "投递道段", "姓名", "邮寄地址", "记录单编号", "批次文件", "页码")
XLSX_SHEET_ROWS = 1_000_000  # Excel holds 1,048,576 rows a sheet: a larger manifest takes more sheets


@dataclass(frozen=True)
class Manifest:
    csv: Path
    xlsx: Path
    rows: int
    needs_address: Path | None = None
    unaddressed: int = 0


NEEDS_ADDRESS_COLUMNS = ("序号", "姓名", "邮政编码", "投递道段", "邮寄地址", "记录单编号")
# a paper letter without a postcode or an address cannot go to the post: it waits for an address
# (a delivery route only sorts the post: a letter with a postcode and an address goes without one)
NO_ADDRESS = Q(postcode="") | Q(address="")


def _manifest_rows(run: MailingRun) -> Iterable[tuple[Any, ...]]:
    rows = (
        MailingItem.objects.filter(run=run, delivery=MailingItem.Delivery.PAPER)
        .exclude(NO_ADDRESS)
        .order_by("postcode", "route", "person_id")
        .values_list("postcode", "route", "name", "address", "document_ref", "batch__file", "page")
    )
    for n, row in enumerate(rows.iterator(chunk_size=5000), start=1):
        yield (n, *row)


def _display_width(text: str) -> int:
    """Columns ``text`` takes in Excel: a CJK character two, anything else one."""
    return sum(2 if ord(character) > 0x2E7F else 1 for character in text)


def _column_widths(run: MailingRun) -> list[float]:
    """Each manifest column as wide as its header or its longest value (an address is not cut
    at Excel's default 8.43 or a fixed 13), read in one aggregate query before the rows stream."""
    longest = (
        MailingItem.objects.filter(run=run, delivery=MailingItem.Delivery.PAPER)
        .exclude(NO_ADDRESS)
        .aggregate(
            postcode=Max(Length("postcode")),
            route=Max(Length("route")),
            name=Max(Length("name")),
            address=Max(Length("address")),
            ref=Max(Length("document_ref")),
            file=Max(Length("batch__file")),
        )
    )
    # the values' widths: names and addresses are Chinese (two columns a character), the rest ASCII
    values = [
        7,  # 序号: up to a million
        longest["postcode"] or 0,
        longest["route"] or 0,
        2 * (longest["name"] or 0),
        2 * (longest["address"] or 0),
        longest["ref"] or 0,
        longest["file"] or 0,
        5,  # 页码
    ]
    return [
        min(max(_display_width(head), value) + 2, 100) for head, value in zip(MANIFEST_COLUMNS, values, strict=True)
    ]


def _manifest_sheet(workbook: Any, number: int, widths: list[float]) -> Any:
    """A manifest sheet: each column its width, the header written and frozen."""
    sheet = workbook.add_worksheet(f"邮寄清单{number}")
    for index, width in enumerate(widths):
        sheet.set_column(index, index, width)
    sheet.freeze_panes(1, 0)
    sheet.write_row(0, 0, MANIFEST_COLUMNS)
    return sheet


def _manifest_stream(run: MailingRun, writer: Any, workbook: Any, widths: list[float]) -> int:
    """The run's manifest rows to the CSV ``writer`` and the Excel ``workbook`` as they stream
    from the database (a city's manifest is a million rows), a sheet per million; the count."""
    # the postcode as text (Excel would read 430010 as a number, and drop a leading 0)
    as_text = workbook.add_format({"num_format": "@"})
    last = len(MANIFEST_COLUMNS) - 1
    writer.writerow(MANIFEST_COLUMNS)
    sheet: Any = None
    line = count = 0
    for row in _manifest_rows(run):
        # a name or an address typed as a formula is opened by Excel as text ('=…), not run
        writer.writerow(csv_row(row))
        if count % XLSX_SHEET_ROWS == 0:
            if sheet is not None:
                sheet.autofilter(0, 0, line, last)
            sheet = _manifest_sheet(workbook, count // XLSX_SHEET_ROWS + 1, widths)
            line = 0
        line += 1
        number, postcode, route, name, address, ref, batch_file, page = row
        sheet.write_number(line, 0, number)
        sheet.write_string(line, 1, postcode, as_text)
        sheet.write_string(line, 2, route)
        sheet.write_string(line, 3, name)
        sheet.write_string(line, 4, address)
        sheet.write_string(line, 5, ref)
        sheet.write(line, 6, batch_file)
        sheet.write(line, 7, page)
        count += 1
    if sheet is None:
        sheet = _manifest_sheet(workbook, 1, widths)
    sheet.autofilter(0, 0, line, last)
    return count


def mailing_manifest_write(*, run: MailingRun) -> Manifest:
    """邮寄清单: the paper items sorted by postcode, delivery route and person, as CSV (UTF-8
    with a byte-order mark, so Excel opens the Chinese right) and Excel (one sheet per million
    rows), beside the batches. Written again from the rows whenever asked: the rows are the truth.

    The Excel file is written by XlsxWriter in its constant-memory mode (a row at a time to a
    temporary file, whatever the run's size): about 2.5 times the speed of openpyxl's write-only
    workbook, which took 15 of a 100,000-person run's 184 seconds (bench/README.md)."""
    import xlsxwriter

    directory = Path(run.directory)
    directory.mkdir(parents=True, exist_ok=True)
    csv_path = directory / f"manifest-{run.year}-{run.pk}.csv"
    xlsx_path = directory / f"manifest-{run.year}-{run.pk}.xlsx"
    csv_temporary = csv_path.with_name(f".{csv_path.name}.{os.getpid()}.tmp")
    xlsx_temporary = xlsx_path.with_name(f".{xlsx_path.name}.{os.getpid()}.tmp")
    widths = _column_widths(run)
    count = 0
    try:
        options = {
            "constant_memory": True,
            # a name or an address is text as written: never a formula, a link or a number
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        }
        # XlsxWriter keeps its parts in a scratch folder beside the manifest until the file is whole
        with (
            tempfile.TemporaryDirectory(dir=directory, prefix=".manifest-") as scratch,
            csv_temporary.open("w", encoding="utf-8-sig", newline="") as handle,
            xlsxwriter.Workbook(str(xlsx_temporary), {**options, "tmpdir": scratch}) as workbook,
        ):
            count = _manifest_stream(run, csv.writer(handle), workbook, widths)
        os.replace(csv_temporary, csv_path)
        os.replace(xlsx_temporary, xlsx_path)
    finally:
        csv_temporary.unlink(missing_ok=True)
        xlsx_temporary.unlink(missing_ok=True)
    needs_path, unaddressed = _needs_address_write(run, directory)
    MailingRun.objects.filter(pk=run.pk).update(manifest_at=timezone.now())
    return Manifest(csv=csv_path, xlsx=xlsx_path, rows=count, needs_address=needs_path, unaddressed=unaddressed)


def mailing_unaddressed_count(*, run: MailingRun) -> int:
    """The run's paper letters kept from the post for want of a postcode or an address."""
    return MailingItem.objects.filter(run=run, delivery=MailingItem.Delivery.PAPER).filter(NO_ADDRESS).count()


def _needs_address_write(run: MailingRun, directory: Path) -> tuple[Path, int]:
    """待补地址清单: the paper letters with no postcode or no address, beside the manifest
    (CSV, UTF-8 with a byte-order mark), for the office to find an address before they are posted."""
    path = directory / f"needs-address-{run.year}-{run.pk}.csv"
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    rows = (
        MailingItem.objects.filter(run=run, delivery=MailingItem.Delivery.PAPER)
        .filter(NO_ADDRESS)
        .order_by("person_id")
        .values_list("name", "postcode", "route", "address", "document_ref")
    )
    count = 0
    with temporary.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(NEEDS_ADDRESS_COLUMNS)
        for count, row in enumerate(rows.iterator(chunk_size=5000), start=1):
            writer.writerow(csv_row((count, *row)))
    os.replace(temporary, path)
    return path, count


def mailing_manifest_downloaded(*, actor: Account, run: MailingRun, kind: str) -> None:
    """The manifest names and addresses everyone in the run: who took a copy is recorded."""
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="mailing.manifest_download",
            subject_type="statement_mailing.MailingRun",
            subject_id=run.pk,
            after={"kind": kind, "year": run.year},
            channel=Channel.HALL,
        )
