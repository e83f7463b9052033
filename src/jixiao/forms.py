"""Render an evaluation as the official self-evaluation forms, in four file formats.

The output imitates what budget units publish: a report title, the numbered
narrative (一、基本情况 …), the 部门整体绩效自评表 or 项目绩效自评表 and the
各项指标得分情况表, as text pulled out of a PDF (tab-separated table rows, as in
the seeds), .docx, .xlsx and .pdf. It exists so that readers can be tested and
benchmarked on realistic files whose true content is known.

Every format draws the same format-independent model: a list of :class:`Block`
(paragraphs and tables), each table a :class:`Grid` of cell texts plus merge
spans. :class:`Variant` changes that model (merged or repeated cells, money in
元, blank columns, rows split as PDF extraction splits them) before any writer
sees it, so all four renditions of one variant hold the same content.

Placement follows the seeds: a department form comes after the first
narrative section (一、基本情况), a project form at the end of the report, and
the 各项指标得分情况表 after the section whose title holds 评价结论 (else at
the end).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from xml.sax.saxutils import escape

from .document import Amounts, Evaluation, IndicatorCategory, Kind, Section
from .writers.model import Span
from .writers.report import report_title

__all__ = ["FORMATS", "Variant", "render", "render_docx", "render_pdf", "render_text", "render_xlsx"]

FORMATS = ("txt", "docx", "xlsx", "pdf")
FONT = "宋体"
PDF_FONT = "STSong-Light"
PAGE_LINES = 40
"""Lines per page of the text rendition: a page break (blank line, page header) follows."""


@dataclass(frozen=True)
class Variant:
    """How a rendition departs from the plainest layout.

    Attributes:
        merged: merge the vertical 一级/二级 indicator cells and the header cells
            (docx/xlsx/pdf); when False, repeat the level names on every row.
        yuan: money written in 元 (×10000, unit label 单位：元) instead of 万元.
        blank_columns: an empty column inserted after the first column and
            before 分值, as some exported forms have.
        split_rows: one long indicator name (≥5 characters) split over two
            table rows, the continuation row holding only its last character.
        repeat_header: the indicator header row repeated after a page break (text/pdf).
    """

    merged: bool = True
    yuan: bool = False
    blank_columns: bool = False
    split_rows: bool = False
    repeat_header: bool = True


# ------------------------------------------------------------------ the model


class Num(str):
    """Cell text that is also an exact number (money, weight, score); xlsx writes it as one."""

    value: Decimal

    def __new__(cls, value: Decimal) -> Num:
        cell = super().__new__(cls, format(value, "f"))
        cell.value = value
        return cell


@dataclass(frozen=True)
class Grid:
    """A table as cell texts; a merged range keeps its text in its top-left cell.

    Attributes:
        title: the page header printed above a continued table (text rendition).
        rows: cell texts, every row as wide as the first.
        spans: merged ranges (none cross the ``header`` row's top edge).
        header: the row repeated after a page break; the rows from it on are the
            long part of the table (the PDF draws them as a separate table).
        score_col: the column of 分值 in the header row.
    """

    title: str
    rows: tuple[tuple[str, ...], ...]
    spans: tuple[Span, ...] = ()
    header: int | None = None
    score_col: int | None = None

    @property
    def width(self) -> int:
        return len(self.rows[0]) if self.rows else 0


@dataclass(frozen=True)
class Form:
    """A titled table: caption lines, the unit label (may be empty) and the grid."""

    captions: tuple[str, ...]
    note: str
    grid: Grid


@dataclass(frozen=True)
class Block:
    """One element of a rendition: ``title``, ``heading``, ``caption``, ``note``, ``paragraph`` or ``table``."""

    kind: str
    text: str = ""
    grid: Grid | None = None


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _clean(text: str | None) -> str:
    """Text fit for every format: no control characters (openpyxl and Word refuse them), tabs as spaces."""
    if not text or isinstance(text, Num):
        return text or ""
    return _CONTROL.sub("", text.replace("\t", " ").replace("\r\n", "\n").replace("\r", "\n"))


Cell = str | tuple[str, int] | None
"""A cell when building a row: its text, or (text, columns spanned); None is empty."""


class _Builder:
    """Builds a :class:`Grid` row by row."""

    def __init__(self, title: str, width: int) -> None:
        self.title, self.width = title, width
        self.rows: list[list[str]] = []
        self.spans: list[Span] = []

    def row(self, *cells: Cell) -> int:
        """Append a row and return its index; a (text, n) cell spans n columns."""
        row: list[str] = []
        for cell in cells:
            text, cols = cell if isinstance(cell, tuple) else (cell, 1)
            if cols > 1:
                self.spans.append(Span(len(self.rows), len(row), 1, cols))
            row += [_clean(text)] + [""] * (cols - 1)
        if len(row) != self.width:
            raise ValueError(f"表格行宽 {len(row)} 与表宽 {self.width} 不符")
        self.rows.append(row)
        return len(self.rows) - 1

    def down(self, col: int, first: int, last: int) -> None:
        """Merge the cell at (``first``, ``col``) down to row ``last``, clearing the rows below it."""
        if last <= first:
            return
        for i, span in enumerate(self.spans):
            if (span.row, span.col) == (first, col):
                self.spans[i] = replace(span, rows=last - first + 1)
                cols = span.cols
                break
        else:
            self.spans.append(Span(first, col, last - first + 1, 1))
            cols = 1
        for r in range(first + 1, last + 1):
            self.rows[r][col:col + cols] = [""] * cols

    def build(self, header: int | None = None, score_col: int | None = None) -> Grid:
        return Grid(self.title, tuple(tuple(r) for r in self.rows), tuple(self.spans), header, score_col)


# ------------------------------------------------------------------ cell text


def _number(value: Decimal | None) -> str:
    """A weight or score as the Decimal's own text (2.00 stays 2.00)."""
    return "" if value is None else Num(value)


def _money(value: Decimal | None, variant: Variant) -> str:
    """An amount in 万元, or in 元 for the yuan variant (exact: the decimal point moves four places)."""
    if value is None:
        return ""
    return Num(value.scaleb(4) if variant.yuan else value)


def _percent(value: Decimal | None) -> str:
    return "" if value is None else f"{format(value, 'f')}%"


def _money_unit(variant: Variant) -> str:
    return "元" if variant.yuan else "万元"


def _amount_cells(amounts: Amounts | None, variant: Variant) -> list[str]:
    """年初 / 调整(全年) / 执行 / 执行率 of one budget line."""
    a = amounts or Amounts()
    return [_money(a.initial, variant), _money(a.adjusted, variant), _money(a.executed, variant), _percent(a.rate)]


def _level1_name(category: IndicatorCategory) -> str:
    if category.weight is None:
        return category.name
    return f"{category.name}（{format(category.weight, 'f')}分）"


# ------------------------------------------------------------------ the forms


def _department_head(b: _Builder, e: Evaluation, variant: Variant) -> None:
    """Identity rows, the task block and the budget block of the 部门整体绩效自评表 (9 columns)."""
    first = b.row("部门(单位)名称", (e.unit, 5), "自评得分", (_number(e.reported.total), 2))
    last = b.row(None, *[None] * 5, "自评结果", (e.reported.grade, 2))
    b.down(0, first, last)
    b.down(1, first, last)
    b.row("年度履职目标", (e.goals.target, 5), "年度履职目标完成情况", (e.goals.actual, 2))
    first = b.row("年度主要任务", "任务名称", "主要内容", "预算资金", "其中：财政资金", "任务完成情况",
                  "预算执行数", "其中：财政资金", "预算执行率")
    for t in e.tasks:
        b.row(None, t.name, t.content, _money(t.budget, variant), _money(t.budget_fiscal, variant),
              t.status, _money(t.executed, variant), _money(t.executed_fiscal, variant), _percent(t.rate))
    b.down(0, first, len(b.rows) - 1)
    _department_budget(b, e, variant)


def _department_budget(b: _Builder, e: Evaluation, variant: Variant) -> None:
    budget = e.budget
    source, structure = budget.by_source, budget.by_structure
    first = b.row("预算情况", (None, 2), "年初预算数", "调整预算数", "预算执行数", "预算执行率", "分值", "得分")
    total = Amounts(initial=budget.initial, adjusted=budget.adjusted, executed=budget.executed, rate=budget.rate)
    b.row(None, ("部门预算总额", 2), *_amount_cells(total, variant), _number(budget.weight), _number(budget.score))
    lines = (("1、资金来源：(1) 财政性资金", source and source.fiscal), ("(2) 其他资金", source and source.other),
             ("2、资金结构：(1) 基本支出", structure and structure.basic),
             ("(2) 项目支出", structure and structure.project))
    for label, amounts in lines:
        b.row(None, (label, 2), *_amount_cells(amounts, variant), None, None)
    b.down(0, first, len(b.rows) - 1)


def _project_head(b: _Builder, e: Evaluation, variant: Variant) -> None:
    """Identity, money and goal rows of the 项目绩效自评表 (8 columns)."""
    project = e.project
    assert project is not None  # the model refuses a project document without it
    department = project.department or ""
    if project.department_code:
        department = f"[{project.department_code}]{department}"
    b.row("项目名称", (project.name, 7))
    b.row("主管部门及代码", (department, 3), "实施单位", (project.implementer, 3))
    budget = e.budget
    first = b.row(f"项目资金（{_money_unit(variant)}）", None, "年初预算数", "全年预算数", "预算执行数", "执行率",
                  "分值", "得分")
    total = Amounts(initial=budget.initial, adjusted=budget.adjusted, executed=budget.executed, rate=budget.rate)
    b.row(None, "年度资金总额", *_amount_cells(total, variant), _number(budget.weight), _number(budget.score))
    source = budget.by_source
    b.row(None, "其中：本年财政拨款", *_amount_cells(source and source.fiscal, variant), None, None)
    b.row(None, "其他资金", *_amount_cells(source and source.other, variant), None, None)
    b.down(0, first, len(b.rows) - 1)
    b.row(("年度绩效目标", 4), ("目标实际完成情况", 4))
    b.row((e.goals.target, 4), (e.goals.actual, 4))
    b.row("总分值", (Num(Decimal(100)), 3), "总得分", (_number(e.reported.total), 3))


def _indicator_header(department: bool) -> tuple[str, ...]:
    if department:
        return ("一级指标", "二级指标", "三级指标", "指标值", "度量单位", "实际完成值", "分值", "得分", "未完成原因分析")
    return ("一级指标", "二级指标", "三级指标", "指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施")


def _indicators(b: _Builder, e: Evaluation, variant: Variant) -> int:
    """The indicator header and one row per third-level indicator; returns the header's row index."""
    department = e.kind is Kind.DEPARTMENT
    header = b.row(*_indicator_header(department))
    to_split = variant.split_rows
    for category in e.indicators:
        level1, first1 = _level1_name(category), len(b.rows)
        for group in category.children or (None,):
            level2, first2 = (group.name if group else ""), len(b.rows)
            for leaf in (group.children if group else ()) or (None,):
                name = leaf.name if leaf else ""
                tail = ""
                if to_split and len(name) >= 5:
                    name, tail, to_split = name[:-1], name[-1], False
                cells = [level1, level2, name]
                if leaf:
                    cells += [leaf.target.raw] + ([leaf.unit] if department else [])
                    cells += [leaf.actual.raw, _number(leaf.weight), _number(leaf.score), leaf.deviation]
                b.row(*cells, *[None] * (b.width - len(cells)))
                if tail:
                    b.row(None, None, tail, *[None] * (b.width - 3))
            if variant.merged:
                b.down(1, first2, len(b.rows) - 1)
        if variant.merged:
            b.down(0, first1, len(b.rows) - 1)
    return header


def _form_title(e: Evaluation) -> str:
    return "部门整体绩效自评表" if e.kind is Kind.DEPARTMENT else "项目绩效自评表"


def _form(e: Evaluation, variant: Variant) -> Form:
    """The 自评表 of the document's kind, with the variant applied."""
    department = e.kind is Kind.DEPARTMENT
    b = _Builder(_form_title(e), 9 if department else 8)
    (_department_head if department else _project_head)(b, e, variant)
    header = _indicators(b, e, variant)
    grid = _apply_variant(b.build(header, score_col=6 if department else 5), variant)
    return Form((_form_title(e), f"（{e.year}年度）"), f"单位：{_money_unit(variant)}", grid)


def _category_form(e: Evaluation, variant: Variant) -> Form | None:
    """各项指标得分情况表 with its 合计 row, or None when the document states no categories."""
    categories = e.reported.categories
    if not categories:
        return None
    b = _Builder("各项指标得分情况表", 4)
    b.row("指标", "权重分值", "得分", "得分率")
    for c in categories:
        b.row(c.name, _number(c.weight), _number(c.score), _percent(c.rate))
    weights = [c.weight for c in categories if c.weight is not None]
    scores = [c.score for c in categories if c.score is not None]
    weight = sum(weights, Decimal(0)) if weights else None
    score = sum(scores, Decimal(0)) if scores else None
    rate = None
    if weight and score is not None:
        rate = (score / weight * 100).quantize(Decimal("0.01"), ROUND_HALF_UP)
        rate = rate.quantize(Decimal(1)) if rate == rate.to_integral_value() else rate
    b.row("合计", _number(weight), _number(score), _percent(rate))
    return Form(("各项指标得分情况表",), "", _apply_variant(b.build(header=0), variant))


# ------------------------------------------------------------------ variants


def _insert_column(grid: Grid, at: int) -> Grid:
    """Insert an empty column before column ``at``; a merged range across it widens."""
    rows = tuple(row[:at] + ("",) + row[at:] for row in grid.rows)
    spans = []
    for s in grid.spans:
        if s.col >= at:
            s = replace(s, col=s.col + 1)
        elif s.col + s.cols > at:
            s = replace(s, cols=s.cols + 1)
        spans.append(s)
    score_col = grid.score_col + 1 if grid.score_col is not None and grid.score_col >= at else grid.score_col
    return replace(grid, rows=rows, spans=tuple(spans), score_col=score_col)


def _apply_variant(grid: Grid, variant: Variant) -> Grid:
    """Blank columns and unmerged cells (split rows and repeated names are made while building)."""
    if variant.blank_columns:
        for at in sorted({1, grid.score_col or 1}, reverse=True):
            grid = _insert_column(grid, at)
    if not variant.merged:
        grid = replace(grid, spans=())
    return grid


# ------------------------------------------------------------------ the document


def _heading(section: Section, top: bool) -> str:
    number, title = section.number, section.title
    if not number:
        return title
    if top:
        return f"{number}、{title}"
    if number.startswith(("（", "(")):
        return f"{number}{title}"
    if number.isdigit():
        return f"{number}. {title}"
    return f"{number}、{title}"


def _section_blocks(section: Section, top: bool = True) -> list[Block]:
    blocks = [Block("heading", _clean(_heading(section, top)))]
    blocks += [Block("paragraph", _clean(line).strip()) for line in section.text.splitlines() if line.strip()]
    for sub in section.sections:
        blocks += _section_blocks(sub, top=False)
    return blocks


def _form_blocks(form: Form | None) -> list[Block]:
    if form is None:
        return []
    blocks = [Block("caption", text) for text in form.captions]
    if form.note:
        blocks.append(Block("note", form.note))
    return blocks + [Block("table", grid=form.grid)]


def _blocks(e: Evaluation, variant: Variant) -> list[Block]:
    """The whole rendition as blocks: title, narrative, the form and the category table, seed-like."""
    form, scores = _form(e, variant), _category_form(e, variant)
    blocks = [Block("title", _clean(report_title(e)))]
    if e.kind is Kind.DEPARTMENT and not e.narrative:
        blocks += _form_blocks(form)
        form = None
    for i, section in enumerate(e.narrative):
        blocks += _section_blocks(section)
        if i == 0 and e.kind is Kind.DEPARTMENT:
            blocks += _form_blocks(form)
            form = None
        if scores and "评价结论" in section.title:
            blocks += _form_blocks(scores)
            scores = None
    return blocks + _form_blocks(scores) + _form_blocks(form)


# ------------------------------------------------------------------ text


def _text_row(row: Sequence[str]) -> str:
    return "\t".join(cell.replace("\n", " ") for cell in row)


def render_text(e: Evaluation, variant: Variant = Variant()) -> str:
    """Seed-like text, as pulled out of a PDF: paragraphs between blank lines, tables as tab-separated rows.

    A table running past :data:`PAGE_LINES` lines gets a page break: a blank line,
    the form title as page header, a blank line and (``repeat_header``) the
    indicator header row again.
    """
    out, on_page = ["", ""], 0
    for block in _blocks(e, variant):
        if block.grid is None:
            on_page = 0 if on_page >= PAGE_LINES else on_page
            out += [block.text, ""]
            on_page += 2
            continue
        grid = block.grid
        for r, row in enumerate(grid.rows):
            if on_page >= PAGE_LINES and r > 0:
                out += ["", grid.title, ""]
                on_page = 0
                if variant.repeat_header and grid.header is not None and r > grid.header:
                    out.append(_text_row(grid.rows[grid.header]))
                    on_page += 1
            out.append(_text_row(row))
            on_page += 1
        out.append("")
        on_page += 1
    return "\n".join(out)


# ------------------------------------------------------------------ docx


def _column_weights(grid: Grid) -> list[int]:
    """Relative column widths from the longest unmerged text of each column (2 to 12 characters)."""
    wide = {(r, c) for s in grid.spans if s.cols > 1
            for r in range(s.row, s.row + s.rows) for c in range(s.col, s.col + s.cols)}
    weights = []
    for c in range(grid.width):
        lengths = [len(row[c]) for r, row in enumerate(grid.rows) if (r, c) not in wide]
        weights.append(min(max(lengths + [2]), 12))
    return weights


def _docx_font(document) -> None:  # noqa: ANN001 - python-docx Document
    """宋体 for Latin and East Asian text of the Normal style."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(10.5)
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)


def _docx_paragraph(document, block: Block) -> None:  # noqa: ANN001
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    paragraph = document.add_paragraph()
    run = paragraph.add_run(block.text)
    run.bold = block.kind in ("title", "heading", "caption")
    if block.kind == "title":
        run.font.size = Pt(16)
    if block.kind in ("title", "caption"):
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif block.kind == "note":
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _docx_table(document, grid: Grid) -> None:  # noqa: ANN001
    table = document.add_table(rows=len(grid.rows), cols=grid.width)
    table.style = "Table Grid"
    for texts, row in zip(grid.rows, table.rows):
        for text, cell in zip(texts, row.cells):
            if text:
                cell.text = text
    for s in grid.spans:
        table.cell(s.row, s.col).merge(table.cell(s.row + s.rows - 1, s.col + s.cols - 1))
    document.add_paragraph()


def render_docx(e: Evaluation, variant: Variant = Variant()) -> bytes:
    """A Word document: bold paragraphs as headings, the forms as real Word tables."""
    from docx import Document

    document = Document()
    _docx_font(document)
    for block in _blocks(e, variant):
        if block.grid is None:
            _docx_paragraph(document, block)
        else:
            _docx_table(document, block.grid)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# ------------------------------------------------------------------ xlsx


def _xlsx_value(text: str) -> tuple[object, str | None]:
    """The cell value and number format: a float only when it is exactly the Decimal, else the text."""
    if isinstance(text, Num):
        as_float = float(text.value)
        if Decimal(repr(as_float)) == text.value:
            places = max(0, -text.value.as_tuple().exponent)
            return as_float, "0." + "0" * places if places else "0"
    return (text or None), None


def _xlsx_form(ws, form: Form) -> None:  # noqa: ANN001 - openpyxl Worksheet
    """Caption rows merged across the table, the unit label, then the bordered grid."""
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    grid, width = form.grid, form.grid.width
    for r, caption in enumerate(form.captions, start=1):
        ws.cell(r, 1, caption).font = Font(name=FONT, bold=True, size=14 if r == 1 else 11)
        ws.cell(r, 1).alignment = Alignment(horizontal="center")
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
    top = len(form.captions) + 1
    if form.note:
        ws.cell(top, width, form.note).alignment = Alignment(horizontal="right")
        top += 1
    side = Side(style="thin")
    border, font = Border(left=side, right=side, top=side, bottom=side), Font(name=FONT, size=10)
    wrap = Alignment(wrap_text=True, vertical="center")
    for r, row in enumerate(grid.rows):
        for c, text in enumerate(row):
            cell = ws.cell(top + r, c + 1)
            cell.value, number_format = _xlsx_value(text)
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # 指标值 "=100%" is text, not a formula
            if number_format:
                cell.number_format = number_format
            cell.border, cell.font, cell.alignment = border, font, wrap
    for s in grid.spans:
        ws.merge_cells(start_row=top + s.row, start_column=s.col + 1,
                       end_row=top + s.row + s.rows - 1, end_column=s.col + s.cols)
    for c, weight in enumerate(_column_weights(grid), start=1):
        ws.column_dimensions[get_column_letter(c)].width = 2 * weight + 2


def render_xlsx(e: Evaluation, variant: Variant = Variant()) -> bytes:
    """A workbook: sheet 自评表 with the form from A1, sheet 得分情况 with the category table."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "自评表"
    _xlsx_form(sheet, _form(e, variant))
    scores = workbook.create_sheet("得分情况")
    categories = _category_form(e, variant)
    if categories is None:
        scores.cell(1, 1, "各项指标得分情况表").font = Font(name=FONT, bold=True, size=14)
    else:
        _xlsx_form(scores, categories)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# ------------------------------------------------------------------ pdf


def _pdf_styles() -> dict[str, object]:
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if PDF_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))
    base = ParagraphStyle("正文", fontName=PDF_FONT, fontSize=10.5, leading=16, wordWrap="CJK", spaceAfter=4)
    return {
        "paragraph": ParagraphStyle("段落", parent=base, firstLineIndent=21),
        "heading": ParagraphStyle("标题", parent=base, fontSize=12, leading=18, spaceBefore=6),
        "title": ParagraphStyle("题目", parent=base, fontSize=16, leading=24, alignment=TA_CENTER, spaceAfter=12),
        "caption": ParagraphStyle("表题", parent=base, fontSize=12, leading=18, alignment=TA_CENTER),
        "note": ParagraphStyle("单位", parent=base, alignment=TA_RIGHT),
        "cell": ParagraphStyle("单元格", parent=base, fontSize=8, leading=10, spaceAfter=0),
    }


def _pdf_lines(grid: Grid, lo: int, hi: int) -> list[tuple]:
    """Ruling of rows lo..hi-1: box, column lines, and row lines except inside a merged range.

    A range merged over several rows is drawn without its inner row lines rather
    than as one spanned cell, so the table may break across pages anywhere.
    """
    joined = {(r, c) for s in grid.spans for r in range(s.row, s.row + s.rows - 1)
              for c in range(s.col, s.col + s.cols)}
    rule = (0.5, "black")
    lines: list[tuple] = [("BOX", (0, 0), (-1, -1), *rule), ("LINEAFTER", (0, 0), (-2, -1), *rule)]
    for r in range(lo, hi - 1):
        drawn = [c for c in range(grid.width) if (r, c) not in joined]
        for start, end in _runs(drawn):
            lines.append(("LINEBELOW", (start, r - lo), (end, r - lo), *rule))
    for s in grid.spans:
        if s.cols > 1 and lo <= s.row < hi:
            lines += [("SPAN", (s.col, r - lo), (s.col + s.cols - 1, r - lo)) for r in range(s.row, s.row + s.rows)]
    return lines


def _runs(columns: list[int]) -> list[tuple[int, int]]:
    """Consecutive runs of column numbers: [0, 1, 2, 5] -> [(0, 2), (5, 5)]."""
    runs: list[tuple[int, int]] = []
    for c in columns:
        if runs and runs[-1][1] == c - 1:
            runs[-1] = (runs[-1][0], c)
        else:
            runs.append((c, c))
    return runs


def _pdf_tables(grid: Grid, styles: dict[str, object], width: float, variant: Variant) -> list[object]:
    """The grid as reportlab tables: the rows before the header, then the long part with its header repeated."""
    from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

    cuts = [0, grid.header, len(grid.rows)] if grid.header else [0, len(grid.rows)]
    weights = _column_weights(grid)
    widths = [width * w / sum(weights) for w in weights]
    tables: list[object] = []
    for lo, hi in zip(cuts, cuts[1:]):
        rows = [[Paragraph(escape(text).replace("\n", "<br/>"), styles["cell"]) if text else "" for text in row]
                for row in grid.rows[lo:hi]]
        repeat = 1 if variant.repeat_header and lo == grid.header else 0
        table = Table(rows, colWidths=widths, repeatRows=repeat, splitInRow=0)
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), *_pdf_lines(grid, lo, hi)]))
        tables.append(table)
    return tables + [Spacer(1, 8)]


def render_pdf(e: Evaluation, variant: Variant = Variant()) -> bytes:
    """An A4 PDF with the built-in CID font STSong-Light: paragraphs and ruled tables."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    styles = _pdf_styles()
    buffer = io.BytesIO()
    margin = 15 * mm
    document = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=margin, rightMargin=margin, topMargin=margin,
                                 bottomMargin=margin, title=report_title(e))
    story: list[object] = []
    for block in _blocks(e, variant):
        if block.grid is None:
            story.append(Paragraph(escape(block.text), styles[block.kind]))
        else:
            story += _pdf_tables(block.grid, styles, document.width, variant)
    document.build(story)
    return buffer.getvalue()


# ------------------------------------------------------------------ dispatch

_WRITERS: dict[str, Callable[[Evaluation, Variant], bytes]] = {
    "txt": lambda e, v: render_text(e, v).encode("utf-8"),
    "docx": render_docx,
    "xlsx": render_xlsx,
    "pdf": render_pdf,
}


def render(e: Evaluation, fmt: str, variant: Variant = Variant()) -> bytes:
    """The evaluation as a file of format ``fmt`` (txt, docx, xlsx or pdf); txt is UTF-8."""
    try:
        writer = _WRITERS[fmt]
    except KeyError:
        raise ValueError(f"不支持的格式：{fmt}（应为 txt、docx、xlsx 或 pdf）") from None
    return writer(e, variant)
