"""The app's sign-in with an SMS code (as the web's): a citizen with a mobile on file gets a
6-digit code through the outbox's SMS adapter after the correct password, and the tokens only
for that code sent back from the same device — within 5 minutes and 5 tries, each wrong code
a failed sign-in for django-axes, a new code after 60 s, three codes at most."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from axes.models import AccessAttempt
from django.test import Client

from shebao.core.models import AppSession, AppSignInCode, AppToken, Notification
from tests.factories import PASSWORD
from tests.mobile.conftest import PHONE, SMS_URL, TABLET, TOKEN_URL, app_sign_in, bearer, sms_code

pytestmark = pytest.mark.django_db
RESEND = "/api/v1/app/auth/token/sms/resend"
MOBILE = "13912345678"
AT = dt.datetime(2026, 2, 10, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock():
    with time_machine.travel(AT, tick=False) as traveller:
        yield traveller


@pytest.fixture
def texted(citizen):
    citizen.phone = MOBILE
    citizen.save(update_fields=["phone"])
    return citizen


def _password(client: Client, account, device: str = PHONE):
    return client.post(
        TOKEN_URL,
        {"id_number": account.id_number, "password": PASSWORD, "device_id": device},
        content_type="application/json",
    )


def _code(client: Client, challenge: str, code: str, device: str = PHONE):
    return client.post(
        SMS_URL, {"challenge": challenge, "code": code, "device_id": device}, content_type="application/json"
    )


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def test_the_password_sends_a_code_and_the_code_gives_the_tokens(client, clock, texted):
    # when the citizen gives the right password
    step = _password(client, texted)
    # then no token yet: a challenge, and one SMS to the number on file
    assert step.status_code == 202
    body = step.json()
    assert body["sms_required"] is True and body["mobile_masked"] == "139****5678"
    assert dt.datetime.fromisoformat(body["expires_at"]) == AT + dt.timedelta(minutes=5)
    assert dt.datetime.fromisoformat(body["resend_at"]) == AT + dt.timedelta(seconds=60)
    assert not AppSession.objects.exists()
    sms = Notification.objects.get(channel="sms")
    assert sms.recipient == MOBILE and sms.account is None
    code = sms_code()
    # kept only as a hash: neither the code nor the challenge in clear
    row = AppSignInCode.objects.get()
    assert code not in row.code_hash and body["challenge"] not in str(AppSignInCode.objects.values_list())
    # when the code comes back from the same device
    signed = _code(client, body["challenge"], code)
    assert signed.status_code == 200
    assert client.get("/api/v1/app/me", **bearer(signed.json()["access_token"])).status_code == 200
    # then the step is used: the same code again is refused
    again = _code(client, body["challenge"], code)
    assert again.status_code == 401 and again.json()["code"] == "sms_code_invalid"
    assert AppSession.objects.count() == 1


def test_the_code_from_another_device_is_refused_and_counts_nothing(client, clock, texted):
    challenge = _password(client, texted).json()["challenge"]
    assert _code(client, challenge, sms_code(), device=TABLET).status_code == 401
    assert not AppToken.objects.exists()
    assert _code(client, challenge, sms_code()).status_code == 200


def test_a_wrong_code_says_the_tries_left_and_is_a_failed_sign_in_for_axes(client, clock, texted):
    challenge = _password(client, texted).json()["challenge"]
    wrong = _code(client, challenge, _wrong(sms_code()))
    assert wrong.status_code == 401
    assert wrong.json()["message"] == "验证码不正确，还可尝试 4 次"
    assert wrong.json()["message_en"] == "The code is not correct: 4 tries left"
    assert AccessAttempt.objects.get(username=texted.id_number).failures_since_start == 1
    assert not AppToken.objects.exists()
    # the right code still works after a wrong one
    assert _code(client, challenge, sms_code()).status_code == 200


def test_five_wrong_codes_void_the_step_and_lock_the_sign_in(client, clock, texted):
    challenge = _password(client, texted).json()["challenge"]
    code = sms_code()
    answers = [_code(client, challenge, _wrong(code)).status_code for _ in range(5)]
    assert answers == [401, 401, 401, 401, 429]  # the fifth failure locks, as the fifth wrong password
    # the right code no longer opens anything, and the account is locked as after five wrong passwords
    assert _code(client, challenge, code).status_code == 401
    assert not AppToken.objects.exists()
    assert _password(client, texted).status_code == 429


def test_a_code_is_good_for_five_minutes(client, clock, texted):
    challenge = _password(client, texted).json()["challenge"]
    code = sms_code()
    clock.shift(dt.timedelta(minutes=5, seconds=1))
    late = _code(client, challenge, code)
    assert late.status_code == 401 and late.json()["message"] == "验证码已失效，请重新登录以获取新的验证码"
    assert not AppToken.objects.exists()


@pytest.mark.parametrize("code", ["12345", "12a456", "1234567"])
def test_a_code_not_of_six_digits_is_a_bilingual_422(client, clock, texted, code):
    challenge = _password(client, texted).json()["challenge"]
    answer = _code(client, challenge, code)
    assert answer.status_code == 422
    assert answer.json()["message"] and answer.json()["message_en"]
    assert AppSignInCode.objects.get().tries == 0


def test_a_new_code_after_a_minute_replaces_the_old_three_at_most(client, clock, texted):
    challenge = _password(client, texted).json()["challenge"]
    first = sms_code()
    body = {"challenge": challenge, "device_id": PHONE}
    # too soon: 429 with the seconds to wait
    clock.shift(dt.timedelta(seconds=45))
    soon = client.post(RESEND, body, content_type="application/json")
    assert soon.status_code == 429 and soon["Retry-After"] == "15"
    assert Notification.objects.filter(channel="sms").count() == 1
    # after the minute: a new code; the old one stops working
    clock.shift(dt.timedelta(seconds=15))
    assert client.post(RESEND, body, content_type="application/json").status_code == 202
    second = sms_code()
    assert Notification.objects.filter(channel="sms").count() == 2
    if second != first:
        assert _code(client, challenge, first).status_code == 401
    # a third code, then no more
    clock.shift(dt.timedelta(seconds=60))
    assert client.post(RESEND, body, content_type="application/json").status_code == 202
    clock.shift(dt.timedelta(seconds=60))
    over = client.post(RESEND, body, content_type="application/json")
    assert over.status_code == 429 and over.json()["message"] == "验证码发送次数已达上限，请重新登录"
    assert Notification.objects.filter(channel="sms").count() == 3
    assert _code(client, challenge, sms_code()).status_code == 200


def test_a_citizen_with_no_mobile_on_file_signs_in_with_the_password(client, citizen):
    assert not citizen.phone
    answer = app_sign_in(client, citizen)
    assert answer.status_code == 200 and not Notification.objects.filter(channel="sms").exists()


def test_an_unknown_challenge_is_401(client, clock, texted):
    assert _code(client, "not-a-challenge", "123456").status_code == 401
    assert (
        client.post(RESEND, {"challenge": "nope", "device_id": PHONE}, content_type="application/json").status_code
        == 401
    )


def test_a_resend_after_the_mobile_was_removed_sends_nothing_and_asks_to_sign_in_again(client, clock, texted):
    challenge = _password(client, texted).json()["challenge"]
    texted.phone = ""
    texted.save(update_fields=["phone"])
    clock.shift(dt.timedelta(seconds=60))
    answer = client.post(RESEND, {"challenge": challenge, "device_id": PHONE}, content_type="application/json")
    assert answer.status_code == 401 and answer.json()["code"] == "sms_code_invalid"
    assert Notification.objects.filter(channel="sms").count() == 1  # only the first code, none to nobody
