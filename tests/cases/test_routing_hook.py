"""The routing hook: a domain app registers a router for an item and the engine asks it which
office handles each phase when a case is opened; no router, or a router with no answer, leaves
the phase to its jurisdiction rule; a router may refuse the receiving office outright."""

from __future__ import annotations

import pytest

from shebao.cases import services
from shebao.cases.models import Case, CasePhase
from shebao.cases.services.routing import RouteQuery, register_router, routers
from shebao.core.errors import InvalidInput, NotAllowed
from shebao.core.models import AuditEvent
from tests.cases.conftest import ALL

ITEM = "T-L2"  # a district item: the applicant's district office by its rule


@pytest.fixture
def asked():
    """Registers a router for T-L2 answering what the test sets; records what it was asked."""
    calls: list[RouteQuery] = []
    answer: dict[str, object] = {"office": None, "refuse": False}

    def router(query: RouteQuery):
        calls.append(query)
        if answer["refuse"]:
            raise NotAllowed("不归本机构办理", "Not this office's case")
        return answer["office"]

    register_router(ITEM, router)
    yield calls, answer
    routers.unregister(ITEM)


def _open(clerk, applicant):
    return services.case_open(
        actor=clerk,
        item_code=ITEM,
        applicant=applicant,
        channel="hall",
        form={"address": "江岸区胜利街1号"},
        materials=ALL,
    )


def test_without_a_router_the_jurisdiction_rule_decides(engine, clerk, applicant, office):
    assert ITEM not in routers
    case = _open(clerk, applicant)
    assert case.office == office


def test_the_routers_office_is_the_cases_and_the_phases(engine, asked, clerk, applicant, office, other_office):
    calls, answer = asked
    answer["office"] = other_office
    case = _open(clerk, applicant)
    assert case.office == other_office
    assert [p.office_id for p in CasePhase.objects.filter(case=case)] == [other_office.pk]
    (query,) = calls
    assert (query.item_code, query.rule, query.receiving_office) == (ITEM, "applicant_district", office)
    assert query.applicant.id_number == applicant.id_number and str(query.day) == "2026-02-10"


def test_a_router_without_an_answer_leaves_the_rule(engine, asked, clerk, applicant, office):
    calls, _ = asked
    case = _open(clerk, applicant)
    assert case.office == office and len(calls) == 1


def test_a_router_refusal_opens_nothing(engine, asked, clerk, applicant):
    _, answer = asked
    answer["refuse"] = True
    before = AuditEvent.objects.count()
    with pytest.raises(NotAllowed, match="不归本机构办理"):
        _open(clerk, applicant)
    assert not Case.objects.exists() and AuditEvent.objects.count() == before


def test_an_inactive_office_from_a_router_is_refused(engine, asked, clerk, applicant, other_office):
    _, answer = asked
    other_office.is_active = False
    other_office.save()
    answer["office"] = other_office
    with pytest.raises(InvalidInput, match="没有可以办理该事项的机构"):
        _open(clerk, applicant)
    assert not Case.objects.exists()


def test_the_engine_imports_no_domain_app():
    import ast
    import inspect

    from shebao.cases.services import opening, routing

    for module in (opening, routing):
        tree = ast.parse(inspect.getsource(module))
        imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
        assert not {m for m in imported if m.startswith("shebao.medical")}
