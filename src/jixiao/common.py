"""Common indicators (共性指标) computed from amounts and counts.

The formulas are those of seed 000's 指标说明 (财预〔2013〕53号 framework).
Every rate is computed from the underlying figures, never taken from a typed
percentage; when a figure is missing the rate says which one.

>>> from jixiao.common import identify
>>> identify("“三公经费”控制率")
'three_public_rate'
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from .document import Evaluation
from .numbers import ZERO


@dataclass(frozen=True)
class Rate:
    """A computed common-indicator rate.

    Attributes:
        key: the indicator's key (``budget_execution_rate``).
        name: its Chinese name (预算执行率).
        value: the ratio (0.5993 for 59.93%), None when it cannot be computed.
        numerator / denominator: the figures used.
        formula: the formula in Chinese, with the figures filled in.
        missing: why it could not be computed (None when it was).
        note: how a figure was derived, when it was not stated directly.
    """

    key: str
    name: str
    value: Decimal | None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    formula: str = ""
    missing: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class CommonIndicator:
    """The definition of a common indicator: names, formula, direction."""

    key: str
    name: str
    aliases: tuple[str, ...]
    formula: str
    direction: str  # "≥": higher is better; "≤": lower is better
    compute: Callable[[Evaluation], Rate]


def _rate(key: str, name: str, formula: str, num: Decimal | int | None, den: Decimal | int | None,
          num_label: str, den_label: str, note: str | None = None) -> Rate:
    if num is None or den is None:
        missing = "、".join(label for label, v in ((num_label, num), (den_label, den)) if v is None)
        return Rate(key, name, None, _d(num), _d(den), formula, f"缺少{missing}", note)
    num, den = Decimal(num), Decimal(den)
    if den == ZERO:
        return Rate(key, name, None, num, den, formula, f"{den_label}为0，无法计算", note)
    return Rate(key, name, num / den, num, den, f"{formula}：{num}/{den}", None, note)


make_rate = _rate
"""Public name of the rate builder, for checks that compute a rate of their own (a task's 执行率)."""


def _d(v: Decimal | int | None) -> Decimal | None:
    return None if v is None else Decimal(v)


def budget_execution_rate(e: Evaluation, basis: str = "adjusted") -> Rate:
    """预算执行率 = 预算执行数 / 全年(调整)预算数 × 100%."""
    b = e.budget
    den, label, note = b.adjusted, "全年（调整）预算数", None
    if basis == "initial" or (den is None and b.initial is not None):
        den, label = b.initial, "年初预算数"
        if basis != "initial":
            note = "未填全年（调整）预算数，按年初预算数计算"
    formula = "预算执行数/年初预算数" if label == "年初预算数" else "预算执行数/全年预算数"
    return _rate("budget_execution_rate", "预算执行率", formula, b.executed, den, "预算执行数", label, note)


def budget_adjustment_rate(e: Evaluation) -> Rate:
    """预算调整率 = 预算调整数 / 年初预算数 × 100%, 预算调整数 = 追加 + 追减 + 结构调整 (gross) − 政策性等除外调整.

    Seed 000's 指标说明: 预算调整数 is 「部门在本年度内涉及预算的追加、追减或结构调整的资金总和」, so 追加 100
    and 追减 100 on a budget of 100 are 200%, not the net 0%. Without those amounts the rate falls back to
    (调整预算数 − 年初预算数) / 年初预算数, which is the net change (a lower bound of the gross), and says so.
    """
    b = e.budget
    parts = [(b.increase, "追加"), (b.decrease, "追减"), (b.restructured, "结构调整")]
    if any(v is not None for v, _ in parts):
        gross = sum((v for v, _ in parts if v is not None), ZERO)
        terms = "+".join(label for v, label in parts if v is not None)
        note = None
        if b.adjustment_excluded:
            gross -= b.adjustment_excluded
            note = f"已剔除政策性等调整 {b.adjustment_excluded} 万元"
        return _rate("budget_adjustment_rate", "预算调整率", f"({terms})/年初预算数", gross, b.initial,
                     "调整数", "年初预算数", note)
    if b.adjusted is None or b.initial is None:
        return _rate("budget_adjustment_rate", "预算调整率", "(调整预算数-年初预算数)/年初预算数",
                     b.adjusted, b.initial, "调整预算数", "年初预算数")
    change = b.adjusted - b.initial
    note = "未填追加、追减、结构调整数，按调整预算数与年初预算数之差计算（为调整总额的下限）"
    if b.adjustment_excluded:
        change = change - b.adjustment_excluded if change >= 0 else change + b.adjustment_excluded
        note += f"；已剔除政策性等调整 {b.adjustment_excluded} 万元"
    return _rate("budget_adjustment_rate", "预算调整率", "(调整预算数-年初预算数)/年初预算数",
                 change, b.initial, "调整数", "年初预算数", note)


def carryover_rate(e: Evaluation) -> Rate:
    """结转结余率 = 结转结余总额 / 全年(调整)预算数 × 100%.

    Without a stated 结转结余总额 it is derived as 调整预算数 − 执行数, and says so.
    """
    b = e.budget
    amount, note = b.carryover, None
    if amount is None and b.adjusted is not None and b.executed is not None and b.executed <= b.adjusted:
        amount, note = b.adjusted - b.executed, "结转结余总额未填，按全年预算数-执行数推算"
    return _rate("carryover_rate", "结转结余率", "结转结余总额/全年预算数", amount, b.adjusted,
                 "结转结余总额", "全年（调整）预算数", note)


def procurement_rate(e: Evaluation) -> Rate:
    """政府采购执行率 = 实际政府采购金额 / 政府采购预算数 × 100%."""
    p = e.budget.procurement
    return _rate("procurement_rate", "政府采购执行率", "实际政府采购金额/政府采购预算数",
                 p.actual if p else None, p.budget if p else None, "实际政府采购金额", "政府采购预算数")


def special_funds_rate(e: Evaluation) -> Rate:
    """专项资金细化率 = 已细化到具体单位的资金数 / 部门参与分配资金总数 × 100%."""
    s = e.budget.special_funds
    return _rate("special_funds_rate", "专项资金细化率", "已细化资金数/参与分配资金总数",
                 s.detailed if s else None, s.total if s else None, "已细化资金数", "部门参与分配资金总数")


def three_public_rate(e: Evaluation) -> Rate:
    """"三公经费"控制率 = 实际支出 / 预算安排数 × 100%."""
    t = e.budget.three_public
    return _rate("three_public_rate", "“三公经费”控制率", "“三公经费”实际支出/预算安排数",
                 t.actual if t else None, t.budget if t else None, "“三公经费”实际支出", "“三公经费”预算安排数")


def _count_rate(key: str, name: str, formula: str, num_field: str, den_field: str,
                num_label: str, den_label: str) -> Callable[[Evaluation], Rate]:
    def compute(e: Evaluation) -> Rate:
        pm = e.performance_management
        num = getattr(pm, num_field) if pm else None
        den = getattr(pm, den_field) if pm else None
        return _rate(key, name, formula, num, den, num_label, den_label)

    compute.__doc__ = f"{name} = {formula} × 100%."
    return compute


monitoring_rate = _count_rate("monitoring_rate", "绩效监控完成率", "已完成绩效监控项目数/部门项目总数",
                              "monitored", "projects", "已完成绩效监控项目数", "部门项目总数")
self_evaluation_rate = _count_rate("self_evaluation_rate", "绩效自评完成率", "已完成自评项目数/部门项目总数",
                                   "self_evaluated", "projects", "已完成自评项目数", "部门项目总数")
department_evaluation_rate = _count_rate("department_evaluation_rate", "部门绩效评价完成率",
                                         "已完成评价项目数/部门重点绩效评价项目数", "key_evaluated",
                                         "key_evaluations", "已完成评价项目数", "部门重点绩效评价项目数")
result_application_rate = _count_rate("result_application_rate", "评价结果应用率",
                                      "采纳的意见建议数/提出的意见建议总数", "suggestions_adopted",
                                      "suggestions", "采纳的意见建议数", "提出的意见建议总数")

COMMON_INDICATORS: tuple[CommonIndicator, ...] = (
    CommonIndicator("budget_execution_rate", "预算执行率", ("预算执行率", "资金执行率", "项目预算执行率"),
                    "预算执行数/全年预算数×100%", "≥", budget_execution_rate),
    CommonIndicator("budget_adjustment_rate", "预算调整率", ("预算调整率",),
                    "(预算调整数-年初预算数)/年初预算数×100%", "≤", budget_adjustment_rate),
    CommonIndicator("carryover_rate", "结转结余率", ("结转结余率", "结余率"),
                    "结转结余总额/预算数×100%", "≤", carryover_rate),
    CommonIndicator("procurement_rate", "政府采购执行率", ("政府采购执行率",),
                    "实际政府采购金额/政府采购预算数×100%", "≥", procurement_rate),
    CommonIndicator("special_funds_rate", "专项资金细化率", ("专项资金细化率",),
                    "已细化到具体单位的资金数/部门参与分配资金总数×100%", "≥", special_funds_rate),
    CommonIndicator("three_public_rate", "“三公经费”控制率", ("三公经费控制率",),
                    "“三公经费”实际支出/预算安排数×100%", "≤", three_public_rate),
    CommonIndicator("monitoring_rate", "绩效监控完成率", ("绩效监控完成率",),
                    "已完成绩效监控项目数/部门项目总数×100%", "≥", monitoring_rate),
    CommonIndicator("self_evaluation_rate", "绩效自评完成率", ("绩效自评完成率",),
                    "已完成自评项目数/部门项目总数×100%", "≥", self_evaluation_rate),
    CommonIndicator("department_evaluation_rate", "部门绩效评价完成率", ("部门绩效评价完成率", "绩效评价完成率"),
                    "已完成评价项目数/部门重点绩效评价项目数×100%", "≥", department_evaluation_rate),
    CommonIndicator("result_application_rate", "评价结果应用率", ("评价结果应用率",),
                    "采纳的意见建议数/提出的意见建议总数×100%", "≥", result_application_rate),
)
BY_KEY = {c.key: c for c in COMMON_INDICATORS}

_NOISE = re.compile(r"[\s“”\"'‘’「」『』《》]")
_BY_NAME = {_NOISE.sub("", alias): c.key for c in COMMON_INDICATORS for alias in c.aliases}


def identify(name: str) -> str | None:
    """The key of the common indicator named ``name`` (quotes and spaces ignored), or None."""
    return _BY_NAME.get(_NOISE.sub("", name))


def compute(evaluation: Evaluation, key: str, basis: str = "adjusted") -> Rate:
    """Compute one common indicator for a document."""
    if key == "budget_execution_rate":
        return budget_execution_rate(evaluation, basis)
    return BY_KEY[key].compute(evaluation)


def compute_all(evaluation: Evaluation) -> dict[str, Rate]:
    """Every common indicator for a document, computable or not."""
    return {c.key: c.compute(evaluation) for c in COMMON_INDICATORS}
