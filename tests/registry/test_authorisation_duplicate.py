"""/acting/: the same grant twice (same grantor, agent and scope, overlapping a period that has
not ended) is refused (409, Chinese then English, naming the period that holds), not recorded as
a second identical "Valid" row; the existing one is left as it was (no silent extension).

The sequential refusals run on both databases; the double submit at the same moment runs on
PostgreSQL with real threads (the grantor's Person row is locked while the check and the
insert are made)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import time_machine
from django.db import connection
from django.urls import reverse

from shebao.core.errors import Conflict
from shebao.core.models import AuditEvent
from shebao.registry import services
from shebao.registry.models import Authorisation
from shebao.registry.services import authorisations as authorisation_services
from tests.conftest import require_postgres
from tests.web.support import make_person, sign_in

TODAY = dt.date(2026, 3, 2)
WAIT = 30  # seconds a thread waits for the other before the test gives up (a bug, not timing)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def elder(other_citizen, district):
    return make_person(district=district, name="李四", account=other_citizen, birth_date=dt.date(1946, 1, 5))


@pytest.fixture
def son(citizen, district):
    return make_person(district=district, name="张三", account=citizen)


def _grant(account, agent, *, scope="handle", valid_from=TODAY, valid_to=dt.date(2027, 3, 1)) -> Authorisation:
    return services.authorisation_grant(
        actor=account,
        agent_id_number=agent.id_number,
        agent_name=agent.name,
        scope=scope,
        valid_from=valid_from,
        valid_to=valid_to,
        channel="online",
    )


@pytest.mark.django_db
def test_the_same_grant_twice_is_refused_and_the_first_is_left_alone(other_citizen, elder, son):
    first = _grant(other_citizen, son)
    with pytest.raises(Conflict) as refused:
        _grant(other_citizen, son, valid_to=dt.date(2028, 1, 1))  # a longer period is no way round it
    assert refused.value.status == 409
    assert "已有有效的代办授权" in refused.value.message_zh and "2027-03-01" in refused.value.message_zh
    assert "already holds" in refused.value.message_en and "2027-03-01" in refused.value.message_en
    assert list(Authorisation.objects.all()) == [first]
    first.refresh_from_db()
    assert first.valid_to == dt.date(2027, 3, 1)  # not extended behind the grantor's back
    assert AuditEvent.objects.filter(action="authorisation.grant").count() == 1


@pytest.mark.django_db
def test_another_scope_a_revoked_one_an_expired_one_and_a_later_renewal_are_granted(other_citizen, elder, son):
    _grant(other_citizen, son, scope="handle")
    _grant(other_citizen, son, scope="view")  # another scope: not the same grant
    # a renewal starting after the first ends does not overlap it
    _grant(other_citizen, son, scope="handle", valid_from=dt.date(2027, 3, 2), valid_to=dt.date(2029, 1, 1))
    assert Authorisation.objects.count() == 3
    revoked = Authorisation.objects.get(scope="view")
    services.authorisation_revoke(actor=other_citizen, authorisation_id=revoked.pk, channel="online")
    _grant(other_citizen, son, scope="view")  # the revoked one no longer holds
    assert Authorisation.objects.filter(scope="view", revoked_at__isnull=True).count() == 1
    # one that ended yesterday does not hold either
    Authorisation.objects.filter(scope="view", revoked_at__isnull=True).update(
        valid_from=dt.date(2025, 3, 1), valid_to=TODAY - dt.timedelta(days=1)
    )
    _grant(other_citizen, son, scope="view")
    assert Authorisation.objects.filter(scope="view").count() == 3


@pytest.mark.django_db
def test_the_clerk_recording_the_same_authorisation_at_the_window_is_refused(clerk, elder, son):
    def record():
        return services.authorisation_record(
            actor=clerk,
            grantor_id_number=elder.id_number,
            agent_id_number=son.id_number,
            scope="view",
            valid_from=TODAY,
            valid_to=dt.date(2026, 12, 31),
            id_checked=True,
            channel="hall",
        )

    record()
    with pytest.raises(Conflict, match="已有有效的代办授权"):
        record()
    assert Authorisation.objects.count() == 1


@pytest.mark.django_db
def test_the_page_answers_409_and_shows_one_valid_row(client, other_citizen, elder, son):
    sign_in(client, other_citizen)
    form = {
        "action": "grant",
        "agent_id_number": son.id_number,
        "agent_name": "张三",
        "scope": "handle",
        "valid_to": "2026-12-31",
    }
    assert client.post(reverse("web:acting"), form).status_code == 302
    again = client.post(reverse("web:acting"), form)
    assert again.status_code == 409
    body = again.content.decode()
    assert "已有有效的代办授权" in body and "2026-12-31" in body
    assert body.index("已有有效的代办授权") < body.index("already holds")  # Chinese first, then English
    assert Authorisation.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_double_submit_at_the_same_moment_makes_one_authorisation(monkeypatch, other_citizen, elder, son):
    """The first grant has checked and not yet written when the second comes: the second waits
    on the grantor's row, then finds the first and is refused."""
    require_postgres()
    first_checked, go = threading.Event(), threading.Event()
    second: dict[str, int] = {}
    real_check = authorisation_services._check_not_duplicate

    def check_then_pause(**kwargs):
        real_check(**kwargs)
        if threading.current_thread().name == "first":
            first_checked.set()
            go.wait(WAIT)  # the first holds its transaction open while the second comes as far as it can

    monkeypatch.setattr(authorisation_services, "_check_not_duplicate", check_then_pause)
    outcomes: dict[str, object] = {}

    def grant(name: str) -> None:
        try:
            if name == "second":
                connection.ensure_connection()
                second["pid"] = connection.connection.info.backend_pid
            outcomes[name] = _grant(other_citizen, son).pk
        except Conflict as refused:
            outcomes[name] = refused
        finally:
            connection.close()

    first = threading.Thread(target=grant, args=("first",), name="first")
    first.start()
    assert first_checked.wait(WAIT)
    later = threading.Thread(target=grant, args=("second",), name="second")
    later.start()
    probe = threading.Event()
    for _ in range(WAIT * 100):  # a bound for a hung test, not a delay: each turn looks at the state
        if not later.is_alive() or ("pid" in second and _blocked_on_a_lock(second["pid"])):
            break
        probe.wait(0.01)
    go.set()
    first.join(WAIT)
    later.join(WAIT)
    assert not first.is_alive() and not later.is_alive()
    row = Authorisation.objects.get()
    assert outcomes["first"] == row.pk
    refused = outcomes["second"]
    assert isinstance(refused, Conflict) and refused.status == 409


def _blocked_on_a_lock(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
        row = cursor.fetchone()
    return row is not None and row[0] == "Lock"
