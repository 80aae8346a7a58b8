"""Reading an uploaded .xlsx within limits: every upload that reads a workbook goes through here
(the staff import, the base declaration, whatever comes next), so each is capped the same way and
refused with the same message.

A workbook of a few kilobytes can make a naive reader work for minutes: one cell in row
60,000,000 makes openpyxl hand out sixty million empty rows, a compressed sheet of a few
megabytes can unpack to gigabytes, and a dimension tag can claim anything. So, before any
row is read:

- the file's own size is bounded (:func:`upload_bytes` reads no more than the limit and one byte);
- the archive's unpacked size is bounded (the zip headers' declared sizes, which the zip
  reader also enforces while it reads);
- the sheet's declared dimension (``<dimension ref="A1:E5001">``) must lie within the limits;

and while reading, the rows actually present in the sheet's XML are walked one by one (never
the gaps between them): a row past the last allowed one, a cell past the last allowed column,
or a read that runs past its time budget is refused at once. Every refusal is an
``InvalidInput`` on the ``file`` field, in Chinese and English, and nothing has been read into
the caller by then.

A template (the file the platform hands out to be filled in) is read with :func:`template_meta`
(its hidden sheet naming what it is for) and :func:`template_rows` (the header row checked, the
blank rows left out), so every upload refuses a wrong header in the same words.

The limits are the caller's (``Limits``); ``LIMITS`` is the default: 5,000 data rows under one
header row, 30 columns, a 5 MB file, 40 MB unpacked, 15 seconds.

Writing a sheet or a CSV file that people open goes through here too (formula injection, CWE-1236):
text that people typed (a name, an address, a remark) is data, never a formula. A spreadsheet reads
a cell beginning with ``=``, ``+``, ``-`` or ``@`` (or a tab, a line break) as a formula: a name
typed as ``=HYPERLINK("http://…","点此")`` becomes a live link in the clerk's Excel, one typed as
``=cmd|' /C calc'!A0`` a command. So :func:`cell_put` / :func:`row_cells` write every ``str`` as a
string cell (openpyxl's ``data_type`` "s", never "f"; quote-prefixed when it looks like a formula,
so editing the cell in Excel keeps it text) and numbers as numbers; :func:`csv_cell` /
:func:`csv_row` prefix such text with a single quote (OWASP), leaving numbers and a plain number
written as text ("-12.50") as they are. What a template hands out therefore reads back unchanged.
"""

from __future__ import annotations

import io
import itertools
import re
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook

# The read-only worksheet's own row iterator fills every missing row between two present ones
# (the whole point of the attack), so the rows present are read with the parser it uses.
# openpyxl is pinned exactly in pyproject.toml; tests/registry/test_workbooks.py covers this.
from openpyxl.worksheet._reader import WorkSheetParser
from openpyxl.worksheet.worksheet import Worksheet

from shebao.core.errors import InvalidInput

Clock = Callable[[], float]


@dataclass(frozen=True)
class Limits:
    rows: int = 5_000  # data rows, under the header rows
    columns: int = 30
    header_rows: int = 1
    file_bytes: int = 5 * 1024 * 1024
    unpacked_bytes: int = 40 * 1024 * 1024
    seconds: float = 15.0

    @property
    def last_row(self) -> int:
        return self.header_rows + self.rows

    def describe_zh(self) -> str:
        return f"每个文件最多{self.rows}行数据（不含表头）、{self.columns}列"

    def describe_en(self) -> str:
        return f"at most {self.rows} data rows (besides the header) and {self.columns} columns per file"


LIMITS = Limits()


def _refuse(zh: str, en: str) -> InvalidInput:
    return InvalidInput(zh, en, field="file")


def _unreadable(error: BaseException) -> InvalidInput:
    return _refuse(
        "无法读取文件，请上传由模板填写的 .xlsx 文件",
        f"The file cannot be read as .xlsx ({type(error).__name__})",
    )


def upload_bytes(file: IO[bytes] | bytes, *, limits: Limits = LIMITS) -> bytes:
    """The bytes of an upload, reading no more than ``limits.file_bytes`` and one byte (a larger
    file is refused by :func:`workbook_open` without being read whole)."""
    return file if isinstance(file, bytes) else file.read(limits.file_bytes + 1)


def workbook_open(data: bytes, *, limits: Limits = LIMITS) -> Workbook:
    """Open ``data`` as a read-only workbook after checking its size and its unpacked size.

    Not an .xlsx (not a zip, no workbook part …), a larger file and one too large when unpacked
    are refused; the caller closes the returned workbook."""
    if len(data) > limits.file_bytes:
        mb = limits.file_bytes // (1024 * 1024)
        raise _refuse(f"文件过大（最大{mb} MB），请分批上传", f"The file is larger than {mb} MB; split it")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise _unreadable(error) from None
    if unpacked > limits.unpacked_bytes:
        mb = limits.unpacked_bytes // (1024 * 1024)
        raise _refuse(
            f"文件解压后超过{mb} MB，请删除多余的工作表和内容，或分批上传",
            f"The file unpacks to more than {mb} MB; remove the extra sheets and content, or split it",
        )
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a file that is not xlsx (KeyError, …)
        raise _unreadable(error) from None


def _too_large(limits: Limits, where_zh: str, where_en: str) -> InvalidInput:
    return _refuse(
        f"{where_zh}，超出上限：{limits.describe_zh()}。请删除多余的行和列（包括只设了格式的空行），或分批上传",
        f"{where_en}, beyond the limit of {limits.describe_en()}. "
        "Delete the extra rows and columns (formatted empty ones too), or split the file",
    )


def _check_declared(sheet: Any, limits: Limits) -> None:
    """The dimension the sheet declares (when it declares one) must lie within the limits."""
    max_row, max_column = sheet.max_row, sheet.max_column
    if max_row is not None and max_row > limits.last_row:
        raise _too_large(limits, f"工作表声明有{max_row}行", f"The sheet declares {max_row} rows")
    if max_column is not None and max_column > limits.columns:
        letter = get_column_letter(min(max_column, 16384))
        raise _too_large(limits, f"工作表声明的范围到第{letter}列", f"The sheet declares columns up to {letter}")


def _present_rows(sheet: Any) -> Iterator[tuple[int, list[dict[str, Any]]]]:
    """(row number, cells) for each row element in the sheet's XML, in order; gaps not filled."""
    book = sheet.parent
    with sheet._get_source() as source:
        parser = WorkSheetParser(
            source,
            sheet._shared_strings,
            data_only=book.data_only,
            epoch=book.epoch,
            date_formats=book._date_formats,
            timedelta_formats=book._timedelta_formats,
        )
        yield from parser.parse()


def sheet_rows(
    sheet: Any, *, limits: Limits = LIMITS, clock: Clock | None = None
) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """The rows of a read-only ``sheet`` as (Excel row number, values), within ``limits``.

    Only rows present in the file are yielded, each as a tuple of ``limits.columns`` values
    (missing cells are ``None``); the header rows are yielded too. Raises ``InvalidInput``
    (field ``file``) for a declared dimension beyond the limits, as soon as a row past
    ``limits.last_row`` or a cell past column ``limits.columns`` appears, and when reading
    takes longer than ``limits.seconds`` by ``clock`` (``time.monotonic``, looked up at each
    read): nothing past the limits is ever iterated."""
    _check_declared(sheet, limits)
    clock = clock if clock is not None else time.monotonic
    deadline = clock() + limits.seconds
    try:
        for number, cells in _present_rows(sheet):
            if number > limits.last_row:
                raise _too_large(limits, f"第{number}行仍有内容", f"Row {number} has content")
            values: list[Any] = [None] * limits.columns
            for cell in cells:
                column = cell["column"]
                if column > limits.columns:
                    letter = get_column_letter(min(column, 16384))
                    raise _too_large(
                        limits, f"第{number}行第{letter}列仍有内容", f"Row {number} has content in column {letter}"
                    )
                values[column - 1] = cell["value"]
            if clock() > deadline:
                raise _refuse(
                    f"文件读取超过{limits.seconds:g}秒，请删除多余内容或分批上传",
                    f"Reading the file took longer than {limits.seconds:g} seconds; remove extra content or split it",
                )
            yield number, tuple(values)
    except (KeyError, ValueError, TypeError, zipfile.BadZipFile, SyntaxError) as error:
        # a malformed part of the archive: bad XML (ParseError is a SyntaxError), a bad cell
        # reference or number, a part whose content does not match its CRC
        raise _unreadable(error) from None


def template_meta(book: Workbook, *, sheet: str, limits: Limits = LIMITS) -> dict[Any, Any] | None:
    """The key-value pairs in the first rows of a template's hidden ``sheet`` (what the file is
    for: its kind, unit, year …), or None when the file has no such sheet."""
    if sheet not in book.sheetnames:
        return None
    rows = itertools.islice(sheet_rows(book[sheet], limits=limits), 5)
    return {values[0]: values[1] for _, values in rows if values[0]}


def template_rows(sheet: Any, *, headers: Sequence[str], limits: Limits = LIMITS) -> list[tuple[int, tuple[Any, ...]]]:
    """The filled rows under a template's header row, as (Excel row number, the values of the
    ``headers`` columns); blank rows left out. A first row that is not ``headers`` is refused
    (``InvalidInput`` on ``file``): the file was not made from the template."""
    rows = sheet_rows(sheet, limits=limits)
    first = next(rows, None)
    header = first[1] if first is not None and first[0] == 1 else ()
    got = [str(h).strip() if h is not None else "" for h in header][: len(headers)]
    if got != list(headers):
        raise _refuse(
            f"表头应为：{'、'.join(headers)}；请使用系统提供的模板",
            "The header row is not the template's; please use the template",
        )
    out: list[tuple[int, tuple[Any, ...]]] = []
    for number, row in rows:
        values = row[: len(headers)]
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        out.append((number, values))
    return out


# --- writing -----------------------------------------------------------------------------------

# A first character that makes Excel, LibreOffice or WPS read a cell as a formula (or a DDE
# command): OWASP's list, with the line feed and NUL (ASVS 1.2.10) besides.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")
# A plain number written as text ("-12.50", "+3", "-1,234.56"): read as that number, harmless,
# and left as it is in a CSV so that a negative amount stays a number.
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")


def formula_like(text: str) -> bool:
    """Would a spreadsheet read ``text`` as a formula? (It begins with ``FORMULA_STARTS`` and is
    not a plain number.)"""
    return text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text)


def csv_cell(value: object) -> object:
    """``value`` safe for a CSV file that a spreadsheet opens: text that looks like a formula gets
    a leading single quote (``'=HYPERLINK(…)``), shown as text; numbers, dates, ``None`` and text
    that is a plain number are unchanged."""
    if isinstance(value, str) and formula_like(value):
        return "'" + value
    return value


def csv_row(values: Iterable[object]) -> list[object]:
    """A row for ``csv.writer.writerow`` with every value through :func:`csv_cell`."""
    return [csv_cell(value) for value in values]


def _put(cell: Cell, value: object) -> Cell:
    if not isinstance(value, str):
        cell.value = value  # type: ignore[assignment]  # a number, Decimal, date or None: openpyxl checks its type
        return cell
    # characters an .xlsx cannot hold (openpyxl would raise IllegalCharacterError: a 500) are dropped
    text = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell.value = text  # openpyxl makes "=…" a formula and "#N/A" an error: set back to text below
    cell.data_type = "s"
    if formula_like(text):
        cell.quotePrefix = True  # as if typed '=…: Excel keeps it text when the cell is edited
    return cell


def cell_put(sheet: Worksheet, *, row: int, column: int, value: object) -> Cell:
    """Write ``value`` at (``row``, ``column``) of ``sheet`` as data: a ``str`` always a string
    cell (never a formula, a link or an error value), a number a number; the cell, for styling."""
    cell = sheet.cell(row=row, column=column)
    assert isinstance(cell, Cell)  # not a merged cell's hidden part: the exports write none
    return _put(cell, value)


def row_cells(sheet: Worksheet, values: Iterable[object]) -> list[Cell]:
    """``values`` as cells of ``sheet`` for ``sheet.append``, each written as :func:`cell_put`
    writes it."""
    return [_put(Cell(sheet, row=1, column=1), value) for value in values]  # append sets where
