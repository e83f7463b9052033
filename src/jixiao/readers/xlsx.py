"""Excel (.xlsx) forms: every sheet's rows, cells with their sheet and reference (openpyxl).

Merged cells keep their value at the top-left and are empty elsewhere, as the
forms are drawn. Numbers are read back as the decimals they show: an amount
``1.798`` stays ``1.798`` and a cell formatted as a percentage (0.599 shown as
59.90%) is read as ``59.90%``. A formula cell gives the value Excel last
computed; a file never opened in Excel has none, and the cell reads as empty.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

from ..document import Source
from .base import Block, Cell, Unreadable, clean
from .safety import open_zip

MAX_CELLS = 2_000_000


def blocks(raw: bytes, file: str) -> list[Block]:
    open_zip(raw, ".xlsx")
    try:
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(raw), data_only=True)
    except Unreadable:
        raise
    except Exception as exc:  # a third-party parser on untrusted input: any failure is a bad file
        raise Unreadable(f".xlsx 文件无法解析（{type(exc).__name__}），可能已损坏", "Excel 保存的 .xlsx 文件") from None
    out: list[Block] = []
    seen = 0
    for t, ws in enumerate(book.worksheets, start=1):
        if getattr(ws, "sheet_state", "visible") != "visible":
            continue
        seen += (ws.max_row or 0) * (ws.max_column or 0)
        if seen > MAX_CELLS:
            raise Unreadable(f".xlsx 文件过大（超过 {MAX_CELLS} 个单元格）", "正常大小的自评表")
        for row in ws.iter_rows():
            cells = tuple(Cell(_text(c), Source(file=file, sheet=ws.title, cell=c.coordinate)) for c in row
                          if c.__class__.__name__ != "EmptyCell")
            if any(c.text for c in cells):
                out.append(Block(cells, True, table=t))
    return out


def _text(cell) -> str:
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float)):
        return _number(value, cell.number_format or "General")
    if isinstance(value, (dt.datetime, dt.date)):
        return f"{value.year}年{value.month}月{value.day}日"
    return clean(str(value).replace("\r", "")).replace("\n", "")


def _number(value: int | float, number_format: str) -> str:
    d = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    decimals = None
    m = re.search(r"0\.(0+)", number_format)
    if m:
        decimals = len(m.group(1))
    if "%" in number_format:
        d = d * 100
        if decimals is None:
            decimals = 0
        text = f"{d.quantize(Decimal(1).scaleb(-decimals)) if _exact(d, decimals) else d.normalize():f}"
        return f"{text}%"
    if decimals is not None and _exact(d, decimals):
        return f"{d.quantize(Decimal(1).scaleb(-decimals)):f}"
    return f"{d.normalize():f}" if d == d.to_integral_value() else f"{d:f}"


def _exact(d: Decimal, decimals: int) -> bool:
    """Whether showing ``d`` with ``decimals`` places loses nothing (then the shown form is the figure)."""
    return d == d.quantize(Decimal(1).scaleb(-decimals)) if decimals < 20 else False
