"""待遇核定: the monthly basic pension computed from the person's record under the region's rule
rows, stored with everything needed to replay it, and approved by an approver (risk level 3).

A determination keeps its ``inputs`` (the person's side: average index, months, deemed months,
account balance, age) and its ``params`` (the rule rows' values with their refs), both as JSON,
and the derivation shown to the retiree line by line. :func:`pension_replay` rebuilds the pure
formula's inputs from them and recomputes: the figures must come out the same, and it says
whether the rule rows in force now would give other params (a corrected row: redetermine).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any, cast

from django.db import transaction
from django.utils import timezone

from shebao.core.errors import Conflict, InvalidInput
from shebao.core.models import Account
from shebao.pensions.inputs import pension_inputs_for
from shebao.pensions.models import PensionDetermination
from shebao.pensions.params import pension_params_for
from shebao.pensions.rules.formula import (
    DeemedIndexRule,
    DerivationLine,
    PensionInputs,
    PensionParams,
    PensionResult,
    pension_compute,
)
from shebao.pensions.services.common import REGION, approver_authorise, event_add, record, staff_authorise
from shebao.registry.models import Person

_DECIMAL_PARAMS = frozenset({"average_wage", "transition_coefficient"})


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def inputs_to_json(inputs: PensionInputs) -> dict[str, Any]:
    return {f.name: _plain(getattr(inputs, f.name)) for f in fields(inputs)}


def params_to_json(params: PensionParams) -> dict[str, Any]:
    return {f.name: _plain(getattr(params, f.name)) for f in fields(params)}


def inputs_from_json(data: dict[str, Any]) -> PensionInputs:
    return PensionInputs(
        average_index=Decimal(data["average_index"]),
        contribution_months=int(data["contribution_months"]),
        deemed_months=int(data["deemed_months"]),
        account_balance=Decimal(data["account_balance"]),
        age_years=int(data["age_years"]),
        age_months=int(data["age_months"]),
    )


def params_from_json(data: dict[str, Any]) -> PensionParams:
    """The stored params back as the formula's dataclass; a field added to it later and absent
    from an older row keeps its default."""
    values: dict[str, Any] = {}
    for field in fields(PensionParams):
        if field.name not in data:
            continue
        value = data[field.name]
        if field.name in _DECIMAL_PARAMS:
            value = Decimal(value)
        elif field.name == "rule_refs":
            value = tuple(value or ())
        values[field.name] = value
    values["deemed_index_rule"] = cast(DeemedIndexRule, values["deemed_index_rule"])
    return PensionParams(**values)


# What decides the figures: a replay under rows whose values differ in these is another result.
RULE_VALUES = ("average_wage", "transition_coefficient", "deemed_index_rule", "rule_refs", "provisional")


def rules_differ(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return any(a.get(key) != b.get(key) for key in RULE_VALUES)


def _lines(lines: tuple[DerivationLine, ...] | list[DerivationLine]) -> list[dict[str, object]]:
    return [line.as_dict() for line in lines]


def pension_determine(
    *,
    actor: Account | None,
    person: Person,
    retirement_month: dt.date,
    age_years: int,
    age_months: int,
    deemed_months: int,
    kind: str = PensionDetermination.Kind.INITIAL,
    case_number: str = "",
    region: str = REGION,
    channel: str = "hall",
) -> PensionDetermination:
    """基本养老金 = 基础养老金 + 个人账户养老金 + 过渡性养老金 (国发〔2005〕38号), from the
    person's record (``pension_inputs_for``: the months and bases in the ledger, the account
    balance, the deemed months) and the rule rows of the retirement month
    (``pension_params_for``). Stored as a draft: nothing is paid until it is approved."""
    staff_authorise(actor)
    assert actor is not None  # checked above
    params = pension_params_for(
        region=region, retirement_year=retirement_month.year, retirement_month=retirement_month.month
    )
    inputs, input_lines = pension_inputs_for(
        actor=actor,
        person=person,
        age_years=age_years,
        age_months=age_months,
        retirement=retirement_month,
        deemed_months=deemed_months,
    )
    result = pension_compute(inputs=inputs, params=params)
    with transaction.atomic():
        determination = PensionDetermination.objects.create(
            person=person,
            kind=kind,
            case_number=case_number,
            retirement_month=retirement_month,
            effective_from=retirement_month,
            age_years=age_years,
            age_months=age_months,
            basic_pension=result.basic_pension,
            account_pension=result.account_pension,
            transition_pension=result.transition_pension,
            total=result.total,
            months_divisor=result.months_divisor,
            provisional=result.provisional,
            inputs=inputs_to_json(inputs),
            params=params_to_json(params),
            rule_refs=list(params.rule_refs),
            derivation=_lines([*input_lines, *result.derivation]),
            created_by=actor,
        )
        record(
            actor=actor,
            action="pension.determine",
            person=person,
            subject_type="pensions.PensionDetermination",
            subject_id=determination.pk,
            after={"total": result.total, "rule_refs": list(params.rule_refs), "case": case_number},
            channel=channel,
        )
    return determination


def pension_determination_approve(
    *, actor: Account | None, determination: PensionDetermination, effective_from: dt.date | None = None
) -> PensionDetermination:
    """审批: the draft becomes the approved determination the monthly payments follow (from
    ``effective_from``, by default its retirement month); the one approved before is
    superseded. An approver with authority level 3 only; never the person themself."""
    approver_authorise(actor)
    assert actor is not None  # checked above
    with transaction.atomic():
        locked = PensionDetermination.objects.select_for_update().get(pk=determination.pk)
        if locked.status != PensionDetermination.Status.DRAFT:
            raise Conflict("该核定已审批或已被替代", "This determination is not awaiting approval")
        person = Person.objects.get(pk=locked.person_id)
        if actor.id_number and actor.id_number == person.id_number:
            raise InvalidInput("不能审批本人的养老待遇", "Nobody approves their own pension", field="actor")
        previous = list(
            PensionDetermination.objects.select_for_update().filter(
                person_id=locked.person_id, status=PensionDetermination.Status.APPROVED
            )
        )
        PensionDetermination.objects.filter(pk__in=[p.pk for p in previous]).update(
            status=PensionDetermination.Status.SUPERSEDED
        )
        locked.status = PensionDetermination.Status.APPROVED
        locked.approved_by, locked.approved_at = actor, timezone.now()
        if effective_from is not None:
            locked.effective_from = effective_from
        locked.save(update_fields=["status", "approved_by", "approved_at", "effective_from"])
        event_add(
            person=person,
            kind="determine",
            on=timezone.localdate(),
            actor=actor,
            case_number=locked.case_number,
            detail={"determination": locked.pk, "total": str(locked.total)},
        )
        record(
            actor=actor,
            action="pension.approve",
            person=person,
            subject_type="pensions.PensionDetermination",
            subject_id=locked.pk,
            before={"superseded": [p.pk for p in previous]},
            after={"total": locked.total, "effective_from": locked.effective_from},
        )
    return locked


@dataclass(frozen=True)
class Replay:
    """A determination recomputed: the result, whether it equals what was stored, and whether
    the rule rows in force now would give other params than the stored ones."""

    result: PensionResult
    same: bool
    rules_changed: bool


def pension_replay(*, determination: PensionDetermination) -> Replay:
    """Recompute from the stored inputs and rule values (no read of the person's record)."""
    inputs = inputs_from_json(determination.inputs)
    stored = params_from_json(determination.params)
    result = pension_compute(inputs=inputs, params=stored)
    same = (
        result.basic_pension,
        result.account_pension,
        result.transition_pension,
        result.total,
        result.months_divisor,
    ) == (
        determination.basic_pension,
        determination.account_pension,
        determination.transition_pension,
        determination.total,
        determination.months_divisor,
    )
    month = determination.retirement_month
    try:
        now = pension_params_for(region=REGION, retirement_year=month.year, retirement_month=month.month)
        rules_changed = rules_differ(params_to_json(now), determination.params)
    except InvalidInput:
        rules_changed = True
    return Replay(result=result, same=same, rules_changed=rules_changed)


def determination_current(*, person: Person) -> PensionDetermination | None:
    """The approved determination the payments follow (None before approval)."""
    return PensionDetermination.objects.filter(person=person, status=PensionDetermination.Status.APPROVED).first()
