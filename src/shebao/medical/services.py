"""The only writers of medical insurance: the centre's assessment of a reimbursement, its
decision (from the YB-004 completion, in the completing transaction), its payment, and the
cadres' move to district management (``shebao.medical.cadres``).

Each command is one transaction with its audit event; the payment is sent after commit, with
an idempotency key the bank and a unique constraint both hold to."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from shebao.cases import selectors as case_selectors
from shebao.core import audit
from shebao.core.errors import Conflict, InvalidInput, NotAllowed
from shebao.core.models import Account, Office
from shebao.core.money import parse_money
from shebao.medical.bank import BankRejected, bank_adapter
from shebao.medical.filings import filing_type_for, non_designated_approval
from shebao.medical.models import Hospital, Reimbursement, ReimbursementPayment
from shebao.medical.params import rules_in_force
from shebao.medical.rules import FEN, Line, RuleMissing, reimbursement_compute

REIMBURSEMENT_ITEM = "YB-004"
PERSON_TYPES = ("working", "retired")


def _require_centre(actor: Account) -> None:
    office = getattr(actor, "office", None)
    if actor.kind != Account.Kind.STAFF or office is None or office.kind != Office.Kind.MEDICAL_CENTRE:
        raise NotAllowed("仅市医保中心工作人员可以审核报销", "Only the city medical centre assesses reimbursements")


def _person_type(*, actor: Account | None, id_number: str) -> str:
    """Retired when the registry says so (a person the actor may see); working otherwise."""
    if actor is None:
        return "working"
    from shebao.registry.selectors import persons_visible

    category = persons_visible(actor=actor).filter(id_number=id_number).values_list("category", flat=True).first()
    return "retired" if category == "retiree" else "working"


def _year_to_date(*, id_number: str, admitted_on: dt.date, case_number: str) -> tuple[int, Decimal, Decimal]:
    """This year's decided reimbursements before the admission: the admission number, and what
    the basic fund and the large-amount band have paid."""
    decided = Reimbursement.objects.filter(
        id_number=id_number, status=Reimbursement.Status.DECIDED, admitted_on__year=admitted_on.year
    ).exclude(case_number=case_number)
    earlier = decided.filter(admitted_on__lt=admitted_on).count()
    sums = decided.aggregate(basic=Sum("basic_paid"), large=Sum("large_paid"))
    return earlier + 1, sums["basic"] or Decimal("0"), sums["large"] or Decimal("0")


def _evaluate(row: Reimbursement) -> None:
    """Compute ``row``'s amount and derivation from the rule rows in force on its admission day."""
    hospital = row.hospital
    assert hospital is not None
    row.filing_type, auth = filing_type_for(
        id_number=row.id_number, admitted_on=row.admitted_on, location=hospital.location
    )
    row.authorisation = auth
    number, basic_ytd, large_ytd = _year_to_date(
        id_number=row.id_number, admitted_on=row.admitted_on, case_number=row.case_number
    )
    row.admission_number = number
    if not hospital.designated:
        approval = non_designated_approval(id_number=row.id_number, day=row.admitted_on)
        if approval is None:
            row.amount = row.basic_paid = row.large_paid = Decimal("0.00")
            line = Line(
                "非定点医疗机构且无急诊抢救审批（YB-003），统筹基金不予支付",
                "A non-designated hospital without an emergency approval (YB-003): not paid",
                "0.00",
            )
            row.derivation = {"amount": "0.00", "lines": [line.as_dict()], "rules": [], "provisional": False}
            row.provisional = False
            return
        row.authorisation, row.filing_type = approval, ("local" if hospital.location == "city" else "emergency")
    try:
        result = reimbursement_compute(
            rules=rules_in_force(day=row.admitted_on),
            in_policy_cost=row.in_policy_cost,
            person_type=row.person_type,
            hospital_level=hospital.level,
            filing_type=row.filing_type,
            admission_number=number,
            basic_paid_ytd=basic_ytd,
            large_paid_ytd=large_ytd,
        )
    except RuleMissing as missing:
        raise InvalidInput(
            f"缺少生效的报销规则：{missing}", f"No rule row in force: {missing}", field="admission_date"
        ) from None
    row.amount, row.basic_paid, row.large_paid = result.amount, result.basic_paid, result.large_paid
    row.derivation, row.provisional = result.derivation(), result.provisional


def _new_row(*, case: Any, hospital: Hospital, in_policy_cost: Decimal, person_type: str) -> Reimbursement:
    form = case.form_data
    claimed = Decimal(str(form["amount"]))
    if in_policy_cost > claimed:
        raise InvalidInput(
            "政策范围内费用不能超过申报费用总额",
            "In-policy costs cannot exceed the costs claimed",
            field="in_policy_cost",
        )
    return Reimbursement(
        case_number=case.number,
        id_number=case.applicant_id_number,
        name=case.applicant_name,
        hospital=hospital,
        hospital_name=hospital.name,
        hospital_level=hospital.level,
        admitted_on=dt.date.fromisoformat(form["admission_date"]),
        discharged_on=dt.date.fromisoformat(form["discharge_date"]),
        claimed=claimed,
        in_policy_cost=in_policy_cost,
        person_type=person_type,
        bank_card=form["bank_card"],
    )


def reimbursement_assess(
    *, actor: Account, case_number: str, hospital_code: str, in_policy_cost: object, person_type: str
) -> Reimbursement:
    """The centre's check of the file: the hospital from the register, the in-policy costs from
    the itemised bill, the person type. Computes the amount to show before the approval."""
    _require_centre(actor)
    case = case_selectors.case_get(actor=actor, number=case_number)
    if case.item.code != REIMBURSEMENT_ITEM or case.closed_at is not None:
        raise Conflict("该办件不是待审核的零星报销", "Not a reimbursement awaiting the centre's check")
    step = case.current_step
    if step is None or step.phase.code != "centre_pay":
        raise Conflict("区经办机构尚未受理移交", "The district office has not passed the file on yet")
    if person_type not in PERSON_TYPES:
        raise InvalidInput("人员类别不正确", "Unknown person type", field="person_type")
    hospital = Hospital.objects.filter(code=hospital_code).first()
    if hospital is None:
        raise InvalidInput("医疗机构不在登记库中", "The hospital is not in the register", field="hospital_code")
    cost = parse_money(in_policy_cost, field="in_policy_cost")
    if cost < 0:
        raise InvalidInput("金额不能为负", "The amount cannot be negative", field="in_policy_cost")
    with transaction.atomic():
        existing = Reimbursement.objects.select_for_update().filter(case_number=case.number).first()
        if existing is not None and existing.status == Reimbursement.Status.DECIDED:
            raise Conflict("该报销已核定", "This reimbursement is already decided")
        row = _new_row(case=case, hospital=hospital, in_policy_cost=cost, person_type=person_type)
        if existing is not None:
            row.pk = existing.pk
        row.assessed_by = actor
        _evaluate(row)
        row.save()
        audit.record(
            actor=actor,
            action="medical.assess",
            subject_type="medical.Reimbursement",
            subject_id=row.pk,
            subject_person=row.id_number,
            after={"case": row.case_number, "in_policy_cost": str(cost), "amount": str(row.amount)},
        )
    return row


def _account_part(row: Reimbursement) -> Decimal:
    """What the medical personal account pays of the in-policy costs the funds left to the
    person (deductible and co-payment), as far as the balance on the decision day allows
    (``medical.account``); paid out with the fund's amount. Nothing for a person not registered."""
    from shebao.medical.account import account_compute
    from shebao.registry.models import Person

    left = row.in_policy_cost - row.amount
    person = Person.objects.filter(id_number=row.id_number).only("pk", "name", "category").first()
    if left <= 0 or person is None:
        return Decimal("0.00")
    account = account_compute(
        person_id=person.pk,
        id_number=row.id_number,
        name=person.name,
        retired=person.category == Person.Category.RETIREE,
        as_of=timezone.localdate(),
        exclude_case=row.case_number,
    )
    return max(Decimal("0.00"), min(left, account.balance)).quantize(FEN)


def reimbursement_decide(*, case: Any, actor: Account | None) -> dict[str, Any]:
    """At the centre's approval (inside the completing transaction): the decision from the rule
    rows in force, recomputed from the assessment, and the payment order. Without an assessment
    the file is taken as claimed (all costs in policy) when its hospital is in the register."""
    row = Reimbursement.objects.select_for_update().filter(case_number=case.number).first()
    if row is None:
        hospital = Hospital.objects.filter(name=case.form_data.get("hospital", "")).first()
        if hospital is None:
            raise InvalidInput(
                "请先在医保报销审核页录入医疗机构和政策范围内费用",
                "Assess the file first: the hospital is not in the register",
                field="hospital",
            )
        row = _new_row(
            case=case,
            hospital=hospital,
            in_policy_cost=Decimal(str(case.form_data["amount"])),
            person_type=_person_type(actor=actor, id_number=case.applicant_id_number),
        )
    elif row.status == Reimbursement.Status.DECIDED:
        raise Conflict("该报销已核定", "This reimbursement is already decided")
    _evaluate(row)
    row.status, row.decided_at = Reimbursement.Status.DECIDED, timezone.now()
    row.account_paid = _account_part(row)
    row.save()
    payment = None
    if row.amount + row.account_paid > 0:
        try:
            with transaction.atomic():
                payment = ReimbursementPayment.objects.create(
                    reimbursement=row,
                    idempotency_key=f"{REIMBURSEMENT_ITEM}-{row.case_number}",
                    bank_card=row.bank_card,
                    amount=(row.amount + row.account_paid).quantize(FEN),
                )
        except IntegrityError:
            raise Conflict("该报销已下达支付指令", "A payment was already ordered for this reimbursement") from None
        payment_id = payment.pk
        transaction.on_commit(lambda: payment_send(payment_id=payment_id))
    summary = {
        "reimbursement": row.pk,
        "amount": str(row.amount),
        "account_paid": str(row.account_paid),
        "filing_type": row.filing_type,
        "admission_number": row.admission_number,
        "provisional": row.provisional,
        "letter": row.letter_ref,
        "payment": payment.idempotency_key if payment else None,
    }
    audit.record(
        actor=actor,
        action="medical.decide",
        subject_type="medical.Reimbursement",
        subject_id=row.pk,
        subject_person=row.id_number,
        after=summary,
    )
    return summary


def payment_send(*, payment_id: int) -> ReimbursementPayment:
    """Send one payment order to the bank (after the decision commits; a retry sends the same
    key, so the bank answers the first receipt and no money moves twice)."""
    with transaction.atomic():
        payment = ReimbursementPayment.objects.select_for_update().select_related("reimbursement").get(pk=payment_id)
        if payment.status == ReimbursementPayment.Status.PAID:
            return payment
        payment.attempts += 1
        try:
            receipt = bank_adapter().transfer(
                idempotency_key=payment.idempotency_key,
                card=payment.bank_card,
                name=payment.reimbursement.name,
                amount=payment.amount,
            )
        except BankRejected as rejected:
            payment.status, payment.failure = ReimbursementPayment.Status.FAILED, str(rejected)[:200]
        else:
            payment.status, payment.bank_reference = ReimbursementPayment.Status.PAID, receipt.reference
            payment.paid_at = timezone.now()
        payment.save()
        audit.record(
            actor=None,
            action="medical.pay",
            subject_type="medical.ReimbursementPayment",
            subject_id=payment.pk,
            subject_person=payment.reimbursement.id_number,
            after={"status": payment.status, "reference": payment.bank_reference, "amount": str(payment.amount)},
        )
    return payment


def payments_retry() -> int:
    """Send again every payment not paid (a job): the same keys, so nothing is paid twice."""
    ids = list(
        ReimbursementPayment.objects.exclude(status=ReimbursementPayment.Status.PAID).values_list("pk", flat=True)
    )
    for pk in ids:
        payment_send(payment_id=pk)
    return len(ids)
