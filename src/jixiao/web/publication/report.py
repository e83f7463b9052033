"""What the public sees of a published report, made once from the approved document at publishing.

The core composes the report (:func:`jixiao.writers.compose`: the rule set's sections, the
document's own text, the official tables and the category chart); from the same composition this
module makes the public data (the JSON of ``schema/public-report.schema.json``), the HTML body and
the PDF, so the three cannot disagree. The scoring table (CSV) is a view of the public data.

Nothing of the review is in any of them: no findings, comments, reviewers, versions in between,
evidence files or the import's provenance.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from jixiao.document import Evaluation as Document, Kind
from jixiao.native import load_data
from jixiao.scoring import Scorecard
from jixiao.service import ruleset_for
from jixiao.writers import Composed, compose
from jixiao.writers.model import Annex, Figure, Heading, Paragraph, Report, Table, TableBlock
from jixiao.writers.report import report_title
from jixiao.writers.text import money, number, percent

SCHEMA_VERSION = 1
SCHEMA_PATH = "schema/public-report.schema.json"
KIND_NAMES = {Kind.DEPARTMENT: "部门整体支出", Kind.PROJECT: "项目支出"}
CSV_HEADER = ("序号", "一级指标", "二级指标", "三级指标", "指标值", "度量单位", "实际完成值", "分值", "得分", "是否达成",
              "偏差原因分析及改进措施")


class ReportError(Exception):
    """The approved document cannot be made into a public report (with the reason, in Chinese)."""


@dataclass(frozen=True)
class Rendered:
    """A report made for publishing: the public data, the HTML body and the PDF."""

    data: dict[str, Any]
    html: str
    pdf: bytes


@dataclass(frozen=True)
class Names:
    """Who the report is of, as the public lists name them (frozen at publishing)."""

    bureau: str
    department: str
    unit: str


def render(document: dict[str, Any], evaluation_id: int, version: int, names: Names, published_at: dt.datetime,
           pdf: bool = True) -> Rendered:
    """Compose the approved ``document`` and make the public data, HTML and (``pdf``) the PDF.

    Raises :class:`ReportError` when the document does not load or the PDF cannot be made
    (LibreOffice missing), so that nothing half-made is published.
    """
    e = load_data(document, f"自评#{evaluation_id}").evaluation
    if e is None:
        raise ReportError("自评文档无法读取，不能公开；请重新打开后在编辑器中修正")
    composed = compose(e, ruleset_for(e))
    data = public_data(composed, evaluation_id, version, names, published_at)
    html = render_to_string("jixiao/publication/_report_body.html", {"blocks": html_blocks(composed.report)})
    return Rendered(data, html, _pdf(composed.report) if pdf else b"")


def _pdf(report: Report) -> bytes:
    from jixiao.writers import WriterError
    from jixiao.writers.docx import render as docx
    from jixiao.writers.pdf import convert

    try:
        return convert(docx(report), ".docx")
    except WriterError as exc:
        raise ReportError(f"无法生成 PDF：{exc}") from None


# ---------------------------------------------------------------- public data


def _text(value: Decimal | int | None, show: Any = number) -> str | None:
    return None if value is None else show(value)


def public_data(composed: Composed, evaluation_id: int, version: int, names: Names,
                published_at: dt.datetime) -> dict[str, Any]:
    """The report as data: identity, score, budget, categories, the scoring table and the report's blocks."""
    e: Document = composed.settled.evaluation
    card: Scorecard = composed.settled.card
    rate = card.execution_rate.value
    return {
        "schema_version": SCHEMA_VERSION,
        "evaluation_id": evaluation_id,
        "version": version,
        "published_at": timezone.localtime(published_at).isoformat(timespec="seconds"),
        "year": e.year,
        "kind": e.kind.value,
        "kind_name": KIND_NAMES[e.kind],
        "title": report_title(e),
        "bureau": names.bureau,
        "department": names.department,
        "unit": names.unit,
        "project": e.project.name if e.project else None,
        "ruleset": {"id": composed.settled.rules.id, "title": composed.settled.rules.title},
        "total": number(card.total),
        "grade": card.grade,
        "budget": {
            "initial": _text(e.budget.initial, money), "adjusted": _text(e.budget.adjusted, money),
            "executed": _text(e.budget.executed, money),
            "execution_rate": None if rate is None else number((rate * 100).quantize(Decimal("0.01"))),
        },
        "goals": {"target": e.goals.target, "actual": e.goals.actual},
        "categories": [{"key": c.key, "name": c.name, "weight": number(c.weight), "score": number(c.computed),
                        "rate": None if c.rate is None else number((c.rate * 100).quantize(Decimal("0.01")))}
                       for c in card.categories],
        "tasks": [{"name": t.name, "content": t.content, "budget": _text(t.budget, money),
                   "executed": _text(t.executed, money), "rate": _text(t.rate, percent), "status": t.status}
                  for t in e.tasks],
        "indicators": indicator_rows(e, card),
        "report": [_block_json(b) for b in composed.report.blocks],
    }


def indicator_rows(e: Document, card: Scorecard) -> list[dict[str, Any]]:
    """One row per third-level indicator of the settled document, as the self-evaluation table shows it."""
    met = {i.path: i.met for i in card.indicators}
    rows = []
    for leaf in e.leaves():
        i = leaf.indicator
        rows.append({"level1": leaf.level1, "level2": leaf.level2, "name": i.name, "target": i.target.raw or None,
                     "unit": i.unit, "actual": i.actual.raw or None, "weight": _text(i.weight),
                     "score": _text(i.score), "met": met.get(leaf.path), "applicable": i.applicable,
                     "deviation": i.deviation})
    return rows


def _table_json(t: Table) -> dict[str, Any]:
    return {"type": "table", "key": t.key, "title": t.title, "subtitle": t.subtitle, "note": t.note,
            "rows": [[c.text for c in row] for row in t.rows],
            "merged": [{"row": s.row, "col": s.col, "rows": s.rows, "cols": s.cols} for s in t.spans]}


def _block_json(b: Any) -> dict[str, Any]:
    if isinstance(b, Heading):
        return {"type": "heading", "level": b.level, "text": b.text}
    if isinstance(b, Paragraph):
        return {"type": "paragraph", "text": b.text}
    if isinstance(b, TableBlock):
        return _table_json(b.table)
    if isinstance(b, Figure):
        return {"type": "figure", "caption": b.caption}
    assert isinstance(b, Annex)
    return {"type": "annex", "label": b.label, "title": b.title}


# ---------------------------------------------------------------- HTML


def _html_table(t: Table) -> dict[str, Any]:
    """Rows of cells with their row and column spans; cells covered by a merge are left out."""
    covered: set[tuple[int, int]] = set()
    spans = {(s.row, s.col): s for s in t.spans}
    for s in t.spans:
        cells = {(r, c) for r in range(s.row, s.row + s.rows) for c in range(s.col, s.col + s.cols)}
        covered |= cells - {(s.row, s.col)}
    rows = []
    for r, row in enumerate(t.rows):
        cells = []
        for c, cell in enumerate(row):
            if (r, c) in covered:
                continue
            s = spans.get((r, c))
            cells.append({"text": cell.text, "header": cell.role == "header", "label": cell.role == "label",
                          "num": cell.format != "text" and cell.value is not None,
                          "rowspan": s.rows if s else 1, "colspan": s.cols if s else 1})
        rows.append(cells)
    return {"title": t.title, "subtitle": t.subtitle, "note": t.note, "rows": rows, "key": t.key}


def html_blocks(report: Report) -> list[dict[str, Any]]:
    """The report's blocks for the HTML template (figures as inline PNG data)."""
    out: list[dict[str, Any]] = []
    for b in report.blocks:
        if isinstance(b, TableBlock):
            out.append({"type": "table", "table": _html_table(b.table)})
        elif isinstance(b, Figure):
            out.append({"type": "figure", "caption": b.caption,
                        "src": "data:image/png;base64," + base64.b64encode(b.png).decode("ascii")})
        else:
            out.append(_block_json(b) | ({"tag": f"h{min(b.level + 1, 6)}"} if isinstance(b, Heading) else {}))
    return out


# ---------------------------------------------------------------- CSV


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("是" if value else "否")


def csv_rows(data: dict[str, Any]) -> list[list[str]]:
    """The scoring table of the public data: the budget execution line, then every indicator."""
    rows: list[list[str]] = [list(CSV_HEADER)]
    budget = next((c for c in data["categories"] if c["key"] == "budget_execution"), None)
    rate = data["budget"]["execution_rate"]
    n = 0
    if budget is not None:
        n += 1
        rows.append([str(n), budget["name"], "", "预算执行率", "100%", "%", "" if rate is None else f"{rate}%",
                     budget["weight"], budget["score"], "" if rate is None else _yes_no(Decimal(rate) >= 100), ""])
    for i in data["indicators"]:
        n += 1
        rows.append([str(n), i["level1"], i["level2"], i["name"], i["target"] or "", i["unit"] or "",
                     i["actual"] or "", i["weight"] or "", i["score"] or "",
                     "不适用" if not i["applicable"] else _yes_no(i["met"]), i["deviation"] or ""])
    return rows


def csv_bytes(data: dict[str, Any]) -> bytes:
    """The scoring table as CSV in UTF-8 with a byte-order mark (so that Excel reads the Chinese)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in csv_rows(data):
        writer.writerow([_safe(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


_PLAIN = re.compile(r"^[=+-]?\s*[0-9][0-9.,]*\s*%?$")


def _safe(value: str) -> str:
    """A text cell a spreadsheet would run as a formula (``=HYPERLINK(…)``, ``@SUM(…)``) gets an apostrophe first.

    A plain figure such as the target ``=100%`` or ``-1.5`` is data, not a formula to fear: kept as it is.
    """
    if value and value[0] in "=+-@\t\r" and not _PLAIN.match(value):
        return "'" + value
    return value
