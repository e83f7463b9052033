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
from .keep import Kept, keep
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
    kept: Kept | None = None

    @property
    def document(self) -> Evaluation:
        """The document as written: the unit's declaration, blanks filled, undisputed ratios recomputed."""
        return self.kept.evaluation if self.kept is not None else self.settled.evaluation


def format_of(path: str | Path) -> str:
    """The output format named by a file's extension."""
    from .pdf import WriterError

    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise WriterError(f"不支持输出为 .{suffix or '（无扩展名）'}：请用 .docx（报告）、.xlsx（自评表）或 .pdf（报告）")
    return suffix


def write(e: Evaluation, fmt: str, rules: RuleSet, *, own_text: bool = True, charts: bool = True,
          review: bool = True) -> Written:
    """The report (docx/pdf) or the tables (xlsx) of ``e`` under ``rules``.

    ``own_text=False`` drafts every section from the data, ignoring the document's
    own narrative; ``review=False`` leaves the 复核 annex (sheet) out, for a
    separate review document (:func:`write_review`). Raises :class:`WriterError` (with a message naming what is
    missing, e.g. LibreOffice for PDF) when the file cannot be produced.
    """
    from .pdf import WriterError

    if fmt not in FORMATS:
        raise WriterError(f"不支持的输出格式：{fmt}（应为 docx、xlsx 或 pdf）")
    if fmt == "xlsx":
        from .review import review_table
        from .xlsx import write_tables

        kept = keep(e, rules)
        table = review_table(kept, kept.disputes) if review else None
        return Written(write_tables(kept.evaluation, rules, table), fmt, kept.settled, kept=kept)
    source = e if own_text else e.model_copy(update={"narrative": ()})
    composed = compose(source, rules, charts=charts, review=review)
    from .docx import render

    data = render(composed.report)
    if fmt == "pdf":
        from .pdf import convert

        data = convert(data, ".docx")
    return Written(data, fmt, composed.settled, composed, composed.kept)


def write_review(e: Evaluation, fmt: str, rules: RuleSet, *, own_text: bool = True) -> bytes:
    """The review of ``e`` as a document of its own (.docx/.pdf): 复核得分 beside 自评得分 and every difference."""
    from .docx import render
    from .pdf import WriterError
    from .review import review_report

    if fmt not in ("docx", "pdf"):
        raise WriterError("复核情况只能写为 .docx 或 .pdf")
    source = e if own_text else e.model_copy(update={"narrative": ()})
    composed = compose(source, rules, charts=False, review=False)
    assert composed.kept is not None
    data = render(review_report(composed.report.title, composed.report.unit, composed.kept, composed.disputes))
    if fmt == "pdf":
        from .pdf import convert

        data = convert(data, ".docx")
    return data


def template(kind: str, rules: RuleSet, year: int | None = None) -> bytes:
    """A blank workbook of the official forms of ``kind`` (department/project) for the evaluation ``year``
    (default: the rule set's), with live formulas."""
    from ..document import Kind
    from .xlsx import template as blank

    return blank(Kind(kind), rules, year)


__all__ = ["FORMATS", "Composed", "Kept", "PdfUnavailable", "Settled", "WriterError", "Written", "compose",
           "format_of", "keep", "settle", "template", "write", "write_review"]
