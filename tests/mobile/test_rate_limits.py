"""The app API's rate limits: per sign-in (a token and the tokens refreshed from it) and per
address, in one-minute windows; over the limit a 429 in Chinese and English with Retry-After."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from tests.mobile.conftest import PHONE, app_sign_in, bearer

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
AT = dt.datetime(2026, 2, 10, 10, 0, 45, tzinfo=SHANGHAI)  # 45 s into a minute: 15 s left in the window
ME = "/api/v1/app/me"

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock():
    with time_machine.travel(AT, tick=False) as traveller:
        yield traveller


def _limited(response) -> None:
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "rate_limited"
    assert body["message"] == "请求过于频繁，请 15 秒后再试"
    assert body["message_en"] == "Too many requests: try again in 15 seconds"
    assert response["Retry-After"] == "15"


def test_a_token_over_its_minute_is_429_and_another_person_s_token_is_not(
    client, settings, clock, citizen, other_citizen
):
    settings.SHEBAO_APP_RATE_PER_TOKEN = 3
    mine = bearer(app_sign_in(client, citizen).json()["access_token"])
    theirs = bearer(app_sign_in(client, other_citizen).json()["access_token"])
    assert [client.get(ME, **mine).status_code for _ in range(3)] == [200, 200, 200]
    _limited(client.get(ME, **mine))
    assert client.get(ME, **theirs).status_code == 200
    # the next minute starts a new count
    clock.shift(dt.timedelta(seconds=15))
    assert client.get(ME, **mine).status_code == 200


def test_a_refreshed_token_keeps_its_sign_in_s_count(client, settings, clock, citizen):
    settings.SHEBAO_APP_RATE_PER_TOKEN = 2
    pair = app_sign_in(client, citizen).json()
    assert [client.get(ME, **bearer(pair["access_token"])).status_code for _ in range(2)] == [200, 200]
    fresh = client.post(
        "/api/v1/app/auth/refresh",
        {"refresh_token": pair["refresh_token"], "device_id": PHONE},
        content_type="application/json",
    ).json()
    _limited(client.get(ME, **bearer(fresh["access_token"])))


def test_one_address_over_its_minute_is_429_on_the_public_routes_too(client, settings, clock):
    settings.SHEBAO_APP_RATE_PER_ADDRESS = 4
    here = {"REMOTE_ADDR": "10.1.1.1"}
    answers = [client.get("/api/v1/app/guides", **here).status_code for _ in range(2)]
    answers += [client.get("/api/v1/app/outlets/nearby", {"lat": 30.6, "lng": 114.3}, **here).status_code]
    answers += [client.get("/api/v1/app/guides", **here).status_code]
    assert answers == [200, 200, 200, 200]
    _limited(client.get("/api/v1/app/outlets/nearby", {"lat": 30.6, "lng": 114.3}, **here))
    assert client.get("/api/v1/app/guides", REMOTE_ADDR="10.1.1.2").status_code == 200


def test_guessed_tokens_count_against_the_address(client, settings, clock, citizen):
    settings.SHEBAO_APP_RATE_PER_ADDRESS = 3
    guesses = [client.get(ME, **bearer(f"guess-{n}")).status_code for n in range(3)]
    assert guesses == [401, 401, 401]
    _limited(client.get(ME, **bearer("guess-4")))
    # even a good token from that address waits for the window to turn
    assert app_sign_in(client, citizen).status_code == 429


def test_under_the_default_limits_a_busy_person_is_not_stopped(client, clock, citizen):
    headers = bearer(app_sign_in(client, citizen).json()["access_token"])
    assert {client.get(ME, **headers).status_code for _ in range(60)} == {200}
