"""The contribution arithmetic on the real Wuhan rule rows (migrations 0004_rule_rows and
0008_rule_rows_2014_to_today), checked against hand computations written out in the comments;
the named rounding rules at their half points and as properties."""

from __future__ import annotations

import ast
import datetime as dt
import importlib
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shebao.contributions import rules
from shebao.contributions.rulebook import contribution_quote, crediting_rate, month_parse, rulebook_load
from shebao.contributions.rules import (
    GradeBounds,
    account_interest,
    clamp_base,
    due_date,
    grade_check,
    late_fee,
)
from shebao.core.errors import InvalidInput

D = Decimal
MARCH_2025 = dt.date(2025, 3, 1)


# --- base limits -------------------------------------------------------------------------------


def test_clamp_base_applies_the_floor_and_the_cap_and_leaves_the_middle_alone():
    # 2025 contribution year: floor 4498, cap 22488
    assert clamp_base(D("3000"), D("4498"), D("22488")) == (D("4498"), "floor")
    assert clamp_base(D("30000"), D("4498"), D("22488")) == (D("22488"), "cap")
    assert clamp_base(D("8000.50"), D("4498"), D("22488")) == (D("8000.50"), None)
    # exactly at a limit is within it: nothing was clamped
    assert clamp_base(D("4498"), D("4498"), D("22488")) == (D("4498"), None)
    assert clamp_base(D("22488"), D("4498"), D("22488")) == (D("22488"), None)


@given(wage=st.decimals(min_value=0, max_value=10**6, places=2))
def test_a_clamped_base_always_lies_between_the_limits(wage):
    base, limit = clamp_base(wage, D("4498"), D("22488"))
    assert D("4498") <= base <= D("22488")
    assert (limit is None) == (base == wage)


@pytest.mark.django_db
def test_employee_below_the_floor_pays_on_the_floor_at_each_rate():
    # given a wage of 3000 in March 2025: base = floor 4498
    calc = contribution_quote(person_type="employee", month=MARCH_2025, wage=D("3000"), risk_class=1)
    # then
    assert (calc.base, calc.limit_applied) == (D("4498"), "floor")
    pension = calc.line("pension")
    assert pension.employer == D("719.68")  # 4498 × 16% = 719.68
    assert pension.personal == D("359.84")  # 4498 × 8% = 359.84
    medical = calc.line("medical")
    # × 8.7% (medical 8% + maternity 0.7%, merged from 2019) = 391.326 → 391.33; × 2%
    assert (medical.employer, medical.personal) == (D("391.33"), D("89.96"))
    unemployment = calc.line("unemployment")
    # 4498 × 0.7% = 31.486 → 31.49; 4498 × 0.3% = 13.494 → 13.49 (half up, at the end)
    assert (unemployment.employer, unemployment.personal) == (D("31.49"), D("13.49"))
    assert calc.line("injury").employer == D("9.00")  # class 1: 4498 × 0.2% = 8.996 → 9.00
    assert calc.line("maternity") is None  # merged into medical from 2019
    # 719.68 + 391.33 + 31.49 + 9.00 = 1151.50 ; 359.84 + 89.96 + 13.49 = 463.29
    assert (calc.employer_total, calc.personal_total, calc.total) == (D("1151.50"), D("463.29"), D("1614.79"))
    assert calc.account_credit == D("359.84")  # 8% of the base


@pytest.mark.django_db
def test_employee_above_the_cap_pays_on_the_cap():
    calc = contribution_quote(person_type="employee", month=MARCH_2025, wage=D("30000"))
    assert (calc.base, calc.limit_applied) == (D("22488"), "cap")
    assert calc.line("pension").employer == D("3598.08")  # 22488 × 16%
    assert calc.line("pension").personal == D("1799.04")  # 22488 × 8%


@pytest.mark.django_db
def test_each_year_uses_its_own_limits():
    # 2024: floor 4494, cap 22467; 2025: floor 4498
    assert contribution_quote(person_type="employee", month=dt.date(2024, 12, 1), wage=D("1")).base == D("4494")
    assert contribution_quote(person_type="employee", month=dt.date(2025, 1, 1), wage=D("1")).base == D("4498")
    assert contribution_quote(person_type="employee", month=dt.date(2024, 6, 1), wage=D("99999")).base == D("22467")
    # 2023: none published, so 60% and 300% of 7040, to the yuan: 4224 and 21120
    assert contribution_quote(person_type="employee", month=dt.date(2023, 6, 1), wage=D("1")).base == D("4224")


@pytest.mark.django_db
def test_the_pension_employer_rate_changes_on_its_date():
    book = rulebook_load(region="wuhan")
    # Hubei 19% up to 30 April 2019, 16% from 1 May 2019 (国办发〔2019〕13号)
    assert book.rates(person_type="employee", on=dt.date(2019, 4, 30))[("pension", "employer")].value == D("0.19")
    assert book.rates(person_type="employee", on=dt.date(2019, 5, 1))[("pension", "employer")].value == D("0.16")
    assert book.rates(person_type="employee", on=dt.date(2016, 4, 30))[("pension", "employer")].value == D("0.20")
    assert book.rates(person_type="employee", on=dt.date(2016, 5, 1))[("pension", "employer")].value == D("0.19")
    # maternity has a separate row only before 2019
    assert ("maternity", "employer") in book.rates(person_type="employee", on=dt.date(2018, 12, 1))
    assert ("maternity", "employer") not in book.rates(person_type="employee", on=dt.date(2019, 1, 1))


@pytest.mark.django_db
def test_flexible_worker_pays_twenty_percent_of_the_grade_with_eight_to_the_account():
    # grade 1.00 × 7496 = 7496: pension 20% = 1499.20, account 8% = 599.68, medical 10% = 749.60
    calc = contribution_quote(person_type="flexible", month=MARCH_2025, grade=D("1.00"))
    assert (calc.base, calc.limit_applied) == (D("7496.00"), None)
    assert calc.line("pension").personal == D("1499.20")
    assert calc.line("pension").employer is None
    assert calc.line("medical").personal == D("749.60")
    assert calc.account_credit == D("599.68")
    assert calc.employer_total == D("0.00")


@pytest.mark.django_db
def test_the_lowest_grade_pays_on_the_published_floor():
    # 0.60 × 7496 = 4497.60, below the published (rounded) floor 4498: the floor applies
    calc = contribution_quote(person_type="flexible", month=MARCH_2025, grade=D("0.60"))
    assert (calc.base, calc.limit_applied) == (D("4498"), "floor")
    assert calc.line("pension").personal == D("899.60")  # 4498 × 20%


WUHAN_GRADES = GradeBounds(1, D("0.60"), D("3.00"), D("0.01"), dt.date(2014, 1, 1), "M")


@pytest.mark.parametrize("ratio", ["0.59", "3.01", "0.5", "1.005", "NaN"])
def test_a_grade_outside_sixty_to_three_hundred_percent_is_refused(ratio):
    with pytest.raises(InvalidInput) as caught:
        grade_check(D(ratio), WUHAN_GRADES)
    assert caught.value.field == "grade"


@pytest.mark.parametrize("ratio", ["0.60", "0.61", "1.00", "2.99", "3.00", "1.5"])
def test_a_grade_within_the_bounds_on_a_step_is_accepted(ratio):
    assert grade_check(D(ratio), WUHAN_GRADES) == D(ratio)


def test_the_grade_rule_is_the_rows_bounds_and_step():
    # a row allowing 70%-250% in steps of 10%: 0.70, 0.80, … 2.50
    tens = GradeBounds(2, D("0.70"), D("2.50"), D("0.10"), dt.date(2030, 1, 1), "L")
    assert grade_check(D("0.80"), tens) == D("0.80")
    for refused in ("0.60", "0.75", "2.60"):
        with pytest.raises(InvalidInput):
            grade_check(D(refused), tens)
    # the forms speak percent, and so does the message
    with pytest.raises(InvalidInput) as caught:
        grade_check(D("0.75"), tens, field="grade_percent", percent=True)
    assert (caught.value.field, "70%" in caught.value.message_zh, "10%" in caught.value.message_en) == (
        "grade_percent",
        True,
        True,
    )


@pytest.mark.django_db
def test_a_result_names_the_rule_rows_it_used():
    calc = contribution_quote(person_type="employee", month=MARCH_2025, wage=D("8000"))
    tables = {r.table for r in calc.rules}
    assert tables == {"WageBase", "ContributionRate", "InjuryRate"}
    assert all(r.id is not None for r in calc.rules)
    pension_rate = next(r for r in calc.rules if r.key == "employee/pension/employer")
    # 16% (国办发〔2019〕13号), the row resumed after the 2020 exemption
    assert (pension_rate.value, pension_rate.effective_from, pension_rate.confidence) == (
        D("0.16"),
        dt.date(2021, 1, 1),
        "H",
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        (dict(person_type="employee", month=dt.date(2010, 1, 1), wage=D("5000")), "month"),  # no base limits
        (dict(person_type="employee", month=MARCH_2025, wage=D("5000"), risk_class=9), "risk_class"),
        (dict(person_type="employee", month=MARCH_2025, wage=D("5000"), region="shanghai"), "region"),
        (dict(person_type="retiree", month=MARCH_2025, wage=D("5000")), "person_type"),
    ],
)
def test_a_quote_without_its_rule_rows_is_a_clear_error(kwargs, field):
    with pytest.raises(InvalidInput) as caught:
        contribution_quote(**kwargs)
    assert caught.value.field == field
    assert caught.value.message_zh and caught.value.message_en


@pytest.mark.parametrize("text", ["2025-13", "2025-00", "2025/03", "25-03", "march"])
def test_month_parse_refuses_what_is_not_a_month(text):
    with pytest.raises(InvalidInput):
        month_parse(text)


# --- interest by the monthly-product method ----------------------------------------------------


def test_interest_full_year_matches_the_hand_computation():
    # B0 = 10000, r = 2.62% (2024), 500 credited every month
    # on the opening balance: 10000 × 0.0262 = 262.00
    # on the credits: 500 × (12+11+…+1 = 78) × 0.0262 / 12 = 39000 × 0.0262 / 12 = 85.15
    # closing: 10000 + 6000 + 262.00 + 85.15 = 16347.15
    calc = account_interest(year=2024, opening_balance=D("10000"), monthly_credits=[D("500")] * 12, rate=D("0.0262"))
    assert calc.interest_on_opening == D("262.00")
    assert calc.interest_on_credits == D("85.15")
    assert calc.interest == D("347.15")
    assert calc.closing_balance == D("16347.15")
    assert [x.months_earning for x in calc.lines] == list(range(12, 0, -1))


def test_interest_weights_each_month_by_the_months_it_earns():
    # one credit of 1200 in March earns 12 − 3 + 1 = 10 months: 1200 × 10 × 0.0397 / 12 = 39.70
    credits = [D(0)] * 12
    credits[2] = D("1200")
    calc = account_interest(year=2023, opening_balance=D(0), monthly_credits=credits, rate=D("0.0397"))
    assert calc.interest_on_credits == D("39.70")
    # the same credit in December earns one month: 1200 × 1 × 0.0397 / 12 = 3.97
    credits = [D(0)] * 11 + [D("1200")]
    assert account_interest(year=2023, opening_balance=D(0), monthly_credits=credits, rate=D("0.0397")).interest == D(
        "3.97"
    )


def test_part_year_interest_is_the_same_method_truncated_at_month_k():
    # retirement in June (k = 6): B0 × r × 6/12 = 10000 × 0.0262 / 2 = 131.00
    # credits m = 1..6 earn 6..1 months: 500 × 21 × 0.0262 / 12 = 22.925 → 22.93 (half up)
    # closing: 10000 + 3000 + 131.00 + 22.93 = 13153.93; the July-December credits do not count
    calc = account_interest(
        year=2024, opening_balance=D("10000"), monthly_credits=[D("500")] * 12, rate=D("0.0262"), months=6
    )
    assert (calc.interest_on_opening, calc.interest_on_credits) == (D("131.00"), D("22.93"))
    assert calc.credited == D("3000.00")
    assert calc.closing_balance == D("13153.93")


@given(
    opening=st.decimals(min_value=0, max_value=10**6, places=2),
    credit=st.decimals(min_value=0, max_value=10**4, places=2),
    months=st.integers(min_value=1, max_value=12),
)
def test_closing_is_opening_plus_credits_plus_interest(opening, credit, months):
    calc = account_interest(
        year=2020, opening_balance=opening, monthly_credits=[credit] * 12, rate=D("0.0604"), months=months
    )
    assert calc.closing_balance == opening + credit * months + calc.interest
    assert calc.interest >= 0


@pytest.mark.django_db
def test_a_year_without_a_published_rate_is_refused_unless_a_part_year():
    with pytest.raises(InvalidInput) as caught:
        crediting_rate(year=2026)
    assert "2026" in caught.value.message_zh and caught.value.field == "year"
    # a retirement in 2026 before the rate is out: the latest published (2025: 1.50%) stands in
    crediting = crediting_rate(year=2026, provisional_allowed=True)
    assert (crediting.rate, crediting.provisional) == (D("0.015"), True)
    assert crediting_rate(year=2019).rate == D("0.0761")


# --- late fee and due date -----------------------------------------------------------------------


def test_due_date_is_the_month_end_plus_the_grace_days():
    assert due_date(dt.date(2019, 4, 1), grace_days=15) == dt.date(2019, 5, 15)
    assert due_date(dt.date(2024, 2, 1), grace_days=15) == dt.date(2024, 3, 15)  # 29 Feb + 15
    assert due_date(dt.date(2019, 12, 1), grace_days=15) == dt.date(2020, 1, 15)


def test_late_fee_is_amount_times_daily_rate_times_days_overdue():
    # 1000 × 0.0005 × 30 days (16 May to 14 June inclusive) = 15.00
    calc = late_fee(amount=D("1000"), due=dt.date(2019, 5, 15), as_of=dt.date(2019, 6, 14), daily_rate=D("0.0005"))
    assert (calc.days, calc.fee) == (30, D("15.00"))
    # on or before the due date nothing is owed
    assert (
        late_fee(amount=D("1000"), due=dt.date(2019, 5, 15), as_of=dt.date(2019, 5, 15), daily_rate=D("0.0005")).fee
        == 0
    )


# --- administrators correct the rule rows, audited -----------------------------------------------


@pytest.mark.django_db
def test_an_administrators_correction_of_a_rate_is_audited_and_used_at_once(rf, admin_user):
    from django.contrib import admin

    from shebao.contributions.models import ContributionRate
    from shebao.core.models import AuditEvent

    # given the medical employer rate in force (L) corrected from 8.7% to 7.5% in the admin
    row = ContributionRate.objects.get(
        insurance="medical", person_type="employee", payer="employer", effective_from=dt.date(2019, 1, 1)
    )
    model_admin = admin.site._registry[ContributionRate]
    request = rf.post("/admin/")
    request.user = admin_user
    row.rate = D("0.075")
    model_admin.save_model(request, row, form=None, change=True)
    # then the change is an audit event with the row before and after
    event = AuditEvent.objects.filter(action="rule.change").latest("id")
    assert (event.before["rate"], event.after["rate"]) == ("0.08700", "0.075")
    assert event.actor_id == admin_user.pk
    # and the next calculation uses it: 4498 × 7.5% = 337.35
    assert contribution_quote(person_type="employee", month=MARCH_2025, wage=D("1")).line("medical").employer == D(
        "337.35"
    )


# --- purity ----------------------------------------------------------------------------------

RULES_DIR = Path(rules.__file__).parent
PURE_IMPORTS = ("shebao.contributions.rules", "shebao.core.errors", "shebao.core.money", "shebao.core.months")


def _imported(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


@pytest.mark.parametrize("path", sorted(RULES_DIR.glob("*.py")), ids=lambda p: p.name)
def test_the_rules_package_imports_no_django_and_only_the_pure_parts_of_core(path):
    # given each module of the rules package (a package since it passed 600 lines), then it
    # imports the standard library, its own modules and core's pure helpers only
    assert [
        n
        for n in _imported(path)
        if n.startswith("django") or (n.startswith("shebao") and not n.startswith(PURE_IMPORTS))
    ] == []


@pytest.mark.parametrize("name", PURE_IMPORTS[1:])
def test_the_parts_of_core_the_rules_use_import_no_django(name):
    path = Path(importlib.import_module(name).__file__)
    assert [n for n in _imported(path) if n.startswith("django")] == []
