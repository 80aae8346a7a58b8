"""退差退付: a refund owed after a base corrected downward (QY-001) is recorded as paid by the
contribution side of the unit's district office, with the bank's reference and the day paid —
never by whoever handled the correction, never twice, never a difference due (补差, settled by
its bill), never outside the district. The page the finance clerk uses lists and records them.

April 2024 of the statements' hand-built history (张三 at 江岸甲公司, paid at 6000) corrected on
Tue 11 Feb 2025 to 5000 (tests/statements/test_correction_difference.py for the figures):

    employer (960 − 800) + (522 − 435) + (42 − 35) + (12 − 10) = 160 + 87 + 7 + 2 = 256.00
    personal (480 − 400) + (120 − 100) + (18 − 15)               =  80 + 20 + 3     = 103.00
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from shebao.contributions import services
from shebao.contributions.models import BaseDifference, ContributionMonth
from shebao.contributions.selectors import difference_notes_of_persons, refunds_open
from shebao.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from shebao.core.models import AuditEvent, Office, Role, SkillGroup
from tests.conftest import _staff
from tests.contributions.difference_support import difference_make
from tests.statements import conftest as statements_fixtures
from tests.statements import test_correction_difference as corrections
from tests.statements.conftest import YEAR
from tests.web.support import sign_in

# the statements' hand-built history and the correction's window (QY-001), as fixtures here
history, today, unit_a, unit_b = (getattr(statements_fixtures, n) for n in ("history", "today", "unit_a", "unit_b"))
_register_test_items, at, catalogue = corrections._register_test_items, corrections.at, corrections.catalogue
skills, window, working_hours = corrections.skills, corrections.window, corrections.working_hours
APRIL, _correct = corrections.APRIL, corrections._correct

D = Decimal
pytestmark = pytest.mark.django_db
ACTION = "contributions.difference.refund_settle"


def _contribution(staff):
    staff.skill_groups.add(SkillGroup.objects.get(code="contribution"))
    return staff


@pytest.fixture
def refund(window, at, citizen, clerk, reviewer) -> BaseDifference:
    """The refund of April's correction 6000 → 5000, completed by the clerk and the reviewer."""
    _correct(window, clerk, reviewer, citizen, "5000")
    at(2025, 2, 13, 10, 0)  # Thursday: the finance office paid it on the 12th
    return BaseDifference.objects.get(month__period=APRIL)


@pytest.fixture
def finance(office, skills):
    """Another clerk of 江岸区's office, on the contribution side (缴费)."""
    return _contribution(_staff("finance", Role.CLERK, office, 1, full_name="钱财务"))


def _still_open(refund):
    refund.refresh_from_db()
    return (refund.status, refund.bank_ref, refund.settled_at, refund.settled_by_id) == ("open", "", None, None)


def test_the_finance_clerk_records_the_refund_paid(refund, finance, citizen):
    assert (refund.kind, refund.employer_amount, refund.personal_amount) == ("refund", D("256.00"), D("103.00"))
    assert refunds_open(actor=finance) == [refund]
    # when the finance clerk records the bank's transfer of 12 Feb 2025
    settled = services.difference_refund_settle(
        actor=finance, difference_id=refund.pk, bank_ref=" ICBC-20250212-0001 ", paid_on="2025-02-12"
    )
    # then the refund is settled on the day paid, with the reference and who recorded it
    refund.refresh_from_db()
    assert (refund.status, refund.bank_ref, refund.settled_by_id) == ("settled", "ICBC-20250212-0001", finance.pk)
    assert timezone.localtime(refund.settled_at).date() == dt.date(2025, 2, 12)
    assert settled.pk == refund.pk and refunds_open(actor=finance) == []
    # one audit event in the same command, naming the amounts, the reference and the day
    event = AuditEvent.objects.get(action=ACTION)
    assert (event.actor_id, event.subject_id, event.subject_person) == (finance.pk, str(refund.pk), citizen.id_number)
    assert event.after["bank_ref"] == "ICBC-20250212-0001" and event.after["paid_on"] == "2025-02-12"
    assert (event.after["employer"], event.after["personal"], event.after["status"]) == ("256.00", "103.00", "settled")
    # the statement's note now says it was returned; the month stays paid at its corrected base
    (note,) = difference_notes_of_persons(person_ids=[refund.person_id], year=YEAR)[refund.person_id]
    assert note.endswith("已退付。")
    april = ContributionMonth.objects.get(pk=refund.month_id)
    assert (april.status, april.base) == ("paid", D("5000.00"))
    # and it is not recorded twice: a 409 naming the day, nothing written
    with pytest.raises(Conflict, match="2025-02-12"):
        services.difference_refund_settle(actor=finance, difference_id=refund.pk, bank_ref="X-2", paid_on="2025-02-13")
    refund.refresh_from_db()
    assert refund.bank_ref == "ICBC-20250212-0001" and AuditEvent.objects.filter(action=ACTION).count() == 1


@pytest.mark.parametrize("who", ["clerk", "reviewer"])
def test_who_handled_the_correction_does_not_record_its_refund(refund, request, who):
    # the clerk accepted and the reviewer completed the correction: both on the contribution side
    actor = request.getfixturevalue(who)
    with pytest.raises(NotAllowed, match=refund.case_number):
        services.difference_refund_settle(actor=actor, difference_id=refund.pk, bank_ref="B-1", paid_on="2025-02-12")
    assert _still_open(refund) and not AuditEvent.objects.filter(action=ACTION).exists()


def test_nobody_records_a_refund_to_themselves(refund, office, skills):
    me = _contribution(_staff("self", Role.CLERK, office, 1))
    me.id_number = refund.person.id_number
    me.save(update_fields=["id_number"])
    with pytest.raises(NotAllowed):
        services.difference_refund_settle(actor=me, difference_id=refund.pk, bank_ref="B-1", paid_on="2025-02-12")
    assert _still_open(refund)


def _actor(request, who, skills):
    """The actors outside the refund's settlers, by name."""
    if who == "other_district_finance":
        return _contribution(request.getfixturevalue("other_district_clerk"))
    if who == "community_clerk":
        district = request.getfixturevalue("district")
        centre = Office.objects.create(code="CC-T", name="社区", kind=Office.Kind.COMMUNITY_CENTRE, area=district)
        return _contribution(_staff("cc", Role.CLERK, centre, 1))
    if who == "no_contribution_skill":
        return _staff("benefit_only", Role.REVIEWER, request.getfixturevalue("office"), 2)
    if who == "supervisor":
        return _contribution(_staff("sup", Role.SUPERVISOR, request.getfixturevalue("office"), 2))
    actor = request.getfixturevalue(who)
    return _contribution(actor) if actor.kind == "staff" else actor


@pytest.mark.parametrize(
    ("who", "error"),
    [
        ("other_district_finance", NotFound),  # another district's units are out of sight
        ("community_clerk", NotAllowed),
        ("no_contribution_skill", NotAllowed),
        ("supervisor", NotAllowed),
        ("bank_agent", NotAllowed),
        ("monitor", NotAllowed),
        ("citizen", NotAllowed),
        ("unit_operator", NotAllowed),
    ],
)
def test_those_who_may_not_record_it_change_nothing(refund, request, skills, who, error):
    actor = _actor(request, who, skills)
    with pytest.raises(error) as refused:
        services.difference_refund_settle(actor=actor, difference_id=refund.pk, bank_ref="B-1", paid_on="2025-02-12")
    assert refused.value.message_zh and refused.value.message_en  # bilingual
    assert _still_open(refund) and not AuditEvent.objects.filter(action=ACTION).exists()
    assert refunds_open(actor=actor) == []


@pytest.mark.parametrize("who", ["city_finance", "admin"])
def test_the_city_centres_contribution_staff_and_the_administrator_may(refund, request, skills, who):
    city_office = request.getfixturevalue("city_office")
    if who == "admin":
        actor = _staff("admin", Role.ADMIN, city_office, 3)
    else:
        actor = _contribution(_staff("city_finance", Role.REVIEWER, city_office, 2))
    services.difference_refund_settle(actor=actor, difference_id=refund.pk, bank_ref="B-9", paid_on="2025-02-13")
    refund.refresh_from_db()
    assert (refund.status, refund.settled_by_id) == ("settled", actor.pk)


@pytest.mark.parametrize(
    ("bank_ref", "paid_on", "field"),
    [
        ("", "2025-02-12", "bank_ref"),
        ("X" * 65, "2025-02-12", "bank_ref"),
        ("B-1", "2025-02-14", "paid_on"),  # tomorrow
        ("B-1", "2025-02-10", "paid_on"),  # before the refund was recorded (11 Feb)
        ("B-1", "12/02/2025", "paid_on"),
        ("B-1", "", "paid_on"),
    ],
)
def test_a_bad_reference_or_day_is_a_422_and_nothing_changes(refund, finance, bank_ref, paid_on, field):
    with pytest.raises(InvalidInput) as refused:
        services.difference_refund_settle(actor=finance, difference_id=refund.pk, bank_ref=bank_ref, paid_on=paid_on)
    assert refused.value.field == field and refused.value.status == 422
    assert _still_open(refund)


def test_a_difference_due_is_settled_by_its_bill_not_here(refund, finance, unit_a):
    # given another month of the person (March, at 甲) corrected upward: a difference bill to 江岸甲公司
    march = ContributionMonth.objects.get(person=refund.person, period=dt.date(YEAR, 3, 1))
    assert march.unit_id == unit_a.pk
    due = difference_make(
        march, kind="due", employer="16.00", personal="8.00", base_after="6100.00", due_date=dt.date(2025, 3, 15)
    )
    with pytest.raises(Conflict, match="补差") as refused:
        services.difference_refund_settle(actor=finance, difference_id=due.pk, bank_ref="B-1", paid_on="2025-02-12")
    assert refused.value.status == 409
    due.refresh_from_db()
    assert (due.status, due.bank_ref) == ("open", "")
    assert refunds_open(actor=finance) == [refund]  # a difference due is not on the refunds' list


def test_the_page_lists_the_refunds_and_records_one(client, refund, finance, django_assert_max_num_queries):
    sign_in(client, finance)
    # the menu offers it, and the list shows the refund with the person's ID masked
    with django_assert_max_num_queries(12):
        page = client.get("/window/refunds/")
    html = page.content.decode()
    assert page.status_code == 200 and "退差退付登记" in html
    menu = html[html.index("<nav") : html.index("</nav>")]
    assert 'href="/window/differences/"' in menu  # the menu offers the difference bills' page beside it
    assert refund.case_number in html and "256.00" in html and "103.00" in html
    assert refund.person.id_number not in html and refund.person.id_number[-4:] in html
    # a bad day is shown on the page (422), nothing written
    bad = client.post(f"/window/refunds/{refund.pk}/settle/", {"bank_ref": "B-1", "paid_on": "2030-01-01"})
    assert bad.status_code == 422 and "退付日期" in bad.content.decode() and _still_open(refund)
    # when the finance clerk records it: back to the list, the refund gone from it
    done = client.post(f"/window/refunds/{refund.pk}/settle/", {"bank_ref": "B-77", "paid_on": "2025-02-12"})
    assert done.status_code == 302 and done["Location"] == "/window/refunds/"
    refund.refresh_from_db()
    assert (refund.status, refund.bank_ref) == ("settled", "B-77")
    after = client.get("/window/refunds/").content.decode()
    assert f'id="refund-{refund.pk}"' not in after and "没有待退付的退差" in after
    assert "已登记退付" in after and "B-77" in after  # the message says what was recorded


@pytest.mark.parametrize(("who", "status"), [("bank_agent", 403), ("citizen", 403), ("other_district_clerk", 404)])
def test_the_page_refuses_others_and_changes_nothing(client, request, refund, skills, who, status):
    actor = request.getfixturevalue(who)
    if actor.kind == "staff" and who != "bank_agent":
        _contribution(actor)
    sign_in(client, actor)
    response = client.post(f"/window/refunds/{refund.pk}/settle/", {"bank_ref": "B-1", "paid_on": "2025-02-12"})
    assert response.status_code == status and _still_open(refund)
    listing = client.get("/window/refunds/")
    if status == 403:
        assert listing.status_code == 403 and "退差退付登记 / Refunds" not in listing.content.decode()
        assert "/window/differences/" not in listing.content.decode()
    else:
        assert listing.status_code == 200 and refund.case_number not in listing.content.decode()
