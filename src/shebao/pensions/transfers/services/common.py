"""What the transfer commands share: the audit event, telling the person, the outbox."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from shebao.contributions.selectors import DifferenceOwed
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


@dataclass(frozen=True)
class Owed:
    """What the person owes here before a transfer out (第七条), and of what: the months shown in
    arrears (both parts of each) and the overdue differences of base corrections (补差: both
    parts, asked of the employer by a difference bill) — each named, so the clerk can say which
    bill is to be paid, and by whom."""

    months: Decimal
    differences: tuple[DifferenceOwed, ...] = ()

    @property
    def total(self) -> Decimal:
        return self.months + sum((d.total for d in self.differences), ZERO)

    @property
    def why_zh(self) -> str:
        parts = [f"欠费月份 {self.months} 元"] if self.months else []
        parts += [
            f"{d.period:%Y年%m月}缴费基数更正补差 {d.total} 元（单位 {d.employer} 元，个人 {d.personal} 元；"
            f"缴费单 {d.bill_number}，办件 {d.case_number}，{d.due_date:%Y-%m-%d} 到期未缴）"
            for d in self.differences
        ]
        return "；".join(parts)

    @property
    def why_en(self) -> str:
        parts = [f"months in arrears {self.months}"] if self.months else []
        parts += [
            f"the base correction difference of {d.period:%Y-%m}, {d.total} (employer {d.employer}, personal"
            f" {d.personal}; bill {d.bill_number}, case {d.case_number}, unpaid since {d.due_date:%Y-%m-%d})"
            for d in self.differences
        ]
        return "; ".join(parts)

    def refusal(self) -> tuple[str, str]:
        """The bilingual message of a step refused for what is owed (第七条), naming of what."""
        return (
            f"该参保人欠缴社会保险费 {self.total} 元（{self.why_zh}），须补缴后方可转出（第七条）",
            f"Contributions of {self.total} yuan are in arrears ({self.why_en}):"
            " settle them before the transfer out (Art. 7)",
        )


def transfer_out_owed(*, actor: Account, transfer: Transfer) -> Owed:
    """What the person owes here (第七条), read through the contributions' selectors with the
    actor's sight: the months shown in arrears, and the upward base differences (补差) of the
    person's months whose difference bill is open past its due date (the month shows △ on the
    record). A difference not yet due is not in arrears, as a month not yet due is not."""
    from shebao.contributions.selectors import differences_overdue_of_person, months_of_person
    from shebao.registry.models import Person

    person = Person.objects.filter(id_number=transfer.id_number).first()
    if person is None:
        return Owed(months=ZERO)
    today = _today()
    months = months_of_person(actor=actor, person=person, as_of=today)
    in_arrears = sum((m.personal + m.employer for m in months if m.shown_status == "arrears"), ZERO)
    differences = differences_overdue_of_person(actor=actor, person=person, as_of=today)
    return Owed(months=in_arrears, differences=tuple(differences))


def transfer_out_arrears(*, actor: Account, transfer: Transfer) -> Decimal:
    """What the person owes here in all (第七条): :func:`transfer_out_owed`'s total."""
    return transfer_out_owed(actor=actor, transfer=transfer).total
