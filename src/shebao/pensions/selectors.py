"""Reads of a retiree's pension, always scoped by the actor: the one view every channel shows
(the retiree's page, the app's ``GET /api/v1/my/pension``, the PDFs, the staff look-up at a
community window, a district office or the 12333 hotline), so they agree to the fen.

Who sees what:

- the insured person: their own pension, whole;
- counter staff, the hotline and district monitors: persons of their office's district (the
  registry's ``persons_visible``; a city-level office sees everyone), whole — each look-up is
  an audit event (``pension.view``) besides the registry's ``person.view``;
- a bank agent: card services only (ARCHITECTURE.md, Security). Asked by ID number alone they
  see whether a pension is paid into a card, and which card by its last four digits, so they
  can tell a retiree at the outlet that the card they hold is the one the pension goes to, or
  that it must be changed at a district office (YL-012): :func:`pension_card_status`. When the
  retiree presents that very card (its whole number typed or read at the counter), the outlet
  shows the retiree the same pension view as every other channel (issue 11: "query their
  pension information near home … at a bank outlet"): :func:`pension_for_card_holder`;
  audited;
- anyone else (a unit operator, another citizen): ``NotFound``, exactly as a person who does
  not exist.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum

from shebao.core import audit
from shebao.core.access import PersonGrant
from shebao.core.channels import Channel
from shebao.core.errors import NotFound
from shebao.core.identifiers import bank_card_validate, id_number_validate, mask_id_number
from shebao.core.models import Account, Role
from shebao.core.money import round_fen
from shebao.pensions.models import (
    BenefitEvent,
    PensionDetermination,
    PensionPayment,
    PensionProfile,
    RetirementCertificate,
)
from shebao.pensions.rules.formula import pension_compute
from shebao.registry.models import Person
from shebao.registry.selectors import person_self, persons_visible

# The derivation lines that come from the person's record (pension_inputs_for), kept as stored.
RECORD_KEYS = frozenset(
    {"actual_months", "deemed_months", "contribution_months", "average_index", "account_balance"}
    | {"account_opening", "account_credited", "account_interest"}  # the balance at retirement, step by step
)
RECENT_PAYMENTS = 24  # months shown on the page and in the API; the statement prints 12
COMPONENTS = (
    ("basic_pension", "基础养老金", "Basic pension"),
    ("account_pension", "个人账户养老金", "Personal-account pension"),
    ("transition_pension", "过渡性养老金", "Transition pension"),
)


def _not_found() -> NotFound:
    return NotFound("未找到该参保人的养老待遇", "No pension record for this person")


@dataclass(frozen=True)
class Component:
    key: str
    label_zh: str
    label_en: str
    amount: Decimal
    formula: str


@dataclass(frozen=True)
class PaymentLine:
    month: dt.date
    kind: str
    kind_label: str
    amount: Decimal
    card_tail: str
    note: str


@dataclass(frozen=True)
class PensionView:
    """What a retiree (or staff who may see them) reads: one source for every channel."""

    person: Person
    profile: PensionProfile | None
    certificate: RetirementCertificate | None
    determination: PensionDetermination | None
    components: tuple[Component, ...]
    derivation: tuple[dict[str, Any], ...]
    payments: tuple[PaymentLine, ...]
    paid_total: Decimal
    events: tuple[BenefitEvent, ...]

    @property
    def monthly(self) -> Decimal | None:
        return self.determination.total if self.determination is not None else None

    @property
    def status_label(self) -> str:
        return self.profile.get_status_display() if self.profile is not None else "未退休 / Not retired"


def card_tail(card: str) -> str:
    return f"****{card[-4:]}" if card else ""


def derivation_of(determination: PensionDetermination) -> tuple[dict[str, Any], ...]:
    """The lines a retiree follows: the record's lines as stored (months, index, balance: what
    the person's record said at determination), then the formula's lines replayed from the
    stored inputs and params — so they match the stored figures after a bulk recompute too."""
    from shebao.pensions.services.determination import inputs_from_json, params_from_json

    record: list[dict[str, Any]] = []
    seen: set[str] = set()
    for line in determination.derivation:  # the record's lines, each key once (the first: the record's)
        if line["key"] in RECORD_KEYS and line["key"] not in seen:
            record.append(line)
            seen.add(line["key"])
    result = pension_compute(
        inputs=inputs_from_json(determination.inputs), params=params_from_json(determination.params)
    )
    return (*record, *(line.as_dict() for line in result.derivation if line.key not in seen))


def _components(
    determination: PensionDetermination | None, derivation: tuple[dict[str, Any], ...]
) -> tuple[Component, ...]:
    if determination is None:
        return ()
    formulas = {line["key"]: line["formula"] for line in derivation}
    return tuple(
        Component(key, zh, en, getattr(determination, key), formulas.get(key, "")) for key, zh, en in COMPONENTS
    )


def _build(person: Person) -> PensionView:
    profile = PensionProfile.objects.filter(person=person).first()
    certificate = RetirementCertificate.objects.filter(person=person).first()
    determination = PensionDetermination.objects.filter(
        person=person, status=PensionDetermination.Status.APPROVED
    ).first()
    rows = PensionPayment.objects.filter(person=person).order_by("-month", "-id")[:RECENT_PAYMENTS]
    payments = tuple(
        PaymentLine(p.month, p.kind, p.get_kind_display(), p.amount, card_tail(p.bank_card), p.note) for p in rows
    )
    paid = round_fen(PensionPayment.objects.filter(person=person).aggregate(s=Sum("amount"))["s"] or Decimal("0.00"))
    events = tuple(BenefitEvent.objects.filter(person=person).order_by("-on", "-id")[:20])
    derivation = derivation_of(determination) if determination is not None else ()
    return PensionView(
        person=person,
        profile=profile,
        certificate=certificate,
        determination=determination,
        components=_components(determination, derivation),
        derivation=derivation,
        payments=payments,
        paid_total=paid,
        events=events,
    )


def _record(actor: Account, person: Person, channel: str) -> None:
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="pension.view",
            subject_type="registry.Person",
            subject_id=person.pk,
            subject_person=person.id_number,
            channel=channel,
        )


def pension_of_mine(*, actor: Account) -> PensionView:
    """The signed-in insured person's own pension (``NotFound`` for any other kind of account
    or a citizen without a registry record)."""
    if actor.kind != Account.Kind.CITIZEN or actor.role != Role.CITIZEN:
        raise _not_found()
    try:  # themselves, or the grantor while acting (the authorisation checked on this read)
        person = person_self(actor=actor, channel=Channel.ONLINE)
    except NotFound:
        raise _not_found() from None
    return _build(person)


def pension_for_staff(*, actor: Account, id_number: str, channel: str, grant: PersonGrant | None = None) -> PensionView:
    """A person's pension for counter staff, the hotline or a district monitor, within their
    district (or the one person of a ``grant``: ``core.access``); audited. The bank agent and
    every other actor: ``NotFound``."""
    number = id_number_validate(id_number, field="id_number").number
    if actor.kind != Account.Kind.STAFF or actor.role == Role.BANK_AGENT:
        raise _not_found()
    person = persons_visible(actor=actor, grant=grant).select_related("district").filter(id_number=number).first()
    if person is None:
        raise _not_found()
    _record(actor, person, channel)
    return _build(person)


@dataclass(frozen=True)
class CardStatus:
    """What a bank outlet may know (card services only): no amounts."""

    name_masked: str
    id_masked: str
    paid_into_card: bool
    card_tail: str
    since: dt.date | None


def pension_card_status(*, actor: Account, id_number: str, channel: str = "bank") -> CardStatus:
    """For a bank agent at an outlet: is a pension paid into a card, and which (last four
    digits). Anyone may be asked about (the retiree stands at the counter with their ID card);
    nothing else is answered; audited."""
    number = id_number_validate(id_number, field="id_number").number
    if actor.kind != Account.Kind.STAFF or actor.role != Role.BANK_AGENT:
        raise _not_found()
    person = Person.objects.filter(id_number=number).first()
    profile = PensionProfile.objects.filter(person=person).first() if person is not None else None
    if person is None or profile is None or profile.status == PensionProfile.Status.PENDING:
        raise _not_found()
    _record(actor, person, channel)
    paying = profile.status == PensionProfile.Status.PAYING and bool(profile.bank_card)
    return CardStatus(
        name_masked=person.name[:1] + "*" * max(1, len(person.name) - 1),
        id_masked=mask_id_number(person.id_number),
        paid_into_card=paying,
        card_tail=card_tail(profile.bank_card) if paying else "",
        since=profile.bank_card_since if paying else None,
    )


def pension_for_card_holder(*, actor: Account, id_number: str, card_number: str, channel: str = "bank") -> PensionView:
    """At a bank outlet, for the retiree who presents the social-security card their pension is
    paid into: the same view as every channel (a card service: the card is the pension's
    account). A card that is not the pension's, a person without a pension, anyone but a bank
    agent: ``NotFound``, alike, and nothing recorded; a match is audited (``pension.view``)."""
    number = id_number_validate(id_number, field="id_number").number
    card = bank_card_validate(card_number, field="card_number")
    if actor.kind != Account.Kind.STAFF or actor.role != Role.BANK_AGENT:
        raise _not_found()
    person = Person.objects.select_related("district").filter(id_number=number).first()
    profile = PensionProfile.objects.filter(person=person).first() if person is not None else None
    if person is None or profile is None or not profile.bank_card or profile.bank_card != card:
        raise _not_found()
    _record(actor, person, channel)
    return _build(person)
