"""Catalogue commands: load the registered definitions into the tables."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from django.db import connection, models, transaction

from shebao.catalog.definitions import ItemSpec, PhaseSpec, registered_specs
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

M = TypeVar("M", bound=models.Model)
_FOREIGN_KEYS = ("form_group", "skill_group")  # compared by id: no query per item for the related row


@dataclass(frozen=True)
class SyncReport:
    created: int
    updated: int
    total: int


def _insert(objs: list[M]) -> list[M]:
    """New rows that later rows refer to, with their ids: one multi-row INSERT where the backend
    returns the ids of one (PostgreSQL, SQLite from 3.35), else one INSERT each."""
    if objs and connection.features.can_return_rows_from_bulk_insert:
        return type(objs[0])._default_manager.bulk_create(objs)
    for obj in objs:
        obj.save()
    return objs


def _build_structures(pairs: list[tuple[ServiceItem, ItemSpec]]) -> None:
    """The phases, steps and materials of saved items, a few multi-row INSERTs for all of them
    (the rows and their order as one item after the other would give)."""
    phases: list[tuple[ItemPhase, PhaseSpec]] = [
        (
            ItemPhase(
                item=item,
                order=p_order,
                code=phase_spec.code,
                name=phase_spec.name,
                name_en=phase_spec.name_en,
                party=phase_spec.party,
                jurisdiction=phase_spec.jurisdiction,
                promised_days=phase_spec.promised_days,
                legal_days=phase_spec.legal_days,
            ),
            phase_spec,
        )
        for item, spec in pairs
        for p_order, phase_spec in enumerate(spec.effective_phases(), start=1)
    ]
    _insert([phase for phase, _ in phases])
    ItemStep.objects.bulk_create(
        ItemStep(phase=phase, order=s_order, kind=s.kind, name=s.name, name_en=s.name_en, min_authority=s.min_authority)
        for phase, phase_spec in phases
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
        for item, spec in pairs
        for m in spec.materials
    )


def _form_groups_sync() -> dict[str, FormGroup]:
    """The form groups as ``FORM_GROUPS`` names them: missing ones created, changed names saved."""
    groups = FormGroup.objects.select_for_update().in_bulk(list(FORM_GROUPS), field_name="code")
    missing = []
    for code, (name, name_en) in FORM_GROUPS.items():
        group = groups.get(code)
        if group is None:
            missing.append(FormGroup(code=code, name=name, name_en=name_en))
        elif (group.name, group.name_en) != (name, name_en):
            group.name, group.name_en = name, name_en
            group.save(update_fields=["name", "name_en"])
    for group in _insert(missing):
        groups[group.code] = group
    return groups


def _differs(item: ServiceItem, key: str, value: object) -> bool:
    if key in _FOREIGN_KEYS:
        return bool(getattr(item, f"{key}_id") != getattr(value, "pk", None))
    return bool(getattr(item, key) != value)


def catalog_sync(*, actor: Account | None = None, reset: bool = False) -> SyncReport:
    """Load every registered item definition.

    A new item is created whole. For an existing item the code-owned fields (names, policy
    basis, form schema, handler, insurance, form group) follow the definition, while what
    administrators adjust (time limits, the return window and the transfer authority, channels,
    office kinds, Saturday service, materials, activation) is kept. ``reset`` rebuilds phases, steps and materials from the definition too.
    An unchanged item is not saved again; the queries do not grow with the number of items
    (the items read at once, the new ones and their structure written in multi-row INSERTs).
    """
    created = updated = 0
    specs = registered_specs()
    with transaction.atomic():
        groups = _form_groups_sync()
        skills = {s.code: s for s in SkillGroup.objects.all()}
        new_skills = [
            SkillGroup(code=code, name=code)
            for code in dict.fromkeys(spec.skill_group for spec in specs.values())
            if code not in skills
        ]
        for skill in _insert(new_skills):
            skills[skill.code] = skill
        existing = ServiceItem.objects.in_bulk(list(specs), field_name="code")
        new_items: list[ServiceItem] = []
        to_build: list[tuple[ServiceItem, ItemSpec]] = []
        for spec in specs.values():
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
                "skill_group": skills[spec.skill_group],
                "jurisdiction": spec.jurisdiction,
            }
            if spec.withdrawn_for:
                code_owned["is_active"] = False  # withdrawn in code: no administrator reopens it
            item = existing.get(spec.code)
            if item is None:
                item = ServiceItem(
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
                new_items.append(item)
                to_build.append((item, spec))
                created += 1
                continue
            changed = [k for k, v in code_owned.items() if _differs(item, k, v)]
            if reset:
                item.phases.all().delete()
                item.materials.all().delete()
                to_build.append((item, spec))
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
        _insert(new_items)
        _build_structures(to_build)
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
