"""Catalogue commands: load the registered definitions into the tables."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection, transaction

from shebao.catalog.definitions import ItemSpec, registered_specs
from shebao.catalog.models import FormGroup, ItemMaterial, ItemPhase, ItemStep, ServiceItem
from shebao.core import audit
from shebao.core.models import Account, SkillGroup

FORM_GROUPS = {
    "unit_register": ("单位参保登记一表通", "Employer registration for all five insurances"),
    "flexible_enrol": ("灵活就业人员参保一表通", "Flexible worker enrolment with contribution grade"),
    "staff_change": ("单位增减员一表通", "Employer staff additions and removals"),
    "card_service": ("社会保障卡服务一表通", "Social security card services"),
    "retirement": ("退休办理一表通", "Retirement approval and benefit determination"),
    "unemployment": ("失业保险一表通", "Unemployment filing and claim"),
}


@dataclass(frozen=True)
class SyncReport:
    created: int
    updated: int
    total: int


def _build_structure(item: ServiceItem, spec: ItemSpec) -> None:
    for p_order, phase_spec in enumerate(spec.effective_phases(), start=1):
        phase = ItemPhase.objects.create(
            item=item,
            order=p_order,
            code=phase_spec.code,
            name=phase_spec.name,
            name_en=phase_spec.name_en,
            party=phase_spec.party,
            jurisdiction=phase_spec.jurisdiction,
            promised_days=phase_spec.promised_days,
            legal_days=phase_spec.legal_days,
        )
        ItemStep.objects.bulk_create(
            ItemStep(
                phase=phase, order=s_order, kind=s.kind, name=s.name, name_en=s.name_en, min_authority=s.min_authority
            )
            for s_order, s in enumerate(phase_spec.steps, start=1)
        )
    ItemMaterial.objects.bulk_create(
        ItemMaterial(
            item=item,
            code=m.code,
            name=m.name,
            name_en=m.name_en,
            required=m.required,
            commitment_allowed=m.commitment_allowed,
        )
        for m in spec.materials
    )


def catalog_sync(*, actor: Account | None = None, reset: bool = False) -> SyncReport:
    """Load every registered item definition.

    A new item is created whole. For an existing item the code-owned fields (names, policy
    basis, form schema, handler, insurance, form group) follow the definition, while what
    administrators adjust (time limits, the return window and the transfer authority, channels,
    office kinds, Saturday service, materials, activation) is kept. ``reset`` rebuilds phases, steps and materials from the definition too.
    """
    created = updated = 0
    specs = registered_specs()
    with transaction.atomic():
        groups = {}
        for code, (name, name_en) in FORM_GROUPS.items():
            groups[code], _ = FormGroup.objects.update_or_create(code=code, defaults={"name": name, "name_en": name_en})
        skills = {s.code: s for s in SkillGroup.objects.all()}
        for spec in specs.values():
            skill = skills.get(spec.skill_group)
            if skill is None:
                skill = SkillGroup.objects.create(code=spec.skill_group, name=spec.skill_group)
                skills[skill.code] = skill
            code_owned = {
                "name": spec.name,
                "name_en": spec.name_en,
                "insurance": spec.insurance,
                "policy_basis": spec.policy_basis,
                "description": spec.description,
                "form_schema": [f.as_dict() for f in spec.fields],
                "handler": spec.handler,
                "form_group": groups.get(spec.form_group),
                "risk_level": spec.risk_level,
                "skill_group": skill,
                "jurisdiction": spec.jurisdiction,
            }
            if spec.withdrawn_for:
                code_owned["is_active"] = False  # withdrawn in code: no administrator reopens it
            item = ServiceItem.objects.filter(code=spec.code).first()
            if item is None:
                item = ServiceItem.objects.create(
                    code=spec.code,
                    channels=list(spec.channels),
                    office_kinds=list(spec.office_kinds),
                    saturday=spec.saturday,
                    promised_days=spec.promised_days,
                    legal_days=spec.legal_days,
                    max_extension_days=spec.max_extension_days,
                    return_days=spec.return_days,
                    transfer_authority=spec.transfer_authority,
                    **code_owned,
                )
                _build_structure(item, spec)
                created += 1
                continue
            changed = [k for k, v in code_owned.items() if getattr(item, k) != v]
            if reset:
                item.phases.all().delete()
                item.materials.all().delete()
                _build_structure(item, spec)
                adjusted: tuple[tuple[str, object], ...] = (
                    ("channels", list(spec.channels)),
                    ("office_kinds", list(spec.office_kinds)),
                    ("saturday", spec.saturday),
                    ("promised_days", spec.promised_days),
                    ("legal_days", spec.legal_days),
                    ("max_extension_days", spec.max_extension_days),
                    ("return_days", spec.return_days),
                    ("transfer_authority", spec.transfer_authority),
                )
                for key, value in adjusted:
                    setattr(item, key, value)
                changed.append("structure")
            if changed:
                for key, value in code_owned.items():
                    setattr(item, key, value)
                item.version += 1
                item.save()
                updated += 1
        audit.record(
            actor=actor,
            action="catalog.sync",
            subject_type="catalog",
            after={"created": created, "updated": updated, "total": len(specs), "reset": reset},
            channel="cli" if actor is None else "admin",
        )
    if connection.vendor == "postgresql":
        # Fresh statistics for the small catalogue tables: without them the planner misjudges
        # the joins of the clerk's queue at scale (bench/README.md).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE catalog_serviceitem, catalog_itemphase, catalog_itemstep, core_skillgroup")
    return SyncReport(created=created, updated=updated, total=len(specs))
