"""Administrators adjust an item's limits in the admin: the version moves, the audit records it,
new cases use the new limit, the poster shows it."""

from __future__ import annotations

import datetime as dt

from django.contrib.admin.sites import site
from django.test import RequestFactory

from shebao.cases import services
from shebao.catalog import posters
from shebao.catalog.models import ServiceItem
from shebao.catalog.selectors import item_get
from shebao.core.models import AuditEvent
from tests.cases.conftest import ALL


def test_an_admin_change_of_the_promised_limit_takes_effect(engine, admin_user, clerk, applicant):
    item = ServiceItem.objects.get(code="T-L2")
    model_admin = site._registry[ServiceItem]
    request = RequestFactory().post("/admin/")
    request.user = admin_user
    Form = model_admin.get_form(request, item)
    data = {f: getattr(item, f) for f in Form.base_fields}
    data.update(promised_days=2, channels='["hall", "online"]', office_kinds='["district_office"]')
    form = Form(data=data, instance=item)
    assert form.is_valid(), form.errors
    model_admin.save_model(request, form.save(commit=False), form, change=True)
    item.refresh_from_db()
    assert (item.promised_days, item.version) == (2, 2)
    event = AuditEvent.objects.get(action="catalog.item_change")
    assert event.after["promised_days"] == 2 and event.before["promised_days"] == 5
    case = services.case_open(
        actor=clerk, item_code="T-L2", applicant=applicant, channel="hall", form={"address": "x"}, materials=ALL
    )
    assert case.due_date == dt.date(2026, 2, 12)  # 2 working days from Tue 10 Feb
    assert case.item_version == 2
    assert "承诺2个工作日" in posters.item_svg(item_get(code="T-L2", with_structure=True))


def test_items_cannot_be_added_or_deleted_in_the_admin(engine, admin_user):
    model_admin = site._registry[ServiceItem]
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_delete_permission(request)
