"""The national platform's messages: receiving (checked, idempotent, dispatched to the
transfer they concern) and sending the outbox through the adapter."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction

from shebao.cases import services as case_services
from shebao.cases.applicants import applicant_for
from shebao.cases.services.opening import _open_one  # the engine's system opening (as its ratings use)
from shebao.catalog.selectors import item_get
from shebao.core import audit, workdays
from shebao.core.channels import Channel
from shebao.core.errors import ShebaoError
from shebao.pensions.transfers import platform, rules
from shebao.pensions.transfers.models import PlatformMessage, Transfer
from shebao.pensions.transfers.services.acting import _funds_arrived, _inbound, transfer_in_draft
from shebao.pensions.transfers.services.common import TRANSFER_IN_CODE, S, _audit, _today
from shebao.pensions.transfers.services.outgoing import _transfer_out_open


@dataclass(frozen=True)
class Receipt:
    """What became of a message that arrived: accepted, a duplicate of one already here (the
    first one's outcome, nothing done again), or rejected with the reason."""

    message: PlatformMessage | None
    accepted: bool
    duplicate: bool = False
    reason: str = ""


def _store_rejected(raw: Any, error: ShebaoError) -> Receipt:
    reason = f"{error.message_zh} / {error.message_en}"
    message_id = raw.get("message_id") if isinstance(raw, dict) else None
    if not isinstance(message_id, str) or not platform.MESSAGE_ID.fullmatch(message_id):
        with transaction.atomic():
            audit.record(actor=None, action="transfer.platform.reject", after={"reason": reason}, channel="system")
        return Receipt(message=None, accepted=False, reason=reason)
    with transaction.atomic():
        row, created = PlatformMessage.objects.get_or_create(
            direction=PlatformMessage.Direction.INBOUND,
            message_id=message_id,
            defaults={
                "kind": str(raw.get("kind") or "")[:12] if str(raw.get("kind") or "") in platform.KINDS else "",
                "transfer_ref": str(raw.get("transfer_ref") or "")[:40],
                "sender": str(raw.get("sender") or "")[:12],
                "receiver": str(raw.get("receiver") or "")[:12],
                "payload": raw,
                "state": PlatformMessage.State.REJECTED,
                "reason": reason,
            },
        )
        if created:
            audit.record(
                actor=None,
                action="transfer.platform.reject",
                subject_type="pension_transfers.PlatformMessage",
                subject_id=row.pk,
                after={"message_id": message_id, "reason": reason},
                channel="system",
            )
    if not created:
        return Receipt(message=row, accepted=row.state == "accepted", duplicate=True, reason=row.reason)
    return Receipt(message=row, accepted=False, reason=reason)


def platform_receive(*, raw: Any) -> Receipt:
    """A message from the national platform. Checked against the contract (a bad one is stored
    rejected, with the reason); the same message id again is the same message (its first
    outcome, nothing done twice); an accepted one moves its transfer on, in one transaction."""
    if isinstance(raw, dict) and isinstance(raw.get("message_id"), str):
        seen = PlatformMessage.objects.filter(
            direction=PlatformMessage.Direction.INBOUND, message_id=raw["message_id"]
        ).first()
        if seen is not None:
            return Receipt(message=seen, accepted=seen.state == "accepted", duplicate=True, reason=seen.reason)
    try:
        message = platform.message_parse(raw)
        with transaction.atomic():
            row = PlatformMessage.objects.create(
                message_id=message.message_id,
                direction=PlatformMessage.Direction.INBOUND,
                kind=message.kind,
                transfer_ref=message.transfer_ref,
                sender=message.sender,
                receiver=message.receiver,
                sent_at=message.sent_at,
                payload=message.as_json(),
                state=PlatformMessage.State.ACCEPTED,
            )
            row.transfer = _dispatch(message)
            row.save(update_fields=["transfer"])
            audit.record(
                actor=None,
                action="transfer.platform.receive",
                subject_type="pension_transfers.PlatformMessage",
                subject_id=row.pk,
                subject_person=message.id_number,
                after={"kind": message.kind, "ref": message.transfer_ref, "from": message.sender},
                channel="system",
            )
    except IntegrityError:  # the same message arriving twice at once: the first one stands
        seen = PlatformMessage.objects.filter(
            direction=PlatformMessage.Direction.INBOUND, message_id=raw["message_id"]
        ).first()
        if seen is None:
            raise
        return Receipt(message=seen, accepted=seen.state == "accepted", duplicate=True, reason=seen.reason)
    except ShebaoError as error:
        return _store_rejected(raw, error)
    return Receipt(message=row, accepted=True)


def _transfer_in_apply(message: platform.Message) -> Transfer:
    """An application filed online with the national public service platform: the YL-003 case
    is received here as an online application (its materials told once, 一次性告知: the ID card
    is uploaded by the applicant; the contribution certificate comes through the platform), and
    the transfer keeps the platform's reference."""
    from shebao.registry.models import Person

    body = message.body
    if Transfer.objects.filter(ref=message.transfer_ref).exists():
        raise platform.BadMessage(
            f"转移业务 {message.transfer_ref} 已有申请", "An application for this transfer is already here"
        )
    if body["from_agency"] not in platform.AGENCIES or body["from_agency"] == platform.OUR_AGENCY:
        raise platform.BadMessage(
            f"未知的原参保地经办机构 {body['from_agency']}", "Unknown original agency", field="body.from_agency"
        )
    person = Person.objects.filter(id_number=message.id_number).first()
    if person is None:
        raise platform.BadMessage(
            "申请人尚未在本市参保缴费，须先在新参保地参保后申请转入", "The applicant is not insured here yet"
        )
    phone = person.phone if len(person.phone) == 11 else ""
    case = _open_one(
        actor=None,
        item=item_get(code=TRANSFER_IN_CODE),
        applicant=applicant_for(id_number=person.id_number),
        channel=Channel.ONLINE,
        form={
            "id_number": person.id_number,
            "name": person.name,
            "phone": phone or "13800138000",
            "from_place": platform.AGENCIES[body["from_agency"]][:2],
            "from_agency": platform.AGENCIES[body["from_agency"]],
            "from_agency_code": body["from_agency"],
            "period_from": body["period_from"],
            "period_to": body["period_to"],
        },
        materials={"contribution_certificate": "commitment"},
        receiving_office=None,
        phone=phone,
        group_ref="",
    )
    draft = transfer_in_draft(case=case)
    draft.ref = message.transfer_ref
    draft.applied_on = dt.date.fromisoformat(body["applied_on"])
    draft.save(force_insert=True)
    _audit(draft, actor=None, action="transfer.record", after={"case": case.number, "ref": draft.ref})
    return draft


def _dispatch(message: platform.Message) -> Transfer:
    if message.kind == "letter":
        return _transfer_out_open(message)
    if message.kind == "application":
        return _transfer_in_apply(message)
    transfer = Transfer.objects.filter(ref=message.transfer_ref).select_related("case").first()
    if transfer is None or transfer.other_agency != message.sender or transfer.id_number != message.id_number:
        raise platform.BadMessage(
            f"无此转移业务：{message.transfer_ref}", f"No transfer {message.transfer_ref} with this agency and person"
        )
    if message.kind in ("info_form", "fund_notice"):
        if transfer.direction != Transfer.Direction.IN or transfer.state != S.LETTER_SENT:
            raise platform.BadMessage(
                "该转移业务当前不接收信息表或基金", "This transfer is not waiting for a form or funds"
            )
        if _inbound(transfer, message.kind) is not None:
            raise platform.BadMessage(
                "该转移业务已收到同类报文", f"A {message.kind} for this transfer has already arrived"
            )
        if message.kind == "info_form":
            on = _today()
            for line in message.body["years"]:
                expected = rules.year_pooled(year=line["year"], base_total=Decimal(line["base_total"]), on=on)
                if expected != Decimal(line["pooled"]):
                    raise platform.BadMessage(
                        f"{line['year']}年统筹基金应为 {expected} 元（缴费基数合计×12%），信息表为 {line['pooled']} 元",
                        f"Pooled amount for {line['year']} should be {expected}, the form says {line['pooled']}",
                    )
        # the caller stored this message before the dispatch: tie it, then both present -> phase 3
        PlatformMessage.objects.filter(
            direction=PlatformMessage.Direction.INBOUND, message_id=message.message_id
        ).update(transfer=transfer)
        _funds_arrived(transfer)
        return transfer
    if message.kind == "receipt":
        if transfer.direction != Transfer.Direction.OUT or transfer.state != S.SENT:
            raise platform.BadMessage("该转移业务不在等待接续回执", "This transfer is not waiting for a receipt")
        transfer.state = S.COMPLETED
        transfer.completed_on = dt.date.fromisoformat(message.body["completed_on"])
        transfer.save(update_fields=["state", "completed_on", "updated_at"])
        _audit(transfer, actor=None, action="transfer.close", after={"completed_on": transfer.completed_on})
        return transfer
    if message.kind == "refusal":
        if transfer.direction != Transfer.Direction.IN or transfer.state != S.LETTER_SENT:
            raise platform.BadMessage(
                "该转移业务不在等待转出地办理", "This transfer is not waiting for the other agency"
            )
        reason = message.body["reason"]
        transfer.refusal_reason = f"转出地不予转出：{reason}"
        transfer.save(update_fields=["refusal_reason", "updated_at"])
        case = transfer.case
        # phase 2 ends; phase 3's staff tell the person in writing (they refuse the case)
        case_services.case_outside_done(actor=None, case_id=case.pk, version=case.version, note=transfer.refusal_reason)
        return transfer
    raise platform.BadMessage(f"本机构不接收 {message.kind} 报文", f"We do not take {message.kind} messages")


def platform_send_pending(*, limit: int = 500) -> dict[str, int]:
    """Hand the outbox to the platform adapter, oldest first. Sent messages of the simulated
    platform get the working day their answer is due; a platform that is not configured leaves
    them pending, counted, to be retried."""
    adapter = platform.platform_adapter()
    sent = failed = 0
    today = _today()
    for row in PlatformMessage.objects.filter(direction="out", state="pending").order_by("id")[:limit]:
        message = platform.message_from_outbox(row.payload)
        try:
            adapter.send(message)
        except platform.PlatformNotConfigured:
            PlatformMessage.objects.filter(pk=row.pk).update(attempts=row.attempts + 1)
            failed += 1
            continue
        answer_on = workdays.due_date(start=today, workdays=platform.simulated_days()).due_date
        with transaction.atomic():
            PlatformMessage.objects.filter(pk=row.pk).update(state="sent", answer_on=answer_on)
            audit.record(
                actor=None,
                action="transfer.platform.send",
                subject_type="pension_transfers.PlatformMessage",
                subject_id=row.pk,
                after={"kind": row.kind, "to": row.receiver, "adapter": adapter.name},
                channel="system",
            )
        sent += 1
    return {"sent": sent, "failed": failed}
