"""A correction's difference bill (补差) cancelled: the demand is withdrawn, the difference is not
(contributions owed are not waived, 社会保险法第六十三条). It stays owed — every reader that
counts an unpaid difference still counts it (the pension and medical accounts credit what was
paid), none counts it overdue (no △, nothing owed before a transfer out, no late fee) — until it
is billed again, or a new correction of the month takes it over, reckoned from what was paid.

April 2024 of the statements' hand-built history (张三 at 江岸甲公司, paid at 6000, credited 480)
corrected on Tue 11 Feb 2025 to 7000 by the clerk and the reviewer
(tests/statements/test_correction_difference.py for the figures):

    employer (1120 − 960) + (609 − 522) + (49 − 42) + (14 − 12) = 160 + 87 + 7 + 2 = 256.00
    personal (560 − 480) + (140 − 120) + (21 − 18)              =  80 + 20 + 3     = 103.00
    account  8 % × 1000 = 80.00; the bill due 15 Mar 2025 (February's due date)
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from shebao.contributions import services
from shebao.contributions.accounts import account_credit_paid
from shebao.contributions.models import AccountEntry, BaseDifference, Bill, ContributionMonth
from shebao.contributions.selectors import (
    bill_lines,
    differences_overdue_of_person,
    late_fee_for,
    medical_months_as_paid,
    medical_paid_months,
    months_of_person,
)
from shebao.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from shebao.core.models import AuditEvent, Role
from tests.conftest import _staff
from tests.contributions import test_refund_settle as refunds
from tests.statements import conftest as statements_fixtures
from tests.statements import test_correction_difference as corrections

history, today, unit_a, unit_b = (getattr(statements_fixtures, n) for n in ("history", "today", "unit_a", "unit_b"))
_register_test_items, at, catalogue = corrections._register_test_items, corrections.at, corrections.catalogue
skills, window, working_hours = corrections.skills, corrections.window, corrections.working_hours
finance, _contribution = refunds.finance, refunds._contribution
APRIL, _correct = corrections.APRIL, corrections._correct

D = Decimal
pytestmark = pytest.mark.django_db
CANCEL = "contributions.difference.bill_cancel"
REBILL = "contributions.difference.rebill"
REASON = "缴费截止日开具有误"


@pytest.fixture
def cashier(office, skills):
    """A third clerk of 江岸区's office on the contribution side: bills again what ``finance`` cancelled."""
    return _contribution(_staff("cashier", Role.CLERK, office, 1, full_name="孙出纳"))


@pytest.fixture
def billed(window, at, citizen, clerk, reviewer) -> BaseDifference:
    """April corrected 6000 → 7000: its difference (359.00) billed, due 15 Mar 2025; on 13 Feb."""
    _correct(window, clerk, reviewer, citizen, "7000")
    at(2025, 2, 13, 10, 0)
    return BaseDifference.objects.select_related("bill").get(month__period=APRIL)


def _april() -> ContributionMonth:
    return ContributionMonth.objects.get(person__name="张三", period=APRIL)


def _medical_april(person) -> tuple[Decimal, Decimal | None]:
    (month,) = [m for m in medical_paid_months(person_id=person.pk) if m.period == APRIL]
    (bulk,) = medical_months_as_paid(months_of={person.pk: [month]})[person.pk]
    assert bulk == month  # the medical account's bulk read agrees with the one-person read
    return month.base, month.medical_personal


def test_a_cancelled_bill_leaves_the_difference_owed_but_nothing_overdue(billed, finance, citizen, unit_operator, at):
    bill = billed.bill
    # when the contribution clerk of 江岸区 cancels the bill, giving why
    cancelled = services.difference_bill_cancel(actor=finance, bill_id=bill.pk, reason=f"  {REASON} ")
    # then the bill is cancelled and the difference still owed, to be billed again, who and why kept
    bill.refresh_from_db()
    billed.refresh_from_db()
    assert bill.status == Bill.Status.CANCELLED and cancelled.pk == billed.pk
    assert (billed.status, billed.to_bill, billed.bill_cancelled_by_id, billed.bill_cancel_reason) == (
        "open",
        True,
        finance.pk,
        REASON,
    )
    assert timezone.localtime(billed.bill_cancelled_at).date() == dt.date(2025, 2, 13)
    event = AuditEvent.objects.get(action=CANCEL)
    assert (event.actor_id, event.subject_id, event.subject_person) == (finance.pk, str(bill.pk), citizen.id_number)
    assert (event.after["bill"], event.after["difference_status"], event.after["reason"]) == (
        bill.number,
        "open",
        REASON,
    )
    # the cancelled bill cannot be paid
    with pytest.raises(Conflict):
        services.payment_record(actor=unit_operator, bill=bill, amount=D("359.00"), key="WEB-C-1", channel="online")
    # past its old due date nothing is overdue: no △, nothing owed before a transfer out
    at(2025, 3, 17, 10, 0)
    as_of = dt.date(2025, 3, 17)
    (view,) = [v for v in months_of_person(actor=citizen, person=billed.person, as_of=as_of) if v.row.period == APRIL]
    assert (view.shown_status, view.difference_in_arrears) == ("paid", False)
    assert differences_overdue_of_person(actor=finance, person=billed.person, as_of=as_of) == []
    # but it is still unpaid for the accounts: medical at the base paid (6000), pension at the credit paid (480)
    assert _medical_april(billed.person) == (D("6000.00"), D("120.00"))
    AccountEntry.objects.filter(source_month=_april()).delete()  # as if never credited yet
    account_credit_paid(person=billed.person)
    assert AccountEntry.objects.get(source_month=_april()).amount == D("480.00")
    # and it is not cancelled twice
    with pytest.raises(Conflict) as again:
        services.difference_bill_cancel(actor=finance, bill_id=bill.pk, reason=REASON)
    assert again.value.status == 409 and AuditEvent.objects.filter(action=CANCEL).count() == 1


def test_billed_again_the_difference_is_due_from_then_and_paid_as_before(billed, finance, cashier, unit_operator, at):
    old_bill = billed.bill
    services.difference_bill_cancel(actor=finance, bill_id=old_bill.pk, reason=REASON)
    at(2025, 3, 3, 10, 0)
    # when another clerk bills it again on Mon 3 Mar 2025
    new = services.difference_rebill(actor=cashier, difference_id=billed.pk)
    # then a new bill for the same 359.00, due on March's due date (15 Apr), no late fee over the gap
    bill = new.bill
    assert (bill.kind, bill.employer_total, bill.personal_total, bill.case_number) == (
        "difference",
        D("256.00"),
        D("103.00"),
        billed.case_number,
    )
    assert (bill.due_date, bill.status) == (dt.date(2025, 4, 15), Bill.Status.OPEN)
    assert late_fee_for(bill=bill, as_of=dt.date(2025, 4, 15)).amount == D("0.00")
    # the old row closed, replaced by the new one; each bill keeps its own line; the month points at the new
    billed.refresh_from_db()
    assert (billed.status, billed.replaced_by_id, new.status) == ("cancelled", new.pk, "open")
    assert old_bill.number in billed.closing_note and bill.number in billed.closing_note
    assert _april().difference_bill_id == bill.pk
    assert [line.base for line in bill_lines(actor=finance, bill=old_bill)] == [D("7000.00")]
    assert [line.base for line in bill_lines(actor=finance, bill=bill)] == [D("7000.00")]
    assert AuditEvent.objects.get(action=REBILL).after["bill"] == bill.number
    # it is billed once: a second attempt, or one on the new open bill, is a 409
    for difference in (billed, new):
        with pytest.raises(Conflict):
            services.difference_rebill(actor=cashier, difference_id=difference.pk)
    assert Bill.objects.filter(kind="difference").count() == 2
    # once 江岸甲公司 pays it, the difference is settled and credited, the month at its corrected base
    services.payment_record(actor=unit_operator, bill=bill, amount=D("359.00"), key="WEB-RB-1", channel="online")
    new.refresh_from_db()
    assert new.status == "settled" and _april().difference_bill_id is None
    credit = AccountEntry.objects.get(person=billed.person, kind="contribution", note__contains=bill.number)
    assert credit.amount == D("80.00")
    assert _medical_april(billed.person) == (D("7000.00"), D("140.00"))


@pytest.mark.parametrize(
    ("base", "kind", "employer", "personal", "entry"),
    [
        # 6000 → 6500 from what was paid: half of 7000's, the account credited 40 more once paid
        ("6500", "due", D("128.00"), D("51.50"), D("480.00")),
        # 6000 → 5000: a refund of what was paid over, the account reduced at once
        ("5000", "refund", D("256.00"), D("103.00"), D("400.00")),
        # back to 6000: nothing moves
        ("6000", None, None, None, D("480.00")),
    ],
)
def test_a_new_correction_takes_over_a_difference_whose_bill_was_cancelled(
    billed, finance, reviewer, base, kind, employer, personal, entry
):
    # given the 7000 correction's bill cancelled (the correction itself was wrong)
    services.difference_bill_cancel(actor=finance, bill_id=billed.bill_id, reason="更正基数有误，需重新更正")
    # when April is corrected again, to another base
    corrected = services.contribution_month_correct(
        actor=reviewer, person=billed.person, period=APRIL, base=D(base), case_number="QY-2", reason=""
    )
    # then the new difference is reckoned from what was paid (6000), not from 7000
    billed.refresh_from_db()
    new = corrected.difference
    april = _april()
    assert billed.status == "cancelled" and "QY-2" in billed.closing_note
    if kind is None:
        assert new is None and billed.replaced_by_id is None and april.difference_bill_id is None
    else:
        assert (new.kind, new.employer_amount, new.personal_amount, new.base_before) == (
            kind,
            employer,
            personal,
            D("6000.00"),
        )
        assert billed.replaced_by_id == new.pk
        assert april.difference_bill_id == (new.bill_id if kind == "due" else None)
    # one difference at most owed on the month, and the accounts read it alike
    assert BaseDifference.objects.filter(month=april, status="open").count() == (0 if kind is None else 1)
    assert AccountEntry.objects.get(source_month=april).amount == entry
    expected_medical = (D("6000.00"), D("120.00")) if kind != "refund" else (D("5000.00"), D("100.00"))
    assert _medical_april(billed.person) == expected_medical


def test_a_month_with_an_open_difference_bill_is_still_refused(billed, reviewer):
    with pytest.raises(InvalidInput) as refused:
        services.contribution_month_correct(
            actor=reviewer, person=billed.person, period=APRIL, base=D("6500"), case_number="QY-2", reason=""
        )
    assert billed.bill.number in refused.value.message_zh
    assert BaseDifference.objects.filter(month__period=APRIL).count() == 1


def _open_and_unchanged(billed: BaseDifference) -> bool:
    billed.refresh_from_db()
    billed.bill.refresh_from_db()
    return (billed.bill.status, billed.status, billed.bill_cancelled_at, billed.bill_cancel_reason) == (
        "open",
        "open",
        None,
        "",
    ) and not AuditEvent.objects.filter(action=CANCEL).exists()


def _outsider(request, who):
    if who == "other_district_finance":
        return _contribution(request.getfixturevalue("other_district_clerk"))
    if who == "no_contribution_skill":
        return _staff("benefit_only", Role.REVIEWER, request.getfixturevalue("office"), 2)
    if who == "self":
        me = _contribution(_staff("self", Role.CLERK, request.getfixturevalue("office"), 1))
        me.id_number = request.getfixturevalue("window").id_number
        me.save(update_fields=["id_number"])
        return me
    actor = request.getfixturevalue(who)
    return actor


@pytest.mark.parametrize(
    ("who", "error"),
    [
        ("clerk", NotAllowed),  # accepted the correction
        ("reviewer", NotAllowed),  # completed it
        ("self", NotAllowed),
        ("other_district_finance", NotFound),
        ("no_contribution_skill", NotAllowed),
        ("citizen", NotAllowed),
        ("unit_operator", NotAllowed),
        ("bank_agent", NotAllowed),
    ],
)
def test_those_who_may_not_cancel_change_nothing(billed, request, who, error):
    actor = _outsider(request, who)
    with pytest.raises(error) as refused:
        services.difference_bill_cancel(actor=actor, bill_id=billed.bill_id, reason=REASON)
    assert refused.value.message_zh and refused.value.message_en
    assert _open_and_unchanged(billed)


@pytest.mark.parametrize("reason", ["", " ", "x", "长" * 201, "bad\x00reason"])
def test_a_cancel_without_a_reason_is_a_422_and_nothing_changes(billed, finance, reason):
    with pytest.raises(InvalidInput) as refused:
        services.difference_bill_cancel(actor=finance, bill_id=billed.bill_id, reason=reason)
    assert (refused.value.field, refused.value.status) == ("reason", 422)
    assert _open_and_unchanged(billed)


def test_a_paid_or_unknown_bill_is_not_cancelled(billed, finance, unit_operator):
    for bill_id in ("nope", 0, billed.bill_id + 999):
        with pytest.raises(NotFound):
            services.difference_bill_cancel(actor=finance, bill_id=bill_id, reason=REASON)
    services.payment_record(actor=unit_operator, bill=billed.bill, amount=D("359.00"), key="WEB-P-1", channel="online")
    with pytest.raises(Conflict):
        services.difference_bill_cancel(actor=finance, bill_id=billed.bill_id, reason=REASON)
    billed.refresh_from_db()
    assert billed.status == "settled" and billed.bill_cancelled_at is None


def test_the_statement_note_says_a_cancelled_bill_is_to_be_billed_again_and_lists_a_rebilled_one_once(
    billed, finance, cashier, at
):
    from shebao.contributions.selectors import difference_notes_of_persons

    person_id, old_number = billed.person_id, billed.bill.number
    # when the bill is cancelled, the year's note says so (not "due on …" for a bill that cannot be paid)
    services.difference_bill_cancel(actor=finance, bill_id=billed.bill.pk, reason=REASON)
    (note,) = difference_notes_of_persons(person_ids=[person_id], year=APRIL.year)[person_id]
    assert old_number in note and "缴费单已撤销，待重新开具" in note and "截止" not in note
    # billed again: one note, the new bill's number and due date; the replaced line is not repeated
    at(2025, 3, 3, 10, 0)
    new = services.difference_rebill(actor=cashier, difference_id=billed.pk)
    (note,) = difference_notes_of_persons(person_ids=[person_id], year=APRIL.year)[person_id]
    assert new.bill.number in note and "截止 2025-04-15" in note and old_number not in note


# --- the late fee already accrued is kept (review finding: cancel + re-bill wiped 14.18) ---------


def test_the_late_fee_accrued_when_cancelled_is_frozen_and_carried_into_the_new_bill(
    billed, finance, cashier, unit_operator, at
):
    old_bill = billed.bill
    # given the bill due 15 Mar 2025 unpaid on Mon 2 Jun: 79 days × 0.05% a day × 359.00 = 14.18
    at(2025, 6, 2, 10, 0)
    assert late_fee_for(bill=old_bill, as_of=dt.date(2025, 6, 2)).amount == D("14.18")
    # when the finance clerk cancels it
    services.difference_bill_cancel(actor=finance, bill_id=old_bill.pk, reason=REASON)
    # then the cancelled bill keeps the fee accrued to that day, and the audit event says how
    old_bill.refresh_from_db()
    assert (old_bill.status, old_bill.late_fee) == ("cancelled", D("14.18"))
    assert late_fee_for(bill=old_bill, as_of=dt.date(2025, 8, 1)).amount == D("14.18")
    event = AuditEvent.objects.get(action=CANCEL)
    assert (event.before["late_fee"], event.after["late_fee"], event.after["late_fee_days"]) == ("0.00", "14.18", 79)
    assert D(event.after["late_fee_daily_rate"]) == D("0.0005")
    # and when another clerk bills it again on Tue 3 Jun, the new bill (due 15 Jul) carries it, apart
    at(2025, 6, 3, 10, 0)
    new = services.difference_rebill(actor=cashier, difference_id=billed.pk)
    bill = new.bill
    assert (bill.due_date, bill.employer_total, bill.personal_total, bill.late_fee) == (
        dt.date(2025, 7, 15),
        D("256.00"),
        D("103.00"),
        D("14.18"),
    )
    assert late_fee_for(bill=bill, as_of=dt.date(2025, 7, 1)).amount == D("14.18")  # was 0.00
    # a new fee only from the new due date: 5 days × 0.05% × 359.00 = 0.8975 → 0.90 on top
    assert late_fee_for(bill=bill, as_of=dt.date(2025, 7, 20)).amount == D("15.08")
    assert AuditEvent.objects.get(action=REBILL).after["late_fee_carried"] == "14.18"
    billed.refresh_from_db()
    assert "滞纳金 14.18 元计入新缴费单" in billed.closing_note
    # the employer pays the difference and the fee owed: 373.18
    with pytest.raises(InvalidInput):
        services.payment_record(actor=unit_operator, bill=bill, amount=D("359.00"), key="WEB-LF-0", channel="online")
    services.payment_record(actor=unit_operator, bill=bill, amount=D("373.18"), key="WEB-LF-1", channel="online")
    bill.refresh_from_db()
    assert (bill.status, bill.late_fee) == ("paid", D("14.18"))


def test_a_bill_cancelled_before_its_due_date_carries_no_fee(billed, finance, cashier, at):
    services.difference_bill_cancel(actor=finance, bill_id=billed.bill_id, reason=REASON)
    at(2025, 6, 2, 10, 0)
    new = services.difference_rebill(actor=cashier, difference_id=billed.pk)
    billed.bill.refresh_from_db()
    assert (billed.bill.late_fee, new.bill.late_fee) == (D("0.00"), D("0.00"))
    assert late_fee_for(bill=new.bill, as_of=dt.date(2025, 7, 15)).amount == D("0.00")


@pytest.mark.parametrize(
    ("base", "carried", "note"),
    [
        ("7500", D("14.18"), "14.18 元计入缴费单"),  # more owed now: the fee on what was asked, all of it
        ("6500", D("7.09"), "7.09 元计入缴费单"),  # half owed: 14.18 × 179.50 / 359.00
        ("5000", None, "不再计收"),  # nothing owed (a refund): no fee was ever owed
    ],
)
def test_a_new_correction_carries_the_frozen_fee_for_what_is_still_owed(
    billed, finance, reviewer, at, base, carried, note
):
    at(2025, 6, 2, 10, 0)
    services.difference_bill_cancel(actor=finance, bill_id=billed.bill_id, reason="更正基数有误，需重新更正")
    corrected = services.contribution_month_correct(
        actor=reviewer, person=billed.person, period=APRIL, base=D(base), case_number="QY-2", reason=""
    )
    billed.refresh_from_db()
    assert "撤销时滞纳金 14.18 元" in billed.closing_note and note in billed.closing_note
    if carried is None:
        assert corrected.difference.bill is None
    else:
        assert corrected.difference.bill.late_fee == carried
        assert late_fee_for(bill=corrected.difference.bill, as_of=dt.date(2025, 6, 2)).amount == carried


# --- re-billing: the separation of duties (review finding) --------------------------------------


def _still_to_bill(billed: BaseDifference) -> bool:
    billed.refresh_from_db()
    return (
        billed.to_bill
        and billed.replaced_by_id is None
        and Bill.objects.filter(kind="difference").count() == 1
        and _april().difference_bill_id == billed.bill_id
        and not AuditEvent.objects.filter(action=REBILL).exists()
    )


@pytest.mark.parametrize(
    ("who", "error"),
    [
        ("finance", NotAllowed),  # cancelled the bill: a second pair of eyes bills it again
        ("clerk", NotAllowed),  # accepted the correction
        ("reviewer", NotAllowed),  # completed it
        ("self", NotAllowed),
        ("other_district_finance", NotFound),
        ("no_contribution_skill", NotAllowed),
        ("citizen", NotAllowed),
        ("unit_operator", NotAllowed),
        ("bank_agent", NotAllowed),
    ],
)
def test_those_who_may_not_bill_again_change_nothing(billed, finance, request, who, error):
    services.difference_bill_cancel(actor=finance, bill_id=billed.bill_id, reason=REASON)
    actor = _outsider(request, who)
    with pytest.raises(error) as refused:
        services.difference_rebill(actor=actor, difference_id=billed.pk)
    assert refused.value.message_zh and refused.value.message_en
    assert _still_to_bill(billed)


def test_a_clerk_who_handled_the_case_and_has_the_skill_still_may_not_bill_again(billed, finance, clerk):
    # the window clerk who accepted the correction also has the contribution skill (the window fixture)
    services.difference_bill_cancel(actor=finance, bill_id=billed.bill_id, reason=REASON)
    with pytest.raises(NotAllowed, match="办理过更正办件"):
        services.difference_rebill(actor=clerk, difference_id=billed.pk)
    assert _still_to_bill(billed)


# --- migration 0014 goes back only while no bill was cancelled ----------------------------------


def test_migration_0014_refuses_to_go_back_once_a_bill_was_cancelled(billed, finance):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("shebao.contributions.migrations.0014_difference_bill_cancel")
    migration.refuse_reverse_with_cancellations(apps, None)  # nothing cancelled yet: it may go back
    services.difference_bill_cancel(actor=finance, bill_id=billed.bill_id, reason=REASON)
    with pytest.raises(RuntimeError, match="Cannot reverse contributions 0014: 1 correction difference"):
        migration.refuse_reverse_with_cancellations(apps, None)
