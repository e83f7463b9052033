"""Family 3: targets and explanations (目标与说明).

What the rules require to be explained, and targets that say little: unmet or
far exceeded targets, low execution, large adjustments, tasks "done" without
money, actual values copied from the target, qualitative scores outside their
band, and targets below what was already achieved the year before.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..numbers import HUNDRED, fmt, pct
from ..scoring import _band, _grade_of_actual, _in_context, in_band
from ..values import Comparator, ValueKind
from .base import Context, Hit, Severity, Where, check, points
from .budget import INDICATOR_TABLE, TASK_TABLE, budget_table, repeats_target
from .claims import sections
from .narrative import NARRATIVE
from .tolerance import compare, shown

_DONE = re.compile(r"^(?:已)?(?:全部|全面|按期|如期)?完成|已完成|达成")
_NOT_DONE = ("未", "部分", "基本", "尚", "没有", "暂", "正在", "推进中", "进行中")
_REASON_WORDS = ("原因", "由于", "因为", "受", "导致", "致使", "影响", "因")


def _row(leaf) -> str:
    return f"{leaf.level1}/{leaf.level2}/{leaf.indicator.name}"


def _explained(text: str | None) -> bool:
    return bool(text and text.strip() and text.strip() not in ("无", "/", "-", "—", "——", "不适用"))


@check("T301", "target", "未完成目标须说明偏差原因", Severity.WARNING,
       "效益指标/社会效益指标/群众满意度 目标≥95%，实际90%，未完成，偏差原因分析为空")
def unmet_without_reason(ctx: Context) -> Iterator[Hit]:
    """未达到目标值的指标（按规则判定未达成，或填报得分低于分值）须在“偏差原因分析及改进措施”栏说明原因。

    来源：未完成或大幅超额的目标须分析原因并提出改进措施（RULES.md [R]）；表中“偏差原因分析及改进措施”一栏 [V]。
    """
    paths = {leaf.path: leaf for leaf in ctx.leaves}
    for i in ctx.card.indicators:
        leaf = paths.get(i.path)
        if leaf is None or not i.applicable or _explained(leaf.indicator.deviation):
            continue
        lost = i.reported is not None and i.weight is not None and i.reported < i.weight
        if i.met is False or lost:
            why = "按规则未达成目标" if i.met is False else f"填报得分{fmt(i.reported)}低于分值{fmt(i.weight)}"
            ind = leaf.indicator
            yield Hit(f"{_row(leaf)} 目标{ind.target.raw or '（空）'}，实际{ind.actual.raw or '（空）'}，{why}，"
                      "偏差原因分析为空", ctx.where(INDICATOR_TABLE, _row(leaf), f"{i.path}.deviation"),
                      "填写偏差原因及改进措施", "（空）")


@check("T302", "target", "大幅超额完成须说明原因", Severity.WARNING,
       "产出指标/数量指标/培训人次 实际为目标的150%，达到120%及以上，未说明超额原因")
def over_achievement(ctx: Context) -> Iterator[Hit]:
    """正向指标实际值达到目标值的规则集 over_achievement.explain_ratio 倍（通常 120%）及以上，须说明超额原因
    （目标是否定得偏低）；超额不加分。

    来源：超额不加分，目标偏低的“按照偏离度适度调减分值”（RULES.md [R]）；120% 提示复核为软件常见做法 [I]；规则集 over_achievement。只对正向指标。
    """
    limit = ctx.rules.over_achievement.explain_ratio
    paths = {leaf.path: leaf for leaf in ctx.leaves}
    for i in ctx.card.indicators:
        leaf = paths.get(i.path)
        if leaf is None or i.method != "positive" or not i.met or i.ratio is None or i.ratio < limit:
            continue
        if i.common is not None or _explained(leaf.indicator.deviation):
            continue
        yield Hit(f"{_row(leaf)} 目标{leaf.indicator.target.raw}，实际{leaf.indicator.actual.raw}，为目标的{pct(i.ratio)}，"
                  f"达到{pct(limit)}及以上，未说明超额原因", ctx.where(INDICATOR_TABLE, _row(leaf), f"{i.path}.deviation"),
                  f"<{pct(limit)}或说明原因", pct(i.ratio))


def _problem_sections(ctx: Context):
    for section, heading, path in sections(ctx.evaluation):
        if "问题" in section.title or "整改" in section.title or "改进" in section.title:
            yield section, heading, path


def _mentions_execution(text: str) -> bool:
    return any(w in text for w in ("执行率", "预算执行", "资金执行", "支出进度", "执行进度", "资金使用进度", "未支付",
                                   "支付进度", "执行偏低", "执行较低", "执行缓慢"))


@check("T303", "target", "预算执行率偏低须说明", Severity.WARNING,
       "预算执行率59.93%，低于70%，表中未说明偏差原因")
def low_execution(ctx: Context) -> Iterator[Hit]:
    """预算执行率低于规则集 budget_execution.explain_below（通常 70%）时，表中（偏差原因栏或预算说明）与报告的
    “问题和改进措施”一节都须说明原因与改进措施。

    来源：种子 001 的自评表附注（预算执行率低于70%须说明原因）[seeds]；四川要求低于90%说明 [V]；规则集 budget_execution.explain_below（全国规则未规定门槛，不检查）。
    """
    e = ctx.evaluation
    rate = ctx.rates["budget_execution_rate"]
    limit = ctx.rules.budget_execution.explain_below
    if limit is None or rate.value is None or rate.value * HUNDRED >= limit:
        return
    shown_rate = points(shown(rate.value * HUNDRED))
    in_table = _explained(e.budget.explanation) or any(
        _explained(leaf.indicator.deviation) for leaf, key in ctx.common_leaves if key == "budget_execution_rate")
    if not in_table:
        yield Hit(f"预算执行率{shown_rate}（{rate.formula}），低于{fmt(limit)}%，表中未说明偏差原因及改进措施",
                  ctx.where(budget_table(e), "预算执行率", "budget.explanation"), "说明原因", "（空）")
    if not e.narrative:
        return
    problems = list(_problem_sections(ctx))
    if not any(_mentions_execution(s.text) or any(_mentions_execution(c.text) for c in s.sections)
               for s, _, _ in problems):
        heading = problems[0][1] if problems else "问题和改进措施"
        yield Hit(f"预算执行率{shown_rate}，低于{fmt(limit)}%，报告“{heading}”未谈及预算执行",
                  Where(NARRATIVE, heading, problems[0][2] if problems else "narrative"), "说明执行偏低的原因", "未提及")


@check("T304", "target", "预算大幅调整须说明", Severity.WARNING,
       "预算调整率-31.22%，超过30%，未说明调整原因")
def large_adjustment(ctx: Context) -> Iterator[Hit]:
    """预算调整率的绝对值超过规则集 adjustment_explain_above（通常 30%）时须说明调整原因（表中预算说明，或报告正文
    中谈及调整原因）。

    来源：部分软件要求调整超过30%说明原因（RULES.md [I]）；规则集 adjustment_explain_above。
    """
    e = ctx.evaluation
    rate = ctx.rates["budget_adjustment_rate"]
    limit = ctx.rules.adjustment_explain_above
    if rate.value is None or abs(rate.value * HUNDRED) <= limit or _explained(e.budget.explanation):
        return
    for section, _, _ in sections(e):
        for sentence in re.split(r"[。；;\n]", section.text):
            if "调整" in sentence and any(w in sentence for w in _REASON_WORDS):
                return
    yield Hit(f"预算调整率{points(shown(rate.value * HUNDRED))}（{rate.formula}），超过{fmt(limit)}%，未说明调整原因",
              ctx.where(budget_table(e), "预算调整", "budget.explanation"), "说明调整原因", "（空）")


@check("T305", "target", "标为完成的任务应有支出", Severity.WARNING,
       "任务 4（外事活动经费）标为“完成”，但预算5万元、执行0万元")
def done_without_money(ctx: Context) -> Iterator[Hit]:
    """年度主要任务标为“完成”而执行数为 0（预算大于 0）时，完成情况与资金相矛盾，须核实或说明。

    来源：部门整体支出绩效自评表“年度主要任务”栏（任务完成情况与预算执行同列，种子 004 的任务 4、任务 7）[seeds]。
    """
    for i, t in enumerate(ctx.evaluation.tasks):
        status = (t.status or "").strip()
        if not status or not _DONE.search(status) or any(w in status for w in _NOT_DONE):
            continue
        if t.executed is not None and t.executed == 0 and t.budget:
            what = f"（{t.content}）" if t.content and len(t.content) <= 20 else ""
            yield Hit(f"{t.name}{what}标为“{status}”，但预算{fmt(t.budget)}万元、执行0万元",
                      ctx.where(TASK_TABLE, t.name, f"tasks[{i}].status"), "有执行数或说明原因", "执行0万元")


@check("T306", "target", "实际值照抄目标值", Severity.ERROR,
       "预算执行率 实际完成值填90%（与目标≥90%相同），但按公式计算为100%（1125.54/1125.54）")
def copied_target(ctx: Context) -> Iterator[Hit]:
    """实际完成值只是重复目标值（目标≥90%、实际90%或“≥90%”），而按金额或数量算出的实际值不同：数值不同为错误，
    照抄带比较符的目标文字（未填实际数值）为警告。

    来源：实际完成值一栏填实际达到的数值（自评表栏目 [V]）；种子 000 指标说明的共性指标公式 [seeds]；jixiao.common。
    """
    e = ctx.evaluation
    for leaf, key in ctx.common_leaves:
        if not repeats_target(leaf, e.year):
            continue
        rate = ctx.rates.get(key)
        if rate is None or rate.value is None:
            continue
        true = rate.value * HUNDRED
        ind = leaf.indicator
        actual = _in_context(ind.actual, ind.unit or "%", e.year)
        where = ctx.where(INDICATOR_TABLE, _row(leaf), f"{leaf.path}.actual")
        computed = points(shown(true))
        if actual.comparator is not None or actual.kind is not ValueKind.PERCENT:
            yield Hit(f"{_row(leaf)} 实际完成值照抄目标“{ind.target.raw}”，未填实际数值；按公式计算为{computed}"
                      f"（{rate.formula}）", where, computed, ind.actual.raw, Severity.WARNING)
        elif actual.number is not None and not compare(actual.number, true).agrees:
            note = f"；{rate.note}" if rate.note else ""
            yield Hit(f"{_row(leaf)} 实际完成值填{ind.actual.raw}（与目标{ind.target.raw}相同），但按公式计算为{computed}"
                      f"（{rate.formula}{note}）", where, computed, ind.actual.raw,
                      Severity.WARNING if rate.note else None)


@check("T307", "target", "定性指标得分在其等级档内", Severity.WARNING,
       "投入管理/预算和财务管理/管理制度健全性 实际“健全”属达成档（80%–100%，1.6–2分），填报得分1，按档界1.6计")
def qualitative_band(ctx: Context) -> Iterator[Hit]:
    """定性指标按实际完成情况分三档：达成 [80%, 100%]、部分达成 [60%, 80%)、未达成 [0, 60%) 的分值；填报得分须落在
    实际完成情况所属档内。档外的得分按最近的档界计（不会抬到满分：「合理」填1/2分按1.6分计，不是2分），并在此提示。

    来源：RULES.md 定性指标三档 [R]（档内得分由评价人判断，软件只核对档）；规则集 qualitative。
    """
    names = {"achieved": "达成", "partial": "部分达成", "not_achieved": "未达成"}
    for leaf in ctx.leaves:
        ind = leaf.indicator
        if ind.score is None or ind.weight is None or not ind.applicable:
            continue
        grade = _grade_of_actual(ind.actual)
        if grade is None or ind.target.is_quantitative:
            continue
        band = _band(grade, ctx.rules)
        lo, hi = ind.weight * band.min / HUNDRED, ind.weight * band.max / HUNDRED
        if in_band(grade, ind.score, lo, hi):
            continue
        bound = lo if ind.score < lo else hi
        closing = "]" if grade.value == "achieved" else ")"
        yield Hit(f"{_row(leaf)} 实际“{ind.actual.raw}”属{names[grade.value]}档"
                  f"（[{fmt(band.min)}%, {fmt(band.max)}%{closing}，{fmt(lo)}–{fmt(hi)}分），填报得分{fmt(ind.score)}，"
                  f"按档界{fmt(bound)}计",
                  ctx.where(INDICATOR_TABLE, _row(leaf), f"{leaf.path}.score"), f"{fmt(lo)}–{fmt(hi)}", fmt(ind.score))


@check("T308", "target", "指标全部满分且实际值照抄目标", Severity.WARNING,
       "全部12个指标均得满分，且实际完成值全部与目标值相同：目标可能流于形式")
def all_perfect(ctx: Context) -> Iterator[Hit]:
    """全部（至少 5 个）有分值的指标都得满分、实际完成值又全部与目标值相同时，目标与自评可能流于形式，须复核
    目标是否有挑战性、实际值是否如实填写。

    来源：目标设置偏低时“按照偏离度适度调减分值”（RULES.md [R]）；全部满分且照抄目标为审核中的常见疑点 [I]；
    未见成文规定，故为警告。
    """
    e = ctx.evaluation
    leaves = [leaf for leaf in ctx.leaves if leaf.indicator.weight is not None and leaf.indicator.applicable]
    if len(leaves) < 5:
        return
    if all(leaf.indicator.score == leaf.indicator.weight for leaf in leaves) and all(
            repeats_target(leaf, e.year) for leaf in leaves):
        yield Hit(f"全部{len(leaves)}个指标均得满分，且实际完成值全部与目标值相同：目标可能流于形式，请复核",
                  ctx.where(INDICATOR_TABLE, None, "indicators"), "有差异的实际完成值", "全部照抄目标")


def _key(name: str) -> str:
    return re.sub(r"[\s“”\"'（）()]", "", name)


@check("T309", "target", "目标不低于上年实际", Severity.WARNING,
       "产出指标/数量指标/培训人次 本年目标≥100人次，上年实际已达150人次")
def below_last_year(ctx: Context) -> Iterator[Hit]:
    """给出上年自评时：同名指标本年的目标不应低于上年已实现的实际值（正向指标），反向指标的目标不应宽于上年实际。

    来源：目标设置偏低的“按照偏离度适度调减分值”（RULES.md [R]）；以上年实际为参照是审核常见做法 [I]。10号中
    未读到“不得低于上年实际”的原文，故只作警告。
    """
    e, prev = ctx.evaluation, ctx.previous
    if prev is None:
        return
    last = {_key(leaf.indicator.name): leaf for leaf in prev.leaves()}
    for leaf in ctx.leaves:
        old = last.get(_key(leaf.indicator.name))
        if old is None:
            continue
        ind = leaf.indicator
        target = _in_context(ind.target, ind.unit, e.year)
        achieved = _in_context(old.indicator.actual, old.indicator.unit, prev.year)
        if target.number is None or achieved.number is None or not target.is_quantitative:
            continue
        if target.kind != achieved.kind or (target.unit or "") != (achieved.unit or "") and target.kind is ValueKind.NUMBER:
            continue
        comparator = target.comparator or Comparator(ctx.rules.quantitative.default_comparator)
        lower_is_better = comparator in (Comparator.LE, Comparator.LT)
        if (not lower_is_better and achieved.number > target.number) or (lower_is_better and achieved.number < target.number):
            yield Hit(f"{_row(leaf)} 本年目标{ind.target.raw}，{prev.year}年实际已达{old.indicator.actual.raw}：目标低于上年实际",
                      ctx.where(INDICATOR_TABLE, _row(leaf), f"{leaf.path}.target"),
                      f"不低于{old.indicator.actual.raw}", ind.target.raw)
