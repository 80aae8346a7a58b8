"""Materials required per case (issue 14): an item's handler may say, at receipt, which of the
item's materials this case requires (``ItemHandler.materials_required``), where the catalogue's
``required`` is per item. The answer is kept on the case's materials (``CaseMaterial.required``)
and read wherever "required" decides: the clock and its gates, the progress (page and API), the
one-time notice and the receipt. A handler that says nothing keeps the catalogue's flags.

The engine's side with a test item whose agent's authorisation is required only when an agent
files; the statements' correction (QY-001) with the employer's evidence required only where the
employer declares — an employee's month, not a flexible worker's own nor "other".
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from pypdf import PdfReader

from shebao.cases import services
from shebao.cases.handlers import FormHandler, item_handlers, items_register
from shebao.cases.models import Case, CaseMaterial
from shebao.cases.papers import MATERIALS_NOTICE, RECEIPT, paper_pdf
from shebao.cases.selectors import case_progress
from shebao.catalog.definitions import Applicant, FieldSpec, MaterialSpec, item_specs
from shebao.catalog.models import ServiceItem
from shebao.catalog.services import catalog_sync
from shebao.contributions.models import ContributionMonth
from shebao.core.errors import Conflict, InvalidInput
from shebao.core.models import SkillGroup
from shebao.statements.services import statement_correction_request, statement_issue
from tests.cases.conftest import ALL, _item
from tests.cases.test_api import staff_client
from tests.statements.conftest import YEAR, history, today, unit_a, unit_b  # noqa: F401  (fixtures)
from tests.web.support import make_person

pytestmark = pytest.mark.django_db

AGENT_ITEM = "T-AGENT"
AUTHORISATION = "授权委托书"
EVIDENCE = "单位出具的工资发放记录或缴费工资申报表"


class AgentHandler(FormHandler):
    """The written authorisation only when an agent files (the form names one); a code the
    item does not list is ignored by the engine."""

    def materials_required(self, *, item: ServiceItem, form: dict[str, Any], applicant: Applicant) -> dict[str, bool]:
        return {"agent_authorisation": bool(form.get("agent_name")), "no_such_material": True}


AGENT_SPEC = _item(
    AGENT_ITEM,
    1,
    fields=(
        FieldSpec("address", "居住地址", "Address", "text"),
        FieldSpec("agent_name", "代办人姓名", "Agent's name", required=False, max_length=64),
    ),
    materials=(
        MaterialSpec("id_card", "居民身份证", "ID card"),
        MaterialSpec("address_proof", "居住证明", "Proof of address", commitment_allowed=True),
        # optional in the catalogue: an agent's filing makes it required
        MaterialSpec("agent_authorisation", AUTHORISATION, "Written authorisation", required=False),
    ),
    handler="tests.agent",
)


@pytest.fixture(scope="module", autouse=True)
def _agent_item():
    """The test item and its handler, for this module only."""
    items_register(AGENT_SPEC, handlers={"tests.agent": AgentHandler()})
    yield
    item_specs.unregister(AGENT_ITEM)
    item_handlers.unregister("tests.agent")


@pytest.fixture
def agent_engine(engine):
    catalog_sync()  # the catalogue with this module's item
    return engine


def _open(clerk, applicant, *, agent: str = "", materials=ALL, code: str = AGENT_ITEM) -> Case:
    form = {"address": "江岸区胜利街1号"}
    if agent:
        form["agent_name"] = agent
    return services.case_open(
        actor=clerk, item_code=code, applicant=applicant, channel="hall", form=form, materials=materials
    )


def _act(actor, case: Case, action: str) -> Case:
    case.refresh_from_db()
    return services.case_act(actor=actor, case_id=case.pk, version=case.version, action=action)


def _flags(case: Case) -> dict[str, tuple[bool | None, bool]]:
    rows = case.materials.select_related("material")
    return {m.material.code: (m.required, m.is_required) for m in rows}


# --- the engine: an agent's authorisation only when an agent files ---------------------------


def test_without_an_agent_the_authorisation_is_optional_and_the_case_completes_without_it(
    agent_engine, clerk, applicant
):
    # given the person files themself, the ID card and the proof of address handed in
    case = _open(clerk, applicant)
    # then the handler's answer is kept, the case does not wait, and a clerk completes it
    assert _flags(case)["agent_authorisation"] == (False, False)
    assert case.status == Case.Status.IN_PROGRESS
    progress = case_progress(case=case)
    assert progress["missing_materials"] == []
    assert {m["code"]: m["required"] for m in progress["materials"]} == {
        "id_card": True,
        "address_proof": True,
        "agent_authorisation": False,
    }
    assert _act(clerk, case, "accept").status == Case.Status.COMPLETED


def test_with_an_agent_the_authorisation_is_required_and_the_case_waits_for_it(agent_engine, clerk, applicant):
    # given an agent files with the ID card and the proof of address only
    case = _open(clerk, applicant, agent="李代办")
    # then the authorisation, optional in the catalogue, is required for this case
    assert _flags(case)["agent_authorisation"] == (True, True)
    assert case.status == Case.Status.AWAITING_MATERIALS and case.due_date is None
    assert case_progress(case=case)["missing_materials"] == [AUTHORISATION]
    # and nobody can complete it before it is in
    with pytest.raises(Conflict):
        _act(clerk, case, "accept")
    assert Case.objects.get(pk=case.pk).status == Case.Status.AWAITING_MATERIALS
    # when the window receives it, the clock starts and the case completes
    case = services.case_supplement(
        actor=clerk, case_id=case.pk, version=case.version, materials={"agent_authorisation": "received"}
    )
    assert case.status == Case.Status.IN_PROGRESS
    assert _act(clerk, case, "accept").status == Case.Status.COMPLETED


def test_a_code_the_item_does_not_list_is_ignored(agent_engine, clerk, applicant):
    case = _open(clerk, applicant)
    assert set(_flags(case)) == {"id_card", "address_proof", "agent_authorisation"}


def test_another_item_keeps_its_catalogues_required_materials(agent_engine, clerk, applicant):
    # given T-L2 (the generic handler): the ID card required, the photo optional
    case = _open(clerk, applicant, code="T-L2", materials={"address_proof": "received"})
    # then the rows carry no answer of their own and read the catalogue's flags
    assert _flags(case) == {
        "id_card": (None, True),
        "address_proof": (None, True),
        "photo": (None, False),
    }
    assert case.status == Case.Status.AWAITING_MATERIALS
    assert case_progress(case=case)["missing_materials"] == ["居民身份证"]
    assert set(case.materials.required().values_list("material__code", flat=True)) == {"id_card", "address_proof"}
    with pytest.raises(Conflict):
        _act(clerk, case, "accept")


def test_the_required_filter_agrees_with_the_rows(agent_engine, clerk, applicant):
    without = _open(clerk, applicant)
    with_agent = _open(clerk, applicant, agent="李代办")
    plain = _open(clerk, applicant, code="T-L2")
    for case in (without, with_agent, plain):
        by_filter = set(CaseMaterial.objects.filter(case=case).required().values_list("material__code", flat=True))
        by_row = {code for code, (_answer, required) in _flags(case).items() if required}
        assert by_filter == by_row
    assert "agent_authorisation" in set(with_agent.materials.required().values_list("material__code", flat=True))
    assert "photo" not in set(plain.materials.required().values_list("material__code", flat=True))


def test_the_one_time_notice_asks_for_what_this_case_requires(agent_engine, clerk, applicant):
    case = _open(clerk, applicant, agent="李代办", materials={"address_proof": "received"})
    text = "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(paper_pdf(case=case, kind=MATERIALS_NOTICE))).pages
    )
    squeezed = "".join(text.split())
    # the ID card and the authorisation, both required here, before nothing optional
    assert "居民身份证" in squeezed and AUTHORISATION in squeezed
    assert squeezed.count("必须提交") == 2 and "如有请提交" not in squeezed


def test_the_receipt_marks_what_this_case_does_not_require_as_optional(agent_engine, clerk, applicant):
    case = _open(clerk, applicant)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(paper_pdf(case=case, kind=RECEIPT))).pages)
    squeezed = "".join(text.split())
    assert f"{AUTHORISATION}（可选）" in squeezed and "居民身份证（可选）" not in squeezed


def test_the_api_shows_each_material_as_this_case_requires_it(client, agent_engine, clerk, applicant):
    case = _open(clerk, applicant, agent="李代办")
    staff_client(client, clerk)
    answer = client.get(f"/api/v1/cases/{case.number}")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["missing_materials"] == [AUTHORISATION]
    shown = {m["code"]: (m["required"], m["status"]) for m in body["materials"]}
    assert shown == {
        "id_card": (True, "received"),
        "address_proof": (True, "received"),
        "agent_authorisation": (True, "missing"),
    }


# --- QY-001: the employer's evidence only where the employer declares --------------------------


@pytest.fixture
def correction_window(history, skills, working_hours, at, clerk, reviewer):  # noqa: F811
    """Tue 11 Feb 2025 10:00, the contribution skill at the district office's window; 张三's
    2024 (tests/statements/conftest.py): employed at 乙 Jul-Nov, May an interruption."""
    group = SkillGroup.objects.get(code="contribution")
    for person in (clerk, reviewer):
        person.skill_groups.add(group)
    at(2025, 2, 11, 10, 0)
    return history


def _correction(clerk, statement, *, what: str, first: dt.date, last: dt.date | None = None, base=None) -> Case:
    return statement_correction_request(
        actor=clerk,
        statement=statement,
        period=first,
        period_to=last,
        what=what,
        correct_base=base,
        detail="记录有误",
        channel="hall",
        materials={"id_card": "received"},
    )


def _evidence(case: Case) -> CaseMaterial:
    return case.materials.select_related("material").get(material__code="employer_evidence")


def test_an_employees_base_correction_cannot_complete_until_the_employers_evidence_is_in(
    correction_window, citizen, clerk, reviewer
):
    statement = statement_issue(actor=citizen, person=correction_window, year=YEAR, channel="online")
    case = _correction(clerk, statement, what="base", first=dt.date(YEAR, 7, 1), base=Decimal("9000"))
    assert _evidence(case).is_required is True
    assert case.status == Case.Status.AWAITING_MATERIALS
    assert case_progress(case=case)["missing_materials"] == [EVIDENCE]
    with pytest.raises(Conflict):
        _act(clerk, case, "accept")
    case = services.case_supplement(
        actor=clerk, case_id=case.pk, version=case.version, materials={"employer_evidence": "received"}
    )
    assert case.status == Case.Status.IN_PROGRESS
    _act(clerk, case, "accept")
    assert _act(reviewer, case, "review").status == Case.Status.COMPLETED


def test_an_other_objection_completes_without_the_employers_evidence(correction_window, citizen, clerk, reviewer):
    statement = statement_issue(actor=citizen, person=correction_window, year=YEAR, channel="online")
    case = _correction(clerk, statement, what="other", first=dt.date(YEAR, 7, 1), last=dt.date(YEAR, 9, 1))
    evidence = _evidence(case)
    assert (evidence.required, evidence.status) == (False, CaseMaterial.Status.MISSING)
    assert case.status == Case.Status.IN_PROGRESS
    assert EVIDENCE not in case_progress(case=case)["missing_materials"]
    _act(clerk, case, "accept")
    case = _act(reviewer, case, "review")
    assert case.status == Case.Status.COMPLETED
    assert [m["outcome"] for m in case.result["months"]] == ["checked"] * 3


def test_a_flexible_workers_own_month_does_not_wait_for_an_employers_evidence(
    correction_window, district, clerk, reviewer
):
    # given a flexible worker who paid July on their own (no employer, ever)
    worker = make_person(district=district, name="李四")
    ContributionMonth.objects.create(
        person=worker, unit=None, period=dt.date(YEAR, 7, 1), base=Decimal("4000"), status="paid"
    )
    statement = statement_issue(actor=clerk, person=worker, year=YEAR, channel="hall")
    # when they object to July ("other": the office checks its own records)
    case = _correction(clerk, statement, what="other", first=dt.date(YEAR, 7, 1))
    # then no employer's evidence is asked for, and the case completes without it
    assert _evidence(case).required is False
    assert case.status == Case.Status.IN_PROGRESS
    _act(clerk, case, "accept")
    assert _act(reviewer, case, "review").status == Case.Status.COMPLETED
    # and a missing month of theirs (no employer to declare it) is a back-payment, refused when filed
    with pytest.raises(InvalidInput) as refused:
        _correction(clerk, statement, what="missing", first=dt.date(YEAR, 5, 1))
    assert "JF-002" in refused.value.message_zh
    assert Case.objects.filter(item__code="QY-001").count() == 1


def test_the_case_page_marks_optional_and_missing_as_this_case_requires(client, agent_engine, clerk, applicant):
    # given two cases of the same item: one filed by the person, one by an agent without the authorisation
    own, by_agent = _open(clerk, applicant), _open(clerk, applicant, agent="李代办")
    staff_client(client, clerk)

    def material(case: Case) -> str:
        page = client.get(f"/cases/{case.number}/")
        assert page.status_code == 200
        text = page.content.decode()
        start = text.index('id="material-agent_authorisation"')
        return text[start : text.index("</li>", start)]

    # then the person's own case shows the authorisation as optional, the agent's as required
    assert "(选交)" in material(own)  # translated "optional"
    assert "(选交)" not in material(by_agent)
