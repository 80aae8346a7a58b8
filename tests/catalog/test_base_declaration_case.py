"""JF-004 (缴费基数申报): the catalogue and the behaviour agree. The unit's own online declaration
is completed at once (即时办结, risk level 1: the unit's statement, nobody re-keys it) and each
declaration is recorded as a completed case of the unit, counted and audited; a refused one
records nothing."""

from __future__ import annotations

import pytest
from django.test import Client

from shebao.cases.models import Case, CaseStepRecord
from shebao.catalog.definitions import registered_specs
from shebao.catalog.selectors import item_get
from shebao.contributions.services import assessment_run
from shebao.core.models import AuditEvent
from tests.cases.conftest import catalogue  # noqa: F401 (a fixture)
from tests.contributions.test_assessment import JAN, frozen, world  # noqa: F401 (fixtures)
from tests.web.support import sign_in


@pytest.fixture
def declaring(world, admin_user, frozen, catalogue, office):  # noqa: F811 (fixtures by name)
    assessment_run(period=JAN, actor=admin_user)
    return world


def test_the_catalogue_marks_the_online_declaration_instant():
    spec = registered_specs()["JF-004"]
    assert (spec.risk_level, spec.promised_days, spec.channels) == (1, 0, ("online",))
    assert [s.kind for p in spec.effective_phases() for s in p.steps] == ["accept"]
    assert all(m.commitment_allowed for m in spec.materials)


def test_a_units_declaration_is_a_completed_case_in_its_hall(declaring, unit_operator, office):
    operator = sign_in(Client(), unit_operator)
    w = declaring
    # when the unit declares 2026 for every employee (p1 and p6 keep theirs)
    response = operator.post(
        "/unit/bases/2026/", {f"wage_{w.p3.pk}": "6000.50", f"wage_{w.p2.pk}": "9000", f"wage_{w.p7.pk}": "5000"}
    )
    assert response.status_code == 302
    # then one JF-004 case records it: the unit's, filed by it, completed at once at its district
    case = Case.objects.get(item__code="JF-004")
    assert (case.status, case.filer, case.channel) == (Case.Status.COMPLETED, Case.Filer.UNIT, "online")
    assert (case.applicant_unit_code, case.office, case.applicant_name) == (
        unit_operator.unit_code,
        office,
        w.unit_a.name,
    )
    assert case.form_data == {"unit_code": unit_operator.unit_code, "declare_year": 2026, "staff_count": 5}
    assert case.result == {"declared": 3, "created": 3, "changed": 0}
    assert case.item_version == item_get(code="JF-004").version
    assert list(CaseStepRecord.objects.filter(case=case).values_list("action", flat=True)) == ["accept"]
    # audited as an opening completed at once, beside the declaration itself
    opened = AuditEvent.objects.get(action="case.open", subject_id=str(case.pk))
    assert opened.after["completed_at_once"] and opened.after["item"] == "JF-004"
    assert AuditEvent.objects.filter(action="contributions.base.declare").count() == 1
    # and the unit sees it in its case list, and may rate it (it filed it)
    assert case.number in {c["number"] for c in operator.get("/api/v1/cases/mine").json()}
    rated = operator.post(f"/api/v1/cases/{case.number}/rating", {"score": 5}, content_type="application/json")
    assert rated.status_code == 201, rated.content


def test_a_refused_declaration_records_no_case(declaring, unit_operator):
    operator = sign_in(Client(), unit_operator)
    w = declaring
    response = operator.post("/unit/bases/2026/", {f"wage_{w.p3.pk}": "-5", f"wage_{w.p2.pk}": "9000"})
    assert response.status_code == 422
    assert not Case.objects.filter(item__code="JF-004").exists()
    assert not AuditEvent.objects.filter(action="case.open").exists()


def test_the_migration_brings_an_existing_catalogue_to_the_definition(catalogue):  # noqa: F811
    import importlib

    from django.apps import apps

    from shebao.catalog.models import ItemMaterial, ItemStep, ServiceItem

    migration = importlib.import_module("shebao.catalog.migrations.0004_jf004_online_instant")
    # given a database synced before: JF-004 at risk 2, 3 days, online and hall, with a review
    item = ServiceItem.objects.get(code="JF-004")
    ServiceItem.objects.filter(pk=item.pk).update(risk_level=2, promised_days=3, channels=["online", "hall"])
    ItemMaterial.objects.filter(item=item).update(commitment_allowed=False)
    phase = item.phases.get()
    ItemStep.objects.create(phase=phase, order=2, kind="review", name="复核", name_en="Review", min_authority=2)
    # when the migration runs
    migration.forwards(apps, None)
    # then the item is the definition's: instant, risk 1, online, one accepting step
    item.refresh_from_db()
    assert (item.risk_level, item.promised_days, item.channels) == (1, 0, ["online"])
    assert list(ItemStep.objects.filter(phase=phase).values_list("kind", flat=True)) == ["accept"]
    assert ItemMaterial.objects.get(item=item, code="wage_list").commitment_allowed
