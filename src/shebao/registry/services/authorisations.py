"""代办授权: a family member acting for a person (usually elderly) in the online hall.

An authorisation is recorded at a window by a clerk who checked both persons' ID cards, or
granted online by the grantor themselves; it names a scope (view, or view and act), a period of
at most :data:`MAX_YEARS` years, and can be revoked by the grantor, the agent (who gives it
up) or a clerk of the grantor's district. While it holds, the agent may switch to acting for
the grantor (:func:`acting_start`); every read and command then goes through the grantor's
records only (``selectors.persons_visible``), and the audit chain labels the agent's events
"agent for grantor" (``shebao.core.audit``). Once it expires or is revoked, the services refuse
(``selectors.person_self``, ``selectors.authorisation_holds``), whatever the page still shows.

The agent is named by ID number *and* name, checked after everything else, and a number that
is not registered gets the same answer as a name that is not the registered one
(:func:`agent_unmatched`): the form must not tell anyone who is insured, nor under which name.
Only a clerk who sees the agent's record anyway (their district) may name the agent by number
alone.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from shebao.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from shebao.core.identifiers import id_number_validate
from shebao.core.models import Account, Role
from shebao.registry import rules, selectors
from shebao.registry.models import Authorisation, Person
from shebao.registry.services.common import STAFF_WRITERS, _audit
from shebao.registry.services.persons import name_mismatch

MAX_YEARS = 5  # an authorisation is renewed at least every five years


def agent_unmatched() -> InvalidInput:
    """The one refusal for an agent who is not registered and for a name that is not the
    registered one: which of the two it is, and the registered name, are not said."""
    return InvalidInput(
        "代办人姓名与身份证号码不一致或尚未参保登记：请按代办人的居民身份证核对；尚未登记的，请先到窗口登记",
        "The agent's name and ID number do not match a registration: check them against the agent's ID card; "
        "an agent who is not registered registers at a window first",
        field="agent_name",
    )


def _agent(*, actor: Account, grantor: Person, id_number: str, name: str, at_window: bool) -> Person:
    """The agent named by ``id_number`` and ``name``, once the grantor and the terms are
    settled. At the window a clerk who sees the agent's record (same district) may leave the
    name out; everybody else gives it, and an unknown number or a wrong name is one answer."""
    number = id_number_validate(id_number, field="agent_id_number").number
    if number == grantor.id_number:
        raise InvalidInput("不能授权给本人", "A person cannot authorise themselves", field="agent_id_number")
    given = (name or "").strip()
    if at_window:
        seen = selectors.persons_visible(actor=actor).filter(id_number=number).first()
        if seen is not None:
            if given and not rules.person_name_matches(given, seen.name):
                raise name_mismatch("agent_name")  # the clerk may see this record: said plainly
            return seen
    if not given:
        raise InvalidInput(
            "请填写代办人姓名（与居民身份证一致）", "Give the agent's name as on their ID card", field="agent_name"
        )
    agent = Person.objects.filter(id_number=number).first()
    if agent is None or not rules.person_name_matches(given, agent.name):
        raise agent_unmatched()
    return agent


def _check_period(*, valid_from: dt.date, valid_to: dt.date) -> None:
    today = timezone.localdate()
    if valid_to < valid_from:
        raise InvalidInput("截止日期不能早于起始日期", "The end date is before the start date", field="valid_to")
    if valid_to < today:
        raise InvalidInput("截止日期已过", "The end date has passed", field="valid_to")
    try:
        limit = valid_from.replace(year=valid_from.year + MAX_YEARS)
    except ValueError:  # 29 February
        limit = valid_from.replace(year=valid_from.year + MAX_YEARS, day=28)
    if valid_to > limit:
        raise InvalidInput(
            f"授权期限最长 {MAX_YEARS} 年", f"An authorisation lasts at most {MAX_YEARS} years", field="valid_to"
        )


def _check_scope(scope: str) -> None:
    if scope not in Authorisation.Scope.values:
        raise InvalidInput("授权范围应为查询或查询和办理", "The scope is view, or view and act", field="scope")


def _check_terms(*, scope: str, valid_from: dt.date, valid_to: dt.date) -> None:
    """Scope and period: checked before the agent is looked up, so that no answer about the
    agent can be had with terms that would never be granted."""
    _check_scope(scope)
    _check_period(valid_from=valid_from, valid_to=valid_to)


def _check_not_duplicate(*, grantor: Person, agent: Person, scope: str, valid_from: dt.date, valid_to: dt.date) -> None:
    """A grant the same as one already made is refused (409), not recorded twice: the same
    agent, the same scope, not revoked, not yet expired and overlapping the new period. The
    existing row is not extended either: it was granted (perhaps at a window, both ID cards
    checked) for its own period, and a form sent twice must change nothing. To change the end
    date the grantor revokes it and grants again; a renewal starting after it ends is allowed,
    and so is another scope."""
    held = (
        Authorisation.objects.filter(
            grantor=grantor,
            agent=agent,
            scope=scope,
            revoked_at__isnull=True,
            valid_from__lte=valid_to,
            valid_to__gte=max(valid_from, timezone.localdate()),  # not ended, and overlapping
        )
        .order_by("-valid_to", "-id")
        .first()
    )
    if held is not None:
        until = held.valid_to.isoformat()
        raise Conflict(
            f"已有有效的代办授权（{held.valid_from.isoformat()} 至 {until}，范围相同），如需更改期限请先撤销再重新授权",
            f"An authorisation of this agent with this scope already holds ({held.valid_from.isoformat()} to "
            f"{until}): to change its period, revoke it first and grant again",
        )


def _create(
    *,
    actor: Account,
    grantor: Person,
    agent: Person,
    scope: str,
    valid_from: dt.date,
    valid_to: dt.date,
    source: str,
    action: str,
    channel: str,
) -> Authorisation:
    _check_terms(scope=scope, valid_from=valid_from, valid_to=valid_to)
    if grantor.pk == agent.pk:
        raise InvalidInput("不能授权给本人", "A person cannot authorise themselves", field="agent_id_number")
    with transaction.atomic():
        # the grantor's row locked: two grants sent at once (a double submit, two windows) are
        # taken in turn, and the second finds the first
        Person.objects.select_for_update().filter(pk=grantor.pk).first()
        _check_not_duplicate(grantor=grantor, agent=agent, scope=scope, valid_from=valid_from, valid_to=valid_to)
        row = Authorisation.objects.create(
            grantor=grantor,
            agent=agent,
            scope=scope,
            valid_from=valid_from,
            valid_to=valid_to,
            source=source,
            recorded_by=actor,
        )
        _audit(
            actor=actor,
            action=action,
            subject_type="registry.Authorisation",
            subject_id=row.pk,
            subject_person=grantor.id_number,
            after={
                "agent": agent.id_number,
                "scope": scope,
                "valid_from": valid_from,
                "valid_to": valid_to,
                "source": source,
            },
            channel=channel,
        )
    return row


def authorisation_record(
    *,
    actor: Account,
    grantor_id_number: str,
    agent_id_number: str,
    scope: str,
    valid_from: dt.date,
    valid_to: dt.date,
    id_checked: bool,
    channel: str,
    agent_name: str = "",
) -> Authorisation:
    """A clerk records an authorisation at the window after checking both ID cards (the clerk
    confirms it: ``id_checked``). The grantor must be within the clerk's sight (their district).
    An agent of the clerk's district may be named by ID number alone; an agent of another
    district needs ``agent_name`` too, and an unknown number or a wrong name gets one answer
    (:func:`agent_unmatched`), as online."""
    if actor.kind != Account.Kind.STAFF or actor.role not in STAFF_WRITERS:
        raise NotAllowed("只有窗口工作人员可以登记代办授权", "Only window staff record an authorisation")
    if not id_checked:
        raise InvalidInput("请先核验授权人和代办人的身份证件", "Check both persons' ID cards first", field="id_checked")
    _check_terms(scope=scope, valid_from=valid_from, valid_to=valid_to)
    number = id_number_validate(grantor_id_number, field="grantor_id_number").number
    grantor = selectors.persons_visible(actor=actor).filter(id_number=number).first()
    if grantor is None:
        raise NotFound("未找到该参保人", "No such insured person")
    return _create(
        actor=actor,
        grantor=grantor,
        agent=_agent(actor=actor, grantor=grantor, id_number=agent_id_number, name=agent_name, at_window=True),
        scope=scope,
        valid_from=valid_from,
        valid_to=valid_to,
        source=Authorisation.Source.WINDOW,
        action="authorisation.record",
        channel=channel,
    )


def _own_person(actor: Account) -> Person:
    if actor.kind != Account.Kind.CITIZEN or actor.role != Role.CITIZEN:
        raise NotAllowed("仅限参保人本人", "For insured persons themselves only")
    if selectors.acting_for(actor) is not None:
        raise NotAllowed("代办人不能再授权他人", "An agent cannot pass the authorisation on")
    person = Person.objects.filter(account_id=actor.pk).first()
    if person is None:
        raise NotFound("未找到您的参保记录", "You have no registry record")
    return person


def authorisation_grant(
    *,
    actor: Account,
    agent_id_number: str,
    agent_name: str,
    scope: str,
    valid_from: dt.date,
    valid_to: dt.date,
    channel: str,
) -> Authorisation:
    """The grantor authorises an agent online, signed in as themselves (not while acting),
    naming the agent by ID number and name as on the agent's ID card. The terms are checked
    first; then a number nobody registered and a name that is not the registered one are
    refused alike (:func:`agent_unmatched`, 422), so the form finds out nothing about anyone."""
    grantor = _own_person(actor)
    _check_terms(scope=scope, valid_from=valid_from, valid_to=valid_to)
    return _create(
        actor=actor,
        grantor=grantor,
        agent=_agent(actor=actor, grantor=grantor, id_number=agent_id_number, name=agent_name, at_window=False),
        scope=scope,
        valid_from=valid_from,
        valid_to=valid_to,
        source=Authorisation.Source.ONLINE,
        action="authorisation.grant",
        channel=channel,
    )


def authorisation_revoke(*, actor: Account, authorisation_id: int, channel: str) -> Authorisation:
    """Revoke (the grantor, or a clerk who sees the grantor) or give up (the agent) an
    authorisation. Revoking twice is a conflict; a row the actor may not touch is not found."""
    with transaction.atomic():
        row = (
            Authorisation.objects.select_for_update()
            .select_related("grantor", "agent")
            .filter(pk=authorisation_id)
            .first()
        )
        if row is None:
            raise NotFound("未找到该代办授权", "No such authorisation")
        if actor.kind == Account.Kind.CITIZEN:
            allowed = selectors.acting_for(actor) is None and actor.pk in (row.grantor.account_id, row.agent.account_id)
        else:
            allowed = (
                actor.kind == Account.Kind.STAFF
                and actor.role in STAFF_WRITERS
                and selectors.persons_visible(actor=actor).filter(pk=row.grantor_id).exists()
            )
        if not allowed:
            raise NotFound("未找到该代办授权", "No such authorisation")
        if row.revoked_at is not None:
            raise Conflict("该授权已撤销", "This authorisation is already revoked")
        row.revoked_at = timezone.now()
        row.revoked_by = actor
        row.save(update_fields=["revoked_at", "revoked_by"])
        _audit(
            actor=actor,
            action="authorisation.revoke",
            subject_type="registry.Authorisation",
            subject_id=row.pk,
            subject_person=row.grantor.id_number,
            before={"revoked_at": None},
            after={"revoked_at": row.revoked_at},
            channel=channel,
        )
    return row


def acting_start(*, actor: Account, grantor_id: int, channel: str) -> Person:
    """The agent switches to acting for the grantor: allowed only while an authorisation holds
    today; audited (``authorisation.act``). The caller keeps the grantor in the session."""
    if actor.kind != Account.Kind.CITIZEN or actor.role != Role.CITIZEN:
        raise NotAllowed("仅限参保人代办", "Only an insured person acts for another")
    row = selectors.authorisation_holds(grantor_id=grantor_id, agent_account=actor, on=timezone.localdate())
    if row is None:
        raise NotAllowed("没有有效的代办授权", "There is no valid authorisation to act for this person")
    with transaction.atomic():
        _audit(
            actor=actor,
            action="authorisation.act",
            subject_type="registry.Authorisation",
            subject_id=row.pk,
            subject_person=row.grantor.id_number,
            after={"scope": row.scope, "valid_to": row.valid_to},
            channel=channel,
        )
    return row.grantor


def acting_may_handle(*, actor: Account) -> None:
    """For commands (apply, pay): an agent needs an authorisation of scope HANDLE that holds
    today; refused (403) otherwise. A citizen acting for themselves passes."""
    acting = selectors.acting_for(actor)
    if acting is None:
        return
    held = selectors.authorisation_holds(
        grantor_id=acting, agent_account=actor, on=timezone.localdate(), scope=Authorisation.Scope.HANDLE
    )
    if held is None:
        raise NotAllowed(
            "代办授权已过期、已撤销或仅限查询，不能代为办理",
            "The authorisation has expired, was revoked or is for viewing only: you cannot act",
        )
