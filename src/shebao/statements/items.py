"""QY-001 个人权益记录单更正: a wrong figure on a rights statement, corrected from the statement.

The person (online, in the app, or at a window) names the statement, the months in question (a
run: the first, ``period``, and the last, ``period_to``, inclusive; blank for one month), what
is wrong and the correct base, the same for every month of the run; the case goes to the
person's district office with the employer's evidence (payslips, the wage declaration)
requested where the employer must declare (:func:`employer_declares`). On completion, in the
completing transaction, every month of the run is corrected (one refused: none is), each
through contributions' services (amounts recomputed by the month's own rules, the account and
its interest recomputed, old figures kept in the audit chain) — a wrong base by
``contribution_month_correct`` (a month paid at the old base then owes a difference bill to its
employer, or is owed a refund: ``contributions.differences``; the month's outcome says which,
with the amount and the bill number), a missing month put back through the employer of that
month by ``contribution_month_restore`` (its base the one named, else the nearest month's) —,
the case's result listing each month's outcome, and one new version of every issued statement
from that year on is signed; the old one then shows as superseded at the verification page.
人社部令第14号 (corrections: checked, corrected, replied in writing).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.utils import timezone

from shebao.cases.handlers import FormHandler, items_register
from shebao.cases.models import Case
from shebao.catalog.definitions import ID_CARD, ID_NUMBER, NAME, Applicant, FieldSpec, ItemSpec, MaterialSpec
from shebao.catalog.models import ServiceItem
from shebao.core.channels import Channel
from shebao.core.errors import InvalidInput
from shebao.core.models import Account
from shebao.core.months import month_end

if TYPE_CHECKING:
    from shebao.registry.models import Person

CORRECTION_ITEM = "QY-001"
RECORDS = "《社会保险个人权益记录管理办法》（人社部令第14号）"

STATEMENT_REF = FieldSpec("statement_ref", "记录单文件编号", "Statement number", required=False, max_length=32)
PERIOD = FieldSpec("period", "有异议的月份（起）", "Month in question (the first)", "date")
PERIOD_TO = FieldSpec(
    "period_to",
    "有异议的月份（止，仅一个月的不填）",
    "Last month in question (blank: one month)",
    "date",
    required=False,
)
WHAT = FieldSpec(
    "what",
    "异议事项",
    "What is wrong",
    "choice",
    choices=(("base", "缴费基数有误"), ("missing", "月份缺失"), ("other", "其他")),
)
BASE = FieldSpec("correct_base", "正确的缴费基数（元）", "Correct base (yuan)", "decimal", required=False)
DETAIL = FieldSpec("detail", "异议内容及理由", "What is wrong and why", max_length=1000)
EMPLOYER_EVIDENCE = MaterialSpec(
    "employer_evidence",
    "单位出具的工资发放记录或缴费工资申报表",
    "The employer's payroll record or wage declaration",
)


# A base as written on a payslip: yuan with at most two decimals, no exponent ("1e9" was stored
# as "1E+9"), below a million a month — the cap is three times the city's average wage, tens of
# thousands, so anything of seven digits is a slip of the keyboard, not a base.
BASE_WRITTEN = re.compile(r"[0-9]{1,6}(\.[0-9]{1,2})?")


def _base_check(cleaned: dict[str, Any]) -> None:
    raw = cleaned.get("correct_base")
    if raw in (None, ""):
        return
    if not BASE_WRITTEN.fullmatch(str(raw)):
        raise InvalidInput(
            "缴费基数应为不超过 999999.99 元的金额，最多两位小数（如 8000 或 8000.50）",
            "The base is an amount in yuan below 1,000,000 with at most two decimals (8000 or 8000.50)",
            field="correct_base",
        )


def _span(first: dt.date, last: dt.date) -> str:
    return f"{first:%Y-%m}" if first == last else f"{first:%Y-%m} 至 {last:%Y-%m}"


def _span_en(first: dt.date, last: dt.date) -> str:
    return f"{first:%Y-%m}" if first == last else f"{first:%Y-%m} to {last:%Y-%m}"


def correction_months(form: dict[str, Any]) -> list[dt.date]:
    """The months a correction's (cleaned) form covers, first to last: one when ``period_to``
    is blank (every case filed before runs existed)."""
    first = dt.date.fromisoformat(str(form["period"])).replace(day=1)
    last = dt.date.fromisoformat(str(form.get("period_to") or form["period"])).replace(day=1)
    months = []
    month = first
    while month <= last:
        months.append(month)
        month = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return months


def _one_open_case(cleaned: dict[str, Any], *, first: dt.date, last: dt.date, applicant: Applicant) -> None:
    """One correction of a month at a time: a case whose months overlap an open correction's is
    refused, naming the open case and its months."""
    id_number = str(cleaned.get("id_number") or applicant.id_number or "").upper()
    open_cases = Case.objects.filter(
        item__code=CORRECTION_ITEM, applicant_id_number=id_number, status__in=Case.OPEN_STATUSES
    ).order_by("received_at", "id")
    for case in open_cases.only("number", "form_data"):
        try:
            months = correction_months(case.form_data)
        except (KeyError, TypeError, ValueError):
            continue  # not a form this handler cleaned
        if not months or months[-1] < first or months[0] > last:
            continue
        raise InvalidInput(
            f"{_span(first, last)} 与正在办理的更正申请（办件编号 {case.number}，{_span(months[0], months[-1])}）"
            "的月份重叠，请等待办结或查询其进度",
            f"{_span_en(first, last)} overlaps an open correction (case {case.number},"
            f" {_span_en(months[0], months[-1])}): wait for it or follow it",
            field="period",
        )


def _month_of(raw: Any) -> dt.date:
    """A cleaned form date (``clean_form`` checked it) as its month's first day."""
    return dt.date.fromisoformat(str(raw)).replace(day=1)


class CorrectionHandler(FormHandler):
    """The months are months a statement can show: from 1996 (personal accounts) to this month,
    the first not after the last, all in one year — the named statement's, the statement being
    the applicant's own; the same ``what`` and correct base for all of them; a base correction
    names the correct base (above zero)."""

    def clean(self, *, item: ServiceItem, form: dict[str, Any], applicant: Applicant) -> dict[str, Any]:
        from shebao.statements.models import Statement
        from shebao.statements.selectors import FIRST_YEAR

        cleaned = super().clean(item=item, form=form, applicant=applicant)
        first = _month_of(cleaned["period"])
        last = _month_of(cleaned.get("period_to") or cleaned["period"])
        this_month = timezone.localdate().replace(day=1)
        if first > this_month:
            raise InvalidInput("有异议的月份不能晚于本月", "The month cannot be in the future", field="period")
        if last > this_month:
            raise InvalidInput(
                "有异议的最后一个月不能晚于本月", "The last month cannot be in the future", field="period_to"
            )
        if first.year < FIRST_YEAR:
            raise InvalidInput(
                f"有异议的月份不能早于{FIRST_YEAR}年1月（个人账户自{FIRST_YEAR}年起记载）",
                f"The month cannot be before January {FIRST_YEAR}, when personal accounts begin",
                field="period",
            )
        ref = str(cleaned.get("statement_ref") or "").strip().upper()  # refs are upper case; paper is read aloud
        if ref:
            cleaned["statement_ref"] = ref
            id_number = str(cleaned.get("id_number") or applicant.id_number or "").upper()
            statement = Statement.objects.filter(ref=ref, person__id_number=id_number).only("year").first()
            if statement is None:
                raise InvalidInput(
                    "未找到该参保人的此份记录单", "No such statement of this person", field="statement_ref"
                )
            if first.year != statement.year:
                raise InvalidInput(
                    f"有异议的月份应在记录单所属的{statement.year}年度内",
                    f"The month must be in the statement's year, {statement.year}",
                    field="period",
                )
        if last < first:
            raise InvalidInput(
                f"有异议的最后一个月（{last:%Y-%m}）不能早于第一个月（{first:%Y-%m}）",
                f"The last month ({last:%Y-%m}) cannot be before the first ({first:%Y-%m})",
                field="period_to",
            )
        if last.year != first.year:
            raise InvalidInput(
                f"一次更正的月份应在同一年度内（{first.year}年），跨年度的请按年度分别申请",
                f"The months of one correction are in one year ({first.year}): ask once per year",
                field="period_to",
            )
        cleaned["period"] = first.isoformat()
        if cleaned.get("period_to"):  # blank: one month, the form as it always was
            cleaned["period_to"] = last.isoformat()
        if cleaned["what"] == "missing" and last == this_month:
            raise InvalidInput(
                f"本月（{this_month:%Y-%m}）尚未到缴费期，不是缺失月份",
                f"This month ({this_month:%Y-%m}) is not due yet, so it cannot be missing",
                field="period" if first == last else "period_to",
            )
        _base_check(cleaned)
        self._months_fit_what(cleaned, months=correction_months(cleaned), applicant=applicant)
        if cleaned["what"] == "base":
            raw = cleaned.get("correct_base")
            try:
                value = Decimal(str(raw)) if raw not in (None, "") else None
            except InvalidOperation:
                value = None
            if value is None or value <= 0:
                raise InvalidInput(
                    "基数有误的，请填写正确的缴费基数",
                    "Give the correct base for a base correction",
                    field="correct_base",
                )
        _one_open_case(cleaned, first=first, last=last, applicant=applicant)
        return cleaned

    @staticmethod
    def _months_fit_what(cleaned: dict[str, Any], *, months: list[dt.date], applicant: Applicant) -> None:
        """Refused when filed what completion would refuse, so no case is opened that every
        review must send back, naming the month: a missing month that is on record (a base
        correction), a base correction of a month not on record (a back-payment) or of a
        flexible worker's own month (its base follows the grade), or of a month whose bill is
        still open."""
        from shebao.contributions.differences import correction_refusal
        from shebao.contributions.models import ContributionMonth

        what = cleaned["what"]
        if what not in ("base", "missing"):
            return
        id_number = str(cleaned.get("id_number") or applicant.id_number or "").upper()
        rows = (
            {
                row.period: row
                for row in ContributionMonth.objects.filter(
                    person__id_number=id_number, period__gte=months[0], period__lte=months[-1]
                ).select_related("bill", "difference_bill")
            }
            if id_number
            else {}
        )
        employed = _months_employed(id_number, months) if what == "missing" else set()
        for month in months:
            row = rows.get(month)
            if what == "missing" and row is None and month not in employed:
                raise InvalidInput(
                    f"{month:%Y-%m} 无在职参保单位记录，不是可更正的缺失月份；灵活就业或中断期间请办理补缴（JF-002）",
                    f"{month:%Y-%m} has no employer on record: a month without one is a back-payment (JF-002), "
                    "not a correction",
                    field="period",
                )
            if what == "missing" and row is not None:
                raise InvalidInput(
                    f"{month:%Y-%m} 已有缴费记录，不是缺失月份；基数有误的请选择“缴费基数有误”",
                    f"{month:%Y-%m} is on record, not missing: if its base is wrong, choose 'the base is wrong'",
                    field="what",
                )
            if what == "base" and row is None:
                raise InvalidInput(
                    f"{month:%Y-%m} 无缴费记录，无基数可更正；缺失月份请选择“月份缺失”",
                    f"{month:%Y-%m} is not on record, so it has no base to correct: choose 'a month is missing'",
                    field="what",
                )
            if what == "base" and row is not None and row.status == ContributionMonth.Status.TRANSFERRED_IN:
                raise InvalidInput(
                    f"{month:%Y-%m} 为转入月份，缴费基数以转出地记录为准，请向转出地社会保险经办机构申请更正",
                    f"{month:%Y-%m} was transferred in: its base is the sending place's record, "
                    "so ask the office there to correct it",
                    field="period",
                )
            if what == "base" and row is not None and row.unit_id is None:
                raise InvalidInput(
                    f"{month:%Y-%m} 为灵活就业缴费，缴费基数按所选档次确定，请办理档次变更",
                    f"{month:%Y-%m} was paid as a flexible worker, whose base follows the grade: change the grade instead",
                    field="what",
                )
            if what == "base" and row is not None:
                refused = correction_refusal(row)
                if refused is not None:
                    raise refused

    def materials_required(self, *, item: ServiceItem, form: dict[str, Any], applicant: Applicant) -> dict[str, bool]:
        """Which of the item's materials this case requires, by code, where it differs by case:
        the employer's evidence only where the employer must declare (:func:`employer_declares`).
        The engine asks this at receipt and keeps the answer on the case's materials
        (``ItemHandler.materials_required``): a case that does not require the evidence shows it
        as optional and does not wait for it."""
        return {EMPLOYER_EVIDENCE.code: employer_declares(form, applicant=applicant)}

    def complete(self, *, case: Case, actor: Account | None) -> dict[str, Any] | None:
        from shebao.registry.models import Person
        from shebao.statements.models import Statement
        from shebao.statements.services import statement_issue

        if actor is None:
            raise InvalidInput("更正须由经办人员办结", "A correction is completed by staff", field="actor")
        form = case.form_data
        person = Person.objects.get(id_number=(form.get("id_number") or case.applicant_id_number).upper())
        months = correction_months(form)
        # every month in this transaction: one refused raises, and the completion rolls back whole
        outcomes = [_month_correct(form, month=month, person=person, case=case, actor=actor) for month in months]
        result: dict[str, Any] = {"period": months[0].isoformat()}
        if len(months) > 1:
            result["period_to"] = months[-1].isoformat()
        else:
            # one month: its outcome at the top too, as a one-month case's result always was
            result.update({k: v for k, v in outcomes[0].items() if k not in ("period", "outcome", "label")})
        result["months"] = outcomes
        # every statement issued from the months' year on is reissued with the corrected figures
        year = months[0].year
        years = set(Statement.objects.filter(person=person, year__gte=year).values_list("year", flat=True))
        issued = []
        for each in sorted(years | {year}):
            statement = statement_issue(
                actor=actor, person=person, year=each, channel=Channel.SYSTEM, correction_case=case.number or ""
            )
            issued.append(statement.ref)
        result["statements"] = issued
        return result


# What a month's correction came to, in the case's result: a difference billed to the employer,
# a refund due, the base corrected with nothing to settle (the month was not paid, or nothing
# changed), a missing month restored, or nothing the system changes ("other").
OUTCOMES = {
    "difference_bill": ("补差缴费单", "Difference bill"),
    "refund": ("退差", "Refund due"),
    "corrected": ("已更正", "Corrected"),
    "restored": ("已补记", "Restored"),
    "checked": ("已核查", "Checked"),
}


def _month_correct(
    form: dict[str, Any], *, month: dt.date, person: Person, case: Case, actor: Account
) -> dict[str, Any]:
    """One month of a completing correction, through contributions' services; its outcome."""
    from shebao.contributions.accounts import contribution_month_restore
    from shebao.contributions.differences import difference_summary
    from shebao.contributions.services import contribution_month_correct

    outcome: dict[str, Any] = {"period": month.isoformat(), "outcome": "checked"}
    if form["what"] == "base":
        corrected = contribution_month_correct(
            actor=actor,
            person=person,
            period=month,
            base=Decimal(str(form["correct_base"])),
            case_number=case.number or "",
            reason=str(form.get("detail", "")),
        )
        outcome["base"] = str(corrected.month.base)
        outcome["outcome"] = "corrected"
        difference = corrected.difference
        if difference is not None:
            outcome["outcome"] = "difference_bill" if difference.bill is not None else "refund"
            outcome["difference"] = difference_summary(difference)
            outcome["difference_note"] = _difference_note(difference)
    elif form["what"] == "missing":
        raw = form.get("correct_base")
        row = contribution_month_restore(
            actor=actor,
            person=person,
            period=month,
            base=Decimal(str(raw)) if raw not in (None, "") else None,
            case_number=case.number or "",
            reason=str(form.get("detail", "")),
        )
        outcome["outcome"] = "restored"
        outcome["restored"] = {"base": str(row.base), "unit": row.unit.name if row.unit else ""}
    zh, en = OUTCOMES[outcome["outcome"]]
    outcome["label"] = f"{zh} / {en}"
    return outcome


def _months_employed(id_number: str, months: list[dt.date]) -> set[dt.date]:
    """Which of ``months`` the registry has the person employed in (an employment covering some
    day of the month), in one query: a missing month can be put back only through its employer
    (``contribution_month_restore``)."""
    from shebao.registry.models import Employment

    if not id_number or not months:
        return set()
    last_day = month_end(months[-1])
    spans = list(
        Employment.objects.filter(person__id_number=id_number, start__lte=last_day)
        .filter(Q(end__isnull=True) | Q(end__gte=months[0]))
        .values_list("start", "end")
    )
    found = set()
    for month in months:
        last = month_end(month)
        if any(start <= last and (end is None or end >= month) for start, end in spans):
            found.add(month)
    return found


def employer_declares(form: dict[str, Any], *, applicant: Applicant | None = None) -> bool:
    """Whether the employer must declare what a correction asks for, so its evidence (payroll
    record, wage declaration) is required: a base correction (only an employee's month has one
    to correct: a unit was the payer) or a missing month that a unit employed the person in. Not
    a flexible worker's own months (their base is their grade, a missing month a back-payment),
    nor "other" (the office checks its own records)."""
    from shebao.registry.models import Employment

    what = form.get("what")
    if what == "base":
        return True
    if what != "missing":
        return False
    months = correction_months(form)
    id_number = str(form.get("id_number") or (applicant.id_number if applicant else "") or "").upper()
    last_day = month_end(months[-1])
    return (
        Employment.objects.filter(person__id_number=id_number, start__lte=last_day)
        .filter(Q(end__isnull=True) | Q(end__gte=months[0]))
        .exists()
    )


def _difference_note(difference: Any) -> str:
    """The correction's difference in one line (Chinese, then English), for the case result."""
    if difference.bill is not None:
        return (
            f"更正补差 {difference.total} 元（单位 {difference.employer_amount} 元，个人 {difference.personal_amount} 元），"
            f"缴费单 {difference.bill.number}，缴费截止日 {difference.bill.due_date:%Y-%m-%d}；该月仍计为已缴月份，"
            f"逾期未缴显示为欠费（△）。/ Difference due {difference.total} yuan (employer {difference.employer_amount},"
            f" personal {difference.personal_amount}), bill {difference.bill.number}, due"
            f" {difference.bill.due_date:%Y-%m-%d}; the month stays paid and shows in arrears (△) if the bill is not paid by then."
        )
    return (
        f"多缴退差 {difference.total} 元（退单位 {difference.employer_amount} 元，退个人 {difference.personal_amount} 元），"
        f"已登记待财务退付。/ Refund due {difference.total} yuan (to the employer {difference.employer_amount},"
        f" to the person {difference.personal_amount}), recorded for the finance office."
    )


ITEMS: tuple[ItemSpec, ...] = (
    ItemSpec(
        code=CORRECTION_ITEM,
        name="个人权益记录单更正",
        name_en="Correction of a figure on the rights statement",
        insurance="general",
        policy_basis=RECORDS,
        skill_group="contribution",
        risk_level=2,
        jurisdiction="applicant_district",
        channels=("hall", "community", "online", "app"),
        office_kinds=("district_office", "community_centre"),
        promised_days=15,
        description=(
            "对个人权益记录单所列缴费月份、缴费基数有异议的，可在线、通过App或到窗口申请核查，同一年度内连续多个月同一异议的可一次申请；"
            "单位申报的基数须由单位提供工资发放记录等证明。经核实确有错误的予以更正，重新出具记录单，原记录单作废。"
        ),
        fields=(ID_NUMBER, NAME, STATEMENT_REF, PERIOD, PERIOD_TO, WHAT, BASE, DETAIL),
        materials=(ID_CARD, EMPLOYER_EVIDENCE),
        handler="statements.correction",
    ),
)


def register_items() -> None:
    items_register(*ITEMS, handlers={"statements.correction": CorrectionHandler()})
