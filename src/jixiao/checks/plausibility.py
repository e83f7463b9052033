"""Figures that cannot be scored as they stand (数据待核实), and targets that do not say their direction.

A score computed from an impossible figure (执行数大于预算数, an adjustment above the initial budget,
a rate from 0/0, 「≥95%」 written as an actual value) would reward the unit for a slip: no score is
computed, the unit's own is kept and marked 待核实, and these checks say why.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..document import Amounts
from ..numbers import fmt
from .base import Context, Hit, Severity, check, money
from .budget import INDICATOR_TABLE, SUMMARY_TABLE, budget_table, repeats_target


def _row(i) -> str:
    return f"{i.level1}/{i.level2}/{i.name}"


@check("S220", "score", "数据不可信的得分不计算，填报得分待核实", Severity.WARNING,
       "预算执行率为205.60%（19417.548/9444.28），分子大于分母，数据不可信：不计算得分，沿用填报得分9【待核实】")
def disputed_scores(ctx: Context) -> Iterator[Hit]:
    """执行数大于预算数（执行率超过100%）、预算调整超过年初预算的100%、比率分母为0（0/0，不适用）、实际完成值
    带比较符（「≥95%」不是实际达到的数值）时，不按规则计算得分：文件填报的得分保留，标为【待核实】。

    来源：DESIGN.md“单位的填报不被替换，有争议处并列显示【待核实】”；执行数不得超过预算（《预算法》第十三条）[R]；
    执行率 = 执行数/全年预算数（RULES.md [V]）。
    """
    for c in ctx.card.categories:
        if c.disputed:
            kept = fmt(c.reported) if c.reported is not None else "（空）"
            yield Hit(f"{c.name}：{c.disputed}：不计算得分，沿用填报得分{kept}【待核实】",
                      ctx.where(SUMMARY_TABLE, c.name, "budget.score"), "核实金额后计算", kept)
    for i in ctx.card.indicators:
        if i.disputed:
            kept = fmt(i.reported) if i.reported is not None else "（空）"
            yield Hit(f"{_row(i)}：{i.disputed}：不计算得分，沿用填报得分{kept}【待核实】",
                      ctx.where(INDICATOR_TABLE, _row(i), f"{i.path}.actual"), "核实后的实际完成值", kept)


@check("T310", "target", "目标未注明指标性质（≥/≤/=）", Severity.WARNING,
       "产出指标/质量指标/复查比例 目标“5%”未注明≥/≤/=，无法判断越高越好还是越低越好，未计分")
def direction_unknown(ctx: Context) -> Iterator[Hit]:
    """目标值没有写 ≥/≤/= 时，指标方向先按共性指标的定义，再按方向词表（事故、投诉、差错、发生率、成本、费用、单价、
    时长、周期、结转结余、调整率、变动率……为反向；「0起」「零」为不超过0）；仍无法判断的不计分，请注明指标性质。

    来源：RULES.md 正向（≥A）、反向（≤A）的计分 [V: 填表说明]；调整率、结转结余率、变动率越低越好 [I]；
    词表见 rulesets/lexicon/direction.yaml [I]。
    """
    for i in ctx.card.indicators:
        if i.needs_direction:
            ind = next(leaf.indicator for leaf in ctx.leaves if leaf.path == i.path)
            yield Hit(f"{_row(i)} 目标“{ind.target.raw}”未注明≥/≤/=，无法判断越高越好还是越低越好，未计分，请注明指标性质",
                      ctx.where(INDICATOR_TABLE, _row(i), f"{i.path}.target"), "≥、≤ 或 =", ind.target.raw)


@check("T311", "target", "实际完成值带比较符", Severity.WARNING,
       "满意度指标/服务对象满意度/群众满意度 实际完成值填“≥95%”，不是实际达到的数值")
def comparator_in_actual(ctx: Context) -> Iterator[Hit]:
    """实际完成值应是实际达到的数值（如 96.5%），不能是带 ≥/≤ 的目标写法（「≥95%」）：每个指标都适用。照抄目标且可由
    金额算出的共性指标由 T306 报告。

    来源：财预〔2020〕10号附件填表说明（实际完成值填写实际达到的数值）[R]。
    """
    e = ctx.evaluation
    common = {leaf.path for leaf, key in ctx.common_leaves
              if repeats_target(leaf, e.year) and ctx.rates.get(key) is not None and ctx.rates[key].value is not None}
    for leaf in ctx.leaves:
        actual = leaf.indicator.actual
        if actual.comparator is None or actual.number is None or leaf.path in common:
            continue
        row = f"{leaf.level1}/{leaf.level2}/{leaf.indicator.name}"
        yield Hit(f"{row} 实际完成值填“{actual.raw.strip()}”，不是实际达到的数值",
                  ctx.where(INDICATOR_TABLE, row, f"{leaf.path}.actual"), "实际达到的数值", actual.raw.strip())


def _lines(ctx: Context) -> list[tuple[str, Amounts]]:
    b = ctx.evaluation.budget
    lines: list[tuple[str, Amounts]] = [("合计", Amounts(initial=b.initial, adjusted=b.adjusted, executed=b.executed))]
    for holder, parts in ((b.by_source, (("fiscal", "财政资金"), ("other", "其他资金"))),
                          (b.by_structure, (("basic", "基本支出"), ("project", "项目支出")))):
        for key, label in parts:
            line = getattr(holder, key) if holder is not None else None
            if line is not None:
                lines.append((label, line))
    return lines


@check("B121", "budget", "每一行的调整预算数都等于执行数", Severity.WARNING,
       "合计、财政资金、基本支出、项目支出4行的全年（调整）预算数都等于执行数，且与年初预算数不同：预算可能按执行数倒调")
def adjusted_to_execution(ctx: Context) -> Iterator[Hit]:
    """预算情况表每一行（合计、资金来源、资金结构）的全年（调整）预算数都恰好等于执行数、且调整过（不等于年初预算数）
    时，执行率100%可能是把预算调成执行数得来的，不能说明执行好：须说明调整依据。

    来源：种子 004（1125.54 = 1125.54、1030.77 = 1030.77、94.77 = 94.77，年初 1207.96）[seeds]；执行率按调整后预算
    计算（RULES.md [V]）。
    """
    lines = [(label, a) for label, a in _lines(ctx) if a.adjusted is not None and a.executed is not None]
    if len(lines) < 2 or any(a.adjusted != a.executed for _, a in lines):
        return
    if not any(a.initial is not None and a.initial != a.adjusted for _, a in lines):
        return
    names = "、".join(label for label, _ in lines)
    total = lines[0][1]
    yield Hit(f"{names}{len(lines)}行的全年（调整）预算数都等于执行数（合计{money(total.executed)}），且与年初预算数"
              f"{money(total.initial)}不同：预算可能按执行数倒调，执行率100%须说明调整依据",
              ctx.where(budget_table(ctx.evaluation), "全年（调整）预算数", "budget.adjusted"),
              "调整预算数有其依据", "调整数=执行数")
