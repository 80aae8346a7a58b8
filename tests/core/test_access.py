"""core.access: a PersonGrant opens one person to one account for one purpose, re-checked on
every use: who may hold one, for whom, by whom it was made, and for how long."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from shebao.core.access import GRANT_LIFETIME, PersonGrant, Purpose, grant_opens, person_grant_issue
from shebao.core.errors import NotAllowed
from shebao.core.models import Account, Role
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db
PRINT = Purpose.STATEMENT_WINDOW_PRINT
PERSON, OTHER_PERSON = 101, 102


def test_a_clerk_holds_a_grant_that_opens_its_one_person_and_no_other(other_district_clerk):
    # given a window clerk's grant of the window print for one person
    grant = person_grant_issue(actor=other_district_clerk, person_id=PERSON, purpose=PRINT)
    # then it names them and opens that person to them, and nobody else
    assert (grant.account_id, grant.person_id, grant.purpose) == (other_district_clerk.pk, PERSON, PRINT)
    assert grant_opens(grant, actor=other_district_clerk, person_id=PERSON)
    assert not grant_opens(grant, actor=other_district_clerk, person_id=OTHER_PERSON)


def test_a_grant_issued_to_one_clerk_opens_nothing_to_another(other_district_clerk, other_office):
    # given a grant of clerk X, and clerk Y at the same window
    grant = person_grant_issue(actor=other_district_clerk, person_id=PERSON, purpose=PRINT)
    colleague = AccountFactory(username="clerk_wc2", role=Role.CLERK, office=other_office)
    # then Y holding it gets nothing, nor does anyone without an actor
    assert not grant_opens(grant, actor=colleague, person_id=PERSON)
    assert not grant_opens(grant, actor=None, person_id=PERSON)
    assert not grant_opens(None, actor=other_district_clerk, person_id=PERSON)


@pytest.mark.parametrize("who", ["citizen", "unit_operator", "bank_agent", "reviewer", "monitor"])
def test_a_citizen_unit_bank_agent_or_other_role_never_obtains_one(request, who):
    actor = request.getfixturevalue(who)
    with pytest.raises(NotAllowed):
        person_grant_issue(actor=actor, person_id=PERSON, purpose=PRINT)


def test_an_unknown_purpose_or_an_inactive_or_officeless_clerk_gets_none(clerk):
    with pytest.raises(NotAllowed):
        person_grant_issue(actor=clerk, person_id=PERSON, purpose="hotline.read")  # not a purpose yet
    Account.objects.filter(pk=clerk.pk).update(is_active=False)
    clerk.refresh_from_db()
    with pytest.raises(NotAllowed):
        person_grant_issue(actor=clerk, person_id=PERSON, purpose=PRINT)
    officeless = Account(username="clerk_nowhere", kind=Account.Kind.STAFF, role=Role.CLERK, office=None)
    officeless.pk = clerk.pk + 1000  # unsaved: a staff account without an office cannot be stored
    with pytest.raises(NotAllowed):
        person_grant_issue(actor=officeless, person_id=PERSON, purpose=PRINT)


@pytest.mark.parametrize("who", ["citizen", "unit_operator", "bank_agent"])
def test_a_grant_built_by_hand_opens_nothing_even_to_whom_it_names(request, clerk, who):
    # given grants nobody issued: for a citizen, a unit, a bank agent, and for a real clerk
    actor = request.getfixturevalue(who)
    now = timezone.now()
    for holder in (actor, clerk):
        forged = PersonGrant(account_id=holder.pk, person_id=PERSON, purpose=PRINT, issued_at=now)
        assert not grant_opens(forged, actor=holder, person_id=PERSON)
    # nor does a copy of an issued one changed to another person, holder, purpose or time
    issued = person_grant_issue(actor=clerk, person_id=PERSON, purpose=PRINT)
    assert grant_opens(issued, actor=clerk, person_id=PERSON)
    assert not grant_opens(dataclasses.replace(issued, person_id=OTHER_PERSON), actor=clerk, person_id=OTHER_PERSON)
    assert not grant_opens(dataclasses.replace(issued, account_id=actor.pk), actor=actor, person_id=PERSON)
    later = dataclasses.replace(issued, issued_at=issued.issued_at + dt.timedelta(hours=1))
    assert not grant_opens(later, actor=clerk, person_id=PERSON)


def test_a_grant_is_rechecked_on_use_its_holders_role_and_its_lifetime(clerk):
    with time_machine.travel(dt.datetime(2025, 2, 10, 2, 0, tzinfo=dt.UTC), tick=False) as traveller:
        grant = person_grant_issue(actor=clerk, person_id=PERSON, purpose=PRINT)
        traveller.shift(GRANT_LIFETIME)
        assert grant_opens(grant, actor=clerk, person_id=PERSON)
        # one request's lifetime, not a session's
        traveller.shift(dt.timedelta(seconds=1))
        assert not grant_opens(grant, actor=clerk, person_id=PERSON)
        # a clerk moved to a bank outlet's role since holds nothing
        fresh = person_grant_issue(actor=clerk, person_id=PERSON, purpose=PRINT)
        clerk.role = Role.BANK_AGENT
        assert not grant_opens(fresh, actor=clerk, person_id=PERSON)


def test_a_grant_of_a_purpose_not_named_for_the_record_reads_opens_none_of_them(clerk, monkeypatch):
    from shebao.core import access

    # a purpose some later service might issue (say the hotline's): held by clerks, sealed, current
    monkeypatch.setitem(access.GRANT_ROLES, "hotline.lookup", frozenset({Role.CLERK}))
    grant = person_grant_issue(actor=clerk, person_id=PERSON, purpose="hotline.lookup")
    # it does not open the record reads (not in RECORD_READS); a read naming its purpose would
    assert not grant_opens(grant, actor=clerk, person_id=PERSON)
    assert grant_opens(grant, actor=clerk, person_id=PERSON, purposes=frozenset({"hotline.lookup"}))
