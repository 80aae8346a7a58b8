"""Named actors and the small organisation they work in.

The city (武汉市) has two districts here: 江岸区 (the actors' home) and 武昌区 (the "other").
"""

from __future__ import annotations

import os
import socket

import pytest

from shebao.core import workdays
from shebao.core.models import Account, Area, Office, Role
from tests.factories import AccountFactory, citizen_account

CI = os.environ.get("CI", "").lower() == "true"


def service_reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def require_service(name: str, host: str, port: int) -> None:
    """Skip with a reason on a developer's machine without the server; fail under CI."""
    if service_reachable(host, port):
        return
    message = f"{name} is not reachable at {host}:{port}"
    if CI:
        pytest.fail(f"{message}; under CI=true this test is mandatory", pytrace=False)
    pytest.skip(message)


def require_postgres() -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        if CI and os.environ.get("SHEBAO_TEST_PASS") == "postgres":
            pytest.fail("the PostgreSQL pass is not running on PostgreSQL", pytrace=False)
        pytest.skip("runs in the PostgreSQL pass (make test runs it when PostgreSQL is reachable)")


@pytest.fixture(autouse=True)
def _fresh_caches():
    from django.core.cache import cache

    # the calendar's per-process years and the shared cache (cached page sections) start empty
    workdays.clear_cache()
    cache.clear()
    yield
    workdays.clear_cache()
    cache.clear()


@pytest.fixture
def city(db) -> Area:
    return Area.objects.get_or_create(code="420100", defaults={"name": "武汉市", "kind": Area.Kind.CITY})[0]


def _district(city: Area, code: str, name: str) -> Area:
    area, _ = Area.objects.get_or_create(code=code, defaults={"name": name, "kind": Area.Kind.DISTRICT, "parent": city})
    if area.district_id is None:
        area.district = area
        area.save(update_fields=["district"])
    return area


@pytest.fixture
def district(city) -> Area:
    return _district(city, "420102", "江岸区")


@pytest.fixture
def other_district(city) -> Area:
    return _district(city, "420106", "武昌区")


@pytest.fixture
def office(district) -> Office:
    return Office.objects.get_or_create(
        code="SI-420102",
        defaults={"name": "江岸区社会保险管理处", "kind": Office.Kind.DISTRICT_OFFICE, "area": district},
    )[0]


@pytest.fixture
def other_office(other_district) -> Office:
    return Office.objects.get_or_create(
        code="SI-420106",
        defaults={"name": "武昌区社会保险管理处", "kind": Office.Kind.DISTRICT_OFFICE, "area": other_district},
    )[0]


@pytest.fixture
def city_office(city) -> Office:
    return Office.objects.get_or_create(
        code="SI-CITY", defaults={"name": "武汉市社会保险中心", "kind": Office.Kind.CITY_CENTRE, "area": city}
    )[0]


@pytest.fixture
def bank_outlet(city) -> Office:
    return Office.objects.get_or_create(
        code="BANK-01", defaults={"name": "汉口银行江岸支行代理点", "kind": Office.Kind.BANK_OUTLET, "area": city}
    )[0]


def _staff(username: str, role: str, office: Office, level: int, **kw) -> Account:
    from tests.factories import new_id_number

    return AccountFactory(
        username=username, role=role, office=office, authority_level=level, id_number=new_id_number(), **kw
    )


@pytest.fixture
def clerk(office) -> Account:
    return _staff("clerk", Role.CLERK, office, 1, full_name="王窗口")


@pytest.fixture
def reviewer(office) -> Account:
    return _staff("reviewer", Role.REVIEWER, office, 2, full_name="李复核")


@pytest.fixture
def approver(office) -> Account:
    return _staff("approver", Role.APPROVER, office, 3, full_name="赵审批")


@pytest.fixture
def other_district_clerk(other_office) -> Account:
    return _staff("clerk_wc", Role.CLERK, other_office, 1, full_name="钱武昌")


@pytest.fixture
def bank_agent(bank_outlet) -> Account:
    return _staff("bank_agent", Role.BANK_AGENT, bank_outlet, 1, full_name="孙银行")


@pytest.fixture
def admin_user(city_office) -> Account:
    return _staff("admin", Role.ADMIN, city_office, 3, full_name="周管理", is_staff=True, is_superuser=True)


@pytest.fixture
def monitor(city_office) -> Account:
    return _staff("monitor", Role.MONITOR_CITY, city_office, 3, full_name="吴监控")


@pytest.fixture
def citizen(db) -> Account:
    return citizen_account(name="张三")


@pytest.fixture
def other_citizen(db) -> Account:
    return citizen_account(name="李四", region="420106")


@pytest.fixture
def unit_operator(db) -> Account:
    from shebao.core.identifiers import credit_code_make

    code = credit_code_make(region_code="420102", serial=1)
    return AccountFactory(
        username=f"{code}:op1", unit_code=code, kind=Account.Kind.UNIT, role=Role.UNIT, full_name="单位经办人甲"
    )


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(config, items):
    """Every transactional test (a ``django_db(transaction=True)`` marker, ``transactional_db``
    or ``live_server``) restores the migrated data after it (serialized rollback). A
    transactional test's flush empties every table, the data migrations' rule rows too; and a
    flush without serialized rollback has Django recreate the content types with new ids, so a
    later test that restores the serialized data trips over them (UNIQUE content type). With
    every transactional test serialized, no flush recreates them and each finds the rule rows."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        names = getattr(item, "fixturenames", ())
        declared = marker is not None and bool(marker.kwargs.get("transaction") or (marker.args and marker.args[0]))
        if declared or "transactional_db" in names or "live_server" in names:
            kwargs = dict(marker.kwargs) if marker is not None else {}
            kwargs.update(transaction=True, serialized_rollback=True)
            item.add_marker(pytest.mark.django_db(**kwargs), append=False)
    # A wrapper, so the markers are in place before pytest-django (tryfirst) sorts the tests:
    # every transactional test after the others, so no flush empties a later test's tables. Under
    # pytest-xdist each worker takes the tests in that order (``--dist load``), on its own database.
    return (yield)
