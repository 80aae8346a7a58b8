"""The window print of another district's person (通办) reads the record with a PersonGrant
(core.access) for that one person, issued by the print's service to the real clerk: the same
figures as the person's own district's clerk sees, every read audited with the real clerk, and
nothing else opened — not another person of that district, not to another clerk, not to a
citizen, a unit or a bank agent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from shebao.contributions.accounts import account_statement, account_summary
from shebao.contributions.selectors import months_of_person
from shebao.core.access import Purpose, person_grant_issue
from shebao.core.errors import NotAllowed, NotFound
from shebao.core.models import AuditEvent, Role
from shebao.medical.selectors import medical_account_year
from shebao.pensions.selectors import pension_for_staff
from shebao.pensions.transfers.models import Transfer, TransferredPeriod
from shebao.registry.models import Person
from shebao.registry.selectors import person_find_by_id_number, persons_visible
from shebao.statements.models import Statement
from shebao.statements.record import record_content
from shebao.statements.selectors import record_for, record_may_see, statement_years
from shebao.statements.services import statement_issue, statement_window_pdf, statement_window_print
from tests.factories import AccountFactory
from tests.statements.conftest import YEAR, _month
from tests.statements.test_record import transfer_in_may  # noqa: F401 (pytest finds fixtures by name)
from tests.web.support import make_person

pytestmark = pytest.mark.django_db
PRINT = Purpose.STATEMENT_WINDOW_PRINT


def _figures(content):
    return {key: value for key, value in content.items() if key != "as_of"}


def _retire(person, approver):
    from shebao.pensions.models import PensionDetermination
    from shebao.pensions.rules.formula import PensionInputs, PensionParams
    from shebao.pensions.services.determination import inputs_to_json, params_to_json

    Person.objects.filter(pk=person.pk).update(category=Person.Category.RETIREE)
    person.refresh_from_db()
    PensionDetermination.objects.create(
        person=person,
        status="approved",
        retirement_month=dt.date(2024, 12, 1),
        effective_from=dt.date(2025, 1, 1),
        age_years=60,
        age_months=0,
        basic_pension=Decimal("1500.00"),
        account_pension=Decimal("700.00"),
        transition_pension=Decimal("300.00"),
        total=Decimal("2500.00"),
        months_divisor=Decimal("139.0"),
        inputs=inputs_to_json(
            PensionInputs(
                average_index=Decimal("0.60"),
                contribution_months=180,
                deemed_months=0,
                account_balance=Decimal("60000.00"),
                age_years=60,
                age_months=0,
            )
        ),
        params=params_to_json(
            PensionParams(
                average_wage=Decimal("9112"),
                transition_coefficient=Decimal("0.012"),
                deemed_index_rule="own_index",
                rule_refs=("pensions.PensionBase#2", "pensions.TransitionRule#1"),
                average_wage_ref="pensions.PensionBase#2",
                transition_ref="pensions.TransitionRule#1",
            )
        ),
        approved_by=approver,
    )


@pytest.fixture
def zhang(request):
    """张三 of 江岸区 (tests.statements.conftest's history) with May 2024 brought in by a transfer
    handled in 江岸区 (tests.statements.test_record's fixture)."""
    return request.getfixturevalue("transfer_in_may")


@pytest.fixture
def neighbour(zhang, district, office):
    """Another person of the same district (江岸区), with a month, an account entry and a
    transfer handled there: everything a grant for 张三 must not open."""
    person = make_person(district=district, name="李邻居")
    _month(person, 3, base="7000", insurances=("pension", "medical"))
    first = Transfer.objects.get(ref="ZY-2025-0001")
    moved = Transfer.objects.create(
        ref="ZY-2025-0002",
        direction=Transfer.Direction.IN,
        case=first.case.__class__.objects.create(
            item=first.case.item,
            item_version=1,
            applicant_id_number=person.id_number,
            applicant_name=person.name,
            channel="hall",
            office=office,
            received_at=first.case.received_at,
            status=first.case.status,
        ),
        state=Transfer.State.COMPLETED,
        id_number=person.id_number,
        name=person.name,
        sex="F",
        birth_date=person.birth_date,
        other_agency="420500",
        other_agency_name="宜昌市社会保险经办机构",
        applied_on=dt.date(2024, 10, 2),
        completed_on=dt.date(2024, 11, 20),
    )
    TransferredPeriod.objects.create(
        transfer=moved,
        id_number=person.id_number,
        year=YEAR,
        first_month=1,
        months=2,
        base_total=Decimal("10000.00"),
        personal_amount=Decimal("800.00"),
        pooled=Decimal("1600.00"),
        place="宜昌市",
    )
    return person


@pytest.mark.parametrize("retired", [False, True], ids=["insured", "retiree"])
def test_another_districts_clerk_prints_the_same_figures_as_the_persons_own_district(
    zhang, clerk, other_district_clerk, approver, retired
):
    # given 张三 of 江岸区, with May brought in by a transfer handled in 江岸区 (and, retired, a
    # pension approved); and 武昌区's window, which sees none of it by its own sight
    person = zhang
    if retired:
        _retire(person, approver)
    with pytest.raises(NotFound):
        record_for(actor=other_district_clerk, person=person, year=YEAR)
    own_district = record_content(record_for(actor=clerk, person=person, year=YEAR))
    before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    # when 武昌区's clerk prints 张三's statement from the ID shown
    printed = statement_window_print(actor=other_district_clerk, id_number=person.id_number, year=YEAR)
    # then it is printed in another district, with every figure 江岸区's clerk sees: the month
    # the transfer brought in (○), the account, the medical account, the pension's note
    assert printed.other_district
    assert _figures(printed.statement.content) == _figures(own_district)
    assert printed.statement.content["insurances"][0]["months"][4] == [5, None, "transferred_in"]
    if retired:
        assert any("基本养老金月标准 2500.00 元" in note for note in printed.statement.content["notes"])
    # and every read and write of the print is audited with the real clerk at their own office
    _, body = statement_window_pdf(actor=other_district_clerk, ref=printed.statement.ref)
    assert body.startswith(b"%PDF")
    events = AuditEvent.objects.filter(id__gt=before, subject_person=person.id_number)
    actions = set(events.values_list("action", flat=True))
    assert {"person.view", "account.view", "statement.issue", "statement.view", "statement.print"} <= actions
    assert set(events.values_list("actor_id", "office")) == {
        (other_district_clerk.pk, other_district_clerk.office.code)
    }


def test_a_clerk_of_the_persons_district_needs_no_grant(history, clerk):
    printed = statement_window_print(actor=clerk, id_number=history.id_number, year=YEAR)
    assert not printed.other_district


def test_a_grant_for_one_person_opens_no_other_person_of_that_district(zhang, neighbour, clerk, other_district_clerk):
    # given 武昌区's clerk holding the window print's grant for 张三
    grant = person_grant_issue(actor=other_district_clerk, person_id=zhang.pk, purpose=PRINT)
    today = dt.date(2025, 2, 10)
    # then 张三 is open to them through every read of the record
    assert months_of_person(actor=other_district_clerk, person=zhang, as_of=today, grant=grant)
    assert account_summary(actor=other_district_clerk, person=zhang, grant=grant).balance > 0
    assert set(persons_visible(actor=other_district_clerk, grant=grant)) == {zhang}
    # and 江岸区's other person is not, by any of them
    reads = {
        "person": lambda: person_find_by_id_number(
            actor=other_district_clerk, id_number=neighbour.id_number, channel="hall", grant=grant
        ),
        "record": lambda: record_may_see(actor=other_district_clerk, person=neighbour, grant=grant),
        "record_for": lambda: record_for(actor=other_district_clerk, person=neighbour, year=YEAR, grant=grant),
        "years": lambda: statement_years(actor=other_district_clerk, person=neighbour, grant=grant),
        "months": lambda: months_of_person(actor=other_district_clerk, person=neighbour, as_of=today, grant=grant),
        "account": lambda: account_summary(actor=other_district_clerk, person=neighbour, grant=grant),
        "statement": lambda: account_statement(actor=other_district_clerk, person=neighbour, year=YEAR, grant=grant),
        "medical": lambda: medical_account_year(
            person=neighbour, actor=other_district_clerk, year=YEAR, as_of=today, grant=grant
        ),
        "pension": lambda: pension_for_staff(
            actor=other_district_clerk, id_number=neighbour.id_number, channel="hall", grant=grant
        ),
    }
    for name, read in reads.items():
        with pytest.raises(NotFound):
            read()
            pytest.fail(f"{name} opened another person")
    from shebao.pensions.transfers.selectors import transferred_months, transferred_statement_years

    assert transferred_months(actor=other_district_clerk, id_number=neighbour.id_number, grant=grant) == {}
    assert transferred_statement_years(actor=other_district_clerk, id_number=neighbour.id_number, grant=grant) == set()
    # while 张三's transfer is open with the grant, and the neighbour's is there for 江岸区's clerk
    assert transferred_months(actor=other_district_clerk, id_number=zhang.id_number, grant=grant) == {YEAR: {5}}
    assert transferred_months(actor=clerk, id_number=neighbour.id_number) == {YEAR: {1, 2}}


def test_a_grant_issued_to_one_clerk_gives_another_clerk_nothing(zhang, other_district_clerk, other_office):
    # given clerk X's grant for 张三, and clerk Y of the same window holding it
    grant = person_grant_issue(actor=other_district_clerk, person_id=zhang.pk, purpose=PRINT)
    colleague = AccountFactory(username="clerk_wc2", role=Role.CLERK, office=other_office)
    today = dt.date(2025, 2, 10)
    # then nothing of 张三 opens to Y, and Y cannot issue a statement with it
    for read in (
        lambda: record_for(actor=colleague, person=zhang, year=YEAR, grant=grant),
        lambda: months_of_person(actor=colleague, person=zhang, as_of=today, grant=grant),
        lambda: account_summary(actor=colleague, person=zhang, grant=grant),
        lambda: medical_account_year(person=zhang, actor=colleague, year=YEAR, as_of=today, grant=grant),
        lambda: person_find_by_id_number(actor=colleague, id_number=zhang.id_number, channel="hall", grant=grant),
        lambda: statement_issue(actor=colleague, person=zhang, year=YEAR, channel="hall", grant=grant),
    ):
        with pytest.raises(NotFound):
            read()
    assert not persons_visible(actor=colleague, grant=grant).filter(pk=zhang.pk).exists()
    assert not Statement.objects.exists()


@pytest.mark.parametrize("who", ["other_citizen", "unit_operator", "bank_agent"])
def test_a_citizen_a_unit_or_a_bank_agent_never_obtains_or_uses_a_grant(request, history, clerk, who):
    actor = request.getfixturevalue(who)
    # they cannot obtain one, directly or through the window print (nothing written)
    with pytest.raises(NotAllowed):
        person_grant_issue(actor=actor, person_id=history.pk, purpose=PRINT)
    with pytest.raises(NotAllowed):
        statement_window_print(actor=actor, id_number=history.id_number, year=YEAR)
    assert not Statement.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="statement.").exists()
    # and a clerk's grant in their hands opens nothing
    grant = person_grant_issue(actor=clerk, person_id=history.pk, purpose=PRINT)
    today = dt.date(2025, 2, 10)
    for read in (
        lambda: record_for(actor=actor, person=history, year=YEAR, grant=grant),
        lambda: months_of_person(actor=actor, person=history, as_of=today, grant=grant),
        lambda: account_summary(actor=actor, person=history, grant=grant),
        lambda: medical_account_year(person=history, actor=actor, year=YEAR, as_of=today, grant=grant),
    ):
        with pytest.raises(NotFound):
            read()
    # (a unit sees its own employees anyway: the grant adds no one to anybody's sight)
    assert set(persons_visible(actor=actor, grant=grant)) == set(persons_visible(actor=actor))
