"""The calculator contract: POST /api/v1/calculators/unemployment, the answer's keys and values
for the issue's example and the boundaries, bilingual reasons, and 422 naming the field."""

from __future__ import annotations

import pytest

from shebao.unemployment.models import Parameter

URL = "/api/v1/calculators/unemployment"
EXAMPLE = {
    "region": "wuhan",
    "contribution_months": 60,
    "separation_reason": "contract_ended",
    "previous_unused_months": 0,
    "month": "2026-12",
}


def post(client, **changes):
    return client.post(URL, {**EXAMPLE, **changes}, content_type="application/json")


@pytest.mark.django_db
def test_the_issues_example_answers_the_contract(client):
    response = post(client)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"eligible", "reasons", "max_months", "monthly_benefit", "provisional", "derivation"}
    assert body["eligible"] is True and body["reasons"] == []
    assert body["max_months"] == 18  # 60 months: the ≥60 step
    assert body["monthly_benefit"] == "1809.00"  # 2010 × 90%
    assert body["provisional"] is True  # Hubei's 90% and Wuhan's 2010 are confidence L
    refs = {r["key"]: r for r in body["derivation"]["rules"]}
    assert refs["minimum_wage"]["value"] == "2010" and refs["minimum_wage"]["confidence"] == "L"
    assert refs["benefit_share"]["value"] == "0.9"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("months", "unused", "expected"), [(11, 0, 0), (12, 0, 12), (59, 0, 12), (60, 6, 24), (119, 0, 18), (120, 12, 24)]
)
def test_the_months_at_the_boundaries_with_carried_entitlement(client, months, unused, expected):
    body = post(client, contribution_months=months, previous_unused_months=unused).json()
    assert body["max_months"] == expected


@pytest.mark.django_db
def test_a_resignation_is_refused_with_the_reason_in_both_languages(client):
    body = post(client, separation_reason="resigned").json()
    assert body["eligible"] is False and body["max_months"] == 0 and body["monthly_benefit"] == "0.00"
    [reason] = body["reasons"]
    assert reason["code"] == "voluntary"
    assert "本人主动辞职" in reason["message"] and "Resigned" in reason["message_en"]


@pytest.mark.django_db
def test_an_administrators_new_minimum_wage_is_used_from_its_month(client):
    # given the administrator records a new Wuhan minimum wage from 2027-01
    Parameter.objects.create(
        region="wuhan", key="minimum_wage", value=2200, effective_from="2027-01-01", source="test", confidence="M"
    )
    assert post(client, month="2026-12").json()["monthly_benefit"] == "1809.00"
    assert post(client, month="2027-01").json()["monthly_benefit"] == "1980.00"  # 2200 × 0.9


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"separation_reason": "fired_for_fun"}, "separation_reason"),
        ({"month": "2026-13"}, "month"),
        ({"month": "12/2026"}, "month"),
        ({"region": "shanghai"}, "region"),
        ({"contribution_months": -1}, "contribution_months"),
        ({"previous_unused_months": 25}, "previous_unused_months"),
        ({"contribution_months": "many"}, "contribution_months"),
        # a JSON true was read as 1 month ("1 months of contributions"), false as 0
        ({"contribution_months": True}, "contribution_months"),
        ({"previous_unused_months": False}, "previous_unused_months"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(client, changes, field):
    response = post(client, **changes)
    assert response.status_code == 422
    body = response.json()
    # a field the schema refuses is named by its path in the body (data.<field>)
    named = body.get("field") or [e["field"].removeprefix("data.") for e in body.get("errors", [])]
    assert named in (field, [field])
    assert body["message"] and body["message_en"]
