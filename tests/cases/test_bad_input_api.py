"""Bad input found by fuzzing the API (schemathesis and by hand): each answers a 4xx with a
message in Chinese and English, never a 500, and writes nothing."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from django.test import Client

from shebao.cases.models import Case
from shebao.catalog.definitions import clean_form
from shebao.core.errors import InvalidInput
from tests.cases.test_api import post, staff_client

pytestmark = pytest.mark.django_db


def bilingual(response, status: int | tuple[int, ...]) -> dict:
    assert response.status_code in ((status,) if isinstance(status, int) else status), response.content[:300]
    body = response.json()
    assert body["message"] and body["message_en"] and body["message"] != body["message_en"]
    return body


@pytest.mark.parametrize(
    ("method", "url", "payload"),
    [
        ("get", "/api/v1/catalog/items?q=%00", None),
        ("get", "/api/v1/cases/lookup?number=%00&id_suffix=123456", None),
        ("post", "/api/v1/calculators/contribution", '{"person_type":"employee","region":"\\u0000","month":"2025-01"}'),
    ],
)
def test_a_nul_character_is_refused_before_any_view(client, method, url, payload):
    # PostgreSQL cannot store NUL: the text columns failed with a 500 there
    response = client.get(url) if method == "get" else client.post(url, data=payload, content_type="application/json")
    assert "NUL" in bilingual(response, 400)["message_en"]


@pytest.mark.parametrize("encoding", ["multipart", "urlencoded"])
def test_a_nul_character_in_a_page_form_is_refused(client, encoding):
    data = {"number": "1\x002", "id_suffix": "123456"}
    if encoding == "multipart":
        response = client.post("/track/", data)
    else:
        response = client.post("/track/", urlencode(data), content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400 and "NUL" in response.content.decode()


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        ("/api/v1/calculators/account-interest", {"opening_balance": "1e30", "year": 2024}, "opening_balance"),
        (
            "/api/v1/calculators/account-interest",
            {"opening_balance": "0", "monthly_credit": "1e30", "year": 2024},
            "monthly_credit",
        ),
        (
            "/api/v1/calculators/contribution",
            {"person_type": "employee", "month": "²⁰²⁶-01", "wage": 5000},
            "month",
        ),
    ],
)
def test_calculators_refuse_amounts_and_months_they_cannot_compute(client, url, body, field):
    assert bilingual(post(client, url, body), 422)["field"] == field


@pytest.mark.parametrize(
    "url",
    ["/api/v1/calendar/workday?date=9999-06-01", "/api/v1/calendar/due-date?start=9999-12-30&workdays=5"],
)
def test_dates_beyond_the_calendar_are_a_422_not_an_overflow(client, url):
    assert "calendar" in bilingual(client.get(url), 422)["message_en"]


def test_a_non_ascii_suffix_is_a_422(client, engine, clerk, applicant):
    from tests.cases.test_workflow import open_case

    case = open_case(clerk, applicant)
    response = client.get("/api/v1/cases/lookup", {"number": case.number, "id_suffix": "一二三四五六"})
    bilingual(response, 422)


def test_a_page_offset_beyond_any_backlog_is_an_empty_page(client, engine, clerk):
    staff_client(client, clerk)
    response = client.get("/api/v1/workbench/queue", {"offset": 9223372036854775800})
    assert response.status_code == 200 and response.json() == []


def test_a_body_too_large_is_a_413(client):
    body = json.dumps({"person_type": "employee", "month": "2025-01", "region": "x" * 3_000_000})
    response = client.post("/api/v1/calculators/contribution", data=body, content_type="application/json")
    bilingual(response, 413)


def test_multipart_without_a_boundary_is_a_4xx(engine, citizen):
    strict = Client(enforce_csrf_checks=True)  # the CSRF check is what parses the body
    strict.force_login(citizen)
    token = "a" * 32
    strict.cookies["csrftoken"] = token
    response = strict.post(
        "/api/v1/cases", data=b"{}", content_type="multipart/form-data", headers={"X-CSRFToken": token}
    )
    bilingual(response, (400, 415, 422))  # a form to a JSON route (it was a 500)
    assert not Case.objects.exists()


def test_a_missing_csrf_token_is_refused_in_both_languages(engine, citizen, open_body):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(citizen)
    response = post(strict, "/api/v1/cases", open_body)
    assert "CSRF" in bilingual(response, 403)["message_en"]
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"phone": "1" * 500}, "phone"),
        ({"applicant_name": "张" * 500}, "applicant_name"),
        ({"unit_code": "9" * 40}, "unit_code"),
    ],
)
def test_over_long_applicant_fields_are_refused_and_nothing_is_written(
    client, engine, citizen, open_body, change, field
):
    client.force_login(citizen)
    body = bilingual(post(client, "/api/v1/cases", {**open_body, **change}), 422)
    assert field in json.dumps(body)
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    ("spec", "raw", "message"),
    [
        ({"name": "wage_base", "label": "工资", "type": "decimal"}, "1e20", "超出允许范围"),
        ({"name": "wage_base", "label": "工资", "type": "decimal"}, "100.001", "两位小数"),
        ({"name": "count", "label": "人数", "type": "int"}, "9" * 30, "超出允许范围"),
        ({"name": "phone", "label": "电话", "type": "phone"}, "¹³⁸⁰⁰⁰⁰⁰⁰⁰⁰", "手机号码"),
    ],
)
def test_form_numbers_are_bounded_by_what_the_ledger_holds(spec, raw, message):
    with pytest.raises(InvalidInput, match=message):
        clean_form([spec], {spec["name"]: raw})


def test_an_unknown_api_path_answers_json_and_a_page_path_the_house_page(client):
    assert bilingual(client.get("/api/v1/no-such-thing"), 404)["code"] == "not_found"
    page = client.get("/no-such-page/")
    assert page.status_code == 404 and "<html" in page.content.decode()


def test_the_openapi_schema_documents_each_routes_refusals(client):
    spec = client.get("/api/v1/openapi.json").json()
    opening = spec["paths"]["/api/v1/cases"]["post"]["responses"]
    assert {"201", "400", "401", "403", "404", "409", "413", "422"} <= set(opening)
    assert opening["409"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorOut")
    assert {"404", "429"} <= set(spec["paths"]["/api/v1/cases/lookup"]["get"]["responses"])
    error = spec["components"]["schemas"]["ErrorOut"]
    assert {"code", "message", "message_en"} <= set(error["required"])


def test_a_body_that_is_not_json_is_a_400_in_the_house_shape(client):
    response = client.post("/api/v1/calculators/contribution", data=b"{not json", content_type="application/json")
    assert bilingual(response, 400)["code"] == "bad_request"
