"""The suggested results application (结果应用建议), drafted from an evaluation's grade and findings.

What a grade means for next year's funding, and which findings call for which rectification item,
is data: a YAML file in ``data/`` (``results-mof-2020.yaml``) with its legal basis and year, like the
scoring rule sets. A bureau with its own measures adds a file whose ``jurisdiction`` matches its
region; the latest ``year`` not after the evaluation's is used. The loader is strict (unknown keys,
a missing grade, a placeholder it cannot fill are refused with the file and the place), for the
rule author; nothing here raises on an evaluation's data.

The draft only pre-fills the form: the bureau's reviewer changes what they disagree with, and the
draft is kept beside the decision.
"""

from __future__ import annotations

import datetime as dt
import string
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from jixiao import editing
from jixiao.native import parse_yaml, validation_problems
from jixiao.rulesets import NATIONAL, Basis, Dec
from jixiao.writers.text import money, number

DATA_DIR = Path(__file__).parent / "data"
GRADES = ("优", "良", "中", "差")
_CENT = Decimal("0.01")
_HUNDRED = Decimal(100)


class ResultRulesError(Exception):
    """A results-application rule file that cannot be used (for the rule author)."""


class _Rule(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


class GradeRule(_Rule):
    """What a grade suggests: next year's funding (``percent`` for a cut or a raise), policy, rectification."""

    funding: Literal["keep", "increase", "reduce", "cancel"]
    percent: Dec | None = Field(default=None, gt=0, le=100)
    adjust_policy: bool = False
    rectify: bool = False
    reason: str = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> GradeRule:
        if self.funding in ("increase", "reduce") and self.percent is None:
            raise ValueError("增加或调减须写明 percent（百分比）")
        unknown = _fields(self.reason) - {"total", "grade", "percent", "amount"}
        if unknown:
            raise ValueError(f"reason 中的占位符 {sorted(unknown)} 无法填写（可用 total、grade、percent、amount）")
        return self


class When(_Rule):
    """When an item applies: execution rate below a percentage, unmet indicators, or findings with given codes."""

    execution_rate_below: Dec | None = None
    unmet_indicators: int | None = Field(default=None, ge=1)
    codes: tuple[str, ...] = ()
    code_prefixes: tuple[str, ...] = ()
    severity: Literal["error", "warning", "info"] | None = None

    @model_validator(mode="after")
    def _one(self) -> When:
        given = [self.execution_rate_below is not None, self.unmet_indicators is not None,
                 bool(self.codes or self.code_prefixes)]
        if sum(given) != 1:
            raise ValueError("when 须且只须给出一种条件：execution_rate_below、unmet_indicators 或 codes/code_prefixes")
        return self


class ItemRule(_Rule):
    """A rectification item suggested when its condition holds."""

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str = Field(min_length=1, max_length=200)
    when: When
    detail: str = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> ItemRule:
        unknown = _fields(self.detail) - {"execution_rate", "count", "names", "examples"}
        if unknown:
            raise ValueError(f"detail 中的占位符 {sorted(unknown)} 无法填写（可用 execution_rate、count、names、examples）")
        return self


class ResultRules(_Rule):
    """A results-application rule file."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str
    jurisdiction: str
    year: int = Field(ge=1990, le=2100)
    version: int = Field(ge=1)
    basis: tuple[Basis, ...] = Field(min_length=1)
    deadline_days: int = Field(ge=1, le=3650)
    grades: dict[str, GradeRule]
    items: tuple[ItemRule, ...] = ()

    @model_validator(mode="after")
    def _check(self) -> ResultRules:
        missing = [g for g in GRADES if g not in self.grades]
        extra = [g for g in self.grades if g not in GRADES]
        if missing or extra:
            raise ValueError(f"grades 须恰好包含 优、良、中、差（缺少 {missing}，多出 {extra}）")
        keys = [i.key for i in self.items]
        if len(set(keys)) != len(keys):
            raise ValueError("items 的 key 不能重复")
        return self


def load_path(path: Path) -> ResultRules:
    text = path.read_text(encoding="utf-8")
    data, lines, problems = parse_yaml(text, str(path))
    if problems:
        raise ResultRulesError("\n".join(str(p) for p in problems))
    try:
        return ResultRules.model_validate(data)
    except ValidationError as exc:
        raise ResultRulesError("\n".join(str(p) for p in validation_problems(exc, str(path), lines))) from None


@lru_cache(maxsize=8)
def _all(signature: tuple) -> tuple[ResultRules, ...]:
    return tuple(load_path(Path(p)) for p, _ in signature)


def available(directory: Path = DATA_DIR) -> tuple[ResultRules, ...]:
    """Every rule file in ``directory`` (re-read when a file changes)."""
    files = sorted(directory.glob("*.yaml"))
    return _all(tuple((str(p), p.stat().st_mtime_ns) for p in files))


def rules_for(region: str, year: int, directory: Path = DATA_DIR) -> ResultRules:
    """The rule file for a bureau's region and an evaluation's year (local before national, latest year not after)."""
    candidates = list(available(directory))
    if not candidates:
        raise ResultRulesError(f"{directory} 中没有结果应用建议规则文件")
    local = [r for r in candidates if region and r.jurisdiction != NATIONAL
             and (r.jurisdiction in region or region in r.jurisdiction)]
    pool = local or [r for r in candidates if r.jurisdiction == NATIONAL] or candidates
    past = [r for r in pool if r.year <= year]
    return max(past, key=lambda r: (r.year, r.version)) if past else min(pool, key=lambda r: r.year)


# ---------------------------------------------------------------- facts and the draft


@dataclass(frozen=True)
class Facts:
    """What the draft is made from: the approved document's grade, score, execution and findings."""

    grade: str
    total: Decimal | None
    execution_rate: Decimal | None
    """Percentage points (59.93)."""
    budget: Decimal | None
    """全年预算数, 万元: the base of a suggested cut."""
    findings: tuple[dict[str, Any], ...] = ()
    unmet: tuple[str, ...] = ()
    """Names of applicable indicators whose target was not met."""


def facts_of(document: dict[str, Any]) -> Facts:
    """The facts of a stored document, analysed afresh (never raises: an invalid document has none)."""
    analysis = editing.analyse(document)
    if not analysis.ok:
        return Facts("", None, None, None)
    s = analysis.summary()
    unmet = tuple(i.name for i in analysis.card.indicators if i.met is False and i.applicable)
    return Facts(s["grade"], s["total"], s["execution_rate"], s["budget"],
                 tuple(analysis.to_json()["findings"]), unmet)


@dataclass
class SuggestedItem:
    key: str
    title: str
    detail: str


@dataclass
class Suggestion:
    """The draft of a follow-up, as the form is pre-filled with it."""

    funding: str
    percent: Decimal | None
    amount: Decimal | None
    adjust_policy: bool
    rectification_required: bool
    deadline: dt.date | None
    reasons: str
    items: list[SuggestedItem] = field(default_factory=list)
    rules: str = ""
    basis: str = ""

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("percent", "amount"):
            data[key] = None if data[key] is None else format(data[key], "f")
        data["deadline"] = None if self.deadline is None else self.deadline.isoformat()
        return data


def _matching(when: When, facts: Facts) -> list[dict[str, Any]] | None:
    """The findings an item's condition picks, [] for a condition without findings that holds, None if it does not."""
    if when.execution_rate_below is not None:
        holds = facts.execution_rate is not None and facts.execution_rate < when.execution_rate_below
        return [] if holds else None
    if when.unmet_indicators is not None:
        return [] if len(facts.unmet) >= when.unmet_indicators else None
    hits = [f for f in facts.findings
            if (f["code"] in when.codes or f["code"].startswith(tuple(when.code_prefixes) or ("\0",)))
            and (when.severity is None or f["severity"] == when.severity)]
    return hits or None


def _examples(findings: list[dict[str, Any]], limit: int = 2, length: int = 60) -> str:
    """The first findings' messages, shortened: enough for the unit to find them."""
    return "；".join(f["message"] if len(f["message"]) <= length else f["message"][:length] + "…"
                    for f in findings[:limit])


def draft(facts: Facts, rules: ResultRules, today: dt.date) -> Suggestion:
    """The suggested follow-up: the grade's funding decision, and an item per condition that holds."""
    items: list[SuggestedItem] = []
    for rule in rules.items:
        hits = _matching(rule.when, facts)
        if hits is None:
            continue
        count = len(hits) if rule.when.codes or rule.when.code_prefixes else len(facts.unmet)
        detail = rule.detail.format(execution_rate=number(facts.execution_rate), count=count,
                                    names="、".join(facts.unmet[:5]) + ("等" if len(facts.unmet) > 5 else ""),
                                    examples=_examples(hits))
        items.append(SuggestedItem(rule.key, rule.title, detail))
    grade_rule = rules.grades.get(facts.grade)
    if grade_rule is None:  # an evaluation without a score: nothing to suggest about funding
        return Suggestion("keep", None, None, False, bool(items), today + dt.timedelta(days=rules.deadline_days)
                          if items else None, "未能确定自评等级，请按审核情况填写。", items, rules.id,
                          _basis(rules))
    percent = grade_rule.percent
    amount = None
    if percent is not None and facts.budget is not None:
        amount = (facts.budget * percent / _HUNDRED).quantize(_CENT, ROUND_HALF_UP)
    reason = grade_rule.reason.format(total=number(facts.total), grade=facts.grade, percent=number(percent),
                                      amount=money(amount) or "—")
    if items:
        reason += "审核发现须整改的问题：" + "；".join(i.title for i in items) + "。"
    rectify = grade_rule.rectify or bool(items)
    return Suggestion(grade_rule.funding, percent, amount, grade_rule.adjust_policy, rectify,
                      today + dt.timedelta(days=rules.deadline_days) if rectify else None, reason, items, rules.id,
                      _basis(rules))


def _basis(rules: ResultRules) -> str:
    return "；".join(b.document_number or b.title for b in rules.basis if b.confidence in ("V", "R")) or rules.title
