"""/window/differences/: the contribution side of the unit's district office lists the
corrections' differences due (补差) — bills open, to cancel with a reason, and differences whose
bill was cancelled, to bill again — and does either there; who may is the service's check
(``differences.difference_bill_cancel`` / ``difference_rebill``), the page shows its refusals.

April 2024 of the statements' hand-built history corrected 6000 → 7000 on Tue 11 Feb 2025: the
difference 359.00 (employer 256.00, personal 103.00) billed, due 15 Mar 2025
(tests/contributions/test_differences_cancel.py).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from shebao.contributions.models import BaseDifference, Bill
from shebao.core.models import AuditEvent
from tests.contributions import test_differences_cancel as cancelling
from tests.contributions import test_refund_settle as refunds
from tests.statements import conftest as statements_fixtures
from tests.statements import test_correction_difference as corrections
from tests.web.support import sign_in

history, today, unit_a, unit_b = (getattr(statements_fixtures, n) for n in ("history", "today", "unit_a", "unit_b"))
_register_test_items, at, catalogue = corrections._register_test_items, corrections.at, corrections.catalogue
skills, window, working_hours = corrections.skills, corrections.window, corrections.working_hours
finance, _contribution = refunds.finance, refunds._contribution
billed, cashier = cancelling.billed, cancelling.cashier

D = Decimal
pytestmark = pytest.mark.django_db
PAGE = "/window/differences/"
REASON = "缴费截止日开具有误"


def _cancel_url(bill_id: int) -> str:
    return f"{PAGE}bills/{bill_id}/cancel/"


def _rebill_url(difference_id: int) -> str:
    return f"{PAGE}{difference_id}/rebill/"


def _unchanged(billed: BaseDifference) -> bool:
    billed.refresh_from_db()
    billed.bill.refresh_from_db()
    return (
        (billed.status, billed.bill.status, billed.bill_cancelled_at) == ("open", "open", None)
        and Bill.objects.filter(kind="difference").count() == 1
        and not AuditEvent.objects.filter(action__startswith="contributions.difference.").exists()
    )


def test_the_page_lists_cancels_and_bills_again(client, billed, finance, cashier, at, django_assert_max_num_queries):
    old_bill = billed.bill
    at(2025, 6, 2, 10, 0)  # 79 days past due: 14.18 of late fee
    sign_in(client, finance)
    # the refunds page links here
    assert PAGE in client.get("/window/refunds/").content.decode()
    # the open bill is listed with its late fee to date, the person's ID masked
    with django_assert_max_num_queries(14):
        page = client.get(PAGE)
    html = page.content.decode()
    assert page.status_code == 200 and "更正补差缴费单" in html and "Correction difference bills" in html
    assert f'id="bill-{old_bill.pk}"' in html and old_bill.number in html
    assert "359.00" in html and "14.18" in html and "逾期 79 天" in html
    assert billed.person.id_number not in html and billed.person.id_number[-4:] in html
    assert "没有待重新开具的补差" in html
    # a cancel without a reason: 422 on the page, the bill still open, nothing written
    bad = client.post(_cancel_url(old_bill.pk), {"reason": " "})
    assert bad.status_code == 422 and "撤销补差缴费单的原因" in bad.content.decode() and _unchanged(billed)
    # an unknown bill: 404 on the page, nothing written
    assert client.post(_cancel_url(old_bill.pk + 999), {"reason": REASON}).status_code == 404 and _unchanged(billed)
    # when the finance clerk cancels it with a reason: back to the list, now to be billed again
    done = client.post(_cancel_url(old_bill.pk), {"reason": REASON})
    assert done.status_code == 302 and done["Location"] == PAGE
    billed.refresh_from_db()
    old_bill.refresh_from_db()
    assert (old_bill.status, old_bill.late_fee, billed.to_bill, billed.bill_cancel_reason) == (
        "cancelled",
        D("14.18"),
        True,
        REASON,
    )
    after = client.get(PAGE).content.decode()
    assert "已撤销补差缴费单" in after and "滞纳金 14.18 元一并计入" in after  # the message
    assert f'id="bill-{old_bill.pk}"' not in after and f'id="difference-{billed.pk}"' in after
    assert REASON in after and "钱财务" in after and "2025-06-02" in after
    # the one who cancelled may not bill it again: 403 on the page, nothing written
    refused = client.post(_rebill_url(billed.pk))
    assert refused.status_code == 403 and "须由其他人员重新开具" in refused.content.decode()
    assert Bill.objects.filter(kind="difference").count() == 1
    # another clerk of the office bills it again: the fee carried, due 15 Jul
    at(2025, 6, 3, 10, 0)
    sign_in(client, cashier)
    again = client.post(_rebill_url(billed.pk))
    assert again.status_code == 302 and again["Location"] == PAGE
    billed.refresh_from_db()
    new = billed.replaced_by
    assert (new.bill.late_fee, new.bill.due_date, new.bill.status) == (D("14.18"), dt.date(2025, 7, 15), "open")
    listing = client.get(PAGE).content.decode()
    assert "已重新开具补差缴费单" in listing and new.bill.number in listing
    assert f'id="bill-{new.bill_id}"' in listing and "没有待重新开具的补差" in listing
    # billing it twice: 409 on the page, nothing more written
    twice = client.post(_rebill_url(billed.pk))
    assert twice.status_code == 409 and Bill.objects.filter(kind="difference").count() == 2


def test_the_forms_need_the_csrf_token(billed, finance):
    client = Client(enforce_csrf_checks=True)
    sign_in(client, finance)
    assert client.post(_cancel_url(billed.bill_id), {"reason": REASON}).status_code == 403
    assert _unchanged(billed)
    assert client.get(_cancel_url(billed.bill_id)).status_code == 405  # POST only


@pytest.mark.parametrize(
    ("who", "status"),
    [("other_district_clerk", 404), ("citizen", 403), ("unit_operator", 403), ("bank_agent", 403)],
)
def test_the_page_refuses_others_and_changes_nothing(client, request, billed, finance, skills, who, status):
    actor = request.getfixturevalue(who)
    if who == "other_district_clerk":
        _contribution(actor)  # the contribution side of 武昌区's office
    sign_in(client, actor)
    response = client.post(_cancel_url(billed.bill_id), {"reason": REASON})
    assert response.status_code == status and _unchanged(billed)
    listing = client.get(PAGE)
    if status == 403:
        assert listing.status_code == 403 and "仅社保经办机构缴费业务人员" in listing.content.decode()
    else:  # another district's clerk: the page, without this district's differences
        html = listing.content.decode()
        assert listing.status_code == 200 and billed.case_number not in html and "没有待缴的补差缴费单" in html
    # nor may they bill again a difference whose bill was cancelled here
    from shebao.contributions import services

    services.difference_bill_cancel(actor=finance, bill_id=billed.bill_id, reason=REASON)
    assert client.post(_rebill_url(billed.pk)).status_code == status
    billed.refresh_from_db()
    assert billed.to_bill and Bill.objects.filter(kind="difference").count() == 1
