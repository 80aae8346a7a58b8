"""The employer hall's bills, the window's arrears and the insured person's months, as pages."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from openpyxl import load_workbook

from shebao.contributions.models import Bill, DeclaredBase, Payment
from shebao.contributions.services import assessment_run
from shebao.core import workbooks
from shebao.core.models import Account, Role
from tests.contributions.test_assessment import JAN, SHANGHAI, frozen, world  # noqa: F401 (fixtures)
from tests.factories import AccountFactory, citizen_account
from tests.registry.test_workbooks import row_60_million
from tests.web.support import sign_in

D = Decimal


@pytest.fixture
def assessed(world, admin_user, frozen, catalogue, office):  # noqa: F811
    # (the catalogue and the district office: a declaration is recorded as a JF-004 case)
    assessment_run(period=JAN, actor=admin_user)
    return world


@pytest.fixture
def operator(unit_operator) -> Client:
    return sign_in(Client(), unit_operator)


def bill_a(data) -> Bill:
    return Bill.objects.get(unit=data.unit_a, period=JAN)


def test_the_operator_sees_the_units_bills_with_totals(assessed, operator, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        response = operator.get("/unit/bills/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "2026-01" in page and "8976.92" in page and "3590.06" in page
    assert 'class="outstanding">¥12566.98' in page  # outstanding today
    assert f"/unit/bills/{bill_a(assessed).pk}/" in page
    # unit B's bill is not listed
    assert f"/unit/bills/{Bill.objects.get(unit=assessed.unit_b).pk}/" not in page


def test_a_bills_lines_show_masked_id_numbers(assessed, operator):
    response = operator.get(f"/unit/bills/{bill_a(assessed).pk}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert assessed.p1.name in page and "22488.00" in page
    assert assessed.p1.id_number not in page
    assert assessed.p1.id_number[:4] + "*" * 10 + assessed.p1.id_number[-4:] in page


@pytest.mark.parametrize("who", ["other_unit", "citizen", "anonymous"])
def test_others_cannot_open_or_pay_the_bill(assessed, who):
    client = Client()
    if who == "other_unit":
        sign_in(
            client,
            AccountFactory(
                username="b:op", unit_code=assessed.unit_b.credit_code, kind=Account.Kind.UNIT, role=Role.UNIT
            ),
        )
    elif who == "citizen":
        sign_in(client, citizen_account(name="路人"))
    bill = bill_a(assessed)
    page = client.get(f"/unit/bills/{bill.pk}/")
    pay = client.post(f"/unit/bills/{bill.pk}/pay/", {"key": "X-1", "amount": "12566.98"})
    expected = {"other_unit": 404, "citizen": 403, "anonymous": 302}[who]
    assert (page.status_code, pay.status_code) == (expected, expected)
    assert not Payment.objects.exists()


def test_paying_online_asks_to_confirm_the_amount_and_takes_nothing_before(assessed, operator):
    bill = bill_a(assessed)
    # the form carries the amount due and a fresh key
    form = operator.get(f"/unit/bills/{bill.pk}/").content.decode()
    key = form.split('name="key" value="')[1].split('"')[0]
    assert key.startswith("WEB-") and 'name="amount" value="12566.98"' in form
    # when the operator presses "pay" (the form as drawn, without the confirmation)
    asked = operator.post(f"/unit/bills/{bill.pk}/pay/", {"key": key, "amount": "12566.98"})
    # then the page names the amount and asks to confirm; no money is taken
    page = asked.content.decode()
    assert asked.status_code == 200 and 'id="confirm-pay"' in page
    assert "12566.98" in page and 'name="confirmed" value="1"' in page and f'value="{key}"' in page
    assert not Payment.objects.exists()
    bill.refresh_from_db()
    assert bill.status == Bill.Status.OPEN


def test_a_confirmed_payment_pays_once_even_twice_sent_and_gives_a_receipt(assessed, operator):
    bill = bill_a(assessed)
    form = operator.get(f"/unit/bills/{bill.pk}/").content.decode()
    key = form.split('name="key" value="')[1].split('"')[0]
    confirmed = {"key": key, "amount": "12566.98", "confirmed": "1"}
    # when the operator confirms and double-clicks
    first = operator.post(f"/unit/bills/{bill.pk}/pay/", confirmed)
    second = operator.post(f"/unit/bills/{bill.pk}/pay/", confirmed)
    # then
    assert (first.status_code, second.status_code) == (302, 302)
    assert Payment.objects.filter(bill=bill).count() == 1
    bill.refresh_from_db()
    assert bill.status == Bill.Status.PAID
    receipt = operator.get(f"/unit/bills/{bill.pk}/receipt.pdf")
    assert receipt.status_code == 200 and receipt["Content-Type"] == "application/pdf"
    assert receipt.content.startswith(b"%PDF")
    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(receipt.content)).pages)
    assert "缴费凭证" in text and "12,566.98" in text and "验证码" in text


def test_a_paid_bill_shows_what_was_paid_not_an_amount_due_today(assessed, operator):
    bill = bill_a(assessed)
    operator.post(f"/unit/bills/{bill.pk}/pay/", {"key": "K-PAID", "amount": "12566.98", "confirmed": "1"})
    page = operator.get("/unit/bills/").content.decode()
    row = page.split(f'href="/unit/bills/{bill.pk}/"')[1].split("</tr>")[0]
    assert 'class="mono amount-due">—<' in row and "12566.98" in row.split('amount-paid">')[1]
    other = Bill.objects.get(unit=assessed.unit_b)  # not the operator's: not listed at all
    assert f"/unit/bills/{other.pk}/" not in page


def test_a_wrong_amount_is_shown_on_the_page_not_a_500(assessed, operator):
    bill = bill_a(assessed)
    response = operator.post(f"/unit/bills/{bill.pk}/pay/", {"key": "W-1", "amount": "100.00", "confirmed": "1"})
    assert response.status_code == 422
    assert "12566.98" in response.content.decode()
    assert not Payment.objects.exists()


def test_no_receipt_for_an_unpaid_bill(assessed, operator):
    assert operator.get(f"/unit/bills/{bill_a(assessed).pk}/receipt.pdf").status_code == 404


def test_the_staff_list_downloads_as_excel_and_pdf(assessed, operator):
    bill = bill_a(assessed)
    xlsx = operator.get(f"/unit/bills/{bill.pk}/staff.xlsx")
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = [r for r in sheet.iter_rows(min_row=3, values_only=True) if r[0] and r[0] != "合计"]
    assert sorted(r[0] for r in rows) == sorted([assessed.p1.name, assessed.p2.name, assessed.p3.name])
    p2 = next(r for r in rows if r[0] == assessed.p2.name)
    assert D(str(p2[2])) == D("22488.00") and D(str(p2[3])) == D("3598.08")
    assert all("*" in r[1] for r in rows)
    pdf = operator.get(f"/unit/bills/{bill.pk}/staff.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert operator.get(f"/unit/bills/{bill.pk}/staff.csv").status_code == 404


def test_the_declaration_lists_every_employee_of_the_year_and_names_each_missing_or_bad_wage(assessed, operator):
    # unit A's 2026 staff: p1 and p6 declared already, p2, p3 and p7 not; p5 left in 2025
    page = operator.get("/unit/bases/2026/").content.decode()
    for person in (assessed.p1, assessed.p2, assessed.p3, assessed.p6, assessed.p7):
        assert f'name="wage_{person.pk}"' in page
    assert f'name="wage_{assessed.p5.pk}"' not in page
    assert 'id="staff-count">5<' in page and 'id="declared-count">2<' in page
    # when one wage is negative and p7's is left empty
    bad = operator.post(
        "/unit/bases/2026/",
        {f"wage_{assessed.p3.pk}": "-5", f"wage_{assessed.p2.pk}": "9000", f"wage_{assessed.p7.pk}": ""},
    )
    # then nothing is declared and both are named, with their field
    text = bad.content.decode()
    assert bad.status_code == 422
    assert "2 名职工的申报有误" in text
    assert f"{assessed.p3.name}（" in text and "工资应大于零" in text
    assert f"{assessed.p7.name}（" in text and "未填写月工资" in text
    assert f'id="wage_{assessed.p7.pk}_error"' in text and f'id="wage_{assessed.p3.pk}_error"' in text
    assert not DeclaredBase.objects.filter(year=2026, person__in=[assessed.p2, assessed.p3, assessed.p7]).exists()
    # when every employee has a wage (p1 and p6 keep theirs)
    good = operator.post(
        "/unit/bases/2026/",
        {f"wage_{assessed.p3.pk}": "6000.50", f"wage_{assessed.p2.pk}": "9000", f"wage_{assessed.p7.pk}": "5000"},
    )
    assert good.status_code == 302
    assert DeclaredBase.objects.get(unit=assessed.unit_a, person=assessed.p3, year=2026).wage == D("6000.50")
    assert DeclaredBase.objects.filter(unit=assessed.unit_a, year=2026).count() == 5
    assert "已为全部 5 名职工申报" in operator.get("/unit/bases/2026/").content.decode()
    # three decimals are refused
    assert operator.post("/unit/bases/2026/", {f"wage_{assessed.p3.pk}": "1.234"}).status_code == 422


def test_an_employee_who_left_during_the_year_is_on_that_years_declaration(assessed, operator):
    page = operator.get("/unit/bases/2025/").content.decode()
    assert f'name="wage_{assessed.p5.pk}"' in page and "2025-12-31" in page


def _upload(operator, year, sheet_rows, *, template=None):
    book = load_workbook(io.BytesIO(template or operator.get(f"/unit/bases/{year}/template.xlsx").content))
    sheet = book.worksheets[0]
    for number, values in sheet_rows.items():
        for column, value in enumerate(values, start=1):
            if value is not None:  # None: keep the template's cell; "" clears it
                sheet.cell(row=number, column=column, value=value)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "bases.xlsx"
    return operator.post(f"/unit/bases/{year}/upload/", {"file": out})


def test_the_declaration_by_excel_reports_every_bad_row_and_declares_nothing(assessed, operator):
    # given the template: every employee of 2026 by name, ID masked, the wages declared so far
    template = operator.get("/unit/bases/2026/template.xlsx")
    assert template.status_code == 200
    sheet = load_workbook(io.BytesIO(template.content)).worksheets[0]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == {p.name for p in (assessed.p1, assessed.p2, assessed.p3, assessed.p6, assessed.p7)}
    assert all("*" in r[1] for r in rows.values()) and rows[assessed.p1.name][2] == "8000.00"
    line = {name: n for n, name in enumerate(rows, start=2)}
    # when p3's wage is text, p7's row is deleted and a stranger's row is added
    response = _upload(
        operator,
        2026,
        {
            line[assessed.p2.name]: (None, "", "9000"),
            line[assessed.p3.name]: (None, None, "九千"),
            line[assessed.p7.name]: ("", "", ""),
            20: ("路人", "4201**********9999", "5000"),
        },
        template=template.content,
    )
    # then the report names row, person, column and reason for each; nothing is declared
    text = response.content.decode()
    assert response.status_code == 422 and 'id="upload-report"' in text
    report = text.split('id="upload-report"')[1].split("</table>")[0]
    assert report.count('class="problem"') == 5
    assert f"<td>{line[assessed.p2.name]}</td><td>{assessed.p2.name}</td><td>身份证号码</td><td>必填" in report
    assert f"<td>—</td><td>{assessed.p2.name}（" in report  # the row names nobody, so p2 is missing too
    assert f"<td>{line[assessed.p3.name]}</td><td>{assessed.p3.name}</td><td>月平均工资（元）</td>" in report
    assert "<td>20</td><td>路人</td><td>身份证号码</td>" in report
    assert f"<td>—</td><td>{assessed.p7.name}（" in report and "文件中缺少该职工" in report
    assert not DeclaredBase.objects.filter(year=2026, person__in=[assessed.p2, assessed.p3, assessed.p7]).exists()


def test_the_declaration_by_excel_declares_everyone_when_every_row_is_right(assessed, operator):
    template = operator.get("/unit/bases/2026/template.xlsx").content
    names = [r[0] for r in load_workbook(io.BytesIO(template)).worksheets[0].iter_rows(min_row=2, values_only=True)]
    wages = {assessed.p2.name: 9000, assessed.p3.name: "6000.50", assessed.p7.name: 5000.5}
    filled = {n: (None, None, wages[name]) for n, name in enumerate(names, start=2) if name in wages}
    response = _upload(operator, 2026, filled, template=template)
    assert response.status_code == 302
    declared = dict(DeclaredBase.objects.filter(unit=assessed.unit_a, year=2026).values_list("person_id", "wage"))
    assert declared[assessed.p3.pk] == D("6000.50") and declared[assessed.p7.pk] == D("5000.50")
    assert declared[assessed.p1.pk] == D("8000.00") and len(declared) == 5


def _far_down(template: bytes, *, declared: bool = True) -> bytes:
    """``template`` with one cell in the last row Excel has; without its dimension tag and moved
    to row 60,000,000 when ``declared`` is false (as a hand-made file may be)."""
    book = load_workbook(io.BytesIO(template))
    book.worksheets[0].cell(row=1_048_576, column=1, value="1")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue() if declared else row_60_million(out.getvalue())


def _post(operator, data: bytes):
    upload = io.BytesIO(data)
    upload.name = "bases.xlsx"
    return operator.post("/unit/bases/2026/upload/", {"file": upload})


class _SlowClock:
    """``time`` for the reader: a minute passes at each look at the clock (no real waiting)."""

    def __init__(self) -> None:
        self.now = 0.0

    def monotonic(self) -> float:
        self.now += 60
        return self.now


@pytest.mark.parametrize("fault", ["declared far row", "far row without a dimension", "too slow", "too large"])
def test_a_declaration_over_a_cap_or_too_slow_is_refused_as_every_upload_is_and_nothing_is_written(
    assessed, operator, monkeypatch, fault
):
    from shebao.contributions import declarations
    from shebao.core.errors import InvalidInput
    from shebao.core.models import AuditEvent

    # given a declaration file with the fault (each small: the reader refuses before reading much)
    template = operator.get("/unit/bases/2026/template.xlsx").content
    data = {
        "declared far row": lambda: _far_down(template),
        "far row without a dimension": lambda: _far_down(template, declared=False),
        "too slow": lambda: template,
        "too large": lambda: template + b"\0" * (5 * 1024 * 1024),
    }[fault]()
    if fault == "too slow":
        monkeypatch.setattr(workbooks, "time", _SlowClock())
    # and what the one upload reader says of it (the staff import hears the same words)
    with pytest.raises(InvalidInput) as said:
        book = workbooks.workbook_open(
            workbooks.upload_bytes(data, limits=declarations.LIMITS), limits=declarations.LIMITS
        )
        try:
            for _ in workbooks.sheet_rows(book.worksheets[0], limits=declarations.LIMITS):
                pass
        finally:
            book.close()
    if fault == "too slow":
        monkeypatch.setattr(workbooks, "time", _SlowClock())  # a fresh clock for the upload
    expected = {
        "declared far row": (
            "工作表声明有1048576行，超出上限：每个文件最多20000行数据",
            "The sheet declares 1048576 rows, beyond",
        ),
        "far row without a dimension": (
            "第60000000行仍有内容，超出上限：每个文件最多20000行数据",
            "Row 60000000 has content, beyond",
        ),
        "too slow": ("文件读取超过15秒", "Reading the file took longer than 15 seconds"),
        "too large": ("文件过大（最大5 MB）", "The file is larger than 5 MB"),
    }[fault]
    assert said.value.message_zh.startswith(expected[0]) and said.value.message_en.startswith(expected[1])
    events = AuditEvent.objects.count()
    # when the unit uploads it
    response = _post(operator, data)
    # then the page refuses it with the reader's own message, a 4xx, and nothing is declared
    assert response.status_code == 422
    assert said.value.message_zh in response.content.decode()
    assert not DeclaredBase.objects.filter(year=2026, person__in=[assessed.p2, assessed.p3, assessed.p7]).exists()
    assert AuditEvent.objects.count() == events


def test_the_declaration_and_the_staff_import_refuse_a_far_row_in_the_same_words(assessed, operator):
    from shebao.contributions import declarations
    from shebao.core.errors import InvalidInput
    from shebao.registry import imports

    def read_staff_list(data: bytes) -> None:  # what staff_import does with the file, within its limits
        book = workbooks.workbook_open(data, limits=imports.LIMITS)
        list(workbooks.sheet_rows(book.worksheets[0], limits=imports.LIMITS))

    # given a far row in each one's template
    declaration_file = _far_down(operator.get("/unit/bases/2026/template.xlsx").content, declared=False)
    staff_file = _far_down(imports.staff_import_template(kind="add"), declared=False)
    # when each is read
    with pytest.raises(InvalidInput) as declaration:
        declarations.read_rows(declaration_file, unit=assessed.unit_a, year=2026)
    with pytest.raises(InvalidInput) as staff:
        read_staff_list(staff_file)
    # then the same sentence in both languages, but for each one's own row cap
    assert declaration.value.message_zh == staff.value.message_zh.replace("5000行", "20000行")
    assert declaration.value.message_en == staff.value.message_en.replace("5000 data rows", "20000 data rows")
    assert declaration.value.field == staff.value.field == "file"


def test_a_template_of_another_year_or_not_a_workbook_is_refused_clearly(assessed, operator):
    other_year = operator.get("/unit/bases/2025/template.xlsx").content
    wrong = io.BytesIO(other_year)
    wrong.name = "2025.xlsx"
    response = operator.post("/unit/bases/2026/upload/", {"file": wrong})
    assert response.status_code == 422 and "请下载2026年的模板" in response.content.decode()
    junk = io.BytesIO(b"not a workbook")
    junk.name = "x.xlsx"
    assert operator.post("/unit/bases/2026/upload/", {"file": junk}).status_code == 422
    assert operator.post("/unit/bases/2026/upload/", {}).status_code == 422


def test_the_clerk_collects_a_units_arrears_at_the_window(assessed, clerk):
    with time_machine.travel(dt.datetime(2026, 2, 20, 9, 0, tzinfo=SHANGHAI), tick=False):
        client = sign_in(Client(), clerk)  # signed in that day (sessions expire)
        page = client.get("/window/arrears/", {"unit_code": assessed.unit_a.credit_code})
        text = page.content.decode()
        # 5 days late: 31.42 late fee, 12598.40 due
        assert page.status_code == 200 and "31.42" in text and "12598.40" in text
        key = text.split('name="key" value="')[1].split('"')[0]
        data = {"key": key, "amount": "12598.40", "unit_code": assessed.unit_a.credit_code}
        # the first press asks the clerk to confirm, naming the amount, and takes nothing yet
        asked = client.post(f"/window/arrears/{bill_a(assessed).pk}/collect/", data)
        assert asked.status_code == 200 and 'id="confirm-collect"' in asked.content.decode()
        assert "12598.40" in asked.content.decode() and not Payment.objects.exists()
        # confirmed (twice: a double click) — one payment
        data["confirmed"] = "1"
        first = client.post(f"/window/arrears/{bill_a(assessed).pk}/collect/", data)
        second = client.post(f"/window/arrears/{bill_a(assessed).pk}/collect/", data)
    assert (first.status_code, second.status_code) == (302, 302)
    payment = Payment.objects.get(bill=bill_a(assessed))
    assert (payment.channel, payment.amount, payment.actor_id) == ("hall", D("12598.40"), clerk.pk)


def test_the_window_finds_a_person_by_id_number(assessed, clerk):
    with time_machine.travel(dt.datetime(2026, 2, 25, 9, 0, tzinfo=SHANGHAI), tick=False):
        client = sign_in(Client(), clerk)
        page = client.get("/window/arrears/", {"id_number": assessed.f1.id_number})
    text = page.content.decode()
    # 2248.80 × 0.0005 × 10 = 11.24
    assert page.status_code == 200 and "11.24" in text and "2260.04" in text
    masked = assessed.f1.id_number[:4] + "*" * 10 + assessed.f1.id_number[-4:]
    assert f"<h2>{assessed.f1.name} {masked}</h2>" in text


def test_the_window_is_for_clerks_of_the_district(assessed, other_district_clerk, bank_agent):
    other = sign_in(Client(), other_district_clerk)
    assert other.get("/window/arrears/", {"unit_code": assessed.unit_a.credit_code}).status_code == 404
    assert other.post(f"/window/arrears/{bill_a(assessed).pk}/collect/", {"key": "K", "amount": "1"}).status_code == 404
    agent = sign_in(Client(), bank_agent)
    assert agent.get("/window/arrears/").status_code == 403
    assert not Payment.objects.exists()


def test_the_insured_person_sees_every_month_and_its_state(assessed):
    account = citizen_account(id_number=assessed.f1.id_number, name=assessed.f1.name)
    assessed.f1.account = account
    assessed.f1.save(update_fields=["account"])
    with time_machine.travel(dt.datetime(2026, 2, 20, 9, 0, tzinfo=SHANGHAI), tick=False):
        client = sign_in(Client(), account)
        response = client.get("/my/contributions/")
    text = response.content.decode()
    assert response.status_code == 200
    assert "2026-01" in text and "7496.00" in text and "1499.20" in text and "599.68" in text
    assert "month-arrears" in text
    # a unit operator has no months page
    assert (
        sign_in(Client(), AccountFactory(username="u:x", unit_code="X", kind="unit", role="unit"))
        .get("/my/contributions/")
        .status_code
        == 403
    )


def test_every_page_uses_the_one_sign_in_check():
    # given the shell's pages and the contributions pages
    from shebao.contributions.views import _pages
    from shebao.core import http
    from shebao.web import access

    # then both guard with core's one function (no second copy to drift)
    assert access.signed_in is _pages.signed_in is http.signed_in


def test_an_htmx_request_on_a_unit_page_after_the_session_expired_takes_the_page_to_sign_in(assessed):
    # given a unit page open in a browser whose session has expired
    client = Client()
    bill = bill_a(assessed)
    # when htmx posts the payment from that page
    response = client.post(
        f"/unit/bills/{bill.pk}/pay/",
        {"key": "X-1", "amount": "12566.98"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL=f"http://testserver/unit/bills/{bill.pk}/",
    )
    # then the whole page goes to sign in and comes back to the bill, and nothing is paid
    assert response.status_code == 401
    assert response["HX-Redirect"] == f"/login/unit/?next=/unit/bills/{bill.pk}/"  # the unit sign-in
    assert not Payment.objects.exists()
