"""POST /api/v1/calculators/pension and GET /api/v1/calculators/retirement-age: the contract
issue 11 names (field names, money as strings to the fen), public, the rule rows of the
retirement month (provisional past the last published year), and 422s naming the field in
Chinese and English — never a 500."""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from decimal import Decimal

import pytest
import time_machine

from shebao.pensions.models import PensionBase, TransitionRule

D = Decimal
PENSION = "/api/v1/calculators/pension"
AGE = "/api/v1/calculators/retirement-age"
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
CONTRACT = {
    "region": "wuhan",
    "average_wage": "9112.00",
    "average_index": "0.60",
    "contribution_months": 180,
    "account_balance": "60000.00",
    "age_years": 60,
    "age_months": 0,
    "deemed_months": 0,
}

pytestmark = pytest.mark.django_db


def post(client, body):
    return client.post(PENSION, data=json.dumps(body), content_type="application/json")


def test_the_issue_example_answers_each_component_to_the_fen(client):
    # when an anonymous caller sends the example of issue 11
    response = post(client, CONTRACT)
    # then: basic (9112 + 9112 × 0.60) / 2 × 15 × 1% = 1093.44; account 60000 / 139 = 431.65
    assert response.status_code == 200, response.content
    body = response.json()
    assert {k: body[k] for k in ("basic_pension", "account_pension", "transition_pension", "total")} == {
        "basic_pension": "1093.44",
        "account_pension": "431.65",
        "transition_pension": "0.00",
        "total": "1525.09",
    }
    assert body["months_divisor"] == "139.0"
    assert body["provisional"] is False  # the caller gave C̄: no rule row stood in for it
    keys = [line["key"] for line in body["derivation"]]
    assert keys[:4] == ["average_wage", "average_index", "indexed_wage", "contribution_years"]
    assert "total" in keys
    assert all(
        set(line) == {"key", "label_zh", "label_en", "formula", "value", "rule_ref"} for line in body["derivation"]
    )


def test_transition_pension_uses_the_wuhan_rule_row(client):
    # given 120 deemed months within 420, Z̄ = 1.2: 9112 × 1.2 × 10 × 1.2% = 1312.128 → 1312.13
    response = post(client, {**CONTRACT, "average_index": "1.2", "contribution_months": 420, "deemed_months": 120})
    body = response.json()
    assert body["transition_pension"] == "1312.13"
    rule = TransitionRule.objects.get(region="wuhan")
    assert f"pensions.TransitionRule#{rule.pk}" in body["rule_refs"]
    line = next(x for x in body["derivation"] if x["key"] == "transition_pension")
    assert line["rule_ref"] == f"pensions.TransitionRule#{rule.pk}"
    assert line["formula"] == "9112.00 × 1.2 × 120/12 × 1.2% = 1312.13"


def test_without_average_wage_a_published_year_uses_its_row(client):
    # when the caller leaves out C̄ for a retirement in March 2025
    body = post(
        client, {**{k: v for k, v in CONTRACT.items() if k != "average_wage"}, "retirement_month": "2025-03"}
    ).json()
    # then the 2025 row (9112) is used, published: not provisional
    row = PensionBase.objects.get(region="wuhan", year=2025)
    assert (body["average_wage"], body["provisional"]) == ("9112.00", False)
    assert body["rule_refs"][0] == f"pensions.PensionBase#{row.pk}"
    assert body["total"] == "1525.09"
    # 2024's row gives (9022 + 5413.2) / 2 × 15 × 1% = 1082.64
    body = post(
        client, {**{k: v for k, v in CONTRACT.items() if k != "average_wage"}, "retirement_month": "2024-12"}
    ).json()
    assert (body["average_wage"], body["basic_pension"]) == ("9022.00", "1082.64")


@time_machine.travel(dt.datetime(2026, 2, 10, 10, 0, tzinfo=SHANGHAI), tick=False)
def test_without_average_wage_this_year_is_provisional_on_last_years_row(client):
    # when C̄ is left out in February 2026, before Wuhan's 2026 figure is published
    body = post(client, {k: v for k, v in CONTRACT.items() if k != "average_wage"}).json()
    # then 2025's 9112 stands in, and the answer says so
    assert (body["average_wage"], body["retirement_month"], body["provisional"]) == ("9112.00", "2026-02", True)
    last = body["derivation"][-1]
    assert last["key"] == "provisional"
    assert "2026年计发基数尚未公布，沿用2025年" in last["label_zh"]


def test_before_the_first_published_year_is_refused(client):
    response = post(
        client, {**{k: v for k, v in CONTRACT.items() if k != "average_wage"}, "retirement_month": "2020-06"}
    )
    assert response.status_code == 422
    assert response.json()["field"] == "average_wage"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"average_index": "abc"}, "average_index"),
        ({"average_index": "3.5"}, "average_index"),
        ({"average_index": "NaN"}, "average_index"),
        ({"average_wage": "0"}, "average_wage"),
        ({"average_wage": "9112.001"}, "average_wage"),
        ({"account_balance": "-1"}, "account_balance"),
        ({"account_balance": "1e9"}, "account_balance"),
        ({"contribution_months": 721}, "contribution_months"),
        ({"deemed_months": 181}, "deemed_months"),
        ({"age_years": 39}, "age_years"),
        ({"age_years": 70, "age_months": 1}, "age_months"),
        ({"age_months": 12}, "age_months"),
        ({"region": "atlantis", "average_wage": None}, "region"),
        ({"retirement_month": "2025-13", "average_wage": None}, "retirement_month"),
        ({"contribution_months": "many"}, "contribution_months"),
    ],
)
def test_bad_input_is_a_422_naming_the_field_in_both_languages(client, change, field):
    body = {**CONTRACT, **change}
    body = {k: v for k, v in body.items() if v is not None}
    response = post(client, body)
    assert response.status_code == 422, response.content
    answer = response.json()
    named = answer.get("field") or ",".join(e["field"] for e in answer.get("errors", []))
    assert field in named
    assert answer["message"] and answer["message_en"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in answer["message"])


def test_a_missing_required_field_is_named(client):
    response = post(client, {k: v for k, v in CONTRACT.items() if k != "average_index"})
    assert response.status_code == 422
    # (the house handler names it with the body parameter, as on every JSON route)
    assert response.json()["errors"][0]["field"].endswith("average_index")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "birth=1965-05&sex=M&base_age=60",
            {"delay_months": 2, "age_years": 60, "age_months": 2, "retirement_month": "2025-07"},
        ),
        (
            "birth=1964-12&sex=M&base_age=60",
            {"delay_months": 0, "age_years": 60, "age_months": 0, "retirement_month": "2024-12"},
        ),
        (
            "birth=1975-03&sex=F&base_age=50",
            {"delay_months": 2, "age_years": 50, "age_months": 2, "retirement_month": "2025-05"},
        ),
        (
            "birth=1981-09&sex=F&base_age=55",
            {"delay_months": 36, "age_years": 58, "age_months": 0, "retirement_month": "2039-09"},
        ),
    ],
)
def test_retirement_age_answers_the_contract(client, query, expected):
    response = client.get(f"{AGE}?{query}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert {k: body[k] for k in expected} == expected


def test_retirement_age_gives_the_window_and_the_minimum():
    from django.test import Client

    body = Client().get(f"{AGE}?birth=1970-01&sex=M&base_age=60").json()
    # born 1970-01: 16 months of delay → 61y4m → 2031-05; window 2030-01 (original 60) to 2034-05;
    # a 2031 retirement needs 192 months
    assert (body["flexible_earliest"], body["flexible_latest"]) == ("2030-01", "2034-05")
    assert body["minimum_contribution_months"] == 192


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("birth=1965-13&sex=M&base_age=60", "birth"),
        ("birth=65-05&sex=M&base_age=60", "birth"),
        ("birth=1965-05&sex=X&base_age=60", "sex"),
        ("birth=1965-05&sex=M&base_age=55", "base_age"),
        ("birth=1965-05&sex=F&base_age=45", "base_age"),
        ("birth=1965-05&sex=M&base_age=abc", "base_age"),
        ("sex=M&base_age=60", "birth"),
    ],
)
def test_retirement_age_bad_input_is_a_422_naming_the_field(client, query, field):
    response = client.get(f"{AGE}?{query}")
    assert response.status_code == 422, response.content
    answer = response.json()
    named = answer.get("field") or ",".join(e["field"] for e in answer.get("errors", []))
    assert field in named


def test_both_calculators_are_in_the_openapi_document(client):
    doc = client.get("/api/v1/openapi.json").json()
    pension = doc["paths"]["/api/v1/calculators/pension"]["post"]
    assert set(pension["responses"]) >= {"200", "422"}
    assert "security" not in pension or pension["security"] == []
    age = doc["paths"]["/api/v1/calculators/retirement-age"]["get"]
    assert {p["name"] for p in age["parameters"]} == {"birth", "sex", "base_age"}


def test_an_administrators_correction_of_the_base_is_audited_and_used_at_once(client, rf, admin_user):
    from django.contrib import admin

    from shebao.core.models import AuditEvent

    # given the 2025 计发基数 (L) corrected from 9112 to 9200 in the admin
    row = PensionBase.objects.get(region="wuhan", year=2025)
    request = rf.post("/admin/")
    request.user = admin_user
    row.amount = D("9200")
    admin.site._registry[PensionBase].save_model(request, row, form=None, change=True)
    # then the change is an audit event with the row before and after
    event = AuditEvent.objects.filter(action="rule.change").latest("id")
    assert (event.before["amount"], event.after["amount"]) == ("9112.00", "9200")
    assert event.actor_id == admin_user.pk
    # and the calculator uses it at once: (9200 + 5520) / 2 × 15 × 1% = 1104.00
    body = post(
        client, {**{k: v for k, v in CONTRACT.items() if k != "average_wage"}, "retirement_month": "2025-03"}
    ).json()
    assert (body["average_wage"], body["basic_pension"]) == ("9200.00", "1104.00")


def test_no_two_api_schemas_share_a_name():
    # ninja names an OpenAPI component by the class name alone: two schemas of one name become
    # one component, and a route is documented with another's fields (the calculator's answer
    # once was, as PensionOut; the contribution calculator's as the statements' InsuranceOut)
    from ninja import Schema

    import shebao.api  # noqa: F401 (every router loaded)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    modules: dict[str, set[str]] = {}
    for schema in subclasses(Schema):
        if schema.__module__.startswith("shebao."):
            modules.setdefault(schema.__name__, set()).add(schema.__module__)
    assert {name: found for name, found in modules.items() if len(found) > 1} == {}
