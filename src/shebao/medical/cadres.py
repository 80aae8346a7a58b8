"""The military-transferred cadres' move from central to district management (a job: every
cadre reassigned in one transaction, the count per district reported), and the reads scoped by
the actor: a district's staff see only the cadres living in their district."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from shebao.core import audit
from shebao.core.errors import InvalidInput, NotFound
from shebao.core.models import Account, Area, Office, Role
from shebao.medical.models import Cadre, CentralDistrictsRule

CITY_WIDE = frozenset({Role.MONITOR_CITY, Role.ADMIN})
CENTRAL = "central"


@dataclass(frozen=True)
class MoveReport:
    day: dt.date
    rule_ref: str
    per_district: dict[str, int]  # district code → cadres now managed there; "central" kept
    total: int


def central_districts(*, day: dt.date, region: str = "wuhan") -> CentralDistrictsRule:
    row = (
        CentralDistrictsRule.objects.filter(region=region, effective_from__lte=day)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=day))
        .order_by("-effective_from")
        .first()
    )
    if row is None:
        raise InvalidInput(f"{day} 没有生效的集中管理区规则", f"No central-districts rule row on {day}", field="day")
    return row


def cadres_move_to_districts(*, actor: Account | None, day: dt.date | None = None) -> MoveReport:
    """分户 and 续保 per district office for every cadre still managed centrally, except those
    living in a district the rule keeps central; re-running moves nobody twice."""
    day = day or timezone.localdate()
    rule = central_districts(day=day)
    kept = set(rule.district_codes)
    centre = Office.objects.filter(kind=Office.Kind.MEDICAL_CENTRE, is_active=True).order_by("id").first()
    offices = {
        o.area_id: o for o in Office.objects.filter(kind=Office.Kind.DISTRICT_OFFICE, is_active=True).order_by("-id")
    }
    counts: Counter[str] = Counter()
    with transaction.atomic():
        pending = (
            Cadre.objects.select_for_update()
            .select_related("residence_district")
            .filter(management=Cadre.Management.CENTRAL)
        )
        for cadre in pending:
            code = cadre.residence_district.code
            office = offices.get(cadre.residence_district_id)
            if code in kept or office is None:
                cadre.managing_office, cadre.rule_ref = centre, rule.ref
                counts[CENTRAL] += 1
            else:
                cadre.management, cadre.managing_office = Cadre.Management.DISTRICT, office
                cadre.split_on = cadre.continued_on = day
                cadre.rule_ref = rule.ref
                counts[code] += 1
            cadre.save(update_fields=["management", "managing_office", "split_on", "continued_on", "rule_ref"])
        report = MoveReport(
            day=day, rule_ref=rule.ref, per_district=dict(sorted(counts.items())), total=sum(counts.values())
        )
        audit.record(
            actor=actor,
            action="medical.cadres_move",
            subject_type="medical.Cadre",
            after={"day": day.isoformat(), "rule": rule.ref, "per_district": report.per_district},
        )
    return report


def cadres_visible(*, actor: Account) -> QuerySet[Cadre]:
    """City-wide roles and the medical centre see every cadre; district staff only the cadres
    living in their district; nobody else any."""
    none = Cadre.objects.none()
    if actor is None or not actor.is_authenticated or actor.kind != Account.Kind.STAFF or actor.office is None:
        return none
    if actor.role in CITY_WIDE or actor.office.kind == Office.Kind.MEDICAL_CENTRE:
        return Cadre.objects.all()
    area = actor.office.area
    if area.kind == Area.Kind.CITY or area.district_id is None:
        return none
    return Cadre.objects.filter(residence_district_id=area.district_id)


def cadre_get(*, actor: Account, cadre_id: int) -> Cadre:
    cadre = (
        cadres_visible(actor=actor).select_related("residence_district", "managing_office").filter(pk=cadre_id).first()
    )
    if cadre is None:
        raise NotFound()
    audit.record(
        actor=actor,
        action="medical.cadre_view",
        subject_type="medical.Cadre",
        subject_id=cadre.pk,
        subject_person=cadre.id_number,
    )
    return cadre
