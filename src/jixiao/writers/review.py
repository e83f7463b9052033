"""The review beside the declaration: 自评复核情况表 (an annex of the report, or a document of its own).

The report shows the unit's figures; this table shows where the review differs:
复核得分 next to 自评得分 (with the categories whose points differ), every ratio
recomputed from undisputed amounts, and every figure marked 【待核实】 in the
text or left as stated because the data dispute it (须核实: to be resolved
before the report is signed).
"""

from __future__ import annotations

from .keep import Dispute, Kept
from .model import Cell, Heading, Paragraph, Report, Span, Table, TableBlock
from .text import number

TITLE = "自评复核情况表"


def _row(*texts: str | None, role: str = "body") -> tuple[Cell, ...]:
    return tuple(Cell(t or None, role=role) for t in texts)  # type: ignore[arg-type]


def review_rows(kept: Kept, disputes: tuple[Dispute, ...]) -> list[tuple[str, str, str, str]]:
    """(项目, 单位填报, 复核, 说明) for every difference; the score line first."""
    e, card = kept.evaluation, kept.settled.card
    rows: list[tuple[str, str, str, str]] = []
    declared = e.reported.total
    rows.append(("复核得分", number(declared) if declared is not None else "（未填）", number(card.total),
                 "按评分规则对各项指标重新计分" + ("，与自评一致" if declared == card.total else "")))
    if e.reported.grade or card.grade:
        rows.append(("复核等级", e.reported.grade or "（未填）", card.grade,
                     "与自评一致" if e.reported.grade == card.grade else "按复核总分定级"))
    seen = set()
    for d in disputes:
        key = (d.label, d.stated, d.reviewed)
        if key in seen or d.label in ("自评得分", "自评结果"):
            continue
        seen.add(key)
        rows.append((d.label, d.stated or "（空）", d.reviewed, d.reason + ("；须核实" if d.blocking else "")))
    for c in kept.recomputed:
        if c.before:
            rows.append((c.label, c.before, c.after, f"{c.reason}（报告中已按复核值填写）"))
    return rows


def review_table(kept: Kept, disputes: tuple[Dispute, ...]) -> Table:
    """The annex table: the differences, then the rule set the review scored by (评分规则, title and id: the
    row a reader takes the rule set back from)."""
    from .tables import ruleset_text

    rows = review_rows(kept, disputes)
    grid = [_row("复核内容", "单位填报", "复核", "说明", role="header")]
    grid += [_row(*r) for r in rows]
    rules = kept.settled.rules
    grid.append((Cell("评分规则", role="label"), Cell(ruleset_text(rules), field="ruleset"), Cell(), Cell()))
    spans = (Span(len(grid) - 1, 1, 1, 3),)
    return Table("review", TITLE, None, None, tuple(grid), spans, (0, 0), (10, 10, 10, 18))


def review_report(title: str, unit: str, kept: Kept, disputes: tuple[Dispute, ...]) -> Report:
    """The review as a document of its own (``jixiao report --review``)."""
    card = kept.settled.card
    declared = kept.evaluation.reported.total
    blocking = sum(1 for d in disputes if d.blocking)
    summary = (f"单位自评得分{number(declared) if declared is not None else '未填'}分，复核得分{number(card.total)}分，"
               f"复核等级“{card.grade}”。须核实的事项{blocking}项，见下表。")
    blocks = [Heading(1, "一、复核结论"), Paragraph(summary), Heading(1, "二、复核明细")]
    blocks.append(TableBlock(review_table(kept, disputes)))
    rules = kept.settled.rules
    return Report(f"{title}复核情况", unit, tuple(blocks), ruleset=(rules.id, rules.title))


__all__ = ["TITLE", "review_report", "review_rows", "review_table"]
