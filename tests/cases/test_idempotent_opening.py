"""Issue 10 §5: opening a case takes an idempotency key, as payments do. The same key with the
same request gives the case opened the first time; with another request a 409; a unique
constraint (not a look-up first) decides between concurrent submissions."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from shebao.cases import services
from shebao.cases.models import Case, CaseOpening
from shebao.core.errors import Conflict, InvalidInput
from shebao.core.models import AuditEvent
from tests.cases.conftest import ALL
from tests.cases.test_api import post, staff_client
from tests.conftest import require_postgres


def opened(action: str = "case.open") -> int:
    return AuditEvent.objects.filter(action=action).count()


def test_the_same_key_and_body_give_the_first_case(client, engine, citizen, open_body):
    client.force_login(citizen)
    first = post(client, "/api/v1/cases", open_body, key="a1b2c3")
    again = post(client, "/api/v1/cases", open_body, key="a1b2c3")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()[0]["number"] == first.json()[0]["number"]
    assert Case.objects.count() == 1 and opened() == 1


def test_the_same_key_with_another_body_is_a_conflict_that_opens_nothing(client, engine, citizen, open_body):
    client.force_login(citizen)
    first = post(client, "/api/v1/cases", open_body, key="a1b2c3")
    changed = {**open_body, "form": {"address": "江岸区胜利街2号"}}
    response = post(client, "/api/v1/cases", changed, key="a1b2c3")
    assert response.status_code == 409
    body = response.json()
    assert "幂等键" in body["message"] and "idempotency key" in body["message_en"] and body["field"] == "key"
    assert list(Case.objects.values_list("number", flat=True)) == [first.json()[0]["number"]]
    assert opened() == 1


def test_without_a_key_nothing_is_opened(client, engine, citizen, open_body):
    client.force_login(citizen)
    response = post(client, "/api/v1/cases", open_body, key=None)
    assert response.status_code == 422
    assert "Idempotency-Key" in response.json()["message"]
    assert not Case.objects.exists()
    bad = post(client, "/api/v1/cases", open_body, key="空格 不行")
    assert bad.status_code == 422 and not Case.objects.exists()


def test_two_keys_open_two_cases_and_a_key_belongs_to_its_sender(client, engine, citizen, clerk, applicant, open_body):
    client.force_login(citizen)
    one = post(client, "/api/v1/cases", open_body, key="k-1").json()[0]["number"]
    two = post(client, "/api/v1/cases", open_body, key="k-2").json()[0]["number"]
    assert one != two
    # the clerk's own "k-1" is the clerk's: it opens the clerk's case, it is no conflict
    staff_client(client, clerk)
    hall = {**open_body, "channel": "hall", "materials": ALL}
    three = post(client, "/api/v1/cases", hall, key="k-1")
    assert three.status_code == 201 and three.json()[0]["number"] not in (one, two)
    assert Case.objects.count() == 3


def test_a_one_form_group_is_replayed_whole(client, engine, clerk, open_body):
    staff_client(client, clerk)
    group = {
        **open_body,
        "item_code": None,
        "group_code": "flexible_enrol",
        "item_codes": ["T-G1", "T-G2"],
        "channel": "hall",
        "materials": ALL,
    }
    first = post(client, "/api/v1/cases", group, key="group-1")
    again = post(client, "/api/v1/cases", {**group, "item_codes": ["T-G2", "T-G1"]}, key="group-1")
    assert first.status_code == 201 and len(first.json()) == 2
    assert [c["number"] for c in again.json()] == [c["number"] for c in first.json()]
    assert Case.objects.count() == 2
    fewer = post(client, "/api/v1/cases", {**group, "item_codes": ["T-G1"]}, key="group-1")
    assert fewer.status_code == 409 and Case.objects.count() == 2


def test_a_failed_opening_leaves_its_key_free(client, engine, citizen, open_body):
    client.force_login(citizen)
    refused = post(client, "/api/v1/cases", {**open_body, "form": {}}, key="retry-me")
    assert refused.status_code == 422
    assert not CaseOpening.objects.exists()
    # the corrected request under the same key opens the case
    assert post(client, "/api/v1/cases", open_body, key="retry-me").status_code == 201


def test_the_service_refuses_a_key_that_is_not_visible_ascii(engine, clerk, applicant):
    with pytest.raises(InvalidInput, match="幂等键"):
        services.case_open(
            actor=clerk,
            item_code="T-L2",
            applicant=applicant,
            channel="hall",
            form={"address": "x"},
            materials=ALL,
            key="x" * 65,
        )
    assert not Case.objects.exists()


# --- concurrent double submission (PostgreSQL) --------------------------------------------------


def _race(clerk, applicant, forms: list[dict]) -> list[object]:
    """Open with the same key from two threads released together; each outcome is a case
    number or the error class."""
    barrier = threading.Barrier(len(forms))
    outcomes: list[object] = [None] * len(forms)

    def submit(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            case = services.case_open(
                actor=clerk,
                item_code="T-L2",
                applicant=applicant,
                channel="hall",
                form=forms[i],
                materials=ALL,
                key="double-click",
            )
            outcomes[i] = case.number
        except Conflict as error:
            outcomes[i] = type(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(len(forms))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return outcomes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_concurrent_double_submission_opens_one_case(engine, clerk, applicant):
    require_postgres()
    outcomes = _race(clerk, applicant, [{"address": "x"}] * 3)
    assert Case.objects.count() == 1
    assert outcomes == [Case.objects.get().number] * 3
    assert AuditEvent.objects.filter(action="case.open").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_different_requests_under_one_key_open_one_and_refuse_the_other(engine, clerk, applicant):
    require_postgres()
    outcomes = _race(clerk, applicant, [{"address": "x"}, {"address": "y"}])
    assert Case.objects.count() == 1
    assert sorted(map(str, outcomes)) == sorted([Case.objects.get().number, str(Conflict)])
