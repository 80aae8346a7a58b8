"""A citizen's sign-in with an SMS code (issue 13): password, then a 6-digit code sent through
the notifications outbox; five minutes, five tries, each wrong code counted by axes; a citizen
with no number on file signs in with the password alone; staff keep their TOTP."""

from __future__ import annotations

import re
import time

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from shebao.core.models import Notification
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

MOBILE = "13912345678"


@pytest.fixture
def phoned(citizen):
    citizen.phone = MOBILE
    citizen.save(update_fields=["phone"])
    return citizen


def _password_step(client, account):
    return client.post(reverse("web:login_citizen"), {"id_number": account.id_number, "password": PASSWORD})


def _sent_codes() -> list[str]:
    rows = Notification.objects.filter(channel="sms", key__startswith="signin-sms:").order_by("id")
    return [re.search(r"\b(\d{6})\b", row.body).group(1) for row in rows]  # type: ignore[union-attr]


def _signed_in(client):
    return client.session.get(SESSION_KEY)


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def test_password_then_sms_code_signs_in(client, phoned):
    # when the password is right
    response = _password_step(client, phoned)
    # then nobody is signed in yet: one SMS is queued to the number on file, the code page asks for it
    assert response.status_code == 302 and response["Location"] == reverse("web:login_citizen_code")
    assert _signed_in(client) is None
    sms = Notification.objects.get(channel="sms")
    assert sms.recipient == MOBILE and sms.account is None
    page = client.get(reverse("web:login_citizen_code"))
    assert "139****5678" in page.content.decode()
    # when the code from the SMS is typed back
    (code,) = _sent_codes()
    response = client.post(reverse("web:login_citizen_code"), {"code": code})
    # then the citizen is signed in
    assert response.status_code == 302 and response["Location"] == reverse("web:home")
    assert _signed_in(client) == str(phoned.pk)


def test_the_code_is_not_kept_in_clear_in_the_session(client, phoned):
    _password_step(client, phoned)
    (code,) = _sent_codes()
    assert code not in str(dict(client.session))


def test_a_wrong_code_is_refused_counted_and_says_how_many_tries_are_left(client, phoned):
    from axes.models import AccessAttempt

    _password_step(client, phoned)
    (code,) = _sent_codes()
    response = client.post(reverse("web:login_citizen_code"), {"code": _wrong(code)})
    assert response.status_code == 400
    assert "还可尝试 4 次" in response.content.decode()
    assert _signed_in(client) is None
    assert AccessAttempt.objects.filter(username=phoned.username).get().failures_since_start == 1


def test_an_expired_code_is_refused_even_when_right(client, phoned):
    with time_machine.travel(time.time(), tick=False) as clock:
        _password_step(client, phoned)
        (code,) = _sent_codes()
        clock.shift(5 * 60 + 1)  # five minutes and a second
        response = client.post(reverse("web:login_citizen_code"), {"code": code})
    assert response.status_code == 400
    assert "验证码已失效" in response.content.decode()
    assert _signed_in(client) is None
    # and the pending sign-in is gone: the code page sends back to the password
    assert client.get(reverse("web:login_citizen_code"))["Location"] == reverse("web:login_citizen")


def test_a_code_four_minutes_old_still_works(client, phoned):
    with time_machine.travel(time.time(), tick=False) as clock:
        _password_step(client, phoned)
        (code,) = _sent_codes()
        clock.shift(4 * 60 + 59)
        client.post(reverse("web:login_citizen_code"), {"code": code})
    assert _signed_in(client) == str(phoned.pk)


def test_five_wrong_codes_void_the_code(client, phoned, settings):
    settings.AXES_FAILURE_LIMIT = 100  # the code's own limit, not the lockout, is under test
    _password_step(client, phoned)
    (code,) = _sent_codes()
    for _ in range(5):
        client.post(reverse("web:login_citizen_code"), {"code": _wrong(code)})
    # then even the right code no longer opens the session
    response = client.post(reverse("web:login_citizen_code"), {"code": code})
    assert response.status_code == 400 and "验证码已失效" in response.content.decode()
    assert _signed_in(client) is None


def test_wrong_codes_lock_the_account_out_like_wrong_passwords(client, phoned):
    # given the default limit of five failures for one username from one address
    _password_step(client, phoned)
    (code,) = _sent_codes()
    for _ in range(5):
        client.post(reverse("web:login_citizen_code"), {"code": _wrong(code)})
    # then a sixth attempt with the right password is refused by the lockout
    response = _password_step(client, phoned)
    assert response.status_code == 429
    assert _signed_in(client) is None


def test_a_new_code_only_after_a_minute_and_it_replaces_the_old(client, phoned):
    with time_machine.travel(time.time(), tick=False) as clock:
        _password_step(client, phoned)
        early = client.post(reverse("web:login_citizen_code"), {"resend": "1"})
        assert early.status_code == 429 and len(_sent_codes()) == 1
        clock.shift(61)
        client.post(reverse("web:login_citizen_code"), {"resend": "1"})
        first, second = _sent_codes()
        if first != second:  # one chance in a million that they are the same
            assert client.post(reverse("web:login_citizen_code"), {"code": first}).status_code == 400
        client.post(reverse("web:login_citizen_code"), {"code": second})
    assert _signed_in(client) == str(phoned.pk)


def test_at_most_three_codes_per_sign_in(client, phoned):
    with time_machine.travel(time.time(), tick=False) as clock:
        _password_step(client, phoned)
        for _ in range(4):
            clock.shift(61)
            client.post(reverse("web:login_citizen_code"), {"resend": "1"})
    assert len(_sent_codes()) == 3


def test_the_code_page_without_a_password_step_goes_back_to_sign_in(client, phoned):
    response = client.post(reverse("web:login_citizen_code"), {"code": "123456"})
    assert response.status_code == 302 and response["Location"] == reverse("web:login_citizen")
    assert _signed_in(client) is None


def test_a_wrong_password_sends_no_sms(client, phoned):
    client.post(reverse("web:login_citizen"), {"id_number": phoned.id_number, "password": "not-the-one"})
    assert not Notification.objects.filter(channel="sms").exists()


def test_citizen_without_a_number_on_file_signs_in_with_the_password(client, citizen):
    response = _password_step(client, citizen)
    assert response.status_code == 302 and response["Location"] == reverse("web:home")
    assert _signed_in(client) == str(citizen.pk)
    assert not Notification.objects.filter(channel="sms").exists()


def test_the_demo_shows_the_code_on_the_page(client, phoned, settings):
    settings.ENV = "demo"
    _password_step(client, phoned)
    (code,) = _sent_codes()
    assert code in client.get(reverse("web:login_citizen_code")).content.decode()
