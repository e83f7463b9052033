"""Excel (.xlsx) forms: every sheet's rows, cells with their sheet and reference (openpyxl).

Merged cells keep their value at the top-left and are empty elsewhere, as the
forms are drawn. Numbers are read back as the decimals they show: an amount
``1.798`` stays ``1.798`` and a cell formatted as a percentage (0.599 shown as
59.90%) is read as ``59.90%``. A formula cell is computed here
(:mod:`.formula`), since a file written by a program other than Excel has no
cached value, and shown as Excel shows it (rounded to its number format); a
formula outside that subset gives the value Excel last cached, if any.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import ROUND_HALF_UP, Decimal

from ..document import Source
from .base import Block, Cell, Unreadable, clean
from .safety import bounded, open_zip, text_limit

MAX_CELLS = 2_000_000


def blocks(raw: bytes, file: str) -> list[Block]:
    """The workbook's rows, read in the bounded worker of :mod:`.safety` (memory, time, text limits)."""
    import openpyxl  # noqa: F401 - imported in the parent, so that each worker starts warm

    return bounded(_checked, raw, file, kind=".xlsx")


def _checked(raw: bytes, file: str) -> list[Block]:
    open_zip(raw, ".xlsx")
    try:
        return _blocks(raw, file)
    except (Unreadable, MemoryError, RecursionError):
        raise
    except Exception as exc:  # a third-party parser on untrusted input: any failure is a bad file
        raise Unreadable(f".xlsx 文件无法解析（{type(exc).__name__}），可能已损坏", "Excel 保存的 .xlsx 文件") from None


def _blocks(raw: bytes, file: str) -> list[Block]:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(raw), data_only=False)
    formulas = _Formulas(book, raw)
    out: list[Block] = []
    seen = 0
    text = 0
    plans = _plans_beside_forms(book)
    for t, ws in enumerate(book.worksheets, start=1):
        if getattr(ws, "sheet_state", "visible") != "visible" or ws.title in plans:
            continue
        seen += (ws.max_row or 0) * (ws.max_column or 0)
        if seen > MAX_CELLS:
            raise Unreadable(f".xlsx 文件过大（超过 {MAX_CELLS} 个单元格）", "正常大小的自评表")
        for row in ws.iter_rows():
            cells = tuple(Cell(formulas.text(ws, c) if c.data_type == "f" else _text(c),
                               Source(file=file, sheet=ws.title, cell=c.coordinate)) for c in row
                          if c.__class__.__name__ != "EmptyCell")
            if any(c.text for c in cells):
                text += sum(len(c.text) for c in cells)
                text_limit(text, ".xlsx")
                out.append(Block(cells, True, table=t))
    return out


def _title(ws) -> str:  # noqa: ANN001
    """The first text in the sheet's first rows (its form title)."""
    for row in ws.iter_rows(min_row=1, max_row=3, values_only=True):
        for value in row:
            if isinstance(value, str) and value.strip():
                return re.sub(r"\s", "", value)
    return ""


def _plans_beside_forms(book) -> set[str]:  # noqa: ANN001
    """Sheets holding a 绩效目标申报表 (the plan: targets only) in a workbook that also holds the 自评表: the
    self-evaluation form has every target and more, so the plan is not read (its rows would repeat the tasks
    and indicators). A workbook with only the plan is read from the plan."""
    titles = {ws.title: _title(ws) for ws in book.worksheets}
    plans = {name for name, title in titles.items() if "目标申报表" in title}
    forms = [name for name, title in titles.items() if "自评表" in title]
    return plans if forms else set()


class _Formulas:
    """Formula cells computed on demand; the cached values are loaded only if a formula is beyond the evaluator."""

    def __init__(self, book, raw: bytes) -> None:  # noqa: ANN001 - openpyxl Workbook
        self.book, self.raw = book, raw
        self._cached = None

    def lookup(self, ws):  # noqa: ANN001, ANN201
        def value(sheet: str | None, ref: str) -> object:
            target = ws if sheet is None else self.book[sheet] if sheet in self.book.sheetnames else None
            if target is None:
                raise ValueError(sheet)
            return target[ref].value
        return value

    def text(self, ws, cell) -> str:  # noqa: ANN001
        from .formula import UNSUPPORTED, ExcelError, evaluate

        value = evaluate(str(cell.value), self.lookup(ws), ws.title)
        if value is UNSUPPORTED:
            return self.cached(ws, cell)
        if isinstance(value, ExcelError) or value is None:
            return ""
        if isinstance(value, bool):
            return "是" if value else "否"
        if isinstance(value, Decimal):
            return _shown(value, cell.number_format or "General")
        return clean(str(value))

    def cached(self, ws, cell) -> str:  # noqa: ANN001
        if self._cached is None:
            import openpyxl

            self._cached = openpyxl.load_workbook(io.BytesIO(self.raw), data_only=True)
        return _text(self._cached[ws.title][cell.coordinate])


def _shown(value: Decimal, number_format: str) -> str:
    """A computed figure as Excel displays it: a percent ×100, rounded half-up to the format's decimals."""
    m = re.search(r"0\.(0+)", number_format)
    decimals = len(m.group(1)) if m else None
    if "%" in number_format:
        value = value * 100
        decimals = decimals or 0
    if decimals is None:
        if value == value.to_integral_value():
            return f"{value.quantize(Decimal(1)):f}"
        decimals = min(max(0, -value.normalize().as_tuple().exponent), 10)  # General: up to 10 places
    shown = value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return f"{shown:f}%" if "%" in number_format else f"{shown:f}"


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
