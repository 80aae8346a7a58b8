"""GET /api/v1/calendar/due-date and /workday."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_due_date_endpoint(client):
    response = client.get("/api/v1/calendar/due-date", {"start": "2026-02-12", "workdays": 5})
    assert response.status_code == 200
    body = response.json()
    assert body["due_date"] == "2026-02-26"
    assert body["provisional"] is False


def test_due_date_into_an_unpublished_year_is_provisional(client):
    body = client.get("/api/v1/calendar/due-date", {"start": "2026-12-25", "workdays": 10}).json()
    assert body == {
        "start": "2026-12-25",
        "workdays": 10,
        "due_date": "2027-01-08",
        "provisional": True,
        "provisional_years": [2027],
    }


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"start": "2026-02-30", "workdays": 5}, "日期"),
        ({"start": "yesterday", "workdays": 5}, "日期"),
        ({"start": "2026-02-12", "workdays": -1}, "负数"),
        ({"start": "2026-02-12", "workdays": "five"}, "整数"),
        ({"workdays": 5}, "缺少"),
    ],
)
def test_bad_input_gets_a_422_with_a_chinese_and_english_message(client, params, fragment):
    response = client.get("/api/v1/calendar/due-date", params)
    assert response.status_code == 422
    body = response.json()
    assert fragment in body["message"]
    assert body["message_en"]


def test_workday_endpoint(client):
    assert client.get("/api/v1/calendar/workday", {"date": "2026-02-14"}).json()["workday"] is True
    assert client.get("/api/v1/calendar/workday", {"date": "2026-02-16"}).json()["workday"] is False


def test_openapi_schema_is_served(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/calendar/due-date" in schema["paths"]
