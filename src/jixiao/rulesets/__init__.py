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
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from ..common import BY_KEY
from ..document import Evaluation, Kind
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
        if_absent_note: how sure that split is, shown whenever it is applied.
    """

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    weight: Dec = Field(gt=0)
    source: Literal["indicators", "budget_execution"] = "indicators"
    match: tuple[str, ...] = ()
    match_level2: tuple[str, ...] = ()
    if_absent: dict[str, Dec] | None = None
    if_absent_note: str | None = None


class BudgetExecutionRule(Rule):
    """预算执行率 scoring: weight × min(执行率, cap), 执行率 = 执行数 / 全年(调整)预算数."""

    method: Literal["linear"] = "linear"
    basis: Literal["adjusted", "initial"] = "adjusted"
    cap: Dec = Decimal(1)
    explain_below: Dec | None = Field(default=Decimal(70), description="执行率低于此百分比须说明原因（null：规则未规定）")


class QuantitativeRule(Rule):
    """Quantitative indicators (定量指标), A = target, B = actual, w = weight.

    positive (≥A): ratio → B ≥ A: w; else w × B/A.
    negative (≤A): inverse_ratio → B ≤ A: w; else w × A/B;
                   linear_deduction → w × max(0, 1 − (B − A)/A).
    equal (=A): positive → scored like ≥; exact → w if B = A else w × min(A,B)/max(A,B).
    default_comparator: how a target without comparator (``100册``) is read when neither the common
        indicator's definition nor the direction lexicon says (:mod:`jixiao.direction`); None: not
        scored, the review asks for 指标性质.
    """

    positive: Literal["ratio"] = "ratio"
    negative: Literal["inverse_ratio", "linear_deduction"] = "inverse_ratio"
    equal: Literal["positive", "exact"] = "positive"
    default_comparator: Literal["≥", "≤", "="] | None = None
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


class IndicatorMethod(Rule):
    """How one named indicator is scored, overriding the generic rules (A = target, B = actual, w = weight).

    Attributes:
        name: the indicator's name, or a common indicator's key (``carryover_rate``).
        method: ``ratio`` (≥A: w × B/A), ``inverse_ratio`` (≤A: w × A/B),
            ``deduction_per_point`` (≤A: w − per_point × w for each percentage point over A; some provinces'
            部门整体 tables deduct 0.1 × w per point, RULES.md [V]).
        per_point: share of the weight deducted per percentage point (``deduction_per_point`` only).
        source: where the method comes from, with its confidence tag ([V]/[R]/[I]/[seeds]).
    """

    name: str = Field(min_length=1)
    method: Literal["ratio", "inverse_ratio", "deduction_per_point"]
    per_point: Dec | None = Field(default=None, gt=0, le=1)
    source: str | None = None

    @model_validator(mode="after")
    def _per_point(self) -> IndicatorMethod:
        if self.method == "deduction_per_point" and self.per_point is None:
            raise ValueError(f"指标「{self.name}」按百分点扣分（deduction_per_point）须给出 per_point（如 0.1）")
        return self


class Selection(Rule):
    """Why a rule set was chosen for a document (set by :func:`choose`, never read from a file).

    ``how``: named (the document or the user names it), fits (jurisdiction, kind and year fit),
    other_year (the place fits but not the year: a warning), own (no rule set fits: the document's
    own stated weights).
    """

    how: Literal["named", "fits", "other_year", "own"]
    message: str
    uncertain: tuple[str, ...] = ()


class RuleSet(Rule):
    """A complete rule set (评分规则). See the module docstring.

    ``valid_from``/``valid_to``: the budget years (评价年度) it applies to, inclusive (None: open).
    ``common_indicators``: keys of the common indicators (:mod:`jixiao.common`) it uses.
    ``uncertain``: what in it is not confirmed by a text read (shown beside every score under it).
    ``origin``: ``file`` for a rule set file; ``document`` for one built from a document's own weights
    (then the weights need not add up to 100: the document says what it says).
    """

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str
    jurisdiction: str
    year: int = Field(ge=2000, le=2100)
    valid_from: int | None = Field(default=None, ge=1990, le=2100)
    valid_to: int | None = Field(default=None, ge=1990, le=2100)
    kind: Kind
    version: int = Field(default=1, ge=1)
    origin: Literal["file", "document"] = "file"
    selection: Selection | None = None
    common_indicators: tuple[str, ...] = ()
    indicator_methods: tuple[IndicatorMethod, ...] = ()
    uncertain: tuple[str, ...] = ()
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
        if self.valid_from is not None and self.valid_to is not None and self.valid_from > self.valid_to:
            raise ValueError(f"valid_from {self.valid_from} 晚于 valid_to {self.valid_to}")
        unknown = [k for k in self.common_indicators if k not in BY_KEY]
        if unknown:
            raise ValueError(f"common_indicators 中的未知共性指标 {unknown}，应为 {sorted(BY_KEY)} 之一")
        if total != HUNDRED and self.origin == "file":
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

    def applies_to_year(self, year: int | None) -> bool:
        """Whether ``year`` is among the budget years the rule set covers (no year: never)."""
        if year is None:
            return False
        low = self.valid_from if self.valid_from is not None else self.year
        return low <= year and (self.valid_to is None or year <= self.valid_to)

    def method_for(self, name: str, common_key: str | None) -> IndicatorMethod | None:
        """The rule set's own method for an indicator, by name or common-indicator key."""
        for m in self.indicator_methods:
            if m.name == name or (common_key is not None and m.name == common_key):
                return m
        return None

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


_LEVELS = re.compile(r".+?(?:特别行政区|自治区|自治州|自治县|省|市|区|县|盟|旗|州)")


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _parts(text: str) -> list[str]:
    """``河南省郑州市金水区`` → [河南省, 郑州市, 金水区]."""
    return _LEVELS.findall(_squash(text)) or [_squash(text)]


def _place_fits(jurisdiction: str, region: str | None) -> bool:
    """The jurisdiction is the region or a parent of it: 河南省 and 河南省郑州市 fit 河南省郑州市金水区 (and
    郑州市金水区, written without its province, fits 河南省郑州市 by its most specific part)."""
    if jurisdiction == NATIONAL:
        return True
    if not region:
        return False
    if _squash(region).startswith(_squash(jurisdiction)):
        return True
    return _parts(jurisdiction)[-1] in _parts(region)


@dataclass(frozen=True)
class Choice:
    """The rule set chosen for a document, or None when none fits (score by the document's own weights)."""

    rules: RuleSet | None
    how: Literal["named", "fits", "other_year", "own"]
    message: str


def _kind_name(kind: Kind) -> str:
    return "部门整体支出" if kind is Kind.DEPARTMENT else "项目支出"


def _place_and_year(kind: Kind, year: int | None, region: str | None) -> str:
    place = region or "（未注明地区）"
    return f"{place}{f'{year}年度' if year else '（未注明年度）'}{_kind_name(kind)}"


def choose(kind: Kind, year: int | None, region: str | None) -> Choice:
    """The rule set for a document of ``kind``, ``year`` and ``region``, saying why.

    A rule set fits when its jurisdiction is the region or a parent of it (全国 fits everywhere), its
    kind is the document's and ``year`` is among its years; the most local fitting one wins. With none
    fitting the year, the same place's nearest-year one is used with a warning (``other_year``); a rule
    set of another place is never used. With none at all (or no year), ``rules`` is None: the document
    is scored by its own stated weights (:func:`from_document`).
    """
    files = _files()
    signature = tuple((i, str(p), p.stat().st_mtime_ns) for i, p in sorted(files.items()) if p.is_file())
    return _choose_cached(kind, year, region, signature)


@lru_cache(maxsize=256)
def _choose_cached(kind: Kind, year: int | None, region: str | None, signature: tuple) -> Choice:
    # ``signature`` (ids, paths and mtimes of the search path) makes an edited or added file take effect.
    what = _place_and_year(kind, year, region)
    places = [r for r in available() if r.kind is kind and _place_fits(r.jurisdiction, region)]
    local_first = sorted(places, key=lambda r: (-len(_parts(r.jurisdiction)) if r.jurisdiction != NATIONAL else 0,
                                                 -r.year, r.id))
    fitting = [r for r in local_first if r.applies_to_year(year)]
    if fitting:
        r = fitting[0]
        return Choice(r, "fits", f"按「{r.title}」评分（适用于{r.jurisdiction}{_years(r)}{_kind_name(kind)}）")
    if year is not None and local_first:
        # Only the place fits: the most local place's rule set of the nearest year, with a warning.
        depth = len(_parts(local_first[0].jurisdiction)) if local_first[0].jurisdiction != NATIONAL else 0
        same = [r for r in local_first if (len(_parts(r.jurisdiction)) if r.jurisdiction != NATIONAL else 0) == depth]
        r = min(same, key=lambda r: (_distance(r, year), -r.year, r.id))
        return Choice(r, "other_year", f"未找到适用于{what}的规则，按其他年度的「{r.title}」（{_years(r)}）评分，请核实")
    return Choice(None, "own", f"未找到适用于{what}的规则")


def _years(r: RuleSet) -> str:
    low = r.valid_from if r.valid_from is not None else r.year
    if r.valid_to == low:
        return f"{low}年度"
    return f"{low}年度起" if r.valid_to is None else f"{low}—{r.valid_to}年度"


def _distance(r: RuleSet, year: int) -> int:
    low = r.valid_from if r.valid_from is not None else r.year
    if year < low:
        return low - year
    return 0 if r.valid_to is None else max(0, year - r.valid_to)


def default_for(kind: Kind, year: int | None, jurisdiction: str | None = None) -> RuleSet:
    """The rule set a document of ``kind``/``year``/``jurisdiction`` uses when none is named.

    Raises RuleSetError when none fits (the caller then scores by the document's own weights,
    :func:`for_document`).
    """
    choice = choose(kind, year, jurisdiction)
    if choice.rules is None:
        raise RuleSetError(choice.message)
    return choice.rules


def latest_for(kind: Kind) -> RuleSet:
    """The latest national rule set of ``kind`` (else the latest of any place): for blank templates only."""
    candidates = [r for r in available() if r.kind is kind]
    if not candidates:
        raise RuleSetError(f"没有适用于「{kind.value}」的评分规则")
    return max(candidates, key=lambda r: (r.jurisdiction == NATIONAL, r.year, r.id))


def for_document(e: Evaluation, named: str | None = None) -> RuleSet:
    """The rule set ``e`` is scored under, carrying its :class:`Selection` (why it was chosen).

    ``named`` (the user's choice: an id or a path) wins; then the rule set the document names (an id
    only); then :func:`choose`; with none fitting, :func:`from_document`.
    """
    if named or e.ruleset:
        rules = load(named) if named else load_id(e.ruleset or "")
        problems = []
        if e.region and not _place_fits(rules.jurisdiction, e.region):
            problems.append(f"地区为{e.region}，规则适用于{rules.jurisdiction}")
        if e.year is not None and not rules.applies_to_year(e.year):
            problems.append(f"年度为{e.year}，规则适用于{_years(rules)}")
        who = "按指定的" if named else "按文件所注的"
        message = f"{who}「{rules.title}」评分" + (f"（{'；'.join(problems)}，请核实）" if problems else "")
        return _selected(rules, "other_year" if problems else "named", message)
    choice = choose(e.kind, e.year, e.region)
    if choice.rules is None:
        return from_document(e, choice.message)
    return _selected(choice.rules, choice.how, choice.message)


def _selected(rules: RuleSet, how: Literal["named", "fits", "other_year", "own"], message: str) -> RuleSet:
    return rules.model_copy(update={"selection": Selection(how=how, message=message, uncertain=rules.uncertain)})


_BUDGET_WORDS = ("预算执行", "资金执行")
_TOTAL_WORDS = ("合计", "总分", "总计", "总得分")
OWN_ID = "document-own-weights"


def _stem(name: str) -> str:
    return re.sub(r"[（(].*?[）)]|\s", "", name).removesuffix("指标")


def _row_for(rows: list[Any], name: str) -> Any:
    stem = _stem(name)
    return next((r for r in rows if _stem(r.name) == stem or (stem and stem in _stem(r.name))), None)


def own_categories(e: Evaluation) -> tuple[list[dict[str, Any]], list[str]]:
    """The document's own first-level categories and weights, with notes where its figures disagree.

    A category's weight is the one printed beside its 一级 name (「产出指标（50分）」), else its row of the
    得分情况表, else the sum of its leaves' 分值; each disagreement is noted (S203/B130 report them as findings).
    A 预算执行 row of the 得分情况表 (or the budget's own 分值) is a category scored from the execution rate;
    a 得分情况表 row with no indicator rows keeps its reported score. No weighted category is dropped.
    """
    rows = [r for r in e.reported.categories if not any(w in r.name for w in _TOTAL_WORDS)]
    notes: list[str] = []
    found: dict[str, dict[str, Any]] = {}
    budget_row = next((r for r in rows if any(w in r.name for w in _BUDGET_WORDS)), None)
    budget_weight = budget_row.weight if budget_row is not None and budget_row.weight else e.budget.weight
    in_tree = any(any(w in c.name for w in _BUDGET_WORDS) for c in e.indicators)
    if budget_weight and not in_tree:
        found["预算执行"] = {"key": "budget_execution", "name": budget_row.name if budget_row else "预算执行",
                          "weight": budget_weight, "source": "budget_execution"}
    used = {id(budget_row)} if budget_row is not None else set()
    for category in e.indicators:
        leaves = [leaf.weight for g in category.children for leaf in g.children if leaf.weight is not None]
        row = _row_for([r for r in rows if id(r) not in used], category.name)
        if row is not None:
            used.add(id(row))
        candidates = [(category.weight, "一级指标所注"), (row.weight if row else None, "得分情况表"),
                      (sum(leaves, Decimal(0)) if leaves else None, "三级指标分值合计")]
        stated = [(w, where) for w, where in candidates if w]
        if not stated:
            continue
        weight, where = stated[0]
        others = [f"{w2}（{where2}）" for w2, where2 in stated[1:] if w2 != weight]
        if others:
            notes.append(f"「{category.name}」权重按{where}的{weight}计，与{'、'.join(others)}不一致")
        if category.name in found:
            found[category.name]["weight"] += weight
        else:
            found[category.name] = {"key": f"c{len(found) + 1}", "name": category.name, "weight": weight,
                                    "match": [category.name]}
    for row in rows:
        if id(row) not in used and row.weight and row.name not in found:
            found[row.name] = {"key": f"c{len(found) + 1}", "name": row.name, "weight": row.weight, "match": [row.name]}
    return list(found.values()), notes


def from_document(e: Evaluation, reason: str) -> RuleSet:
    """A rule set built from the document's own stated weights, for a document no rule set fits.

    Its own 一级 names are the categories (:func:`own_categories`); quantitative and qualitative indicators
    are scored by the national methods of 财预〔2020〕10号 as RULES.md gives them; the national grade bands;
    rounding inferred from the document (its quantitative scores truncated → truncation), else half-up to
    two decimals per line (no official rule; common software practice [I]). The title says it:
    「按文件自身权重计算（未找到……的规则）」.
    """
    categories, notes = own_categories(e)
    uncertain = ["未找到适用的评分规则，按文件自身所注权重计算；各类别权重未经任何规则核对",
                 "舍入方式：文件未说明，按每行四舍五入保留两位小数（软件常见做法 [I]）"]
    if not categories:
        categories = [{"key": "unweighted", "name": "（文件未注明权重）", "weight": HUNDRED, "match": []}]
        uncertain.append("文件未注明任何权重，无法按权重计分")
    total = sum((Decimal(c["weight"]) for c in categories), Decimal(0))
    if total != HUNDRED:
        notes.append(f"文件各类别权重合计{total}，不是100")
    title = f"按文件自身权重计算（{reason}）"
    rounding = {"mode": "HALF_UP", "decimals": 2, "scope": "per_line"}
    data = {
        "id": OWN_ID, "title": title, "jurisdiction": e.region or "文件自身", "year": max(e.year or 2000, 2000),
        "kind": e.kind, "origin": "document",
        "basis": [{"title": "文件自身所注的一级指标权重、分值与得分情况表", "confidence": "I",
                   "covers": "categories"},
                  {"title": "定量、定性指标计分方法与等级（财预〔2020〕10号，见 RULES.md）", "document_number": "财预〔2020〕10号",
                   "confidence": "R", "covers": "quantitative, qualitative, grades"}],
        "categories": categories, "rounding": rounding,
        "uncertain": uncertain, "notes": notes,
        "selection": {"how": "own", "message": title, "uncertain": uncertain},
    }
    rules = RuleSet.model_validate(data)
    if _truncates(e, rules):
        uncertain[1] = "舍入方式：文件的定量指标得分与每行截断两位一致（与四舍五入不一致），按截断计 [文件]"
        data |= {"rounding": {**rounding, "mode": "TRUNCATE"}, "uncertain": uncertain,
                 "selection": {"how": "own", "message": title, "uncertain": uncertain}}
        rules = RuleSet.model_validate(data)
    return rules


def _truncates(e: Evaluation, rules: RuleSet) -> bool:
    """The document's own quantitative scores that need rounding agree with truncation and never with
    half-up (seed 001's 0.599 → 0.59): its rounding, inferred."""
    from decimal import ROUND_DOWN, ROUND_HALF_UP

    from ..scoring import score  # scoring imports this module: imported when needed
    from ..tolerance import decimals_of, rounded

    down = half = 0
    for i in score(e, rules).indicators:
        if i.reported is None or i.unrounded is None:
            continue
        places = decimals_of(i.reported)
        if rounded(i.unrounded, places, ROUND_DOWN) == i.unrounded:
            continue  # exact at its precision: says nothing about rounding
        down += rounded(i.unrounded, places, ROUND_DOWN) == i.reported
        half += rounded(i.unrounded, places, ROUND_HALF_UP) == i.reported
    return down > 0 and half == 0


_HOUSE_LAYOUT = {Kind.PROJECT: "zhengzhou-2021-project", Kind.DEPARTMENT: "zhengzhou-2021-department"}


def layout(rules: RuleSet) -> tuple[ReportSection, ...]:
    """The report's sections for writing and drafting: the rule set's own ``report_sections``, else the
    sections of the seed reports of the same kind (a layout to write in, never a requirement: only a rule
    set's own ``report_sections`` are checked, by N4xx)."""
    if rules.report_sections:
        return rules.report_sections
    try:
        return load_id(_HOUSE_LAYOUT[rules.kind]).report_sections
    except RuleSetError:  # a search path without the bundled files: no sections to draft
        return ()
