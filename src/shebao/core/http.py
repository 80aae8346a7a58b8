"""Requests behind a sign-in: the one sign-in check every page uses, and typed requests.

:func:`signed_in` is the rule for every page of every app (the shell's and each domain app's
own pages): anonymous visitors go to sign in and come back, staff whose session has not passed
the second factor go to the staff sign-in, and an htmx request whose session expired takes the
whole page there instead of swapping a sign-in form into a panel. It names the shell's pages by
their URL names only (``web:home``, ``web:landing``, ``web:login``, ``LOGIN_URL``), so core imports no channel.

Django types ``request.user`` as an account *or* the anonymous user, and knows nothing of the
``auth`` django-ninja sets on an authenticated API request. A view behind a guard that refuses
the anonymous (:func:`signed_in` and the role guards built on it; an API route with ``auth=``)
knows better: annotate its request with one of these classes instead of silencing the type
checker at each use. They are annotations only; Django still hands the view its own
``HttpRequest``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from shebao.core.errors import NotAllowed
from shebao.core.models import Account

View = Callable[..., HttpResponse]

# 代办: the person a signed-in citizen acts for, kept in the session by the switch page as
# {"person": <id>, "label": <masked ID number and name>}. Core only hands it to the account
# (``acting_for``, ``acting_for_label``); the registry decides on every read whether an
# authorisation still holds, and the audit chain labels the agent's events with it.
ACTING_SESSION_KEY = "shebao_acting_for"


# The registry registers the check (core imports no domain app): given the agent's account and
# the grantor's person id, the grantor's (ID number, name) while an authorisation holds today,
# else None. Without a registered check nobody acts for anybody.
ActingCheck = Callable[[Account, int], "tuple[str, str] | None"]
_acting_check: list[ActingCheck] = []


def register_acting_check(check: ActingCheck) -> None:
    _acting_check[:] = [check]


def acting_apply(request: HttpRequest) -> bool:
    """Put the session's "acting for" on a citizen's account for this request (when it is set),
    after the registry confirmed that an authorisation still holds today. False when it no
    longer does: the acting then ends (the session forgets it) and the request is refused."""
    user = request.user
    acting = request.session.get(ACTING_SESSION_KEY) if hasattr(request, "session") else None
    if isinstance(user, Account) and user.kind == Account.Kind.CITIZEN and isinstance(acting, dict):
        person = int(acting.get("person") or 0) or None
        held = _acting_check[0](user, person) if person and _acting_check else None
        if held is None:
            request.session.pop(ACTING_SESSION_KEY, None)
            return False
        user.acting_for = person  # type: ignore[attr-defined]  # per request
        user.acting_for_label = str(acting.get("label") or "")  # type: ignore[attr-defined]  # per request, for the banner
        user.acting_id_number, user.acting_name = held  # type: ignore[attr-defined]  # per request, checked above
    return True


def citizen_id_number(account: Account) -> str:
    """The ID number a citizen's own pages are about: the grantor's while acting for them
    (confirmed this request by :func:`acting_apply`), else the account's own."""
    return str(getattr(account, "acting_id_number", "") or account.id_number or "")


def acting_ended() -> HttpResponse:
    """The answer to a request made while acting after the authorisation expired or was revoked."""
    body = (
        '<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>代办已结束 / Acting ended</title>'
        "<main><h1>代办授权已过期或已撤销，代办已结束</h1>"
        '<p lang="en">The authorisation has expired or was revoked: acting for this person has ended.</p>'
        f'<p><a href="{reverse("web:home")}">返回我的首页 / Back to my home page</a></p></main></html>'
    )
    return HttpResponse(body, status=403)


class AccountRequest(HttpRequest):
    """A page request past a sign-in guard: ``user`` is a signed-in account."""

    user: Account


class ApiRequest(HttpRequest):
    """An API request that the route's authentication accepted: ``auth`` is the account."""

    auth: Account


def needs_second_factor(user: Account) -> bool:
    """A staff session counts only once the TOTP code was checked (django_otp ``is_verified``)."""
    return user.kind == Account.Kind.STAFF and not user.is_verified()  # type: ignore[attr-defined]  # set by django-otp's middleware


def to_sign_in(request: HttpRequest, login_url: str) -> HttpResponse:
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
    if request.method not in ("GET", "HEAD"):
        # a form sent after the session expired: back to the page the form was on (a POST-only
        # address would answer 405 to the browser coming back), when the browser names it
        referer = request.headers.get("Referer", "")
        back = urlsplit(referer)
        if referer and back.path and url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()}):
            return redirect_to_login(back.path + (f"?{back.query}" if back.query else ""), login_url)
    return redirect_to_login(request.get_full_path(), login_url)


# Whose sign-in a signed-out visitor is sent to, by the page's path: an insured person's own
# pages and the online hall to the citizen sign-in, the employer hall to the unit sign-in, every
# other page (the agency's) to the staff sign-in (``LOGIN_URL``). By URL name: core imports no
# channel.
SIGN_IN_BY_PATH: tuple[tuple[tuple[str, ...], str], ...] = (
    (("/my/", "/online/", "/statements/my/"), "web:login_citizen"),
    (("/unit/", "/statements/unit/"), "web:login_unit"),
)


# The case pages only an applicant uses, reached by a link from their case: the rating (好差评)
# and the online supply of a missing material (补正). A case's own page (/cases/<n>/) is
# staff's, a citizen's and a unit's alike and keeps the staff sign-in.
CITIZEN_CASE_PAGES = re.compile(r"^/cases/[^/]+/(?:rate|materials)/$")


def sign_in_for(path: str) -> str:
    """The sign-in page for a signed-out visitor of ``path`` (:data:`SIGN_IN_BY_PATH`,
    :data:`CITIZEN_CASE_PAGES`)."""
    if CITIZEN_CASE_PAGES.match(path):
        return reverse("web:login_citizen")
    for prefixes, name in SIGN_IN_BY_PATH:
        if path.startswith(prefixes):
            return reverse(name)
    return reverse(settings.LOGIN_URL)


def signed_in(view: View) -> View:
    """Signed in, and for staff verified with the second factor. Anonymous visitors of the home
    page go to the landing page with the three sign-ins; of any other page, to the sign-in of
    those the page is for (:func:`sign_in_for`), coming back to it after."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            if request.path == reverse("web:home"):
                return redirect("web:landing")
            return to_sign_in(request, sign_in_for(request.path_info))
        if needs_second_factor(user):
            return to_sign_in(request, reverse("web:login"))  # the staff sign-in, with its second factor
        if not acting_apply(request):
            return acting_ended()
        return view(request, *args, **kwargs)

    return wrapped


# A staff (or unit) account on an insured person's own page: told so, not shown an empty page.
NOT_THE_INSURED = NotAllowed("此页面供参保人本人使用", "This page is for the insured person")


def insured_person_page(*, staff_link: tuple[str, str, str] | None = None) -> Callable[[View], View]:
    """:func:`signed_in`, for an insured person's own pages (我的…): a signed-out visitor goes to
    the citizen sign-in, and any other account than a citizen's gets a 403 in both languages
    (:data:`NOT_THE_INSURED`) instead of a page about nobody; ``staff_link`` (URL name, zh, en):
    the page staff were likely looking for (the window's look-up), shown to staff on it."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def guarded(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
            user = request.user
            if isinstance(user, Account) and user.kind != Account.Kind.CITIZEN:
                if getattr(request, "htmx", False):
                    return render(request, "web/_error_notice.html", {"error": NOT_THE_INSURED}, status=403)
                context: dict[str, object] = {"error": NOT_THE_INSURED}
                if staff_link is not None and user.kind == Account.Kind.STAFF:
                    name, zh, en = staff_link
                    context["error_link"] = {"url": reverse(name), "zh": zh, "en": en}
                return render(request, "403.html", context, status=403)
            return view(request, *args, **kwargs)

        return signed_in(guarded)

    return decorate
