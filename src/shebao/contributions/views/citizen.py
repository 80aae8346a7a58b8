"""The insured person's months (我的缴费记录): the whole history month by month — the annual
records of earlier years and the monthly ledger alike — grouped by year, newest first, with the
base, each insurance's amounts, and whether it is paid, in arrears, due or transferred in; and
the pension personal account (个人账户) year by year and line by line; and 网上缴费, a flexible
worker paying an open or overdue month with its late fee (``contributions.online_pay``)."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from shebao.contributions import online_pay, receipts, selectors
from shebao.contributions.accounts import account_statement
from shebao.contributions.models import Bill
from shebao.contributions.views._pages import channel_for, error_page, error_text, signed_in
from shebao.core.channels import Channel
from shebao.core.errors import NotAllowed, NotFound, ShebaoError
from shebao.core.http import AccountRequest, insured_person_page
from shebao.core.models import Account
from shebao.registry import selectors as registry_selectors

YEARS_PER_PAGE = 10  # the newest year open, the others folded; older years on further pages


@require_GET
@signed_in
def my_contributions(request: AccountRequest) -> HttpResponse:
    user = request.user
    if user.kind != Account.Kind.CITIZEN:
        return error_page(request, NotAllowed("仅限参保人本人查询", "For insured persons only"))
    try:
        person = registry_selectors.person_self(actor=user, channel=channel_for(user))
    except NotAllowed as refusal:  # 代办 whose authorisation no longer holds
        return error_page(request, refusal)
    except ShebaoError:
        return render(request, "contributions/mine.html", {"person": None})
    today = timezone.localdate()
    history = selectors.contribution_history(actor=user, person=person, as_of=today)
    page = Paginator(history, YEARS_PER_PAGE).get_page(request.GET.get("page"))
    totals = {
        "paid": sum((y.personal_paid for y in history), Decimal("0.00")),
        "arrears": sum((y.arrears for y in history), Decimal("0.00")),
        "count_paid": sum(y.paid_count for y in history),
        "first": history[-1].months[-1].row.period if history else None,
    }
    return render(
        request,
        "contributions/mine.html",
        {"person": person, "page": page, "years": page.object_list, "totals": totals},
    )


@require_GET
@signed_in
def my_account(request: AccountRequest) -> HttpResponse:
    """个人账户: the year's lines — each month's credit, the interest with its derivation — and
    the balances, so the person can follow every yuan."""
    user = request.user
    if user.kind != Account.Kind.CITIZEN:
        return error_page(request, NotAllowed("仅限参保人本人查询", "For insured persons only"))
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    year = max(1996, min(year, today.year))
    try:
        person = registry_selectors.person_self(actor=user, channel=channel_for(user))
        statement = account_statement(actor=user, person=person, year=year)
    except ShebaoError as error:
        return error_page(request, error)
    years = list(range(today.year, max(1995, today.year - 10), -1))
    context = {
        "statement": statement,
        "figures": statement.summary.year(year),
        "year": year,
        "years": years,
        "this_year": today.year,
    }
    return render(request, "contributions/account.html", context)


# --- 网上缴费: a flexible worker pays an open or overdue month --------------------------------


def _bills_context(request: AccountRequest) -> dict[str, object]:
    user = request.user
    paid = [b for b in selectors.bill_list(actor=user) if b.status == Bill.Status.PAID and b.unit_id is None][:12]
    return {"quotes": online_pay.bills_to_pay(actor=user), "paid": paid}


@require_GET
@insured_person_page()  # staff and units: a bilingual 403, not 未找到该参保人
def my_bills(request: AccountRequest) -> HttpResponse:
    """The months to pay (open or overdue, each with its late fee to today) and the paid ones
    with their receipts."""
    try:
        registry_selectors.person_self(actor=request.user, channel=channel_for(request.user))
        context = _bills_context(request)
    except ShebaoError as error:
        return error_page(request, error)
    return render(request, "contributions/my_bills.html", context)


@require_POST
@insured_person_page()  # staff and units: a bilingual 403, not 未找到该参保人
def my_bill_pay(request: AccountRequest, pk: int) -> HttpResponse:
    """Two steps: the first press opens a payment intent and shows the principal, the late fee
    (days × daily rate) and the total to confirm, nothing taken; the confirmed form takes that
    amount and records the payment once (a repeat returns the first)."""
    user = request.user
    intent_id = request.POST.get("intent_id", "")
    try:
        if request.POST.get("confirmed") != "1" or not intent_id:
            quote, intent = online_pay.online_payment_start(actor=user, bill_id=pk, channel=Channel.ONLINE)
            context = _bills_context(request) | {"confirm": quote, "intent_id": intent.id}
            return render(request, "contributions/my_bills.html", context)
        payment = online_pay.online_payment_confirm(actor=user, intent_id=intent_id, channel=Channel.ONLINE)
    except (NotFound, NotAllowed) as error:
        return error_page(request, error)
    except ShebaoError as error:
        try:
            context = _bills_context(request)
        except ShebaoError as again:
            return error_page(request, again)
        context["pay_error"] = error_text(error)
        return render(request, "contributions/my_bills.html", context, status=error.status)
    messages.success(request, f"缴费成功：{payment.amount} 元。 / Payment received: {payment.amount} yuan.")
    return redirect("web:my_bills")


@require_GET
@insured_person_page()  # staff and units: a bilingual 403, not 未找到该参保人
def my_bill_receipt(request: AccountRequest, pk: int) -> HttpResponse:
    """The paid month's receipt (缴费凭证), as the unit hall's."""
    try:
        registry_selectors.person_self(actor=request.user, channel=channel_for(request.user))
        bill = selectors.bill_get(actor=request.user, bill_id=pk)
    except ShebaoError as error:
        return error_page(request, error)
    if bill.status != Bill.Status.PAID:
        return error_page(request, NotFound("该月尚未缴费，没有缴费凭证", "The month is not paid: no receipt yet"))
    pdf = receipts.receipt_pdf(bill=bill, payments=list(bill.payments.order_by("paid_at")))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{receipts.receipt_ref(bill)}.pdf"'
    return response
