"""A retiree's record shows the account drawn down by the pension (本年账户支出额): the demo's
retirees, retired and paid by the production services, each month's account part paid out."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import pytest

from shebao.devtools.seed.retirees import write_demo_retirees
from shebao.pensions.models import PensionDetermination
from shebao.registry.models import Person
from shebao.statements.selectors import record_for
from tests.cases.conftest import (  # noqa: F401 (pytest finds fixtures by name)
    _register_test_items,
    at,
    catalogue,
    engine,
    skills,
    working_hours,
)
from tests.pensions.conftest import benefit_staff  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("engine", "benefit_staff")]  # 2026-02-10


def test_a_retirees_record_shows_the_account_paid_out_and_the_balance_going_down(approver):
    accounts = write_demo_retirees(today=dt.date(2026, 2, 10))
    zhou = Person.objects.get(account=accounts[0])
    part = PensionDetermination.objects.get(person=zhou, status="approved").account_pension
    # 周建国 retired in June 2024: paid June-December 2024, all of 2025
    y2024 = record_for(actor=accounts[0], person=zhou, year=2024).pension_account
    y2025 = record_for(actor=accounts[0], person=zhou, year=2025).pension_account
    assert y2024.paid_out == 7 * part
    assert y2025.paid_out == 12 * part > 0
    # nothing credited after retirement, so the balance goes down: 2025's interest (1.50%) is on
    # the opening balance net of the year's payouts month by month (Σ weights 12..1 = 78)
    assert y2025.principal == Decimal("0.00")
    rate = Decimal("0.015")
    expected = (y2025.opening_balance * rate - part * 78 * rate / 12).quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert (y2025.rate, y2025.interest) == (rate, expected)
    assert y2025.closing_balance == y2025.opening_balance - 12 * part + expected < y2025.opening_balance
    assert y2025.opening_balance == y2024.closing_balance
