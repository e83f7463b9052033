"""Derived figures (core, beside scoring): the document with every derived figure taken from the data.

A unit types amounts, counts, targets and actual values; everything derived from
them (执行率, the common indicators' actual values, scores, subtotals, the total,
the grade, the 各项指标得分情况表) is computed here under the rule set, so the
report and the tables cannot disagree. A stated figure that already agrees with
the computed one (59.9% for 59.93%… is *not* agreement; 23% for 23.18% is, at
the precision it is written with) is kept as the author wrote it; one that
disagrees, or is missing, is replaced, and every replacement is listed as a
:class:`Change` so the author sees what moved.

Percentages that are filled in or replaced are the half-up rounding of the true
ratio to two decimals (what a form shows); scores are the scoring engine's, with
the rule set's own rounding. Nothing else is rounded.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from . import common
from .document import Amounts, Evaluation, _percent
from .figures import as_written, money, number, percent
from .numbers import HUNDRED
from .rulesets import RuleSet
from .scoring import Scorecard, score
from .tolerance import compare, same_figure
from .values import parse_value

_CENT = Decimal("0.01")


@dataclass(frozen=True)
class Change:
    """One figure the writer set: where, what the document said, what it says now, and why."""

    path: str
    label: str
    before: str
    after: str
    reason: str

    def __str__(self) -> str:
        was = self.before or "（空）"
        return f"{self.label}：{was} → {self.after}（{self.reason}）"


@dataclass(frozen=True)
class Settled:
    """A settled document with its scorecard and the list of figures changed."""

    evaluation: Evaluation
    card: Scorecard
    rules: RuleSet
    changes: tuple[Change, ...]


def shown_rate(ratio: Decimal) -> Decimal:
    """A ratio (0.59933) as the percentage a form shows: 59.93; an integral one as 100."""
    value = (ratio * HUNDRED).quantize(_CENT, ROUND_HALF_UP)
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value


class _Settler:
    """Collects field updates on plain data, then validates once."""

    def __init__(self, e: Evaluation) -> None:
        self.data: dict[str, Any] = e.model_dump(mode="python", exclude={"provenance"})
        self.changes: list[Change] = []

    def rate(self, node: dict[str, Any] | None, path: str, label: str, num: Decimal | None,
             den: Decimal | None) -> None:
        """Set ``node['rate']`` to num/den unless the stated rate already agrees."""
        if node is None or num is None or not den:
            return
        true = num / den * HUNDRED
        stated = _percent(node.get("rate"))
        # Kept only when it is the usual (half-up) rounding: a form's formula shows exactly that.
        if stated is not None and compare(stated, true).usual:
            return
        node["rate"] = shown_rate(num / den)
        self.changes.append(Change(f"{path}.rate", label, as_written(stated), percent(node["rate"]),
                                   f"按金额计算 {money(num)}/{money(den)}"))

    def set(self, node: dict[str, Any], key: str, path: str, label: str, value: Any, reason: str,
            show=number) -> None:
        before = node.get(key)
        if show is percent:
            before = _percent(before)
        if before == value and (before is None or str(before) == str(value)):
            return
        if isinstance(before, Decimal) and isinstance(value, Decimal) and before == value:
            return
        node[key] = value
        shown_before = as_written(before) if show is percent else show(before)
        self.changes.append(Change(path, label, shown_before if before is not None else "",
                                   show(value) if value is not None else "", reason))


def _amount_rates(s: _Settler, e: Evaluation) -> None:
    b = s.data["budget"]
    s.rate(b, "budget", "预算执行率", e.budget.executed, e.budget.adjusted or e.budget.initial)
    for split, lines in (("by_source", ("fiscal", "other")), ("by_structure", ("basic", "project"))):
        part = b.get(split)
        for line in lines:
            node = part.get(line) if part else None
            amounts = Amounts(**node) if node else None
            if amounts is not None:
                s.rate(node, f"budget.{split}.{line}", f"{_LINE_NAMES[line]}执行率", amounts.executed,
                       amounts.adjusted or amounts.initial)
    for i, (task, node) in enumerate(zip(e.tasks, s.data["tasks"])):
        s.rate(node, f"tasks[{i}]", f"{task.name}预算执行率", task.executed, task.budget)
    for key, attr, num, den, label in (
        ("three_public", "rate", "actual", "budget", "“三公经费”控制率"),
        ("procurement", "rate", "actual", "budget", "政府采购执行率"),
        ("special_funds", "rate", "detailed", "total", "专项资金细化率"),
    ):
        node = b.get(key)
        if node:
            s.rate(node, f"budget.{key}", label, node.get(num), node.get(den))


_LINE_NAMES = {"fiscal": "财政性资金", "other": "其他资金", "basic": "基本支出", "project": "项目支出"}


def _budget_rates(s: _Settler, e: Evaluation) -> None:
    """结转结余率 and 预算调整率 where the document states them (they have no cell of their own otherwise)."""
    b = s.data["budget"]
    gross = any(getattr(e.budget, k) is not None for k in ("increase", "decrease", "restructured"))
    for key, rate in (("carryover_rate", common.carryover_rate(e)), ("adjustment_rate", common.budget_adjustment_rate(e))):
        stated = _percent(b.get(key))
        if stated is None or rate.value is None or compare(stated, rate.value * HUNDRED).agrees:
            continue
        if key == "adjustment_rate" and not gross and abs(stated) >= abs(rate.value * HUNDRED):
            continue  # the net change is only a lower bound of the gross rate: a larger stated rate may be right
        s.set(b, key, f"budget.{key}", rate.name, shown_rate(rate.value), f"按金额计算 {rate.formula}", percent)


def _common_actuals(s: _Settler, e: Evaluation, rules: RuleSet) -> None:
    """A common indicator's 实际完成值 (预算执行率 90%) is the rate its amounts give."""
    rates = common.compute_all(e)
    rates["budget_execution_rate"] = common.budget_execution_rate(e, rules.budget_execution.basis)
    for leaf in e.leaves():
        key = leaf.indicator.common or common.identify(leaf.indicator.name)
        rate = rates.get(key) if key else None
        if rate is None or rate.value is None:
            continue
        actual = leaf.indicator.actual
        if actual.raw in (None, "") and leaf.indicator.weight is None:
            continue  # an unused row of the form (no weight, nothing stated) stays blank
        stated = actual.number if actual.unit in ("%", None) and actual.number is not None else None
        if stated is not None and compare(stated, rate.value * HUNDRED).agrees:
            continue
        node = _node(s.data, leaf.path)
        after = percent(shown_rate(rate.value))
        node["actual"] = parse_value(after)
        s.changes.append(Change(f"{leaf.path}.actual", f"{leaf.indicator.name}实际完成值", actual.raw or "", after,
                                f"按金额计算 {rate.formula}"))


_RATE_FIELDS = {
    "budget_execution_rate": ("rate",), "carryover_rate": ("carryover_rate",),
    "budget_adjustment_rate": ("adjustment_rate",), "three_public_rate": ("three_public", "rate"),
    "procurement_rate": ("procurement", "rate"), "special_funds_rate": ("special_funds", "rate"),
}


def _one_rate_once(s: _Settler, e: Evaluation) -> None:
    """A rate with no amounts behind it, stated both in the budget data and as a common indicator's actual
    value (专项资金细化率 100% and 90%): the indicator table, the official form, is kept."""
    rates = common.compute_all(e)
    for leaf in e.leaves():
        key = leaf.indicator.common or common.identify(leaf.indicator.name)
        if key not in _RATE_FIELDS or rates[key].value is not None:
            continue
        actual = leaf.indicator.actual
        if actual.number is None or actual.unit not in ("%", None):
            continue
        *parents, name = _RATE_FIELDS[key]
        node = s.data["budget"]
        for part in parents:
            node = node.get(part) or {}
        stated = _percent(node.get(name))
        if stated is not None and not same_figure(stated, actual.number):
            path = ".".join(["budget", *parents, name])
            s.set(node, name, path, leaf.indicator.name, actual.number, "与绩效指标表的实际完成值一致", percent)


def _node(data: dict[str, Any], path: str) -> dict[str, Any]:
    """The dict at an ``indicators[i].children[j].children[k]`` path of the dumped document."""
    node: Any = data
    for part in path.split("."):
        name, _, index = part.partition("[")
        node = node[name][int(index[:-1])] if index else node[name]
    return node


def _scores(s: _Settler, card: Scorecard, rules: RuleSet) -> None:
    """Leaf scores, category weights, the budget-execution score, the category table, total and grade."""
    for item in card.indicators:
        if item.computed is not None:
            node = _node(s.data, item.path)
            s.set(node, "score", f"{item.path}.score", f"{item.name}得分", item.computed, "按评分规则计算")
    weights = {c.key: c.weight for c in card.categories}
    level1 = {i.level1: i.category for i in card.indicators if i.category}
    for n, category in enumerate(s.data["indicators"]):
        key = level1.get(category["name"])
        if key in weights and category.get("weight") is not None:
            s.set(category, "weight", f"indicators[{n}].weight", f"{category['name']}权重", weights[key],
                  "规则集类别权重")
    budget = next((c for c in card.categories if _is_budget(c.key, rules)), None)
    if budget is not None:
        b = s.data["budget"]
        s.set(b, "weight", "budget.weight", "预算执行分值", budget.weight, "规则集类别权重")
        s.set(b, "score", "budget.score", "预算执行得分", budget.computed, "按执行率计算")
    rows = [{"name": c.name, "weight": c.weight, "score": c.computed,
             "rate": shown_rate(c.computed / c.weight) if c.weight else None} for c in card.categories]
    reported = s.data["reported"]
    if _category_rows_differ(reported.get("categories") or [], rows):
        s.changes.append(Change("reported.categories", "各项指标得分情况表", _rows_text(reported.get("categories")),
                                _rows_text(rows), "按评分规则计算"))
    reported["categories"] = rows
    s.set(reported, "total", "reported.total", "自评得分", card.total, "各类别得分之和")
    s.set(reported, "grade", "reported.grade", "自评结果", card.grade, f"按总分{number(card.total)}定级", str)


def _is_budget(key: str, rules: RuleSet) -> bool:
    return any(c.key == key and c.source == "budget_execution" for c in rules.categories)


def _category_rows_differ(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> bool:
    if len(before) != len(after):
        return True
    return any((a.get("weight"), a.get("score")) != (b["weight"], b["score"]) for a, b in zip(before, after))


def _rows_text(rows: list[dict[str, Any]] | None) -> str:
    return "；".join(f"{r['name']} {number(r.get('score'))}/{number(r.get('weight'))}" for r in rows or [])


def settle(e: Evaluation, rules: RuleSet) -> Settled:
    """The document with every derived figure computed from its data under ``rules``.

    Order matters: rates first (a common indicator's actual value depends on the
    amounts), then the scores from the corrected actual values.
    """
    s = _Settler(e)
    _amount_rates(s, e)
    _budget_rates(s, e)
    _common_actuals(s, e, rules)
    _one_rate_once(s, e)
    if rules.id != e.ruleset and e.ruleset is not None:
        s.data["ruleset"] = rules.id
    staged = Evaluation.model_validate(s.data)
    card = score(staged, rules)
    _scores(s, card, rules)
    settled = Evaluation.model_validate(s.data)
    return Settled(settled, score(settled, rules), rules, tuple(s.changes))
