"""养老保险关系转移接续: the cross-province (YL-003) and in-province (YL-004) transfers of the
basic pension of enterprise employees (国办发〔2009〕66号).

YL-003 runs in three phases of 15 working days each (第八条): ours (check and send the
acceptance letter), the original agency's (outside our timers), ours again (complete)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from shebao.cases.handlers import FormHandler, ItemHandler, items_register
from shebao.catalog.definitions import (
    ACCEPT,
    APPROVE,
    ID_CARD,
    ID_NUMBER,
    NAME,
    PHONE,
    REVIEW,
    Applicant,
    FieldSpec,
    ItemSpec,
    MaterialSpec,
    PhaseSpec,
    StepSpec,
)
from shebao.catalog.models import ServiceItem
from shebao.core.errors import InvalidInput
from shebao.core.identifiers import id_number_validate
from shebao.pensions.rules.ages import MINIMUM_WORKING_AGE
from shebao.pensions.transfers.platform import AGENCIES

if TYPE_CHECKING:
    from shebao.cases.models import Case
    from shebao.core.models import Account

LAW = "《中华人民共和国社会保险法》"

PERIOD_FROM = FieldSpec("period_from", "原参保地缴费起始月份", "First month paid at the original place", "date")
PERIOD_TO = FieldSpec("period_to", "原参保地缴费截止月份", "Last month paid at the original place", "date")
FROM_PLACE = FieldSpec("from_place", "原参保地（省、市）", "Original place (province, city)")
FROM_AGENCY = FieldSpec("from_agency", "原参保地社会保险经办机构", "Original insurance agency")
# the original agency on the national transfer platform (部级网上转移平台): where the letter goes
FROM_AGENCY_CODE = FieldSpec(
    "from_agency_code",
    "原参保地经办机构（转移平台机构代码）",
    "Original agency on the national transfer platform",
    "choice",
    choices=tuple((code, f"{code} {name}") for code, name in AGENCIES.items()),
)

# --- the cross-province transfer: three clocks of 15 working days (国办发〔2009〕66号 第八条) -----

TRANSFER_PHASES = (
    PhaseSpec(
        code="check",
        name="转入地审核并发出联系函",
        name_en="New agency checks and sends the acceptance letter",
        steps=(ACCEPT, REVIEW),
        promised_days=15,
        legal_days=15,
    ),
    PhaseSpec(
        code="transfer_out",
        name="转出地办理转出",
        name_en="Original agency transfers the relationship and funds",
        steps=(StepSpec("outside", "转出地经办机构办理转出手续并转移基金", "Original agency transfers out", 1),),
        party="outside",
        promised_days=15,
        legal_days=15,
    ),
    PhaseSpec(
        code="transfer_in",
        name="转入地办理接续",
        name_en="New agency completes the transfer-in",
        steps=(REVIEW, APPROVE),
        promised_days=15,
        legal_days=15,
    ),
)


def _birth_date(id_number: str) -> dt.date:
    """The registry's birth date of the person, or the one the ID number carries."""
    from shebao.registry.models import Person

    recorded = Person.objects.filter(id_number=id_number).values_list("birth_date", flat=True).first()
    return recorded or id_number_validate(id_number).birth_date


def _month(iso: str) -> str:
    return iso[:7]


class TransferApplicationHandler(FormHandler):
    """转移接续申请: the period paid at the original place is in order, starts no earlier than
    the month the person turned 16 and ends no later than the month of application."""

    def clean(self, *, item: ServiceItem, form: dict[str, Any], applicant: Applicant) -> dict[str, Any]:
        cleaned = super().clean(item=item, form=form, applicant=applicant)
        today = timezone.localdate()
        if "period_to" in cleaned and _month(cleaned["period_to"]) > f"{today:%Y-%m}":
            raise InvalidInput(
                f"原参保地缴费截止月份 {_month(cleaned['period_to'])} 晚于申请当月 {today:%Y-%m}",
                f"period_to ({_month(cleaned['period_to'])}) is after the month of application ({today:%Y-%m})",
                field="period_to",
            )
        if "period_from" in cleaned and "period_to" in cleaned and cleaned["period_to"] < cleaned["period_from"]:
            raise InvalidInput("截止日期不能早于起始日期", "period_to is before period_from", field="period_to")
        if "period_from" in cleaned:
            birth = _birth_date(str(cleaned.get("id_number") or applicant.id_number))
            sixteen = f"{birth.year + MINIMUM_WORKING_AGE:04d}-{birth.month:02d}"
            if _month(cleaned["period_from"]) < sixteen:
                raise InvalidInput(
                    f"原参保地缴费起始月份 {_month(cleaned['period_from'])} 早于参保人年满16周岁的月份 {sixteen}，"
                    "请核对原参保地缴费凭证",
                    f"period_from ({_month(cleaned['period_from'])}) is before the month the person turned 16 ({sixteen})",
                    field="period_from",
                )
        return cleaned


class TransferInHandler(TransferApplicationHandler):
    """跨省转入 (YL-003): completing phase 3 records the years brought in, credits the personal
    account with the balance, records the pooled amount and answers the original agency."""

    def complete(self, *, case: Case, actor: Account | None) -> dict[str, Any] | None:
        from shebao.pensions.transfers.services.acting import transfer_in_complete

        return transfer_in_complete(case=case, actor=actor)


class TransferOutHandler(FormHandler):
    """跨省转出 (YL-013): completing our phase settles the transfer out — arrears refuse it
    (第七条), the amount is computed, the relationship closed, the form and funds sent."""

    def complete(self, *, case: Case, actor: Account | None) -> dict[str, Any] | None:
        from shebao.pensions.transfers.services.outgoing import transfer_out_complete

        return transfer_out_complete(case=case, actor=actor)


TRANSFER_OUT_CODE = "YL-013"

ITEMS: tuple[ItemSpec, ...] = (
    ItemSpec(
        code="YL-003",
        name="企业职工基本养老保险关系跨省转移接续",
        name_en="Cross-province transfer of the basic pension",
        insurance="pension",
        policy_basis=f"{LAW}第十九条；国办发〔2009〕66号《城镇企业职工基本养老保险关系转移接续暂行办法》第八条；人社部发〔2016〕94号",
        skill_group="benefit",
        risk_level=3,
        jurisdiction="applicant_district",
        channels=("hall", "online", "app"),
        office_kinds=("district_office",),
        promised_days=45,
        legal_days=45,
        description=(
            "向新参保地（转入地）申请。转入地15个工作日内审核并发出同意接收函；转出地15个工作日内办理转出并转移基金；"
            "转入地收到关系和基金后15个工作日内办结接续。转出地办理期间不计入本机构办理时限。"
        ),
        fields=(ID_NUMBER, NAME, PHONE, FROM_PLACE, FROM_AGENCY, FROM_AGENCY_CODE, PERIOD_FROM, PERIOD_TO),
        materials=(
            ID_CARD,
            MaterialSpec(
                "contribution_certificate",
                "《基本养老保险参保缴费凭证》",
                "Contribution certificate from the original agency",
                commitment_allowed=True,  # 可通过全国社会保险关系转移系统获取
            ),
        ),
        phases=TRANSFER_PHASES,
        handler="pensions.transfers.transfer_in",
    ),
    ItemSpec(
        code="YL-004",
        name="企业职工基本养老保险关系省内转移接续",
        name_en="Transfer of the basic pension within the province",
        insurance="pension",
        policy_basis=f"{LAW}第十九条",
        skill_group="benefit",
        risk_level=3,
        jurisdiction="applicant_district",
        channels=("hall", "online", "app"),
        office_kinds=("district_office",),
        promised_days=10,
        description="省内不同统筹地区之间转移，只转移养老保险关系，缴费年限累计计算。",
        fields=(ID_NUMBER, NAME, PHONE, FROM_PLACE, FROM_AGENCY, PERIOD_FROM, PERIOD_TO),
        materials=(ID_CARD,),
        handler="pensions.transfers.in_province",
    ),
    ItemSpec(
        code=TRANSFER_OUT_CODE,
        name="企业职工基本养老保险关系跨省转出",
        name_en="Cross-province transfer of the basic pension out of the city",
        insurance="pension",
        policy_basis=f"{LAW}第十九条；国办发〔2009〕66号《城镇企业职工基本养老保险关系转移接续暂行办法》第七条、第八条",
        skill_group="benefit",
        risk_level=3,
        jurisdiction="applicant_district",
        # the acceptance letter arrives through the national platform (the system opens the
        # case); a letter on paper is received at the district office's window
        channels=("hall",),
        office_kinds=("district_office",),
        promised_days=15,
        legal_days=15,
        description=(
            "转入地经办机构的联系函（同意接收函）经部级网上转移平台到达后，本机构（转出地）15个工作日内办理转出："
            "有欠费的须先补缴（第七条）；计算转移金额，终止本地养老保险关系，发出参保缴费信息表并转移基金。"
            "转入地审核和接续不计入本机构办理时限。"
        ),
        fields=(
            ID_NUMBER,
            NAME,
            FieldSpec("transfer_ref", "转移业务编号", "Transfer reference", max_length=40),
            FieldSpec("to_agency_code", "转入地经办机构代码", "New agency's code", max_length=12),
            FieldSpec("to_agency", "转入地经办机构", "New agency", max_length=128),
            FieldSpec("letter_date", "联系函日期", "Letter dated", "date"),
        ),
        phases=(
            PhaseSpec(
                code="transfer_out",
                name="转出地办理转出",
                name_en="We transfer the relationship and funds out",
                steps=(REVIEW, APPROVE),
                promised_days=15,
                legal_days=15,
            ),
        ),
        handler="pensions.transfers.transfer_out",
    ),
)

HANDLERS: dict[str, ItemHandler] = {
    "pensions.transfers.transfer_in": TransferInHandler(),
    "pensions.transfers.in_province": TransferApplicationHandler(),
    "pensions.transfers.transfer_out": TransferOutHandler(),
}


def register_items() -> None:
    """Register the transfer items with the catalogue."""
    items_register(*ITEMS, handlers=HANDLERS)
