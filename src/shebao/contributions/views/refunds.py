"""退差退付登记: the contribution side of a social-insurance office lists the refunds of base
corrections (退差) still to pay to its district's units and their employees, and records each
once the finance office has paid it, with the bank's reference and the day paid
(``differences.difference_refund_settle``; who may is decided there, not here)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from shebao.contributions import selectors, services
from shebao.contributions.models import BaseDifference
from shebao.contributions.views._pages import channel_for, error_page, error_text, signed_in
from shebao.core.errors import NotAllowed, ShebaoError
from shebao.core.http import AccountRequest
from shebao.core.identifiers import mask_id_number


def _refused() -> NotAllowed:
    return NotAllowed(
        "仅社保经办机构缴费业务人员可登记退差退付",
        "Only the contribution staff of a social-insurance office record refunds paid",
    )


def _rows(refunds: list[BaseDifference]) -> list[tuple[BaseDifference, str]]:
    return [(refund, mask_id_number(refund.person.id_number)) for refund in refunds]


def _page(request: AccountRequest, *, status: int = 200, **extra: object) -> HttpResponse:
    context: dict[str, object] = {
        "rows": _rows(selectors.refunds_open(actor=request.user)),
        "today": timezone.localdate(),
        **extra,
    }
    return render(request, "contributions/window_refunds.html", context, status=status)


@require_GET
@signed_in
def window_refunds(request: AccountRequest) -> HttpResponse:
    if selectors.refund_settler_district(request.user) is False:
        return error_page(request, _refused())
    return _page(request)


@require_POST
@signed_in
def window_refund_settle(request: AccountRequest, pk: int) -> HttpResponse:
    user = request.user
    if selectors.refund_settler_district(user) is False:
        return error_page(request, _refused())
    try:
        refund = services.difference_refund_settle(
            actor=user,
            difference_id=pk,
            bank_ref=request.POST.get("bank_ref", ""),
            paid_on=request.POST.get("paid_on", ""),
            channel=channel_for(user),
        )
    except ShebaoError as error:
        return _page(
            request,
            status=error.status,
            settle_error=error_text(error),
            failed=pk,
            bank_ref=request.POST.get("bank_ref", ""),
            paid_on=request.POST.get("paid_on", ""),
        )
    messages.success(
        request,
        f"已登记退付：{refund.unit.name} {refund.employer_amount} 元，{refund.person.name} {refund.personal_amount} 元"
        f"（办件 {refund.case_number}，流水号 {refund.bank_ref}）/ Refund recorded as paid",
    )
    return redirect("web:window_refunds")
