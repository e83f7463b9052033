"""Family 1: budget arithmetic (预算金额与比率).

Parts add up to wholes, every stated rate follows from its amounts, nothing is
executed above its budget, and a figure stated twice is stated the same way.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from .. import common
from ..document import Amounts, Evaluation, Leaf
from ..numbers import HUNDRED, ZERO, fmt
from ..scoring import _in_context
from ..values import ValueKind
from .base import Context, Hit, Severity, Where, check, money, points, written
from .tolerance import compare, same_figure, shown

BUDGET_TABLE = "预算情况表"
TASK_TABLE = "年度主要任务"
INDICATOR_TABLE = "绩效指标表"
SUMMARY_TABLE = "各项指标得分情况表"
COLUMNS = (("initial", "年初预算数"), ("adjusted", "全年（调整）预算数"), ("executed", "预算执行数"))


def budget_table(e: Evaluation) -> str:
    return "项目资金" if e.kind == "project" else BUDGET_TABLE


def _parts_sum(ctx: Context, whole_label: str, parts: list[tuple[str, str, Amounts | None]]) -> Iterator[Hit]:
    b = ctx.evaluation.budget
    if all(p is None for _, _, p in parts):
        return
    for column, column_label in COLUMNS:
        total = getattr(b, column)
        values = [(label, getattr(p, column) if p is not None else None) for _, label, p in parts]
        given = [v for _, v in values if v is not None]
        if total is None or not given:
            continue
        s = sum(given, ZERO)
        if s == total:
            continue
        missing = [label for label, v in values if v is None]
        terms = " + ".join(f"{label}{fmt(v)}" for label, v in values if v is not None)
        path = f"budget.{column}"
        where = ctx.where(budget_table(ctx.evaluation), f"{whole_label}·{column_label}", path)
        if missing and s < total:
            yield Hit(f"{whole_label}的{column_label}：{terms} = {money(s)}，小于合计{money(total)}；"
                      f"{'、'.join(missing)}未填", where, money(total), money(s), Severity.INFO)
            continue
        note = f"（{'、'.join(missing)}未填，按0计）" if missing else ""
        yield Hit(f"{whole_label}的{column_label}：{terms} = {money(s)}，与合计{money(total)}不符{note}",
                  where, money(total), money(s))


@check("B101", "budget", "资金来源之和等于预算总额", Severity.ERROR,
       "资金来源的年初预算数：财政资金1207.96 + 其他资金10 = 1217.96万元，与合计1207.96万元不符")
def source_sum(ctx: Context) -> Iterator[Hit]:
    """财政资金 + 其他资金 = 预算总额，年初、全年（调整）、执行三列各自成立。

    来源：部门（单位）整体支出绩效自评表“预算情况”栏的表内关系（种子 000/003/004）[seeds]。
    """
    s = ctx.evaluation.budget.by_source
    if s is not None:
        yield from _parts_sum(ctx, "资金来源", [("fiscal", "财政资金", s.fiscal), ("other", "其他资金", s.other)])


@check("B102", "budget", "资金结构之和等于预算总额", Severity.ERROR,
       "资金结构的年初预算数：基本支出959.96 + 项目支出248 = 1207.96万元，与合计1209.35万元不符")
def structure_sum(ctx: Context) -> Iterator[Hit]:
    """基本支出 + 项目支出 = 预算总额，年初、全年（调整）、执行三列各自成立。

    来源：部门（单位）整体支出绩效自评表“预算情况”栏的表内关系（种子 000/003/004）[seeds]。
    """
    s = ctx.evaluation.budget.by_structure
    if s is not None:
        yield from _parts_sum(ctx, "资金结构", [("basic", "基本支出", s.basic), ("project", "项目支出", s.project)])


@check("B103", "budget", "年度主要任务资金与项目支出一致", Severity.ERROR,
       "年度主要任务的预算资金合计260万元，超过项目支出的全年（调整）预算数94.77万元")
def tasks_vs_projects(ctx: Context) -> Iterator[Hit]:
    """年度主要任务的预算资金之和不超过项目支出（年初或调整预算数），执行数之和不超过项目支出执行数；
    各任务覆盖全部项目支出时两者应相等（合计只列部分任务时给出提示）。

    来源：部门整体支出绩效自评表中“年度主要任务”与“预算情况·项目支出”的对应关系（种子 004：
    8 项任务预算合计 248 万元 = 项目支出年初预算数，执行合计 94.77 万元 = 项目支出执行数）。
    """
    e = ctx.evaluation
    project = e.budget.by_structure.project if e.budget.by_structure else None
    if project is None:
        return
    for field, label, candidates in (
        ("budget", "预算资金", ((project.initial, "年初预算数"), (project.adjusted, "全年（调整）预算数"))),
        ("executed", "执行数", ((project.executed, "执行数"),)),
    ):
        values = [getattr(t, field) for t in e.tasks]
        given = [v for v in values if v is not None]
        stated = [(v, name) for v, name in candidates if v is not None]
        if not given or not stated:
            continue
        total = sum(given, ZERO)
        if any(total == v for v, _ in stated):
            continue
        wanted = " 或 ".join(f"{name}{money(v)}" for v, name in stated)
        where = ctx.where(TASK_TABLE, f"合计·{label}", f"tasks[0].{field}")
        if all(total > v for v, _ in stated):
            yield Hit(f"年度主要任务的{label}合计{money(total)}，超过项目支出的{wanted}", where,
                      wanted, money(total))
        else:
            yield Hit(f"年度主要任务的{label}合计{money(total)}，与项目支出的{wanted}不一致"
                      "（任务只列了部分项目时属正常，请核对）", where, wanted, money(total), Severity.INFO)


@check("B104", "budget", "任务的“其中：财政资金”不超过该任务资金", Severity.ERROR,
       "任务 2 的其中财政资金50万元大于其预算资金46.5万元")
def task_fiscal_part(ctx: Context) -> Iterator[Hit]:
    """每项任务的“其中：财政资金”是该任务资金的一部分，不能大于它（预算和执行各自成立）。

    来源：部门整体支出绩效自评表“年度主要任务”栏的表头（预算资金 / 其中：财政资金）[seeds]。
    """
    for i, t in enumerate(ctx.evaluation.tasks):
        for whole, part, label in (("budget", "budget_fiscal", "预算资金"), ("executed", "executed_fiscal", "执行数")):
            w, p = getattr(t, whole), getattr(t, part)
            if w is not None and p is not None and p > w:
                yield Hit(f"{t.name} 的{label}其中财政资金{money(p)}大于其{label}{money(w)}",
                          ctx.where(TASK_TABLE, t.name, f"tasks[{i}].{part}"), f"≤{money(w)}", money(p))


# ------------------------------------------------------------------ rates


def rate_hits(ctx: Context, stated: Decimal | None, rate: common.Rate, where: Where, label: str,
              alternative: common.Rate | None = None) -> Iterator[Hit]:
    """Compare a stated rate with the rate computed from its amounts (rounding-aware)."""
    if stated is None or rate.value is None:
        return
    true = rate.value * HUNDRED
    agreement = compare(stated, true)
    if agreement.usual:
        return
    derived = f"（{rate.note}）" if rate.note else ""
    if agreement.agrees:
        yield Hit(f"{label}填{written(stated)}，按{rate.formula}计算为{points(shown(true, 4))}，"
                  f"与{agreement.mode}一致（四舍五入应为{points(agreement.expected)}）{derived}",
                  where, points(agreement.expected), written(stated), Severity.INFO)
        return
    if alternative is not None and alternative.value is not None and compare(stated, alternative.value * HUNDRED).agrees:
        yield Hit(f"{label}填{written(stated)}，是按{alternative.formula}计算的结果；规则要求按{rate.formula}"
                  f"计算，应为{points(shown(true))}", where, points(shown(true)), written(stated), Severity.WARNING)
        return
    extra = ""
    if rate.numerator is not None and rate.denominator is not None and rate.numerator > rate.denominator > ZERO \
            and stated <= HUNDRED:
        extra = "；分子大于分母，比率超过100%，请核对金额"
    # A rate inferred from a derived amount is less certain than one from stated amounts.
    severity = Severity.WARNING if rate.note else None
    yield Hit(f"{label}填{written(stated)}，但{rate.formula}={points(shown(true))}{derived}{extra}",
              where, points(shown(true)), written(stated), severity)


def _line_rate(a: Amounts, basis: str) -> common.Rate:
    den = a.adjusted if basis == "adjusted" and a.adjusted is not None else a.initial
    return common.make_rate("line", "执行率", "执行数/预算数", a.executed, den, "执行数", "预算数")


@check("B110", "budget", "预算执行率与金额一致", Severity.ERROR,
       "预算执行率填100%，但预算执行数/全年预算数：19417.548/9444.28=205.60%")
def execution_rate(ctx: Context) -> Iterator[Hit]:
    """预算执行率 = 预算执行数 / 全年（调整）预算数 × 100%（规则集可改为按年初预算数）。表中填写的执行率
    （合计行及资金来源、资金结构各行）须等于由金额算出的比率；四舍五入以外的舍入给出提示。

    来源：执行率 = 全年执行数/全年预算数（调整后）（RULES.md [V]：多种自评表注“执行率（B/A）”）；种子 000 指标说明的公式 [seeds]；规则集 budget_execution.basis。
    """
    e, basis = ctx.evaluation, ctx.rules.budget_execution.basis
    table = budget_table(e)
    other = "initial" if basis == "adjusted" else "adjusted"
    alternative = common.budget_execution_rate(e, other)
    if alternative.note:
        alternative = None
    yield from rate_hits(ctx, e.budget.rate, ctx.rates["budget_execution_rate"],
                         ctx.where(table, "合计·执行率", "budget.rate"), "预算执行率", alternative)
    for split, parts in (("by_source", (("fiscal", "财政资金"), ("other", "其他资金"))),
                         ("by_structure", (("basic", "基本支出"), ("project", "项目支出")))):
        holder = getattr(e.budget, split)
        for key, label in parts:
            line = getattr(holder, key) if holder is not None else None
            if line is not None and line.rate is not None:
                yield from rate_hits(ctx, line.rate, _line_rate(line, basis),
                                     ctx.where(table, f"{label}·执行率", f"budget.{split}.{key}.rate"),
                                     f"{label}执行率")


@check("B111", "budget", "任务预算执行率与金额一致", Severity.ERROR,
       "任务 5 预算执行率填1.43%，但执行数/预算资金：1.43/10=14.30%")
def task_rates(ctx: Context) -> Iterator[Hit]:
    """每项年度主要任务的预算执行率 = 执行数 / 预算资金 × 100%。

    来源：部门整体支出绩效自评表“年度主要任务”栏（预算资金、执行数、执行率三列，种子 004）[seeds]。
    """
    for i, t in enumerate(ctx.evaluation.tasks):
        rate = common.make_rate("task", "执行率", "执行数/预算资金", t.executed, t.budget, "执行数", "预算资金")
        yield from rate_hits(ctx, t.rate, rate, ctx.where(TASK_TABLE, t.name, f"tasks[{i}].rate"),
                             f"{t.name} 预算执行率")


@check("B112", "budget", "预算调整率与金额一致", Severity.ERROR,
       "预算调整率填5%，但调整预算数与年初预算数之差已为-82.42/1207.96=-6.82%，调整总额不会小于此")
def adjustment_rate(ctx: Context) -> Iterator[Hit]:
    """预算调整率 = 预算调整数 / 年初预算数 × 100%，预算调整数为本年度追加、追减、结构调整的资金总和（因落实国家政策、
    发生不可抗力、上级部门或本级党委政府临时交办而产生的调整除外）：追加100、追减100即调整200。填了追加、追减、
    结构调整数时按其总和核对；未填时只能按“调整预算数 − 年初预算数”得到调整总额的下限：所填调整率小于这一下限为错误，
    大于时无法核对（提示）。

    来源：种子 000 的指标说明（预算调整数为追加、追减或结构调整的资金总和）[seeds]；财预〔2013〕53号共性指标
    “预算调整率” [R]。
    """
    e = ctx.evaluation
    b = e.budget
    rate = ctx.rates["budget_adjustment_rate"]
    where = ctx.where(budget_table(e), "预算调整率", "budget.adjustment_rate")
    gross = any(v is not None for v in (b.increase, b.decrease, b.restructured))
    if gross or b.adjustment_rate is None or rate.value is None:
        yield from rate_hits(ctx, b.adjustment_rate, rate, where, "预算调整率")
        return
    floor = abs(rate.value * HUNDRED)
    stated = b.adjustment_rate
    if compare(stated, rate.value * HUNDRED).agrees or compare(stated, floor).agrees:
        return
    if stated < floor:  # below the net change (or a negative rate that is not the net one): impossible
        yield Hit(f"预算调整率填{written(b.adjustment_rate)}，但调整预算数与年初预算数之差已为{rate.numerator}/{rate.denominator}"
                  f"={points(shown(rate.value * HUNDRED))}，调整总额（追加+追减+结构调整）不会小于此", where,
                  f"≥{points(shown(floor))}", written(b.adjustment_rate))
    else:
        yield Hit(f"预算调整率填{written(b.adjustment_rate)}，调整预算数与年初预算数之差为{points(shown(rate.value * HUNDRED))}；"
                  "所填可能是追加、追减与结构调整的总和，未填这些数额，无法核对", where,
                  f"≥{points(shown(floor))}", written(b.adjustment_rate), Severity.INFO)


@check("B113", "budget", "结转结余率与金额一致", Severity.ERROR,
       "结转结余率填100%，但结转结余总额/全年预算数：0/1125.54=0%")
def carryover_rate(ctx: Context) -> Iterator[Hit]:
    """结转结余率 = 结转结余总额 / 全年（调整）预算数 × 100%。未填结转结余总额时按“全年预算数 − 执行数”推算，
    此时不一致为警告（推算可能不含以前年度结转）。

    来源：种子 000 指标说明（结转结余率 = 结转结余总额/预算数）[seeds]；财预〔2013〕53号共性指标框架 [R]。
    """
    e = ctx.evaluation
    yield from rate_hits(ctx, e.budget.carryover_rate, ctx.rates["carryover_rate"],
                         ctx.where(budget_table(e), "结转结余率", "budget.carryover_rate"), "结转结余率")


_RATE_KEYS = {"three_public": "three_public_rate", "procurement": "procurement_rate",
              "special_funds": "special_funds_rate"}


def _stated_rate(ctx: Context, part: str, row: str, label: str) -> Iterator[Hit]:
    """The rate stated on a budget sub-record (三公经费, 政府采购, 专项资金) against its amounts."""
    e = ctx.evaluation
    record = getattr(e.budget, part)
    yield from rate_hits(ctx, record.rate if record else None, ctx.rates[_RATE_KEYS[part]],
                         ctx.where(budget_table(e), row, f"budget.{part}.rate"), label)


@check("B114", "budget", "“三公经费”控制率与金额一致", Severity.ERROR,
       "“三公经费”控制率填180%，但“三公经费”实际支出/预算安排数：0.04/7.2=0.56%")
def three_public_rate(ctx: Context) -> Iterator[Hit]:
    """“三公经费”控制率 = “三公经费”实际支出数 / “三公经费”预算安排数 × 100%。

    来源：常见公式“三公经费”控制率 = 实际支出/预算安排数（RULES.md [R]）；种子中该指标目标为≤100% [seeds]。
    """
    yield from _stated_rate(ctx, "three_public", "“三公经费”", "“三公经费”控制率")


@check("B115", "budget", "政府采购执行率与金额一致", Severity.ERROR,
       "政府采购执行率填100%，但实际政府采购金额/政府采购预算数：45/50=90%")
def procurement_rate(ctx: Context) -> Iterator[Hit]:
    """政府采购执行率 = 实际政府采购金额 / 政府采购预算数 × 100%。

    来源：种子 000 指标说明（政府采购执行率 = 实际政府采购金额/政府采购预算数）[seeds]。
    """
    yield from _stated_rate(ctx, "procurement", "政府采购", "政府采购执行率")


@check("B116", "budget", "专项资金细化率与金额一致", Severity.ERROR,
       "专项资金细化率填100%，但已细化资金数/参与分配资金总数：80/100=80%")
def special_funds_rate(ctx: Context) -> Iterator[Hit]:
    """专项资金细化率 = 已细化到具体单位的资金数 / 部门参与分配资金总数 × 100%。

    来源：种子 000 指标说明（专项资金细化率 = 已细化到具体单位的资金数/部门参与分配资金总数）[seeds]。
    """
    yield from _stated_rate(ctx, "special_funds", "专项资金细化", "专项资金细化率")


def repeats_target(leaf: Leaf, year: int) -> bool:
    """The actual value merely repeats the target (≥90% / 90%, or the same text)."""
    ind = leaf.indicator
    if not ind.actual.raw.strip():
        return False
    if ind.actual.raw.strip() == ind.target.raw.strip():
        return True
    target, actual = _in_context(ind.target, ind.unit, year), _in_context(ind.actual, ind.unit, year)
    return (target.number is not None and actual.number is not None and target.number == actual.number
            and target.kind == actual.kind)


def stated_percent(leaf: Leaf, year: int) -> Decimal | None:
    """The actual of a rate indicator as a plain stated percentage, or None (≥90%, 95%左右, 达标)."""
    ind = leaf.indicator
    actual = _in_context(ind.actual, ind.unit or "%", year)
    if actual.kind is ValueKind.PERCENT and actual.comparator is None and not actual.approximate:
        return actual.number
    return None


@check("B117", "budget", "共性指标的实际完成值与金额、数量一致", Severity.ERROR,
       "绩效监控完成率的实际完成值填90%，但已完成绩效监控项目数/部门项目总数：8/8=100%")
def common_indicator_actuals(ctx: Context) -> Iterator[Hit]:
    """共性指标（预算执行率、预算调整率、结转结余率、“三公经费”控制率、政府采购执行率、专项资金细化率、
    绩效监控/自评/评价完成率、评价结果应用率）的实际完成值，须等于用表中金额或项目数按公式算出的比率。
    实际值照抄目标值的情况由 T306 报告。

    来源：种子 000 指标说明中的共性指标公式 [seeds]（财预〔2013〕53号框架 [R]）；jixiao.common。
    """
    e = ctx.evaluation
    for leaf, key in ctx.common_leaves:
        if repeats_target(leaf, e.year):
            continue
        stated = stated_percent(leaf, e.year)
        rate = ctx.rates.get(key)
        if stated is None or rate is None:
            continue
        row = f"{leaf.level1}/{leaf.level2}/{leaf.indicator.name}"
        yield from rate_hits(ctx, stated, rate, ctx.where(INDICATOR_TABLE, row, f"{leaf.path}.actual"),
                             f"{leaf.indicator.name}的实际完成值")


# ------------------------------------------------------------------ executed above budget


@check("B120", "budget", "执行数不超过预算数", Severity.ERROR,
       "预算执行数19417.548万元大于全年（调整）预算数9444.28万元")
def executed_above_budget(ctx: Context) -> Iterator[Hit]:
    """预算执行数不能超过全年（调整）预算数（无调整数时为年初预算数）：合计行、资金来源与结构各行、各项任务。
    “三公经费”实际支出超过预算安排数、实际政府采购金额超过采购预算为警告（超支须说明）。

    来源：自评表的表内关系 [seeds]；《中华人民共和国预算法》第十三条 [R，条文未逐字核对]（支出以经批准的预算为依据，
    未列入预算的不得支出）；自评表的表内关系。
    """
    e = ctx.evaluation
    table = budget_table(e)

    def over(a, label: str, path: str) -> Iterator[Hit]:
        if a is None or a.executed is None:
            return
        basis, name = (a.adjusted, "全年（调整）预算数") if a.adjusted is not None else (a.initial, "年初预算数")
        if basis is not None and a.executed > basis:
            yield Hit(f"{label}预算执行数{money(a.executed)}大于{name}{money(basis)}",
                      ctx.where(table, label or "合计", f"{path}.executed"), f"≤{money(basis)}", money(a.executed))

    yield from over(e.budget, "", "budget")
    for split, parts in (("by_source", (("fiscal", "财政资金"), ("other", "其他资金"))),
                         ("by_structure", (("basic", "基本支出"), ("project", "项目支出")))):
        holder = getattr(e.budget, split)
        for key, label in parts:
            yield from over(getattr(holder, key) if holder else None, label, f"budget.{split}.{key}")
    for i, t in enumerate(e.tasks):
        if t.budget is not None and t.executed is not None and t.executed > t.budget:
            yield Hit(f"{t.name} 执行数{money(t.executed)}大于预算资金{money(t.budget)}",
                      ctx.where(TASK_TABLE, t.name, f"tasks[{i}].executed"), f"≤{money(t.budget)}", money(t.executed))
    for key, label, actual_label in (("three_public", "“三公经费”", "实际支出"), ("procurement", "政府采购", "实际采购金额")):
        s = getattr(e.budget, key)
        if s is not None and s.budget is not None and s.actual is not None and s.actual > s.budget:
            yield Hit(f"{label}{actual_label}{money(s.actual)}超过预算{money(s.budget)}，须说明原因",
                      ctx.where(table, label, f"budget.{key}.actual"), f"≤{money(s.budget)}", money(s.actual),
                      Severity.WARNING)


# ------------------------------------------------------------------ the same figure twice


@check("B130", "budget", "同一数字在两处填写一致", Severity.ERROR,
       "“三公经费”控制率在预算情况表中为23.18%，在绩效指标表中为18%")
def same_figure_twice(ctx: Context) -> Iterator[Hit]:
    """同一个数字在两张表中出现时必须相同（允许一处为另一处的舍入）：预算情况表中的各比率与绩效指标表中对应
    共性指标的实际完成值；预算执行的分值、得分与各项指标得分情况表中“预算执行”一行；指标表一级指标的分值与
    得分情况表的权重分值。

    来源：自评表与得分情况表的表间关系（种子 000/003/004）[seeds]。
    """
    e = ctx.evaluation
    b = e.budget
    table = budget_table(e)
    stated_rates = {
        "budget_execution_rate": (b.rate, "budget.rate"),
        "budget_adjustment_rate": (b.adjustment_rate, "budget.adjustment_rate"),
        "carryover_rate": (b.carryover_rate, "budget.carryover_rate"),
        "three_public_rate": (b.three_public.rate if b.three_public else None, "budget.three_public.rate"),
        "procurement_rate": (b.procurement.rate if b.procurement else None, "budget.procurement.rate"),
        "special_funds_rate": (b.special_funds.rate if b.special_funds else None, "budget.special_funds.rate"),
    }
    for leaf, key in ctx.common_leaves:
        first, path = stated_rates.get(key, (None, ""))
        second = stated_percent(leaf, e.year)
        if first is None or second is None or same_figure(first, second):
            continue
        name = leaf.indicator.name
        yield Hit(f"{name}在{table}中为{written(first)}，在{INDICATOR_TABLE}中为{written(second)}",
                  ctx.where(INDICATOR_TABLE, f"{leaf.level1}/{leaf.level2}/{name}", f"{leaf.path}.actual"),
                  written(first), written(second))
    budget_row = next((r for r in e.reported.categories if any(a in r.name for a in ("预算执行", "资金执行"))), None)
    if budget_row is not None:
        for field, label in (("score", "得分"), ("weight", "分值")):
            first, second = getattr(b, field), getattr(budget_row, field)
            if first is not None and second is not None and first != second:
                yield Hit(f"预算执行的{label}在{table}中为{fmt(first)}，在{SUMMARY_TABLE}中为{fmt(second)}",
                          ctx.where(SUMMARY_TABLE, budget_row.name, f"budget.{field}"), fmt(first), fmt(second))
    for i, category in enumerate(e.indicators):
        if category.weight is None:
            continue
        row = next((r for r in e.reported.categories if r.weight is not None and
                    (r.name in category.name or category.name.removesuffix("指标") in r.name)), None)
        if row is not None and row.weight != category.weight:
            yield Hit(f"{category.name}的分值在{INDICATOR_TABLE}中为{fmt(category.weight)}，"
                      f"在{SUMMARY_TABLE}中为{fmt(row.weight)}",
                      ctx.where(INDICATOR_TABLE, category.name, f"indicators[{i}].weight"),
                      fmt(row.weight), fmt(category.weight))
