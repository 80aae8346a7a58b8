"""The rule rows from 2014 to today (migration 0008_rule_rows_2014_to_today): every month since
2014 computes, each row names its source and confidence, maternity merged into medical keeps
the employer's total, and a month after the last published base limits uses them carried
forward, marked provisional and naming the row."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from shebao.contributions.models import BackpayCharge, ContributionRate, GradeRule, InjuryRate, InterestRate, WageBase
from shebao.contributions.rulebook import contribution_quote, crediting_rate, rulebook_load
from shebao.core.months import months_between

D = Decimal
pytestmark = pytest.mark.django_db


def test_every_month_from_2014_to_today_computes_for_both_kinds_of_payer():
    for month in months_between(dt.date(2014, 1, 1), dt.date(2026, 12, 1)):
        employee = contribution_quote(person_type="employee", month=month, wage=D("6000"), risk_class=8)
        flexible = contribution_quote(person_type="flexible", month=month, grade=D("1.00"))
        assert employee.line("pension") is not None and flexible.line("pension") is not None
        # the base limits of the month's own year up to 2025, the 2025 row carried forward after
        limits = next(r for r in employee.rules if r.key.endswith("/floor"))
        assert limits.key.startswith(str(min(month.year, 2025)))
        assert employee.provisional == (month.year > 2025)


def test_every_crediting_rate_from_2014_to_2025_is_stored_with_its_confidence():
    rates = {y: crediting_rate(year=y) for y in range(2014, 2026)}
    # before 2016 each province set its own (Hubei; sources disagree, L); from 2016 the national rate
    assert {y: c.rule.confidence for y, c in rates.items() if y < 2016} == {2014: "L", 2015: "L"}
    assert rates[2016].rate == D("0.0831") and rates[2025].rate == D("0.015")
    assert not any(c.provisional for c in rates.values())
    assert "不一致" in InterestRate.objects.get(year=2014).note  # the disagreement is named in the row


def test_every_rule_row_names_its_source_and_confidence():
    for model in (WageBase, ContributionRate, InjuryRate, InterestRate, GradeRule, BackpayCharge):
        rows = list(model.objects.all())
        assert rows, model
        assert all(row.source.strip() and row.confidence in ("H", "M", "L") for row in rows), model
    # the L base rows say what is to verify; a row without a published floor says it is computed
    assert all(row.note for row in WageBase.objects.filter(confidence="L"))
    assert WageBase.objects.get(year=2021).floor is None


# --- maternity merged into medical (国办发〔2019〕10号) ------------------------------------------------


@pytest.mark.parametrize("risk_class", [1, 8])
def test_the_employers_total_does_not_drop_when_maternity_merges_into_medical(risk_class):
    # given the same wage of 6000 in December 2018 and January 2019 (inside both years' limits)
    december = contribution_quote(
        person_type="employee", month=dt.date(2018, 12, 1), wage=D("6000"), risk_class=risk_class
    )
    january = contribution_quote(
        person_type="employee", month=dt.date(2019, 1, 1), wage=D("6000"), risk_class=risk_class
    )
    # then December: medical 8% = 480.00 + maternity 0.7% = 42.00; January: merged 8.7% = 522.00
    assert (december.line("medical").employer, december.line("maternity").employer) == (D("480.00"), D("42.00"))
    assert (january.line("medical").employer, january.line("maternity")) == (D("522.00"), None)
    # the employer's total is unchanged across the boundary (pension 19% both months); the person's too
    assert january.employer_total == december.employer_total
    assert january.personal_total == december.personal_total
    merged = next(r for r in january.rules if r.key == "employee/medical/employer")
    assert merged.effective_from == dt.date(2019, 1, 1)
    assert "国办发〔2019〕10号" in ContributionRate.objects.get(pk=merged.id).source


def test_the_merged_rate_is_the_sum_of_the_two_rows_it_replaces():
    book = rulebook_load(region="wuhan")
    before = book.rates(person_type="employee", on=dt.date(2018, 12, 31))
    after = book.rates(person_type="employee", on=dt.date(2019, 1, 1))
    assert (
        after[("medical", "employer")].value
        == before[("medical", "employer")].value + before[("maternity", "employer")].value
    )
    # the individual's medical rate is unchanged by the merger
    assert after[("medical", "individual")].value == before[("medical", "individual")].value


# --- rate history ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "insurance", "payer", "rate"),
    [
        (dt.date(2014, 6, 1), "pension", "employer", "0.20"),  # 38号文 era
        (dt.date(2016, 5, 1), "pension", "employer", "0.19"),  # Hubei from 2016-05 (L)
        (dt.date(2019, 5, 1), "pension", "employer", "0.16"),  # 国办发〔2019〕13号
        (dt.date(2020, 6, 1), "pension", "employer", "0"),  # Hubei's 2020 exemption of employers
        (dt.date(2020, 6, 1), "pension", "individual", "0.08"),  # the person still pays
        (dt.date(2021, 1, 1), "pension", "employer", "0.16"),
        (dt.date(2014, 6, 1), "unemployment", "employer", "0.02"),  # 失业保险条例: 2% / 1%
        (dt.date(2015, 3, 1), "unemployment", "individual", "0.005"),  # 人社部发〔2015〕24号
        (dt.date(2016, 5, 1), "unemployment", "employer", "0.007"),  # 0.7% / 0.3%
        (dt.date(2014, 6, 1), "maternity", "employer", "0.007"),
    ],
)
def test_the_rate_in_force_on_a_date(day, insurance, payer, rate):
    found = rulebook_load(region="wuhan").rates(person_type="employee", on=day)[(insurance, payer)]
    assert found.value == D(rate)


def test_work_injury_before_the_2015_reform_uses_the_three_old_classes():
    book = rulebook_load(region="wuhan")
    # 劳社部发〔2003〕29号: about 0.5%, 1%, 2%; the 2015 eight classes from 2015-10-01
    assert [book.injury_rate(risk_class=c, on=dt.date(2015, 9, 30)).value for c in (1, 4, 8)] == [
        D("0.005"),
        D("0.01"),
        D("0.02"),
    ]
    assert book.injury_rate(risk_class=8, on=dt.date(2015, 10, 1)).value == D("0.019")


# --- months after the last published row: carried forward, provisional -----------------------------


def test_a_month_after_the_last_published_base_limits_is_provisional_and_names_the_row():
    row_2025 = WageBase.objects.get(region="wuhan", year=2025)
    calc = contribution_quote(person_type="employee", month=dt.date(2026, 3, 1), wage=D("3000"))
    # the 2025 floor is used, and the answer says it is carried forward from that row
    assert (calc.base, calc.limit_applied) == (D("4498"), "floor")
    assert calc.provisional
    assert {(r.table, r.id) for r in calc.carried_forward} == {("WageBase", row_2025.pk)}
    assert any("暂定" in step and f"WageBase #{row_2025.pk}" in step for step in calc.steps)
    assert calc.rule_ids()["carried_forward"] == ["WageBase:2025/average", "WageBase:2025/floor", "WageBase:2025/cap"]
    # a month of 2025 itself is not provisional
    assert not contribution_quote(person_type="employee", month=dt.date(2025, 12, 1), wage=D("3000")).provisional


def test_once_the_new_years_row_is_entered_the_month_is_no_longer_provisional():
    WageBase.objects.create(
        region="wuhan",
        year=2026,
        average=D("7700"),
        floor=None,
        cap=None,
        effective_from=dt.date(2026, 1, 1),
        effective_to=dt.date(2026, 12, 31),
        source="test",
        confidence="L",
    )
    calc = contribution_quote(person_type="employee", month=dt.date(2026, 3, 1), wage=D("3000"))
    # computed where not published: 7700 × 60% = 4620 exactly
    assert (calc.base, calc.provisional) == (D("4620"), False)
    assert any("下限未公布" in step for step in calc.steps)


def test_a_rate_row_that_ended_is_not_carried_forward():
    # maternity ended with its merger: it is not charged in 2019, nor marked as carried
    calc = contribution_quote(person_type="employee", month=dt.date(2019, 6, 1), wage=D("6000"))
    assert calc.line("maternity") is None and not calc.provisional
