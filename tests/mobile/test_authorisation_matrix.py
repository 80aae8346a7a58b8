"""Every /api/v1/app/ route against every way a caller may lack the right: no token, a garbage
token, an expired one, a revoked one, a token shown from another device, a refresh token used
as an access token, and another person's token. Refusals are 401 (or 404 for another person's
object) and read or write nothing."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from shebao.core.models import AppSession, AuditEvent, Notification
from shebao.core.notify import notification_enqueue
from shebao.mobile.api import router
from tests.mobile.conftest import TABLET, bearer

# (method, path, JSON body): every route that needs the app's token
PROTECTED = [
    ("get", "/api/v1/app/me", None),
    ("get", "/api/v1/app/notifications", None),
    ("post", "/api/v1/app/notifications/{mine}/read", None),
    ("post", "/api/v1/app/push", {"platform": "fcm", "token": "fcm-token-abcdef"}),
    ("post", "/api/v1/app/auth/revoke", {"all_devices": True}),
]
PUBLIC = {"/auth/token", "/auth/refresh", "/outlets/nearby", "/guides"}


def test_the_matrix_covers_every_app_route():
    paths = {path for path, _ in router.path_operations.items()}
    protected = {p.removeprefix("/api/v1/app").replace("{mine}", "{notification_id}") for _, p, _ in PROTECTED}
    assert paths == protected | PUBLIC


@pytest.fixture
def world(client, citizen, citizen_tokens):
    mine = notification_enqueue(
        key="case:1:done", channel="push", recipient="x", body="您的办件已办结", subject="办件已办结", account=citizen
    )
    return {"mine": mine, "tokens": citizen_tokens}


def _call(client, method, path, body, headers, world):
    url = path.format(mine=world["mine"].id)
    if method == "get":
        return client.get(url, **headers)
    return client.post(url, body or {}, content_type="application/json", **headers)


def _state():
    return (
        list(Notification.objects.values_list("id", "read_at")),
        list(AppSession.objects.values_list("id", "revoked_at", "push_token")),
        AuditEvent.objects.exclude(action="app_token.issue").count(),
    )


def _expired(world):
    return bearer(world["tokens"]["access_token"])


CALLERS = {
    "no token": lambda w: {},
    "garbage token": lambda w: bearer("not-a-token-at-all"),
    "refresh token as access": lambda w: bearer(w["tokens"]["refresh_token"]),
    "another device": lambda w: bearer(w["tokens"]["access_token"], TABLET),
    "basic scheme": lambda w: {"HTTP_AUTHORIZATION": "Basic YWJjOmRlZg==", "HTTP_X_DEVICE_ID": "android-phone-0001"},
}


@pytest.mark.parametrize(("method", "path", "body"), PROTECTED)
@pytest.mark.parametrize("caller", list(CALLERS))
def test_without_a_valid_token_every_protected_route_is_401_and_changes_nothing(
    client, world, method, path, body, caller
):
    before = _state()
    response = _call(client, method, path, body, CALLERS[caller](world), world)
    assert response.status_code == 401, (caller, path)
    assert response.json()["code"] == "unauthenticated"
    assert "办件已办结" not in response.content.decode()
    assert _state() == before


@pytest.mark.parametrize(("method", "path", "body"), PROTECTED)
def test_an_expired_token_is_401_and_changes_nothing(client, world, method, path, body):
    before = _state()
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=15, seconds=1), tick=False):
        response = _call(client, method, path, body, _expired(world), world)
    assert response.status_code == 401
    assert _state() == before


@pytest.mark.parametrize(("method", "path", "body"), PROTECTED)
def test_a_revoked_token_is_401_and_changes_nothing(client, world, method, path, body):
    AppSession.objects.update(revoked_at=timezone.now(), revoked_reason="sign_out")
    before = _state()
    response = _call(client, method, path, body, bearer(world["tokens"]["access_token"]), world)
    assert response.status_code == 401
    assert _state() == before


def test_another_person_s_token_reads_their_own_and_cannot_touch_mine(client, world, other_citizen_tokens):
    theirs = bearer(other_citizen_tokens["access_token"])
    me = client.get("/api/v1/app/me", **theirs).json()
    assert me["name"] == "李四"
    assert client.get("/api/v1/app/notifications", **theirs).json() == []
    before = _state()
    response = client.post(f"/api/v1/app/notifications/{world['mine'].id}/read", **theirs)
    assert response.status_code == 404
    assert _state() == before
    # and their sign-out does not sign me out
    client.post("/api/v1/app/auth/revoke", {"all_devices": True}, content_type="application/json", **theirs)
    assert client.get("/api/v1/app/me", **bearer(world["tokens"]["access_token"])).status_code == 200
