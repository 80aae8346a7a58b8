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
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shebao.contributions import declarations, receipts, selectors, services
from shebao.contributions.models import Bill
from shebao.contributions.views._pages import error_page, error_text, signed_in
from shebao.core.channels import Channel
from shebao.core.errors import InvalidInput, NotAllowed, NotFound, ShebaoError
from shebao.core.http import AccountRequest
from shebao.core.identifiers import mask_id_number
from shebao.core.models import Account
from shebao.registry import selectors as registry_selectors
from shebao.registry.models import Unit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _own_unit(request: AccountRequest) -> Unit:
    user = request.user
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
def unit_bills(request: AccountRequest) -> HttpResponse:
    try:
        unit = _own_unit(request)
        bills = selectors.bill_list(actor=request.user, unit=unit)
    except ShebaoError as error:
        return error_page(request, error)
    today = timezone.localdate()
    rows = [(bill, bill_state(bill, today), selectors.bill_amount_due(bill=bill, as_of=today)) for bill in bills]
    outstanding = sum((due for bill, state, due in rows if bill.status == Bill.Status.OPEN), Decimal("0.00"))
    return render(
        request,
        "contributions/unit_bills.html",
        {"unit": unit, "rows": rows, "outstanding": outstanding, "this_year": today.year},
    )


def _bill_context(request: AccountRequest, pk: int) -> dict[str, object]:
    user = request.user
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
def unit_bill(request: AccountRequest, pk: int) -> HttpResponse:
    try:
        context = _bill_context(request, pk)
    except ShebaoError as error:
        return error_page(request, error)
    return render(request, "contributions/unit_bill.html", context)


@require_POST
@signed_in
def unit_bill_pay(request: AccountRequest, pk: int) -> HttpResponse:
    """网上缴费 in two steps, as the window's collection: the first press shows the amount and
    asks to confirm (nothing is taken); the confirmed form pays, once, by the key drawn with the
    page (a double click or a resent form returns the first payment)."""
    user = request.user
    try:
        _own_unit(request)
        bill = selectors.bill_get(actor=user, bill_id=pk)
        if request.POST.get("confirmed") != "1":
            context = _bill_context(request, pk)
            context["confirm"] = {"amount": request.POST.get("amount", ""), "key": request.POST.get("key", "")}
            return render(request, "contributions/unit_bill.html", context)
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
        return render(request, "contributions/unit_bill.html", context, status=error.status)
    messages.success(request, _("Payment received."))
    return redirect("web:unit_bill", pk=pk)


@require_GET
@signed_in
def unit_bill_receipt(request: AccountRequest, pk: int) -> HttpResponse:
    try:
        _own_unit(request)
        bill = selectors.bill_get(actor=request.user, bill_id=pk)
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
def unit_bill_staff(request: AccountRequest, pk: int, fmt: str) -> HttpResponse:
    try:
        _own_unit(request)
        bill = selectors.bill_get(actor=request.user, bill_id=pk)
        lines = selectors.bill_lines(actor=request.user, bill=bill)
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


def _bases_page(
    request: AccountRequest,
    *,
    unit: Unit,
    year: int,
    values: dict[int, str] | None = None,
    error: ShebaoError | None = None,
    report: declarations.DeclarationReport | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    staff = selectors.declaration_rows(actor=user, unit=unit, year=year)
    problems = {p["field"]: p["message"] for p in (error.details.get("problems", []) if error else [])}
    if error is not None and not problems and error.field:
        problems[error.field] = error_text(error)
    rows = [
        (
            row,
            values.get(row.person.pk, "") if values is not None else (row.declared if row.declared is not None else ""),
            problems.get(f"wage_{row.person.pk}", ""),
        )
        for row in staff
    ]
    context = {
        "unit": unit,
        "year": year,
        "rows": rows,
        "declared": sum(1 for row in staff if row.declared is not None),
        "error_message": error_text(error) if error else "",
        "report": report,
        "max_rows": declarations.MAX_ROWS,
    }
    return render(request, "contributions/unit_bases.html", context, status=status)


@require_http_methods(["GET", "POST"])
@signed_in
def unit_bases(request: AccountRequest, year: int) -> HttpResponse:
    """缴费基数申报: every employee of ``year`` (current staff and those who left during it) with
    a wage each; a missing or wrong one is named with the person, and nothing is declared."""
    user = request.user
    try:
        unit = _own_unit(request)
        if request.method == "GET":
            return _bases_page(request, unit=unit, year=year)
        staff = selectors.declaration_rows(actor=user, unit=unit, year=year)
    except ShebaoError as error:
        return error_page(request, error)
    values = {row.person.pk: request.POST.get(f"wage_{row.person.pk}", "").strip() for row in staff}
    try:
        services.base_declare(actor=user, unit=unit, year=year, wages=values)
    except (NotFound, NotAllowed) as error:
        return error_page(request, error)
    except ShebaoError as error:
        return _bases_page(request, unit=unit, year=year, values=values, error=error, status=error.status)
    messages.success(
        request, _("Bases declared for all %(count)d staff for %(year)d.") % {"count": len(staff), "year": year}
    )
    return redirect("web:unit_bases", year=year)


@require_GET
@signed_in
def unit_bases_template(request: AccountRequest, year: int) -> HttpResponse:
    """The declaration as an Excel template, filled in with the year's employees."""
    try:
        unit = _own_unit(request)
        data = declarations.base_template_xlsx(actor=request.user, unit=unit, year=year)
    except ShebaoError as error:
        return error_page(request, error)
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="bases-{year}.xlsx"'
    return response


@require_POST
@signed_in
def unit_bases_upload(request: AccountRequest, year: int) -> HttpResponse:
    """The filled template: a report row by row, and the declaration only when every row is right."""
    user = request.user
    try:
        unit = _own_unit(request)
    except ShebaoError as error:
        return error_page(request, error)
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise InvalidInput("请选择要上传的 .xlsx 文件", "Choose the .xlsx file to upload", field="file")
        report = declarations.base_declare_upload(actor=user, unit=unit, year=year, file=upload)
    except (NotFound, NotAllowed) as error:
        return error_page(request, error)
    except ShebaoError as error:
        return _bases_page(request, unit=unit, year=year, error=error, status=error.status)
    if not report.ok:
        return _bases_page(request, unit=unit, year=year, report=report, status=422)
    messages.success(
        request, _("Bases declared for all %(count)d staff for %(year)d.") % {"count": report.declared, "year": year}
    )
    return redirect("web:unit_bases", year=year)
