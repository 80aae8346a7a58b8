"""网上缴费 (issue 13): a flexible worker pays an open or overdue month online through the
payment gateway adapter — the amount and late fee shown before anything is taken, the payment
recorded once however often it is confirmed or notified, a receipt; an agent under a HANDLE
authorisation may pay for the grantor, a view-only or expired one may not."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from shebao.contributions import online_pay
from shebao.contributions.models import Bill, ContributionMonth, LateFeeRule, Payment
from shebao.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from shebao.core.models import AuditEvent
from shebao.core.payments import FakeGateway, PaymentDeclined
from shebao.registry import services as registry_services
from tests.web.support import make_person, sign_in

pytestmark = pytest.mark.django_db

D = Decimal
NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))  # Monday 2 March, Wuhan


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def worker(citizen, district):
    return make_person(district=district, name="张三", account=citizen, category="flexible")


def _bill(person, *, period: dt.date, due: dt.date, personal: str) -> Bill:
    bill = Bill.objects.create(
        person=person, period=period, employer_total=D("0.00"), personal_total=D(personal), due_date=due
    )
    ContributionMonth.objects.create(
        person=person, period=period, base=D("4497.60"), pension_personal=D(personal), bill=bill
    )
    return bill


@pytest.fixture
def overdue(worker):
    """January's 899.60, due 15 February: 15 days overdue on 2 March."""
    return _bill(worker, period=dt.date(2026, 1, 1), due=dt.date(2026, 2, 15), personal="899.60")


@pytest.fixture
def current(worker):
    """February's, due 15 March: not yet overdue."""
    return _bill(worker, period=dt.date(2026, 2, 1), due=dt.date(2026, 3, 15), personal="899.60")


def test_the_late_fee_is_principal_times_the_daily_rate_times_the_days_overdue(citizen, overdue):
    # given the rule row of the day: 万分之五 a day (社会保险法 Art. 86)
    rule = LateFeeRule.objects.filter(effective_from__lte=dt.date(2026, 3, 2)).order_by("-effective_from").first()
    assert rule is not None and rule.daily_rate == D("0.0005")
    # when the quote is asked on 2 March
    quote = online_pay.payment_quote(actor=citizen, bill_id=overdue.pk)
    # then by hand: 16 Feb … 2 Mar = 15 days; 899.60 × 0.0005 × 15 = 6.747 → 6.75
    assert quote.late_fee.days == 15
    assert quote.late_fee.amount == D("6.75")
    assert quote.total == D("906.35")


def test_a_month_not_yet_due_has_no_late_fee(citizen, current):
    quote = online_pay.payment_quote(actor=citizen, bill_id=current.pk)
    assert (quote.late_fee.amount, quote.total) == (D("0.00"), D("899.60"))


def test_start_takes_nothing_confirm_records_one_payment_with_the_late_fee(citizen, overdue):
    quote, intent = online_pay.online_payment_start(actor=citizen, bill_id=overdue.pk, channel="online")
    assert intent.amount == quote.total == D("906.35")
    assert not Payment.objects.exists()
    payment = online_pay.online_payment_confirm(actor=citizen, intent_id=intent.id, channel="online")
    bill = Bill.objects.get(pk=overdue.pk)
    assert (bill.status, bill.late_fee, payment.amount) == (Bill.Status.PAID, D("6.75"), D("906.35"))
    assert payment.key == intent.reference
    assert payment.bank_ref == FakeGateway.transaction_ref(intent.reference)
    assert ContributionMonth.objects.get(bill=bill).status == ContributionMonth.Status.PAID


def test_paying_twice_is_one_payment(citizen, overdue):
    _, intent = online_pay.online_payment_start(actor=citizen, bill_id=overdue.pk, channel="online")
    first = online_pay.online_payment_confirm(actor=citizen, intent_id=intent.id, channel="online")
    again = online_pay.online_payment_confirm(actor=citizen, intent_id=intent.id, channel="online")
    # and the gateway's notification after the confirm
    payload, signature = FakeGateway().callback_payload(intent_id=intent.id)
    notified = online_pay.online_payment_callback(payload=payload, signature=signature)
    assert first.pk == again.pk == notified.pk  # type: ignore[union-attr]
    assert Payment.objects.count() == 1
    assert AuditEvent.objects.filter(action="contributions.payment.record").count() == 1


def test_a_second_intent_for_a_paid_month_is_refused_and_records_nothing(citizen, overdue):
    _, one = online_pay.online_payment_start(actor=citizen, bill_id=overdue.pk, channel="online")
    _, two = online_pay.online_payment_start(actor=citizen, bill_id=overdue.pk, channel="online")  # another tab
    online_pay.online_payment_confirm(actor=citizen, intent_id=one.id, channel="online")
    with pytest.raises(Conflict):
        online_pay.online_payment_confirm(actor=citizen, intent_id=two.id, channel="online")
    assert Payment.objects.count() == 1


def test_the_callback_alone_records_the_payment(citizen, overdue):
    _, intent = online_pay.online_payment_start(actor=citizen, bill_id=overdue.pk, channel="online")
    payload, signature = FakeGateway().callback_payload(intent_id=intent.id)
    payment = online_pay.online_payment_callback(payload=payload, signature=signature)
    assert payment is not None and payment.actor_id == citizen.pk and payment.amount == D("906.35")
    with pytest.raises(InvalidInput):
        online_pay.online_payment_callback(payload=payload, signature="0" * 64)
    assert Payment.objects.count() == 1


def test_an_intent_of_yesterday_is_refused_when_the_late_fee_grew(citizen, overdue):
    _, intent = online_pay.online_payment_start(actor=citizen, bill_id=overdue.pk, channel="online")
    with time_machine.travel(NOW + dt.timedelta(days=1), tick=False), pytest.raises(InvalidInput) as refused:
        online_pay.online_payment_confirm(actor=citizen, intent_id=intent.id, channel="online")
    # by hand, on 3 March: 16 days; 899.60 × 0.0005 × 16 = 7.1968 → 7.20; 899.60 + 7.20 = 906.80
    assert "906.80" in refused.value.message_zh
    assert not Payment.objects.exists()


def test_a_declined_payment_records_nothing(citizen, overdue, monkeypatch):
    _, intent = online_pay.online_payment_start(actor=citizen, bill_id=overdue.pk, channel="online")
    monkeypatch.setattr(FakeGateway, "intent_confirm", _decline)
    with pytest.raises(PaymentDeclined):
        online_pay.online_payment_confirm(actor=citizen, intent_id=intent.id, channel="online")
    assert Bill.objects.get(pk=overdue.pk).status == Bill.Status.OPEN and not Payment.objects.exists()


def _decline(self, *, intent_id):
    raise PaymentDeclined("支付被拒绝", "Declined")


def test_another_persons_month_and_intent_are_not_found(citizen, other_citizen, overdue):
    with pytest.raises(NotFound):
        online_pay.online_payment_start(actor=other_citizen, bill_id=overdue.pk, channel="online")
    _, intent = online_pay.online_payment_start(actor=citizen, bill_id=overdue.pk, channel="online")
    with pytest.raises(NotFound):
        online_pay.online_payment_confirm(actor=other_citizen, intent_id=intent.id, channel="online")
    with pytest.raises(InvalidInput):
        online_pay.online_payment_confirm(actor=citizen, intent_id="forged", channel="online")
    assert not Payment.objects.exists()


def test_staff_do_not_pay_online(clerk, overdue):
    with pytest.raises(NotAllowed):
        online_pay.online_payment_start(actor=clerk, bill_id=overdue.pk, channel="online")


# --- an agent pays for the grantor --------------------------------------------------------------


@pytest.fixture
def agent(other_citizen, district):
    """李四, a son with an account of his own."""
    return make_person(district=district, name="李四", account=other_citizen)


def _authorise(citizen, agent, scope, valid_to=dt.date(2026, 12, 31)):
    return registry_services.authorisation_grant(
        actor=citizen,
        agent_id_number=agent.id_number,
        agent_name=agent.name,
        scope=scope,
        valid_from=dt.date(2026, 3, 1),
        valid_to=valid_to,
        channel="online",
    )


def _acting(account, person):
    account.acting_for = person.pk
    account.acting_for_label = person.name
    return account


def test_an_agent_with_a_handle_authorisation_pays_for_the_grantor(citizen, other_citizen, worker, agent, overdue):
    _authorise(citizen, agent, "handle")
    son = _acting(other_citizen, worker)
    _, intent = online_pay.online_payment_start(actor=son, bill_id=overdue.pk, channel="online")
    payment = online_pay.online_payment_confirm(actor=son, intent_id=intent.id, channel="online")
    assert payment.actor_id == other_citizen.pk
    event = AuditEvent.objects.get(action="contributions.payment.record")
    assert event.actor_label.endswith("代办 for 张三") and event.subject_person == worker.id_number


def test_a_view_only_or_expired_authorisation_does_not_pay(citizen, other_citizen, worker, agent, overdue):
    _authorise(citizen, agent, "view")
    son = _acting(other_citizen, worker)
    assert online_pay.payment_quote(actor=son, bill_id=overdue.pk).total == D("906.35")  # may look
    with pytest.raises(NotAllowed):
        online_pay.online_payment_start(actor=son, bill_id=overdue.pk, channel="online")
    _authorise(citizen, agent, "handle", valid_to=dt.date(2026, 3, 2))
    _, intent = online_pay.online_payment_start(actor=son, bill_id=overdue.pk, channel="online")
    with time_machine.travel(NOW + dt.timedelta(days=1), tick=False), pytest.raises(NotAllowed):
        online_pay.online_payment_confirm(actor=son, intent_id=intent.id, channel="online")
    assert not Payment.objects.exists()


# --- the pages -----------------------------------------------------------------------------------


def test_the_page_shows_the_amount_and_late_fee_then_pays_once_and_gives_a_receipt(client, citizen, overdue):
    sign_in(client, citizen)
    listing = client.get(reverse("web:my_bills")).content.decode()
    assert "2026-01" in listing and "906.35" in listing
    confirm = client.post(reverse("web:my_bill_pay", args=[overdue.pk]))
    body = confirm.content.decode()
    assert confirm.status_code == 200 and "6.75" in body and "15" in body and not Payment.objects.exists()
    intent_id = confirm.context["intent_id"]
    for _ in range(2):  # a double click
        done = client.post(reverse("web:my_bill_pay", args=[overdue.pk]), {"intent_id": intent_id, "confirmed": "1"})
        assert done.status_code == 302
    assert Payment.objects.count() == 1
    receipt = client.get(reverse("web:my_bill_receipt", args=[overdue.pk]))
    assert receipt.status_code == 200 and receipt["Content-Type"] == "application/pdf"
    assert receipt.content.startswith(b"%PDF")


def test_another_persons_receipt_and_payment_page_are_not_found(client, other_citizen, overdue):
    sign_in(client, other_citizen)
    assert client.post(reverse("web:my_bill_pay", args=[overdue.pk])).status_code == 404
    assert client.get(reverse("web:my_bill_receipt", args=[overdue.pk])).status_code == 404


# --- the API -------------------------------------------------------------------------------------


def test_the_api_quotes_starts_and_confirms_once(client, citizen, overdue, current):
    sign_in(client, citizen)
    listed = client.get("/api/v1/my/bills").json()
    assert [(b["bill_id"], b["late_fee"], b["total"]) for b in listed] == [
        (overdue.pk, "6.75", "906.35"),
        (current.pk, "0.00", "899.60"),
    ]
    started = client.post(f"/api/v1/my/bills/{overdue.pk}/payment-intent")
    assert started.status_code == 200 and started.json()["late_days"] == 15
    assert not Payment.objects.exists()
    body = {"intent_id": started.json()["intent_id"]}
    first = client.post("/api/v1/my/payments", body, content_type="application/json")
    again = client.post("/api/v1/my/payments", body, content_type="application/json")
    assert first.status_code == again.status_code == 200
    assert first.json()["payment_id"] == again.json()["payment_id"]
    assert first.json()["amount"] == "906.35" and Payment.objects.get().channel == "app"


def test_the_api_refuses_anothers_month_and_a_forged_notification(client, other_citizen, overdue):
    sign_in(client, other_citizen)
    assert client.post(f"/api/v1/my/bills/{overdue.pk}/payment-intent").status_code == 404
    forged = client.post(
        "/api/v1/payments/callback", {"payload": "{}", "signature": "x"}, content_type="application/json"
    )
    assert forged.status_code == 422 and "签名" in forged.json()["message"]
    assert not Payment.objects.exists()


def test_the_online_halls_pay_door_leads_here(client, citizen, worker):
    sign_in(client, citizen)
    home = client.get(reverse("web:home")).content.decode()
    assert f'href="{reverse("web:my_pay")}"' in home
    assert client.get(reverse("web:my_pay")).status_code == 200
