"""我的消息: the notifications outbox rows addressed to the signed-in account (case progress,
materials to supply, completion), newest first, each marked read once. Only one's own rows:
another account's message is not found, exactly like a missing one (``core.notify``)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from shebao.core.errors import NotFound
from shebao.core.http import AccountRequest
from shebao.core.notify import notification_mark_read, notifications_of
from shebao.registry.views import error_page
from shebao.web.access import signed_in

PAGE_SIZE = 20


@require_GET
@signed_in
def my_messages(request: AccountRequest) -> HttpResponse:
    """Every message of mine, unread ones marked, with a "mark read" button each and for all."""
    rows = notifications_of(account=request.user)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "web/online/messages.html",
        {"page": page, "unread": notifications_of(account=request.user, unread=True).count()},
    )


@require_POST
@signed_in
def message_read(request: AccountRequest, pk: int) -> HttpResponse:
    """Mark one message of mine read (another's: 404, nothing changed)."""
    try:
        notification_mark_read(account=request.user, notification_id=pk)
    except NotFound as error:
        return error_page(request, error)
    return redirect("web:my_messages")


@require_POST
@signed_in
def messages_read_all(request: AccountRequest) -> HttpResponse:
    """Mark every unread message of mine read (one by one through the same service)."""
    for pk in notifications_of(account=request.user, unread=True).values_list("pk", flat=True):
        notification_mark_read(account=request.user, notification_id=pk)
    return redirect("web:my_messages")
