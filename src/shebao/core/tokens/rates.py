"""Rate limits of the bearer channels (:func:`app_rate_check`): every app request counts
against its address, and a request with a valid token against its sign-in too (an app sign-in,
a unit API token), in fixed one-minute windows in the shared cache (Redis in production; each
process alone without one). Over the limit: 429 with ``Retry-After`` (the seconds left in the
window). The limits are the settings ``SHEBAO_APP_RATE_PER_TOKEN`` and
``SHEBAO_APP_RATE_PER_ADDRESS`` (requests per minute).
"""

from __future__ import annotations

import math
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from shebao.core.errors import TooManyAttempts
from shebao.core.models import AppSession
from shebao.core.throttle import client_address

RATE_WINDOW = 60  # seconds
RATE_PER_TOKEN = 120  # a person's phone: a screen is a few requests; two a second sustained is a script
RATE_PER_ADDRESS = 600  # one address may be a carrier's NAT in front of many phones


class RateLimited(TooManyAttempts):
    """Too many app requests in the current window; ``headers`` carries ``Retry-After``."""

    code = "rate_limited"

    def __init__(self, *, retry_after: int) -> None:
        super().__init__(
            f"请求过于频繁，请 {retry_after} 秒后再试",
            f"Too many requests: try again in {retry_after} seconds",
            retry_after=retry_after,
        )
        self.headers = {"Retry-After": str(retry_after)}


def _rate_count(key: str, *, limit: int, now: float) -> None:
    window = int(now // RATE_WINDOW)
    full = f"shebao:rate:{key}:{window}"
    # add-then-incr is atomic in Redis and in the local memory cache: no lost counts under load
    if not cache.add(full, 1, timeout=RATE_WINDOW + 1):
        try:
            count = cache.incr(full)
        except ValueError:  # expired between add and incr: the window just turned
            cache.add(full, 1, timeout=RATE_WINDOW + 1)
            count = 1
        if count > limit:
            raise RateLimited(retry_after=max(1, math.ceil((window + 1) * RATE_WINDOW - now)))


def app_rate_check(request: HttpRequest, *, session: AppSession | None = None) -> None:
    """Count this request against its address and, with a valid token, its sign-in (the
    device's token family: a refreshed token does not start a new count); 429 over either."""
    rate_check(request, holder=f"session:{session.pk}" if session is not None else None)


def rate_check(request: HttpRequest, *, holder: str | None) -> None:
    """The address's count, then the token holder's (an app sign-in, a unit API token)."""
    now = time.time()
    per_address = int(getattr(settings, "SHEBAO_APP_RATE_PER_ADDRESS", RATE_PER_ADDRESS))
    _rate_count(f"addr:{client_address(request)}", limit=per_address, now=now)
    if holder is not None:
        per_token = int(getattr(settings, "SHEBAO_APP_RATE_PER_TOKEN", RATE_PER_TOKEN))
        _rate_count(holder, limit=per_token, now=now)
