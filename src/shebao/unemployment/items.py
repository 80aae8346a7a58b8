"""Service items this app owns (filled in by the catalogue work)."""

from __future__ import annotations


def register_items() -> None:
    """Register this app's service items with the catalogue."""
