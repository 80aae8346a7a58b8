"""改派: an open case whose handling office changed by a domain decision (not a handler's) moves,
current phase and all, to the new office with its clock untouched; the new office's staff see it
and act on it, the old office's do not; refused for an office that does not handle the item and
for a closed case, with nothing changed; the bulk form moves each case once."""

from __future__ import annotations

import pytest

from shebao.cases import selectors, services
from shebao.cases.models import Case, CasePhase, CaseStepRecord
from shebao.cases.services.routing import case_reroute, cases_reroute_open
from shebao.core.errors import Conflict, InvalidInput
from shebao.core.models import AuditEvent
from tests.cases.conftest import ALL

ITEM = "T-L2"  # a district item (district offices, community centres), 5 working days


def _open(clerk, applicant) -> Case:
    return services.case_open(
        actor=clerk,
        item_code=ITEM,
        applicant=applicant,
        channel="hall",
        form={"address": "江岸区胜利街1号"},
        materials=ALL,
    )


def _clock(case: Case) -> tuple:
    row = CasePhase.objects.get(case=case)
    return (row.status, row.limit_days, row.started_on, row.used_days, row.due_date)


def test_a_rerouted_case_moves_with_its_clock_and_the_new_office_handles_it(
    engine, clerk, other_district_clerk, applicant, office, other_office
):
    case = _open(clerk, applicant)
    assert case.office == office and case.status == Case.Status.IN_PROGRESS
    clock, due = _clock(case), case.due_date
    engine(2026, 2, 12, 9, 0)  # two working days later
    moved = case_reroute(
        actor=None, case_id=case.pk, version=case.version, office=other_office, reason="属地化管理", channel="system"
    )
    assert moved.office == other_office and moved.version == case.version + 1
    assert CasePhase.objects.get(case=case).office == other_office
    # the clock rule: unchanged (the same start, limit, used days and due date)
    assert _clock(moved) == clock and moved.due_date == due
    record = CaseStepRecord.objects.get(case=case, action="transfer")  # in the history
    assert record.actor is None and "属地化管理" in record.note
    event = AuditEvent.objects.get(action="case.reroute", subject_id=str(case.pk))
    assert event.before == {"office": office.code} and event.after["office"] == other_office.code
    # 武昌's clerk now has it and acts on it
    assert selectors.case_get(actor=other_district_clerk, number=case.number).pk == case.pk
    done = services.case_act(actor=other_district_clerk, case_id=case.pk, version=moved.version, action="accept")
    assert done.office == other_office


def test_a_reroute_to_an_office_that_does_not_handle_the_item_or_of_a_closed_case_is_refused(
    engine, clerk, applicant, office, other_office, city_office
):
    case = _open(clerk, applicant)
    before = AuditEvent.objects.count()
    for target in (city_office, office):  # the city centre does not handle T-L2; the office is the current one
        with pytest.raises(InvalidInput, match="请选择可办理该事项的其他机构"):
            case_reroute(actor=None, case_id=case.pk, version=case.version, office=target, reason="x")
    with pytest.raises(InvalidInput, match="请填写改派理由"):
        case_reroute(actor=None, case_id=case.pk, version=case.version, office=other_office, reason=" ")
    case.refresh_from_db()
    assert case.office == office and AuditEvent.objects.count() == before
    Case.objects.filter(pk=case.pk).update(status=Case.Status.COMPLETED)  # done meanwhile
    case.refresh_from_db()
    with pytest.raises(Conflict, match="已办结"):
        case_reroute(actor=None, case_id=case.pk, version=case.version, office=other_office, reason="x")
    case.refresh_from_db()
    assert case.office == office


def test_the_bulk_reroute_moves_the_open_cases_at_the_old_office_once(engine, clerk, applicant, office, other_office):
    first, second = _open(clerk, applicant), _open(clerk, applicant)
    moved = cases_reroute_open(
        actor=None,
        offices={applicant.id_number: other_office},
        item_codes=[ITEM],
        from_office=office,
        reason="属地化管理",
    )
    assert sorted(c.pk for c in moved) == [first.pk, second.pk]
    assert set(Case.objects.values_list("office_id", flat=True)) == {other_office.pk}
    again = cases_reroute_open(
        actor=None, offices={applicant.id_number: other_office}, item_codes=[ITEM], from_office=office, reason="x"
    )
    assert again == [] and AuditEvent.objects.filter(action="case.reroute").count() == 2
