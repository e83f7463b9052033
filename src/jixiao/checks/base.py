"""The machinery of the review checks: findings, the registry and the runner.

A check is a generator function ``f(ctx) -> Iterator[Hit]`` registered with
:func:`check`. Its docstring states the rule and where the rule comes from; the
decorator gives it a stable code, a title, a default severity and an example
message (used by ``docs/checks.md``). The runner turns hits into
:class:`Finding` objects and turns a crashing check into a finding of its own.
"""

from __future__ import annotations

import hashlib
import inspect
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from functools import cached_property
from typing import TYPE_CHECKING

from .. import common
from ..document import Evaluation, Leaf, Source
from ..numbers import fmt
from ..rulesets import RuleSet

if TYPE_CHECKING:
    from ..scoring import Scorecard
    from .claims import Claim


class Severity(StrEnum):
    """How serious a finding is.

    ``error``: a figure contradicts another figure or arithmetic.
    ``warning``: a rule or an explanation requirement is not met.
    ``info``: worth knowing, not wrong (a rounding mode, a figure that cannot be checked).
    """

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return _RANK[self]

    @property
    def label(self) -> str:
        return _LABELS[self]


_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}
_LABELS = {Severity.ERROR: "错误", Severity.WARNING: "警告", Severity.INFO: "提示"}


@dataclass(frozen=True)
class Where:
    """Where a finding is: the table, its row, the field's path, and the source when known.

    Attributes:
        table: 预算情况表, 年度主要任务, 绩效指标表, 各项指标得分情况表, 报告正文 …
        row: the row's label (任务 5, 产出指标/数量指标/培训场次, 三、综合评价结论).
        field: the document path (``tasks[4].rate``) so an editor can jump to it.
        source: file and line / sheet and cell / page, when the document recorded it.
    """

    table: str | None = None
    row: str | None = None
    field: str | None = None
    source: Source | None = None

    def __str__(self) -> str:
        parts = [p for p in (self.table, self.row) if p]
        text = " › ".join(parts) or "文件"
        if self.field:
            text += f"（{self.field}）"
        if self.source is not None:
            text += f" @ {self.source}"
        return text

    def to_dict(self) -> dict:
        return {
            "table": self.table,
            "row": self.row,
            "field": self.field,
            "source": None if self.source is None else self.source.model_dump(exclude_none=True),
        }


@dataclass(frozen=True)
class Hit:
    """What a check yields: the runner adds the code and the default severity."""

    message: str
    where: Where
    expected: str | None = None
    found: str | None = None
    severity: Severity | None = None
    claim: Claim | None = None
    """The figure in the prose the hit is about (narrative checks), so a writer can correct it."""
    truth: Decimal | str | int | None = None
    """What ``claim`` should say, exact: 万元 for an amount, percentage points for a rate."""


@dataclass(frozen=True)
class Finding:
    """One finding of the review.

    Attributes:
        code: stable code (``B112``), listed in ``docs/checks.md``.
        severity: error / warning / info.
        message: Chinese, naming the figures.
        where: table, row, field and source.
        expected: the value the rule or arithmetic gives (as text), when there is one.
        found: the value the document states (as text).
        check: the name of the check that produced it.
    """

    code: str
    severity: Severity
    message: str
    where: Where
    expected: str | None = None
    found: str | None = None
    check: str = ""

    @property
    def key(self) -> str:
        """The finding's identity: its code, field path and values (expected, found), never its wording, so a
        justification given for it survives a rewording of the message (:func:`finding_key`)."""
        return finding_key(self.code, self.where.field, self.expected, self.found)

    def to_dict(self) -> dict:
        return {
            "key": self.key,
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "where": self.where.to_dict(),
            "expected": self.expected,
            "found": self.found,
        }


def finding_key(code: str, field: str | None, expected: str | None, found: str | None) -> str:
    """A finding's stable identity from its code, field path and values: 12 hex digits."""
    raw = "\x1f".join((code, field or "", expected or "", found or ""))
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True)
class Check:
    """A registered check: one code, one rule."""

    code: str
    name: str
    family: str
    title: str
    severity: Severity
    example: str
    func: Callable[[Context], Iterable[Hit]] = field(repr=False)

    @property
    def rule(self) -> str:
        """The rule and its source, from the function's docstring."""
        return inspect.cleandoc(self.func.__doc__ or "").strip()


FAMILIES = {
    "form": "表格与评分依据",
    "budget": "预算金额与比率",
    "score": "得分计算",
    "target": "目标与说明",
    "narrative": "报告正文与表格一致性",
    "run": "检查运行",
}

CHECKS: list[Check] = []
"""The registry, in the order checks run and are documented."""


def check(code: str, family: str, title: str, severity: Severity, example: str):
    """Register a check function under ``code``."""

    def register(func: Callable[[Context], Iterable[Hit]]):
        if any(c.code == code for c in CHECKS):
            raise ValueError(f"duplicate check code {code}")
        if not func.__doc__:
            raise ValueError(f"check {code} needs a docstring stating its rule and source")
        CHECKS.append(Check(code, func.__name__, family, title, severity, example, func))
        return func

    return register


class Context:
    """What every check sees: the document, the rule set, and what is derived from them once."""

    def __init__(self, evaluation: Evaluation, rules: RuleSet, previous: Evaluation | None = None):
        self.evaluation = evaluation
        self.rules = rules
        self.previous = previous

    @cached_property
    def leaves(self) -> list[Leaf]:
        """The document's third-level indicators, walked once."""
        return list(self.evaluation.leaves())

    @cached_property
    def common_leaves(self) -> list[tuple[Leaf, str]]:
        """The leaves that are common indicators (共性指标), with their keys."""
        found = []
        for leaf in self.leaves:
            key = leaf.indicator.common or common.identify(leaf.indicator.name)
            if key is not None:
                found.append((leaf, key))
        return found

    @cached_property
    def card(self) -> Scorecard:
        from ..scoring import score

        return score(self.evaluation, self.rules)

    @cached_property
    def rates(self) -> dict[str, common.Rate]:
        rates = common.compute_all(self.evaluation)
        rates["budget_execution_rate"] = common.budget_execution_rate(
            self.evaluation, self.rules.budget_execution.basis)
        return rates

    @cached_property
    def claims(self) -> list[Claim]:
        from .claims import extract

        return extract(self.evaluation)

    @property
    def against_rules(self) -> Severity | None:
        """The severity of a difference from a rule set's computation: a warning when the rules are only
        the document's own weights (no rule set fits), else the check's own."""
        return Severity.WARNING if self.rules.origin == "document" else None

    def where(self, table: str | None, row: str | None, path: str | None) -> Where:
        source = self.evaluation.source_of(path) if path and self.evaluation.provenance else None
        return Where(table, row, path, source)


CRASH_CODE = "X001"


def _crash(chk: Check, exc: BaseException) -> Finding:
    frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    place = f"（{frame.name}:{frame.lineno}）" if frame else ""
    return Finding(
        CRASH_CODE, Severity.WARNING,
        f"检查 {chk.code}「{chk.title}」运行出错，该项未完成：{type(exc).__name__}: {exc}{place}",
        Where(None, None, None), None, None, chk.name,
    )


def run_checks(evaluation: Evaluation, rules: RuleSet, previous: Evaluation | None = None,
               checks: Iterable[Check] | None = None) -> list[Finding]:
    """Run every check (or ``checks``) and return the findings, errors first.

    A check that raises becomes an ``X001`` finding; the others still run.
    """
    ctx = Context(evaluation, rules, previous)
    findings: list[Finding] = []
    for chk in CHECKS if checks is None else checks:
        try:
            for hit in chk.func(ctx):
                findings.append(Finding(chk.code, hit.severity or chk.severity, hit.message, hit.where,
                                        hit.expected, hit.found, chk.name))
        except Exception as exc:  # noqa: BLE001 - a broken check must not stop the review
            findings.append(_crash(chk, exc))
    findings.sort(key=lambda f: -f.severity.rank)
    return findings


def locate(findings: list[Finding], file: str, lines: dict[str, int]) -> list[Finding]:
    """Give findings without a recorded source the line of their field in a native (YAML/JSON) file."""
    from dataclasses import replace

    from ..native import _line_for

    located = []
    for f in findings:
        if f.where.source is None and f.where.field:
            line = _line_for(f.where.field, lines)
            if line is not None:
                f = replace(f, where=replace(f.where, source=Source(file=file, line=line)))
        located.append(f)
    return located


def money(value: Decimal | None) -> str:
    """An amount for a message: ``1125.54万元``."""
    return "（空）" if value is None else f"{fmt(value)}万元"


def points(value: Decimal | None) -> str:
    """A computed percentage for a message: ``59.93%`` (value in percentage points)."""
    return "（空）" if value is None else f"{fmt(value)}%"


def written(value: Decimal | None, unit: str = "%") -> str:
    """A stated figure as the document wrote it (``59.90%`` keeps its zero)."""
    return "（空）" if value is None else f"{value:f}{unit}"
