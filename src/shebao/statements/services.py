"""Commands on rights statements: issuing a signed statement, and handing one out (a download
online or in the app, a print at a window), each with its audit event.

Issuing is idempotent on the figures: the current statement of the person and year is
returned while the record computed now has the same content (the as-of date aside); when any
figure changed a new version is written, signed, and the old one marked superseded in the same
transaction (``statement_current_unique`` keeps one current statement per person and year).
"""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal
from typing import Any, NamedTuple

from django.db import transaction
from django.utils import timezone

from shebao.cases.applicants import applicant_for
from shebao.cases.models import Case
from shebao.cases.services import case_open
from shebao.core import audit
from shebao.core.access import PersonGrant, Purpose, person_grant_issue
from shebao.core.channels import Channel
from shebao.core.documents import document_sign, random_symbols
from shebao.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from shebao.core.identifiers import id_number_validate
from shebao.core.models import Account, AuditEvent
from shebao.registry.models import Authorisation, Person
from shebao.registry.selectors import person_find_by_id_number, persons_visible
from shebao.statements.items import CORRECTION_ITEM
from shebao.statements.models import Statement
from shebao.statements.record import StatementRecord, record_content, record_from_content
from shebao.statements.selectors import (
    STATEMENT_KIND,
    EmployeeMonths,
    employee_months_for,
    record_for,
    record_may_see,
    statement_signature_valid,
    statement_years,
    window_districts,
    window_person,
    window_printer,
    year_check,
)

logger = logging.getLogger(__name__)

_REF_SYMBOLS = 12  # 60 random bits after the year: a ref cannot be guessed or counted


def _new_ref(year: int) -> str:
    return f"{year}-{random_symbols(_REF_SYMBOLS)}"


def _figures(content: dict[str, Any]) -> dict[str, Any]:
    """What decides whether a statement is still current: everything but the as-of date."""
    return {key: value for key, value in content.items() if key != "as_of"}


class StatementUnverifiable(Conflict):
    """A stored statement whose content no longer matches its signature (or whose code is not
    the one its signature prints): altered since it was issued, so it is not handed out."""

    heading = ("记录单无法核验", "The statement cannot be verified")

    def __init__(self) -> None:
        super().__init__(
            "本记录单未能通过签名核验，暂不能提供。请联系社会保险经办机构（12333）或到参保地经办窗口核查。",
            "This statement failed its signature check and cannot be provided. Please contact the social "
            "insurance agency (12333) or the office where you are insured.",
        )


def _unverified(*, actor: Account, statement: Statement, channel: str, served: str) -> None:
    """The alert for a stored statement that fails its signature: an error in the log (the
    statement's row and ref, never the person's ID number) and ``statement.unverified`` in the
    audit chain (whose statement, which version, what was asked for). Call it in a transaction
    that commits."""
    logger.error(
        "statement %s (ref %s, year %s, version %s) fails its signature check: not served (%s)",
        statement.pk,
        statement.ref,
        statement.year,
        statement.version,
        served,
    )
    audit.record(
        actor=actor,
        action="statement.unverified",
        subject_type="statements.Statement",
        subject_id=statement.pk,
        subject_person=statement.person.id_number,
        after={"year": statement.year, "version": statement.version, "ref": statement.ref, "served": served},
        channel=channel,
    )


def statement_verified(*, actor: Account, statement: Statement, channel: str, served: str) -> Statement:
    """``statement`` when its stored content still matches its signature; otherwise the alert
    (:func:`_unverified`, committed) and :class:`StatementUnverifiable` (409): an altered row is
    never handed out, on a page, in the API or as a PDF."""
    if statement_signature_valid(statement=statement):
        return statement
    with transaction.atomic():
        _unverified(actor=actor, statement=statement, channel=channel, served=served)
    raise StatementUnverifiable()


def statement_issue(
    *,
    actor: Account,
    person: Person,
    year: int,
    channel: str,
    correction_case: str = "",
    grant: PersonGrant | None = None,
) -> Statement:
    """出具个人权益记录单: the current signed statement of ``person`` for ``year``.

    The record is computed now (``record_for``, scoped by ``actor``: NotFound for anyone who
    may not read it, and nothing written). Same figures as the current statement: that one is
    returned and nothing is written. Otherwise version n+1 is signed (HMAC over the canonical
    content, ``core.documents.signing``) and stored, the previous version marked superseded at
    the same instant, and ``statement.issue`` recorded. 《社会保险法》第七十四条; 人社部令第14号.

    A year with nothing on its statement (not in :func:`statement_years`: no ledger month, no
    account entry, no transfer, no statement issued; this year always has one) is NotFound and
    nothing is written: a signed 未参保 for it would then list the year as one with records.
    A current statement that fails its signature (altered in the database) is never returned:
    the alert is recorded (``statement.unverified``) and a new version is signed from the
    records, superseding it.

    ``grant``: the window print's (:func:`statement_window_print`, 通办), passed to the record's
    reads; a grant of any other purpose issues nothing (NotAllowed): a grant opens reads, and
    this write is the window print's own.
    """
    if grant is not None and grant.purpose != Purpose.STATEMENT_WINDOW_PRINT:
        raise NotAllowed("无权出具该参保人的权益记录单", "You may not issue this person's statement")
    year_check(year)
    if year != timezone.localdate().year and year not in statement_years(actor=actor, person=person, grant=grant):
        raise NotFound(
            f"{year}年度没有社会保险记录，不出具权益记录单",
            f"There are no social insurance records in {year}: no statement",
        )
    record = record_for(actor=actor, person=person, year=year, grant=grant)
    content = record_content(record)
    with transaction.atomic():
        # one issue at a time per person: the person row is the lock
        Person.objects.select_for_update().filter(pk=person.pk).first()
        current = Statement.objects.filter(person=person, year=year, superseded_at__isnull=True).first()
        altered = current is not None and not statement_signature_valid(statement=current)
        if current is not None and not altered and _figures(current.content) == _figures(content):
            return current
        if current is not None and altered:
            _unverified(actor=actor, statement=current, channel=channel, served="issue")
        last = Statement.objects.filter(person=person, year=year).order_by("-version").first()
        now = timezone.now()
        ref = _new_ref(year)
        signed = document_sign(kind=STATEMENT_KIND, ref=ref, content=content)
        if current is not None:
            current.superseded_at = now
            current.save(update_fields=["superseded_at"])
        statement = Statement.objects.create(
            person=person,
            year=year,
            version=(last.version + 1) if last is not None else 1,
            ref=ref,
            code=signed.code,
            signature=signed.signature,
            content=content,
            issued_at=now,
            issued_by=actor if actor.pk else None,
            channel=channel,
            correction_case=correction_case,
        )
        if current is not None:
            current.superseded_by = statement
            current.save(update_fields=["superseded_by"])
        audit.record(
            actor=actor,
            action="statement.issue",
            subject_type="statements.Statement",
            subject_id=statement.pk,
            subject_person=person.id_number,
            after={
                "year": year,
                "version": statement.version,
                "ref": ref,
                "supersedes": current.ref if current is not None else None,
                "correction_case": correction_case,
                "closing_balance": content["pension_account"]["closing_balance"],
            },
            channel=channel,
        )
    return statement


def statement_record(*, statement: Statement) -> StatementRecord:
    """The record as issued (its signed content), for the pages and the PDF."""
    return record_from_content(statement.content)


def statement_pdf(
    *,
    actor: Account,
    statement: Statement,
    channel: str,
    printed: bool = False,
    agent: dict[str, Any] | None = None,
    window: dict[str, str] | None = None,
    grant: PersonGrant | None = None,
) -> bytes:
    """The statement as a PDF for someone who may read the person's record (NotFound otherwise;
    ``grant``: the window print's, :func:`statement_window_pdf`): a download online or in the
    app (``statement.download``), or a print at a window (``statement.print``: who printed
    whose, and for whom — the agent of :func:`window_agent` when one came for the person —, and
    ``window``: the districts of :func:`statement_window_pdf`)."""
    from shebao.statements.document import statement_document

    record_may_see(actor=actor, person=statement.person, grant=grant)
    statement_verified(actor=actor, statement=statement, channel=channel, served="print" if printed else "pdf")
    pdf = statement_document(statement=statement)
    what: dict[str, Any] = {"year": statement.year, "version": statement.version, "ref": statement.ref}
    if printed:
        what["agent"] = agent
        what.update(window or {})
    with transaction.atomic():
        if printed:
            audit.record(
                actor=actor,
                action="statement.print",
                subject_type="statements.Statement",
                subject_id=statement.pk,
                subject_person=statement.person.id_number,
                after=what,
                channel=channel,
            )
        else:
            audit.record(
                actor=actor,
                action="statement.download",
                subject_type="statements.Statement",
                subject_id=statement.pk,
                subject_person=statement.person.id_number,
                after=what,
                channel=channel,
            )
    return pdf


def window_agent(*, person: Person, agent_id_number: str, agent_name: str, written: bool) -> dict[str, Any] | None:
    """Who came to the window for ``person``: None for the person themself; for an agent (代办)
    their ID number and name, and what let them (a written authorisation the clerk checked, or
    an authorisation on record that holds today, its id). An agent with neither is refused."""
    agent_id_number = (agent_id_number or "").strip()
    if not agent_id_number:
        if (agent_name or "").strip() or written:  # an agent named or a letter checked, but no ID
            raise InvalidInput(
                "代办的请填写受托人身份证号码（本人办理的请不填受托人信息）",
                "Give the agent's ID number (leave the agent's details empty when the person came themself)",
                field="agent_id_number",
            )
        return None
    number = id_number_validate(agent_id_number, field="agent_id_number").number
    if number == person.id_number:
        return None  # the person themself
    name = (agent_name or "").strip()[:40]
    if not name:
        raise InvalidInput("代办的请填写受托人姓名", "Give the agent's name", field="agent_name")
    held = (
        Authorisation.objects.filter(
            grantor=person,
            agent__id_number=number,
            revoked_at__isnull=True,
            valid_from__lte=timezone.localdate(),
            valid_to__gte=timezone.localdate(),
        )
        .order_by("-valid_to", "-id")
        .first()
    )
    if held is None and not written:
        raise InvalidInput(
            "代办须核对书面委托书，或受托人已登记有效的代办授权",
            "An agent needs a written authorisation checked at the window, or one on record",
            field="agent_written",
        )
    basis = f"authorisation:{held.pk}" if held is not None else "written"
    return {"id_number": number, "name": name, "basis": basis}


def _window_grant(*, actor: Account, person: Person) -> PersonGrant | None:
    """What lets the window printer ``actor`` read ``person``'s record for this print: nothing
    more (None) when the person is in their own sight (their district, or a city-level office);
    for a person of another district (通办) a grant of the window print for that one person
    (``core.access``), passed to the print's reads and to nothing else. Only the two window
    print services below call it, after checking :func:`window_printer` and finding the person
    by the ID shown (:func:`window_person`) or the statement they looked up at their window."""
    if not window_printer(actor):  # checked by the callers too: a grant is never issued to anyone else
        raise NotAllowed("只有窗口经办员可以打印权益记录单", "Only a window clerk prints rights statements")
    if persons_visible(actor=actor).filter(pk=person.pk).exists():
        return None
    return person_grant_issue(actor=actor, person_id=person.pk, purpose=Purpose.STATEMENT_WINDOW_PRINT)


class WindowPrint(NamedTuple):
    """What the window shows after :func:`statement_window_print`: the statement, the agent
    checked (None: the person came themself) and whether the person is of another district
    (通办: printed here, corrected at their own district's office)."""

    statement: Statement
    agent: dict[str, Any] | None
    other_district: bool


def statement_window_print(
    *,
    actor: Account,
    id_number: str,
    year: int,
    channel: str = Channel.HALL,
    agent_id_number: str = "",
    agent_name: str = "",
    agent_written: bool = False,
) -> WindowPrint:
    """窗口打印: a window clerk (of a social-insurance office or a community centre) finds the
    person by the exact ID number shown at the window — anywhere in the city (通办, the product
    owner's decision in issue 14's review: :func:`~shebao.statements.selectors.window_person`;
    NotFound, nothing written, for a number nobody is registered with) — issues the year's
    statement and returns it for :func:`statement_window_pdf`. The record shown at the window is
    ``statement.view`` naming the agent who came for the person (:func:`window_agent`; none for
    the person themself; an agent with no authorisation is refused, nothing shown), the person's
    district and the clerk's office (:func:`~shebao.statements.selectors.window_districts`)."""
    if not window_printer(actor):
        raise NotAllowed(
            "只有社会保险经办机构和社区服务中心的窗口经办员可以打印权益记录单",
            "Only a window clerk of a social-insurance office or community centre prints rights statements",
        )
    year_check(year)
    found = window_person(actor=actor, id_number=id_number)
    grant = _window_grant(actor=actor, person=found)  # None: the person is in the clerk's own sight
    person = person_find_by_id_number(actor=actor, id_number=found.id_number, channel=channel, grant=grant)
    record_may_see(actor=actor, person=person, grant=grant)
    agent = window_agent(person=person, agent_id_number=agent_id_number, agent_name=agent_name, written=agent_written)
    statement = statement_issue(actor=actor, person=person, year=year, channel=channel, grant=grant)
    statement_view_record(
        actor=actor,
        statement=statement,
        channel=channel,
        agent=agent,
        window=window_districts(actor=actor, person=person),
    )
    return WindowPrint(statement=statement, agent=agent, other_district=grant is not None)


def statement_window_pdf(
    *, actor: Account, ref: str, channel: str = Channel.HALL, agent: dict[str, Any] | None = None
) -> tuple[Statement, bytes]:
    """The print of a statement at a window: one the clerk may read anyway (their district), or
    one they looked up at their window today (:func:`statement_window_print`, whose
    ``statement.view`` names them) for a person of another district (通办). ``statement.print``
    records who printed whose, the agent, the person's district and the clerk's office. Anyone
    else: as :func:`~shebao.statements.selectors.statement_by_ref` (NotFound)."""
    from shebao.statements.selectors import statement_by_ref

    if not window_printer(actor):
        raise NotAllowed("只有窗口经办员可以打印权益记录单", "Only a window clerk prints rights statements")
    grant: PersonGrant | None = None
    try:
        statement = statement_by_ref(actor=actor, ref=ref)
    except NotFound:
        found = Statement.objects.select_related("person__district").filter(ref=ref).first()
        looked_up = found is not None and (
            AuditEvent.objects.filter(
                actor_id=actor.pk,
                action="statement.view",
                subject_type="statements.Statement",
                subject_id=str(found.pk),
                at__gte=timezone.now() - dt.timedelta(hours=12),
            ).exists()
        )
        if found is None or not looked_up:
            raise
        statement = found
        grant = _window_grant(actor=actor, person=statement.person)
    window = window_districts(actor=actor, person=statement.person)
    body = statement_pdf(
        actor=actor, statement=statement, channel=channel, printed=True, agent=agent, window=window, grant=grant
    )
    return statement, body


def statement_view_record(
    *,
    actor: Account,
    statement: Statement,
    channel: str,
    agent: dict[str, Any] | None = None,
    window: dict[str, str] | None = None,
) -> None:
    """A statement opened on a page or over the API: ``statement.view`` (at a window, with the
    agent who came for the person, if one did, and the districts of the person and the clerk)."""
    if statement.person_id is None:
        raise NotFound("未找到该记录单", "No such statement")
    after: dict[str, Any] = {"year": statement.year, "version": statement.version}
    if agent is not None:
        after["agent"] = agent
    if window is not None:
        after.update(window)
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="statement.view",
            subject_type="statements.Statement",
            subject_id=statement.pk,
            subject_person=statement.person.id_number,
            after=after,
            channel=channel,
        )


def statement_employer_view(*, actor: Account, person_id: int, year: int, channel: str) -> EmployeeMonths:
    """单位查询职工缴费记录: the months of ``year`` the actor's unit paid for its employee; a
    person the unit never employed is NotFound, nothing written. Audited
    (``statement.employer_view``: which unit looked at whose months). Who may see the person
    is settled before the year is read, so no answer (a bad year's 422) tells a unit whether a
    person it never employed exists."""
    person = persons_visible(actor=actor).filter(pk=person_id).first()
    if person is None:
        raise NotFound("未找到该参保人", "No such insured person")
    seen = employee_months_for(actor=actor, person=person, year=year)
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="statement.employer_view",
            subject_type="registry.Person",
            subject_id=person.pk,
            subject_person=person.id_number,
            after={"year": year, "unit": actor.unit_code},
            channel=channel,
        )
    return seen


def statement_correction_request(
    *,
    actor: Account,
    statement: Statement,
    period: dt.date,
    what: str,
    correct_base: Decimal | None,
    detail: str,
    channel: str,
    key: str = "",
    materials: dict[str, Any] | None = None,
    period_to: dt.date | None = None,
) -> Case:
    """A correction asked for from a statement: a QY-001 case naming the statement, the month
    and what is wrong, opened by the engine (its checks, its clock, its 一次性告知 of the
    employer's evidence when not handed in). The person themself online or in the app, or a
    window clerk for the person at the counter."""
    record_may_see(actor=actor, person=statement.person)
    person = statement.person
    applicant = applicant_for(id_number=person.id_number, account=actor if actor.kind == Account.Kind.CITIZEN else None)
    form = {
        "id_number": person.id_number,
        "name": person.name,
        "statement_ref": statement.ref,
        "period": period.isoformat(),
        "period_to": "" if period_to is None else period_to.isoformat(),
        "what": what,
        "correct_base": "" if correct_base is None else str(correct_base),
        "detail": detail,
    }
    return case_open(
        actor=actor,
        item_code=CORRECTION_ITEM,
        applicant=applicant,
        channel=channel,
        form=form,
        materials=materials,
        key=key,
    )
