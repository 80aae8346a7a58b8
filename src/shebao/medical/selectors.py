"""Reads of medical insurance, scoped by the actor: a person sees their own reimbursements and
filings; staff see a reimbursement when they may see its case (the case engine's rule)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from django.db.models import QuerySet
from django.utils import timezone

from shebao.cases import selectors as case_selectors
from shebao.contributions.selectors import MedicalMonth
from shebao.core.access import PersonGrant
from shebao.core.channels import Channel
from shebao.core.errors import NotFound
from shebao.core.http import citizen_id_number
from shebao.core.models import Account
from shebao.medical.account import (
    AccountYear,
    Holder,
    MedicalAccount,
    account_compute,
    account_year_compute,
    account_years_compute,
)
from shebao.medical.models import CareAuthorisation, Hospital, Reimbursement
from shebao.registry.models import Person
from shebao.registry.selectors import person_find_by_id_number, person_is_self, person_self, persons_visible


def reimbursement_get(*, actor: Account, case_number: str) -> Reimbursement:
    case_selectors.case_get(actor=actor, number=case_number)  # not visible and not there look alike
    row = Reimbursement.objects.select_related("hospital", "payment").filter(case_number=case_number).first()
    if row is None:
        raise NotFound("尚未核定", "Not assessed yet")
    return row


def reimbursements_mine(*, actor: Account) -> QuerySet[Reimbursement]:
    number = citizen_id_number(actor) if actor.kind == Account.Kind.CITIZEN else ""  # the grantor's while acting
    if not number:
        return Reimbursement.objects.none()
    return Reimbursement.objects.select_related("payment").filter(id_number=number)


def authorisations_mine(*, actor: Account) -> QuerySet[CareAuthorisation]:
    number = citizen_id_number(actor) if actor.kind == Account.Kind.CITIZEN else ""  # the grantor's while acting
    if not number:
        return CareAuthorisation.objects.none()
    return CareAuthorisation.objects.filter(id_number=number)


def hospitals_list() -> QuerySet[Hospital]:
    """The register is public (which hospitals are designated, and their level)."""
    return Hospital.objects.all()


def _may_see_account(*, actor: Account, person: Person, grant: PersonGrant | None = None) -> bool:
    if actor.kind == Account.Kind.CITIZEN:
        return person_is_self(actor=actor, person=person)  # themselves, or the grantor while acting
    if actor.kind != Account.Kind.STAFF:
        return False  # a unit, a bank agent: not a person's medical account
    return persons_visible(actor=actor, grant=grant).filter(pk=person.pk).exists()


def _may_see_accounts(*, actor: Account, persons: Sequence[Person]) -> bool:
    """:func:`_may_see_account` for every person of a chunk, in one query for staff."""
    if actor.kind == Account.Kind.CITIZEN:
        return all(person_is_self(actor=actor, person=person) for person in persons)
    if actor.kind != Account.Kind.STAFF:
        return False
    ids = {person.pk for person in persons}
    return persons_visible(actor=actor).filter(pk__in=ids).count() == len(ids)


def medical_account_year(
    *, person: Person, actor: Account, year: int, as_of: dt.date, grant: PersonGrant | None = None
) -> AccountYear:
    """YB-005 for the annual rights statement: ``person``'s medical personal account over ``year``
    (the balance at the previous year's end, the year's credits and debits, the months credited
    and the balance on ``as_of``, the year's end or a day in it for this year), from the same
    entries :func:`medical_account_for` lists on that day. Who may: as :func:`medical_account_for`,
    and the holder of a ``grant`` for this person (``core.access``: the window print, 通办)."""
    if not _may_see_account(actor=actor, person=person, grant=grant):
        raise NotFound("未找到该参保人", "No such insured person")
    return account_year_compute(
        person_id=person.pk,
        id_number=person.id_number,
        retired=person.category == Person.Category.RETIREE,
        year=year,
        as_of=as_of,
    )


def medical_account_years(
    *,
    persons: Sequence[Person],
    actor: Account,
    year: int,
    as_of: dt.date,
    months_of: Mapping[int, Sequence[MedicalMonth]],
) -> dict[int, AccountYear]:
    """:func:`medical_account_year` of many persons at once (the mailing run's chunk), by person
    id, equal to it person by person: a fixed number of queries per chunk. ``months_of``: each
    person's medical months paid or transferred in, oldest first, as
    ``contributions.selectors.medical_paid_months`` gives them, from the caller's own ledger read
    of the chunk (the corrected figures as recorded will do: a month whose base correction's
    difference is open is put back at what was paid here, as that selector does). ``NotFound``
    unless the actor may see every one of them."""
    if not _may_see_accounts(actor=actor, persons=persons):
        raise NotFound("未找到该参保人", "No such insured person")
    holders = [Holder(p.pk, p.id_number, p.category == Person.Category.RETIREE) for p in persons]
    return account_years_compute(holders=holders, months_of=months_of, year=year, as_of=as_of)


def medical_account_for(*, person: Person, actor: Account, as_of: dt.date | None = None) -> MedicalAccount:
    """YB-005: ``person``'s medical personal account on ``as_of`` (today in Shanghai by
    default) — what every channel shows (the page, the API, the window, a kiosk or the app).
    The person themself, or staff who may see the person (a district's staff: their district's
    people); anyone else ``NotFound``, as if there were no such person."""
    if not _may_see_account(actor=actor, person=person):
        raise NotFound("未找到该参保人", "No such insured person")
    return account_compute(
        person_id=person.pk,
        id_number=person.id_number,
        name=person.name,
        retired=person.category == Person.Category.RETIREE,
        as_of=as_of or timezone.localdate(),
    )


def medical_account_mine(*, actor: Account, as_of: dt.date | None = None) -> MedicalAccount:
    """The signed-in person's own account; ``NotFound`` for an account with no insured person."""
    if actor.kind != Account.Kind.CITIZEN:
        raise NotFound("未找到您的参保记录", "No insured record for this account")
    person = person_self(actor=actor, channel=Channel.ONLINE)  # the grantor's while acting
    return medical_account_for(person=person, actor=actor, as_of=as_of)


def medical_account_lookup(*, actor: Account, id_number: str, channel: str) -> MedicalAccount:
    """The window's lookup by ID number (staff; audited as a person view by the registry)."""
    if actor.kind != Account.Kind.STAFF:
        raise NotFound("未找到该参保人", "No such insured person")
    person = person_find_by_id_number(actor=actor, id_number=id_number, channel=channel)
    return medical_account_for(person=person, actor=actor)
