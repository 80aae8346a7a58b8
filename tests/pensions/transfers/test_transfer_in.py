"""A transfer into the city (转入, YL-003) through its three phases: ours, the original
agency's (outside our timers, across a weekend and a holiday), ours again."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from shebao.cases import services as case_services
from shebao.cases.models import Case
from shebao.catalog.definitions import Applicant
from shebao.contributions.models import AccountEntry
from shebao.core.errors import Conflict
from shebao.core.identifiers import id_number_make
from shebao.pensions.transfers import services
from shebao.pensions.transfers.models import PlatformMessage, Transfer, TransferredPeriod
from shebao.pensions.transfers.selectors import transfer_phases, transferred_months
from tests.factories import citizen_account
from tests.pensions.transfers.conftest import person_of

D = dt.date

FORM = {
    "id_number": "",
    "name": "",
    "phone": "13800138000",
    "from_place": "广东省深圳市",
    "from_agency": "深圳市社会保险基金管理局",
    "from_agency_code": "440300",
    "period_from": "2015-07-01",
    "period_to": "2017-03-01",
}


def apply(clerk, citizen, district):
    form = {**FORM, "id_number": citizen.id_number, "name": citizen.full_name}
    applicant = Applicant(id_number=citizen.id_number, name=citizen.full_name, district=district, account=citizen)
    return case_services.case_open(
        actor=clerk,
        item_code="YL-003",
        applicant=applicant,
        channel="hall",
        form=form,
        materials={"id_card": "received", "contribution_certificate": "commitment"},
        phone="13800138000",
    )


def fresh(case):
    return Case.objects.get(pk=case.pk)


def test_phase_two_waits_on_the_other_agency_across_a_weekend_and_a_holiday_outside_our_timers(
    world, at, district, citizen, clerk, reviewer, reviewer2, approver
):
    # given a person insured here applying on Mon 2 Mar 2026 at the window
    person_of(citizen, district)
    case = apply(clerk, citizen, district)
    # phase 1: 15 working days from Mon 2 Mar -> Mon 23 Mar
    assert case.due_date == D(2026, 3, 23)
    at(2026, 3, 3, 10, 0)
    t = services.transfer_act(actor=clerk, case_id=case.pk, version=case.version, action="accept")
    t = services.transfer_act(actor=reviewer, case_id=case.pk, version=fresh(case).version, action="review")
    # then the acceptance letter is in the outbox, dated the day phase 1 ended
    assert t.state == Transfer.State.LETTER_SENT and t.letter_on == D(2026, 3, 3)
    letter = PlatformMessage.objects.get(direction="out", kind="letter")
    assert (letter.receiver, letter.payload["body"]["letter_date"]) == ("440300", "2026-03-03")
    assert fresh(case).status == Case.Status.WAITING_OUTSIDE
    # when the platform job sends it on Tue 3 Mar: the counterpart answers after 5 working days
    # at 4, 5, 6, (weekend) 9, 10 -> Tue 10 Mar
    services.platform_tick()
    assert PlatformMessage.objects.get(pk=letter.pk).answer_on == D(2026, 3, 10)
    # nothing before then
    at(2026, 3, 9, 10, 0)
    assert services.platform_tick()["answered"] == 0
    # the original agency actually takes until Tue 7 Apr: weekends and 清明 (4-6 Apr) pass
    at(2026, 4, 7, 10, 0)
    report = services.platform_tick()
    assert report["answered"] == 1
    t.refresh_from_db()
    assert t.state == Transfer.State.FUNDS_RECEIVED
    case = fresh(case)
    assert case.status == Case.Status.IN_PROGRESS
    # phase 3: 15 working days from Tue 7 Apr: 8-10 (3), 13-17 (8), 20-24 (13), 27, 28 -> Tue 28 Apr
    assert case.due_date == D(2026, 4, 28)
    # the phases as shown: ours measured, theirs recorded from the letter to the funds
    one, two, _three = transfer_phases(t)
    assert (one.ours, one.started, one.finished, one.on_time) == (True, D(2026, 3, 2), D(2026, 3, 3), True)
    # theirs: letter Tue 3 Mar + 15 working days = Tue 24 Mar; it ended 7 Apr: 24 working days
    # (4-6, 9-13, 16-20, 23-27, 30-31, 1-3 Apr = 23, then 7 Apr after 清明 4-6 = 24)
    assert (two.ours, two.due, two.finished, two.used, two.on_time) == (False, D(2026, 3, 24), D(2026, 4, 7), 24, False)
    # and our promise is not charged with their month: the case is not overdue
    assert case.due_date > D(2026, 4, 7)
    # when phase 3 is reviewed and approved by two others
    at(2026, 4, 9, 10, 0)
    services.transfer_act(actor=reviewer2, case_id=case.pk, version=case.version, action="review")
    t = services.transfer_act(actor=approver, case_id=case.pk, version=fresh(case).version, action="approve")
    # then the years are recorded, the balance credited and the other agency answered
    assert t.state == Transfer.State.COMPLETED and t.completed_on == D(2026, 4, 9)
    years = list(TransferredPeriod.objects.filter(transfer=t).values_list("year", "first_month", "months"))
    assert years == [(2015, 7, 6), (2016, 1, 12), (2017, 1, 3)]
    # the counterpart's bases: 3000 + 300 × (year - 2000): 7500, 7800, 8100; 8 % to the account
    # 2015: 7500 × 6 = 45000 → 3600.00; 2016: 93600 → 7488.00; 2017: 24300 → 1944.00
    assert t.balance == Decimal("13032.00")
    # pooled: 45000 × 12 % = 5400.00, 93600 × 12 % = 11232.00, 24300 × 12 % = 2916.00
    assert t.pooled == Decimal("19548.00")
    entry = AccountEntry.objects.get(kind="transfer_in")
    assert entry.amount == Decimal("13032.00")
    assert PlatformMessage.objects.filter(direction="out", kind="receipt").count() == 1
    assert fresh(case).status == Case.Status.COMPLETED
    assert transferred_months(actor=citizen, id_number=citizen.id_number)[2015] == {7, 8, 9, 10, 11, 12}


def test_a_man_of_50_moving_here_without_hukou_gets_a_temporary_account_not_a_transfer(
    world, at, district, clerk, reviewer
):
    # given a man born 2 Mar 1976 (50 on the day he applies: odd sequence, a man), 户籍 in Shenzhen
    number = id_number_make(region_code="420102", birth_date=D(1976, 3, 2), sequence=101)
    citizen = citizen_account(id_number=number, name="赵五十")
    person_of(citizen, district, birth=D(1976, 3, 2), hukou="广东省深圳市")
    case = apply(clerk, citizen, district)
    services.transfer_act(actor=clerk, case_id=case.pk, version=case.version, action="accept")
    # when the reviewer would send the letter: refused, nothing sent
    with pytest.raises(Conflict, match="临时基本养老保险缴费账户"):
        services.transfer_act(actor=reviewer, case_id=case.pk, version=fresh(case).version, action="review")
    assert not PlatformMessage.objects.filter(direction="out").exists()
    assert fresh(case).current_step.kind == "review"
    # and the written refusal names the reason
    t = services.transfer_refuse(
        actor=reviewer, case_id=case.pk, version=fresh(case).version, reasons=["第五条：建立临时基本养老保险缴费账户"]
    )
    assert t.state == Transfer.State.REFUSED and "临时" in t.refusal_reason


def test_a_stale_step_records_nothing_not_even_the_transfer(world, district, citizen, clerk):
    from shebao.core.errors import StaleVersion

    person_of(citizen, district)
    case = apply(clerk, citizen, district)
    with pytest.raises(StaleVersion):
        services.transfer_act(actor=clerk, case_id=case.pk, version=case.version + 1, action="accept")
    assert not Transfer.objects.exists()
    assert fresh(case).current_step.kind == "accept"
