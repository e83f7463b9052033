"""The scoring engine: document + rule set → scorecard (评分卡).

Every indicator gets a computed score with a one-line Chinese explanation
(``目标≥95%，实际90%，90/95×2=1.89``); categories get their subtotal and
得分率; the total its grade. Beside each computed figure stands what the
document reports, and every difference is listed. Exact Decimal arithmetic;
rounding only where the rule set says (per line, or on the total only).

Three views of the same score are kept apart on purpose:

* ``computed``: what the rule set gives from the document's figures;
* ``reported``: what the document states (自评得分, 各项指标得分情况表);
* ``stated``: the document's own stated line scores added up (表内合计),
  which shows arithmetic slips independent of any rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from . import common, direction
from .document import Evaluation, Indicator, Leaf
from .numbers import HUNDRED, ONE, ZERO, RoundingMode, fmt, pct, round_to
from .rulesets import Band, CategoryRule, IndicatorMethod, RuleSet
from .values import Comparator, Grade, Value, ValueKind, format_value, parse_value

_BUDGET_ALIASES = ("预算执行", "资金执行")


@dataclass(frozen=True)
class IndicatorScore:
    """The score of one third-level indicator.

    Attributes:
        path: the leaf's path in the document.
        level1 / level2 / name: the three levels' names.
        category: key of the rule-set category it counts in (None: unassigned).
        weight: 分值.
        reported: 得分 as stated.
        computed: score by the rule set (None when it cannot be computed).
        method: positive / negative / equal / deadline / qualitative / none.
        explanation: one line in Chinese showing how ``computed`` came out.
        met: whether the target was met (None when unknown).
        ratio: actual / target for quantitative indicators.
        common: key of the common indicator, when it is one.
        applicable: False for indicators marked not applicable.
        unrounded: the score before the rule set's rounding (quantitative only),
            so a checker can tell which rounding a document used.
        direction: how the direction (≥/≤) of a target without comparator was decided.
        disputed: why the figures behind it cannot be scored (执行数大于预算数, 0/0 …): no
            computed score, the reported one kept and marked 待核实.
        needs_direction: the target has no ≥/≤/= and nothing tells its direction: not scored.
        clamped: a qualitative score outside its band, set to the band's nearest bound.
    """

    path: str
    level1: str
    level2: str
    name: str
    category: str | None
    weight: Decimal | None
    reported: Decimal | None
    computed: Decimal | None
    method: str
    explanation: str
    met: bool | None = None
    ratio: Decimal | None = None
    common: str | None = None
    applicable: bool = True
    unrounded: Decimal | None = None
    direction: str | None = None
    disputed: str | None = None
    needs_direction: bool = False
    clamped: bool = False

    @property
    def used(self) -> Decimal:
        """The score that counts: computed, else reported, else 0."""
        if self.computed is not None:
            return self.computed
        return self.reported if self.reported is not None else ZERO

    @property
    def lost(self) -> Decimal | None:
        """Points lost against the weight (扣分)."""
        if self.weight is None:
            return None
        return self.weight - self.used


@dataclass(frozen=True)
class CategoryScore:
    """A first-level category's subtotal.

    Attributes:
        key / name: from the rule set.
        weight: effective weight (after redistribution from absent categories).
        computed: subtotal by the rule set.
        reported: the category table's 得分 for it.
        stated: the document's stated line scores added up (None if none stated).
        reported_weight: the category table's 权重分值.
        reported_rate: the category table's 得分率 (percentage points).
        indicators: its indicators' scores.
        note: how the subtotal was obtained when not from indicators.
        disputed: why it is not computed (执行率超过100%…): the reported score is kept, 待核实.
    """

    key: str
    name: str
    weight: Decimal
    computed: Decimal
    reported: Decimal | None
    stated: Decimal | None
    reported_weight: Decimal | None = None
    reported_rate: Decimal | None = None
    indicators: tuple[IndicatorScore, ...] = ()
    note: str | None = None
    disputed: str | None = None

    @property
    def rate(self) -> Decimal | None:
        """得分率 = computed / weight."""
        return self.computed / self.weight if self.weight else None


@dataclass(frozen=True)
class Difference:
    """A reported figure that differs from the computed one."""

    where: str
    field: str
    reported: Decimal | str | None
    computed: Decimal | str | None
    message: str


@dataclass(frozen=True)
class Explanation:
    """Something the rule set requires the document to explain (偏差说明).

    Attributes:
        where: the indicator path or figure concerned.
        reason: why an explanation is required (执行率低于70%、超过目标120%…).
        given: the explanation the document gives, None when it gives none.
    """

    where: str
    reason: str
    given: str | None


@dataclass(frozen=True)
class Scorecard:
    """The result of scoring one document under one rule set.

    ``basis`` says which rules were used and why (「按文件自身权重计算（未找到……的规则）」 when no
    rule set fits); ``own_weights`` is True then; ``uncertain`` lists what in the rules is not confirmed.
    ``declaration_only``: the document holds only a 绩效目标申报表 (targets, no actual value, no score):
    it is not a self-evaluation, and no output may present its total as a 自评得分.
    """

    ruleset: str
    ruleset_title: str
    total: Decimal
    grade: str
    categories: tuple[CategoryScore, ...]
    reported_total: Decimal | None
    reported_grade: str | None
    stated_total: Decimal | None
    execution_rate: common.Rate
    unassigned: tuple[IndicatorScore, ...] = ()
    differences: tuple[Difference, ...] = ()
    notes: tuple[str, ...] = ()
    explanations: tuple[Explanation, ...] = ()
    basis: str = ""
    own_weights: bool = False
    uncertain: tuple[str, ...] = ()
    declaration_only: bool = False

    @property
    def missing_explanations(self) -> tuple[Explanation, ...]:
        return tuple(e for e in self.explanations if not e.given)

    @property
    def indicators(self) -> tuple[IndicatorScore, ...]:
        return tuple(i for c in self.categories for i in c.indicators) + self.unassigned


# ------------------------------------------------------------------ helpers


def declaration_only(e: Evaluation, leaves: list[Indicator] | None = None) -> bool:
    """The document holds a 绩效目标申报表 only: indicators with targets, but no actual value and no score
    (seeds 000 and 003). ``leaves``: its indicators when already walked."""
    if leaves is None:
        leaves = [leaf.indicator for leaf in e.leaves()]
    if not leaves or not any(ind.target.raw.strip() for ind in leaves):
        return False
    return not any(ind.actual.raw.strip() or ind.score is not None for ind in leaves)


def _round(value: Decimal, rules: RuleSet) -> Decimal:
    r = rules.rounding
    return round_to(value, r.decimals, r.mode) if r.scope == "per_line" else value


def _show(value: Value) -> str:
    return format_value(value) or "（空）"


def _category_for(leaf: Leaf, rules: RuleSet) -> CategoryRule | None:
    scored = [c for c in rules.categories if c.source == "indicators"]
    if rules.origin == "document":  # a document's own category is its exact 一级 name
        for c in scored:
            if leaf.level1 in c.match:
                return c
    for c in scored:
        if any(m in leaf.level2 for m in c.match_level2):
            return c
    for c in scored:
        if any(m in leaf.level1 for m in c.match):
            return c
    return None


# ------------------------------------------------------------------ leaves


@dataclass
class _Quantity:
    number: Decimal
    percent: bool
    unit: str | None
    note: str = ""


def _quantity(value: Value, like: Value) -> _Quantity | None:
    """The actual as a number comparable with the target ``like``."""
    if value.number is None or value.kind not in (ValueKind.NUMBER, ValueKind.PERCENT):
        return None
    note = f"实际值写作「{value.raw.strip()}」，按{_show(value)}计" if value.comparator else ""
    percent = value.kind is ValueKind.PERCENT or (like.kind is ValueKind.PERCENT and value.unit is None)
    return _Quantity(value.number, percent, value.unit, note)


def _units_agree(target: Value, actual: _Quantity) -> bool:
    if target.kind is ValueKind.PERCENT:
        return actual.percent
    if actual.percent:
        return False
    return target.unit is None or actual.unit is None or target.unit.rstrip("次") == actual.unit.rstrip("次")


def _score_quantitative(target: Value, actual: _Quantity, w: Decimal, rules: RuleSet, comparator: Comparator,
                        method: IndicatorMethod | None = None) -> tuple[Decimal, str, bool, Decimal | None, str]:
    """Return (raw score, formula text, met, ratio, method) for target A, actual B, weight w.

    ``comparator`` is the resolved direction (:mod:`jixiao.direction`); ``method`` the rule set's own
    method for this indicator, when it names one (inverse ratio, deduction per percentage point).
    """
    a, b = target.number, actual.number
    assert a is not None
    unit = "%" if target.kind is ValueKind.PERCENT else (target.unit or "")
    ta, tb = f"{fmt(a)}{unit}", f"{fmt(b)}{unit}"
    ratio = b / a if a != ZERO else None
    if method is not None and method.method == "ratio":
        comparator = Comparator.GE
    elif method is not None and method.method in ("inverse_ratio", "deduction_per_point"):
        comparator = Comparator.LE
    if comparator is Comparator.EQ and rules.quantitative.equal == "exact":
        if b == a:
            return w, f"实际{tb}等于目标，得满分{fmt(w)}", True, ratio, "equal"
        lo, hi = min(a, b), max(a, b)
        return (w * lo / hi if hi else ZERO), f"实际{tb}≠目标{ta}，{fmt(lo)}/{fmt(hi)}×{fmt(w)}", False, ratio, "equal"
    if comparator in (Comparator.GE, Comparator.GT, Comparator.EQ):
        met = b > a if comparator is Comparator.GT else b >= a
        kind = "equal" if comparator is Comparator.EQ else "positive"
        if met or a <= ZERO:
            return w, f"已达成，得满分{fmt(w)}", True, ratio, kind
        if b <= ZERO:
            return ZERO, f"实际{tb}，得0分", False, ratio, kind
        return w * b / a, f"{fmt(b)}/{fmt(a)}×{fmt(w)}", False, ratio, kind
    met = b < a if comparator is Comparator.LT else b <= a
    if met:
        return w, f"已达成，得满分{fmt(w)}", True, ratio, "negative"
    if method is not None and method.method == "deduction_per_point" and method.per_point is not None:
        over = b - a  # percentage points (or units) over the standard
        raw = max(ZERO, w - w * method.per_point * over)
        return raw, f"超过{fmt(over)}个百分点，每个百分点扣{fmt(method.per_point * w)}分：{fmt(w)}-{fmt(method.per_point * w)}×{fmt(over)}", \
            False, ratio, "negative"
    if a <= ZERO:
        return ZERO, f"目标为{ta}，实际{tb}，未达成，得0分", False, ratio, "negative"
    if rules.quantitative.negative == "linear_deduction" and method is None:
        raw = w * max(ZERO, ONE - (b - a) / a)
        return raw, f"{fmt(w)}×max(0, 1-({fmt(b)}-{fmt(a)})/{fmt(a)})", False, ratio, "negative"
    return w * a / b, f"{fmt(a)}/{fmt(b)}×{fmt(w)}", False, ratio, "negative"


def _grade_of_actual(actual: Value) -> Grade | None:
    """达成 / 部分达成 / 未达成 as the parser read it (合理, 基本完成, 未落实, 达成年度指标…)."""
    return actual.grade if actual.kind in (ValueKind.GRADE, ValueKind.QUALITATIVE) else None


_GRADE_NAMES = {Grade.ACHIEVED: "达成", Grade.PARTIAL: "部分达成", Grade.NOT_ACHIEVED: "未达成"}


def _band(grade: Grade, rules: RuleSet) -> Band:
    q = rules.qualitative
    return {Grade.ACHIEVED: q.achieved, Grade.PARTIAL: q.partial, Grade.NOT_ACHIEVED: q.not_achieved}[grade]


def _score_qualitative(grade: Grade, w: Decimal, reported: Decimal | None,
                       rules: RuleSet) -> tuple[Decimal, str, bool]:
    """The score of a qualitative indicator in its band: (score, explanation, clamped).

    Bands [80,100] / [60,80) / [0,60) of the weight: only 达成 includes its upper bound. A reported
    score inside its band is kept; outside, it is clamped to the band's nearest bound and flagged
    (never raised to the top: a unit's 1 of 2 on 「合理」 becomes 1.6, not 2). Without a reported score,
    the rule set's ``default_point`` of the band.
    """
    band = _band(grade, rules)
    lo, hi = w * band.min / HUNDRED, w * band.max / HUNDRED
    head = f"{_GRADE_NAMES[grade]}档（{fmt(band.min)}%–{fmt(band.max)}%，{fmt(lo)}–{fmt(hi)}分）"
    if reported is not None:
        if in_band(grade, reported, lo, hi):
            return reported, f"{head}，采用填报得分{fmt(reported)}", False
        bound = lo if reported < lo else hi
        return bound, f"{head}，填报得分{fmt(reported)}不在档内，按最近的档界{fmt(bound)}计", True
    point = {"upper": hi, "lower": lo, "middle": (lo + hi) / 2}[rules.qualitative.default_point]
    return point, f"{head}，按{fmt(point)}计", False


def in_band(grade: Grade, score: Decimal, lo: Decimal, hi: Decimal) -> bool:
    """Whether ``score`` lies in the grade's band: [lo, hi] for 达成, [lo, hi) for the lower two."""
    if grade is Grade.ACHIEVED:
        return lo <= score <= hi
    return lo <= score < hi


_PART_OF_WHOLE = ("budget_execution_rate", "special_funds_rate", "monitoring_rate", "self_evaluation_rate",
                  "department_evaluation_rate", "result_application_rate")


def implausible(rate: common.Rate) -> str | None:
    """Why a computed rate cannot be scored, or None.

    A part above its whole (执行数大于预算数: 205.60%), an adjustment above 100% of the initial budget,
    or a rate from 0/0 (不适用): the data must be checked (待核实) before any score is computed from it.
    """
    if rate.denominator is not None and rate.denominator == ZERO:
        return f"{rate.name}的分母为0（{rate.formula}），不适用或数据缺失"
    if rate.value is None:
        return None
    if rate.key in _PART_OF_WHOLE and rate.value > ONE:
        return f"{rate.name}为{pct(rate.value)}（{rate.formula}），分子大于分母，数据不可信"
    if rate.key == "budget_adjustment_rate" and abs(rate.value) > ONE:
        return f"{rate.name}为{pct(rate.value)}（{rate.formula}），调整超过年初预算的100%，数据不可信"
    return None


def _common_actual(leaf: Leaf, rates: dict[str, common.Rate]) -> tuple[Value | None, str, str | None, str | None]:
    """For a common indicator, its actual computed from amounts (never the typed one).

    Returns (actual, note, key, disputed): ``disputed`` says why the amounts cannot be scored.
    """
    key = leaf.indicator.common or common.identify(leaf.indicator.name)
    if key is None:
        return None, "", None, None
    rate = rates.get(key)
    if rate is None:
        return None, "", key, None
    problem = implausible(rate)
    if problem is not None:
        return None, "", key, problem
    if rate.value is None:
        return None, "", key, None
    points = rate.value * HUNDRED
    value = parse_value(f"{points}%")
    note = f"实际按公式计算为{pct(rate.value)}（{rate.formula}）"
    return value, note, key, None


def _in_context(value: Value, unit: str | None, year: int | None) -> Value:
    """Re-read a cell with its row's 度量单位 and the document's year (a bare 90 with unit %, 12月底前)."""
    if value.kind in (ValueKind.EMPTY, ValueKind.QUALITATIVE, ValueKind.GRADE) or (not unit and year is None):
        return value
    if value.kind is ValueKind.PERCENT or (value.kind is ValueKind.NUMBER and value.unit):
        return value
    if value.kind is ValueKind.DATE and value.date is not None:
        return value
    return parse_value(value.raw, unit, year)


def score_leaf(leaf: Leaf, category: CategoryRule | None, rates: dict[str, common.Rate], rules: RuleSet,
               year: int | None = None) -> IndicatorScore:
    """Score one indicator and explain it (``year``: the document's, for dates written without one)."""
    ind = leaf.indicator
    base: dict[str, Any] = dict(path=leaf.path, level1=leaf.level1, level2=leaf.level2, name=ind.name,
                category=category.key if category else None, weight=ind.weight, reported=ind.score,
                applicable=ind.applicable)
    formula_actual, formula_note, key, disputed = _common_actual(leaf, rates)
    base["common"] = key
    if not ind.applicable:
        return IndicatorScore(**base, computed=None, method="none", explanation="不适用，不计分（按适用指标折算）")
    if ind.weight is None:
        return IndicatorScore(**base, computed=None, method="none", explanation="未设分值，不计分")
    w = ind.weight
    target = _in_context(ind.target, ind.unit, year)
    if disputed is not None:
        kept = f"沿用填报得分{fmt(ind.score)}" if ind.score is not None else "无填报得分"
        return IndicatorScore(**base, computed=None, method="none", disputed=disputed,
                              explanation=f"目标{_show(target)}：{disputed}，不计算得分，{kept}【待核实】")
    zero = target.comparator is None and direction.is_zero_target(target)
    if zero and target.number is None:
        target = parse_value("0")
    actual = formula_actual or _in_context(ind.actual, ind.unit, year)
    if zero and actual.number is None and actual.raw.strip() in _NONE_WORDS:
        actual = parse_value("0")  # 「无」「未发生」 as the actual of a zero target (0起) is 0
    prefix = f"目标{_show(target)}，实际{_show(actual)}"
    if formula_actual is not None:
        prefix = f"目标{_show(target)}，{formula_note}"
        if ind.actual.kind is not ValueKind.EMPTY and ind.actual.raw.strip() != _show(actual):
            prefix += f"（表中填{ind.actual.raw.strip()}）"
    if target.is_quantitative and target.number is not None:
        return _score_quantity(base, leaf, key, target, actual, w, rules, prefix)
    if target.kind is ValueKind.DATE:
        return _score_deadline(base, target, actual, w, prefix)
    grade = _grade_of_actual(actual)
    if grade is None and actual.kind is ValueKind.TEXT and _same_words(target, actual):
        grade = Grade.ACHIEVED  # the actual repeats the target word (完整 / 完整): achieved
    if target.kind in (ValueKind.QUALITATIVE, ValueKind.GRADE, ValueKind.TEXT, ValueKind.EMPTY) and grade is not None:
        score, text, clamped = _score_qualitative(grade, w, ind.score, rules)
        return IndicatorScore(**base, computed=_round(score, rules), method="qualitative",
                              explanation=f"{prefix}，{text}", met=grade is Grade.ACHIEVED, clamped=clamped)
    reason = "未填实际完成值" if actual.kind is ValueKind.EMPTY else "无法判断完成情况"
    return IndicatorScore(**base, computed=None, method="none", explanation=f"{prefix}：{reason}，无法计算")


_NONE_WORDS = ("无", "零", "未发生", "没有", "0")


def _score_quantity(base: dict, leaf: Leaf, key: str | None, target: Value, actual: Value, w: Decimal,
                    rules: RuleSet, prefix: str) -> IndicatorScore:
    qty = _quantity(actual, target)
    if qty is None:
        reason = "未填实际完成值" if actual.kind is ValueKind.EMPTY else "实际完成值不是数值"
        return IndicatorScore(**base, computed=None, method="none", explanation=f"{prefix}：{reason}，无法计算")
    if not _units_agree(target, qty):
        return IndicatorScore(**base, computed=None, method="none",
                              explanation=f"{prefix}：目标与实际的单位不一致，无法计算")
    if actual.comparator is not None:
        ind = leaf.indicator
        kept = f"沿用填报得分{fmt(ind.score)}" if ind.score is not None else "无填报得分"
        disputed = f"实际完成值写作「{actual.raw.strip()}」，带比较符，不是实际达到的数值"
        return IndicatorScore(**base, computed=None, method="none", disputed=disputed,
                              explanation=f"{prefix}：{disputed}，不计算得分，{kept}【待核实】")
    method = rules.method_for(leaf.indicator.name, key) if rules.indicator_methods else None
    way = direction.resolve(leaf.indicator.name, leaf.level2, target, key, rules.quantitative.default_comparator)
    if way is None and method is None:
        return IndicatorScore(**base, computed=None, method="none", needs_direction=True,
                              explanation=f"{prefix}：目标未注明≥/≤/=，无法判断指标方向，不计分，请注明指标性质")
    comparator = way.comparator if way is not None else Comparator.GE
    raw, formula, met, ratio, kind = _score_quantitative(target, qty, w, rules, comparator, method)
    raw = _deduct(raw, ratio, met, rules)
    score = _round(raw, rules)
    shown = formula if formula.startswith(("已达成", "实际", "目标")) else f"{formula}={fmt(score)}"
    told = f"；{way.source}" if way is not None and target.comparator is None else ""
    text = f"{prefix}{told}{'；' + qty.note if qty.note else ''}，{shown}"
    return IndicatorScore(**base, computed=score, method=kind, explanation=text, met=met, ratio=ratio,
                          unrounded=raw, direction=way.source if way is not None else method.method if method else None)


def _same_words(target: Value, actual: Value) -> bool:
    a, b = target.raw.strip(), actual.raw.strip()
    return bool(a) and a == b and len(a) <= 12 and not any(ch.isdigit() for ch in a)


def _deduct(raw: Decimal, ratio: Decimal | None, met: bool, rules: RuleSet) -> Decimal:
    d = rules.over_achievement.deduction
    if d is None or ratio is None or not met or ratio < d.ratio:
        return raw
    return max(ZERO, raw - d.points)


def _score_deadline(base: dict, target: Value, actual: Value, w: Decimal, prefix: str) -> IndicatorScore:
    met: bool | None = None
    if actual.raw.strip() == target.raw.strip():
        met = True
    elif actual.kind is ValueKind.DATE and actual.date and target.date:
        met = actual.date <= target.date
    elif actual.kind in (ValueKind.QUALITATIVE, ValueKind.GRADE):
        met = _grade_of_actual(actual) is Grade.ACHIEVED
    if met is None:
        reason = "未填实际完成值" if actual.kind is ValueKind.EMPTY else "无法判断是否按期"
        return IndicatorScore(**base, computed=None, method="deadline", explanation=f"{prefix}：{reason}，无法计算")
    score = w if met else ZERO
    text = f"{prefix}，{'按期完成，得满分' if met else '未按期完成，得0分'}{fmt(score)}"
    return IndicatorScore(**base, computed=score, method="deadline", explanation=text, met=met)


# ------------------------------------------------------------------ categories


def _matches(name: str, category: CategoryRule) -> bool:
    names = [*category.match, category.name]
    if category.source == "budget_execution":
        names += list(_BUDGET_ALIASES)
    stem = category.name.removesuffix("指标")
    return any(n and n in name for n in names) or bool(stem and stem in name) or bool(name and name in category.name)


def _reported_row(e: Evaluation, category: CategoryRule, taken: set[int]):
    for i, row in enumerate(e.reported.categories):
        if i not in taken and _matches(row.name, category):
            taken.add(i)
            return row
    return None


def _budget_category(e: Evaluation, c: CategoryRule, weight: Decimal, rate: common.Rate, rules: RuleSet,
                     row) -> CategoryScore:
    reported = row.score if row is not None and row.score is not None else e.budget.score
    rw, rr = (row.weight, row.rate) if row is not None else (None, None)
    problem = implausible(rate)
    if problem is not None:
        # 205.60% is not a performance, it is a figure to check: nothing is computed from it.
        kept = f"沿用填报得分{fmt(reported)}" if reported is not None else "无填报得分，计0分"
        note = f"{problem}，不计算得分，{kept}【待核实】"
        return CategoryScore(c.key, c.name, weight, reported or ZERO, reported, e.budget.score, rw, rr, (), note,
                             disputed=problem)
    if rate.value is None:
        note = f"无法计算预算执行率（{rate.missing}），沿用填报得分"
        return CategoryScore(c.key, c.name, weight, reported or ZERO, reported, e.budget.score, rw, rr, (), note)
    capped = min(rate.value, rules.budget_execution.cap)
    score = _round(weight * capped, rules)
    note = f"执行率{pct(rate.value)}（{rate.formula}），{fmt(weight)}×{pct(capped)}={fmt(score)}"
    if rate.note:
        note += f"；{rate.note}"
    return CategoryScore(c.key, c.name, weight, score, reported, e.budget.score, rw, rr, (), note)


def _effective_weights(rules: RuleSet, present: set[str]) -> tuple[dict[str, Decimal], list[str]]:
    weights = {c.key: c.weight for c in rules.categories}
    notes = []
    for c in rules.categories:
        if c.source == "indicators" and c.key not in present and c.if_absent:
            weights[c.key] = ZERO
            for target, points in c.if_absent.items():
                weights[target] += points
            moved = "、".join(f"{rules_name(rules, t)}+{fmt(p)}" for t, p in c.if_absent.items())
            how_sure = f"（{c.if_absent_note}）" if c.if_absent_note else ""
            notes.append(f"未设置{c.name}指标，其权重{fmt(c.weight)}分转入：{moved}{how_sure}")
    return weights, notes


def rules_name(rules: RuleSet, key: str) -> str:
    return next(c.name for c in rules.categories if c.key == key)


def score(evaluation: Evaluation, rules: RuleSet) -> Scorecard:
    """Score ``evaluation`` under ``rules``; never raises on the document's content."""
    rates = common.compute_all(evaluation)
    rates["budget_execution_rate"] = common.budget_execution_rate(evaluation, rules.budget_execution.basis)
    by_category: dict[str, list[IndicatorScore]] = {c.key: [] for c in rules.categories}
    unassigned: list[IndicatorScore] = []
    indicators: dict[str, Indicator] = {}
    for leaf in evaluation.leaves():
        indicators[leaf.path] = leaf.indicator
        category = _category_for(leaf, rules)
        result = score_leaf(leaf, category, rates, rules, evaluation.year)
        (by_category[category.key] if category else unassigned).append(result)
    present = {k for k, items in by_category.items() if any(i.weight is not None for i in items)}
    weights, notes = _effective_weights(rules, present)
    taken: set[int] = set()
    categories = []
    for c in rules.categories:
        row = _reported_row(evaluation, c, taken)
        if weights[c.key] == ZERO and c.key not in present:
            continue
        if c.source == "budget_execution":
            categories.append(_budget_category(evaluation, c, weights[c.key], rates["budget_execution_rate"], rules, row))
        else:
            categories.append(_indicator_category(c, weights[c.key], by_category[c.key], row))
    total, total_notes = _total(categories, rules, rates["budget_execution_rate"])
    notes += total_notes
    if unassigned:
        notes.append(f"{len(unassigned)} 个指标的一级指标不属于规则中的任何类别，未计分：" +
                     "、".join(f"{i.level1}/{i.name}" for i in unassigned[:5]))
    stated = _stated_total(evaluation, categories)
    explanations = _explanations(evaluation, categories, rates, rules, indicators)
    selection = rules.selection
    if rules.origin == "document":
        notes = [*rules.notes, *notes]
    if selection is not None and selection.how in ("own", "other_year"):
        notes.insert(0, selection.message)
    declared_only = declaration_only(evaluation, list(indicators.values()))
    if declared_only:
        notes.insert(0, "文件只有绩效目标申报表（无实际完成值和得分），不是自评表：总分只是得分情况表所填数字的复核，不是自评得分")
    card = Scorecard(
        ruleset=rules.id, ruleset_title=rules.title, total=total, grade=rules.grade_of(total),
        categories=tuple(categories), reported_total=evaluation.reported.total,
        reported_grade=evaluation.reported.grade, stated_total=stated,
        execution_rate=rates["budget_execution_rate"], unassigned=tuple(unassigned), notes=tuple(notes),
        explanations=explanations, basis=selection.message if selection else f"按「{rules.title}」评分",
        own_weights=rules.origin == "document", uncertain=rules.uncertain,
        declaration_only=declared_only,
    )
    return _with_differences(card)


def _explanations(e: Evaluation, categories: list[CategoryScore], rates: dict[str, common.Rate],
                  rules: RuleSet, leaves: dict[str, Indicator]) -> tuple[Explanation, ...]:
    """What the rule set says must be explained: low execution, large adjustment, over-achievement.

    ``leaves``: the document's indicators by path, for their 偏差原因 column.
    """
    found: list[Explanation] = []
    execution = rates["budget_execution_rate"]
    below = rules.budget_execution.explain_below
    if below is not None and execution.value is not None and execution.value * HUNDRED < below:
        given = e.budget.explanation or next(
            (leaves[i.path].deviation for c in categories for i in c.indicators
             if i.common == "budget_execution_rate" and leaves[i.path].deviation), None)
        found.append(Explanation("预算执行率", f"执行率{pct(execution.value)}，低于{fmt(rules.budget_execution.explain_below)}%，"
                                 "须说明偏差原因及改进措施", given))
    adjustment = rates["budget_adjustment_rate"]
    if adjustment.value is not None and abs(adjustment.value) * HUNDRED > rules.adjustment_explain_above:
        found.append(Explanation("预算调整率", f"预算调整率{pct(adjustment.value)}，超过{fmt(rules.adjustment_explain_above)}%，"
                                 "须说明调整原因", e.budget.explanation))
    limit = rules.over_achievement.explain_ratio
    for c in categories:
        for i in c.indicators:
            if i.method == "positive" and i.met and i.ratio is not None and i.ratio >= limit:
                found.append(Explanation(f"{i.level1}/{i.level2}/{i.name}",
                                         f"实际为目标的{pct(i.ratio)}，达到{pct(limit)}及以上，须说明超额原因（目标是否偏低）",
                                         leaves[i.path].deviation))
    return tuple(found)


def _indicator_category(c: CategoryRule, weight: Decimal, items: list[IndicatorScore], row) -> CategoryScore:
    weighted = [i for i in items if i.weight is not None and i.applicable]
    stated_scores = [i.reported for i in items if i.reported is not None]
    stated = sum(stated_scores, ZERO) if stated_scores else None
    reported = row.score if row is not None else None
    rw, rr = (row.weight, row.rate) if row is not None else (None, None)
    if not weighted:
        empty = "无指标明细，沿用各项指标得分情况表的得分" if reported is not None else "无指标明细，也无填报得分，计0分"
        return CategoryScore(c.key, c.name, weight, reported or ZERO, reported, stated, rw, rr, tuple(items), empty)
    computed = sum((i.used for i in weighted), ZERO)
    leaf_weights = sum((i.weight for i in weighted if i.weight is not None), ZERO)
    note: str | None = None
    if leaf_weights != weight:
        note = f"指标分值合计{fmt(leaf_weights)}，与类别权重{fmt(weight)}不一致"
    if computed > weight:
        # Leaf weights larger than the category's: the category never exceeds its weight.
        note = f"{note}；类别得分按权重上限{fmt(weight)}计（指标合计{fmt(computed)}）"
        computed = weight
    missing = [i for i in weighted if i.computed is None]
    if missing:
        extra = f"{len(missing)} 个指标无法计算，沿用填报得分"
        note = f"{note}；{extra}" if note else extra
    return CategoryScore(c.key, c.name, weight, computed, reported, stated, rw, rr, tuple(items), note)


def _total(categories: list[CategoryScore], rules: RuleSet, rate: common.Rate) -> tuple[Decimal, list[str]]:
    notes = []
    total = sum((c.computed for c in categories), ZERO)
    na = sum((i.weight for c in categories for i in c.indicators if not i.applicable and i.weight), ZERO)
    if na and rules.not_applicable == "rescale" and na < HUNDRED:
        raw = total / (HUNDRED - na) * HUNDRED
        notes.append(f"不适用指标分值{fmt(na)}，总分按适用指标折算：{fmt(total)}/{fmt(HUNDRED - na)}×100")
        total = raw
    if rules.rounding.scope == "total_only" or na:
        total = round_to(total, rules.rounding.decimals, rules.rounding.mode)
    for cap in rules.total_caps:
        if rate.value is None:
            break
        r = rate.value * HUNDRED
        if (cap.rate_from is None or r >= cap.rate_from) and r < cap.rate_below and total > cap.max_total:
            notes.append(f"预算执行率{pct(rate.value)}，总分上限{fmt(cap.max_total)}（原{fmt(total)}）")
            total = cap.max_total
    return total, notes


def _stated_total(e: Evaluation, categories: list[CategoryScore]) -> Decimal | None:
    rows = [r.score for r in e.reported.categories if r.score is not None and "合计" not in r.name and "总" not in r.name]
    if rows and len(rows) >= len(categories):  # a table that covers every category (not a lone 预算执行 row)
        return sum(rows, ZERO)
    parts = [c.stated if c.stated is not None else c.reported for c in categories]
    if any(p is None for p in parts):
        return None
    return sum((p for p in parts if p is not None), ZERO)


def _differs(a: Decimal | None, b: Decimal | None) -> bool:
    return a is not None and b is not None and a != b


def _with_differences(card: Scorecard) -> Scorecard:
    diffs: list[Difference] = []
    for c in card.categories:
        for i in c.indicators:
            if _differs(i.reported, i.computed):
                diffs.append(Difference(f"{i.level1}/{i.level2}/{i.name}", "得分", i.reported, i.computed, i.explanation))
        if _differs(c.reported, c.computed):
            diffs.append(Difference(c.name, "类别得分", c.reported, c.computed, c.note or f"按规则计算为{fmt(c.computed)}"))
        if c.stated is not None and c.indicators and _differs(c.reported, c.stated):
            diffs.append(Difference(c.name, "类别得分（表内合计）", c.reported, c.stated,
                                    f"指标得分合计为{fmt(c.stated)}，类别表填{fmt(c.reported)}"))
    if _differs(card.reported_total, card.total):
        diffs.append(Difference("总分", "总分", card.reported_total, card.total, f"按规则计算为{fmt(card.total)}"))
    if _differs(card.reported_total, card.stated_total):
        diffs.append(Difference("总分", "总分（表内合计）", card.reported_total, card.stated_total,
                                f"各类别得分合计为{fmt(card.stated_total)}"))
    if card.reported_grade and card.reported_grade.strip() != card.grade:
        diffs.append(Difference("等级", "等级", card.reported_grade, card.grade, f"总分{fmt(card.total)}对应等级「{card.grade}」"))
    return Scorecard(**{**card.__dict__, "differences": tuple(diffs)})


def to_dict(card: Scorecard) -> dict:
    """The scorecard as plain data (Decimals kept) for ``--json`` and the API."""

    def indicator(i: IndicatorScore) -> dict:
        return {"level1": i.level1, "level2": i.level2, "name": i.name, "category": i.category,
                "weight": i.weight, "score": i.computed, "reported": i.reported, "method": i.method,
                "met": i.met, "common": i.common, "applicable": i.applicable, "explanation": i.explanation,
                "path": i.path}

    return {
        "ruleset": {"id": card.ruleset, "title": card.ruleset_title, "basis": card.basis,
                    "own_weights": card.own_weights, "uncertain": list(card.uncertain)},
        "declaration_only": card.declaration_only,
        "total": card.total,
        "grade": card.grade,
        "categories": [
            {"key": c.key, "name": c.name, "weight": c.weight, "score": c.computed,
             "rate": None if c.rate is None else c.rate * HUNDRED, "reported": c.reported,
             "stated": c.stated, "note": c.note}
            for c in card.categories
        ],
        "indicators": [indicator(i) for i in card.indicators],
        "reported": {"total": card.reported_total, "grade": card.reported_grade, "stated_total": card.stated_total},
        "execution_rate": {
            "value": None if card.execution_rate.value is None else card.execution_rate.value * HUNDRED,
            "formula": card.execution_rate.formula, "missing": card.execution_rate.missing,
        },
        "differences": [
            {"where": d.where, "field": d.field, "reported": d.reported, "computed": d.computed, "message": d.message}
            for d in card.differences
        ],
        "notes": list(card.notes),
        "explanations": [{"where": x.where, "reason": x.reason, "given": x.given} for x in card.explanations],
    }
