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

from shebao.cases import services as case_services
from shebao.cases.materials import upload_store
from shebao.cases.models import Case
from shebao.catalog.definitions import Applicant
from shebao.core.errors import ShebaoError
from shebao.core.models import Account
from shebao.pensions.transfers import services
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


def _apply(person: Person, origin: tuple[str, dt.date, dt.date]) -> Case:
    from shebao.pensions.transfers.platform import AGENCIES

    code, first, last = origin
    assert person.account is not None
    scan = upload_store(actor=person.account, name="身份证.pdf", content=SCAN, channel="online").ref
    return case_services.case_open(
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


def _act(actor: Account, case: Case, action: str) -> None:
    case = Case.objects.get(pk=case.pk)
    services.transfer_act(actor=actor, case_id=case.pk, version=case.version, action=action, channel="hall")


def write_demo_transfers(*, today: dt.date) -> int:
    """Make the demo's transfers once (none are made when any transfer exists). Runs inside the
    caller's transaction; a person whose records refuse a step is passed over. Returns how many."""
    if Transfer.objects.exists():
        return 0
    names = ["clerk", "reviewer", "approver", "reviewer_yl"]
    staff = {a.username: a for a in Account.objects.filter(username__in=names)}
    if len(staff) < len(names):
        return 0
    people = list(
        Person.objects.filter(account__isnull=False, district__code=DISTRICT, category=Person.Category.EMPLOYEE)
        .select_related("account", "district")
        .order_by("id")[:12]
    )
    # into the city: completed, waiting for the funds, funds here, just applied
    plans = (
        ("clerk", "reviewer", "tick", "reviewer_yl", "approver"),
        ("clerk", "reviewer"),
        ("clerk", "reviewer", "tick"),
        (),
    )
    made = 0
    actors = staff
    for person, origin, plan in zip(people[:4], ORIGINS, plans, strict=False):
        try:
            case = _apply(person, origin)
            transfer = services.transfer_in_record(case=case)
            for i, who in enumerate(plan):
                if who == "tick":
                    services.platform_send_pending()
                    services.platform_simulate(today=today, now_for=[transfer.pk])
                    continue
                kinds = ("accept", "review", None, "review", "approve")
                action = kinds[i]
                assert action is not None
                _act(actors[who], case, action)
        except ShebaoError:
            continue
        made += 1
    # refused in writing at phase 1
    if len(people) > 7:
        try:
            case = _apply(people[7], ORIGINS[0])
            _act(staff["clerk"], case, "accept")
            case = Case.objects.get(pk=case.pk)
            services.transfer_refuse(
                actor=staff["reviewer"],
                case_id=case.pk,
                version=case.version,
                reasons=["原参保地缴费凭证记载的缴费期间与转移系统信息不一致，请向原参保地核实后重新申请"],
            )
            made += 1
        except ShebaoError:
            pass
    # out of the city: a letter to handle, one sent and waiting for the receipt, one completed
    for n, person in enumerate(people[4:7]):
        try:
            receipt = services.platform_letter_simulate(
                id_number=person.id_number,
                from_agency=("440300", "110000", "430100")[n],
                applied_on=today - dt.timedelta(days=12),
                letter_date=today - dt.timedelta(days=5),
            )
            if not receipt.accepted or receipt.message is None or receipt.message.transfer is None:
                continue
            case = receipt.message.transfer.case
            if n >= 1:
                _act(staff["reviewer"], case, "review")
                _act(staff["approver"], case, "approve")
            if n == 2:
                services.platform_send_pending()
                services.platform_simulate(today=today, now_for=[receipt.message.transfer.pk])
        except ShebaoError:
            continue
        made += 1
    services.platform_send_pending()
    return made
