"""A dashboard table as .xlsx (openpyxl) or .csv (UTF-8 with BOM, so that Excel reads the Chinese).

The file has the rows the page shows, in the same order: a title line, the column headings, the rows
(links as their text, blanks as empty cells), and the table's note. Numbers stay numbers: a Decimal
is written to the workbook as the exact figure, to the CSV as its text. A text that a spreadsheet
would run as a formula (``=HYPERLINK(…)``, ``@SUM(…)``) never does (:mod:`jixiao.cells`).
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

from ...cells import csv_cell, neutralise
from .stats import Link, Table

FORMATS = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           "csv": "text/csv; charset=utf-8"}


def cell(value: Any) -> Any:
    """A cell as a file holds it: links as their text, None as blank."""
    if value is None:
        return ""
    if isinstance(value, Link):
        return value.text
    return value


def to_csv(table: Table, heading: str) -> bytes:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow([csv_cell(heading)])
    w.writerow([csv_cell(c) for c in table.columns])
    for row in table.rows:  # a Decimal is a figure, written as it is; a text may not start a formula
        w.writerow([format(v, "f") if isinstance(v, Decimal) else csv_cell(v) for v in map(cell, row)])
    if table.note:
        w.writerow([f"说明：{table.note}"])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(table: Table, heading: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = table.title[:31].translate(str.maketrans("[]:*?/\\", "（）：＊？／＼"))
    ws.append([heading])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append(table.columns)
    head = PatternFill("solid", fgColor="EEF1F4")
    for c in ws[2]:
        c.font, c.fill = Font(bold=True), head
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in table.rows:
        ws.append([cell(v) if cell(v) != "" else None for v in row])
    if table.total and table.rows:
        for c in ws[ws.max_row]:
            c.font = Font(bold=True)
    for i, name in enumerate(table.columns, start=1):
        width = max([len(str(name))] + [len(str(cell(r[i - 1]))) for r in table.rows]) * 2 + 2
        ws.column_dimensions[get_column_letter(i)].width = min(max(width, 8), 60)
        if i - 1 in table.numeric:
            for (c,) in ws.iter_rows(min_row=3, min_col=i, max_col=i):
                if isinstance(c.value, Decimal):
                    places = max(0, -c.value.as_tuple().exponent)
                    c.number_format = "0." + "0" * places if places else "0"
    ws.freeze_panes = "A3"
    if table.note:
        ws.append([])
        ws.append([f"说明：{table.note}"])
        ws.cell(ws.max_row, 1).font = Font(italic=True, color="6B7785")
    neutralise(ws)  # nothing in a dashboard table is a formula: a name like =HYPERLINK(…) stays text
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def render(table: Table, fmt: str, heading: str) -> bytes:
    return to_xlsx(table, heading) if fmt == "xlsx" else to_csv(table, heading)
