"""Materials: staff asking for missing materials (补正), the applicant supplying them, and a
clerk verifying (or rejecting) the files uploaded for them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from shebao.cases import authority, facts, rules
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
from shebao.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
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
            rows[code].save(update_fields=supplies.SUPPLY_FIELDS)
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


def may_verify(actor: Account, case: Case) -> bool:
    """Whether ``actor`` may decide on the files uploaded for ``case`` (a page's question)."""
    try:
        _may_verify(actor, case)
    except NotAllowed:
        return False
    return True


def _may_verify(actor: Account, case: Case) -> None:
    """A clerk of the office that holds the case (its jurisdiction), with the item's skill group
    and the authority its current step needs, never on a case about themselves."""
    who = facts.actor_facts(actor)
    if who is None or actor.kind != Account.Kind.STAFF or actor.role not in rules.HANDLING_ROLES:
        raise NotAllowed("只有经办机构工作人员可以核验材料", "Only the office's staff verify materials")
    if case.office_id not in who.jurisdiction:
        raise NotAllowed("该办件不属于您所在机构管辖", "This case is outside your office's jurisdiction")
    if case.item.skill_group_id not in who.skill_groups:
        raise NotAllowed("该事项不在您的业务技能组内", "This item is not in your skill groups")
    if who.authority < case.required_authority:
        raise NotAllowed(
            f"该办件需要{case.required_authority}级权限，您为{who.authority}级",
            f"This case needs authority level {case.required_authority}; you have {who.authority}",
        )
    if who.id_number and who.id_number == case.applicant_id_number:
        raise NotAllowed("不能办理与本人有关的业务", "You may not handle a case about yourself")


def case_material_verify(
    *,
    actor: Account,
    case_id: int,
    version: int,
    code: str,
    decision: str,
    reason: str = "",
    channel: str = Channel.HALL,
) -> Case:
    """核验: a clerk of the case's office decides on a file uploaded for one material. Verified,
    it counts as received; when it was the last required one the clock starts (or restarts) the
    day after, as a supplement would. Rejected, the material is missing again with the reason,
    and the applicant is told once through the outbox and may upload anew. Audited with the
    file's sha256."""
    reason = supplies.decision_check(decision, reason)
    with transaction.atomic():
        case = _claim(case_id, version)
        if case.status not in Case.OPEN_STATUSES:
            raise Conflict("该办件已结束，不能再核验材料", "The case is closed: its materials are no longer verified")
        _may_verify(actor, case)
        row = case.materials.select_related("material", "upload").filter(material__code=code).first()
        if row is None:
            raise NotFound(f"该办件没有材料 {code}", f"The case has no material {code}")
        if row.status != CaseMaterial.Status.UPLOADED or row.upload is None:
            raise Conflict("该材料没有待核验的上传文件", "This material has no uploaded file to verify")
        if row.verification != CaseMaterial.Verification.PENDING:
            raise Conflict("该材料已核验过", "This material was already verified")
        upload = row.upload
        supplies.verification_apply(row, actor=actor, decision=decision, reason=reason)
        row.save(
            update_fields=["status", "verification", "verified_by", "verified_at", "rejection_reason", "updated_at"]
        )
        name = row.material.name
        if decision == CaseMaterial.Verification.REJECTED:
            _notify_applicant(
                case,
                event=f"material-rejected:{code}",
                body=(
                    f"材料未通过核验：{name}，原因：{reason}。请重新上传。"
                    f" / A material was not accepted: {row.material.name_en or code}, {reason}. Please upload it again."
                ),
            )
        elif case.status == Case.Status.AWAITING_MATERIALS and not _missing_required(case):
            # the last required material is verified: the materials are complete now
            _resume_clock(case, kind=CasePause.Kind.MATERIALS)
            _notify_applicant(
                case, event="verified", body=f"您的办件 {case.number} 材料已核验齐全，办理时限自次日起计算。"
            )
        case.save()
        _audit(
            case,
            actor=actor,
            action="material_verify",
            channel=channel,
            after={
                "material": code,
                "decision": decision,
                "reason": reason,
                "file": upload.ref,
                "sha256": upload.sha256,
                "at": timezone.now().isoformat(),
                "due_date": case.due_date,
            },
        )
    return case
