"""Helpers for the app API's tests: sign in through /api/v1/app/auth/token (and its SMS step,
for a citizen with a mobile on file: the code read from the outbox), speak as a device."""

from __future__ import annotations

import re
from typing import Any

import pytest

from shebao.core.models import Notification
from tests.factories import PASSWORD

TOKEN_URL = "/api/v1/app/auth/token"
SMS_URL = "/api/v1/app/auth/token/sms"
PHONE = "android-phone-0001"
TABLET = "android-tablet-0002"


def app_sign_in(client, account, *, device: str = PHONE, password: str = PASSWORD, **extra) -> Any:
    """The sign-in's answer: the tokens, after the SMS step when the password asked for one."""
    response = client.post(
        TOKEN_URL,
        {"id_number": account.id_number, "password": password, "device_id": device},
        content_type="application/json",
        **extra,
    )
    if response.status_code != 202:
        return response
    body = {"challenge": response.json()["challenge"], "code": sms_code(), "device_id": device}
    return client.post(SMS_URL, body, content_type="application/json", **extra)


def sms_code() -> str:
    """The code of the last app sign-in SMS in the outbox."""
    row = Notification.objects.filter(channel="sms", key__startswith="app-signin-sms:").order_by("-pk").first()
    assert row is not None, "no sign-in SMS was queued"
    found = re.search(r"验证码为 (\d{6})", row.body)
    assert found is not None, row.body
    return found.group(1)


def bearer(access: str, device: str = PHONE) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {access}", "HTTP_X_DEVICE_ID": device}


@pytest.fixture
def citizen_tokens(client, citizen) -> dict[str, Any]:
    response = app_sign_in(client, citizen)
    assert response.status_code == 200, response.content
    return response.json()


@pytest.fixture
def other_citizen_tokens(client, other_citizen) -> dict[str, Any]:
    response = app_sign_in(client, other_citizen)
    assert response.status_code == 200, response.content
    return response.json()
