"""更正补差与退差: the money a corrected base (QY-001, 人社部令第14号) moves for a month already paid.

A month paid at a wrong base and corrected (``services.contribution_month_correct``) owes the
difference between its amounts at the corrected base and what was paid, each insurance's
employer and personal part at the month's own rule rows:

- upward (补差): one ``Bill`` of kind difference to the month's employer, naming the case, due
  on the ordinary due date of the month the correction is made in — ``rules.charges.due_date``
  of that month with the late-fee row's ``grace_days`` (15: the 15th of the following month),
  the same date a month assessed then would carry; ``backpay_create``'s month end is not used,
  since a back-payment's charge to the quote day is already in its bill and a difference has
  none. The late fee runs from that due date (``selectors.late_fee_for``). The month was paid
  (at the base the employer declared) and stays so, on its own bill: it keeps counting as a
  paid month everywhere (unemployment months, the medical account, the pension account's
  months, 缴费年限) — a person does not lose a month because the employer under-declared. Until
  the difference bill is paid the month points at it beside its own
  (``ContributionMonth.difference_bill``), and the months read (``selectors.months_of_person``,
  the mailing's bulk read) say it is in arrears for the difference (△ on the statement) once
  that bill is past due, computed on read as for any bill; the month's account is credited with
  the difference only when it is paid, in the month paid (记账月, DOMAIN.md §2.2, as a
  back-payment), and the interest of that year on recomputed. Paying goes through
  ``services.payment_record`` (window, bank file, online), which calls
  :func:`difference_settle`: the month's link to the difference bill cleared.
- downward (退差): the overpaid parts recorded as owed back — the employer's part to the
  employer, the personal part to the person — for the finance office to pay: the platform has
  no bank adapter for contribution refunds (medical's and unemployment's pay their own
  benefits), so no transfer is made here. The account credit is reduced at once and the
  interest recomputed; the month stays paid. Once the finance office has paid it, the
  contribution side of the unit's district office records it with the bank's reference and
  the day paid (:func:`difference_refund_settle`, the page ``/window/refunds/``).

A month whose bill is still open (its own monthly bill, or the difference bill of an earlier
correction) is not corrected: what was paid is not settled yet (:func:`correction_refusal`).

A difference bill cancelled (:func:`difference_bill_cancel`, with who and why) is a demand
withdrawn, not a debt forgiven: contributions owed are not waived (社会保险法第六十三条), so the
difference stays open — owed, to be billed again — and an auditor still finds it owed, the
employer no longer finds a bill (nothing overdue, no △, no late fee running). The late fee
already accrued by then is not forgiven either (第八十六条: it runs from the day the payment
was due until it is paid; withdrawing a demand is not the waiver a late fee needs): it is frozen
on the cancelled bill (its ``late_fee``, with the days and the daily rate in the audit event) and
carried into the next bill as that bill's late fee assessed at issue, beside the principal, as a
back-payment's charge is. The difference is then either billed again (:func:`difference_rebill`:
a new bill due as a new difference's would be, carrying the frozen fee, a new fee only from its
own due date) or, when the correction itself was wrong, taken over by a new correction of the
month, whose difference is reckoned from what was paid (:func:`as_paid`), not from the figures the
cancelled bill asked for — and the frozen fee carried for the part still owed only
(:func:`late_fee_carried`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from shebao.contributions import selectors
from shebao.contributions.accounts.corrections import account_interest_recompute
from shebao.contributions.accounts.crediting import account_credit_rows
from shebao.contributions.models import AccountEntry, BaseDifference, Bill, ContributionMonth
from shebao.contributions.rulebook import Rulebook
from shebao.contributions.rules import ContributionCalc, due_date
from shebao.core import audit
from shebao.core.channels import Channel
from shebao.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from shebao.core.models import Account
from shebao.core.money import round_fen
from shebao.core.months import month_start
from shebao.registry.models import Person

ZERO = Decimal("0.00")
INSURANCES = ("pension", "medical", "unemployment", "injury", "maternity")
EMPLOYER_COLUMNS = tuple(f"{n}_employer" for n in INSURANCES)
PERSONAL_COLUMNS = ("pension_personal", "medical_personal", "unemployment_personal")
COLUMNS = EMPLOYER_COLUMNS + PERSONAL_COLUMNS


@dataclass(frozen=True)
class Correction:
    """A corrected month and the difference its correction moved (None: nothing moved)."""

    month: ContributionMonth
    difference: BaseDifference | None


def correction_refusal(row: ContributionMonth) -> InvalidInput | None:
    """Why the base of ``row`` cannot be corrected now, or None: its bill is still open — an
    earlier correction's difference bill (pay it first, then ask again) or the month's own bill
    (nothing settled to correct against yet). Checked at filing and at completion."""
    open_difference = row.difference_bill is not None and row.difference_bill.status == Bill.Status.OPEN
    bill = row.difference_bill if open_difference else row.bill
    if bill is None or bill.status != Bill.Status.OPEN:
        return None
    if bill.kind == Bill.Kind.DIFFERENCE:
        return InvalidInput(
            f"{row.period:%Y-%m} 有未缴清的更正补差缴费单 {bill.number}（办件 {bill.case_number}），"
            "请单位缴清后再申请更正",
            f"{row.period:%Y-%m} has an unpaid correction difference bill {bill.number} (case {bill.case_number}):"
            " the employer pays it first, then a new correction may be asked for",
            field="period",
            bill=bill.number,
        )
    return InvalidInput(
        f"{row.period:%Y-%m} 的缴费单 {bill.number} 尚未缴清，缴清后方可更正缴费基数",
        f"{row.period:%Y-%m} is not paid yet (bill {bill.number}): its base is corrected once it is paid",
        field="period",
        bill=bill.number,
    )


def amounts_of(row: ContributionMonth) -> dict[str, Decimal | None]:
    return {column: getattr(row, column) for column in COLUMNS}


def difference_to_bill(row: ContributionMonth) -> BaseDifference | None:
    """The upward difference of ``row`` still owed whose bill was cancelled (to be billed again),
    locked for the correcting transaction, or None."""
    if row.difference_bill_id is None:
        return None
    return (
        BaseDifference.objects.select_for_update(of=("self",))
        .filter(
            month=row,
            kind=BaseDifference.Kind.DUE,
            status=BaseDifference.Status.OPEN,
            bill_cancelled_at__isnull=False,
        )
        .first()
    )


def as_paid(row: ContributionMonth, owed: BaseDifference) -> tuple[dict[str, Decimal | None], Decimal, Decimal]:
    """What was paid for ``row`` (its amounts, base and account credit) under a difference
    ``owed`` and not paid: each column the correction moved back at its figure before, the
    others as they are."""
    amounts = amounts_of(row)
    for column, figures in owed.lines.items():
        if column in amounts and figures:
            amounts[column] = None if figures.get("before") is None else Decimal(figures["before"])
    return amounts, owed.base_before, row.account_credit - owed.account_credit


def _sum(values: dict[str, Decimal], columns: tuple[str, ...]) -> Decimal:
    return sum((values[c] for c in columns), ZERO)


def difference_record(
    *,
    row: ContributionMonth,
    person: Person,
    before: dict[str, Decimal | None],
    base_before: Decimal,
    credit_before: Decimal,
    calc: ContributionCalc,
    book: Rulebook,
    case_number: str,
    today: dt.date,
    replaces: BaseDifference | None = None,
) -> BaseDifference | None:
    """The difference of ``row`` (already holding its corrected amounts) against what was paid
    (``before``), written as a ``BaseDifference`` — with its bill when upward, the month (still
    paid) then pointing at that bill too — or None when the month was not paid (nothing moved) or nothing changed.
    ``replaces``: the month's difference owed whose bill was cancelled (:func:`difference_to_bill`,
    ``before`` then what was paid under it: :func:`as_paid`), closed as taken over by this one (or
    by none, when the new base leaves nothing to move); the month then points at no cancelled bill.
    Part of the correcting transaction: an error here leaves nothing written."""
    if row.status != ContributionMonth.Status.PAID or row.unit is None:
        return None
    delta = {c: (getattr(row, c) or ZERO) - (before[c] or ZERO) for c in COLUMNS}
    employer, personal = _sum(delta, EMPLOYER_COLUMNS), _sum(delta, PERSONAL_COLUMNS)
    credit = row.account_credit - credit_before
    frozen = ZERO
    if replaces is not None:
        # closed before the new row is written: a month has one difference owed at a time
        _close(replaces, note=f"办件 {case_number} 再次更正，差额按原缴纳数重新计算")
        row.difference_bill = None
        row.save(update_fields=["difference_bill"])
        frozen = replaces.bill.late_fee if replaces.bill is not None else ZERO
    if employer == personal == credit == ZERO:
        if replaces is not None:
            _late_fee_note(replaces, frozen, ZERO, None)
        return None
    upward = employer >= 0 and personal >= 0 and credit >= 0
    downward = employer <= 0 and personal <= 0 and credit <= 0
    if not (upward or downward):
        raise Conflict(
            f"{row.period:%Y-%m} 原记录的各项金额与该月规则不一致（单位部分差额 {employer} 元，个人部分差额 {personal} 元），"
            "请核查原记录后再更正",
            f"{row.period:%Y-%m}'s recorded amounts do not follow the month's rules (employer difference {employer},"
            f" personal difference {personal}): check the record before correcting it",
            field="correct_base",
        )
    lines: dict[str, Any] = {
        c: {
            "before": None if before[c] is None else str(before[c]),
            "after": str(getattr(row, c)),
            "difference": str(d),
        }
        for c, d in delta.items()
        if d or before[c] is not None or getattr(row, c) is not None
    }
    difference = BaseDifference(
        month=row,
        person=person,
        unit=row.unit,
        case_number=case_number,
        kind=BaseDifference.Kind.DUE if upward else BaseDifference.Kind.REFUND,
        base_before=base_before,
        base_after=row.base,
        employer_amount=abs(employer),
        personal_amount=abs(personal),
        account_credit=abs(credit),
        lines=lines,
        original_bill=row.bill,
    )
    carried = ZERO
    if replaces is not None and upward:
        carried = late_fee_carried(frozen, owed_before=replaces.total, owed_now=employer + personal)
    if upward:
        rule = book.late_fee(today)  # no late-fee row in force: a clear 422, nothing written
        difference.bill = Bill.objects.create(
            unit=row.unit,
            period=row.period,
            kind=Bill.Kind.DIFFERENCE,
            employer_total=employer,
            personal_total=personal,
            late_fee=carried,
            due_date=due_date(month_start(today), grace_days=rule.grace_days),
            case_number=case_number,
            carried_forward=[ref.as_dict() for ref in calc.carried_forward],
        )
        row.difference_bill = difference.bill
        row.save(update_fields=["difference_bill"])
    difference.save()
    if replaces is not None:
        replaces.replaced_by = difference
        replaces.save(update_fields=["replaced_by"])
        _late_fee_note(replaces, frozen, carried, difference.bill)
    return difference


def late_fee_carried(frozen: Decimal, *, owed_before: Decimal, owed_now: Decimal) -> Decimal:
    """The part of the late fee ``frozen`` on a cancelled difference bill (for ``owed_before``)
    that a new correction of the month, owing ``owed_now`` from what was paid, carries into its
    bill: the fee on what was owed all along — all of it when the new difference is as large or
    larger (the part above was never asked for, so it ran no fee), in proportion when smaller
    (the late fee is principal × rate × days: the part the first correction asked for wrongly
    was never owed, so neither was its fee), to the fen; nothing when nothing is owed now."""
    if frozen <= ZERO or owed_now <= ZERO or owed_before <= ZERO:
        return ZERO
    if owed_now >= owed_before:
        return frozen
    return round_fen(frozen * owed_now / owed_before)


def _late_fee_note(replaced: BaseDifference, frozen: Decimal, carried: Decimal, bill: Bill | None) -> None:
    """What became of the late fee frozen on a taken-over difference's cancelled bill, on its row
    (the correction's audit event names it too: :func:`difference_summary`)."""
    if frozen <= ZERO:
        return
    if bill is not None and carried:
        note = f"；撤销时滞纳金 {frozen} 元，{carried} 元计入缴费单 {bill.number}"
    else:
        note = f"；撤销时滞纳金 {frozen} 元，再次更正后无补差，不再计收"
    if carried and carried != frozen:
        note += "（按仍欠差额折算）"
    _close(replaced, note=replaced.closing_note + note)


def _close(difference: BaseDifference, *, note: str) -> None:
    """A due difference owed, its bill cancelled, closed: billed again or taken over."""
    difference.status = BaseDifference.Status.CANCELLED
    difference.closing_note = note[:255]
    difference.save(update_fields=["status", "closing_note"])


def difference_settle(*, bill: Bill) -> int:
    """A paid difference bill (``services.payment_record``, in its transaction): each month's
    link to it cleared (the month was paid all along), its account is credited with
    the difference in the month paid (or, never credited before, with its whole corrected credit
    in its own month), the interest of that year on is recomputed, and the difference settled.
    Returns how many account entries were written."""
    assert bill.paid_at is not None
    paid_month = timezone.localtime(bill.paid_at).date().replace(day=1)
    written = 0
    for difference in BaseDifference.objects.select_related("month", "person").filter(
        bill=bill, status=BaseDifference.Status.OPEN
    ):
        row = difference.month
        row.difference_bill = None
        row.save(update_fields=["difference_bill"])
        if difference.account_credit:
            if AccountEntry.objects.filter(source_month=row).exists():
                AccountEntry.objects.create(
                    person=difference.person,
                    kind=AccountEntry.Kind.CONTRIBUTION,
                    year=paid_month.year,
                    credited_month=paid_month,
                    amount=difference.account_credit,
                    note=f"费款所属期 {row.period:%Y-%m} 更正补差（{difference.case_number}，缴费单 {bill.number}）",
                )
                written += 1
                from_year = paid_month.year
            else:
                written += account_credit_rows(rows=[row])
                from_year = row.period.year
            account_interest_recompute(person=difference.person, from_year=from_year)
        difference.status = BaseDifference.Status.SETTLED
        difference.settled_at = bill.paid_at
        difference.save(update_fields=["status", "settled_at"])
    return written


def _bank_ref_check(raw: Any) -> str:
    ref = str(raw or "").strip()
    if not ref or len(ref) > 64 or not ref.isprintable():
        raise InvalidInput(
            "请填写退付的银行流水号（1 至 64 个字符）",
            "Give the bank reference of the refund transfer (1-64 characters)",
            field="bank_ref",
        )
    return ref


def _paid_on_check(raw: Any, *, recorded: dt.date, today: dt.date) -> dt.date:
    try:
        day = raw if isinstance(raw, dt.date) else dt.date.fromisoformat(str(raw or "").strip())
    except ValueError:
        day = None
    if day is None or not recorded <= day <= today:
        raise InvalidInput(
            f"退付日期应在退差记录日 {recorded:%Y-%m-%d} 与今天之间",
            f"The day paid is between the day the refund was recorded ({recorded:%Y-%m-%d}) and today",
            field="paid_on",
        )
    return day


def difference_refund_settle(
    *, actor: Account, difference_id: int, bank_ref: Any, paid_on: Any, channel: str = Channel.HALL
) -> BaseDifference:
    """退差已退付: record that the finance office has paid a downward correction's refund — the
    employer's part to the employer, the personal part to the person (人社部令第14号: the record
    corrected, what was overpaid returned) — with the bank's reference and the day it was paid.
    The difference is settled (``settled_at`` that day), who recorded it kept; the account is not
    touched (it was reduced when the base was corrected). One transaction with its audit event.

    Who may (:func:`selectors.refund_settler_district`): the contribution side of a
    social-insurance office, for the units of its district (the city centre's, and the
    administrator, for every unit) — the office that holds the unit's contributions answers for
    the money returned to it. Never a refund to oneself, and never by someone who did a step of
    the correction's case (separation of duties: who decided the refund does not also say it was
    paid). A difference due (补差) is settled by paying its bill, not here; a refund already
    settled is not settled twice (two clerks at once: one succeeds, the other is told)."""
    district = selectors.refund_settler_district(actor)
    if district is False:
        raise NotAllowed(
            "仅社保经办机构缴费业务人员可登记退差退付",
            "Only the contribution staff of a social-insurance office record refunds paid",
        )
    ref = _bank_ref_check(bank_ref)
    today = timezone.localdate()
    with transaction.atomic():
        found = selectors.difference_get_for_settler(actor=actor, difference_id=difference_id)
        difference = (
            BaseDifference.objects.select_for_update(of=("self",))
            .select_related("month", "person", "unit")
            .get(pk=found.pk)
        )
        if difference.kind != BaseDifference.Kind.REFUND:
            raise Conflict(
                "该记录为更正补差（补差），由单位缴清补差缴费单结清，不能登记退付",
                "This is a difference due (补差): it is settled when the employer pays its bill, not as a refund",
                field="difference",
            )
        if difference.status != BaseDifference.Status.OPEN:
            raise Conflict(
                f"该退差已于 {timezone.localtime(difference.settled_at):%Y-%m-%d} 登记退付"
                if difference.settled_at
                else "该退差已登记退付",
                "This refund is already recorded as paid",
                field="difference",
            )
        if actor.id_number and actor.id_number == difference.person.id_number:
            raise NotAllowed("不能登记本人的退差退付", "You may not record a refund to yourself")
        if _handled_case(actor, difference.case_number):
            raise NotAllowed(
                f"您办理过更正办件 {difference.case_number}，退付须由其他人员登记",
                f"You handled the correction case {difference.case_number}: someone else records its refund paid",
            )
        day = _paid_on_check(paid_on, recorded=timezone.localtime(difference.created_at).date(), today=today)
        difference.status = BaseDifference.Status.SETTLED
        difference.settled_at = timezone.make_aware(dt.datetime.combine(day, dt.time()))
        difference.bank_ref = ref
        difference.settled_by = actor
        difference.save(update_fields=["status", "settled_at", "bank_ref", "settled_by"])
        audit.record(
            actor=actor,
            action="contributions.difference.refund_settle",
            subject_type="contributions.BaseDifference",
            subject_id=difference.pk,
            subject_person=difference.person.id_number,
            before={"status": BaseDifference.Status.OPEN},
            after={
                "status": BaseDifference.Status.SETTLED,
                "case": difference.case_number,
                "period": difference.month.period,
                "unit": difference.unit.credit_code,
                "employer": difference.employer_amount,
                "personal": difference.personal_amount,
                "bank_ref": ref,
                "paid_on": day,
            },
            channel=channel,
        )
    return difference


def _reason_check(raw: Any) -> str:
    reason = " ".join(str(raw or "").split())
    if not 2 <= len(reason) <= 200 or not reason.isprintable():
        raise InvalidInput(
            "请填写撤销补差缴费单的原因（2 至 200 个字）",
            "Give the reason the difference bill is cancelled (2-200 characters)",
            field="reason",
        )
    return reason


def _may_handle_bills(actor: Account) -> None:
    if selectors.refund_settler_district(actor) is False:
        raise NotAllowed(
            "仅社保经办机构缴费业务人员可撤销或重新开具更正补差缴费单",
            "Only the contribution staff of a social-insurance office cancel or re-issue a difference bill",
        )


def difference_bill_cancel(*, actor: Account, bill_id: Any, reason: Any, channel: str = Channel.HALL) -> BaseDifference:
    """撤销更正补差缴费单: withdraw an open difference bill (补差) — issued wrong (its due date,
    its figures to be checked), or the correction itself to be corrected again. The bill is
    cancelled (it can no longer be paid, is in no arrears and runs no late fee); its difference
    is not: contributions owed are not waived (社会保险法第六十三条), so it stays open, owed and
    to be billed again (:func:`difference_rebill`) or taken over by a new correction of the
    month (``services.contribution_month_correct``, reckoned from what was paid). Who, when and
    why are kept on the difference; one transaction with its audit event.

    The late fee accrued to the day of cancelling (``selectors.late_fee_for``: what was assessed
    at issue plus the days past due at the day's rate) is frozen on the cancelled bill — its
    ``late_fee``, what the bill shows from then on — with the days and the rate in the audit
    event, and carried into the next bill (:func:`difference_rebill`). Chosen over refusing to
    cancel an overdue bill: a bill may need withdrawing late for good reason (its figures to be
    checked, the correction to be corrected again), and the fee owed for the time the demand
    stood is owed whatever the reason — 社会保险法第八十六条 runs it from the due date until paid,
    and only a decision to reduce or waive it (a case of its own) may take it away, not the
    withdrawal of a bill. So the employer sees the fee it had already incurred, no more (no fee
    over the time no bill stood) and no less, and an auditor finds every fen from the first
    bill's due date on one bill or the next.

    Who may: as for a refund (:func:`selectors.refund_settler_district`), the contribution side
    of the unit's district office (the city centre's, the administrator: every unit) — never for
    their own record, never someone who did a step of the correction's case (who decided the
    difference does not also withdraw its collection). A bill paid or already cancelled: 409
    (payment and cancellation lock the bill, so one of two at once wins, the other is told)."""
    _may_handle_bills(actor)
    why = _reason_check(reason)
    try:
        pk = int(bill_id)
    except (TypeError, ValueError):
        pk = 0
    with transaction.atomic():
        found = selectors.differences_for_settler(actor=actor).filter(bill_id=pk).order_by("-pk").first()
        if found is None:
            raise NotFound("未找到该更正补差缴费单", "No such correction difference bill")
        bill = Bill.objects.select_for_update().get(pk=pk)
        difference = (
            BaseDifference.objects.select_for_update(of=("self",))
            .select_related("month", "person", "unit")
            .get(pk=found.pk)
        )
        if bill.status != Bill.Status.OPEN or difference.status != BaseDifference.Status.OPEN:
            raise Conflict(
                f"补差缴费单 {bill.number} 已缴费或已撤销，不能撤销",
                f"The difference bill {bill.number} is already paid or cancelled",
                field="bill",
            )
        _separate(actor, difference, "撤销其补差缴费单", "cancels its difference bill")
        now = timezone.now()
        assessed = bill.late_fee
        fee = selectors.late_fee_for(bill=bill, as_of=timezone.localdate())  # while it is still open
        bill.status = Bill.Status.CANCELLED
        bill.late_fee = fee.amount  # frozen: owed, carried into the next bill
        bill.save(update_fields=["status", "late_fee"])
        difference.bill_cancelled_at = now
        difference.bill_cancelled_by = actor
        difference.bill_cancel_reason = why
        difference.save(update_fields=["bill_cancelled_at", "bill_cancelled_by", "bill_cancel_reason"])
        audit.record(
            actor=actor,
            action="contributions.difference.bill_cancel",
            subject_type="contributions.Bill",
            subject_id=bill.pk,
            subject_person=difference.person.id_number,
            before={"bill_status": Bill.Status.OPEN, "late_fee": assessed},
            after={
                "bill_status": Bill.Status.CANCELLED,
                "bill": bill.number,
                # the late fee to the day cancelled, frozen on the bill and carried into the next
                "late_fee": fee.amount,
                "late_fee_days": fee.days,
                "late_fee_daily_rate": fee.daily_rate,
                "difference": difference.pk,
                "difference_status": difference.status,  # still owed: to be billed again
                "case": difference.case_number,
                "period": difference.month.period,
                "unit": difference.unit.credit_code,
                "employer": difference.employer_amount,
                "personal": difference.personal_amount,
                "reason": why,
            },
            channel=channel,
        )
    return difference


def difference_rebill(*, actor: Account, difference_id: Any, channel: str = Channel.HALL) -> BaseDifference:
    """重新开具更正补差缴费单: a difference owed whose bill was cancelled billed again, for the
    same amounts, due on the ordinary due date of the month it is re-issued in (as a new
    difference's bill: :func:`difference_record`), so a new late fee runs from then and not
    over the time the demand was withdrawn; the late fee frozen when the old bill was cancelled
    is carried as the new bill's late fee assessed at issue (``Bill.late_fee``, shown apart from
    the principal; ``selectors.late_fee_for`` adds any new fee on top), so nothing accrued is
    lost. The old row is closed (``cancelled``, ``replaced_by`` the new one) and a new row carries
    the new bill, so each bill keeps its own difference line; the month points at the new bill.

    Who may as :func:`difference_bill_cancel` — never on their own record, never who did a step
    of the correction's case — and never who cancelled the bill: a second pair of eyes between
    withdrawing a demand and raising it again. One transaction with its audit event. Returns the
    new row."""
    from shebao.contributions.rulebook import rulebook_load

    _may_handle_bills(actor)
    today = timezone.localdate()
    with transaction.atomic():
        found = selectors.difference_get_for_settler(actor=actor, difference_id=difference_id)
        # the month first, as a correction of it locks it before its difference
        month = ContributionMonth.objects.select_for_update(of=("self",)).get(pk=found.month_id)
        old = (
            BaseDifference.objects.select_for_update(of=("self",))
            .select_related("person", "unit", "bill")
            .get(pk=found.pk)
        )
        if not old.to_bill or old.kind != BaseDifference.Kind.DUE or old.bill is None:
            raise Conflict(
                "只有缴费单已撤销、仍未缴的更正补差可以重新开具",
                "Only a difference still owed whose bill was cancelled is billed again",
                field="difference",
            )
        _separate(actor, old, "重新开具其补差缴费单", "bills it again")
        if old.bill_cancelled_by_id == actor.pk:
            raise NotAllowed(
                "您撤销了该补差缴费单，须由其他人员重新开具",
                "You cancelled this difference bill: someone else bills it again",
            )
        rule = rulebook_load().late_fee(today)  # no late-fee row in force: a clear 422, nothing written
        cancelled = old.bill
        carried = cancelled.late_fee  # frozen when it was cancelled
        bill = Bill.objects.create(
            unit=old.unit,
            period=month.period,
            kind=Bill.Kind.DIFFERENCE,
            employer_total=old.employer_amount,
            personal_total=old.personal_amount,
            late_fee=carried,
            due_date=due_date(month_start(today), grace_days=rule.grace_days),
            case_number=old.case_number,
            carried_forward=cancelled.carried_forward,
        )
        carried_note = f"，原缴费单滞纳金 {carried} 元计入新缴费单" if carried else ""
        _close(old, note=f"缴费单 {cancelled.number} 已撤销，重新开具缴费单 {bill.number}{carried_note}")
        new = BaseDifference.objects.create(
            month=month,
            person=old.person,
            unit=old.unit,
            case_number=old.case_number,
            kind=old.kind,
            base_before=old.base_before,
            base_after=old.base_after,
            employer_amount=old.employer_amount,
            personal_amount=old.personal_amount,
            account_credit=old.account_credit,
            lines=old.lines,
            bill=bill,
            original_bill_id=old.original_bill_id,
        )
        old.replaced_by = new
        old.save(update_fields=["replaced_by"])
        month.difference_bill = bill
        month.save(update_fields=["difference_bill"])
        audit.record(
            actor=actor,
            action="contributions.difference.rebill",
            subject_type="contributions.Bill",
            subject_id=bill.pk,
            subject_person=old.person.id_number,
            before={"bill": cancelled.number, "difference": old.pk},
            after={
                "bill": bill.number,
                "difference": new.pk,
                "due_date": bill.due_date,
                "late_fee_carried": carried,  # from the cancelled bill, assessed on the new one
                "case": old.case_number,
                "period": month.period,
                "unit": old.unit.credit_code,
                "employer": old.employer_amount,
                "personal": old.personal_amount,
            },
            channel=channel,
        )
    return new


def _separate(actor: Account, difference: BaseDifference, zh: str, en: str) -> None:
    """Never on one's own record, never by who did a step of the correction's case."""
    if actor.id_number and actor.id_number == difference.person.id_number:
        raise NotAllowed(f"不能为本人的记录{zh}", f"You may not act on your own record: nobody {en} for themself")
    if _handled_case(actor, difference.case_number):
        raise NotAllowed(
            f"您办理过更正办件 {difference.case_number}，须由其他人员{zh}",
            f"You handled the correction case {difference.case_number}: someone else {en}",
        )


def _handled_case(actor: Account, case_number: str) -> bool:
    """Whether ``actor`` did a step of the case (its number) that corrected the base."""
    from shebao.cases.facts import steps_by
    from shebao.cases.models import Case

    case = Case.objects.filter(number=case_number).first()
    return case is not None and actor.pk in steps_by(case)


def difference_summary(difference: BaseDifference | None) -> dict[str, Any] | None:
    """What a correction's result and audit event say of its difference (strings, for JSON)."""
    if difference is None:
        return None
    summary: dict[str, Any] = {
        "kind": difference.kind,
        "employer": str(difference.employer_amount),
        "personal": str(difference.personal_amount),
        "total": str(difference.total),
        "account_credit": str(difference.account_credit),
    }
    if difference.bill is not None:
        summary.update(bill=difference.bill.number, bill_id=difference.bill.pk, due_date=str(difference.bill.due_date))
        if difference.bill.late_fee:  # carried from a cancelled bill it took over
            summary["late_fee_carried"] = str(difference.bill.late_fee)
    else:
        summary["refund_by"] = "finance_office"
    return summary


@dataclass(frozen=True)
class BilledDifference:
    """A difference due (补差) of the worklist with its bill open, and the late fee on it today."""

    difference: BaseDifference
    late_fee: Decimal
    days_overdue: int


@dataclass(frozen=True)
class DifferencesWorklist:
    """The page ``/window/differences/``: what the actor may cancel and what to bill again."""

    billed: list[BilledDifference]
    to_bill: list[BaseDifference]


def differences_worklist(*, actor: Account, as_of: dt.date, limit: int = 200) -> DifferencesWorklist:
    """The differences due (补差) of the units whose difference bills ``actor`` may cancel or
    raise again (:func:`selectors.differences_for_settler`: the contribution side of the unit's
    district office; empty for anyone else), oldest first: those whose bill is open (to cancel,
    with the late fee on ``as_of``) and those whose bill was cancelled (to bill again, the fee
    frozen on the cancelled bill). Two queries and the late-fee rule."""
    rows = (
        selectors.differences_for_settler(actor=actor)
        .filter(kind=BaseDifference.Kind.DUE, status=BaseDifference.Status.OPEN)
        .select_related("month", "person", "unit", "bill", "bill_cancelled_by")
        .order_by("created_at", "pk")
    )
    rule = selectors.late_fee_rule(on=as_of)
    billed = []
    for difference in rows.filter(bill_cancelled_at__isnull=True, bill__status=Bill.Status.OPEN)[:limit]:
        if difference.bill is None:  # a difference due always has its bill (a check constraint)
            continue
        fee = selectors.late_fee_for(bill=difference.bill, as_of=as_of, rule=rule)
        billed.append(BilledDifference(difference=difference, late_fee=fee.amount, days_overdue=fee.days))
    return DifferencesWorklist(billed=billed, to_bill=list(rows.filter(bill_cancelled_at__isnull=False)[:limit]))
