"""The app's personal routes: about me, my messages (own only), read marks, push registration,
and the /api/v1/my/... routes answering the app's bearer token as they answer the session."""

from __future__ import annotations

from shebao.core.models import AppSession, Notification
from shebao.core.notify import notification_enqueue
from shebao.registry.models import Person
from tests.mobile.conftest import PHONE, TABLET, bearer
from tests.web.support import make_person


def _message(account, key: str, subject: str) -> Notification:
    return notification_enqueue(
        key=key,
        channel="push",
        recipient=account.phone or "x",
        body=f"{subject}的内容",
        subject=subject,
        account=account,
    )


def test_me_answers_name_masked_id_category_and_the_personal_links(client, citizen, district, citizen_tokens):
    make_person(district=district, name="张三", account=citizen, category=Person.Category.FLEXIBLE)
    response = client.get("/api/v1/app/me", **bearer(citizen_tokens["access_token"]))
    assert response.status_code == 200
    body = response.json()
    number = citizen.id_number
    assert body["name"] == "张三" and body["id_number_masked"] == f"{number[:4]}{'*' * 10}{number[-4:]}"
    assert number not in response.content.decode()
    assert body["category"] == "flexible"
    assert body["links"]["pension"] == "/api/v1/app/my/pension" and body["links"]["cases"] == "/api/v1/app/my/cases"


def test_me_without_a_registry_record_has_no_category(client, citizen_tokens):
    body = client.get("/api/v1/app/me", **bearer(citizen_tokens["access_token"])).json()
    assert body["category"] is None and body["category_label"] is None


def test_notifications_list_only_the_person_s_own_newest_first(client, citizen, other_citizen, citizen_tokens):
    first = _message(citizen, "case:1:done", "办件已办结")
    second = _message(citizen, "bill:1:due", "缴费提醒")
    _message(other_citizen, "case:2:done", "别人的消息")
    response = client.get("/api/v1/app/notifications", **bearer(citizen_tokens["access_token"]))
    assert response.status_code == 200
    assert [(n["id"], n["read"]) for n in response.json()] == [(second.id, False), (first.id, False)]
    assert "别人的消息" not in response.content.decode()


def test_marking_read_is_kept_and_filters_the_unread(client, citizen, citizen_tokens):
    first = _message(citizen, "case:1:done", "办件已办结")
    second = _message(citizen, "bill:1:due", "缴费提醒")
    headers = bearer(citizen_tokens["access_token"])
    response = client.post(f"/api/v1/app/notifications/{first.id}/read", **headers)
    assert response.status_code == 200 and response.json() == {"ok": True}
    first.refresh_from_db()
    read_at = first.read_at
    assert read_at is not None
    # reading again keeps the first reading time
    assert client.post(f"/api/v1/app/notifications/{first.id}/read", **headers).status_code == 200
    first.refresh_from_db()
    assert first.read_at == read_at
    unread = client.get("/api/v1/app/notifications", {"unread": "true"}, **headers).json()
    assert [n["id"] for n in unread] == [second.id]


def test_another_person_s_message_cannot_be_marked_read(client, other_citizen, citizen_tokens):
    theirs = _message(other_citizen, "case:2:done", "别人的消息")
    response = client.post(f"/api/v1/app/notifications/{theirs.id}/read", **bearer(citizen_tokens["access_token"]))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_push_registration_is_stored_on_this_device_s_sign_in_only(client, citizen, citizen_tokens):
    from tests.mobile.conftest import app_sign_in

    tablet = app_sign_in(client, citizen, device=TABLET).json()
    response = client.post(
        "/api/v1/app/push",
        {"platform": "hms", "token": "hms-push-token-123"},
        content_type="application/json",
        **bearer(citizen_tokens["access_token"]),
    )
    assert response.status_code == 200
    phone_session = AppSession.objects.get(device_id=PHONE)
    assert (phone_session.push_platform, phone_session.push_token) == ("hms", "hms-push-token-123")
    assert AppSession.objects.get(device_id=TABLET).push_token == ""
    assert tablet["access_token"]


def test_an_unknown_push_platform_is_a_422_and_nothing_stored(client, citizen_tokens):
    response = client.post(
        "/api/v1/app/push",
        {"platform": "pigeon", "token": "abcdefgh12"},
        content_type="application/json",
        **bearer(citizen_tokens["access_token"]),
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "payload.platform"
    assert not AppSession.objects.exclude(push_token="").exists()


def test_the_my_routes_answer_the_app_s_bearer_token_and_refuse_another_device(
    client, citizen, district, citizen_tokens
):
    make_person(district=district, name="张三", account=citizen)
    good = bearer(citizen_tokens["access_token"])
    wrong_device = bearer(citizen_tokens["access_token"], TABLET)
    for url in ("/api/v1/my/account", "/api/v1/my/statements", "/api/v1/my/pension"):
        assert client.get(url).status_code == 401, url
        assert client.get(url, **wrong_device).status_code == 401, url
        assert client.get(url, **good).status_code == 200, url
