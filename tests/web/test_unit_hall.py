"""The employer hall's staff pages: add and remove one, the Excel template and upload with its
per-row report, the unit's cases; who may open them, and nothing written on a denial."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from shebao.cases.applicants import applicant_for
from shebao.cases.models import Case
from shebao.cases.services import case_open
from shebao.core.identifiers import credit_code_make, mask_id_number
from shebao.core.models import AuditEvent
from shebao.registry import services
from shebao.registry.imports import staff_import_template
from shebao.registry.models import Employment, InsuredStatus, Person
from tests.factories import new_id_number
from tests.web.support import make_person, make_unit, sign_in

pytestmark = pytest.mark.django_db

PAGES = ["web:unit_staff_add", "web:unit_staff_remove", "web:unit_staff_import", "web:unit_cases"]


@pytest.fixture
def unit(unit_operator, district, clerk, catalogue):
    unit = make_unit(code=unit_operator.unit_code, district=district)
    services.unit_register(
        actor=clerk, credit_code=unit.credit_code, name="", district=district, insurances=services.FIVE_INSURANCES
    )
    return unit


@pytest.fixture
def operator_client(client, unit_operator, unit):
    return sign_in(client, unit_operator)


def _upload(kind: str, rows: list[tuple]) -> io.BytesIO:
    book = load_workbook(io.BytesIO(staff_import_template(kind=kind)))
    for r, values in enumerate(rows, start=2):
        for c, value in enumerate(values, start=1):
            book.worksheets[0].cell(row=r, column=c, value=value)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "staff.xlsx"
    return out


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(
    "actor_name,expected", [("unit_operator", 200), ("citizen", 403), ("clerk", 403), ("bank_agent", 403)]
)
def test_page_matrix(request, client, unit, page, actor_name, expected):
    sign_in(client, request.getfixturevalue(actor_name))
    assert client.get(reverse(page)).status_code == expected


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("web:unit_staff_add"))
    assert response.status_code == 302 and "/login" in response["Location"]


def test_a_clerk_posting_the_add_form_is_refused_and_nothing_is_written(client, clerk, unit):
    sign_in(client, clerk)
    number = new_id_number()
    response = client.post(reverse("web:unit_staff_add"), {"id_number": number, "name": "张甲", "start": "2026-02-01"})
    assert response.status_code == 403
    assert not Person.objects.filter(id_number=number).exists()


def test_an_operator_whose_unit_is_not_registered_sees_a_clear_404(client, unit_operator):
    sign_in(client, unit_operator)
    response = client.get(reverse("web:unit_staff_add"))
    assert response.status_code == 404 and "未找到本单位的参保登记" in response.content.decode()


def test_the_home_links_the_staff_pages(operator_client, unit, district):
    person = make_person(district=district, name="在职甲")
    employment = Employment.objects.create(person=person, unit=unit, start=dt.date(2024, 1, 1))
    html = operator_client.get(reverse("web:home")).content.decode()
    assert reverse("web:unit_staff_import") in html
    assert f"{reverse('web:unit_staff_remove')}?employment={employment.pk}" in html


def test_add_one_employee_online(operator_client, unit):
    # given a person never registered
    number = new_id_number()
    # when the operator submits the add form
    response = operator_client.post(
        reverse("web:unit_staff_add"), {"id_number": number, "name": "新来的", "phone": "", "start": "2026-01-05"}
    )
    # then back to the staff list, the person employed and insured in the five insurances, audited online
    assert response.status_code == 302 and response["Location"] == reverse("web:home")
    person = Person.objects.get(id_number=number)
    assert Employment.objects.filter(person=person, unit=unit, end__isnull=True).exists()
    assert InsuredStatus.objects.filter(person=person, unit=unit, status="active").count() == 5
    assert AuditEvent.objects.filter(action="employment.add", channel="online").count() == 1


def test_add_form_shows_the_id_number_problem_and_writes_nothing(operator_client, unit):
    number = new_id_number()
    bad = number[:-1] + ("0" if number[-1] != "0" else "1")
    response = operator_client.post(
        reverse("web:unit_staff_add"), {"id_number": bad, "name": "甲", "start": "2026-01-05"}
    )
    assert response.status_code == 422
    assert "校验位不正确" in response.content.decode()
    assert not Employment.objects.exists()


def test_add_form_refuses_a_person_already_on_the_staff(operator_client, unit, district):
    person = make_person(district=district, name="老员工")
    Employment.objects.create(person=person, unit=unit, start=dt.date(2024, 1, 1))
    response = operator_client.post(
        reverse("web:unit_staff_add"), {"id_number": person.id_number, "name": "老员工", "start": "2026-01-05"}
    )
    assert response.status_code == 409 and "已是本单位在职参保职工" in response.content.decode()
    assert Employment.objects.filter(person=person).count() == 1


def test_remove_one_employee_from_the_list(operator_client, unit, district, clerk):
    person = make_person(district=district, name="要走的")
    services.employment_add(
        actor=clerk, unit=unit, id_number=person.id_number, name=person.name, start=dt.date(2024, 1, 1)
    )
    employment = Employment.objects.get(person=person)
    page = operator_client.get(f"{reverse('web:unit_staff_remove')}?employment={employment.pk}")
    assert page.status_code == 200 and "要走的" in page.content.decode()
    response = operator_client.post(
        reverse("web:unit_staff_remove"), {"id_number": person.id_number, "end": "2026-01-31", "reason": "resigned"}
    )
    assert response.status_code == 302
    employment.refresh_from_db()
    assert employment.end == dt.date(2026, 1, 31)
    assert set(InsuredStatus.objects.filter(person=person).values_list("status", flat=True)) == {"suspended"}


def test_remove_refuses_another_units_employee(operator_client, unit, district, clerk):
    other = make_unit(code=credit_code_make(region_code="420102", serial=5), district=district, name="别家")
    person = make_person(district=district)
    foreign = Employment.objects.create(person=person, unit=other, start=dt.date(2024, 1, 1))
    assert operator_client.get(f"{reverse('web:unit_staff_remove')}?employment={foreign.pk}").status_code == 404
    response = operator_client.post(
        reverse("web:unit_staff_remove"), {"id_number": person.id_number, "end": "2026-01-31", "reason": "resigned"}
    )
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.end is None


@pytest.mark.parametrize("kind,first", [("add", "身份证号码"), ("remove", "身份证号码")])
def test_template_download(operator_client, kind, first):
    response = operator_client.get(reverse("web:unit_staff_template", args=[kind]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert book.worksheets[0]["A1"].value == first and book["meta"]["B1"].value == kind


def test_upload_with_bad_rows_shows_each_row_and_imports_nothing(operator_client, unit):
    good, other = new_id_number(), new_id_number()
    rows = [
        (good, "甲", None, "2026-02-01", 5000),
        (good, "乙", None, "2026-02-01", 5000),  # row 3: duplicate
        (other, "丙", None, "2026-02-31", 5000),  # row 4: no such date
    ]
    response = operator_client.post(reverse("web:unit_staff_import"), {"kind": "add", "file": _upload("add", rows)})
    assert response.status_code == 422
    html = response.content.decode()
    assert "与第2行重复" in html and "日期格式" in html
    assert '<td class="mono">3</td>' in html and '<td class="mono">4</td>' in html
    assert not Person.objects.filter(id_number__in=[good, other]).exists()


def test_upload_of_good_rows_reports_the_accepted_count(operator_client, unit):
    rows = [
        (new_id_number(), f"职工{'甲乙丙丁戊'[i % 5]}{'子丑寅卯辰'[i // 5]}", "13800000000", "2026-02-01", 6000)
        for i in range(25)
    ]
    response = operator_client.post(reverse("web:unit_staff_import"), {"kind": "add", "file": _upload("add", rows)})
    assert response.status_code == 200
    assert 'id="rows-accepted">25<' in response.content.decode()
    assert Employment.objects.filter(unit=unit, end__isnull=True).count() == 25
    assert AuditEvent.objects.get(action="employment.import_add").channel == "online"
    # the wage column becomes each new employee's declared base for 2026
    from decimal import Decimal

    from shebao.contributions.models import DeclaredBase

    assert DeclaredBase.objects.filter(unit=unit, year=2026).count() == 25
    assert set(DeclaredBase.objects.filter(unit=unit).values_list("wage", flat=True)) == {Decimal("6000.00")}


def test_upload_of_a_non_excel_file_is_a_form_error(operator_client, unit):
    junk = io.BytesIO(b"id,name\n1,2\n")
    junk.name = "staff.csv"
    response = operator_client.post(reverse("web:unit_staff_import"), {"kind": "add", "file": junk})
    assert response.status_code == 422 and ".xlsx" in response.content.decode()


def test_unit_cases_lists_the_units_own_cases_only(engine, operator_client, unit, unit_operator, district, clerk):
    # given one addition case of this unit, and one of another unit received at the hall
    number = new_id_number()
    mine = case_open(
        actor=unit_operator,
        item_code="DJ-011",
        applicant=applicant_for(
            id_number=number, name="候选人", district_code=district.code, unit_code=unit.credit_code
        ),
        channel="online",
        form={
            "unit_code": unit.credit_code,
            "id_number": number,
            "name": "候选人",
            "hired_on": "2026-02-09",
            "wage_base": "7000",
        },
        materials={"labour_contract": "commitment"},
    )
    other_code = credit_code_make(region_code="420102", serial=6)
    make_unit(code=other_code, district=district, name="别家")
    services.unit_register(actor=clerk, credit_code=other_code, name="", district=district, insurances=["pension"])
    other_number = new_id_number()
    theirs = case_open(
        actor=clerk,
        item_code="DJ-011",
        applicant=applicant_for(id_number=other_number, name="别人", district_code=district.code, unit_code=other_code),
        channel="hall",
        form={
            "unit_code": other_code,
            "id_number": other_number,
            "name": "别人",
            "hired_on": "2026-02-09",
            "wage_base": "7000",
        },
        materials={"labour_contract": "commitment"},
    )
    # when the operator opens the unit's cases
    html = operator_client.get(reverse("web:unit_cases")).content.decode()
    # then their case links to its page; the other unit's is not there
    assert reverse("web:case", args=[mine.number]) in html
    assert theirs.number not in html


# --- 增员 checks through the page and the upload (issue 10, point 1) ---------------------------


def _person_state(person: Person) -> tuple:
    person.refresh_from_db()
    return (
        person.name,
        person.category,
        sorted(InsuredStatus.objects.filter(person=person).values_list("insurance", "status", "unit_id")),
        sorted(Employment.objects.filter(person=person).values_list("unit_id", "end")),
    )


@pytest.fixture
def others(district, clerk):
    """Who a unit might try to add: a registered flexible worker, an employee of another unit,
    a retiree born in 1938."""
    from shebao.registry.models import Person as P

    flexible = make_person(district=district, name="王丽", category=P.Category.FLEXIBLE, phone="15051105312")
    services.flexible_enrol(actor=clerk, person=flexible, start_month=dt.date(2024, 1, 1))
    other = make_unit(code=credit_code_make(region_code="420102", serial=41), district=district, name="别家公司")
    services.unit_register(
        actor=clerk, credit_code=other.credit_code, name="", district=district, insurances=["pension"]
    )
    employed = make_person(district=district, name="李娜")
    services.employment_add(
        actor=clerk, unit=other, id_number=employed.id_number, name="李娜", start=dt.date(2025, 1, 1)
    )
    old_number = new_id_number(birth=dt.date(1938, 5, 1))
    retiree = make_person(
        district=district,
        id_number=old_number,
        name="钱老",
        birth_date=dt.date(1938, 5, 1),
        category=P.Category.RETIREE,
    )
    return {"flexible": flexible, "employed": employed, "retiree": retiree}


@pytest.mark.parametrize(
    "who,name,status,words",
    [
        ("flexible", "张三", 422, "姓名与该身份证号码的参保登记信息不一致"),
        ("flexible", "王丽", 409, "灵活就业人员停保"),
        ("employed", "李娜", 409, "原单位先办理减员"),
        ("retiree", "钱老", 409, "退休"),
    ],
)
def test_add_page_refuses_a_person_insured_elsewhere_or_under_another_name(
    operator_client, unit, unit_operator, others, who, name, status, words
):
    # given a registered person the unit does not employ
    person = others[who]
    before = _person_state(person)
    # when the operator posts the add form with their ID number
    response = operator_client.post(
        reverse("web:unit_staff_add"), {"id_number": person.id_number, "name": name, "start": "2026-02-01"}
    )
    # then a clear refusal; a wrong name is not corrected to the registered one; nothing changed
    html = response.content.decode()
    assert response.status_code == status and words in html
    if name != person.name:
        assert person.name not in html
    assert _person_state(person) == before
    assert not Employment.objects.filter(person=person, unit=unit).exists()
    # and the unit still cannot open the person's page
    assert operator_client.get(reverse("registry:person", args=[person.pk])).status_code == 404


@pytest.mark.parametrize(
    "values,words",
    [
        ({"start": "1949-12-31"}, "1950"),
        ({"phone": "0271234567"}, "手机号码"),
        ({"name": "张三1"}, "姓名格式"),
        ({"name": "@@##"}, "姓名格式"),
    ],
)
def test_add_page_refuses_bad_data(operator_client, unit, values, words):
    number = new_id_number()
    form = {"id_number": number, "name": "周敏", "phone": "", "start": "2026-02-01", **values}
    response = operator_client.post(reverse("web:unit_staff_add"), form)
    assert response.status_code == 422 and words in response.content.decode()
    assert not Person.objects.filter(id_number=number).exists()


def test_add_page_refuses_a_hire_before_the_16th_birthday(operator_client, unit):
    number = new_id_number(birth=dt.date(2012, 6, 15))
    response = operator_client.post(
        reverse("web:unit_staff_add"), {"id_number": number, "name": "小明明", "start": "2026-02-01"}
    )
    assert response.status_code == 422 and "年满16周岁" in response.content.decode()
    assert not Person.objects.filter(id_number=number).exists()


def test_upload_names_each_refused_row_and_field_without_revealing_names(operator_client, unit, others):
    good = new_id_number()
    rows = [
        (good, "周敏", None, "2026-02-01", 5000),  # row 2 ok
        (others["flexible"].id_number, "张三", None, "2026-02-01", 5000),  # 3: name
        (others["flexible"].id_number.lower(), "王丽", None, "2026-02-01", 5000),  # 4: duplicate of 3
        (others["employed"].id_number, "李娜", None, "2026-02-01", 5000),  # 5: employed elsewhere
        (others["retiree"].id_number, "钱老", None, "2026-02-01", 5000),  # 6: retired
        (new_id_number(), "周敏2", None, "2026-02-01", 5000),  # 7: name
        (new_id_number(), "孙强", "12345", "2026-02-01", 5000),  # 8: phone
        (new_id_number(), "孙强", None, "1949-01-01", 5000),  # 9: date
        (new_id_number(birth=dt.date(1938, 1, 1)), "赵老", None, "2026-02-01", 5000),  # 10: too old
    ]
    before = {k: _person_state(p) for k, p in others.items()}
    response = operator_client.post(reverse("web:unit_staff_import"), {"kind": "add", "file": _upload("add", rows)})
    html = response.content.decode()
    assert response.status_code == 422
    for row, words in [
        (3, "姓名与该身份证号码的参保登记信息不一致"),
        (4, "与第3行重复"),
        (5, "原单位先办理减员"),
        (6, "退休"),
        (7, "姓名格式"),
        (8, "手机号码"),
        (9, "1950"),
        (10, "法定退休年龄"),
    ]:
        assert re.search(rf'<td class="mono">{row}</td><td>[^<]+</td><td>[^<]*{words}', html), row
    assert '<td class="mono">2</td>' not in html
    # the report echoes no name: the registered one appears nowhere
    assert html.count("王丽") == 0
    assert {k: _person_state(p) for k, p in others.items()} == before
    assert not Person.objects.filter(id_number=good).exists()


def test_upload_of_a_file_with_a_cell_far_below_is_refused_and_the_page_states_the_limits(operator_client, unit):
    book = load_workbook(io.BytesIO(staff_import_template(kind="add")))
    book.worksheets[0].cell(row=2, column=1, value=new_id_number())
    book.worksheets[0].cell(row=1_048_576, column=1, value="x")
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    data.name = "staff.xlsx"
    page = operator_client.get(reverse("web:unit_staff_import")).content.decode()
    assert "每个文件最多5000行数据（不含表头）、30列" in page
    response = operator_client.post(reverse("web:unit_staff_import"), {"kind": "add", "file": data})
    assert response.status_code == 422 and "超出上限" in response.content.decode()
    assert not Person.objects.exists()


# --- the unit's case list shows what its additions, removals and imports opened (issue 9 §4) ----


def test_an_addition_on_the_page_is_a_completed_case_in_the_units_list(operator_client, unit, unit_operator):
    # given a new hire added on the page
    number = new_id_number()
    response = operator_client.post(
        reverse("web:unit_staff_add"), {"id_number": number, "name": "周敏", "start": "2026-02-02"}, follow=True
    )
    # then the addition is a DJ-011 case of the unit, completed at once, with a commitment for
    # the contract, and the confirmation names it
    case = Case.objects.get(applicant_id_number=number)
    assert (case.item.code, case.applicant_unit_code, case.channel, case.status) == (
        "DJ-011",
        unit.credit_code,
        "online",
        "completed",
    )
    assert case.form_data["hired_on"] == "2026-02-02" and case.result["unit"] == unit.credit_code
    assert set(case.materials.values_list("status", flat=True)) == {"commitment"}
    assert case.number in response.content.decode()
    # and the unit's list shows it: item, person with the masked number, status, closing date
    html = operator_client.get(reverse("web:unit_cases")).content.decode()
    row = re.search(rf"<tr><td class=\"mono\"><a href=\"[^\"]+\">{case.number}</a>.*?</tr>", html).group(0)
    for shown in ("职工参保登记（增员）", "周敏", mask_id_number(number), "已办结", "办结时间"):
        assert shown in row, shown
    assert number not in html
    # and the case page opens for the unit
    assert operator_client.get(reverse("web:case", args=[case.number])).status_code == 200


def test_a_removal_on_the_page_is_a_completed_case(operator_client, unit, district, clerk):
    person = make_person(district=district, name="要走的")
    services.employment_add(
        actor=clerk, unit=unit, id_number=person.id_number, name=person.name, start=dt.date(2024, 1, 1)
    )
    operator_client.post(
        reverse("web:unit_staff_remove"), {"id_number": person.id_number, "end": "2026-01-31", "reason": "resigned"}
    )
    case = Case.objects.get(applicant_id_number=person.id_number)
    assert (case.item.code, case.status, case.form_data["end_reason"]) == ("DJ-012", "completed", "resigned")
    assert case.number in operator_client.get(reverse("web:unit_cases")).content.decode()


def test_a_refused_addition_records_no_case(operator_client, unit, others):
    operator_client.post(
        reverse("web:unit_staff_add"),
        {"id_number": others["flexible"].id_number, "name": "张三", "start": "2026-02-01"},
    )
    assert not Case.objects.exists()


def test_an_imported_file_opens_one_case_per_row_listed_for_the_unit(
    operator_client, unit, django_assert_max_num_queries
):
    # given a file of 12 new hires with wages
    rows = [(new_id_number(), f"职工{'甲乙丙丁戊己庚辛壬癸子丑'[i]}", None, "2026-02-01", 6000) for i in range(12)]
    response = operator_client.post(reverse("web:unit_staff_import"), {"kind": "add", "file": _upload("add", rows)})
    # then each row is a completed DJ-011 case of the unit, one batch, and the report says so
    cases = list(Case.objects.filter(item__code="DJ-011").order_by("id"))
    assert len(cases) == 12 and len({c.group_ref for c in cases}) == 1
    assert {c.applicant_id_number for c in cases} == {r[0] for r in rows}
    assert all(c.applicant_unit_code == unit.credit_code and c.status == "completed" for c in cases)
    assert cases[0].form_data["wage_base"] == "6000"
    report = response.content.decode()
    assert cases[0].number in report and cases[-1].number in report
    # and the unit's list shows every one of them, within a query budget
    with django_assert_max_num_queries(12):
        html = operator_client.get(reverse("web:unit_cases")).content.decode()
    assert all(c.number in html for c in cases)


def test_a_case_the_unit_applied_for_shows_its_due_date(engine, operator_client, unit, unit_operator, district):
    number = new_id_number()
    case = case_open(
        actor=unit_operator,
        item_code="DJ-011",
        applicant=applicant_for(
            id_number=number, name="候选人", district_code=district.code, unit_code=unit.credit_code
        ),
        channel="online",
        form={
            "unit_code": unit.credit_code,
            "id_number": number,
            "name": "候选人",
            "hired_on": "2026-02-09",
            "wage_base": "7000",
        },
        materials={"labour_contract": "commitment"},
    )
    assert case.due_date is not None
    html = operator_client.get(reverse("web:unit_cases")).content.decode()
    assert case.due_date.isoformat() in html and "办理中" in html
