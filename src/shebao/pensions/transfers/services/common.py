"""What the transfer commands share: the audit event, telling the person, the outbox."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from shebao.core import audit
from shebao.core.channels import Channel
from shebao.core.models import Account
from shebao.core.notify import notification_enqueue
from shebao.pensions.transfers import platform
from shebao.pensions.transfers.models import PlatformMessage, Transfer

TRANSFER_IN_CODE = "YL-003"
ZERO = Decimal("0.00")
S = Transfer.State


def _today() -> dt.date:
    return timezone.localdate()


def _audit(transfer: Transfer, *, actor: Account | None, action: str, after: Any = None, before: Any = None) -> None:
    audit.record(
        actor=actor,
        action=action,
        subject_type="pension_transfers.Transfer",
        subject_id=transfer.pk,
        subject_person=transfer.id_number,
        before=before,
        after=after,
        channel=Channel.SYSTEM if actor is None else Channel.HALL,
    )


def _tell(transfer: Transfer, *, event: str, body: str) -> None:
    """The person is told (SMS to the case's phone, else the app's inbox); once per event."""
    case = transfer.case
    recipient = case.applicant_phone or (case.applicant_account.username if case.applicant_account else "")
    if not recipient:
        return
    notification_enqueue(
        key=f"transfer:{transfer.pk}:{event}",
        channel="sms" if case.applicant_phone else "push",
        recipient=recipient,
        account=case.applicant_account,
        subject="养老保险关系转移接续",
        body=body,
    )


def _outbox(transfer: Transfer, *, kind: str, body: dict[str, Any]) -> PlatformMessage:
    message = platform.message_new(
        kind=kind,
        receiver=transfer.other_agency,
        transfer_ref=transfer.ref,
        id_number=transfer.id_number,
        name=transfer.name,
        body=body,
    )
    return PlatformMessage.objects.create(
        message_id=message.message_id,
        direction=PlatformMessage.Direction.OUTBOUND,
        kind=kind,
        transfer=transfer,
        transfer_ref=transfer.ref,
        sender=message.sender,
        receiver=message.receiver,
        sent_at=message.sent_at,
        payload=message.as_json(),
        state=PlatformMessage.State.PENDING,
    )


def _is_wuhan(place: str, id_number: str) -> bool:
    """Is the 户籍 place Wuhan? From the registry's 户籍地 when recorded; otherwise, as an
    assumption shown with the decision, from the ID number's address code (4201…)."""
    if place:
        return "武汉" in place
    return id_number.startswith("4201")


def _form_date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _person_hukou(id_number: str) -> str:
    from shebao.registry.models import Person

    return Person.objects.filter(id_number=id_number).values_list("hukou_place", flat=True).first() or ""


def transfer_out_arrears(*, actor: Account, transfer: Transfer) -> Decimal:
    """What the person owes here (第七条): the months shown in arrears, read through the
    contributions' selectors with the actor's sight."""
    from shebao.contributions.selectors import months_of_person
    from shebao.registry.models import Person

    person = Person.objects.filter(id_number=transfer.id_number).first()
    if person is None:
        return ZERO
    months = months_of_person(actor=actor, person=person, as_of=_today())
    return sum((m.personal + m.employer for m in months if m.shown_status == "arrears"), ZERO)
