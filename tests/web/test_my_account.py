"""The insured person follows their pension personal account line by line, with the interest
derivation (monthly-product method)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from shebao.contributions.accounts import account_credit_month, account_interest_credit
from shebao.contributions.models import AccountEntry, ContributionMonth, ContributionYear
from shebao.core.jobs import job_create, job_run
from shebao.core.models import AuditEvent
from shebao.registry.models import Person
from shebao.registry.services import person_update
from tests.web.support import make_person, sign_in

D = Decimal
SHANGHAI = dt.timezone(dt.timedelta(hours=8))

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


# --- one source of truth: the home page, the account page, the API and the entries agree ------


@pytest.fixture
def history_and_ledger(citizen, district):
    """张三: annual records for 2024 (8 months) and 2025 (12), loaded by the history job with
    the interest of both years, then January-March 2026 in the monthly ledger, paid."""
    person = make_person(district=district, account=citizen, name="张三", category=Person.Category.FLEXIBLE)
    for year, months in ((2024, 8), (2025, 12)):
        base = D("4498.00") * months
        ContributionYear.objects.create(
            person=person,
            insurance="pension",
            year=year,
            months=months,
            base_total=base,
            employer_amount=D("0"),
            personal_amount=base * D("0.20"),
            account_credit=base * D("0.08"),
        )
    job_run(job_id=job_create(kind="contributions.history_load", params={"through_year": 2025}).pk)
    for month in (1, 2, 3):
        row = ContributionMonth.objects.create(
            person=person,
            period=dt.date(2026, month, 1),
            base=D("4498.00"),
            pension_personal=D("899.60"),
            account_credit=D("359.84"),
            status=ContributionMonth.Status.PAID,
        )
        account_credit_month(contribution_month=row)
    return person


@time_machine.travel(dt.datetime(2026, 4, 10, 10, 0, tzinfo=SHANGHAI), tick=False)
def test_home_page_account_page_and_api_show_the_same_balance_as_the_entries(client, citizen, history_and_ledger):
    person = history_and_ledger
    entries = AccountEntry.objects.filter(person=person)
    # 2024: 8 × 359.84 from May (the latest months), interest 2.62%; 2025: 12 × 359.84, 1.50%
    assert entries.filter(kind="contribution").count() == 8 + 12 + 3
    assert set(entries.filter(kind="interest").values_list("year", flat=True)) == {2024, 2025}
    total = sum(entries.values_list("amount", flat=True))
    sign_in(client, citizen)
    home = client.get("/").content.decode()
    account = client.get("/my/account/").content.decode()
    api = client.get("/api/v1/my/account").json()
    shown_home = home.split('id="account-balance">¥')[1].split("<")[0]
    shown_account = account.split('id="closing">')[1].split("<")[0]
    assert D(shown_home) == D(shown_account) == D(api["balance"]) == D(api["closing_balance"]) == total
    # and year by year: what the home page lists for 2025 is what /my/account/?year=2025 adds up
    year_2025 = client.get("/my/account/?year=2025").content.decode()
    api_2025 = client.get("/api/v1/my/account?year=2025").json()
    lines = [D(line["amount"]) for line in api_2025["lines"]]
    assert D(api_2025["opening_balance"]) + sum(lines) == D(api_2025["closing_balance"])
    assert f'id="closing">{api_2025["closing_balance"]}<' in year_2025
    assert f"¥{api_2025['closing_balance']}" in home
    assert year_2025.count("359.84") >= 12 and "月积数法" in year_2025


def test_the_account_api_is_for_the_insured_person_themselves(client, unit_operator, history_and_ledger):
    assert client.get("/api/v1/my/account").status_code == 401
    sign_in(client, unit_operator)
    assert client.get("/api/v1/my/account").status_code == 403
    assert not AuditEvent.objects.filter(action="account.view").exists()


def test_the_account_api_refuses_a_year_out_of_range_clearly(client, citizen, history_and_ledger):
    sign_in(client, citizen)
    response = client.get("/api/v1/my/account?year=1800")
    assert response.status_code == 422 and response.json()["field"] == "year"


# --- /my/contributions/: the whole history, month by month -------------------------------------


@time_machine.travel(dt.datetime(2026, 4, 10, 10, 0, tzinfo=SHANGHAI), tick=False)
def test_my_contributions_shows_every_month_of_the_whole_history_by_year(
    client, citizen, history_and_ledger, django_assert_max_num_queries
):
    sign_in(client, citizen)
    with django_assert_max_num_queries(16):
        response = client.get("/my/contributions/")
    page = response.content.decode()
    assert response.status_code == 200
    # every month: May-December 2024 (the 8 months of the record), all of 2025, January-March 2026
    periods = [p.split("<")[0] for p in page.split('<tr class="month month-paid">\n          <td>')[1:]]
    expected = [f"2026-{m:02d}" for m in (3, 2, 1)]
    expected += [f"2025-{m:02d}" for m in range(12, 0, -1)] + [f"2024-{m:02d}" for m in range(12, 4, -1)]
    assert periods == expected
    # grouped by year, newest open, each with its sums
    assert page.index('id="year-2026"') < page.index('id="year-2025"') < page.index('id="year-2024"')
    assert 'id="year-2026" open' in page and 'id="year-2025">' in page
    assert 'class="months-paid">23<' in page


def test_my_contributions_reads_the_history_in_a_bounded_number_of_queries(
    client, citizen, district, django_assert_max_num_queries
):
    person = make_person(district=district, account=citizen, name="张三")
    ContributionMonth.objects.bulk_create(
        ContributionMonth(
            person=person,
            period=dt.date(year, month, 1),
            base=D("5000"),
            account_credit=D("400"),
            status=ContributionMonth.Status.PAID,
        )
        for year in range(1996, 2026)
        for month in range(1, 13)
    )
    sign_in(client, citizen)
    with django_assert_max_num_queries(16):
        first = client.get("/my/contributions/").content.decode()
    assert 'id="year-2025"' in first and 'id="year-2016"' in first and 'id="year-2015"' not in first
    older = client.get("/my/contributions/?page=3").content.decode()
    assert 'id="year-1996"' in older and 'class="months-paid">360<' in older


# --- the header ---------------------------------------------------------------------------------


def test_the_header_shows_the_registry_name_after_a_name_correction(client, citizen, district, clerk):
    # given an insured person enrolled as 张山 (the sign-in account kept that name)
    person = make_person(district=district, account=citizen, name="张山")
    citizen.full_name = "张山"
    citizen.save(update_fields=["full_name"])
    # when the registry corrects the name (关键信息更正)
    person_update(actor=clerk, person=person, name="张三", reason="公安机关更正证明")
    # then every page's header names 张三
    sign_in(client, citizen)
    for url in ("/", "/my/contributions/", "/my/account/"):
        header = client.get(url).content.decode().split('class="who-name">')[1].split("<")[0]
        assert header == "张三", url
