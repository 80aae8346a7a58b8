"""Throttling failed attempts.

Sign-in (django-axes, ``AXES_HANDLER`` = :class:`LoginThrottle`): failures are counted three
ways within ``AXES_COOLOFF_TIME`` — for one username from one address (``AXES_FAILURE_LIMIT``),
for one username from any address (guesses spread over many addresses at one account), and
from one address over any usernames (one password tried on many accounts) — each against its
own limit (``AXES_GROUP_FAILURE_LIMITS``). Whichever is reached, the same lockout page answers,
for existing and unknown usernames alike, so a lockout tells an attacker nothing about an
account. A successful sign-in clears that username's counts, never the address's.

Other checks (e.g. guessing the ID-number suffix of an anonymous case look-up) count failures
in the shared cache (Redis in production): fixed windows, a key's count expires ``window``
seconds after its first failure. Without a shared cache (the demo) each process counts alone.

Addresses: behind ``SHEBAO_PROXY_COUNT`` trusted reverse proxies the client's address is the
one the outermost proxy saw (read from the right of ``X-Forwarded-For``); without proxies it is
``REMOTE_ADDR`` and ``X-Forwarded-For`` is ignored (a client could write anything there).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit, get_lockout_parameters
from axes.models import AccessAttempt
from django.conf import settings
from django.core.cache import cache
from django.db.models import Sum
from django.http import HttpRequest

PREFIX = "shebao:fail:"


def failures(key: str) -> int:
    return int(cache.get(PREFIX + key, 0))


def failure_record(key: str, *, window: int) -> int:
    """One more failure under ``key``; returns the count in the current window."""
    full = PREFIX + key
    if cache.add(full, 1, timeout=window):
        return 1
    try:
        return cache.incr(full)
    except ValueError:  # expired between add and incr
        cache.add(full, 1, timeout=window)
        return 1


def _valid_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def client_ip(request: HttpRequest) -> str:
    """The client's address (``AXES_CLIENT_IP_CALLABLE``), trusting ``SHEBAO_PROXY_COUNT`` proxies."""
    remote = str(request.META.get("REMOTE_ADDR", "") or "")
    hops = int(getattr(settings, "AXES_TRUSTED_PROXY_COUNT", 0) or 0)
    if hops <= 0:
        return remote
    forwarded = [part.strip() for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < hops or not _valid_ip(forwarded[-hops]):
        return remote  # not through the proxies as configured: count the connection's own address
    return forwarded[-hops]


def client_address(request: HttpRequest) -> str:
    """The client's address as the sign-in throttle sees it (django-axes' configuration)."""
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or ""


def _group_name(parameter: str | Sequence[str]) -> str:
    return parameter if isinstance(parameter, str) else ",".join(parameter)


class LoginThrottle(AxesDatabaseHandler):  # type: ignore[misc]  # django-axes ships no type hints
    """django-axes' database handler with a limit per counting group.

    axes compares one number with one limit (``AXES_FAILURE_LIMIT``). This handler gives it the
    worst group's failures in units of that limit: a group with ``n`` failures and limit ``L``
    counts ``n × AXES_FAILURE_LIMIT // L``, which reaches ``AXES_FAILURE_LIMIT`` exactly when
    ``n`` reaches ``L``.
    """

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        unit = get_failure_limit(request, credentials)
        limits: dict[str, int] = getattr(settings, "AXES_GROUP_FAILURE_LIMITS", {})
        groups = get_lockout_parameters(request, credentials)
        worst = 0
        for parameter, attempts in zip(groups, self.get_user_attempts(request, credentials), strict=True):
            count = int(attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0)
            limit = max(1, int(limits.get(_group_name(parameter), unit)))
            worst = max(worst, count * unit // limit)
        return worst

    def reset_user_attempts(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        """After a successful sign-in: that username's failures (from every address) are
        forgiven; other usernames' failures from the same address still count, so signing in
        to one's own account does not wipe the count of guesses at others."""
        username = get_client_username(request, credentials)
        if not username:
            return 0
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return int(count)
