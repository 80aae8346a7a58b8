"""Materials: staff asking for missing materials (补正) and the applicant supplying them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from shebao.cases import authority, rules
from shebao.cases import materials as supplies
from shebao.cases.models import (
    Case,
    CaseMaterial,
    CasePause,
)
from shebao.cases.services.clock import _pause_clock, _resume_clock
from shebao.cases.services.common import (
    _audit,
    _check_handler,
    _claim,
    _missing_required,
    _notify_applicant,
    _require,
)
from shebao.core.channels import Channel
from shebao.core.errors import Conflict, InvalidInput, NotAllowed
from shebao.core.models import Account


def case_request_materials(
    *, actor: Account, case_id: int, version: int, missing: list[str], note: str = "", channel: str = Channel.HALL
) -> Case:
    """补正: tell the applicant once, in full, what is missing; the clock stops until they
    supply it and restarts the day after."""
    with transaction.atomic():
        case = _claim(case_id, version)
        if case.status != Case.Status.IN_PROGRESS:
            raise Conflict("只有办理中的办件可以要求补正", "Only a case in progress can ask for materials")
        _check_handler(actor, case)
        rows = {m.material.code: m for m in case.materials.select_related("material")}
        unknown = [c for c in missing if c not in rows]
        if not missing or unknown:
            raise InvalidInput(
                "请选择需要补正的材料", f"Choose the materials to supply (unknown: {unknown})", field="missing"
            )
        for code in missing:
            rows[code].status = CaseMaterial.Status.MISSING
            rows[code].save(update_fields=["status", "updated_at"])
        _pause_clock(
            case,
            kind=CasePause.Kind.MATERIALS,
            reason=note or "补正材料",
            actor=actor,
            status=Case.Status.AWAITING_MATERIALS,
        )
        case.save()
        names = [rows[c].material.name for c in missing]
        _notify_applicant(
            case,
            event="materials",
            body=f"您的办件 {case.number} 需补正以下材料（一次性告知）：{'、'.join(names)}。{note}",
        )
        _audit(case, actor=actor, action="request_materials", channel=channel, after={"missing": missing, "note": note})
    return case


def _may_supplement(actor: Account, case: Case, *, action: rules.Action = rules.Action.SUPPLEMENT) -> None:
    """``action`` (a supplement or a withdrawal) by the applicant who filed the case (a unit only
    what it filed: authority.applicant_owns), or by staff as the rules allow (the staff of its
    office or of the window that received it, never on a case about themselves)."""
    if authority.applicant_owns(actor, case):
        return
    if actor.kind != Account.Kind.STAFF:
        raise NotAllowed("只能办理本人（本单位）提交的办件", "You may act only on cases you filed")
    _require(actor, case, action)


def case_supplement(
    *, actor: Account, case_id: int, version: int, materials: Mapping[str, Any], channel: str = Channel.HALL
) -> Case:
    """补正: materials supplied — verified at a window (staff only), uploaded, or replaced by a
    commitment where the catalogue allows one (:mod:`shebao.cases.materials`). When every
    required one is there, the clock restarts the day after."""
    given = supplies.supplies_parse(materials)
    if not given:
        raise InvalidInput("请选择已提交的材料", "Name the materials supplied", field="materials")
    with transaction.atomic():
        case = _claim(case_id, version)
        if case.status != Case.Status.AWAITING_MATERIALS:
            raise Conflict("该办件没有待补正的材料", "The case is not waiting for materials")
        _may_supplement(actor, case)
        rows = {m.material.code: m for m in case.materials.select_related("material")}
        for code, supply in given.items():
            if code not in rows or supply.state == CaseMaterial.Status.MISSING:
                raise InvalidInput(
                    f"材料 {code} 或其状态不正确",
                    f"Unknown material or state: {code}={supply.state}",
                    field=f"materials.{code}",
                )
            upload = supplies.supply_check(actor=actor, material=rows[code].material, supply=supply)
            supplies.supply_apply(rows[code], actor=actor, supply=supply, upload=upload)
            rows[code].save(update_fields=["status", "upload", "verified_by", "updated_at"])
        still = _missing_required(case)
        if not still:
            _resume_clock(case, kind=CasePause.Kind.MATERIALS)
            _notify_applicant(
                case, event="supplemented", body=f"您的办件 {case.number} 材料已齐全，办理时限自次日起计算。"
            )
        case.save()
        _audit(
            case,
            actor=actor,
            action="supplement",
            channel=channel,
            after={
                "materials": {c: {"state": s.state, "file": s.file} if s.file else s.state for c, s in given.items()},
                "still_missing": still,
            },
        )
    return case
