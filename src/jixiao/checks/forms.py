"""Family 0: the form and the rules it is scored under (表格与评分依据).

Before any figure is compared: is this a self-evaluation at all (a 目标申报表 alone is not), which
rules score it and how sure they are, and which weighted categories the rules do not know.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..numbers import ZERO, fmt
from ..scoring import declaration_only
from .base import Context, Hit, Severity, check
from .budget import INDICATOR_TABLE

FORM = "表格"


@check("F501", "form", "只有绩效目标申报表，没有自评表", Severity.ERROR,
       "21个三级指标均只有目标值，没有实际完成值和得分：这是绩效目标申报表，不是自评表；缺少自评表")
def declaration_without_self_evaluation(ctx: Context) -> Iterator[Hit]:
    """绩效自评须填写每个指标的实际完成值并评分；文件的指标表只有年度指标值、没有实际完成值和得分时，它是绩效目标
    申报表，不能当作自评表审核或评分（所注的自评总分无从核对）。这是阻断性问题：须补交自评表。

    来源：财预〔2020〕10号附件自评表的栏目（年度指标值、实际完成值、分值、得分）[R]；种子 000、003 只附目标申报表
    [seeds]。
    """
    e = ctx.evaluation
    if not declaration_only(e):
        return
    count = sum(1 for _ in e.leaves())
    total = f"；文件所注自评得分{fmt(e.reported.total)}无指标得分可依" if e.reported.total is not None else ""
    yield Hit(f"{count}个三级指标均只有目标值，没有实际完成值和得分：这是绩效目标申报表，不是自评表；缺少自评表{total}",
              ctx.where(INDICATOR_TABLE, None, "indicators"), "自评表（实际完成值与得分）", "只有目标申报表")


@check("F502", "form", "评分规则的选择", Severity.WARNING,
       "未找到适用于四川省达州市2023年度部门整体支出的规则：按文件自身权重计算，得分差异只作提示")
def ruleset_choice(ctx: Context) -> Iterator[Hit]:
    """评分规则只适用于其辖区（或上级辖区）、自评类型和年度（规则文件的 valid_from/valid_to）。其他年度的规则只在本地
    没有当年规则时使用，并提示；其他地区的规则从不使用；没有适用的规则时按文件自身所注权重计算，得分差异为警告而非
    错误。规则中未经原文核实的部分（uncertain）一并列出。

    来源：RULES.md（权重按年度与地区而不同：郑州市2021年与河南省2024年不同 [seeds][V]）；规则集 valid_from/valid_to、
    jurisdiction、uncertain。
    """
    selection = ctx.rules.selection
    if selection is None or selection.how in ("fits", "named"):
        return
    extra = "；".join(selection.uncertain)
    own = "，得分差异只作提示" if selection.how == "own" else ""
    yield Hit(f"{selection.message}{own}{'。未经核实：' + extra if extra else ''}",
              ctx.where(None, "评分规则", "ruleset"), "适用于本地区、本年度的评分规则", ctx.rules.title)


@check("F503", "form", "有分值的一级指标不属于评分规则的任何类别", Severity.WARNING,
       "一级指标「成本指标」（分值合计10）不属于规则「财政部项目支出绩效自评评分规则」的任何类别，未计入总分")
def unknown_weighted_category(ctx: Context) -> Iterator[Hit]:
    """文件中有分值的一级指标，在所用评分规则里没有对应类别时，其得分不能计入任何类别：这不是文件的错，而是规则
    与文件不相称（如 2022 年起的成本指标），须核实所用规则，不能静默丢弃。

    来源：财预〔2021〕101号把成本指标列为一级指标 [R]；规则集 categories.match。
    """
    by_level1: dict[str, list] = {}
    for i in ctx.card.unassigned:
        if i.weight is not None:
            by_level1.setdefault(i.level1, []).append(i)
    for name, items in by_level1.items():
        weight = sum((i.weight for i in items if i.weight is not None), ZERO)
        index = next((n for n, c in enumerate(ctx.evaluation.indicators) if c.name == name), 0)
        yield Hit(f"一级指标「{name}」（{len(items)}个指标，分值合计{fmt(weight)}）不属于规则「{ctx.rules.title}」的任何类别，"
                  "未计入总分", ctx.where(INDICATOR_TABLE, name, f"indicators[{index}]"), "规则中的类别", name)
