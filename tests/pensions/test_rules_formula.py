"""The pension formula (国发〔2005〕38号, DOMAIN.md §1.1-1.2): the months table and its
interpolation, the average index, and each component computed by hand here."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shebao.core.errors import InvalidInput
from shebao.pensions.rules.formula import (
    MONTHS_DIVISOR_TABLE,
    PensionInputs,
    PensionParams,
    average_index,
    months_divisor,
    pension_compute,
)

D = Decimal
WUHAN = PensionParams(
    average_wage=D("9112"),
    transition_coefficient=D("0.012"),
    deemed_index_rule="own_index",
    rule_refs=("pensions.PensionBase#2", "pensions.TransitionRule#1"),
    average_wage_ref="pensions.PensionBase#2",
    transition_ref="pensions.TransitionRule#1",
)


def inputs(**kw):
    values = {
        "average_index": D("0.60"),
        "contribution_months": 180,
        "deemed_months": 0,
        "account_balance": D("60000.00"),
        "age_years": 60,
        "age_months": 0,
    }
    values.update(kw)
    return PensionInputs(**values)


@pytest.mark.parametrize(
    ("age", "expected"),
    [((60, 1), "138.4"), ((50, 1), "194.6"), ((62, 10), "118.3"), ((55, 0), "170.0"), ((63, 0), "117.0")],
)
def test_months_divisor_published_points(age, expected):
    assert months_divisor(age_years=age[0], age_months=age[1]) == D(expected)


def test_months_divisor_interpolates_half_up_to_a_tenth():
    # 47y6m: 208 + (204 − 208) × 6/12 = 206.0; 58y3m: 152 + (145 − 152) × 3/12 = 150.25 → 150.3
    assert months_divisor(age_years=47, age_months=6) == D("206.0")
    assert months_divisor(age_years=58, age_months=3) == D("150.3")


@pytest.mark.parametrize("age", list(MONTHS_DIVISOR_TABLE))
def test_months_divisor_equals_the_table_at_whole_years(age):
    assert months_divisor(age_years=age, age_months=0) == MONTHS_DIVISOR_TABLE[age]


@given(st.integers(40 * 12, 70 * 12 - 1))
def test_months_divisor_falls_with_every_month_of_age(months):
    younger = months_divisor(age_years=months // 12, age_months=months % 12)
    older = months_divisor(age_years=(months + 1) // 12, age_months=(months + 1) % 12)
    assert older < younger


@pytest.mark.parametrize(
    ("years", "months", "field"), [(39, 11, "age_years"), (70, 1, "age_years"), (60, 12, "age_months")]
)
def test_months_divisor_outside_the_table_is_refused(years, months, field):
    with pytest.raises(InvalidInput) as refused:
        months_divisor(age_years=years, age_months=months)
    assert refused.value.field == field


def test_average_index_is_the_mean_of_the_monthly_indices():
    # 4498/7496 = 0.600053..., 7496/7496 = 1, 22488/7496 = 3 → (4.600053...) / 3 = 1.533351 → 1.5334
    months = [(D("4498"), D("7496")), (D("7496"), D("7496")), (D("22488"), D("7496"))]
    assert average_index(months=months) == D("1.5334")
    assert average_index(months=[]) == D("0")


def test_basic_and_account_pension_without_deemed_years():
    # basic: (9112 + 9112 × 0.6) / 2 × 15 × 1% = 14579.2 / 2 × 0.15 = 1093.44
    # account: 60000 / 139 = 431.654... → 431.65
    result = pension_compute(inputs=inputs(), params=WUHAN)
    assert result.basic_pension == D("1093.44")
    assert result.account_pension == D("431.65")
    assert result.transition_pension == D("0.00")
    assert result.total == D("1525.09")
    assert result.months_divisor == D("139.0")
    assert result.provisional is False
    lines = {line.key: line for line in result.derivation}
    assert lines["basic_pension"].formula == "(9112 + 9112 × 0.60) ÷ 2 × 180/12 × 1% = 1093.44"
    assert lines["basic_pension"].rule_ref == "pensions.PensionBase#2"
    assert lines["account_pension"].formula == "60000.00 ÷ 139.0 = 431.65"


def test_transition_pension_by_each_deemed_index_rule():
    # 420 months in all, 120 deemed (10 years), Z̄ = 1.2, C̄ = 9112, k = 1.2%:
    # own index: 9112 × 1.2 × 10 × 0.012 = 1312.128 → 1312.13
    # fixed one: 9112 × 1 × 10 × 0.012 = 1093.44
    # half sum:  9112 × 1.1 × 10 × 0.012 = 1202.784 → 1202.78
    given = inputs(average_index=D("1.2"), contribution_months=420, deemed_months=120)
    expected = {"own_index": D("1312.13"), "fixed_one": D("1093.44"), "half_sum": D("1202.78")}
    for rule, amount in expected.items():
        params = PensionParams(average_wage=D("9112"), transition_coefficient=D("0.012"), deemed_index_rule=rule)
        assert pension_compute(inputs=given, params=params).transition_pension == amount
    # basic: (9112 + 10934.4) / 2 × 35 × 1% = 10023.2 × 0.35 = 3508.12
    assert pension_compute(inputs=given, params=WUHAN).basic_pension == D("3508.12")


def test_a_month_age_uses_the_interpolated_divisor_and_months_pro_rate_the_years():
    # 60y1m: divisor 138.4; 60000 / 138.4 = 433.526... → 433.53
    # 181 months: (9112 + 5467.2) / 2 × 181/12 × 1% = 7289.6 × 0.150833... = 1099.5146... → 1099.51
    result = pension_compute(inputs=inputs(age_months=1, contribution_months=181), params=WUHAN)
    assert result.account_pension == D("433.53")
    assert result.basic_pension == D("1099.51")
    assert result.total == D("1099.51") + D("433.53")


def test_each_component_is_rounded_once_and_the_total_is_their_sum():
    # basic: (9000 + 9000 × 0.6015) / 2 × 15.5 × 1% = 14413.5 × 0.0775 = 1117.04625 → 1117.05
    # account: 12345.67 / 139 = 88.8178... → 88.82; transition: 9000 × 0.6015 × 0.5 × 0.012 = 32.481 → 32.48
    params = PensionParams(average_wage=D("9000"), transition_coefficient=D("0.012"), deemed_index_rule="own_index")
    result = pension_compute(
        inputs=inputs(
            average_index=D("0.6015"), contribution_months=186, deemed_months=6, account_balance=D("12345.67")
        ),
        params=params,
    )
    assert (result.basic_pension, result.account_pension, result.transition_pension) == (
        D("1117.05"),
        D("88.82"),
        D("32.48"),
    )
    assert result.total == D("1238.35")


def test_provisional_params_mark_the_result_and_say_why():
    params = PensionParams(
        average_wage=D("9112"),
        transition_coefficient=D("0.012"),
        deemed_index_rule="own_index",
        provisional=True,
        provisional_note_zh="2026年计发基数尚未公布，沿用2025年的9112元",
        provisional_note_en="the 2026 figure is not published",
    )
    result = pension_compute(inputs=inputs(), params=params)
    assert result.provisional is True
    assert "沿用2025年的9112元" in result.derivation[-1].label_zh


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"deemed_months": 200}, "deemed_months"),
        ({"contribution_months": -1}, "contribution_months"),
        ({"account_balance": D("-1")}, "account_balance"),
        ({"average_index": D("-0.1")}, "average_index"),
    ],
)
def test_impossible_inputs_are_refused_naming_the_field(change, field):
    with pytest.raises(InvalidInput) as refused:
        pension_compute(inputs=inputs(**change), params=WUHAN)
    assert refused.value.field == field


def test_the_rules_package_is_pure():
    import ast
    from pathlib import Path

    import shebao.pensions.rules as package

    allowed = ("shebao.pensions.rules", "shebao.core.errors", "shebao.core.money")
    for path in Path(package.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert not name.startswith("django"), f"{path.name} imports {name}"
                assert not name.startswith("shebao") or name.startswith(allowed), f"{path.name} imports {name}"


# --- the estimate's projection (rules.projection) ---------------------------------------------


def test_account_projection_by_the_month_product_method():
    from shebao.pensions.rules.ages import YearMonth
    from shebao.pensions.rules.projection import account_project

    # 1000 at the start of 2026-11, 100 a month for three months, 12% a year:
    # Nov 1100 earns 11; Dec 1200 earns 12; December credits 23 → 1223;
    # Jan 1323 earns 13.23, credited at the end → 1336.23
    projected = account_project(
        balance=D("1000"), start=YearMonth(2026, 11), months=3, monthly_credit=D("100"), rate=D("0.12"), growth=D(0)
    )
    assert projected == D("1336.23")
    # with wages 10% up from 2027 January's credit is 110: 1333 earns 13.33 → 1346.33
    grown = account_project(
        balance=D("1000"), start=YearMonth(2026, 11), months=3, monthly_credit=D("100"), rate=D("0.12"), growth=D("0.1")
    )
    assert grown == D("1346.33")


def test_projection_weights_the_index_and_checks_the_minimum():
    from shebao.pensions.rules.ages import YearMonth
    from shebao.pensions.rules.projection import Assumptions, Record, pension_project

    # 120 months at Z̄ 0.8, then 60 months at index 2 (base 14992 at 7496): (96 + 120) / 180 = 1.2
    projection = pension_project(
        record=Record(actual_months=120, average_index=D("0.8"), account_balance=D("0")),
        assumptions=Assumptions(
            monthly_base=D("14992"), monthly_index=D("2"), account_share=D("0.08"), interest_rate=D(0)
        ),
        start=YearMonth(2026, 1),
        retirement=YearMonth(2031, 1),
        birth=YearMonth(1971, 1),
        params=WUHAN,
        minimum_months=192,
    )
    assert (projection.future_months, projection.average_index) == (60, D("1.2000"))
    # account: 60 × 8% × 14992 = 60 × 1199.36 = 71961.60; age 60y0m → 139: 517.71
    assert projection.account_balance == D("71961.60")
    assert projection.result.account_pension == D("517.71")
    # basic: (9112 + 10934.4) / 2 × 15 × 1% = 1503.48; 180 months is below the 192 of 2031
    assert projection.result.basic_pension == D("1503.48")
    assert projection.eligible is False
    assert [line.key for line in projection.derivation][:3] == ["assumed_base", "assumed_interest", "assumed_growth"]
