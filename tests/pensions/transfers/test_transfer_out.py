"""A transfer out of the city (转出, YL-013): the new agency's letter opens it, arrears refuse it
(第七条), our approval computes the amount (第四条), closes the relationship, debits the account
and sends the form and the funds; the new agency's receipt closes it. Who may act on it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from shebao.cases.models import Case
from shebao.contributions.models import AccountEntry, ContributionMonth
from shebao.core.errors import Conflict, NotFound
from shebao.pensions.transfers import services
from shebao.pensions.transfers.models import PlatformMessage, Transfer
from shebao.pensions.transfers.selectors import transfer_phases, transfers_dashboard, transfers_visible
from shebao.registry.models import InsuredStatus
from tests.pensions.transfers.conftest import months, person_of

D = dt.date
M = Decimal


def entry(person, kind, year, month, amount):
    AccountEntry.objects.create(person=person, kind=kind, year=year, credited_month=D(year, month, 1), amount=M(amount))


@pytest.fixture
def leaving(world, district, citizen):
    """A person insured here since 1997, with an account of 8,680.00 (interest to date booked)."""
    person = person_of(citizen, district)
    months(person, D(1997, 7, 1), 6, M("2000.00"))  # before 1998: no pooled part
    months(person, D(2024, 8, 1), 5, M("6000.00"))
    months(person, D(2025, 1, 1), 12, M("6333.33"))
    entry(person, "contribution", 2024, 12, "2400.00")
    entry(person, "interest", 2024, 12, "30.00")
    entry(person, "contribution", 2025, 12, "6080.00")
    entry(person, "interest", 2025, 12, "150.00")
    entry(person, "interest", 2026, 2, "20.00")  # this year's interest to the transfer, booked
    return person


def letter(person, ref="440300-T-0001"):
    return services.platform_letter_simulate(
        id_number=person.id_number, from_agency="440300", applied_on=D(2026, 2, 24), letter_date=D(2026, 2, 27), ref=ref
    )


def fresh(case):
    return Case.objects.get(pk=case.pk)


def test_the_letter_opens_the_case_and_our_approval_sends_form_and_funds(
    leaving, at, citizen, reviewer, approver, monitor
):
    # given the new agency's letter arriving on Mon 2 Mar 2026
    receipt = letter(leaving)
    assert receipt.accepted
    t = Transfer.objects.get()
    assert (t.direction, t.state, t.other_agency) == ("out", "letter_received", "440300")
    case = t.case
    # our phase: 15 working days from Mon 2 Mar: 3-6, 9-13, 16-20, 23 -> Mon 23 Mar
    assert (case.item.code, case.status, case.due_date) == ("YL-013", "in_progress", D(2026, 3, 23))
    # when reviewed and approved
    at(2026, 3, 4, 10, 0)
    services.transfer_act(actor=reviewer, case_id=case.pk, version=case.version, action="review")
    t = services.transfer_act(actor=approver, case_id=case.pk, version=fresh(case).version, action="approve")
    # then the amount: the whole balance + 12 % of each year's bases since 1998
    # 1997: excluded; 2024: 5 × 6000.00 = 30000.00 × 12 % = 3600.00;
    # 2025: 12 × 6333.33 = 75999.96 × 12 % = 9119.9952 -> 9120.00; pooled 12720.00
    # balance 2400 + 30 + 6080 + 150 + 20 = 8680.00; total 21400.00
    assert (t.state, t.balance, t.pooled, t.total) == ("sent", M("8680.00"), M("12720.00"), M("21400.00"))
    years = {y["year"]: (y["months"], y["pooled"], y["counted"]) for y in t.derivation["years"]}
    assert years == {1997: (6, "0.00", False), 2024: (5, "3600.00", True), 2025: (12, "9120.00", True)}
    assert t.derivation["parameters"] == ["pooled_rate/2010", "pooled_from/2010"]
    # the form carries every month, 1997's too: years are never lost
    form = PlatformMessage.objects.get(direction="out", kind="info_form").payload["body"]
    assert [y["months"] for y in form["years"]] == [6, 5, 12] and form["total"] == "21400.00"
    fund = PlatformMessage.objects.get(direction="out", kind="fund_notice").payload["body"]
    assert fund["amount"] == "21400.00"
    # the relationship here ends, the balance leaves the account
    status = InsuredStatus.objects.get(person=leaving, insurance="pension")
    assert status.status == "terminated"
    assert AccountEntry.objects.get(kind="transfer_out").amount == M("-8680.00")
    assert fresh(case).status == Case.Status.COMPLETED
    # when the platform sends it and the new agency confirms after 5 working days (Wed 11 Mar)
    services.platform_tick()
    at(2026, 3, 11, 10, 0)
    services.platform_tick()
    t.refresh_from_db()
    assert (t.state, t.completed_on) == ("completed", D(2026, 3, 11))
    one, two, three = transfer_phases(t)
    # theirs (24 -> 27 Feb, 3 working days), ours (2 -> 4 Mar), theirs (4 -> 11 Mar, 5)
    assert (one.ours, one.used, one.on_time) == (False, 3, True)
    assert (two.ours, two.finished, two.on_time) == (True, D(2026, 3, 4), True)
    assert (three.ours, three.used, three.on_time) == (False, 5, True)
    # and the dashboard counts it: one transfer out completed in 2026, each phase on time
    board = transfers_dashboard(actor=monitor, year=2026)
    assert board.years == [(2026, 0, 1)]
    assert [(r.number, r.finished, r.on_time) for r in board.rates if r.direction == "out"] == [
        (1, 1, 1),
        (2, 1, 1),
        (3, 1, 1),
    ]
    assert transfers_dashboard(actor=monitor, year=2025).rates[3].finished == 0  # another year's rates


def test_refused_while_in_arrears_with_the_amount_owed(leaving, at, reviewer):
    # given a month in arrears: 800.00 employer + 400.00 personal
    months(leaving, D(2026, 1, 1), 1, M("5000.00"), status=ContributionMonth.Status.ARREARS)
    letter(leaving)
    case = Transfer.objects.get().case
    # when the reviewer would go on: refused, naming the amount, nothing written
    with pytest.raises(Conflict, match=r"1200\.00"):
        services.transfer_act(actor=reviewer, case_id=case.pk, version=case.version, action="review")
    assert fresh(case).current_step.kind == "review"
    assert not PlatformMessage.objects.filter(direction="out").exists()
    # when refused for the arrears: the case, the person and the new agency are told why
    t = services.transfer_refuse_arrears(actor=reviewer, case_id=case.pk, version=case.version)
    assert t.state == "refused" and "1200.00" in t.refusal_reason
    assert fresh(case).status == Case.Status.REJECTED
    refusal = PlatformMessage.objects.get(direction="out", kind="refusal")
    assert (refusal.receiver, "1200.00" in refusal.payload["body"]["reason"]) == ("440300", True)
    # and the relationship stays here
    assert InsuredStatus.objects.get(person=leaving, insurance="pension").status == "active"
    assert not AccountEntry.objects.filter(kind="transfer_out").exists()


def test_the_same_letter_twice_is_one_transfer(leaving):
    first = letter(leaving)
    again = services.platform_receive(raw=first.message.payload)
    assert (again.duplicate, again.accepted, again.message.pk) == (True, True, first.message.pk)
    assert Transfer.objects.count() == 1 and Case.objects.filter(item__code="YL-013").count() == 1


@pytest.mark.parametrize("who", ["other_district_clerk", "citizen", "bank_agent"])
def test_only_staff_of_the_persons_district_may_act(request, leaving, who):
    letter(leaving)
    case = Transfer.objects.get().case
    actor = request.getfixturevalue(who)
    with pytest.raises(NotFound):
        services.transfer_act(actor=actor, case_id=case.pk, version=case.version, action="review")
    assert fresh(case).current_step.kind == "review" and fresh(case).version == case.version


def test_a_citizen_sees_only_their_own_transfer(leaving, citizen, other_citizen, other_district_clerk, clerk, monitor):
    letter(leaving)
    assert transfers_visible(actor=citizen).count() == 1
    assert transfers_visible(actor=clerk).count() == 1
    assert transfers_visible(actor=monitor).count() == 1
    assert transfers_visible(actor=other_citizen).count() == 0
    assert transfers_visible(actor=other_district_clerk).count() == 0
