"""Commands on the contribution ledger: the monthly assessment, payments, arrears marking and
the employer's annual base declaration. Each is one transaction with its audit event.

Payments are exactly-once by idempotency key (a bank's or counter's transaction id, or the
key an online form carries): the bill row is locked first, then the key is looked up, so a
retried payment — sequential or concurrent — returns the first ``Payment`` and writes nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from shebao.cases.records import Done, cases_record_done
from shebao.catalog.definitions import Applicant
from shebao.contributions import selectors
from shebao.contributions.accounts import account_credit_rows, account_interest_recompute
from shebao.contributions.assessment import JOB_KIND, path_resolve, ruleset_for
from shebao.contributions.differences import Correction, difference_summary
from shebao.contributions.differences import (
    difference_bill_cancel as difference_bill_cancel,
)
from shebao.contributions.differences import (
    difference_rebill as difference_rebill,
)
from shebao.contributions.differences import (
    difference_refund_settle as difference_refund_settle,  # the refunds page calls it here
)
from shebao.contributions.models import Bill, ContributionMonth, DeclaredBase, Payment
from shebao.core import audit
from shebao.core.channels import Channel
from shebao.core.errors import Conflict, InvalidInput, NotAllowed
from shebao.core.jobs import Executor, job_create, job_run
from shebao.core.models import Account, Job, Role
from shebao.core.money import parse_money
from shebao.core.months import month_start
from shebao.registry.models import Person, Unit

ASSESSING_ROLES = frozenset({Role.ADMIN})
PAYMENT_CHANNELS = frozenset({Channel.ONLINE, Channel.APP, Channel.HALL, Channel.COMMUNITY, Channel.BANK})
_SELF_CHANNELS = frozenset({Channel.ONLINE, Channel.APP})
_COUNTER_CHANNELS = frozenset({Channel.HALL, Channel.COMMUNITY})


# --- the monthly assessment ------------------------------------------------------------------


def assessment_run(
    *,
    period: dt.date,
    actor: Account | None,
    path: str = "auto",
    region: str = "wuhan",
    executor: Executor | None = None,
    chunk_size: int | None = None,
) -> Job:
    """月度核定 of the month containing ``period`` (see ``contributions.assessment``): plan the
    job, then run it. Only an administrator, or the system (``actor=None``: the scheduler), may
    start it; a month after the current one cannot be assessed. Re-running a month is safe and
    changes nothing already assessed."""
    if actor is not None and (actor.kind != Account.Kind.STAFF or actor.role not in ASSESSING_ROLES):
        raise NotAllowed("只有系统管理员可以发起月度核定", "Only an administrator may run the monthly assessment")
    first = month_start(period)
    if first > month_start(timezone.localdate()):
        raise InvalidInput("不能核定未来月份", "A future month cannot be assessed", field="period")
    chosen = path_resolve(path)
    rules = ruleset_for(period=first, region=region)  # no base limits in force: a clear 422 now
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="contributions.assessment.run",
            subject_type="contributions.Bill",
            subject_id=first.isoformat(),
            after={"period": first, "path": chosen, "region": region, "due_date": rules.due_date},
            channel=Channel.SYSTEM if actor is None else Channel.ADMIN,
        )
        job = job_create(
            kind=JOB_KIND,
            params={"period": first.isoformat(), "path": chosen, "region": region},
            actor=actor,
            chunk_size=chunk_size,
        )
    return job_run(job_id=job.pk, executor=executor)


# --- payments --------------------------------------------------------------------------------


def _check_payer(*, actor: Account | None, channel: str) -> None:
    if channel not in PAYMENT_CHANNELS:
        raise InvalidInput(f"不支持的缴费渠道：{channel}", f"Unsupported payment channel: {channel}", field="channel")
    if actor is None:
        # the bank's settlement file or the system: no person at a screen
        if channel != Channel.BANK:
            raise NotAllowed("系统缴费只能来自银行渠道", "A payment without an actor must come from the bank")
        return
    if actor.role not in selectors.PAYING_ROLES:
        raise NotAllowed("您不能办理缴费", "You may not take or make payments")
    if actor.role in selectors.COLLECTING_ROLES and channel not in _COUNTER_CHANNELS:
        raise NotAllowed(
            "窗口收费的渠道应为大厅或社区窗口", "A window collection is made at a hall or community window"
        )
    if actor.role not in selectors.COLLECTING_ROLES and channel not in _SELF_CHANNELS:
        raise NotAllowed("网上缴费的渠道应为网上大厅或App", "An online payment is made in the online hall or the app")


def payment_record(
    *,
    actor: Account | None,
    bill: Bill,
    amount: Decimal | str,
    key: str,
    channel: str,
    bank_ref: str = "",
    debited_on: dt.date | None = None,
) -> Payment:
    """Settle ``bill`` with one payment of exactly its total (incl. the late fee to today, or to
    ``debited_on``: the value date of a bank's settlement file, for bank payments only).

    Idempotent by ``key``: the same key for the same bill returns the first payment and writes
    nothing (409 when the key was used for another bill). In the same transaction the bill is
    marked paid with its late fee and its months paid. Who may pay: the unit's operator or the
    person online, a window clerk of the bill's district at the counter, the bank (no actor).
    """
    _check_payer(actor=actor, channel=channel)
    key = (key or "").strip()
    if not key or len(key) > 64:
        raise InvalidInput("缴费幂等键应为 1 至 64 个字符", "The idempotency key must be 1-64 characters", field="key")
    value = amount if isinstance(amount, Decimal) else parse_money(amount)
    if actor is not None:
        bill = selectors.bill_get(actor=actor, bill_id=bill.pk)  # NotFound outside the actor's sight
    today = timezone.localdate()
    if debited_on is not None:
        if actor is not None or channel != Channel.BANK:
            raise InvalidInput(
                "只有银行结算文件可以给出扣款日期", "Only a bank settlement gives a debit date", field="debited_on"
            )
        if not bill.period <= debited_on <= today:
            raise InvalidInput(
                "扣款日期应在费款所属期之后、不晚于今天",
                "The debit date is between the bill's month and today",
                field="debited_on",
            )
        if bill.kind == Bill.Kind.DIFFERENCE and debited_on < timezone.localtime(bill.created_at).date():
            # a correction's difference bill is raised long after its month: not paid before it existed
            raise InvalidInput(
                "扣款日期不能早于更正补差缴费单的开具日期",
                "The debit date cannot be before the correction's difference bill was issued",
                field="debited_on",
            )
        today = debited_on
    with transaction.atomic():
        locked = Bill.objects.select_for_update().get(pk=bill.pk)
        first = Payment.objects.filter(key=key).first()
        if first is not None:
            if first.bill_id == locked.pk:
                return first
            raise Conflict("该幂等键已用于另一张缴费单", "This idempotency key was used for another bill", field="key")
        if locked.status != Bill.Status.OPEN:
            raise Conflict("该缴费单已缴费或已撤销", "This bill is already paid or cancelled")
        fee = selectors.late_fee_for(bill=locked, as_of=today)
        expected = locked.employer_total + locked.personal_total + fee.amount
        if value != expected:
            raise InvalidInput(
                f"缴费金额应为 {expected} 元（含滞纳金 {fee.amount} 元）",
                f"The payment must be exactly {expected} yuan (late fee {fee.amount} included)",
                field="amount",
                expected=str(expected),
            )
        now = timezone.now() if debited_on is None else timezone.make_aware(dt.datetime.combine(debited_on, dt.time()))
        try:
            with transaction.atomic():
                payment = Payment.objects.create(
                    bill=locked,
                    key=key,
                    amount=value,
                    channel=channel,
                    paid_at=now,
                    actor=actor if actor is not None and actor.pk else None,
                    bank_ref=bank_ref[:64],
                )
        except IntegrityError:
            # The same key committed for another bill between our look-up and insert.
            raise Conflict(
                "该幂等键已用于另一张缴费单", "This idempotency key was used for another bill", field="key"
            ) from None
        locked.late_fee = fee.amount
        locked.status = Bill.Status.PAID
        locked.paid_at = now
        locked.save(update_fields=["late_fee", "status", "paid_at"])
        months = ContributionMonth.objects.filter(bill=locked).update(status=ContributionMonth.Status.PAID)
        credited = _credit_accounts(bill=locked)
        audit.record(
            actor=actor,
            action="contributions.payment.record",
            subject_type="contributions.Bill",
            subject_id=locked.pk,
            subject_person=locked.person.id_number if locked.person is not None else "",
            before={"status": Bill.Status.OPEN},
            after={
                "status": Bill.Status.PAID,
                "payment": payment.pk,
                "amount": value,
                "late_fee": fee.amount,
                "late_days": fee.days,
                "channel": channel,
                "months": months,
                "credited": credited,
            },
            channel=channel,
        )
    return payment


def _credit_accounts(*, bill: Bill) -> int:
    """The pension personal account is credited from the paid months (``accounts``), in the
    payment's transaction, once per month (a constraint on ``AccountEntry``); the payment's
    audit event names how many. A correction's difference bill credits the difference
    (``differences.difference_settle``)."""
    if bill.kind == Bill.Kind.DIFFERENCE:
        from shebao.contributions.differences import difference_settle

        return difference_settle(bill=bill)
    rows = list(ContributionMonth.objects.filter(bill=bill, account_credit__gt=0).select_related("bill"))
    return account_credit_rows(rows=rows)


# --- arrears ---------------------------------------------------------------------------------


def arrears_mark(*, as_of: dt.date, actor: Account | None = None) -> int:
    """Mark the months of open bills past their due date as 欠费 (the stored status, for reports;
    pages compute arrears on read). Run daily by the scheduler; idempotent."""
    with transaction.atomic():
        count = ContributionMonth.objects.filter(
            status=ContributionMonth.Status.DUE, bill__status=Bill.Status.OPEN, bill__due_date__lt=as_of
        ).update(status=ContributionMonth.Status.ARREARS)
        if count:
            audit.record(
                actor=actor,
                action="contributions.arrears.mark",
                subject_type="contributions.ContributionMonth",
                after={"as_of": as_of, "months": count},
                channel=Channel.SYSTEM,
            )
    return count


# --- the annual base declaration ---------------------------------------------------------------


def _may_declare(*, actor: Account, unit: Unit) -> None:
    if actor.kind == Account.Kind.UNIT and actor.role == Role.UNIT and actor.unit_code == unit.credit_code:
        return
    if actor.role == Role.CLERK:
        district = selectors.staff_district_id(actor)
        if district is None or district == unit.district_id:
            return
    raise NotAllowed("只能为本单位申报缴费基数", "You may declare bases only for your own unit")


MAX_WAGE = Decimal("10000000000")


def wage_check(raw: Any) -> tuple[Decimal | None, tuple[str, str] | None]:
    """A declared monthly wage as Decimal yuan, or why not (Chinese, English): the one check of
    the form, the Excel upload and the API."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, ("未填写月工资", "the monthly wage is missing")
    if isinstance(raw, float):
        return None, ("工资格式不正确", "not a valid wage")
    try:
        value = parse_money(raw)
    except InvalidInput as error:
        return None, (error.message_zh, error.message_en)
    if value <= 0:
        return None, ("工资应大于零", "a wage must be above zero")
    if value >= MAX_WAGE:
        return None, ("工资数额过大", "the wage is too large")
    return value, None


def base_declare(*, actor: Account, unit: Unit, year: int, wages: dict[int, Any]) -> list[DeclaredBase]:
    """缴费基数申报: the unit declares each employee's monthly wage for contribution ``year``
    (the previous year's average monthly wage), for all its employees of that year (全员申报:
    everyone employed by the unit at any time in the year, :func:`selectors.declaration_rows`).

    All or nothing: every employee must end with a wage — given now, or declared before for the
    year — and every wage given must be positive with at most two decimals; a wage for someone
    not employed by the unit that year is refused. Every problem is named (the person, masked,
    and the field ``wage_<person id>``) in one refusal, ``details["problems"]``, so nobody is
    skipped silently. Declaring again replaces the year's figure; months already assessed keep
    the base they were assessed with. Clamping to the limits happens at assessment
    (国办发〔2019〕13号)."""
    _may_declare(actor=actor, unit=unit)
    this_year = timezone.localdate().year
    if not isinstance(year, int) or not 2000 <= year <= this_year + 1:
        raise InvalidInput(
            f"申报年度应在2000年至{this_year + 1}年之间", "The declaration year is out of range", field="year"
        )
    given = {int(pid): raw for pid, raw in wages.items()}
    if not any(raw is not None and str(raw).strip() for raw in given.values()):
        raise InvalidInput("请至少填写一名职工的工资", "Enter at least one employee's wage", field="wages")
    staff = {row.person.pk: row for row in selectors.declaration_rows(actor=actor, unit=unit, year=year)}
    problems: list[dict[str, str]] = []
    clean: dict[int, Decimal] = {}

    def problem(person_id: int, name: str, masked: str, zh: str, en: str) -> None:
        who, who_en = (f"{name}（{masked}）", f"{name} ({masked})") if masked else (name, name)
        problems.append(
            {
                "field": f"wage_{person_id}",
                "person": name,
                "id_number": masked,
                "message": f"{who}：{zh}",
                "message_en": f"{who_en}: {en}",
            }
        )

    for person_id in sorted(set(given) - set(staff)):
        problem(person_id, f"#{person_id}", "", "不是本单位该年度的职工", "not employed by this unit in that year")
    for person_id, row in staff.items():
        raw = given.get(person_id)
        if (raw is None or not str(raw).strip()) and row.declared is not None:
            continue  # declared before for the year and not changed now
        value, why = wage_check(raw)
        if why is not None:
            problem(person_id, row.person.name, row.masked_id, *why)
        else:
            assert value is not None
            clean[person_id] = value
    if problems:
        count = len(problems)
        raise InvalidInput(
            f"{count} 名职工的申报有误，均未申报：" + "；".join(p["message"] for p in problems[:5]),
            f"{count} employee(s) cannot be declared, nothing was declared: "
            + "; ".join(p["message_en"] for p in problems[:5]),
            field=problems[0]["field"],
            problems=problems,
        )
    with transaction.atomic():
        existing = {
            row.person_id: row
            for row in DeclaredBase.objects.select_for_update().filter(unit=unit, year=year, person_id__in=list(clean))
        }
        before = {pid: str(row.wage) for pid, row in existing.items()}
        changed = []
        for person_id, wage in clean.items():
            current = existing.get(person_id)
            if current is not None and current.wage != wage:
                current.wage = wage
                changed.append(current)
        DeclaredBase.objects.bulk_update(changed, ["wage"], batch_size=1000)
        created = DeclaredBase.objects.bulk_create(
            [
                DeclaredBase(unit=unit, person_id=pid, year=year, wage=w)
                for pid, w in clean.items()
                if pid not in existing
            ],
            batch_size=1000,
        )
        audit.record(
            actor=actor,
            action="contributions.base.declare",
            subject_type="registry.Unit",
            subject_id=unit.pk,
            before=before or None,
            after={
                "year": year,
                "staff": len(staff),
                "created": len(created),
                "changed": len(changed),
                "wages": {k: str(v) for k, v in clean.items()},
            },
            channel=Channel.ONLINE if actor.kind == Account.Kind.UNIT else Channel.HALL,
        )
        if actor.kind == Account.Kind.UNIT:  # JF-004, 即时办结: the declaration is a completed case
            cases_record_done(
                actor=actor,
                item_code="JF-004",
                district=unit.district,
                done=[
                    Done(
                        applicant=Applicant(id_number="", name=unit.name[:64], unit_code=unit.credit_code),
                        form={"unit_code": unit.credit_code, "declare_year": year, "staff_count": len(staff)},
                        result={"declared": len(clean), "created": len(created), "changed": len(changed)},
                    )
                ],
            )
    return list(DeclaredBase.objects.filter(unit=unit, year=year, person_id__in=list(staff)).order_by("person_id"))


def declared_wage_record(
    *, actor: Account | None, unit: Unit, person: Person, year: int, wage: Decimal, case_number: str
) -> DeclaredBase:
    """The wage declared on a staff-addition case (增员) becomes the person's declared base for
    the year of hiring. The case's own authority chain approved it, so no further check here;
    called in the completing transaction."""
    if wage <= 0:
        raise InvalidInput("申报缴费工资应大于零", "The declared wage must be above zero", field="wage_base")
    row, created = DeclaredBase.objects.update_or_create(unit=unit, person=person, year=year, defaults={"wage": wage})
    audit.record(
        actor=actor,
        action="contributions.base.declare",
        subject_type="contributions.DeclaredBase",
        subject_id=row.pk,
        subject_person=person.id_number,
        after={"unit": unit.credit_code, "year": year, "wage": wage, "case": case_number, "created": created},
        channel="system",
    )
    return row


# --- corrections of the record (个人权益记录更正) ---------------------------------------------


def contribution_month_correct(
    *, actor: Account | None, person: Person, period: dt.date, base: Decimal, case_number: str, reason: str = ""
) -> Correction:
    """更正一个月的缴费基数 (人社部令第14号: a disputed record checked and corrected), on the
    completion of a correction case: the month's amounts recomputed at the corrected base by
    that month's own rule rows (floor and cap applied, as the assessment does). A month paid at
    the old base then owes or is owed the difference (``contributions.differences``):

    - upward: a difference bill (补差) to the month's employer naming the case; the month stays
      paid (a paid month for every count) and points at it (shown in arrears once it is past
      due), its account credited with the difference only when it is paid;
    - downward: the overpaid parts recorded as a refund due to the employer and the person (for
      the finance office), the account credit reduced now and every year's interest from the
      credit's year on recomputed at the rate it was credited at.

    The old figures stay in the audit event (before/after, with the difference) and the month's
    ``rules`` name the case. An employee's month only (a flexible worker's base follows their
    grade: JF-001); a month not on record is a back-payment (JF-002), not a correction; a month
    whose bill is still open (its own, or an earlier correction's difference bill) is refused.
    A month whose earlier difference is owed with its bill cancelled (``differences``: to be
    billed again) is corrected against what was paid, the earlier difference taken over by the
    new one. One transaction: when the bill cannot be made nothing is written. Returns the
    corrected month and its difference (None when the month was not paid or nothing changed)."""
    from shebao.contributions.backpay import _month_calc
    from shebao.contributions.differences import (
        amounts_of,
        as_paid,
        correction_refusal,
        difference_record,
        difference_to_bill,
    )
    from shebao.contributions.models import AccountEntry
    from shebao.contributions.rulebook import rulebook_load

    if not isinstance(base, Decimal) or not base.is_finite() or base <= 0 or base >= MAX_WAGE:
        raise InvalidInput(
            "正确的缴费基数应为大于零的金额", "The correct base must be an amount above zero", field="correct_base"
        )
    month = month_start(period)
    today = timezone.localdate()
    with transaction.atomic():
        Person.objects.select_for_update().filter(pk=person.pk).first()
        row = (
            ContributionMonth.objects.select_for_update(of=("self",))
            .select_related("unit", "bill", "difference_bill")
            .filter(person=person, period=month)
            .first()
        )
        if row is None:
            raise InvalidInput(
                f"{month:%Y-%m} 无缴费记录，缺失月份应由单位申报补缴",
                f"{month:%Y-%m} is not on record: a missing month is a back-payment",
                field="period",
            )
        if row.unit is None:
            raise InvalidInput(
                "灵活就业人员的缴费基数按所选档次确定，请办理档次变更",
                "A flexible worker's base follows the grade: change the grade instead",
                field="period",
            )
        refused = correction_refusal(row)
        if refused is not None:
            raise refused
        insurances = tuple(
            name
            for name in ("pension", "medical", "unemployment", "injury", "maternity")
            if getattr(row, f"{name}_employer", None) is not None or getattr(row, f"{name}_personal", None) is not None
        )
        book = rulebook_load()
        calc = _month_calc(
            book=book,
            person=person,
            person_type="employee",
            period=month,
            ratio=None,
            wage=base,
            risk_class=row.unit.injury_risk_class,
            insurances=insurances,
        )
        columns = [f"{n}_{side}" for n in insurances for side in ("employer", "personal")]
        before = {"base": row.base, "account_credit": row.account_credit, "status": row.status}
        before.update({c: getattr(row, c) for c in columns if hasattr(row, c)})
        paid_amounts, base_before, credit_before = amounts_of(row), row.base, row.account_credit
        to_bill = difference_to_bill(row)
        if to_bill is not None:  # its bill cancelled, never paid: the new difference is from what was
            paid_amounts, base_before, credit_before = as_paid(row, to_bill)
        row.base = calc.base.quantize(Decimal("0.01"))  # as stored, so the audit shows what the row holds
        row.account_credit = calc.account_credit
        for line in calc.lines:
            if line.employer is not None:
                setattr(row, f"{line.insurance}_employer", line.employer)
            if line.personal is not None:
                setattr(row, f"{line.insurance}_personal", line.personal)
        row.rules = {**row.rules, **calc.rule_ids(), "corrected_by": case_number}
        row.save()
        difference = difference_record(
            row=row,
            person=person,
            before=paid_amounts,
            base_before=base_before,
            credit_before=credit_before,
            calc=calc,
            book=book,
            case_number=case_number,
            today=today,
            replaces=to_bill,
        )
        interest_after: dict[str, Any] = {}
        entry = AccountEntry.objects.filter(source_month=row).first()
        # an upward difference reaches the account when its bill is paid; anything else now
        # by the change, not to the new total: a paid difference of an earlier correction is an
        # entry of its own beside the month's, and the two together hold the month's credit
        if entry is not None and row.account_credit != credit_before and row.difference_bill_id is None:
            entry.amount += row.account_credit - credit_before
            entry.note = f"{entry.note}（{case_number} 更正）"[:255]
            entry.save(update_fields=["amount", "note"])
            # every interest credited since depends on this credit: recompute, oldest first
            interest_after = account_interest_recompute(person=person, from_year=entry.year)
        after = {
            "base": row.base,
            "account_credit": row.account_credit,
            "status": row.status,
            "interest": interest_after,
            "difference": difference_summary(difference),
        }
        if to_bill is not None:
            after["replaces"] = {"difference": to_bill.pk, "bill": to_bill.bill.number if to_bill.bill else None}
        after.update({c: getattr(row, c) for c in columns if hasattr(row, c)})
        audit.record(
            actor=actor,
            action="contributions.month.correct",
            subject_type="contributions.ContributionMonth",
            subject_id=row.pk,
            subject_person=person.id_number,
            before=before,
            after={**after, "period": month, "case": case_number, "reason": reason[:200]},
        )
    return Correction(month=row, difference=difference)
