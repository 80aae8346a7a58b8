"""A base corrected on a month already paid moves money (issue #14, QY-001): upward, a difference
bill (补差) to the month's employer; the month stays paid (it was paid, at the base declared:
every count of paid months keeps it) and shows △ once the difference bill is past due, ● again
once it is paid, the account credited with the difference in the month paid; downward, a refund
recorded for the finance office, the account reduced at once, nothing △.

April 2024 of the statements' hand-built history (张三 at 江岸甲公司, paid, no bill of its own)
is set to what the 2024 rule rows give at a base of 6000 (work-injury class 1):

    pension       employer 16 %   960.00   personal 8 %   480.00   account 8 %  480.00
    medical       employer 8.7 %  522.00   personal 2 %   120.00
    unemployment  employer 0.7 %   42.00   personal 0.3 %  18.00
    work injury   employer 0.2 %   12.00
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from shebao.cases.models import Case
from shebao.cases.services import case_act
from shebao.contributions import services
from shebao.contributions.accounts import account_interest_credit
from shebao.contributions.models import AccountEntry, BaseDifference, Bill, ContributionMonth
from shebao.contributions.rulebook import Rulebook
from shebao.contributions.selectors import (
    bill_lines,
    contribution_history,
    difference_notes_of_persons,
    late_fee_for,
    medical_paid_months,
    months_of_person,
    unemployment_paid_months,
)
from shebao.core.errors import InvalidInput
from shebao.core.models import AuditEvent, SkillGroup
from shebao.pensions.inputs import ledger_index_months
from shebao.statements.mailing.bulk import records_for_persons
from shebao.statements.selectors import record_for
from shebao.statements.services import statement_correction_request, statement_issue
from tests.cases import conftest as engine_fixtures
from tests.mobile.conftest import app_sign_in, bearer
from tests.statements.conftest import YEAR
from tests.web.support import sign_in

D = Decimal
pytestmark = pytest.mark.django_db

_register_test_items = engine_fixtures._register_test_items
at = engine_fixtures.at
catalogue = engine_fixtures.catalogue
skills = engine_fixtures.skills
working_hours = engine_fixtures.working_hours

MATERIALS = {"id_card": "received", "employer_evidence": "received"}
APRIL = dt.date(YEAR, 4, 1)
AT_6000 = {
    "pension_employer": D("960.00"),
    "pension_personal": D("480.00"),
    "medical_employer": D("522.00"),
    "medical_personal": D("120.00"),
    "unemployment_employer": D("42.00"),
    "unemployment_personal": D("18.00"),
    "injury_employer": D("12.00"),
}
INTEREST_2024 = D("332.74")  # the fixture's 2024 interest, before any correction


@pytest.fixture
def window(history, skills, working_hours, at, clerk, reviewer):
    """Tue 11 Feb 2025 10:00, the contribution skill at the district office's window; April
    holds the 2024 rule rows' amounts at 6000."""
    group = SkillGroup.objects.get(code="contribution")
    for person in (clerk, reviewer):
        person.skill_groups.add(group)
    ContributionMonth.objects.filter(person=history, period=APRIL).update(**AT_6000)
    at(2025, 2, 11, 10, 0)
    return history


def _correct(person, clerk, reviewer, citizen, base: str) -> Case:
    statement = statement_issue(actor=citizen, person=person, year=YEAR, channel="online")
    case = statement_correction_request(
        actor=clerk,
        statement=statement,
        period=APRIL,
        what="base",
        correct_base=D(base),
        detail=f"单位按{base}元申报",
        channel="hall",
        materials=MATERIALS,
    )
    case = case_act(actor=clerk, case_id=case.pk, version=case.version, action="accept")
    case = case_act(actor=reviewer, case_id=case.pk, version=case.version, action="review")
    assert case.status == Case.Status.COMPLETED
    return case


def _april_flag(person, actor) -> str:
    record = record_for(actor=actor, person=person, year=YEAR)
    pension = next(block for block in record.insurances if block.insurance == "pension")
    return pension.months[3].flag


def test_an_upward_correction_raises_a_difference_bill_and_the_month_is_paid_only_when_it_is(
    window, at, citizen, clerk, reviewer
):
    person = window
    # when April's base is corrected 6000 → 7000 on 11 Feb 2025
    case = _correct(person, clerk, reviewer, citizen, "7000")
    # then the month holds the amounts at 7000 and points at a difference bill to 江岸甲公司:
    #   employer (1120.00 − 960) + (609.00 − 522) + (49.00 − 42) + (14.00 − 12) = 160 + 87 + 7 + 2 = 256.00
    #   personal (560.00 − 480) + (140.00 − 120) + (21.00 − 18)                  =  80 + 20 + 3     = 103.00
    april = ContributionMonth.objects.get(person=person, period=APRIL)
    assert (april.base, april.pension_employer, april.pension_personal) == (D("7000.00"), D("1120.00"), D("560.00"))
    bill = Bill.objects.get(kind=Bill.Kind.DIFFERENCE)
    assert (bill.unit.name, bill.period, bill.employer_total, bill.personal_total, bill.late_fee) == (
        "江岸甲公司",
        APRIL,
        D("256.00"),
        D("103.00"),
        D("0.00"),
    )
    # due on the ordinary due date of the correction's month: February's, the 15th of March
    assert (bill.due_date, bill.case_number, bill.status) == (dt.date(2025, 3, 15), case.number, Bill.Status.OPEN)
    # the month stays paid on its own bill (none: loaded from history), the difference bill beside it
    assert (april.bill_id, april.difference_bill_id, april.status) == (None, bill.pk, ContributionMonth.Status.PAID)
    difference = BaseDifference.objects.get(month=april)
    assert (difference.kind, difference.total, difference.account_credit) == ("due", D("359.00"), D("80.00"))
    assert difference.lines["medical_employer"] == {"before": "522.00", "after": "609.00", "difference": "87.00"}
    # the case's result names the difference and the bill number
    case.refresh_from_db()
    assert case.result["difference"]["bill"] == bill.number == f"JF202404-{bill.pk:08d}"
    assert case.result["difference"]["total"] == "359.00"
    assert bill.number in case.result["difference_note"] and "359.00" in case.result["difference_note"]
    # the note a statement takes from contributions names the bill and that it is unpaid
    (note,) = difference_notes_of_persons(person_ids=[person.pk], year=YEAR)[person.pk]
    assert note == (
        f"2024年04月缴费基数经更正（办件 {case.number}），补差 359.00 元（单位 256.00 元，个人 103.00 元），"
        f"缴费单 {bill.number}，待单位缴纳，截止 2025-03-15。"
    )
    # the account is not credited yet: April's entry stays 480, 2024's interest unchanged
    assert AccountEntry.objects.get(source_month=april).amount == D("480.00")
    assert AccountEntry.objects.get(person=person, kind="interest", year=YEAR).amount == INTEREST_2024
    # the record: April is still ● (the difference not yet due), at its corrected base
    record = record_for(actor=citizen, person=person, year=YEAR)
    assert (record.insurances[0].months[3].flag, record.insurances[0].months[3].base) == ("paid", D("7000.00"))

    # past the due date April is △, on the record and in the mailing's bulk read alike
    at(2025, 3, 17, 10, 0)
    (view,) = [
        v for v in months_of_person(actor=citizen, person=person, as_of=dt.date(2025, 3, 17)) if v.row.period == APRIL
    ]
    assert (view.shown_status, view.difference_in_arrears) == ("paid", True)
    assert _april_flag(person, citizen) == "arrears"
    # the record names the difference and its bill, unpaid
    assert note in record_for(actor=citizen, person=person, year=YEAR).notes
    assert records_for_persons(actor=clerk, persons=[person], year=YEAR)[person.pk] == record_for(
        actor=clerk, person=person, year=YEAR
    )

    # 2025's interest is credited at its year end without the unpaid difference
    at(2026, 1, 2, 9, 0)
    interest_2025 = account_interest_credit(person=person, year=2025)
    # the bank's settlement file on 5 Jan 2026 pays it with the value date 20 Dec 2025:
    # late fee 359.00 × 0.0005 × 280 days (15 Mar → 20 Dec 2025) = 50.26
    at(2026, 1, 5, 9, 0)
    fee = late_fee_for(bill=bill, as_of=dt.date(2025, 12, 20))
    assert (fee.days, fee.amount) == (280, D("50.26"))
    # (a value date before the bill was issued on 11 Feb 2025 is refused)
    with pytest.raises(InvalidInput) as early:
        services.payment_record(
            actor=None, bill=bill, amount=D("359.00"), key="BANK-DIFF-0", channel="bank", debited_on=dt.date(2025, 2, 1)
        )
    assert early.value.field == "debited_on"
    services.payment_record(
        actor=None, bill=bill, amount=D("409.26"), key="BANK-DIFF-1", channel="bank", debited_on=dt.date(2025, 12, 20)
    )
    # then April is ● again, on its own bill (none: a month loaded from history), no difference open
    april.refresh_from_db()
    assert (april.status, april.bill_id, april.difference_bill_id) == (ContributionMonth.Status.PAID, None, None)
    assert _april_flag(person, citizen) == "paid"
    assert BaseDifference.objects.get(pk=difference.pk).status == BaseDifference.Status.SETTLED
    assert difference_notes_of_persons(person_ids=[person.pk], year=YEAR)[person.pk][0].endswith("已缴清。")
    paid_note = note.replace("待单位缴纳，截止 2025-03-15。", "已缴清。")
    assert paid_note in record_for(actor=citizen, person=person, year=YEAR).notes
    assert records_for_persons(actor=clerk, persons=[person], year=YEAR)[person.pk] == record_for(
        actor=clerk, person=person, year=YEAR
    )
    # the difference is credited in the month paid (记账月 December 2025), April's own entry unchanged
    credit = AccountEntry.objects.get(person=person, kind="contribution", source_month__isnull=True)
    assert (credit.amount, credit.credited_month, credit.year) == (D("80.00"), dt.date(2025, 12, 1), 2025)
    assert case.number in credit.note and bill.number in credit.note
    # and 2025's interest recomputed from that date: + 80 × 1 month × 1.50 % / 12 = 0.10
    interest_2025.refresh_from_db()
    assert interest_2025.amount - account_interest_credit_amount_before(interest_2025) == D("0.10")
    # 2024's interest never saw the difference
    assert AccountEntry.objects.get(person=person, kind="interest", year=YEAR).amount == INTEREST_2024


def account_interest_credit_amount_before(entry: AccountEntry) -> Decimal:
    """The interest as first credited (its audit event's figure)."""
    event = AuditEvent.objects.get(action="account.interest", subject_id=str(entry.pk))
    return D(event.after["interest"])


def test_a_downward_correction_records_a_refund_and_reduces_the_account_at_once(window, citizen, clerk, reviewer):
    person = window
    # when April's base is corrected 6000 → 5000
    case = _correct(person, clerk, reviewer, citizen, "5000")
    # then no bill; a refund is recorded: employer 160 + 87 + 7 + 2 = 256.00, personal 80 + 20 + 3 = 103.00
    assert not Bill.objects.filter(kind=Bill.Kind.DIFFERENCE).exists()
    refund = BaseDifference.objects.get(month__person=person)
    assert (refund.kind, refund.employer_amount, refund.personal_amount, refund.account_credit, refund.bill) == (
        "refund",
        D("256.00"),
        D("103.00"),
        D("80.00"),
        None,
    )
    assert (refund.status, refund.case_number) == (BaseDifference.Status.OPEN, case.number)
    case.refresh_from_db()
    assert case.result["difference"]["refund_by"] == "finance_office"
    assert "退差 359.00" in case.result["difference_note"]
    assert difference_notes_of_persons(person_ids=[person.pk], year=YEAR)[person.pk] == [
        f"2024年04月缴费基数经更正（办件 {case.number}），多缴 359.00 元（单位 256.00 元，个人 103.00 元）待退付。"
    ]
    # the month stays paid ●, the account credit 480 → 400 now, 2024's interest
    # − 80 × 9 months × 2.62 % / 12 = − 1.572: 332.74 → 331.17
    april = ContributionMonth.objects.get(person=person, period=APRIL)
    assert april.status == ContributionMonth.Status.PAID and _april_flag(person, citizen) == "paid"
    assert AccountEntry.objects.get(source_month=april).amount == D("400.00")
    assert AccountEntry.objects.get(person=person, kind="interest", year=YEAR).amount == D("331.17")


def test_a_second_correction_while_the_difference_bill_is_open_is_refused_until_it_is_paid(
    client, window, citizen, clerk, reviewer, unit_operator
):
    person = window
    _correct(person, clerk, reviewer, citizen, "7000")
    bill = Bill.objects.get(kind=Bill.Kind.DIFFERENCE)
    statement = statement_issue(actor=citizen, person=person, year=YEAR, channel="online")
    # a second request for April is refused when filed, naming the open bill, and opens nothing
    with pytest.raises(InvalidInput) as refused:
        statement_correction_request(
            actor=clerk,
            statement=statement,
            period=APRIL,
            what="base",
            correct_base=D("7500"),
            detail="再次更正",
            channel="hall",
            materials=MATERIALS,
        )
    assert refused.value.field == "period"
    assert bill.number in refused.value.message_zh and bill.number in refused.value.message_en
    assert Case.objects.filter(item__code="QY-001").count() == 1
    # and the service itself refuses it (a case filed before the bill was raised), nothing written
    with pytest.raises(InvalidInput):
        services.contribution_month_correct(
            actor=reviewer, person=person, period=APRIL, base=D("7500"), case_number="X", reason=""
        )
    assert ContributionMonth.objects.get(person=person, period=APRIL).base == D("7000.00")
    # once 江岸甲公司 paid it online, a further correction raises the next difference from 7000
    services.payment_record(actor=unit_operator, bill=bill, amount=D("359.00"), key="WEB-DIFF-1", channel="online")
    services.contribution_month_correct(
        actor=reviewer, person=person, period=APRIL, base=D("7500"), case_number="QY-2", reason=""
    )
    second = Bill.objects.filter(kind=Bill.Kind.DIFFERENCE).exclude(pk=bill.pk).get()
    # employer 80 + 43.50 + 3.50 + 1 = 128.00; personal 40 + 10 + 1.50 = 51.50
    assert (second.employer_total, second.personal_total, second.case_number) == (D("128.00"), D("51.50"), "QY-2")


def test_the_app_gets_a_bilingual_422_for_a_month_with_an_open_difference_bill(
    client, window, citizen, clerk, reviewer
):
    _correct(window, clerk, reviewer, citizen, "7000")
    signed = app_sign_in(client, citizen)
    headers = bearer(signed.json()["access_token"])
    client.cookies.clear()
    answer = client.post(
        f"/api/v1/my/statements/{YEAR}/corrections",
        {"period": f"{YEAR}-04-01", "what": "base", "correct_base": "7500", "detail": "基数应为7500元"},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="app-correction-again",
        **headers,
    )
    assert answer.status_code == 422, answer.content
    body = answer.json()
    assert body["field"] == "period" and "更正补差" in body["message"] and "difference bill" in body["message_en"]


@pytest.mark.parametrize("base", [D("0"), D("-1"), D("NaN"), D("Infinity"), D("1e12")])
def test_a_bad_base_is_refused_by_the_service_in_both_languages(window, reviewer, base):
    with pytest.raises(InvalidInput) as refused:
        services.contribution_month_correct(
            actor=reviewer, person=window, period=APRIL, base=base, case_number="X", reason=""
        )
    assert refused.value.field == "correct_base" and refused.value.message_zh and refused.value.message_en
    assert not BaseDifference.objects.exists()


def test_nothing_is_written_when_the_difference_bill_cannot_be_made(window, reviewer, monkeypatch):
    def no_rule(self, on):
        raise InvalidInput(f"{on} 没有滞纳金规则", f"No late-fee rule on {on}", field="month")

    monkeypatch.setattr(Rulebook, "late_fee", no_rule)
    with pytest.raises(InvalidInput):
        services.contribution_month_correct(
            actor=reviewer, person=window, period=APRIL, base=D("7000"), case_number="X", reason=""
        )
    april = ContributionMonth.objects.get(person=window, period=APRIL)
    assert (april.base, april.status, april.pension_employer, april.bill_id) == (
        D("6000.00"),
        ContributionMonth.Status.PAID,
        D("960.00"),
        None,
    )
    assert not Bill.objects.filter(kind=Bill.Kind.DIFFERENCE).exists() and not BaseDifference.objects.exists()
    assert not AuditEvent.objects.filter(action="contributions.month.correct").exists()


def test_the_employer_sees_the_difference_bill_with_its_case_number_and_the_difference_per_person(
    client, window, citizen, clerk, reviewer, unit_operator
):
    case = _correct(window, clerk, reviewer, citizen, "7000")
    bill = Bill.objects.get(kind=Bill.Kind.DIFFERENCE)
    sign_in(client, unit_operator)
    listing = client.get("/unit/bills/").content.decode()
    assert case.number in listing and "更正补差" in listing
    page = client.get(f"/unit/bills/{bill.pk}/").content.decode()
    assert bill.number in page and case.number in page and "359.00" in page
    # the bill's line is the difference: the base corrected to, each column the amount asked
    (line,) = bill_lines(actor=unit_operator, bill=bill)
    assert (line.person_id, line.base, line.pension_employer, line.medical_employer, line.pension_personal) == (
        window.pk,
        D("7000.00"),
        D("160.00"),
        D("87.00"),
        D("80.00"),
    )


def test_the_finance_office_finds_the_open_refunds_in_the_admin(client, window, citizen, clerk, reviewer, admin_user):
    from django.urls import reverse

    from tests.cases.test_api import staff_client

    case = _correct(window, clerk, reviewer, citizen, "5000")
    administrator = staff_client(client, admin_user)
    page = administrator.get(reverse("admin:contributions_basedifference_changelist") + "?kind=refund&status=open")
    assert page.status_code == 200
    text = page.content.decode()
    assert case.number in text and "256.00" in text and "103.00" in text


def _paid_month_counts(person, actor) -> dict[str, object]:
    """Every count of paid months a person's rights are read from."""
    today = dt.date(2025, 3, 17)
    return {
        # 失业保险累计缴费月数 (unemployment benefit months)
        "unemployment": unemployment_paid_months(person_ids=[person.pk])[person.pk],
        # the months the medical personal account is credited from
        "medical": [m.period for m in medical_paid_months(person_id=person.pk)],
        # 账户月数 on the statement: the pension account's months
        "pension_account": record_for(actor=actor, person=person, year=YEAR).pension_account.months,
        # the months of the average contribution index and 缴费年限 at retirement
        "pension_index": [period for period, _, _ in ledger_index_months(actor=actor, person=person)],
        # /my/contributions/: paid months per year
        "history": {y.year: y.paid_count for y in contribution_history(actor=actor, person=person, as_of=today)},
    }


def test_an_unpaid_difference_keeps_the_month_in_every_count_of_paid_months(window, at, citizen, clerk, reviewer):
    person = window
    at(2025, 3, 17, 10, 0)
    without = _paid_month_counts(person, citizen)
    assert APRIL in without["medical"] and APRIL in without["pension_index"] and without["unemployment"] > 0
    # when April's base is corrected 6000 → 7000 and the difference bill (due 15 Mar) is not paid
    at(2025, 2, 11, 10, 0)
    _correct(person, clerk, reviewer, citizen, "7000")
    at(2025, 3, 17, 10, 0)
    (april,) = [
        v for v in months_of_person(actor=citizen, person=person, as_of=dt.date(2025, 3, 17)) if v.row.period == APRIL
    ]
    assert (april.shown_status, april.difference_in_arrears) == ("paid", True)
    assert _april_flag(person, citizen) == "arrears"  # △ on the statement: the difference is owed
    # then April still counts as a paid month everywhere: the month was paid, only the difference is owed
    assert _paid_month_counts(person, citizen) == without


def test_a_month_first_credited_while_its_difference_is_open_gets_the_difference_only_when_paid(
    window, at, citizen, clerk, reviewer, unit_operator
):
    from shebao.contributions.accounts import account_credit_paid

    person = window
    # April never credited yet (e.g. its crediting job had not run) when its base is corrected 6000 → 7000
    AccountEntry.objects.filter(source_month__person=person, source_month__period=APRIL).delete()
    _correct(person, clerk, reviewer, citizen, "7000")
    april = ContributionMonth.objects.get(person=person, period=APRIL)
    assert (april.status, april.account_credit) == (ContributionMonth.Status.PAID, D("560.00"))
    # the crediting credits what was paid: 560 − the open difference's 80 = 480
    account_credit_paid(person=person)
    assert AccountEntry.objects.get(source_month=april).amount == D("480.00")
    # and the difference's 80 once its bill is paid (in the month paid), never twice
    bill = Bill.objects.get(kind=Bill.Kind.DIFFERENCE)
    services.payment_record(actor=unit_operator, bill=bill, amount=D("359.00"), key="WEB-DIFF-9", channel="online")
    credits = AccountEntry.objects.filter(person=person, kind="contribution")
    assert [e.amount for e in credits.filter(note__contains=bill.number)] == [D("80.00")]
    assert AccountEntry.objects.get(source_month=april).amount == D("480.00")


def test_the_migration_puts_a_month_due_on_its_difference_bill_back_to_paid(window, citizen, clerk, reviewer):
    """0012 moves a month left by 0010's shape (due, or in arrears, on its difference bill) to paid on
    its own bill with the difference bill beside it."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("shebao.contributions.migrations.0012_month_difference_bill")
    _correct(window, clerk, reviewer, citizen, "7000")
    bill = Bill.objects.get(kind=Bill.Kind.DIFFERENCE)
    ContributionMonth.objects.filter(person=window, period=APRIL).update(
        bill=bill, status=ContributionMonth.Status.ARREARS, difference_bill=None
    )
    migration.months_paid_again(apps, None)
    april = ContributionMonth.objects.get(person=window, period=APRIL)
    assert (april.status, april.bill_id, april.difference_bill_id) == (ContributionMonth.Status.PAID, None, bill.pk)


def _contribution_credits(person) -> Decimal:
    return sum((e.amount for e in AccountEntry.objects.filter(person=person, kind="contribution")), Decimal("0.00"))


def test_a_downward_correction_after_a_paid_difference_moves_the_account_by_the_change_only(
    window, at, citizen, clerk, reviewer
):
    """April credited 480 (8 % of 6000); corrected to 7000 and the difference paid: 480 + 80 in two
    entries; corrected again to 6500: the account holds 520 for April, not 520 + the 80 again."""
    person = window
    credits_before = _contribution_credits(person)
    _correct(person, clerk, reviewer, citizen, "7000")
    bill = Bill.objects.get(kind=Bill.Kind.DIFFERENCE)
    at(2025, 3, 3, 10, 0)  # a Monday: the office is open for the second correction
    services.payment_record(
        actor=None, bill=bill, amount=D("359.00"), key="BANK-DIFF-TWICE", channel="bank", debited_on=dt.date(2025, 3, 1)
    )
    assert _contribution_credits(person) == credits_before + D("80.00")
    _correct(person, clerk, reviewer, citizen, "6500")
    april = ContributionMonth.objects.get(person=person, period=APRIL)
    assert april.account_credit == D("520.00")
    # April's own entry moved by the change (560 → 520: − 40), the paid difference's entry kept
    assert AccountEntry.objects.get(source_month=april).amount == D("440.00")
    assert _contribution_credits(person) == credits_before + D("40.00")
