"""改派 and 移交 end the receiving window's say on a case: once a case received at one office was
moved to another (a domain decision's reroute, or a handler's transfer), the office that
received it is one more office outside the case's jurisdiction — every action the engine offers
refuses its staff with the same bilingual 403 as any other office's, and the office the case
went to acts on it. Before, the receiving window could still accept, reject, record a supplement
or withdraw the case it no longer held."""

from __future__ import annotations

import pytest

from shebao.cases import services
from shebao.cases.models import Case
from shebao.cases.services.materials import case_material_verify
from shebao.cases.services.routing import case_reroute
from shebao.core.errors import NotAllowed
from tests.cases.conftest import ALL, uploaded

ITEM = "T-L2"  # a district item: the district office that received it holds it until moved
OUTSIDE = "该办件不属于您所在机构管辖"


def _open(clerk, applicant, materials=ALL) -> Case:
    return services.case_open(
        actor=clerk,
        item_code=ITEM,
        applicant=applicant,
        channel="hall",
        form={"address": "江岸区胜利街1号"},
        materials=materials,
    )


def _moved(clerk, applicant, other_office, materials=ALL) -> Case:
    case = _open(clerk, applicant, materials)
    assert case.receiving_office == clerk.office == case.office
    return case_reroute(actor=None, case_id=case.pk, version=case.version, office=other_office, reason="属地化管理")


def _fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def _refused(call) -> None:
    with pytest.raises(NotAllowed) as refused:
        call()
    assert refused.value.message_zh == OUTSIDE
    assert refused.value.message_en == "This case is outside your office's jurisdiction"
    assert refused.value.status == 403


def test_the_old_office_may_not_accept_or_reject_a_rerouted_case_and_the_new_one_may(
    engine, clerk, other_district_clerk, applicant, other_office
):
    case = _moved(clerk, applicant, other_office)
    _refused(lambda: services.case_act(actor=clerk, case_id=case.pk, version=case.version, action="accept"))
    _refused(lambda: services.case_reject(actor=clerk, case_id=case.pk, version=case.version, reasons=["不符合"]))
    assert _fresh(case).version == case.version and _fresh(case).status == Case.Status.IN_PROGRESS  # nothing done
    done = services.case_act(actor=other_district_clerk, case_id=case.pk, version=case.version, action="accept")
    assert done.current_step is not None and done.current_step.kind == "review"


@pytest.mark.parametrize(
    "act",
    [
        lambda c, who: services.case_request_materials(
            actor=who["clerk"], case_id=c.pk, version=c.version, missing=["id_card"]
        ),
        lambda c, who: services.case_suspend(actor=who["clerk"], case_id=c.pk, version=c.version, reason="待核查"),
        lambda c, who: services.case_extend(
            actor=who["approver"], case_id=c.pk, version=c.version, workdays_added=2, reason="情况复杂"
        ),
        lambda c, who: services.case_escalate(actor=who["clerk"], case_id=c.pk, version=c.version, reason="疑难"),
        lambda c, who: services.case_transfer(
            actor=who["reviewer"], case_id=c.pk, version=c.version, office_code=who["office"].code, reason="拿回"
        ),
        lambda c, who: services.case_return(actor=who["reviewer"], case_id=c.pk, version=c.version, reason="不是我们"),
        lambda c, who: services.case_withdraw(actor=who["clerk"], case_id=c.pk, version=c.version, reason="代撤"),
    ],
    ids=["request_materials", "suspend", "extend", "escalate", "transfer", "return", "withdraw"],
)
def test_every_other_action_of_the_old_office_on_a_rerouted_case_is_refused(
    engine, clerk, reviewer, approver, applicant, office, other_office, act
):
    case = _moved(clerk, applicant, other_office)
    who = {"clerk": clerk, "reviewer": reviewer, "approver": approver, "office": office}
    _refused(lambda: act(case, who))
    moved = _fresh(case)
    assert (moved.version, moved.status, moved.office) == (case.version, Case.Status.IN_PROGRESS, other_office)


def test_the_old_office_may_not_resume_a_rerouted_case_the_new_office_suspended(
    engine, clerk, other_district_clerk, applicant, other_office
):
    case = _moved(clerk, applicant, other_office)
    held = services.case_suspend(actor=other_district_clerk, case_id=case.pk, version=case.version, reason="待核查")
    _refused(lambda: services.case_resume(actor=clerk, case_id=case.pk, version=held.version))
    assert _fresh(case).status == Case.Status.SUSPENDED


def test_the_old_office_may_not_record_a_supplement_or_verify_an_upload_of_a_rerouted_case(
    engine, media, clerk, other_district_clerk, citizen, applicant, other_office
):
    case = _moved(clerk, applicant, other_office, materials={"id_card": "received"})
    assert case.status == Case.Status.AWAITING_MATERIALS
    _refused(
        lambda: services.case_supplement(
            actor=clerk, case_id=case.pk, version=case.version, materials={"address_proof": "received"}
        )
    )
    # the applicant uploads the proof; only the office that holds the case checks it
    sent = services.case_supplement(
        actor=citizen, case_id=case.pk, version=case.version, materials={"address_proof": uploaded(citizen)}
    )
    with pytest.raises(NotAllowed, match=OUTSIDE):
        case_material_verify(
            actor=clerk, case_id=case.pk, version=sent.version, code="address_proof", decision="verified"
        )
    done = case_material_verify(
        actor=other_district_clerk, case_id=case.pk, version=sent.version, code="address_proof", decision="verified"
    )
    assert done.status == Case.Status.IN_PROGRESS


def test_a_transfer_ends_the_receiving_window_s_say_as_a_reroute_does(
    engine, clerk, reviewer, other_district_clerk, applicant, other_office
):
    case = _open(clerk, applicant)
    moved = services.case_transfer(
        actor=reviewer, case_id=case.pk, version=case.version, office_code=other_office.code, reason="申请人已迁居"
    )
    _refused(lambda: services.case_act(actor=clerk, case_id=case.pk, version=moved.version, action="accept"))
    services.case_act(actor=other_district_clerk, case_id=case.pk, version=moved.version, action="accept")
