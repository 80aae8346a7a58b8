"""代办 (issue 13): a family member acts for an elderly person under a recorded authorisation.

The rules are checked in the services and selectors, not only in the pages: an expired or
revoked authorisation sees nobody and acts for nobody; a view-only one does not let the agent
act; every event of an acting agent names both the agent and the grantor.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from shebao.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from shebao.core.http import ACTING_SESSION_KEY
from shebao.core.models import AuditEvent
from shebao.registry import selectors, services
from shebao.registry.models import Authorisation
from tests.web.support import make_person, sign_in

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 2)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def elder(other_citizen, district):
    """李四, 80, the grantor (has an online account too, to grant online)."""
    return make_person(district=district, name="李四", account=other_citizen, birth_date=dt.date(1946, 1, 5))


@pytest.fixture
def son(citizen, district):
    """张三, the agent: a citizen with an account."""
    return make_person(district=district, name="张三", account=citizen)


def _grant(elder_account, son, *, scope="handle", valid_to=dt.date(2027, 3, 1)) -> Authorisation:
    return services.authorisation_grant(
        actor=elder_account,
        agent_id_number=son.id_number,
        agent_name=son.name,
        scope=scope,
        valid_from=TODAY,
        valid_to=valid_to,
        channel="online",
    )


def _acting(account, grantor):
    account.acting_for = grantor.pk
    account.acting_for_label = f"{grantor.name}"
    return account


def test_agent_acting_under_a_valid_authorisation_sees_the_grantor_only(citizen, other_citizen, elder, son):
    _grant(other_citizen, son)
    agent = _acting(citizen, elder)
    assert list(selectors.persons_visible(actor=agent)) == [elder]
    assert selectors.person_self(actor=agent, channel="online") == elder
    services.acting_may_handle(actor=agent)  # a HANDLE authorisation lets them act


def test_the_agents_events_name_agent_and_grantor(citizen, other_citizen, elder, son):
    _grant(other_citizen, son)
    selectors.person_self(actor=_acting(citizen, elder), channel="online")
    event = AuditEvent.objects.filter(action="person.view").latest("id")
    assert event.actor_id == citizen.pk
    assert event.actor_label == f"{citizen.username} 代办 for 李四"
    assert event.subject_person == elder.id_number


def test_an_expired_authorisation_is_refused_in_the_service(citizen, other_citizen, elder, son):
    _grant(other_citizen, son, valid_to=dt.date(2026, 3, 31))
    agent = _acting(citizen, elder)
    with time_machine.travel(dt.datetime(2026, 4, 1, 10, tzinfo=dt.UTC), tick=False):
        # the day after valid_to: nobody visible, the own-records read refused, acting refused
        assert not selectors.persons_visible(actor=agent).exists()
        with pytest.raises(NotAllowed):
            selectors.person_self(actor=agent, channel="online")
        with pytest.raises(NotAllowed):
            services.acting_may_handle(actor=agent)
        with pytest.raises(NotAllowed):
            services.acting_start(actor=citizen, grantor_id=elder.pk, channel="online")
        assert not AuditEvent.objects.filter(action="authorisation.act").exists()


def test_the_last_day_still_holds(citizen, other_citizen, elder, son):
    _grant(other_citizen, son, valid_to=dt.date(2026, 3, 31))
    with time_machine.travel(dt.datetime(2026, 3, 31, 15, tzinfo=dt.UTC), tick=False):  # 23:00 in Wuhan
        assert selectors.person_self(actor=_acting(citizen, elder), channel="online") == elder


def test_a_revoked_authorisation_is_refused_from_the_next_read(citizen, other_citizen, elder, son):
    row = _grant(other_citizen, son)
    agent = _acting(citizen, elder)
    assert selectors.person_self(actor=agent, channel="online") == elder
    services.authorisation_revoke(actor=other_citizen, authorisation_id=row.pk, channel="online")
    with pytest.raises(NotAllowed):
        selectors.person_self(actor=agent, channel="online")
    with pytest.raises(Conflict):
        services.authorisation_revoke(actor=other_citizen, authorisation_id=row.pk, channel="online")
    assert AuditEvent.objects.filter(action="authorisation.revoke").count() == 1


def test_a_view_only_authorisation_lets_the_agent_look_but_not_act(citizen, other_citizen, elder, son):
    _grant(other_citizen, son, scope="view")
    agent = _acting(citizen, elder)
    assert selectors.person_self(actor=agent, channel="online") == elder
    with pytest.raises(NotAllowed):
        services.acting_may_handle(actor=agent)


def test_acting_for_someone_who_gave_no_authorisation_sees_nobody(citizen, elder, son):
    agent = _acting(citizen, elder)
    assert not selectors.persons_visible(actor=agent).exists()
    with pytest.raises(NotAllowed):
        selectors.person_self(actor=agent, channel="online")


def test_an_agent_cannot_pass_it_on_nor_revoke_while_acting(citizen, other_citizen, elder, son, district):
    row = _grant(other_citizen, son)
    third = make_person(district=district, name="王五")
    agent = _acting(citizen, elder)
    with pytest.raises(NotAllowed):
        services.authorisation_grant(
            actor=agent,
            agent_id_number=third.id_number,
            agent_name=third.name,
            scope="view",
            valid_from=TODAY,
            valid_to=TODAY,
            channel="online",
        )
    with pytest.raises(NotFound):
        services.authorisation_revoke(actor=agent, authorisation_id=row.pk, channel="online")


def test_the_agent_may_give_it_up(citizen, other_citizen, elder, son):
    row = _grant(other_citizen, son)
    services.authorisation_revoke(actor=citizen, authorisation_id=row.pk, channel="online")
    assert Authorisation.objects.get(pk=row.pk).revoked_by == citizen


@pytest.mark.parametrize(
    "valid_from,valid_to",
    [(TODAY, dt.date(2026, 3, 1)), (dt.date(2026, 1, 1), dt.date(2026, 2, 1)), (TODAY, dt.date(2031, 3, 3))],
    ids=["ends-before-start", "already-ended", "over-five-years"],
)
def test_bad_periods_are_refused_and_nothing_is_written(other_citizen, elder, son, valid_from, valid_to):
    with pytest.raises(InvalidInput):
        services.authorisation_grant(
            actor=other_citizen,
            agent_id_number=son.id_number,
            agent_name=son.name,
            scope="view",
            valid_from=valid_from,
            valid_to=valid_to,
            channel="online",
        )
    assert not Authorisation.objects.exists()


def test_a_clerk_records_it_at_the_window_only_after_checking_ids(clerk, elder, son):
    kwargs = {
        "actor": clerk,
        "grantor_id_number": elder.id_number,
        "agent_id_number": son.id_number,
        "scope": "handle",
        "valid_from": TODAY,
        "valid_to": dt.date(2028, 3, 1),
        "channel": "hall",
    }
    with pytest.raises(InvalidInput):
        services.authorisation_record(id_checked=False, **kwargs)
    row = services.authorisation_record(id_checked=True, **kwargs)
    assert row.source == Authorisation.Source.WINDOW and row.recorded_by == clerk
    event = AuditEvent.objects.get(action="authorisation.record")
    assert event.subject_person == elder.id_number and event.after["agent"] == son.id_number


def test_a_clerk_of_another_district_cannot_record_it(other_district_clerk, elder, son):
    with pytest.raises(NotFound):
        services.authorisation_record(
            actor=other_district_clerk,
            grantor_id_number=elder.id_number,
            agent_id_number=son.id_number,
            scope="handle",
            valid_from=TODAY,
            valid_to=dt.date(2027, 1, 1),
            id_checked=True,
            channel="hall",
        )
    assert not Authorisation.objects.exists()


def test_nobody_authorises_themselves(other_citizen, elder):
    with pytest.raises(InvalidInput):
        services.authorisation_grant(
            actor=other_citizen,
            agent_id_number=elder.id_number,
            agent_name=elder.name,
            scope="view",
            valid_from=TODAY,
            valid_to=TODAY,
            channel="online",
        )


# --- the switch page --------------------------------------------------------------------------


def test_the_switch_page_starts_acting_and_stops(client, citizen, other_citizen, elder, son):
    _grant(other_citizen, son)
    sign_in(client, citizen)
    page = client.get(reverse("web:acting"))
    assert "李四" in page.content.decode()
    response = client.post(reverse("web:acting"), {"person": elder.pk})
    assert response.status_code == 302 and response["Location"] == reverse("web:my_contributions")
    assert client.session[ACTING_SESSION_KEY]["person"] == elder.pk
    # the records shown are now the grantor's
    assert client.get(response["Location"]).context["person"] == elder
    assert AuditEvent.objects.filter(action="authorisation.act", actor=citizen).count() == 1
    client.post(reverse("web:acting"), {"stop": "1"})
    assert ACTING_SESSION_KEY not in client.session


def test_the_switch_page_refuses_a_person_without_authorisation(client, citizen, elder, son):
    sign_in(client, citizen)
    response = client.post(reverse("web:acting"), {"person": elder.pk})
    assert response.status_code == 403
    assert ACTING_SESSION_KEY not in client.session


def test_a_page_read_after_revocation_is_refused_though_the_session_still_says_acting(
    client, citizen, other_citizen, elder, son
):
    row = _grant(other_citizen, son)
    sign_in(client, citizen)
    client.post(reverse("web:acting"), {"person": elder.pk})
    services.authorisation_revoke(actor=other_citizen, authorisation_id=row.pk, channel="online")
    response = client.get(reverse("web:my_contributions"))
    assert response.status_code == 403
    assert timezone.localdate() == TODAY


def test_the_grantor_authorises_and_revokes_on_the_page(client, citizen, other_citizen, elder, son):
    sign_in(client, other_citizen)
    response = client.post(
        reverse("web:acting"),
        {
            "action": "grant",
            "agent_id_number": son.id_number,
            "agent_name": "张三",
            "scope": "handle",
            "valid_to": "2026-12-31",
        },
    )
    assert response.status_code == 302
    row = Authorisation.objects.get()
    assert (row.grantor, row.agent, row.valid_from, row.source) == (elder, son, TODAY, "online")
    assert "张*" in client.get(reverse("web:acting")).content.decode()  # the agent, masked
    bad = client.post(
        reverse("web:acting"),
        {"action": "grant", "agent_id_number": son.id_number, "agent_name": "张三", "scope": "x", "valid_to": "soon"},
    )
    assert bad.status_code == 422 and Authorisation.objects.count() == 1
    client.post(reverse("web:acting"), {"action": "revoke", "authorisation": row.pk})
    assert Authorisation.objects.get().revoked_at is not None


def test_the_clerk_records_it_on_the_window_page_only_with_the_ids_checked(client, clerk, elder, son):
    sign_in(client, clerk)
    assert client.get(reverse("web:acting")).status_code == 200
    form = {
        "grantor_id_number": elder.id_number,
        "agent_id_number": son.id_number,
        "scope": "handle",
        "valid_to": "2027-03-01",
    }
    refused = client.post(reverse("web:acting"), form)
    assert refused.status_code == 422 and not Authorisation.objects.exists()
    done = client.post(reverse("web:acting"), {**form, "id_checked": "1"})
    assert done.status_code == 200 and "已登记" in done.content.decode()
    row = Authorisation.objects.get()
    assert (row.source, row.recorded_by, row.valid_to) == ("window", clerk, dt.date(2027, 3, 1))


def test_a_bank_agent_records_nothing(client, bank_agent, elder, son):
    sign_in(client, bank_agent)
    assert client.get(reverse("web:acting")).status_code == 403
