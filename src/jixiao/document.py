"""The evaluation document (一份自评): typed, immutable, web-framework free.

One :class:`Evaluation` holds everything the self-evaluation tables of both
kinds hold: department-overall (部门整体支出, seeds 000/003/004) and project
(项目支出, seed 001). Figures are what the document *states*; derived figures
(rates, scores) are computed elsewhere and compared with the stated ones.

Conventions:

* Money is ``Decimal`` in 万元. A document written in 元 (``money_unit: 元``)
  is converted on load and records ``converted_from: 元``.
* Percentages stated in a document (执行率, 得分率) are ``Decimal`` percentage
  points: ``59.90%`` is ``Decimal('59.90')``.
* Targets and actual values are :class:`~jixiao.values.Value` (parsed, raw
  text kept); they are written back as their raw text.
* Any figure may carry its source in :attr:`Evaluation.provenance`, keyed by
  the field's path (``budget.adjusted``, ``indicators[0].children[1].children[2].score``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
    model_validator,
)

from .numbers import TEN_THOUSAND, D
from .values import Value, parse_value


class Kind(StrEnum):
    """Kind of self-evaluation (自评类型)."""

    DEPARTMENT = "department"  # 部门整体支出绩效自评
    PROJECT = "project"  # 项目支出绩效自评


def _decimal(value: Any) -> Any:
    """Accept int, str and Decimal; refuse float so no binary rounding sneaks in."""
    if value is None or isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        # YAML gives floats for 1.798; go through repr, which is exact for what was typed.
        return D(repr(value))
    if isinstance(value, (int, str)):
        return D(value)
    raise ValueError(f"应为数字，实际为 {type(value).__name__}")


def _nonnegative(value: Decimal | None) -> Decimal | None:
    if value is not None and value < 0:
        raise ValueError("金额不能为负数")
    return value


def _percent(value: Any) -> Any:
    """'59.90%' or 59.90 -> Decimal('59.90') (percentage points)."""
    if isinstance(value, str):
        text = value.strip().replace("％", "%").replace(" ", "")
        if text.endswith("%"):
            text = text[:-1]
        if text == "":
            return None
        return D(text)
    return _decimal(value)


def _number_json(description: str) -> WithJsonSchema:
    return WithJsonSchema(
        {"anyOf": [{"type": "number"}, {"type": "string", "pattern": r"^-?[0-9][0-9,]*(\.[0-9]+)?$"}],
         "description": description}
    )


def _serialize_decimal(value: Decimal) -> int | float | str:
    # Output only: YAML/JSON readers see a plain number. str keeps every digit.
    return format(value, "f")


Money = Annotated[
    Decimal,
    BeforeValidator(_decimal),
    PlainSerializer(_serialize_decimal, when_used="json"),
    _number_json("金额（万元）"),
]
"""An amount in 万元 (may be negative only where the field says so)."""

Amount = Annotated[Money, AfterValidator(_nonnegative)]
"""A non-negative amount in 万元: budgets and spending are never negative."""
Number = Annotated[
    Decimal,
    BeforeValidator(_decimal),
    PlainSerializer(_serialize_decimal, when_used="json"),
    _number_json("数值"),
]
Percent = Annotated[
    Decimal,
    BeforeValidator(_percent),
    PlainSerializer(lambda v: f"{format(v, 'f')}%"),
    WithJsonSchema({"anyOf": [{"type": "number"}, {"type": "string", "pattern": r"^-?[0-9.]+\s*[%％]?$"}],
                    "description": "百分比（如 59.90% 或 59.90）"}),
]


def _to_value(value: Any) -> Any:
    if isinstance(value, Value):
        return value
    if value is None or isinstance(value, (str, int, Decimal)):
        return parse_value(value)
    if isinstance(value, float):
        return parse_value(repr(value))
    if isinstance(value, dict) and "raw" in value:
        return parse_value(value["raw"])
    raise ValueError(f"应为文字或数字，实际为 {type(value).__name__}")


ValueText = Annotated[
    Value,
    BeforeValidator(_to_value),
    PlainSerializer(lambda v: v.raw, return_type=str),
    WithJsonSchema({"type": "string", "description": "原文，如 ≥95%、100册、合理、2021年12月31日前"}),
]


class Record(BaseModel):
    """Base of every record: immutable, unknown keys refused."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class Source(Record):
    """Where a figure was read (来源): file plus line, or sheet and cell, or page.

    Attributes:
        file: the file name as given to the reader.
        line: 1-based line in a text/YAML file.
        sheet: worksheet name (xlsx).
        cell: cell reference such as ``C7`` (xlsx/docx tables).
        page: 1-based page (pdf).
    """

    file: str | None = None
    line: int | None = Field(default=None, ge=1)
    sheet: str | None = None
    cell: str | None = None
    page: int | None = Field(default=None, ge=1)

    def __str__(self) -> str:
        parts = [self.file or "<未知文件>"]
        if self.sheet:
            parts.append(self.sheet)
        if self.cell:
            parts.append(self.cell)
        if self.page:
            parts.append(f"第{self.page}页")
        if self.line:
            parts.append(str(self.line))
        return ":".join(parts)


class ProjectInfo(Record):
    """Project identity (项目信息), project kind only.

    Attributes:
        name: 项目名称.
        department: 主管部门 (name).
        department_code: 主管部门代码, e.g. ``361``.
        implementer: 实施单位.
    """

    name: str
    department: str | None = None
    department_code: str | None = None
    implementer: str | None = None


class Goals(Record):
    """Annual goals (年度履职目标 / 年度绩效目标) and what became of them.

    Attributes:
        target: the goal text (年度履职目标 for departments, 年度绩效目标 for projects).
        actual: 目标实际完成情况 / 年度履职目标完成情况 text.
    """

    target: str | None = None
    actual: str | None = None


class Task(Record):
    """A main annual task (年度主要任务) with its money.

    Attributes:
        name: 任务名称.
        content: 主要内容.
        budget: 预算资金 (万元).
        budget_fiscal: 其中：财政资金 of the budget.
        executed: 预算执行数.
        executed_fiscal: 其中：财政资金 of the execution.
        rate: 预算执行率 as stated (percentage points).
        status: 任务完成情况 text (完成, 未完成 …).
    """

    name: str
    content: str | None = None
    budget: Amount | None = None
    budget_fiscal: Amount | None = None
    executed: Amount | None = None
    executed_fiscal: Amount | None = None
    rate: Percent | None = None
    status: str | None = None



class Amounts(Record):
    """One line of the budget table (预算情况): 年初 / 调整(全年) / 执行.

    Attributes:
        initial: 年初预算数.
        adjusted: 调整预算数 / 全年预算数 (the basis of 执行率).
        executed: 预算执行数.
        rate: 执行率 as stated (percentage points).
    """

    initial: Amount | None = None
    adjusted: Amount | None = None
    executed: Amount | None = None
    rate: Percent | None = None



class BySource(Record):
    """资金来源: 财政性资金 (本年财政拨款) and 其他资金."""

    fiscal: Amounts | None = None
    other: Amounts | None = None


class ByStructure(Record):
    """资金结构: 基本支出 and 项目支出."""

    basic: Amounts | None = None
    project: Amounts | None = None


class Spending(Record):
    """A budget/actual pair: "三公经费" or 政府采购.

    Attributes:
        budget: 预算安排数 / 政府采购预算数.
        actual: 实际支出 / 实际政府采购金额.
        rate: the control or execution rate as stated (percentage points).
    """

    budget: Amount | None = None
    actual: Amount | None = None
    rate: Percent | None = None



class SpecialFunds(Record):
    """专项资金细化: funds detailed to units out of the funds the department distributes.

    Attributes:
        detailed: 已细化到具体单位的资金数.
        total: 部门参与分配资金总数.
        rate: 专项资金细化率 as stated.
    """

    detailed: Amount | None = None
    total: Amount | None = None
    rate: Percent | None = None



class Budget(Record):
    """Budget and its execution (预算情况 / 项目资金).

    The top-level ``initial``/``adjusted``/``executed`` are the total line
    (部门预算总额 / 年度资金总额).

    Attributes:
        weight: 资金执行分值 / 预算执行 weight as stated.
        score: 资金执行得分 as stated.
        by_source: 资金来源 split.
        by_structure: 资金结构 split.
        three_public: "三公经费" budget and actual.
        procurement: 政府采购 budget and actual.
        carryover: 结转结余总额.
        carryover_rate: 结转结余率 as stated.
        adjustment_rate: 预算调整率 as stated.
        adjustment_excluded: part of the adjustment excluded from 预算调整率
            (national policy, force majeure, tasks assigned by the government).
        increase / decrease / restructured: 追加 / 追减 / 结构调整 amounts of the year; 预算调整率 is
            their sum (gross) over 年初预算数 (seed 000's 指标说明). Optional: older documents load.
        special_funds: 专项资金细化.
        explanation: the reason given for low execution or a large adjustment.
    """

    initial: Amount | None = None
    adjusted: Amount | None = None
    executed: Amount | None = None
    rate: Percent | None = None
    weight: Number | None = None
    score: Number | None = None
    by_source: BySource | None = None
    by_structure: ByStructure | None = None
    three_public: Spending | None = None
    procurement: Spending | None = None
    carryover: Amount | None = None
    carryover_rate: Percent | None = None
    adjustment_rate: Percent | None = None
    adjustment_excluded: Amount | None = None
    increase: Amount | None = None
    decrease: Amount | None = None
    restructured: Amount | None = None
    special_funds: SpecialFunds | None = None
    explanation: str | None = None



class PerformanceManagement(Record):
    """Counts behind the 绩效管理 common indicators.

    Attributes:
        projects: 部门项目总数.
        monitored: 已完成绩效监控项目数.
        self_evaluated: 已完成自评项目数.
        key_evaluations: 部门重点绩效评价项目数.
        key_evaluated: 已完成评价项目数.
        suggestions: 提出的意见建议总数.
        suggestions_adopted: 采纳的意见建议数.
    """

    projects: int | None = Field(default=None, ge=0)
    monitored: int | None = Field(default=None, ge=0)
    self_evaluated: int | None = Field(default=None, ge=0)
    key_evaluations: int | None = Field(default=None, ge=0)
    key_evaluated: int | None = Field(default=None, ge=0)
    suggestions: int | None = Field(default=None, ge=0)
    suggestions_adopted: int | None = Field(default=None, ge=0)


class Indicator(Record):
    """A third-level indicator (三级指标), the leaf that is scored.

    Attributes:
        name: 三级指标 name.
        target: 指标值 (年度指标值), raw text parsed.
        unit: 度量单位 (``%``, ``人``, ``定性指标`` …).
        weight: 分值.
        actual: 实际完成值, raw text parsed.
        score: 得分 as stated.
        deviation: 偏差原因分析及改进措施 / 未完成原因分析.
        description: 指标说明 (definition or formula).
        applicable: False when the indicator is marked 不适用 (not applicable).
        common: key of the common indicator (共性指标) it is, when the name
            does not say so itself (see :mod:`jixiao.common`).
    """

    name: str
    target: ValueText = Field(default_factory=lambda: parse_value(None))
    unit: str | None = None
    weight: Number | None = None
    actual: ValueText = Field(default_factory=lambda: parse_value(None))
    score: Number | None = None
    deviation: str | None = None
    description: str | None = None
    applicable: bool = True
    common: str | None = None

    @model_validator(mode="after")
    def _weight_and_score(self) -> Indicator:
        if self.weight is not None and self.weight < 0:
            raise ValueError(f"分值不能为负数：{self.weight}")
        if self.score is not None and self.score < 0:
            raise ValueError(f"得分不能为负数：{self.score}")
        return self


class IndicatorGroup(Record):
    """A second-level indicator (二级指标) and its leaves."""

    name: str
    children: tuple[Indicator, ...] = ()


class IndicatorCategory(Record):
    """A first-level indicator (一级指标), e.g. 产出指标, with its stated weight.

    Attributes:
        name: 一级指标 name.
        weight: the weight printed beside it (``投入管理指标（20分）``), if any.
        children: its second-level groups.
    """

    name: str
    weight: Number | None = None
    children: tuple[IndicatorGroup, ...] = ()


class ReportedCategory(Record):
    """A row of 各项指标得分情况表: 指标, 权重分值, 得分, 得分率."""

    name: str
    weight: Number | None = None
    score: Number | None = None
    rate: Percent | None = None


class Reported(Record):
    """The summary the document states: total (自评得分), grade (自评结果/评价等级), category table."""

    total: Number | None = None
    grade: str | None = None
    categories: tuple[ReportedCategory, ...] = ()


class Section(Record):
    """A numbered section of the report narrative (e.g. ``三、综合评价结论``).

    Attributes:
        title: heading text without its number (综合评价结论).
        number: the heading's number as written (三).
        text: the section's own text.
        sections: subsections.
    """

    title: str
    number: str | None = None
    text: str = ""
    sections: tuple[Section, ...] = ()


@dataclass(frozen=True, slots=True)
class Leaf:
    """A leaf with its place in the tree (not stored; produced by :meth:`Evaluation.leaves`).

    A plain dataclass: checks and scoring walk the tree many times per document.
    """

    level1: str
    level2: str
    indicator: Indicator
    path: str
    category_index: int


class Evaluation(Record):
    """One self-evaluation document (一份自评).

    Attributes:
        kind: department (部门整体) or project (项目).
        year: the budget year evaluated (评价年度); None when a document read from a
            file does not show it (the reader says so in a finding; the web asks for it).
        unit: 单位名称 / 部门(单位)名称; None when the document does not name it.
        title: the report title as written.
        region: the jurisdiction (所属地区), e.g. 河南省郑州市金水区; picks the rule set.
        ruleset: id of the rule set the document is scored under, when it says.
        project: project identity (项目名称, 主管部门及代码, 实施单位).
        money_unit: always 万元 after loading.
        converted_from: ``元`` when the document was written in 元 and converted.
        goals: annual goals and their achievement.
        tasks: 年度主要任务.
        budget: 预算情况.
        performance_management: counts for the 绩效管理 indicators.
        indicators: the indicator tree (一级 → 二级 → 三级).
        reported: the stated summary (total, grade, category table).
        narrative: the report's numbered sections.
        provenance: source of each field, keyed by its path.
    """

    kind: Kind
    year: int | None = Field(default=None, ge=1990, le=2100)
    unit: str | None = Field(default=None, min_length=1)
    title: str | None = None
    region: str | None = None
    ruleset: str | None = None
    project: ProjectInfo | None = None
    money_unit: Literal["万元"] = "万元"
    converted_from: Literal["元"] | None = None
    goals: Goals = Field(default_factory=Goals)
    tasks: tuple[Task, ...] = ()
    budget: Budget = Field(default_factory=Budget)
    performance_management: PerformanceManagement | None = None
    indicators: tuple[IndicatorCategory, ...] = ()
    reported: Reported = Field(default_factory=Reported)
    narrative: tuple[Section, ...] = ()
    provenance: dict[str, Source] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _convert_yuan(cls, data: Any) -> Any:
        """A document in 元 is converted to 万元 once, here, and says so."""
        if isinstance(data, dict) and data.get("money_unit") == "元":
            data = convert_money(data, TEN_THOUSAND)
            data["money_unit"] = "万元"
            data["converted_from"] = "元"
        return data

    @model_validator(mode="after")
    def _project_needs_identity(self) -> Evaluation:
        if self.kind is Kind.PROJECT and self.project is None:
            raise ValueError("项目支出自评须填写 project（项目名称等）")
        return self

    def leaves(self) -> Iterator[Leaf]:
        """Every third-level indicator with its first- and second-level names."""
        for i, category in enumerate(self.indicators):
            for j, group in enumerate(category.children):
                for k, indicator in enumerate(group.children):
                    yield Leaf(
                        level1=category.name,
                        level2=group.name,
                        indicator=indicator,
                        path=f"indicators[{i}].children[{j}].children[{k}]",
                        category_index=i,
                    )

    def source_of(self, path: str) -> Source | None:
        """The source of the field at ``path``, or of its closest recorded parent."""
        while path:
            if path in self.provenance:
                return self.provenance[path]
            cut = max(path.rfind("."), path.rfind("["))
            if cut <= 0:
                break
            path = path[:cut]
        return None


# Which keys hold money, so a document in 元 can be converted without guessing.
_MONEY_KEYS = {
    "budget": ("initial", "adjusted", "executed", "carryover", "adjustment_excluded", "increase", "decrease",
               "restructured"),
    "amounts": ("initial", "adjusted", "executed"),
    "spending": ("budget", "actual"),
    "special_funds": ("detailed", "total"),
    "task": ("budget", "budget_fiscal", "executed", "executed_fiscal"),
}


def convert_money(data: dict[str, Any], divisor: Decimal) -> dict[str, Any]:
    """Return a copy of raw document data with every amount divided by ``divisor``."""
    data = dict(data)

    def scale(record: Any, keys: tuple[str, ...]) -> Any:
        if not isinstance(record, dict):
            return record
        record = dict(record)
        for key in keys:
            if record.get(key) is not None:
                record[key] = _decimal(record[key]) / divisor
        return record

    budget = scale(data.get("budget"), _MONEY_KEYS["budget"])
    if isinstance(budget, dict):
        for split in ("by_source", "by_structure"):
            part = budget.get(split)
            if isinstance(part, dict):
                budget[split] = {k: scale(v, _MONEY_KEYS["amounts"]) for k, v in part.items()}
        for key in ("three_public", "procurement"):
            budget[key] = scale(budget.get(key), _MONEY_KEYS["spending"])
        budget["special_funds"] = scale(budget.get("special_funds"), _MONEY_KEYS["special_funds"])
        data["budget"] = {k: v for k, v in budget.items() if v is not None or k in data.get("budget", {})}
    tasks = data.get("tasks")
    if isinstance(tasks, list):
        data["tasks"] = [scale(t, _MONEY_KEYS["task"]) for t in tasks]
    return data


Section.model_rebuild()
