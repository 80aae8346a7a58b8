"""养老金测算 pages: the public estimator (anonymous, the API's figures, 422 with the reason)
and the signed-in citizen's own estimate from their own record — each retirement month of the
flexible window with its hand-computed figures, the grades of a flexible worker, and never
another person's record."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
import time_machine

from shebao.contributions.models import AccountEntry, ContributionMonth, WageBase
from shebao.registry.models import Person
from tests.browser_fixtures import (
    PHONE,
    axe_serious,
    browser_page,
    chromium,  # noqa: F401 (the browser fixture, found by name)
    hand_over_session,
    large_text,
    screenshot,
    watch_csp,
)
from tests.web.support import make_person, sign_in

D = Decimal
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 2, 10, 10, 0, tzinfo=SHANGHAI)
HTMX = {"HTTP_HX_REQUEST": "true"}
PUBLIC = "/pension-estimator/"
MINE = "/my/pension/estimate/"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen(request):
    """Tue 10 Feb 2026 10:00 in Wuhan; the browser tests run on the live server's own clock."""
    if request.node.get_closest_marker("browser"):
        yield
        return
    with time_machine.travel(NOW, tick=False):
        yield


def record(person: Person, *, index: Decimal, balance: Decimal) -> None:
    """144 paid months 2014-01..2025-12 at ``index`` × each year's average wage, and an account."""
    averages = {row.year: row.average for row in WageBase.objects.filter(region="wuhan")}
    ContributionMonth.objects.bulk_create(
        ContributionMonth(
            person=person,
            period=dt.date(year, month, 1),
            base=averages[year] * index,
            account_credit=D("0"),
            status=ContributionMonth.Status.PAID,
        )
        for year in range(2014, 2026)
        for month in range(1, 13)
    )
    AccountEntry.objects.create(
        person=person, kind="contribution", year=2025, credited_month=dt.date(2025, 12, 1), amount=balance
    )


@pytest.fixture
def retiring_soon(citizen, district):
    """A man born 1966-01 (statutory 60y4m, 2026-05), an employee at twice the average wage."""
    person = make_person(district=district, account=citizen, birth_date=dt.date(1966, 1, 20))
    record(person, index=D("2"), balance=D("100000.00"))
    return person


@pytest.fixture
def other_record(other_citizen, district):
    person = make_person(district=district, account=other_citizen, name="李四", birth_date=dt.date(1970, 3, 1))
    record(person, index=D("0.6"), balance=D("5000.00"))
    return person


# --- the public estimator --------------------------------------------------------------------


def test_the_public_estimator_opens_without_signing_in(client):
    response = client.get(PUBLIC)
    assert response.status_code == 200
    page = response.content.decode()
    assert "养老金测算" in page and "Pension estimator" in page
    assert 'hx-post="/pension-estimator/pension/"' in page


def test_the_public_estimate_equals_the_api(client):
    form = {
        "average_index": "0.60",
        "contribution_months": "180",
        "deemed_months": "0",
        "account_balance": "60000.00",
        "age_years": "60",
        "age_months": "0",
        "average_wage": "9112.00",
        "retirement_month": "",
    }
    # when the form is sent by htmx: only the result fragment comes back
    response = client.post(f"{PUBLIC}pension/", form, **HTMX)
    assert response.status_code == 200
    fragment = response.content.decode()
    assert "<html" not in fragment
    # then the figures are the API's: 1093.44 + 431.65 + 0.00 = 1525.09
    assert 'id="pension-total">¥1525.09<' in fragment
    assert 'id="pension-basic">1093.44<' in fragment
    assert 'id="pension-account">431.65<' in fragment
    assert "<svg" in fragment and "(9112.00 + 9112.00 × 0.60) ÷ 2 × 180/12 × 1% = 1093.44" in fragment
    # and without JavaScript the whole page comes back with the result in place
    page = client.post(f"{PUBLIC}pension/", form).content.decode()
    assert "<html" in page and "¥1525.09" in page


def test_the_public_estimate_without_a_wage_is_provisional_this_year(client):
    form = {"average_index": "1", "contribution_months": "240", "deemed_months": "0", "account_balance": "0"}
    form |= {"age_years": "60", "age_months": "0"}
    fragment = client.post(f"{PUBLIC}pension/", form, **HTMX).content.decode()
    # 2026 has no row yet: 2025's 9112 stands in; (9112 + 9112) / 2 × 20 × 1% = 1822.40
    assert 'data-testid="provisional"' in fragment
    assert 'id="pension-basic">1822.40<' in fragment


def test_bad_public_input_is_a_422_with_the_reason(client):
    form = {"average_index": "1", "contribution_months": "100", "deemed_months": "120", "account_balance": "0"}
    form |= {"age_years": "60", "age_months": "0"}
    response = client.post(f"{PUBLIC}pension/", form, **HTMX)
    assert response.status_code == 422
    assert "视同缴费月数" in response.content.decode()


def test_the_retirement_age_lookup(client):
    response = client.post(f"{PUBLIC}age/", {"birth": "1965-05", "sex": "M", "base_age": "60"}, **HTMX)
    fragment = response.content.decode()
    assert response.status_code == 200
    assert 'id="age-month">2025-07<' in fragment
    assert 'id="age-window">2025-05 — 2028-07<' in fragment
    refused = client.post(f"{PUBLIC}age/", {"birth": "1965-05", "sex": "M", "base_age": "50"}, **HTMX)
    assert refused.status_code == 422
    assert "原法定退休年龄与性别不符" in refused.content.decode()


# --- the personal estimate -------------------------------------------------------------------


def test_the_personal_estimate_needs_a_signed_in_citizen(client, clerk, unit_operator):
    assert client.get(MINE).status_code == 302
    assert sign_in(client, clerk).get(MINE).status_code == 403
    client.logout()
    assert sign_in(client, unit_operator).get(MINE).status_code == 403


def test_the_personal_estimate_from_the_own_record(client, citizen, retiring_soon):
    # when the man born 1966-01 asks, with the crediting rate set to 0 to keep the sum by hand
    response = sign_in(client, citizen).get(MINE, {"interest_rate": "0", "wage_growth": "0"})
    assert response.status_code == 200
    page = response.content.decode()
    # then his statutory month is 2026-05 at 60y4m; his window 2026-01 to 2029-05, shown from this month
    assert 'id="estimate-month">2026-05<' in page
    assert 'id="estimate-window">2026-01 — 2029-05<' in page
    # at 2026-05: 144 + 3 months (Feb-Apr) at index 2; the account 100000 + 3 × 8% × 14992 = 103598.08
    # basic (9112 + 18224) / 2 × 147/12 × 1% = 1674.33; divisor 139 − 7 × 4/12 = 136.7;
    # account 103598.08 / 136.7 = 757.85; total 2432.18 — and 147 months is below the 180 needed
    assert 'id="estimate-statutory-total">¥2432.18<' in page
    row = page.split('data-month="2026-05"')[1].split("</tr>")[0]
    assert "1674.33" in row and "757.85" in row and "2432.18" in row and "不足180" in row
    # a window of 40 months is shown every third month, the statutory month among them
    assert "每三个月列一次" in page
    assert 'data-month="2026-02"' in page and 'data-month="2026-03"' not in page
    assert "<svg" in page and "各退休月份的月养老金" in page
    # a person on the employee ledger is not shown the grade comparison
    assert 'id="estimate-grades"' not in page


def test_the_personal_estimate_never_reads_another_persons_record(client, citizen, retiring_soon, other_record):
    # when the other citizen asks, even naming the first person's id
    page = sign_in(client, other_citizen_account(other_record)).get(MINE, {"person": retiring_soon.pk})
    text = page.content.decode()
    # then it is their own: born 1970-03, statutory 61y4m in 2031-07, index 0.6 — never 2432.18
    assert page.status_code == 200
    assert 'id="estimate-month">2031-07<' in text
    assert "2432.18" not in text and "100000.00" not in text
    assert "5000.00" in text


def other_citizen_account(person: Person):
    return person.account


def test_a_flexible_worker_compares_the_grades(client, citizen, district):
    person = make_person(
        district=district, account=citizen, birth_date=dt.date(1966, 1, 20), category=Person.Category.FLEXIBLE
    )
    record(person, index=D("1"), balance=D("50000.00"))
    page = sign_in(client, citizen).get(MINE, {"interest_rate": "0"}).content.decode()
    assert 'id="estimate-grades"' in page
    grades = [part.split('"')[0] for part in page.split('data-grade="')[1:]]
    assert grades == ["0.60", "1.00", "2.00", "3.00"]
    # grade 1.00: 20% of 7496 (2025's average, carried into 2026) = 1499.20 a month, 3 months to 2026-05
    row = page.split('data-grade="1.00"')[1].split("</tr>")[0]
    assert "1499.20" in row and "4497.60" in row
    # no grade chosen yet: the lowest is taken as the current one
    assert "当前 / current" in page.split('data-grade="0.60"')[1].split("</tr>")[0]


def test_bad_assumptions_are_a_422(client, citizen, retiring_soon):
    response = sign_in(client, citizen).get(MINE, {"interest_rate": "abc"})
    assert response.status_code == 422


# --- in a browser: phone width, large text, no serious accessibility violation ----------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_estimators_in_a_phone_browser(chromium, live_server, client, citizen, district):  # noqa: F811
    person = make_person(district=district, account=citizen, birth_date=dt.date(1966, 1, 20))
    record(person, index=D("2"), balance=D("100000.00"))
    with browser_page(chromium, viewport=PHONE) as page:
        csp_errors = watch_csp(page)
        # given the public estimator on a phone, in large text
        page.goto(f"{live_server.url}{PUBLIC}")
        large_text(page)
        # when the example is entered and sent (htmx swaps the result in place)
        for name, value in (("average_index", "0.60"), ("contribution_months", "180"), ("account_balance", "60000")):
            page.fill(f"#pension-estimator [name={name}]", value)
        page.fill("#pension-estimator [name=average_wage]", "9112")
        page.click("#pension-estimator button.primary")
        page.wait_for_selector("#pension-total")
        # then the total is the API's, the chart is drawn, and nothing serious for accessibility
        assert page.inner_text("#pension-total") == "¥1525.09"
        assert page.locator("#pension-result svg[role=img]").count() == 1
        assert page.url == f"{live_server.url}{PUBLIC}"
        assert axe_serious(page) == []
        screenshot(page, "pension-estimator-phone.png")
        # when the citizen, signed in, opens their own estimate
        client.force_login(citizen)
        hand_over_session(page, client, live_server.url)
        page.goto(f"{live_server.url}{MINE}")
        # then the months of the window with the chart, readable on the phone
        assert page.locator("#estimate-window-table svg[role=img]").count() == 1
        assert page.locator("#estimate-window-table tbody tr").count() >= 2
        assert axe_serious(page) == []
        screenshot(page, "pension-estimate-mine-phone.png")
        assert csp_errors == []


# --- the inputs from the own record, women's original age, retirees, the query budget -------


def test_pension_inputs_count_paid_months_only_and_only_for_who_may_see_them(citizen, other_citizen, district):
    from shebao.core.errors import NotFound
    from shebao.pensions.inputs import pension_inputs_for

    # given 12 paid months of 2024 at the average (7489) and three 2025 months still due
    person = make_person(district=district, account=citizen)
    ContributionMonth.objects.bulk_create(
        [
            ContributionMonth(person=person, period=dt.date(2024, m, 1), base=D("7489"), status="paid")
            for m in range(1, 13)
        ]
        + [
            ContributionMonth(person=person, period=dt.date(2025, m, 1), base=D("22488"), status="due")
            for m in (1, 2, 3)
        ]
    )
    AccountEntry.objects.create(
        person=person, kind="contribution", year=2024, credited_month=dt.date(2024, 12, 1), amount=D("7189.44")
    )
    # when the person's own inputs are read with 5 deemed months
    inputs, lines = pension_inputs_for(actor=citizen, person=person, age_years=60, age_months=0, deemed_months=5)
    # then only the paid months count: 12 at index 1; 12 + 5 = 17 months; the account's balance
    assert (inputs.average_index, inputs.contribution_months, inputs.deemed_months) == (D("1.0000"), 17, 5)
    assert inputs.account_balance == D("7189.44")
    assert [line.key for line in lines] == [
        "actual_months",
        "deemed_months",
        "contribution_months",
        "average_index",
        "account_balance",
    ]
    # and before a retirement month, only the months before it
    before, _ = pension_inputs_for(
        actor=citizen, person=person, age_years=60, age_months=0, retirement=dt.date(2024, 7, 1)
    )
    assert before.contribution_months == 6
    # and another citizen may not read them
    with pytest.raises(NotFound):
        pension_inputs_for(actor=other_citizen, person=person, age_years=60, age_months=0)


def test_a_woman_chooses_her_original_age(client, citizen, district):
    person = make_person(district=district, account=citizen, sex="F", birth_date=dt.date(1976, 1, 5))
    record(person, index=D("1"), balance=D("30000.00"))
    sign_in(client, citizen)
    # a worker (the default): 50 from 1975-01, one month per two: born 1976-01 → 7 months → 2026-08
    assert 'id="estimate-month">2026-08<' in client.get(MINE).content.decode()
    # a cadre: 55 from 1970-01, one month per four: 72 months later → 19 months → 56y7m → 2032-08
    assert 'id="estimate-month">2032-08<' in client.get(MINE, {"base_age": "55"}).content.decode()


def test_a_retiree_is_sent_to_the_determined_pension(client, citizen, district):
    make_person(district=district, account=citizen, category=Person.Category.RETIREE, birth_date=dt.date(1960, 1, 1))
    page = sign_in(client, citizen).get(MINE).content.decode()
    assert 'id="estimate-retired"' in page and "/my/pension/" in page


def test_the_personal_estimate_keeps_to_a_query_budget(client, citizen, retiring_soon, django_assert_max_num_queries):
    sign_in(client, citizen)
    # 34 today: the rule tables once (not per month or grade), the pension rule rows once a year
    # of the window (four here), the ledger and the account
    with django_assert_max_num_queries(36):
        assert client.get(MINE).status_code == 200


def test_the_pension_profile_gives_the_deemed_months_and_the_job(client, citizen, district):
    from shebao.pensions.models import JobType, PensionProfile

    # given a woman cadre born 1970-05 with 24 deemed months on her pension profile
    person = make_person(district=district, account=citizen, sex="F", birth_date=dt.date(1970, 5, 9))
    record(person, index=D("1"), balance=D("40000.00"))
    PensionProfile.objects.create(person=person, job_type=JobType.CADRE, deemed_months=24)
    page = sign_in(client, citizen).get(MINE, {"interest_rate": "0"}).content.decode()
    # then her age is the cadre's (55 from 1970-01: 2 months → 55y2m → 2025-07) and her months count
    # the deemed ones: 144 actual + 24 = 168 before any further month
    assert 'id="estimate-month">2025-07<' in page
    assert "144 + 24 = 168" in page
    # and the transition pension is paid on them: at 2026-02, Z̄ 1, 9112 × 1 × 24/12 × 1.2% = 218.69
    row = page.split('data-month="2026-02"')[1].split("</tr>")[0]
    assert "218.69" in row


def test_the_assumptions_form_swaps_only_the_result_refusals_included(client, citizen, retiring_soon):
    sign_in(client, citizen)
    # when the assumptions are sent through htmx: only the result, no second page inside the first
    ok = client.get(MINE, {"interest_rate": "0"}, **HTMX)
    assert ok.status_code == 200
    assert "<html" not in ok.content.decode() and 'id="estimate-month">2026-05<' in ok.content.decode()
    # and a bad one is a 422 with its reason, in place
    bad = client.get(MINE, {"wage_growth": "50"}, **HTMX)
    assert bad.status_code == 422
    assert "<html" not in bad.content.decode() and 'role="alert"' in bad.content.decode()


def test_deemed_months_missing_are_said_and_can_be_entered(client, citizen, retiring_soon):
    sign_in(client, citizen)
    # given the man born 1966-01 has no pension profile yet (YL-001 would write it)
    page = client.get(MINE, {"interest_rate": "0"}).content.decode()
    # then the page says his deemed months are unknown and taken as 0: 147 months, short of 180
    assert 'id="estimate-deemed-missing"' in page
    row = page.split('data-month="2026-05"')[1].split("</tr>")[0]
    assert "2432.18" in row and "不足180" in row
    # when he enters the 60 deemed months his personnel file records
    page = client.get(MINE, {"interest_rate": "0", "deemed_months": "60"}).content.decode()
    # then at 2026-05: 144 + 60 + 3 = 207 months; basic (9112 + 18224) / 2 × 207/12 × 1% = 2357.73;
    # transition 9112 × 2 × 60/12 × 1.2% = 1093.44; account 757.85 as before; total 4209.02
    assert 'id="estimate-deemed-missing"' not in page
    assert "您填写的" in page.split('id="estimate-deemed"')[1].split("</li>")[0]
    row = page.split('data-month="2026-05"')[1].split("</tr>")[0]
    assert "207" in row and "不足" not in row
    assert "2357.73" in row and "1093.44" in row and "757.85" in row and "4209.02" in row


def test_the_start_of_work_counts_the_months_before_personal_accounts(client, citizen, retiring_soon):
    # when he gives only the start of work, 1986-07: 1986-07..1995-12 are 114 months before 1996-01
    page = sign_in(client, citizen).get(MINE, {"interest_rate": "0", "work_start": "1986-07"}).content.decode()
    stated = page.split('id="estimate-deemed"')[1].split("</li>")[0]
    assert ">114<" in stated and "1986-07" in stated and "1996-01" in stated and "人事档案认定为准" in stated
    assert 'id="estimate-deemed-missing"' not in page
    # 144 + 114 + 3 = 261 months at 2026-05
    assert "261" in page.split('data-month="2026-05"')[1].split("</tr>")[0]
    # a start of work in the future, or malformed, is refused with its reason
    assert client.get(MINE, {"work_start": "2027-01"}).status_code == 422
    assert client.get(MINE, {"work_start": "1986/07"}).status_code == 422
    assert client.get(MINE, {"deemed_months": "601"}).status_code == 422


def test_the_profile_prefills_the_deemed_months_and_the_start_of_work(client, citizen, district):
    from shebao.pensions.models import PensionProfile

    person = make_person(district=district, account=citizen, birth_date=dt.date(1966, 1, 20))
    record(person, index=D("2"), balance=D("100000.00"))
    PensionProfile.objects.create(person=person, deemed_months=60, work_start=dt.date(1986, 7, 1))
    page = sign_in(client, citizen).get(MINE).content.decode()
    # then the form shows the profile's facts and the estimate uses its 60 months
    assert 'name="deemed_months" value="60"' in page and 'name="work_start" value="1986-07"' in page
    assert "养老待遇档案记载" in page.split('id="estimate-deemed"')[1].split("</li>")[0]
    assert 'id="estimate-deemed-missing"' not in page
