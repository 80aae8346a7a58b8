"""Sign-in for the three kinds of account, TOTP enrolment for staff, and sign-out.

Every password check goes through ``django.contrib.auth.authenticate(request=…)`` so
django-axes counts the failures, for a username from one address, for a username from any
address and for an address over any usernames, each against its own limit
(``shebao.core.throttle``); the lockout page is ``shebao.web.views.lockout``, status 429,
the same whichever limit was reached. A wrong second factor, or a right password on the wrong
sign-in page, is reported to axes as a failure too. Whatever went wrong, the page says one
neutral sentence: it never reveals whether an account exists, which kind it is, or which of
the secrets was wrong. Administrators sign in here too (``/admin/login/`` sends them here).

Staff sign in with a password and a TOTP code (django_otp). A staff account with no confirmed
authenticator is sent, after a correct password, to a short-lived enrolment page; the session
is only signed in once a code from the new authenticator is confirmed.
"""

from __future__ import annotations

import time
from base64 import b32encode
from typing import Any

import segno
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
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
from shebao.core.models import Account
from shebao.web.forms import CitizenSignInForm, StaffSignInForm, TotpConfirmForm, UnitSignInForm

ENROL_SESSION_KEY = "shebao_totp_enrol"
ENROL_SECONDS = 10 * 60  # the enrolment page works for ten minutes after the password

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


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("web:landing")
