"""Reads of the transfers, always scoped by the actor.

Who sees which transfers: the person their own (by their account's ID number); staff of a
district office those whose case is handled in their district, city-wide roles every one; a
unit operator and a bank agent none. A transfer out of sight is :class:`NotFound`, exactly as
one that does not exist.

The three phases of a transfer are shown the same way in both directions (:func:`transfer_phases`):
ours measured by the case's clocks, theirs recorded from the engine's outside clock or from the
other agency's messages, each against 15 working days (第八条).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from shebao.cases.models import Case, CasePhase
from shebao.contributions.selectors import staff_district_id
from shebao.core import workdays
from shebao.core.access import PersonGrant, grant_opens
from shebao.core.errors import NotFound
from shebao.core.models import Account
from shebao.pensions.transfers import rules
from shebao.pensions.transfers.models import PlatformMessage, Transfer, TransferredPeriod
from shebao.registry.models import Person

# (direction, phase) -> (name, ours)
PHASE_NAMES: dict[tuple[str, int], tuple[str, bool]] = {
    ("in", 1): ("转入地审核并发出联系函", True),
    ("in", 2): ("转出地办理转出", False),
    ("in", 3): ("转入地办理接续", True),
    ("out", 1): ("转入地审核并发出联系函", False),
    ("out", 2): ("本机构办理转出", True),
    ("out", 3): ("转入地办理接续", False),
}


def _phase_days(on: dt.date) -> int:
    return int(rules.parameter_in_force("phase_workdays", on=on).value)


def transfers_visible(*, actor: Account) -> QuerySet[Transfer]:
    rows = Transfer.objects.select_related("case")
    if actor is None or not actor.is_authenticated:
        return rows.none()
    if actor.kind == Account.Kind.CITIZEN:
        return rows.filter(id_number=actor.id_number) if actor.id_number else rows.none()
    district = staff_district_id(actor)
    if district is False:
        return rows.none()
    if district is None:
        return rows
    return rows.filter(case__office__area__district_id=district)


def transfer_get(*, actor: Account, ref: str) -> Transfer:
    transfer = transfers_visible(actor=actor).filter(ref=ref).first()
    if transfer is None:
        raise NotFound("未找到该转移接续业务", "No such transfer")
    return transfer


def _case_visible(actor: Account, case: Case) -> bool:
    if actor is None or not actor.is_authenticated:
        return False
    if actor.kind == Account.Kind.CITIZEN:
        return bool(actor.id_number) and case.applicant_id_number == actor.id_number
    district = staff_district_id(actor)
    return district is None or (district is not False and case.office.area.district_id == district)


def transfer_for_case(*, actor: Account, number: str) -> Transfer:
    """The transfer of the case numbered ``number`` (a YL-003 case not yet recorded gives the
    transfer it describes, unsaved), if the actor may see it; NotFound otherwise."""
    from shebao.pensions.transfers.services.acting import TRANSFER_IN_CODE, transfer_in_draft

    case = Case.objects.select_related("item", "office__area", "current_step__phase").filter(number=number).first()
    if case is None or not _case_visible(actor, case):
        raise NotFound("未找到该转移接续业务", "No such transfer")
    found = Transfer.objects.filter(case=case).first()
    if found is not None:
        found.case = case
        return found
    if case.item.code != TRANSFER_IN_CODE:
        raise NotFound("未找到该转移接续业务", "No such transfer")
    return transfer_in_draft(case=case)


def applications_unrecorded(*, actor: Account, limit: int = 100) -> list[Case]:
    """YL-003 cases in the actor's sight whose transfer is not recorded yet (the window received
    them; the first step or the platform job records them)."""
    from shebao.pensions.transfers.services.acting import TRANSFER_IN_CODE

    rows = Case.objects.select_related("office__area").filter(
        item__code=TRANSFER_IN_CODE, status__in=Case.OPEN_STATUSES
    )
    rows = rows.exclude(pk__in=Transfer.objects.values("case_id"))
    if actor.kind == Account.Kind.CITIZEN:
        rows = rows.filter(applicant_id_number=actor.id_number)
    else:
        district = staff_district_id(actor)
        if district is False:
            return []
        if district is not None:
            rows = rows.filter(office__area__district_id=district)
    return list(rows.order_by("-received_at")[:limit])


def transfer_list(*, actor: Account, state: str = "", direction: str = "", limit: int = 200) -> list[Transfer]:
    rows = transfers_visible(actor=actor)
    if state == "open":
        rows = rows.filter(state__in=Transfer.OPEN_STATES)
    elif state:
        rows = rows.filter(state=state)
    if direction:
        rows = rows.filter(direction=direction)
    return list(rows.order_by("-applied_on", "-id")[:limit])


def _completed_by(day: dt.date | None) -> Q:
    """Transfers completed on or before ``day`` (all completed ones when None; one completed
    without a date counts as completed before any day)."""
    done = Q(transfer__state=Transfer.State.COMPLETED)
    if day is None:
        return done
    return done & (Q(transfer__completed_on__lte=day) | Q(transfer__completed_on__isnull=True))


def _sees_transfers_of(*, actor: Account, id_number: str, grant: PersonGrant | None) -> bool:
    """Whether ``actor`` sees a transfer of ``id_number``: in their own sight, or, holding a
    ``grant`` for the person with that number (``core.access``), in the sight of the person's
    district's staff (those handled in that district), as the record's other reads are."""
    if transfers_visible(actor=actor).filter(id_number=id_number).exists():
        return True
    if grant is None or not grant_opens(grant, actor=actor, person_id=grant.person_id):
        return False
    district = (
        Person.objects.filter(pk=grant.person_id, id_number=id_number).values_list("district_id", flat=True).first()
    )
    return (
        district is not None
        and Transfer.objects.filter(id_number=id_number, case__office__area__district_id=district).exists()
    )


def transferred_months(
    *, actor: Account, id_number: str, completed_by: dt.date | None = None, grant: PersonGrant | None = None
) -> dict[int, set[int]]:
    """The months brought in by completed transfers (year -> months), for the rights statement's
    ○ marks: one query. The same sight as the transfers themselves (a ``grant``'s person's as
    their district sees them). ``completed_by``: only the transfers completed by that day (a
    year's statement counts those completed by its end)."""
    if not _sees_transfers_of(actor=actor, id_number=id_number, grant=grant):
        return {}
    marks: dict[int, set[int]] = {}
    rows = TransferredPeriod.objects.filter(_completed_by(completed_by), id_number=id_number)
    for year, first, months in rows.values_list("year", "first_month", "months"):
        marks.setdefault(year, set()).update(range(first, min(first + months, 13)))
    return marks


def transferred_months_of_persons(
    *, actor: Account, id_numbers: Iterable[str], completed_by: dt.date | None = None
) -> dict[str, dict[int, set[int]]]:
    """:func:`transferred_months` for many ID numbers at once (the mailing run's chunk): two
    queries, whatever the count. Every ID number asked for is a key; the same sight as
    person by person (nothing for an ID number none of whose transfers the actor may see)."""
    wanted = list(dict.fromkeys(id_numbers))
    marks: dict[str, dict[int, set[int]]] = {number: {} for number in wanted}
    if not wanted:
        return marks
    seen = set(transfers_visible(actor=actor).filter(id_number__in=wanted).values_list("id_number", flat=True))
    if not seen:
        return marks
    rows = TransferredPeriod.objects.filter(_completed_by(completed_by), id_number__in=seen)
    for number, year, first, months in rows.values_list("id_number", "year", "first_month", "months"):
        marks[number].setdefault(year, set()).update(range(first, min(first + months, 13)))
    return marks


def transferred_statement_years(*, actor: Account, id_number: str, grant: PersonGrant | None = None) -> set[int]:
    """The rights-statement years completed transfers show in (one query, the same sight as
    :func:`transferred_months`, a ``grant`` too): a transferred year's own statement when the
    transfer was completed by its end (its months ○), else the year of completion, whose
    statement first counts the months brought in."""
    if not _sees_transfers_of(actor=actor, id_number=id_number, grant=grant):
        return set()
    rows = TransferredPeriod.objects.filter(_completed_by(None), id_number=id_number)
    return {
        max(year, completed.year) if completed is not None else year
        for year, completed in rows.values_list("year", "transfer__completed_on")
    }


def outbox_pending() -> int:
    """Messages of ours the platform has not taken yet (a count, no one's data)."""
    return PlatformMessage.objects.filter(direction="out", state="pending").count()


# --- the three phases --------------------------------------------------------------------------


@dataclass(frozen=True)
class PhaseView:
    number: int
    name: str
    ours: bool
    started: dt.date | None
    finished: dt.date | None
    due: dt.date | None
    used: int | None  # working days from the start to the end (or today while it runs)

    @property
    def running(self) -> bool:
        return self.started is not None and self.finished is None

    @property
    def on_time(self) -> bool | None:
        """Finished within its limit; None while it runs within it, or before it starts."""
        if self.due is None or self.started is None:
            return None
        if self.finished is not None:
            return self.finished <= self.due
        return False if timezone.localdate() > self.due else None


def _theirs(number: int, name: str, start: dt.date | None, end: dt.date | None, today: dt.date) -> PhaseView:
    if start is None:
        return PhaseView(number, name, False, None, None, None, None)
    due = workdays.due_date(start=start, workdays=_phase_days(start)).due_date
    used = workdays.workdays_between(start=start, end=end or today)
    return PhaseView(number, name, False, start, end, due, used)


def _ours(number: int, name: str, row: CasePhase | None, today: dt.date) -> PhaseView:
    if row is None or row.started_on is None:
        return PhaseView(number, name, True, None, None, None, None)
    used = workdays.workdays_between(start=row.started_on, end=row.finished_on or today)
    return PhaseView(number, name, True, row.started_on, row.finished_on, row.due_date, used)


def transfer_phases(transfer: Transfer, *, rows: list[CasePhase] | None = None) -> list[PhaseView]:
    today = timezone.localdate()
    if rows is None:
        rows = list(transfer.case.phases.select_related("phase").order_by("phase__order"))
    by_code = {row.phase.code: row for row in rows}
    if transfer.direction == Transfer.Direction.IN:
        outside = by_code.get("transfer_out")
        theirs = _theirs(
            2,
            "转出地办理转出",
            transfer.letter_on,
            (outside.finished_on if outside is not None else None),
            today,
        )
        return [
            _ours(1, "转入地审核并发出联系函", by_code.get("check"), today),
            theirs,
            _ours(3, "转入地办理接续", by_code.get("transfer_in"), today),
        ]
    return [
        _theirs(1, "转入地审核并发出联系函", transfer.applied_on, transfer.letter_on, today),
        _ours(2, "本机构办理转出", by_code.get("transfer_out"), today),
        _theirs(3, "转入地办理接续", transfer.sent_on, transfer.completed_on, today),
    ]


# --- the dashboard ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PhaseRate:
    direction: str
    number: int
    name: str
    ours: bool
    finished: int
    on_time: int

    @property
    def rate(self) -> float | None:
        return None if not self.finished else self.on_time / self.finished

    @property
    def percent(self) -> str:
        return "—" if self.rate is None else f"{self.rate * 100:.1f}%"


@dataclass(frozen=True)
class Waiting:
    transfer: Transfer
    phase: PhaseView

    @property
    def overdue(self) -> bool:
        return self.phase.on_time is False


DASHBOARD_FIELDS = (
    "direction",
    "state",
    "name",
    "id_number",
    "other_agency_name",
    "applied_on",
    "letter_on",
    "sent_on",
    "completed_on",
    "case__number",
)


@dataclass
class Dashboard:
    year: int = 0  # the year whose transfers the phase rates measure
    years: list[tuple[int, int, int]] = field(default_factory=list)  # (year, in, out) completed
    received: list[tuple[int, int, int]] = field(default_factory=list)  # (year, in, out) applied
    rates: list[PhaseRate] = field(default_factory=list)
    waiting: list[Waiting] = field(default_factory=list)
    open_count: int = 0
    refused: int = 0


def transfers_dashboard(*, actor: Account, year: int | None = None) -> Dashboard:
    """Transfers handled per year in and out (counted in the database, every year), the on-time
    rate of each phase (ours measured, theirs recorded) for the transfers applied for in
    ``year`` (this year by default), and every open transfer waiting on the other agency,
    longest first. The phases are computed in Python on the working-day calendar, so they are
    read for one year's transfers and the open ones only (the agency handles over 10,000 a
    year), never for the whole history."""
    today = timezone.localdate()
    year = year or today.year
    visible = transfers_visible(actor=actor)
    board = Dashboard(year=year)
    done: Counter[tuple[int, str]] = Counter()
    applied: Counter[tuple[int, str]] = Counter()
    for y, direction, n in (
        visible.filter(state=Transfer.State.COMPLETED, completed_on__isnull=False)
        .values_list("completed_on__year", "direction")
        .annotate(n=Count("id"))
        .order_by()
    ):
        done[(y, direction)] += n
    for y, direction, n in visible.values_list("applied_on__year", "direction").annotate(n=Count("id")).order_by():
        applied[(y, direction)] += n
    years = sorted({y for y, _ in done} | {y for y, _ in applied})
    board.years = [(y, done[(y, "in")], done[(y, "out")]) for y in years]
    board.received = [(y, applied[(y, "in")], applied[(y, "out")]) for y in years]
    board.refused = visible.filter(state=Transfer.State.REFUSED).count()
    board.open_count = visible.filter(state__in=Transfer.OPEN_STATES).count()
    measured = visible.filter(Q(applied_on__year=year) | Q(state__in=Transfer.OPEN_STATES))
    # the columns the phases and the waiting list read, not the case's form (bench/README.md)
    transfers = list(measured.only(*DASHBOARD_FIELDS).order_by("id"))
    rows_by_case: dict[int, list[CasePhase]] = {}
    phases = (
        CasePhase.objects.filter(case_id__in=measured.values("case_id"))
        .select_related("phase")
        .only("case_id", "started_on", "finished_on", "due_date", "phase__code", "phase__order")
    )
    for row in phases.order_by("case_id", "phase__order"):
        rows_by_case.setdefault(row.case_id, []).append(row)
    finished: Counter[tuple[str, int]] = Counter()
    on_time: Counter[tuple[str, int]] = Counter()
    for transfer in transfers:
        views = transfer_phases(transfer, rows=rows_by_case.get(transfer.case_id, []))
        for view in views:
            key = (transfer.direction, view.number)
            if transfer.applied_on.year == year and view.finished is not None and view.due is not None:
                finished[key] += 1
                on_time[key] += view.finished <= view.due
            if view.running and not view.ours and transfer.state in Transfer.OPEN_STATES:
                board.waiting.append(Waiting(transfer=transfer, phase=view))
    for direction in ("in", "out"):
        for number in (1, 2, 3):
            key = (direction, number)
            name, ours = PHASE_NAMES[key]
            board.rates.append(PhaseRate(direction, number, name, ours, finished[key], on_time[key]))
    board.waiting.sort(key=lambda w: -(w.phase.used or 0))
    return board
