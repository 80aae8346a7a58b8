"""The window's real-time arrears (欠费实时征收): a clerk looks up a person by ID number or a
unit by credit code, sees the bills past their due date with today's late fee, and collects
one at the counter.

Each collection form carries an idempotency key made when the page is drawn, so a double click
or a resent form records one payment. The selectors scope the look-up to the clerk's district.
"""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from shebao.contributions import selectors, services
from shebao.contributions.views._pages import channel_for, error_page, error_text, signed_in
from shebao.core.errors import NotAllowed, ShebaoError
from shebao.core.http import AccountRequest
from shebao.core.identifiers import mask_id_number
from shebao.core.models import Account
from shebao.registry import selectors as registry_selectors


def _clerk(request: AccountRequest) -> Account:
    user = request.user
    if user.kind != Account.Kind.STAFF or user.role not in selectors.COLLECTING_ROLES:
        raise NotAllowed("仅限窗口经办员使用", "For window clerks only")
    return user


def _lookup(request: HttpRequest, user: Account, params) -> dict[str, object]:
    """The payer named by ``id_number`` or ``unit_code`` and their arrears today."""
    today = timezone.localdate()
    id_number = (params.get("id_number") or "").strip()
    unit_code = (params.get("unit_code") or "").strip()
    context: dict[str, object] = {"id_number": id_number, "unit_code": unit_code, "today": today}
    if id_number:
        person = registry_selectors.person_find_by_id_number(actor=user, id_number=id_number, channel=channel_for(user))
        context["payer"] = f"{person.name} {mask_id_number(person.id_number)}"
        context["arrears"] = selectors.arrears_for(actor=user, person=person, as_of=today)
        context["months"] = selectors.months_of_person(actor=user, person=person, as_of=today, limit=24)
    elif unit_code:
        unit = selectors.unit_find_for_staff(actor=user, credit_code=unit_code)
        context["payer"] = f"{unit.name} {unit.credit_code}"
        context["arrears"] = selectors.arrears_for(actor=user, unit=unit, as_of=today)
    arrears = context.get("arrears")
    if isinstance(arrears, selectors.Arrears):
        context["lines"] = [(line, f"HALL-{uuid.uuid4().hex}") for line in arrears.lines]
    return context


@require_GET
@signed_in
def window_arrears(request: AccountRequest) -> HttpResponse:
    try:
        user = _clerk(request)
    except ShebaoError as error:
        return error_page(request, error)
    try:
        context = _lookup(request, user, request.GET)
    except ShebaoError as error:
        context = {
            "id_number": request.GET.get("id_number", ""),
            "unit_code": request.GET.get("unit_code", ""),
            "lookup_error": error_text(error),
        }
        return render(request, "contributions/window_arrears.html", context, status=error.status)
    return render(request, "contributions/window_arrears.html", context)


@require_POST
@signed_in
def window_collect(request: AccountRequest, pk: int) -> HttpResponse:
    back = {k: request.POST.get(k, "") for k in ("id_number", "unit_code") if request.POST.get(k)}
    try:
        user = _clerk(request)
        bill = selectors.bill_get(actor=user, bill_id=pk)
    except ShebaoError as error:
        return error_page(request, error)
    if request.POST.get("confirmed") != "1":
        # 实时征收 takes money: the clerk reads the amount to the payer and confirms once paid
        try:
            context = _lookup(request, user, request.POST)
        except ShebaoError as again:
            return error_page(request, again)
        context["confirm"] = {
            "bill": bill,
            "amount": request.POST.get("amount", ""),
            "key": request.POST.get("key", ""),
        }
        return render(request, "contributions/window_arrears.html", context)
    try:
        payment = services.payment_record(
            actor=user,
            bill=bill,
            amount=request.POST.get("amount", ""),
            key=request.POST.get("key", ""),
            channel=channel_for(user),
        )
    except ShebaoError as error:
        try:
            context = _lookup(request, user, request.POST)
        except ShebaoError as again:
            return error_page(request, again)
        context["collect_error"] = error_text(error)
        return render(request, "contributions/window_arrears.html", context, status=error.status)
    messages.success(request, _("Collected %(amount)s yuan.") % {"amount": payment.amount})
    return redirect(f"{reverse('web:window_arrears')}?{urlencode(back)}")
