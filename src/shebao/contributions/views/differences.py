"""更正补差缴费单撤销与重新开具: the contribution side of a social-insurance office lists its
district's correction differences due (补差) — those whose bill is open, to cancel with a reason,
and those whose bill was cancelled, still owed, to bill again — and does either
(``differences.difference_bill_cancel`` and ``difference_rebill``, through ``services``; who may
is decided there, not here: the district, one's own record, the correction's case, who cancelled)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from shebao.contributions import selectors, services
from shebao.contributions.differences import differences_worklist
from shebao.contributions.views._pages import channel_for, error_page, error_text, signed_in
from shebao.core.errors import NotAllowed, ShebaoError
from shebao.core.http import AccountRequest
from shebao.core.identifiers import mask_id_number


def _refused() -> NotAllowed:
    return NotAllowed(
        "仅社保经办机构缴费业务人员可撤销或重新开具更正补差缴费单",
        "Only the contribution staff of a social-insurance office cancel or re-issue a difference bill",
    )


def _page(request: AccountRequest, *, status: int = 200, **extra: object) -> HttpResponse:
    today = timezone.localdate()
    work = differences_worklist(actor=request.user, as_of=today)
    context: dict[str, object] = {
        "billed": [(line, mask_id_number(line.difference.person.id_number)) for line in work.billed],
        "to_bill": [(row, mask_id_number(row.person.id_number)) for row in work.to_bill],
        "today": today,
        **extra,
    }
    return render(request, "contributions/window_differences.html", context, status=status)


@require_GET
@signed_in
def window_differences(request: AccountRequest) -> HttpResponse:
    if selectors.refund_settler_district(request.user) is False:
        return error_page(request, _refused())
    return _page(request)


@require_POST
@signed_in
def window_difference_bill_cancel(request: AccountRequest, pk: int) -> HttpResponse:
    user = request.user
    if selectors.refund_settler_district(user) is False:
        return error_page(request, _refused())
    reason = request.POST.get("reason", "")
    try:
        difference = services.difference_bill_cancel(actor=user, bill_id=pk, reason=reason, channel=channel_for(user))
    except ShebaoError as error:
        return _page(request, status=error.status, error=error_text(error), failed_bill=pk, reason=reason)
    bill = difference.bill
    number, fee = (bill.number, bill.late_fee) if bill is not None else ("", None)
    carried = f"，滞纳金 {fee} 元一并计入" if fee else ""
    messages.success(
        request,
        f"已撤销补差缴费单 {number}（{difference.unit.name}，{difference.person.name}，办件 {difference.case_number}），"
        f"差额 {difference.total} 元仍欠，待重新开具{carried}"
        " / Difference bill cancelled: the difference (and any late fee to date) stays owed, to be billed again",
    )
    return redirect("web:window_differences")


@require_POST
@signed_in
def window_difference_rebill(request: AccountRequest, pk: int) -> HttpResponse:
    user = request.user
    if selectors.refund_settler_district(user) is False:
        return error_page(request, _refused())
    try:
        new = services.difference_rebill(actor=user, difference_id=pk, channel=channel_for(user))
    except ShebaoError as error:
        return _page(request, status=error.status, error=error_text(error), failed_difference=pk)
    bill = new.bill
    said = f"{bill.number}，滞纳金 {bill.late_fee} 元，缴费截止 {bill.due_date:%Y-%m-%d}" if bill is not None else ""
    messages.success(
        request,
        f"已重新开具补差缴费单 {said}（{new.unit.name}，{new.person.name}，差额 {new.total} 元）"
        " / Difference billed again",
    )
    return redirect("web:window_differences")
