"""The employer's online hall, bills side: the unit's bills with status and totals, a bill's
lines, paying online, the receipt PDF, the staff contribution list (Excel and PDF) and the
annual base declaration.

Views parse parameters and call one selector or service of ``shebao.contributions``; those
decide what the operator may see and do (their own unit only). A payment form carries an
idempotency key made when the form is drawn, so a double click or a resubmitted page pays once.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shebao.contributions import receipts, selectors, services
from shebao.contributions.models import Bill
from shebao.core.channels import Channel
from shebao.core.errors import NotAllowed, NotFound, ShebaoError
from shebao.core.identifiers import mask_id_number
from shebao.core.models import Account
from shebao.registry import selectors as registry_selectors
from shebao.registry.models import Unit
from shebao.registry.views import error_page
from shebao.web.access import signed_in
from shebao.web.forms import error_text

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _own_unit(request: HttpRequest) -> Unit:
    user: Account = request.user  # type: ignore[assignment]
    if user.kind != Account.Kind.UNIT:
        raise NotAllowed("仅限单位经办人使用", "For employer operators only")
    return registry_selectors.unit_get_own(actor=user)


def bill_state(bill: Bill, today) -> str:
    """open / arrears / paid / cancelled: arrears computed on read."""
    if bill.status == Bill.Status.OPEN and bill.due_date < today:
        return "arrears"
    return bill.status


@require_GET
@signed_in
def unit_bills(request: HttpRequest) -> HttpResponse:
    try:
        unit = _own_unit(request)
        bills = selectors.bill_list(actor=request.user, unit=unit)  # type: ignore[arg-type]
    except ShebaoError as error:
        return error_page(request, error)
    today = timezone.localdate()
    rows = [(bill, bill_state(bill, today), selectors.bill_amount_due(bill=bill, as_of=today)) for bill in bills]
    outstanding = sum((due for bill, state, due in rows if bill.status == Bill.Status.OPEN), Decimal("0.00"))
    return render(
        request,
        "web/unit/bills.html",
        {"unit": unit, "rows": rows, "outstanding": outstanding, "this_year": today.year},
    )


def _bill_context(request: HttpRequest, pk: int) -> dict[str, object]:
    user: Account = request.user  # type: ignore[assignment]
    _own_unit(request)
    bill = selectors.bill_get(actor=user, bill_id=pk)
    lines = selectors.bill_lines(actor=user, bill=bill)
    today = timezone.localdate()
    fee = selectors.late_fee_for(bill=bill, as_of=today)
    return {
        "bill": bill,
        "state": bill_state(bill, today),
        "lines": [(line, mask_id_number(line.person.id_number)) for line in lines],
        "late_fee": fee,
        "amount_due": bill.employer_total + bill.personal_total + fee.amount,
        "pay_key": f"WEB-{uuid.uuid4().hex}",
        "payments": list(bill.payments.order_by("paid_at")),
    }


@require_GET
@signed_in
def unit_bill(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        context = _bill_context(request, pk)
    except ShebaoError as error:
        return error_page(request, error)
    return render(request, "web/unit/bills_detail.html", context)


@require_POST
@signed_in
def unit_bill_pay(request: HttpRequest, pk: int) -> HttpResponse:
    user: Account = request.user  # type: ignore[assignment]
    try:
        _own_unit(request)
        bill = selectors.bill_get(actor=user, bill_id=pk)
        services.payment_record(
            actor=user,
            bill=bill,
            amount=request.POST.get("amount", ""),
            key=request.POST.get("key", ""),
            channel=Channel.ONLINE,
        )
    except (NotFound, NotAllowed) as error:
        return error_page(request, error)
    except ShebaoError as error:
        try:
            context = _bill_context(request, pk)
        except ShebaoError as again:
            return error_page(request, again)
        context["pay_error"] = error_text(error)
        return render(request, "web/unit/bills_detail.html", context, status=error.status)
    messages.success(request, _("Payment received."))
    return redirect("web:unit_bill", pk=pk)


@require_GET
@signed_in
def unit_bill_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        _own_unit(request)
        bill = selectors.bill_get(actor=request.user, bill_id=pk)  # type: ignore[arg-type]
    except ShebaoError as error:
        return error_page(request, error)
    if bill.status != Bill.Status.PAID:
        return error_page(request, NotFound("该缴费单尚未缴费，没有缴费凭证", "The bill is not paid: no receipt yet"))
    pdf = receipts.receipt_pdf(bill=bill, payments=list(bill.payments.order_by("paid_at")))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{receipts.receipt_ref(bill)}.pdf"'
    return response


@require_GET
@signed_in
def unit_bill_staff(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    try:
        _own_unit(request)
        bill = selectors.bill_get(actor=request.user, bill_id=pk)  # type: ignore[arg-type]
        lines = selectors.bill_lines(actor=request.user, bill=bill)  # type: ignore[arg-type]
    except ShebaoError as error:
        return error_page(request, error)
    if fmt not in ("xlsx", "pdf"):
        return error_page(request, NotFound())
    name = f"staff-{bill.period:%Y-%m}"
    if fmt == "xlsx":
        response = HttpResponse(receipts.staff_list_xlsx(bill=bill, lines=lines), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    response = HttpResponse(receipts.staff_list_pdf(bill=bill, lines=lines), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    return response


@require_http_methods(["GET", "POST"])
@signed_in
def unit_bases(request: HttpRequest, year: int) -> HttpResponse:
    """缴费基数申报: one wage per current employee, for ``year``."""
    user: Account = request.user  # type: ignore[assignment]
    try:
        unit = _own_unit(request)
        staff = list(registry_selectors.unit_staff_list(actor=user, unit=unit))
    except ShebaoError as error:
        return error_page(request, error)
    declared = {row.person_id: row.wage for row in unit.declared_bases.filter(year=year)}
    values = {e.person_id: request.POST.get(f"wage_{e.person_id}", "").strip() for e in staff}
    error_field, error_message, status = "", "", 200
    if request.method == "POST":
        wages = {pid: value for pid, value in values.items() if value}
        try:
            services.base_declare(actor=user, unit=unit, year=year, wages=wages)
        except ShebaoError as error:
            error_field, error_message, status = error.field or "", error_text(error), error.status
        else:
            messages.success(
                request, _("Bases declared for %(count)d staff for %(year)d.") % {"count": len(wages), "year": year}
            )
            return redirect("web:unit_bases", year=year)
    rows = [
        (
            employment,
            mask_id_number(employment.person.id_number),
            values[employment.person_id] if request.method == "POST" else declared.get(employment.person_id, ""),
            f"wage_{employment.person_id}" == error_field,
        )
        for employment in staff
    ]
    return render(
        request,
        "web/unit/bills_bases.html",
        {"unit": unit, "year": year, "rows": rows, "error_message": error_message},
        status=status,
    )
