"""The unit's spreadsheets carry people's names as text, never as formulas (formula injection):
a name or a unit name typed as ``=HYPERLINK(…)`` is a string cell in the staff contribution list
and in the base declaration template, and the template filled in and uploaded still declares
(what the platform reads back is the name as registered); amounts stay numbers."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from decimal import Decimal

from openpyxl import load_workbook

from shebao.contributions import declarations, receipts
from shebao.contributions.models import Bill, ContributionMonth, DeclaredBase
from shebao.registry.models import Person, Unit
from tests.cases.conftest import catalogue  # noqa: F401 (pytest finds fixtures by name)
from tests.contributions.test_assessment import frozen, world  # noqa: F401 (fixtures)

LINK = '=HYPERLINK("http://x","点此")'
D = Decimal


def test_the_staff_list_writes_names_as_text_and_amounts_as_numbers():
    # given a correction bill of a unit and a person whose names were typed as formulas, with a
    # refund (negative amounts)
    unit = Unit(name=LINK, credit_code="91420102MA0000000X")
    person = Person(name="=1+1", id_number="420102198503140011")
    line = ContributionMonth(
        person=person,
        period=dt.date(2026, 1, 1),
        base=D("8000.00"),
        pension_employer=D("-1280.00"),
        pension_personal=D("-640.00"),
        account_credit=D("-640.00"),
    )
    bill = Bill(unit=unit, period=dt.date(2026, 1, 1), employer_total=D("-1280.00"), personal_total=D("-640.00"))
    # when the list is written
    sheet = load_workbook(io.BytesIO(receipts.staff_list_xlsx(bill=bill, lines=[line]))).worksheets[0]
    # then the title and the name are strings as typed, not formulas
    assert sheet["A1"].data_type == "s" and sheet["A1"].value.startswith(LINK + " 2026年01月")
    assert sheet["A3"].data_type == "s" and sheet["A3"].value == "=1+1"
    assert sheet["B3"].data_type == "s" and "*" in sheet["B3"].value
    # and the amounts, negative ones too, are numbers
    assert sheet["C3"].data_type == "n" and sheet["C3"].value == D("8000.00")
    assert sheet["D3"].data_type == "n" and sheet["D3"].value == D("-1280.00")
    assert sheet["N3"].data_type == "n" and sheet["N3"].value == D("-640.00")
    assert sheet["L5"].data_type == "n" and sheet["L5"].value == D("-1280.00")  # the total row
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)


def test_the_declaration_template_writes_names_as_text_and_reads_them_back_as_registered(
    world,  # noqa: F811
    frozen,  # noqa: F811
    unit_operator,
    catalogue,  # noqa: F811
    office,
):
    # given an employee whose registered name looks like a formula
    Person.objects.filter(pk=world.p2.pk).update(name=LINK)
    # when the unit downloads the template
    data = declarations.base_template_xlsx(actor=unit_operator, unit=world.unit_a, year=2026)
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    cells = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    # then the name is a string cell, as registered, never a formula
    assert LINK in cells and cells[LINK][0].data_type == "s"
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)
    # when every wage is filled in and the file uploaded
    for row in cells.values():
        if row[2].value is None:
            row[2].value = "6000"
    out = io.BytesIO()
    sheet.parent.save(out)
    report = declarations.base_declare_upload(actor=unit_operator, unit=world.unit_a, year=2026, file=out.getvalue())
    # then the name reads back as the registered one: everyone is declared, the employee too
    assert report.ok, [dataclasses.astuple(p) for p in report.problems]
    assert report.declared == len(cells)
    assert DeclaredBase.objects.get(unit=world.unit_a, person=world.p2, year=2026).wage == D("6000.00")
