"""The mailing run's bulk read equals record_for, person by person, to the fen; its bulk issue
follows statement_issue's rule (unchanged figures: the same statement; changed: a new version)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shebao.contributions.models import ContributionMonth
from shebao.core.errors import NotFound
from shebao.core.models import AuditEvent
from shebao.registry.models import InsuredStatus, Person
from shebao.statements.mailing.bulk import records_for_persons, statements_issue_bulk
from shebao.statements.models import Statement
from shebao.statements.selectors import record_for
from shebao.statements.services import statement_issue
from tests.statements.conftest import YEAR
from tests.statements.test_record import transfer_in_may  # noqa: F401 (pytest finds fixtures by name)
from tests.web.support import make_person

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def others(today, district, unit_a):
    """Beside the hand-built year: a person with no ledger at all, a retiree with earlier years
    only, and one employed all year at 甲."""
    empty = make_person(district=district, name="无记录")
    retiree = make_person(district=district, name="老李", category=Person.Category.RETIREE)
    ContributionMonth.objects.create(
        person=retiree, period=dt.date(2019, 5, 1), base=Decimal("3000"), status="paid", pension_personal=Decimal("240")
    )
    worker = make_person(district=district, name="全年")
    for month in range(1, 13):
        ContributionMonth.objects.create(
            person=worker,
            unit=unit_a,
            period=dt.date(YEAR, month, 1),
            base=Decimal("7000"),
            status="paid",
            pension_personal=Decimal("560"),
            medical_personal=Decimal("140"),
            account_credit=Decimal("560"),
        )
    return [empty, retiree, worker]


@pytest.fixture
def medical_people(today, district, unit_a):
    """Medical accounts (tests.statements.test_record_medical): a worker across the 2023 rule
    change with reimbursements paid from the account in 2022, 2023 and 2024, and a retiree
    credited the fixed amount from the month the registry ended their pension insurance."""
    from tests.statements.test_record_medical import medical_history

    worker = medical_history(make_person(district=district, name="医保在职"), unit_a)
    retiree = make_person(district=district, name="医保退休", category=Person.Category.RETIREE)
    InsuredStatus.objects.create(person=retiree, insurance="pension", status="terminated", since=dt.date(2022, 11, 20))
    return [worker, retiree]


def test_bulk_records_equal_record_for_person_by_person(history, others, medical_people, clerk):
    persons = [history, *others, *medical_people]
    # when the chunk's records are read at once
    with CaptureQueriesContext(connection) as queries:
        bulk = records_for_persons(actor=clerk, persons=persons, year=YEAR)
    # then each equals the one record_for computes (every month, flag, figure and note)
    for person in persons:
        assert bulk[person.pk] == record_for(actor=clerk, person=person, year=YEAR), person.name
    # the medical accounts too: 2024 opens at 2023's 1616.00, credits 160.00, pays out 50.00
    worker, retiree = medical_people
    medical = bulk[worker.pk].medical_account
    assert medical is not None
    assert (medical.opening_balance, medical.principal, medical.paid_out) == (D("1616.00"), D("160.00"), D("50.00"))
    assert (medical.closing_balance, medical.months) == (D("1726.00"), 15)
    retired = bulk[retiree.pk].medical_account
    assert retired is not None and retired.closing_balance == D("1040.00") + 12 * D("70.00")
    assert bulk[retiree.pk].insurance("medical").status == "已退休"  # insured as a retiree, paying nothing
    assert bulk[others[0].pk].medical_account is None  # no ledger at all
    # and the year of the rule change (2023) the same, person by person
    for person, record in records_for_persons(actor=clerk, persons=persons, year=2023).items():
        assert record == record_for(actor=clerk, person=Person.objects.get(pk=person), year=2023), person
    # the ledger, the account and the employments read once for the whole chunk, not per person
    # and the transfers' marks once too (a retiree's pension note is still read per person)
    sqls = [q["sql"] for q in queries.captured_queries]
    assert sum('FROM "contributions_contributionmonth"' in q for q in sqls) == 1
    assert sum('FROM "pension_transfers_transfer"' in q for q in sqls) == 1
    assert sum('FROM "contributions_accountentry"' in q for q in sqls) == 2  # summaries, lines
    assert sum('FROM "registry_employment"' in q for q in sqls) == 1
    # the medical accounts: the rule rows, the retirements and the reimbursements once each
    assert sum('FROM "medical_accountcreditrule"' in q for q in sqls) == 1
    assert sum('FROM "registry_insuredstatus"' in q for q in sqls) == 1
    assert sum('FROM "medical_reimbursement"' in q for q in sqls) == 1
    assert bulk[history.pk].pension_account.closing_balance == Decimal("15932.74")


def test_bulk_read_refuses_a_chunk_with_a_person_the_actor_may_not_see(history, other_district, other_district_clerk):
    with pytest.raises(NotFound):
        records_for_persons(actor=other_district_clerk, persons=[history], year=YEAR)


def test_bulk_issue_keeps_unchanged_statements_and_versions_changed_ones(history, others, clerk):
    persons = [history, *others]
    # given one statement issued before, online, by the person's own service
    earlier = statement_issue(actor=clerk, person=history, year=YEAR, channel="hall")
    # when the chunk is issued
    issued = statements_issue_bulk(actor=clerk, persons=persons, year=YEAR, channel="system")
    # then the unchanged one is kept and the others are version 1, one audit event for the chunk
    assert issued[history.pk][0].pk == earlier.pk
    assert [issued[p.pk][0].version for p in others] == [1, 1, 1]
    event = AuditEvent.objects.get(action="mailing.issue")
    assert sorted(row[0] for row in event.after["issued"]) == sorted(p.pk for p in others)
    # when a figure changes and the chunk is issued again
    worker = others[2]
    ContributionMonth.objects.filter(person=worker, period=dt.date(YEAR, 12, 1)).update(base=Decimal("7500"))
    again = statements_issue_bulk(actor=clerk, persons=persons, year=YEAR, channel="system")
    # then only that person gets version 2 and the old one is superseded by it
    assert {p.name: again[p.pk][0].version for p in persons} == {"张三": 1, "无记录": 1, "老李": 1, "全年": 2}
    old = Statement.objects.get(person=worker, version=1)
    assert old.superseded_by_id == again[worker.pk][0].pk and old.superseded_at is not None
    assert Statement.objects.filter(person__in=persons, superseded_at__isnull=True).count() == 4
    # and a signed statement verifies like any other
    from shebao.statements.selectors import statement_signature_valid

    assert statement_signature_valid(statement=again[worker.pk][0])


def test_bulk_records_equal_record_for_with_a_month_brought_in_by_a_transfer(request, others, clerk):
    moved = request.getfixturevalue("transfer_in_may")  # tests.statements.test_record's fixture
    persons = [moved, *others]
    bulk = records_for_persons(actor=clerk, persons=persons, year=YEAR)
    assert bulk[moved.pk].insurance("pension").months[4].flag == "transferred_in"
    for person in persons:
        assert bulk[person.pk] == record_for(actor=clerk, person=person, year=YEAR), person.name


def test_bulk_records_leave_out_a_transfer_completed_after_the_year_as_record_for_does(request, others, clerk):
    # a transfer is on record from its completion: completed in January of the next year, the
    # year's statement (bulk as person by person) shows no ○ for the month it brought in
    from shebao.pensions.transfers.models import Transfer

    moved = request.getfixturevalue("transfer_in_may")
    Transfer.objects.filter(id_number=moved.id_number).update(completed_on=dt.date(YEAR + 1, 1, 15))
    bulk = records_for_persons(actor=clerk, persons=[moved, *others], year=YEAR)
    assert bulk[moved.pk].insurance("pension").months[4].flag != "transferred_in"
    assert bulk[moved.pk] == record_for(actor=clerk, person=moved, year=YEAR)


def test_bulk_transferred_months_equal_the_per_person_read_with_the_same_sight(
    request, others, clerk, unit_operator, other_district_clerk
):
    from shebao.pensions.transfers.selectors import transferred_months, transferred_months_of_persons

    moved = request.getfixturevalue("transfer_in_may")
    numbers = [moved.id_number, *(p.id_number for p in others)]
    # when the marks of a chunk are read at once
    with CaptureQueriesContext(connection) as queries:
        bulk = transferred_months_of_persons(actor=clerk, id_numbers=numbers)
    # then two queries, every ID number a key, each equal to the person-by-person read
    assert len(queries.captured_queries) == 2
    assert bulk == {number: transferred_months(actor=clerk, id_number=number) for number in numbers}
    assert bulk[moved.id_number] == {2024: {5}}  # May 2024, paid in 宜昌
    # and someone who may not see the transfer gets nothing for it, as person by person
    for outsider in (unit_operator, other_district_clerk):
        assert transferred_months_of_persons(actor=outsider, id_numbers=numbers) == {number: {} for number in numbers}
        assert transferred_months(actor=outsider, id_number=moved.id_number) == {}


def test_bulk_account_lines_equal_account_statement_lines_person_by_person(history, others, clerk):
    from shebao.contributions.accounts import account_lines_of_persons, account_statement
    from shebao.contributions.models import AccountEntry

    persons = [history, *others]
    # given an entry whose kind's label differs from its value, besides the hand-built year's
    AccountEntry.objects.create(
        person=others[2], kind="payout", year=YEAR, credited_month=dt.date(YEAR, 12, 1), amount=Decimal("-12.34")
    )
    # when the chunk's lines are read at once (value rows)
    bulk = account_lines_of_persons(actor=clerk, persons=persons, year=YEAR)
    # then each person's lines equal account_statement's, labels, amounts, rates and order included
    for person in persons:
        assert bulk[person.pk] == account_statement(actor=clerk, person=person, year=YEAR).lines, person.name
    assert bulk[others[2].pk][-1].kind_label == "支出 / Paid out"
    assert bulk[others[0].pk] == ()
    assert len(bulk[history.pk]) > 3


def test_bulk_issued_statements_read_back_from_the_database_as_issued(history, others, clerk):
    """On PostgreSQL the chunk's statements go in as one insert of array parameters bound by the
    server; elsewhere through bulk_create: either way each row reads back as it was issued."""
    from shebao.statements.selectors import statement_signature_valid

    persons = [history, *others]
    issued = statements_issue_bulk(actor=clerk, persons=persons, year=YEAR, channel="system")
    for person in persons:
        statement, _record = issued[person.pk]
        stored = Statement.objects.get(pk=statement.pk)
        assert stored.person_id == person.pk, person.name
        fields = ("year", "version", "ref", "code", "signature", "content", "issued_at", "issued_by_id", "channel")
        assert {f: getattr(stored, f) for f in fields} == {f: getattr(statement, f) for f in fields}, person.name
        assert stored.superseded_at is None and stored.superseded_by_id is None and stored.correction_case == ""
        assert statement_signature_valid(statement=stored)
    # the ids are the rows' own, in the chunk's order, distinct
    assert len({issued[p.pk][0].pk for p in persons}) == len(persons)
    assert issued[history.pk][0].content["person"]["name"] == history.name


def test_a_retirees_earlier_year_shows_them_as_they_were_then(medical_people, clerk):
    _, retiree = medical_people  # pension insurance ended 2022-11: retired from then
    records = {year: record_for(actor=clerk, person=retiree, year=year) for year in (2021, 2022)}
    # 2021, before it ended: neither insurance says 已退休 and there is no pension note
    before = records[2021]
    assert before.insurance("pension").status != "已退休" and before.insurance("medical").status != "已退休"
    assert not any("本人已退休" in note or "退休人员的养老金" in note for note in before.notes)
    # 2022, the year it ended: 已退休 for both, as today
    assert {records[2022].insurance(code).status for code in ("pension", "medical")} == {"已退休"}
    # and the mailing run's bulk read says the same, year by year
    for year, record in records.items():
        assert records_for_persons(actor=clerk, persons=[retiree], year=year)[retiree.pk] == record
