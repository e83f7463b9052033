"""Figures as the documents show them: one place, so the derived document, the .docx, the .xlsx and the
drafted narrative never show the same figure two ways (core: no writer or web imports).

Nothing is rounded here beyond what a figure already is: money shows at least
two decimals (134.5 → 134.50) and more when it has more (1.798 stays 1.798, it
is 17980 元); a percent shows its own decimals (59.93%, 100%).
"""

from __future__ import annotations

from decimal import Decimal

_CENT = Decimal("0.01")


def places(value: Decimal) -> int:
    """Decimal places the value is written with (1.50 → 2, 100 → 0)."""
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def money(value: Decimal | None) -> str:
    """万元 with at least two decimals, more when the amount has more: 134.50, 1.798."""
    if value is None:
        return ""
    if places(value.normalize()) <= 2:
        return f"{value.quantize(_CENT):f}"
    return f"{value.normalize():f}"


def number(value: Decimal | int | None) -> str:
    """A weight, score or count as written, without trailing zeros after the point (2, 1.5, 95.58)."""
    if value is None:
        return ""
    value = Decimal(value)
    if value == value.to_integral_value():
        return f"{value.quantize(Decimal(1)):f}"
    return f"{value.normalize():f}"


def percent(value: Decimal | None) -> str:
    """Percentage points with the % sign, with the decimals the figure has: 59.93%, 21.50%, 100%."""
    if value is None:
        return ""
    exponent = value.as_tuple().exponent
    return f"{value:f}%" if isinstance(exponent, int) and exponent <= 0 else f"{number(value)}%"


def as_written(value: Decimal | None) -> str:
    """A stated percentage with the decimals it was written with (59.90%), for a list of changes."""
    return "" if value is None else f"{value:f}%"
