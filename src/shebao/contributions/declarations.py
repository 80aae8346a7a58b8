"""The annual base declaration (缴费基数申报) as an Excel file: the template, filled in with
the unit's employees of the year (name, ID number masked, the wage declared so far), and its
upload.

An upload is read whole and checked row by row before anything is written: a row that names no
employee of the year, a person named twice, a wage that is missing or wrong, and an employee of
the year the file leaves out are each reported with the row, the person, the column and the
reason, in Chinese and English. Only a file without a single problem is declared, through
``services.base_declare`` (all or nothing, its own checks again). The file is read by the one
upload reader (:mod:`shebao.core.workbooks`) within ``LIMITS``: the file's size, its unpacked
size, the rows (``MAX_ROWS``), the columns and the time, so a small file that claims a cell in
row 60,000,000 is refused at once instead of holding a worker, with the same message as every
other upload.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from shebao.contributions import selectors, services
from shebao.core import workbooks
from shebao.core.errors import InvalidInput
from shebao.core.identifiers import InvalidIdNumber, id_number_validate
from shebao.core.models import Account
from shebao.registry.models import Unit

KIND = "base_declaration"
META_SHEET = "meta"
MAX_ROWS = 20_000  # data rows; a unit with more staff declares in the hall
LIMITS = workbooks.Limits(rows=MAX_ROWS)  # the reader's other limits: 30 columns, 5 MB, 40 MB unpacked, 15 s
HEADERS = ("姓名", "身份证号码", "月平均工资（元）")
COLUMN_EN = {"姓名": "Name", "身份证号码": "ID number", "月平均工资（元）": "Monthly wage"}
NOTES = (
    "缴费基数申报填写说明",
    "1. 本表已列出本单位该年度的全部职工（含年内离职人员），请逐行填写上一年度月平均工资（元），最多两位小数。",
    "2. 请勿修改姓名和身份证号码（号码已按规定隐去中间位，也可填写完整号码），请勿增删表头和工作表。",
    "3. 每名职工都须有工资；任何一行有误时整份文件都不会申报，系统会逐行列出错误，改正后重新上传。",
    "4. 缴费基数按申报工资在当年缴费基数上下限之间核定。",
)


@dataclass(frozen=True)
class RowProblem:
    row: int | None  # the Excel row (1 is the header); None: an employee the file left out
    person: str
    column: str  # the column's header, "" for the whole row
    message_zh: str
    message_en: str


@dataclass
class DeclarationReport:
    year: int
    rows: int = 0
    declared: int = 0  # 0 whenever any row had a problem
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def base_template_xlsx(*, actor: Account, unit: Unit, year: int) -> bytes:
    """The template for ``year``: one row per employee of the year, a sheet of instructions, and
    a hidden sheet naming the kind, the unit and the year (so a file is not declared for another)."""
    rows = selectors.declaration_rows(actor=actor, unit=unit, year=year)
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.title = f"{year}年缴费基数申报"
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    for i, (header, width) in enumerate(zip(HEADERS, (14, 24, 18), strict=True), start=1):
        cell = sheet.cell(row=1, column=i, value=header)
        cell.font, cell.fill = bold, fill
        sheet.column_dimensions[cell.column_letter].width = width
    for number, row in enumerate(rows, start=2):
        # the name as text, never a formula (core.workbooks): it reads back as registered
        workbooks.cell_put(sheet, row=number, column=1, value=row.person.name)
        workbooks.cell_put(sheet, row=number, column=2, value=row.masked_id).number_format = "@"
        if row.declared is not None:
            workbooks.cell_put(sheet, row=number, column=3, value=str(row.declared)).number_format = "@"
    sheet.freeze_panes = "A2"
    notes = book.create_sheet("填写说明")
    for number, line in enumerate(NOTES, start=1):
        notes.cell(row=number, column=1, value=line).font = bold if number == 1 else Font()
    notes.column_dimensions["A"].width = 100
    meta = book.create_sheet(META_SHEET)
    for number, (key, value) in enumerate((("kind", KIND), ("unit", unit.credit_code), ("year", year)), start=1):
        meta.cell(row=number, column=1, value=key)
        meta.cell(row=number, column=2, value=value)
    meta.sheet_state = "hidden"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _refuse(zh: str, en: str) -> InvalidInput:
    return InvalidInput(zh, en, field="file")


def read_rows(file: IO[bytes] | bytes, *, unit: Unit, year: int) -> list[tuple[int, tuple[Any, ...]]]:
    """The filled rows of an uploaded template as (Excel row number, (name, ID, wage)): blank
    rows left out, within ``LIMITS`` (nothing past them is read: ``shebao.core.workbooks``)."""
    book = workbooks.workbook_open(workbooks.upload_bytes(file, limits=LIMITS), limits=LIMITS)
    try:
        meta = workbooks.template_meta(book, sheet=META_SHEET, limits=LIMITS)
        if meta is not None:
            if meta.get("kind") != KIND:
                raise _refuse("这不是缴费基数申报模板", "This is not the base declaration template")
            if str(meta.get("unit")) != unit.credit_code or str(meta.get("year")) != str(year):
                raise _refuse(
                    f"这份模板属于{meta.get('year')}年或其他单位，请下载{year}年的模板",
                    f"This template is for another year ({meta.get('year')}) or unit: download the {year} one",
                )
        return workbooks.template_rows(book.worksheets[0], headers=HEADERS, limits=LIMITS)
    finally:
        book.close()


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def base_declare_upload(*, actor: Account, unit: Unit, year: int, file: IO[bytes] | bytes) -> DeclarationReport:
    """Declare ``year``'s bases from an uploaded template: every problem reported by row, or,
    when there is none, every employee declared in one command (``services.base_declare``)."""
    staff = selectors.declaration_rows(actor=actor, unit=unit, year=year)  # NotFound outside the unit
    rows = read_rows(file, unit=unit, year=year)
    return base_declare_rows(actor=actor, unit=unit, year=year, rows=rows, staff=staff)


def base_declare_rows(
    *,
    actor: Account,
    unit: Unit,
    year: int,
    rows: list[tuple[int, tuple[Any, ...]]],
    staff: list[selectors.DeclarationRow] | None = None,
) -> DeclarationReport:
    """The declaration of rows already read as (row number, (name, ID number, wage)) — from
    the template (:func:`base_declare_upload`) or from the batch API's JSON (positions from 1)
    — with the same checks, the same per-row problems and the same all-or-nothing command."""
    if staff is None:
        staff = selectors.declaration_rows(actor=actor, unit=unit, year=year)  # NotFound outside the unit
    report = DeclarationReport(year=year, rows=len(rows))
    by_number = {row.person.id_number: row for row in staff}
    by_mask: dict[tuple[str, str], list[selectors.DeclarationRow]] = {}
    for row in staff:
        by_mask.setdefault((row.masked_id, row.person.name), []).append(row)
    seen: dict[int, int] = {}
    wages: dict[int, Any] = {}

    def bad(number: int | None, person: str, column: str, zh: str, en: str) -> None:
        report.problems.append(RowProblem(number, person, column, zh, f"{COLUMN_EN.get(column, column)}: {en}"))

    for number, values in rows:
        name, raw_id, raw_wage = (*values, None, None, None)[:3]
        name, id_text = _text(name), _text(raw_id)
        match: selectors.DeclarationRow | None = None
        if isinstance(raw_id, int | float):
            bad(number, name, HEADERS[1], "身份证号码被保存为数字，请设为文本格式", "stored as a number; use text")
            continue
        if not id_text:
            bad(number, name, HEADERS[1], "必填", "required")
            continue
        if "*" in id_text:
            candidates = by_mask.get((id_text, name), [])
            match = candidates[0] if len(candidates) == 1 else None
        else:
            try:
                match = by_number.get(id_number_validate(id_text).number)
            except InvalidIdNumber as error:
                bad(number, name, HEADERS[1], error.message_zh, error.message_en)
                continue
        if match is None:
            bad(
                number,
                name,
                HEADERS[1],
                f"不是本单位{year}年度的职工（或姓名与号码不符）",
                f"not an employee of this unit in {year} (or the name does not match)",
            )
            continue
        if match.person.name != name:
            bad(number, name, HEADERS[0], "姓名与登记不符", "the name does not match the registry")
            continue
        if match.person.pk in seen:
            bad(
                number,
                name,
                HEADERS[1],
                f"与第{seen[match.person.pk]}行重复",
                f"the same person as row {seen[match.person.pk]}",
            )
            continue
        seen[match.person.pk] = number
        if isinstance(raw_wage, float):
            raw_wage = Decimal(str(raw_wage))  # Excel stores typed numbers as floats: 6000.5 → "6000.5"
        _, why = services.wage_check(raw_wage)
        if why is not None:
            bad(number, match.person.name, HEADERS[2], *why)
            continue
        wages[match.person.pk] = raw_wage
    for row in staff:
        if row.person.pk not in seen:
            bad(
                None,
                f"{row.person.name}（{row.masked_id}）",
                "",
                "文件中缺少该职工",
                "this employee is missing from the file",
            )
    if report.problems:
        return report
    if not wages:
        raise _refuse("文件中没有任何工资", "The file holds no wage")
    services.base_declare(actor=actor, unit=unit, year=year, wages=wages)
    report.declared = len(wages)
    return report
