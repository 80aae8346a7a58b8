"""Medical insurance over the API: the hospitals register (public), the person's own
reimbursements with their line-by-line derivation, a reimbursement as its case's viewers see
it, and the centre's assessment. Money as strings to the fen."""

from __future__ import annotations

from typing import Any

from ninja import Router, Schema

from shebao.cases.api import StaffVerifiedSession
from shebao.core.api import answers
from shebao.core.http import ApiRequest
from shebao.core.tokens import person_auth
from shebao.medical import selectors, services
from shebao.medical.models import Reimbursement

router = Router(tags=["medical 医疗保险"])
session = StaffVerifiedSession()


class HospitalOut(Schema):
    code: str
    name: str
    level: str
    designated: bool
    location: str
    place: str


class ReimbursementLineOut(Schema):
    label_zh: str
    label_en: str
    value: str


class ReimbursementOut(Schema):
    case_number: str
    status: str
    hospital: str
    hospital_level: str
    admitted_on: str
    claimed: str
    in_policy_cost: str
    person_type: str
    filing_type: str
    admission_number: int
    amount: str
    provisional: bool
    lines: list[ReimbursementLineOut]
    rule_refs: list[str]
    payment_status: str | None
    letter_url: str | None


class MedicalAccountEntryOut(Schema):
    day: str
    kind: str
    label_zh: str
    label_en: str
    amount: str
    balance: str
    ref: str


class MedicalAccountOut(Schema):
    name: str
    person_type: str
    as_of: str
    balance: str
    credited: str
    spent: str
    missing_months: list[str]
    entries: list[MedicalAccountEntryOut]


def account_out(account: selectors.MedicalAccount) -> dict[str, Any]:
    """The account with its transactions newest first; money as strings to the fen."""
    return {
        "name": account.name,
        "person_type": account.person_type,
        "as_of": account.as_of.isoformat(),
        "balance": f"{account.balance:.2f}",
        "credited": f"{account.credited:.2f}",
        "spent": f"{account.spent:.2f}",
        "missing_months": account.missing,
        "entries": [
            {
                "day": e.day.isoformat(),
                "kind": e.kind,
                "label_zh": e.label_zh,
                "label_en": e.label_en,
                "amount": f"{e.amount:.2f}",
                "balance": f"{e.balance:.2f}",
                "ref": e.ref,
            }
            for e in reversed(account.entries)
        ],
    }


class AssessIn(Schema):
    hospital_code: str
    in_policy_cost: str
    person_type: str


def reimbursement_out(row: Reimbursement) -> dict[str, Any]:
    payment = getattr(row, "payment", None) if row.pk else None
    decided = row.status == Reimbursement.Status.DECIDED
    return {
        "case_number": row.case_number,
        "status": row.status,
        "hospital": row.hospital_name,
        "hospital_level": row.hospital_level,
        "admitted_on": row.admitted_on.isoformat(),
        "claimed": f"{row.claimed:.2f}",
        "in_policy_cost": f"{row.in_policy_cost:.2f}",
        "person_type": row.person_type,
        "filing_type": row.filing_type,
        "admission_number": row.admission_number,
        "amount": f"{row.amount:.2f}",
        "provisional": row.provisional,
        "lines": row.derivation.get("lines", []),
        "rule_refs": [r["ref"] for r in row.derivation.get("rules", [])],
        "payment_status": payment.status if payment else None,
        "letter_url": f"/medical/reimbursements/{row.case_number}/letter.pdf" if decided else None,
    }


@router.get("/medical/hospitals", response=list[HospitalOut], auth=None, summary="医疗机构 / Hospitals register")
def hospitals(request: ApiRequest) -> list[dict[str, Any]]:
    fields = ("code", "name", "level", "designated", "location", "place")
    return [{name: getattr(h, name) for name in fields} for h in selectors.hospitals_list()]


@router.get(
    "/medical/reimbursements",
    response=answers(list[ReimbursementOut], errors=(401,)),
    auth=session,
    summary="我的零星报销 / My reimbursements",
)
def my_reimbursements(request: ApiRequest) -> list[dict[str, Any]]:
    return [reimbursement_out(row) for row in selectors.reimbursements_mine(actor=request.auth)]


@router.get(
    "/medical/reimbursements/{number}",
    response=answers(ReimbursementOut, errors=(401, 404)),
    auth=session,
    summary="零星报销核定 / A reimbursement",
)
def reimbursement(request: ApiRequest, number: str) -> dict[str, Any]:
    return reimbursement_out(selectors.reimbursement_get(actor=request.auth, case_number=number))


@router.post(
    "/medical/reimbursements/{number}/assessment",
    response=answers(ReimbursementOut, errors=(401, 403, 404, 409, 422)),
    auth=session,
    summary="医保中心审核 / The centre's assessment",
)
def reimbursement_assess(request: ApiRequest, number: str, payload: AssessIn) -> dict[str, Any]:
    row = services.reimbursement_assess(
        actor=request.auth,
        case_number=number,
        hospital_code=payload.hospital_code,
        in_policy_cost=payload.in_policy_cost,
        person_type=payload.person_type,
    )
    return reimbursement_out(row)


@router.get(
    "/medical/account",
    response=answers(MedicalAccountOut, errors=(401, 404, 429)),
    auth=person_auth,  # a session, or the app's bearer token (429: the app's rate limits)
    summary="我的医保个人账户 / My medical personal account",
)
def my_account(request: ApiRequest) -> dict[str, Any]:
    """The person's own account (the token holder's, as ``/api/v1/app/my/accounts`` shows it)."""
    return account_out(selectors.medical_account_mine(actor=request.auth))


@router.get(
    "/medical/accounts/{id_number}",
    response=answers(MedicalAccountOut, errors=(401, 404, 422)),
    auth=session,
    summary="医保个人账户查询（经办）/ A person's medical account (staff)",
)
def account_lookup(request: ApiRequest, id_number: str) -> dict[str, Any]:
    from shebao.registry.views import channel_for

    account = selectors.medical_account_lookup(
        actor=request.auth, id_number=id_number, channel=channel_for(request.auth)
    )
    return account_out(account)
