"""The registry's answer to the engine's question "who is this applicant?"."""

from __future__ import annotations

from shebao.catalog.definitions import Applicant
from shebao.registry.models import Person


def resolve(id_number: str) -> Applicant | None:
    person = Person.objects.select_related("district", "account").filter(id_number=id_number).first()
    if person is None:
        return None
    return Applicant(id_number=person.id_number, name=person.name, district=person.district, account=person.account)
