"""The demo's transfers: a few in each state, in both directions, made through the services and
the simulated platform as a real day would make them (``shebao seed --demo`` calls
:func:`write_demo_transfers`). 江岸区's insured persons with accounts apply online to transfer in
from other provinces; the simulated counterparts send letters for others moving away.

Every date is the day the seed runs: the engine's clocks count from the moment a step is done,
and the seed does not move time, so "waiting for N working days" starts at 0 in the demo.
A transfer in takes four people (受理, 复核, 复核, 审批: nobody does two steps of one case): the
demo's staff have a second reviewer of 江岸区, ``reviewer_yl``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from shebao.cases import services as case_services
from shebao.cases.materials import upload_store
from shebao.cases.models import Case
from shebao.cases.services.materials import case_material_verify
from shebao.catalog.definitions import Applicant
from shebao.core.errors import ShebaoError
from shebao.core.models import Account
from shebao.pensions.transfers import rules, services
from shebao.pensions.transfers.models import Transfer
from shebao.registry.models import Person

DISTRICT = "420102"
SCAN = b"%PDF-1.4\n% a demo applicant's ID card\n%%EOF\n"
# (agency, first month there, last month there) of each demo transfer in
ORIGINS = (
    ("440300", dt.date(2012, 3, 1), dt.date(2016, 8, 1)),
    ("310000", dt.date(2009, 7, 1), dt.date(2014, 12, 1)),
    ("330100", dt.date(2016, 1, 1), dt.date(2019, 6, 1)),
    ("510100", dt.date(1995, 9, 1), dt.date(2003, 4, 1)),
)


def _apply(person: Person, origin: tuple[str, dt.date, dt.date], clerk: Account) -> Case:
    """The person applies online with a scanned ID card, and the office's clerk verifies the scan
    (an upload counts as received only once verified), so the case's clock runs."""
    from shebao.pensions.transfers.platform import AGENCIES

    code, first, last = origin
    assert person.account is not None
    scan = upload_store(actor=person.account, name="身份证.pdf", content=SCAN, channel="online").ref
    case = case_services.case_open(
        actor=person.account,
        item_code="YL-003",
        applicant=Applicant(
            id_number=person.id_number, name=person.name, district=person.district, account=person.account
        ),
        channel="online",
        form={
            "id_number": person.id_number,
            "name": person.name,
            "phone": person.phone if len(person.phone) == 11 else "13800138000",
            "from_place": AGENCIES[code][:2],
            "from_agency": AGENCIES[code],
            "from_agency_code": code,
            "period_from": first.isoformat(),
            "period_to": last.isoformat(),
        },
        materials={"id_card": {"state": "uploaded", "file": scan}, "contribution_certificate": "commitment"},
        phone=person.phone if len(person.phone) == 11 else "",
    )
    return case_material_verify(actor=clerk, case_id=case.pk, version=case.version, code="id_card", decision="verified")


def _fitted(person: Person, origin: tuple[str, dt.date, dt.date]) -> tuple[str, dt.date, dt.date] | None:
    """The origin's period for this person: from no earlier than the month they turned 18 (a
    plausible first job; the window refuses a period before 16), or None when nothing is left."""
    code, first, last = origin
    birth = person.birth_date
    first = max(first, dt.date(birth.year + 18, birth.month, 1))
    return (code, first, last) if first <= last else None


def _paired(
    persons: list[Person], origins: tuple[tuple[str, dt.date, dt.date], ...], plans: tuple[tuple[str, ...], ...]
) -> list[tuple[Person, tuple[str, dt.date, dt.date], tuple[str, ...]]]:
    """Each origin with the next person not yet given one, its period fitted to their age."""
    pairs: list[tuple[Person, tuple[str, dt.date, dt.date], tuple[str, ...]]] = []
    taken: set[int] = set()
    for origin, plan in zip(origins, plans, strict=True):
        for person in persons:
            fitted = _fitted(person, origin) if person.pk not in taken else None
            if fitted is not None:
                taken.add(person.pk)
                pairs.append((person, fitted, plan))
                break
    return pairs


def _act(actor: Account, case: Case, action: str) -> None:
    case = Case.objects.get(pk=case.pk)
    services.transfer_act(actor=actor, case_id=case.pk, version=case.version, action=action, channel="hall")


def _owed(actor: Account, person: Person, today: dt.date) -> Decimal:
    """What the transfer out would find owed (第七条), read as ``services.transfer_out_owed``
    reads it: the months shown in arrears and the overdue differences of base corrections (补差),
    so the demo's "without arrears" and "refused for its arrears" agree with the service's."""
    from shebao.contributions.selectors import differences_overdue_of_person, months_of_person

    months = months_of_person(actor=actor, person=person, as_of=today)
    in_arrears = sum((m.personal + m.employer for m in months if m.shown_status == "arrears"), Decimal("0.00"))
    differences = differences_overdue_of_person(actor=actor, person=person, as_of=today)
    return services.Owed(months=in_arrears, differences=tuple(differences)).total


def write_demo_transfers(*, today: dt.date) -> int:
    """Make the demo's transfers once (none are made when any transfer exists). Runs inside the
    caller's transaction, each transfer in a savepoint: one whose records refuse a step is
    passed over and leaves nothing. Returns how many were made.

    Into the city (persons with accounts, who apply online): completed, waiting for the funds,
    funds here, just applied, and one refused in writing — under 第五条 when someone of the
    age moving here without Wuhan hukou is among them. Out of the city (the new agencies'
    letters): one to handle, one sent and waiting for the receipt, one completed, among persons
    without arrears, and one refused for its arrears (第七条)."""
    if Transfer.objects.exists():
        return 0
    names = ["clerk", "reviewer", "approver", "reviewer_yl"]
    staff = {a.username: a for a in Account.objects.filter(username__in=names)}
    if len(staff) < len(names):
        return 0
    applicants = list(
        Person.objects.filter(account__isnull=False, district__code=DISTRICT, category=Person.Category.EMPLOYEE)
        .select_related("account", "district")
        .order_by("id")[:40]
    )

    def temporary(person: Person) -> bool:
        return rules.temporary_account_decide(
            sex=person.sex,
            birth_date=person.birth_date,
            on=today,
            to_hukou_place=("武汉" in person.hukou_place)
            if person.hukou_place
            else person.id_number.startswith("4201"),
        ).temporary

    ordinary = [p for p in applicants if not temporary(p)]
    elderly = [p for p in applicants if temporary(p)]
    made = 0
    plans = (
        ("accept", "review", "tick", "review", "approve"),
        ("accept", "review"),
        ("accept", "review", "tick"),
        (),
    )
    actors = {0: "clerk", 1: "reviewer", 3: "reviewer_yl", 4: "approver"}
    for person, origin, plan in _paired(ordinary, ORIGINS, plans):
        try:
            with transaction.atomic():
                case = _apply(person, origin, staff["clerk"])
                transfer = services.transfer_in_record(case=case)
                for i, action in enumerate(plan):
                    if action == "tick":
                        services.platform_send_pending()
                        services.platform_simulate(today=today, now_for=[transfer.pk])
                    else:
                        _act(staff[actors[i]], case, action)
            made += 1
        except ShebaoError:
            continue
    used = {p.pk for p, _, _ in _paired(ordinary, ORIGINS, plans)}
    refused = [p for p in (elderly or [p for p in ordinary if p.pk not in used]) if _fitted(p, ORIGINS[0])][:1]
    for person in refused:
        reason = (
            "依国办发〔2009〕66号第五条，保留原参保地基本养老保险关系，在本市建立临时基本养老保险缴费账户"
            if temporary(person)
            else "原参保地缴费凭证记载的缴费期间与转移系统信息不一致，请向原参保地核实后重新申请"
        )
        try:
            with transaction.atomic():
                case = _apply(person, _fitted(person, ORIGINS[0]) or ORIGINS[0], staff["clerk"])
                _act(staff["clerk"], case, "accept")
                case = Case.objects.get(pk=case.pk)
                services.transfer_refuse(
                    actor=staff["reviewer"], case_id=case.pk, version=case.version, reasons=[reason]
                )
            made += 1
        except ShebaoError:
            pass
    applied = set(Transfer.objects.values_list("id_number", flat=True))
    leaving = [
        p
        for p in Person.objects.filter(district__code=DISTRICT, category=Person.Category.EMPLOYEE).order_by("-id")[:40]
        if p.id_number not in applied
    ]
    clean = [p for p in leaving if _owed(staff["reviewer"], p, today) == 0][:3]
    owing = [p for p in leaving if p not in clean and _owed(staff["reviewer"], p, today) > 0][:1]
    for n, person in enumerate([*clean, *owing]):
        try:
            with transaction.atomic():
                receipt = services.platform_letter_simulate(
                    id_number=person.id_number,
                    from_agency=("440300", "110000", "430100", "310000")[n],
                    applied_on=today - dt.timedelta(days=12),
                    letter_date=today - dt.timedelta(days=5),
                )
                if not receipt.accepted or receipt.message is None or receipt.message.transfer is None:
                    continue
                transfer = receipt.message.transfer
                case = transfer.case
                if person in owing:
                    services.transfer_refuse_arrears(actor=staff["reviewer"], case_id=case.pk, version=case.version)
                elif n >= 1:
                    _act(staff["reviewer"], case, "review")
                    _act(staff["approver"], case, "approve")
                if n == 2 and person not in owing:
                    services.platform_send_pending()
                    services.platform_simulate(today=today, now_for=[transfer.pk])
            made += 1
        except ShebaoError:
            continue
    services.platform_send_pending()
    return made
