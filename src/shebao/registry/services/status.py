"""Insured status (参保状态): active through a unit after 增员, suspended after 减员, and a
flexible worker's enrolment, stop and resumption (灵活就业人员参保登记、停保、续保)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from shebao.core.channels import Channel
from shebao.core.errors import Conflict, InvalidInput
from shebao.core.models import Account
from shebao.core.months import month_add, month_start
from shebao.registry.models import Employment, InsuredStatus, Person, Unit, UnitInsurance
from shebao.registry.services.common import (
    FLEXIBLE_INSURANCES,
    Active,
    Suspended,
    Terminated,
    _audit,
    _chunks,
    _person_authorise,
)


def activate_via_unit(
    *, persons: Sequence[Person], unit: Unit, since: dict[int, dt.date], insurances: Sequence[str]
) -> int:
    """Insured through ``unit`` in each of ``insurances`` from the month in ``since[person.pk]``.

    Bulk: one read of the existing statuses, one bulk update, one bulk create. A terminated
    status (retired, died, transferred away) is left as it is. Returns rows written."""
    if not persons or not insurances:
        return 0
    ids = [p.pk for p in persons]
    existing: dict[tuple[int, str], InsuredStatus] = {}
    for chunk in _chunks(ids):
        for status in InsuredStatus.objects.filter(person_id__in=chunk, insurance__in=insurances):
            existing[(status.person_id, status.insurance)] = status
    now = timezone.now()
    updates, creates = [], []
    for person in persons:
        first = month_start(since[person.pk])
        for insurance in insurances:
            row = existing.get((person.pk, insurance))
            if row is None:
                creates.append(InsuredStatus(person=person, insurance=insurance, status=Active, since=first, unit=unit))
            elif row.status != Terminated:
                row.status, row.since, row.unit, row.updated_at = Active, first, unit, now
                updates.append(row)
    if updates:
        InsuredStatus.objects.bulk_update(updates, ["status", "since", "unit", "updated_at"], batch_size=500)
    if creates:
        InsuredStatus.objects.bulk_create(creates, batch_size=500)
    return len(updates) + len(creates)


def suspend_after_leaving(*, person_ids: Sequence[int], unit: Unit, ended: dict[int, dt.date]) -> int:
    """After 减员: each status held through ``unit`` moves to another open employment of the
    person (whose unit is registered for that insurance), or is suspended (中断) from the
    month after the last day worked. Bulk: three reads, one bulk update."""
    if not person_ids:
        return 0
    statuses = []
    others: dict[int, list[int]] = {}
    for chunk in _chunks(list(person_ids)):
        statuses += list(InsuredStatus.objects.filter(person_id__in=chunk, unit=unit, status=Active))
        for person_id, unit_id in (
            Employment.objects.filter(person_id__in=chunk, end__isnull=True)
            .exclude(unit=unit)
            .order_by("start", "id")
            .values_list("person_id", "unit_id")
        ):
            others.setdefault(person_id, []).append(unit_id)
    other_units = {u for ids in others.values() for u in ids}
    registered = set(
        UnitInsurance.objects.filter(unit_id__in=other_units, active=True).values_list("unit_id", "insurance")
    )
    now = timezone.now()
    for status in statuses:
        elsewhere = [u for u in others.get(status.person_id, []) if (u, status.insurance) in registered]
        if elsewhere:
            status.unit_id = elsewhere[0]
        else:
            status.status, status.since = Suspended, month_add(ended[status.person_id], 1)
        status.updated_at = now
    InsuredStatus.objects.bulk_update(statuses, ["status", "since", "unit", "updated_at"], batch_size=500)
    return len(statuses)


def _load_statuses(person: Person, insurances: Sequence[str]) -> dict[str, InsuredStatus]:
    rows = InsuredStatus.objects.select_for_update().filter(person=person, insurance__in=insurances)
    return {row.insurance: row for row in rows}


def flexible_enrol(
    *, actor: Account | None, person: Person, start_month: dt.date | None = None, channel: str = Channel.HALL
) -> list[InsuredStatus]:
    """灵活就业人员参保登记: pension and medical insured from the enrolment month, no unit.

    No hukou condition (国办发〔2019〕13号). A person employed and insured through a unit
    contributes through the unit, and a retiree's pension contributions have ended: both are
    a clear Conflict. A suspended status (an earlier job ended) becomes active again."""
    _person_authorise(actor)
    since = month_start(start_month or timezone.localdate())
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        if (
            Employment.objects.filter(person=locked, end__isnull=True).exists()
            or InsuredStatus.objects.filter(person=locked, status=Active, unit__isnull=False).exists()
        ):
            raise Conflict(
                "该人员已在用人单位参保缴费，不能以灵活就业人员身份登记；须先由单位办理减员",
                "This person is insured through an employer; the employer must remove them first",
                field="id_number",
            )
        current = _load_statuses(locked, FLEXIBLE_INSURANCES)
        if any(s.status == Active for s in current.values()):
            raise Conflict("该人员已按灵活就业人员参保", "This person is already enrolled as a flexible worker")
        if current.get("pension") and current["pension"].status == Terminated:
            raise Conflict(
                "该人员养老保险已终止（已退休或已转出），不能参保登记",
                "This person's pension insurance has ended (retired or transferred); no enrolment",
            )
        before = {k: (s.status, s.since) for k, s in current.items()}
        rows = []
        for insurance in FLEXIBLE_INSURANCES:
            row = current.get(insurance)
            if row is None:
                row = InsuredStatus(person=locked, insurance=insurance)
            row.status, row.since, row.unit = Active, since, None
            row.save()
            rows.append(row)
        if locked.category != Person.Category.FLEXIBLE:
            locked.category = Person.Category.FLEXIBLE
            locked.save(update_fields=["category"])
        _audit(
            actor=actor,
            action="person.flexible_enrol",
            subject_type="person",
            subject_id=locked.pk,
            subject_person=locked.id_number,
            before=before,
            after={"insurances": list(FLEXIBLE_INSURANCES), "since": since},
            channel=channel,
        )
    return rows


def flexible_stop(
    *, actor: Account | None, person: Person, last_month: dt.date, reason: str = "", channel: str = Channel.HALL
) -> list[InsuredStatus]:
    """灵活就业人员停保: the flexible statuses are suspended from the month after the last one
    paid; the years paid are kept and counted."""
    _person_authorise(actor)
    with transaction.atomic():
        rows = [
            s for s in _load_statuses(person, FLEXIBLE_INSURANCES).values() if s.status == Active and s.unit_id is None
        ]
        if not rows:
            raise Conflict(
                "该人员没有以灵活就业人员身份参保缴费", "This person is not contributing as a flexible worker"
            )
        since = month_add(last_month, 1)
        for row in rows:
            row.status, row.since = Suspended, since
            row.save(update_fields=["status", "since", "updated_at"])
        _audit(
            actor=actor,
            action="person.flexible_stop",
            subject_type="person",
            subject_id=person.pk,
            subject_person=person.id_number,
            after={"insurances": [r.insurance for r in rows], "since": since, "reason": reason},
            channel=channel,
        )
    return rows


def status_resume(
    *,
    actor: Account | None,
    person: Person,
    since: dt.date | None = None,
    insurances: Sequence[str] = FLEXIBLE_INSURANCES,
    channel: str = Channel.HALL,
) -> list[InsuredStatus]:
    """续保: suspended (中断) statuses become active again as a flexible worker from ``since``'s
    month; the years before are kept (缴费年限累计计算). Only suspended statuses resume."""
    _person_authorise(actor)
    first = month_start(since or timezone.localdate())
    with transaction.atomic():
        if Employment.objects.filter(person=person, end__isnull=True).exists():
            raise Conflict(
                "该人员已在用人单位就业，由单位办理增员参保", "This person is employed; the employer enrols them"
            )
        current = _load_statuses(person, insurances)
        rows = [s for s in current.values() if s.status == Suspended]
        if not rows:
            raise Conflict("该人员没有中断缴费的险种，无需续保", "Nothing is suspended; there is nothing to resume")
        before = {s.insurance: (s.status, s.since) for s in rows}
        for row in rows:
            if first < row.since:
                raise InvalidInput(
                    f"续保月份不能早于中断月份 {row.since:%Y-%m}",
                    f"The resumption month cannot precede the interruption ({row.since:%Y-%m})",
                    field="start_month",
                )
            row.status, row.since, row.unit = Active, first, None
            row.save(update_fields=["status", "since", "unit", "updated_at"])
        if person.category != Person.Category.FLEXIBLE:
            Person.objects.filter(pk=person.pk).update(category=Person.Category.FLEXIBLE)
        _audit(
            actor=actor,
            action="person.resume",
            subject_type="person",
            subject_id=person.pk,
            subject_person=person.id_number,
            before=before,
            after={"insurances": [r.insurance for r in rows], "since": first},
            channel=channel,
        )
    return rows


def person_retire(
    *, actor: Account | None, person: Person, retirement_month: dt.date, channel: str = Channel.HALL
) -> Person:
    """退休: the person becomes a retiree from ``retirement_month``. Their pension insurance ends
    (终止, since that month: a retiree contributes no more, 社会保险法第十六条), any open
    employment ends on the last day of the month before, and the insurances held through a unit
    or as a flexible worker other than medical end with it; medical insurance stays as it is
    (a retiree with enough years keeps it without contributions — the medical app decides).
    Called by the pension app when the retirement case completes, in its transaction."""
    _person_authorise(actor)
    first = month_start(retirement_month)
    last_day = first - dt.timedelta(days=1)
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        if locked.category == Person.Category.RETIREE:
            raise Conflict("该人员已办理退休", "This person has already retired")
        before = {"category": locked.category}
        ended = 0
        for employment in Employment.objects.select_for_update().filter(person=locked, end__isnull=True):
            employment.end = max(last_day, employment.start)
            employment.save(update_fields=["end"])
            ended += 1
        statuses = _load_statuses(locked, ("pension", "unemployment", "injury", "maternity"))
        for row in statuses.values():
            if row.status != Terminated:
                row.status, row.since = Terminated, first
                row.save(update_fields=["status", "since", "updated_at"])
        if "pension" not in statuses:
            InsuredStatus.objects.create(person=locked, insurance="pension", status=Terminated, since=first)
        locked.category = Person.Category.RETIREE
        locked.save(update_fields=["category"])
        _audit(
            actor=actor,
            action="person.retire",
            subject_type="person",
            subject_id=locked.pk,
            subject_person=locked.id_number,
            before=before,
            after={"category": Person.Category.RETIREE, "since": first, "employments_ended": ended},
            channel=channel,
        )
    person.category = Person.Category.RETIREE
    return locked


def pension_transfer_out(
    *, actor: Account | None, person: Person, last_month: dt.date, to_agency: str, channel: str = Channel.SYSTEM
) -> InsuredStatus:
    """养老保险关系转出 (国办发〔2009〕66号第八条): the pension relationship here ends (终止) from
    the month after ``last_month``, the last month contributed here; the years contributed are
    carried to the new place with the information form, never lost. Called by the pension
    transfers app in the transfer-out command's transaction (``actor`` None: the approval's
    engine step already checked who acted)."""
    if actor is not None:
        _person_authorise(actor)
    since = month_add(month_start(last_month), 1)
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        row = _load_statuses(locked, ("pension",)).get("pension")
        before = {"status": row.status, "since": row.since} if row else None
        if row is None:
            row = InsuredStatus.objects.create(person=locked, insurance="pension", status=Terminated, since=since)
        elif row.status != Terminated:
            row.status, row.since, row.unit = Terminated, since, None
            row.save(update_fields=["status", "since", "unit", "updated_at"])
        _audit(
            actor=actor,
            action="person.transfer_out",
            subject_type="person",
            subject_id=locked.pk,
            subject_person=locked.id_number,
            before=before,
            after={"status": Terminated, "since": since, "to_agency": to_agency},
            channel=channel,
        )
    return row
