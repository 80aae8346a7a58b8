"""Eligibility checks (受理条件): what the form and the records allow, checked at the window.

A domain app declares, for its items, checks that run when a case is opened (收件) and again
when it is accepted (受理) — so an application that can only be refused is refused at receipt,
with its reason, not by the approver after two people have worked on it. The engine imports no
domain app: each registers its checks, and the registry registers the reader of a person's
facts the checks may use, in its ``AppConfig.ready()`` (as it registers the applicant resolver).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from shebao.core.registry import HookRegistry, Registry

Stage = Literal["receipt", "acceptance"]


@dataclass(frozen=True)
class OpenEmployment:
    unit_code: str
    unit_name: str
    start: dt.date


@dataclass(frozen=True)
class PersonFacts:
    """What the registry holds on a person that checks at the window may read."""

    id_number: str
    name: str
    birth_date: dt.date
    open_employments: tuple[OpenEmployment, ...] = ()


@dataclass(frozen=True)
class Eligibility:
    """What a check sees: the item, the cleaned form, whom it is about and their records (None:
    not registered), whether the case is being received or accepted, and the channel it came
    through (hall, online, app, community…; "" when the caller does not say)."""

    item_code: str
    form: Mapping[str, Any]
    applicant_id_number: str
    stage: Stage
    person: PersonFacts | None
    channel: str = ""


class Check(Protocol):
    """Raises a ShebaoError (InvalidInput, Conflict) with the reason the applicant is told."""

    def __call__(self, facts: Eligibility, /) -> None: ...


PersonReader = Callable[[str], PersonFacts | None]

# item code -> its checks, in the order the apps registered them
checks = HookRegistry[str, Check]("eligibility checks")
# "person" -> the registry's reader of a person's facts by ID number
readers = Registry[str, PersonReader]("eligibility readers")
PERSON = "person"


def register_check(item_code: str, check: Check) -> None:
    """Declare ``check`` for ``item_code`` (called from a domain app's ``AppConfig.ready()``)."""
    checks.register(item_code, check)


def register_person_reader(reader: PersonReader) -> None:
    """The registry's reader of a person's facts by ID number."""
    readers.register(PERSON, reader)


def eligibility_check(
    *, item_code: str, form: Mapping[str, Any], applicant_id_number: str, stage: Stage, channel: str = ""
) -> None:
    """Run the item's declared checks; the first refusal raises. The person's records are read
    only when the item has checks."""
    declared = checks.get(item_code)
    if not declared:
        return
    reader = readers.find(PERSON)
    person = reader(applicant_id_number) if reader is not None else None
    facts = Eligibility(
        item_code=item_code,
        form=form,
        applicant_id_number=applicant_id_number,
        stage=stage,
        person=person,
        channel=channel,
    )
    for check in declared:
        check(facts)
