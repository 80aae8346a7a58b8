"""Money: ``Decimal`` yuan, rounded once at the end of a calculation by one named rule.

DOMAIN.md: ROUND_HALF_UP to 0.01 (the fen) at the end, no intermediate rounding. The two
whole-yuan roundings are for contribution-base limits computed where none is published
(``contributions.rules.base_limits_compute``): a floor rounded up, a cap rounded down, so a
computed limit never leaves the legal 60 %-300 % band.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation

from shebao.core.errors import InvalidInput

FEN = Decimal("0.01")
YUAN = Decimal("1")
ZERO = Decimal("0.00")


def _decimal(amount: Decimal) -> Decimal:
    if not isinstance(amount, Decimal):
        raise TypeError("money must be Decimal, not %s" % type(amount).__name__)
    return amount


def round_fen(amount: Decimal) -> Decimal:
    """Round to the fen, half up (四舍五入到分): the platform's one rounding rule for money."""
    return _decimal(amount).quantize(FEN, rounding=ROUND_HALF_UP)


def round_yuan_up(amount: Decimal) -> Decimal:
    """Up to the whole yuan (进位到元): 3739.80 → 3740, 3740.00 stays. For a computed base floor."""
    return _decimal(amount).quantize(YUAN, rounding=ROUND_CEILING)


def round_yuan_down(amount: Decimal) -> Decimal:
    """Down to the whole yuan (舍去角分): 18699.99 → 18699. For a computed base cap."""
    return _decimal(amount).quantize(YUAN, rounding=ROUND_FLOOR)


def parse_money(value: object, *, field: str = "amount") -> Decimal:
    """Read a user-supplied amount (str, int or Decimal; never float) into Decimal yuan."""
    if isinstance(value, float):
        raise TypeError("float is not money; pass str or Decimal")
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise InvalidInput(f"金额格式不正确：{value}", f"Not a valid amount: {value}", field=field) from None
    if not amount.is_finite():
        raise InvalidInput(f"金额格式不正确：{value}", f"Not a valid amount: {value}", field=field)
    if amount.as_tuple().exponent < -2:  # type: ignore[operator]  # an int: the amount is finite
        raise InvalidInput("金额最多保留两位小数", "An amount has at most two decimal places", field=field)
    return amount


def format_yuan(amount: Decimal) -> str:
    """¥1,234.50 style, for pages and documents."""
    return f"¥{round_fen(amount):,.2f}"
