"""The report (自评报告) as blocks: sections of the rule set, own text or drafted, tables and charts placed.

The sections and their order come from the rule set (``report_sections``:
部门整体 一、基本情况 … 八、其他需要说明的问题; 项目 一、概述 … 七、其他需要说明的问题).
For each, the document's own section (matched by name or alias) is used when
it has text; otherwise the drafters named in the rule set write it from the data
(:mod:`jixiao.writers.draft`), or a 【待填写】 prompt marks it. Sections the
document has beyond the rule set's are kept, after the section they followed.

Placement follows the seeds: the 部门整体绩效自评表 closes 一、基本情况; the
各项指标得分情况表 and the category chart follow the conclusion; a project's
项目绩效自评表 is 附件1 at the end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..document import Evaluation, Kind, Section
from ..rulesets import ReportSection, RuleSet, layout
from . import draft
from .model import Annex, Block, Figure, Heading, Paragraph, Report, TableBlock, closing
from .text import official
from .keep import Dispute, Kept, keep, mark
from .prose import Correction
from ..derive import Change, Settled

_NOISE = re.compile(r"[\s、，,（）()“”\"：:。]")


@dataclass(frozen=True)
class Composed:
    """A report ready to write: the document it shows (the unit's declaration, its text marked where disputed),
    the review beside it (``settled``), the ratios recomputed, the disputes and the sections left to fill."""

    report: Report
    settled: Settled
    document: Evaluation
    changes: tuple[Change, ...]
    corrections: tuple[Correction, ...]
    unfinished: tuple[str, ...]
    disputes: tuple[Dispute, ...] = ()
    kept: Kept | None = None


def report_title(e: Evaluation) -> str:
    year = draft.year_text(e.year)
    if e.kind is Kind.DEPARTMENT:
        return f"{year}{draft.unit_text(e.unit)}部门整体绩效自评报告"
    assert e.project is not None
    return f"{year}{e.project.name}项目绩效自评报告"


def _matches(section: Section, wanted: ReportSection) -> bool:
    title = _NOISE.sub("", section.title)
    return any(w and _NOISE.sub("", w) in title for w in (wanted.name, *wanted.aliases))


def _has_text(section: Section) -> bool:
    return bool(section.text.strip()) or any(_has_text(s) for s in section.sections)


def _own_blocks(section: Section, depth: int) -> list[Block]:
    """The document's own subsection tree as headings and paragraphs (depth 1 is a level-2 heading).

    A numbered line is a heading only when its siblings are headings too: when any of them reads as a
    sentence (long, or ending in punctuation), the whole run is a list of paragraphs (（一）负责组织…)."""
    blocks: list[Block] = []
    for line in section.text.splitlines():
        if line.strip():
            blocks.append(Paragraph(official(line.strip())))
    listed = any(_sentence(sub.title) or _NUMBERED.match(sub.text.strip()) for sub in section.sections) or \
        (bool(section.sections) and any(_NUMBERED.match(line.strip()) for line in section.text.splitlines()))
    for sub in section.sections:
        if listed:
            first = _sub_heading(sub, depth + 1)
            lines = [line.strip() for line in sub.text.splitlines() if line.strip()]
            if lines and not _sentence(first):
                first, lines = f"{first}{lines[0]}", lines[1:]
            blocks.append(Paragraph(official(first)))
            blocks += [Paragraph(official(line)) for line in lines]
            for deeper in sub.sections:
                blocks.append(Paragraph(official(_sub_heading(deeper, depth + 2))))
                blocks += _own_blocks(deeper, depth + 2)
            continue
        blocks.append(Heading(min(depth + 1, 4), official(_sub_heading(sub, depth + 1))))
        blocks += _own_blocks(sub, depth + 1)
    return blocks


_NUMBERED = re.compile(r"^[（(][一二三四五六七八九十]+[）)]")
"""A line that is an item of a （一）（二） list: when the parent's text or a sibling's text holds one, the
reader split a list into sections, and the siblings are list items too."""


def _sentence(title: str) -> bool:
    """A title that is really a sentence of a list: long, or ending in punctuation."""
    title = title.strip()
    return len(title) > 30 or title.endswith(("。", "；", ";", "，", ",", "："))


def _sub_heading(section: Section, level: int) -> str:
    number = (section.number or "").strip()
    if not number:
        return section.title
    if number.startswith(("（", "(")):
        return f"{number}{section.title}"
    if number.isdigit():
        return f"{number}. {section.title}"
    return f"（{number}）{section.title}" if level == 2 else f"{number}、{section.title}"


def _plan(e: Evaluation, rules: RuleSet) -> list[tuple[ReportSection | None, Section | None]]:
    """Each output section: (the rule set's section or None, the document's own section or None), in order."""
    own = list(e.narrative)
    used: set[int] = set()
    plan: list[tuple[ReportSection | None, Section | None]] = []
    for wanted in layout(rules):
        match = next((i for i, s in enumerate(own) if i not in used and _matches(s, wanted)), None)
        if match is not None:
            used.add(match)
        plan.append((wanted, own[match] if match is not None else None))
    # Sections of the document's own that the rule set does not name: after the section they followed.
    for i, s in enumerate(own):
        if i in used:
            continue
        before = max((j for j in used if j < i), default=None)
        at = next((k + 1 for k, (_, o) in enumerate(plan) if before is not None and o is own[before]), 0)
        plan.insert(at, (None, s))
        used.add(i)
    return plan


def compose(e: Evaluation, rules: RuleSet, charts: bool = True, review: bool = False) -> Composed:
    """Keep ``e``'s declaration (blanks and undisputed ratios filled), mark its own text where its tables dispute
    it, and lay out the report; ``review``: the review annex (复核情况) closes it (:func:`jixiao.writers.write`
    asks for it; a published report, composed without it, is the unit's declaration alone)."""
    from . import tables

    kept = keep(e, rules)
    settled = kept.settled
    doc, marked = mark(kept.evaluation, rules, kept.claims)
    disputes = kept.disputes + marked
    doubts = {d.path: _doubt(d, doc) for d in disputes if d.blocking and d.path}
    ctx = draft.Context(doc, settled.card, rules, doubts)
    blocks: list[Block] = []
    unfinished: list[str] = []
    notes: list[str] = []
    self_table = tables.self_evaluation(doc, rules)
    category_table = tables.categories(doc)
    for n, (wanted, own) in enumerate(_plan(doc, rules), start=1):
        title = own.title if own is not None and wanted is None else wanted.name if wanted else ""
        blocks.append(Heading(1, f"{draft.cn(n)}、{title}"))
        roles = wanted.draft if wanted is not None else ()
        if own is not None and _has_text(own):
            body = _own_blocks(own, 1)
        elif roles:
            body = [b for role in roles for b in draft.DRAFTERS[role](ctx)]
        else:
            body = [draft.prompt(title)]
        if any(isinstance(b, Paragraph) and b.placeholder for b in body):
            unfinished.append(f"{draft.cn(n)}、{title}")
        blocks += body
        if "overview" in roles and doc.kind is Kind.DEPARTMENT:
            blocks.append(TableBlock(self_table))
        if "conclusion" in roles and category_table is not None:
            if not any(isinstance(b, Paragraph) and "得分情况" in b.text for b in body):
                blocks.append(Paragraph("各项指标得分情况如下：", drafted=True))
            blocks.append(TableBlock(category_table))
            if charts:
                figure = _category_figure(settled, notes)
                if figure is not None:
                    blocks.append(figure)
    blocks += closing(draft.unit_text(doc.unit))
    annexes = 0
    if doc.kind is Kind.PROJECT:
        annexes += 1
        blocks += [Annex(f"附件{annexes}", self_table.title), TableBlock(self_table)]
    if review:
        from .review import review_table

        table = review_table(kept, disputes)
        annexes += 1
        blocks += [Annex(f"附件{annexes}", table.title), TableBlock(table)]
    report = Report(report_title(doc), draft.unit_text(doc.unit), tuple(blocks),
                    tuple(str(c) for c in kept.recomputed) + tuple(str(d) for d in disputes) + tuple(notes),
                    (rules.id, rules.title))
    return Composed(report, settled, doc, kept.recomputed, (), tuple(unfinished), disputes, kept)


def _doubt(d: Dispute, e: Evaluation) -> str:
    """The note a drafted figure the review disputes carries: the amounts, never the implausible ratio."""
    b = e.budget
    if d.path == "budget.rate" and b.executed is not None and (b.adjusted or b.initial):
        den = b.adjusted if b.adjusted is not None else b.initial
        if b.executed > den:
            from .text import money

            return f"预算执行数{money(b.executed)}万元高于全年预算数{money(den)}万元，请核对金额"
    return f"复核为{d.reviewed}" if d.reviewed and d.reviewed != "（未改写）" else "请核对金额"


def _category_figure(settled: Settled, notes: list[str]) -> Figure | None:
    """The category chart, or None (with a note) where no Chinese font is installed to draw it."""
    from .charts import ChartError, category_chart

    try:
        return Figure(category_chart(settled.card), "图1 各项指标得分与权重分值")
    except ChartError as exc:
        notes.append(f"报告未附图表：{exc}")
        return None


__all__ = ["Composed", "compose", "report_title"]
