"""The transfer's case: recording a transfer in, acting on its steps (the letter at the end of
phase 1), refusing, the catch-up with the engine's own pages, and phase 3's completion."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from shebao.cases import services as case_services
from shebao.cases.models import Case
from shebao.core.channels import Channel
from shebao.core.errors import Conflict, InvalidInput, NotFound
from shebao.core.identifiers import id_number_validate
from shebao.core.models import Account
from shebao.pensions.transfers import platform, rules
from shebao.pensions.transfers.items import TRANSFER_OUT_CODE
from shebao.pensions.transfers.models import PlatformMessage, Transfer, TransferredPeriod
from shebao.pensions.transfers.services.common import (
    TRANSFER_IN_CODE,
    S,
    _audit,
    _form_date,
    _is_wuhan,
    _outbox,
    _person_hukou,
    _tell,
    _today,
    transfer_out_owed,
)


def transfer_in_draft(*, case: Case) -> Transfer:
    """The transfer a YL-003 case describes, not saved: what its pages show before the first
    command records it."""
    if case.item.code != TRANSFER_IN_CODE:
        raise InvalidInput("该办件不是跨省转入", "This case is not a cross-province transfer in", field="case")
    form = case.form_data
    number = id_number_validate(case.applicant_id_number)
    code = str(form.get("from_agency_code") or "")
    return Transfer(
        ref=f"{platform.OUR_AGENCY}-{case.number}",
        direction=Transfer.Direction.IN,
        case=case,
        state=S.APPLIED,
        id_number=case.applicant_id_number,
        name=case.applicant_name,
        sex="M" if number.sex == "M" else "F",
        birth_date=number.birth_date,
        hukou_place=_person_hukou(case.applicant_id_number),
        other_agency=code,
        other_agency_name=platform.AGENCIES.get(code, str(form.get("from_agency") or "")),
        period_from=_form_date(form.get("period_from")),
        period_to=_form_date(form.get("period_to")),
        applied_on=timezone.localtime(case.received_at).date(),
    )


def transfer_in_record(*, case: Case) -> Transfer:
    """The transfer of a YL-003 case, recorded from its form the first time it is needed
    (idempotent: the case is unique on the transfer)."""
    found = Transfer.objects.filter(case=case).first()
    if found is not None:
        return found
    transfer = transfer_in_draft(case=case)
    try:
        with transaction.atomic():
            transfer.save(force_insert=True)
            _audit(transfer, actor=None, action="transfer.record", after={"case": case.number, "ref": transfer.ref})
    except IntegrityError:
        return Transfer.objects.get(case=case)
    return transfer


def temporary_account_for(transfer: Transfer, *, on: dt.date | None = None) -> rules.TemporaryAccountDecision:
    """第五条 for this transfer, on the day it was applied for."""
    return rules.temporary_account_decide(
        sex=transfer.sex,
        birth_date=transfer.birth_date,
        on=on or transfer.applied_on,
        to_hukou_place=_is_wuhan(transfer.hukou_place, transfer.id_number),
    )


def _phase_done(case: Case, code: str) -> dt.date | None:
    row = case.phases.filter(phase__code=code).values_list("finished_on", flat=True).first()
    return row


def transfer_sync(*, transfer: Transfer) -> Transfer:
    """Bring the transfer in line with its case: the letter once phase 1 is done, the refusal
    once the case was refused, the withdrawal. Idempotent; part of the caller's transaction."""
    case = Case.objects.get(pk=transfer.case_id)
    transfer.case = case
    if transfer.state in (S.COMPLETED, S.REFUSED, S.WITHDRAWN):
        return transfer
    if case.status == Case.Status.REJECTED:
        reason = "；".join(case.rejection_reasons or []) or case.outcome_note
        transfer.state, transfer.refusal_reason = S.REFUSED, reason
        transfer.save(update_fields=["state", "refusal_reason", "updated_at"])
        if transfer.direction == Transfer.Direction.OUT:
            _outbox(transfer, kind="refusal", body={"reason": reason})
        _audit(transfer, actor=None, action="transfer.refuse", after={"reason": reason})
        return transfer
    if case.status == Case.Status.WITHDRAWN:
        transfer.state = S.WITHDRAWN
        transfer.save(update_fields=["state", "updated_at"])
        return transfer
    if transfer.direction == Transfer.Direction.IN and transfer.state == S.APPLIED:
        letter_on = _phase_done(case, "check")
        if letter_on is not None:
            decision = temporary_account_for(transfer)
            body = {
                "applied_on": transfer.applied_on.isoformat(),
                "letter_date": letter_on.isoformat(),
                "to_hukou_place": decision.to_hukou_place,
            }
            _outbox(transfer, kind="letter", body=body)
            transfer.state, transfer.letter_on = S.LETTER_SENT, letter_on
            transfer.save(update_fields=["state", "letter_on", "updated_at"])
            _audit(transfer, actor=None, action="transfer.letter", after=body)
            _tell(
                transfer,
                event="letter",
                body=f"您的养老保险关系转入申请已审核通过，已于{letter_on:%Y年%m月%d日}向{transfer.other_agency_name}发出联系函。"
                "转出地将在15个工作日内办理转出。",
            )
    return transfer


def _transfer_for_staff(actor: Account, case_id: int) -> Transfer:
    """The transfer of a case the staff member may see (their district's, or any for city-wide
    roles), recorded from the case if it is not yet; NotFound otherwise, before anything is
    written."""
    from shebao.contributions.selectors import staff_district_id

    case = (
        Case.objects.select_related("item", "office__area")
        .filter(pk=case_id, item__code__in=(TRANSFER_IN_CODE, TRANSFER_OUT_CODE))
        .first()
    )
    district = staff_district_id(actor) if actor is not None and actor.is_authenticated else False
    if case is None or district is False or (district is not None and case.office.area.district_id != district):
        raise NotFound("未找到该转移接续业务", "No such transfer")
    transfer = Transfer.objects.select_related("case").filter(case=case).first()
    return transfer if transfer is not None else transfer_in_record(case=case)


def transfer_act(
    *, actor: Account, case_id: int, version: int, action: str, note: str = "", channel: str = Channel.HALL
) -> Transfer:
    """Do the transfer case's current step (受理 / 复核 / 审批) and bring the transfer along in the
    same transaction: finishing phase 1 of a transfer in sends the acceptance letter.

    Refused before anything is written: phase 1's review of someone who must get a temporary
    account instead (第五条: the relationship stays at the original place); the approval of a
    transfer out while contributions are in arrears (第七条) — the amount owed is named."""
    with transaction.atomic():  # a refusal leaves nothing, not even the transfer's record
        transfer = _transfer_for_staff(actor, case_id)
        case = transfer.case
        step = case.current_step
        phase_one = step is not None and step.phase.code == "check"
        if transfer.direction == Transfer.Direction.IN and action == "review" and phase_one:
            decision = temporary_account_for(transfer)
            if decision.temporary:
                raise Conflict(
                    f"依第五条应建立临时基本养老保险缴费账户，不转移关系：{decision.reason}。请不予转移并告知申请人",
                    "Art. 5: a temporary contribution account, not a transfer; refuse and tell the applicant",
                )
        if transfer.direction == Transfer.Direction.OUT and action in ("review", "approve"):
            owed = transfer_out_owed(actor=actor, transfer=transfer)
            if owed.total > 0:
                raise Conflict(*owed.refusal(), owed=str(owed.total))
        case_services.case_act(actor=actor, case_id=case.pk, version=version, action=action, note=note, channel=channel)
        transfer = Transfer.objects.select_related("case").get(pk=transfer.pk)
        transfer_sync(transfer=transfer)
    return transfer


def transfer_refuse(
    *, actor: Account, case_id: int, version: int, reasons: list[str], channel: str = Channel.HALL
) -> Transfer:
    """不予转移, with the written reasons (第八条: "不符合条件的，书面说明理由"): the case is
    refused, the person told; a transfer out also tells the new agency through the platform."""
    with transaction.atomic():
        transfer = _transfer_for_staff(actor, case_id)
        case_services.case_reject(
            actor=actor, case_id=transfer.case_id, version=version, reasons=reasons, channel=channel
        )
        transfer = Transfer.objects.select_related("case").get(pk=transfer.pk)
        transfer_sync(transfer=transfer)
    return transfer


def transfer_refuse_arrears(*, actor: Account, case_id: int, version: int) -> Transfer:
    """不予转出 for arrears (第七条), the amount owed in the reason."""
    transfer = _transfer_for_staff(actor, case_id)
    owed = transfer_out_owed(actor=actor, transfer=transfer)
    if owed.total <= 0:
        raise Conflict("该参保人没有欠费", "There are no arrears to refuse for")
    reason = (
        f"欠缴社会保险费 {owed.total} 元（{owed.why_zh}），须在转出地补缴后方可办理转移（国办发〔2009〕66号第七条）"
    )
    return transfer_refuse(actor=actor, case_id=case_id, version=version, reasons=[reason])


def transfers_reconcile() -> int:
    """The platform job's catch-up: a YL-003 case without its transfer gets one, and a transfer
    behind its case (a step done on the engine's case page) is brought along. Returns how many
    transfers changed state."""
    changed = 0
    missing = Case.objects.filter(item__code=TRANSFER_IN_CODE).exclude(pk__in=Transfer.objects.values("case_id"))
    for case in missing.select_related("item")[:500]:
        transfer_in_record(case=case)
    for transfer in Transfer.objects.filter(state__in=Transfer.OPEN_STATES).select_related("case"):
        before = transfer.state
        with transaction.atomic():
            transfer_sync(transfer=transfer)
        changed += transfer.state != before
    return changed


def _inbound(transfer: Transfer, kind: str) -> PlatformMessage | None:
    return (
        transfer.messages.filter(direction=PlatformMessage.Direction.INBOUND, kind=kind, state="accepted")
        .order_by("id")
        .first()
    )


def _funds_arrived(transfer: Transfer) -> None:
    """Both the information form and the fund notice are here: phase 2 ends, phase 3 starts."""
    form, fund = _inbound(transfer, "info_form"), _inbound(transfer, "fund_notice")
    if form is None or fund is None or transfer.state != S.LETTER_SENT:
        return
    body, notice = form.payload["body"], fund.payload["body"]
    if Decimal(notice["amount"]) != Decimal(body["total"]):
        raise platform.BadMessage(
            f"基金转移金额 {notice['amount']} 与信息表转移总额 {body['total']} 不符",
            "The fund notice's amount differs from the information form's total",
        )
    transfer.balance, transfer.pooled, transfer.total = (
        Decimal(body["balance"]),
        Decimal(body["pooled_total"]),
        Decimal(body["total"]),
    )
    transfer.form_received_on = timezone.localtime(form.recorded_at).date()
    transfer.funds_received_on = timezone.localtime(fund.recorded_at).date()
    transfer.derivation = {"info_form": body, "fund_notice": notice}
    transfer.state = S.FUNDS_RECEIVED
    transfer.save()
    case = Case.objects.get(pk=transfer.case_id)
    case_services.case_outside_done(
        actor=None, case_id=case.pk, version=case.version, note=f"收到{transfer.other_agency_name}信息表和基金转移通知"
    )
    _audit(transfer, actor=None, action="transfer.funds", after={"total": transfer.total})


def transfer_in_complete(*, case: Case, actor: Account | None) -> dict[str, Any]:
    """Phase 3 done (the handler of YL-003, in the completing transaction): the years brought
    in are recorded (缴费年限累计计算, never lost), the personal account is credited with the
    balance, the pooled amount recorded, the original agency and the person told."""
    transfer = transfer_in_record(case=case)
    form = _inbound(transfer, "info_form")
    if form is None or transfer.state != S.FUNDS_RECEIVED:
        raise Conflict(
            "尚未收到转出地的信息表和基金，不能办结", "The information form and the funds have not arrived yet"
        )
    body = form.payload["body"]
    place = transfer.other_agency_name
    for line in body["years"]:
        TransferredPeriod.objects.create(
            transfer=transfer,
            id_number=transfer.id_number,
            year=line["year"],
            first_month=line.get("first_month", 1),
            months=line["months"],
            base_total=Decimal(line["base_total"]),
            personal_amount=Decimal(line["personal_amount"]),
            pooled=Decimal(line["pooled"]),
            place=place,
        )
    from shebao.contributions.accounts import account_transfer_record
    from shebao.registry.models import Person

    person = Person.objects.filter(id_number=transfer.id_number).first()
    today = _today()
    if person is not None and transfer.balance:
        account_transfer_record(
            person=person,
            direction="in",
            amount=transfer.balance,
            month=today,
            note=f"自{place}转入个人账户储存额（{transfer.ref}）",
            actor=actor,
        )
    transfer.state, transfer.completed_on = S.COMPLETED, today
    transfer.save(update_fields=["state", "completed_on", "updated_at"])
    _outbox(transfer, kind="receipt", body={"completed_on": today.isoformat()})
    months = sum(int(line["months"]) for line in body["years"])
    _tell(
        transfer,
        event="completed",
        body=f"您的养老保险关系已从{place}转入武汉：转入缴费{months}个月（{len(body['years'])}个年度），"
        f"个人账户储存额 {transfer.balance} 元已记入个人账户，统筹基金 {transfer.pooled} 元。",
    )
    _audit(
        transfer,
        actor=actor,
        action="transfer.in",
        after={"months": months, "balance": transfer.balance, "pooled": transfer.pooled},
    )
    return {
        "transfer": transfer.ref,
        "months": months,
        "balance": str(transfer.balance),
        "pooled": str(transfer.pooled),
    }
