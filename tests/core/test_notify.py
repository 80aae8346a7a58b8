"""The notifications outbox: sent once, retried on failure, never duplicated."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from shebao.core import notify
from shebao.core.models import Notification

pytestmark = pytest.mark.django_db


class RecordingGateway:
    """A fake SMS gateway with the contract of a real one: a repeated message id is the same
    message; it can be told to fail the next N calls."""

    calls: list[str] = []
    fail_next = 0
    permanent = False

    def send(self, *, message_id, recipient, subject, body):
        type(self).calls.append(message_id)
        if type(self).fail_next:
            type(self).fail_next -= 1
            if type(self).permanent:
                raise notify.PermanentFailure("号码无效 invalid number")
            raise TimeoutError("gateway timeout")
        return f"gw-{message_id}"


@pytest.fixture
def gateway(settings):
    settings.NOTIFY_ADAPTERS = {**settings.NOTIFY_ADAPTERS, "sms": "tests.core.test_notify.RecordingGateway"}
    RecordingGateway.calls = []
    RecordingGateway.fail_next = 0
    RecordingGateway.permanent = False
    return RecordingGateway


def _enqueue(citizen, key="case-1:accepted"):
    return notify.notification_enqueue(
        key=key, channel="sms", recipient=citizen.phone or "13800001111", body="您的办件已受理", account=citizen
    )


def test_a_message_is_sent_once_and_marked(gateway, citizen):
    _enqueue(citizen)
    assert notify.notifications_deliver().sent == 1
    assert notify.notifications_deliver().sent == 0  # nothing left to send
    row = Notification.objects.get()
    assert row.status == "sent"
    assert row.provider_ref == "gw-case-1:accepted"
    assert gateway.calls == ["case-1:accepted"]


def test_enqueueing_the_same_key_twice_keeps_one_message(gateway, citizen):
    _enqueue(citizen)
    _enqueue(citizen)
    assert Notification.objects.count() == 1


def test_a_message_exists_only_if_its_command_committed(gateway, citizen):
    with pytest.raises(RuntimeError), transaction.atomic():
        _enqueue(citizen)
        raise RuntimeError("command failed")
    assert not Notification.objects.exists()


def test_a_temporary_failure_is_retried_later_with_backoff(gateway, citizen):
    gateway.fail_next = 1
    _enqueue(citizen)
    report = notify.notifications_deliver()
    assert (report.sent, report.retried) == (0, 1)
    row = Notification.objects.get()
    assert row.status == "pending"
    assert row.attempts == 1
    assert "timeout" in row.last_error
    assert notify.notifications_deliver().sent == 0  # not due yet
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=2)):
        assert notify.notifications_deliver().sent == 1
    assert Notification.objects.get().status == "sent"
    assert gateway.calls == ["case-1:accepted", "case-1:accepted"]  # same id: the gateway dedupes


def test_a_permanent_failure_stops_retrying(gateway, citizen):
    gateway.fail_next, gateway.permanent = 1, True
    _enqueue(citizen)
    assert notify.notifications_deliver().failed == 1
    with time_machine.travel(timezone.now() + dt.timedelta(hours=2)):
        assert notify.notifications_deliver().sent == 0
    assert Notification.objects.get().status == "failed"


def test_retries_stop_at_the_limit(gateway, citizen, settings):
    settings.NOTIFY_MAX_ATTEMPTS = 3
    gateway.fail_next = 10
    _enqueue(citizen)
    now = timezone.now()
    for hour in range(4):
        with time_machine.travel(now + dt.timedelta(hours=hour)):
            notify.notifications_deliver()
    row = Notification.objects.get()
    assert row.status == "failed"
    assert row.attempts == 3


def test_a_row_claimed_by_another_sender_is_not_sent_again(gateway, citizen):
    row = _enqueue(citizen)
    Notification.objects.filter(pk=row.pk).update(status="sending")  # another worker holds it
    assert notify.notifications_deliver().sent == 0
    assert gateway.calls == []


def test_a_sender_that_died_mid_send_is_recovered(gateway, citizen):
    row = _enqueue(citizen)
    Notification.objects.filter(pk=row.pk).update(status="sending", next_attempt_at=timezone.now())
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=15)):
        assert notify.notifications_deliver().sent == 1
