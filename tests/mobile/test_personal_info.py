"""The app's personal information (function 3) with the app's token: records per insurance and
month, paged; the accounts, the pension, the cases and the statements — the same figures the
JSON API and the pages give the same person, to the fen."""

from __future__ import annotations

import datetime as dt

import pytest

from shebao.cases import services as case_services
from shebao.catalog.definitions import Applicant
from tests.cases.conftest import (  # noqa: F401 (pytest finds fixtures by name)
    ALL,
    _register_test_items,
    at,
    catalogue,
    engine,
    skills,
    working_hours,
)
from tests.mobile.conftest import app_sign_in, bearer
from tests.pensions.support import TOTAL, retiree, retiree_account
from tests.statements.conftest import history, today, unit_a, unit_b  # noqa: F401
from tests.web.support import make_person, sign_in

pytestmark = pytest.mark.django_db
RECORDS = "/api/v1/app/my/records"


@pytest.fixture
def app(client, citizen, history):  # noqa: F811
    response = app_sign_in(client, citizen)
    assert response.status_code == 200
    return bearer(response.json()["access_token"])


def test_records_are_newest_first_a_page_at_a_time_with_each_insurance_s_amounts(client, app):
    # 2024 of 张三 has 11 months (May interrupted); 5 a page → 3 pages, the first Dec … Aug
    body = client.get(RECORDS, {"page_size": 5}, **app).json()
    assert (body["total"], body["pages"], body["page"]) == (11, 3, 1)
    assert [m["period"] for m in body["months"]] == [f"2024-{m:02d}-01" for m in (12, 11, 10, 9, 8)]
    december = body["months"][0]
    # the open December bill was due 15 Jan 2025; on 10 Feb 2025 it is in arrears
    assert (december["status"], december["base"], december["payer"]) == ("arrears", "8000.00", "江岸乙公司")
    # 1 % of 8000 in each of pension, medical, unemployment (individual) and injury (employer)
    assert december["personal"] == "240.00" and december["employer"] == "80.00"
    assert [(i["insurance"], i["personal"], i["employer"]) for i in december["insurances"]] == [
        ("pension", "80.00", None),
        ("medical", "80.00", None),
        ("unemployment", "80.00", None),
        ("injury", None, "80.00"),
    ]
    last = client.get(RECORDS, {"page_size": 5, "page": 3}, **app).json()
    assert [m["period"] for m in last["months"]] == ["2024-01-01"]
    assert last["months"][0]["status"] == "transferred_in" and last["months"][0]["payer"] == ""
    assert client.get(RECORDS, {"page_size": 5, "page": 4}, **app).json()["months"] == []


def test_records_of_one_insurance_are_only_the_months_insured_for_it(client, app):
    body = client.get(RECORDS, {"insurance": "medical", "year": 2024}, **app).json()
    # medical in Mar-Apr (甲) and Jul-Dec (乙); never in the transferred-in or back-paid months
    assert [m["period"][5:7] for m in body["months"]] == ["12", "11", "10", "09", "08", "07", "04", "03"]
    assert {len(m["insurances"]) for m in body["months"]} == {1}
    assert body["months"][-1]["insurances"] == [
        {"insurance": "medical", "label": "医疗保险 / Medical", "personal": "60.00", "employer": None}
    ]
    assert client.get(RECORDS, {"year": 2023}, **app).json()["total"] == 0


def test_records_refuse_an_unknown_insurance_with_a_clear_422(client, app):
    response = client.get(RECORDS, {"insurance": "pets"}, **app)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "insurance"


def test_the_app_s_account_is_the_api_s_to_the_fen(client, citizen, app):
    from_app = client.get("/api/v1/app/my/accounts", {"year": 2024}, **app)
    assert from_app.status_code == 200
    sign_in(client, citizen)
    from_api = client.get("/api/v1/my/account", {"year": 2024}).json()
    assert from_app.json()["pension"] == from_api
    # 10000 transferred in at the end of 2023, and the 2024 credits and interest on top of it
    assert from_api["opening_balance"] == "10000.00"
    # and the medical account as the medical API answers it: the months with a medical contribution credited
    medical = client.get("/api/v1/medical/account").json()
    assert from_app.json()["medical"] == medical
    assert medical["credited"] != "0.00" and medical["entries"]


def test_the_app_s_cases_are_the_api_s_with_progress_and_due_dates(client, citizen, district, engine, clerk):  # noqa: F811
    make_person(district=district, account=citizen, name="张三")
    applicant = Applicant(id_number=citizen.id_number, name=citizen.full_name, district=district, account=citizen)
    case = case_services.case_open(
        actor=clerk,
        item_code="T-L2",
        applicant=applicant,
        channel="hall",
        form={"address": "江岸区胜利街1号"},
        materials=ALL,
    )
    app = bearer(app_sign_in(client, citizen).json()["access_token"])
    from_app = client.get("/api/v1/app/my/cases", **app).json()
    assert [c["number"] for c in from_app] == [case.number]
    assert from_app[0]["due_date"] == str(case.due_date) and case.due_date > dt.date(2026, 2, 10)
    assert from_app[0]["status"] == case.status and from_app[0]["phases"]
    sign_in(client, citizen)
    assert client.get("/api/v1/cases/mine").json() == from_app


def test_the_app_s_pension_is_the_api_s(client, district, approver, engine):  # noqa: F811
    account = retiree_account(district)
    retiree(district=district, approver=approver, account=account)
    app = bearer(app_sign_in(client, account).json()["access_token"])
    from_app = client.get("/api/v1/app/my/pension", **app).json()
    sign_in(client, account)
    assert from_app == client.get("/api/v1/my/pension").json()
    assert from_app["monthly"] == str(TOTAL) == "2686.02"


def test_statements_list_and_download_only_the_person_s_own(client, app, other_citizen, district):
    listing = client.get("/api/v1/app/my/statements", **app).json()
    assert 2024 in listing["years"]
    issued = client.get("/api/v1/my/statements/2024", **app).json()  # the API issues the year's statement
    listing = client.get("/api/v1/app/my/statements", **app).json()
    assert [s["ref"] for s in listing["issued"]] == [issued["ref"]]
    pdf_url = listing["issued"][0]["pdf_url"]
    assert pdf_url == f"/api/v1/app/my/statements/{issued['ref']}/pdf"
    pdf = client.get(pdf_url, **app)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    # another person's token: that number is nobody's they may read
    make_person(district=district, account=other_citizen, name="李四")
    theirs = bearer(app_sign_in(client, other_citizen).json()["access_token"])
    assert client.get(pdf_url, **theirs).status_code == 404


def test_a_citizen_without_a_registry_record_is_told_so(client, other_citizen):
    theirs = bearer(app_sign_in(client, other_citizen).json()["access_token"])
    response = client.get(RECORDS, **theirs)
    assert response.status_code == 404 and response.json()["message"]
