"""Who may open a page: signed in, and for staff a session verified with the second factor."""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from shebao.core.models import Account

View = Callable[..., HttpResponse]


def needs_second_factor(user: Account) -> bool:
    """A staff session counts only once the TOTP code was checked (django_otp ``is_verified``)."""
    return user.kind == Account.Kind.STAFF and not user.is_verified()  # type: ignore[attr-defined]


def signed_in(view: View) -> View:
    """Anonymous visitors go to the landing page with the three sign-ins; staff whose session
    was not verified with the second factor go to the staff sign-in."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            if request.path == reverse("web:home"):
                return redirect("web:landing")
            return redirect_to_login(request.get_full_path())
        if needs_second_factor(user):  # type: ignore[arg-type]
            return redirect_to_login(request.get_full_path(), reverse("web:login"))
        return view(request, *args, **kwargs)

    return wrapped
