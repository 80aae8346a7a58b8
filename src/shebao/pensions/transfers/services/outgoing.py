"""The transfer out (转出, YL-013): opened by the new agency's letter, refused in arrears
(第七条), completed by computing the amount (第四条), closing the relationship and sending the
form and the funds."""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

from shebao.cases.applicants import applicant_for
from shebao.cases.models import Case
from shebao.cases.services.opening import _open_one  # the engine's system opening (as its ratings use)
from shebao.catalog.selectors import item_get
from shebao.core.channels import Channel
from shebao.core.errors import Conflict, ShebaoError
from shebao.core.models import Account
from shebao.pensions.transfers import platform, rules
from shebao.pensions.transfers.items import TRANSFER_OUT_CODE
from shebao.pensions.transfers.models import Transfer, TransferredPeriod
from shebao.pensions.transfers.services.common import ZERO, S, _audit, _outbox, _tell, _today, transfer_out_owed


def transfer_out_amount(*, actor: Account, transfer: Transfer, on: dt.date) -> rules.TransferAmount:
    """The amount to transfer (第四条) from our ledger and the account credited to ``on``."""
    from shebao.contributions.accounts import account_interest_credit, account_summary
    from shebao.contributions.selectors import months_of_person
    from shebao.registry.models import Person

    person = Person.objects.get(id_number=transfer.id_number)
    # interest to the transfer month (记账利息 at transfer-out, DOMAIN.md §2.2); already credited
    # this year, or no rate to credit with: the balance is as it stands
    with contextlib.suppress(ShebaoError):
        account_interest_credit(person=person, year=on.year, up_to_month=on.month, actor=actor)
    balance = account_summary(actor=actor, person=person).balance
    months = [
        rules.MonthBase(period=m.row.period, base=m.row.base, personal=m.row.account_credit)
        for m in months_of_person(actor=actor, person=person, as_of=on)
        if m.shown_status in ("paid", "transferred_in") and m.row.period <= on
    ]
    carried = [
        rules.CarriedYear(year=p.year, months=p.months, base_total=p.base_total, personal=p.personal_amount)
        for p in TransferredPeriod.objects.filter(id_number=transfer.id_number, transfer__state=S.COMPLETED)
    ]
    return rules.transfer_amount(balance=max(balance, ZERO), months=months, carried=carried, on=on)


def transfer_out_complete(*, case: Case, actor: Account | None) -> dict[str, Any]:
    """Our phase done (the handler of YL-013, in the completing transaction): refused while in
    arrears; otherwise the amount computed, the relationship closed (registry), the balance
    debited, the information form and the fund notice sent, the person told."""
    transfer = Transfer.objects.get(case=case)
    if actor is None:
        raise Conflict("转出须由审批人员办理", "A transfer out is approved by staff")
    owed = transfer_out_owed(actor=actor, transfer=transfer)
    if owed.total > 0:
        raise Conflict(*owed.refusal())
    today = _today()
    amount = transfer_out_amount(actor=actor, transfer=transfer, on=today)
    from shebao.contributions.accounts import account_transfer_record
    from shebao.registry.models import Person
    from shebao.registry.services.status import pension_transfer_out

    person = Person.objects.get(id_number=transfer.id_number)
    last = max((dt.date(y.year, 12, 1) for y in amount.years), default=today.replace(day=1))
    pension_transfer_out(
        actor=actor, person=person, last_month=min(last, today.replace(day=1)), to_agency=transfer.other_agency
    )
    if amount.balance:
        account_transfer_record(
            person=person,
            direction="out",
            amount=amount.balance,
            month=today,
            note=f"转往{transfer.other_agency_name}（{transfer.ref}）",
            actor=actor,
        )
    lines = [
        {
            "year": y.year,
            "months": y.months,
            "base_total": str(y.base_total),
            "personal_amount": str(y.personal),
            "pooled": str(y.pooled),
        }
        for y in amount.years
    ]
    if lines:
        _outbox(
            transfer,
            kind="info_form",
            body={
                "years": lines,
                "balance": str(amount.balance),
                "pooled_total": str(amount.pooled),
                "total": str(amount.total),
            },
        )
    _outbox(
        transfer,
        kind="fund_notice",
        body={
            "amount": str(amount.total),
            "balance": str(amount.balance),
            "pooled": str(amount.pooled),
            "value_date": today.isoformat(),
            "bank_ref": f"ZY{transfer.pk:010d}",
        },
    )
    transfer.balance, transfer.pooled, transfer.total = amount.balance, amount.pooled, amount.total
    transfer.derivation = amount.derivation()
    transfer.state, transfer.sent_on = S.SENT, today
    transfer.save()
    _tell(
        transfer,
        event="sent",
        body=f"您的养老保险关系已转往{transfer.other_agency_name}：缴费{amount.months_total}个月，"
        f"转移基金 {amount.total} 元（个人账户 {amount.balance} 元，统筹基金 {amount.pooled} 元）。",
    )
    _audit(
        transfer,
        actor=actor,
        action="transfer.out",
        after={"total": amount.total, "pooled": amount.pooled, "balance": amount.balance, "rules": amount.parameters},
    )
    return {"transfer": transfer.ref, "total": str(amount.total), "months": amount.months_total}


def _transfer_out_open(message: platform.Message) -> Transfer:
    """The new agency's letter arrived: the transfer out is opened, its case received by the
    system at the person's district office (our 15 working days start the day after)."""
    from shebao.registry.models import Person

    if Transfer.objects.filter(ref=message.transfer_ref).exists():
        raise platform.BadMessage(
            f"已收到转移业务 {message.transfer_ref} 的联系函", "A letter for this transfer has already arrived"
        )
    person = Person.objects.filter(id_number=message.id_number).first()
    if person is None:
        raise platform.BadMessage("本机构无该参保人的养老保险关系", "No pension relationship of this person here")
    applicant = applicant_for(id_number=message.id_number)
    item = item_get(code=TRANSFER_OUT_CODE)
    body = message.body
    case = _open_one(
        actor=None,
        item=item,
        applicant=applicant,
        channel=Channel.SYSTEM,
        form={
            "id_number": message.id_number,
            "name": person.name,
            "transfer_ref": message.transfer_ref,
            "to_agency_code": message.sender,
            "to_agency": platform.AGENCIES.get(message.sender, message.sender),
            "letter_date": body["letter_date"],
        },
        materials={},
        receiving_office=None,
        phone=person.phone if len(person.phone) == 11 else "",
        group_ref="",
    )
    transfer = Transfer.objects.create(
        ref=message.transfer_ref,
        direction=Transfer.Direction.OUT,
        case=case,
        state=S.LETTER_RECEIVED,
        id_number=person.id_number,
        name=person.name,
        sex=person.sex,
        birth_date=person.birth_date,
        hukou_place=person.hukou_place,
        other_agency=message.sender,
        other_agency_name=platform.AGENCIES.get(message.sender, message.sender),
        applied_on=dt.date.fromisoformat(body["applied_on"]),
        letter_on=dt.date.fromisoformat(body["letter_date"]),
    )
    _audit(transfer, actor=None, action="transfer.record", after={"case": case.number, "ref": transfer.ref})
    return transfer
