"""Consistent self-evaluation documents, generated: for property tests and benchmarks.

:func:`department` and :func:`project` build documents whose every figure agrees
with every other by construction: parts add up, rates are the half-up rounding
of their amounts, scores are the rule set's, the narrative repeats the tables.
The review checks must find no ``error`` in them; a test then changes one
figure and expects the right check to fire.
"""

from __future__ import annotations

import random
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .document import Evaluation
from .numbers import HUNDRED, TEN_THOUSAND, ZERO
from .rulesets import RuleSet, layout, load
from .scoring import score

_CENT = Decimal("0.01")
UNITS = ("郑州市金水区城市管理局", "郑州市二七区教育局", "开封市龙亭区卫生健康委员会", "洛阳市西工区民政局",
         "许昌市魏都区文化广电和旅游局", "南阳市卧龙区农业农村局", "新乡市红旗区市场监督管理局")
TASKS = ("党务经费", "信息化运维经费", "专项培训经费", "安全生产经费", "档案管理经费", "宣传教育经费", "社区治理经费",
         "设备购置经费")
QUANT = (("培训人次", "人次"), ("印发宣传资料", "份"), ("走访群众户数", "户"), ("开展检查次数", "次"),
         ("设备完好率", "%"), ("问题整改率", "%"), ("验收合格率", "%"))
QUAL = (("预算编制完整性", "完整"), ("资金使用合规性", "合规"), ("管理制度健全性", "健全"),
        ("决算真实性", "真实"), ("群众获得感", "明显提升"))


def _money(rng: random.Random, lo: int, hi: int) -> Decimal:
    return Decimal(rng.randint(lo * 100, hi * 100)) / 100


def _pct(num: Decimal, den: Decimal) -> str:
    return f"{(num / den * HUNDRED).quantize(_CENT, ROUND_HALF_UP)}%"


def _leaf(rng: random.Random, weight: int, year: int) -> dict[str, Any]:
    roll = rng.random()
    if roll < 0.5:
        name, unit = rng.choice(QUANT)
        target = Decimal(rng.randint(80, 99)) if unit == "%" else Decimal(rng.randint(10, 400))
        met = rng.random() < 0.75
        if met:
            actual = target + (target * Decimal(rng.randint(0, 15)) / 100).quantize(Decimal(1))
            if unit == "%":
                actual = min(actual, HUNDRED)
        else:
            actual = (target * Decimal(rng.randint(60, 99)) / 100).quantize(Decimal(1))
        row = {"name": name, "target": f"≥{target}{unit}", "unit": unit, "weight": weight, "actual": f"{actual}{unit}"}
        if not met or actual < target:
            row["deviation"] = "受年度内工作安排调整影响，未完全达到目标，下一年度加强计划管理。"
        return row
    if roll < 0.85:
        name, word = rng.choice(QUAL)
        return {"name": name, "target": word, "unit": "定性指标", "weight": weight, "actual": word}
    return {"name": "完成时限", "target": f"{year}年12月31日前", "weight": weight, "actual": f"{year}年12月31日前"}


def _tree(rng: random.Random, categories: list[tuple[str, int]], year: int,
          execution: Decimal | None = None, below_target: bool = False) -> list[dict[str, Any]]:
    tree = []
    for c, (name, weight) in enumerate(categories):
        n = rng.randint(2, 5)
        weights = [weight // n] * n
        weights[-1] += weight - sum(weights)
        leaves = [_leaf(rng, w, year) for w in weights]
        if c == 0 and execution is not None:
            # The budget-execution common indicator, its actual the rate computed from the amounts.
            leaves[0] = {"name": "预算执行率", "target": "≥90%", "unit": "%", "weight": weights[0],
                         "actual": f"{execution}%"}
            if below_target:
                leaves[0]["deviation"] = "部分项目资金按合同进度支付，未全部支出。"
        groups = [{"name": f"{name.removesuffix('指标')}二级指标{g + 1}", "children": leaves[g::2]} for g in range(2)]
        tree.append({"name": name, "weight": weight, "children": [g for g in groups if g["children"]]})
    return tree


def _fill_scores(data: dict[str, Any], rules: RuleSet) -> dict[str, Any]:
    """Score the document and write the rule set's scores into it, as a careful unit would."""
    card = score(Evaluation.model_validate(data), rules)
    by_path = {i.path: i for i in card.indicators}
    for ci, category in enumerate(data["indicators"]):
        for gi, group in enumerate(category["children"]):
            for li, leaf in enumerate(group["children"]):
                result = by_path[f"indicators[{ci}].children[{gi}].children[{li}]"]
                leaf["score"] = str(result.used)
    rows = []
    for c in card.categories:
        rate = (c.computed / c.weight * HUNDRED).quantize(_CENT, ROUND_HALF_UP)
        rows.append({"name": c.name, "weight": str(c.weight), "score": str(c.computed), "rate": f"{rate}%"})
        if c.key == "budget_execution":
            data["budget"]["weight"] = str(c.weight)
            data["budget"]["score"] = str(c.computed)
    data["reported"] = {"total": str(card.total), "grade": card.grade, "categories": rows}
    return data


def _amount_text(rng: random.Random, value: Decimal) -> str:
    if rng.random() < 0.25:
        return f"{(value * TEN_THOUSAND).normalize():f}元"
    return f"{value}万元"


def _narrative(rng: random.Random, data: dict[str, Any], sections: list[str]) -> list[dict[str, Any]]:
    b, year = data["budget"], data["year"]
    total, grade = data["reported"]["total"], data["reported"]["grade"]
    money = (f"{year}年度，预算年初数为{_amount_text(rng, Decimal(b['initial']))}，调整预算数为"
             f"{_amount_text(rng, Decimal(b['adjusted']))}，预算执行金额{_amount_text(rng, Decimal(b['executed']))}，"
             f"预算执行率{b['rate']}。")
    tasks = "\n".join(
        f"重点工作任务 {i + 1}：{t['content']}预算数为{t['budget']}万元，预算执行金额为{t['executed']}万元，"
        f"预算执行率{t['rate']}，目标任务完成情况：已完成。" for i, t in enumerate(data.get("tasks", [])))
    tp = b.get("three_public")
    three = (f"“三公经费”年初预算{tp['budget']}万元，实际支出{tp['actual']}万元，“三公经费”控制率{tp['rate']}。"
             if tp else "")
    pm = data.get("performance_management")
    counts = (f"共有项目{pm['projects']}个，开展绩效监控项目{pm['monitored']}个，开展绩效自评项目{pm['self_evaluated']}个。"
              if pm else "")
    texts = {
        0: f"{data['unit']}是本级预算单位。",
        1: "成立自评工作小组，收集资料、核对数据并撰写报告。",
        2: f"经自评，{year}年度最终得分为{total}分，评价等级为“{grade}”。",
        3: "\n".join(x for x in (money, three, counts, tasks) if x),
        4: "部分指标值设置不够细化；下一年度加强目标管理和预算执行监控。",
        5: f"自评结果随同{year}年度决算公开。",
    }
    numbers = "一二三四五六七八九十"
    return [{"number": numbers[i], "title": title, "text": texts.get(i, "无")} for i, title in enumerate(sections)]


def _finish(rng: random.Random, data: dict[str, Any], rules: RuleSet, execution: Decimal,
            below_target: bool) -> dict[str, Any]:
    """Indicators, the rule set's scores and the narrative, for either kind."""
    weights = [(c.name if c.name.endswith("指标") else f"{c.name}指标", int(c.weight))
               for c in rules.categories if c.source == "indicators"]
    data["indicators"] = _tree(rng, weights, data["year"], execution, below_target)
    _fill_scores(data, rules)
    data["narrative"] = _narrative(rng, data, [s.name for s in layout(rules)])
    return data


def department(seed: int, rules: RuleSet | None = None) -> dict[str, Any]:
    """A consistent department-overall (部门整体) document as plain data."""
    rng = random.Random(seed)
    rules = rules or load("zhengzhou-2021-department")
    year = rules.year + rng.randint(0, 3)
    n_tasks = rng.randint(2, 6)
    task_budgets = [_money(rng, 3, 400) for _ in range(n_tasks)]
    project_a = sum(task_budgets, ZERO)
    basic_a = _money(rng, 100, 5000)
    adjusted = basic_a + project_a
    initial = (adjusted * Decimal(rng.randint(80, 120)) / 100).quantize(_CENT)
    task_exec = [(t * Decimal(rng.randint(75, 100)) / 100).quantize(_CENT) for t in task_budgets]
    project_e = sum(task_exec, ZERO)
    basic_e = (basic_a * Decimal(rng.randint(85, 100)) / 100).quantize(_CENT)
    executed = basic_e + project_e
    basic_i = initial - project_a if initial > project_a else initial / 2
    project_i = initial - basic_i
    tp_budget = _money(rng, 1, 40)
    tp_actual = (tp_budget * Decimal(rng.randint(10, 100)) / 100).quantize(_CENT)
    proc_budget = _money(rng, 10, 300)
    proc_actual = (proc_budget * Decimal(rng.randint(80, 100)) / 100).quantize(_CENT)
    projects = rng.randint(3, 30)
    execution = (executed / adjusted * HUNDRED).quantize(_CENT, ROUND_HALF_UP)
    tasks = []
    for i, (bud, ex) in enumerate(zip(task_budgets, task_exec)):
        tasks.append({"name": f"任务{i + 1}", "content": TASKS[i % len(TASKS)], "budget": str(bud),
                      "budget_fiscal": str(bud), "executed": str(ex), "executed_fiscal": str(ex),
                      "rate": _pct(ex, bud), "status": "完成"})
    data: dict[str, Any] = {
        "kind": "department", "year": year, "unit": rng.choice(UNITS), "ruleset": rules.id,
        "title": None,
        "tasks": tasks,
        "budget": {
            "initial": str(initial), "adjusted": str(adjusted), "executed": str(executed), "rate": f"{execution}%",
            "by_source": {"fiscal": {"initial": str(initial), "adjusted": str(adjusted), "executed": str(executed)}},
            "by_structure": {
                "basic": {"initial": str(basic_i), "adjusted": str(basic_a), "executed": str(basic_e)},
                "project": {"initial": str(project_i), "adjusted": str(project_a), "executed": str(project_e)},
            },
            "three_public": {"budget": str(tp_budget), "actual": str(tp_actual), "rate": _pct(tp_actual, tp_budget)},
            "procurement": {"budget": str(proc_budget), "actual": str(proc_actual), "rate": _pct(proc_actual, proc_budget)},
            "carryover": str(adjusted - executed), "carryover_rate": _pct(adjusted - executed, adjusted),
            "adjustment_rate": _pct(adjusted - initial, initial),
            "explanation": "年中追加或调减项目资金。",
        },
        "performance_management": {"projects": projects, "monitored": projects, "self_evaluated": projects},
        "indicators": [],
    }
    data["title"] = f"{data['unit']}{year}年度部门整体绩效自评报告"
    return _finish(rng, data, rules, execution, executed / adjusted * HUNDRED < 90)


def project(seed: int, rules: RuleSet | None = None) -> dict[str, Any]:
    """A consistent project (项目支出) document as plain data."""
    rng = random.Random(seed)
    rules = rules or load("zhengzhou-2021-project")
    year = rules.year + rng.randint(0, 3)
    adjusted = _money(rng, 2, 2000)
    initial = (adjusted * Decimal(rng.randint(85, 115)) / 100).quantize(_CENT)
    executed = (adjusted * Decimal(rng.randint(72, 100)) / 100).quantize(_CENT)
    execution = (executed / adjusted * HUNDRED).quantize(_CENT, ROUND_HALF_UP)
    unit = rng.choice(UNITS)
    data: dict[str, Any] = {
        "kind": "project", "year": year, "unit": unit, "ruleset": rules.id,
        "title": f"{year}年度{TASKS[seed % len(TASKS)]}项目绩效自评报告",
        "project": {"name": TASKS[seed % len(TASKS)], "department": unit, "implementer": unit},
        "budget": {"initial": str(initial), "adjusted": str(adjusted), "executed": str(executed),
                   "rate": f"{execution}%",
                   "by_source": {"fiscal": {"initial": str(initial), "adjusted": str(adjusted),
                                            "executed": str(executed)}}},
    }
    return _finish(rng, data, rules, execution, executed / adjusted * HUNDRED < 90)
