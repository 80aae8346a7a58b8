"""The unit's own pages (网上即时办结): an addition or removal made there, or an imported file,
is recorded as the case it is (DJ-011 职工参保登记, DJ-012 职工停保), completed at once, so
that the unit's case list shows it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction

from shebao.cases.models import Case
from shebao.cases.records import Done, cases_record_done
from shebao.catalog.definitions import Applicant
from shebao.core.channels import Channel
from shebao.core.models import Account
from shebao.registry.models import Employment, Person, Unit
from shebao.registry.services.employment import employment_add, employment_end

STAFF_ADD_ITEM, STAFF_END_ITEM = "DJ-011", "DJ-012"


def _done(unit: Unit, person: Person, form: dict[str, Any], result: dict[str, Any]) -> Done:
    return Done(
        applicant=Applicant(id_number=person.id_number, name=person.name, unit_code=unit.credit_code),
        form={"unit_code": unit.credit_code, "id_number": person.id_number, "name": person.name, **form},
        result={"unit": unit.credit_code, **result},
    )


def staff_add_online(
    *, actor: Account, unit: Unit, id_number: str, start: dt.date, name: str, phone: str = ""
) -> tuple[Employment, Case]:
    """增员 on the unit's own page: ``employment_add`` and the DJ-011 case it is, completed at
    once (职工参保登记, 即时办结), in one transaction: the unit's case list shows it."""
    with transaction.atomic():
        employment = employment_add(
            actor=actor, unit=unit, id_number=id_number, start=start, name=name, phone=phone, channel=Channel.ONLINE
        )
        person = employment.person
        form = {"hired_on": start.isoformat(), **({"phone": person.phone} if person.phone else {})}
        [case] = cases_record_done(
            actor=actor,
            item_code=STAFF_ADD_ITEM,
            district=unit.district,
            done=[_done(unit, person, form, {"employment": employment.pk, "start": start.isoformat()})],
        )
    return employment, case


def staff_end_online(
    *, actor: Account, unit: Unit, id_number: str, end: dt.date, reason: str = ""
) -> tuple[Employment, Case]:
    """减员 on the unit's own page: ``employment_end`` and its DJ-012 case (职工停保), completed
    at once, in one transaction."""
    with transaction.atomic():
        employment = employment_end(
            actor=actor, unit=unit, id_number=id_number, end=end, reason=reason, channel=Channel.ONLINE
        )
        form = {"ended_on": end.isoformat(), **({"end_reason": reason} if reason else {})}
        [case] = cases_record_done(
            actor=actor,
            item_code=STAFF_END_ITEM,
            district=unit.district,
            done=[_done(unit, employment.person, form, {"employment": employment.pk, "end": end.isoformat()})],
        )
    return employment, case


def staff_cases_record(
    *, actor: Account, unit: Unit, kind: str, rows: Sequence[tuple[Person, dict[str, Any]]]
) -> list[Case]:
    """The cases of an imported file (批量增员 / 批量减员), one per person, completed at once."""
    item = STAFF_ADD_ITEM if kind == "add" else STAFF_END_ITEM
    return cases_record_done(
        actor=actor,
        item_code=item,
        district=unit.district,
        done=[_done(unit, person, form, {"imported": True}) for person, form in rows],
    )
