"""Shared by the parts of the account package."""

from decimal import Decimal

ZERO = Decimal("0.00")
