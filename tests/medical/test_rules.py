"""The pure reimbursement computation against hand computations (DOMAIN.md §5.2 figures), and
its properties: never above the in-policy cost, monotone in the cost, the cap respected."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from shebao.medical.rules import (
    FILING_TYPES,
    LEVELS,
    Benefit,
    Cut,
    Limits,
    RuleRef,
    RuleSet,
    reimbursement_compute,
)

D = Decimal
WUHAN = {"3": ("800", "0.86"), "2": ("600", "0.88"), "1": ("400", "0.90"), "community": ("200", "0.92")}
CUTS = {"local": "0", "long_term": "0", "referral": "10", "emergency": "10", "unfiled": "20"}


def _ref(key: str) -> RuleRef:
    return RuleRef(ref=f"test#{key}", key=key, value="", effective_from="2024-01-01", confidence="L", source="t")


def wuhan_rules() -> RuleSet:
    benefits = {}
    for level, (deductible, rate) in WUHAN.items():
        for person, bonus in (("working", D("0")), ("retired", D("0.04"))):
            for seq, factor in (("first", D("1")), ("later", D("0.5"))):
                benefits[(person, level, seq)] = Benefit(D(deductible) * factor, D(rate) + bonus, _ref(level))
    return RuleSet(
        benefits=benefits,
        cuts={k: Cut(D(v), _ref(k)) for k, v in CUTS.items()},
        limits=Limits(D("240000"), D("300000"), D("0.85"), _ref("limits")),
    )


def _compute(cost: str, person: str, level: str, filing: str = "local", n: int = 1, basic="0", large="0"):
    return reimbursement_compute(
        rules=wuhan_rules(),
        in_policy_cost=D(cost),
        person_type=person,
        hospital_level=level,
        filing_type=filing,
        admission_number=n,
        basic_paid_ytd=D(basic),
        large_paid_ytd=D(large),
    )


def test_each_hospital_level_working_and_retired_first_admission_against_a_hand_computation():
    # (10 000 − deductible) × rate; retirees +4 points
    expected = {
        ("working", "3"): D("7912.00"),  # 9 200 × 86%
        ("retired", "3"): D("8280.00"),  # 9 200 × 90%
        ("working", "2"): D("8272.00"),  # 9 400 × 88%
        ("retired", "2"): D("8648.00"),  # 9 400 × 92%
        ("working", "1"): D("8640.00"),  # 9 600 × 90%
        ("retired", "1"): D("9024.00"),  # 9 600 × 94%
        ("working", "community"): D("9016.00"),  # 9 800 × 92%
        ("retired", "community"): D("9408.00"),  # 9 800 × 96%
    }
    for (person, level), amount in expected.items():
        result = _compute("10000", person, level)
        assert result.amount == amount, (person, level)
        assert result.large_paid == D("0")


def test_a_later_admission_pays_half_the_deductible():
    # level 1 working, second admission: (10 000 − 200) × 90% = 8 820
    assert _compute("10000", "working", "1", n=2).amount == D("8820.00")
    # community retired, third admission: (5 000 − 100) × 96% = 4 704
    assert _compute("5000", "retired", "community", n=3).amount == D("4704.00")


def test_cross_region_cuts_referral_emergency_unfiled():
    # level 3 working first: 9 200 × (86% − 10) = 6 992
    assert _compute("10000", "working", "3", "referral").amount == D("6992.00")
    # level 3 retired emergency: 9 200 × (90% − 10) = 7 360
    assert _compute("10000", "retired", "3", "emergency").amount == D("7360.00")
    # level 2 working unfiled: 9 400 × (88% − 20) = 6 392
    assert _compute("10000", "working", "2", "unfiled").amount == D("6392.00")
    # a long-term filing keeps the local rate
    assert _compute("10000", "working", "2", "long_term").amount == D("8272.00")


def test_hitting_the_annual_cap_moves_the_rest_into_the_large_amount_band():
    # level 3 working, 100 000 in-policy, 200 000 already paid this year:
    # due 99 200 × 86% = 85 312 > room 40 000 → basic 40 000;
    # costs the basic fund could not cover: 99 200 − 40 000 / 0.86 = 52 688.372093…; × 85% = 44 785.116… → 44 785.12
    result = _compute("100000", "working", "3", basic="200000")
    assert result.basic_paid == D("40000.00")
    assert result.large_paid == D("44785.12")
    assert result.amount == D("84785.12")
    assert any("年度最高支付限额" in line.label_zh for line in result.lines)


def test_the_large_amount_band_is_capped_too():
    # cap exhausted, 290 000 of the 300 000 band used: 99 200 × 85% = 84 320 > 10 000 left
    result = _compute("100000", "working", "3", basic="240000", large="290000")
    assert (result.basic_paid, result.large_paid, result.amount) == (D("0.00"), D("10000.00"), D("10000.00"))


def test_costs_below_the_deductible_pay_nothing_and_the_derivation_names_the_rows():
    result = _compute("500", "working", "3")
    assert result.amount == D("0.00")
    assert result.provisional is True  # every Wuhan row is confidence L
    assert [r.ref for r in result.rules] == ["test#3", "test#local", "test#limits"]


money = st.decimals(min_value=0, max_value=800000, places=2, allow_nan=False, allow_infinity=False)


@settings(deadline=None, max_examples=200)
@given(
    cost=money,
    extra=money,
    person=st.sampled_from(["working", "retired"]),
    level=st.sampled_from(LEVELS),
    filing=st.sampled_from(FILING_TYPES),
    n=st.integers(min_value=1, max_value=5),
    basic=st.decimals(min_value=0, max_value=240000, places=2),
    large=st.decimals(min_value=0, max_value=300000, places=2),
)
def test_properties_never_above_cost_monotone_and_capped(cost, extra, person, level, filing, n, basic, large):
    result = _compute(str(cost), person, level, filing, n, str(basic), str(large))
    more = _compute(str(cost + extra), person, level, filing, n, str(basic), str(large))
    assert D("0") <= result.amount <= cost
    assert result.amount <= more.amount
    assert result.basic_paid <= D("240000") - basic
    assert result.large_paid <= D("300000") - large
    assert result.amount == result.basic_paid + result.large_paid
