"""Uploaded workbooks are read within limits: a tiny file with a cell in a far row or column, a
dimension that claims too much, a file that unpacks too large or takes too long is refused with
a clear message, and nothing past the limits is ever iterated (no timing in these tests)."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import pytest
import time_machine
from openpyxl import load_workbook

from shebao.core.errors import InvalidInput
from shebao.registry import services, workbooks
from shebao.registry.imports import staff_import, staff_import_template
from shebao.registry.models import Employment, Person
from tests.factories import new_id_number
from tests.web.support import make_unit


def template_with(cells: dict[tuple[int, int], object], kind: str = "add") -> bytes:
    """The add template with the given cells filled (openpyxl writes the dimension tag)."""
    book = load_workbook(io.BytesIO(staff_import_template(kind=kind)))
    for (row, column), value in cells.items():
        book.worksheets[0].cell(row=row, column=column, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rewrite_sheet(data: bytes, change) -> bytes:
    """The same archive with the first sheet's XML passed through ``change``."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = change(content.decode()).encode()
            target.writestr(info, content)
    return out.getvalue()


def row_60_million(data: bytes) -> bytes:
    """Move the sheet's last row to row 60,000,000 and drop the dimension tag, as a hand-made
    file may: openpyxl itself cannot write past row 1,048,576."""

    def change(xml: str) -> str:
        xml = re.sub(r"<dimension [^>]*/>", "", xml)
        return xml.replace('r="1048576"', 'r="60000000"').replace('A1048576"', 'A60000000"')

    return rewrite_sheet(data, change)


def good_row() -> tuple:
    return (new_id_number(), "周敏", "13800138000", "2026-02-01", 6000)


def with_rows(rows: list[tuple]) -> dict[tuple[int, int], object]:
    return {(r, c): v for r, values in enumerate(rows, start=2) for c, v in enumerate(values, start=1)}


def consume(data: bytes, limits: workbooks.Limits = workbooks.LIMITS, **kw) -> list[int]:
    """The row numbers ``sheet_rows`` yields before it finishes or refuses; the refusal is
    re-raised with the numbers attached."""
    seen: list[int] = []
    book = workbooks.workbook_open(data, limits=limits)
    try:
        for number, _values in workbooks.sheet_rows(book.worksheets[0], limits=limits, **kw):
            seen.append(number)
    except InvalidInput as error:
        error.seen = seen  # type: ignore[attr-defined]
        raise
    finally:
        book.close()
    return seen


# --- the reader ---------------------------------------------------------------------------------


def test_a_declared_dimension_beyond_the_limit_is_refused_before_any_row_is_read():
    # given the template with one cell in the last row Excel has (the dimension says so)
    data = template_with({(1_048_576, 1): "x"})
    # when it is read, then it is refused at once, naming the limit, and no row was yielded
    with pytest.raises(InvalidInput) as error:
        consume(data)
    assert error.value.field == "file" and "1048576" in error.value.message_zh and "5000" in error.value.message_zh
    assert error.value.seen == []  # type: ignore[attr-defined]


def test_a_row_at_60_million_without_a_dimension_is_refused_without_iterating_the_gap():
    # given a header, one good row and one cell in row 60,000,000, and no dimension tag
    data = row_60_million(template_with({**with_rows([good_row()]), (1_048_576, 1): "x"}))
    book = workbooks.workbook_open(data)
    assert book.worksheets[0].max_row is None  # nothing declared: only the rows tell
    book.close()
    # when it is read, the rows present come out (the header, the good row, the template's
    # formatted empty rows to 1001), then the far row is refused: the gap is never iterated
    with pytest.raises(InvalidInput) as error:
        consume(data)
    assert "第60000000行" in error.value.message_zh
    assert error.value.seen == list(range(1, 1002))  # type: ignore[attr-defined]


def test_a_cell_beyond_the_last_column_is_refused():
    data = template_with({**with_rows([good_row()]), (2, 40): "x"})
    with pytest.raises(InvalidInput) as error:
        consume(data)
    assert "AN" in error.value.message_zh and "30列" in error.value.message_zh


def test_rows_within_the_limits_are_read_with_their_numbers_and_missing_cells_as_none():
    data = template_with({(2, 1): "a", (5, 3): "c"})
    book = workbooks.workbook_open(data)
    rows = dict(workbooks.sheet_rows(book.worksheets[0]))
    book.close()
    assert rows[2][:3] == ("a", None, None) and rows[5][:3] == (None, None, "c")
    assert len(rows[2]) == workbooks.LIMITS.columns


def test_a_file_that_unpacks_beyond_the_limit_is_refused_before_it_is_parsed():
    data = template_with(with_rows([good_row()]))
    small = workbooks.Limits(unpacked_bytes=10_000)
    with pytest.raises(InvalidInput) as error:
        workbooks.workbook_open(data, limits=small)
    assert "解压后超过" in error.value.message_zh


def test_a_file_larger_than_the_limit_is_refused_and_read_no_further():
    # given a stream far larger than the 5 MB limit
    stream = io.BytesIO(template_with(with_rows([good_row()])) + b"\0" * (6 * 1024 * 1024))
    # when it is taken, then only the limit and one byte are read, and the file is refused
    data = workbooks.upload_bytes(stream)
    assert len(data) == workbooks.LIMITS.file_bytes + 1
    with pytest.raises(InvalidInput) as error:
        workbooks.workbook_open(data)
    assert error.value.field == "file" and "文件过大（最大5 MB）" in error.value.message_zh


def test_a_read_that_runs_past_its_time_is_refused():
    # given a clock that moves a minute per reading (no real waiting)
    ticks = iter(range(0, 10_000, 60))
    data = template_with(with_rows([good_row(), good_row()]))
    with pytest.raises(InvalidInput) as error:
        consume(data, clock=lambda: float(next(ticks)))
    assert "超过15秒" in error.value.message_zh
    assert error.value.seen == []  # type: ignore[attr-defined]


def test_not_an_xlsx_is_refused_clearly():
    for junk in (b"id,name\n1,2\n", b"PK\x03\x04broken"):
        with pytest.raises(InvalidInput) as error:
            workbooks.workbook_open(junk)
        assert ".xlsx" in error.value.message_zh


# --- the staff import ---------------------------------------------------------------------------


@pytest.fixture
def unit(db, unit_operator, district, clerk):
    unit = make_unit(code=unit_operator.unit_code, district=district)
    services.unit_register(
        actor=clerk, credit_code=unit.credit_code, name="", district=district, insurances=services.FIVE_INSURANCES
    )
    return unit


@pytest.mark.django_db
@pytest.mark.parametrize("far", ["declared", "undeclared"])
def test_the_staff_import_refuses_a_far_row_and_writes_nothing(unit_operator, unit, far):
    row = good_row()
    data = template_with({**with_rows([row]), (1_048_576, 1): "x"})
    if far == "undeclared":
        data = row_60_million(data)
    frozen = time_machine.travel(dt.datetime(2026, 2, 10, 2, 0, tzinfo=dt.UTC), tick=False)
    with frozen, pytest.raises(InvalidInput) as error:
        staff_import(actor=unit_operator, unit=unit, kind="add", file=data)
    assert error.value.field == "file" and "5000" in error.value.message_zh
    assert not Person.objects.filter(id_number=row[0]).exists() and not Employment.objects.exists()
