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


def D(value: object) -> Decimal:
    """Convert ``value`` (str, int or Decimal; never float) to Decimal.

    Raises ValueError with a readable message for anything else.
    """
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool) or isinstance(value, float):
        raise ValueError(f"不接受浮点数或布尔值：{value!r}")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        text = value.strip().replace(",", "").replace("，", "").replace(" ", "")
        try:
            result = Decimal(text)
        except InvalidOperation:
            raise ValueError("不是数字") from None
        if not result.is_finite():
            raise ValueError("不是有限数字")
        return result
    raise ValueError(f"不是数字（实际为{type(value).__name__}）")


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
    if value.as_tuple().exponent < -6:
        # A quotient such as 1.798/3: shown to four places and marked as shortened;
        # the exact value is kept in the computation and in JSON output.
        return format(value.quantize(Decimal("0.0001"), rounding=ROUND_DOWN).normalize(), "f") + "…"
    return format(value, "f")
