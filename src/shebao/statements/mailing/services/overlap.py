"""One mailing per person, year and kind: a new run that would mail someone a run of the same
year and kind already mails (pending, running, done, or failed and resumable) is refused.

The re-send run of returned mail is the way to mail someone again (it does not count against
a later run either: its persons were in an earlier run); a list may be printed again when the
starter says so (``reprint``, e.g. a batch damaged at the printer). Issue 14's review: two runs
for 江岸区 2025 mailed 266 letters twice and texted an e-delivery person three times.

The check and the new run's row are one transaction holding ``run_start_lock`` (the year's
lock): three starts sent at the same moment (issue 14's later review: runs #5 and #6 for 2023,
420102, each with the same 266 letters) are taken one after the other, and each after the
first sees the run just made and is refused.
"""

from __future__ import annotations

import zlib

from django.db import connection
from django.db.models import Q

from shebao.core.errors import Conflict
from shebao.core.models import Area, Job
from shebao.registry.models import Person
from shebao.statements.mailing.models import MailingItem, MailingRun

# the first key of the PostgreSQL advisory lock of a year's run starts (the second is the year)
_LOCK_CLASS = zlib.crc32(b"statement_mailing.run_start") & 0x7FFFFFFF


def run_start_lock(*, year: int) -> None:
    """Take, until the caller's transaction ends, the lock every run start (and re-send start)
    of ``year`` takes before its overlap check. PostgreSQL: a transaction-level advisory lock
    (no row to create first, nothing for other writers of the tables to wait on); a second
    start waits for the first to commit, and its check then reads the first's run (READ
    COMMITTED: each statement a fresh snapshot). SQLite: the settings open every transaction
    ``IMMEDIATE``, so the check and the insert already hold the one write lock."""
    if not connection.in_atomic_block:  # pragma: no cover - a caller's bug: the lock would end at once
        raise RuntimeError("run_start_lock outside a transaction")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_CLASS, year])


def _refusal(run: MailingRun) -> Conflict:
    return Conflict(
        f"{run.year}年度已有覆盖相同参保人的寄送批次 #{run.pk}：同一人同一年度只寄送一次"
        f"（退信请用重寄，重印名单请注明重印；中断的批次请继续运行）",
        f"Run #{run.pk} already mails these persons for {run.year}: one mailing a person and year "
        f"(returned mail goes by the re-send run, a list is printed again only as a reprint; resume an interrupted run)",
        field="year",
    )


def run_overlap_check(
    *, year: int, variant: str, district: Area | None, persons: list[int], reprint: bool = False
) -> None:
    """Refuse (Conflict, 409, naming the run; nothing written) a run of ``year`` and ``variant`` over everyone
    (no district, no persons), ``district`` or the list ``persons`` that shares a person with an
    earlier run of the same year and variant; the re-send runs are not counted. Call it under
    ``run_start_lock``, in the transaction that creates the run."""
    if persons and reprint:
        return
    earlier = (
        MailingRun.objects.filter(year=year, variant=variant)
        .exclude(scope=MailingRun.Scope.RESEND)
        .order_by("pk")
        .only("pk", "year", "scope", "district_id", "persons")
    )
    if persons:
        wanted = set(persons)
        districts = set(Person.objects.filter(pk__in=wanted).values_list("district_id", flat=True))
        for run in earlier.filter(
            Q(scope=MailingRun.Scope.ALL)
            | Q(scope=MailingRun.Scope.DISTRICT, district_id__in=districts)
            | Q(scope=MailingRun.Scope.LIST)
        ):
            if run.scope != MailingRun.Scope.LIST or wanted.intersection(run.persons):
                raise _refusal(run)
        return
    if district is not None:
        clash = earlier.filter(Q(scope=MailingRun.Scope.ALL) | Q(district=district)).first()
        if clash is None:
            for run in earlier.filter(scope=MailingRun.Scope.LIST):
                if Person.objects.filter(pk__in=run.persons, district=district).exists():
                    clash = run
                    break
    else:
        clash = earlier.first()
    if clash is not None:
        raise _refusal(clash)


def resend_overlap_check(*, year: int, variant: str, persons: list[int]) -> None:
    """Refuse (Conflict) a re-send run of ``year`` and ``variant`` while an earlier re-send
    run not yet done still has one of ``persons`` to mail (their returned letter leaves the
    list only when that run's chunk mails it): started twice, it would post the letter twice.
    Under ``run_start_lock``, as ``run_overlap_check``."""
    wanted = set(persons)
    for run in (
        MailingRun.objects.filter(year=year, variant=variant, scope=MailingRun.Scope.RESEND)
        .exclude(job__status=Job.Status.DONE)
        .order_by("pk")
        .only("pk", "year", "persons")
    ):
        pending = wanted.intersection(run.persons)
        if pending and MailingItem.objects.filter(run=run, person_id__in=pending).count() < len(pending):
            raise Conflict(
                f"{run.year}年度的重寄批次 #{run.pk} 尚未寄完这些退信：请先运行该批次",
                f"Re-send run #{run.pk} of {run.year} has not mailed these letters yet: run it first",
                field="year",
            )
