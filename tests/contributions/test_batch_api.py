"""The employers' VIP batch API (issue 13): 增减员 and the base declaration as JSON, checked
row by row as the Excel uploads, written whole or not at all, idempotent by the unit's key."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from shebao.contributions.models import DeclaredBase
from shebao.core.identifiers import id_number_make
from shebao.core.models import AuditEvent
from shebao.registry import services
from shebao.registry.models import BatchSubmission, Employment
from tests.cases.conftest import catalogue  # noqa: F401 (pytest finds fixtures by name)
from tests.web.support import make_person, make_unit, sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]  # the cases need DJ-011/012

STAFF = "/api/v1/unit/batches/staff"
BASES = "/api/v1/unit/batches/bases"


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2026, 2, 10, 2, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def unit(unit_operator, district, clerk):
    unit = make_unit(code=unit_operator.unit_code, district=district)
    services.unit_register(
        actor=clerk, credit_code=unit.credit_code, name="", district=district, insurances=services.FIVE_INSURANCES
    )
    unit.vip = True
    unit.save(update_fields=["vip"])
    return unit


@pytest.fixture
def api(client, unit_operator):
    sign_in(client, unit_operator)
    return client


def _post(client, url, body):
    return client.post(url, body, content_type="application/json")


def _number(i: int) -> str:
    return id_number_make(region_code="420102", birth_date=dt.date(1990, 1, 1) + dt.timedelta(days=i), sequence=i + 1)


def _adds(*rows):
    return [{"id_number": n, "name": name, "start": start, "wage": wage} for n, name, start, wage in rows]


def test_a_mixed_batch_answers_row_by_row_and_writes_nothing(api, unit):
    good, bad = _number(1), _number(2)
    bad = bad[:-1] + ("0" if bad[-1] != "0" else "1")  # a wrong check character
    body = {
        "key": "B-1",
        "kind": "add",
        "rows": _adds(
            (good, "张甲", "2026-02-01", "5000"),  # 1 ok
            (bad, "李乙", "2026-02-01", "5000"),  # 2: check character
            (_number(3), "王丙", "2026-13-01", "5000"),  # 3: no such date
            (_number(4), "赵丁", "2026-02-01", "-1"),  # 4: wage
        ),
    }
    answer = _post(api, STAFF, body)
    assert answer.status_code == 200
    data = answer.json()
    assert (data["accepted"], data["written"], data["rows"], data["replayed"]) == (False, 0, 4, False)
    assert [r["ok"] for r in data["results"]] == [True, False, False, False]
    assert [r["problems"][0]["column"] for r in data["results"][1:]] == ["身份证号码", "开始日期", "月工资"]
    assert data["results"][1]["problems"][0]["message_en"].startswith("ID number")
    assert not Employment.objects.filter(unit=unit).exists()
    assert not BatchSubmission.objects.exists()  # a rejected batch is not kept: it may be resent corrected


def test_a_good_batch_is_written_once_and_the_same_key_replays_its_answer(api, unit):
    body = {
        "key": "B-2",
        "kind": "add",
        "rows": _adds((_number(5), "张甲", "2026-02-01", "5000"), (_number(6), "李乙", "2026-02-01", "6000.50")),
    }
    first = _post(api, STAFF, body).json()
    assert (first["accepted"], first["written"]) == (True, 2)
    assert all(r["case_number"] for r in first["results"])  # each row a completed DJ-011 case
    again = _post(api, STAFF, body).json()
    assert again["replayed"] is True and again["results"] == first["results"]
    assert Employment.objects.filter(unit=unit, end__isnull=True).count() == 2
    assert AuditEvent.objects.filter(action="employment.import_add").count() == 1
    # the hire's wage is declared as on the Excel path
    assert DeclaredBase.objects.get(person__id_number=_number(6), year=2026).wage == 6000.50


def test_the_same_key_with_other_content_is_a_conflict(api, unit):
    body = {"key": "B-3", "kind": "add", "rows": _adds((_number(7), "张甲", "2026-02-01", "5000"))}
    _post(api, STAFF, body)
    other = {**body, "rows": _adds((_number(8), "李乙", "2026-02-01", "5000"))}
    refused = _post(api, STAFF, other)
    assert refused.status_code == 409 and "批次号" in refused.json()["message"]
    assert Employment.objects.filter(unit=unit).count() == 1


def test_a_removal_batch(api, unit, district):
    person = make_person(district=district, name="在职甲")
    Employment.objects.create(person=person, unit=unit, start=dt.date(2025, 1, 1))
    body = {
        "key": "R-1",
        "kind": "remove",
        "rows": [{"id_number": person.id_number, "name": "在职甲", "end": "2026-01-31", "reason": "合同到期"}],
    }
    data = _post(api, STAFF, body).json()
    assert data["accepted"] and Employment.objects.get(person=person).end == dt.date(2026, 1, 31)


def test_base_declaration_by_batch_mixed_then_corrected(api, unit, district):
    a = make_person(district=district, name="甲")
    b = make_person(district=district, name="乙")
    for p in (a, b):
        Employment.objects.create(person=p, unit=unit, start=dt.date(2024, 1, 1))
    mixed = {
        "key": "BASE-2026",
        "year": 2026,
        "rows": [
            {"id_number": a.id_number, "name": "甲", "wage": "8000"},
            {"id_number": b.id_number, "name": "乙", "wage": "abc"},
        ],
    }
    data = _post(api, BASES, mixed).json()
    assert (data["accepted"], [r["ok"] for r in data["results"]]) == (False, [True, False])
    assert not DeclaredBase.objects.exists()
    # a batch leaving an employee out names them, with no row
    short = {**mixed, "rows": mixed["rows"][:1]}
    left_out = _post(api, BASES, short).json()
    assert left_out["results"][-1]["row"] is None and "乙" in left_out["results"][-1]["person"]
    # corrected under the same key (nothing was written): declared
    mixed["rows"][1]["wage"] = "9000.00"
    data = _post(api, BASES, mixed).json()
    assert data["accepted"] and data["written"] == 2
    assert DeclaredBase.objects.get(person=b, year=2026).wage == 9000


def test_only_a_vip_units_operator_uses_the_batch_api(client, unit, unit_operator, citizen):
    body = {"key": "V-1", "kind": "add", "rows": _adds((_number(9), "张甲", "2026-02-01", "5000"))}
    unit.vip = False
    unit.save(update_fields=["vip"])
    sign_in(client, unit_operator)
    refused = _post(client, STAFF, body)
    assert refused.status_code == 403 and "VIP" in refused.json()["message"]
    sign_in(client, citizen)
    assert _post(client, STAFF, body).status_code == 404
    client.logout()
    assert _post(client, STAFF, body).status_code == 401
    assert not Employment.objects.exists()
