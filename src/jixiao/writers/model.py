"""What the writers draw: tables of typed cells and a report as a list of blocks.

Every writer (.docx, .xlsx, later HTML) draws the same model, so a figure is put
into words once. A :class:`Table` is a grid of :class:`Cell` plus merged ranges;
a cell holds text or an exact ``Decimal`` with its format, and a *derived* cell
(执行率, 得分率, subtotal, total, grade) also holds the Excel formula that
computes it from other cells of the same table, so the .xlsx stays live while
the .docx shows the same value.

Formulas are written with grid references ``{r,c}`` (0-based row and column of
the table's own grid, ``{r1,c1}:{r2,c2}`` for a range); the .xlsx writer turns
them into A1 references once it knows where the table starts. Only a small,
documented subset of Excel is used (see :mod:`jixiao.readers.formula`): numbers,
strings, ``+ - * /``, comparisons, ``&``, ``SUM``, ``IF``, ``ROUND``, ``MIN``,
``MAX``, ``AND``, ``OR``, ``ABS``, ``IFERROR``, ``N``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

Format = Literal["text", "money", "number", "percent", "integer"]
"""How a cell's value is shown: money in 万元 with 2 decimals, a score or weight as
its own decimals, a percent (value in percentage points: 59.90 means 59.90%), an
integer count, or text."""

Role = Literal["body", "header", "label"]
"""header: a column heading (bold, centred, shaded in .xlsx); label: a row heading
such as 部门预算总额 (centred); body: data."""


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell of a table.

    Attributes:
        value: text, an exact number, or None for an empty cell.
        format: how ``value`` is shown (see :data:`Format`).
        formula: for a derived cell, the Excel formula with ``{r,c}`` grid
            references; ``value`` is then what the formula gives on these data.
        role: header, label or body.
        field: the document path the cell shows (``budget.adjusted``,
            ``indicators[0].children[1].children[2].actual``), for a template to
            name what goes where and for tests.
    """

    value: str | Decimal | int | None = None
    format: Format = "text"
    formula: str | None = None
    role: Role = "body"
    field: str | None = None

    @property
    def text(self) -> str:
        """The value as a person reads it in the .docx (money to 2 decimals, percents with %)."""
        from .text import cell_text

        return cell_text(self)


@dataclass(frozen=True, slots=True)
class Span:
    """A merged range: top-left cell (``row``, ``col``) and its size."""

    row: int
    col: int
    rows: int = 1
    cols: int = 1


@dataclass(frozen=True)
class Table:
    """A titled table in an official layout.

    Attributes:
        key: what it is: ``self_evaluation`` (部门整体/项目绩效自评表),
            ``targets`` (绩效目标申报表), ``categories`` (各项指标得分情况表).
        title: its heading (部门整体绩效自评表).
        subtitle: the line under the title (（2021年度）), or None.
        note: the line above the grid's right edge (单位：万元), or None.
        rows: the grid; every row as wide as the first; a merged range keeps its
            content in its top-left cell and empty cells elsewhere.
        spans: merged ranges.
        header: (first, last) rows to repeat at the top of every printed page
            (the indicator header), or None.
        widths: relative column widths (characters).
        landscape: printed on a landscape page (a wide official form).
        signature: the line under the form (填表人：…联系电话：…（盖章）), or None.
    """

    key: str
    title: str
    subtitle: str | None
    note: str | None
    rows: tuple[tuple[Cell, ...], ...]
    spans: tuple[Span, ...] = ()
    header: tuple[int, int] | None = None
    widths: tuple[int, ...] = ()
    landscape: bool = False
    signature: str | None = None

    @property
    def width(self) -> int:
        return len(self.rows[0]) if self.rows else 0


# ------------------------------------------------------------------ the report


@dataclass(frozen=True)
class Heading:
    """A numbered heading: level 1 一、 (黑体), 2 （一） (楷体), 3 1. and 4 （1） (仿宋)."""

    level: int
    text: str


@dataclass(frozen=True)
class Paragraph:
    """A body paragraph.

    Attributes:
        text: the paragraph.
        drafted: True when Jixiao drafted it from the data, False when it is the
            document's own text.
        placeholder: True for a 【待填写】 prompt where the data has nothing to say.
    """

    text: str
    drafted: bool = False
    placeholder: bool = False
    role: Literal["body", "signature", "date"] = "body"
    """signature / date: the 落款 and 成文日期 lines, right-aligned."""


@dataclass(frozen=True)
class TableBlock:
    """A table placed in the report, with the paragraph that introduces it, if any."""

    table: Table


@dataclass(frozen=True)
class Figure:
    """A chart: PNG bytes, its caption (图1 …) and printed width in millimetres."""

    png: bytes
    caption: str
    width_mm: int = 150


@dataclass(frozen=True)
class Annex:
    """The start of an annex (附件1) on a new page, with its title."""

    label: str
    title: str


def closing(unit: str, date: str = "　　　　年　　月　　日") -> tuple[Paragraph, Paragraph]:
    """落款 and 成文日期 at the end of the body: the unit's name over the date (left for the unit to fill),
    right-aligned (成文日期 右空四字)."""
    return Paragraph(unit, drafted=True, role="signature"), Paragraph(date, drafted=True, role="date")


Block = Heading | Paragraph | TableBlock | Figure | Annex


@dataclass(frozen=True)
class Report:
    """A whole self-evaluation report, ready for a writer.

    Attributes:
        title: the report title (2021年度……部门整体绩效自评报告).
        unit: the unit's name, printed under the title.
        blocks: headings, paragraphs, tables, figures and annexes in order.
        notes: what the writer did that the author should know (figures in the
            document's own text corrected to the tables, sections left to fill).
    """

    title: str
    unit: str
    blocks: tuple[Block, ...]
    notes: tuple[str, ...] = field(default=())
    ruleset: tuple[str, str] | None = None
    """(id, title) of the rule set the scores follow, written to the file's properties."""
