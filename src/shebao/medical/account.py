"""职工医保个人账户 (YB-005): the balance and its transactions, computed from the records.

- 划入 (credits): for each month paid (or transferred in) with a medical contribution, the
  ``AccountCreditRule`` row of the working person in force in that month: its share of the
  person's own medical contribution plus its share of the base from the employer's (0 since the
  outpatient mutual-aid reform, 国办发〔2021〕14号); a flexible worker's own month (no unit) the
  row's share of the base instead; for a retiree, from the month their pension insurance ended
  in the registry (else the month after their last medical month), the retired row's fixed
  monthly amount, every month up to the day asked.
- 支出 (debits): what the account paid of a decided reimbursement (``Reimbursement.account_paid``,
  fixed at the decision: the in-policy costs the funds left to the person, as far as the balance
  then allowed; it is paid out with the fund's amount).

Each credit is rounded to the fen, half up. A month with no rule row in force is not credited
and is named (``missing``), so the figure is never silently short. No interest is credited here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Q

from shebao.contributions.selectors import medical_paid_months
from shebao.medical.models import AccountCreditRule, Reimbursement
from shebao.medical.rules import round_fen

SHANGHAI = ZoneInfo("Asia/Shanghai")
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Entry:
    day: dt.date
    kind: str  # "credit" (划入) or "debit" (支出)
    label_zh: str
    label_en: str
    amount: Decimal
    balance: Decimal
    ref: str  # the rule row (medical.AccountCreditRule#n) or the reimbursement's case number


@dataclass(frozen=True)
class MedicalAccount:
    id_number: str
    name: str
    person_type: str  # working / retired
    as_of: dt.date
    balance: Decimal
    credited: Decimal
    spent: Decimal
    entries: list[Entry] = field(default_factory=list)  # oldest first
    missing: list[str] = field(default_factory=list)  # months (YYYY-MM) with no rule row in force


def _month_add(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


class _Rules:
    """The credit rule rows of the region, looked up by month (latest in force wins)."""

    def __init__(self, region: str) -> None:
        self.rows = list(AccountCreditRule.objects.filter(region=region).order_by("effective_from", "id"))

    def on(self, person_type: str, day: dt.date) -> AccountCreditRule | None:
        found = None
        for row in self.rows:
            if row.person_type != person_type or row.effective_from > day:
                continue
            if row.effective_to is not None and row.effective_to < day:
                continue
            found = row
        return found


def _retired_since(person_id: int) -> dt.date | None:
    """The month the person's pension insurance ended in the registry (retirement), if it did."""
    from shebao.registry.models import InsuredStatus

    since = (
        InsuredStatus.objects.filter(person_id=person_id, insurance="pension", status=InsuredStatus.Status.TERMINATED)
        .values_list("since", flat=True)
        .first()
    )
    return since.replace(day=1) if since is not None else None


def account_compute(
    *,
    person_id: int,
    id_number: str,
    name: str,
    retired: bool,
    as_of: dt.date,
    exclude_case: str | None = None,
    region: str = "wuhan",
) -> MedicalAccount:
    """The account of one person on ``as_of`` (a system computation: callers check who asks)."""
    rules = _Rules(region)
    events: list[tuple[dt.date, int, str, str, str, Decimal, str]] = []
    missing: list[str] = []
    last_period: dt.date | None = None
    for month in medical_paid_months(person_id=person_id):
        if month.period > as_of:
            continue
        last_period = month.period
        rule = rules.on("working", month.period)
        if rule is None:
            missing.append(f"{month.period:%Y-%m}")
            continue
        if month.through_unit:
            amount = round_fen(
                (month.medical_personal or ZERO) * rule.personal_share + month.base * rule.employer_share
            )
        else:  # a flexible worker's own month: a share of the base (their rate includes the employer's part)
            amount = round_fen(month.base * rule.flexible_base_share)
        if amount > 0:
            events.append(
                (month.period, 0, "credit", f"{month.period:%Y年%m月}缴费划入", f"Credit from {month.period:%Y-%m}",
                 amount, rule.ref)
            )  # fmt: skip
    start = _retired_since(person_id) if retired else None
    if start is None and retired and last_period is not None:
        start = _month_add(last_period, 1)
    if start is not None:
        day = start
        while day <= as_of:
            rule = rules.on("retired", day)
            if rule is None:
                missing.append(f"{day:%Y-%m}")
            elif rule.monthly_amount > 0:
                events.append(
                    (day, 0, "credit", f"{day:%Y年%m月}退休人员定额划入", f"Retiree's fixed credit {day:%Y-%m}",
                     rule.monthly_amount, rule.ref)
                )  # fmt: skip
            day = _month_add(day, 1)
    paid = Reimbursement.objects.filter(
        id_number=id_number, status=Reimbursement.Status.DECIDED, account_paid__gt=0
    ).exclude(Q(decided_at__isnull=True))
    if exclude_case:
        paid = paid.exclude(case_number=exclude_case)
    for row in paid.order_by("decided_at", "id"):
        assert row.decided_at is not None
        decided = row.decided_at.astimezone(SHANGHAI).date()
        if decided <= as_of:
            events.append(
                (decided, 1, "debit", f"零星报销个人账户支付（{row.hospital_name}）",
                 f"Paid from the account: reimbursement {row.case_number}", row.account_paid, row.case_number)
            )  # fmt: skip
    events.sort(key=lambda e: (e[0], e[1]))
    balance = credited = spent = ZERO
    entries = []
    for day, _, kind, zh, en, amount, ref in events:
        if kind == "credit":
            balance, credited = balance + amount, credited + amount
        else:
            balance, spent = balance - amount, spent + amount
        entries.append(Entry(day=day, kind=kind, label_zh=zh, label_en=en, amount=amount, balance=balance, ref=ref))
    return MedicalAccount(
        id_number=id_number,
        name=name,
        person_type="retired" if retired else "working",
        as_of=as_of,
        balance=balance,
        credited=credited,
        spent=spent,
        entries=entries,
        missing=missing,
    )
