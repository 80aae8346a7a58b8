"""Cases for acts done at once online (网上即时办结): an employer adds or removes staff on its
own pages, one person or a whole Excel file, and the domain service applies the change there
and then. Each such act is still a case (办件) of its catalogue item, carrying the unit's code,
so the unit's case list, the person's own cases and the staff's search show it like any other
application: received, accepted by the system and completed in the same moment.

The caller's service has applied the effect in the same transaction; nothing here runs the
item's handler again. Bulk: a file of 5,000 rows is recorded in a few statements per table and
one audit event naming every case number.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import CharField, F, Value
from django.db.models.functions import Cast, Concat, LPad
from django.utils import timezone

from shebao.cases.models import Case, CaseMaterial, CasePhase, CaseStepRecord
from shebao.catalog.definitions import Applicant
from shebao.catalog.models import ServiceItem
from shebao.catalog.selectors import item_get, item_offered
from shebao.core import audit
from shebao.core.channels import Channel
from shebao.core.errors import InvalidInput, NotAllowed
from shebao.core.models import Account, Area, Office

NOTE = "单位网上办理，系统即时办结 / Filed online by the employer and completed at once"


@dataclass(frozen=True)
class Done:
    """One act already applied: whom it concerns, the form as the item names its fields, and
    what it did (the case's result)."""

    applicant: Applicant
    form: dict[str, Any]
    result: dict[str, Any] = field(default_factory=dict)


def _district_office(district: Area) -> Office:
    office = Office.objects.filter(kind=Office.Kind.DISTRICT_OFFICE, area=district, is_active=True).first()
    if office is None:
        raise InvalidInput("没有可以办理该事项的机构", "No office handles this item", field="office")
    return office


def _check_filer(actor: Account, item: ServiceItem, done: Sequence[Done]) -> str:
    """Only a unit's own operator, for its own unit, for an item the catalogue offers online now
    whose every material a signed commitment may stand for (nobody has seen an original).
    Returns the unit's credit code."""
    if actor.kind != Account.Kind.UNIT or not actor.unit_code:
        raise NotAllowed("仅限单位经办人网上办理", "For employer operators online only")
    code = actor.unit_code.upper()
    if any((d.applicant.unit_code or "").upper() != code for d in done):
        raise NotAllowed("只能为本单位办理", "You may file for your own unit only", field="unit_code")
    item_offered(item=item, channel=Channel.ONLINE, office=None)
    if any(not m.commitment_allowed for m in item.materials.all()):
        raise NotAllowed(
            f"“{item.name}”须提交材料，不能网上即时办结",
            f"{item.code} needs materials handed in; it cannot be completed online at once",
        )
    return code


def cases_record_done(*, actor: Account, item_code: str, district: Area, done: Sequence[Done]) -> list[Case]:
    """Record ``done`` as completed cases of ``item_code`` filed online by ``actor``'s unit, at
    the district office of ``district`` (the unit's), all with one batch reference; returned
    in the order of ``done``. Call it inside the transaction that applied the acts."""
    if not done:
        return []
    item = item_get(code=item_code, with_structure=True)
    unit_code = _check_filer(actor, item, done)
    office = _district_office(district)
    phases = list(item.phases.all())
    first_steps = {p.pk: p.steps.all()[0] for p in phases}
    materials = list(item.materials.all())
    now, today = timezone.now(), timezone.localdate()
    batch = uuid.uuid4().hex
    cases = Case.objects.bulk_create(
        [
            Case(
                item=item,
                item_version=item.version,
                group_ref=batch,
                applicant_id_number=d.applicant.id_number,
                applicant_name=d.applicant.name,
                applicant_unit_code=unit_code,
                channel=Channel.ONLINE,
                filer=Case.Filer.UNIT,
                office=office,
                received_at=now,
                form_data=d.form,
                status=Case.Status.COMPLETED,
                closed_at=now,
                result=d.result,
            )
            for d in done
        ],
        batch_size=500,
    )
    ids = [c.pk for c in cases]
    if any(pk is None for pk in ids):  # a backend that does not return ids from a bulk insert
        ids = list(Case.objects.filter(group_ref=batch).order_by("id").values_list("id", flat=True))
    # the number every case has: the day of receipt and the id (as _open_one gives it)
    prefix = f"{timezone.localtime(now):%y%m%d}"
    for i in range(0, len(ids), 900):
        Case.objects.filter(pk__in=ids[i : i + 900]).update(
            number=Concat(Value(prefix), LPad(Cast(F("id"), output_field=CharField()), 8, Value("0")))
        )
    limit = {p.pk: p.promised_days if p.promised_days is not None else item.promised_days for p in phases}
    CasePhase.objects.bulk_create(
        [
            CasePhase(
                case_id=pk,
                phase=p,
                office=office,
                status=CasePhase.Status.DONE,
                limit_days=limit[p.pk],
                started_on=today,
                due_date=today,
                finished_on=today,
            )
            for pk in ids
            for p in phases
        ],
        batch_size=500,
    )
    CaseMaterial.objects.bulk_create(
        [CaseMaterial(case_id=pk, material=m, status=CaseMaterial.Status.COMMITMENT) for pk in ids for m in materials],
        batch_size=500,
    )
    CaseStepRecord.objects.bulk_create(
        [
            CaseStepRecord(case_id=pk, step=first_steps[p.pk], action="accept", actor=None, note=NOTE, at=now)
            for pk in ids
            for p in phases
        ],
        batch_size=500,
    )
    recorded = list(Case.objects.filter(group_ref=batch).select_related("item").order_by("id"))
    audit.record(
        actor=actor,
        action="case.open",
        subject_type="case",
        subject_id=recorded[0].pk,
        subject_person=recorded[0].applicant_id_number if len(recorded) == 1 else "",
        after={
            "item": item.code,
            "status": Case.Status.COMPLETED,
            "completed_at_once": True,
            "batch": batch,
            "numbers": [c.number for c in recorded],
        },
        channel=Channel.ONLINE,
    )
    return recorded
