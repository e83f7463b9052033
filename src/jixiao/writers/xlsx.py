"""The tables (自评表) as an Excel workbook in the official layouts, with live formulas.

Sheets: 自评表 (部门整体/项目绩效自评表), 得分情况 (各项指标得分情况表, when the
document has categories), 补充数据 (the figures behind the common indicators that
the forms have no cell for: “三公经费”, 政府采购, 结转结余, project counts) and
目标申报表 (绩效目标申报表, the plan; a reader skips it beside the 自评表). Every table has its
title merged across its width, the unit label, thin borders, shaded header
cells, number formats (万元 with two decimals or as many as the amount has;
percentages), and a print setup: A4, one page wide, the indicator header
repeated on every page, page numbers in the footer.

Derived cells (执行率, 得分率, 合计, 自评得分, 自评结果) are Excel formulas, so a
person editing the amounts or scores in Excel sees them update. openpyxl cannot
store the value a formula gives; :mod:`jixiao.readers.xlsx` computes them when
the file is read back, so the workbook reads as the document it was written from.
"""

from __future__ import annotations

from functools import lru_cache

import io
import re
from decimal import Decimal

from ..document import Evaluation, Kind
from ..rulesets import RuleSet
from .model import Cell, Table
from .text import places

FONT = "宋体"
TOP = 4
"""Row where a table's grid starts: title, subtitle and unit label above it."""
_REF = re.compile(r"\{(\d+),(\d+)\}")


def _a1(r: int, c: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(c + 1)}{r + TOP}"


def _formula(cell: Cell) -> str:
    return _REF.sub(lambda m: _a1(int(m.group(1)), int(m.group(2))), cell.formula or "")


def _number_format(cell: Cell) -> str | None:
    value = cell.value if isinstance(cell.value, Decimal) else None
    if cell.format == "money":
        return "0." + "0" * max(2, places(value.normalize()) if value is not None else 2)
    if cell.format == "percent":
        if value is not None and places(value):
            return "0." + "0" * places(value) + "%"  # as written: 21.50% keeps its zero
        return "0.00%" if value is None else "0%"
    if cell.format in ("number", "integer") and value is not None:
        decimals = places(value.normalize()) if value != value.to_integral_value() else 0
        return "0." + "0" * decimals if decimals else "0"
    if cell.format in ("number", "integer"):
        return "General"
    return None


def _value(cell: Cell) -> object:
    """What openpyxl stores: the formula, an exact number (float only when exact), or text."""
    if cell.formula:
        return _formula(cell)
    value = cell.value
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        if cell.format == "percent":
            value = value / 100
        as_float = float(value)
        return as_float if Decimal(repr(as_float)) == value else f"{value:f}"
    if isinstance(value, int):
        return value
    return value


@lru_cache(maxsize=1)
def _styles():  # noqa: ANN202
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    side = Side(style="thin", color="000000")
    return {
        "border": Border(left=side, right=side, top=side, bottom=side),
        "body": Font(name=FONT, size=10),
        "header": Font(name=FONT, size=10, bold=True),
        "title": Font(name=FONT, size=16, bold=True),
        "subtitle": Font(name=FONT, size=11),
        "fill": PatternFill("solid", fgColor="F2F2F2"),
        "left": Alignment(horizontal="left", vertical="center", wrap_text=True),
        "center": Alignment(horizontal="center", vertical="center", wrap_text=True),
        "right": Alignment(horizontal="right", vertical="center"),
    }


def _prototypes(ws) -> dict[str, object]:  # noqa: ANN001 - openpyxl Worksheet
    """One styled cell per kind of cell; copying a cell's style array is far cheaper than setting styles."""
    st = _styles()
    kinds = {"header": (st["header"], st["center"], True), "label": (st["body"], st["center"], False),
             "number": (st["body"], st["center"], False), "text": (st["body"], st["left"], False)}
    out = {}
    for n, (kind, (font, alignment, fill)) in enumerate(kinds.items(), start=1):
        proto = ws.cell(1, 200 + n)
        proto.font, proto.alignment, proto.border = font, alignment, st["border"]
        if fill:
            proto.fill = st["fill"]
        out[kind] = proto._style
    for n in range(1, len(kinds) + 1):
        del ws._cells[(1, 200 + n)]
    return out


def _kind(cell: Cell) -> str:
    if cell.role in ("header", "label"):
        return cell.role
    return "number" if cell.format != "text" or cell.formula is not None else "text"


def draw(ws, table: Table) -> None:  # noqa: ANN001 - openpyxl Worksheet
    """Draw ``table`` on ``ws`` from row 1: title, subtitle, unit label, then the grid from row :data:`TOP`."""
    from copy import copy

    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.cell_range import CellRange

    st = _styles()
    width = table.width
    for row, text, font in ((1, table.title, st["title"]), (2, table.subtitle, st["subtitle"])):
        if text:
            ws.cell(row, 1, text).font = font
            ws.cell(row, 1).alignment = st["center"]
            ws.merged_cells.add(CellRange(min_row=row, min_col=1, max_row=row, max_col=width))
    if table.note:
        ws.cell(3, width, table.note).alignment = st["right"]
        ws.cell(3, width).font = st["body"]
    ws.row_dimensions[1].height = 28
    protos = _prototypes(ws)
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row):
            target = ws.cell(r + TOP, c + 1)
            value = _value(cell)
            target.value = value
            if isinstance(value, str) and value.startswith("=") and not cell.formula:
                target.data_type = "s"  # a target such as "=100%" is text, not a formula
            target._style = copy(protos[_kind(cell)])
            number_format = _number_format(cell)
            if number_format:
                target.number_format = number_format
    # Merged ranges are recorded directly: Worksheet.merge_cells also restyles every covered cell, which is
    # slow, and every cell here already has its border.
    for s in table.spans:
        ws.merged_cells.add(CellRange(min_row=s.row + TOP, min_col=s.col + 1, max_row=s.row + s.rows - 1 + TOP,
                                      max_col=s.col + s.cols))
    if table.signature:  # 填表人 / 联系电话 / 单位负责人 / 盖章, under the form as printed
        line = ws.cell(len(table.rows) + TOP + 1, 1, table.signature)
        line.font = st["body"]
    weights = table.widths if len(table.widths) == width else (10,) * width
    for c, weight in enumerate(weights, start=1):
        ws.column_dimensions[get_column_letter(c)].width = weight * 1.9
    _print_setup(ws, table)


def _print_setup(ws, table: Table) -> None:  # noqa: ANN001
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if table.landscape or table.width > 9 else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.6
    ws.page_margins.top = ws.page_margins.bottom = 0.75
    ws.oddFooter.center.text = "第 &P 页 共 &N 页"
    if table.header is not None:
        first, last = table.header
        ws.print_title_rows = f"{first + TOP}:{last + TOP}"
        if first + TOP > 1:
            ws.freeze_panes = ws.cell(last + TOP + 1, 1)
    ws.print_area = f"A1:{_a1(len(table.rows) - (0 if table.signature else 1), table.width - 1)}"


def _validation(ws, table: Table) -> None:  # noqa: ANN001
    """A drop-down for 任务完成情况 (free text still allowed)."""
    from openpyxl.worksheet.datavalidation import DataValidation

    cells = [_a1(r, c) for r, row in enumerate(table.rows) for c, cell in enumerate(row)
             if cell.field and cell.field.endswith(".status")]
    if not cells:
        return
    dv = DataValidation(type="list", formula1='"完成,部分完成,未完成"', allow_blank=True, showErrorMessage=False)
    for ref in cells:
        dv.add(ref)
    ws.add_data_validation(dv)


def _book(tables: list[tuple[str, Table]], title: str, rules: RuleSet | None = None) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, table in tables:
        ws = book.create_sheet(name)
        draw(ws, table)
        _validation(ws, table)
    book.properties.title = title
    book.properties.creator = "Jixiao"
    if rules is not None:  # the rule set travels with the file, not inside a form
        from openpyxl.workbook.defined_name import DefinedName

        book.defined_names["JIXIAO_RULESET"] = DefinedName("JIXIAO_RULESET", attr_text=f'"{rules.id}"')
        book.properties.keywords = f"jixiao-ruleset={rules.id}"
        book.properties.category = rules.title
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write_tables(e: Evaluation, rules: RuleSet, review: Table | None = None) -> bytes:
    """The document's 自评表, 各项指标得分情况表, 补充数据 and 绩效目标申报表 as .xlsx bytes, and the
    自评复核情况表 (``review``) on a sheet of its own."""
    from . import tables

    sheets = [("自评表", tables.self_evaluation(e, rules))]
    categories = tables.categories(e)
    if categories is not None:
        sheets.append(("得分情况", categories))
    extra = tables.supplement(e)
    if extra is not None:
        sheets.append(("补充数据", extra))
    sheets.append(("目标申报表", tables.targets(e)))
    if review is not None:
        sheets.append(("复核情况", review))
    name = e.project.name if e.project else e.unit
    year = f"{e.year}年度" if e.year else ""
    return _book(sheets, f"{year}{name or ''}{tables.form_title(e, '绩效自评表')}", rules)


def template(kind: Kind, rules: RuleSet, year: int | None = None) -> bytes:
    """Blank forms of ``kind`` under ``rules``: the categories and weights filled, everything else to type."""
    from . import tables

    form, extra, goals = tables.blank(kind, rules, year)
    return _book([("自评表", form), ("补充数据", extra), ("目标申报表", goals)], f"{form.title}（空白）", rules)
