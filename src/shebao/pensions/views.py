"""The pension pages: the retiree's own "我的养老金" with its three PDFs, the staff look-up (a
community window, a district office, the 12333 hotline) and the bank outlet's card check.

Parameter parsing plus one selector call; the selectors decide who sees what
(``shebao.pensions.selectors``), so every channel shows the same figures.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from shebao.core.errors import NotAllowed, ShebaoError
from shebao.core.http import AccountRequest, signed_in
from shebao.core.models import Account, Role
from shebao.pensions import documents
from shebao.pensions.selectors import (
    PensionView,
    pension_card_status,
    pension_for_card_holder,
    pension_for_staff,
    pension_of_mine,
)
from shebao.registry.views import channel_for, error_page

# Staff who may look a retiree's pension up (the bank agent has its own, narrower page).
LOOKUP_ROLES = frozenset(
    {Role.CLERK, Role.REVIEWER, Role.APPROVER, Role.SUPERVISOR, Role.HOTLINE, Role.MONITOR_DISTRICT}
    | {Role.MONITOR_CITY, Role.ADMIN}
)
PDFS: dict[str, tuple[Callable[..., bytes], str]] = {
    "statement": (documents.statement_pdf, "养老待遇明细表"),
    "certificate": (documents.certificate_pdf, "退休证"),
    "voucher": (documents.voucher_pdf, "开户凭证"),
}


@require_GET
@signed_in
def my_pension(request: AccountRequest) -> HttpResponse:
    """我的养老金: the determination, each part with its derivation, payments by month, downloads."""
    user = request.user
    if user.kind != Account.Kind.CITIZEN:
        return error_page(request, NotAllowed("仅限参保人本人查询", "For insured persons only"))
    try:
        view = pension_of_mine(actor=user)
    except ShebaoError as error:
        return error_page(request, error)
    return render(request, "pensions/mine.html", {"view": view, "own": True})


@require_GET
@signed_in
def my_pension_pdf(request: AccountRequest, doc: str) -> HttpResponse:
    user = request.user
    if doc not in PDFS:
        return error_page(request, NotAllowed("没有这种文件", "No such document"))
    if user.kind != Account.Kind.CITIZEN:
        return error_page(request, NotAllowed("仅限参保人本人下载", "For insured persons only"))
    try:
        view = pension_of_mine(actor=user)
        render_pdf, _title = PDFS[doc]
        pdf = render_pdf(view=view)
    except ShebaoError as error:
        return error_page(request, error)
    return _pdf(pdf, f"{doc}.pdf")


def _pdf(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_http_methods(["GET", "POST"])
@signed_in
def pension_lookup(request: AccountRequest) -> HttpResponse:
    """A retiree's pension by ID number, for staff of the person's district (audited)."""
    user = request.user
    if user.kind != Account.Kind.STAFF or user.role not in LOOKUP_ROLES:
        return error_page(request, NotAllowed("您的账户不能查询养老待遇", "Your account may not look up pensions"))
    context: dict[str, object] = {"id_number": ""}
    if request.method == "POST":
        number = request.POST.get("id_number", "").strip()
        context["id_number"] = number
        try:
            view: PensionView = pension_for_staff(actor=user, id_number=number, channel=channel_for(user))
            context["view"] = view
        except ShebaoError as error:
            context["error"] = error
            status = error.status
            return render(request, "pensions/lookup.html", context, status=status)
    return render(request, "pensions/lookup.html", context)


@require_http_methods(["GET", "POST"])
@signed_in
def bank_card_check(request: AccountRequest) -> HttpResponse:
    """At a bank outlet: is this person's pension paid into a card, and which (no amounts)."""
    user = request.user
    if user.kind != Account.Kind.STAFF or user.role != Role.BANK_AGENT:
        return error_page(request, NotAllowed("仅限银行代理点使用", "For bank outlets only"))
    context: dict[str, object] = {"id_number": ""}
    if request.method == "POST":
        number = request.POST.get("id_number", "").strip()
        card = request.POST.get("card_number", "").strip()
        context["id_number"] = number
        try:
            if card:  # the retiree presents the card: the same pension view as every channel
                context["view"] = pension_for_card_holder(
                    actor=user, id_number=number, card_number=card, channel=channel_for(user)
                )
            else:
                context["status"] = pension_card_status(actor=user, id_number=number, channel=channel_for(user))
        except ShebaoError as error:
            context["error"] = error
            return render(request, "pensions/bank.html", context, status=error.status)
    return render(request, "pensions/bank.html", context)
