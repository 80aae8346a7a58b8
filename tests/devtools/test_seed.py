"""shebao seed: the demo data set (counts, valid identifiers, contribution arithmetic,
determinism, idempotence, staff TOTP) and the bulk path (COPY on PostgreSQL, executemany on
SQLite, the ORM reference).

The demo seed runs once for the module, inside a transaction rolled back at the end, with 200
persons instead of 2,000 to stay fast.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import os
import re
import subprocess
import sys
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from shebao.contributions.models import ContributionYear
from shebao.contributions.rulebook import rulebook_load
from shebao.core.identifiers import credit_code_validate, id_number_make, id_number_validate
from shebao.core.models import (
    Account,
    Area,
    AuditEvent,
    Office,
    OpeningException,
    OpeningHours,
    Role,
    SkillGroup,
)
from shebao.core.money import round_fen
from shebao.devtools.seed import rates
from shebao.devtools.seed.cadres import planned_cadre_persons
from shebao.devtools.seed.demo import plan_demo
from shebao.devtools.seed.people import DEMO_YEARS
from shebao.devtools.seed.retirees import planned_persons
from shebao.devtools.seed.staff import demo_totp_key
from shebao.registry.models import Employment, Person, Unit

DEMO_PERSONS = 200
DISTRICT_CODES = {
    "420102": "江岸区",
    "420103": "江汉区",
    "420104": "硚口区",
    "420105": "汉阳区",
    "420106": "武昌区",
    "420107": "青山区",
    "420111": "洪山区",
    "420112": "东西湖区",
    "420113": "汉南区",
    "420114": "蔡甸区",
    "420115": "江夏区",
    "420116": "黄陂区",
    "420117": "新洲区",
}
# DOMAIN.md §2.4 and §2.3, written out here so that a wrong figure in the seed fails the test
AVERAGE_WAGE = {2023: Decimal("7040"), 2024: Decimal("7489"), 2025: Decimal("7496")}
PENSION_EMPLOYEE = (Decimal("0.16"), Decimal("0.08"), Decimal("0.08"))
PENSION_FLEXIBLE = (Decimal("0"), Decimal("0.20"), Decimal("0.08"))
# the rule rows of 2023-2025 (migration 0008): medical employer 8% + maternity 0.7% merged, the
# flexible worker's medical 10%, no account share but the pension's
MEDICAL_EMPLOYEE = (Decimal("0.087"), Decimal("0.02"), Decimal("0"))
MEDICAL_FLEXIBLE = (Decimal("0"), Decimal("0.10"), Decimal("0"))
UNEMPLOYMENT_EMPLOYEE = (Decimal("0.007"), Decimal("0.003"), Decimal("0"))

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Seeds once; yields the command's output; rolls everything back after the module."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        out = StringIO()
        try:
            call_command("seed", "--demo", "--persons", str(DEMO_PERSONS), stdout=out)
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            raise
    yield out.getvalue()
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


def _row_of(output: str, username: str) -> str:
    return next(line for line in output.splitlines() if re.search(rf"[│|]\s*{re.escape(username)}\s*[│|]", line))


def test_organisation_has_the_districts_zones_streets_and_1196_communities(demo):
    # given the demo seed, then
    districts = Area.objects.filter(kind=Area.Kind.DISTRICT)
    assert {a.code: a.name for a in districts} == DISTRICT_CODES
    zones = Area.objects.filter(kind=Area.Kind.ZONE)
    assert sorted(z.name for z in zones) == sorted(
        ["东湖新技术开发区", "武汉经济技术开发区", "东湖生态旅游风景区", "武汉临空港经济技术开发区", "长江新区"]
    )
    assert all(z.code.startswith("4201Z") for z in zones)
    city = Area.objects.get(kind=Area.Kind.CITY)
    assert city.code == "420100"
    for area in [*districts, *zones]:
        assert area.parent_id == city.pk and area.district_id == area.pk
    streets = {s.pk: s for s in Area.objects.filter(kind=Area.Kind.STREET)}
    assert streets and all(
        s.district.kind in ("district", "zone") and s.parent_id == s.district_id for s in streets.values()
    )
    communities = list(Area.objects.filter(kind=Area.Kind.COMMUNITY))
    assert len(communities) == 1196
    assert all(c.parent_id in streets and c.district_id == streets[c.parent_id].district_id for c in communities)
    assert {s.pk for s in streets.values()} == {c.parent_id for c in communities}  # every street has communities


def test_offices_cover_every_district_with_bank_outlets_kiosks_and_the_hotline(demo):
    card_centre = Office.objects.get(kind=Office.Kind.CARD_CENTRE)
    outlets = Office.objects.filter(kind=Office.Kind.BANK_OUTLET).select_related("area")
    assert outlets.count() == 18
    assert all(o.parent_id == card_centre.pk and o.name.startswith("汉口银行") for o in outlets)
    assert {o.area.code for o in outlets} == set(DISTRICT_CODES) | set(
        Area.objects.filter(kind=Area.Kind.ZONE).values_list("code", flat=True)
    )
    district_offices = Office.objects.filter(kind=Office.Kind.DISTRICT_OFFICE)
    assert district_offices.count() == 18
    assert all(o.area.kind in ("district", "zone") and o.name.endswith("社会保险管理处") for o in district_offices)
    centres = Office.objects.filter(kind=Office.Kind.COMMUNITY_CENTRE)
    assert centres.count() == Area.objects.filter(kind=Area.Kind.STREET).count()
    assert all(c.area.kind == Area.Kind.STREET for c in centres)
    city_centre = Office.objects.get(kind=Office.Kind.CITY_CENTRE)
    assert city_centre.name == "武汉市社会保险中心" and city_centre.area.kind == Area.Kind.CITY
    assert Office.objects.filter(kind=Office.Kind.MEDICAL_CENTRE).count() == 1
    assert Office.objects.filter(kind=Office.Kind.HOTLINE, phone="12333").count() == 1
    assert Office.objects.filter(kind=Office.Kind.KIOSK).count() >= 3
    for office in Office.objects.all():  # WGS-84, inside Wuhan's bounding box
        assert Decimal("29.9") < office.latitude < Decimal("31.4"), office
        assert Decimal("113.6") < office.longitude < Decimal("115.1"), office


def test_saturday_service_at_district_offices_and_community_centres_only(demo):
    saturday = OpeningHours.objects.filter(weekday=5)
    kinds = set(saturday.values_list("office__kind", flat=True))
    assert {Office.Kind.DISTRICT_OFFICE, Office.Kind.COMMUNITY_CENTRE} <= kinds
    assert Office.Kind.CITY_CENTRE not in kinds
    jiangan = saturday.get(office__code="SI-420102")
    assert (jiangan.opens.hour, jiangan.closes.hour) == (9, 16)
    weekday = OpeningHours.objects.filter(office__code="SI-420102", weekday=0).order_by("opens")
    assert [(h.opens.strftime("%H:%M"), h.closes.strftime("%H:%M")) for h in weekday] == [
        ("09:00", "12:00"),
        ("13:30", "17:00"),
    ]
    assert OpeningException.objects.filter(closed=True).exists()


def test_staff_for_every_staff_role_with_authority_and_a_confirmed_totp_device(demo):
    staff = list(Account.objects.filter(kind=Account.Kind.STAFF).select_related("office__area"))
    assert {a.role for a in staff} == set(Role) - {Role.CITIZEN, Role.UNIT}
    levels = {Role.CLERK: 1, Role.REVIEWER: 2, Role.APPROVER: 3}
    for role, level in levels.items():
        in_districts = {a.office.area.code for a in staff if a.role == role and a.office.area.kind == "district"}
        assert {"420102", "420106"} <= in_districts, role
        assert all(a.authority_level == level for a in staff if a.role == role)
    for account in staff:
        assert id_number_validate(account.id_number).number == account.id_number
        device = TOTPDevice.objects.get(user=account)
        assert device.confirmed and device.key == demo_totp_key(account.username)
        assert account.skill_groups.exists() or account.role in {Role.MONITOR_CITY, Role.MONITOR_DISTRICT, Role.ADMIN}
        assert account.is_superuser == (account.role == Role.ADMIN) == account.is_staff
    assert Account.objects.get(username="bank_agent").office.kind == Office.Kind.BANK_OUTLET


def test_skill_groups_are_the_ones_the_service_items_name(demo):
    from shebao.catalog.definitions import registered_specs

    seeded = set(SkillGroup.objects.values_list("code", flat=True))
    assert {spec.skill_group for spec in registered_specs().values()} <= seeded
    clerk = Account.objects.get(username="clerk")
    assert set(clerk.skill_groups.values_list("code", flat=True)) == seeded  # 一岗通
    assert list(Account.objects.get(username="bank_agent").skill_groups.values_list("code", flat=True)) == ["card"]


def test_persons_have_valid_id_numbers_consistent_with_sex_birth_and_category(demo):
    persons = list(Person.objects.select_related("district", "account"))
    retirees = {row[0] for row in planned_persons(timezone.localdate())}
    cadres = {row[0] for row in planned_cadre_persons()}
    # + the demo retirees (issue 11) and the demo cadres (issue 12), none of them one of the others
    assert not retirees & cadres
    assert len(persons) == DEMO_PERSONS + len(retirees) + len(cadres)
    assert {p.category for p in persons} == {"employee", "flexible", "retiree"}
    assert any(p.district.kind == Area.Kind.ZONE for p in persons)
    for p in persons:
        parsed = id_number_validate(p.id_number)
        assert parsed.number == p.id_number
        assert parsed.sex == p.sex and parsed.birth_date == p.birth_date
        assert parsed.region_code in DISTRICT_CODES  # never an internal zone code
        assert int(p.id_number[14:17]) < 500  # the demo's sequence codes (bulk data uses 500-999)
        assert re.fullmatch(r"1\d{10}", p.phone)
        age_2023 = 2023 - p.birth_date.year
        if p.id_number in retirees:
            continue  # the demo retirees retire under the 2025 delay (checked in tests/pensions)
        if p.category == "retiree":
            assert age_2023 > (60 if p.sex == "M" else 50)
        else:
            assert 18 <= age_2023 < (60 if p.sex == "M" else 50)
        if p.account:
            assert p.account.kind == Account.Kind.CITIZEN and p.account.username == p.id_number
    assert sum(1 for p in persons if p.account) >= 2


def test_units_have_valid_credit_codes_and_an_operator(demo):
    units = list(Unit.objects.all())
    assert len(units) == 100
    assert all(credit_code_validate(u.credit_code) == u.credit_code and 1 <= u.injury_risk_class <= 8 for u in units)
    assert len({u.credit_code for u in units}) == 100
    vip = [u for u in units if u.vip]
    assert vip
    operator = Account.objects.filter(kind=Account.Kind.UNIT).order_by("id").first()
    assert operator.username == f"{operator.unit_code}:op1"
    assert operator.unit_code in {u.credit_code for u in vip}


def test_contribution_records_by_category(demo):
    by_person: dict[int, list[ContributionYear]] = {}
    for record in ContributionYear.objects.all():
        by_person.setdefault(record.person_id, []).append(record)
    persons = {p.pk: p for p in Person.objects.all()}
    assert not any(persons[pid].category == "retiree" for pid in by_person)
    for pid, records in by_person.items():
        person = persons[pid]
        years = {r.year for r in records}
        assert years <= {2023, 2024, 2025}
        for year in years:
            insurances = {r.insurance for r in records if r.year == year}
            units = {r.unit_id for r in records if r.year == year}
            if person.category == "employee":
                # maternity is collected with medical since 2019 (国办发〔2019〕10号): no record of its own
                assert insurances == {"pension", "medical", "unemployment", "injury"}
                assert len(units) == 1 and None not in units
            else:
                assert insurances in ({"pension"}, {"pension", "medical"}) and units == {None}
    employees = [p for p in persons.values() if p.category == "employee"]
    assert sum(1 for p in employees if p.pk in by_person) > len(employees) * 0.8
    employed = Employment.objects.values("person").distinct().count()
    assert Employment.objects.count() > employed  # some employees changed employers
    assert Employment.objects.filter(end__isnull=False).exists()
    assert ContributionYear.objects.filter(months__lt=12).exists()  # interruptions and late starts


def _rule_row_rates(category: str, insurance: str, year: int, risk_class: int | None):
    """(employer, individual, account) as the rule rows in force on 1 January say, read here
    through the rulebook the assessment uses, not through the seed."""
    book = rulebook_load()
    on = dt.date(year, 1, 1)
    if insurance == "injury":
        return book.injury_rate(risk_class=risk_class, on=on).value, Decimal("0"), Decimal("0")
    in_force = book.rates(person_type=category, on=on)
    return tuple(
        in_force[(insurance, payer)].value if (insurance, payer) in in_force else Decimal("0")
        for payer in ("employer", "individual", "account")
    )


def test_bases_within_60_to_300_percent_and_amounts_round_fen_of_base_times_rate(demo):
    units = {u.pk: u.injury_risk_class for u in Unit.objects.all()}
    categories = dict(Person.objects.values_list("id", "category"))
    records = list(ContributionYear.objects.all())
    assert records
    for r in records:
        assert 1 <= r.months <= 12
        base = r.base_total / r.months
        assert base == base.to_integral_value(), r.base_total
        assert AVERAGE_WAGE[r.year] * Decimal("0.6") <= base <= AVERAGE_WAGE[r.year] * 3
        category = categories[r.person_id]
        employer, personal, account = _rule_row_rates(category, r.insurance, r.year, units.get(r.unit_id))
        assert r.employer_amount == round_fen(r.base_total * employer)
        assert r.personal_amount == round_fen(r.base_total * personal)
        assert r.account_credit == round_fen(r.base_total * account)


def test_the_seeded_records_rates_are_the_rule_rows_and_the_seed_keeps_no_copy(demo):
    # given the seeded annual records of the three years
    units = {u.pk: u.injury_risk_class for u in Unit.objects.all()}
    categories = dict(Person.objects.values_list("id", "category"))
    hand = {
        ("employee", "pension"): PENSION_EMPLOYEE,
        ("flexible", "pension"): PENSION_FLEXIBLE,
        ("employee", "medical"): MEDICAL_EMPLOYEE,
        ("flexible", "medical"): MEDICAL_FLEXIBLE,
        ("employee", "unemployment"): UNEMPLOYMENT_EMPLOYEE,
    }
    seen = set()
    for r in ContributionYear.objects.all():
        category = categories[r.person_id]
        rates_used = _rule_row_rates(category, r.insurance, r.year, units.get(r.unit_id))
        # then each record's rates are the rule rows' (and those are the figures written out above)
        assert (category, r.insurance) == ("employee", "injury") or rates_used == hand[(category, r.insurance)]
        assert (r.employer_amount, r.personal_amount, r.account_credit) == tuple(
            round_fen(r.base_total * rate) for rate in rates_used
        )
        seen.add((category, r.insurance))
    assert seen == {*hand, ("employee", "injury")}
    # and the seed's figures are read from the rows: a changed row changes the next plan's figures
    from shebao.contributions.models import ContributionRate

    row_id = rulebook_load().rates(person_type="employee", on=dt.date(2025, 1, 1))[("medical", "employer")].id
    try:
        with transaction.atomic():
            ContributionRate.objects.filter(pk=row_id).update(rate=Decimal("0.09"))
            rates.figures_forget()
            assert rates.rates_for(category="employee", insurance="medical", year=2025)[0] == Decimal("0.09")
            transaction.set_rollback(True)
    finally:
        rates.figures_forget()
    assert rates.rates_for(category="employee", insurance="medical", year=2025) == MEDICAL_EMPLOYEE
    assert not hasattr(rates, "SEED_CONTRIBUTION_RATES") and not hasattr(rates, "SEED_AVERAGE_MONTHLY_WAGE")


def test_demo_is_deterministic_the_stored_rows_are_the_plan(demo):
    # given two plans made independently
    first, second = plan_demo(persons=DEMO_PERSONS), plan_demo(persons=DEMO_PERSONS)
    assert first.people == second.people and first.staff == second.staff and first.org == second.org
    # then the database holds exactly the planned persons and contribution records
    planned = {(p.id_number, p.name, p.sex, p.birth_date, p.category, p.district) for p in first.people.persons}
    stored = set(Person.objects.values_list("id_number", "name", "sex", "birth_date", "category", "district__code"))
    # and the demo retirees (issue 11) and cadres (issue 12)
    assert stored == planned | planned_persons(timezone.localdate()) | planned_cadre_persons()
    planned_years = {
        (c.id_number, c.credit_code, c.insurance, c.year, c.months, c.base_total, c.employer_amount, c.personal_amount)
        for c in first.people.contributions
    }
    stored_years = set(
        ContributionYear.objects.values_list(
            "person__id_number",
            "unit__credit_code",
            "insurance",
            "year",
            "months",
            "base_total",
            "employer_amount",
            "personal_amount",
        )
    )
    assert stored_years == planned_years
    assert {s.id_number for s in first.staff} == set(
        Account.objects.filter(kind=Account.Kind.STAFF).values_list("id_number", flat=True)
    )


def test_plan_is_the_same_in_another_process_with_another_hash_seed():
    # given the plan's digest here and in a fresh interpreter with a different PYTHONHASHSEED
    # (the plan computes with the rule rows, read here and handed over: the other process has no
    # database with them)
    figures = {year: rates.year_figures(year) for year in DEMO_YEARS}
    code = (
        "import django, hashlib; django.setup();"
        "from decimal import Decimal;"
        "from shebao.devtools.seed import rates;"
        "from shebao.devtools.seed.rates import YearFigures;"
        f"rates.figures_use({figures!r});"
        "from shebao.devtools.seed.demo import plan_demo;"
        f"print(hashlib.sha256(repr(plan_demo(persons={DEMO_PERSONS})).encode()).hexdigest())"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345", "DJANGO_SETTINGS_MODULE": "shebao.settings"}
    other = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    # then both are equal
    here = hashlib.sha256(repr(plan_demo(persons=DEMO_PERSONS)).encode()).hexdigest()
    assert other.stdout.strip() == here


def test_invalid_sizes_are_clear_errors():
    for args in (["--demo", "--persons", "1"], ["--persons", "0"], ["--persons", "10", "--years", "0"]):
        with pytest.raises(CommandError):
            call_command("seed", *args, stdout=StringIO())


def _counts() -> dict[str, int]:
    models = (Area, Office, OpeningHours, Account, TOTPDevice, Person, Unit, Employment, ContributionYear, AuditEvent)
    return {m.__name__: m.objects.count() for m in models}


def test_second_run_writes_nothing_and_prints_the_accounts(demo):
    # given the seeded database
    before = _counts()
    # when the demo seed runs again
    out = StringIO()
    call_command("seed", "--demo", stdout=out)
    # then nothing was written and the logins are printed again, with the same TOTP secrets
    assert _counts() == before
    text = out.getvalue()
    assert "already present" in text
    for username in ("clerk", "reviewer", "approver", "admin", "bank_agent", "hotline", "monitor"):
        assert (
            re.search(r"\b[A-Z2-7]{32}\b", _row_of(text, username)).group()
            == re.search(r"\b[A-Z2-7]{32}\b", _row_of(demo, username)).group()
        )


def test_printed_totp_code_verifies_with_django_otp(demo):
    # given the printed logins
    out = StringIO()
    call_command("seed", "--demo", stdout=out)
    row = _row_of(out.getvalue(), "clerk")
    secret = re.search(r"\b[A-Z2-7]{32}\b", row).group()
    code = re.search(r"[│|]\s*(\d{6})\s*[│|]\s*$", row).group(1)
    device = TOTPDevice.objects.get(user__username="clerk")
    # then the secret is the device's key and the code verifies
    assert base64.b32decode(secret) == binascii.unhexlify(device.key)
    assert device.verify_token(code)
    # and shebao seed --totp prints a code that verifies for another account
    out = StringIO()
    call_command("seed", "--totp", "reviewer", stdout=out)
    reviewer_code = re.search(r"TOTP (\d{6})", out.getvalue()).group(1)
    assert TOTPDevice.objects.get(user__username="reviewer").verify_token(reviewer_code)


def test_totp_of_an_unknown_or_non_staff_account_is_a_clear_error(demo):
    citizen = Account.objects.filter(kind=Account.Kind.CITIZEN).first()
    for username in ("nobody", citizen.username):
        with pytest.raises(CommandError, match="No staff account"):
            call_command("seed", "--totp", username, stdout=StringIO())


def test_seed_without_a_mode_is_a_clear_error():
    with pytest.raises(CommandError, match="--demo"):
        call_command("seed", stdout=StringIO())


@pytest.mark.parametrize(
    ("args", "persons", "years"),
    [
        (["--persons", "500", "--batch", "200"], 500, 10),
        (["--persons", "30", "--years", "3", "--method", "orm"], 30, 3),
    ],
    ids=["default-method", "orm-reference"],
)
def test_bulk_seed_adds_persons_with_valid_unique_ids_and_annual_pension_records(demo, args, persons, years):
    # given the demo data
    max_before = Person.objects.aggregate(m=Max("id"))["m"]
    people_before, records_before = Person.objects.count(), ContributionYear.objects.count()
    # when the bulk seed runs
    out = StringIO()
    call_command("seed", *args, stdout=out)
    # then N persons with valid, new ID numbers and `years` pension records each were added
    method = "orm" if "orm" in args else ("copy" if connection.vendor == "postgresql" else "executemany")
    assert f"{method}: {persons:,} persons" in out.getvalue()
    added = list(Person.objects.filter(id__gt=max_before))
    assert len(added) == persons == Person.objects.count() - people_before
    assert len({p.id_number for p in added}) == persons
    for p in added:
        parsed = id_number_validate(p.id_number)
        assert parsed.sex == p.sex and parsed.birth_date == p.birth_date and parsed.region_code in DISTRICT_CODES
        assert int(p.id_number[14:17]) >= 500
    records = list(ContributionYear.objects.filter(person__in=added).select_related("person"))
    assert len(records) == persons * years == ContributionYear.objects.count() - records_before
    last_year = max(r.year for r in records)
    assert {r.year for r in records} == set(range(last_year - years + 1, last_year + 1))
    for r in records:
        employer, personal, account = PENSION_EMPLOYEE if r.person.category == "employee" else PENSION_FLEXIBLE
        assert r.insurance == "pension" and (r.unit_id is not None) == (r.person.category == "employee")
        assert r.employer_amount == round_fen(r.base_total * employer)
        assert r.personal_amount == round_fen(r.base_total * personal)
        assert r.account_credit == round_fen(r.base_total * account)
    assert all(credit_code_validate(u.credit_code) for u in Unit.objects.filter(name__contains="分公司"))
    # and the id sequence moved past the bulk rows: the ORM's next person does not collide
    newcomer = Person.objects.create(
        id_number=id_number_make(region_code="420102", birth_date=added[0].birth_date, sequence=7),
        name="新来的",
        sex="M",
        birth_date=added[0].birth_date,
        category="employee",
        district=added[0].district,
    )
    assert newcomer.pk > max(p.pk for p in added)


def test_the_demo_ledger_is_made_by_the_monthly_job_and_paid_by_the_bank_on_time(demo):
    # every month after the annual records up to last month (at least three), assessed by the
    # real job (one bill per unit and worker): no gap between the history and the ledger
    from shebao.contributions.models import AccountEntry, Bill, ContributionMonth, Payment
    from shebao.core.months import month_add

    this_month = timezone.localdate().replace(day=1)
    records_end = ContributionYear.objects.aggregate(y=Max("year"))["y"]
    first = min(dt.date(records_end + 1, 1, 1), month_add(this_month, -3))
    periods = []
    while first < this_month:
        periods.append(first)
        first = month_add(first, 1)
    assert sorted(set(Bill.objects.values_list("period", flat=True))) == periods
    assert not Bill.objects.exclude(kind=Bill.Kind.MONTHLY).exists()
    # every bill equals the sum of its rows
    for bill in Bill.objects.order_by("?")[:20]:
        rows = ContributionMonth.objects.filter(bill=bill)
        personal = sum(
            (r.pension_personal or 0) + (r.medical_personal or 0) + (r.unemployment_personal or 0) for r in rows
        )
        assert bill.personal_total == personal
    # the earlier months paid by the bank on their due dates (no late fee), a few left unpaid; the
    # last month open or, past its due date, in arrears — what the window collects
    earlier = Bill.objects.filter(period__lt=periods[-1])
    paid = earlier.filter(status=Bill.Status.PAID)
    assert 0.9 < paid.count() / earlier.count() < 1
    assert not paid.filter(late_fee__gt=0).exists()
    assert {
        p.paid_at.astimezone(timezone.get_default_timezone()).date()
        for p in Payment.objects.select_related("bill")[:50]
    } <= set(Bill.objects.values_list("due_date", flat=True))
    assert not Bill.objects.filter(period=periods[-1], status=Bill.Status.PAID).exists()
    # and the personal accounts are credited from the paid months only — the annual records'
    # months (loaded into the ledger by the history job) and the assessed ones alike — with each
    # closed year's interest
    credited = ContributionMonth.objects.filter(status="paid", account_credit__gt=0).count()
    assert AccountEntry.objects.filter(kind="contribution").count() == credited > 0
    history = ContributionMonth.objects.filter(bill__isnull=True, period__year__lte=records_end)
    assert history.filter(rules__source="annual_record").count() == history.count() > 0
    for record in ContributionYear.objects.filter(insurance="pension").order_by("?")[:20]:
        months = ContributionMonth.objects.filter(person_id=record.person_id, period__year=record.year)
        assert months.count() == record.months
        assert sum(m.account_credit for m in months) == record.account_credit
    with_history = AccountEntry.objects.filter(year=records_end, kind="contribution").values("person_id")
    interest = AccountEntry.objects.filter(year=records_end, kind="interest", person_id__in=with_history)
    assert interest.count() == with_history.distinct().count()
