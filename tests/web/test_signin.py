"""Sign-in for staff (password + TOTP), citizens (ID number) and unit operators (USCC),
TOTP enrolment, lockout after repeated failures, sign-out."""

from __future__ import annotations

import time

import pytest
import time_machine
from axes.models import AccessAttempt
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from shebao.core.models import AuditEvent
from tests.factories import PASSWORD
from tests.web.support import confirmed_device, current_code, sign_in

pytestmark = pytest.mark.django_db

NEUTRAL_ZH = "登录信息不正确，请核对后重试。"


def _verified(client) -> bool:
    from django_otp import DEVICE_ID_SESSION_KEY

    return DEVICE_ID_SESSION_KEY in client.session


def _signed_in_as(client):
    from django.contrib.auth import SESSION_KEY

    return client.session.get(SESSION_KEY)


# --- staff ----------------------------------------------------------------------------


def test_staff_signs_in_with_password_and_totp(client, clerk):
    # given a clerk with a confirmed authenticator
    device = confirmed_device(clerk)
    # when they post their username, password and the current code
    response = client.post(
        reverse("web:login"), {"username": "clerk", "password": PASSWORD, "otp_token": current_code(device)}
    )
    # then they land on their home page, signed in and verified
    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")
    assert _signed_in_as(client) == str(clerk.pk)
    assert _verified(client)
    home = client.get(reverse("web:home"))
    assert "王窗口" in home.content.decode()


def test_staff_sign_in_follows_a_safe_next_and_ignores_a_foreign_one(client, clerk):
    device = confirmed_device(clerk)
    response = client.post(
        reverse("web:login"),
        {"username": "clerk", "password": PASSWORD, "otp_token": current_code(device), "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("web:home")


@pytest.mark.parametrize(
    "username,password",
    [("clerk", "wrong-password"), ("nobody-here", PASSWORD)],
    ids=["wrong-password", "unknown-user"],
)
def test_wrong_password_or_unknown_user_gets_the_same_neutral_message(client, clerk, username, password):
    confirmed_device(clerk)
    # when the password is wrong, or the account does not exist
    response = client.post(reverse("web:login"), {"username": username, "password": password, "otp_token": "123456"})
    # then the form comes back with one neutral sentence and nobody is signed in
    body = response.content.decode()
    assert response.status_code == 200
    assert NEUTRAL_ZH in body
    assert _signed_in_as(client) is None
    assert "不存在" not in body and "动态口令不正确" not in body


def test_wrong_totp_code_is_refused_neutrally_and_counted(client, clerk):
    device = confirmed_device(clerk)
    wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"
    # when the password is right but the code is wrong
    response = client.post(reverse("web:login"), {"username": "clerk", "password": PASSWORD, "otp_token": wrong})
    # then the same neutral message, no session, and axes counted one failure
    assert response.status_code == 200
    assert NEUTRAL_ZH in response.content.decode()
    assert _signed_in_as(client) is None
    assert AccessAttempt.objects.get(username="clerk").failures_since_start == 1


def test_missing_totp_code_is_refused_for_an_enrolled_staff_member(client, clerk):
    confirmed_device(clerk)
    response = client.post(reverse("web:login"), {"username": "clerk", "password": PASSWORD, "otp_token": ""})
    assert NEUTRAL_ZH in response.content.decode()
    assert _signed_in_as(client) is None


def test_citizen_credentials_do_not_open_the_staff_sign_in(client, citizen):
    response = client.post(reverse("web:login"), {"username": citizen.username, "password": PASSWORD})
    assert response.status_code == 200
    assert NEUTRAL_ZH in response.content.decode()
    assert _signed_in_as(client) is None


def test_lockout_after_five_failures_shows_429_even_for_the_right_password(client, clerk):
    device = confirmed_device(clerk)
    url = reverse("web:login")
    # given four failures: still the form
    for _ in range(4):
        assert client.post(url, {"username": "clerk", "password": "nope-nope"}).status_code == 200
    # when the fifth fails
    fifth = client.post(url, {"username": "clerk", "password": "nope-nope"})
    # then the lockout page, in Chinese first
    assert fifth.status_code == 429
    assert "登录失败次数过多" in fifth.content.decode()
    # and even the right password and code are refused while locked
    sixth = client.post(url, {"username": "clerk", "password": PASSWORD, "otp_token": current_code(device)})
    assert sixth.status_code == 429
    assert _signed_in_as(client) is None


def test_lockout_page_in_english(client, clerk):
    client.cookies["django_language"] = "en"
    for _ in range(5):
        response = client.post(reverse("web:login"), {"username": "clerk", "password": "nope-nope"})
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()


# --- TOTP enrolment --------------------------------------------------------------------


def test_staff_without_authenticator_is_sent_to_enrolment_then_signed_in(client, reviewer):
    # given a reviewer with no authenticator
    assert not TOTPDevice.objects.filter(user=reviewer).exists()
    # when the password is right
    response = client.post(reverse("web:login"), {"username": "reviewer", "password": PASSWORD})
    # then enrolment, not a session
    assert response.status_code == 302
    assert response["Location"] == reverse("web:enrol")
    assert _signed_in_as(client) is None
    page = client.get(reverse("web:enrol"))
    body = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in body and "设置动态口令" in body
    device = TOTPDevice.objects.get(user=reviewer, confirmed=False)
    # when a wrong code is entered: still not signed in, device not confirmed
    wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"
    assert client.post(reverse("web:enrol"), {"otp_token": wrong}).status_code == 200
    device.refresh_from_db()
    assert not device.confirmed and _signed_in_as(client) is None
    # when the right code is entered, after django_otp's throttle delay for the failure
    with time_machine.travel(time.time() + 5, tick=False):
        done = client.post(reverse("web:enrol"), {"otp_token": current_code(device)})
    # then the device is confirmed, the session signed in and verified, and it is audited
    assert done.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert _signed_in_as(client) == str(reviewer.pk) and _verified(client)
    assert AuditEvent.objects.filter(action="account.totp_confirm", actor=reviewer).count() == 1


def test_enrolment_page_without_a_pending_sign_in_goes_back_to_sign_in(client, reviewer):
    response = client.get(reverse("web:enrol"))
    assert response.status_code == 302
    assert response["Location"] == reverse("web:login")
    assert not TOTPDevice.objects.exists()


def test_enrolment_shows_the_secret_of_the_device_it_confirms(client, reviewer):
    client.post(reverse("web:login"), {"username": "reviewer", "password": PASSWORD})
    body = client.get(reverse("web:enrol")).content.decode()
    from base64 import b32encode

    device = TOTPDevice.objects.get(user=reviewer)
    secret = b32encode(device.bin_key).decode()
    assert secret[:4] + " " + secret[4:8] in body


# --- citizens and units ----------------------------------------------------------------


def test_citizen_signs_in_with_id_number(client, citizen):
    response = client.post(reverse("web:login_citizen"), {"id_number": citizen.id_number.lower(), "password": PASSWORD})
    assert response.status_code == 302
    assert _signed_in_as(client) == str(citizen.pk)


def test_mistyped_id_number_gets_its_own_message_and_is_not_counted(client, citizen):
    # given a number with a wrong check character
    bad = citizen.id_number[:-1] + ("0" if citizen.id_number[-1] != "0" else "1")
    response = client.post(reverse("web:login_citizen"), {"id_number": bad, "password": PASSWORD})
    body = response.content.decode()
    assert response.status_code == 200
    assert "身份证号码校验位不正确" in body
    assert NEUTRAL_ZH not in body
    assert not AccessAttempt.objects.exists()


def test_citizen_wrong_password_is_neutral(client, citizen):
    response = client.post(reverse("web:login_citizen"), {"id_number": citizen.id_number, "password": "bad-bad-bad"})
    assert NEUTRAL_ZH in response.content.decode()
    assert _signed_in_as(client) is None


def test_unit_operator_signs_in_with_credit_code_and_operator(client, unit_operator):
    response = client.post(
        reverse("web:login_unit"),
        {"credit_code": unit_operator.unit_code, "operator": "op1", "password": PASSWORD},
    )
    assert response.status_code == 302
    assert _signed_in_as(client) == str(unit_operator.pk)


def test_unit_sign_in_with_a_bad_credit_code_says_so(client, unit_operator):
    bad = unit_operator.unit_code[:-1] + ("A" if unit_operator.unit_code[-1] != "A" else "B")
    response = client.post(reverse("web:login_unit"), {"credit_code": bad, "operator": "op1", "password": PASSWORD})
    assert "统一社会信用代码" in response.content.decode()
    assert _signed_in_as(client) is None


def test_unit_wrong_operator_is_neutral(client, unit_operator):
    response = client.post(
        reverse("web:login_unit"),
        {"credit_code": unit_operator.unit_code, "operator": "op2", "password": PASSWORD},
    )
    assert NEUTRAL_ZH in response.content.decode()


# --- sessions --------------------------------------------------------------------------


def test_staff_session_without_otp_verification_is_refused(client, clerk):
    # given a clerk whose session was signed in with the password only
    client.force_login(clerk, backend="shebao.core.backends.AccountBackend")
    # when they open their home page
    response = client.get(reverse("web:home"))
    # then they are sent to the staff sign-in, and see none of their desk
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login"))


def test_citizen_pages_need_no_second_factor(client, citizen):
    client.force_login(citizen, backend="shebao.core.backends.AccountBackend")
    assert client.get(reverse("web:home")).status_code == 200


def test_sign_out_is_a_post(client, citizen):
    sign_in(client, citizen)
    assert client.get(reverse("web:logout")).status_code == 405
    response = client.post(reverse("web:logout"))
    assert response.status_code == 302
    assert _signed_in_as(client) is None


# --- throttling across accounts and across addresses ------------------------------------------


@pytest.fixture
def fast_hashing(settings):
    """Dozens of sign-ins per test: a cheap hasher (the throttle does not depend on it)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *settings.PASSWORD_HASHERS]


def _try(client, username, password="nope-nope", *, address, **extra):
    return client.post(reverse("web:login"), {"username": username, "password": password, **extra}, REMOTE_ADDR=address)


def _lockout_text(response) -> str:
    """The lockout page without what differs per request (its tokens)."""
    import re

    return re.sub(r"[A-Za-z0-9]{64}", "", response.content.decode())  # CSRF tokens


def test_one_address_trying_one_password_on_many_accounts_is_refused_at_thirty(fast_hashing, client, clerk, reviewer):
    # given ten usernames (two real, eight not) each tried with three wrong passwords from one
    # address: no username reaches its own limits (5 from one address, 10 in all)
    names = ["clerk", "reviewer", *[f"guess{i}" for i in range(8)]]
    answers = [_try(client, name, address="10.1.1.1").status_code for name in names for _ in range(3)]
    # then the thirtieth failure from that address locks it out
    assert answers[:29] == [200] * 29 and answers[29] == 429
    # and it stays refused for any username, even with the right password
    assert _try(client, "reviewer", PASSWORD, address="10.1.1.1").status_code == 429
    # while the same account from another address is not refused
    assert _try(client, "reviewer", PASSWORD, address="10.2.2.2").status_code == 302


def test_an_account_guessed_at_from_several_addresses_is_refused_from_any_other(fast_hashing, client, clerk):
    device = confirmed_device(clerk)
    # given ten wrong passwords for one account, spread so that no address reaches five
    for address, tries in (("10.0.0.1", 4), ("10.0.0.2", 4), ("10.0.0.3", 2)):
        for _ in range(tries):
            last = _try(client, "clerk", address=address)
    assert last.status_code == 429
    # then the account is refused from a fresh address, even with its password and code
    response = _try(client, "clerk", PASSWORD, address="10.9.9.9", otp_token=current_code(device))
    assert response.status_code == 429
    assert _signed_in_as(client) is None
    # and after the cool-off it opens again
    with time_machine.travel(time.time() + 16 * 60, tick=False):
        again = _try(client, "clerk", PASSWORD, address="10.9.9.9", otp_token=current_code(device))
    assert again.status_code == 302 and _signed_in_as(client) == str(clerk.pk)


def test_the_lockout_page_is_the_same_whichever_limit_and_whether_the_account_exists(fast_hashing, client, clerk):
    # a username locked from one address (5), an unknown username locked across addresses (10),
    # an address locked across usernames (30)
    for _ in range(5):
        pair = _try(client, "clerk", address="10.3.0.1")
    for i in range(10):
        account = _try(client, "nobody", address=f"10.4.0.{i}")
    for i in range(30):
        address = _try(client, f"user{i}", address="10.5.0.1")
    assert pair.status_code == account.status_code == address.status_code == 429
    assert _lockout_text(pair) == _lockout_text(account) == _lockout_text(address)
    assert "登录失败次数过多" in _lockout_text(pair)


def test_signing_in_to_ones_own_account_does_not_clear_the_addresss_failures(fast_hashing, client, citizen):
    # given 29 failures from one address on other people's accounts
    for i in range(29):
        assert _try(client, f"victim{i % 10}", address="10.6.0.1").status_code == 200
    # when the same address signs in to its own account, and signs out
    own = client.post(
        reverse("web:login_citizen"), {"id_number": citizen.id_number, "password": PASSWORD}, REMOTE_ADDR="10.6.0.1"
    )
    assert own.status_code == 302
    client.post(reverse("web:logout"))
    # then the next failure from that address is still the thirtieth
    assert _try(client, "victim0", address="10.6.0.1").status_code == 429


@pytest.mark.parametrize(
    "proxies,forwarded,expected",
    [
        (0, "203.0.113.9", "10.0.0.1"),  # no proxy: the header is whatever a client wrote
        (1, "198.51.100.7, 203.0.113.9", "203.0.113.9"),  # the address our proxy saw
        (2, "198.51.100.7, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (1, "", "10.0.0.1"),  # not through the proxy
        (1, "not-an-address", "10.0.0.1"),
    ],
)
def test_the_client_address_behind_trusted_proxies(rf, settings, proxies, forwarded, expected):
    from shebao.core.throttle import client_ip

    settings.AXES_TRUSTED_PROXY_COUNT = proxies
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected
