"""``catalog_sync``: the rows it writes are the definitions, item by item, and its queries do not
grow with the number of items (it runs for every test that loads the catalogue)."""

from __future__ import annotations

import pytest
from django.db import connection

from shebao.catalog.definitions import registered_specs
from shebao.catalog.models import FormGroup, ItemMaterial, ItemPhase, ItemStep, ServiceItem
from shebao.catalog.services import FORM_GROUPS, catalog_sync
from shebao.core.models import AuditEvent, SkillGroup

pytestmark = pytest.mark.django_db


def structure(item: ServiceItem) -> tuple:
    """An item's phases with their steps, and its materials, as stored."""
    phases = tuple(
        (
            phase.order,
            phase.code,
            phase.name,
            phase.name_en,
            phase.party,
            phase.jurisdiction,
            phase.promised_days,
            phase.legal_days,
            tuple(
                (step.order, step.kind, step.name, step.name_en, step.min_authority)
                for step in ItemStep.objects.filter(phase=phase).order_by("order")
            ),
        )
        for phase in ItemPhase.objects.filter(item=item).order_by("order")
    )
    materials = tuple(
        (m.code, m.name, m.name_en, m.required, m.commitment_allowed)
        for m in ItemMaterial.objects.filter(item=item).order_by("id")
    )
    return phases, materials


def defined(code: str) -> tuple:
    """The same, as the registered definition gives it."""
    spec = registered_specs()[code]
    phases = tuple(
        (
            p_order,
            phase.code,
            phase.name,
            phase.name_en,
            phase.party,
            phase.jurisdiction,
            phase.promised_days,
            phase.legal_days,
            tuple(
                (s_order, s.kind, s.name, s.name_en, s.min_authority) for s_order, s in enumerate(phase.steps, start=1)
            ),
        )
        for p_order, phase in enumerate(spec.effective_phases(), start=1)
    )
    materials = tuple((m.code, m.name, m.name_en, m.required, m.commitment_allowed) for m in spec.materials)
    return phases, materials


@pytest.mark.parametrize("multi_row_ids", [True, False], ids=["multi-row-insert", "insert-each"])
def test_a_first_sync_writes_every_definition_whole(multi_row_ids, monkeypatch):
    # given an empty catalogue, on a backend that returns the ids of a multi-row INSERT or not
    if not multi_row_ids:  # PostgreSQL and SQLite from 3.35 do
        monkeypatch.setattr(type(connection.features), "can_return_rows_from_bulk_insert", False)
    assert connection.features.can_return_rows_from_bulk_insert is multi_row_ids
    assert not ServiceItem.objects.exists()
    specs = registered_specs()

    # when it is synced
    report = catalog_sync()

    # then every definition is an item, with its own phases, steps and materials, in its order
    assert (report.created, report.updated, report.total) == (len(specs), 0, len(specs))
    items = ServiceItem.objects.in_bulk(list(specs), field_name="code")
    assert set(items) == set(specs)
    for code, spec in specs.items():
        item = items[code]
        assert structure(item) == defined(code), code
        assert (item.name, item.handler, item.risk_level, item.skill_group.code) == (
            spec.name,
            spec.handler,
            spec.risk_level,
            spec.skill_group,
        )
        assert (item.form_group.code if item.form_group else "") == (spec.form_group or "")
        assert (item.channels, item.office_kinds, item.saturday, item.promised_days) == (
            list(spec.channels),
            list(spec.office_kinds),
            spec.saturday,
            spec.promised_days,
        )
        assert item.is_active is not bool(spec.withdrawn_for)
        assert item.version == 1 and item.updated_at is not None
    # the skill groups the definitions name exist, each once; the form groups carry their names
    codes = {spec.skill_group for spec in specs.values()}
    assert SkillGroup.objects.filter(code__in=codes).count() == len(codes)
    assert {g.code: (g.name, g.name_en) for g in FormGroup.objects.all()} == FORM_GROUPS
    assert AuditEvent.objects.filter(action="catalog.sync").count() == 1


def test_the_queries_of_a_sync_do_not_grow_with_the_number_of_items(django_assert_max_num_queries):
    # the catalogue holds dozens of items (each with phases, steps, materials): a query per item
    # or per related row (an N+1) would pass these bounds several times over
    assert len(registered_specs()) > 40
    with django_assert_max_num_queries(20):
        catalog_sync()
    with django_assert_max_num_queries(12):
        report = catalog_sync()
    assert (report.created, report.updated) == (0, 0)


def test_an_unchanged_item_is_not_saved_again():
    catalog_sync()
    before = dict(ServiceItem.objects.values_list("code", "updated_at"))

    catalog_sync()

    assert dict(ServiceItem.objects.values_list("code", "updated_at")) == before
    assert set(ServiceItem.objects.values_list("version", flat=True)) == {1}


def test_code_owned_fields_and_groups_follow_the_definition_again():
    # given an item whose code-owned fields were changed in the database, among them both groups
    catalog_sync()
    specs = registered_specs()
    code = next(code for code, spec in specs.items() if spec.form_group not in ("", "unemployment"))
    spare = SkillGroup.objects.create(code="spare", name="备用")
    ServiceItem.objects.filter(code=code).update(name="改过的名称", skill_group=spare, form_group=None)
    FormGroup.objects.filter(code="retirement").update(name="旧名称")
    FormGroup.objects.filter(code="unemployment").delete()

    # when the catalogue is synced
    report = catalog_sync()

    # then that item is updated, back to its definition, one version on; so are the items the
    # deleted form group's removal left without one
    unemployment = [c for c, spec in specs.items() if spec.form_group == "unemployment"]
    assert unemployment and (report.created, report.updated) == (0, 1 + len(unemployment))
    assert set(ServiceItem.objects.filter(form_group__code="unemployment").values_list("code", flat=True)) == set(
        unemployment
    )
    spec = specs[code]
    item = ServiceItem.objects.get(code=code)
    assert (item.name, item.skill_group.code, item.form_group.code, item.version) == (
        spec.name,
        spec.skill_group,
        spec.form_group,
        2,
    )
    assert {g.code: (g.name, g.name_en) for g in FormGroup.objects.all()} == FORM_GROUPS


def test_a_new_definition_is_created_beside_the_existing_items():
    # given a synced catalogue from which one item is missing (as a new definition would be)
    catalog_sync()
    code = next(code for code, spec in registered_specs().items() if len(spec.effective_phases()) > 1)
    ServiceItem.objects.filter(code=code).delete()

    report = catalog_sync()

    assert (report.created, report.updated) == (1, 0)
    assert structure(ServiceItem.objects.get(code=code)) == defined(code)


def test_a_reset_rebuilds_the_structure_and_what_administrators_adjust():
    # given items whose materials, steps and limits an administrator changed
    catalog_sync()
    specs = registered_specs()
    multi = next(code for code, spec in specs.items() if len(spec.effective_phases()) > 1)
    single = next(code for code, spec in specs.items() if spec.materials and code != multi)
    ItemMaterial.objects.filter(item__code=single).delete()
    ItemStep.objects.filter(phase__item__code=multi).update(min_authority=3)
    ServiceItem.objects.filter(code=single).update(promised_days=99, channels=["hall"])

    # when the catalogue is synced without a reset, the administrators' changes stay
    catalog_sync()
    assert structure(ServiceItem.objects.get(code=single)) != defined(single)
    assert ServiceItem.objects.get(code=single).promised_days == 99

    # and a reset gives every item its definition's structure and limits again
    report = catalog_sync(reset=True)

    assert (report.created, report.updated) == (0, len(specs))
    for code in (single, multi):
        assert structure(ServiceItem.objects.get(code=code)) == defined(code)
    item = ServiceItem.objects.get(code=single)
    assert (item.promised_days, item.channels) == (specs[single].promised_days, list(specs[single].channels))
    assert ItemPhase.objects.count() == sum(len(spec.effective_phases()) for spec in specs.values())
    assert ItemMaterial.objects.count() == sum(len(spec.materials) for spec in specs.values())
