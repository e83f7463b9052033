"""Service functions shared by every door: the CLI, the review batch, the web editor and the API.

They take file paths or documents and return values; nothing here prints. :func:`analyse` is the one
analysis: the document *as declared* is scored and checked, so one document gives one set of findings
wherever it is opened; the derived document (every derived figure computed, :mod:`jixiao.derive`) is
what the writers write and the editor shows beside the declaration, never what is checked.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from . import rulesets
from .checks import Finding, run_checks
from .checks.base import locate
from .derive import Settled, settle
from .document import Evaluation
from .native import Loaded, Problem
from .readers import Imported, read_file
from .rulesets import RuleSet, RuleSetError
from .scoring import Scorecard, score


@dataclass
class Scored:
    """A file loaded and scored: the document, its rule set and scorecard, or the problems."""

    loaded: Loaded
    ruleset: RuleSet | None = None
    scorecard: Scorecard | None = None

    @property
    def problems(self) -> list[Problem]:
        return self.loaded.problems


def ruleset_for(evaluation: Evaluation, ruleset: str | None = None) -> RuleSet:
    """The rule set to use, carrying why (:attr:`RuleSet.selection`): the one asked for, else the document's
    (an id, never a path), else the one fitting its region, kind and year, else the document's own weights
    (:func:`jixiao.rulesets.for_document`)."""
    return rulesets.for_document(evaluation, ruleset)


def score_file(path: str | Path, ruleset: str | None = None) -> Scored:
    """Load ``path`` (any format :func:`import_file` reads) and score it. Unreadable input comes back as problems, never raised.

    Raises RuleSetError only when the *rule set* is unusable (a rule author's error).
    """
    loaded = read_file(path).loaded
    if loaded.evaluation is None:
        return Scored(loaded)
    rules = ruleset_for(loaded.evaluation, ruleset)
    if rules.kind is not loaded.evaluation.kind:
        raise RuleSetError(f"评分规则「{rules.id}」适用于 {rules.kind.value}，而文档是 {loaded.evaluation.kind.value}")
    return Scored(loaded, rules, score(loaded.evaluation, rules))


@dataclass
class Checked:
    """A file loaded and reviewed: the document, its rule set and the findings, or the problems."""

    loaded: Loaded
    ruleset: RuleSet | None = None
    findings: list[Finding] | None = None

    @property
    def problems(self) -> list[Problem]:
        return self.loaded.problems


class Analysis:
    """One document analysed: its rule set (and why), its scorecard and findings as declared, and (computed
    on first use) the derived document the writers write.

    Attributes:
        evaluation: the document as the unit declared it.
        rules: the rule set, carrying :attr:`RuleSet.selection`.
        card: the scorecard of the declared document.
        findings: the review findings of the declared document.
    """

    def __init__(self, evaluation: Evaluation, rules: RuleSet, previous: Evaluation | None = None) -> None:
        self.evaluation = evaluation
        self.rules = rules
        self.findings: list[Finding] = run_checks(evaluation, rules, previous)
        self._previous = previous

    @cached_property
    def card(self) -> Scorecard:
        return score(self.evaluation, self.rules)

    @cached_property
    def derived(self) -> Settled:
        """The document with every derived figure computed from its data (:func:`jixiao.derive.settle`)."""
        return settle(self.evaluation, self.rules)


def analyse(evaluation: Evaluation, ruleset: str | None = None, previous: Evaluation | None = None) -> Analysis:
    """The one analysis of a document (``previous``: last year's, for target checks).

    Raises RuleSetError only when the rule set asked for is unusable or of the other kind.
    """
    rules = ruleset_for(evaluation, ruleset)
    if rules.kind is not evaluation.kind:
        raise RuleSetError(f"评分规则「{rules.id}」适用于 {rules.kind.value}，而文档是 {evaluation.kind.value}")
    return Analysis(evaluation, rules, previous)


def check_document(evaluation: Evaluation, ruleset: str | None = None,
                   previous: Evaluation | None = None) -> tuple[RuleSet, list[Finding]]:
    """Run the review checks on a document (``previous``: last year's, for target checks): :func:`analyse`."""
    analysis = analyse(evaluation, ruleset, previous)
    return analysis.rules, analysis.findings


def check_file(path: str | Path, ruleset: str | None = None, previous: Evaluation | None = None) -> Checked:
    """Load ``path`` and review it. Unreadable input comes back as problems, never raised."""
    imported = read_file(path)
    loaded = imported.loaded
    if loaded.evaluation is None:
        return Checked(loaded)
    rules, findings = check_document(loaded.evaluation, ruleset, previous)
    if not loaded.evaluation.provenance and loaded.text is not None:
        findings = locate(findings, loaded.file, loaded.lines)  # a native file: its own lines are the source
    return Checked(loaded, rules, imported.findings + findings)


def import_file(path: str | Path) -> Imported:
    """Read a report in any format (text from a PDF, .docx, .xlsx, .pdf, YAML/JSON) into a document."""
    return read_file(path)


def tune_for_batch() -> None:
    """Settings for a process that scores thousands of documents in a row.

    Loading a document allocates many small, short-lived, acyclic objects; with the
    default thresholds the cyclic garbage collector runs every 700 allocations and
    takes about a fifth of the time (measured with ``bench/score.py --default-gc``).
    Objects alive now (modules, rule sets) are frozen out of collection and the
    first-generation threshold is raised; reference counting still frees everything.
    """
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)
