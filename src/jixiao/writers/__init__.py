"""Writers: the self-evaluation report (.docx, .pdf) and its tables (.xlsx), consistent by construction.

Every writer starts from the *settled* document (:mod:`.settle`): derived
figures computed from the data under the rule set. The report (:mod:`.report`)
takes the rule set's sections, the document's own text where it has some (its
figures brought into line with the tables, :mod:`.prose`) and drafted
paragraphs elsewhere (:mod:`.draft`); :mod:`.docx` draws it in the GB/T 9704
style, :mod:`.pdf` converts it with LibreOffice. :mod:`.tables` lays out the
official forms once for both the .docx and the .xlsx (:mod:`.xlsx`, with live
formulas for the derived cells).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..document import Evaluation
from ..rulesets import RuleSet
from .report import Composed, compose
from ..derive import Settled, settle


def __getattr__(name: str):  # noqa: ANN202 - lazy: the PDF module is only needed for its errors and PDF output
    if name in ("WriterError", "PdfUnavailable"):
        from . import pdf

        return getattr(pdf, name)
    raise AttributeError(name)

FORMATS = ("docx", "xlsx", "pdf")


@dataclass(frozen=True)
class Written:
    """A written file: its bytes, format, and the settled document (and the composed report for docx/pdf)."""

    data: bytes
    format: str
    settled: Settled
    composed: Composed | None = None


def format_of(path: str | Path) -> str:
    """The output format named by a file's extension."""
    from .pdf import WriterError

    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise WriterError(f"不支持输出为 .{suffix or '（无扩展名）'}：请用 .docx（报告）、.xlsx（自评表）或 .pdf（报告）")
    return suffix


def write(e: Evaluation, fmt: str, rules: RuleSet, *, own_text: bool = True, charts: bool = True) -> Written:
    """The report (docx/pdf) or the tables (xlsx) of ``e`` under ``rules``.

    ``own_text=False`` drafts every section from the data, ignoring the document's
    own narrative. Raises :class:`WriterError` (with a message naming what is
    missing, e.g. LibreOffice for PDF) when the file cannot be produced.
    """
    from .pdf import WriterError

    if fmt not in FORMATS:
        raise WriterError(f"不支持的输出格式：{fmt}（应为 docx、xlsx 或 pdf）")
    if fmt == "xlsx":
        from .xlsx import write_tables

        settled = settle(e, rules)
        return Written(write_tables(settled.evaluation, rules), fmt, settled)
    source = e if own_text else e.model_copy(update={"narrative": ()})
    composed = compose(source, rules, charts=charts)
    from .docx import render

    data = render(composed.report)
    if fmt == "pdf":
        from .pdf import convert

        data = convert(data, ".docx")
    return Written(data, fmt, composed.settled, composed)


def template(kind: str, rules: RuleSet) -> bytes:
    """A blank workbook of the official forms of ``kind`` (department/project) with live formulas."""
    from ..document import Kind
    from .xlsx import template as blank

    return blank(Kind(kind), rules)


__all__ = ["FORMATS", "Composed", "PdfUnavailable", "Settled", "WriterError", "Written", "compose", "format_of",
           "settle", "template", "write"]
