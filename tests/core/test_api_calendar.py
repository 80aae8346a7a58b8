"""GET /api/v1/calendar/due-date and /workday."""

from __future__ import annotations

import pytest

from shebao.core import workdays as working_days

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
        "due_date": "2027-01-11",  # 1 Jan 2027 (元旦) rests by the regulation before any notice
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


# --- every date parameter: ISO YYYY-MM-DD within the calendar's documented range --------------


@pytest.mark.parametrize(
    ("url", "field", "fragment"),
    [
        ("/api/v1/calendar/due-date?start=9999-12-31&workdays=1", "start", "1900-01-01 至 2199-12-31"),  # a 500
        ("/api/v1/calendar/workday?date=0", "date", "YYYY-MM-DD"),  # was taken as 1970-01-01
        ("/api/v1/calendar/workday?date=1767225600", "date", "YYYY-MM-DD"),  # a Unix time
        ("/api/v1/calendar/workday?date=1899-12-31", "date", "1900-01-01 至 2199-12-31"),
        ("/api/v1/calendar/workday?date=2200-01-01", "date", "1900-01-01 至 2199-12-31"),
        ("/api/v1/calendar/workday?date=20260212", "date", "YYYY-MM-DD"),
        ("/api/v1/calendar/workday?date=2026-02-12T00:00:00", "date", "YYYY-MM-DD"),
        ("/api/v1/calendar/workday?date=%EF%BC%92%EF%BC%90%EF%BC%92%EF%BC%96-02-12", "date", "YYYY-MM-DD"),  # ２０２６
        ("/api/v1/calendar/workday?date=2026-02-30", "date", "日期不存在"),
    ],
)
def test_a_date_outside_the_range_or_not_iso_is_a_422_naming_the_field(client, url, field, fragment):
    # when a calendar route is asked for a date it cannot take
    response = client.get(url)

    # then a 422 in both languages naming the parameter, never a 500 nor a guess
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["errors"][0]["field"] == field
    assert fragment in body["message"]
    assert body["message_en"].startswith(f"{field}: ")


@pytest.mark.parametrize("day", ["1900-01-01", "2199-12-31"])
def test_the_first_and_last_day_of_the_range_are_answered(client, day):
    response = client.get("/api/v1/calendar/workday", {"date": day})
    assert response.status_code == 200, response.content
    assert response.json()["date"] == day


def test_a_due_date_that_would_fall_beyond_the_range_is_a_422(client):
    response = client.get("/api/v1/calendar/due-date", {"start": "2199-12-31", "workdays": 1})
    assert response.status_code == 422
    assert "2199" in response.json()["message"]


def test_the_range_and_format_are_documented_in_the_openapi_schema(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path, name in (("/api/v1/calendar/workday", "date"), ("/api/v1/calendar/due-date", "start")):
        (parameter,) = [p for p in paths[path]["get"]["parameters"] if p["name"] == name]
        schema = parameter["schema"]
        assert schema["format"] == "date" and schema["pattern"] == "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
        assert "1900-01-01" in schema["description"] and "2199-12-31" in schema["description"]
        assert "422" in paths[path]["get"]["responses"]


# --- the API's errors are JSON, never an HTML error page ---------------------------------------


def test_a_method_the_route_does_not_take_is_a_json_405(client):
    response = client.put("/api/v1/calendar/workday?date=2026-02-12")
    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "method_not_allowed"
    assert "GET" in response["Allow"]


def test_an_unexpected_failure_is_a_json_500(client, monkeypatch):
    # given a bug deep in the calendar
    def broken(day):
        raise RuntimeError("a bug")

    monkeypatch.setattr(working_days, "is_workday", broken)
    client.raise_request_exception = False

    # when the route runs, then the API answers its own JSON 500, not Django's page
    response = client.get("/api/v1/calendar/workday", {"date": "2026-02-12"})
    assert response.status_code == 500
    body = response.json()
    assert body["code"] == "server_error" and body["message"] and body["message_en"]
    assert "a bug" not in response.content.decode()  # nothing of the failure leaks
