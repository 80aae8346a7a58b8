"""The pure rules (DOMAIN.md §6): duration by contribution months at the 12/60/120 boundaries,
monotone and capped at 24 with carried months; the amount; the reasons that refuse."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shebao.unemployment import rules


def _ref(key: str, value: str, confidence: str = "H") -> rules.RuleRef:
    return rules.RuleRef(f"test#{key}", key, value, "2021-09-01", confidence, "test")


PARAMS = rules.Params(
    benefit_share=Decimal("0.9"),
    minimum_wage=Decimal("2010.00"),
    entitlement_cap=24,
    deadline_days=60,
    durations=tuple(rules.DurationStep(m, n, _ref(f"d{m}", str(n))) for m, n in ((12, 12), (60, 18), (120, 24))),
    reasons={
        "contract_ended": rules.SeparationRule(
            "contract_ended", True, "劳动合同期满终止", "Contract ended", "第四条", _ref("r1", "1")
        ),
        "resigned": rules.SeparationRule("resigned", False, "本人主动辞职", "Resigned", "第十四条", _ref("r2", "0")),
    },
    rules=(_ref("benefit_share", "0.9", "L"), _ref("minimum_wage", "2010", "L")),
)


def assess(months: int, reason: str = "contract_ended", unused: int = 0, **kw) -> rules.Assessment:
    return rules.unemployment_assess(
        contribution_months=months, separation_reason=reason, previous_unused_months=unused, params=PARAMS, **kw
    )


@pytest.mark.parametrize(
    ("months", "expected"),
    [(0, 0), (11, 0), (12, 12), (59, 12), (60, 18), (119, 18), (120, 24), (480, 24)],
)
def test_duration_at_the_boundaries(months, expected):
    # given a person with `months` of contributions and nothing carried over
    result = assess(months)
    # then the months granted are the table's step (none under 12: refused)
    assert result.max_months == expected
    assert result.eligible is (months >= 12)


def test_the_monthly_amount_is_90_percent_of_2010_to_the_fen_and_provisional():
    result = assess(60)
    assert result.monthly_benefit == Decimal("1809.00")  # 2010 × 0.9 by hand
    assert result.provisional  # the share and the wage are confidence L
    assert {r["ref"] for r in result.derivation["rules"]} >= {"test#benefit_share", "test#minimum_wage", "test#d60"}


@given(st.integers(0, 600), st.integers(0, 600), st.integers(0, 24))
def test_duration_is_monotone_in_months_and_capped_at_24(a, b, unused):
    low, high = sorted((a, b))
    short = assess(low, unused=unused).max_months
    long = assess(high, unused=unused).max_months
    assert short <= long <= 24


@given(st.integers(12, 600), st.integers(0, 24))
def test_carried_months_add_up_to_the_cap(months, unused):
    own = assess(months).max_months
    assert assess(months, unused=unused).max_months == min(24, own + unused)


def test_carried_months_do_not_make_an_ineligible_claim_eligible():
    result = assess(11, unused=12)
    assert not result.eligible and result.max_months == 0
    assert [r.code for r in result.reasons] == ["contributions"]


def test_a_voluntary_separation_and_a_late_claim_each_give_their_reason():
    # 31 January to 1 April 2026 is 60 days: on time, so only the resignation refuses
    result = assess(60, reason="resigned", separated_on=dt.date(2026, 1, 31), claimed_on=dt.date(2026, 4, 1))
    assert [r.code for r in result.reasons] == ["voluntary"]
    late = assess(60, separated_on=dt.date(2026, 1, 31), claimed_on=dt.date(2026, 4, 2))  # 61 days
    assert [r.code for r in late.reasons] == ["deadline"]
    assert "61天" in late.reasons[0].message and "61 days" in late.reasons[0].message_en
    assert not late.eligible and late.monthly_benefit == Decimal("0.00")
