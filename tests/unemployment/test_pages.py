"""The pages: the claimant's own claim (months paid and left, amount, derivation), the clerk's
list and claim page scoped to their district (audited), refusals for everyone else."""

from __future__ import annotations

import datetime as dt

import pytest

from shebao.core.models import AuditEvent
from shebao.unemployment.services import payments_issue_range
from tests.unemployment.test_payments import make_claim
from tests.web.support import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def claim(citizen, district):
    mine = make_claim(district, 1, months=12)
    mine.person.account = citizen
    mine.person.save()
    payments_issue_range(month=dt.date(2026, 4, 1), lo=mine.pk, hi=mine.pk)
    return mine


def test_the_claimant_sees_months_paid_and_left_with_the_derivation(client, claim, citizen):
    page = sign_in(client, citizen).get("/my/unemployment/").content.decode()
    assert "我的失业保险金 / My unemployment benefit" in page
    assert 'id="claim-paid">2<' in page and 'id="claim-left">10<' in page  # March, April paid of 12
    assert "¥1809.00" in page and "2026-03" in page and "2026-04" in page


def test_another_citizen_sees_none_of_it(client, claim, other_citizen):
    page = sign_in(client, other_citizen).get("/my/unemployment/").content.decode()
    assert 'id="claims-none"' in page and claim.case_number not in page


def test_the_clerk_of_the_district_lists_and_opens_the_claim_and_the_look_is_audited(client, claim, clerk):
    sign_in(client, clerk)
    assert claim.case_number in client.get("/unemployment/claims/").content.decode()
    page = client.get(f"/unemployment/claims/{claim.pk}/").content.decode()
    assert 'id="claim-max">12<' in page
    assert AuditEvent.objects.filter(action="unemployment.claim.view", subject_id=str(claim.pk)).count() == 1


@pytest.mark.parametrize("who", ["other_district_clerk", "unit_operator", "citizen"])
def test_no_one_else_opens_the_claim_page(client, claim, request, who):
    response = sign_in(client, request.getfixturevalue(who)).get(f"/unemployment/claims/{claim.pk}/")
    assert response.status_code in (403, 404)
    assert claim.case_number not in response.content.decode()
    assert not AuditEvent.objects.filter(action="unemployment.claim.view").exists()
