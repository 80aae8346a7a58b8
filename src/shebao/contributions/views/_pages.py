"""What every contributions page shares: who may open it, and how a domain error is shown.

``signed_in`` is the shell's rule (``shebao.web.access.signed_in``, which a domain app may not
import: the channels sit above the domain): anonymous visitors go to sign in and come back,
staff whose session has not passed the second factor go to the staff sign-in, and an htmx
request whose session expired takes the whole page there instead of swapping a sign-in form into
a panel.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language

from shebao.core.errors import ShebaoError
from shebao.core.models import Account
from shebao.registry.views import channel_for, error_page

__all__ = ["channel_for", "error_page", "error_text", "signed_in"]

View = Callable[..., HttpResponse]


def error_text(error: ShebaoError) -> str:
    """A domain error's message in the language of the page."""
    return error.message_zh if (get_language() or "zh").lower().startswith("zh") else error.message_en


def _to_sign_in(request: HttpRequest, login_url: str) -> HttpResponse:
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
    """Signed in, and for staff verified with the second factor (django_otp ``is_verified``)."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return _to_sign_in(request, settings.LOGIN_URL)
        if user.kind == Account.Kind.STAFF and not user.is_verified():  # type: ignore[attr-defined]  # set by django-otp's middleware
            return _to_sign_in(request, reverse("web:login"))
        return view(request, *args, **kwargs)

    return wrapped
