"""The notifications outbox.

A service calls :func:`notification_enqueue` inside its transaction: the message exists if
and only if the change committed. :func:`notifications_deliver` sends what is due through the
channel's adapter. A row is claimed by a compare-and-set (pending → sending) so two senders
never send it twice, and the adapter receives the row's idempotency key as the message id, so
a gateway that saw a send whose answer was lost drops the repeat. Failures are retried with
backoff up to ``NOTIFY_MAX_ATTEMPTS``.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string

from shebao.core.models import Account, Notification

log = logging.getLogger("shebao.notify")

# A row left in "sending" this long (a sender died mid-send) goes back to the queue.
STALE_SENDING = dt.timedelta(minutes=10)


class TemporaryFailure(Exception):
    """The gateway could not take the message now; try again later."""


class PermanentFailure(Exception):
    """The gateway refused the message for good (bad number, blocked recipient)."""


class Adapter(Protocol):
    def send(self, *, message_id: str, recipient: str, subject: str, body: str) -> str:
        """Deliver one message and return the provider's reference. Must treat a repeated
        ``message_id`` as the same message."""


class ConsoleAdapter:
    """The demo adapter: the message is printed to the log; the outbox row is the record."""

    def send(self, *, message_id: str, recipient: str, subject: str, body: str) -> str:
        log.info("[notify] %s → %s: %s %s", message_id, recipient, subject, body)
        return f"console:{message_id}"


def _adapter(channel: str) -> Adapter:
    adapter: Adapter = import_string(settings.NOTIFY_ADAPTERS[channel])()
    return adapter


def notification_enqueue(
    *, key: str, channel: str, recipient: str, body: str, subject: str = "", account: Account | None = None
) -> Notification:
    """Queue a message once: a second call with the same ``key`` returns the first row."""
    row, _ = Notification.objects.get_or_create(
        key=key,
        defaults={
            "channel": channel,
            "recipient": recipient,
            "body": body,
            "subject": subject,
            "account": account,
            "next_attempt_at": timezone.now(),
        },
    )
    return row


def notifications_of(*, account: Account, unread: bool = False) -> QuerySet[Notification]:
    """The messages addressed to ``account`` (their own only), newest first."""
    rows = Notification.objects.filter(account=account).order_by("-created_at", "-id")
    return rows.filter(read_at__isnull=True) if unread else rows


def notification_mark_read(*, account: Account, notification_id: int) -> Notification:
    """Mark one of ``account``'s own messages read (once: the first reading time is kept).
    Another person's message is not found, exactly like a missing one."""
    from shebao.core.errors import NotFound

    row = Notification.objects.filter(pk=notification_id, account=account).first()
    if row is None:
        raise NotFound()
    if row.read_at is None:
        row.read_at = timezone.now()
        Notification.objects.filter(pk=row.pk, read_at__isnull=True).update(read_at=row.read_at)
    return row


@dataclass(frozen=True)
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0


def _backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=min(3600, 30 * 2 ** max(0, attempts - 1)))


def notifications_deliver(*, limit: int = 500) -> DeliveryReport:
    """Send every due message (up to ``limit``). Safe to run from several workers at once."""
    now = timezone.now()
    Notification.objects.filter(status=Notification.Status.SENDING, next_attempt_at__lt=now - STALE_SENDING).update(
        status=Notification.Status.PENDING
    )
    due = list(
        Notification.objects.filter(status=Notification.Status.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:limit]
    )
    sent = retried = failed = 0
    for pk in due:
        claimed = Notification.objects.filter(Q(pk=pk) & Q(status=Notification.Status.PENDING)).update(
            status=Notification.Status.SENDING, next_attempt_at=timezone.now()
        )
        if not claimed:
            continue  # another sender took it
        row = Notification.objects.get(pk=pk)
        row.attempts += 1
        try:
            ref = _adapter(row.channel).send(
                message_id=row.key, recipient=row.recipient, subject=row.subject, body=row.body
            )
        except PermanentFailure as exc:
            row.status, row.last_error = Notification.Status.FAILED, str(exc)[:255]
            failed += 1
        except Exception as exc:
            row.last_error = str(exc)[:255] or type(exc).__name__
            if row.attempts >= settings.NOTIFY_MAX_ATTEMPTS:
                row.status = Notification.Status.FAILED
                failed += 1
            else:
                row.status = Notification.Status.PENDING
                row.next_attempt_at = timezone.now() + _backoff(row.attempts)
                retried += 1
        else:
            row.status, row.provider_ref, row.sent_at, row.last_error = (
                Notification.Status.SENT,
                ref[:128],
                timezone.now(),
                "",
            )
            sent += 1
        with transaction.atomic():
            row.save(update_fields=["status", "attempts", "last_error", "provider_ref", "sent_at", "next_attempt_at"])
    return DeliveryReport(sent=sent, retried=retried, failed=failed)
