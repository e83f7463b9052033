"""The official tables as :class:`~jixiao.writers.model.Table`: laid out once, drawn by .docx and .xlsx.

* 部门整体绩效自评表 (9 columns, seeds 000/003/004) and 项目绩效自评表 (8 columns,
  seed 001): identity, tasks, budget, then one row per third-level indicator,
  一级/二级 cells merged down. No row of the software's own is printed inside
  an official form: the rule set the scores follow travels in the files'
  properties (docx keywords, xlsx defined name ``JIXIAO_RULESET``) and in the
  评分规则 row of the 复核 annex (:mod:`.review`), which the reader takes back
  (without it, a 郑州 project's 投入和管理 points vanish when the read-back file
  is scored by 财预〔2020〕10号).
* 绩效目标申报表: the same identity and money with the targets only.
* 各项指标得分情况表: 指标 / 权重分值 / 得分 / 得分率 and 合计.

Derived cells carry their Excel formula (``{r,c}`` grid references, see
:mod:`.model`) beside the value: 执行率 of every budget line and task, 得分率,
the 合计 row, 自评得分 and 自评结果. A formula is only written when it gives the
stated value on the table's own figures (a rule set that caps or rescales the
total makes a plain SUM wrong; the value is then written as it is).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from ..document import Amounts, Evaluation, Kind
from ..scoring import declaration_only
from ..rulesets import RuleSet
from .model import Cell, Span, Table

_ROW = Sequence[Cell | tuple[Cell, int]]


class _Grid:
    """Builds a table row by row; ``(cell, n)`` spans n columns."""

    def __init__(self, width: int) -> None:
        self.width = width
        self.rows: list[list[Cell]] = []
        self.spans: list[Span] = []

    def row(self, *cells: Cell | tuple[Cell, int]) -> int:
        out: list[Cell] = []
        for item in cells:
            cell, cols = item if isinstance(item, tuple) else (item, 1)
            if cols > 1:
                self.spans.append(Span(len(self.rows), len(out), 1, cols))
            out += [cell] + [Cell(role=cell.role)] * (cols - 1)
        if len(out) != self.width:
            raise ValueError(f"row width {len(out)} != table width {self.width}")
        self.rows.append(out)
        return len(self.rows) - 1

    def down(self, col: int, first: int, last: int) -> None:
        """Merge column ``col`` from row ``first`` down to ``last`` (keeping a horizontal span's width)."""
        if last <= first:
            return
        for i, s in enumerate(self.spans):
            if (s.row, s.col) == (first, col):
                self.spans[i] = Span(s.row, s.col, last - first + 1, s.cols)
                return
        self.spans.append(Span(first, col, last - first + 1, 1))

    def at(self) -> int:
        return len(self.rows)

    def table(self, key: str, title: str, subtitle: str | None, note: str | None,
              header: tuple[int, int] | None, widths: tuple[int, ...]) -> Table:
        return Table(key, title, subtitle, note, tuple(tuple(r) for r in self.rows), tuple(self.spans), header, widths)


def _h(text: str) -> Cell:
    return Cell(text, role="header")


def _l(text: str | None) -> Cell:
    return Cell(text, role="label")


def _t(text: str | None, field: str | None = None) -> Cell:
    return Cell(text or None, field=field)


def _m(value: Decimal | None, field: str) -> Cell:
    return Cell(value, "money", field=field)


def _n(value: Decimal | None, field: str | None = None) -> Cell:
    return Cell(value, "number", field=field)


def _ref(r: int, c: int) -> str:
    return "{" + f"{r},{c}" + "}"


def _rate(value: Decimal | None, r: int, num: int, den: int, field: str, formula: bool) -> Cell:
    """执行率 = num/den of the same row; the formula only when both amounts are there to compute it."""
    live = formula or value is None  # with no stated rate, the formula shows "" until amounts are typed
    text = f'=IF(N({_ref(r, den)})=0,"",{_ref(r, num)}/{_ref(r, den)})' if live else None
    return Cell(value, "percent", formula=text, field=field)


def _agrees(rate: Decimal | None, num: Decimal | None, den: Decimal | None) -> bool:
    """A stated rate the formula num/den shows as written (or none stated): only then is the cell live, so a
    rate the unit stated and the review disputes is kept as stated, not replaced by Excel."""
    if rate is None:
        return True
    if num is None or not den:
        return False
    from ..tolerance import compare

    return compare(rate, num / den * 100).usual


def _level1(name: str, weight: Decimal | None) -> str:
    from .text import number

    return name if weight is None else f"{name}（{number(weight)}分）"


def _year(e: Evaluation) -> str:
    """（2021年度）, or the prompt a partial import without a year needs."""
    return f"（{e.year}年度）" if e.year else "（【待填写：年度】）"


def ruleset_text(rules: RuleSet) -> str:
    """The rule set by title and id (郑州市2021年度项目支出绩效自评评分规则（zhengzhou-2021-project）): the form
    a reader takes the id back from (the 复核 annex's 评分规则 row, and the files' properties)."""
    return f"{rules.title}（{rules.id}）"


def _budget_score(b, r: int, rate: int, weight: int) -> Cell:  # noqa: ANN001 - document.Budget
    """资金执行得分 = 分值 × min(执行率, 100%), live, when that is the stated score (or none is stated)."""
    from decimal import ROUND_HALF_UP

    formula = f'=IF({_ref(r, rate)}="","",ROUND(N({_ref(r, weight)})*MIN({_ref(r, rate)},1),2))'
    if b.score is not None:
        if b.rate is None or b.weight is None:
            return _n(b.score, "budget.score")
        expected = (b.weight * min(b.rate / 100, Decimal(1))).quantize(Decimal("0.01"), ROUND_HALF_UP)
        if expected != b.score:
            return _n(b.score, "budget.score")
    return Cell(b.score, "number", formula=formula, field="budget.score")


def _grade_formula(total: str, rules: RuleSet) -> str:
    bands = sorted(rules.grades, key=lambda g: -g.min)
    formula = f'"{bands[-1].name}"'
    for band in reversed(bands[:-1]):
        formula = f'IF({total}>={band.min},"{band.name}",{formula})'
    return "=" + formula


def _sum_formula(cells: list[tuple[int, int]]) -> str:
    return "=" + "+".join(f"N({_ref(r, c)})" for r, c in cells) if cells else ""


# ------------------------------------------------------------------ self-evaluation form


def _amount_cells(a: Amounts | None, r: int, col: int, path: str) -> list[Cell]:
    """年初 / 调整(全年) / 执行 / 执行率 of one budget line from column ``col``."""
    a = a or Amounts()
    computable = a.executed is not None and bool(a.adjusted) and _agrees(a.rate, a.executed, a.adjusted)
    return [_m(a.initial, f"{path}.initial"), _m(a.adjusted, f"{path}.adjusted"), _m(a.executed, f"{path}.executed"),
            _rate(a.rate, r, col + 2, col + 1, f"{path}.rate", computable)]


def _indicator_rows(g: _Grid, e: Evaluation, department: bool, score_col: int) -> list[tuple[int, int]]:
    """One row per third-level indicator; returns the (row, col) of every score cell."""
    scores = []
    for i, category in enumerate(e.indicators):
        first1 = g.at()
        for j, group in enumerate(category.children or ()):
            first2 = g.at()
            for k, leaf in enumerate(group.children or ()):
                path = f"indicators[{i}].children[{j}].children[{k}]"
                cells = [_l(_level1(category.name, category.weight)), _l(group.name), _t(leaf.name, f"{path}.name"),
                         _t(leaf.target.raw, f"{path}.target")]
                if department:
                    cells.append(_t(leaf.unit, f"{path}.unit"))
                cells += [_t(leaf.actual.raw, f"{path}.actual"), _n(leaf.weight, f"{path}.weight"),
                          _n(leaf.score, f"{path}.score"), _t(leaf.deviation, f"{path}.deviation")]
                r = g.row(*cells)
                scores.append((r, score_col + 1))
            if g.at() > first2:
                g.down(1, first2, g.at() - 1)
        if g.at() > first1:
            g.down(0, first1, g.at() - 1)
    return scores


def _department(e: Evaluation, rules: RuleSet) -> Table:
    g = _Grid(9)
    top = g.row(_l("部门(单位)名称"), (_t(e.unit, "unit"), 5), _l("自评得分"), (_n(e.reported.total, "reported.total"), 2))
    g.row(_l(None), (Cell(), 5), _l("自评结果"), (_t(e.reported.grade, "reported.grade"), 2))
    g.down(0, top, top + 1)
    g.down(1, top, top + 1)
    g.row(_l("年度履职目标"), (_t(e.goals.target, "goals.target"), 5), _l("年度履职目标完成情况"),
          (_t(e.goals.actual, "goals.actual"), 2))
    first = g.row(_l("年度主要任务"), _h("任务名称"), _h("主要内容"), _h("预算资金"), _h("其中：财政资金"),
                  _h("任务完成情况"), _h("预算执行数"), _h("其中：财政资金"), _h("预算执行率"))
    for i, t in enumerate(e.tasks):
        r = g.at()
        p = f"tasks[{i}]"
        g.row(_l(None), _t(t.name, f"{p}.name"), _t(t.content, f"{p}.content"), _m(t.budget, f"{p}.budget"),
              _m(t.budget_fiscal, f"{p}.budget_fiscal"), _t(t.status, f"{p}.status"), _m(t.executed, f"{p}.executed"),
              _m(t.executed_fiscal, f"{p}.executed_fiscal"),
              _rate(t.rate, r, 6, 3, f"{p}.rate", t.executed is not None and bool(t.budget)
                    and _agrees(t.rate, t.executed, t.budget)))
    g.down(0, first, g.at() - 1)
    b = e.budget
    first = g.row(_l("预算情况"), (_h(None), 2), _h("年初预算数"), _h("调整预算数"), _h("预算执行数"), _h("预算执行率"),
                  _h("分值"), _h("得分"))
    r = g.at()
    total = Amounts(initial=b.initial, adjusted=b.adjusted, executed=b.executed, rate=b.rate)
    g.row(_l(None), (_l("部门预算总额"), 2), *_amount_cells(total, r, 3, "budget"), _n(b.weight, "budget.weight"),
          _budget_score(b, r, 6, 7))
    budget_score = (r, 8)
    lines = (("1、资金来源：(1) 财政性资金", "by_source", "fiscal"), ("(2) 其他资金", "by_source", "other"),
             ("2、资金结构：(1) 基本支出", "by_structure", "basic"), ("(2) 项目支出", "by_structure", "project"))
    for label, split, line in lines:
        part = getattr(b, split)
        r = g.at()
        g.row(_l(None), (_l(label), 2), *_amount_cells(getattr(part, line) if part else None, r, 3,
                                                        f"budget.{split}.{line}"), Cell(), Cell())
    g.down(0, first, g.at() - 1)
    header = g.row(*map(_h, ("一级指标", "二级指标", "三级指标", "指标值", "度量单位", "实际完成值", "分值", "得分",
                             "未完成原因分析")))
    scores = _indicator_rows(g, e, True, 6)
    _total_cells(g, e, rules, (top, 7), (top + 1, 7), [budget_score, *scores])
    return g.table("self_evaluation", "部门整体绩效自评表", form_note(e), "单位：万元", (header, header),
                   (8, 9, 12, 8, 7, 8, 8, 7, 10))


def _department_text(project) -> str:  # noqa: ANN001 - document.ProjectInfo
    """主管部门 as the forms print it: [代码]名称."""
    name = project.department or ""
    return f"[{project.department_code}]{name}" if project.department_code else name


def _project(e: Evaluation, rules: RuleSet) -> Table:
    project = e.project
    assert project is not None  # the model refuses a project document without it
    g = _Grid(8)
    department = _department_text(project)
    g.row(_l("项目名称"), (_t(project.name, "project.name"), 7))
    g.row(_l("主管部门及代码"), (_t(department or None, "project.department"), 3), _l("实施单位"),
          (_t(project.implementer, "project.implementer"), 3))
    b = e.budget
    first = g.row(_l("项目资金（万元）"), _h(None), _h("年初预算数"), _h("全年预算数"), _h("预算执行数"), _h("执行率"),
                  _h("分值"), _h("得分"))
    r = g.at()
    total = Amounts(initial=b.initial, adjusted=b.adjusted, executed=b.executed, rate=b.rate)
    g.row(_l(None), _l("年度资金总额"), *_amount_cells(total, r, 2, "budget"), _n(b.weight, "budget.weight"),
          _budget_score(b, r, 5, 6))
    budget_score = (r, 7)
    source = b.by_source
    for label, line in (("其中：本年财政拨款", "fiscal"), ("其他资金", "other")):
        r = g.at()
        g.row(_l(None), _l(label), *_amount_cells(getattr(source, line) if source else None, r, 2,
                                                  f"budget.by_source.{line}"), Cell(), Cell())
    g.down(0, first, g.at() - 1)
    g.row((_h("年度绩效目标"), 4), (_h("目标实际完成情况"), 4))
    g.row((_t(e.goals.target, "goals.target"), 4), (_t(e.goals.actual, "goals.actual"), 4))
    total_row = g.row(_l("总分值"), (_n(Decimal(100)), 2), _l("总得分"), (_n(e.reported.total, "reported.total"), 2),
                      _l("自评结果"), _t(e.reported.grade, "reported.grade"))
    header = g.row(*map(_h, ("一级指标", "二级指标", "三级指标", "指标值", "实际完成值", "分值", "得分",
                             "偏差原因分析及改进措施")))
    scores = _indicator_rows(g, e, False, 5)
    _total_cells(g, e, rules, (total_row, 4), (total_row, 7), [budget_score, *scores])
    return g.table("self_evaluation", "项目绩效自评表", form_note(e), None, (header, header),
                   (8, 9, 12, 9, 9, 6, 6, 12))


def _total_cells(g: _Grid, e: Evaluation, rules: RuleSet, total_at: tuple[int, int],
                 grade_at: tuple[int, int] | None, scores: list[tuple[int, int]]) -> None:
    """自评得分 = SUM of the budget score and the indicator scores, when that is the stated total; 自评结果 by band."""
    total = e.reported.total
    values = [g.rows[r][c].value for r, c in scores]
    present = [(rc, v) for rc, v in zip(scores, values) if isinstance(v, Decimal)]
    if total is not None and present and sum((v for _, v in present), Decimal(0)) == total:
        r, c = total_at
        g.rows[r][c] = Cell(total, "number", formula=_sum_formula([rc for rc, _ in present]), field="reported.total")
    if grade_at is not None and e.reported.grade is not None and total is not None \
            and rules.grade_of(total) == e.reported.grade:
        r, c = grade_at
        g.rows[r][c] = Cell(e.reported.grade, formula=_grade_formula(_ref(*total_at), rules), field="reported.grade")


def form_title(e: Evaluation, title: str) -> str:
    """A title for the whole output: a document holding only the 绩效目标申报表 (no actual values, no scores)
    is never titled 自评表 (seeds 000 and 003)."""
    if declaration_only(e):
        return title.replace("自评表", "目标申报表（未附自评表）")
    return title


def form_note(e: Evaluation) -> str:
    """The line under the form's title: the year, and for a 申报表 alone that it is not a self-evaluation."""
    year = _year(e)
    if declaration_only(e):
        return f"{year}  注：文件只有绩效目标申报表，未附自评表；实际完成值与得分空缺，所注得分无指标可依"
    return year


def _national_project(e: Evaluation, rules: RuleSet, layout) -> Table:  # noqa: ANN001 - layout.Layout
    """项目支出绩效自评表 of 财预〔2020〕10号 附件1: 项目资金 rows 年度资金总额 / 当年财政拨款 / 上年结转资金 /
    其他资金 with 年初预算数 / 全年预算数 / 全年执行数 / 分值 / 执行率 / 得分; 年度总体目标 预期目标 / 实际完成情况;
    the indicator rows under 绩效指标 with the form's pre-printed 二级 rows; 总分."""
    from ..checks.narrative import resolve

    project = e.project
    assert project is not None  # the model refuses a project document without it
    g = _Grid(9)
    department = _department_text(project)
    g.row(_l("项目名称"), (_t(project.name, "project.name"), 8))
    g.row(_l("主管部门"), (_t(department or None, "project.department"), 3), _l("实施单位"),
          (_t(project.implementer, "project.implementer"), 4))
    b = e.budget
    first = g.row(_l("项目资金（万元）"), (_h(None), 2), _h("年初预算数"), _h("全年预算数"), _h("全年执行数"),
                  _h("分值"), _h("执行率"), _h("得分"))
    budget_score = None
    for line in layout.budget_lines:
        r = g.at()
        if line.field == "budget":
            a = Amounts(initial=b.initial, adjusted=b.adjusted, executed=b.executed, rate=b.rate)
        else:
            a = resolve(e, line.field) if line.field else None
            a = a or Amounts()
        path = line.field or None
        computable = a.executed is not None and bool(a.adjusted) and _agrees(a.rate, a.executed, a.adjusted)
        money = [_m(a.initial, f"{path}.initial") if path else _m(None, ""),
                 _m(a.adjusted, f"{path}.adjusted") if path else _m(None, ""),
                 _m(a.executed, f"{path}.executed") if path else _m(None, "")]
        if not path:
            money = [Cell(), Cell(), Cell()]
        rate = _rate(a.rate, r, 5, 4, f"{path}.rate", computable) if path else Cell()
        if line.field == "budget":
            g.row(_l(None), (_l(line.label), 2), *money, _n(b.weight, "budget.weight"), rate, _budget_score(b, r, 7, 6))
            budget_score = (r, 8)
        else:
            g.row(_l(None), (_l(line.label), 2), *money, _t("—"), rate, _t("—"))
    g.down(0, first, g.at() - 1)
    goals = g.row(_l("年度总体目标"), (_h("预期目标"), 4), (_h("实际完成情况"), 4))
    g.row(_l(None), (_t(e.goals.target, "goals.target"), 4), (_t(e.goals.actual, "goals.actual"), 4))
    g.down(0, goals, g.at() - 1)
    header = g.row(*map(_h, ("绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
                             "偏差原因分析及改进措施")))
    scores = []
    for i, category in enumerate(e.indicators):
        first1 = g.at()
        printed = list(layout.preprinted.get(category.name, ()))
        groups = list(enumerate(category.children or ()))
        have = {group.name for _, group in groups}
        for j, group in groups:
            first2 = g.at()
            for k, leaf in enumerate(group.children or ()):
                path = f"indicators[{i}].children[{j}].children[{k}]"
                r = g.row(_l(None), _l(_level1(category.name, category.weight)), _l(group.name),
                          _t(leaf.name, f"{path}.name"), _t(leaf.target.raw, f"{path}.target"),
                          _t(leaf.actual.raw, f"{path}.actual"), _n(leaf.weight, f"{path}.weight"),
                          _n(leaf.score, f"{path}.score"), _t(leaf.deviation, f"{path}.deviation"))
                scores.append((r, 7))
            if g.at() > first2:
                g.down(2, first2, g.at() - 1)
        for name in printed:  # the form's own rows the unit did not use: printed, left blank
            if name not in have:
                g.row(_l(None), _l(_level1(category.name, category.weight)), _l(name), *[Cell()] * 6)
        if g.at() > first1:
            g.down(1, first1, g.at() - 1)
    g.down(0, header, g.at() - 1)
    # 总分: the form's 分值 column of this row (100) is left empty: a reader takes the first figure after 总分.
    total_row = g.row((_l("总分"), 6), Cell(), _n(e.reported.total, "reported.total"), Cell())
    _total_cells(g, e, rules, (total_row, 7), None, [rc for rc in [budget_score, *scores] if rc is not None])
    return g.table("self_evaluation", layout.title, form_note(e), "单位：万元", (header, header),
                   (7, 8, 9, 12, 9, 9, 6, 6, 14))


def self_evaluation(e: Evaluation, rules: RuleSet) -> Table:
    """The official self-evaluation form the rule set's layout names (:mod:`.layout`): 部门整体绩效自评表 (郑州),
    项目绩效自评表 (郑州, seed 001) or 项目支出绩效自评表 (财预〔2020〕10号 附件1); landscape and signed."""
    from dataclasses import replace

    from .layout import layout_for

    layout = layout_for(rules, e.kind)
    if layout.builder == "national_project":
        table = _national_project(e, rules, layout)
    elif e.kind is Kind.DEPARTMENT:
        table = _department(e, rules)
    else:
        table = _project(e, rules)
    return replace(table, landscape=layout.landscape, signature=layout.signature)


# ------------------------------------------------------------------ targets form


def targets(e: Evaluation) -> Table:
    """绩效目标申报表: identity, money and the indicator tree with targets, no actual values or scores."""
    department = e.kind is Kind.DEPARTMENT
    g = _Grid(6 if department else 5)
    b = e.budget
    if department:
        g.row(_l("部门(单位)名称"), (_t(e.unit, "unit"), 5))
        first = g.row(_l("年度主要任务"), _h("任务名称"), (_h("主要内容"), 2), _h("预算资金"), _h("其中：财政资金"))
        for i, t in enumerate(e.tasks):
            g.row(_l(None), _t(t.name, f"tasks[{i}].name"), (_t(t.content, f"tasks[{i}].content"), 2),
                  _m(t.budget, f"tasks[{i}].budget"), _m(t.budget_fiscal, f"tasks[{i}].budget_fiscal"))
        g.down(0, first, g.at() - 1)
        g.row(_l("年度预算"), (_l("部门预算总额（年初预算数）"), 3), (_m(b.initial, "budget.initial"), 2))
        g.row(_l("年度履职目标"), (_t(e.goals.target, "goals.target"), 5))
        header = g.row(*map(_h, ("一级指标", "二级指标", "三级指标", "指标值", "度量单位", "指标说明")))
    else:
        project = e.project
        assert project is not None
        g.row(_l("项目名称"), (_t(project.name, "project.name"), 4))
        g.row(_l("主管部门"), (_t(project.department, "project.department"), 2), _l("实施单位"),
              _t(project.implementer, "project.implementer"))
        source = b.by_source
        first = g.row(_l("项目资金（万元）"), (_l("年度资金总额"), 2), (_m(b.initial, "budget.initial"), 2))
        g.row(_l(None), (_l("其中：财政拨款"), 2), (_m(source.fiscal.initial if source and source.fiscal else None,
                                                 "budget.by_source.fiscal.initial"), 2))
        g.row(_l(None), (_l("其他资金"), 2), (_m(source.other.initial if source and source.other else None,
                                             "budget.by_source.other.initial"), 2))
        g.down(0, first, g.at() - 1)
        g.row(_l("年度绩效目标"), (_t(e.goals.target, "goals.target"), 4))
        header = g.row(*map(_h, ("一级指标", "二级指标", "三级指标", "指标值", "指标说明")))
    for i, category in enumerate(e.indicators):
        first1 = g.at()
        for j, group in enumerate(category.children):
            first2 = g.at()
            for k, leaf in enumerate(group.children):
                p = f"indicators[{i}].children[{j}].children[{k}]"
                cells = [_l(_level1(category.name, category.weight)), _l(group.name), _t(leaf.name, f"{p}.name"),
                         _t(leaf.target.raw, f"{p}.target")]
                if department:
                    cells.append(_t(leaf.unit, f"{p}.unit"))
                g.row(*cells, _t(leaf.description, f"{p}.description"))
            if g.at() > first2:
                g.down(1, first2, g.at() - 1)
        if g.at() > first1:
            g.down(0, first1, g.at() - 1)
    title = "部门整体支出绩效目标申报表" if department else "项目支出绩效目标申报表"
    widths = (9, 10, 14, 9, 8, 14) if department else (9, 10, 14, 10, 14)
    return g.table("targets", title, _year(e), "单位：万元", (header, header), widths)


# ------------------------------------------------------------------ category table


def categories(e: Evaluation) -> Table | None:
    """各项指标得分情况表 with live 得分率 and 合计, or None when the document has no category rows."""
    rows = e.reported.categories
    if not rows:
        return None
    g = _Grid(4)
    g.row(_h("指标"), _h("权重分值"), _h("得分"), _h("得分率"))
    for i, c in enumerate(rows):
        r = g.at()
        p = f"reported.categories[{i}]"
        computable = c.weight is not None and c.score is not None and _agrees(c.rate, c.score, c.weight)
        g.row(_l(c.name), _n(c.weight, f"{p}.weight"), _n(c.score, f"{p}.score"),
              _rate(c.rate, r, 2, 1, f"{p}.rate", computable))
    weights = [c.weight for c in rows if c.weight is not None]
    scores = [c.score for c in rows if c.score is not None]
    weight = sum(weights, Decimal(0)) if weights else None
    score = sum(scores, Decimal(0)) if scores else None
    r = g.at()
    last = r - 1
    rate = None
    if weight and score is not None:
        from ..derive import shown_rate

        rate = shown_rate(score / weight)
    g.row(_l("合计"), Cell(weight, "number", formula=f"=SUM({_ref(1, 1)}:{_ref(last, 1)})"),
          Cell(score, "number", formula=f"=SUM({_ref(1, 2)}:{_ref(last, 2)})"),
          _rate(rate, r, 2, 1, "reported.rate", rate is not None))
    return g.table("categories", "各项指标得分情况表", None, None, (0, 0), (12, 8, 8, 8))


# ------------------------------------------------------------------ figures beyond the forms

SUPPLEMENT = (
    ("“三公经费”预算安排数", "budget.three_public.budget", "money"),
    ("“三公经费”实际支出", "budget.three_public.actual", "money"),
    ("“三公经费”控制率", "budget.three_public.rate", "percent"),
    ("政府采购预算数", "budget.procurement.budget", "money"),
    ("实际政府采购金额", "budget.procurement.actual", "money"),
    ("政府采购执行率", "budget.procurement.rate", "percent"),
    ("已细化到具体单位的资金数", "budget.special_funds.detailed", "money"),
    ("部门参与分配资金总数", "budget.special_funds.total", "money"),
    ("专项资金细化率", "budget.special_funds.rate", "percent"),
    ("结转结余总额", "budget.carryover", "money"),
    ("结转结余率", "budget.carryover_rate", "percent"),
    ("预算调整率", "budget.adjustment_rate", "percent"),
    ("不计入预算调整率的调整数", "budget.adjustment_excluded", "money"),
    ("部门项目总数", "performance_management.projects", "integer"),
    ("已完成绩效监控项目数", "performance_management.monitored", "integer"),
    ("已完成自评项目数", "performance_management.self_evaluated", "integer"),
    ("部门重点绩效评价项目数", "performance_management.key_evaluations", "integer"),
    ("已完成评价项目数", "performance_management.key_evaluated", "integer"),
    ("提出的意见建议总数", "performance_management.suggestions", "integer"),
    ("采纳的意见建议数", "performance_management.suggestions_adopted", "integer"),
    ("预算执行及调整情况说明", "budget.explanation", "text"),
)
"""The figures the common indicators (共性指标) are computed from that the official forms have no cell for."""
_RATES = {"budget.three_public.rate": ("budget.three_public.actual", "budget.three_public.budget"),
          "budget.procurement.rate": ("budget.procurement.actual", "budget.procurement.budget"),
          "budget.special_funds.rate": ("budget.special_funds.detailed", "budget.special_funds.total")}


def supplement(e: Evaluation, everything: bool = False) -> Table | None:
    """补充数据: “三公经费”, 政府采购, 专项资金, 结转结余, 调整率, project counts, the explanation — the rows that
    have a value (``everything``: all rows, for a blank form); None when there is none."""
    from ..checks.narrative import resolve

    g = _Grid(3)
    g.row(_h("项目"), _h("数值"), _h("单位"))
    at: dict[str, int] = {}
    for label, path, fmt in SUPPLEMENT:
        value = resolve(e, path)
        if value is None and not everything:
            continue
        at[path] = g.at()
        unit = {"money": "万元", "percent": "%", "integer": "个"}.get(fmt, "")
        cell = Cell(value, fmt, field=path)
        computable = path in _RATES and all(p in at for p in _RATES[path]) and bool(resolve(e, _RATES[path][1]))
        if computable or (path in _RATES and value is None and all(p in at for p in _RATES[path])):
            num, den = (at[p] for p in _RATES[path])  # settled: a computable rate is what its amounts give
            cell = Cell(value, "percent", formula=f'=IF(N({_ref(den, 1)})=0,"",{_ref(num, 1)}/{_ref(den, 1)})',
                        field=path)
        g.row(_l(label), cell, _t(unit))
    if g.at() == 1:
        return None
    return g.table("supplement", "预算执行及绩效管理补充数据表", _year(e), None, (0, 0), (16, 12, 6))


# ------------------------------------------------------------------ blank forms


def blank(kind: Kind, rules: RuleSet, year: int | None = None, tasks: int = 8, rows: int = 4) -> list[Table]:
    """The empty forms of ``kind`` for a unit to fill: the rule set's categories with weights, live formulas."""
    from ..document import Evaluation as Doc

    indicator_categories = [c for c in rules.categories if c.source != "budget_execution"]
    budget = next((c for c in rules.categories if c.source == "budget_execution"), None)
    data = {
        "kind": kind.value, "year": year or rules.year, "unit": "（单位名称）",
        "tasks": [{"name": f"任务{i}"} for i in range(1, tasks + 1)] if kind is Kind.DEPARTMENT else [],
        "budget": {"weight": budget.weight} if budget else {},
        "indicators": [{"name": c.name, "weight": c.weight,
                        "children": [{"name": "", "children": [{"name": ""} for _ in range(rows)]}]}
                       for c in indicator_categories],
    }
    if kind is Kind.PROJECT:
        data["project"] = {"name": "（项目名称）"}
    e = Doc.model_validate(data)
    form = _live_blank(self_evaluation(e, rules), rules)
    extra = supplement(e, everything=True)
    assert extra is not None
    return [form, extra, targets(e)]


def _live_blank(table: Table, rules: RuleSet) -> Table:
    """A blank form's total and grade get their formulas (rates have theirs already: nothing is stated)."""
    rows = [list(r) for r in table.rows]
    where = {cell.field: (r, c) for r, row in enumerate(rows) for c, cell in enumerate(row) if cell.field}
    scores = [rc for field, rc in where.items() if field.endswith(".score")]
    total = where.get("reported.total")
    if total is not None:
        rows[total[0]][total[1]] = Cell(None, "number", formula=_sum_formula(sorted(scores)), field="reported.total")
        grade = where.get("reported.grade")
        if grade is not None:
            formula = _grade_formula(_ref(*total), rules)[1:]
            rows[grade[0]][grade[1]] = Cell(None, formula=f'=IF({_ref(*total)}=0,"",{formula})', field="reported.grade")
    from dataclasses import replace

    return replace(table, rows=tuple(tuple(r) for r in rows))
