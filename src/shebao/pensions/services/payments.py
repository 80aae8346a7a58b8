"""Paying the pension (养老金发放) and the items that change it: the monthly issue as a chunked,
idempotent job; suspension (YL-008) and resumption with back payment (YL-009); the payment
card (YL-012); certification (YL-010); the survivors' grant and pension (YL-006) and the
inheritance of the account balance (YL-007), one-off payments that also stop the pension.

A month is paid once per person (``pension_pay_month_once``): the job, a resumption's back
payment or a second run meet the constraint, never a double payment. The job pays each
retiree from the month after their last paid month (or the benefit start) to the target month,
so a missed month is caught up, and a month deliberately not paid stays recorded as such.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone

from shebao.contributions.accounts import PayoutDue, account_payout_months
from shebao.core import audit
from shebao.core.errors import Conflict, InvalidInput
from shebao.core.jobs import JobKind, Params, id_span
from shebao.core.models import Account
from shebao.core.money import round_fen
from shebao.core.months import month_add, month_start, months_between
from shebao.pensions.models import (
    PensionDetermination,
    PensionPayment,
    PensionProfile,
    SurvivorBenefitRule,
)
from shebao.pensions.services.common import REGION, event_add, profile_lock, record, staff_authorise
from shebao.registry.models import Person

PAYMENTS_JOB = "pensions.payments"
REGULAR = (PensionPayment.Kind.MONTHLY, PensionPayment.Kind.BACK_PAY)
# 服刑期间的基本养老金不予补发 (劳社部函〔2001〕44号; conf M, to verify): a resumption after
# release pays from the resumption month only.
NO_BACK_PAY_REASONS = frozenset({"released"})


def next_unpaid_month(*, person: Person) -> dt.date:
    """The month after the last month paid (regular or back pay), or the benefit start."""
    profile = PensionProfile.objects.get(person=person)
    last = PensionPayment.objects.filter(person=person, kind__in=REGULAR).aggregate(m=Max("month"))["m"]
    start = profile.benefit_start or month_start(timezone.localdate())
    return max(start, month_add(last, 1)) if last else start


# --- the monthly issue -----------------------------------------------------------------------


def payments_issue_range(*, month: dt.date, lo: int, hi: int) -> dict[str, int]:
    """Pay every retiree whose profile id is in ``lo..hi`` and who draws a pension, each month
    from their next unpaid month to ``month``, at the approved determination's total. Bulk:
    three reads and one insert; idempotent (the constraint ignores a month already paid)."""
    month = month_start(month)
    profiles = list(
        PensionProfile.objects.filter(
            id__gte=lo, id__lte=hi, status=PensionProfile.Status.PAYING, benefit_start__lte=month
        ).values("person_id", "benefit_start", "stopped_after", "bank_card")
    )
    if not profiles:
        return {"persons": 0, "payments": 0}
    ids = [p["person_id"] for p in profiles]
    current = {
        row["person_id"]: row
        for row in PensionDetermination.objects.filter(
            person_id__in=ids, status=PensionDetermination.Status.APPROVED
        ).values("id", "person_id", "total", "account_pension")
    }
    last = dict(
        PensionPayment.objects.filter(person_id__in=ids, kind__in=REGULAR)
        .values("person_id")
        .annotate(m=Max("month"))
        .values_list("person_id", "m")
    )
    rows = []
    for profile in profiles:
        determination = current.get(profile["person_id"])
        if determination is None:
            continue  # not approved: nothing is paid
        start = profile["benefit_start"]
        assert start is not None  # filtered on benefit_start__lte above
        if profile["person_id"] in last:
            start = max(start, month_add(last[profile["person_id"]], 1))
        end = min(month, profile["stopped_after"]) if profile["stopped_after"] else month
        rows += [
            PensionPayment(
                person_id=profile["person_id"],
                determination_id=determination["id"],
                kind=PensionPayment.Kind.MONTHLY,
                month=m,
                amount=determination["total"],
                bank_card=profile["bank_card"],
            )
            for m in months_between(start, end)
        ]
    PensionPayment.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    # the account part of each month paid is drawn from the personal account (once a month)
    account_payout_months(
        payouts=[PayoutDue(r.person_id, r.month, current[r.person_id]["account_pension"]) for r in rows]
    )
    if rows:
        audit.record(
            actor=None,
            action="pension.payments.chunk",
            subject_type="pensions.PensionPayment",
            subject_id=month.isoformat(),
            after={"profiles": [lo, hi], "payments": len(rows)},
            channel="system",
        )
    return {"persons": len(profiles), "payments": len(rows)}


def _plan(params: Params) -> list[tuple[int, int]]:
    return id_span(PensionProfile.objects.filter(status=PensionProfile.Status.PAYING))


def _run_chunk(*, params: Params, lo: int, hi: int) -> dict[str, Any]:
    return payments_issue_range(month=dt.date.fromisoformat(params["month"]), lo=lo, hi=hi)


PAYMENTS = JobKind(
    name=PAYMENTS_JOB, title="按月发放养老金 / Monthly pension payments", plan=_plan, run_chunk=_run_chunk
)


# --- suspension and resumption ---------------------------------------------------------------


def pension_suspend(
    *,
    actor: Account | None,
    person: Person,
    from_month: dt.date,
    reason: str,
    case_number: str = "",
    channel: str = "hall",
) -> PensionProfile:
    """暂停发放 (YL-008): nothing is paid from ``from_month``'s month on. Months already paid
    from then on are listed in the event as overpaid (to recover), not deleted."""
    staff_authorise(actor)
    first = month_start(from_month)
    with transaction.atomic():
        profile = profile_lock(person)
        if profile.status != PensionProfile.Status.PAYING:
            raise Conflict("该人员当前没有按月领取养老金，不能暂停", "No pension is being paid: nothing to suspend")
        if profile.benefit_start and first < profile.benefit_start:
            raise InvalidInput(
                f"暂停月份不能早于待遇起始月 {profile.benefit_start:%Y-%m}",
                "The suspension cannot start before the benefit",
                field="suspend_from",
            )
        overpaid = list(
            PensionPayment.objects.filter(person=person, kind__in=REGULAR, month__gte=first, amount__gt=0)
            .order_by("month")
            .values_list("month", flat=True)
        )
        profile.status, profile.suspended_from = PensionProfile.Status.SUSPENDED, first
        profile.save(update_fields=["status", "suspended_from", "updated_at"])
        detail = {"from": first.isoformat(), "reason": reason, "overpaid": [m.isoformat() for m in overpaid]}
        event_add(person=person, kind="suspend", on=first, actor=actor, case_number=case_number, detail=detail)
        record(actor=actor, action="pension.suspend", person=person, after=detail, channel=channel)
    return profile


@dataclass(frozen=True)
class Resumption:
    profile: PensionProfile
    back_paid: tuple[PensionPayment, ...]
    not_paid: tuple[dt.date, ...]


def pension_resume(
    *,
    actor: Account | None,
    person: Person,
    resume_from: dt.date,
    reason: str,
    bank_card: str = "",
    case_number: str = "",
    channel: str = "hall",
) -> Resumption:
    """恢复发放 (YL-009): payments continue, and the suspended months up to this month that were
    not paid are paid now as back payment (补发) at the approved amount — except after a prison
    term (服刑期间不予补发), when those months are recorded as not paid and payment restarts
    from ``resume_from``'s month."""
    staff_authorise(actor)
    today = month_start(timezone.localdate())
    with transaction.atomic():
        profile = profile_lock(person)
        if profile.status != PensionProfile.Status.SUSPENDED or profile.suspended_from is None:
            raise Conflict("该人员的养老金没有暂停，无需恢复", "The pension is not suspended: nothing to resume")
        first = month_start(resume_from)
        if first < profile.suspended_from:
            raise InvalidInput(
                f"恢复月份不能早于暂停月份 {profile.suspended_from:%Y-%m}",
                "The resumption cannot precede the suspension",
                field="resume_from",
            )
        determination = PensionDetermination.objects.get(person=person, status=PensionDetermination.Status.APPROVED)
        if bank_card:
            profile.bank_card = bank_card
        paid = set(
            PensionPayment.objects.filter(
                person=person, kind__in=REGULAR, month__gte=profile.suspended_from
            ).values_list("month", flat=True)
        )
        gap = [m for m in months_between(profile.suspended_from, max(today, first)) if m not in paid]
        back: list[PensionPayment] = []
        skipped: list[dt.date] = []
        for m in gap:
            if m >= today:  # this month (and a resumption dated later): paid as usual
                note, amount, kind = "恢复发放", determination.total, PensionPayment.Kind.MONTHLY
            elif reason in NO_BACK_PAY_REASONS and m < first:
                skipped.append(m)
                note, amount, kind = "暂停期间不予补发（服刑期间）", Decimal("0.00"), PensionPayment.Kind.MONTHLY
            else:
                note, amount, kind = "恢复发放补发暂停期间待遇", determination.total, PensionPayment.Kind.BACK_PAY
            back.append(
                PensionPayment(
                    person=person,
                    determination=determination,
                    kind=kind,
                    month=m,
                    amount=amount,
                    bank_card=profile.bank_card,
                    case_number=case_number,
                    note=note,
                )
            )
        PensionPayment.objects.bulk_create(back)
        # the months paid now draw their account part, as the monthly job's do
        account_payout_months(
            payouts=[PayoutDue(person.pk, p.month, determination.account_pension) for p in back if p.amount > 0],
            actor=actor,
        )
        was = profile.suspended_from
        profile.status, profile.suspended_from = PensionProfile.Status.PAYING, None
        profile.save(update_fields=["status", "suspended_from", "bank_card", "updated_at"])
        paid_back = [p for p in back if p.kind == PensionPayment.Kind.BACK_PAY]
        detail = {
            "suspended_from": was.isoformat(),
            "resume_from": first.isoformat(),
            "reason": reason,
            "back_paid": [p.month.isoformat() for p in paid_back],
            "back_pay_total": str(sum((p.amount for p in paid_back), Decimal("0.00"))),
            "not_paid": [m.isoformat() for m in skipped],
        }
        event_add(person=person, kind="resume", on=first, actor=actor, case_number=case_number, detail=detail)
        record(actor=actor, action="pension.resume", person=person, after=detail, channel=channel)
    return Resumption(profile=profile, back_paid=tuple(paid_back), not_paid=tuple(skipped))


# --- card, certification ---------------------------------------------------------------------


def pension_account_change(
    *, actor: Account | None, person: Person, bank_card: str, case_number: str = "", channel: str = "hall"
) -> PensionProfile:
    """变更发放账户 (YL-012): payments from the next unpaid month go to ``bank_card``."""
    staff_authorise(actor)
    with transaction.atomic():
        profile = profile_lock(person)
        if profile.status not in (PensionProfile.Status.PAYING, PensionProfile.Status.SUSPENDED):
            raise Conflict("该人员没有领取养老金，无需变更发放账户", "No pension is paid: no payment card to change")
        before = profile.bank_card
        profile.bank_card = bank_card
        profile.bank_card_since = next_unpaid_month(person=person)
        profile.save(update_fields=["bank_card", "bank_card_since", "updated_at"])
        detail = {"from": _tail(before), "to": _tail(bank_card), "since": profile.bank_card_since.isoformat()}
        event_add(
            person=person, kind="account", on=timezone.localdate(), actor=actor, case_number=case_number, detail=detail
        )
        record(actor=actor, action="pension.account_change", person=person, after=detail, channel=channel)
    return profile


def _tail(card: str) -> str:
    return f"****{card[-4:]}" if card else ""


def pension_certify(
    *, actor: Account | None, person: Person, method: str, on: dt.date, case_number: str = "", channel: str = "hall"
) -> PensionProfile:
    """领取待遇资格认证 (YL-010): recorded with its method and date."""
    staff_authorise(actor)
    with transaction.atomic():
        profile = profile_lock(person)
        if profile.status == PensionProfile.Status.PENDING:
            raise Conflict("该人员未领取养老金，无需资格认证", "No pension is drawn: nothing to certify")
        profile.certified_on = on
        profile.save(update_fields=["certified_on", "updated_at"])
        event_add(person=person, kind="certify", on=on, actor=actor, case_number=case_number, detail={"method": method})
        record(
            actor=actor, action="pension.certify", person=person, after={"method": method, "on": on}, channel=channel
        )
    return profile


# --- death: survivors' benefits and the account balance --------------------------------------


def _stop_on_death(*, profile: PensionProfile, person: Person, death: dt.date) -> list[str]:
    """Stop the pension after the month of death; months paid after it are listed as overpaid."""
    month = month_start(death)
    overpaid = []
    if profile.status in (PensionProfile.Status.PAYING, PensionProfile.Status.SUSPENDED):
        profile.status, profile.stopped_after = PensionProfile.Status.STOPPED, month
        profile.save(update_fields=["status", "stopped_after", "updated_at"])
        overpaid = [
            m.isoformat()
            for m in PensionPayment.objects.filter(person=person, kind__in=REGULAR, month__gt=month, amount__gt=0)
            .order_by("month")
            .values_list("month", flat=True)
        ]
    return overpaid


def survivor_rule_for(*, on: dt.date, region: str = REGION) -> SurvivorBenefitRule:
    rule = SurvivorBenefitRule.objects.filter(region=region, effective_from__lte=on).order_by("-effective_from").first()
    if rule is None:
        raise InvalidInput(
            f"{on:%Y-%m-%d} 没有适用的遗属待遇规则", f"No survivors' benefit rule in force on {on}", field="death_date"
        )
    return rule


@dataclass(frozen=True)
class OneOff:
    payments: tuple[PensionPayment, ...]
    derivation: tuple[str, ...]
    overpaid: tuple[str, ...]


def pension_survivors(
    *,
    actor: Account | None,
    person: Person,
    death_date: dt.date,
    claimant: str,
    relation: str,
    bank_card: str,
    case_number: str = "",
    channel: str = "hall",
) -> OneOff:
    """丧葬补助金和抚恤金 (YL-006, 社会保险法第十七条): each a number of months (the survivors'
    rule row in force on the day of death) of the deceased's approved monthly pension, paid
    once to the claimant; the monthly pension stops after the month of death. Only for a
    retiree with an approved determination: an insured person who died in work is paid by the
    in-work rules (not built here) — refused with that reason."""
    staff_authorise(actor)
    with transaction.atomic():
        profile = profile_lock(person)
        determination = PensionDetermination.objects.filter(
            person=person, status=PensionDetermination.Status.APPROVED
        ).first()
        if determination is None:
            raise Conflict(
                "已故人员未领取基本养老金，遗属待遇按在职人员办法另行核定",
                "The deceased drew no pension: survivors' benefits of an insured worker are assessed separately",
            )
        if PensionPayment.objects.filter(person=person, kind=PensionPayment.Kind.FUNERAL_GRANT).exists():
            raise Conflict("丧葬补助金和抚恤金已经支付", "The funeral grant and survivors' pension were already paid")
        rule = survivor_rule_for(on=death_date)
        month = month_start(death_date)
        grant = round_fen(determination.total * rule.funeral_months)
        pension = round_fen(determination.total * rule.survivor_months)
        made = [
            PensionPayment.objects.create(
                person=person,
                determination=determination,
                kind=kind,
                month=month,
                amount=amount,
                bank_card=bank_card,
                payee=claimant,
                case_number=case_number,
                note=f"{months}个月 × {determination.total}（遗属待遇规则#{rule.pk}）",
            )
            for kind, amount, months in (
                (PensionPayment.Kind.FUNERAL_GRANT, grant, rule.funeral_months),
                (PensionPayment.Kind.SURVIVOR_PENSION, pension, rule.survivor_months),
            )
        ]
        overpaid = _stop_on_death(profile=profile, person=person, death=death_date)
        lines = (
            f"丧葬补助金 = {determination.total} × {rule.funeral_months} = {grant}",
            f"抚恤金 = {determination.total} × {rule.survivor_months} = {pension}",
        )
        detail = {
            "death": death_date.isoformat(),
            "claimant": claimant,
            "relation": relation,
            "lines": list(lines),
            "rule": rule.pk,
            "overpaid": overpaid,
        }
        event_add(person=person, kind="death", on=death_date, actor=actor, case_number=case_number, detail=detail)
        record(actor=actor, action="pension.survivors", person=person, after=detail, channel=channel)
    return OneOff(payments=tuple(made), derivation=lines, overpaid=tuple(overpaid))


def pension_inheritance(
    *,
    actor: Account | None,
    person: Person,
    death_date: dt.date,
    claimant: str,
    relation: str,
    bank_card: str,
    account_balance: Decimal,
    case_number: str = "",
    channel: str = "hall",
) -> OneOff:
    """个人账户余额继承 (YL-007, 社会保险法第十四条): for a retiree, the balance at retirement less
    the account pension of every month paid; for anyone else ``account_balance`` (the
    personal account's balance, which the caller reads from contributions). Paid once; the
    monthly pension stops after the month of death."""
    staff_authorise(actor)
    with transaction.atomic():
        profile = profile_lock(person)
        if PensionPayment.objects.filter(person=person, kind=PensionPayment.Kind.ACCOUNT_INHERITANCE).exists():
            raise Conflict("个人账户余额已经继承支付", "The account balance was already paid out")
        determination = PensionDetermination.objects.filter(
            person=person, status=PensionDetermination.Status.APPROVED
        ).first()
        month = month_start(death_date)
        if determination is not None:
            paid = PensionPayment.objects.filter(
                person=person, kind__in=REGULAR, amount__gt=0, month__lte=month
            ).count()
            at_retirement = Decimal(determination.inputs["account_balance"])
            drawn = determination.account_pension * paid
            amount = max(round_fen(at_retirement - drawn), Decimal("0.00"))
            line = f"{at_retirement} − {determination.account_pension} × {paid}个月 = {amount}"
        else:
            amount = round_fen(account_balance)
            line = f"个人账户累计储存额 {amount}"
        payment = PensionPayment.objects.create(
            person=person,
            determination=determination,
            kind=PensionPayment.Kind.ACCOUNT_INHERITANCE,
            month=month,
            amount=amount,
            bank_card=bank_card,
            payee=claimant,
            case_number=case_number,
            note=line,
        )
        overpaid = _stop_on_death(profile=profile, person=person, death=death_date)
        detail = {
            "death": death_date.isoformat(),
            "claimant": claimant,
            "relation": relation,
            "line": line,
            "overpaid": overpaid,
        }
        event_add(person=person, kind="death", on=death_date, actor=actor, case_number=case_number, detail=detail)
        record(actor=actor, action="pension.inheritance", person=person, after=detail, channel=channel)
    return OneOff(payments=(payment,), derivation=(line,), overpaid=tuple(overpaid))


def payments_total(*, person: Person) -> Decimal:
    return PensionPayment.objects.filter(person=person).aggregate(s=Sum("amount"))["s"] or Decimal("0.00")
