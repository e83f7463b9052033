"""Totals in the tables no form describes: a 合计 against its parts (R510).

Reports carry tables beyond the self-evaluation forms: income and spending by
source (年度收入情况：收入合计 | 其中：上年结转 | 公共财政拨款 | … ), staff by kind,
spending by item with a 合计 row. The interpreter does not read them into the
document (R501), but their arithmetic can still be wrong, and a reviewer wants
to know. Two layouts are checked, only where they are unambiguous:

* a total column followed by a 其中 column whose parts are the columns of the
  header row below it (one level only: a nested 其中 is skipped);
* a 合计/总计 row closing the rows above it, column by column, in a table whose
  header has none of the forms' column names (those tables have checks of their
  own), rows named 其中… and 小计 rows left out.

A total differing from the sum of its parts by more than the rounding of the
printed figures is an error. The rule is arithmetic; it depends on no rule set.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from ..checks.base import Finding, Severity
from .base import Block, Cell, finding, key, number
from .vocabulary import BUDGET_COLUMNS, CATEGORY_COLUMNS, INDICATOR_COLUMNS, TASK_COLUMNS

_FORM_WORDS = {w for table in (INDICATOR_COLUMNS, BUDGET_COLUMNS, TASK_COLUMNS, CATEGORY_COLUMNS)
               for words in table.values() for w in words if len(w) >= 3}
_TOTAL = re.compile(r"^(?:合计|总计|总额|小计)$|合计$")


def _num(cell: Cell) -> Decimal | None:
    return number(cell.text) if cell.text.strip() else None


def _places(cells: list[Cell]) -> int:
    return max((len(c.text.split(".")[1]) if "." in c.text else 0 for c in cells), default=0)


def _slack(cells: list[Cell]) -> Decimal:
    """What the rounding of printed decimals can explain; whole numbers (people, 万元 written whole) are exact."""
    places = _places(cells)
    return Decimal(5) / Decimal(10) ** (places + 1) * len(cells) if places else Decimal(0)


def tables(blocks: list[Block]) -> list[list[Block]]:
    """Consecutive table rows (one table of a docx/xlsx/pdf, or a run of text rows); prose ends a run."""
    out: list[list[Block]] = []
    run: list[Block] = []
    for b in blocks:
        if b.row and (not run or run[-1].table == b.table):
            run.append(b)
            continue
        if run:
            out.append(run)
        run = [b] if b.row else []
    if run:
        out.append(run)
    return out


def check(blocks: list[Block]) -> list[Finding]:
    found: list[Finding] = []
    for rows in tables(blocks):
        found += _total_columns(rows)
        found += _total_rows(rows)
    return found


def _total_columns(rows: list[Block]) -> list[Finding]:
    """收入合计 | 其中: over 上年结转 | 公共财政拨款 | …: each data row's total against its parts."""
    out = []
    for i, head in enumerate(rows[:-2]):
        keys = [key(c.text) for c in head.cells]
        for col, k in enumerate(keys):
            if not (k.endswith("合计") and col + 1 < len(keys) and keys[col + 1].startswith("其中")):
                continue
            sub = [key(c.text) for c in rows[i + 1].cells if c.text.strip()]
            if not sub or any(number(c.text) is not None for c in rows[i + 1].cells) or any("其中" in s for s in sub):
                continue  # not a plain row of part headings (nested or missing)
            for data in rows[i + 2:]:
                cells = [c for c in data.cells]
                values = [_num(c) for c in cells]
                if col >= len(cells) or values[col] is None:
                    break
                parts = cells[col + 1: col + 1 + len(sub)]
                if len(parts) != len(sub) or any(_num(c) is None for c in parts):
                    break
                total = values[col]
                added = sum((_num(c) for c in parts), Decimal(0))  # type: ignore[misc]
                if abs(added - total) > _slack([cells[col], *parts]):
                    out.append(_finding(head.cells[col].text, data.cells[0].text, total, added, cells[col]))
            break
    return out


def _total_rows(rows: list[Block]) -> list[Finding]:
    """A 合计 row under rows of figures, in a table the forms do not describe."""
    if any(key(c.text) in _FORM_WORDS for b in rows[:3] for c in b.cells):
        return []
    out = []
    body: list[Block] = []
    for b in rows:
        first = unicodedata.normalize("NFKC", b.cells[0].text).strip() if b.cells else ""
        k = key(first)
        if _TOTAL.search(k) and k not in ("小计",):
            out += _column_sums(b, body)
            body = []
        elif k.startswith("其中") or k == "小计":
            continue
        elif any(_num(c) is not None for c in b.cells[1:]):
            body.append(b)
        else:
            body = []  # a heading row starts a new block of figures
    return out


def _column_sums(total: Block, body: list[Block]) -> list[Finding]:
    if len(body) < 2:
        return []
    width = len(total.cells)
    if any(len(b.cells) != width for b in body):
        return []  # collapsed or shifted cells: which column is which is not certain
    out = []
    for col in range(1, width):
        t = _num(total.cells[col])
        cells = [b.cells[col] for b in body]
        if t is None or any(_num(c) is None for c in cells) or "%" in total.cells[col].text:
            continue
        added = sum((_num(c) for c in cells), Decimal(0))  # type: ignore[misc]
        if abs(added - t) > _slack([total.cells[col], *cells]):
            out.append(_finding(f"第{col + 1}列", total.cells[0].text, t, added, total.cells[col]))
    return out


def _finding(column: str, row: str, total: Decimal, added: Decimal, cell: Cell) -> Finding:
    return finding("R510", Severity.ERROR,
                   f"表中「{row[:20]}」的「{column[:20]}」为{_fmt(total)}，而其分项之和为{_fmt(added)}", cell.source,
                   table="其他表格", row=row[:40], found=_fmt(total))


def _fmt(d: Decimal) -> str:
    return format(d.normalize(), "f") if d == d.to_integral_value() else format(d, "f")
