"""The app's bearer authentication: ``Authorization: Bearer <access token>`` together with
``X-Device-Id: <the device the token was issued to>``. A token from another device, expired
or revoked, answers 401 like no token at all."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from shebao.core.models import Account, AppSession
from shebao.core.tokens import InvalidToken, token_verify

DEVICE_HEADER = "HTTP_X_DEVICE_ID"


class AppBearer(HttpBearer):
    openapi_description = "App 访问令牌，须同时发送 X-Device-Id / The app's access token, sent with X-Device-Id"

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        try:
            account, session = token_verify(access=token, device_id=str(request.META.get(DEVICE_HEADER, "")))
        except InvalidToken:
            return None
        request.app_session = session  # type: ignore[attr-defined]  # read by the routes below
        return account


app_bearer = AppBearer()


def app_session(request: HttpRequest) -> AppSession:
    session: AppSession = request.app_session  # type: ignore[attr-defined]
    return session


def app_account(request: HttpRequest) -> Account:
    account: Account = request.auth  # type: ignore[attr-defined]
    return account
