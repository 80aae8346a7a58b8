"""Reads of rights records and issued statements, always scoped by the actor.

Who may read a person's record (人社部令第14号, DOMAIN.md §4):

- the insured person themself (their own account);
- a window clerk of the person's district, or of a community centre in it, with the person's
  ID shown at the window (the page finds the person by ID number; city-level offices see all),
  and the reviewer and approver of the district who complete a correction; for the window
  print alone, a window clerk of any district finds and prints the statement of the person
  whose ID is shown (通办: :func:`window_person`; the print's service then reads the record
  with a :class:`~shebao.core.access.PersonGrant` for that one person, ``grant=`` below);
- an employer: its own employees' contribution months only (:func:`employee_months_for`), never
  their account, address or other employers' months;
- nobody else: a person outside the actor's sight is ``NotFound``, exactly like one that does
  not exist.

Every figure comes from contributions' selectors (the ledger's months through
``months_of_person``, the account through ``account_statement`` / ``account_summary``), the
same functions behind ``/my/contributions/``, ``/my/account/`` and ``/api/v1/my/account``, so
the record agrees with them to the fen; the medical account's year from
``medical.selectors.medical_account_year``, the entries behind ``/my/medical/`` and
``/api/v1/medical/account``.
"""

from __future__ import annotations

import datetime as dt
import hmac
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone

from shebao.contributions.accounts import StatementLine, account_statement, account_summary
from shebao.contributions.selectors import (
    MonthView,
    difference_notes_of_persons,
    months_of_person,
    unit_months_of_person,
)
from shebao.core.access import PersonGrant
from shebao.core.channels import Channel
from shebao.core.documents import document_verify_content, signature_code
from shebao.core.errors import InvalidInput, NotFound
from shebao.core.identifiers import id_number_validate, mask_id_number
from shebao.core.models import Account, Office, Role
from shebao.medical.account import AccountYear
from shebao.medical.selectors import medical_account_year
from shebao.pensions.selectors import pension_for_staff, pension_of_mine
from shebao.pensions.transfers.selectors import transferred_months, transferred_statement_years
from shebao.registry.models import Person
from shebao.registry.selectors import person_employments, person_is_self, persons_visible
from shebao.statements.models import Statement
from shebao.statements.record import (
    AccountBlock,
    Flag,
    InsuranceBlock,
    MonthCell,
    PersonBlock,
    StatementRecord,
)

STATEMENT_KIND = "statement"  # the document kind in refs, codes and /verify/statement/...
FIRST_YEAR = 1996  # personal accounts kept from 1996 on (国发〔1997〕26号), as the account API

# The insurances a statement lists, with the ledger columns that say the month covers them.
# Maternity is merged into medical (国办发〔2019〕10号): its months show under medical.
INSURANCES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("pension", "养老保险", ("pension_employer", "pension_personal")),
    ("medical", "医疗保险", ("medical_employer", "medical_personal", "maternity_employer")),
    ("unemployment", "失业保险", ("unemployment_employer", "unemployment_personal")),
    ("injury", "工伤保险", ("injury_employer",)),
)
_FLAG_OF: dict[str, Flag] = {"paid": "paid", "arrears": "arrears", "transferred_in": "transferred_in"}
# Staff who read a record: the window clerk (who also prints), and the reviewer and approver
# of a correction case in the person's district, whose completion reissues the statement; at a
# social-insurance office or a community centre only (not the card centre, the medical-insurance
# centre, a bank outlet: the record is the social-insurance agency's, pension account and all).
RECORD_READING_ROLES = frozenset({Role.CLERK, Role.REVIEWER, Role.APPROVER})
RECORD_OFFICES = frozenset({Office.Kind.CITY_CENTRE, Office.Kind.DISTRICT_OFFICE, Office.Kind.COMMUNITY_CENTRE})
# Those in whose name statements are issued in bulk: the readers, and the mailing run's starters
# (the city administrator, a district office's supervisor: statements.mailing.services.common)
STATEMENT_STAFF_ROLES = RECORD_READING_ROLES | {Role.ADMIN, Role.SUPERVISOR}
PRINTING_ROLES = frozenset({Role.CLERK})

NOTE_REFERENCE = "本记录单所列信息仅供参考。如对记录有异议，可在线、通过App或到参保地经办窗口申请核查更正。"
NOTE_INJURY = "工伤保险由单位缴费，个人不缴费。"
# Before the platform kept the medical account (YB-005) the record said it was not listed; stored
# statements keep that note (render.layout still prints it for them), new records never carry it.
NOTE_MEDICAL = "职工医疗保险个人账户由医疗保障部门记载，本单不列示；生育保险已并入职工医疗保险。"
NOTE_MEDICAL_ACCOUNT = "职工医保个人账户按月划入、不计利息，本年账户支出额为医疗费用报销中由个人账户支付的金额。"
NOTE_MATERNITY = "生育保险已并入职工医疗保险。"


def record_office_staff(actor: Account, roles: frozenset[str]) -> bool:
    """An active staff member in one of ``roles`` at a social-insurance office or a community
    centre (``RECORD_OFFICES``: not the card centre, the medical-insurance centre, a bank outlet)."""
    return (
        actor is not None
        and actor.is_authenticated
        and actor.is_active
        and actor.kind == Account.Kind.STAFF
        and actor.role in roles
        and actor.office is not None
        and actor.office.kind in RECORD_OFFICES
    )


def window_printer(actor: Account) -> bool:
    """A window clerk who prints statements: a clerk of a social-insurance office or a community
    centre (issue 14's review)."""
    return record_office_staff(actor, PRINTING_ROLES)


# --- the window print (窗口打印), city-wide (通办) -------------------------------------------
# The product owner's decision (issue 14's review): printing one's own statement at a window is
# the person's own query with their ID shown, and the city serves it at any window, so a window
# printer (above) finds any insured person of the city by the exact ID number presented, for
# the print only. Every other read stays district-scoped: the grant the print's service issues
# (``services._window_grant``, a ``core.access.PersonGrant``) is passed to its reads alone.


def window_person(*, actor: Account, id_number: str) -> Person:
    """The insured person whose ID number is shown at ``actor``'s window, anywhere in the city:
    by the exact (validated, normalised) number only, never a search; a window printer only.
    A malformed number is ``InvalidIdNumber`` (its own message); a valid one nobody is
    registered with says so, as not an insured person of this city."""
    if not window_printer(actor):
        raise _not_found()
    number = id_number_validate(id_number).number
    person = Person.objects.select_related("district").filter(id_number=number).first()
    if person is None:
        raise NotFound(
            "本市未登记该证件号码的参保人，请核对证件号码",
            "Nobody is registered in this city's social insurance with this ID number: check the number",
        )
    return person


def window_districts(*, actor: Account, person: Person) -> dict[str, str]:
    """What a window print's audit names besides who printed whose: the person's district, the
    clerk's office and the district it serves (通办: the two may differ)."""
    office = actor.office
    area = office.area if office is not None else None
    clerk_district = area.district if area is not None and area.district_id is not None else area
    return {
        "person_district": person.district.code,
        "clerk_office": office.code if office is not None else "",
        "clerk_district": clerk_district.code if clerk_district is not None else "",
    }


def _not_found() -> NotFound:
    return NotFound("未找到该参保人", "No such insured person")


def year_check(year: int, *, today: dt.date | None = None) -> int:
    """A statement year: 1996 to this year, else InvalidInput naming the field."""
    this_year = (today or timezone.localdate()).year
    if not isinstance(year, int) or not FIRST_YEAR <= year <= this_year:
        raise InvalidInput(
            f"年度应在{FIRST_YEAR}年至{this_year}年之间", f"The year is {FIRST_YEAR} to {this_year}", field="year"
        )
    return year


def record_may_see(*, actor: Account, person: Person, grant: PersonGrant | None = None) -> None:
    """The person themself, or a window clerk who may see them (their district's, or holding a
    ``grant`` for this one person: the window print, 通办); anyone else NotFound."""
    if actor is None or not actor.is_authenticated or not actor.is_active:
        raise _not_found()
    own = person_is_self(actor=actor, person=person)  # themselves, or the grantor while acting
    staff = (
        actor.kind == Account.Kind.STAFF
        and actor.role in RECORD_READING_ROLES
        and actor.office is not None
        and actor.office.kind in RECORD_OFFICES
    )
    if not own and not staff:
        raise _not_found()
    if not persons_visible(actor=actor, grant=grant).filter(pk=person.pk).exists():
        raise _not_found()


def _covers(view: MonthView, columns: tuple[str, ...]) -> bool:
    return any(getattr(view.row, column) is not None for column in columns)


def _cells(views: list[MonthView], columns: tuple[str, ...], *, pension: bool) -> tuple[MonthCell, ...]:
    by_month = {v.row.period.month: v for v in views}
    cells = []
    for month in range(1, 13):
        view = by_month.get(month)
        # a month transferred in carries the pension even where the ledger row names no column
        if view is None or not (_covers(view, columns) or (pension and view.shown_status == "transferred_in")):
            cells.append(MonthCell(month=month, base=None, flag="none"))
            continue
        # a paid month whose base difference bill is past due shows △ (it stays paid for every count)
        flag = "arrears" if view.difference_in_arrears else _FLAG_OF.get(view.shown_status)
        # a month assessed and not yet due shows its base without a mark (a note says so)
        cells.append(MonthCell(month=month, base=view.row.base, flag=flag or "none"))
    return tuple(cells)


def _status(
    *,
    insurance: str,
    cells: tuple[MonthCell, ...],
    earlier: bool,
    retired: bool,
    year: int,
    today: dt.date,
    december: MonthCell | None = None,
) -> str:
    """The status at the year's last month due: December of an earlier year, last month in
    this one. In January no month of this year is due yet: the previous ``december`` (its
    cell of this insurance) says, unless January is on record already. A person retired by the
    year's end (:func:`retired_in`): 已退休 for the pension."""
    if insurance == "pension" and retired:
        return "已退休"
    if year < today.year:
        cell = cells[11]
    elif today.month > 1:
        cell = cells[today.month - 2]
    else:
        cell = december if december is not None and december.base is not None else cells[0]
    if cell.base is not None:
        return "欠缴" if cell.flag == "arrears" else "正常缴费"
    if earlier or any(c.base is not None for c in cells):
        return "暂停缴费（中断）"
    return "未参保"


def account_notes(*, rate: Decimal | None, year: int, today: dt.date, lines: Sequence[StatementLine]) -> list[str]:
    """The pension account's notes: each balance transferred in during the year (its amount and
    where from, the transfer's entry note ``自X转入…``), and interest not credited yet — this
    year's at the year's end, and last year's until it is credited early this year (the mailing
    run of January meets it), 0 until then."""
    notes = []
    for line in lines:
        if line.kind == "transfer_in" and line.amount > 0:
            place = _TRANSFERRED_FROM.search(line.note or "")
            where = f"（自{place.group(1)}转入）" if place else ""
            notes.append(f"本年转入个人账户 {line.amount:.2f} 元{where}，已计入本年账户记入本金。")
    if rate is None and year == today.year:
        notes.append("本年利息于年末记账，记入前本年利息为 0。")
    elif rate is None and year == today.year - 1:
        notes.append("本年利息尚未记账（于次年初记入），记入前本年利息为 0。")
    return notes


_TRANSFERRED_FROM = re.compile(r"自(.+?)转入")


def medical_as_of(*, year: int, today: dt.date) -> dt.date:
    """The day the medical account's year is read on: the year's end, or today within the year
    (as the pension account's figures of this year: what is credited so far)."""
    return min(dt.date(year, 12, 31), today)


def _medical_of(insurances: Sequence[InsuranceBlock]) -> InsuranceBlock:
    """The medical insurance's block of a record's insurances, by its code (not its position)."""
    return next(block for block in insurances if block.insurance == "medical")


def retired_in(*, person: Person, year: int, account: AccountYear) -> bool:
    """Whether ``person`` is a retiree by the end of ``year``: retired, and their pension
    insurance ended (the medical account's ``retired_since``) in or before that year, so an
    earlier year's statement shows them as they were then. A retiree with no end on record:
    retired."""
    if person.category != Person.Category.RETIREE:
        return False
    return account.retired_since is None or account.retired_since.year <= year


def retiree_medical(
    insurances: Sequence[InsuranceBlock], *, retired: bool, account: AccountYear
) -> tuple[InsuranceBlock, ...]:
    """A retiree pays no medical contributions and is still insured (退休人员医保: the account
    credited a fixed amount each month): their medical status is 已退休, not 未参保 or 中断, when
    they were ever enrolled or their account moved. Everyone else's blocks unchanged."""
    if not retired:
        return tuple(insurances)
    return tuple(
        replace(block, status="已退休")
        if block.insurance == "medical" and (block.enrolled_on is not None or account.entries)
        else block
        for block in insurances
    )


def medical_block(*, account: AccountYear, medical: InsuranceBlock, year: int) -> tuple[AccountBlock | None, list[str]]:
    """The record's medical account block and its notes, from the medical app's year of the
    account (``medical.selectors.medical_account_year``, the entries /my/medical/ and
    /api/v1/medical/account show): opening = the balance at the previous year's end,
    principal = the year's credits (划入), paid_out = the year's debits (reimbursements paid from
    the account), months = the months credited up to the year's end, closing = the balance then.
    The medical personal account earns no interest (the platform credits none), so interest is
    0.00 and the rate None (the PDF prints 不计息). None for a person with no medical insurance at
    all: no medical month in the ledger by the year's end and the account never moved."""
    enrolled = medical.enrolled_on is not None and medical.enrolled_on <= dt.date(year, 12, 31)
    if not enrolled and not account.entries and not account.missing:
        return None, [NOTE_MATERNITY]
    block = AccountBlock(
        opening_balance=account.opening,
        principal=account.credited,
        interest=Decimal("0.00"),
        rate=None,
        months=account.months,
        paid_out=account.spent,
        closing_balance=account.closing,
    )
    notes = [NOTE_MEDICAL_ACCOUNT]
    if account.missing:
        notes.append(
            f"医保个人账户有 {len(account.missing)} 个月（{account.missing[0]} 起）无划入规则、未计入，以医保部门核定为准。"
        )
    notes.append(NOTE_MATERNITY)
    return block, notes


def record_for(*, actor: Account, person: Person, year: int, grant: PersonGrant | None = None) -> StatementRecord:
    """社会保险个人权益记录 of ``person`` for ``year``, computed from the ledger and the account.

    Registration (name, masked ID, sex, the pension employer at the year's end or last in it,
    address, postcode, the first employment's start as 参加工作时间); for each insurance its
    first month in the ledger (参保时间), its status at the year's last complete month, and the
    twelve months' base and flag (paid, in arrears — an open bill past its due date —,
    transferred in, none); the pension account's year from ``account_statement`` (opening,
    principal = every credit but interest and pay-outs, interest and its rate, months credited
    up to the year's end, paid out, closing); the medical account's year (:func:`medical_block`);
    notes. Who may read it: :func:`record_may_see` (a ``grant`` is passed to every read).
    The account read is audited (``account.view``) by contributions.
    """
    record_may_see(actor=actor, person=person, grant=grant)
    today = timezone.localdate()
    year_check(year, today=today)
    views = months_of_person(actor=actor, person=person, as_of=today, grant=grant)
    in_year = [v for v in views if v.row.period.year == year]
    before = [v for v in views if v.row.period.year < year]
    last_december = [v for v in before if v.row.period == dt.date(year - 1, 12, 1)]
    notes: list[str] = [NOTE_REFERENCE]

    # years brought in by transfers completed by the year's end (pensions.transfers): ○ where the
    # ledger has no month. A transfer is on the record from its completion (its money is
    # credited to the account that month), so an earlier year's statement, even one issued
    # after it, does not show it; the completion year's statement on counts its months.
    transferred = transferred_months(
        actor=actor, id_number=person.id_number, completed_by=dt.date(year, 12, 31), grant=grant
    )
    moved_in = transferred.get(year, set())
    medical_year = medical_account_year(
        person=person, actor=actor, year=year, as_of=medical_as_of(year=year, today=today), grant=grant
    )
    retired = retired_in(person=person, year=year, account=medical_year)
    insurances = []
    for code, label, columns in INSURANCES:
        pension = code == "pension"
        cells = _cells(in_year, columns, pension=pension)
        earlier = any(_covers(v, columns) or (pension and v.shown_status == "transferred_in") for v in before)
        first = min((v.row.period for v in views if _covers(v, columns)), default=None)
        if pension and transferred:
            cells = tuple(
                MonthCell(month=c.month, base=None, flag="transferred_in")
                if c.base is None and c.month in moved_in
                else c
                for c in cells
            )
            first_in = min(dt.date(y, min(ms), 1) for y, ms in transferred.items() if ms)
            first = first_in if first is None else min(first, first_in)
            earlier = earlier or any(y < year for y in transferred)
        december = _cells(last_december, columns, pension=pension)[11]
        status = _status(
            insurance=code, cells=cells, earlier=earlier, retired=retired, year=year, today=today, december=december
        )
        insurances.append(InsuranceBlock(code, label, first, status, cells))
    due = sum(1 for v in in_year if v.shown_status == "due")
    if due:
        notes.append(f"本年有 {due} 个月已核定、尚未到缴费截止日，基数已列出，缴费情况暂不标注。")

    statement = account_statement(actor=actor, person=person, year=year, grant=grant)
    figures = statement.summary.year(year)
    paid_out = -sum(
        (line.amount for line in statement.lines if line.kind in ("payout", "transfer_out")), Decimal("0.00")
    )
    rate = next((line.rate for line in statement.lines if line.kind == "interest"), None)
    ledger_months = {
        (v.row.period.year, v.row.period.month)
        for v in views
        if v.row.period.year <= year
        and v.shown_status in ("paid", "transferred_in")
        and (_covers(v, INSURANCES[0][2]) or v.shown_status == "transferred_in")
    }
    moved_months = {(y, m) for y, months in transferred.items() if y <= year for m in months}
    pension_months = len(ledger_months | moved_months)  # 账户月数: a month counted once
    account = AccountBlock(
        opening_balance=figures.opening,
        principal=figures.credited + paid_out,  # credits net of pay-outs is what the summary adds
        interest=figures.interest,
        rate=rate,
        months=pension_months,
        paid_out=paid_out,
        closing_balance=figures.closing,
    )
    notes += account_notes(rate=rate, year=year, today=today, lines=statement.lines)

    units = {v.row.unit.name for v in in_year if v.row.unit is not None and _covers(v, INSURANCES[0][2])}
    if len(units) > 1:
        notes.append(f"本年有 {len(units)} 个缴费单位，单位名称栏为养老保险年末（或最后）缴费单位。")
    notes += difference_notes_of_persons(person_ids=[person.pk], year=year)[person.pk]
    insurances = list(retiree_medical(insurances, retired=retired, account=medical_year))
    medical_months = _medical_of(insurances)
    medical, medical_notes = medical_block(account=medical_year, medical=medical_months, year=year)
    notes += [NOTE_INJURY, *medical_notes]
    if retired:
        notes.append(_pension_note(actor=actor, person=person, grant=grant))

    return StatementRecord(
        person=_person_block(
            actor=actor, person=person, in_year=in_year, year=year, enrolled=[b.enrolled_on for b in insurances]
        ),
        year=year,
        insurances=tuple(insurances),
        pension_account=account,
        medical_account=medical,
        notes=tuple(notes),
        as_of=today,
    )


def _pension_note(*, actor: Account, person: Person, grant: PersonGrant | None = None) -> str:
    """A retiree's monthly pension as approved (pensions' selectors, the figure 我的养老金 shows)."""
    own = person_is_self(actor=actor, person=person)  # themselves, or the grantor while acting
    try:
        if own:
            view = pension_of_mine(actor=actor)
        else:
            view = pension_for_staff(actor=actor, id_number=person.id_number, channel=Channel.HALL, grant=grant)
    except NotFound:
        view = None
    if view is None or view.monthly is None or view.determination is None:
        return "退休人员的养老金待遇以养老金核定通知为准。"
    return f"本人已退休，基本养老金月标准 {view.monthly} 元（以养老金核定通知为准）。"


def work_start(*, starts: Sequence[dt.date], enrolled: Sequence[dt.date | None]) -> dt.date | None:
    """参加工作时间: the earliest known — the registry has no work start of its own, so the
    earliest employment start, or insurance month (a ledger month of any insurance, a month
    brought in by a transfer: each insurance's 参保时间), whichever is earlier. A person whose
    years were transferred in never shows a work start after their pension enrolment."""
    known = [*starts, *(d for d in enrolled if d is not None)]
    return min(known) if known else None


def _person_block(
    *, actor: Account, person: Person, in_year: list[MonthView], year: int, enrolled: Sequence[dt.date | None]
) -> PersonBlock:
    employments = person_employments(actor=actor, person=person)
    pension_rows = [v for v in in_year if v.row.unit is not None and _covers(v, INSURANCES[0][2])]
    if pension_rows:
        employer = max(pension_rows, key=lambda v: v.row.period).row.unit.name  # type: ignore[union-attr]  # unit checked above
    else:
        year_end = dt.date(year, 12, 31)
        current = [e for e in employments if e.start <= year_end and (e.end is None or e.end >= dt.date(year, 1, 1))]
        employer = current[0].unit.name if current else ""
    starts = [e.start for e in employments]
    return PersonBlock(
        name=person.name,
        id_number_masked=mask_id_number(person.id_number),
        sex={"M": "男", "F": "女"}.get(person.sex, ""),
        employer=employer,
        address=person.address,
        postcode=person.postcode or "",
        work_start=work_start(starts=starts, enrolled=enrolled),
    )


# --- an employer's view ---------------------------------------------------------------------


@dataclass(frozen=True)
class EmployeeMonths:
    """What an employer sees of one employee's year: the name, the masked ID and the months
    paid through the employer itself; every other month shows as none."""

    name: str
    id_number_masked: str
    year: int
    insurances: tuple[InsuranceBlock, ...]


def employee_months_for(*, actor: Account, person: Person, year: int) -> EmployeeMonths:
    """An employer's own employee's contribution months of ``year`` (人社部令第14号). A unit
    operator only, for a person the unit employs or employed; anyone else NotFound."""
    today = timezone.localdate()
    year_check(year, today=today)
    views = unit_months_of_person(actor=actor, person=person, year=year, as_of=today)
    blocks = []
    for code, label, columns in INSURANCES:
        cells = _cells(views, columns, pension=code == "pension")
        enrolled = min((v.row.period for v in views if _covers(v, columns)), default=None)
        status = "本单位缴费" if any(c.base is not None for c in cells) else "本单位未缴费"
        blocks.append(InsuranceBlock(code, label, enrolled, status, cells))
    return EmployeeMonths(
        name=person.name, id_number_masked=mask_id_number(person.id_number), year=year, insurances=tuple(blocks)
    )


# --- issued statements ------------------------------------------------------------------------


def statement_years(*, actor: Account, person: Person, grant: PersonGrant | None = None) -> list[int]:
    """This year and every earlier year with something on its statement, newest first: a
    ledger month, an account entry (a year of interest or payouts only, a transfer's money),
    months a completed transfer shows in it (:func:`transferred_statement_years`), or a
    statement already issued. Who may: as :func:`record_for` (a ``grant`` too)."""
    record_may_see(actor=actor, person=person, grant=grant)
    this_year = timezone.localdate().year
    views = months_of_person(actor=actor, person=person, as_of=timezone.localdate(), grant=grant)
    years = {v.row.period.year for v in views} | {this_year}
    years |= {row.year for row in account_summary(actor=actor, person=person, grant=grant).years}
    years |= transferred_statement_years(actor=actor, id_number=person.id_number, grant=grant)
    opened = Statement.objects.filter(person=person).values_list("year", flat=True)
    return sorted({y for y in years | set(opened) if FIRST_YEAR <= y <= this_year}, reverse=True)


def statements_of(*, actor: Account, person: Person) -> QuerySet[Statement]:
    """The statements issued to ``person``, newest year and version first; who may: as the record."""
    record_may_see(actor=actor, person=person)
    return Statement.objects.filter(person=person).order_by("-year", "-version")


def statement_current(*, actor: Account, person: Person, year: int) -> Statement | None:
    """The current (not superseded) statement of ``person`` for ``year``, if one was issued."""
    return statements_of(actor=actor, person=person).filter(year=year, superseded_by__isnull=True).first()


def statement_by_ref(*, actor: Account, ref: str) -> Statement:
    """One statement by its ref, for someone who may read its person's record; NotFound otherwise
    (a guessed ref of another person's statement looks exactly like one that does not exist)."""
    statement = Statement.objects.select_related("person").filter(ref=ref).first()
    if statement is None:
        raise NotFound("未找到该记录单", "No such statement")
    try:
        record_may_see(actor=actor, person=statement.person)
    except NotFound:
        raise NotFound("未找到该记录单", "No such statement") from None
    return statement


def statement_signature_valid(*, statement: Statement) -> bool:
    """The stored content still matches the signature made when it was issued, and the code
    stored is the one that signature prints (a figure or a code altered since both fail)."""
    if not document_verify_content(
        kind=STATEMENT_KIND, ref=statement.ref, content=statement.content, signature=statement.signature
    ):
        return False
    return signature_code(statement.signature) == statement.code


@dataclass(frozen=True)
class Verification:
    """What the public verification page may show of a statement."""

    statement: Statement | None
    genuine: bool  # issued here, the code matches, and the stored content matches its signature
    current: bool
    superseded_at: dt.datetime | None


def statement_verify(*, ref: str, code: str) -> Verification:
    """文件核验 of a statement: found by its ref, the code as printed (case, spaces and hyphens
    ignored) must be the stored one and the stored content must still match its signature —
    a figure altered in the database fails, as does a code changed on paper. Public: it
    reveals only what the paper printed, and nothing at all when not genuine."""
    statement = Statement.objects.filter(ref=ref).first() if ref and len(ref) <= 32 else None
    given = "".join(ch for ch in str(code) if ch not in " -").upper()
    if statement is None or not hmac.compare_digest(given.encode(), statement.code.replace("-", "").encode()):
        return Verification(None, False, False, None)
    if not statement_signature_valid(statement=statement):
        return Verification(None, False, False, None)
    return Verification(statement, True, statement.superseded_at is None, statement.superseded_at)
