"""Pages: the claimant's own claims (我的失业保险金: months paid and left, amounts, the
derivation) and the staff's list and claim page (district-scoped, each view audited)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from shebao.core.errors import NotAllowed, ShebaoError
from shebao.core.http import AccountRequest, signed_in
from shebao.core.models import Account
from shebao.registry.views import error_page
from shebao.unemployment.selectors import claim_get, claim_view, claims_list, claims_of_self


@require_GET
@signed_in
def my_claims(request: AccountRequest) -> HttpResponse:
    user = request.user
    if user.kind != Account.Kind.CITIZEN:
        return error_page(request, NotAllowed("仅限参保人本人查询", "For insured persons only"))
    views = [claim_view(c) for c in claims_of_self(actor=user)]
    return render(request, "unemployment/mine.html", {"claims": views})


def _staff(user: Account) -> NotAllowed | None:
    if user.kind != Account.Kind.STAFF:
        return NotAllowed("仅限经办人员查询", "For agency staff only")
    return None


@require_GET
@signed_in
def claims(request: AccountRequest) -> HttpResponse:
    """The claims of the persons the clerk may see (their district's), newest first."""
    refused = _staff(request.user)
    if refused is not None:
        return error_page(request, refused)
    return render(request, "unemployment/claims.html", {"claims": claims_list(actor=request.user)})


@require_GET
@signed_in
def claim_detail(request: AccountRequest, claim_id: int) -> HttpResponse:
    refused = _staff(request.user)
    if refused is not None:
        return error_page(request, refused)
    try:
        claim = claim_get(actor=request.user, claim_id=claim_id, channel="hall")
    except ShebaoError as error:
        return error_page(request, error)
    return render(request, "unemployment/claim.html", {"c": claim_view(claim), "person": claim.person})
