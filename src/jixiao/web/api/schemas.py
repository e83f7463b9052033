"""Request and response schemas of the open API (英文字段名，中文说明).

Money (万元), scores and rates are decimal strings (``"1125.54"``), never JSON numbers,
so no client rounds them through a binary float. The document itself is the native JSON
of ``schema/evaluation.schema.json`` (as ``jixiao export`` writes it).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema

Decimal2 = str
"""A decimal number written as a string, e.g. ``"95.58"``."""

KindName = Literal["department", "project"]
StatusName = Literal["draft", "submitted", "returned", "resubmitted", "approved"]
GradeName = Literal["优", "良", "中", "差"]
FormatName = Literal["docx", "xlsx", "pdf"]

DOCUMENT = ("自评文档：jixiao 的原生 JSON（字段见仓库中的 schema/evaluation.schema.json；"
            "金额单位为万元，数字可写成字符串以保持精确）")


class Error(Schema):
    """Every refusal and error: ``detail`` says what is wrong in Chinese, naming the field when there is one."""

    detail: str = Field(description="错误说明（中文），指明出错的字段或原因")


class Problem(Schema):
    path: str = Field(description="出错字段在文档中的位置，如 tasks[4].executed")
    label: str = Field(description="该字段的中文名称")
    message: str = Field(description="问题说明")
    expected: str | None = Field(None, description="期望的内容")


class Invalid(Error):
    """The document does not validate: each problem with its field."""

    problems: list[Problem] = Field(description="每个问题及其字段位置")


class ValidationProblem(Schema):
    location: str = Field(description="出错的参数，如 query.year、body.document")
    message: str = Field(description="问题说明")


class BadRequest(Error):
    """Parameters of the wrong type or out of range."""

    errors: list[ValidationProblem] = Field(description="逐项的参数错误")


class Change(Schema):
    path: str = Field(description="字段位置")
    label: str = Field(description="字段名称")
    before: str = Field(description="原值")
    after: str = Field(description="新值")


class Conflict(Error):
    """Someone saved first: nothing was overwritten."""

    current_version: int = Field(description="当前版本号")
    saved_by: str = Field(description="保存了当前版本的人")
    saved_at: dt.datetime = Field(description="当前版本的保存时间")
    changes: list[Change] = Field(description="对方相对于您打开的版本所做的修改")


class Named(Schema):
    id: int
    name: str


class Me(Schema):
    username: str = Field(description="登录名")
    name: str = Field(description="姓名（角色）")
    role: str | None = Field(description="角色：editor 填报人、leader 单位负责人、reviewer 审核人、admin 管理员")
    bureau: Named | None = Field(description="所属财政局")
    unit: Named | None = Field(description="所属预算单位（单位人员）")
    token: str = Field(description="本次请求所用令牌的名称")


class EvaluationSummary(Schema):
    id: int = Field(description="自评编号")
    title: str = Field(description="名称（单位名称或项目名称）")
    kind: KindName = Field(description="类型：department 部门整体支出，project 项目支出")
    year: int = Field(description="评价年度")
    status: StatusName = Field(description="状态：draft 草稿、submitted 已提交、returned 已退回、resubmitted 已重新提交、approved 已通过")
    status_label: str = Field(description="状态的中文名称")
    version: int = Field(description="当前版本号（修改时须回传）")
    department: Named = Field(description="主管部门")
    unit: Named = Field(description="预算单位")
    total: Decimal2 | None = Field(description="自评得分（按评分规则计算），小数字符串")
    grade: str = Field(description="等级：优、良、中、差")
    errors: int = Field(description="错误数")
    warnings: int = Field(description="警告数")
    infos: int = Field(description="提示数")
    budget: Decimal2 | None = Field(description="全年预算数（万元），小数字符串")
    executed: Decimal2 | None = Field(description="执行数（万元），小数字符串")
    execution_rate: Decimal2 | None = Field(description="预算执行率（%），小数字符串")
    ruleset: str = Field(description="评分规则")
    submitted_at: dt.datetime | None = Field(description="提交时间")
    updated_at: dt.datetime = Field(description="最后修改时间")


class EvaluationPage(Schema):
    count: int = Field(description="符合条件的自评总数")
    page: int = Field(description="页码（从 1 开始）")
    page_size: int = Field(description="每页条数")
    pages: int = Field(description="总页数")
    items: list[EvaluationSummary]


class Finding(Schema):
    code: str = Field(description="审核规则代码，如 B112（见 docs/checks.md）")
    severity: Literal["error", "warning", "info"] = Field(description="严重程度：error 错误、warning 警告、info 提示")
    severity_label: str = Field(description="严重程度的中文名称")
    message: str = Field(description="问题说明")
    field: str | None = Field(None, description="字段位置")
    label: str = Field("", description="字段的中文名称")
    table: str | None = Field(None, description="所在表格")
    row: str | None = Field(None, description="所在行")
    expected: str | None = Field(None, description="按规则或计算应为")
    found: str | None = Field(None, description="文档所写")
    key: str | None = Field(None, description="错误（error）的标识：提交时为它写说明用")


class Counts(Schema):
    error: int
    warning: int
    info: int


class CategoryScore(Schema):
    key: str = Field(description="类别代码")
    name: str = Field(description="类别名称，如 产出指标")
    weight: Decimal2 | None = Field(description="权重分值")
    score: Decimal2 | None = Field(description="得分")
    rate: Decimal2 | None = Field(description="得分率（%）")


class Explanation(Schema):
    where: str = Field(description="失分之处")
    reason: str = Field(description="失分原因")
    given: str | None = Field(None, description="文档所写")


class RulesetRef(Schema):
    id: str
    title: str


class Score(Schema):
    ruleset: RulesetRef = Field(description="所用的评分规则")
    total: Decimal2 | None = Field(description="按评分规则计算的总分")
    grade: str | None = Field(description="等级")
    reported_total: Decimal2 | None = Field(description="文档自报的总分")
    reported_grade: str | None = Field(description="文档自报的等级")
    execution_rate: Decimal2 | None = Field(description="预算执行率（%）")
    categories: list[CategoryScore] = Field(description="各项指标得分情况")
    explanations: list[Explanation] = Field(description="每一处失分的原因")


class Recomputed(Schema):
    """A derived figure the platform computed from the data, where the document said something else."""

    path: str = Field(description="字段位置")
    label: str = Field(description="字段名称")
    before: str = Field(description="文档原来所写")
    after: str = Field(description="按数据计算的值")
    reason: str = Field(description="计算依据")


class ScoreResult(Schema):
    score: Score
    changes: list[Recomputed] = Field(description="按数据重新计算后改变了的派生数字")


class CheckResult(Schema):
    counts: Counts = Field(description="各严重程度的问题数")
    findings: list[Finding]


class EvaluationDetail(EvaluationSummary):
    document: dict[str, Any] = Field(description="当前版本的文档（已按数据计算全部派生数字）")
    score: Score | None = Field(description="得分（按评分规则）")
    counts: Counts
    findings: list[Finding] = Field(description="审核发现")


class DocumentIn(Schema):
    """A document to score or check (nothing is stored)."""

    document: dict[str, Any] = Field(description=DOCUMENT)


class CreateIn(Schema):
    document: dict[str, Any] = Field(description=DOCUMENT)
    unit: int | None = Field(None, ge=1, le=2**62, description="预算单位编号；省略时为本人所在单位")
    note: str = Field("", max_length=500, description="版本说明")


class UpdateIn(Schema):
    document: dict[str, Any] = Field(description=DOCUMENT)
    version: int = Field(ge=1, le=2**31, description="您打开（读取）时的版本号：期间他人保存过则返回 409")
    note: str = Field("", max_length=500, description="版本说明")


class Saved(EvaluationSummary):
    unchanged: bool = Field(description="内容与当前版本相同，未产生新版本")
    changes: list[Recomputed] = Field(description="保存时按数据重新计算的派生数字")


class Imported(EvaluationSummary):
    notes: list[str] = Field(description="导入提示（重新计算的数字、单位名称不符、读取时的提示）")


class SubmitIn(Schema):
    version: int = Field(ge=1, le=2**31, description="提交的版本号（须为当前版本）")
    reason: str = Field("", max_length=2000, description="提交说明")
    justifications: dict[str, str] = Field(default_factory=dict,
                                           description="每个错误的说明：键为 check 结果中错误的 key")


class ReasonIn(Schema):
    reason: str = Field("", max_length=2000, description="理由")


class FieldComment(Schema):
    field: str = Field("", max_length=200, description="字段位置，如 tasks[4].executed")
    text: str = Field(max_length=2000, description="意见")


class ReturnIn(ReasonIn):
    comments: list[FieldComment] = Field(default_factory=list, max_length=500, description="对字段的意见")


class TransitionOut(Schema):
    status: StatusName = Field(description="新的状态")
    status_label: str
    version: int
    at: dt.datetime
