"""Counting failed attempts in the shared cache (Redis in production), for the checks that a
password throttle (django-axes) does not cover — e.g. guessing the ID-number suffix of an
anonymous case look-up. Fixed windows: a key's count expires ``window`` seconds after its first
failure. Without a shared cache (the demo) each process counts on its own."""

from __future__ import annotations

from django.core.cache import cache
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


def client_address(request: HttpRequest) -> str:
    """The client's address as the sign-in throttle sees it (django-axes' configuration)."""
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or ""
