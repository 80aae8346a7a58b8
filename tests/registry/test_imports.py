"""增减员 by Excel: the template, the all-or-nothing import with a per-row report, bulk reads
and writes within a query budget."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from openpyxl import load_workbook

from shebao.cases.models import Case
from shebao.core.errors import InvalidInput, NotFound
from shebao.core.identifiers import credit_code_make, id_number_make
from shebao.core.models import AuditEvent
from shebao.registry import services
from shebao.registry.imports import staff_import, staff_import_template
from shebao.registry.models import Employment, InsuredStatus, Person
from tests.cases.conftest import catalogue  # noqa: F401 (pytest finds fixtures by name)
from tests.web.support import make_person, make_unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]  # the cases need DJ-011/012


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2026, 2, 10, 2, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def unit(unit_operator, district, clerk):
    unit = make_unit(code=unit_operator.unit_code, district=district)
    services.unit_register(
        actor=clerk, credit_code=unit.credit_code, name="", district=district, insurances=services.FIVE_INSURANCES
    )
    return unit


def filled(kind: str, rows: list[tuple]) -> bytes:
    book = load_workbook(io.BytesIO(staff_import_template(kind=kind)))
    sheet = book.worksheets[0]
    for r, values in enumerate(rows, start=2):
        for c, value in enumerate(values, start=1):
            sheet.cell(row=r, column=c, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平"


def names(n: int) -> list[str]:
    """Plausible Chinese names (no digits): surname + one or two given characters."""
    out = []
    for i in range(n):
        given = GIVEN[i % 20] + ("" if i < 400 else GIVEN[(i // 400) % 20])
        out.append(SURNAMES[(i // 20) % 20] + given)
    return out


def numbers(n: int, start: int = 1) -> list[str]:
    births = [dt.date(1980, 1, 1) + dt.timedelta(days=d) for d in range(0, 3650, 7)]
    out = []
    for i in range(start, start + n):
        out.append(id_number_make(region_code="420102", birth_date=births[i % len(births)], sequence=i % 997 + 1))
    assert len(set(out)) == n
    return out


def test_template_has_chinese_headers_instructions_and_a_hidden_kind():
    book = load_workbook(io.BytesIO(staff_import_template(kind="add")))
    assert [c.value for c in book.worksheets[0][1]] == ["身份证号码", "姓名", "手机", "开始日期", "月工资"]
    assert "填写说明" in book.sheetnames
    assert book["meta"].sheet_state == "hidden" and book["meta"]["B1"].value == "add"
    remove = load_workbook(io.BytesIO(staff_import_template(kind="remove")))
    assert [c.value for c in remove.worksheets[0][1]] == ["身份证号码", "姓名", "结束日期", "减员原因"]


def test_three_thousand_additions_in_one_transaction_within_a_query_budget(
    unit_operator, unit, district, clerk, django_assert_max_num_queries
):
    # given 3,000 rows, 100 of them persons already registered (one a flexible worker)
    ids, people = numbers(3000), names(3000)
    known = [make_person(district=district, id_number=n, name=people[i]) for i, n in enumerate(ids[:100])]
    services.flexible_enrol(actor=clerk, person=known[0], start_month=dt.date(2025, 1, 1))
    services.flexible_stop(actor=clerk, person=known[0], last_month=dt.date(2026, 1, 1))
    rows = [(n, people[i], "13800000000", "2026-02-01", 6500) for i, n in enumerate(ids)]
    data = filled("add", rows)
    # when the unit imports them: bulk reads and writes, not one query per row (the 3,000
    # cases, their phases, materials and steps take ~100 statements of SQLite's 999 parameters)
    with django_assert_max_num_queries(450):
        report = staff_import(actor=unit_operator, unit=unit, kind="add", file=data)
    # then every row is written, with the persons, employments and five statuses each
    assert (report.rows, report.accepted, report.rejected) == (3000, 3000, [])
    assert Employment.objects.filter(unit=unit, end__isnull=True).count() == 3000
    assert Person.objects.filter(id_number__in=ids).count() == 3000
    assert InsuredStatus.objects.filter(unit=unit, status="active").count() == 15000
    assert Person.objects.get(pk=known[0].pk).category == "employee"
    event = AuditEvent.objects.get(action="employment.import_add")
    assert (event.after["added"], event.after["registered"], event.after["cases"]) == (3000, 2900, 3000)
    # and every row is a completed DJ-011 case of the unit, numbered
    cases = Case.objects.filter(item__code="DJ-011", applicant_unit_code=unit.credit_code, status="completed")
    assert cases.count() == 3000 and not cases.filter(number__isnull=True).exists()
    assert report.case_numbers == (cases.order_by("id").first().number, cases.order_by("id").last().number)


def test_bad_rows_are_reported_row_by_row_and_nothing_is_written(unit_operator, unit, district):
    # given a file with good rows and an invalid ID number, a duplicate, a bad date, a missing name
    good = numbers(4, start=500)
    employed = make_person(district=district, name="在职甲")
    Employment.objects.create(person=employed, unit=unit, start=dt.date(2025, 1, 1))
    bad_number = good[0][:-1] + ("0" if good[0][-1] != "0" else "1")
    rows = [
        (good[0], "张甲", None, "2026-02-01", 5000),  # row 2 ok
        (bad_number, "李乙", None, "2026-02-01", 5000),  # row 3: check character
        (good[0], "王丙", None, "2026-02-01", 5000),  # row 4: duplicate of row 2
        (good[1], "赵丁", None, "2026-13-01", 5000),  # row 5: bad date
        (good[2], None, None, "2026-02-01", 5000),  # row 6: no name
        (employed.id_number, "在职甲", None, "2026-02-01", 5000),  # row 7: already on the staff
        (good[3], "钱戊", None, "2026-02-01", -1),  # row 8: wage
    ]
    before = (Person.objects.count(), Employment.objects.count(), InsuredStatus.objects.count())
    report = staff_import(actor=unit_operator, unit=unit, kind="add", file=filled("add", rows))
    # then each bad row is named with its column and reason, and nothing was written
    found = {(e.row, e.column) for e in report.rejected}
    assert found == {
        (3, "身份证号码"),
        (4, "身份证号码"),
        (5, "开始日期"),
        (6, "姓名"),
        (7, "身份证号码"),
        (8, "月工资"),
    }
    messages = {e.row: e.message_zh for e in report.rejected}
    assert "校验位" in messages[3] and "第2行重复" in messages[4] and "已是本单位" in messages[7]
    assert report.accepted == 0 and report.rejected_rows == 6
    assert (Person.objects.count(), Employment.objects.count(), InsuredStatus.objects.count()) == before
    assert not AuditEvent.objects.filter(action__startswith="employment.import").exists()


def test_removal_import_ends_employments_and_rejects_end_before_start(unit_operator, unit, district, clerk):
    people = [make_person(district=district, name=f"员工{'甲乙丙'[i]}") for i in range(3)]
    for person in people:
        services.employment_add(
            actor=clerk, unit=unit, id_number=person.id_number, name=person.name, start=dt.date(2025, 6, 1)
        )
    stranger = make_person(district=district, name="外人")
    # a first file with an end before the start and a person not on the staff: nothing happens
    rows = [
        (people[0].id_number, "员工甲", "2026-01-31", "辞职"),
        (people[1].id_number, "员工乙", "2025-05-31", ""),
        (stranger.id_number, "外人", "2026-01-31", ""),
    ]
    report = staff_import(actor=unit_operator, unit=unit, kind="remove", file=filled("remove", rows))
    assert {(e.row, e.column) for e in report.rejected} == {(3, "结束日期"), (4, "身份证号码")}
    assert Employment.objects.filter(unit=unit, end__isnull=True).count() == 3
    # the corrected file removes the two and suspends their statuses from February
    rows = [
        (people[0].id_number, "员工甲", "2026-01-31", "辞职"),
        (people[1].id_number, "员工乙", dt.date(2026, 1, 15), ""),
    ]
    report = staff_import(actor=unit_operator, unit=unit, kind="remove", file=filled("remove", rows))
    assert report.ok and report.accepted == 2
    assert sorted(
        Case.objects.filter(item__code="DJ-012", status="completed").values_list("applicant_id_number", flat=True)
    ) == sorted([people[0].id_number, people[1].id_number])
    assert set(Employment.objects.filter(unit=unit, end__isnull=True).values_list("person_id", flat=True)) == {
        people[2].pk
    }
    assert set(InsuredStatus.objects.filter(person=people[0]).values_list("status", "since")) == {
        ("suspended", dt.date(2026, 2, 1))
    }


def test_wrong_file_or_wrong_template_or_another_unit_is_refused(unit_operator, unit, district):
    with pytest.raises(InvalidInput):
        staff_import(actor=unit_operator, unit=unit, kind="add", file=b"not a spreadsheet")
    with pytest.raises(InvalidInput) as error:
        staff_import(actor=unit_operator, unit=unit, kind="add", file=filled("remove", [("x", "y", "2026-01-01", "")]))
    assert "减员模板" in error.value.message_zh
    other = make_unit(code=credit_code_make(region_code="420102", serial=9), district=district, name="别家")
    with pytest.raises(NotFound):
        staff_import(actor=unit_operator, unit=other, kind="add", file=filled("add", [("x", "y", None, None, None)]))


def test_an_id_number_stored_as_a_number_is_explained(unit_operator, unit):
    report = staff_import(
        actor=unit_operator,
        unit=unit,
        kind="add",
        file=filled("add", [(420102198503140011, "张甲", None, "2026-02-01", 1)]),
    )
    assert report.rejected[0].column == "身份证号码" and "文本格式" in report.rejected[0].message_zh
