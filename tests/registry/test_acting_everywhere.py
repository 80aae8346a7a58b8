"""代办 everywhere (issue 13): while a family member acts for a person, every page a person reads
or acts on online is the grantor's — home, my cases, my statements, my pension, my medical,
the online apply — with a banner; after stopping, the agent's own again. The authorisation is
re-checked on every request (``shebao.core.http.signed_in`` through the registry): expired or
revoked mid-session, the request is refused and the acting ends. A view-only authorisation
reads but does not apply. Another person's data is never shown.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from shebao.cases.models import Case
from shebao.core.http import ACTING_SESSION_KEY
from shebao.core.models import AuditEvent, SkillGroup
from shebao.registry import services
from shebao.registry.models import Authorisation, Person
from tests.cases.conftest import (  # noqa: F401 (pytest finds fixtures by name)
    _register_test_items,
    at,
    catalogue,
    engine,
    skills,
    working_hours,
)
from tests.factories import citizen_account
from tests.web.support import make_person, sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("engine")]

TODAY = dt.date(2026, 2, 10)  # the engine's frozen day (Asia/Shanghai)
BANNER = "正在为 周建国 代办"


@pytest.fixture
def elder(other_citizen, district):
    """周建国, the grantor: a flexible worker (so the grade change JF-001 is his to apply for)."""
    return make_person(
        district=district,
        name="周建国",
        account=other_citizen,
        birth_date=dt.date(1950, 5, 1),
        category=Person.Category.FLEXIBLE,
        phone="13700002222",
    )


@pytest.fixture
def son(citizen, district):
    """刘晓明, the agent, a flexible worker with his own account and records."""
    return make_person(district=district, name="刘晓明", account=citizen, category=Person.Category.FLEXIBLE)


@pytest.fixture
def stranger(district):
    """王丽: nobody's grantor, with her own account; her case must never show."""
    account = citizen_account(name="王丽", region="420107")
    return make_person(district=district, name="王丽", account=account, category=Person.Category.FLEXIBLE)


@pytest.fixture
def staff(clerk, reviewer):
    group = SkillGroup.objects.get(code="contribution")
    for person in (clerk, reviewer):
        person.skill_groups.add(group)


def _grant(elder, son, *, scope="handle", valid_to=dt.date(2026, 6, 30)):
    return services.authorisation_grant(
        actor=elder.account,
        agent_id_number=son.id_number,
        agent_name=son.name,
        scope=scope,
        valid_from=TODAY,
        valid_to=valid_to,
        channel="online",
    )


def _act(client, son, elder):
    sign_in(client, son.account)
    response = client.post(reverse("web:acting"), {"person": elder.pk})
    assert response.status_code == 302, "switched"
    assert client.session[ACTING_SESSION_KEY]["person"] == elder.pk


def _stop(client):
    response = client.post(reverse("web:acting"), {"stop": "1"})
    assert response.status_code == 302
    assert ACTING_SESSION_KEY not in client.session


def _my_cases(client) -> list[str]:
    return [row[0].number for row in client.get(reverse("web:my_cases")).context["rows"]]


def _apply(client, phone="13700002222"):
    page = client.get(reverse("web:apply_item", args=["JF-001"])).content.decode()
    token = re.search(r'name="submission" value="([^"]+)"', page).group(1)
    data = {"submission": token, "phone": phone, "f_start_month": "2026-02-01", "f_grade_percent": "150"}
    return client.post(reverse("web:apply_item", args=["JF-001"]), data)


def test_home_is_the_grantors_with_the_banner_then_the_agents_own(client, elder, son):
    _grant(elder, son)
    _act(client, son, elder)
    page = client.get(reverse("web:home"))
    assert page.status_code == 200 and page.context["person"] == elder
    html = page.content.decode()
    assert BANNER in html and "Acting for 周建国" in html and 'name="stop"' in html
    _stop(client)
    page = client.get(reverse("web:home"))
    assert page.context["person"] == son
    assert BANNER not in page.content.decode()


def test_the_banner_shows_on_every_app_page(client, elder, son):
    _grant(elder, son)
    _act(client, son, elder)
    for name in ("web:my_cases", "statements:mine", "pensions:my_pension", "medical:mine", "web:apply_index"):
        html = client.get(reverse(name)).content.decode()
        assert BANNER in html, name


def test_applying_while_acting_opens_the_grantors_case_filed_by_the_agent(client, elder, son, stranger, staff):
    _grant(elder, son)
    _act(client, son, elder)
    form = client.get(reverse("web:apply_item", args=["JF-001"]))
    assert form.context["person"] == elder
    response = _apply(client)
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("web:case", args=[case.number])
    # the applicant is the grantor (and his own account, to be told), the agent only files it
    assert (case.applicant_id_number, case.applicant_name, case.applicant_account_id) == (
        elder.id_number,
        "周建国",
        elder.account.pk,
    )
    opened = AuditEvent.objects.filter(subject_person=elder.id_number, action__startswith="case.").earliest("id")
    assert opened.actor_id == son.account.pk
    assert opened.actor_label.startswith(f"{son.account.username} 代办 for 周建国")  # agent for grantor
    # my cases: the grantor's while acting, the agent's own (none) after stopping
    assert _my_cases(client) == [case.number]
    assert client.get(reverse("web:case", args=[case.number])).status_code == 200
    _stop(client)
    assert _my_cases(client) == []
    assert client.get(reverse("web:case", args=[case.number])).status_code == 404
    # and the grantor himself sees it among his cases
    sign_in(client, elder.account)
    assert _my_cases(client) == [case.number]


def _a_month_of_2025(person):
    """A paid month of 2025, so the person has a statement of that year (a year with no record
    is refused one)."""
    from decimal import Decimal

    from shebao.contributions.models import ContributionMonth

    ContributionMonth.objects.create(
        person=person,
        period=dt.date(2025, 11, 1),
        base=Decimal("5000.00"),
        pension_personal=Decimal("400.00"),
        account_credit=Decimal("400.00"),
        status=ContributionMonth.Status.PAID,
    )


def test_statements_are_the_grantors_then_the_agents(client, elder, son):
    _a_month_of_2025(elder)
    _a_month_of_2025(son)
    _grant(elder, son)
    _act(client, son, elder)
    page = client.get(reverse("statements:my_year", args=[2025]))
    assert page.status_code == 200 and page.context["statement"].person == elder
    _stop(client)
    page = client.get(reverse("statements:my_year", args=[2025]))
    assert page.status_code == 200 and page.context["statement"].person == son


def test_pension_is_the_grantors_then_the_agents(client, elder, son):
    _grant(elder, son)
    _act(client, son, elder)
    page = client.get(reverse("pensions:my_pension"))
    assert page.status_code == 200 and page.context["view"].person == elder
    _stop(client)
    assert client.get(reverse("pensions:my_pension")).context["view"].person == son


def test_medical_is_the_grantors_then_the_agents(client, elder, son):
    _grant(elder, son)
    _act(client, son, elder)
    page = client.get(reverse("medical:mine"))
    assert page.status_code == 200 and page.context["account"].id_number == elder.id_number
    assert page.context["account"].name == "周建国"
    _stop(client)
    assert client.get(reverse("medical:mine")).context["account"].id_number == son.id_number


def test_apply_page_is_prefilled_for_the_grantor_then_the_agent(client, elder, son):
    _grant(elder, son)
    _act(client, son, elder)
    page = client.get(reverse("web:apply_item", args=["JF-001"]))
    assert page.status_code == 200 and page.context["person"] == elder
    assert 'value="13700002222"' in page.content.decode()  # the grantor's phone from the registry
    _stop(client)
    assert client.get(reverse("web:apply_item", args=["JF-001"])).context["person"] == son


def test_a_view_only_authorisation_reads_but_does_not_apply(client, elder, son, staff):
    _grant(elder, son, scope="view")
    _act(client, son, elder)
    assert client.get(reverse("web:home")).context["person"] == elder
    refused = client.get(reverse("web:apply_item", args=["JF-001"]))
    assert refused.status_code == 403
    html = refused.content.decode()
    assert "仅限查询" in html
    token_page = client.post(reverse("web:apply_item", args=["JF-001"]), {"phone": "13700002222"})
    assert token_page.status_code == 403
    assert not Case.objects.exists()  # nothing written


def test_an_authorisation_expiring_mid_session_is_refused_and_acting_ends(client, elder, son):
    row = _grant(elder, son)
    _act(client, son, elder)
    assert client.get(reverse("web:home")).context["person"] == elder
    # its last day was yesterday (as if the session had been open across midnight): the next
    # request is refused, whatever the session still says
    Authorisation.objects.filter(pk=row.pk).update(
        valid_from=TODAY - dt.timedelta(days=30), valid_to=TODAY - dt.timedelta(days=1)
    )
    assert client.session[ACTING_SESSION_KEY]["person"] == elder.pk
    refused = client.get(reverse("pensions:my_pension"))
    assert refused.status_code == 403
    assert "代办授权已过期或已撤销" in refused.content.decode()
    assert ACTING_SESSION_KEY not in client.session  # the acting ended
    page = client.get(reverse("pensions:my_pension"))
    assert page.status_code == 200 and page.context["view"].person == son  # his own again


def test_a_revocation_mid_session_is_refused_on_every_area_and_acting_ends(client, elder, son):
    for name in ("web:home", "web:my_cases", "statements:mine", "pensions:my_pension", "medical:mine"):
        row = _grant(elder, son)
        _act(client, son, elder)
        services.authorisation_revoke(actor=elder.account, authorisation_id=row.pk, channel="online")
        refused = client.get(reverse(name))
        assert refused.status_code == 403, name
        assert "The authorisation has expired or was revoked" in refused.content.decode()
        assert ACTING_SESSION_KEY not in client.session, name
        assert client.get(reverse(name)).status_code == 200, name  # the agent's own page again


def test_another_persons_data_is_never_shown(client, elder, son, stranger, staff):
    _grant(elder, son)
    # the stranger's own case, opened by herself online
    hers = Client()
    sign_in(hers, stranger.account)
    assert _apply(hers, phone="13600003333").status_code == 302
    theirs = Case.objects.get(applicant_id_number=stranger.id_number)
    _act(client, son, elder)
    # switching to someone who gave no authorisation is refused, the session keeps the grantor
    assert client.post(reverse("web:acting"), {"person": stranger.pk}).status_code == 403
    assert client.session[ACTING_SESSION_KEY]["person"] == elder.pk
    # a session tampered to name her is refused, and the acting ends
    session = client.session
    session[ACTING_SESSION_KEY] = {"person": stranger.pk, "label": "王丽"}
    session.save()
    assert client.get(reverse("web:home")).status_code == 403
    assert ACTING_SESSION_KEY not in client.session
    # acting for the grantor, her case stays hidden
    _act(client, son, elder)
    assert client.get(reverse("web:case", args=[theirs.number])).status_code == 404
    assert _my_cases(client) == []
    for name in ("web:home", "statements:mine", "pensions:my_pension", "medical:mine"):
        assert "王丽" not in client.get(reverse(name)).content.decode(), name
