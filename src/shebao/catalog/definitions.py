"""Declarative service-item definitions and the registry of them domain apps fill at start-up.

A domain app declares its items in ``items.py`` as :class:`ItemSpec` values, each naming its
handler by key, and registers them with their handlers through
``shebao.cases.handlers.items_register`` from its ``AppConfig.ready()``: the definitions land
in :data:`item_specs`, the handlers in the engine's ``item_handlers``. The engine never imports
a domain app.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from shebao.core import workdays as working_days
from shebao.core.errors import InvalidInput
from shebao.core.identifiers import id_number_validate
from shebao.core.registry import Registry

if TYPE_CHECKING:
    from shebao.core.models import Account, Area


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    label_en: str
    type: str = "text"  # text | int | decimal | date | choice | id_number | phone | bool
    required: bool = True
    choices: tuple[tuple[str, str], ...] = ()
    max_length: int = 200

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "label": self.label,
            "label_en": self.label_en,
            "type": self.type,
            "required": self.required,
            "choices": [list(c) for c in self.choices],
            "max_length": self.max_length,
        }


@dataclass(frozen=True)
class MaterialSpec:
    code: str
    name: str
    name_en: str = ""
    required: bool = True
    commitment_allowed: bool = False


@dataclass(frozen=True)
class StepSpec:
    kind: str  # accept | review | approve | outside | reply | callback
    name: str
    name_en: str
    min_authority: int = 1


@dataclass(frozen=True)
class PhaseSpec:
    code: str
    name: str
    name_en: str
    steps: tuple[StepSpec, ...]
    party: str = "agency"
    jurisdiction: str = ""  # blank: the item's rule
    promised_days: int | None = None
    legal_days: int | None = None


# --- fields and materials every insurance's forms share (one definition, one wording) ------

ID_NUMBER = FieldSpec("id_number", "公民身份号码", "ID number", "id_number")
NAME = FieldSpec("name", "姓名", "Name")
PHONE = FieldSpec("phone", "联系电话", "Mobile phone", "phone")
ID_CARD = MaterialSpec("id_card", "居民身份证或社会保障卡", "Resident ID card or social security card")

ACCEPT = StepSpec("accept", "受理", "Accept", 1)
REVIEW = StepSpec("review", "复核", "Review", 2)
APPROVE = StepSpec("approve", "审批", "Approve", 3)


def steps_for_risk(level: int) -> tuple[StepSpec, ...]:
    """三级风险控制: level 1 a clerk accepts and completes; level 2 adds a review; level 3 a
    review and an approval."""
    return (ACCEPT, REVIEW, APPROVE)[:level]


@dataclass(frozen=True)
class ItemSpec:
    code: str
    name: str
    name_en: str
    insurance: str
    policy_basis: str
    skill_group: str
    risk_level: int
    jurisdiction: str
    channels: tuple[str, ...]
    office_kinds: tuple[str, ...]
    promised_days: int | None
    legal_days: int | None = None
    max_extension_days: int | None = None  # None: the engine's general cap
    # a dispatched phase may be returned as wrongly dispatched within these working days (12333:
    # 2, 人社厅发〔2010〕92号 as practised), and a transfer to another office needs this authority
    return_days: int = 2
    transfer_authority: int = 2
    saturday: bool = False
    description: str = ""
    form_group: str = ""
    fields: tuple[FieldSpec, ...] = ()
    materials: tuple[MaterialSpec, ...] = ()
    phases: tuple[PhaseSpec, ...] = ()
    handler: str = "generic"
    # a withdrawn item (撤销的事项): the code of the item that replaces it. It stays in the
    # catalogue, so its old cases stay readable, but ``catalog sync`` keeps it inactive (not
    # listed, not openable) and the refusal names the replacement.
    withdrawn_for: str = ""

    def effective_phases(self) -> tuple[PhaseSpec, ...]:
        if self.phases:
            return self.phases
        return (
            PhaseSpec(
                code="handle",
                name="办理",
                name_en="Handling",
                steps=steps_for_risk(self.risk_level),
                # None: the item's own limits apply, as administrators adjust them
            ),
        )


@dataclass(frozen=True)
class SaturdaySet:
    """One set of the Saturday service (周六延时服务): the items the agency's halls of
    ``office_kinds`` receive on an ordinary Saturday, during their Saturday hours (9:00-16:00).

    Where the lists come from: the agency publishes how many items each place offers on
    Saturdays (issue 9 §2: 9 for flexible workers at the district offices and the community
    centres, 8 at the city medical-insurance centre, 6 at the card centre), not a list of our
    codes; the codes below are the catalogue's items under those headings, chosen by what a
    walk-in person can finish or file on a Saturday (registration, payment, queries and
    certificates, filings; not approvals of benefits, which need the weekday chain). Change
    them here and in the items' ``saturday`` flags together (tests/catalog/test_saturday_service.py
    checks they agree). The policy consultation (RX-001) is answered at every open window,
    Saturdays included, and is counted in no set. A 调休 working Saturday is a working day:
    everything is offered at weekday hours (``shebao.core.org.office_day``).
    """

    name: str
    office_kinds: tuple[str, ...]
    codes: tuple[str, ...]


SATURDAY_SETS: tuple[SaturdaySet, ...] = (
    SaturdaySet(
        "灵活就业人员周六延时服务",
        ("district_office", "community_centre"),
        (
            "DJ-021",  # 参保登记
            "DJ-022",  # 续保
            "DJ-023",  # 停保
            "JF-001",  # 缴费档次选择和变更
            "JF-002",  # 中断期补缴
            "JF-003",  # 欠费实时征收（缴费）
            "JF-006",  # 参保缴费凭证开具
            "JF-007",  # 个人权益记录查询打印
            "YL-005",  # 养老保险个人账户查询
        ),
    ),
    SaturdaySet(
        "市医保中心周六延时服务",
        ("medical_centre",),
        (
            "YB-001",  # 异地就医急诊转诊备案
            "YB-002",  # 转诊转院审批
            "YB-003",  # 非定点医院急诊就医审批
            "YB-005",  # 医保个人账户（余额与明细）查询
            "YB-006",  # 医疗费用结算清单打印
            "YB-007",  # 门诊慢特病待遇认定备案
            "YB-008",  # 异地长期居住备案
            "YB-011",  # 个人账户家庭共济绑定
        ),
    ),
    SaturdaySet(
        "社会保障卡中心周六延时服务",
        ("card_centre",),
        (
            "KA-001",  # 申领（及申领进度）
            "KA-002",  # 加急制卡
            "KA-003",  # 挂失
            "KA-004",  # 解挂（解锁）
            "KA-005",  # 补换卡
            "KA-006",  # 信息变更
        ),
    ),
)
# Answered at every open window whatever the day, outside the sets.
SATURDAY_EVERYWHERE = ("RX-001",)


@dataclass(frozen=True)
class Applicant:
    """Who a case is about. ``district`` is the Area whose office has jurisdiction."""

    id_number: str
    name: str
    district: Area | None = None
    account: Account | None = None
    unit_code: str = ""


# Every item definition, by code: domain apps register theirs, with their handlers, through
# ``shebao.cases.handlers.items_register`` from their ``AppConfig.ready()``.
item_specs: Registry[str, ItemSpec] = Registry("service items")


def registered_specs() -> dict[str, ItemSpec]:
    return dict(item_specs.items())


def _bad(field: dict[str, Any], zh: str, en: str) -> InvalidInput:
    return InvalidInput(
        f"{field['label']}：{zh}", f"{field.get('label_en') or field['name']}: {en}", field=field["name"]
    )


# Bounds of form numbers: what the ledger's numeric(12, 2) columns and an integer column hold
# (a wage of 1e20 passed the form and failed the case's completion on every try).
MAX_FORM_DECIMAL = Decimal("10000000000")
MAX_FORM_INT = 2_000_000_000
MOBILE = re.compile(r"1[0-9]{10}")  # ASCII digits only: str.isdigit() also takes "¹²³"
# Form dates lie within the working-day calendar, as the API's dates do (core.api.CalendarDate):
# date.fromisoformat alone takes any year from 1 to 9999, which no count of days can start from.
FIRST_FORM_DATE = dt.date(working_days.FIRST_YEAR, 1, 1)
LAST_FORM_DATE = dt.date(working_days.LAST_YEAR, 12, 31)


def clean_form(schema: list[dict[str, Any]], form: dict[str, Any]) -> dict[str, Any]:
    """Check a submitted form against an item's schema; return JSON-able cleaned values.
    Unknown keys are dropped; the first problem raises InvalidInput naming the field."""
    cleaned: dict[str, Any] = {}
    for spec in schema:
        name = spec["name"]
        raw = form.get(name)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if spec.get("required", True):
                raise _bad(spec, "必填", "required")
            continue
        kind = spec.get("type", "text")
        value: Any
        if kind == "int":
            try:
                value = int(str(raw).strip())
            except ValueError:
                raise _bad(spec, "应为整数", "must be a whole number") from None
            if abs(value) > MAX_FORM_INT:
                raise _bad(spec, "超出允许范围", "is out of range")
        elif kind == "decimal":
            try:
                value = Decimal(str(raw).strip())
            except InvalidOperation:
                raise _bad(spec, "应为数字", "must be a number") from None
            if not value.is_finite() or value < 0:
                raise _bad(spec, "应为非负数", "must be a non-negative number")
            if value >= MAX_FORM_DECIMAL:
                raise _bad(spec, "超出允许范围", "is out of range")
            if value.as_tuple().exponent < -2:
                raise _bad(spec, "最多保留两位小数", "has at most two decimal places")
            value = str(value)
        elif kind == "date":
            try:
                day = dt.date.fromisoformat(str(raw).strip())
            except ValueError:
                raise _bad(spec, "日期格式应为 YYYY-MM-DD", "date must be YYYY-MM-DD") from None
            if not FIRST_FORM_DATE <= day <= LAST_FORM_DATE:
                raise _bad(
                    spec,
                    f"日期应在 {FIRST_FORM_DATE} 至 {LAST_FORM_DATE} 之间",
                    f"date must be within {FIRST_FORM_DATE} to {LAST_FORM_DATE}",
                )
            value = day.isoformat()
        elif kind == "choice":
            allowed = [c[0] for c in spec.get("choices", [])]
            if str(raw) not in allowed:
                raise _bad(spec, "不在可选范围内", "is not one of the choices")
            value = str(raw)
        elif kind == "id_number":
            value = id_number_validate(str(raw), field=name).number
        elif kind == "phone":
            value = str(raw).strip()
            if not MOBILE.fullmatch(value):
                raise _bad(spec, "应为11位手机号码", "must be an 11-digit mobile number")
        elif kind == "bool":
            value = str(raw).lower() in {"1", "true", "on", "yes"}
        else:
            value = str(raw).strip()
            if len(value) > spec.get("max_length", 200):
                raise _bad(spec, "内容过长", "is too long")
        cleaned[name] = value
    return cleaned
