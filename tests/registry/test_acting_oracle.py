"""代办授权 must not be a registry oracle (security review finding).

Before: the grant form looked the agent's ID number up city-wide before checking the scope and
the dates, so ``scope=bogus`` answered 422 for a registered number (in any district) and 404
for an unregistered one; with a good scope it granted and printed the agent's registered name.
Now the terms and the grantor are checked first, the agent is named by ID number *and* name,
"not registered" and "not that name" are one answer, and the grantor sees the agent's name
masked. Only a clerk who sees the agent's record (their district) names the agent by number.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from shebao.core.errors import InvalidInput
from shebao.core.models import AuditEvent
from shebao.registry import services
from shebao.registry.models import Authorisation
from tests.factories import new_id_number
from tests.web.support import make_person, sign_in

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 2)
VALID_TO = "2026-04-01"  # today + 30 days


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def grantor(other_citizen, district):
    """李四, who authorises online (district 江岸, the clerk's)."""
    return make_person(district=district, name="李四", account=other_citizen, birth_date=dt.date(1946, 1, 5))


@pytest.fixture
def secret(other_district):
    """王秘密: registered in another district (武昌); the prober does not know the name."""
    return make_person(district=other_district, name="王秘密", id_number=new_id_number("420106"))


@pytest.fixture
def unregistered():
    """A well-formed ID number that nobody registered."""
    return new_id_number("420106")


def _nothing_written() -> bool:
    return (
        not Authorisation.objects.exists()
        and not AuditEvent.objects.filter(action__startswith="authorisation.").exists()
    )


def _answer(response) -> tuple[int, str]:
    match = re.search(r'<p class="error" role="alert">(.*?)</p>', response.content.decode(), re.S)
    return response.status_code, match.group(1) if match else ""


def _grant_form(number: str, **extra: str) -> dict[str, str]:
    return {"action": "grant", "agent_id_number": number, "scope": "view", "valid_to": VALID_TO, **extra}


# --- the citizen's grant form -------------------------------------------------------------------


@pytest.mark.parametrize(
    "extra",
    [
        {"scope": "bogus"},  # the reviewer's probe: the scope was checked after the lookup
        {"valid_to": "2020-01-01"},  # the same with a past end date
        {},  # a good scope, no name
        {"agent_name": "王某某"},  # a good scope, a guessed name
    ],
    ids=["bad-scope", "past-date", "no-name", "wrong-name"],
)
def test_registered_elsewhere_and_unregistered_get_the_same_answer(
    client, other_citizen, grantor, secret, unregistered, extra
):
    sign_in(client, other_citizen)
    registered = _answer(client.post(reverse("web:acting"), _grant_form(secret.id_number, **extra)))
    nobody = _answer(client.post(reverse("web:acting"), _grant_form(unregistered, **extra)))
    assert registered == nobody
    assert 400 <= registered[0] < 500 and registered[1]
    assert "王秘密" not in registered[1]
    assert _nothing_written()


def test_a_mismatched_name_is_refused_like_an_unregistered_number_and_writes_nothing(
    other_citizen, grantor, secret, unregistered
):
    def refusal(number: str, name: str) -> InvalidInput:
        with pytest.raises(InvalidInput) as caught:
            services.authorisation_grant(
                actor=other_citizen,
                agent_id_number=number,
                agent_name=name,
                scope="view",
                valid_from=TODAY,
                valid_to=dt.date(2026, 4, 1),
                channel="online",
            )
        return caught.value

    wrong = refusal(secret.id_number, "王某某")
    nobody = refusal(unregistered, "王某某")
    nobody_right_name = refusal(unregistered, "王秘密")
    for error in (nobody, nobody_right_name):
        assert (error.status, error.message_zh, error.message_en, error.field) == (
            wrong.status,
            wrong.message_zh,
            wrong.message_en,
            wrong.field,
        )
    assert wrong.status == 422 and wrong.field == "agent_name"
    assert "王秘密" not in wrong.message_zh
    assert _nothing_written()


def test_the_grant_page_never_shows_a_registered_name_the_citizen_did_not_type(
    client, clerk, other_citizen, grantor, secret, district
):
    sign_in(client, other_citizen)
    refused = client.post(reverse("web:acting"), _grant_form(secret.id_number, agent_name="王某某"))
    assert refused.status_code == 422 and "王秘密" not in refused.content.decode()
    # an agent the grantor did not name themselves (recorded at the window) shows masked
    nephew = make_person(district=district, name="赵小明")
    services.authorisation_record(
        actor=clerk,
        grantor_id_number=grantor.id_number,
        agent_id_number=nephew.id_number,
        scope="view",
        valid_from=TODAY,
        valid_to=dt.date(2026, 4, 1),
        id_checked=True,
        channel="hall",
    )
    page = client.get(reverse("web:acting")).content.decode()
    assert "赵小明" not in page and "赵*明" in page


def test_the_right_id_number_and_name_still_grant(client, other_citizen, grantor, secret):
    sign_in(client, other_citizen)
    response = client.post(reverse("web:acting"), _grant_form(secret.id_number, agent_name=" 王秘密 "))
    assert response.status_code == 302
    row = Authorisation.objects.get()
    assert (row.grantor, row.agent, row.scope, row.source) == (grantor, secret, "view", "online")
    assert AuditEvent.objects.filter(action="authorisation.grant").count() == 1
    page = client.get(reverse("web:acting")).content.decode()
    assert "王*密" in page and "王秘密" not in page


# --- the clerk at the window ----------------------------------------------------------------------


def _record_form(grantor, number: str, **extra: str) -> dict[str, str]:
    return {
        "grantor_id_number": grantor.id_number,
        "agent_id_number": number,
        "scope": "view",
        "valid_to": VALID_TO,
        "id_checked": "1",
        **extra,
    }


def test_a_clerk_names_an_agent_of_their_own_district_by_number(client, clerk, grantor, district):
    son = make_person(district=district, name="张三")
    sign_in(client, clerk)
    done = client.post(reverse("web:acting"), _record_form(grantor, son.id_number))
    assert done.status_code == 200 and "授权 张三" in done.content.decode()
    assert Authorisation.objects.get().agent == son


@pytest.mark.parametrize(
    "extra",
    [{"scope": "bogus"}, {}, {"agent_name": "王某某"}],
    ids=["bad-scope", "no-name", "wrong-name"],
)
def test_a_clerk_learns_nothing_about_an_agent_of_another_district(client, clerk, grantor, secret, unregistered, extra):
    sign_in(client, clerk)
    registered = _answer(client.post(reverse("web:acting"), _record_form(grantor, secret.id_number, **extra)))
    nobody = _answer(client.post(reverse("web:acting"), _record_form(grantor, unregistered, **extra)))
    assert registered == nobody
    assert 400 <= registered[0] < 500 and registered[1]
    assert _nothing_written()


def test_a_clerk_records_an_agent_of_another_district_by_name_and_sees_the_name_typed(client, clerk, grantor, secret):
    sign_in(client, clerk)
    done = client.post(reverse("web:acting"), _record_form(grantor, secret.id_number, agent_name="王秘密"))
    assert done.status_code == 200
    notice = re.search(r'<p class="notice" id="recorded">(.*?)</p>', done.content.decode(), re.S)
    assert notice is not None and "授权 王秘密" in notice.group(1)
    assert Authorisation.objects.get().agent == secret


def test_a_clerk_of_the_agents_district_is_told_plainly_that_the_name_is_wrong(clerk, grantor, district):
    son = make_person(district=district, name="张三")
    with pytest.raises(InvalidInput) as caught:
        services.authorisation_record(
            actor=clerk,
            grantor_id_number=grantor.id_number,
            agent_id_number=son.id_number,
            agent_name="张四",
            scope="view",
            valid_from=TODAY,
            valid_to=dt.date(2026, 4, 1),
            id_checked=True,
            channel="hall",
        )
    assert caught.value.field == "agent_name" and "张三" not in caught.value.message_zh
    assert _nothing_written()
