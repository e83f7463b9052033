"""Rule sets (评分规则) as data: versioned YAML files with their legal basis.

A rule set says how a jurisdiction scores a kind of self-evaluation in a
year: categories and weights, how budget execution and each indicator type
are scored, rounding, grade bands, and the optional rules some provinces add.
A new province or year is a new file in ``data/`` (or in a directory named by
``JIXIAO_RULESETS``); ``extends:`` inherits another file and overrides only
what differs. See ``docs/rulesets.md``.

The loader is strict: unknown or duplicate keys, weights that do not sum to
100 and grade bands out of order are refused with a message that says what is
expected. (Rule authors get exceptions; end users' documents never do.)
"""

from __future__ import annotations

import os
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from ..document import Kind
from ..native import parse_yaml, validation_problems
from ..numbers import HUNDRED, RoundingMode, D

DATA_DIR = Path(__file__).parent / "data"
NATIONAL = "全国"


def _dec(value: Any) -> Any:
    if isinstance(value, str) and value.strip().endswith(("%", "％")):
        return D(value.strip()[:-1])
    return D(value) if isinstance(value, (int, str)) else value


Dec = Annotated[Decimal, BeforeValidator(_dec)]
"""A number; ``'70%'`` is read as 70 (percentage points)."""


class Rule(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Basis(Rule):
    """The legal or factual basis of a rule set (依据), with how sure we are.

    ``confidence``: V = read in a public copy; R = usual official wording, not
    confirmed word for word; I = vendor/provincial practice; seeds = read off
    the seed reports (see shared RULES.md).
    """

    title: str
    document_number: str | None = None
    url: str | None = None
    confidence: Literal["V", "R", "I", "seeds"]
    covers: str | None = None


class CategoryRule(Rule):
    """A first-level scoring category (一级指标) and its weight (权重分值).

    Attributes:
        key: identifier (``output``).
        name: Chinese name (产出).
        weight: points.
        source: ``indicators`` (sum of its indicators' scores) or
            ``budget_execution`` (computed from the budget's 执行率).
        match: substrings of first-level indicator names that belong here.
        match_level2: substrings of second-level names that belong here even
            under another first-level name (满意度 under 效果指标).
        if_absent: when no indicator falls in this category, its weight moves
            to these categories (key → points).
    """

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    weight: Dec = Field(gt=0)
    source: Literal["indicators", "budget_execution"] = "indicators"
    match: tuple[str, ...] = ()
    match_level2: tuple[str, ...] = ()
    if_absent: dict[str, Dec] | None = None


class BudgetExecutionRule(Rule):
    """预算执行率 scoring: weight × min(执行率, cap), 执行率 = 执行数 / 全年(调整)预算数."""

    method: Literal["linear"] = "linear"
    basis: Literal["adjusted", "initial"] = "adjusted"
    cap: Dec = Decimal(1)
    explain_below: Dec = Field(default=Decimal(70), description="执行率低于此百分比须说明原因")


class QuantitativeRule(Rule):
    """Quantitative indicators (定量指标), A = target, B = actual, w = weight.

    positive (≥A): ratio → B ≥ A: w; else w × B/A.
    negative (≤A): inverse_ratio → B ≤ A: w; else w × A/B;
                   linear_deduction → w × max(0, 1 − (B − A)/A).
    equal (=A): positive → scored like ≥; exact → w if B = A else w × min(A,B)/max(A,B).
    default_comparator: how a target without comparator (``100册``) is read.
    """

    positive: Literal["ratio"] = "ratio"
    negative: Literal["inverse_ratio", "linear_deduction"] = "inverse_ratio"
    equal: Literal["positive", "exact"] = "positive"
    default_comparator: Literal["≥", "≤", "="] = "≥"
    deadline: Literal["all_or_nothing"] = "all_or_nothing"


class Band(Rule):
    """A qualitative grade's score band as percentages of the weight."""

    min: Dec = Field(ge=0, le=100)
    max: Dec = Field(ge=0, le=100)

    @model_validator(mode="after")
    def _ordered(self) -> Band:
        if self.min > self.max:
            raise ValueError(f"分数段下限 {self.min} 大于上限 {self.max}")
        return self


class QualitativeRule(Rule):
    """Qualitative indicators (定性指标): three grades with score bands.

    达成年度指标 80–100%, 部分达成年度指标并具有一定效果 60–80%,
    未达成年度指标且效果较差 0–60% of the weight. Within a band the score is
    the evaluator's judgement: a stated score inside the band is kept; without
    one, ``default_point`` of the band is used.
    """

    achieved: Band = Band(min=Decimal(80), max=Decimal(100))
    partial: Band = Band(min=Decimal(60), max=Decimal(80))
    not_achieved: Band = Band(min=Decimal(0), max=Decimal(60))
    default_point: Literal["upper", "lower", "middle"] = "upper"


class RoundingRule(Rule):
    """Rounding of scores: mode, decimals, and where it applies (per line)."""

    mode: RoundingMode = RoundingMode.HALF_UP
    decimals: int = Field(default=2, ge=0, le=6)
    scope: Literal["per_line", "total_only"] = "per_line"


class GradeBand(Rule):
    """A grade (等级) and its lower bound, inclusive: 优 ≥ 90."""

    name: str
    min: Dec = Field(ge=0, le=100)


class Deduction(Rule):
    """Deduct ``points`` when the actual reaches ``ratio`` × target."""

    ratio: Dec = Field(gt=1)
    points: Dec = Field(gt=0)


class OverAchievementRule(Rule):
    """Over-achievement (超额完成): no bonus; explanation asked at ``explain_ratio`` × target."""

    explain_ratio: Dec = Field(default=Decimal("1.2"), gt=1)
    deduction: Deduction | None = None


class TotalCap(Rule):
    """Cap the total when the execution rate is in [rate_from, rate_below) percent."""

    rate_from: Dec | None = None
    rate_below: Dec
    max_total: Dec = Field(ge=0, le=100)


class ReportSection(Rule):
    """A section the self-evaluation report must have (e.g. 综合评价结论).

    Attributes:
        name: the section's usual heading.
        aliases: other words a heading may use for it; a heading matches when it
            contains the name or any alias (spaces and punctuation ignored).
        draft: what the report writer drafts from the data for this section when
            the document has no text of its own: overview (identity, goals, tasks,
            indicator counts), funds (年初/调整/执行/执行率), process (the rules
            applied), conclusion (score, grade, bands, category table), indicators
            (targets met and not met, with 偏差原因), problems (low execution,
            unmet targets); none leaves a prompt for the author to fill.
    """

    name: str = Field(min_length=1)
    aliases: tuple[str, ...] = ()
    draft: tuple[Literal["overview", "funds", "process", "conclusion", "indicators", "problems"], ...] = ()


class RuleSet(Rule):
    """A complete rule set (评分规则). See the module docstring."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str
    jurisdiction: str
    year: int = Field(ge=2000, le=2100)
    kind: Kind
    version: int = Field(default=1, ge=1)
    basis: tuple[Basis, ...] = Field(min_length=1)
    extends: str | None = None
    categories: tuple[CategoryRule, ...] = Field(min_length=1)
    budget_execution: BudgetExecutionRule = BudgetExecutionRule()
    quantitative: QuantitativeRule = QuantitativeRule()
    qualitative: QualitativeRule = QualitativeRule()
    not_applicable: Literal["rescale", "zero"] = "rescale"
    rounding: RoundingRule = RoundingRule()
    grades: tuple[GradeBand, ...] = (
        GradeBand(name="优", min=Decimal(90)),
        GradeBand(name="良", min=Decimal(80)),
        GradeBand(name="中", min=Decimal(60)),
        GradeBand(name="差", min=Decimal(0)),
    )
    over_achievement: OverAchievementRule = OverAchievementRule()
    adjustment_explain_above: Dec = Field(default=Decimal(30), description="预算调整率超过此百分比须说明原因")
    total_caps: tuple[TotalCap, ...] = ()
    report_sections: tuple[ReportSection, ...] = Field(
        default=(), description="自评报告必须具备的章节（按顺序），用于检查章节缺失")
    notes: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> RuleSet:
        total = sum((c.weight for c in self.categories), Decimal(0))
        if total != HUNDRED:
            parts = " + ".join(f"{c.name} {c.weight}" for c in self.categories)
            raise ValueError(f"各类别权重之和应为 100，实为 {total}（{parts}）")
        keys = [c.key for c in self.categories]
        if len(set(keys)) != len(keys):
            raise ValueError(f"类别 key 重复：{keys}")
        for c in self.categories:
            for target in (c.if_absent or {}):
                if target not in keys or target == c.key:
                    raise ValueError(f"类别「{c.name}」的 if_absent 指向未知类别「{target}」，应为 {keys} 之一")
            if c.if_absent and sum(c.if_absent.values(), Decimal(0)) != c.weight:
                raise ValueError(f"类别「{c.name}」的 if_absent 分配之和应等于其权重 {c.weight}")
        mins = [g.min for g in self.grades]
        if mins != sorted(mins, reverse=True) or len(set(mins)) != len(mins) or mins[-1] != 0:
            raise ValueError("grades 应按下限从高到低排列，互不相同，最后一档下限为 0（如 优 90、良 80、中 60、差 0）")
        return self

    def grade_of(self, total: Decimal) -> str:
        """The grade for a total: the first band whose lower bound it reaches."""
        for band in self.grades:
            if total >= band.min:
                return band.name
        return self.grades[-1].name


class RuleSetError(Exception):
    """A rule set file that cannot be used; the message says what is expected."""


def search_paths() -> list[Path]:
    """Directories searched for rule sets: ``JIXIAO_RULESETS`` (os.pathsep-separated), then the bundled ones."""
    extra = [Path(p) for p in os.environ.get("JIXIAO_RULESETS", "").split(os.pathsep) if p]
    return [*extra, DATA_DIR]


def _files() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for directory in reversed(search_paths()):
        if directory.is_dir():
            for path in sorted(directory.glob("*.yaml")):
                found[path.stem] = path
    return found


def _read(path: Path) -> dict[str, Any]:
    data, lines, problems = parse_yaml(path.read_text(encoding="utf-8"), str(path))
    if problems:
        raise RuleSetError("\n".join(str(p) for p in problems))
    if not isinstance(data, dict):
        raise RuleSetError(f"{path}: 规则文件顶层应为键值对（id、title、categories…）")
    if data.get("id") != path.stem:
        raise RuleSetError(f"{path}: id「{data.get('id')}」应与文件名「{path.stem}」一致")
    return data


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _resolve(path: Path, files: dict[str, Path], seen: tuple[str, ...] = ()) -> dict[str, Any]:
    data = _read(path)
    parent = data.get("extends")
    if parent is None:
        return data
    if parent in seen or parent == data["id"]:
        raise RuleSetError(f"{path}: extends 形成循环：{' → '.join((*seen, data['id'], parent))}")
    if parent not in files:
        raise RuleSetError(f"{path}: extends 指向不存在的规则「{parent}」，可用：{', '.join(sorted(files))}")
    base = _resolve(files[parent], files, (*seen, data["id"]))
    base.pop("notes", None)
    return _merge(base, data)


def load_path(path: str | Path) -> RuleSet:
    """Load and validate one rule set file (its ``extends`` looked up by id)."""
    path = Path(path)
    files = _files() | {path.stem: path}
    data = _resolve(path, files)
    try:
        return RuleSet.model_validate(data)
    except ValidationError as exc:
        _, lines, _ = parse_yaml(path.read_text(encoding="utf-8"), str(path))
        raise RuleSetError("\n".join(str(p) for p in validation_problems(exc, str(path), lines))) from None


@lru_cache(maxsize=64)
def _load_cached(key: str, mtime: float) -> RuleSet:
    return load_path(key)


def load(ruleset: str | Path) -> RuleSet:
    """Load a rule set by id (``zhengzhou-2021-project``) or by file path.

    A path is for the person at the command line (``--ruleset my-rules.yaml``). A rule set named by
    *data* (a document's ``ruleset`` field, a form, an upload) goes through :func:`load_id`, which never
    opens a path: a document must not make the program read a file of its choosing.
    """
    text = str(ruleset)
    try:
        path = Path(text)
        if not (text.endswith((".yaml", ".yml")) or path.is_file()):
            return load_id(text)
        if not path.is_file():
            raise RuleSetError(f"评分规则文件不存在：{path}")
        return _load_cached(str(path.resolve()), path.stat().st_mtime)
    except OSError as exc:  # a name too long, a directory, no permission …
        raise RuleSetError(f"评分规则文件无法读取：{text[:200]}（{exc.strerror or exc}）") from None


def load_id(ruleset_id: str) -> RuleSet:
    """Load a rule set by its id only (one of :func:`available`); any other text is refused, never opened."""
    files = _files()
    text = str(ruleset_id)
    if text not in files:
        shown = text if len(text) <= 80 else text[:80] + "…"
        raise RuleSetError(f"没有 id 为「{shown}」的评分规则，可用：{', '.join(sorted(files))}")
    path = files[text]
    return _load_cached(str(path.resolve()), path.stat().st_mtime)


def available() -> list[RuleSet]:
    """Every rule set found on the search path, by id."""
    return [load(p) for _, p in sorted(_files().items())]


def default_for(kind: Kind, year: int, jurisdiction: str | None = None) -> RuleSet:
    """The rule set a document uses when none is named.

    Same kind; the jurisdiction named in the document when one matches;
    the latest year not after the document's (else the earliest).
    """
    files = _files()
    signature = tuple((i, str(p), p.stat().st_mtime_ns) for i, p in sorted(files.items()) if p.is_file())
    return _default_cached(kind, year, jurisdiction, signature)


@lru_cache(maxsize=256)
def _default_cached(kind: Kind, year: int, jurisdiction: str | None, signature: tuple) -> RuleSet:
    # ``signature`` (ids, paths and mtimes of the search path) makes an edited or
    # added file take effect; it is only a cache key.
    candidates = [r for r in available() if r.kind is kind]
    if not candidates:
        raise RuleSetError(f"没有适用于「{kind.value}」的评分规则")
    local = [r for r in candidates if jurisdiction and (r.jurisdiction in jurisdiction or jurisdiction in r.jurisdiction)]
    national = [r for r in candidates if r.jurisdiction == NATIONAL]
    candidates = local or national or candidates
    past = [r for r in candidates if r.year <= year]
    pool = past or candidates
    best = max(r.year for r in pool) if past else min(r.year for r in pool)
    return sorted((r for r in pool if r.year == best), key=lambda r: r.id)[0]
