"""One mailing per person, year and kind: a new run that would mail someone a run of the same
year and kind already mails (pending, running, done, or failed and resumable) is refused.

The re-send run of returned mail is the way to mail someone again (it does not count against
a later run either: its persons were in an earlier run); a list may be printed again when the
starter says so (``reprint``, e.g. a batch damaged at the printer). Issue 14's review: two runs
for 江岸区 2025 mailed 266 letters twice and texted an e-delivery person three times.
"""

from __future__ import annotations

from django.db.models import Q

from shebao.core.errors import InvalidInput
from shebao.core.models import Area
from shebao.registry.models import Person
from shebao.statements.mailing.models import MailingRun


def _refusal(run: MailingRun) -> InvalidInput:
    return InvalidInput(
        f"{run.year}年度已有覆盖相同参保人的寄送批次 #{run.pk}：同一人同一年度只寄送一次"
        f"（退信请用重寄，重印名单请注明重印；中断的批次请继续运行）",
        f"Run #{run.pk} already mails these persons for {run.year}: one mailing a person and year "
        f"(returned mail goes by the re-send run, a list is printed again only as a reprint; resume an interrupted run)",
        field="year",
    )


def run_overlap_check(
    *, year: int, variant: str, district: Area | None, persons: list[int], reprint: bool = False
) -> None:
    """Refuse (InvalidInput, nothing written) a run of ``year`` and ``variant`` over everyone
    (no district, no persons), ``district`` or the list ``persons`` that shares a person with an
    earlier run of the same year and variant; the re-send runs are not counted."""
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
