"""QY-001 个人权益记录单更正: a wrong figure on a rights statement, corrected from the statement.

The person (online, in the app, or at a window) names the statement, the month in question,
what is wrong and the correct base; the case goes to the person's district office with the
employer's evidence (payslips, the wage declaration) requested, since an employee's base is
what the employer declared. On completion, in the completing transaction, the month is
corrected through contributions' service (amounts recomputed by the month's own rules, the
account and its interest recomputed, old figures kept in the audit chain) — a wrong base by
``contribution_month_correct`` (a month paid at the old base then owes a difference bill to its
employer, or is owed a refund: ``contributions.differences``; the case's result says which, with
the amount and the bill number), a missing month put back through the employer of that month
by ``contribution_month_restore`` (its base the one named, else the nearest month's) — and a new version
of every issued statement from that year on is signed; the old one then shows as superseded
at the verification page. 人社部令第14号 (corrections: checked, corrected, replied in writing).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone

from shebao.cases.handlers import FormHandler, items_register
from shebao.cases.models import Case
from shebao.catalog.definitions import ID_CARD, ID_NUMBER, NAME, Applicant, FieldSpec, ItemSpec, MaterialSpec
from shebao.catalog.models import ServiceItem
from shebao.core.channels import Channel
from shebao.core.errors import InvalidInput
from shebao.core.models import Account

CORRECTION_ITEM = "QY-001"
RECORDS = "《社会保险个人权益记录管理办法》（人社部令第14号）"

STATEMENT_REF = FieldSpec("statement_ref", "记录单文件编号", "Statement number", required=False, max_length=32)
PERIOD = FieldSpec("period", "有异议的月份", "Month in question", "date")
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


def _one_open_case(cleaned: dict[str, Any], *, month: dt.date, applicant: Applicant) -> None:
    """One correction of a month at a time: a second while one is open is refused, naming it."""
    id_number = str(cleaned.get("id_number") or applicant.id_number or "").upper()
    open_case = (
        Case.objects.filter(
            item__code=CORRECTION_ITEM,
            applicant_id_number=id_number,
            status__in=Case.OPEN_STATUSES,
            form_data__period=month.isoformat(),
        )
        .order_by("received_at")
        .first()
    )
    if open_case is not None:
        raise InvalidInput(
            f"{month:%Y-%m} 已有正在办理的更正申请（办件编号 {open_case.number}），请等待办结或查询其进度",
            f"A correction of {month:%Y-%m} is already open (case {open_case.number}): wait for it or follow it",
            field="period",
        )


class CorrectionHandler(FormHandler):
    """The month is a month a statement can show: from 1996 (personal accounts) to this month,
    and in the named statement's year, the statement being the applicant's own; a base
    correction names the correct base (above zero)."""

    def clean(self, *, item: ServiceItem, form: dict[str, Any], applicant: Applicant) -> dict[str, Any]:
        from shebao.statements.models import Statement
        from shebao.statements.selectors import FIRST_YEAR

        cleaned = super().clean(item=item, form=form, applicant=applicant)
        month = dt.date.fromisoformat(str(cleaned["period"])).replace(day=1)
        if month > timezone.localdate().replace(day=1):
            raise InvalidInput("有异议的月份不能晚于本月", "The month cannot be in the future", field="period")
        if month.year < FIRST_YEAR:
            raise InvalidInput(
                f"有异议的月份不能早于{FIRST_YEAR}年1月（个人账户自{FIRST_YEAR}年起记载）",
                f"The month cannot be before January {FIRST_YEAR}, when personal accounts begin",
                field="period",
            )
        ref = str(cleaned.get("statement_ref") or "").strip()
        if ref:
            id_number = str(cleaned.get("id_number") or applicant.id_number or "").upper()
            statement = Statement.objects.filter(ref=ref, person__id_number=id_number).only("year").first()
            if statement is None:
                raise InvalidInput(
                    "未找到该参保人的此份记录单", "No such statement of this person", field="statement_ref"
                )
            if month.year != statement.year:
                raise InvalidInput(
                    f"有异议的月份应在记录单所属的{statement.year}年度内",
                    f"The month must be in the statement's year, {statement.year}",
                    field="period",
                )
        cleaned["period"] = month.isoformat()
        if cleaned["what"] == "missing" and month == timezone.localdate().replace(day=1):
            raise InvalidInput(
                f"本月（{month:%Y-%m}）尚未到缴费期，不是缺失月份",
                f"This month ({month:%Y-%m}) is not due yet, so it cannot be missing",
                field="period",
            )
        _base_check(cleaned)
        self._month_fits_what(cleaned, month=month, applicant=applicant)
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
        _one_open_case(cleaned, month=month, applicant=applicant)
        return cleaned

    @staticmethod
    def _month_fits_what(cleaned: dict[str, Any], *, month: dt.date, applicant: Applicant) -> None:
        """Refused when filed what completion would refuse, so no case is opened that every
        review must send back: a missing month that is on record (a base correction), a base
        correction of a month not on record (a back-payment) or of a flexible worker's own
        month (its base follows the grade)."""
        from shebao.contributions.differences import correction_refusal
        from shebao.contributions.models import ContributionMonth

        what = cleaned["what"]
        if what not in ("base", "missing"):
            return
        id_number = str(cleaned.get("id_number") or applicant.id_number or "").upper()
        row = (
            ContributionMonth.objects.filter(person__id_number=id_number, period=month).select_related("bill").first()
            if id_number
            else None
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
        if what == "base" and row is not None and row.unit_id is None:
            raise InvalidInput(
                "灵活就业人员的缴费基数按所选档次确定，请办理档次变更",
                "A flexible worker's base follows the grade: change the grade instead",
                field="what",
            )
        if what == "base" and row is not None:
            refused = correction_refusal(row)
            if refused is not None:
                raise refused

    def complete(self, *, case: Case, actor: Account | None) -> dict[str, Any] | None:
        from shebao.contributions.accounts import contribution_month_restore
        from shebao.contributions.differences import difference_summary
        from shebao.contributions.services import contribution_month_correct
        from shebao.registry.models import Person
        from shebao.statements.models import Statement
        from shebao.statements.services import statement_issue

        if actor is None:
            raise InvalidInput("更正须由经办人员办结", "A correction is completed by staff", field="actor")
        form = case.form_data
        person = Person.objects.get(id_number=(form.get("id_number") or case.applicant_id_number).upper())
        month = dt.date.fromisoformat(form["period"])
        result: dict[str, Any] = {"period": month.isoformat()}
        if form["what"] == "base":
            corrected = contribution_month_correct(
                actor=actor,
                person=person,
                period=month,
                base=Decimal(str(form["correct_base"])),
                case_number=case.number or "",
                reason=str(form.get("detail", "")),
            )
            result["base"] = str(corrected.month.base)
            summary = difference_summary(corrected.difference)
            if summary is not None:
                result["difference"] = summary
                result["difference_note"] = _difference_note(corrected.difference)
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
            result["restored"] = {"base": str(row.base), "unit": row.unit.name if row.unit else ""}
        # every statement issued from the month's year on is reissued with the corrected figures
        years = set(Statement.objects.filter(person=person, year__gte=month.year).values_list("year", flat=True))
        issued = []
        for year in sorted(years | {month.year}):
            statement = statement_issue(
                actor=actor, person=person, year=year, channel=Channel.SYSTEM, correction_case=case.number or ""
            )
            issued.append(statement.ref)
        result["statements"] = issued
        return result


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
            "对个人权益记录单所列缴费月份、缴费基数有异议的，可在线、通过App或到窗口申请核查；"
            "单位申报的基数须由单位提供工资发放记录等证明。经核实确有错误的予以更正，重新出具记录单，原记录单作废。"
        ),
        fields=(ID_NUMBER, NAME, STATEMENT_REF, PERIOD, WHAT, BASE, DETAIL),
        materials=(ID_CARD, EMPLOYER_EVIDENCE),
        handler="statements.correction",
    ),
)


def register_items() -> None:
    items_register(*ITEMS, handlers={"statements.correction": CorrectionHandler()})
