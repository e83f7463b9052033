"""Exact numbers: money in 万元 and scores as :class:`~decimal.Decimal`.

Nothing here uses float. Rounding happens only through :func:`round_to`, and
only where a rule set asks for it.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from functools import lru_cache

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
TEN_THOUSAND = Decimal(10000)


class RoundingMode(StrEnum):
    """How a rule set rounds a score line (no official rule exists; see RULES.md)."""

    TRUNCATE = "TRUNCATE"  # 截断: 0.599 -> 0.59 (reproduces seed 001's 95.58)
    HALF_UP = "HALF_UP"  # 四舍五入: 0.595 -> 0.60 (common vendor practice)
    NONE = "NONE"  # keep every digit


_MODES = {RoundingMode.TRUNCATE: ROUND_DOWN, RoundingMode.HALF_UP: ROUND_HALF_UP}


MAX_INTEGER_DIGITS = 15
"""No figure of a self-evaluation reaches 10¹⁵ (万元, 元, counts or points): beyond it is a typo or an attack."""
MAX_DECIMAL_PLACES = 10
"""Nor has one more than 10 decimal places (an amount in 元 to the fen, in 万元, has 6)."""


def in_range(value: Decimal) -> bool:
    """Whether a finite input figure is within what a document can hold (see the two limits above).

    Keeps every later division and rounding inside the decimal context's 28 digits.
    """
    if not value:
        return True
    exponent = value.as_tuple().exponent
    return value.adjusted() < MAX_INTEGER_DIGITS and isinstance(exponent, int) and exponent >= -MAX_DECIMAL_PLACES


def in_magnitude(value: Decimal) -> bool:
    """Whether a number read from text (a target or actual value) is of a size a document can mean:
    below 10¹⁵ and, unless zero, above 10⁻²⁰. Its decimals are not limited (computed rates have many)."""
    return not value or -20 < value.adjusted() < MAX_INTEGER_DIGITS


def D(value: object) -> Decimal:
    """Convert ``value`` (str, int or Decimal; never float) to Decimal.

    Raises ValueError with a readable message for anything else, and for a figure
    outside what a document can hold (:func:`in_range`).
    """
    if isinstance(value, Decimal):
        return _checked(value) if value.is_finite() else _not_finite(value)
    if isinstance(value, bool) or isinstance(value, float):
        raise ValueError(f"不接受浮点数或布尔值：{value!r}")
    if isinstance(value, int):
        return _checked(Decimal(value))
    if isinstance(value, str):
        text = value.strip().replace(",", "").replace("，", "").replace(" ", "")
        try:
            result = Decimal(text)
        except InvalidOperation:
            raise ValueError("不是数字") from None
        if not result.is_finite():
            raise ValueError("不是有限数字")
        return _checked(result)
    raise ValueError(f"不是数字（实际为{type(value).__name__}）")


def _not_finite(value: Decimal) -> Decimal:
    raise ValueError("不是有限数字")


def _checked(value: Decimal) -> Decimal:
    if in_range(value):
        return value
    if value.adjusted() >= MAX_INTEGER_DIGITS:
        raise ValueError(f"数字过大（整数部分超过{MAX_INTEGER_DIGITS}位）")
    raise ValueError(f"小数位过多（超过{MAX_DECIMAL_PLACES}位）")


def round_to(value: Decimal, decimals: int, mode: RoundingMode) -> Decimal:
    """Round ``value`` to ``decimals`` places with ``mode`` (NONE leaves it as is)."""
    if mode is RoundingMode.NONE:
        return value
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=_MODES[mode])


def ratio(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    """numerator / denominator, or None when the denominator is zero."""
    if denominator == ZERO:
        return None
    return numerator / denominator


@lru_cache(maxsize=65536)
def pct(value: Decimal | None) -> str:
    """Format a ratio (0.5993) as a percentage for messages: '59.93%'."""
    if value is None:
        return "—"
    return f"{(value * HUNDRED).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}%"


@lru_cache(maxsize=65536)
def fmt(value: Decimal | None) -> str:
    """Format a Decimal for messages without exponent or trailing zeros noise."""
    if value is None:
        return "—"
    value = value.normalize()
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -6:
        # A quotient such as 1.798/3: shown to four places and marked as shortened;
        # the exact value is kept in the computation and in JSON output.
        return format(value.quantize(Decimal("0.0001"), rounding=ROUND_DOWN).normalize(), "f") + "…"
    return format(value, "f")
