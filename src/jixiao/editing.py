"""Editing a document as plain data: analysis, labels, differences, new documents.

The web editor (and anything else that edits a document field by field) works on
the document's plain JSON data. This module, free of any web framework, turns
that data into what the editor shows: the settled document (every derived figure
computed, :mod:`jixiao.derive`), the scorecard, the review findings of the document as declared,
and, when the data does not validate, the problems with the path of each field.
It also names fields for people (``tasks[4].rate`` → 年度主要任务 › 任务5 › 预算执行率),
lists the differences between two versions, and starts new documents (blank from
a rule set, or from last year's).
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from . import rulesets
from .checks import Finding
from .document import Evaluation, Kind
from .native import Problem, dump_json, load_data
from .numbers import HUNDRED
from .rulesets import RuleSet, RuleSetError, layout
from .scoring import Scorecard
from . import service
from .service import ruleset_for
from .derive import Change

EDITOR_FILE = "<编辑器>"


@dataclass
class Analysis:
    """What the editor shows for one state of a document.

    Attributes:
        evaluation: the document as typed (None when it does not validate).
        settled: the document with every derived figure computed.
        rules: the rule set used.
        card: the scorecard of the settled document.
        findings: review findings on the settled document (narrative, data, rules).
        changes: the derived figures settling set (what moved from the typed document).
        problems: why the data does not validate, each with its field path.
    """

    evaluation: Evaluation | None = None
    settled: Evaluation | None = None
    rules: RuleSet | None = None
    card: Scorecard | None = None
    findings: list[Finding] = field(default_factory=list)
    changes: tuple[Change, ...] = ()
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.settled is not None

    def counts(self) -> dict[str, int]:
        """Findings per severity: ``{"error": n, "warning": n, "info": n}``."""
        out = {"error": 0, "warning": 0, "info": 0}
        for f in self.findings:
            out[f.severity.value] += 1
        return out

    def summary(self) -> dict[str, Any]:
        """The figures a list of evaluations shows and sorts by (Decimals kept)."""
        if not self.ok:
            return {"total": None, "grade": "", "errors": 0, "warnings": 0, "infos": 0,
                    "budget": None, "executed": None, "execution_rate": None, "valid": False}
        e, card, counts = self.settled, self.card, self.counts()
        rate = card.execution_rate.value
        return {"total": card.total, "grade": card.grade, "errors": counts["error"], "warnings": counts["warning"],
                "infos": counts["info"], "budget": e.budget.adjusted, "executed": e.budget.executed,
                "execution_rate": None if rate is None else (rate * HUNDRED).quantize(Decimal("0.01")),
                "valid": True}

    def to_json(self) -> dict[str, Any]:
        """Plain JSON-able data for the editor (Decimals as exact strings); worked out once."""
        cached = self.__dict__.get("_json")
        if cached is None:
            cached = self.__dict__["_json"] = self._json()
        return cached

    def _json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"ok": self.ok, "problems": [problem_json(p) for p in self.problems]}
        if not self.ok:
            return data
        card = self.card
        source = self.evaluation.model_dump(mode="json") if self.evaluation else {}
        data.update(
            settled=_with_category_weights(document_json(self.settled), card),
            changes=[{"path": c.path, "label": c.label, "before": c.before, "after": c.after, "reason": c.reason}
                     for c in self.changes],
            score={
                "ruleset": {"id": self.rules.id, "title": self.rules.title},
                "total": _text(card.total), "grade": card.grade,
                "reported_total": _text(card.reported_total), "reported_grade": card.reported_grade,
                "execution_rate": _text(None if card.execution_rate.value is None
                                        else (card.execution_rate.value * HUNDRED).quantize(Decimal("0.01"))),
                "categories": [{"key": c.key, "name": c.name, "weight": _text(c.weight), "score": _text(c.computed),
                                "rate": _text(None if c.rate is None else (c.rate * HUNDRED).quantize(Decimal("0.01")))}
                               for c in card.categories],
                "explanations": [{"where": x.where, "reason": x.reason, "given": x.given} for x in card.explanations],
            },
            findings=[finding_json(f, source) for f in self.findings],
            counts=self.counts(),
        )
        return data


def _with_category_weights(doc: dict[str, Any], card: Scorecard) -> dict[str, Any]:
    """The rule set's weight beside each first-level indicator, for display where the document states none
    (a project form prints no weight beside 产出指标; the editor still shows what the category weighs)."""
    weights = {c.key: c.weight for c in card.categories}
    level1 = {i.level1: i.category for i in card.indicators if i.category}
    for category in doc.get("indicators") or []:
        key = level1.get(category.get("name"))
        if category.get("weight") is None and key in weights:
            category["weight"] = format(weights[key], "f")
    return doc


def _text(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def document_json(e: Evaluation) -> dict[str, Any]:
    """The document as the plain JSON data the native format writes (exact numbers as strings)."""
    return json.loads(dump_json(e), parse_float=str)


def problem_json(p: Problem) -> dict[str, Any]:
    return {"path": p.path, "message": p.message, "expected": p.expected, "label": label_for(p.path)}


def finding_json(f: Finding, data: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"key": f.key, "code": f.code, "severity": f.severity.value, "severity_label": f.severity.label, "message": f.message,
            "field": f.where.field, "table": f.where.table, "row": f.where.row, "expected": f.expected,
            "found": f.found, "label": label_for(f.where.field or "", data)}


def analyse(data: Any, ruleset: str | None = None, previous: Evaluation | None = None,
            stored: bool = False) -> Analysis:
    """Validate ``data``, settle it under its rule set, score and check it. Never raises on bad data.

    ``stored``: the document is to be saved as an evaluation of the platform, which is of a unit and a
    year, so a missing 单位名称 or 评价年度 is a problem (a document read from a file may lack them).
    """
    loaded = load_data(data, EDITOR_FILE, lines={})
    if loaded.evaluation is None:
        return Analysis(problems=loaded.problems)
    e = loaded.evaluation
    if stored and (e.year is None or not e.unit):
        return Analysis(e, problems=[Problem(EDITOR_FILE, None, path, f"缺少{FIELD_NAMES[path]}：保存的自评须写明{FIELD_NAMES[path]}",
                                             FIELD_NAMES[path]) for path in ("year", "unit")
                                     if (e.year is None if path == "year" else not e.unit)])
    try:
        rules = ruleset_for(e, ruleset)
    except RuleSetError as exc:
        return Analysis(e, problems=[Problem(EDITOR_FILE, None, "ruleset", str(exc), "已有的评分规则")])
    if rules.kind is not e.kind:
        message = f"评分规则「{rules.title}」适用于{KIND_NAMES[rules.kind]}，而本自评是{KIND_NAMES[e.kind]}"
        return Analysis(e, problems=[Problem(EDITOR_FILE, None, "ruleset", message, "同类的评分规则")])
    # The one analysis every door uses: findings of the document as declared (what `jixiao check` says);
    # the derived document is shown beside it, never checked in its place.
    analysis = service.Analysis(e, rules, previous)
    settled = analysis.derived
    return Analysis(e, settled.evaluation, analysis.rules, settled.card, analysis.findings, settled.changes)


KIND_NAMES = {Kind.DEPARTMENT: "部门整体支出绩效自评", Kind.PROJECT: "项目支出绩效自评"}

# ---------------------------------------------------------------- labels

FIELD_NAMES = {
    "kind": "自评类型", "year": "评价年度", "unit": "单位名称", "title": "报告标题", "region": "所属地区",
    "ruleset": "评分规则", "project": "项目信息", "name": "名称", "department": "主管部门",
    "department_code": "主管部门代码", "implementer": "实施单位", "goals": "绩效目标", "target": "指标值",
    "actual": "实际完成值", "tasks": "年度主要任务", "content": "主要内容", "budget": "预算情况",
    "budget_fiscal": "其中：财政资金", "executed": "预算执行数", "executed_fiscal": "执行数中财政资金",
    "rate": "执行率", "status": "完成情况", "initial": "年初预算数", "adjusted": "全年（调整）预算数",
    "weight": "分值", "score": "得分", "by_source": "资金来源", "fiscal": "财政性资金", "other": "其他资金",
    "by_structure": "资金结构", "basic": "基本支出", "three_public": "“三公经费”", "procurement": "政府采购",
    "carryover": "结转结余总额", "carryover_rate": "结转结余率", "adjustment_rate": "预算调整率",
    "adjustment_excluded": "不计入调整率的调整数", "special_funds": "专项资金细化", "detailed": "已细化资金数",
    "total": "合计", "explanation": "原因说明", "performance_management": "绩效管理",
    "projects": "部门项目总数", "monitored": "已完成绩效监控项目数", "self_evaluated": "已完成自评项目数",
    "key_evaluations": "重点绩效评价项目数", "key_evaluated": "已完成评价项目数",
    "suggestions": "提出的意见建议数", "suggestions_adopted": "采纳的意见建议数", "indicators": "绩效指标",
    "unit_": "度量单位", "deviation": "偏差原因分析及改进措施", "description": "指标说明",
    "applicable": "是否适用", "common": "共性指标", "reported": "得分汇总", "grade": "等级",
    "categories": "各项指标得分情况表", "narrative": "报告正文", "text": "正文", "number": "序号",
    "sections": "小节",
}
_GOAL_NAMES = {"target": "年度绩效目标", "actual": "目标实际完成情况"}
_SPENDING_NAMES = {"budget": "预算数", "actual": "实际支出", "rate": "控制率/执行率"}
_SEGMENT = re.compile(r"([A-Za-z_]+)|\[(\d+)\]")


def split_path(path: str) -> list[str | int]:
    """``tasks[4].rate`` → ``['tasks', 4, 'rate']``."""
    return [m.group(1) if m.group(1) else int(m.group(2)) for m in _SEGMENT.finditer(path or "")]


def _at(data: Any, parts: list[str | int]) -> Any:
    for part in parts:
        if isinstance(part, int) and isinstance(data, list) and part < len(data):
            data = data[part]
        elif isinstance(part, str) and isinstance(data, dict):
            data = data.get(part)
        else:
            return None
    return data


def label_for(path: str, data: dict[str, Any] | None = None) -> str:
    """A field's name for people: 年度主要任务 › 任务5（外事活动经费） › 执行率."""
    parts = split_path(path)
    if not parts:
        return "整份文档"
    data = data or {}
    names: list[str] = []
    head = parts[0]
    i = 1
    if head == "tasks" and len(parts) > 1 and isinstance(parts[1], int):
        task = _at(data, parts[:2]) or {}
        number = f"任务{parts[1] + 1}"
        name = str(task.get("name") or "")
        if not name or re.fullmatch(r"任务\s*\d+", name):  # 任务 5 / 全面深化改革经费: the content names it
            name = str(task.get("content") or "")[:30]
        names += ["年度主要任务", number + (f"（{name}）" if name else "")]
        i = 2
    elif head == "indicators":
        names.append("绩效指标")
        level = 0
        while i < len(parts) and isinstance(parts[i], int):
            node = _at(data, parts[: i + 1]) or {}
            names.append(node.get("name") or f"第{parts[i] + 1}个{('一级', '二级', '三级')[min(level, 2)]}指标")
            level += 1
            i += 2 if i + 1 < len(parts) and parts[i + 1] == "children" else 1
        i -= 1 if i < len(parts) and parts[i - 1] == "children" else 0
    elif head == "narrative":
        names.append("报告正文")
        while i < len(parts) and isinstance(parts[i], int):
            node = _at(data, parts[: i + 1]) or {}
            title = node.get("title")
            names.append(((node.get("number") or "") + ("、" if node.get("number") and
                          not str(node.get("number")).startswith(("（", "(")) else "") + title)
                         if title else f"第{parts[i] + 1}节")
            i += 2 if i + 1 < len(parts) and parts[i + 1] == "sections" else 1
        i -= 1 if i < len(parts) and parts[i - 1] == "sections" else 0
    elif head == "reported" and len(parts) > 2 and parts[1] == "categories" and isinstance(parts[2], int):
        row = _at(data, parts[:3]) or {}
        names += ["各项指标得分情况表", row.get("name") or f"第{parts[2] + 1}行"]
        i = 3
    rest = parts[i:] if names else parts
    spending = head == "budget" and len(parts) > 1 and parts[1] in ("three_public", "procurement")
    for n, part in enumerate(rest):
        if isinstance(part, int):
            names.append(f"第{part + 1}项")
        elif head == "goals" and part in _GOAL_NAMES:
            names.append(_GOAL_NAMES[part])
        elif spending and n == len(rest) - 1 and part in _SPENDING_NAMES:
            names.append(_SPENDING_NAMES[part])
        elif head == "indicators" and part == "unit":
            names.append("度量单位")
        elif head in ("tasks", "indicators") and part == "score":
            names.append("得分")
        else:
            names.append(FIELD_NAMES.get(part, part))
    return " › ".join(n for n in names if n)


def _all_paths(data: Any) -> set[str]:
    """Every path of plain document data: its scalars and every row and section that holds them."""
    out: set[str] = set()
    for path in flatten(data):
        while path:
            out.add(path)
            cut = max(path.rfind("."), path.rfind("["))
            path = path[:cut] if cut > 0 else ""
    return out


def relocate(path: str, label: str, data: dict[str, Any]) -> str | None:
    """Where a field named ``label`` (when something was attached to ``path``) is now in ``data``.

    Rows move (a task moved up, an indicator moved to another group): what was attached
    to a row by its path follows the row by its name. ``path`` itself when it still
    has that name; the one path that has it now; None when no path or several have it
    (the row was deleted or renamed, or its name is ambiguous).
    """
    if not label or label_for(path, data) == label:
        return path
    wanted = _TASK_NUMBER.sub("任务（", label)  # a named task keeps its name, not its number, when it moves
    found = [p for p in _all_paths(data) if _TASK_NUMBER.sub("任务（", label_for(p, data)) == wanted]
    return found[0] if len(found) == 1 else None


_TASK_NUMBER = re.compile(r"任务\d+（")


# ---------------------------------------------------------------- differences


def flatten(data: Any, prefix: str = "") -> dict[str, str]:
    """Every scalar of plain document data by its path, as text (provenance left out)."""
    out: dict[str, str] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "provenance" and not prefix:
                continue
            out.update(flatten(value, f"{prefix}.{key}" if prefix else key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            out.update(flatten(value, f"{prefix}[{i}]"))
    elif data is not None and data != "":
        out[prefix] = _scalar_text(data)
    return out


def _scalar_text(value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


@dataclass(frozen=True)
class FieldChange:
    """A field that differs between two versions: its path, name, and both values ('' when absent)."""

    path: str
    label: str
    before: str
    after: str

    def to_json(self) -> dict[str, str]:
        return {"path": self.path, "label": self.label, "before": self.before, "after": self.after}


def _same(a: str, b: str) -> bool:
    if a == b:
        return True
    try:  # 1125.5 and 1125.50 are the same figure
        return Decimal(a.rstrip("%")) == Decimal(b.rstrip("%")) and a.endswith("%") == b.endswith("%")
    except ArithmeticError:
        return False


def diff(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[FieldChange]:
    """The fields that differ between two versions of plain document data, in document order."""
    a, b = flatten(before or {}), flatten(after or {})
    order = list(b) + [p for p in a if p not in b]
    return [FieldChange(p, label_for(p, after if p in b else before), a.get(p, ""), b.get(p, ""))
            for p in order if not _same(a.get(p, ""), b.get(p, ""))]


# ---------------------------------------------------------------- new documents


def blank(kind: Kind | str, rules: RuleSet, year: int | None = None, unit: str = "（单位名称）",
          project: str | None = None, region: str | None = None) -> dict[str, Any]:
    """A new document of ``kind`` under ``rules``: its first-level categories and weights, one empty row each,
    and the report sections the rule set asks for."""
    kind = Kind(kind)
    budget = next((c for c in rules.categories if c.source == "budget_execution"), None)
    data: dict[str, Any] = {
        "kind": kind.value, "year": year or rules.year, "unit": unit, "ruleset": rules.id,
        "region": region or rules.jurisdiction,
        "budget": {"weight": format(budget.weight, "f")} if budget else {},
        "indicators": [{"name": c.name, "weight": format(c.weight, "f"), "children": [{"name": "", "children": [
            {"name": ""}]}]} for c in rules.categories if c.source != "budget_execution"],
        "narrative": [{"number": _CHINESE_NUMBERS[i] if i < len(_CHINESE_NUMBERS) else str(i + 1),
                       "title": s.name, "text": ""} for i, s in enumerate(layout(rules))],
    }
    if kind is Kind.DEPARTMENT:
        data["tasks"] = [{"name": ""}]
    else:
        data["project"] = {"name": project or "（项目名称）"}
    return data


_CHINESE_NUMBERS = "一二三四五六七八九十"


def next_year(data: dict[str, Any], year: int) -> dict[str, Any]:
    """Last year's document as the start of ``year``'s: structure, names, targets and weights kept;
    amounts, actual values, scores, explanations and the report text cleared."""
    old = data.get("year")
    new: dict[str, Any] = {k: copy.deepcopy(data[k]) for k in
                           ("kind", "unit", "region", "ruleset", "project") if data.get(k) is not None}
    new["year"] = year
    if data.get("title"):
        new["title"] = str(data["title"]).replace(str(old), str(year)) if old else data["title"]
    if (data.get("goals") or {}).get("target"):
        new["goals"] = {"target": data["goals"]["target"]}
    new["tasks"] = [{k: t[k] for k in ("name", "content") if t.get(k)} for t in data.get("tasks") or []]
    budget = data.get("budget") or {}
    new["budget"] = {"weight": budget["weight"]} if budget.get("weight") is not None else {}
    keep = ("name", "target", "unit", "weight", "description", "applicable", "common")
    new["indicators"] = [
        {"name": c.get("name", ""), **({"weight": c["weight"]} if c.get("weight") is not None else {}),
         "children": [{"name": g.get("name", ""),
                       "children": [{k: leaf[k] for k in keep if k in leaf} for leaf in g.get("children") or []]}
                      for g in c.get("children") or []]}
        for c in data.get("indicators") or []]

    def headings(sections: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{k: s[k] for k in ("number", "title") if s.get(k)} | {"text": "",
                 **({"sections": headings(s["sections"])} if s.get("sections") else {})} for s in sections]

    new["narrative"] = headings(data.get("narrative") or [])
    if new.get("ruleset"):
        try:
            rules = rulesets.load_id(new["ruleset"])
        except RuleSetError:
            new.pop("ruleset")
        else:
            if not rules.applies_to_year(year):  # the new year outside its years: choose again
                new.pop("ruleset")
    return new
