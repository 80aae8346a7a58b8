"""The registry's items run as cases: opening with the engine and completing with case_act
writes the registry rows in the completing transaction (or nothing, when the effect is refused)."""

from __future__ import annotations

import datetime as dt

import pytest

from shebao.cases.applicants import applicant_for
from shebao.cases.models import Case
from shebao.cases.services import case_act, case_open, case_open_group
from shebao.core.errors import Conflict, InvalidInput, NotAllowed
from shebao.core.identifiers import credit_code_make
from shebao.registry import services
from shebao.registry.models import Employment, InsuredStatus, Person, Unit, UnitInsurance
from tests.cases.conftest import (  # noqa: F401 (pytest finds fixtures by name)
    _register_test_items,
    at,
    catalogue,
    engine,
    skills,
    working_hours,
)
from tests.factories import new_id_number
from tests.web.support import make_person, make_unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("engine")]  # Tue 10 Feb 2026 10:00

ENROL_MATERIALS = {"id_card": "received", "address_proof": "commitment"}


def _accept(case: Case, actor) -> Case:
    return case_act(actor=actor, case_id=case.pk, version=case.version, action="accept")


def test_flexible_enrolment_case_registers_the_person_and_their_insurance(clerk, district):
    # given someone never registered, hukou elsewhere, who gives an ID number and an address
    number = new_id_number()
    applicant = applicant_for(id_number=number, name="外地人", district_code=district.code)
    # when the clerk receives the one-form for the enrolment and accepts it (risk 1)
    [case] = case_open_group(
        actor=clerk,
        group_code="flexible_enrol",
        item_codes=["DJ-021"],
        applicant=applicant,
        channel="hall",
        form={
            "id_number": number,
            "name": "外地人",
            "phone": "13800000001",
            "address": "江岸区沿江大道9号",
            "start_month": "2026-02-01",
        },
        materials=ENROL_MATERIALS,
        phone="13800000001",
    )
    case = _accept(case, clerk)
    # then the case is completed, the person registered with the address and insured from February
    assert case.status == Case.Status.COMPLETED
    person = Person.objects.get(id_number=number)
    assert (person.name, person.address, person.category, person.district_id) == (
        "外地人",
        "江岸区沿江大道9号",
        "flexible",
        district.pk,
    )
    statuses = {s.insurance: (s.status, s.since, s.unit_id) for s in InsuredStatus.objects.filter(person=person)}
    assert statuses == {
        "pension": ("active", dt.date(2026, 2, 1), None),
        "medical": ("active", dt.date(2026, 2, 1), None),
    }
    assert case.result["registered"] is True


def test_an_employee_cannot_open_a_flexible_enrolment(clerk, district, unit_operator):
    unit = make_unit(code=unit_operator.unit_code, district=district)
    services.unit_register(
        actor=clerk, credit_code=unit.credit_code, name="", district=district, insurances=["pension"]
    )
    person = make_person(district=district, name="在职者")
    services.employment_add(
        actor=clerk, unit=unit, id_number=person.id_number, name=person.name, start=dt.date(2025, 1, 1)
    )
    applicant = applicant_for(id_number=person.id_number)
    with pytest.raises(Conflict):
        case_open(
            actor=clerk,
            item_code="DJ-021",
            applicant=applicant,
            channel="hall",
            form={
                "id_number": person.id_number,
                "name": "在职者",
                "phone": "13800000001",
                "address": "x",
                "start_month": "2026-02-01",
            },
            materials=ENROL_MATERIALS,
        )
    assert not Case.objects.exists()


UNIT_FORM = {
    "unit_name": "武汉一表通科技有限公司",
    "unit_type": "enterprise",
    "legal_rep": "钱法人",
    "founded_on": "2026-01-05",
    "unit_address": "江岸区中山大道1号",
    "contact": "孙经办",
    "phone": "13800000002",
    "bank_name": "汉口银行",
    "bank_account": "6222000011112222",
    "staff_count": "12",
    "start_month": "2026-02-01",
    "industry": "软件和信息技术服务业",
    "injury_risk_class": "2",
}


def test_unit_registration_one_form_registers_the_five_insurances(clerk, district):
    # given a new unit at the hall with the one-form for all five insurances
    code = credit_code_make(region_code="420102", serial=4242)
    rep = new_id_number()
    applicant = applicant_for(id_number=rep, name="钱法人", district_code=district.code, unit_code=code)
    cases = case_open_group(
        actor=clerk,
        group_code="unit_register",
        item_codes=["DJ-001", "DJ-002", "DJ-003", "DJ-004", "DJ-005"],
        applicant=applicant,
        channel="hall",
        form={**UNIT_FORM, "unit_code": code, "legal_rep_id": rep},
        materials={"licence": "commitment", "legal_rep_id": "received"},
    )
    assert len(cases) == 5
    # when the clerk accepts each (risk 1, instant)
    for case in cases:
        assert _accept(case, clerk).status == Case.Status.COMPLETED
    # then the unit exists in the district with its risk class and five registered insurances
    unit = Unit.objects.get(credit_code=code)
    assert (unit.name, unit.district_id, unit.injury_risk_class) == ("武汉一表通科技有限公司", district.pk, 2)
    assert sorted(UnitInsurance.objects.filter(unit=unit, active=True).values_list("insurance", flat=True)) == sorted(
        services.FIVE_INSURANCES
    )


def _registered_unit(clerk, district, unit_operator) -> Unit:
    unit = make_unit(code=unit_operator.unit_code, district=district)
    services.unit_register(
        actor=clerk, credit_code=unit.credit_code, name="", district=district, insurances=services.FIVE_INSURANCES
    )
    return unit


def test_staff_addition_and_removal_cases_write_the_employment(clerk, district, unit_operator):
    # given a registered unit whose operator applies online for a new hire
    unit = _registered_unit(clerk, district, unit_operator)
    number = new_id_number()
    applicant = applicant_for(id_number=number, name="新职工", district_code=district.code, unit_code=unit.credit_code)
    add = case_open(
        actor=unit_operator,
        item_code="DJ-011",
        applicant=applicant,
        channel="online",
        form={
            "unit_code": unit.credit_code,
            "id_number": number,
            "name": "新职工",
            "hired_on": "2026-02-09",
            "wage_base": "8000",
        },
        materials={"labour_contract": "commitment"},
    )
    # when the clerk accepts
    add = _accept(add, clerk)
    # then the person is employed and insured through the unit
    assert add.status == Case.Status.COMPLETED
    employment = Employment.objects.get(person__id_number=number, unit=unit)
    assert employment.start == dt.date(2026, 2, 9) and employment.end is None
    assert InsuredStatus.objects.filter(person=employment.person, unit=unit, status="active").count() == 5
    # and the wage on the form is the unit's declared base for 2026 (contributions' completion hook)
    from decimal import Decimal

    from shebao.contributions.models import DeclaredBase

    assert DeclaredBase.objects.get(unit=unit, person=employment.person, year=2026).wage == Decimal("8000.00")
    # when the unit removes them and the clerk accepts
    remove = case_open(
        actor=unit_operator,
        item_code="DJ-012",
        applicant=applicant_for(id_number=number, unit_code=unit.credit_code),
        channel="online",
        form={
            "unit_code": unit.credit_code,
            "id_number": number,
            "name": "新职工",
            "ended_on": "2026-02-10",
            "end_reason": "resigned",
        },
        materials={"termination_proof": "commitment"},
    )
    _accept(remove, clerk)
    # then the employment has ended and the statuses are suspended from March
    employment.refresh_from_db()
    assert employment.end == dt.date(2026, 2, 10)
    assert set(InsuredStatus.objects.filter(person=employment.person).values_list("status", "since")) == {
        ("suspended", dt.date(2026, 3, 1))
    }


def test_a_refused_effect_leaves_the_case_open_and_nothing_written(clerk, district, unit_operator):
    # given an addition case for a person free to be hired when it was opened …
    unit = _registered_unit(clerk, district, unit_operator)
    person = make_person(district=district, name="老职工")
    case = case_open(
        actor=unit_operator,
        item_code="DJ-011",
        applicant=applicant_for(id_number=person.id_number, unit_code=unit.credit_code),
        channel="online",
        form={
            "unit_code": unit.credit_code,
            "id_number": person.id_number,
            "name": "老职工",
            "hired_on": "2026-02-01",
            "wage_base": "6000",
        },
        materials={"labour_contract": "commitment"},
    )
    # … whom another unit hired before the clerk accepted
    other = make_unit(code=credit_code_make(region_code="420102", serial=4343), district=district, name="别家")
    services.unit_register(
        actor=clerk, credit_code=other.credit_code, name="", district=district, insurances=["pension"]
    )
    services.employment_add(
        actor=clerk, unit=other, id_number=person.id_number, name="老职工", start=dt.date(2026, 1, 5)
    )
    # when the clerk accepts, the handler refuses
    with pytest.raises(Conflict, match="原单位先办理减员"):
        _accept(case, clerk)
    # then the case is still in progress at the same version, and no second employment exists
    case.refresh_from_db()
    assert case.status == Case.Status.IN_PROGRESS and case.current_step.kind == "accept"
    assert list(Employment.objects.filter(person=person).values_list("unit_id", flat=True)) == [other.pk]


def test_resumption_case_after_an_interruption(clerk, district):
    # given a flexible worker whose contributions were interrupted
    person = make_person(district=district, name="续保人", category=Person.Category.FLEXIBLE)
    for insurance in ("pension", "medical"):
        InsuredStatus.objects.create(person=person, insurance=insurance, status="suspended", since=dt.date(2025, 7, 1))
    case = case_open(
        actor=clerk,
        item_code="DJ-022",
        applicant=applicant_for(id_number=person.id_number),
        channel="hall",
        form={
            "id_number": person.id_number,
            "name": "续保人",
            "phone": "13800000003",
            "address": "江岸区",
            "start_month": "2026-02-01",
        },
        materials={"id_card": "received"},
    )
    _accept(case, clerk)
    assert set(InsuredStatus.objects.filter(person=person).values_list("status", "since", "unit")) == {
        ("active", dt.date(2026, 2, 1), None)
    }


def test_information_change_case_updates_the_phone(clerk, district):
    person = make_person(district=district, name="改电话", phone="13800000004")
    case = case_open(
        actor=clerk,
        item_code="DJ-031",
        applicant=applicant_for(id_number=person.id_number),
        channel="hall",
        form={"id_number": person.id_number, "name": "改电话", "change_item": "phone", "new_value": "13900000005"},
        materials={"id_card": "received"},
    )
    _accept(case, clerk)
    person.refresh_from_db()
    assert person.phone == "13900000005"


# --- whom a case may be about (the engine's check, for every channel) -------------------------


def test_an_employer_cannot_file_a_personal_item_for_anyone(clerk, district, unit_operator, other_district):
    # given a registered unit, and a stranger (not on its staff) with their own phone number
    unit = _registered_unit(clerk, district, unit_operator)
    stranger = make_person(district=other_district, name="王丽", phone="15051105312")
    form = {"id_number": stranger.id_number, "name": "王丽", "change_item": "phone", "new_value": "13800000000"}
    # when the unit files an information change for them, naming its own unit code
    with pytest.raises(NotAllowed, match="单位不能代办"):
        case_open(
            actor=unit_operator,
            item_code="DJ-031",
            applicant=applicant_for(id_number=stranger.id_number, unit_code=unit.credit_code),
            channel="online",
            form=form,
            materials={"id_card": "received"},
        )
    # then no case exists to be accepted by a clerk, and the phone is unchanged
    assert not Case.objects.filter(applicant_id_number=stranger.id_number).exists()
    stranger.refresh_from_db()
    assert stranger.phone == "15051105312"


def test_an_employer_files_a_unit_item_only_for_its_own_staff(clerk, district, unit_operator):
    # given a registered unit with one (former) employee, and a stranger
    unit = _registered_unit(clerk, district, unit_operator)
    employee = make_person(district=district, name="本单位职工")
    Employment.objects.create(person=employee, unit=unit, start=dt.date(2020, 1, 1), end=dt.date(2026, 2, 6))
    stranger = make_person(district=district, name="外单位职工")

    def file_unemployment(person):
        # 失业人员名单备案 (SY-001): filed by the employer, naming its unit
        return case_open(
            actor=unit_operator,
            item_code="SY-001",
            applicant=applicant_for(id_number=person.id_number, unit_code=unit.credit_code),
            channel="online",
            form={
                "unit_code": unit.credit_code,
                "id_number": person.id_number,
                "name": person.name,
                "terminated_on": "2026-02-06",
                "end_reason": "contract_ended",
            },
            materials={"termination_proof": "commitment"},
        )

    # then it is taken for the person the unit employed …
    assert file_unemployment(employee).applicant_unit_code == unit.credit_code
    # … and refused for a stranger, with nothing written
    with pytest.raises(NotAllowed, match="本单位职工"):
        file_unemployment(stranger)
    assert not Case.objects.filter(applicant_id_number=stranger.id_number).exists()


def test_a_form_naming_another_person_is_refused_for_every_filer(clerk, district, citizen):
    # given a citizen applying online for a grade change, with someone else's ID number in the form
    victim = make_person(district=district, name="受害人")
    with pytest.raises(InvalidInput, match="与申请人不一致"):
        case_open(
            actor=citizen,
            item_code="JF-001",
            applicant=applicant_for(
                id_number=citizen.id_number, name="张三", district_code=district.code, account=citizen
            ),
            channel="online",
            form={
                "id_number": victim.id_number,
                "name": "受害人",
                "phone": "13800000000",
                "start_month": "2026-03-01",
                "grade_percent": "300",
            },
            materials={"id_card": "received"},
        )
    assert not Case.objects.filter(item__code="JF-001").exists()


def test_what_acceptance_would_refuse_is_said_at_the_window(clerk, district):
    # a phone change whose new value is not a phone number
    person = make_person(district=district, name="改电话", phone="13800000004")
    with pytest.raises(InvalidInput, match="11位手机号码"):
        case_open(
            actor=clerk,
            item_code="DJ-031",
            applicant=applicant_for(id_number=person.id_number),
            channel="hall",
            form={
                "id_number": person.id_number,
                "name": "改电话",
                "change_item": "phone",
                "new_value": "江岸区胜利街1号",
            },
            materials={"id_card": "received"},
        )
    # an enrolment of someone already insured as a flexible worker
    enrolled = make_person(district=district, name="已参保", category=Person.Category.FLEXIBLE)
    InsuredStatus.objects.create(person=enrolled, insurance="pension", status="active", since=dt.date(2024, 1, 1))
    with pytest.raises(Conflict, match="续保"):
        case_open(
            actor=clerk,
            item_code="DJ-021",
            applicant=applicant_for(id_number=enrolled.id_number),
            channel="hall",
            form={
                "id_number": enrolled.id_number,
                "name": "已参保",
                "address": "江岸区胜利街1号",
                "phone": "13800000005",
                "start_month": "2026-02-01",
            },
            materials=ENROL_MATERIALS,
        )
    assert not Case.objects.exists()
