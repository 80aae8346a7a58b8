"""The medical pages: the person's own reimbursements (with the decision letter) and filings,
a reimbursement's page (its derivation; the centre's assessment form for the centre's staff),
the letter PDF, and the public hospitals register. Parameter parsing plus one selector or
service call; the selectors decide who sees what."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from shebao.core.errors import ShebaoError
from shebao.core.http import AccountRequest, citizen_id_number, insured_person_page, signed_in
from shebao.core.models import Account, Office
from shebao.medical import documents, selectors, services
from shebao.medical.models import Hospital, Reimbursement
from shebao.registry.views import channel_for, error_page


@require_GET
def hospitals(request: HttpRequest) -> HttpResponse:
    return render(request, "medical/hospitals.html", {"hospitals": selectors.hospitals_list()})


# staff who open the insured person's own page meant the window's look-up of someone's account
MINE = insured_person_page(
    staff_link=("medical:account_lookup", "窗口查询参保人医保个人账户", "Look up an insured person's medical account")
)


@require_GET
@MINE
def my_medical(request: AccountRequest) -> HttpResponse:
    user = request.user
    try:
        account = selectors.medical_account_mine(actor=user)
    except ShebaoError:
        account = None  # an account with no insured person: the rest of the page still shows
    context = {
        "reimbursements": selectors.reimbursements_mine(actor=user),
        "authorisations": selectors.authorisations_mine(actor=user),
        **_account_context(account),
    }
    return render(request, "medical/mine.html", context)


SHOWN_ENTRIES = 60


def _account_context(account: selectors.MedicalAccount | None) -> dict[str, object]:
    if account is None:
        return {"account": None, "entries": [], "more": False}
    return {
        "account": account,
        "entries": list(reversed(account.entries))[:SHOWN_ENTRIES],
        "more": len(account.entries) > SHOWN_ENTRIES,
    }


@require_GET
@signed_in
def account_lookup(request: AccountRequest) -> HttpResponse:
    """The window's YB-005 lookup: staff enter an ID number; a district's staff find only their
    district's people (others look like nobody)."""
    user = request.user
    if user.kind != Account.Kind.STAFF:
        from shebao.core.errors import NotAllowed

        return error_page(request, NotAllowed("仅经办人员可以查询他人账户", "Only staff look up another's account"))
    id_number = request.GET.get("id_number", "").strip()
    account, error = None, None
    if id_number:
        try:
            account = selectors.medical_account_lookup(actor=user, id_number=id_number, channel=channel_for(user))
        except ShebaoError as refused:
            error = refused
    context = {"id_number": id_number, "error": error, **_account_context(account)}
    return render(request, "medical/account_lookup.html", context, status=error.status if error else 200)


def _centre_staff(user: Account) -> bool:
    office = getattr(user, "office", None)
    return user.kind == Account.Kind.STAFF and office is not None and office.kind == Office.Kind.MEDICAL_CENTRE


@require_http_methods(["GET", "POST"])
@signed_in
def reimbursement(request: AccountRequest, number: str) -> HttpResponse:
    user = request.user
    error: ShebaoError | None = None
    if request.method == "POST":
        try:
            services.reimbursement_assess(
                actor=user,
                case_number=number,
                hospital_code=request.POST.get("hospital_code", ""),
                in_policy_cost=request.POST.get("in_policy_cost", ""),
                person_type=request.POST.get("person_type", ""),
            )
        except ShebaoError as refused:
            if refused.status in (403, 404):
                return error_page(request, refused)
            error = refused
        else:
            return redirect("medical:reimbursement", number=number)
    row: Reimbursement | None
    try:
        row = selectors.reimbursement_get(actor=user, case_number=number)
    except ShebaoError as missing:
        if not _centre_staff(user):
            return error_page(request, missing)
        row = None  # the centre has not assessed it yet: the form alone
    context = {
        "number": number,
        "row": row,
        "payment": getattr(row, "payment", None) if row else None,
        "can_assess": _centre_staff(user) and (row is None or row.status == Reimbursement.Status.ASSESSED),
        "hospitals": Hospital.objects.order_by("location", "code"),
        "error": error,
    }
    return render(request, "medical/reimbursement.html", context, status=error.status if error else 200)


@require_GET
@signed_in
def reimbursement_letter(request: AccountRequest, number: str) -> HttpResponse:
    try:
        row = selectors.reimbursement_get(actor=request.user, case_number=number)
    except ShebaoError as error:
        return error_page(request, error)
    if row.status != Reimbursement.Status.DECIDED:
        from shebao.core.errors import NotFound

        return error_page(request, NotFound("尚未核定", "Not decided yet"))
    response = HttpResponse(documents.decision_letter_pdf(row=row), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{row.letter_ref}.pdf"'
    return response


@require_GET
@signed_in
def cadres(request: AccountRequest) -> HttpResponse:
    """The military-transferred cadres the actor may see (a district's staff: their district's)."""
    from shebao.medical.cadres import cadres_visible

    rows = cadres_visible(actor=request.user).select_related("residence_district", "managing_office")
    return render(request, "medical/cadres.html", {"cadres": rows[:500]})


@require_GET
@MINE
def my_settlements_pdf(request: AccountRequest) -> HttpResponse:
    """医疗费用结算清单 (YB-006) of the person's own decided reimbursements, care in the period."""
    import datetime as dt

    from shebao.core.errors import InvalidInput

    user = request.user
    try:
        start = dt.date.fromisoformat(request.GET.get("from", ""))
        end = dt.date.fromisoformat(request.GET.get("to", ""))
    except ValueError:
        return error_page(request, InvalidInput("请填写正确的起止日期", "Give the period's dates", field="from"))
    if start > end or start.year < 1900 or end.year > 2199:  # found by review: an empty list printed
        return error_page(
            request,
            InvalidInput(
                "起始日期应不晚于截止日期，且在1900年至2199年之间",
                "The start must not be after the end, both between 1900 and 2199",
                field="to",
            ),
        )
    rows = list(
        selectors.reimbursements_mine(actor=user)
        .filter(status=Reimbursement.Status.DECIDED, admitted_on__gte=start, admitted_on__lte=end)
        .order_by("admitted_on")
    )
    pdf = documents.settlement_list_pdf(
        name=getattr(user, "acting_name", "") or user.full_name,  # the grantor's while acting (代办)
        id_number=citizen_id_number(user),
        rows=rows,
        start=start.isoformat(),
        end=end.isoformat(),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="settlements.pdf"'
    return response
