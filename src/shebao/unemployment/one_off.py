"""What SY-004 … SY-007 change when their case completes (in the completing transaction):

- SY-004 技能提升补贴: the amount of the certificate's level from a rule row, for a person with
  at least the rule row's months of unemployment contributions when the certificate was issued;
  paid once per certificate (the payment's key).
- SY-005 稳岗返还: the rule row's share of what the unit paid of the employer's unemployment
  contribution in the year declared; once per unit and year.
- SY-006 关系转移接续 (transfer in): the benefit months the person had left where they came from
  move into a claim here, paid from next month at this city's monthly amount (条例第二十二条);
  with none left, only the relationship moves (the contribution months are the ledger's).
- SY-007 农民合同制工人一次性生活补助 (条例第二十一条): each full year of contributions up to the
  separation gives the rule row's amount, up to the rule row's number of years; once per
  separation; not for a person being paid the unemployment benefit.

Each payment goes through the bank adapter with its idempotency key and is a unique row, so a
retried completion pays nothing twice. Every figure comes from ``Parameter`` rows (confidence L,
corrected in the admin); a missing row refuses the completion, named."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from shebao.contributions.selectors import unemployment_paid_months, unit_unemployment_paid
from shebao.core import audit
from shebao.core.errors import Conflict, InvalidInput
from shebao.core.models import Account
from shebao.core.months import month_add
from shebao.registry.models import Person
from shebao.unemployment import bank, params, rules
from shebao.unemployment.models import Claim, OneOffPayment, Parameter

FEN = Decimal("0.01")
SKILL_LEVELS = {
    "5": Parameter.Key.SKILL_SUBSIDY_5,
    "4": Parameter.Key.SKILL_SUBSIDY_4,
    "3": Parameter.Key.SKILL_SUBSIDY_3,
}


def _scalar(key: str, *, on: dt.date, region: str = params.REGION) -> tuple[Decimal, dict[str, str]]:
    row = (
        Parameter.objects.filter(region=region, key=key, effective_from__lte=on)
        .order_by("-effective_from", "-id")
        .first()
    )
    if row is None:
        label = Parameter.Key(key).label
        raise InvalidInput(f"{on:%Y-%m-%d}没有生效的规则：{label}", f"No rule row in force on {on}: {key}")
    ref = params._ref(row, key, format(row.value.normalize(), "f"))
    return row.value, ref.as_dict()


def _person(id_number: str) -> Person:
    from shebao.unemployment.services import person_by_id_number

    return person_by_id_number(id_number)


def _pay(
    *,
    actor: Account | None,
    item_code: str,
    case_number: str,
    key: str,
    amount: Decimal,
    account: str,
    derivation: dict[str, Any],
    person: Person | None = None,
    unit_code: str = "",
) -> OneOffPayment:
    if OneOffPayment.objects.filter(key=key).exists():
        raise Conflict("该待遇已经领取，不能重复领取", "This has already been paid once", field="id_number")
    receipt = bank.adapter().transfer(key=key, account=account, amount=amount, memo=item_code)
    try:
        with transaction.atomic():
            row = OneOffPayment.objects.create(
                item_code=item_code,
                case_number=case_number,
                person=person,
                unit_code=unit_code,
                key=key,
                amount=amount,
                account=account,
                derivation=derivation,
                status=OneOffPayment.Status.SENT if receipt.accepted else OneOffPayment.Status.FAILED,
                bank_ref=receipt.reference,
                failure=receipt.reason[:200],
                paid_at=timezone.now(),
            )
    except IntegrityError:
        raise Conflict("该待遇已经领取，不能重复领取", "This has already been paid once", field="id_number") from None
    audit.record(
        actor=actor,
        action="unemployment.one_off.pay",
        subject_type="unemployment.OneOffPayment",
        subject_id=row.pk,
        subject_person=person.id_number if person else "",
        after={"item": item_code, "case": case_number, "key": key, "amount": str(amount), "status": row.status},
    )
    return row


def skill_subsidy_pay(*, actor: Account | None, case_number: str, form: Mapping[str, Any]) -> OneOffPayment:
    """SY-004: the certificate level's amount, once per certificate."""
    person = _person(str(form["id_number"]))
    issued = dt.date.fromisoformat(str(form["certificate_date"]))
    level = str(form["certificate_level"])
    if level not in SKILL_LEVELS:
        raise InvalidInput("证书等级不正确", "Unknown certificate level", field="certificate_level")
    need, need_ref = _scalar(Parameter.Key.SKILL_SUBSIDY_MIN_MONTHS, on=issued)
    months = unemployment_paid_months(person_ids=[person.pk], before=month_add(issued, 1))[person.pk]
    if months < int(need):
        raise Conflict(
            f"取得证书时累计缴纳失业保险费{months}个月，不足{int(need)}个月，不符合技能提升补贴申领条件",
            f"{months} months of unemployment contributions when the certificate was issued: {int(need)} needed",
            field="certificate_date",
        )
    amount, amount_ref = _scalar(SKILL_LEVELS[level], on=issued)
    number = hashlib.sha256(str(form["certificate_no"]).strip().upper().encode()).hexdigest()[:16]
    return _pay(
        actor=actor,
        item_code="SY-004",
        case_number=case_number,
        key=f"SY-004-{person.pk}-{number}",
        amount=amount.quantize(FEN),
        account=str(form["bank_card"]),
        person=person,
        derivation={"months": months, "level": level, "amount": str(amount), "rules": [need_ref, amount_ref]},
    )


def retention_refund_pay(*, actor: Account | None, case_number: str, form: Mapping[str, Any]) -> OneOffPayment:
    """SY-005: the share of the unit's employer unemployment contributions of the year, once."""
    unit_code = str(form["unit_code"]).upper()
    year = int(form["declare_year"])
    paid = unit_unemployment_paid(credit_code=unit_code, year=year)
    if paid <= 0:
        raise Conflict(
            f"单位{year}年度没有缴纳失业保险费的记录，无可返还金额",
            f"The unit paid no unemployment contribution in {year}: nothing to refund",
            field="declare_year",
        )
    share, share_ref = _scalar(Parameter.Key.RETENTION_SHARE, on=dt.date(year, 12, 31))
    amount = (paid * share).quantize(FEN, rounding=ROUND_HALF_UP)
    return _pay(
        actor=actor,
        item_code="SY-005",
        case_number=case_number,
        key=f"SY-005-{unit_code}-{year}",
        amount=amount,
        account=str(form["bank_account"]),
        unit_code=unit_code,
        derivation={"paid": str(paid), "share": str(share), "amount": str(amount), "rules": [share_ref]},
    )


def rural_allowance_pay(*, actor: Account | None, case_number: str, form: Mapping[str, Any]) -> OneOffPayment:
    """SY-007: full contribution years × the rule row's amount, up to its years; once per separation."""
    person = _person(str(form["id_number"]))
    ended = dt.date.fromisoformat(str(form["terminated_on"]))
    if Claim.objects.filter(person=person, status=Claim.Status.PAYING).exists():
        raise Conflict(
            "该参保人正在领取失业保险金，不能同时领取一次性生活补助",
            "This person is being paid the unemployment benefit",
            field="id_number",
        )
    months = unemployment_paid_months(person_ids=[person.pk], before=month_add(ended, 1))[person.pk]
    years = months // 12
    if years < 1:
        raise Conflict(
            f"累计缴纳失业保险费{months}个月，不满1年，不符合一次性生活补助申领条件（《失业保险条例》第二十一条）",
            f"{months} months of contributions: a full year is needed",
            field="id_number",
        )
    per_year, per_ref = _scalar(Parameter.Key.RURAL_PER_YEAR, on=ended)
    most, most_ref = _scalar(Parameter.Key.RURAL_MAX_YEARS, on=ended)
    counted = min(years, int(most))
    amount = (per_year * counted).quantize(FEN)
    return _pay(
        actor=actor,
        item_code="SY-007",
        case_number=case_number,
        key=f"SY-007-{person.pk}-{ended:%Y%m%d}",
        amount=amount,
        account=str(form["bank_card"]),
        person=person,
        derivation={"months": months, "years": years, "counted": counted, "amount": str(amount),
                    "rules": [per_ref, most_ref]},
    )  # fmt: skip


def transfer_in(*, actor: Account | None, case_number: str, form: Mapping[str, Any]) -> Claim | None:
    """SY-006 (transfer in): the months left elsewhere become a claim here from next month, at
    this city's amount; none left, the relationship alone moves (nothing to write here)."""
    person = _person(str(form["id_number"]))
    left = int(form.get("remaining_months") or 0)
    if left < 0 or left > 24:
        raise InvalidInput("剩余领取月数应为0至24", "Months left must be 0 to 24", field="remaining_months")
    if left == 0:
        return None
    if Claim.objects.filter(person=person, status=Claim.Status.PAYING).exists():
        raise Conflict("该参保人正在领取失业保险金", "This person is already being paid a benefit", field="id_number")
    if not form.get("bank_card"):
        raise InvalidInput("请填写收款银行卡号", "Give the bank card for the payment", field="bank_card")
    today = timezone.localdate()
    rule_set = params.params_on(on=today)
    granted = min(left, rule_set.entitlement_cap)
    monthly = rules.monthly_benefit(params=rule_set)
    months = unemployment_paid_months(person_ids=[person.pk])[person.pk]
    claim = Claim.objects.create(
        person=person,
        district=person.district,
        case_number=case_number,
        separation_reason="transferred_in",
        terminated_on=dt.date.fromisoformat(str(form.get("terminated_on") or today.isoformat())),
        contribution_months=months,
        carried_months=left,
        start_month=month_add(today, 1),
        max_months=granted,
        monthly_benefit=monthly,
        derivation={
            "transfer": {"from_place": form.get("from_place", ""), "from_agency": form.get("from_agency", "")},
            "inputs": {"remaining_months": left, "entitlement_cap": rule_set.entitlement_cap},
            "max_months": granted,
            "monthly_benefit": str(monthly),
            "rules": [r.as_dict() for r in rule_set.rules],
        },
        rules=[r.ref for r in rule_set.rules],
        provisional=any(r.confidence == "L" for r in rule_set.rules),
        bank_card=str(form["bank_card"]),
    )
    audit.record(
        actor=actor,
        action="unemployment.claim.create",
        subject_type="unemployment.Claim",
        subject_id=claim.pk,
        subject_person=person.id_number,
        after={"case": case_number, "transferred_in": left, "months": granted, "monthly": str(monthly)},
    )
    return claim
