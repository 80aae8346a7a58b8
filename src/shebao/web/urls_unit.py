"""The employer's online hall (单位网上服务大厅): staff additions and removals, one by one or
by Excel, and the unit's cases. Included from ``shebao.web.urls`` under ``unit/``; the names
join the ``web`` namespace."""

from django.urls import path

from shebao.web import unit_hall

urlpatterns = [
    path("staff/add/", unit_hall.staff_add, name="unit_staff_add"),
    path("staff/remove/", unit_hall.staff_remove, name="unit_staff_remove"),
    path("staff/template/<str:kind>.xlsx", unit_hall.staff_template, name="unit_staff_template"),
    path("staff/import/", unit_hall.staff_import, name="unit_staff_import"),
    path("cases/", unit_hall.unit_cases, name="unit_cases"),
]
