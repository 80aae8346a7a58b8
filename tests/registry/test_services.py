"""Registry commands: registration once per ID number, flexible enrolment with no hukou
condition, unit registration, 增员 / 减员 and 续保, each audited and authorised."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from shebao.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from shebao.core.identifiers import credit_code_make
from shebao.core.models import AuditEvent
from shebao.registry import services
from shebao.registry.models import Employment, InsuredStatus, Person, UnitInsurance
from tests.factories import new_id_number
from tests.web.support import make_person, make_unit

pytestmark = pytest.mark.django_db

FEB_10 = dt.datetime(2026, 2, 10, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(FEB_10, tick=False):
        yield


@pytest.fixture
def unit(unit_operator, district, clerk):
    unit = make_unit(code=unit_operator.unit_code, district=district)
    services.unit_register(
        actor=clerk,
        credit_code=unit.credit_code,
        name=unit.name,
        district=district,
        insurances=services.FIVE_INSURANCES,
    )
    return unit


def _statuses(person: Person) -> dict[str, tuple[str, dt.date, int | None]]:
    return {s.insurance: (s.status, s.since, s.unit_id) for s in InsuredStatus.objects.filter(person=person)}


# --- person_register ------------------------------------------------------------------------


def test_register_derives_sex_and_birth_date_from_the_number(clerk, district):
    # given a number of a person born 1990-07-01 (17th digit: odd for a man, even for a woman)
    number = new_id_number(birth=dt.date(1990, 7, 1))
    # when registered without sex or birth date
    person = services.person_register(actor=clerk, id_number=number, name="周敏", district=district)
    # then both come from the number, and the registration is audited
    assert (person.sex, person.birth_date) == ("M" if int(number[16]) % 2 else "F", dt.date(1990, 7, 1))
    assert AuditEvent.objects.filter(action="person.register", subject_person=number).count() == 1


def test_register_refuses_a_typed_birth_date_that_contradicts_the_number(clerk, district):
    number = new_id_number(birth=dt.date(1990, 7, 1))
    with pytest.raises(InvalidInput) as error:
        services.person_register(
            actor=clerk, id_number=number, name="周敏", district=district, birth_date=dt.date(1990, 7, 2)
        )
    assert error.value.field == "birth_date" and "1990-07-01" in error.value.message_zh
    assert not Person.objects.filter(id_number=number).exists()


def test_register_refuses_the_wrong_sex(clerk, district):
    number = new_id_number()
    wrong = "F" if int(number[16]) % 2 else "M"
    with pytest.raises(InvalidInput) as error:
        services.person_register(actor=clerk, id_number=number, name="周敏", district=district, sex=wrong)
    assert error.value.field == "sex"


def test_one_number_is_registered_once(clerk, district):
    number = new_id_number()
    services.person_register(actor=clerk, id_number=number, name="周敏", district=district)
    with pytest.raises(Conflict) as error:
        services.person_register(actor=clerk, id_number=number.lower(), name="周敏", district=district)
    assert "已登记" in error.value.message_zh
    assert Person.objects.filter(id_number=number).count() == 1
    assert AuditEvent.objects.filter(action="person.register").count() == 1


@pytest.mark.parametrize("actor_name", ["citizen", "bank_agent", "unit_operator", "monitor"])
def test_only_counter_staff_register_persons(request, district, actor_name):
    actor = request.getfixturevalue(actor_name)
    number = new_id_number()
    with pytest.raises(NotAllowed):
        services.person_register(actor=actor, id_number=number, name="周敏", district=district)
    assert not Person.objects.filter(id_number=number).exists()


def test_person_update_changes_address_and_needs_a_reason_for_a_name(clerk, district):
    person = make_person(district=district, name="周敏")
    services.person_update(actor=clerk, person=person, address="江岸区解放大道1号", phone="13900000000")
    person.refresh_from_db()
    assert (person.address, person.phone) == ("江岸区解放大道1号", "13900000000")
    with pytest.raises(InvalidInput) as error:
        services.person_update(actor=clerk, person=person, name="周敏敏")
    assert error.value.field == "reason"
    services.person_update(actor=clerk, person=person, name="周敏敏", reason="公安机关证明")
    person.refresh_from_db()
    assert person.name == "周敏敏"
    event = AuditEvent.objects.filter(action="person.update").latest("id")
    assert event.before == {"name": "周敏"} and event.after["reason"] == "公安机关证明"


# --- flexible_enrol -------------------------------------------------------------------------


def test_flexible_enrol_with_a_hukou_elsewhere_is_insured_in_pension_and_medical(clerk, district):
    # given a person whose hukou is in another province
    person = make_person(district=district, category=Person.Category.EMPLOYEE, hukou_place="河南省信阳市")
    # when they enrol as a flexible worker
    services.flexible_enrol(actor=clerk, person=person, start_month=dt.date(2026, 2, 17))
    # then pension and medical are active from February, through no unit
    assert _statuses(person) == {
        "pension": ("active", dt.date(2026, 2, 1), None),
        "medical": ("active", dt.date(2026, 2, 1), None),
    }
    person.refresh_from_db()
    assert person.category == Person.Category.FLEXIBLE


def test_flexible_enrol_refuses_an_employee(clerk, district, unit):
    person = make_person(district=district)
    services.employment_add(
        actor=clerk, unit=unit, id_number=person.id_number, name=person.name, start=dt.date(2026, 1, 1)
    )
    with pytest.raises(Conflict) as error:
        services.flexible_enrol(actor=clerk, person=person)
    assert "用人单位" in error.value.message_zh
    assert _statuses(person)["pension"][2] == unit.pk


def test_flexible_enrol_twice_is_a_conflict(clerk, district):
    person = make_person(district=district)
    services.flexible_enrol(actor=clerk, person=person)
    with pytest.raises(Conflict):
        services.flexible_enrol(actor=clerk, person=person)


def test_flexible_enrol_refuses_a_retiree_whose_pension_ended(clerk, district):
    person = make_person(district=district, category=Person.Category.RETIREE)
    InsuredStatus.objects.create(person=person, insurance="pension", status="terminated", since=dt.date(2020, 1, 1))
    with pytest.raises(Conflict):
        services.flexible_enrol(actor=clerk, person=person)
    assert _statuses(person)["pension"][0] == "terminated"


# --- units ----------------------------------------------------------------------------------


def test_unit_register_creates_the_unit_and_its_insurances(clerk, district):
    code = credit_code_make(region_code="420102", serial=77)
    rows = services.unit_register(
        actor=clerk,
        credit_code=code,
        name="武汉新单位有限公司",
        district=district,
        insurances=["pension", "medical"],
        since=dt.date(2026, 2, 15),
        injury_risk_class=3,
    )
    assert {r.insurance: r.since for r in rows} == {"pension": dt.date(2026, 2, 1), "medical": dt.date(2026, 2, 1)}
    assert rows[0].unit.injury_risk_class == 3
    with pytest.raises(Conflict):
        services.unit_register(actor=clerk, credit_code=code, name="x", district=district, insurances=["pension"])
    assert UnitInsurance.objects.filter(unit__credit_code=code).count() == 2


def test_unit_register_refuses_an_unknown_insurance_and_a_bad_code(clerk, district):
    with pytest.raises(InvalidInput):
        services.unit_register(
            actor=clerk,
            credit_code=credit_code_make(region_code="420102", serial=78),
            name="x",
            district=district,
            insurances=["card"],
        )
    with pytest.raises(InvalidInput):
        services.unit_register(actor=clerk, credit_code="123", name="x", district=district, insurances=["pension"])


# --- employment -----------------------------------------------------------------------------


def test_employment_add_registers_a_new_person_and_insures_them_through_the_unit(unit_operator, unit):
    # given an ID number never registered
    number = new_id_number()
    # when the unit's operator adds them online
    employment = services.employment_add(
        actor=unit_operator, unit=unit, id_number=number, name="新员工", start=dt.date(2026, 2, 16), channel="online"
    )
    # then the person exists, employed, insured in the unit's five insurances from February
    person = Person.objects.get(id_number=number)
    assert (employment.person_id, employment.end, person.category) == (person.pk, None, "employee")
    assert _statuses(person) == {i: ("active", dt.date(2026, 2, 1), unit.pk) for i in services.FIVE_INSURANCES}
    assert AuditEvent.objects.filter(action="employment.add", channel="online").count() == 1


def test_employment_add_refusals(unit_operator, unit, district):
    person = make_person(district=district)
    # an unknown person without a name
    with pytest.raises(InvalidInput) as error:
        services.employment_add(actor=unit_operator, unit=unit, id_number=new_id_number(), start=dt.date(2026, 2, 1))
    assert error.value.field == "name"
    # a start beyond the end of next month (March 2026)
    with pytest.raises(InvalidInput):
        services.employment_add(
            actor=unit_operator, unit=unit, id_number=person.id_number, name=person.name, start=dt.date(2026, 4, 1)
        )
    services.employment_add(
        actor=unit_operator, unit=unit, id_number=person.id_number, name=person.name, start=dt.date(2026, 3, 31)
    )
    # already employed by this unit
    with pytest.raises(Conflict):
        services.employment_add(
            actor=unit_operator, unit=unit, id_number=person.id_number, name=person.name, start=dt.date(2026, 2, 1)
        )
    assert Employment.objects.filter(person=person).count() == 1


def test_a_unit_operator_acts_for_their_own_unit_only(unit_operator, district, clerk):
    other = make_unit(code=credit_code_make(region_code="420102", serial=2), district=district, name="别家公司")
    services.unit_register(
        actor=clerk, credit_code=other.credit_code, name="", district=district, insurances=["pension"]
    )
    person = make_person(district=district)
    with pytest.raises(NotFound):
        services.employment_add(
            actor=unit_operator, unit=other, id_number=person.id_number, name=person.name, start=dt.date(2026, 2, 1)
        )
    assert not Employment.objects.exists()


def test_employment_add_refused_for_an_unregistered_unit(unit_operator, district):
    bare = make_unit(code=unit_operator.unit_code, district=district)
    with pytest.raises(InvalidInput):
        services.employment_add(
            actor=unit_operator, unit=bare, id_number=new_id_number(), name="甲乙", start=dt.date(2026, 2, 1)
        )


def test_employment_end_suspends_from_the_next_month(unit_operator, unit, district):
    person = make_person(district=district)
    services.employment_add(
        actor=unit_operator, unit=unit, id_number=person.id_number, name=person.name, start=dt.date(2025, 3, 1)
    )
    # the end cannot precede the start
    with pytest.raises(InvalidInput):
        services.employment_end(actor=unit_operator, unit=unit, id_number=person.id_number, end=dt.date(2025, 2, 28))
    services.employment_end(actor=unit_operator, unit=unit, id_number=person.id_number, end=dt.date(2026, 1, 20))
    assert Employment.objects.get(person=person).end == dt.date(2026, 1, 20)
    assert {s for s, _, _ in _statuses(person).values()} == {"suspended"}
    assert {since for _, since, _ in _statuses(person).values()} == {dt.date(2026, 2, 1)}
    # removing again: not on the staff
    with pytest.raises(NotFound):
        services.employment_end(actor=unit_operator, unit=unit, id_number=person.id_number, end=dt.date(2026, 1, 20))


def test_employment_end_keeps_statuses_carried_by_another_employer(clerk, unit, district):
    second = make_unit(code=credit_code_make(region_code="420102", serial=3), district=district, name="第二家")
    services.unit_register(
        actor=clerk, credit_code=second.credit_code, name="", district=district, insurances=["pension", "medical"]
    )
    person = make_person(district=district)
    services.employment_add(
        actor=clerk, unit=unit, id_number=person.id_number, name=person.name, start=dt.date(2025, 1, 1)
    )
    # two open employments at once (an addition now refuses it: kept from before that rule)
    Employment.objects.create(person=person, unit=second, start=dt.date(2025, 6, 1))
    services.activate_via_unit(
        persons=[person], unit=second, since={person.pk: dt.date(2025, 6, 1)}, insurances=["pension", "medical"]
    )
    services.employment_end(actor=clerk, unit=second, id_number=person.id_number, end=dt.date(2026, 1, 31))
    # the second unit was the last to insure them in pension and medical; the first still employs them
    statuses = _statuses(person)
    assert statuses["pension"] == ("active", dt.date(2025, 6, 1), unit.pk)
    assert statuses["unemployment"] == ("active", dt.date(2025, 1, 1), unit.pk)


def test_status_resume_after_an_interruption(clerk, unit, district):
    person = make_person(district=district)
    services.employment_add(
        actor=clerk, unit=unit, id_number=person.id_number, name=person.name, start=dt.date(2024, 1, 1)
    )
    services.employment_end(actor=clerk, unit=unit, id_number=person.id_number, end=dt.date(2025, 6, 30))
    # resuming before the interruption began is refused
    with pytest.raises(InvalidInput):
        services.status_resume(actor=clerk, person=person, since=dt.date(2025, 5, 1))
    services.status_resume(actor=clerk, person=person, since=dt.date(2026, 2, 1))
    statuses = _statuses(person)
    assert statuses["pension"] == ("active", dt.date(2026, 2, 1), None)
    assert statuses["medical"] == ("active", dt.date(2026, 2, 1), None)
    assert statuses["unemployment"][0] == "suspended"  # a flexible worker resumes pension and medical only
    with pytest.raises(Conflict):
        services.status_resume(actor=clerk, person=person)
