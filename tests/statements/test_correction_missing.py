"""QY-001 for a month missing from the ledger: completed, the month is put back through the
employer of that month, credited to the account, the interest recomputed, a new statement
issued and the old one superseded at the verification page; a month with no employer is a
back-payment, refused with nothing written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from shebao.cases.models import Case
from shebao.cases.services import case_act
from shebao.contributions.models import AccountEntry, ContributionMonth
from shebao.core.errors import InvalidInput
from shebao.core.models import AuditEvent
from shebao.registry.models import Employment
from shebao.statements.models import Statement
from shebao.statements.selectors import record_for
from shebao.statements.services import statement_correction_request, statement_issue
from tests.statements import test_correction as correction
from tests.statements.conftest import YEAR

D = Decimal
pytestmark = pytest.mark.django_db

# the correction tests' fixtures: the engine's, and the window (Tue 11 Feb 2025, contribution skill)
_register_test_items = correction._register_test_items
at = correction.at
catalogue = correction.catalogue
skills = correction.skills
working_hours = correction.working_hours
window = correction.window
MATERIALS = correction.MATERIALS


def _ask_for_may(*, clerk, statement, base):
    return statement_correction_request(
        actor=clerk,
        statement=statement,
        period=dt.date(YEAR, 5, 1),
        what="missing",
        correct_base=base,
        detail="乙公司2024年5月已入职并缴费，记录缺失",
        channel="hall",
        materials=MATERIALS,
    )


def test_a_missing_month_is_put_back_credited_and_a_new_statement_supersedes_the_old(
    client, window, citizen, clerk, reviewer
):
    history = window
    # given 乙 employed him from May (the registry corrected from the labour contract), May is
    # missing from the ledger, and his 2024 statement shows May as none
    Employment.objects.filter(person=history, start=dt.date(2024, 6, 1)).update(start=dt.date(2024, 5, 1))
    old = statement_issue(actor=citizen, person=history, year=YEAR, channel="online")
    assert old.content["insurances"][0]["months"][4] == [5, None, "none"]
    assert old.content["pension_account"]["closing_balance"] == "15932.74"
    case = _ask_for_may(clerk=clerk, statement=old, base=D("8000"))
    # when the clerk accepts and the reviewer completes it
    case = case_act(actor=clerk, case_id=case.pk, version=case.version, action="accept")
    case = case_act(actor=reviewer, case_id=case.pk, version=case.version, action="review")
    assert case.status == Case.Status.COMPLETED
    # then May is on record through 乙, paid, at 8000 with the four insurances 乙's months carry
    may = ContributionMonth.objects.get(person=history, period=dt.date(YEAR, 5, 1))
    assert (may.unit.name, may.base, may.status) == ("江岸乙公司", D("8000.00"), "paid")
    assert (may.pension_personal, may.account_credit) == (D("640.00"), D("640.00"))  # 8% of 8000
    assert may.medical_personal is not None and may.unemployment_personal is not None
    assert may.injury_employer is not None and may.rules["restored_by"] == case.number
    # credited in May; the 2024 interest recomputed at its 2.62%:
    #   262.00 on 10000 + (32400 + 640 × 8 = 37520) × 0.0262 / 12 = 81.9187 → 343.92 (was 332.74)
    assert AccountEntry.objects.get(source_month=may).credited_month == dt.date(YEAR, 5, 1)
    assert AccountEntry.objects.get(person=history, kind="interest", year=YEAR).amount == D("343.92")
    # the history: the audit event says there was nothing before
    event = AuditEvent.objects.get(action="contributions.month.restore")
    assert (event.before, event.after["base"], event.after["case"]) == (None, "8000.00", case.number)
    assert event.after["interest"] == {"2024": {"before": "332.74", "after": "343.92"}}
    # a new statement: May paid at 8000, the balance 10000 + 6240 + 343.92
    new = Statement.objects.get(person=history, year=YEAR, superseded_at__isnull=True)
    old.refresh_from_db()
    assert (new.version, new.correction_case, old.superseded_by_id) == (2, case.number, new.pk)
    assert new.content["insurances"][0]["months"][4] == [5, "8000.00", "paid"]
    assert new.content["pension_account"]["closing_balance"] == "16583.92"
    record = record_for(actor=citizen, person=history, year=YEAR)
    assert record.pension_account.closing_balance == D("16583.92")
    assert record.insurance("pension").months[4].flag == "paid"
    assert "已作废" in client.get(f"/verify/statement/{old.ref}/{old.code}").content.decode()
    assert "真实有效" in client.get(f"/verify/statement/{new.ref}/{new.code}").content.decode()


def test_a_missing_month_without_an_employer_is_refused_and_nothing_is_written(window, citizen, clerk, reviewer):
    history = window
    # given May is the interruption: no employer on record for it, so filing is refused at once
    old = statement_issue(actor=citizen, person=history, year=YEAR, channel="online")
    with pytest.raises(InvalidInput) as refused:
        _ask_for_may(clerk=clerk, statement=old, base=D("8000"))
    assert "JF-002" in refused.value.message_zh and not Case.objects.exists()
    # and if the registry loses the employment between filing and completion
    employment = Employment.objects.get(person=history, start=dt.date(YEAR, 6, 1))
    Employment.objects.filter(pk=employment.pk).update(start=dt.date(YEAR, 5, 1))
    case = _ask_for_may(clerk=clerk, statement=old, base=D("8000"))
    case = case_act(actor=clerk, case_id=case.pk, version=case.version, action="accept")
    Employment.objects.filter(pk=employment.pk).update(start=dt.date(YEAR, 6, 1))
    # when the reviewer tries to complete it: refused, naming the back-payment item
    with pytest.raises(InvalidInput) as refused:
        case_act(actor=reviewer, case_id=case.pk, version=case.version, action="review")
    assert "JF-002" in refused.value.message_zh
    # then nothing changed: no May, the interest and the statement as they were
    assert not ContributionMonth.objects.filter(person=history, period=dt.date(YEAR, 5, 1)).exists()
    assert AccountEntry.objects.get(person=history, kind="interest", year=YEAR).amount == D("332.74")
    assert list(Statement.objects.filter(person=history).values_list("version", flat=True)) == [1]
    assert Case.objects.get(pk=case.pk).status != Case.Status.COMPLETED
