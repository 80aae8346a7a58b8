"""Reads of bills, arrears and the monthly ledger, always scoped by the actor.

Who sees which bills (ARCHITECTURE.md, Security):

- a unit operator: their own unit's bills (``Account.unit_code`` = ``Unit.credit_code``);
- a citizen: the bills of the person linked to their account (a flexible worker's own);
- district-scoped staff (clerk, reviewer, approver, supervisor, hotline, district monitor):
  bills of units and persons of their office's district, everyone's for a city-level office;
- city monitor and administrator: all; anyone else (a bank agent): none.

A bill outside the actor's sight is :class:`NotFound`, exactly like one that does not exist.

Arrears (欠费) are computed on read: a bill still open after its due date is in arrears, with
the late fee to date = (employer + individual total) × the daily rate of the ``LateFeeRule``
in force on ``as_of`` × whole days past the due date, rounded to the fen once
(社会保险法第八十六条: 万分之五 per day). So the window always shows today's figure; the
stored ``ContributionMonth.status`` is brought in line by ``services.arrears_mark``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from shebao.contributions.assessment import DEFAULT_REGION
from shebao.contributions.models import BaseDifference, Bill, ContributionMonth, DeclaredBase, LateFeeRule
from shebao.core.access import PersonGrant, grant_opens
from shebao.core.errors import NotFound
from shebao.core.identifiers import mask_id_number
from shebao.core.models import Account, Area, Office, Role
from shebao.core.money import round_fen
from shebao.registry import selectors as registry_selectors
from shebao.registry.models import Employment, Person, Unit
from shebao.registry.selectors import CITY_WIDE_ROLES, DISTRICT_SCOPED_ROLES

# Who may take a payment: the payer themself online, or a window clerk at the counter.
COLLECTING_ROLES = frozenset({Role.CLERK})
PAYING_ROLES = frozenset({Role.UNIT, Role.CITIZEN}) | COLLECTING_ROLES


def _not_found() -> NotFound:
    return NotFound("未找到该缴费单", "No such bill")


def staff_district_id(actor: Account) -> int | bool | None:
    """For staff: the district id they see, ``None`` for the whole city, ``False`` for nothing."""
    if actor.kind != Account.Kind.STAFF or actor.office_id is None:
        return False
    if actor.role in CITY_WIDE_ROLES:
        return None
    if actor.role not in DISTRICT_SCOPED_ROLES:
        return False
    office = actor.office
    if office is None:
        return False
    area = office.area
    if area.kind == Area.Kind.CITY:
        return None
    return area.district_id if area.district_id is not None else False


def bills_visible(*, actor: Account) -> QuerySet[Bill]:
    """The bills ``actor`` may see (empty when none)."""
    none = Bill.objects.none()
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return none
    if actor.kind == Account.Kind.UNIT and actor.role == Role.UNIT:
        return Bill.objects.filter(unit__credit_code=actor.unit_code) if actor.unit_code else none
    if actor.kind == Account.Kind.CITIZEN and actor.role == Role.CITIZEN:
        if registry_selectors.acting_for(actor) is not None:  # 代办: the grantor's, while it holds
            return Bill.objects.filter(person__in=registry_selectors.persons_visible(actor=actor))
        return Bill.objects.filter(person__account_id=actor.pk)
    district = staff_district_id(actor)
    if district is False:
        return none
    if district is None:
        return Bill.objects.all()
    return Bill.objects.filter(Q(unit__district_id=district) | Q(person__district_id=district))


def bill_get(*, actor: Account, bill_id: int) -> Bill:
    try:
        return bills_visible(actor=actor).select_related("unit", "person").get(pk=bill_id)
    except (Bill.DoesNotExist, ValueError, TypeError):
        raise _not_found() from None


def bill_list(*, actor: Account, unit: Unit | None = None, person: Person | None = None) -> list[Bill]:
    """Bills newest period first, with the derived arrears state (``in_arrears``)."""
    rows = bills_visible(actor=actor).select_related("unit", "person").order_by("-period", "-id")
    if unit is not None:
        rows = rows.filter(unit=unit)
    if person is not None:
        rows = rows.filter(person=person)
    return list(rows)


def bill_lines(*, actor: Account, bill: Bill) -> list[ContributionMonth]:
    """The staff lines of a bill the actor may see, by name. A correction's difference bill
    lists each corrected month with its differences (unsaved rows: the corrected base, each
    column the amount asked); a monthly bill lists its months (a corrected one stays on its own
    bill, its difference bill beside it)."""
    if not bills_visible(actor=actor).filter(pk=bill.pk).exists():
        raise _not_found()
    if bill.kind == Bill.Kind.DIFFERENCE:
        return [_difference_line(d) for d in bill.differences.select_related("month", "person").order_by("pk")]
    return list(
        ContributionMonth.objects.filter(bill=bill)
        .select_related("person")
        .only(*_LINE_FIELDS)
        .order_by("person__name", "person_id")
    )


def _difference_line(difference: BaseDifference) -> ContributionMonth:
    month = difference.month
    line = ContributionMonth(
        person=difference.person,
        unit_id=month.unit_id,
        period=month.period,
        base=difference.base_after,
        account_credit=difference.account_credit,
        status=month.status,
        bill_id=difference.bill_id,
        rules={"corrected_by": difference.case_number, "base_before": str(difference.base_before)},
    )
    for column, figures in difference.lines.items():
        setattr(line, column, Decimal(figures["difference"]))
    return line


def difference_notes_of_persons(*, person_ids: Sequence[int], year: int) -> dict[int, list[str]]:
    """What a statement of ``year`` says of each person's base corrections with a difference
    (补差 with its bill number and whether it is paid; 退差 recorded for the finance office),
    one note each, the months of ``year`` in order: for ``statements``' record (one person) and
    its mailing's bulk read (a chunk) alike. A system read: the callers scope who asks. One
    query."""
    notes: dict[int, list[str]] = {pid: [] for pid in person_ids}
    rows = (
        BaseDifference.objects.filter(person_id__in=list(person_ids), month__period__year=year)
        .exclude(status=BaseDifference.Status.CANCELLED)  # replaced: its successor carries the note
        .order_by("person_id", "month__period", "pk")
        .values_list(
            "person_id",
            "month__period",
            "case_number",
            "kind",
            "status",
            "employer_amount",
            "personal_amount",
            "bill_id",
            "bill__due_date",
            "bill_cancelled_at",
        )
    )
    for person_id, period, case, kind, status, employer, personal, bill_id, due, cancelled in rows:
        total = employer + personal
        if kind == BaseDifference.Kind.DUE:
            number = Bill(pk=bill_id, period=period).number  # a difference bill's period is its month's
            if status == BaseDifference.Status.SETTLED:
                state = "已缴清"
            elif cancelled is not None:  # the demand withdrawn, the debt kept (社会保险法第六十三条)
                state = "缴费单已撤销，待重新开具"
            else:
                state = f"待单位缴纳，截止 {due:%Y-%m-%d}"
            notes[person_id].append(
                f"{period:%Y年%m月}缴费基数经更正（办件 {case}），补差 {total} 元"
                f"（单位 {employer} 元，个人 {personal} 元），缴费单 {number}，{state}。"
            )
        else:
            state = "已退付" if status == BaseDifference.Status.SETTLED else "待退付"
            notes[person_id].append(
                f"{period:%Y年%m月}缴费基数经更正（办件 {case}），多缴 {total} 元"
                f"（单位 {employer} 元，个人 {personal} 元）{state}。"
            )
    return notes


# --- refunds of base corrections (退差), for the finance side of the district office -------------

# Who records a refund paid: the contribution side (skill group 缴费) of a social-insurance office —
# a district office for its district's units, the city centre for every unit — not a community
# centre, the card or medical centre, a bank outlet or the hotline; and the city's administrator,
# who holds the finance office's whole list (``admin.BaseDifferenceAdmin``).
REFUND_SETTLING_ROLES = frozenset({Role.CLERK, Role.REVIEWER, Role.APPROVER})
REFUND_SETTLING_OFFICES = frozenset({Office.Kind.DISTRICT_OFFICE, Office.Kind.CITY_CENTRE})
REFUND_SKILL_GROUP = "contribution"


def refund_settler_district(actor: Account | None) -> int | bool | None:
    """The district whose units' refunds (退差) ``actor`` may record as paid: its id, ``None`` for
    the whole city (the city centre's contribution staff, the administrator), ``False`` for none."""
    if actor is None or not actor.is_authenticated or not actor.is_active or actor.kind != Account.Kind.STAFF:
        return False
    if actor.role == Role.ADMIN:
        return None
    office = actor.office
    if actor.role not in REFUND_SETTLING_ROLES or office is None or office.kind not in REFUND_SETTLING_OFFICES:
        return False
    if not any(group.code == REFUND_SKILL_GROUP for group in actor.skill_groups.all()):
        return False
    if office.kind == Office.Kind.CITY_CENTRE or office.area.kind == Area.Kind.CITY:
        return None
    return office.area.district_id if office.area.district_id is not None else False


def refund_settling_offered(actor: Account | None) -> bool:
    """Whether the menu offers ``actor`` the refunds page: :func:`refund_settler_district`'s
    role and office, without its reads (the skill group, the district): the page and the
    service decide, this is asked on every page."""
    if actor is None or not actor.is_authenticated or actor.kind != Account.Kind.STAFF:
        return False
    if actor.role == Role.ADMIN:
        return True
    office = actor.office if actor.role in REFUND_SETTLING_ROLES else None
    return office is not None and office.kind in REFUND_SETTLING_OFFICES


def differences_for_settler(*, actor: Account) -> QuerySet[BaseDifference]:
    """The corrections' differences of the units whose refunds (退差) ``actor`` may record as
    paid, every kind and state (empty when none): the service tells a difference due (补差,
    settled by its bill) from a refund itself, with its own message."""
    district = refund_settler_district(actor)
    rows = BaseDifference.objects.all()
    if district is False:
        return rows.none()
    return rows if district is None else rows.filter(unit__district_id=district)


def refunds_open(*, actor: Account, limit: int = 200) -> list[BaseDifference]:
    """The refunds still to pay that ``actor`` may record (oldest first): the finance clerk's
    list. One query."""
    return list(
        differences_for_settler(actor=actor)
        .filter(kind=BaseDifference.Kind.REFUND, status=BaseDifference.Status.OPEN)
        .select_related("month", "person", "unit")
        .order_by("created_at", "pk")[:limit]
    )


def difference_get_for_settler(*, actor: Account, difference_id: int) -> BaseDifference:
    """One difference of a unit whose refunds the actor may record; outside that (or none)
    ``NotFound``, as a bill outside the actor's sight."""
    try:
        return differences_for_settler(actor=actor).select_related("month", "person", "unit").get(pk=difference_id)
    except (BaseDifference.DoesNotExist, ValueError, TypeError):
        raise NotFound("未找到该更正差额记录", "No such correction difference") from None


_LINE_FIELDS = (
    "id",
    "period",
    "base",
    "pension_employer",
    "pension_personal",
    "medical_employer",
    "medical_personal",
    "unemployment_employer",
    "unemployment_personal",
    "injury_employer",
    "maternity_employer",
    "account_credit",
    "status",
    "bill_id",
    "rules",
    "person__id",
    "person__name",
    "person__id_number",
)


# --- late fees and arrears -------------------------------------------------------------------


def late_fee_rule(*, on: dt.date, region: str = DEFAULT_REGION) -> LateFeeRule | None:
    return (
        LateFeeRule.objects.filter(region=region, effective_from__lte=on)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))
        .order_by("-effective_from")
        .first()
    )


@dataclass(frozen=True)
class LateFee:
    days: int
    daily_rate: Decimal
    amount: Decimal
    rule_id: int | None


def late_fee_for(*, bill: Bill, as_of: dt.date, rule: LateFeeRule | None = None) -> LateFee:
    """滞纳金 of an open bill on ``as_of``: the charge assessed when the bill was issued (a
    back-payment's, to its issue day: ``backpay.py``; 0 for a monthly bill) plus principal ×
    daily rate × days past the bill's due date. Payment keeps it as the bill's ``late_fee``."""
    days = max(0, (as_of - bill.due_date).days)
    if bill.status != Bill.Status.OPEN:
        return LateFee(days=0, daily_rate=Decimal(0), amount=bill.late_fee, rule_id=None)
    assessed = bill.late_fee
    if days == 0:
        return LateFee(days=0, daily_rate=Decimal(0), amount=assessed, rule_id=None)
    rule = rule or late_fee_rule(on=as_of)
    if rule is None:
        return LateFee(days=days, daily_rate=Decimal(0), amount=assessed, rule_id=None)
    principal = bill.employer_total + bill.personal_total
    overdue = round_fen(principal * rule.daily_rate * days)
    return LateFee(days=days, daily_rate=rule.daily_rate, amount=assessed + overdue, rule_id=rule.pk)


def bill_amount_due(*, bill: Bill, as_of: dt.date) -> Decimal:
    """What a payment of ``bill`` must be on ``as_of``: the totals plus the late fee to date."""
    return bill.employer_total + bill.personal_total + late_fee_for(bill=bill, as_of=as_of).amount


@dataclass(frozen=True)
class ArrearsLine:
    bill: Bill
    days: int
    late_fee: Decimal
    amount_due: Decimal


@dataclass(frozen=True)
class Arrears:
    as_of: dt.date
    lines: list[ArrearsLine] = field(default_factory=list)

    @property
    def principal(self) -> Decimal:
        return sum((x.bill.employer_total + x.bill.personal_total for x in self.lines), Decimal("0.00"))

    @property
    def late_fees(self) -> Decimal:
        return sum((x.late_fee for x in self.lines), Decimal("0.00"))

    @property
    def total(self) -> Decimal:
        return sum((x.amount_due for x in self.lines), Decimal("0.00"))


def arrears_for(*, actor: Account, person: Person | None = None, unit: Unit | None = None, as_of: dt.date) -> Arrears:
    """Open bills past their due date for one payer (a person's own bills, or a unit's), each
    with the late fee to ``as_of``; oldest first. Scoped by the actor's sight of bills."""
    if (person is None) == (unit is None):
        raise ValueError("give exactly one of person and unit")
    rows = bills_visible(actor=actor).filter(status=Bill.Status.OPEN, due_date__lt=as_of)
    rows = rows.filter(person=person) if person is not None else rows.filter(unit=unit)
    rule = late_fee_rule(on=as_of)
    lines = []
    for bill in rows.select_related("unit", "person").order_by("period", "id"):
        fee = late_fee_for(bill=bill, as_of=as_of, rule=rule)
        lines.append(
            ArrearsLine(
                bill=bill,
                days=fee.days,
                late_fee=fee.amount,
                amount_due=bill.employer_total + bill.personal_total + fee.amount,
            )
        )
    return Arrears(as_of=as_of, lines=lines)


# --- the insured person's months -------------------------------------------------------------

SHOWN_STATUS: dict[str, str] = {
    ContributionMonth.Status.PAID: "paid",
    ContributionMonth.Status.TRANSFERRED_IN: "transferred_in",
    ContributionMonth.Status.ARREARS: "arrears",
    ContributionMonth.Status.DUE: "due",
}


@dataclass(frozen=True)
class MonthView:
    row: ContributionMonth
    shown_status: str  # paid / arrears / due / transferred_in, arrears computed on read
    personal: Decimal
    employer: Decimal
    # a paid month (it stays paid and counts as one) whose base correction's difference bill
    # (补差, ``differences``) is open past its due date: the statement shows it in arrears (△)
    difference_in_arrears: bool = False


_PERSONAL = ("pension_personal", "medical_personal", "unemployment_personal")
_EMPLOYER = ("pension_employer", "medical_employer", "unemployment_employer", "injury_employer", "maternity_employer")


def _may_see_months(actor: Account, person: Person, grant: PersonGrant | None = None) -> None:
    if grant_opens(grant, actor=actor, person_id=person.pk):  # the one person a grant opens
        return
    own = person.account_id is not None and person.account_id == actor.pk
    if not own and registry_selectors.acting_for(actor) == person.pk:  # 代办, while it holds
        own = registry_selectors.persons_visible(actor=actor).filter(pk=person.pk).exists()
    district = staff_district_id(actor) if not own else None
    if not own and (district is False or (district is not None and district != person.district_id)):
        raise NotFound("未找到该参保人", "No such insured person")


def months_of_person(
    *, actor: Account, person: Person, as_of: dt.date, limit: int | None = None, grant: PersonGrant | None = None
) -> list[MonthView]:
    """Every month of ``person``'s ledger (the newest ``limit`` with a limit), newest first: base,
    the amounts per insurance and whether it is paid, in arrears, due or transferred in — the
    months from the annual records of earlier years (``contributions.history``) and the
    monthly assessment's alike. The person themself, staff who may see the person's bills, and
    the holder of a ``grant`` for this person (``core.access``); anyone else ``NotFound``. One
    query."""
    _may_see_months(actor, person, grant)
    rows = (
        ContributionMonth.objects.filter(person=person)
        .select_related("bill", "unit", "difference_bill")
        .order_by("-period", "-id")
    )
    return [_month_view(row, as_of) for row in (rows[:limit] if limit is not None else rows)]


def months_of_persons(*, actor: Account, persons: Sequence[Person], as_of: dt.date) -> dict[int, list[MonthView]]:
    """:func:`months_of_person` for many persons in one query (a bulk job's chunk): each
    person's months, newest first, exactly as that function gives them. Any person the actor
    may not see makes the whole call ``NotFound``."""
    for person in persons:
        _may_see_months(actor, person)
    found: dict[int, list[MonthView]] = {person.pk: [] for person in persons}
    rows = (
        ContributionMonth.objects.filter(person_id__in=list(found))
        .select_related("bill", "unit", "difference_bill")
        .order_by("person_id", "-period", "-id")
    )
    for row in rows:
        found[row.person_id].append(_month_view(row, as_of))
    return found


def _month_view(row: ContributionMonth, as_of: dt.date) -> MonthView:
    status = SHOWN_STATUS.get(row.status, row.status)
    if status == "due" and row.bill is not None and row.bill.status == Bill.Status.OPEN and row.bill.due_date < as_of:
        status = "arrears"
    personal = sum((getattr(row, c) or Decimal(0) for c in _PERSONAL), Decimal("0.00"))
    employer = sum((getattr(row, c) or Decimal(0) for c in _EMPLOYER), Decimal("0.00"))
    difference = row.difference_bill
    owed = difference is not None and difference_in_arrears(
        status=difference.status, due_date=difference.due_date, as_of=as_of
    )
    return MonthView(row=row, shown_status=status, personal=personal, employer=employer, difference_in_arrears=owed)


def difference_in_arrears(*, status: str | None, due_date: dt.date | None, as_of: dt.date) -> bool:
    """Whether a month's difference bill (``ContributionMonth.difference_bill``: its status and
    due date, None when the month has none) is open past its due date on ``as_of``: the month
    stays paid and shows in arrears (△). For the readers that take the two columns in their own
    query (``statements.mailing.bulk``)."""
    return status == Bill.Status.OPEN and due_date is not None and due_date < as_of


@dataclass(frozen=True)
class DifferenceOwed:
    """An upward base correction's difference (补差) of one of a person's months, its bill open
    past its due date: the month shows △ and the difference is owed (both parts, as a month in
    arrears is owed both)."""

    period: dt.date
    bill_number: str
    case_number: str
    due_date: dt.date
    employer: Decimal
    personal: Decimal

    @property
    def total(self) -> Decimal:
        return self.employer + self.personal


def differences_overdue_of_person(*, actor: Account, person: Person, as_of: dt.date) -> list[DifferenceOwed]:
    """The differences (补差) of ``person``'s months whose bill is open past its due date on
    ``as_of`` (:func:`difference_in_arrears`), oldest month first, each with its bill number
    and case: owed beside the months in arrears, e.g. before a transfer out (国办发〔2009〕66号
    第七条). Who may see them as :func:`months_of_person`; anyone else ``NotFound``. One query."""
    _may_see_months(actor, person)
    rows = (
        BaseDifference.objects.filter(
            person=person,
            kind=BaseDifference.Kind.DUE,
            status=BaseDifference.Status.OPEN,
            bill__status=Bill.Status.OPEN,
            bill__due_date__lt=as_of,
        )
        .order_by("month__period", "pk")
        .values_list("month__period", "bill_id", "case_number", "bill__due_date", "employer_amount", "personal_amount")
    )
    return [
        DifferenceOwed(
            period=period,
            bill_number=Bill(pk=bill_id, period=period).number,  # a difference bill's period is its month's
            case_number=case,
            due_date=due,
            employer=employer,
            personal=personal,
        )
        for period, bill_id, case, due, employer, personal in rows
    ]


def unit_months_of_person(*, actor: Account, person: Person, year: int, as_of: dt.date) -> list[MonthView]:
    """The months of ``year`` that ``person`` paid through the actor's own unit, newest first
    (人社部令第14号: an employer may query its own employees' contribution records, and only
    those). A unit operator only, for a person the unit employs or employed; anyone else, or a
    person the unit never employed, ``NotFound``. One query."""
    if actor.kind != Account.Kind.UNIT or actor.role != Role.UNIT or not actor.unit_code:
        raise NotFound("未找到该参保人", "No such insured person")
    if not Employment.objects.filter(person=person, unit__credit_code=actor.unit_code).exists():
        raise NotFound("未找到该参保人", "No such insured person")
    rows = (
        ContributionMonth.objects.filter(person=person, unit__credit_code=actor.unit_code, period__year=year)
        .select_related("bill", "unit", "difference_bill")
        .order_by("-period", "-id")
    )
    return [_month_view(row, as_of) for row in rows]


@dataclass(frozen=True)
class YearOfMonths:
    """One year of a person's months (newest first) with the year's sums."""

    year: int
    months: list[MonthView]

    @property
    def paid_count(self) -> int:
        return sum(1 for m in self.months if m.shown_status in ("paid", "transferred_in"))

    @property
    def personal_paid(self) -> Decimal:
        return sum((m.personal for m in self.months if m.shown_status == "paid"), Decimal("0.00"))

    @property
    def employer_paid(self) -> Decimal:
        return sum((m.employer for m in self.months if m.shown_status == "paid"), Decimal("0.00"))

    @property
    def to_account(self) -> Decimal:
        return sum((m.row.account_credit for m in self.months if m.shown_status == "paid"), Decimal("0.00"))

    @property
    def arrears(self) -> Decimal:
        return sum((m.personal + m.employer for m in self.months if m.shown_status == "arrears"), Decimal("0.00"))

    @property
    def due_count(self) -> int:
        return sum(1 for m in self.months if m.shown_status in ("due", "arrears"))


def contribution_history(*, actor: Account, person: Person, as_of: dt.date) -> list[YearOfMonths]:
    """The whole history month by month, grouped by year (newest first): what
    ``/my/contributions/`` shows. Who may see it as :func:`months_of_person`; one query."""
    years: dict[int, list[MonthView]] = {}
    for month in months_of_person(actor=actor, person=person, as_of=as_of):
        years.setdefault(month.row.period.year, []).append(month)
    return [YearOfMonths(year=year, months=months) for year, months in years.items()]


def unit_find_for_staff(*, actor: Account, credit_code: str) -> Unit:
    """A unit by its credit code for a staff member who may see its district (else NotFound)."""
    district = staff_district_id(actor)
    rows = Unit.objects.select_related("district")
    if district is False:
        rows = rows.none()
    elif district is not None:
        rows = rows.filter(district_id=district)
    try:
        return rows.get(credit_code=(credit_code or "").strip().upper())
    except Unit.DoesNotExist:
        raise NotFound("未找到该单位", "No such unit") from None


# --- the annual base declaration -----------------------------------------------------------------


@dataclass(frozen=True)
class DeclarationRow:
    """One employee of a unit's year on the base declaration: the person, their ID number masked,
    the wage declared for the year so far (None: not yet) and the day they left, if they did."""

    person: Person
    masked_id: str
    declared: Decimal | None
    left_on: dt.date | None


def declaration_rows(*, actor: Account, unit: Unit, year: int) -> list[DeclarationRow]:
    """Everyone employed by ``unit`` at any time in ``year`` (current staff and those who left
    during the year), by name, each once, with the wage declared so far: the list a 缴费基数申报
    must cover. For the unit's own operator and the clerks of its district; else NotFound."""
    own = actor.kind == Account.Kind.UNIT and actor.role == Role.UNIT and actor.unit_code == unit.credit_code
    district = staff_district_id(actor) if actor.role == Role.CLERK else False
    if not own and (district is False or (district is not None and district != unit.district_id)):
        raise NotFound("未找到该单位", "No such unit")
    spells = (
        Employment.objects.filter(unit=unit, start__lte=dt.date(year, 12, 31))
        .exclude(end__lt=dt.date(year, 1, 1))
        .select_related("person")
        .only("id", "start", "end", "person__id", "person__name", "person__id_number")
        .order_by("person__name", "person_id", "start")
    )
    declared = dict(DeclaredBase.objects.filter(unit=unit, year=year).values_list("person_id", "wage"))
    rows: dict[int, DeclarationRow] = {}
    for spell in spells:
        person = spell.person
        rows[person.pk] = DeclarationRow(  # a later spell in the year decides whether they left
            person=person,
            masked_id=mask_id_number(person.id_number),
            declared=declared.get(person.pk),
            left_on=spell.end,
        )
    return list(rows.values())


def unemployment_paid_months(*, person_ids: Sequence[int], before: dt.date | None = None) -> dict[int, int]:
    """失业保险累计缴费月数: each person's months paid (or transferred in) with an unemployment
    contribution, periods before ``before`` when given. Read by the unemployment checks at the
    window and its claims (a system read: the callers scope who asks). One query."""
    rows = ContributionMonth.objects.filter(
        person_id__in=list(person_ids),
        status__in=(ContributionMonth.Status.PAID, ContributionMonth.Status.TRANSFERRED_IN),
    ).filter(Q(unemployment_personal__isnull=False) | Q(unemployment_employer__isnull=False))
    if before is not None:
        rows = rows.filter(period__lt=before)
    counts = dict.fromkeys(person_ids, 0)
    for pid, count in rows.values("person_id").annotate(n=Count("id")).values_list("person_id", "n"):
        counts[pid] = count
    return counts


@dataclass(frozen=True)
class MedicalMonth:
    period: dt.date
    base: Decimal
    medical_personal: Decimal | None
    medical_employer: Decimal | None
    through_unit: bool = True  # False: paid by the person as a flexible worker


def medical_paid_months(*, person_id: int) -> list[MedicalMonth]:
    """A person's months paid (or transferred in) with a medical contribution, oldest first: what
    the medical personal account is credited from (``medical.account``) — each at what was paid
    (:func:`medical_months_as_paid`: a month whose upward correction's difference bill is still
    unpaid at the base and amounts paid before it). A system read: the callers scope who asks.
    One query, a second only when a month has a difference bill open."""
    rows = (
        ContributionMonth.objects.filter(
            person_id=person_id,
            status__in=(ContributionMonth.Status.PAID, ContributionMonth.Status.TRANSFERRED_IN),
        )
        .filter(Q(medical_personal__isnull=False) | Q(medical_employer__isnull=False))
        .order_by("period", "id")
        .values_list("period", "base", "medical_personal", "medical_employer", "unit_id", "difference_bill_id")
    )
    months, open_difference = [], False
    for p, b, mp, me, u, difference_bill in rows:
        months.append(
            MedicalMonth(period=p, base=b, medical_personal=mp, medical_employer=me, through_unit=u is not None)
        )
        open_difference = open_difference or difference_bill is not None
    if not open_difference:
        return months
    return medical_months_as_paid(months_of={person_id: months})[person_id]


def medical_months_as_paid(*, months_of: Mapping[int, Sequence[MedicalMonth]]) -> dict[int, list[MedicalMonth]]:
    """Each person's months (as :func:`medical_paid_months` gives them, by person id) with every
    month whose upward base correction (补差, ``differences``) is still open put back at what was
    paid: the base before the correction and the medical amounts before it. The month was paid
    at the base declared then, and the medical account is credited from what was paid, as the
    pension account is (``accounts.crediting``); once the difference bill is paid the month is
    credited at its corrected base (the medical account is computed from the months by period,
    as a back-paid month is). A downward correction (退差) is not put back: what is credited is
    the corrected base at once, as the pension account's credit is reduced at once. Idempotent
    (a month put back is put back to the same figures). A system read: the callers scope who
    asks. One query, none for no months."""
    found = {person_id: list(months) for person_id, months in months_of.items()}
    ids = [person_id for person_id, months in found.items() if months]
    if not ids:
        return found
    paid: dict[tuple[int, dt.date], tuple[Decimal, dict[str, Any]]] = {
        (person_id, period): (base, lines)
        for person_id, period, base, lines in BaseDifference.objects.filter(
            person_id__in=ids, kind=BaseDifference.Kind.DUE, status=BaseDifference.Status.OPEN
        ).values_list("person_id", "month__period", "base_before", "lines")
    }
    if not paid:
        return found

    def before(lines: dict[str, Any], column: str, now: Decimal | None) -> Decimal | None:
        figures = lines.get(column)
        if not figures:  # a column the correction did not touch keeps what was paid
            return now
        return None if figures.get("before") is None else Decimal(figures["before"])

    for person_id, months in found.items():
        for i, month in enumerate(months):
            corrected = paid.get((person_id, month.period))
            if corrected is None:
                continue
            base, lines = corrected
            months[i] = replace(
                month,
                base=base,
                medical_personal=before(lines, "medical_personal", month.medical_personal),
                medical_employer=before(lines, "medical_employer", month.medical_employer),
            )
    return found


def unit_unemployment_paid(*, credit_code: str, year: int) -> Decimal:
    """What a unit paid of the employer's unemployment contribution for ``year``'s months (paid
    or transferred in): the base of the job-retention refund (稳岗返还, unemployment SY-005). A
    system read: the callers scope who asks. One query."""
    total = ContributionMonth.objects.filter(
        unit__credit_code=credit_code.upper(),
        period__year=year,
        status__in=(ContributionMonth.Status.PAID, ContributionMonth.Status.TRANSFERRED_IN),
    ).aggregate(total=Sum("unemployment_employer"))["total"]
    return total or Decimal("0.00")
