"""Units (参保单位): registration per insurance (五险), change and deregistration."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from shebao.core.channels import Channel
from shebao.core.errors import Conflict, InvalidInput, NotFound
from shebao.core.identifiers import credit_code_validate
from shebao.core.models import Account, Area
from shebao.core.months import month_start
from shebao.registry.models import Employment, Unit, UnitInsurance
from shebao.registry.services.common import (
    FIVE_INSURANCES,
    INSURANCE_NAMES,
    _audit,
    _district_of,
    _require_staff_writer,
    unit_authorise,
)


def unit_insurances(unit: Unit) -> list[str]:
    return list(
        UnitInsurance.objects.filter(unit=unit, active=True).order_by("insurance").values_list("insurance", flat=True)
    )


def unit_register(
    *,
    actor: Account | None,
    credit_code: str,
    name: str,
    district: Area,
    insurances: Sequence[str],
    since: dt.date | None = None,
    industry: str = "",
    injury_risk_class: int | None = None,
    channel: str = Channel.HALL,
) -> list[UnitInsurance]:
    """单位参保登记 (社会保险法 第五十七条): the unit, created on its first registration, is
    registered for each chosen insurance from ``since``'s month. Registering an insurance
    already registered is a Conflict; a deregistered one is registered again."""
    code = credit_code_validate(credit_code)
    chosen = list(dict.fromkeys(insurances))
    unknown = [i for i in chosen if i not in FIVE_INSURANCES]
    if not chosen or unknown:
        raise InvalidInput("请选择要登记的险种（五险）", "Choose among the five insurances", field="insurances")
    if injury_risk_class is not None and not 1 <= injury_risk_class <= 8:
        raise InvalidInput("工伤保险行业风险类别应为一类至八类", "The risk class is 1 to 8", field="injury_risk_class")
    first = month_start(since or timezone.localdate())
    with transaction.atomic():
        unit = Unit.objects.select_for_update().filter(credit_code=code).first()
        created = unit is None
        if unit is None:
            if actor is not None and actor.is_authenticated and actor.kind == Account.Kind.UNIT:
                if (actor.unit_code or "").upper() != code:
                    raise NotFound("未找到该单位", "No such unit")
            else:
                _require_staff_writer(actor)
            if not (name or "").strip():
                raise InvalidInput("请填写单位名称", "Give the unit's name", field="unit_name")
            unit = Unit.objects.create(
                credit_code=code,
                name=name.strip()[:128],
                district=_district_of(district),
                industry=industry.strip()[:64],
                injury_risk_class=injury_risk_class or 1,
            )
        else:
            unit_authorise(actor=actor, unit=unit)
            changed = []
            if industry.strip():
                unit.industry = industry.strip()[:64]
                changed.append("industry")
            if injury_risk_class is not None:
                unit.injury_risk_class = injury_risk_class
                changed.append("injury_risk_class")
            if changed:
                unit.save(update_fields=changed)
        existing = {u.insurance: u for u in UnitInsurance.objects.select_for_update().filter(unit=unit)}
        rows = []
        for insurance in chosen:
            row = existing.get(insurance)
            if row is not None and row.active:
                raise Conflict(
                    f"本单位已办理{INSURANCE_NAMES[insurance]}参保登记",
                    f"The unit is already registered for {insurance}",
                    field="insurances",
                )
            if row is None:
                row = UnitInsurance(unit=unit, insurance=insurance)
            row.since, row.active = first, True
            row.save()
            rows.append(row)
        _audit(
            actor=actor,
            action="unit.register",
            subject_type="unit",
            subject_id=unit.pk,
            after={"credit_code": code, "created": created, "insurances": chosen, "since": first},
            channel=channel,
        )
    return rows


def unit_change(
    *, actor: Account | None, unit: Unit, change_item: str, new_value: str, channel: str = Channel.HALL
) -> Unit:
    """单位参保信息变更. The name is a column of ours; the other details (address, legal
    representative, bank, contact) are kept with the case and the audit event."""
    unit_authorise(actor=actor, unit=unit)
    value = (new_value or "").strip()
    if not value:
        raise InvalidInput("请填写变更后内容", "Give the new value", field="new_value")
    with transaction.atomic():
        before = {"name": unit.name}
        if change_item == "name":
            unit.name = value[:128]
            unit.save(update_fields=["name"])
        _audit(
            actor=actor,
            action="unit.change",
            subject_type="unit",
            subject_id=unit.pk,
            before=before,
            after={"change_item": change_item, "new_value": value},
            channel=channel,
        )
    return unit


def unit_deregister(*, actor: Account | None, unit: Unit, ended_on: dt.date, channel: str = Channel.HALL) -> Unit:
    """单位注销登记: only after every employee has been removed (减员)."""
    unit_authorise(actor=actor, unit=unit)
    with transaction.atomic():
        staff = Employment.objects.filter(unit=unit, end__isnull=True).count()
        if staff:
            raise Conflict(
                f"本单位仍有{staff}名在职参保职工，须先办理减员",
                f"The unit still has {staff} insured staff; remove them first",
            )
        count = UnitInsurance.objects.filter(unit=unit, active=True).update(active=False)
        _audit(
            actor=actor,
            action="unit.deregister",
            subject_type="unit",
            subject_id=unit.pk,
            after={"insurances_closed": count, "ended_on": ended_on},
            channel=channel,
        )
    return unit
