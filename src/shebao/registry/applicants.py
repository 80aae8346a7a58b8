"""The registry's answers to the engine's questions: who is this applicant, does this unit employ
them, and may this filer see them at all (:func:`visible_to`)."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from shebao.catalog.definitions import Applicant
from shebao.core.models import Account
from shebao.registry.models import Employment, Person
from shebao.registry.selectors import persons_visible


def resolve(id_number: str) -> Applicant | None:
    person = Person.objects.select_related("district", "account").filter(id_number=id_number).first()
    if person is None:
        return None
    return Applicant(id_number=person.id_number, name=person.name, district=person.district, account=person.account)


def unit_employs(unit_code: str, id_number: str, current: bool = False) -> bool:
    """The engine's other question: does this unit employ, or has it employed, this person?
    ``current``: does it employ them today (an employment not ended)?"""
    employments = Employment.objects.filter(unit__credit_code=unit_code, person__id_number=id_number)
    if current:
        employments = employments.filter(Q(end__isnull=True) | Q(end__gte=timezone.localdate()))
    return employments.exists()


def visible_to(actor: Account, id_number: str) -> bool:
    """May ``actor`` see the person with this ID number (``persons_visible``: a clerk their
    district's, a city-level office everyone)? The engine asks before it tells a filer anything
    the registry holds of an applicant."""
    return persons_visible(actor=actor).filter(id_number=id_number).exists()
