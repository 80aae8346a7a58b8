"""Who may open a page: signed in, and for staff a session verified with the second factor."""

from __future__ import annotations

import functools
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from shebao.core.models import Account

View = Callable[..., HttpResponse]


def needs_second_factor(user: Account) -> bool:
    """A staff session counts only once the TOTP code was checked (django_otp ``is_verified``)."""
    return user.kind == Account.Kind.STAFF and not user.is_verified()  # type: ignore[attr-defined]  # set by django-otp's middleware


def _to_sign_in(request: HttpRequest, login_url: str) -> HttpResponse:
    """To the sign-in, coming back afterwards. An htmx request (a session that expired while a
    page was open) has the whole page go there and come back to that page — not to the
    fragment's URL, which may take POST only — instead of a sign-in form swapped into a panel."""
    if getattr(request, "htmx", False):
        page = request.headers.get("HX-Current-URL", "")
        back = urlsplit(page)
        same_site = url_has_allowed_host_and_scheme(page, allowed_hosts={request.get_host()})
        target = (back.path + (f"?{back.query}" if back.query else "")) if page and same_site else reverse("web:home")
        response = redirect_to_login(target, login_url)
        response["HX-Redirect"] = response["Location"]
        response.status_code = 401  # htmx follows HX-Redirect whatever the status
        del response["Location"]
        return response
    return redirect_to_login(request.get_full_path(), login_url)


def signed_in(view: View) -> View:
    """Anonymous visitors go to the landing page with the three sign-ins; staff whose session
    was not verified with the second factor go to the staff sign-in."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            if request.path == reverse("web:home"):
                return redirect("web:landing")
            return _to_sign_in(request, settings.LOGIN_URL)
        if needs_second_factor(user):
            return _to_sign_in(request, reverse("web:login"))
        return view(request, *args, **kwargs)

    return wrapped
