"""Text that people typed is data in every sheet and CSV file the platform writes, never a
formula (formula injection, CWE-1236): ``shebao.core.workbooks``' writing helpers, read back by a
spreadsheet reader (openpyxl) and by the platform's own upload reader."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from shebao.core import workbooks

LINK = '=HYPERLINK("http://x","点此")'
DDE = "=cmd|' /C calc'!A0"
TYPED = [LINK, DDE, "+86 27 8888", "-1+2", "@SUM(A1:A9)", "\t=1+1", "\r=1+1", "\n=1+1"]


@pytest.mark.parametrize("text", TYPED)
def test_a_csv_cell_that_looks_like_a_formula_starts_with_a_quote(text):
    out = io.StringIO()
    csv.writer(out).writerow(workbooks.csv_row(["陈一", text, Decimal("-12.50")]))
    [row] = list(csv.reader(io.StringIO(out.getvalue())))
    assert row == ["陈一", "'" + text, "-12.50"]


@pytest.mark.parametrize(
    "value",
    [Decimal("-12.50"), Decimal("3598.08"), -3, 2.5, None, dt.date(2026, 1, 1), "-12.50", "+3", "-1,234.56", "陈一"],
)
def test_numbers_amounts_dates_and_plain_text_stay_as_they_are_in_a_csv(value):
    assert workbooks.csv_cell(value) is value


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_a_csv_cell_is_the_text_or_the_text_after_one_quote_and_never_starts_a_formula(text):
    safe = workbooks.csv_cell(text)
    assert safe in (text, "'" + text)
    assert isinstance(safe, str) and not workbooks.formula_like(safe)


def _sheet_written(values: list[object]) -> bytes:
    book = Workbook()
    sheet = book.worksheets[0]
    for column, value in enumerate(values, start=1):
        workbooks.cell_put(sheet, row=1, column=column, value=value)
    sheet.append(workbooks.row_cells(sheet, values))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_sheet_cell_of_typed_text_is_a_string_never_a_formula_and_amounts_stay_numbers():
    # (a carriage return is not in the list: XML reads it back as a line feed, whatever the cell)
    typed = [t for t in TYPED if not t.startswith("\r")]
    values: list[object] = [*typed, "#N/A", Decimal("-12.50"), -3, "陈一"]
    data = _sheet_written(values)
    # as a spreadsheet reads it: string cells, the text as typed; the amounts numbers
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    for row in (1, 2):
        cells = sheet[row]
        assert [c.data_type for c in cells] == ["s"] * 8 + ["n", "n", "s"]
        assert [c.value for c in cells[:8]] == [*typed, "#N/A"]
        assert cells[8].value == Decimal("-12.50") and cells[9].value == -3
        assert all(c.quotePrefix for c in cells[:7]) and not cells[10].quotePrefix
    # as the platform's upload reader reads it back: unchanged
    book = workbooks.workbook_open(data)
    rows = [row[: len(values)] for _, row in workbooks.sheet_rows(book.worksheets[0])]
    book.close()
    assert rows == [(*typed, "#N/A", Decimal("-12.5"), -3, "陈一")] * 2


def test_a_character_a_sheet_cannot_hold_is_dropped_instead_of_failing_the_export():
    data = _sheet_written(["陈\x01一"])
    assert load_workbook(io.BytesIO(data)).worksheets[0]["A1"].value == "陈一"


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=40))
def test_any_text_written_to_a_sheet_reads_back_as_the_same_text(text):
    book = workbooks.workbook_open(_sheet_written([text]))
    rows = [row[0] for _, row in workbooks.sheet_rows(book.worksheets[0])]
    book.close()
    assert rows == [text, text]  # the cell written by cell_put, and the one by row_cells
