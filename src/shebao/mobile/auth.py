"""The app's bearer authentication (``shebao.core.tokens.AppBearer``: ``Authorization: Bearer
<access token>`` with ``X-Device-Id``) and the two things a route reads after it."""

from __future__ import annotations

from django.http import HttpRequest

from shebao.core.models import Account, AppSession
from shebao.core.tokens import app_bearer

__all__ = ["app_account", "app_bearer", "app_session"]


def app_session(request: HttpRequest) -> AppSession:
    session: AppSession = request.app_session  # type: ignore[attr-defined]  # set by AppBearer on the request it authenticated
    return session


def app_account(request: HttpRequest) -> Account:
    account: Account = request.auth  # type: ignore[attr-defined]  # ninja sets request.auth; HttpRequest's stubs do not know it
    return account
