"""The writers of unemployment insurance: the employer's separation filing (SY-001), the claim
completed on the spot (SY-002), stopping a claim (SY-003, and automatically on re-employment),
and the monthly payment as a chunked, idempotent job.

A claim's month is paid once (``unemployment_pay_month_once``); each transfer carries the
idempotency key ``SY-<claim>-<YYYYMM>``, so a chunk re-run after a crash (its rows rolled back
after the bank had the transfer) sends the same key and the bank answers with the first
transfer, never a second one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from shebao.contributions.selectors import unemployment_paid_months
from shebao.core import audit
from shebao.core.errors import Conflict, InvalidInput
from shebao.core.jobs import JobKind, Params, id_span
from shebao.core.models import Account
from shebao.core.months import month_add, month_start
from shebao.registry.models import Employment, Person
from shebao.unemployment import bank, params, rules
from shebao.unemployment.models import Claim, ClaimPayment, Separation

PAYMENTS_JOB = "unemployment.payments"


def person_by_id_number(id_number: str) -> Person:
    person = Person.objects.filter(id_number=id_number).select_related("district").first()
    if person is None:
        raise InvalidInput("该参保人未登记", "This person is not registered", field="id_number")
    return person


def separation_latest(*, person_id: int, terminated_on: dt.date | None = None) -> Separation | None:
    """The employer's latest filing for the person (of that day when given)."""
    rows = Separation.objects.filter(person_id=person_id)
    if terminated_on is not None:
        rows = rows.filter(terminated_on=terminated_on)
    return rows.order_by("-terminated_on", "-id").first()


def unused_months(*, person_id: int) -> int:
    """An earlier claim's months not paid (条例第十七条): only a stopped claim leaves any; the
    latest claim carries what came before it."""
    last = Claim.objects.filter(person_id=person_id).exclude(status=Claim.Status.PAYING).order_by("-id").first()
    if last is None or last.status != Claim.Status.STOPPED:
        return 0
    return max(0, last.max_months - last.payments.count())


def claim_assess(*, id_number: str, form: Mapping[str, Any], on: dt.date) -> rules.Assessment:
    """SY-002's assessment from the records: contribution months from the contributions ledger
    up to the month employment ended, the separation reason from the employer's filing when
    there is one (a voluntary one in either refuses), unused months of a stopped claim."""
    person = person_by_id_number(id_number)
    terminated_on = dt.date.fromisoformat(str(form["terminated_on"]))
    rule_set = params.params_on(on=on)
    months = unemployment_paid_months(person_ids=[person.pk], before=month_add(terminated_on, 1))[person.pk]
    reason = str(form.get("end_reason") or "")
    filed = separation_latest(person_id=person.pk, terminated_on=terminated_on)
    if filed is not None and not rule_set.reasons.get(filed.reason, _VOLUNTARY).eligible:
        reason = filed.reason
    return rules.unemployment_assess(
        contribution_months=months,
        separation_reason=reason,
        previous_unused_months=unused_months(person_id=person.pk),
        params=rule_set,
        separated_on=terminated_on,
        claimed_on=on,
    )


_VOLUNTARY = rules.SeparationRule("", False, "", "", "", rules.RuleRef("", "", "", "", "", ""))


def separation_file(*, actor: Account | None, case_number: str, form: Mapping[str, Any]) -> Separation:
    """失业人员名单备案 (SY-001, 条例第十六条): record the employer's statement of the reason."""
    person = person_by_id_number(str(form["id_number"]))
    row = Separation.objects.create(
        person=person,
        unit_code=str(form["unit_code"]).upper(),
        terminated_on=dt.date.fromisoformat(str(form["terminated_on"])),
        reason=str(form["end_reason"]),
        case_number=case_number,
    )
    audit.record(
        actor=actor,
        action="unemployment.separation.file",
        subject_type="unemployment.Separation",
        subject_id=row.pk,
        subject_person=person.id_number,
        after={"case": case_number, "unit": row.unit_code, "reason": row.reason, "on": row.terminated_on.isoformat()},
    )
    return row


def claim_create(*, actor: Account | None, case_number: str, form: Mapping[str, Any]) -> Claim:
    """失业保险金申领登记 (SY-002) completed at acceptance: the claim with its months, its monthly
    amount and the derivation; paid from the next month, with the claimant's medical insurance
    paid by the fund for each month paid. Refused (nothing written) when the assessment is."""
    today = timezone.localdate()
    person = person_by_id_number(str(form["id_number"]))
    result = claim_assess(id_number=person.id_number, form=form, on=today)
    if not result.eligible:
        first = result.reasons[0]
        raise Conflict(first.message, first.message_en, field="id_number")
    if Claim.objects.filter(person=person, status=Claim.Status.PAYING).exists():
        raise Conflict("该参保人正在领取失业保险金", "This person is already being paid a benefit", field="id_number")
    claim = Claim.objects.create(
        person=person,
        district=person.district,
        case_number=case_number,
        separation_reason=result.derivation["inputs"]["separation_reason"],
        terminated_on=dt.date.fromisoformat(str(form["terminated_on"])),
        contribution_months=result.derivation["inputs"]["contribution_months"],
        carried_months=result.derivation["inputs"]["previous_unused_months"],
        start_month=month_add(today, 1),
        max_months=result.max_months,
        monthly_benefit=result.monthly_benefit,
        derivation=result.derivation,
        rules=[r["ref"] for r in result.derivation["rules"]],
        provisional=result.provisional,
        bank_card=str(form["bank_card"]),
    )
    audit.record(
        actor=actor,
        action="unemployment.claim.create",
        subject_type="unemployment.Claim",
        subject_id=claim.pk,
        subject_person=person.id_number,
        after={
            "case": case_number,
            "start": claim.start_month.isoformat(),
            "months": claim.max_months,
            "monthly": str(claim.monthly_benefit),
            "rules": claim.rules,
        },
    )
    return claim


def claim_stop(
    *, actor: Account | None, person: Person, reason: str, from_month: dt.date, case_number: str = ""
) -> Claim:
    """停发 (SY-003, 社会保险法第五十一条): nothing is paid from ``from_month``'s month on; the months
    not paid stay for a later claim (counted by :func:`unused_months`)."""
    if reason not in Claim.StopReason.values:
        raise InvalidInput("停发原因不正确", "Unknown stop reason", field="stop_reason")
    with transaction.atomic():
        claim = Claim.objects.select_for_update().filter(person=person, status=Claim.Status.PAYING).first()
        if claim is None:
            raise Conflict(
                "该参保人没有正在领取的失业保险金", "No benefit is being paid to this person", field="id_number"
            )
        month = month_start(from_month)
        if ClaimPayment.objects.filter(claim=claim, month__gte=month).exists():
            raise Conflict(
                f"{month:%Y年%m月}及以后已发放，停发月份须在已发放月份之后",
                f"{month:%Y-%m} or later is already paid: stop after the months paid",
                field="stop_from",
            )
        claim.status, claim.stop_reason, claim.stopped_from = Claim.Status.STOPPED, reason, month
        claim.save(update_fields=["status", "stop_reason", "stopped_from"])
        audit.record(
            actor=actor,
            action="unemployment.claim.stop",
            subject_type="unemployment.Claim",
            subject_id=claim.pk,
            subject_person=person.id_number,
            after={
                "reason": reason,
                "from": month.isoformat(),
                "case": case_number,
                "unused": unused_months(person_id=person.pk),
            },
            channel="system" if actor is None else "",
        )
    return claim


# --- the monthly payment ---------------------------------------------------------------------


def _stop_reemployed(claims: list[Claim], *, month: dt.date) -> set[int]:
    """Claims whose claimant the registry shows employed again (an employment starting after the
    claim's separation, begun by ``month``'s end): stopped from the month after it began."""
    starts: dict[int, list[dt.date]] = {}
    rows = Employment.objects.filter(
        person_id__in=[c.person_id for c in claims], start__lt=month_add(month, 1)
    ).values_list("person_id", "start")
    for pid, begun in rows:
        starts.setdefault(pid, []).append(begun)
    stopped: set[int] = set()
    for claim in claims:
        later = [d for d in starts.get(claim.person_id, []) if d > claim.terminated_on]
        if not later:
            continue
        start = min(later)
        claim.status, claim.stop_reason = Claim.Status.STOPPED, Claim.StopReason.REEMPLOYED
        claim.stopped_from = max(month_add(start, 1), claim.start_month)
        claim.save(update_fields=["status", "stop_reason", "stopped_from"])
        audit.record(
            actor=None,
            action="unemployment.claim.stop",
            subject_type="unemployment.Claim",
            subject_id=claim.pk,
            after={"reason": "reemployed", "from": claim.stopped_from.isoformat(), "employed_from": start.isoformat()},
            channel="system",
        )
        stopped.add(claim.pk)
    return stopped


def payments_issue_range(
    *, month: dt.date, lo: int, hi: int, adapter: bank.BankAdapter | None = None
) -> dict[str, int]:
    """Pay every claim being paid with id in ``lo..hi`` each month from its next unpaid month to
    ``month`` (a missed month is caught up), within its months granted and before a stop.
    Claimants employed again are stopped first. Idempotent: a month paid is never paid again
    (constraint), and the bank's idempotency key makes a resent transfer the same transfer."""
    adapter = adapter or bank.adapter()
    month = month_start(month)
    claims = list(Claim.objects.filter(id__gte=lo, id__lte=hi, status=Claim.Status.PAYING, start_month__lte=month))
    if not claims:
        return {"claims": 0, "payments": 0, "stopped": 0}
    # a claimant employed again is stopped first; the months before the stop are still paid
    stopped = _stop_reemployed(claims, month=month)
    paid: dict[int, int] = {}
    last: dict[int, dt.date] = {}
    for cid, count, latest in (
        ClaimPayment.objects.filter(claim_id__in=[c.pk for c in claims])
        .values("claim_id")
        .annotate(n=Count("id"), m=Max("month"))
        .values_list("claim_id", "n", "m")
    ):
        paid[cid], last[cid] = count, latest
    now = timezone.now()
    rows: list[ClaimPayment] = []
    exhausted: list[int] = []
    for claim in claims:
        count = paid.get(claim.pk, 0)
        current = month_add(last[claim.pk], 1) if claim.pk in last else claim.start_month
        end = min(month, month_add(claim.stopped_from, -1)) if claim.stopped_from else month
        while current <= end and count < claim.max_months:
            key = f"SY-{claim.pk}-{current:%Y%m}"
            receipt = adapter.transfer(
                key=key, account=claim.bank_card, amount=claim.monthly_benefit, memo="失业保险金"
            )
            rows.append(
                ClaimPayment(
                    claim=claim,
                    month=current,
                    amount=claim.monthly_benefit,
                    bank_card=claim.bank_card,
                    key=key,
                    status=ClaimPayment.Status.SENT if receipt.accepted else ClaimPayment.Status.FAILED,
                    bank_ref=receipt.reference,
                    paid_at=now,
                )
            )
            count += 1
            current = month_add(current, 1)
        if count >= claim.max_months and claim.pk not in stopped:
            exhausted.append(claim.pk)
    ClaimPayment.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    if exhausted:
        Claim.objects.filter(pk__in=exhausted).update(status=Claim.Status.EXHAUSTED)
    if rows or stopped:
        audit.record(
            actor=None,
            action="unemployment.payments.chunk",
            subject_type="unemployment.ClaimPayment",
            subject_id=month.isoformat(),
            after={"claims": [lo, hi], "payments": len(rows), "stopped": len(stopped), "used_up": len(exhausted)},
            channel="system",
        )
    return {"claims": len(claims), "payments": len(rows), "stopped": len(stopped)}


def _plan(job_params: Params) -> list[tuple[int, int]]:
    return id_span(Claim.objects.filter(status=Claim.Status.PAYING))


def _run_chunk(*, params: Params, lo: int, hi: int) -> dict[str, Any]:
    return payments_issue_range(month=dt.date.fromisoformat(params["month"]), lo=lo, hi=hi)


PAYMENTS = JobKind(
    name=PAYMENTS_JOB, title="按月发放失业保险金 / Monthly unemployment benefit", plan=_plan, run_chunk=_run_chunk
)
