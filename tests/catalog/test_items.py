"""The real service catalogue the domain apps declare: its size and coverage, the published
time-limit promises, the Saturday sets, the one-forms, and forms that their own schemas accept."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from shebao.cases.handlers import item_handlers
from shebao.catalog.definitions import Applicant, clean_form, registered_specs
from shebao.catalog.models import Insurance, ItemMaterial, ItemPhase, ItemStep, Jurisdiction, ServiceItem
from shebao.catalog.services import FORM_GROUPS, catalog_sync
from shebao.core.channels import Channel
from shebao.core.errors import InvalidInput
from shebao.core.models import Office

SKILL_GROUPS = {"register", "contribution", "benefit", "medical", "unemployment", "card", "consult"}
APP_PREFIXES = (
    "registry.",
    "contributions.",
    "pensions.",
    "medical.",
    "unemployment.",
    "cards.",
    "hotline.",
    "statements.",
)
# Channels on which no receiving office exists, so the item's jurisdiction cannot be "the receiving office".
REMOTE_CHANNELS = {"online", "app"}
COUNTER_CHANNELS = {"hall", "community", "bank"}

VALID_IDS = ("11010519491231002X", "360426199101010071", "120103198806018241")
SPECIAL_TEXT = {
    "unit_code": "91420684MA4927PJ7B",
    "card_number": "A1B2C3D4E",
    "bank_card": "6222021001116245702",
    "work_start": "1985-07",  # 参加工作时间, a month (YL-001 checks YYYY-MM)
}
SPECIAL_INT = {"declare_year": "2025", "record_year": "2025"}


@pytest.fixture
def synced(db):
    return catalog_sync()


def real_items():
    return ServiceItem.objects.exclude(code__startswith="T-").exclude(code__startswith="PJ-")


def by_name(name: str) -> ServiceItem:
    return ServiceItem.objects.get(name=name)


def sample_form(schema: list[dict[str, Any]]) -> dict[str, str]:
    """A form a clerk could have typed: every field filled with a valid value of its type.
    Dates rise in field order, so a start date comes before its end date."""
    form: dict[str, str] = {}
    dates = ids = 0
    for field in schema:
        name, kind = field["name"], field["type"]
        if kind == "id_number":
            form[name] = VALID_IDS[ids % len(VALID_IDS)]
            ids += 1
        elif kind == "date":
            form[name] = (dt.date(2024, 1, 1) + dt.timedelta(days=31 * dates)).isoformat()
            dates += 1
        elif kind == "decimal":
            form[name] = "100"
        elif kind == "int":
            form[name] = SPECIAL_INT.get(name, "1")
        elif kind == "choice":
            form[name] = field["choices"][0][0]
        elif kind == "phone":
            form[name] = "13800138000"
        elif kind == "bool":
            form[name] = "1"
        elif name == "new_value" and form.get("change_item") == "phone":
            form[name] = "13900139000"  # the new value of a phone change is a phone number
        else:
            form[name] = SPECIAL_TEXT.get(name, "示例内容")
    return form


def applicant_for(form: dict[str, str]) -> Applicant:
    return Applicant(id_number=form.get("id_number", VALID_IDS[0]), name="张三", unit_code=form.get("unit_code", ""))


def handler_clean(item: ServiceItem, form: dict[str, str]) -> dict[str, Any]:
    return item_handlers.get(item.handler).clean(item=item, form=form, applicant=applicant_for(form))


def phases_of(item: ServiceItem) -> list[ItemPhase]:
    return list(item.phases.order_by("order"))


def step_kinds(phase: ItemPhase) -> list[str]:
    return list(phase.steps.order_by("order").values_list("kind", flat=True))


# --- size and coverage -----------------------------------------------------------------------


def test_the_catalogue_has_at_least_52_active_real_items(synced):
    assert real_items().filter(is_active=True).count() >= 52


@pytest.mark.parametrize("insurance", ["pension", "medical", "unemployment", "injury", "maternity", "card"])
def test_every_insurance_has_items(synced, insurance):
    assert real_items().filter(insurance=insurance).exists()


def test_item_names_are_unique(synced):
    names = list(real_items().values_list("name", flat=True))
    assert len(names) == len(set(names))


def test_definitions_use_the_house_vocabulary(synced):
    channels = set(Channel.values) - {"admin", "cli", "system"}
    for item in real_items().select_related("skill_group"):
        assert set(item.channels) <= channels, item.code
        assert item.channels, item.code
        assert set(item.office_kinds) <= set(Office.Kind.values), item.code
        assert item.insurance in Insurance.values, item.code
        assert item.jurisdiction in Jurisdiction.values, item.code
        assert item.skill_group.code in SKILL_GROUPS, item.code
        assert item.handler == "generic" or item.handler.startswith(APP_PREFIXES), item.code
        assert item.policy_basis.strip() and item.name_en.strip(), item.code
        if set(item.channels) & COUNTER_CHANNELS:
            assert item.office_kinds, f"{item.code} is offered at a counter but at no kind of office"


def test_items_open_online_have_an_office_without_a_receiving_office(synced):
    """Online and in the app nobody receives the case at an office, so the jurisdiction rule
    of every phase must name an office by itself."""
    for item in real_items():
        if not set(item.channels) & REMOTE_CHANNELS:
            continue
        rules = {p.jurisdiction or item.jurisdiction for p in item.phases.all()}
        assert Jurisdiction.RECEIVING_OFFICE not in rules, item.code


# --- the published promises ------------------------------------------------------------------


def test_cross_province_transfer_runs_three_phases_of_15_working_days(synced):
    item = by_name("企业职工基本养老保险关系跨省转移接续")
    phases = phases_of(item)

    assert item.risk_level == 3
    assert "国办发〔2009〕66号" in item.policy_basis
    assert [p.promised_days for p in phases] == [15, 15, 15]
    assert [p.party for p in phases] == ["agency", "outside", "agency"]
    assert [step_kinds(p) for p in phases] == [["accept", "review"], ["outside"], ["review", "approve"]]


def test_hospital_transfer_and_non_designated_emergency_approvals(synced):
    assert by_name("转诊转院审批").promised_days == 2
    assert by_name("非定点医院急诊就医审批").promised_days == 3


def test_out_of_area_reimbursement_is_accepted_by_the_district_and_paid_by_the_medical_centre(synced):
    item = by_name("异地就医零星报销")
    first, second = phases_of(item)

    assert item.promised_days == 17  # 2 at the district, then the centre's full 15
    assert item.risk_level == 3
    assert (first.jurisdiction or item.jurisdiction) == Jurisdiction.APPLICANT_DISTRICT
    assert step_kinds(first) == ["accept"]
    assert second.jurisdiction == Jurisdiction.MEDICAL_CENTRE
    assert (first.promised_days, second.promised_days) == (2, 15)


def test_card_loss_report_is_instant_on_every_remote_channel(synced):
    item = by_name("社会保障卡挂失")

    assert item.promised_days == 0 and item.is_instant
    assert item.risk_level == 1
    assert {"bank", "hotline", "online", "app"} <= set(item.channels)
    assert {"card_centre", "bank_outlet"} <= set(item.office_kinds)


@pytest.mark.parametrize("name", ["用人单位失业人员名单备案", "失业保险金申领登记"])
def test_unemployment_filing_and_claim_registration_are_instant(synced, name):
    item = by_name(name)

    assert item.promised_days == 0
    assert item.form_group.code == "unemployment"
    assert "online" in item.channels


def test_flexible_enrolment_at_a_community_centre_has_no_hukou_condition(synced):
    item = by_name("灵活就业人员参保登记")
    texts = [f"{f['name']} {f['label']} {f['label_en']}" for f in item.form_schema]
    texts += [f"{m.code} {m.name} {m.name_en}" for m in item.materials.all()]

    assert item.saturday is True
    assert "community_centre" in item.office_kinds
    assert "community" in item.channels
    assert item.form_group.code == "flexible_enrol"
    assert {"id_number", "address"} <= {f["name"] for f in item.form_schema}
    for text in texts:
        assert "户籍" not in text and "户口" not in text and "hukou" not in text.lower(), text


def test_contribution_grade_is_its_own_item_in_the_flexible_worker_one_form(synced):
    enrol = by_name("灵活就业人员参保登记")
    grade = by_name("灵活就业人员缴费档次选择和变更")

    assert grade.form_group_id == enrol.form_group_id
    assert grade.saturday is True
    assert "grade_percent" in {f["name"] for f in grade.form_schema}


@pytest.mark.parametrize(("value", "ok"), [("59.99", False), ("60", True), ("300", True), ("300.01", False)])
def test_contribution_grade_lies_between_60_and_300_percent(synced, value, ok):
    item = by_name("灵活就业人员缴费档次选择和变更")
    form = sample_form(item.form_schema) | {"grade_percent": value}

    if ok:
        assert handler_clean(item, form)["grade_percent"] == value
    else:
        with pytest.raises(InvalidInput) as caught:
            handler_clean(item, form)
        assert caught.value.field == "grade_percent"


SATURDAY_SETS = {
    ("district_office", "community_centre"): [
        "灵活就业人员参保登记",
        "灵活就业人员缴费档次选择和变更",
        "灵活就业人员续保",
        "灵活就业人员中断期补缴",
        "欠费实时征收",
        "社会保险政策咨询",
    ],
    ("medical_centre",): ["异地就医急诊转诊备案", "社保卡医保个人账户查询", "医疗费用结算清单打印"],
    ("card_centre",): ["社会保障卡加急制卡", "社会保障卡挂失", "社会保障卡解挂（解锁）"],
}


@pytest.mark.parametrize(("kinds", "name"), [(kinds, name) for kinds, names in SATURDAY_SETS.items() for name in names])
def test_saturday_service_sets(synced, kinds, name):
    item = by_name(name)

    assert item.saturday is True
    assert set(kinds) <= set(item.office_kinds)


def test_complaints_are_dispatched_in_one_day_and_answered_within_five(synced):
    item = by_name("社会保险经办服务投诉")
    dispatch, reply = phases_of(item)

    assert item.promised_days == 5
    assert dispatch.promised_days == 1
    assert dispatch.promised_days + reply.promised_days == 5
    assert step_kinds(reply) == ["reply"]
    assert "10个工作日" in item.description and "2个工作日" in item.description


def test_consultation_is_instant_and_report_is_a_hotline_item(synced):
    consult = by_name("社会保险政策咨询")
    report = by_name("社会保险违法违规行为举报")

    assert consult.promised_days == 0 and "hotline" in consult.channels
    assert "hotline" in report.channels and report.promised_days


@pytest.mark.parametrize("name", ["职工退休审批", "基本养老金核定"])
def test_retirement_items_are_level_3_in_the_retirement_one_form(synced, name):
    item = by_name(name)

    assert item.risk_level == 3
    assert item.form_group.code == "retirement"


def test_military_cadres_medical_and_maternity_insurance_belongs_to_the_district(synced):
    assert by_name("军队转业干部基本医疗保险和生育保险接续").jurisdiction == Jurisdiction.APPLICANT_DISTRICT


def test_employer_registration_has_one_item_per_insurance_in_one_form(synced):
    items = list(real_items().filter(form_group__code="unit_register"))

    assert sorted(i.insurance for i in items) == sorted(["pension", "medical", "unemployment", "injury", "maternity"])
    form: dict[str, str] = {}
    for item in items:
        for key, value in sample_form(item.form_schema).items():
            form.setdefault(key, value)
    for item in items:
        assert handler_clean(item, form)["unit_code"] == SPECIAL_TEXT["unit_code"]


def test_staff_changes_are_one_form_open_to_units_online(synced):
    items = {i.name: i for i in real_items().filter(form_group__code="staff_change")}

    assert set(items) == {"职工参保登记（增员）", "职工停保（减员）"}
    assert all("online" in i.channels for i in items.values())


def test_other_published_limits(synced):
    assert by_name("工伤认定申请").legal_days == 60
    assert by_name("个人权益记录更正").promised_days == 15
    assert "人社部令第14号" in by_name("个人权益记录查询打印").policy_basis
    assert by_name("多缴、误缴社会保险费退费").risk_level == 3
    assert by_name("社会保险缴费基数申报").channels[0] == "online"


# --- structure -------------------------------------------------------------------------------


def test_risk_level_gives_the_steps_of_a_single_default_phase(synced):
    simple = [s.code for s in registered_specs().values() if not s.phases and not s.code.startswith("T-")]
    expected = {1: ["accept"], 2: ["accept", "review"], 3: ["accept", "review", "approve"]}
    for item in real_items().filter(code__in=simple):
        phases = phases_of(item)
        assert len(phases) == 1, item.code
        assert step_kinds(phases[0]) == expected[item.risk_level], item.code
        authority = list(phases[0].steps.order_by("order").values_list("min_authority", flat=True))
        assert authority == list(range(1, item.risk_level + 1)), item.code


def test_multi_phase_items_give_every_phase_a_clock_adding_up_to_the_promise(synced):
    for item in real_items():
        phases = phases_of(item)
        if len(phases) < 2:
            continue
        assert all(p.promised_days is not None for p in phases), item.code
        assert sum(p.promised_days for p in phases) == item.promised_days, item.code


def test_materials_that_a_commitment_may_replace_are_marked(synced):
    marked = set(
        ItemMaterial.objects.filter(commitment_allowed=True, item__in=real_items()).values_list("item__name", "name")
    )

    assert ("灵活就业人员参保登记", "居住地址证明") in marked
    assert ("失业保险金申领登记", "终止或者解除劳动关系证明") in marked
    assert not ItemMaterial.objects.filter(
        item__name="异地就医零星报销", name="医疗费用原始票据", commitment_allowed=True
    ).exists()


# --- forms -----------------------------------------------------------------------------------


def _registry_for_staff_changes() -> dict[str, dict[str, str]]:
    """增员 and 减员 are checked against the registry at receipt: the sample unit is registered,
    the person added is of working age and free, the person removed is on its staff."""
    from shebao.core.models import Area
    from shebao.registry.models import Employment, Person, Unit, UnitInsurance

    city = Area.objects.get_or_create(code="420100", defaults={"name": "武汉市", "kind": Area.Kind.CITY})[0]
    area = Area.objects.create(code="420999", name="示例区", kind=Area.Kind.DISTRICT, parent=city)
    unit = Unit.objects.create(credit_code=SPECIAL_TEXT["unit_code"], name="示例单位", district=area)
    UnitInsurance.objects.create(unit=unit, insurance="pension", since=dt.date(2020, 1, 1))
    staff = Person.objects.create(
        id_number=VALID_IDS[2],
        name="示例内容",
        sex="F",
        birth_date=dt.date(1988, 6, 1),
        category="employee",
        district=area,
    )
    Employment.objects.create(person=staff, unit=unit, start=dt.date(2020, 1, 1))
    # QY-001's sample month has no record and no employer here: a wrong base of it is refused at
    # filing (f293611), and so is a missing one (a back-payment, JF-002): "other" fits any month
    return {"DJ-011": {"id_number": VALID_IDS[1]}, "DJ-012": {"id_number": VALID_IDS[2]}, "QY-001": {"what": "other"}}


# Optional fields a sample cannot make up: QY-001 names an issued statement by its number (a
# made-up number is refused, rightly), so its sample leaves it out.
NOT_SAMPLED = {"QY-001": {"statement_ref"}}


def test_every_items_form_accepts_a_sample_built_from_its_own_fields(synced):
    staff_changes = _registry_for_staff_changes()
    for item in real_items():
        left_out = NOT_SAMPLED.get(item.code, set())
        form = sample_form(item.form_schema) | staff_changes.get(item.code, {})
        form = {name: value for name, value in form.items() if name not in left_out}
        cleaned = clean_form(item.form_schema, form)
        assert set(cleaned) == {f["name"] for f in item.form_schema} - left_out, item.code
        assert handler_clean(item, form).keys() == cleaned.keys(), item.code


def test_fields_of_a_one_form_agree_across_its_items(synced):
    for group in FORM_GROUPS:
        seen: dict[str, tuple] = {}
        for item in real_items().filter(form_group__code=group):
            for f in item.form_schema:
                shape = (f["type"], f["label"], f["choices"])
                assert seen.setdefault(f["name"], shape) == shape, f"{group}: {item.code}.{f['name']}"
        assert seen, f"form group {group} has no items"


@pytest.mark.parametrize(
    ("name", "change", "field"),
    [
        ("异地就医零星报销", {"admission_date": "2024-03-01", "discharge_date": "2024-02-01"}, "discharge_date"),
        ("异地就医零星报销", {"bank_card": "6222021001116245703"}, "bank_card"),
        ("社会保障卡解挂（解锁）", {"card_number": "A1B2C3"}, "card_number"),
        ("单位参保登记（工伤保险）", {"unit_code": "91110000600037341N"}, "unit_code"),
        ("单位参保登记（工伤保险）", {"injury_risk_class": "9"}, "injury_risk_class"),
        ("失业保险金申领登记", {"terminated_on": "2199-01-01"}, "terminated_on"),
        ("灵活就业人员中断期补缴", {"period_from": "2024-06-01", "period_to": "2024-01-01"}, "period_to"),
        ("社会保障卡申领", {"pickup": "post", "post_address": ""}, "post_address"),
        ("社会保险违法违规行为举报", {"reply_by": "phone", "phone": ""}, "phone"),
        ("工伤认定申请", {"accident_date": "2024-05-01", "diagnosis_date": "2024-04-01"}, "diagnosis_date"),
    ],
)
def test_item_handlers_reject_what_the_schema_alone_lets_through(synced, name, change, field):
    item = by_name(name)
    form = sample_form(item.form_schema) | change
    clean_form(item.form_schema, {k: v for k, v in form.items() if v})  # the schema alone accepts it

    with pytest.raises(InvalidInput) as caught:
        handler_clean(item, form)
    assert caught.value.field == field


def test_a_unit_may_file_for_its_own_staff_only(synced):
    item = by_name("职工参保登记（增员）")
    form = sample_form(item.form_schema)
    other_unit = Applicant(id_number=form["id_number"], name="张三", unit_code="91310115MA1K3BTP2B")

    with pytest.raises(InvalidInput) as caught:
        item_handlers.get(item.handler).clean(item=item, form=form, applicant=other_unit)
    assert caught.value.field == "unit_code"


# --- sync ------------------------------------------------------------------------------------


def test_a_second_sync_creates_and_changes_nothing(synced):
    counts = (
        ServiceItem.objects.count(),
        ItemPhase.objects.count(),
        ItemStep.objects.count(),
        ItemMaterial.objects.count(),
    )

    report = catalog_sync()

    assert (report.created, report.updated) == (0, 0)
    assert counts == (
        ServiceItem.objects.count(),
        ItemPhase.objects.count(),
        ItemStep.objects.count(),
        ItemMaterial.objects.count(),
    )


def test_an_administrators_time_limit_survives_a_resync(synced):
    ServiceItem.objects.filter(name="转诊转院审批").update(promised_days=1)

    catalog_sync()

    assert by_name("转诊转院审批").promised_days == 1


def test_a_complaint_may_be_extended_by_ten_working_days_at_most(db):
    catalog_sync()
    assert ServiceItem.objects.get(code="RX-002").max_extension_days == 10
