"""Family 2: score arithmetic (得分计算).

Scores within their weights, sums that add up, 得分率 and grades that follow
from the scores, and each reported score compared with the rule set's.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import ROUND_DOWN

from ..numbers import HUNDRED, ZERO, fmt
from ..scoring import IndicatorScore
from .base import Context, Hit, Severity, check, points
from .budget import INDICATOR_TABLE, SUMMARY_TABLE, budget_table
from .tolerance import MODES, compare, decimals_of, rounded, shown

_TOTAL_WORDS = ("合计", "总分", "总计", "总得分")


def summary_rows(ctx: Context):
    """The category rows of 各项指标得分情况表, without a 合计 row."""
    for i, row in enumerate(ctx.evaluation.reported.categories):
        if not any(w in row.name for w in _TOTAL_WORDS):
            yield i, row


def _row_name(i: IndicatorScore) -> str:
    return f"{i.level1}/{i.level2}/{i.name}"


@check("S201", "score", "得分不超过分值", Severity.ERROR,
       "产出指标/数量指标/培训场次 得分12，超过分值10")
def score_within_weight(ctx: Context) -> Iterator[Hit]:
    """每个指标、每个类别的得分不超过其分值（权重），总分不超过100分；超额完成不加分。

    来源：超额完成不加分（RULES.md [R]）；自评满分100分（各表的“总分值100” [seeds]）。
    """
    e = ctx.evaluation
    for leaf in ctx.leaves:
        ind = leaf.indicator
        if ind.score is not None and ind.weight is not None and ind.score > ind.weight:
            yield Hit(f"{leaf.level1}/{leaf.level2}/{ind.name} 得分{fmt(ind.score)}，超过分值{fmt(ind.weight)}",
                      ctx.where(INDICATOR_TABLE, f"{leaf.level1}/{leaf.level2}/{ind.name}", f"{leaf.path}.score"),
                      f"≤{fmt(ind.weight)}", fmt(ind.score))
    for i, row in summary_rows(ctx):
        if row.score is not None and row.weight is not None and row.score > row.weight:
            yield Hit(f"{row.name} 得分{fmt(row.score)}，超过权重分值{fmt(row.weight)}",
                      ctx.where(SUMMARY_TABLE, row.name, f"reported.categories[{i}].score"),
                      f"≤{fmt(row.weight)}", fmt(row.score))
    b = e.budget
    if b.score is not None and b.weight is not None and b.score > b.weight:
        yield Hit(f"预算执行得分{fmt(b.score)}，超过分值{fmt(b.weight)}",
                  ctx.where(budget_table(e), "预算执行", "budget.score"), f"≤{fmt(b.weight)}", fmt(b.score))
    total = e.reported.total
    if total is not None and total > HUNDRED:
        yield Hit(f"自评总分{fmt(total)}，超过满分100", ctx.where(SUMMARY_TABLE, "总分", "reported.total"),
                  "≤100", fmt(total))


@check("S202", "score", "指标得分之和等于类别得分", Severity.ERROR,
       "投入管理：各三级指标得分合计18，各项指标得分情况表填19")
def leaves_sum_to_category(ctx: Context) -> Iterator[Hit]:
    """一个一级指标下各三级指标的得分之和，等于各项指标得分情况表中该类别的得分。

    来源：自评表与各项指标得分情况表的表间关系（种子 004：投入管理各指标得分合计与得分情况表的 19 分）[seeds]。
    """
    for c in ctx.card.categories:
        if c.stated is None or c.reported is None or not c.indicators or c.stated == c.reported:
            continue
        scored = [i for i in c.indicators if i.reported is not None]
        yield Hit(f"{c.name}：{len(scored)}个三级指标得分合计{fmt(c.stated)}，{SUMMARY_TABLE}填{fmt(c.reported)}",
                  ctx.where(SUMMARY_TABLE, c.name, None), fmt(c.stated), fmt(c.reported))


@check("S203", "score", "指标分值之和等于类别权重", Severity.ERROR,
       "产出指标：各三级指标分值合计35，类别权重为40")
def leaf_weights_sum(ctx: Context) -> Iterator[Hit]:
    """一个一级指标下各三级指标的分值之和，等于该一级指标的权重（指标表所注或各项指标得分情况表的权重分值）。

    来源：一级指标权重由单位设置的二、三级指标分值构成（RULES.md：二、三级由单位设置 [R]）；种子表格 [seeds]。
    """
    e = ctx.evaluation
    rows = list(summary_rows(ctx))
    for i, category in enumerate(e.indicators):
        weights = [leaf.weight for g in category.children for leaf in g.children if leaf.weight is not None]
        if not weights:
            continue
        total = sum(weights, ZERO)
        stated, where_stated = category.weight, "指标表"
        if stated is None:
            row = next((r for _, r in rows if r.weight is not None and
                        (r.name in category.name or category.name.removesuffix("指标") in r.name)), None)
            stated, where_stated = (row.weight, SUMMARY_TABLE) if row is not None else (None, "")
        if stated is not None and total != stated:
            yield Hit(f"{category.name}：{len(weights)}个三级指标分值合计{fmt(total)}，{where_stated}中的权重为{fmt(stated)}",
                      ctx.where(INDICATOR_TABLE, category.name, f"indicators[{i}].weight"), fmt(stated), fmt(total))


@check("S204", "score", "类别权重之和为100", Severity.ERROR,
       "各项指标得分情况表的权重分值合计95，应为100")
def weights_sum_to_100(ctx: Context) -> Iterator[Hit]:
    """各项指标得分情况表中各类别的权重分值之和为100（满分100分）。

    来源：一级权重合计100（RULES.md 10号权重 10+50+30+10 [V]）；种子 000/003/004 的得分情况表（10+20+40+30）[seeds]。
    """
    rows = list(summary_rows(ctx))
    weights = [r.weight for _, r in rows if r.weight is not None]
    if len(weights) == len(rows) and weights:
        total = sum(weights, ZERO)
        if total != HUNDRED:
            parts = " + ".join(f"{r.name}{fmt(r.weight)}" for _, r in rows)
            yield Hit(f"{SUMMARY_TABLE}的权重分值合计{fmt(total)}（{parts}），应为100",
                      ctx.where(SUMMARY_TABLE, "权重分值", "reported.categories"), "100", fmt(total))


@check("S205", "score", "类别得分之和等于总分", Severity.ERROR,
       "各类别得分合计93（预算执行9 + 投入管理19 + 产出指标40 + 效益指标25），自评总分填94")
def categories_sum_to_total(ctx: Context) -> Iterator[Hit]:
    """各类别得分之和（无得分情况表时为各指标得分之和）等于自评总分。

    来源：总分为各指标得分之和（软件常见做法 [I]，与种子一致）；种子 000 的得分情况表（合计 93，填 94）[seeds]。
    """
    e = ctx.evaluation
    card = ctx.card
    if e.reported.total is None or card.stated_total is None or card.stated_total == e.reported.total:
        return
    rows = [r for _, r in summary_rows(ctx) if r.score is not None]
    parts = " + ".join(f"{r.name}{fmt(r.score)}" for r in rows) if rows else ""
    yield Hit(f"各类别得分合计{fmt(card.stated_total)}{f'（{parts}）' if parts else ''}，自评总分填{fmt(e.reported.total)}",
              ctx.where(SUMMARY_TABLE, "总分", "reported.total"), fmt(card.stated_total), fmt(e.reported.total))


@check("S206", "score", "得分率等于得分除以权重", Severity.ERROR,
       "预算执行 得分率填99%，但得分9/权重分值10=90%")
def score_rate(ctx: Context) -> Iterator[Hit]:
    """得分率 = 得分 / 权重分值 × 100%（四舍五入以外的舍入给出提示）。

    来源：各项指标得分情况表的表头（指标、权重分值、得分、得分率；种子 000/003/004）[seeds]。
    """
    for i, row in summary_rows(ctx):
        if row.rate is None or row.score is None or not row.weight:
            continue
        true = row.score / row.weight * HUNDRED
        agreement = compare(row.rate, true)
        if agreement.usual:
            continue
        where = ctx.where(SUMMARY_TABLE, row.name, f"reported.categories[{i}].rate")
        if agreement.agrees:
            yield Hit(f"{row.name} 得分率填{points(row.rate)}，{fmt(row.score)}/{fmt(row.weight)}={points(shown(true, 4))}，"
                      f"与{agreement.mode}一致", where, points(agreement.expected), points(row.rate), Severity.INFO)
        else:
            yield Hit(f"{row.name} 得分率填{points(row.rate)}，但得分{fmt(row.score)}/权重分值{fmt(row.weight)}"
                      f"={points(shown(true))}", where, points(shown(true)), points(row.rate))


@check("S207", "score", "等级与总分相符", Severity.ERROR,
       "自评总分78分，按等级设置应为“中”，文件填“良”")
def grade_matches_total(ctx: Context) -> Iterator[Hit]:
    """自评等级按规则集的等级区间由自评总分确定（如 90（含）-100 优、80（含）-90 良、60（含）-80 中、60 以下差）。

    来源：等级 90（含）-100 优、80（含）-90 良、60（含）-80 中、60 以下差（RULES.md [V]：财政部预算司公布的标准；[R]：10号）；规则集 grades。无适用规则时差异为警告。
    """
    e = ctx.evaluation
    grade, total = e.reported.grade, e.reported.total
    if grade is None or total is None:
        return
    expected = ctx.rules.grade_of(total)
    if grade.strip().strip("“”\"") != expected:
        bands = "、".join(f"{g.name}≥{fmt(g.min)}" for g in ctx.rules.grades)
        yield Hit(f"自评总分{fmt(total)}分，按等级设置（{bands}）应为“{expected}”，文件填“{grade}”",
                  ctx.where(SUMMARY_TABLE, "等级", "reported.grade"), expected, grade, ctx.against_rules)


@check("S208", "score", "预算执行得分由执行率算出", Severity.ERROR,
       "预算执行得分填9，但执行率100%（1125.54/1125.54），10×100%=10")
def budget_score_from_rate(ctx: Context) -> Iterator[Hit]:
    """预算执行得分 = 分值 × min(预算执行率, 上限)，按规则集的舍入；执行率由金额算出，不用填写的执行率。

    来源：得分 = 10 × min(执行率, 1)（RULES.md [I]，与种子 001 一致 [seeds]）；规则集 budget_execution。执行率超过100%不计算（见 S220）。
    """
    card = ctx.card
    budget = next((c for c in card.categories if c.key == "budget_execution"), None)
    rate = card.execution_rate
    if budget is None or rate.value is None or budget.reported is None or budget.disputed:
        return  # disputed figures (205.6%) are not scored: S220 reports them
    cap = ctx.rules.budget_execution.cap
    raw = budget.weight * min(rate.value, cap)
    agreement = compare(budget.reported, raw)
    if agreement.agrees:
        return
    capped = f"（超过{points(cap * HUNDRED)}按{points(cap * HUNDRED)}计）" if rate.value > cap else ""
    yield Hit(f"预算执行得分填{fmt(budget.reported)}，但执行率{points(shown(rate.value * HUNDRED))}（{rate.formula}）"
              f"{capped}，{fmt(budget.weight)}×{points(shown(min(rate.value, cap) * HUNDRED))}={fmt(budget.computed)}",
              ctx.where(SUMMARY_TABLE, budget.name, "budget.score"), fmt(budget.computed), fmt(budget.reported),
              ctx.against_rules)


_QUANTITATIVE = ("positive", "negative", "equal", "deadline")


@check("S209", "score", "指标得分与规则计算一致", Severity.ERROR,
       "产出指标/数量指标/培训场次 填报得分5，按规则计算为4（目标≥5场次，实际4场次，4/5×5=4）")
def indicator_scores(ctx: Context) -> Iterator[Hit]:
    """定量指标（正向、反向、等于、时限）的填报得分，须等于按规则集公式算出的得分（在其填写精度上，任一常见
    舍入方式得出即视为一致）。定性指标的得分档见 T307。

    来源：正向 B≥A 得满分、否则 w×B/A，反向 B≤A 得满分、否则 w×A/B（RULES.md [V]：填表说明；[R]：10号“按照完成值与指标值的比例记分”）；规则集 quantitative。无适用规则时差异为警告。
    """
    for i in ctx.card.indicators:
        if i.method not in _QUANTITATIVE or i.reported is None or i.computed is None:
            continue
        true = i.unrounded if i.unrounded is not None else i.computed
        if compare(i.reported, true).agrees or i.reported == i.computed:
            continue
        yield Hit(f"{_row_name(i)} 填报得分{fmt(i.reported)}，按规则计算为{fmt(i.computed)}（{i.explanation}）",
                  ctx.where(INDICATOR_TABLE, _row_name(i), f"{i.path}.score"), fmt(i.computed), fmt(i.reported),
                  ctx.against_rules)


@check("S210", "score", "得分的舍入方式", Severity.INFO,
       "需要舍入的2个得分中，与截断一致2个，与四舍五入一致0个；规则集为截断")
def rounding_mode(ctx: Context) -> Iterator[Hit]:
    """对需要舍入的定量指标得分（按公式算出的值位数多于填写位数），判断文件采用的舍入方式（四舍五入、截断、
    进一），并与规则集的舍入设置比较；文件内前后不一致时为警告。

    来源：舍入无官方规定（RULES.md）；规则集 rounding（郑州市项目自评按行截断两位，据种子 001 的 95.58 复原 [seeds]）。
    """
    rows: list[tuple[IndicatorScore, set[str]]] = []
    for i in ctx.card.indicators:
        if i.method not in _QUANTITATIVE or i.reported is None or i.unrounded is None:
            continue
        places = decimals_of(i.reported)
        if rounded(i.unrounded, places, ROUND_DOWN) == i.unrounded:
            continue  # exact at the stated precision: says nothing about rounding
        modes = {name for name, mode in MODES if rounded(i.unrounded, places, mode) == i.reported}
        if modes:
            rows.append((i, modes))
    if not rows:
        return
    counts = {name: sum(1 for _, m in rows if name in m) for name, _ in MODES[:3]}
    rule_mode = {"TRUNCATE": "截断", "HALF_UP": "四舍五入", "NONE": "不舍入"}[ctx.rules.rounding.mode.value]
    summary = "，".join(f"与{name}一致{n}个" for name, n in counts.items())
    consistent = [name for name, n in counts.items() if n == len(rows)]
    where = ctx.where(INDICATOR_TABLE, "得分", None)
    if not consistent:
        mixed = "；".join(f"{_row_name(i)}（{'/'.join(sorted(m))}）" for i, m in rows[:6])
        yield Hit(f"需要舍入的{len(rows)}个得分所用舍入方式前后不一：{summary}。{mixed}", where,
                  rule_mode, "混用", Severity.WARNING)
        return
    verdict = "与规则集一致" if rule_mode in consistent else f"规则集为{rule_mode}，请确认采用的舍入方式"
    yield Hit(f"需要舍入的{len(rows)}个得分中，{summary}；文件采用{'或'.join(consistent)}，{verdict}",
              where, rule_mode, "、".join(consistent))


@check("S211", "score", "未达成目标的指标不得满分", Severity.ERROR,
       "产出指标/数量指标/特困人员救助供养人数 目标≥4754人，实际4604人，未达成目标却填报满分5")
def full_marks_on_missed_target(ctx: Context) -> Iterator[Hit]:
    """定量指标（正向、反向、等于）的实际完成值未达到指标值，填报得分却等于分值（满分）。S209 在任一常见舍入
    方式（含进一）下一致即不报，于是 4.84 进一为 5 的满分会被放过；而未达成目标的指标按比例计分，不会是满分，
    这是文件内部的矛盾，与采用哪套规则无关。

    来源：财预〔2020〕10号附件1 填表说明「定量指标……未达成的按比例计分」[V: 填表说明；R: 10号正文]；
    RULES.md「正向：B < A → w × B/A；反向：B > A → w × A/B」。
    """
    for i in ctx.card.indicators:
        if i.method not in ("positive", "negative", "equal") or i.met is not False:
            continue
        if i.weight is None or i.reported is None or i.reported != i.weight:
            continue
        true = i.unrounded if i.unrounded is not None else i.computed
        if true is None or true >= i.weight - HUNDRED / 10000:
            continue
        yield Hit(f"{_row_name(i)} 未达成目标（{i.explanation}），却填报满分{fmt(i.reported)}",
                  ctx.where(INDICATOR_TABLE, _row_name(i), f"{i.path}.score"), fmt(true), fmt(i.reported))
