"""Rounding-aware comparison, for the checks: the core's :mod:`jixiao.tolerance`."""

from ..tolerance import MODES, Agreement, compare, decimals_of, rounded, same_figure, shown

__all__ = ["MODES", "Agreement", "compare", "decimals_of", "rounded", "same_figure", "shown"]
