"""/api/v1/app/auth/…: sign-in with the web's throttle, refresh rotation, revocation."""

from __future__ import annotations

import datetime as dt

import time_machine
from axes.models import AccessAttempt
from django.utils import timezone

from shebao.core.models import AppSession, AppToken
from tests.factories import PASSWORD
from tests.mobile.conftest import PHONE, TABLET, app_sign_in, bearer

ME = "/api/v1/app/me"


def test_sign_in_gives_a_bearer_pair_that_opens_the_person_s_routes(client, citizen):
    response = app_sign_in(client, citizen)
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer"
    access_expires = dt.datetime.fromisoformat(body["access_expires_at"])
    assert dt.timedelta(minutes=14) < access_expires - timezone.now() <= dt.timedelta(minutes=15)
    me = client.get(ME, **bearer(body["access_token"]))
    assert me.status_code == 200 and me.json()["name"] == "张三"


def test_a_wrong_password_is_one_neutral_401_counted_by_the_sign_in_throttle(client, citizen):
    response = app_sign_in(client, citizen, password="wrong-password")
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token" and "登录" in response.json()["message"]
    assert AccessAttempt.objects.filter(username=citizen.id_number).get().failures_since_start == 1
    assert not AppSession.objects.exists()


def test_five_wrong_passwords_lock_the_app_sign_in_even_for_the_right_one(client, citizen):
    answers = [app_sign_in(client, citizen, password="wrong-password").status_code for _ in range(5)]
    assert answers == [401, 401, 401, 401, 429]
    locked = app_sign_in(client, citizen)
    assert locked.status_code == 429
    assert locked.json()["code"] == "too_many_attempts" and "登录失败次数过多" in locked.json()["message"]
    assert not AppToken.objects.exists()


def test_a_staff_account_cannot_take_app_tokens_even_with_its_right_password(client, clerk):
    # given a staff login as long as an ID number, and its right password
    clerk.username = "staff-login-00001"
    clerk.save(update_fields=["username"])
    response = client.post(
        "/api/v1/app/auth/token",
        {"id_number": clerk.username, "password": PASSWORD, "device_id": PHONE},
        content_type="application/json",
    )
    # then the same neutral refusal, counted as a failure, and no token
    assert response.status_code == 401
    assert AccessAttempt.objects.filter(username=clerk.username).exists()
    assert not AppSession.objects.exists()


def test_refresh_rotates_and_a_replayed_refresh_token_signs_the_device_out(client, citizen_tokens):
    url = "/api/v1/app/auth/refresh"
    first = client.post(
        url, {"refresh_token": citizen_tokens["refresh_token"], "device_id": PHONE}, content_type="application/json"
    )
    assert first.status_code == 200
    new = first.json()
    assert client.get(ME, **bearer(new["access_token"])).status_code == 200
    replay = client.post(
        url, {"refresh_token": citizen_tokens["refresh_token"], "device_id": PHONE}, content_type="application/json"
    )
    assert replay.status_code == 401
    assert client.get(ME, **bearer(new["access_token"])).status_code == 401


def test_refresh_from_another_device_is_refused(client, citizen_tokens):
    response = client.post(
        "/api/v1/app/auth/refresh",
        {"refresh_token": citizen_tokens["refresh_token"], "device_id": TABLET},
        content_type="application/json",
    )
    assert response.status_code == 401
    assert not AppToken.objects.filter(used_at__isnull=False).exists()


def test_the_access_token_expires_after_15_minutes(client, citizen_tokens):
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=16), tick=False):
        assert client.get(ME, **bearer(citizen_tokens["access_token"])).status_code == 401


def test_revoke_this_device_then_all_devices(client, citizen, citizen_tokens):
    tablet = app_sign_in(client, citizen, device=TABLET).json()
    one = client.post(
        "/api/v1/app/auth/revoke", {}, content_type="application/json", **bearer(citizen_tokens["access_token"])
    )
    assert one.status_code == 200 and one.json() == {"revoked": 1}
    assert client.get(ME, **bearer(citizen_tokens["access_token"])).status_code == 401
    assert client.get(ME, **bearer(tablet["access_token"], TABLET)).status_code == 200
    phone_again = app_sign_in(client, citizen).json()
    every = client.post(
        "/api/v1/app/auth/revoke",
        {"all_devices": True},
        content_type="application/json",
        **bearer(phone_again["access_token"]),
    )
    assert every.json() == {"revoked": 2}
    assert client.get(ME, **bearer(tablet["access_token"], TABLET)).status_code == 401
