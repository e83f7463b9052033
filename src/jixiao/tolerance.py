"""Rounding-aware comparison of a stated figure with the true one.

A stated figure is read at the precision it is written with (``59.90`` has two
decimals, ``23`` none). It agrees with the true value when some sensible
rounding of the true value to that precision gives it:

* half-up (四舍五入), the usual convention: agreement, nothing to report;
* truncation (截断), rounding up (进一) or banker's rounding: agreement, but
  worth an ``info`` naming the mode;
* none of them: a contradiction (59.90% for 1.798/3 = 59.93%).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, ROUND_UP, Decimal


MODES = (
    ("四舍五入", ROUND_HALF_UP),
    ("截断", ROUND_DOWN),
    ("进一", ROUND_UP),
    ("银行家舍入", ROUND_HALF_EVEN),
)
_MAX_DECIMALS = 6


def decimals_of(value: Decimal) -> int:
    """How many decimals ``value`` is written with (``59.90`` → 2, ``1E+2`` → 0)."""
    exponent = value.as_tuple().exponent
    if not isinstance(exponent, int):
        return 0
    return min(max(0, -exponent), _MAX_DECIMALS)


def rounded(value: Decimal, decimals: int, mode: str = ROUND_HALF_UP) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=mode)


@dataclass(frozen=True)
class Agreement:
    """How a stated figure relates to the true one.

    Attributes:
        agrees: some sensible rounding of the true value gives the stated one.
        mode: the rounding that gives it (四舍五入 first), None when none does.
        expected: the true value rounded half-up to the stated precision.
    """

    agrees: bool
    mode: str | None
    expected: Decimal

    @property
    def usual(self) -> bool:
        """Agrees by the usual half-up rounding (nothing to report)."""
        return self.mode == "四舍五入"


def compare(stated: Decimal, true: Decimal) -> Agreement:
    """Compare ``stated`` with ``true`` at the precision ``stated`` is written with."""
    places = decimals_of(stated)
    expected = rounded(true, places)
    for name, mode in MODES:
        if rounded(true, places, mode) == stated:
            return Agreement(True, name, expected)
    # A value written with more decimals than the truth has (100.00 for 100) is still exact.
    if true == stated:
        return Agreement(True, "四舍五入", expected)
    return Agreement(False, None, expected)


def same_figure(a: Decimal, b: Decimal) -> bool:
    """Two stated figures for the same quantity agree when one is a rounding of the other."""
    if a == b:
        return True
    coarse, fine = (a, b) if decimals_of(a) <= decimals_of(b) else (b, a)
    places = decimals_of(coarse)
    return any(rounded(fine, places, mode) == coarse for _, mode in MODES)


def shown(value: Decimal, decimals: int = 2) -> Decimal:
    """The true value for a message: half-up to ``decimals``; an exact value is kept as it is."""
    q = rounded(value, decimals)
    return q if q != value else value
