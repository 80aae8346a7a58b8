"""养老金测算 pages: the public estimator (no sign-in) and the signed-in citizen's own.

- Public: the statutory retirement age of a birth month (its flexible window, the minimum
  contribution), and the pension from the same inputs as ``POST /api/v1/calculators/pension``,
  computed by the same function (``api.pension_calculate``), so the page and the API agree.
- Personal: from the person's own record (``inputs.pension_inputs_for``: their ledger months,
  their account), the pension at each possible retirement month of their flexible window
  (monthly, or every third month when the window is long), with a chart; for a flexible
  worker, the pension at each contribution grade of the grade rule in force and what each
  costs. Every assumption is stated on the page (wage growth 0 and the latest published
  crediting rate unless the person sets them).
- Deemed months (视同缴费) are recorded on the pension profile only at retirement (YL-001), so
  a person not yet retired has none on record: the page asks for them (or for the start of
  work, from which the months before the personal accounts began are counted as an upper
  bound), prefills both from the profile when there is one, and says plainly when they are
  missing and taken as 0 (the months then look short of the minimum and the pension low).

The pages work without JavaScript (a full page comes back); with htmx only the result is swapped.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_GET, require_POST

from shebao.contributions.grades import flexible_grade_on
from shebao.contributions.rulebook import Rulebook, contribution_quote, crediting_rate, rulebook_load
from shebao.core.errors import InvalidInput, NotAllowed, ShebaoError
from shebao.core.http import AccountRequest, signed_in
from shebao.core.models import Account
from shebao.pensions.api import PensionCalculatorIn, pension_calculate, retirement_age_answer
from shebao.pensions.charts import chart
from shebao.pensions.inputs import ledger_index_months, pension_inputs_for
from shebao.pensions.models import JobType, PensionProfile
from shebao.pensions.params import DEFAULT_REGION, deemed_cutoff, pension_params_for
from shebao.pensions.rules.ages import (
    BaseAge,
    Sex,
    YearMonth,
    flexible_window,
    minimum_contribution_months,
    retirement_age,
)
from shebao.pensions.rules.formula import PensionParams
from shebao.pensions.rules.projection import Assumptions, Projection, Record, pension_project
from shebao.registry import selectors as registry_selectors
from shebao.registry.models import Person
from shebao.registry.views import channel_for, error_page

MONTHLY_UP_TO = 37  # a window longer than this is shown every third month
PERCENT = Decimal("0.01")
INDEX = Decimal("0.0001")


def _error_text(error: ShebaoError) -> str:
    return error.message_zh if (get_language() or "zh").lower().startswith("zh") else error.message_en


# --- forms --------------------------------------------------------------------------------------

SEXES = [("M", "男 / Male"), ("F", "女 / Female")]
BASE_AGES = [
    ("60", "男职工 60周岁 / Men, 60"),
    ("55", "女干部、专业技术人员 55周岁 / Women cadre or technical, 55"),
    ("50", "女工人 50周岁 / Women workers, 50"),
]


class AgeForm(forms.Form):
    birth = forms.CharField(
        label="出生年月 / Month of birth (YYYY-MM)",
        max_length=7,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "1970-05", "autocomplete": "bday"}),
    )
    sex = forms.ChoiceField(label="性别 / Sex", choices=SEXES)
    base_age = forms.TypedChoiceField(
        label="原法定退休年龄（岗位） / Original retirement age (job)", choices=BASE_AGES, coerce=int
    )


class PensionForm(forms.Form):
    average_index = forms.DecimalField(
        label="本人平均缴费工资指数 Z̄ / Average contribution index (0.6-3)",
        min_value=Decimal(0),
        max_value=Decimal(3),
        max_digits=5,
        decimal_places=4,
        initial=Decimal("1.00"),
    )
    contribution_months = forms.IntegerField(
        label="累计缴费月数（含视同） / Contribution months (with deemed)", min_value=0, max_value=720, initial=180
    )
    deemed_months = forms.IntegerField(
        label="其中视同缴费月数 / of which deemed months", min_value=0, max_value=720, initial=0
    )
    account_balance = forms.DecimalField(
        label="个人账户储存额（元） / Account balance (yuan)", min_value=Decimal(0), max_digits=14, decimal_places=2
    )
    age_years = forms.IntegerField(
        label="退休年龄（周岁） / Retirement age (years)", min_value=40, max_value=70, initial=60
    )
    age_months = forms.IntegerField(label="及月数 / and months", min_value=0, max_value=11, initial=0)
    retirement_month = forms.CharField(
        label="退休年月（决定计发基数年度） / Retirement month (which year's average wage)",
        max_length=7,
        required=False,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-07"}),
    )
    average_wage = forms.DecimalField(
        label="计发基数（元/月，留空取本地规则） / Average wage (yuan a month; blank: the local rule row)",
        required=False,
        min_value=Decimal("0.01"),
        max_digits=9,
        decimal_places=2,
    )


WORK_START_FORMAT = "%Y-%m"
WORK_START = re.compile(r"(\d{4})-(\d{2})")


MAX_DEEMED_MONTHS = 600  # as the retirement form (YL-001) accepts


class AssumptionsForm(forms.Form):
    work_start = forms.CharField(
        label="参加工作时间（YYYY-MM） / Started work (YYYY-MM)",
        max_length=7,
        required=False,
        help_text="用于推算1996年个人账户建立前的视同缴费月数 / Counts the deemed months before personal accounts began",
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "1986-07"}),
    )
    deemed_months = forms.IntegerField(
        label="视同缴费月数（人事档案认定） / Deemed months (from the personnel file)",
        min_value=0,
        max_value=MAX_DEEMED_MONTHS,
        required=False,
        help_text="留空：按参加工作时间推算，或取退休审批时认定的月数 / Blank: from the start of work, or as determined",
    )
    base_age = forms.TypedChoiceField(
        label="原法定退休年龄（岗位） / Original retirement age (job)",
        choices=BASE_AGES,
        coerce=int,
        required=False,
    )
    interest_rate = forms.DecimalField(
        label="假设记账利率（%/年） / Assumed crediting rate (% a year)",
        min_value=Decimal(0),
        max_value=Decimal(10),
        max_digits=4,
        decimal_places=2,
        required=False,
    )
    wage_growth = forms.DecimalField(
        label="假设工资年增长率（%） / Assumed wage growth (% a year)",
        min_value=Decimal(-5),
        max_value=Decimal(10),
        max_digits=4,
        decimal_places=2,
        required=False,
    )

    def clean_work_start(self) -> dt.date | None:
        text = (self.cleaned_data.get("work_start") or "").strip()
        if not text:
            return None
        match = WORK_START.fullmatch(text)
        if match is None or not 1 <= int(match.group(2)) <= 12:
            raise forms.ValidationError("参加工作时间应为 YYYY-MM / The start of work is YYYY-MM", code="invalid")
        return dt.date(int(match.group(1)), int(match.group(2)), 1)


def _parts(projection: Projection) -> dict[str, Decimal]:
    r = projection.result
    return {"basic": r.basic_pension, "account": r.account_pension, "transition": r.transition_pension}


# --- the public estimator ----------------------------------------------------------------------


def _public_context(**extra: Any) -> dict[str, Any]:
    return {"age_form": AgeForm(), "pension_form": PensionForm(), **extra}


@require_GET
def estimator(request: HttpRequest) -> HttpResponse:
    return render(request, "pensions/estimator.html", _public_context())


def _answer(request: HttpRequest, context: dict[str, Any], fragment: str) -> HttpResponse:
    status = 200 if context.get("result") is not None else 422
    if getattr(request, "htmx", False):
        return render(request, fragment, context, status=status)
    return render(request, "pensions/estimator.html", _public_context(**context), status=status)


@require_POST
def estimator_age(request: HttpRequest) -> HttpResponse:
    form = AgeForm(request.POST)
    context: dict[str, Any] = {"age_form": form, "result": None, "error": ""}
    if form.is_valid():
        try:
            context["result"] = retirement_age_answer(**form.cleaned_data)
        except ShebaoError as exc:
            context["error"] = _error_text(exc)
    return _answer(request, {**context, "age": context}, "pensions/estimator_age.html")


@require_POST
def estimator_pension(request: HttpRequest) -> HttpResponse:
    form = PensionForm(request.POST)
    context: dict[str, Any] = {"pension_form": form, "result": None, "error": ""}
    if form.is_valid():
        data = form.cleaned_data
        try:
            result, body = pension_calculate(
                PensionCalculatorIn(
                    region=DEFAULT_REGION,
                    average_wage=data["average_wage"],
                    average_index=data["average_index"],
                    contribution_months=data["contribution_months"],
                    account_balance=data["account_balance"],
                    age_years=data["age_years"],
                    age_months=data["age_months"],
                    deemed_months=data["deemed_months"],
                    retirement_month=data["retirement_month"] or None,
                )
            )
            body["chart"] = chart(
                bars=[
                    (
                        body["retirement_month"],
                        {
                            "basic": result.basic_pension,
                            "account": result.account_pension,
                            "transition": result.transition_pension,
                        },
                        True,
                    )
                ]
            )
            context["result"] = body
        except ShebaoError as exc:
            context["error"] = _error_text(exc)
    return _answer(request, {**context, "pension": context}, "pensions/estimator_pension.html")


# --- the personal estimator --------------------------------------------------------------------


def _months_shown(earliest: YearMonth, latest: YearMonth, statutory: YearMonth, start: YearMonth) -> list[YearMonth]:
    first = max(earliest, start)
    if first > latest:
        return []
    span = first.months_until(latest) + 1
    step = 1 if span <= MONTHLY_UP_TO else 3
    months = [first.plus(i) for i in range(0, span, step)]
    for must in (statutory, latest):
        if must >= first and must not in months:
            months.append(must)
    return sorted(months)


def _latest_row(person: Person, actor: Account, book: Rulebook) -> tuple[Decimal, Decimal] | None:
    """(base, index) of the person's latest counted month, or None without one."""
    months = ledger_index_months(actor=actor, person=person, book=book)
    if not months:
        return None
    _, base, average = months[-1]
    return base, (base / average).quantize(INDEX, rounding=ROUND_HALF_UP)


def _profile(person: Person) -> tuple[int | None, str | None, dt.date | None]:
    """(deemed months, job type, start of work) from the person's pension profile; (None, None,
    None) without one (deemed months unknown, not 0)."""
    row = PensionProfile.objects.filter(person=person).values_list("deemed_months", "job_type", "work_start").first()
    return (row[0], row[1], row[2]) if row else (None, None, None)


def _months_before(start: dt.date, cutoff: dt.date) -> int:
    """Whole months from ``start``'s month up to the month before ``cutoff`` (0 when after)."""
    return max(0, (cutoff.year - start.year) * 12 + cutoff.month - start.month)


def deemed_assumption(
    *, person: Person, chosen: dict[str, Any], profile: tuple[int | None, str | None, dt.date | None], today: dt.date
) -> dict[str, Any]:
    """The deemed months the estimate uses and where they come from, stated on the page:
    entered by the person; else the start of work (the months before the region's personal
    accounts began, an upper bound: the personnel file decides); else the profile's (YL-001);
    else 0, marked missing."""
    deemed, _job, profile_start = profile
    entered, work_start = chosen.get("deemed_months"), chosen.get("work_start") or profile_start
    if work_start is not None and not person.birth_date < work_start <= today:
        raise InvalidInput(
            "参加工作时间应在出生之后、本月之前",
            "The start of work is after birth and not in the future",
            field="work_start",
        )
    if entered is not None:
        return {"months": entered, "source": "entered", "work_start": work_start, "missing": False}
    if chosen.get("work_start") is not None and work_start is not None:
        cutoff = deemed_cutoff(region=DEFAULT_REGION, on=today)
        months = min(_months_before(work_start, cutoff), MAX_DEEMED_MONTHS)
        return {"months": months, "source": "work_start", "work_start": work_start, "cutoff": cutoff, "missing": False}
    if deemed is not None:
        return {"months": deemed, "source": "profile", "work_start": work_start, "missing": False}
    return {"months": 0, "source": "missing", "work_start": None, "missing": True}


def _percent_in(value: Decimal | None, default: Decimal) -> Decimal:
    return default if value is None else value * PERCENT


def _own_person(user: Account) -> Person:
    return registry_selectors.person_self(actor=user, channel=channel_for(user))  # the grantor's while acting


@require_GET
@signed_in
def my_estimate(request: AccountRequest) -> HttpResponse:
    """The signed-in person's own estimate: each possible retirement month, and the grades."""
    user = request.user
    if user.kind != Account.Kind.CITIZEN:
        return error_page(request, NotAllowed("仅限参保人本人测算", "For insured persons only"))
    form = AssumptionsForm(request.GET or None)
    try:
        person = _own_person(user)
    except ShebaoError:
        return _mine_page(request, {"person": None, "form": form})
    profile = _profile(person)
    if not request.GET:  # the first visit: the profile's facts, when there are any, prefilled
        deemed, _job, work_start = profile
        form = AssumptionsForm(
            initial={
                "deemed_months": deemed,
                "work_start": f"{work_start:{WORK_START_FORMAT}}" if work_start else "",
            }
        )
    if request.GET and not form.is_valid():
        return _mine_page(request, {"person": person, "form": form}, status=422)
    if person.category == Person.Category.RETIREE:
        return _mine_page(request, {"person": person, "form": form, "retired": True})
    chosen = form.cleaned_data if request.GET else {}
    try:
        context = estimate_for(actor=user, person=person, chosen=chosen, profile=profile)
    except ShebaoError as exc:
        return _mine_page(request, {"person": person, "form": form, "error": _error_text(exc)}, status=exc.status)
    return _mine_page(request, {**context, "person": person, "form": form})


def _mine_page(request: HttpRequest, context: dict[str, Any], *, status: int = 200) -> HttpResponse:
    """The whole page, or to htmx (the assumptions form) only the result, refusals included."""
    htmx = getattr(request, "htmx", False) and context.get("person") is not None and not context.get("retired")
    template = "pensions/estimator_mine_result.html" if htmx else "pensions/estimator_mine.html"
    return render(request, template, context, status=status)


def estimate_for(
    *,
    actor: Account,
    person: Person,
    chosen: dict[str, Any],
    profile: tuple[int | None, str | None, dt.date | None] | None = None,
) -> dict[str, Any]:
    """What the personal page shows, from the person's own record (never anyone else's);
    ``profile`` is :func:`_profile` of the person when the caller has read it already."""
    today = timezone.localdate()
    start = YearMonth(today.year, today.month)
    sex: Sex = "M" if person.sex == "M" else "F"
    profile = profile if profile is not None else _profile(person)
    job_type = profile[1]
    deemed_used = deemed_assumption(person=person, chosen=chosen, profile=profile, today=today)
    deemed = deemed_used["months"]
    wanted = chosen.get("base_age") or (55 if job_type == JobType.CADRE else 50)
    base_age: BaseAge = 60 if sex == "M" else (55 if wanted == 55 else 50)
    birth = YearMonth(person.birth_date.year, person.birth_date.month)
    age = retirement_age(birth_year=birth.year, birth_month=birth.month, sex=sex, base_age=base_age)
    earliest, latest = flexible_window(birth_year=birth.year, birth_month=birth.month, sex=sex, base_age=base_age)
    book = rulebook_load(region=DEFAULT_REGION)
    inputs, input_lines = pension_inputs_for(
        actor=actor,
        person=person,
        age_years=age.age_years,
        age_months=age.age_months,
        deemed_months=deemed,
        book=book,
    )
    record = Record(
        actual_months=inputs.contribution_months - inputs.deemed_months,
        average_index=inputs.average_index,
        account_balance=inputs.account_balance,
        deemed_months=inputs.deemed_months,
    )
    crediting = crediting_rate(year=today.year, provisional_allowed=True)
    interest = _percent_in(chosen.get("interest_rate"), crediting.rate)
    growth = _percent_in(chosen.get("wage_growth"), Decimal(0))
    month_day = dt.date(today.year, today.month, 1)
    flexible = person.category == Person.Category.FLEXIBLE
    grade = flexible_grade_on(person=person, month=month_day) if flexible else None
    latest_row = _latest_row(person, actor, book)
    if flexible:
        ratio = grade.ratio if grade is not None else book.grade_bounds(month_day).minimum
        quote = contribution_quote(person_type="flexible", month=month_day, grade=ratio, book=book)
        base_note = f"按当前缴费档次 {ratio} / at the current grade {ratio}"
    else:
        wage = latest_row[0] if latest_row else None
        quote = contribution_quote(person_type="employee", month=month_day, wage=wage or Decimal(0), book=book)
        base_note = (
            "按最近一个月的缴费基数 / at the latest month's base"
            if wage
            else "暂无缴费记录，按缴费基数下限 / no months yet: the floor"
        )
    monthly_base = quote.base
    average = _average_of(quote)
    assumptions = Assumptions(
        monthly_base=monthly_base,
        monthly_index=(monthly_base / average).quantize(INDEX, rounding=ROUND_HALF_UP),
        account_share=(quote.account_credit / monthly_base) if monthly_base else Decimal("0.08"),
        interest_rate=interest,
        wage_growth=growth,
    )
    rows: list[Projection] = []
    by_year: dict[int, PensionParams] = {}  # 计发基数 rows are annual: one look-up a year, not a month
    for month in _months_shown(earliest, latest, age.retirement, start):
        if month.year not in by_year:
            by_year[month.year] = pension_params_for(
                region=DEFAULT_REGION, retirement_year=month.year, retirement_month=month.month
            )
        params = by_year[month.year]
        rows.append(
            pension_project(
                record=record,
                assumptions=assumptions,
                start=start,
                retirement=month,
                birth=birth,
                params=params,
                minimum_months=minimum_contribution_months(retirement_year=month.year, retirement_month=month.month),
            )
        )
    statutory = next((p for p in rows if p.retirement == age.retirement), None)
    context: dict[str, Any] = {
        "age": age,
        "base_age": base_age,
        "earliest": earliest,
        "latest": latest,
        "input_lines": input_lines,
        "record": record,
        "assumptions": assumptions,
        "assumption_lines": assumptions.lines(),
        "base_note": base_note,
        "deemed": deemed_used,
        "crediting": crediting,
        "crediting_percent": f"{(crediting.rate * 100).normalize():f}%",
        "rows": rows,
        "statutory": statutory,
        "every_third": len(rows) > 1 and rows[0].retirement.months_until(rows[1].retirement) == 3,
        "chart": chart(bars=[(str(p.retirement), _parts(p), p.retirement == age.retirement) for p in rows]),
        "flexible": flexible,
        "grades": _grades(record, assumptions, start, age.retirement, birth, month_day, book)
        if flexible and statutory
        else [],
    }
    if context["grades"]:
        context["grade_chart"] = chart(
            bars=[(f"{g['grade']}", _parts(g["projection"]), g["current"]) for g in context["grades"]]
        )
    return context


def _average_of(quote: Any) -> Decimal:
    for rule in quote.rules:
        if rule.table == "WageBase" and rule.key.endswith("/average"):
            return Decimal(rule.value)
    raise InvalidInput("没有当月的平均工资", "No average wage for this month", field="month")


def grade_choices(minimum: Decimal, maximum: Decimal) -> list[Decimal]:
    """The grades compared: the lowest, each whole multiple between, and the highest (0.6, 1.0,
    2.0, 3.0 under the 60%-300% rule)."""
    grades = [minimum]
    whole = Decimal(int(minimum) + 1)
    while whole < maximum:
        grades.append(whole)
        whole += 1
    if maximum not in grades:
        grades.append(maximum)
    return [g.quantize(PERCENT) for g in grades]


def _grades(
    record: Record,
    assumptions: Assumptions,
    start: YearMonth,
    retirement: YearMonth,
    birth: YearMonth,
    month_day: dt.date,
    book: Rulebook,
) -> list[dict[str, Any]]:
    """A flexible worker's pension at each grade if they pay it from now to the statutory month."""
    bounds = book.grade_bounds(month_day)
    params = pension_params_for(
        region=DEFAULT_REGION, retirement_year=retirement.year, retirement_month=retirement.month
    )
    minimum = minimum_contribution_months(retirement_year=retirement.year, retirement_month=retirement.month)
    months = max(0, start.months_until(retirement))
    out: list[dict[str, Any]] = []
    for ratio in grade_choices(bounds.minimum, bounds.maximum):
        quote = contribution_quote(person_type="flexible", month=month_day, grade=ratio, book=book)
        pension_line = quote.line("pension")
        cost = pension_line.personal if pension_line is not None and pension_line.personal is not None else Decimal(0)
        graded = replace(
            assumptions,
            monthly_base=quote.base,
            monthly_index=(quote.base / _average_of(quote)).quantize(INDEX, rounding=ROUND_HALF_UP),
            account_share=(quote.account_credit / quote.base) if quote.base else assumptions.account_share,
        )
        projection = pension_project(
            record=record,
            assumptions=graded,
            start=start,
            retirement=retirement,
            birth=birth,
            params=params,
            minimum_months=minimum,
        )
        out.append(
            {
                "grade": ratio,
                "current": graded.monthly_base == assumptions.monthly_base,
                "monthly_cost": cost,
                "total_cost": cost * months,
                "projection": projection,
            }
        )
    low = out[0] if out else None
    for row in out:
        if low is None:
            break
        extra_pension = row["projection"].result.total - low["projection"].result.total
        extra_cost = row["total_cost"] - low["total_cost"]
        row["extra_pension"] = extra_pension
        row["payback_years"] = (
            (extra_cost / extra_pension / 12).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
            if extra_pension > 0
            else None
        )
    return out
