"""POST /api/v1/calculators/contribution and /account-interest: public, the same figures as
the rules, 422 with Chinese and English messages for bad input (never a 500)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

D = Decimal
CONTRIBUTION = "/api/v1/calculators/contribution"
INTEREST = "/api/v1/calculators/account-interest"

pytestmark = pytest.mark.django_db


def post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_contribution_for_an_employee_below_the_floor_without_signing_in(client):
    # when an anonymous visitor asks for March 2025 at a wage of 3000
    response = post(client, CONTRIBUTION, {"person_type": "employee", "month": "2025-03", "wage": "3000"})
    # then the base is the floor 4498 and each amount is base × rate, rounded half up
    assert response.status_code == 200, response.content
    body = response.json()
    assert (D(body["base"]), body["limit_applied"]) == (D("4498"), "floor")
    lines = {x["insurance"]: x for x in body["insurances"]}
    assert D(lines["pension"]["employer"]) == D("719.68")  # 4498 × 16%
    assert D(lines["pension"]["personal"]) == D("359.84")  # 4498 × 8%
    assert D(lines["unemployment"]["employer"]) == D("31.49")  # 31.486 → 31.49
    assert D(lines["injury"]["employer"]) == D("9.00")  # class 1: 0.2%
    assert D(lines["medical"]["employer"]) == D("391.33")  # 4498 × 8.7% (maternity merged in from 2019)
    assert D(body["total"]) == D("1614.79")
    assert D(body["account_credit"]) == D("359.84")
    rows = {r["key"]: r for r in body["rules"]}
    assert rows["employee/pension/employer"]["table"] == "ContributionRate"
    assert rows["employee/pension/employer"]["effective_from"] == "2021-01-01"
    assert rows["employee/pension/employer"]["confidence"] == "H"
    assert rows["2025/floor"]["confidence"] == "L"
    # March 2025 has its own published limits: not provisional
    assert (body["provisional"], body["carried_forward"]) == (False, [])


def test_contribution_risk_class_changes_only_the_injury_amount(client):
    # class 8: 1.9% of 8000 = 152.00
    body = post(
        client, CONTRIBUTION, {"person_type": "employee", "month": "2025-03", "wage": "8000", "risk_class": 8}
    ).json()
    lines = {x["insurance"]: x for x in body["insurances"]}
    assert D(lines["injury"]["employer"]) == D("152.00")
    assert body["limit_applied"] is None


def test_contribution_for_a_flexible_worker_at_the_cap(client):
    # grade 3.00 × 7496 = 22488 = the cap: pension 20% = 4497.60, account 8% = 1799.04
    body = post(client, CONTRIBUTION, {"person_type": "flexible", "month": "2025-07", "grade": "3.00"}).json()
    assert D(body["base"]) == D("22488")
    lines = {x["insurance"]: x for x in body["insurances"]}
    assert D(lines["pension"]["personal"]) == D("4497.60")
    assert lines["pension"]["employer"] is None
    assert D(body["account_credit"]) == D("1799.04")


def test_account_interest_with_one_amount_every_month(client):
    # B0 10000, 2024 (2.62%), 500 a month: 262.00 + 85.15 = 347.15, closing 16347.15 (see test_rules)
    response = post(client, INTEREST, {"opening_balance": "10000", "year": 2024, "monthly_credit": "500"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert D(body["interest_on_opening"]) == D("262.00")
    assert D(body["interest_on_credits"]) == D("85.15")
    assert D(body["closing_balance"]) == D("16347.15")
    assert (D(body["rate"]), body["provisional"]) == (D("0.0262"), False)


def test_account_interest_with_twelve_amounts_and_a_part_year(client):
    # 2023 (3.97%), retirement in March (k = 3): B0 = 0; credits 1000, 2000, 3000 in Jan-Mar
    # 1000 × 3 + 2000 × 2 + 3000 × 1 = 10000 month-yuan; × 0.0397 / 12 = 33.0833… → 33.08
    credits = ["1000", "2000", "3000"] + ["999"] * 9  # after March: not counted
    body = post(
        client, INTEREST, {"opening_balance": "0", "year": 2023, "monthly_credits": credits, "months": 3}
    ).json()
    assert D(body["interest_on_credits"]) == D("33.08")
    assert D(body["closing_balance"]) == D("6033.08")


def test_account_interest_of_a_part_year_without_a_published_rate_is_provisional(client):
    body = post(client, INTEREST, {"opening_balance": "1000", "year": 2026, "monthly_credit": "0", "months": 6}).json()
    # 2025's 1.50% stands in: 1000 × 0.015 × 6/12 = 7.50
    assert (D(body["rate"]), body["provisional"]) == (D("0.015"), True)
    assert D(body["interest"]) == D("7.50")
    assert [(r["table"], r["key"], r["provisional"]) for r in body["carried_forward"]] == [
        ("InterestRate", "2025", True)
    ]


def test_contribution_in_a_month_after_the_last_published_limits_is_provisional_naming_the_row(client):
    # when a month of 2026 is asked (no 2026 base-limit row is published yet)
    body = post(client, CONTRIBUTION, {"person_type": "employee", "month": "2026-03", "wage": "3000"}).json()
    # then the 2025 row is used, and the answer says so and which row it is
    assert (D(body["base"]), body["provisional"]) == (D("4498"), True)
    assert {(r["table"], r["key"], r["effective_from"]) for r in body["carried_forward"]} == {
        ("WageBase", "2025/average", "2025-01-01"),
        ("WageBase", "2025/floor", "2025-01-01"),
        ("WageBase", "2025/cap", "2025-01-01"),
    }
    assert all(r["provisional"] for r in body["carried_forward"])
    assert any("暂定" in step for step in body["steps"])


def test_the_page_shows_a_provisional_month_with_the_row_carried_forward(client):
    form = {"person_type": "flexible", "month": "2026-03", "grade": "1.00", "risk_class": "1"}
    response = client.post("/calculators/contribution/", form, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="provisional"' in html and "WageBase" in html and "2025/average" in html


@pytest.mark.parametrize(
    ("url", "body", "named"),
    [
        (CONTRIBUTION, {"person_type": "employee", "month": "2025-03", "wage": "-1"}, "wage"),
        (CONTRIBUTION, {"person_type": "employee", "month": "2025-13", "wage": "5000"}, "month"),
        (CONTRIBUTION, {"person_type": "flexible", "month": "2025-03", "grade": "0.5"}, "grade"),
        (CONTRIBUTION, {"person_type": "flexible", "month": "2025-03", "grade": "3.5"}, "grade"),
        (CONTRIBUTION, {"person_type": "employee", "region": "shanghai", "month": "2025-03", "wage": "5000"}, "region"),
        (CONTRIBUTION, {"person_type": "employee", "month": "2025-03"}, "wage"),
        (CONTRIBUTION, {"person_type": "employee", "month": "2025-03", "wage": "5000", "risk_class": 0}, "risk_class"),
        (CONTRIBUTION, {"person_type": "employee", "month": "2010-03", "wage": "5000"}, "month"),
        (CONTRIBUTION, {"person_type": "pensioner", "month": "2025-03", "wage": "5000"}, "person_type"),
        (CONTRIBUTION, {"person_type": "employee", "month": "2025-03", "wage": "abc"}, "wage"),
        (INTEREST, {"opening_balance": "-5", "year": 2024, "monthly_credit": "100"}, "opening_balance"),
        (INTEREST, {"opening_balance": "0", "year": 2026, "monthly_credit": "100"}, "year"),
        (INTEREST, {"opening_balance": "0", "year": 2024, "monthly_credit": "-100"}, "monthly_credit"),
        (INTEREST, {"opening_balance": "0", "year": 2024, "monthly_credits": ["1"] * 11}, "monthly_credits"),
        (INTEREST, {"opening_balance": "0", "year": 2024, "monthly_credit": "1", "months": 13}, "months"),
    ],
)
def test_bad_input_is_a_422_naming_the_field_in_chinese_and_english(client, url, body, named):
    response = post(client, url, body)
    assert response.status_code == 422, response.content
    data = response.json()
    assert data["message"] and data["message_en"]
    assert named in json.dumps(data, ensure_ascii=False)


def test_a_year_without_a_rate_is_named_in_the_message(client):
    data = post(client, INTEREST, {"opening_balance": "0", "year": 2026, "monthly_credit": "100"}).json()
    assert "2026" in data["message"] and "2026" in data["message_en"]


# --- the public page (works without JavaScript; htmx swaps only the result) ------------------------


def test_the_calculators_page_is_public(client):
    response = client.get("/calculators/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'action="/calculators/contribution/"' in html and 'action="/calculators/interest/"' in html


def test_the_page_without_javascript_returns_the_whole_page_with_the_api_figures(client):
    form = {"person_type": "employee", "month": "2025-03", "wage": "3000", "risk_class": "1"}
    response = client.post("/calculators/contribution/", form)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" in html and "1614.79" in html and "4498" in html  # as the API: total and floor
    assert 'data-testid="provisional"' not in html


def test_htmx_gets_only_the_result_fragment(client):
    form = {"opening_balance": "10000", "year": "2024", "monthly_credit": "500"}
    response = client.post("/calculators/interest/", form, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "262.00" in html and "85.15" in html and "16347.15" in html


@pytest.mark.parametrize(
    ("url", "form"),
    [
        (
            "/calculators/contribution/",
            {"person_type": "flexible", "month": "2025-03", "grade": "0.5", "risk_class": "1"},
        ),
        ("/calculators/contribution/", {"person_type": "employee", "month": "2025-13", "wage": "1", "risk_class": "1"}),
        ("/calculators/interest/", {"opening_balance": "0", "year": "2026", "monthly_credit": "100"}),
        ("/calculators/interest/", {"opening_balance": "-1", "year": "2024", "monthly_credit": "100"}),
    ],
)
def test_the_page_shows_a_clear_message_for_bad_input(client, url, form):
    response = client.post(url, form, headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert 'role="alert"' in response.content.decode()
