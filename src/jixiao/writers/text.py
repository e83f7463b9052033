"""Figures as the writers print them: the core's :mod:`jixiao.figures`, and a table cell's text."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from ..figures import as_written, money, number, percent, places

if TYPE_CHECKING:
    from .model import Cell

__all__ = ["as_written", "cell_text", "money", "number", "percent", "places"]


def cell_text(cell: Cell) -> str:
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if cell.format == "money":
        return money(Decimal(value))
    if cell.format == "percent":
        return percent(Decimal(value))
    return number(value)
