"""Reads of the registry, always scoped by the actor.

``person_get`` and ``person_find_by_id_number`` are the only ways to load a person for
display. Who may see whom (ARCHITECTURE.md, Security):

- a citizen: only the person linked to their own account — or, while acting for another person
  (代办: ``Account.acting_for`` set from the session by :func:`shebao.core.http.signed_in`),
  only that person, and only while an authorisation holds today (:func:`authorisation_holds`,
  checked on every read, so an expired or revoked one sees nobody from the next request on);
- a unit operator: only persons their unit employs or once employed;
- clerk, reviewer, approver, supervisor, hotline, monitor_district: persons of their office's
  district (``Office.area.district``); an office whose area is the city sees everyone;
- monitor_city and admin: everyone;
- bank_agent: nobody (card services only), and any other actor nobody;
- and, past these, the one person of a :class:`~shebao.core.access.PersonGrant` passed as
  ``grant=`` (the window print of another district's person, 通办), for the account it was
  issued to only (:func:`~shebao.core.access.grant_opens`).

A person outside the actor's sight raises :class:`~shebao.core.errors.NotFound`, exactly as a
person who does not exist, so a probe learns nothing. Every successful read appends one audit
event (``person.view``) in its own transaction: viewing a record is an event too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from shebao.core import audit
from shebao.core.access import PersonGrant, grant_opens
from shebao.core.errors import NotAllowed, NotFound
from shebao.core.identifiers import id_number_validate
from shebao.core.models import Account, Area, Role
from shebao.registry.models import Authorisation, Employment, Person, Unit

# Staff whose sight is their office's district (or the whole city for a city-level office).
DISTRICT_SCOPED_ROLES = frozenset(
    {Role.CLERK, Role.REVIEWER, Role.APPROVER, Role.SUPERVISOR, Role.HOTLINE, Role.MONITOR_DISTRICT}
)
CITY_WIDE_ROLES = frozenset({Role.MONITOR_CITY, Role.ADMIN})
# Only a window clerk may show a full ID number to the person in front of them.
REVEAL_ROLES = frozenset({Role.CLERK})


def _not_found() -> NotFound:
    return NotFound("未找到该参保人", "No such insured person")


def persons_visible(*, actor: Account, grant: PersonGrant | None = None) -> QuerySet[Person]:
    """The persons ``actor`` may see, as a queryset (empty when they may see none); with a
    ``grant`` that opens its person to ``actor``, that one person besides."""
    visible = _persons_in_sight(actor)
    if grant is not None and grant_opens(grant, actor=actor, person_id=grant.person_id):
        return visible | Person.objects.filter(pk=grant.person_id)
    return visible


def _persons_in_sight(actor: Account) -> QuerySet[Person]:
    none = Person.objects.none()
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return none
    kind, role = actor.kind, actor.role
    if kind == Account.Kind.CITIZEN and role == Role.CITIZEN:
        acting = acting_for(actor)
        if acting is not None:
            holds = authorisation_holds(grantor_id=acting, agent_account=actor, on=timezone.localdate())
            return Person.objects.filter(pk=acting) if holds is not None else none
        return Person.objects.filter(account_id=actor.pk)
    if kind == Account.Kind.UNIT and role == Role.UNIT:
        if not actor.unit_code:
            return none
        employed = Employment.objects.filter(unit__credit_code=actor.unit_code).values("person_id")
        return Person.objects.filter(pk__in=employed)
    if kind != Account.Kind.STAFF or actor.office_id is None:
        return none
    if role in CITY_WIDE_ROLES:
        return Person.objects.all()
    if role in DISTRICT_SCOPED_ROLES:
        assert actor.office is not None  # office_id was checked above
        area = actor.office.area
        if area.kind == Area.Kind.CITY:
            return Person.objects.all()
        if area.district_id is None:
            return none
        return Person.objects.filter(district_id=area.district_id)
    return none  # bank_agent and any role not named above


# --- 代办: a family member acting for a person -------------------------------------------


def acting_for(actor: Account) -> int | None:
    """The person ``actor`` is acting for in this request (their id), or None when acting for
    themselves. Only a citizen acts for someone; the attribute is the session's, set by
    :func:`shebao.core.http.signed_in`."""
    value = getattr(actor, "acting_for", None)
    return int(value) if value else None


def authorisation_holds(
    *, grantor_id: int, agent_account: Account, on: dt.date, scope: str | None = None
) -> Authorisation | None:
    """The authorisation that lets ``agent_account``'s person act for ``grantor_id`` on ``on``
    (with ``scope`` HANDLE when given: a view-only one does not let the agent act), or None:
    not revoked, ``valid_from`` ≤ ``on`` ≤ ``valid_to``."""
    rows = Authorisation.objects.filter(
        grantor_id=grantor_id,
        agent__account_id=agent_account.pk,
        revoked_at__isnull=True,
        valid_from__lte=on,
        valid_to__gte=on,
    )
    if scope == Authorisation.Scope.HANDLE:
        rows = rows.filter(scope=Authorisation.Scope.HANDLE)
    return rows.order_by("-valid_to", "-id").first()


def person_is_self(*, actor: Account, person: Person) -> bool:
    """Whether ``person`` is the one a citizen's own pages are about: themselves, or — while
    acting and an authorisation holds today — the grantor (and then not themselves)."""
    if actor is None or not actor.is_authenticated or actor.kind != Account.Kind.CITIZEN:
        return False
    acting = acting_for(actor)
    if acting is None:
        return person.account_id is not None and person.account_id == actor.pk
    return acting == person.pk and persons_visible(actor=actor).filter(pk=person.pk).exists()


def acting_grantor(actor: Account, grantor_id: int) -> tuple[str, str] | None:
    """For :func:`shebao.core.http.signed_in`, on every request made while acting: the
    grantor's (ID number, name) while an authorisation lets ``actor`` act for them today, else
    None (the acting then ends)."""
    row = authorisation_holds(grantor_id=grantor_id, agent_account=actor, on=timezone.localdate())
    if row is None:
        return None
    grantor = Person.objects.filter(pk=grantor_id).values_list("id_number", "name").first()
    return (grantor[0], grantor[1]) if grantor else None


def person_self(*, actor: Account, channel: str) -> Person:
    """The person whose records a signed-in citizen's own pages show: themselves, or the person
    they act for. An authorisation that no longer holds is refused (403), not shown as empty;
    a citizen with no registry record gets :class:`NotFound`. Audited as ``person.view``."""
    acting = acting_for(actor)
    if (
        acting is not None
        and authorisation_holds(grantor_id=acting, agent_account=actor, on=timezone.localdate()) is None
    ):
        raise NotAllowed(
            "代办授权已过期或已撤销，不能再代为办理",
            "The authorisation has expired or was revoked: you can no longer act",
        )
    person = _load(actor=actor, pk=acting) if acting is not None else _load(actor=actor, account_id=actor.pk)
    _record_view(actor=actor, person=person, channel=channel)
    return person


def authorisations_held(*, actor: Account, on: dt.date) -> list[Authorisation]:
    """The authorisations that let ``actor`` act for someone on ``on`` (for the switch page)."""
    if actor.kind != Account.Kind.CITIZEN:
        return []
    return list(
        Authorisation.objects.filter(
            agent__account_id=actor.pk, revoked_at__isnull=True, valid_from__lte=on, valid_to__gte=on
        )
        .select_related("grantor")
        .order_by("grantor__name", "id")
    )


def authorisations_of_grantor(*, actor: Account) -> list[Authorisation]:
    """Every authorisation the citizen ``actor`` gave (current, past and revoked), newest first."""
    if actor.kind != Account.Kind.CITIZEN or acting_for(actor) is not None:
        return []
    return list(
        Authorisation.objects.filter(grantor__account_id=actor.pk)
        .select_related("agent")
        .order_by("-recorded_at", "-id")
    )


def _record_view(*, actor: Account, person: Person, channel: str, action: str = "person.view") -> None:
    with transaction.atomic():
        audit.record(
            actor=actor,
            action=action,
            subject_type="person",
            subject_id=person.pk,
            subject_person=person.id_number,
            channel=channel,
        )


def _load(*, actor: Account, grant: PersonGrant | None = None, **lookup: object) -> Person:
    try:
        return persons_visible(actor=actor, grant=grant).select_related("district", "account").get(**lookup)
    except Person.DoesNotExist:
        raise _not_found() from None


def person_get(*, actor: Account, person_id: int, channel: str) -> Person:
    """Load one person for display, if ``actor`` may see them; audited as ``person.view``."""
    person = _load(actor=actor, pk=person_id)
    _record_view(actor=actor, person=person, channel=channel)
    return person


def person_find_by_id_number(
    *, actor: Account, id_number: str, channel: str, grant: PersonGrant | None = None
) -> Person:
    """Find a person by resident ID number under the rules of :func:`person_get` (and of a
    ``grant``: :func:`persons_visible`).

    The number is validated first (``InvalidIdNumber`` with its clear message); a valid
    number that is not registered, or not visible to ``actor``, is ``NotFound``.
    """
    number = id_number_validate(id_number).number
    person = _load(actor=actor, grant=grant, id_number=number)
    _record_view(actor=actor, person=person, channel=channel)
    return person


def person_reveal_id_number(*, actor: Account, person_id: int, channel: str) -> Person:
    """A window clerk shows the full ID number to the person at the window.

    The person must be visible to the clerk (else ``NotFound``); other roles get
    ``NotAllowed``. Audited as ``person.reveal_id``.
    """
    person = _load(actor=actor, pk=person_id)
    if actor.kind != Account.Kind.STAFF or actor.role not in REVEAL_ROLES:
        raise NotAllowed(
            "只有窗口经办员可以查看完整的身份证号码",
            "Only a window clerk may see the full ID number",
        )
    _record_view(actor=actor, person=person, channel=channel, action="person.reveal_id")
    return person


def person_shows_full_id(*, actor: Account, person: Person) -> bool:
    """The person themself sees their own number in full; everyone else sees it masked."""
    return person.account_id is not None and person.account_id == actor.pk


def person_employments(*, actor: Account, person: Person) -> list[Employment]:
    """The employment history shown on a person page the actor was allowed to open.

    A unit operator sees only their own unit's employment of the person, never the person's
    other employers; staff and the person themself see the whole history.
    """
    rows = Employment.objects.filter(person=person).select_related("unit").order_by("-start", "-id")
    if actor.kind == Account.Kind.UNIT:
        rows = rows.filter(unit__credit_code=actor.unit_code or "")
    return list(rows)


def employments_of_persons(*, actor: Account, persons: Sequence[Person]) -> dict[int, list[Employment]]:
    """:func:`person_employments` for many persons in one query (a bulk job's chunk), each list
    in the same order and with the same unit-operator restriction."""
    found: dict[int, list[Employment]] = {person.pk: [] for person in persons}
    rows = Employment.objects.filter(person_id__in=list(found)).select_related("unit").order_by("-start", "-id")
    if actor.kind == Account.Kind.UNIT:
        rows = rows.filter(unit__credit_code=actor.unit_code or "")
    for row in rows:
        found[row.person_id].append(row)
    return found


def account_sign_in_mobile(*, account: Account) -> str:
    """The number an account's sign-in code goes to (the web's and the app's SMS step): the
    account's own, else its person's record's; empty when neither has one."""
    if account.phone:
        return account.phone
    person = getattr(account, "person", None)  # the record's one-to-one back to the account
    return str(getattr(person, "phone", "") or "")


def unit_get_own(*, actor: Account) -> Unit:
    """The unit a unit operator acts for (``Account.unit_code`` = ``Unit.credit_code``)."""
    if actor.kind != Account.Kind.UNIT or not actor.unit_code:
        raise NotFound("未找到本单位", "No such unit")
    try:
        return Unit.objects.select_related("district").get(credit_code=actor.unit_code)
    except Unit.DoesNotExist:
        raise NotFound("未找到本单位的参保登记", "This unit is not registered") from None


def unit_staff_list(*, actor: Account, unit: Unit) -> QuerySet[Employment]:
    """The unit's current staff (employment without an end), for its own operator only."""
    if actor.kind != Account.Kind.UNIT or actor.unit_code != unit.credit_code:
        raise NotFound("未找到本单位", "No such unit")
    return (
        Employment.objects.filter(unit=unit, end__isnull=True)
        .select_related("person")
        .only("id", "start", "end", "unit_id", "person__id", "person__name", "person__id_number", "person__category")
        .order_by("person__name", "id")
    )


def unit_employment_get(*, actor: Account, unit: Unit, employment_id: int) -> Employment:
    """One current employment of the operator's own unit (for the removal form)."""
    try:
        return unit_staff_list(actor=actor, unit=unit).get(pk=employment_id)
    except Employment.DoesNotExist:
        raise NotFound("该人员不是本单位在职参保职工", "This person is not on the unit's staff") from None
