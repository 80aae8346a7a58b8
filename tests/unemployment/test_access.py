"""Who sees a claim: the claimant only their own (API and selector), a district clerk their
district's, another district's clerk, an employer and a bank agent none."""

from __future__ import annotations

import pytest

from shebao.core.errors import NotFound
from shebao.unemployment.selectors import claim_get, claims_list
from tests.unemployment.test_payments import make_claim
from tests.web.support import make_person, sign_in

pytestmark = pytest.mark.django_db
URL = "/api/v1/my/unemployment/claims"


@pytest.fixture
def claim(citizen, district):
    mine = make_claim(district, 1)
    mine.person.account = citizen
    mine.person.save()
    return mine


def test_a_citizen_sees_only_their_own_claim_over_the_api(client, claim, citizen, other_citizen, district):
    make_claim(district, 2)  # somebody else's
    body = sign_in(client, citizen).get(URL).json()
    assert [c["case_number"] for c in body] == [claim.case_number]
    assert body[0]["months_left"] == 12 and body[0]["monthly_benefit"] == "1809.00"
    client.logout()
    make_person(district=district, name="另一人", account=other_citizen)
    assert sign_in(client, other_citizen).get(URL).json() == []


@pytest.mark.parametrize(("who", "status"), [("anonymous", 401), ("clerk", 403), ("unit_operator", 403)])
def test_the_api_is_for_the_claimant_only(client, claim, request, who, status):
    if who != "anonymous":
        sign_in(client, request.getfixturevalue(who))
    assert client.get(URL).status_code == status


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("clerk", True),
        ("citizen", True),
        ("other_district_clerk", False),
        ("unit_operator", False),
        ("bank_agent", False),
        ("other_citizen", False),
    ],
)
def test_who_may_open_a_claim(claim, request, who, sees):
    actor = request.getfixturevalue(who)
    if sees:
        assert claim_get(actor=actor, claim_id=claim.pk) == claim
        assert claims_list(actor=actor) == [claim]
    else:
        with pytest.raises(NotFound):
            claim_get(actor=actor, claim_id=claim.pk)
        assert claims_list(actor=actor) == []
