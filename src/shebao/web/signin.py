"""Sign-in for the three kinds of account, TOTP enrolment for staff, and sign-out.

Every password check goes through ``django.contrib.auth.authenticate(request=…)`` so
django-axes counts the failures, for a username from one address, for a username from any
address and for an address over any usernames, each against its own limit
(``shebao.core.throttle``); the lockout page is ``shebao.web.views.lockout``, status 429,
the same whichever limit was reached. A wrong second factor, or a right password on the wrong
sign-in page, is reported to axes as a failure too. Whatever went wrong, the page says one
neutral sentence: it never reveals whether an account exists, which kind it is, or which of
the secrets was wrong. Administrators sign in here too (``/admin/login/`` sends them here).

Citizens whose account has a mobile number on file (the account's, else their registry
record's) sign in in two steps: after a correct password a 6-digit code goes to that number
through the notifications outbox's SMS adapter (``NOTIFY_ADAPTERS["sms"]``), and the session
is signed in only once the code is typed back (:func:`login_citizen_code`). The code is kept
hashed in the session, valid :data:`SMS_CODE_TTL`, at most :data:`SMS_CODE_TRIES` tries,
and each wrong code is a failure for axes like a wrong password; a new code may be asked for
after :data:`SMS_RESEND`, at most :data:`SMS_SENDS` codes per sign-in — the app's rules, defined
once in ``shebao.core.tokens.sms`` with the code's draw and text. A citizen with no
number on file signs in with the password alone (they can add one at a window); in the demo
the code is shown on the code page as well as printed by the console adapter.

Staff sign in with a password and a TOTP code (django_otp). A staff account with no confirmed
authenticator is sent, after a correct password, to a short-lived enrolment page; the session
is only signed in once a code from the new authenticator is confirmed.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
import time
from base64 import b32encode
from hashlib import sha256
from typing import Any

import segno
from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from shebao.core import audit
from shebao.core.backends import PATH as MODEL_BACKEND
from shebao.core.channels import Channel
from shebao.core.errors import InvalidInput, ShebaoError
from shebao.core.http import ACTING_SESSION_KEY, signed_in
from shebao.core.identifiers import mask_id_number, mask_name
from shebao.core.models import Account
from shebao.core.notify import notification_enqueue
from shebao.core.tokens import (
    SMS_CODE_DIGITS,
    SMS_CODE_TRIES,
    SMS_CODE_TTL,
    SMS_RESEND,
    SMS_SENDS,
    sms_code_draw,
    sms_code_text,
    sms_mobile_masked,
)
from shebao.registry import selectors as registry_selectors
from shebao.registry import services as registry_services
from shebao.registry.models import Authorisation
from shebao.web.forms import CitizenSignInForm, StaffSignInForm, TotpConfirmForm, UnitSignInForm

ENROL_SESSION_KEY = "shebao_totp_enrol"
ENROL_SECONDS = 10 * 60  # the enrolment page works for ten minutes after the password
SMS_SESSION_KEY = "shebao_sms_signin"

KINDS: dict[str, dict[str, Any]] = {
    Account.Kind.STAFF: {"form": StaffSignInForm, "url": "web:login"},
    Account.Kind.CITIZEN: {"form": CitizenSignInForm, "url": "web:login_citizen"},
    Account.Kind.UNIT: {"form": UnitSignInForm, "url": "web:login_unit"},
}


def neutral_failure() -> str:
    return _("The sign-in details are not correct. Check them and try again.")


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("web:home")


def _report_failure(request: HttpRequest, username: str) -> None:
    """Tell axes about a failure that ``authenticate`` did not see (it found the password
    right): a wrong one-time code, or an account of another kind on this page."""
    user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)


def _sign_in_page(request: HttpRequest, kind: str, form: Form, *, status: int = 200) -> HttpResponse:
    context = {
        "form": form,
        "kind": kind,
        "kinds": [(k, v["url"]) for k, v in KINDS.items()],
        "action": reverse(KINDS[kind]["url"]),
        "next": request.POST.get("next") or request.GET.get("next") or "",
    }
    return render(request, "web/signin.html", context, status=status)


def _sign_in_view(request: HttpRequest, kind: str) -> HttpResponse:
    form_class = KINDS[kind]["form"]
    if request.method != "POST":
        return _sign_in_page(request, kind, form_class())
    form = form_class(request.POST)
    if not form.is_valid():
        return _sign_in_page(request, kind, form)
    username = form.login_username()
    user = authenticate(request, username=username, password=form.cleaned_data["password"])
    if user is None:
        # authenticate() already reported the failure to axes.
        form.add_error(None, neutral_failure())
        return _sign_in_page(request, kind, form)
    if user.kind != kind or not user.is_active:
        _report_failure(request, username)
        form.add_error(None, neutral_failure())
        return _sign_in_page(request, kind, form)
    if kind == Account.Kind.STAFF:
        return _second_factor(request, user, form)
    if kind == Account.Kind.CITIZEN and registry_selectors.account_sign_in_mobile(account=user):
        request.session.cycle_key()
        request.session[SMS_SESSION_KEY] = {"uid": user.pk, "next": _next_url(request), "sends": 0}
        _sms_code_send(request, user)
        return redirect("web:login_citizen_code")
    login(request, user)
    return redirect(_next_url(request))


def _second_factor(request: HttpRequest, user: Account, form: Form) -> HttpResponse:
    device = TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("id").first()
    if device is None:
        request.session.cycle_key()
        request.session[ENROL_SESSION_KEY] = {"uid": user.pk, "at": time.time(), "next": _next_url(request)}
        return redirect("web:enrol")
    token = form.cleaned_data.get("otp_token", "")
    if token and device.verify_token(token):
        login(request, user)
        otp_login(request, device)
        return redirect(_next_url(request))
    _report_failure(request, user.get_username())
    form.add_error(None, neutral_failure())
    return _sign_in_page(request, Account.Kind.STAFF, form)


@sensitive_post_parameters("password", "otp_token")
@never_cache
@require_http_methods(["GET", "POST"])
def login_staff(request: HttpRequest) -> HttpResponse:
    return _sign_in_view(request, Account.Kind.STAFF)


@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
def login_citizen(request: HttpRequest) -> HttpResponse:
    return _sign_in_view(request, Account.Kind.CITIZEN)


@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
def login_unit(request: HttpRequest) -> HttpResponse:
    return _sign_in_view(request, Account.Kind.UNIT)


# --- the citizen's SMS code ---------------------------------------------------------------


class SmsCodeForm(forms.Form):
    code = forms.CharField(
        label="短信验证码 / SMS code",
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_code(self) -> str:
        code = str(self.cleaned_data["code"]).replace(" ", "")
        if len(code) != SMS_CODE_DIGITS or not code.isdigit():
            raise forms.ValidationError(f"验证码为 {SMS_CODE_DIGITS} 位数字。 / The code is {SMS_CODE_DIGITS} digits.")
        return code


def _code_hash(code: str, uid: int, at: float) -> str:
    message = f"{uid}:{at}:{code}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, sha256).hexdigest()


def _sms_code_send(request: HttpRequest, user: Account) -> None:
    """Draw a new code, keep only its hash in the session, and queue the SMS (outbox)."""
    pending = request.session[SMS_SESSION_KEY]
    code = sms_code_draw()
    at = time.time()
    pending.update(hash=_code_hash(code, user.pk, at), at=at, tries=0, sends=int(pending.get("sends", 0)) + 1)
    if settings.ENV == "demo":
        pending["demo_code"] = code  # the demo has no phone: the code page shows it
    request.session[SMS_SESSION_KEY] = pending
    with transaction.atomic():
        notification_enqueue(
            key=f"signin-sms:{user.pk}:{secrets.token_hex(8)}",
            channel="sms",
            recipient=registry_selectors.account_sign_in_mobile(account=user),
            body=sms_code_text(code),
        )  # no account: a spent code does not belong in the person's messages


def _pending_code(request: HttpRequest) -> tuple[Account | None, dict[str, Any]]:
    pending = request.session.get(SMS_SESSION_KEY)
    if not isinstance(pending, dict) or not pending.get("uid"):
        return None, {}
    user = Account.objects.filter(pk=pending["uid"], kind=Account.Kind.CITIZEN, is_active=True).first()
    return user, pending


def _code_page(
    request: HttpRequest, user: Account, pending: dict[str, Any], form: Form, status: int = 200
) -> HttpResponse:
    waited = time.time() - float(pending.get("at", 0))
    context = {
        "form": form,
        "mobile": sms_mobile_masked(registry_selectors.account_sign_in_mobile(account=user)),
        "minutes": SMS_CODE_TTL // dt.timedelta(minutes=1),
        "may_resend": waited >= SMS_RESEND.total_seconds() and int(pending.get("sends", 0)) < SMS_SENDS,
        "demo_code": pending.get("demo_code", "") if settings.ENV == "demo" else "",
    }
    return render(request, "web/signin_code.html", context, status=status)


@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
def login_citizen_code(request: HttpRequest) -> HttpResponse:
    """The second step of a citizen's sign-in: the code sent by SMS (or a new code)."""
    user, pending = _pending_code(request)
    if user is None:
        request.session.pop(SMS_SESSION_KEY, None)
        return redirect("web:login_citizen")
    form = SmsCodeForm(request.POST or None)
    if request.method != "POST":
        return _code_page(request, user, pending, form)
    if request.POST.get("resend") == "1":
        if (
            time.time() - float(pending.get("at", 0)) >= SMS_RESEND.total_seconds()
            and int(pending.get("sends", 0)) < SMS_SENDS
        ):
            _sms_code_send(request, user)
            return redirect("web:login_citizen_code")
        form = SmsCodeForm({"code": "000000"})  # bound, so the refusal can be shown on it
        form.is_valid()
        form.add_error(None, "请稍后再获取新的验证码。 / Wait a little before asking for a new code.")
        return _code_page(request, user, pending, form, status=429)
    if not form.is_valid():
        return _code_page(request, user, pending, form)
    if AxesProxyHandler.is_locked(request, {"username": user.get_username()}):
        request.session.pop(SMS_SESSION_KEY, None)
        form.add_error(None, neutral_failure())
        return _code_page(request, user, {**pending, "sends": SMS_SENDS}, form, status=429)
    expired = time.time() - float(pending.get("at", 0)) > SMS_CODE_TTL.total_seconds()
    spent = int(pending.get("tries", 0)) >= SMS_CODE_TRIES
    if expired or spent:
        request.session.pop(SMS_SESSION_KEY, None)
        _report_failure(request, user.get_username())
        form.add_error(
            None,
            "验证码已失效，请重新登录以获取新的验证码。 / The code is no longer valid: sign in again for a new one.",
        )
        return _code_page(request, user, {**pending, "sends": SMS_SENDS}, form, status=400)
    expected = str(pending.get("hash", ""))
    given = _code_hash(form.cleaned_data["code"], user.pk, float(pending.get("at", 0)))
    if not hmac.compare_digest(expected, given):
        pending["tries"] = int(pending.get("tries", 0)) + 1
        request.session[SMS_SESSION_KEY] = pending
        _report_failure(request, user.get_username())  # a failure for axes, like a wrong password
        left = SMS_CODE_TRIES - pending["tries"]
        form.add_error(None, f"验证码不正确，还可尝试 {left} 次。 / The code is not correct: {left} tries left.")
        return _code_page(request, user, pending, form, status=400)
    request.session.pop(SMS_SESSION_KEY, None)
    login(request, user, backend=MODEL_BACKEND)
    return redirect(str(pending.get("next") or reverse("web:home")))


def _pending_enrolment(request: HttpRequest) -> tuple[Account | None, str]:
    pending = request.session.get(ENROL_SESSION_KEY)
    if not isinstance(pending, dict) or time.time() - float(pending.get("at", 0)) > ENROL_SECONDS:
        request.session.pop(ENROL_SESSION_KEY, None)
        return None, ""
    uid = pending.get("uid")  # None (a session from before the field) matches no account
    user = Account.objects.filter(pk=uid, kind=Account.Kind.STAFF, is_active=True).first() if uid else None
    return user, str(pending.get("next") or reverse("web:home"))


def _enrol_device(user: Account) -> TOTPDevice:
    """The unconfirmed authenticator being enrolled (one per account, reused on reload)."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).order_by("id").first()
    return device or TOTPDevice.objects.create(user=user, name="shebao", confirmed=False)


def totp_device_confirm(*, actor: Account, device: TOTPDevice, token: str, channel: str) -> bool:
    """Confirm a new authenticator with a code it produced; audited as ``account.totp_confirm``.

    Returns False (and changes nothing but the device's throttle) when the code is wrong.
    """
    with transaction.atomic():
        if not device.verify_token(token):
            return False
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit.record(
            actor=actor,
            action="account.totp_confirm",
            subject_type="totp_device",
            subject_id=device.pk,
            channel=channel,
        )
    return True


def _group(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@sensitive_post_parameters("otp_token")
@never_cache
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    user, next_url = _pending_enrolment(request)
    if user is None:
        return redirect("web:login")
    if TOTPDevice.objects.devices_for_user(user, confirmed=True).exists():
        request.session.pop(ENROL_SESSION_KEY, None)
        return redirect("web:login")
    device = _enrol_device(user)
    form = TotpConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if totp_device_confirm(actor=user, device=device, token=form.cleaned_data["otp_token"], channel=Channel.HALL):
            request.session.pop(ENROL_SESSION_KEY, None)
            login(request, user, backend=MODEL_BACKEND)
            otp_login(request, device)
            return redirect(next_url)
        _report_failure(request, user.get_username())
        form.add_error(None, _("That code does not match. Wait for the next code and try again."))
    secret = b32encode(device.bin_key).decode("ascii")
    qr = segno.make(device.config_url, error="m")
    context = {
        "form": form,
        "secret": _group(secret),
        "qr_svg": qr.svg_inline(scale=5, border=2, dark="#111", light="#fff"),
        "account": user,
    }
    return render(request, "web/enrol.html", context)


# --- 代办: switching to act for another person ----------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
@signed_in
def acting(request: HttpRequest) -> HttpResponse:
    """A citizen holding an authorisation switches to acting for its grantor (``person``), or
    back to themselves (``stop``). The registry checks the authorisation on every later read
    and command; this page only keeps the choice in the session."""
    user = request.user
    assert isinstance(user, Account)  # signed_in
    if user.kind == Account.Kind.STAFF and user.role in registry_services.STAFF_WRITERS:
        return _window_record(request, user)
    if user.kind != Account.Kind.CITIZEN:
        return render(request, "web/acting.html", {"refused": True}, status=403)
    error = ""
    status = 200
    if request.method == "POST" and request.POST.get("action") in ("grant", "revoke"):
        try:
            _grant_or_revoke(request, user)
        except ShebaoError as refusal:
            error, status = f"{refusal.message_zh} / {refusal.message_en}", refusal.status
        else:
            return redirect("web:acting")
    elif request.method == "POST":
        if request.POST.get("stop") == "1":
            request.session.pop(ACTING_SESSION_KEY, None)
            return redirect("web:home")
        try:
            grantor = registry_services.acting_start(
                actor=user, grantor_id=int(request.POST.get("person") or 0), channel=Channel.ONLINE
            )
        except ValueError:
            error, status = "请选择要代办的人。 / Choose the person to act for.", 400
        except ShebaoError as refusal:
            error, status = f"{refusal.message_zh} / {refusal.message_en}", refusal.status
        else:
            label = f"{grantor.name} {mask_id_number(grantor.id_number)}"
            request.session[ACTING_SESSION_KEY] = {"person": grantor.pk, "label": label}
            return redirect("web:my_contributions")  # the home page shows the agent's own record
    # the grantor sees the agent's registered name masked (王*密): they typed a name, which
    # matched, but the page must not complete a name the grantor did not know
    granted = [
        (row, f"{mask_name(row.agent.name)} {mask_id_number(row.agent.id_number)}")
        for row in registry_selectors.authorisations_of_grantor(actor=user)
    ]
    context = {
        "granted": granted,
        "scopes": Authorisation.Scope.choices,
        "today": timezone.localdate(),
        "held": registry_selectors.authorisations_held(actor=user, on=timezone.localdate()),
        "acting": request.session.get(ACTING_SESSION_KEY),
        "error": error,
    }
    return render(request, "web/acting.html", context, status=status)


def _window_record(request: HttpRequest, user: Account) -> HttpResponse:
    """At the window: the clerk records an authorisation after checking both ID cards (the
    clerk ticks that they did; the service refuses without it)."""
    context: dict[str, Any] = {"window": True, "scopes": Authorisation.Scope.choices, "today": timezone.localdate()}
    if request.method != "POST":
        return render(request, "web/acting.html", context)
    try:
        try:
            valid_to = dt.date.fromisoformat(request.POST.get("valid_to", ""))
        except ValueError:
            raise InvalidInput("截止日期格式应为 YYYY-MM-DD", "The end date is YYYY-MM-DD", field="valid_to") from None
        row = registry_services.authorisation_record(
            actor=user,
            grantor_id_number=request.POST.get("grantor_id_number", ""),
            agent_id_number=request.POST.get("agent_id_number", ""),
            agent_name=request.POST.get("agent_name", ""),
            scope=request.POST.get("scope", ""),
            valid_from=timezone.localdate(),
            valid_to=valid_to,
            id_checked=request.POST.get("id_checked") == "1",
            channel=Channel.HALL,
        )
    except ShebaoError as refusal:
        context["error"] = f"{refusal.message_zh} / {refusal.message_en}"
        return render(request, "web/acting.html", context, status=refusal.status)
    context["recorded"] = row
    # the name the clerk typed; the registered one only when none was typed, which the service
    # allows only for an agent of the clerk's own district
    context["agent_label"] = request.POST.get("agent_name", "").strip() or row.agent.name
    return render(request, "web/acting.html", context)


def _grant_or_revoke(request: HttpRequest, user: Account) -> None:
    """The grantor's own side of the page: authorise an agent (from today to a chosen day), or
    revoke (or, as the agent, give up) an authorisation. The services check everything."""
    if request.POST.get("action") == "revoke":
        try:
            pk = int(request.POST.get("authorisation") or 0)
        except ValueError:
            pk = 0
        registry_services.authorisation_revoke(actor=user, authorisation_id=pk, channel=Channel.ONLINE)
        return
    try:
        valid_to = dt.date.fromisoformat(request.POST.get("valid_to", ""))
    except ValueError:
        raise InvalidInput("截止日期格式应为 YYYY-MM-DD", "The end date is YYYY-MM-DD", field="valid_to") from None
    registry_services.authorisation_grant(
        actor=user,
        agent_id_number=request.POST.get("agent_id_number", ""),
        agent_name=request.POST.get("agent_name", ""),
        scope=request.POST.get("scope", ""),
        valid_from=timezone.localdate(),
        valid_to=valid_to,
        channel=Channel.ONLINE,
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("web:landing")
