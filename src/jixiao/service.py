"""Service functions shared by the CLI and (later) the web app.

They take file paths or documents and return values; nothing here prints.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass
from pathlib import Path

from . import rulesets
from .checks import Finding, run_checks
from .checks.base import locate
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


def check_document(evaluation: Evaluation, ruleset: str | None = None,
                   previous: Evaluation | None = None) -> tuple[RuleSet, list[Finding]]:
    """Run the review checks on a document (``previous``: last year's, for target checks)."""
    rules = ruleset_for(evaluation, ruleset)
    if rules.kind is not evaluation.kind:
        raise RuleSetError(f"评分规则「{rules.id}」适用于 {rules.kind.value}，而文档是 {evaluation.kind.value}")
    return rules, run_checks(evaluation, rules, previous)


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
