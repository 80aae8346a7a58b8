"""The shared pages: each role's home, the public landing page, the working-day calculator,
the large-text switch and the lockout page django-axes shows.

The sign-in views live in ``shebao.web.signin``; person pages in ``shebao.registry.views``.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import defaults
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shebao.core.errors import ShebaoError
from shebao.core.http import AccountRequest
from shebao.core.workdays import due_date
from shebao.web.access import signed_in
from shebao.web.forms import DueDateForm, error_text
from shebao.web.homes import HOMES
from shebao.web.middleware import LARGE_TEXT_COOKIE
from shebao.web.signin import acting, enrol, login_citizen, login_citizen_code, login_staff, login_unit, logout_view

__all__ = [
    "acting",
    "enrol",
    "home",
    "landing",
    "large_text",
    "lockout",
    "login_citizen",
    "login_citizen_code",
    "login_staff",
    "login_unit",
    "logout_view",
    "workdays_calc",
]

LARGE_TEXT_MAX_AGE = 365 * 24 * 3600


@require_GET
@signed_in
def home(request: AccountRequest) -> HttpResponse:
    """Each role's own home page at "/"."""
    builder = HOMES.get(request.user.role)
    if builder is None:
        return render(request, "403.html", status=403)
    template, context = builder(request, request.user)
    return render(request, template, context)


@require_GET
def landing(request: HttpRequest) -> HttpResponse:
    """The public page: the three sign-ins and the working-day calculator."""
    return render(request, "web/landing.html", {"due_form": DueDateForm.initial_today()})


@require_http_methods(["GET", "POST"])
def workdays_calc(request: HttpRequest) -> HttpResponse:
    """Due date of a time limit in working days (public). With htmx only the result fragment
    is returned; without JavaScript the whole page comes back with the result in it."""
    if request.method == "GET":
        return render(request, "web/workdays.html", {"due_form": DueDateForm.initial_today()})
    form = DueDateForm(request.POST)
    result = None
    error = ""
    if form.is_valid():
        try:
            result = due_date(start=form.cleaned_data["start"], workdays=form.cleaned_data["workdays"])
        except ShebaoError as exc:
            error = error_text(exc)
    context = {
        "due_form": form,
        "result": result,
        "error": error,
        "inputs": form.cleaned_data,
        # a due date on a Saturday or Sunday is an adjusted working day (调休上班)
        "weekend_workday": result is not None and result.due_date.weekday() >= 5,
    }
    if getattr(request, "htmx", False):
        return render(request, "web/_due_date.html", context)
    status = 200 if result is not None else 422
    return render(request, "web/workdays.html", context, status=status)


def _back(request: HttpRequest) -> str:
    for candidate in (request.POST.get("next"), request.headers.get("referer")):
        if candidate and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return candidate
    return reverse("web:home")


@require_POST
def large_text(request: HttpRequest) -> HttpResponse:
    """The 大字版 switch: remembers the choice in a cookie and goes back to the page."""
    on = request.POST.get("on") == "1"
    response = redirect(_back(request))
    response.set_cookie(
        LARGE_TEXT_COOKIE,
        "1" if on else "0",
        max_age=LARGE_TEXT_MAX_AGE,
        samesite="Lax",
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


def lockout(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    """django-axes' answer once a username and address failed too often (status 429)."""
    minutes = int(float(getattr(settings, "AXES_COOLOFF_TIME", 0.25) or 0) * 60)
    if request.path.startswith("/api/"):  # the app's sign-in: the house JSON shape
        body = {
            "code": "too_many_attempts",
            "message": f"登录失败次数过多，请 {minutes} 分钟后再试",
            "message_en": f"Too many failed sign-ins: try again in {minutes} minutes",
        }
        return JsonResponse(body, status=429)
    return render(request, "429.html", {"cooloff_minutes": minutes}, status=429)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """404 for a path no URL matches: the house page, or for the API the house JSON shape."""
    if request.path.startswith("/api/"):
        body = {"code": "not_found", "message": "接口不存在", "message_en": "No such API endpoint"}
        return JsonResponse(body, status=404)
    return defaults.page_not_found(request, exception)
