"""The insured person follows their pension personal account line by line, with the interest
derivation (monthly-product method)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from shebao.contributions.accounts import account_interest_credit
from shebao.contributions.models import AccountEntry
from shebao.core.models import AuditEvent
from tests.web.support import make_person, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def person_with_a_year(citizen, district):
    person = make_person(district=district, account=citizen, name="张三")
    for month in range(1, 13):
        AccountEntry.objects.create(
            person=person,
            kind="contribution",
            year=2025,
            credited_month=dt.date(2025, month, 1),
            amount=Decimal("100.00"),
        )
    account_interest_credit(person=person, year=2025)
    return person


def test_the_year_shows_every_credit_the_interest_and_how_it_was_computed(client, citizen, person_with_a_year):
    # 12 credits of 100 yuan earning 12, 11 … 1 months: 78 × 100 × 1.50% / 12 = 9.75 (2025 rate 1.50%)
    interest = AccountEntry.objects.get(person=person_with_a_year, kind="interest")
    assert interest.amount == Decimal("9.75")
    sign_in(client, citizen)
    html = client.get("/my/account/?year=2025").content.decode()
    assert html.count("100.00") >= 12
    assert "9.75" in html
    assert 'id="closing">1209.75<' in html
    assert "月积数法" in html
    assert AuditEvent.objects.filter(action="account.view", subject_person=person_with_a_year.id_number).count() == 1


def test_only_the_person_themselves(client, unit_operator, clerk):
    assert client.get("/my/account/").status_code == 302  # anonymous → sign in
    sign_in(client, unit_operator)
    assert client.get("/my/account/").status_code == 403
    assert not AuditEvent.objects.filter(action="account.view").exists()
