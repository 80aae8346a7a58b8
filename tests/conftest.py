"""Named actors and the small organisation they work in.

The city (武汉市) has two districts here: 江岸区 (the actors' home) and 武昌区 (the "other").
"""

from __future__ import annotations

import os
import socket
import sys

import pytest
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.base.creation import BaseDatabaseCreation
from django.db.backends.signals import connection_created

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


def _restore_serialized(self, data: str) -> None:
    """The migrated data back into the test database before a transactional test: the rows of
    Django's ``deserialize_db_from_string`` (the same serialized string, the same field values,
    saved raw: no ``save()`` override, no auto_now), one multi-row INSERT per table and batch
    instead of an UPDATE and an INSERT per row (1,448 rows: ~2 s CPU and up to a minute of wall
    time per transactional test on a busy PostgreSQL before). The string is parsed once per
    process. The seeded tables are emptied first, for the first transactional test of a worker
    that finds them still full (a flush leaves them empty for the others), and the foreign keys
    are checked at the end as Django does. A model the raw INSERT cannot take (multi-table
    inheritance, many-to-many rows) falls back to Django's own method."""
    from django.db import transaction

    alias = self.connection.alias
    groups = _SERIALIZED_GROUPS.get((alias, data))
    if groups is None:
        groups = _serialized_groups(alias, data)
        _SERIALIZED_GROUPS[(alias, data)] = groups
    if not groups:
        _django_deserialize(self, data)
        return
    with transaction.atomic(using=alias):
        with self.connection.constraint_checks_disabled():
            for model, _fields, _objs in groups:
                model._base_manager.using(alias).all()._raw_delete(alias)
            for model, fields, objs in groups:
                size = max(1, self.connection.ops.bulk_batch_size(fields, objs))
                for start in range(0, len(objs), size):
                    model._base_manager.using(alias)._insert(objs[start : start + size], fields=fields, raw=True)
        self.connection.check_constraints(table_names={model._meta.db_table for model, _f, _o in groups})


def _serialized_groups(alias: str, data: str) -> list:
    """[(model, fields, objects)] in the serialized order, or [] when a model needs Django's way."""
    from django.core import serializers

    groups: list = []
    for deserialized in serializers.deserialize("json", data, using=alias):
        obj = deserialized.object
        model = type(obj)
        if deserialized.m2m_data or deserialized.deferred_fields or model._meta.parents:
            return []
        if groups and groups[-1][0] is model:
            groups[-1][2].append(obj)
        else:
            fields = [f for f in model._meta.local_concrete_fields if not f.generated]
            groups.append((model, fields, [obj]))
    return groups


_SERIALIZED_GROUPS: dict[tuple[str, str], list] = {}
_django_deserialize = BaseDatabaseCreation.deserialize_db_from_string
BaseDatabaseCreation.deserialize_db_from_string = _restore_serialized  # type: ignore[method-assign]  # the faster restore above, for every test database


# The serialized migrated data, one per database alias for the whole process instead of an
# attribute of the connection object that serialized it. Django looks it up on whatever
# connection object ``connections[alias]`` gives the test at hand; while Playwright's event loop
# runs in the test thread (one Chromium serves a worker's run of browser tests), asgiref hands
# out other connection objects than the one set up with the database, and without this they had
# no serialized data: the migrated rows were not restored before the next browser test.
_SERIALIZED_CONTENTS: dict[str, str] = {}


def _serialized_contents_get(self: BaseDatabaseWrapper) -> str:
    try:
        return _SERIALIZED_CONTENTS[self.alias]
    except KeyError:
        raise AttributeError("_test_serialized_contents") from None  # hasattr() is how Django asks


def _serialized_contents_set(self: BaseDatabaseWrapper, value: str) -> None:
    _SERIALIZED_CONTENTS[self.alias] = value


BaseDatabaseWrapper._test_serialized_contents = property(_serialized_contents_get, _serialized_contents_set)  # type: ignore[attr-defined]  # Django sets and reads it by name on the connection


def _commit_without_waiting_for_disk(sender, connection, **kwargs) -> None:
    """A test database need not survive a crash of its server: PostgreSQL answers a commit
    without waiting for the WAL to reach the disk (``synchronous_commit=off``; visibility and
    isolation are unchanged, only durability is given up). Each commit of a transactional test,
    a migration or the live server otherwise waits for an fsync (~5-8 ms here, against <1 ms).
    Sent on the raw connection, so no test counting its queries sees it."""
    if connection.vendor == "postgresql":
        connection.connection.execute("SET synchronous_commit TO off")


connection_created.connect(_commit_without_waiting_for_disk)


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
    if os.environ.get("SHEBAO_TEST_PASS") == "postgres":
        kept = [item for item in items if _uses_database(item)]
        if len(kept) < len(items):
            config.hook.pytest_deselected(items=[item for item in items if not _uses_database(item)])
            config.stash[_NO_DATABASE] = len(items) - len(kept)
            if hasattr(config, "workeroutput"):
                config.workeroutput["shebao_no_database"] = len(items) - len(kept)
            items[:] = kept
    # A wrapper, so the markers are in place before pytest-django (tryfirst) sorts the tests:
    # every transactional test after the others, so no flush empties a later test's tables. Under
    # pytest-xdist each worker takes the tests in that order (``--dist load``), on its own database.
    result = yield
    # The browser tests (transactional too) after the other transactional tests, in their order:
    # one Chromium serves a process's run of them (tests/browser_fixtures.py).
    items[:] = [item for item in items if not _uses_browser(item)] + [item for item in items if _uses_browser(item)]
    return result


def _uses_browser(item) -> bool:
    return "chromium" in getattr(item, "fixturenames", ())


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item, nextitem):
    """After the test's own teardown: stop the browser unless the next test drives it too."""
    browser_fixtures = sys.modules.get("tests.browser_fixtures")
    if browser_fixtures is not None and (nextitem is None or not _uses_browser(nextitem)):
        browser_fixtures.browser_stop()


# The fixtures through which a test reaches a database. A test with none of them in its fixture
# closure, no fixture of its own that asks for ``django_db_blocker`` (pytest-django's autouse
# fixtures ask for it in every test) and no django_db or postgres marker has every database
# access refused by pytest-django, so its result cannot depend on the backend.
_DATABASE_FIXTURES = frozenset(
    {
        "db",
        "transactional_db",
        "django_db_reset_sequences",
        "django_db_serialized_rollback",
        "live_server",
        "django_db_setup",
        "_django_db_helper",
    }
)
_NO_DATABASE = pytest.StashKey[int]()


def _uses_database(item: pytest.Item) -> bool:
    if item.get_closest_marker("django_db") is not None or item.get_closest_marker("postgres") is not None:
        return True
    if not _DATABASE_FIXTURES.isdisjoint(getattr(item, "fixturenames", ())):
        return True
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return True  # not a test function: keep it
    return any(
        "django_db_blocker" in definition.argnames and not definition.func.__module__.startswith("pytest_django")
        for definitions in info.name2fixturedefs.values()
        for definition in definitions
    )


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """Under pytest-xdist: what each worker left out of the PostgreSQL pass (the same tests)."""
    count = getattr(node, "workeroutput", {}).get("shebao_no_database")
    if count is not None:
        node.config.stash[_NO_DATABASE] = count


def pytest_terminal_summary(terminalreporter, config):
    count = config.stash.get(_NO_DATABASE, 0)
    if count:
        terminalreporter.write_line(
            f"PostgreSQL pass: {count} tests that use no database were not run (no django_db marker, no "
            "database fixture: pytest-django refuses them any database access, so their result cannot "
            "depend on the backend); the SQLite pass ran them"
        )
