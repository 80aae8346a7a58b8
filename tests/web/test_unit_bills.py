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
from shebao.core.models import Account, Role
from tests.contributions.test_assessment import JAN, SHANGHAI, frozen, world  # noqa: F401 (fixtures)
from tests.factories import AccountFactory, citizen_account
from tests.web.support import sign_in

D = Decimal


@pytest.fixture
def assessed(world, admin_user, frozen):  # noqa: F811
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


def test_paying_online_twice_with_the_forms_key_pays_once_and_gives_a_receipt(assessed, operator):
    bill = bill_a(assessed)
    # the form carries the amount due and a fresh key
    form = operator.get(f"/unit/bills/{bill.pk}/").content.decode()
    key = form.split('name="key" value="')[1].split('"')[0]
    assert key.startswith("WEB-") and 'name="amount" value="12566.98"' in form
    # when the operator double-clicks
    first = operator.post(f"/unit/bills/{bill.pk}/pay/", {"key": key, "amount": "12566.98"})
    second = operator.post(f"/unit/bills/{bill.pk}/pay/", {"key": key, "amount": "12566.98"})
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


def test_a_wrong_amount_is_shown_on_the_page_not_a_500(assessed, operator):
    bill = bill_a(assessed)
    response = operator.post(f"/unit/bills/{bill.pk}/pay/", {"key": "W-1", "amount": "100.00"})
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


def test_declaring_bases_validates_every_wage_and_writes_nothing_on_error(assessed, operator):
    page = operator.get("/unit/bases/2026/")
    assert page.status_code == 200 and assessed.p3.name in page.content.decode()
    # when one wage is negative
    bad = operator.post("/unit/bases/2026/", {f"wage_{assessed.p3.pk}": "-5", f"wage_{assessed.p2.pk}": "9000"})
    # then
    assert bad.status_code == 422
    assert not DeclaredBase.objects.filter(year=2026, person=assessed.p2).exists()
    # when all are valid
    good = operator.post("/unit/bases/2026/", {f"wage_{assessed.p3.pk}": "6000.50", f"wage_{assessed.p2.pk}": "9000"})
    assert good.status_code == 302
    assert DeclaredBase.objects.get(unit=assessed.unit_a, person=assessed.p3, year=2026).wage == D("6000.50")
    # three decimals are refused
    assert operator.post("/unit/bases/2026/", {f"wage_{assessed.p3.pk}": "1.234"}).status_code == 422


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
