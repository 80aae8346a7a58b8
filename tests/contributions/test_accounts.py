"""The personal account: credits from paid months (once), interest once a year by the
monthly-product method, the same figures as the calculator, the statement and who may read it."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shebao.contributions.accounts import (
    account_credit_month,
    account_credit_paid,
    account_interest_credit,
    account_statement,
    account_summary,
)
from shebao.contributions.history import history_load, record_months, split_evenly
from shebao.contributions.models import AccountEntry, Bill, ContributionMonth, ContributionYear
from shebao.core.errors import Conflict, InvalidInput, NotFound
from shebao.core.jobs import LocalExecutor, job_create, job_run
from shebao.core.models import AuditEvent
from shebao.core.money import round_fen
from shebao.registry.models import Person
from tests.web.support import employ, make_person, make_unit

D = Decimal
pytestmark = pytest.mark.django_db
CREDIT = D("599.68")  # 8% of a 7496 base


def paid_months(person, year, *, credit=CREDIT, months=range(1, 13), status=ContributionMonth.Status.PAID, bill=None):
    return [
        ContributionMonth.objects.create(
            person=person,
            period=dt.date(year, m, 1),
            base=D("7496"),
            pension_personal=D("1499.20"),
            account_credit=credit,
            status=status,
            bill=bill,
        )
        for m in months
    ]


def opening_entry(person, year, amount):
    """A balance brought in at the end of ``year``, that year's interest already credited."""
    AccountEntry.objects.create(
        person=person, kind=AccountEntry.Kind.INTEREST, year=year, credited_month=dt.date(year, 12, 1), amount=0
    )
    return AccountEntry.objects.create(
        person=person,
        kind=AccountEntry.Kind.TRANSFER_IN,
        year=year,
        credited_month=dt.date(year, 12, 1),
        amount=amount,
    )


@pytest.fixture
def insured(citizen, district):
    return make_person(district=district, name="张三", account=citizen, category=Person.Category.FLEXIBLE)


def test_year_end_interest_matches_the_hand_computation_and_the_calculator(client, insured):
    # given 10000 in the account at the end of 2023 and 599.68 credited every month of 2024
    opening_entry(insured, 2023, D("10000"))
    paid_months(insured, 2024)
    # when the year-end interest is credited (2024: 2.62%)
    entry = account_interest_credit(person=insured, year=2024)
    # then: 10000 × 0.0262 = 262.00
    #       599.68 × 78 × 0.0262 / 12 = 46775.04 × 0.0262 / 12 = 102.1255… → 102.13
    #       interest 364.13; closing 10000 + 7196.16 + 364.13 = 17560.29
    assert (entry.amount, entry.rate, entry.credited_month) == (D("364.13"), D("0.0262"), dt.date(2024, 12, 1))
    assert AccountEntry.objects.filter(person=insured, kind="contribution", year=2024).count() == 12
    # and the public calculator gives the same figures for the same inputs
    body = client.post(
        "/api/v1/calculators/account-interest",
        data=json.dumps({"opening_balance": "10000", "year": 2024, "monthly_credit": str(CREDIT)}),
        content_type="application/json",
    ).json()
    assert D(body["interest"]) == entry.amount
    statement = account_statement(actor=insured.account, person=insured, year=2024)
    assert statement.closing_balance == D(body["closing_balance"]) == D("17560.29")


def test_interest_is_credited_once_per_year(insured):
    paid_months(insured, 2024)
    account_interest_credit(person=insured, year=2024)
    with pytest.raises(Conflict):
        account_interest_credit(person=insured, year=2024)
    assert AccountEntry.objects.filter(person=insured, kind="interest").count() == 1


def test_part_year_interest_at_retirement_counts_months_up_to_k(insured):
    # given 10000 opening and 500 a month in 2024, retiring in June (k = 6)
    opening_entry(insured, 2023, D("10000"))
    paid_months(insured, 2024, credit=D("500"), months=range(1, 7))
    entry = account_interest_credit(person=insured, year=2024, up_to_month=6)
    # 10000 × 0.0262 × 6/12 = 131.00; 500 × 21 × 0.0262 / 12 = 22.925 → 22.93
    assert entry.amount == D("153.93")
    assert entry.credited_month == dt.date(2024, 6, 1)


def test_a_paid_month_is_credited_once_and_an_unpaid_month_not_at_all(insured):
    paid, due = paid_months(insured, 2025, months=[1]) + paid_months(
        insured, 2025, months=[2], status=ContributionMonth.Status.DUE
    )
    first = account_credit_month(contribution_month=paid)
    again = account_credit_month(contribution_month=paid)
    assert first.pk == again.pk
    assert AccountEntry.objects.filter(source_month=paid).count() == 1
    with pytest.raises(InvalidInput):
        account_credit_month(contribution_month=due)
    assert not AccountEntry.objects.filter(source_month=due).exists()
    assert account_credit_paid(person=insured) == 0  # nothing left to credit


def test_a_back_payment_is_credited_in_the_month_it_was_paid(insured):
    paid_at = dt.datetime(2025, 11, 20, 10, 0, tzinfo=dt.UTC)
    bill = Bill.objects.create(
        person=insured,
        period=dt.date(2023, 3, 1),
        kind=Bill.Kind.BACK_PAYMENT,
        employer_total=0,
        personal_total=D("1499.20"),
        due_date=dt.date(2025, 11, 30),
        status=Bill.Status.PAID,
        paid_at=paid_at,
    )
    (row,) = paid_months(insured, 2023, months=[3], bill=bill)
    entry = account_credit_month(contribution_month=row)
    assert (entry.credited_month, entry.year) == (dt.date(2025, 11, 1), 2025)


def test_a_full_year_without_a_published_rate_is_refused(insured):
    paid_months(insured, 2026, months=[1])
    with pytest.raises(InvalidInput) as caught:
        account_interest_credit(person=insured, year=2026)
    assert "2026" in caught.value.message_zh
    assert not AccountEntry.objects.filter(kind="interest").exists()


def test_statement_lists_every_line_with_the_interest_derivation(insured):
    opening_entry(insured, 2023, D("10000"))
    paid_months(insured, 2024)
    account_interest_credit(person=insured, year=2024)
    statement = account_statement(actor=insured.account, person=insured, year=2024)
    assert statement.opening_balance == D("10000")
    assert [line.month.month for line in statement.lines] == [*range(1, 13), 12]
    assert statement.lines[-1].kind == "interest" and statement.lines[-1].rate == D("0.0262")
    assert statement.interest.interest_on_opening == D("262.00")
    assert statement.interest.interest_on_credits == D("102.13")


@pytest.mark.parametrize(
    ("actor_name", "allowed"),
    [
        ("citizen", True),
        ("other_citizen", False),
        ("clerk", True),
        ("other_district_clerk", False),
        ("monitor", True),
        ("bank_agent", False),
        ("unit_operator", False),
    ],
)
def test_statement_is_scoped_by_the_actor(request, insured, actor_name, allowed):
    actor = request.getfixturevalue(actor_name)
    before = AuditEvent.objects.filter(action="account.view").count()
    if allowed:
        assert account_statement(actor=actor, person=insured, year=2024).person == insured
        assert AuditEvent.objects.filter(action="account.view").count() == before + 1
    else:
        with pytest.raises(NotFound):
            account_statement(actor=actor, person=insured, year=2024)
        assert AuditEvent.objects.filter(action="account.view").count() == before


def test_the_interest_job_credits_each_person_once_even_when_run_again(insured, district):
    other = make_person(district=district, name="李五")
    for person in (insured, other):
        paid_months(person, 2024, months=[1, 2])
    job = job_run(
        job_id=job_create(kind="contributions.account_interest", params={"year": 2024}).pk,
        executor=LocalExecutor(processes=1),
    )
    assert job.status == "done"
    # 599.68 × (12 + 11) × 0.0262 / 12 = 30.113… → 30.11 each
    assert sorted(AccountEntry.objects.filter(kind="interest").values_list("amount", flat=True)) == [D("30.11")] * 2
    # a second job for the same year finds nobody left
    again = job_run(
        job_id=job_create(kind="contributions.account_interest", params={"year": 2024}).pk,
        executor=LocalExecutor(processes=1),
    )
    assert again.status == "done"
    assert AccountEntry.objects.filter(kind="interest").count() == 2


# --- history from the annual records (contributions.history) ----------------------------------


@given(total=st.decimals(min_value=0, max_value=10**9, places=2), parts=st.integers(min_value=1, max_value=12))
def test_an_annual_total_spread_over_its_months_adds_up_to_the_fen(total, parts):
    months = split_evenly(total, parts)
    assert len(months) == parts and sum(months) == total
    assert max(months) - min(months) <= D("0.01") * parts  # the rounding difference sits in the last month


@given(
    months=st.integers(min_value=1, max_value=12),
    employed=st.sets(st.integers(min_value=1, max_value=12)),
)
def test_a_record_takes_exactly_its_months_the_latest_employed_first(months, employed):
    placed = record_months(months=months, employed=sorted(employed))
    assert len(placed) == months and placed == sorted(set(placed)) and set(placed) <= set(range(1, 13))
    if len(employed) >= months:
        assert placed == sorted(employed)[-months:]
    else:
        assert set(employed) <= set(placed)


def pension_record(person, year, months, *, credit, unit=None, insurance="pension"):
    base = D("7496.00") * months
    return ContributionYear.objects.create(
        person=person,
        unit=unit,
        insurance=insurance,
        year=year,
        months=months,
        base_total=base,
        employer_amount=(base * D("0.16")).quantize(D("0.01")) if unit else D("0"),
        personal_amount=(base * D("0.08")).quantize(D("0.01")),
        account_credit=credit if insurance == "pension" else D("0"),
    )


def test_history_becomes_ledger_months_in_the_months_employed_and_is_credited_once(insured, district):
    # given an employee who left one unit at the end of January 2024 and joined another in April
    first = make_unit(code="91420102MA4KXXXX1A", district=district, name="甲公司")
    second = make_unit(code="91420102MA4KXXXX2B", district=district, name="乙公司")
    employ(insured, first, start=dt.date(2019, 3, 1), end=dt.date(2024, 1, 31))
    employ(insured, second, start=dt.date(2024, 4, 1))
    pension_record(insured, 2024, 10, credit=D("5996.80"), unit=second)
    pension_record(insured, 2024, 10, credit=D("0"), unit=second, insurance="medical")
    # and December 2024 already in the monthly ledger (assessed and paid)
    ledger = paid_months(insured, 2024, months=[12], credit=D("600.00"))[0]
    # when the history is loaded
    written = history_load(person=insured)
    # then the ten months are January and April-December; December keeps its ledger row
    months = ContributionMonth.objects.filter(person=insured, period__year=2024).order_by("period")
    assert [m.period.month for m in months] == [1, 4, 5, 6, 7, 8, 9, 10, 11, 12] and written == 9
    january = months[0]
    assert (january.unit_id, january.base, january.pension_personal, january.account_credit) == (
        first.pk,  # the unit of the spell that covered the month
        D("7496.00"),
        D("599.68"),
        D("599.68"),
    )
    assert january.medical_personal == D("599.68") and january.status == ContributionMonth.Status.PAID
    assert january.rules["source"] == "annual_record"
    assert ContributionMonth.objects.get(pk=ledger.pk).account_credit == D("600.00")
    # each history month credited to the account once; loading again writes nothing
    credited = AccountEntry.objects.filter(person=insured, year=2024, kind="contribution")
    assert credited.count() == 9 and sum(e.amount for e in credited) == D("599.68") * 9
    assert history_load(person=insured) == 0
    assert ContributionMonth.objects.filter(person=insured).count() == 10
    assert AuditEvent.objects.filter(action="contributions.history.load", subject_person=insured.id_number).count() == 1


def test_interest_of_a_year_first_credits_the_earlier_years_still_without_it(insured):
    # given 2023 and 2024 credited, no interest yet
    paid_months(insured, 2023)
    paid_months(insured, 2024)
    # when 2024's interest is credited
    entry = account_interest_credit(person=insured, year=2024)
    # then 2023's came first (599.68 × 78 × 3.97% / 12 = 154.75), and 2024's opening holds it
    first = AccountEntry.objects.get(person=insured, year=2023, kind="interest")
    assert first.amount == D("154.75")
    opening = CREDIT * 12 + D("154.75")  # 7350.91
    expected = round_fen(opening * D("0.0262")) + round_fen(CREDIT * 78 * D("0.0262") / 12)
    assert entry.amount == expected == D("192.59") + D("102.13")


def test_the_year_end_job_credits_in_bulk_what_one_person_would_be_credited(insured, district):
    # given two persons with the same months, one credited by the single-person service
    other = make_person(district=district, name="李五")
    for person in (insured, other):
        paid_months(person, 2023, months=[3, 7, 12])
        paid_months(person, 2024, months=range(1, 13))
    single = account_interest_credit(person=other, year=2024)
    # when the year-end job runs over both
    job = job_run(
        job_id=job_create(kind="contributions.account_interest", params={"year": 2024}).pk,
        executor=LocalExecutor(processes=1),
    )
    # then the bulk crediting gives the same entries, each year once, and leaves the other alone
    assert job.status == "done"
    bulk = {e.year: e.amount for e in AccountEntry.objects.filter(person=insured, kind="interest")}
    alone = {e.year: e.amount for e in AccountEntry.objects.filter(person=other, kind="interest")}
    assert bulk == alone and bulk[2024] == single.amount and set(bulk) == {2023, 2024}
    summary = account_summary(actor=insured.account, person=insured)
    assert summary.balance == sum(AccountEntry.objects.filter(person=insured).values_list("amount", flat=True))


def test_the_summary_sums_every_entry_year_by_year(insured):
    opening_entry(insured, 2023, D("10000"))
    paid_months(insured, 2024)
    account_interest_credit(person=insured, year=2024)
    paid_months(insured, 2025, months=[1, 2])
    summary = account_summary(actor=insured.account, person=insured)
    y2024 = summary.year(2024)
    assert (y2024.opening, y2024.credited, y2024.interest, y2024.closing) == (
        D("10000.00"),
        D("7196.16"),
        D("364.13"),
        D("17560.29"),
    )
    # 2025's months are not credited until paid months are credited (the payment does it)
    account_credit_paid(person=insured)
    assert summary.year(2025).opening == D("17560.29")
    summary = account_summary(actor=insured.account, person=insured)
    assert summary.year(2025).credited == CREDIT * 2 and not summary.year(2025).interest_credited
    assert summary.balance == D("17560.29") + CREDIT * 2
    assert summary.year(2030).opening == summary.balance  # a year without entries carries the balance
