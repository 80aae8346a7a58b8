"""职工医保个人账户 (YB-005): the balance and its transactions, computed from the records.

- 划入 (credits): for each month paid (or transferred in) with a medical contribution, the
  ``AccountCreditRule`` row of the working person in force in that month: its share of the
  person's own medical contribution plus its share of the base from the employer's (0 since the
  outpatient mutual-aid reform, 国办发〔2021〕14号); a flexible worker's own month (no unit) the
  row's share of the base instead — at what was paid: a month whose base was corrected upward
  (QY-001) while its difference bill (补差) is unpaid is credited at the base and contribution
  paid before the correction, as the pension account is, and at its corrected base once the bill
  is paid (``contributions.selectors.medical_months_as_paid``); for a retiree, from the month
  their pension insurance ended in the registry (else the month after their last medical month),
  the retired row's fixed monthly amount, every month up to the day asked.
- 支出 (debits): what the account paid of a decided reimbursement (``Reimbursement.account_paid``,
  fixed at the decision: the in-policy costs the funds left to the person, as far as the balance
  then allowed; it is paid out with the fund's amount).

Each credit is rounded to the fen, half up. A month with no rule row in force is not credited
and is named (``missing``), so the figure is never silently short. No interest is credited here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.db.models import Q

from shebao.contributions.selectors import MedicalMonth, medical_months_as_paid, medical_paid_months
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
        self.found: dict[tuple[str, dt.date], AccountCreditRule | None] = {}  # a chunk asks the same months

    def on(self, person_type: str, day: dt.date) -> AccountCreditRule | None:
        key = (person_type, day)
        if key in self.found:
            return self.found[key]
        found = self.found[key] = self._on(person_type, day)
        return found

    def _on(self, person_type: str, day: dt.date) -> AccountCreditRule | None:
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


def _retired_since_of(person_ids: Sequence[int]) -> dict[int, dt.date]:
    """:func:`_retired_since` for many persons, in one query (those with no end are left out)."""
    from shebao.registry.models import InsuredStatus

    if not person_ids:
        return {}
    rows = InsuredStatus.objects.filter(
        person_id__in=list(person_ids), insurance="pension", status=InsuredStatus.Status.TERMINATED
    ).values_list("person_id", "since")
    return {person_id: since.replace(day=1) for person_id, since in rows}


class _Paid(NamedTuple):
    """What the account paid of one decided reimbursement (a debit)."""

    day: dt.date  # the decision's day in Shanghai
    hospital_name: str
    case_number: str
    amount: Decimal


def _paid_rows(id_numbers: Sequence[str], exclude_case: str | None = None) -> dict[str, list[_Paid]]:
    """The decided reimbursements paid (partly) from the account, by ID number, oldest decision
    first (one query for every ID number given)."""
    paid = Reimbursement.objects.filter(
        id_number__in=list(id_numbers), status=Reimbursement.Status.DECIDED, account_paid__gt=0
    ).exclude(Q(decided_at__isnull=True))
    if exclude_case:
        paid = paid.exclude(case_number=exclude_case)
    found: dict[str, list[_Paid]] = {number: [] for number in id_numbers}
    rows = paid.order_by("decided_at", "id").values_list(
        "id_number", "decided_at", "hospital_name", "case_number", "account_paid"
    )
    for number, decided_at, hospital, case_number, amount in rows:
        assert decided_at is not None  # excluded above
        found[number].append(_Paid(decided_at.astimezone(SHANGHAI).date(), hospital, case_number, amount))
    return found


# one credit or debit: day, order (a day's credits before its debits), kind, amount, ref, and
# what it is for the labels ("month": a paid month, "retired": the fixed credit, else the hospital)
_Event = tuple[dt.date, int, str, Decimal, str, str]


def _events(
    *,
    months: Iterable[MedicalMonth],
    retired: bool,
    retired_since: dt.date | None,
    paid: Iterable[_Paid],
    rules: _Rules,
    as_of: dt.date,
) -> tuple[list[_Event], list[str]]:
    """The account's credits and debits up to ``as_of``, oldest first, and the months not
    credited for want of a rule row (the module's rules; no database read)."""
    events: list[_Event] = []
    missing: list[str] = []
    last_period: dt.date | None = None
    for month in months:
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
            events.append((month.period, 0, "credit", amount, rule.ref, "month"))
    start = retired_since if retired else None
    if start is None and retired and last_period is not None:
        start = _month_add(last_period, 1)
    if start is not None:
        day = start
        while day <= as_of:
            rule = rules.on("retired", day)
            if rule is None:
                missing.append(f"{day:%Y-%m}")
            elif rule.monthly_amount > 0:
                events.append((day, 0, "credit", rule.monthly_amount, rule.ref, "retired"))
            day = _month_add(day, 1)
    for row in paid:
        if row.day <= as_of:
            events.append((row.day, 1, "debit", row.amount, row.case_number, row.hospital_name))
    events.sort(key=lambda e: (e[0], e[1]))
    return events, missing


def _entry(event: _Event, balance: Decimal) -> Entry:
    day, _, kind, amount, ref, what = event
    if what == "month":
        zh, en = f"{day:%Y年%m月}缴费划入", f"Credit from {day:%Y-%m}"
    elif what == "retired":
        zh, en = f"{day:%Y年%m月}退休人员定额划入", f"Retiree's fixed credit {day:%Y-%m}"
    else:
        zh, en = f"零星报销个人账户支付（{what}）", f"Paid from the account: reimbursement {ref}"
    return Entry(day=day, kind=kind, label_zh=zh, label_en=en, amount=amount, balance=balance, ref=ref)


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
    events, missing = _events(
        months=medical_paid_months(person_id=person_id),
        retired=retired,
        retired_since=_retired_since(person_id) if retired else None,
        paid=_paid_rows([id_number], exclude_case)[id_number],
        rules=_Rules(region),
        as_of=as_of,
    )
    balance = credited = spent = ZERO
    entries = []
    for event in events:
        amount = event[3]
        if event[2] == "credit":
            balance, credited = balance + amount, credited + amount
        else:
            balance, spent = balance - amount, spent + amount
        entries.append(_entry(event, balance))
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


# --- one calendar year of the account (the annual rights statement) ---------------------------


@dataclass(frozen=True)
class AccountYear:
    """The account's ``year`` as the annual rights statement lists it, from the same entries as
    :func:`account_compute` on ``as_of`` (the year's end; a day in the year for this year).

    ``opening`` the balance at the previous year's end; ``credited`` the year's credits (划入);
    ``spent`` the year's debits (支出: what the account paid of decided reimbursements);
    ``closing`` the balance on ``as_of`` (opening + credited − spent, the balance
    ``account_compute`` gives on that day); ``months`` the months credited up to ``as_of`` (a
    month once, a paid month or a retiree's fixed credit); ``entries`` how many credits and debits
    up to ``as_of`` (0: the account never moved). No interest: the platform credits none to the
    medical personal account (see the module), so a statement lists interest 0.00 and no rate.
    """

    year: int
    as_of: dt.date
    opening: Decimal
    credited: Decimal
    spent: Decimal
    closing: Decimal
    months: int
    entries: int
    missing: tuple[str, ...]
    retired_since: dt.date | None = None  # a retiree's first month as one (their pension insurance's end)


def _year_of(
    events: list[_Event], missing: list[str], *, year: int, as_of: dt.date, retired_since: dt.date | None
) -> AccountYear:
    opening = credited = spent = ZERO
    months: set[dt.date] = set()
    for day, _, kind, amount, _ref, _what in events:
        if kind == "credit":
            months.add(day)
            if day.year < year:
                opening += amount
            else:
                credited += amount
        elif day.year < year:
            opening -= amount
        else:
            spent += amount
    return AccountYear(
        year=year,
        as_of=as_of,
        opening=opening,
        credited=credited,
        spent=spent,
        closing=opening + credited - spent,
        months=len(months),
        entries=len(events),
        missing=tuple(missing),
        retired_since=retired_since,
    )


def account_year_compute(
    *, person_id: int, id_number: str, retired: bool, year: int, as_of: dt.date, region: str = "wuhan"
) -> AccountYear:
    """One person's :class:`AccountYear` (a system computation: callers check who asks)."""
    retired_since = _retired_since(person_id) if retired else None
    events, missing = _events(
        months=medical_paid_months(person_id=person_id),
        retired=retired,
        retired_since=retired_since,
        paid=_paid_rows([id_number])[id_number],
        rules=_Rules(region),
        as_of=as_of,
    )
    return _year_of(events, missing, year=year, as_of=as_of, retired_since=retired_since)


class Holder(NamedTuple):
    """A person whose account a bulk computation reads."""

    person_id: int
    id_number: str
    retired: bool


def account_years_compute(
    *,
    holders: Sequence[Holder],
    months_of: Mapping[int, Sequence[MedicalMonth]],
    year: int,
    as_of: dt.date,
    region: str = "wuhan",
) -> dict[int, AccountYear]:
    """:func:`account_year_compute` for many persons (the mailing run's chunk) by person id, with
    a fixed number of queries whatever their number: the rule rows once, the retirements of the
    retirees once, the reimbursements paid from the accounts once by ID number. ``months_of``
    holds each person's months as ``contributions.selectors.medical_paid_months`` gives them
    (paid or transferred in with a medical contribution, oldest first), read by the caller with
    the rest of its ledger read; a person missing from it has none — each month put back at what
    was paid while its base correction's difference is open (``medical_months_as_paid``, one
    query for the chunk: the caller's read has the corrected figures). A system computation:
    callers check who asks."""
    months_of = medical_months_as_paid(months_of=months_of)
    rules = _Rules(region)
    since = _retired_since_of([h.person_id for h in holders if h.retired])
    paid = _paid_rows([h.id_number for h in holders])
    found: dict[int, AccountYear] = {}
    for holder in holders:
        events, missing = _events(
            months=months_of.get(holder.person_id, ()),
            retired=holder.retired,
            retired_since=since.get(holder.person_id),
            paid=paid[holder.id_number],
            rules=rules,
            as_of=as_of,
        )
        found[holder.person_id] = _year_of(
            events, missing, year=year, as_of=as_of, retired_since=since.get(holder.person_id)
        )
    return found
