"""增员 checks in the service, for every channel (the page, the Excel import, a 增员 case): the
name must be the registered one and a mismatch does not say which name is registered; a person
insured elsewhere (another employer, as a flexible worker) or retired is not moved; bad dates,
phones and names are refused. On every refusal nothing about the person changes."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from shebao.core.errors import Conflict, InvalidInput
from shebao.core.identifiers import credit_code_make
from shebao.core.models import AuditEvent
from shebao.registry import services
from shebao.registry.models import Employment, InsuredStatus, Person
from tests.factories import new_id_number
from tests.web.support import make_person, make_unit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2026, 2, 10, 2, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def unit(unit_operator, district, clerk):
    unit = make_unit(code=unit_operator.unit_code, district=district)
    services.unit_register(
        actor=clerk, credit_code=unit.credit_code, name="", district=district, insurances=services.FIVE_INSURANCES
    )
    return unit


@pytest.fixture
def other_unit(district, clerk):
    other = make_unit(code=credit_code_make(region_code="420102", serial=31), district=district, name="别家公司")
    services.unit_register(
        actor=clerk, credit_code=other.credit_code, name="", district=district, insurances=services.FIVE_INSURANCES
    )
    return other


def snapshot(person: Person) -> tuple:
    """Everything an addition could change about a person."""
    person.refresh_from_db()
    return (
        person.name,
        person.category,
        person.phone,
        sorted(InsuredStatus.objects.filter(person=person).values_list("insurance", "status", "since", "unit_id")),
        sorted(Employment.objects.filter(person=person).values_list("unit_id", "start", "end")),
    )


def flexible_worker(district, clerk) -> Person:
    person = make_person(district=district, name="王丽", category=Person.Category.FLEXIBLE, phone="15051105312")
    services.flexible_enrol(actor=clerk, person=person, start_month=dt.date(2024, 1, 1))
    return person


def add(unit_operator, unit, **kw):
    values = {"start": dt.date(2026, 2, 1), "channel": "online", **kw}
    return services.employment_add(actor=unit_operator, unit=unit, **values)


# --- a registered person -----------------------------------------------------------------------


def test_a_strangers_number_with_another_name_is_refused_without_revealing_the_registered_name(
    unit_operator, unit, district, clerk
):
    # given a registered flexible worker 王丽 whom the unit does not employ
    person = flexible_worker(district, clerk)
    before = snapshot(person)
    # when the unit adds her ID number under another name
    with pytest.raises(InvalidInput) as error:
        add(unit_operator, unit, id_number=person.id_number, name="张三")
    # then the name is refused, the registered name is not said, and nothing about her changed
    assert error.value.field == "name" and "不一致" in error.value.message_zh
    assert "王丽" not in error.value.message_zh + error.value.message_en
    assert snapshot(person) == before
    assert not AuditEvent.objects.filter(action="employment.add").exists()


def test_a_registered_person_needs_a_name(unit_operator, unit, district):
    person = make_person(district=district, name="陈一")
    before = snapshot(person)
    with pytest.raises(InvalidInput) as error:
        add(unit_operator, unit, id_number=person.id_number, name="")
    assert error.value.field == "name"
    assert snapshot(person) == before


def test_a_person_employed_by_another_unit_is_not_moved(unit_operator, unit, other_unit, district, clerk):
    # given a person employed and insured by another unit
    person = make_person(district=district, name="李娜")
    services.employment_add(
        actor=clerk, unit=other_unit, id_number=person.id_number, name="李娜", start=dt.date(2025, 1, 1)
    )
    before = snapshot(person)
    # when this unit adds them with the right name
    with pytest.raises(Conflict) as error:
        add(unit_operator, unit, id_number=person.id_number, name="李娜")
    # then the other unit must remove them first (it is not named); nothing moved
    assert "原单位先办理减员" in error.value.message_zh and "别家公司" not in error.value.message_zh
    assert snapshot(person) == before


def test_an_active_flexible_worker_must_stop_first(unit_operator, unit, district, clerk):
    person = flexible_worker(district, clerk)
    before = snapshot(person)
    with pytest.raises(Conflict) as error:
        add(unit_operator, unit, id_number=person.id_number, name="王丽")
    assert "灵活就业人员停保" in error.value.message_zh
    assert snapshot(person) == before
    # once she has stopped, the unit adds her and she becomes an employee
    services.flexible_stop(actor=clerk, person=person, last_month=dt.date(2026, 1, 1))
    add(unit_operator, unit, id_number=person.id_number, name="王丽")
    person.refresh_from_db()
    assert person.category == Person.Category.EMPLOYEE
    assert set(InsuredStatus.objects.filter(person=person).values_list("status", "unit_id")) == {("active", unit.pk)}


@pytest.mark.parametrize("how", ["category", "pension_terminated"])
def test_a_retiree_is_not_enrolled(unit_operator, unit, district, how):
    person = make_person(
        district=district,
        name="赵老",
        birth_date=dt.date(1960, 3, 1),
        category=Person.Category.RETIREE if how == "category" else Person.Category.EMPLOYEE,
    )
    if how == "pension_terminated":
        InsuredStatus.objects.create(person=person, insurance="pension", status="terminated", since=dt.date(2020, 4, 1))
    before = snapshot(person)
    with pytest.raises(Conflict) as error:
        add(unit_operator, unit, id_number=person.id_number, name="赵老")
    assert "退休" in error.value.message_zh
    assert snapshot(person) == before


def test_a_registered_person_born_in_1938_is_not_enrolled(unit_operator, unit, district):
    number = new_id_number(birth=dt.date(1938, 5, 1))
    person = make_person(district=district, id_number=number, name="钱老", birth_date=dt.date(1938, 5, 1))
    before = snapshot(person)
    with pytest.raises(Conflict) as error:
        add(unit_operator, unit, id_number=number, name="钱老")
    assert "1938" in error.value.message_zh and "法定退休年龄" in error.value.message_zh
    assert snapshot(person) == before


def test_a_man_of_66_paying_on_to_reach_his_years_is_enrolled(unit_operator, unit, district):
    number = new_id_number(birth=dt.date(1960, 1, 15))
    make_person(district=district, id_number=number, name="孙强", birth_date=dt.date(1960, 1, 15))
    employment = add(unit_operator, unit, id_number=number, name="孙强")
    assert employment.end is None


# --- a person not yet registered ---------------------------------------------------------------


def test_a_new_person_born_in_1938_is_not_registered(unit_operator, unit):
    number = new_id_number(birth=dt.date(1938, 5, 1))
    with pytest.raises(Conflict):
        add(unit_operator, unit, id_number=number, name="钱老")
    assert not Person.objects.filter(id_number=number).exists()


@pytest.mark.parametrize(
    "change,field,words",
    [
        ({"start": dt.date(1949, 12, 31)}, "hired_on", "1950"),
        ({"phone": "0271234567"}, "phone", "手机号码"),
        ({"phone": "138001380001"}, "phone", "手机号码"),
        ({"phone": "１３８００１３８０００"}, "phone", "手机号码"),
        ({"name": "张三1"}, "name", "姓名格式"),
        ({"name": "!!!"}, "name", "姓名格式"),
        ({"name": "张"}, "name", "2至20"),
        ({"name": "张三 Smith"}, "name", "姓名格式"),
        ({"name": "Robert'); DROP TABLE"}, "name", "姓名格式"),
        ({"name": "x" * 65}, "name", "2至64"),
    ],
)
def test_bad_data_is_refused_and_nothing_is_registered(unit_operator, unit, change, field, words):
    number = new_id_number()
    values = {"id_number": number, "name": "周敏", "phone": "13800138000", **change}
    with pytest.raises(InvalidInput) as error:
        add(unit_operator, unit, **values)
    assert error.value.field == field and words in error.value.message_zh
    assert not Person.objects.filter(id_number=number).exists()
    assert not Employment.objects.exists()


def test_a_hire_before_the_16th_birthday_is_refused(unit_operator, unit):
    number = new_id_number(birth=dt.date(2010, 6, 15))
    with pytest.raises(InvalidInput) as error:
        add(unit_operator, unit, id_number=number, name="小明明")
    assert error.value.field == "hired_on" and "2026-06-15" in error.value.message_zh
    assert not Person.objects.filter(id_number=number).exists()


@pytest.mark.parametrize(
    "name,stored",
    [("周敏", "周敏"), ("阿卜杜•买买提", "阿卜杜·买买提"), ("Anna-Maria  O'Neil", "Anna-Maria O'Neil")],
)
def test_the_happy_path_registers_and_insures(unit_operator, unit, name, stored):
    number = new_id_number()
    employment = add(unit_operator, unit, id_number=number, name=name, phone="13800138000")
    person = Person.objects.get(id_number=number)
    assert (employment.person_id, person.name, person.phone, person.category) == (
        person.pk,
        stored,
        "13800138000",
        "employee",
    )
    assert InsuredStatus.objects.filter(person=person, unit=unit, status="active").count() == 5


def test_a_latin_name_matches_whatever_its_case_and_spacing(unit_operator, unit, district):
    person = make_person(district=district, name="Anna Smith")
    add(unit_operator, unit, id_number=person.id_number, name="  anna   SMITH ")
    assert Employment.objects.filter(person=person, unit=unit).exists()
