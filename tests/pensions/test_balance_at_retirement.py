"""The personal-account balance a determination uses is the balance at the retirement month
(issue 11, DOMAIN.md §2.2): the credits before the month, every earlier year's interest (quoted
at its rate when the year-end crediting has not run yet), and the retirement year's interest up
to the month before by the monthly-product method, at the latest published rate marked
provisional while the year's rate is not out. Nothing credited in or after the month counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from shebao.contributions.accounts import account_balance_at, account_interest_credit, account_summary
from shebao.contributions.models import AccountEntry
from shebao.core.errors import NotFound
from shebao.pensions.inputs import pension_inputs_for
from shebao.pensions.models import PensionDetermination
from tests.pensions.support import RETIRE_FORM, retiree_in_waiting
from tests.web.support import make_person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("engine", "benefit_staff")]

RETIRE = dt.date(2026, 5, 1)


def _credit(person, month: dt.date, amount: str, kind: str = "contribution") -> None:
    AccountEntry.objects.create(
        person=person, kind=kind, year=month.year, credited_month=month, amount=D(amount), note="test"
    )


def _account(district):
    """500.00 a month in 2024 (its interest credited), 600.00 a month in 2025 (the year-end
    crediting not run), 700.00 a month from 2026-01 to 2026-06, and a payout in 2026-07."""
    person = make_person(district=district, name="账户人")
    for m in range(1, 13):
        _credit(person, dt.date(2024, m, 1), "500.00")
        _credit(person, dt.date(2025, m, 1), "600.00")
    account_interest_credit(person=person, year=2024)
    for m in range(1, 7):
        _credit(person, dt.date(2026, m, 1), "700.00")
    _credit(person, dt.date(2026, 7, 1), "-500.00", kind="payout")
    return person


def test_the_balance_at_a_retirement_month_is_the_credits_before_it_with_the_interest_to_then(clerk, district):
    # given an account credited each month 2024-01 … 2026-06, 2024's interest credited, 2025's not
    person = _account(district)
    # 2024 at 2.62 %: 500 × 78 × 0.0262 / 12 = 85.15
    assert AccountEntry.objects.get(person=person, kind="interest", year=2024).amount == D("85.15")

    # when the balance at a retirement in 2026-05 is read
    at = account_balance_at(actor=clerk, person=person, month=RETIRE)

    # then 2025's interest is quoted at 1.50 %: 6085.15 × 0.015 + 600 × 78 × 0.015 / 12
    #      = 91.27725 + 58.5 = 149.77725 → 149.78; the 2026 opening 6085.15 + 7200 + 149.78 = 13434.93
    assert [(year, calc.interest) for year, calc, _ in at.earlier_interest] == [(2025, D("149.78"))]
    assert at.opening == D("13434.93")
    # the credits of January to April only (May and June's 700.00 and July's payout are after it)
    assert at.credited == D("2800.00")
    # 2026's interest to April at 2025's 1.50 % carried forward (2026's is not published):
    # 13434.93 × 0.015 × 4/12 + 700 × (4+3+2+1) × 0.015 / 12 = 67.17465 + 8.75 = 75.92465 → 75.92
    assert at.interest is not None and at.interest.months == 4 and at.interest.interest == D("75.92")
    assert at.crediting is not None and at.crediting.rate == D("0.0150") and at.provisional is True
    assert at.balance == D("13434.93") + D("2800.00") + D("75.92") == D("16310.85")
    # and nothing was written: the account still stands as its entries say
    assert account_summary(actor=clerk, person=person).balance == D("6085.15") + D("7200.00") + D("4200.00") - D("500")
    assert not AccountEntry.objects.filter(person=person, kind="interest", year__gte=2025).exists()


def test_the_determination_inputs_carry_the_balance_at_retirement_step_by_step(clerk, district):
    # given the same account
    person = _account(district)

    # when the inputs of a retirement in 2026-05 are read
    inputs, lines = pension_inputs_for(actor=clerk, person=person, age_years=60, age_months=0, retirement=RETIRE)

    # then the balance is the one at retirement, and each step is a line adding up to it
    assert inputs.account_balance == D("16310.85")
    by_key = {line.key: line for line in lines}
    assert [
        by_key[k].value for k in ("account_opening", "account_credited", "account_interest", "account_balance")
    ] == [
        D("13434.93"),
        D("2800.00"),
        D("75.92"),
        D("16310.85"),
    ]
    assert "2025年利息 149.78" in by_key["account_opening"].formula
    assert "暂定" in by_key["account_interest"].formula and "0.0150" in by_key["account_interest"].formula
    assert by_key["account_balance"].formula == "13434.93 + 2800.00 + 75.92 = 16310.85"


def test_a_january_retirement_takes_the_closed_years_without_interest_of_its_own(clerk, district):
    # given the same account, retiring in 2026-01
    person = _account(district)

    # when the balance is read
    at = account_balance_at(actor=clerk, person=person, month=dt.date(2026, 1, 1))

    # then it is the 2026 opening (2025's interest quoted), with no 2026 credit or interest
    assert (at.opening, at.credited, at.interest, at.balance) == (
        D("13434.93"),
        D("0.00"),
        None,
        D("13434.93"),
    )
    _, lines = pension_inputs_for(
        actor=clerk, person=person, age_years=60, age_months=0, retirement=dt.date(2026, 1, 1)
    )
    assert "account_interest" not in {line.key for line in lines}


def test_without_a_retirement_month_the_estimator_keeps_todays_balance(citizen, district):
    # given a person's own account
    person = _account(district)
    person.account = citizen
    person.save(update_fields=["account"])

    # when the inputs are read without a retirement month (the estimator)
    inputs, lines = pension_inputs_for(actor=citizen, person=person, age_years=60, age_months=0)

    # then the balance is today's sum of the entries, one line
    assert inputs.account_balance == D("6085.15") + D("7200.00") + D("4200.00") - D("500.00") == D("16985.15")
    assert [line.key for line in lines if line.key.startswith("account_")] == ["account_balance"]


@pytest.mark.parametrize("who", ["other_district_clerk", "unit_operator"])
def test_the_balance_at_retirement_is_not_found_for_whoever_may_not_see_the_account(request, district, who):
    # given an account in the clerk's district
    person = _account(district)
    actor = request.getfixturevalue(who)

    # when someone outside it asks, then it is not found
    with pytest.raises(NotFound):
        account_balance_at(actor=actor, person=person, month=RETIRE)


def test_the_approved_determination_uses_the_balance_at_retirement(approver, district):
    # given the man of tests.pensions.support: 79900.12 credited in 2026-01, retiring in 2026-02
    from shebao.pensions.services import pension_retire

    person = retiree_in_waiting(district=district)

    # when the approver completes his retirement
    pension_retire(actor=approver, person=person, form={**RETIRE_FORM, "id_number": person.id_number})

    # then the determination takes January's interest: 79900.12 × 0.015 × 1/12 = 99.87515 → 99.88,
    # 80000.00 in all, and 80000.00 ÷ 137.3 = 582.67 a month
    det = PensionDetermination.objects.get(person=person, status=PensionDetermination.Status.APPROVED)
    assert det.inputs["account_balance"] == "80000.00" and det.account_pension == D("582.67")
    lines = {line["key"]: line for line in det.derivation}
    assert D(str(lines["account_interest"]["value"])) == D("99.88")
    assert "暂定" in lines["account_interest"]["formula"]
