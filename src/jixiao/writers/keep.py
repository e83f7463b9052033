"""The unit's declaration kept, the review beside it (单位填报保留，复核并列).

:mod:`.settle` computes every derived figure from the data. This layer decides
what of that the written report may *show as the unit's*:

* a figure the unit left blank is filled from the data (a rate, a weight, a
  score), unless the amounts behind it are disputed;
* a ratio the unit stated is recomputed only when its amounts are undisputed
  (no figure of the unit's own text contradicts them) and the result is
  plausible (an execution rate above 100% or an adjustment above ±100% is not
  printed: the amounts themselves are then in doubt);
* everything the unit *declares* — its scores, 自评得分, 自评结果, the
  各项指标得分情况表, a rate taken from another table — stays as stated; the
  recomputed value is the review's (复核得分) and goes to the review annex;
* the unit's own text is never rewritten: a figure the tables dispute is
  followed by a visible 【待核实：正文1209.35万元，表中1125.54万元】, and positive
  wording its data contradicts (「执行效果良好」 at 59.93%, a 「无」 under the
  problems heading) by a 【待核实：…】 carrying the figure.

Every difference is a :class:`Dispute`; ``blocking`` ones (an amount in
conflict, an implausible figure) must be resolved before the report is signed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..checks import CHECKS
from ..checks.base import Context
from ..document import Evaluation
from ..numbers import HUNDRED
from ..rulesets import RuleSet
from ..derive import Change, Settled, settle, shown_rate
from .text import money, number, percent

MARKED = ("N401", "N402", "N403", "N404", "N405")
"""The checks whose contradictions between the unit's text and its tables are marked 【待核实】."""

_FROM_FORM = "与绩效指标表的实际完成值一致"
_SCORE_PATHS = re.compile(r"(\.score|\.weight|^reported\.(total|grade|categories))$")
_RATE_PATHS = re.compile(r"(\.rate|\.actual|^budget\.(carryover_rate|adjustment_rate))$")


@dataclass(frozen=True)
class Dispute:
    """One figure where the review differs from the unit's declaration.

    Attributes:
        label: what it is (自评得分, 调整预算数).
        stated: the unit's figure, as written (kept in the report).
        reviewed: the review's figure or finding (复核).
        reason: how the review got it.
        blocking: True when the report should not be signed before it is resolved
            (amounts in conflict, an implausible figure).
    """

    label: str
    stated: str
    reviewed: str
    reason: str
    blocking: bool = False
    path: str | None = None

    def __str__(self) -> str:
        flag = "（须核实）" if self.blocking else ""
        return f"{self.label}：单位填报{self.stated or '（空）'}，复核{self.reviewed}（{self.reason}）{flag}"


@dataclass(frozen=True)
class Kept:
    """The document as written (the unit's declaration, blanks filled) and the review beside it."""

    evaluation: Evaluation
    settled: Settled
    disputes: tuple[Dispute, ...]
    recomputed: tuple[Change, ...]
    claims: tuple = ()
    """The figures read in the unit's own text (the narrative is kept as is: :func:`mark` reuses them)."""

    @property
    def reviewed_total(self) -> Decimal:
        """复核得分: the total the rule set gives on the data."""
        return self.settled.card.total

    @property
    def blocking(self) -> tuple[Dispute, ...]:
        return tuple(d for d in self.disputes if d.blocking)


def _get(data: Any, path: str) -> Any:
    node = data
    for part in path.split("."):
        name, _, index = part.partition("[")
        if node is None:
            return None
        node = node.get(name) if isinstance(node, dict) else None
        if index and node is not None:
            i = int(index[:-1])
            node = node[i] if i < len(node) else None
    return node


def _set(data: Any, path: str, value: Any) -> None:
    *parents, last = path.split(".")
    node = _get(data, ".".join(parents)) if parents else data
    if isinstance(node, dict):
        node[last] = value


def disputed_amounts(e: Evaluation, rules: RuleSet, ctx: Context | None = None) -> set[str]:
    """The table fields (``budget.adjusted``, ``tasks[4].executed``) the unit's own text gives another amount for."""
    ctx = ctx or Context(e, rules)
    if not e.narrative:
        return set()
    check = next(c for c in CHECKS if c.code == "N401")
    return {hit.claim.field for hit in check.func(ctx) if hit.claim is not None and hit.truth is not None}


_EXECUTION = ("budget.adjusted", "budget.executed")


def depends_on(path: str, label: str, e: Evaluation) -> tuple[str, ...]:
    """The amounts (field paths or prefixes) a rate at ``path`` (labelled ``label``) is computed from."""
    if path.startswith("tasks["):
        return (path.split(".")[0],)
    execution = _EXECUTION if e.budget.adjusted is not None else ("budget.initial", "budget.executed")
    for word, fields in (("三公", ("budget.three_public",)), ("采购", ("budget.procurement",)),
                         ("细化", ("budget.special_funds",)), ("结转", (*execution, "budget.carryover")),
                         ("调整", ("budget.initial", "budget.adjusted")), ("执行", execution)):
        if word in label or word in path:
            return fields
    if "carryover" in path:
        return (*execution, "budget.carryover")
    if "adjustment" in path:
        return ("budget.initial", "budget.adjusted")
    return ("budget",)


def implausible(path: str, value: Decimal | None) -> bool:
    """A recomputed rate no unit could mean: execution above 100%, an adjustment beyond ±100%."""
    if value is None:
        return False
    if "adjustment" in path:
        return abs(value) > HUNDRED
    if "three_public" in path or "carryover" in path:
        return False
    return value > HUNDRED


def _percent_of(text: str) -> Decimal | None:
    m = re.search(r"-?\d+(?:\.\d+)?", text or "")
    return Decimal(m.group()) if m else None


def keep(e: Evaluation, rules: RuleSet) -> Kept:
    """``e`` as the report may show it, with the review (``settle``) beside it and every difference listed."""
    settled = settle(e, rules)
    original = e.model_dump(mode="python", exclude={"provenance"})
    data = settled.evaluation.model_dump(mode="python", exclude={"provenance"})
    ctx = Context(e, rules)
    conflicts = disputed_amounts(e, rules, ctx)
    card = settled.card
    declared = e.reported.total
    scores_agree = declared is None or declared == card.total
    disputes: list[Dispute] = []
    recomputed: list[Change] = []
    for change in settled.changes:
        before = _get(original, change.path)
        stated = before not in (None, "", [], {}, ())
        if _SCORE_PATHS.search(change.path):
            if change.path.endswith(".weight") and not stated:
                continue  # a weight the form leaves blank is the rule set's: filled
            if stated:
                _set(data, change.path, before)
                disputes.append(Dispute(change.label, change.before, change.after, change.reason, path=change.path))
            elif not scores_agree or change.path == "budget.score":
                _set(data, change.path, before)  # no figure of the review in the unit's form
            continue
        if _RATE_PATHS.search(change.path):
            value = _percent_of(change.after)
            deps = depends_on(change.path, change.label, e)
            in_conflict = any(f == d or f.startswith(d + ".") or f.startswith(d + "[") for f in conflicts for d in deps)
            odd = implausible(change.path, value) or (change.path.endswith(".actual") and implausible(
                "budget.rate" if "执行" in change.label else change.path, value))
            if change.reason == _FROM_FORM or in_conflict or odd:
                _set(data, change.path, before)
                if stated:
                    why = (f"与绩效指标表填报的实际完成值（{change.after}）不一致" if change.reason == _FROM_FORM else
                           "正文所写金额与表中不同，比率未按表中金额改写" if in_conflict else
                           f"按表中金额算得的比率超出合理范围，须核对金额" if odd else change.reason)
                    shown = "（未改写）" if odd else change.after
                    disputes.append(Dispute(change.label, change.before, shown, why, True, change.path))
                continue
            if stated:
                recomputed.append(change)
            continue
        recomputed.append(change)
    # The budget-execution score, left blank in the form, is the unit's category row when it has one.
    b = data["budget"]
    if b.get("score") is None and e.reported.categories:  # the unit's own figure before the review's
        budget_key = next((c.name for c in rules.categories if c.source == "budget_execution"), None)
        row = next((c for c in e.reported.categories if budget_key and c.name.startswith(budget_key[:2])), None)
        if row is not None and row.score is not None:
            b["score"] = row.score
    if b.get("score") is None and scores_agree:
        b["score"] = settled.evaluation.budget.score
    kept = Evaluation.model_validate(data)
    if declared is not None and declared != card.total and not any(d.label == "自评得分" for d in disputes):
        disputes.append(Dispute("自评得分", number(declared), number(card.total), "按评分规则计算"))
    claims = tuple(ctx.claims) if e.narrative else ()
    return Kept(kept, settled, tuple(disputes), tuple(recomputed), claims)


# ------------------------------------------------------------------ the unit's text: marked, never rewritten


def _note(hit, rules: RuleSet, hit_doc: Evaluation | None = None) -> tuple[str, Dispute]:  # noqa: ANN001 - checks.Hit
    claim, truth = hit.claim, hit.truth
    if claim.kind == "amount":
        table = money(Decimal(truth))
        text = f"正文{claim.written}，表中{table}万元"
        from ..checks.narrative import field_name

        return text, Dispute(field_name(hit_doc, claim.field) if hit_doc else claim.label, claim.written, f"{table}万元",
                             f"正文「{claim.section}」与表格不一致", True)
    if claim.kind == "rate":
        value = shown_rate(Decimal(truth) / HUNDRED)
        key = claim.field.removeprefix("rate:")
        if implausible("budget.adjustment_rate" if "adjustment" in key else
                       "budget.three_public.rate" if "three_public" in key or "carryover" in key else "budget.rate",
                       value):
            text = f"正文{claim.written}，与表中金额不符，请核对金额"
            return text, Dispute(claim.label or "比率", claim.written, "（未改写）",
                                 "按表中金额算得的比率超出合理范围", True)
        text = f"正文{claim.written}，按表中金额为{percent(value)}"
        return text, Dispute(claim.label or "比率", claim.written, percent(value),
                             f"正文「{claim.section}」与表中金额不一致", True)
    shown = str(truth) if claim.kind == "grade" else number(Decimal(truth))
    text = f"正文{claim.written}，表中{shown}"
    return text, Dispute(claim.label.rstrip("为是：:") or "数字", claim.written, shown,
                         f"正文「{claim.section}」与表格不一致", True)


_POSITIVE = re.compile(r"(执行效果良好|执行情况良好|执行良好|执行效果较好|效果良好)")
_NONE = re.compile(r"^\s*无[。.]?\s*$")


def mark(e: Evaluation, rules: RuleSet, claims: tuple | None = None) -> tuple[Evaluation, tuple[Dispute, ...]]:
    """``e`` with 【待核实：…】 after every figure of its own text its tables dispute, and after positive
    wording its data contradicts; the text itself is kept word for word. ``claims``: the figures already read
    in the same narrative (:attr:`Kept.claims`)."""
    from .prose import _get_text, _locate, _set_text

    ctx = Context(e, rules)
    if not e.narrative:
        ctx.__dict__["claims"] = []
    elif claims:
        ctx.__dict__["claims"] = list(claims)  # the narrative is the unit's, unchanged by keep: read once
    hits = [hit for chk in CHECKS if chk.code in MARKED for hit in chk.func(ctx)
            if hit.claim is not None and hit.truth is not None]
    texts: dict[str, str] = {}
    inserts: dict[str, dict[int, str]] = {}
    disputes: list[Dispute] = []
    for hit in hits:
        claim = hit.claim
        text = texts.setdefault(claim.path, _get_text(e, claim.path))
        span = _locate(text, claim)
        note, dispute = _note(hit, rules, e)
        at = span[1] if span is not None else len(text.rstrip())
        end = _unit_end(text, at)
        inserts.setdefault(claim.path, {}).setdefault(end, f"【待核实：{note}】")
        disputes.append(dispute)
    rate = e.budget.rate
    threshold = rules.budget_execution.explain_below
    if rate is not None and threshold is not None and rate < threshold:  # a rule set may set no threshold
        fact = f"预算执行率{percent(rate)}，低于{number(threshold)}%"
        for path, text in _section_texts(e):
            texts.setdefault(path, text)
            for m in _POSITIVE.finditer(text):
                inserts.setdefault(path, {}).setdefault(m.end(), f"【待核实：{fact}】")
                disputes.append(Dispute(m.group(), m.group(), fact, "正文的评价与数据不符", True))
            if _NONE.match(text) and "主要问题" in path_title(e, path):
                inserts.setdefault(path, {}).setdefault(len(text.rstrip()),
                                                        f"【待核实：{fact}，须说明原因及改进措施】")
                disputes.append(Dispute("发现的主要问题", "无", fact, "执行率偏低须说明原因及改进措施", True))
    if not inserts:
        return e, tuple(disputes)
    data = e.model_dump(mode="python")
    for path, at in inserts.items():
        text = texts[path]
        for pos in sorted(at, reverse=True):
            text = text[:pos] + at[pos] + text[pos:]
        _set_text(data, path, text)
    return Evaluation.model_validate(data), tuple(disputes)


def _unit_end(text: str, at: int) -> int:
    """After the figure's unit (万元, 元, %, 分), where the note goes."""
    m = re.match(r"\s*(万元|亿元|元|%|％|分|个)", text[at:])
    return at + m.end() if m else at


def _section_texts(e: Evaluation):
    def walk(sections, prefix):
        for i, s in enumerate(sections):
            path = f"{prefix}[{i}]"
            if s.text:
                yield f"{path}.text", s.text
            yield from walk(s.sections, f"{path}.sections")

    yield from walk(e.narrative, "narrative")


def path_title(e: Evaluation, path: str) -> str:
    """The titles of the section at a ``narrative[3].sections[1].text`` path and its parents."""
    node: Any = e
    titles = []
    for part in path.split(".")[:-1]:
        name, _, index = part.partition("[")
        node = getattr(node, name)[int(index[:-1])]
        titles.append(node.title)
    return " ".join(titles)


__all__ = ["Dispute", "Kept", "disputed_amounts", "implausible", "keep", "mark"]
