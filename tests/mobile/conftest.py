"""Helpers for the app API's tests: sign in through /api/v1/app/auth/token, speak as a device."""

from __future__ import annotations

from typing import Any

import pytest

from tests.factories import PASSWORD

TOKEN_URL = "/api/v1/app/auth/token"
PHONE = "android-phone-0001"
TABLET = "android-tablet-0002"


def app_sign_in(client, account, *, device: str = PHONE, password: str = PASSWORD, **extra) -> Any:
    return client.post(
        TOKEN_URL,
        {"id_number": account.id_number, "password": password, "device_id": device},
        content_type="application/json",
        **extra,
    )


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
