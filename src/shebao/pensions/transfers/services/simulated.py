"""The simulated counterpart agency (for the demo and the tests) and the platform job."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from shebao.pensions.transfers import platform, rules
from shebao.pensions.transfers.models import PlatformMessage, Transfer
from shebao.pensions.transfers.services.acting import transfers_reconcile
from shebao.pensions.transfers.services.common import ZERO, _today
from shebao.pensions.transfers.services.messages import Receipt, platform_receive, platform_send_pending


def _simulated_history(transfer: Transfer, *, on: dt.date) -> dict[str, Any]:
    """The counterpart's information form: the months between the applied period's ends, at a
    base that grows 300 yuan a year from 3,000 in 2000, 8 % to the personal account (11 % before
    2006), with the pooled part by our own rule (the counterpart follows the same 第四条)."""
    first = transfer.period_from or dt.date(on.year - 5, 1, 1)
    last = transfer.period_to or on
    lines = []
    month = first.replace(day=1)
    per_year: dict[int, list[int]] = {}
    while month <= last.replace(day=1):
        per_year.setdefault(month.year, []).append(month.month)
        month = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    balance = ZERO
    for year, months in sorted(per_year.items()):
        base = Decimal(3000 + 300 * (year - 2000)).max(Decimal(1000))
        base_total = base * len(months)
        personal = (base_total * (Decimal("0.11") if year < 2006 else Decimal("0.08"))).quantize(Decimal("0.01"))
        pooled = rules.year_pooled(year=year, base_total=base_total, on=on)
        balance += personal
        lines.append(
            {
                "year": year,
                "first_month": months[0],
                "months": len(months),
                "base_total": f"{base_total:.2f}",
                "personal_amount": f"{personal:.2f}",
                "pooled": f"{pooled:.2f}",
            }
        )
    pooled_total = sum((Decimal(str(x["pooled"])) for x in lines), ZERO)
    return {
        "years": lines,
        "balance": f"{balance:.2f}",
        "pooled_total": f"{pooled_total:.2f}",
        "total": f"{balance + pooled_total:.2f}",
    }


def _as_counterpart(transfer: Transfer, *, kind: str, body: dict[str, Any]) -> dict[str, Any]:
    message = platform.message_new(
        kind=kind,
        sender=transfer.other_agency,
        receiver=platform.OUR_AGENCY,
        transfer_ref=transfer.ref,
        id_number=transfer.id_number,
        name=transfer.name,
        body=body,
    )
    return message.as_json()


def platform_simulate(*, today: dt.date | None = None, now_for: Sequence[int] = ()) -> dict[str, int]:
    """The simulated counterpart answers what we sent once its working days have passed: a
    letter gets the information form and the fund notice, a form and funds sent out get the
    completion receipt. Driven by the platform job, never by waiting. ``now_for``: transfer ids
    whose messages are answered at once, due or not (the demo's seed, which does not move time)."""
    today = today or _today()
    answered = 0
    due = PlatformMessage.objects.filter(direction="out", state="sent", answered=False).select_related("transfer")
    due = due.filter(transfer_id__in=now_for) if now_for else due.filter(answer_on__lte=today)
    for row in due.order_by("id"):
        transfer = row.transfer
        replies: list[dict[str, Any]] = []
        if transfer is not None and row.kind == "letter":
            form = _simulated_history(transfer, on=today)
            replies = [
                _as_counterpart(transfer, kind="info_form", body=form),
                _as_counterpart(
                    transfer,
                    kind="fund_notice",
                    body={
                        "amount": form["total"],
                        "balance": form["balance"],
                        "pooled": form["pooled_total"],
                        "value_date": today.isoformat(),
                        "bank_ref": f"SIM{row.pk:08d}",
                    },
                ),
            ]
        elif transfer is not None and row.kind == "fund_notice":
            replies = [_as_counterpart(transfer, kind="receipt", body={"completed_on": today.isoformat()})]
        PlatformMessage.objects.filter(pk=row.pk).update(answered=True)
        for reply in replies:
            platform_receive(raw=reply)
        answered += 1
    return {"answered": answered}


def platform_letter_simulate(
    *, id_number: str, from_agency: str, applied_on: dt.date, letter_date: dt.date, ref: str = ""
) -> Receipt:
    """The simulated counterpart as the new agency: it sends us its acceptance letter for a
    person insured here who moved to it (the demo's and the tests' transfers out)."""
    from shebao.registry.models import Person

    person = Person.objects.get(id_number=id_number)
    message = platform.message_new(
        kind="letter",
        sender=from_agency,
        receiver=platform.OUR_AGENCY,
        transfer_ref=ref or f"{from_agency}-{letter_date:%Y%m%d}-{person.pk:06d}",
        id_number=person.id_number,
        name=person.name,
        body={
            "applied_on": applied_on.isoformat(),
            "letter_date": letter_date.isoformat(),
            "to_hukou_place": False,
        },
    )
    return platform_receive(raw=message.as_json())


def platform_tick(*, today: dt.date | None = None) -> dict[str, int]:
    """The platform job: catch transfers up with their cases, send the outbox, let the simulated
    counterpart answer what is due, and send what that produced."""
    report = {"reconciled": transfers_reconcile()}
    report.update(platform_send_pending())
    if platform.platform_adapter().name == "simulated":
        report.update(platform_simulate(today=today))
        report["reconciled"] += transfers_reconcile()
        second = platform_send_pending()
        report["sent"] += second["sent"]
    return report
