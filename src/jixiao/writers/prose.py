"""The document's own text, brought into line with its tables.

A report's own paragraphs are kept (they replace the drafted ones), but a figure
in them that contradicts the tables, which the narrative checks N401–N405 find,
is rewritten to the tables' figure in the unit and style it was written in
(1209.35 万元 → 1125.54 万元, 93.07% → 100%, “良” → “优”). Only the figure
changes; the sentence, its spacing and its unit stay. Each rewrite is listed so
the author can see it; a figure that cannot be found back in the text is left
and listed as not corrected.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..checks import CHECKS
from ..checks.base import Context
from ..checks.claims import Claim
from ..document import Evaluation
from ..numbers import TEN_THOUSAND
from ..rulesets import RuleSet
from .text import money, number

CORRECTED = ("N401", "N402", "N403", "N404", "N405")
"""The checks whose figures the writer corrects: amounts, rates, scores, grade, project counts."""

_NUMBER = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")


@dataclass(frozen=True)
class Correction:
    """A figure rewritten in the document's own text (or one that could not be)."""

    section: str
    before: str
    after: str
    done: bool

    def __str__(self) -> str:
        if self.done:
            return f"正文「{self.section}」中 {self.before} 改为 {self.after}（与表格一致）"
        return f"正文「{self.section}」中 {self.before} 与表格（{self.after}）不一致，未能自动更正，请修改原文"


def replacement(claim: Claim, truth: Decimal | str | int) -> str:
    """The figure ``truth`` written the way ``claim`` was: same unit, same kind of number."""
    if claim.kind == "grade":
        return str(truth)
    value = Decimal(truth) if not isinstance(truth, Decimal) else truth
    if claim.kind == "amount":
        unit = re.sub(r"[\d,.\s]", "", claim.written)
        if unit == "元":
            return number(value * TEN_THOUSAND)
        if unit == "亿元":
            return number(value / TEN_THOUSAND)
        return money(value) if "." in claim.written else number(value) if value == value.to_integral_value() \
            else money(value)
    if claim.kind == "rate":
        from ..derive import shown_rate

        return number(shown_rate(value / 100))
    return number(value)


def _normalised(line: str) -> tuple[str, list[int]]:
    """``line`` as the claims reader sees it (NFKC, no spaces) and, per character, its index in ``line``."""
    chars: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(line):
        for n in unicodedata.normalize("NFKC", ch):
            if n in (" ", "\u3000"):
                continue
            chars.append(n)
            origin.append(i)
    return "".join(chars), origin


def _locate(text: str, claim: Claim) -> tuple[int, int] | None:
    """Start and end, in ``text``, of the figure (the number, or the grade word) ``claim`` was read from."""
    lines = text.split("\n")
    candidates = range(len(lines))
    if claim.line is not None and 1 <= claim.line <= len(lines):
        candidates = [claim.line - 1, *[i for i in range(len(lines)) if i != claim.line - 1]]
    offset = [0]
    for line in lines:
        offset.append(offset[-1] + len(line) + 1)
    for i in candidates:
        flat, origin = _normalised(lines[i])
        at = flat.find(claim.sentence)
        if at < 0:
            continue
        label = flat.find(claim.label, at) if claim.label else at
        start = flat.find(claim.written, max(label, at))
        if start < 0:
            continue
        if claim.kind == "grade":
            word = str(claim.value)
            start = flat.find(word, start)
            end = start + len(word)
        else:
            m = _NUMBER.match(flat, start)
            if m is None:
                continue
            end = m.end()
        return offset[i] + origin[start], offset[i] + origin[end - 1] + 1
    return None


def _set_text(data: dict[str, Any], path: str, text: str) -> None:
    """Set the section text at ``narrative[3].sections[1].text`` in dumped document data."""
    node: Any = data
    parts = path.split(".")
    for part in parts[:-1]:
        name, _, index = part.partition("[")
        node = node[name][int(index[:-1])] if index else node[name]
    node[parts[-1]] = text


def _get_text(e: Evaluation, path: str) -> str:
    from ..checks.narrative import resolve

    return resolve(e, path) or ""


def reconcile(e: Evaluation, rules: RuleSet) -> tuple[Evaluation, tuple[Correction, ...]]:
    """``e`` with the figures of its own text that contradict its tables rewritten, and the list of rewrites."""
    ctx = Context(e, rules)
    hits = [hit for chk in CHECKS if chk.code in CORRECTED for hit in chk.func(ctx)
            if hit.claim is not None and hit.truth is not None]
    if not hits:
        return e, ()
    texts: dict[str, str] = {}
    corrections: list[Correction] = []
    # Right to left within a text, so earlier positions stay valid.
    located = []
    for hit in hits:
        claim = hit.claim
        text = texts.setdefault(claim.path, _get_text(e, claim.path))
        after = replacement(claim, hit.truth)
        span = _locate(text, claim)
        if span is None:
            corrections.append(Correction(claim.section, claim.written, after, False))
        else:
            located.append((claim.path, span, after, claim))
    unique = {(path, span): (path, span, after, claim) for path, span, after, claim in reversed(located)}
    for path, span, after, claim in sorted(unique.values(), key=lambda x: (x[0], -x[1][0])):
        text = texts[path]
        before = text[span[0]:span[1]]
        texts[path] = text[:span[0]] + after + text[span[1]:]
        corrections.append(Correction(claim.section, claim.written, claim.written.replace(
            re.sub(r"\s", "", before), after, 1) if claim.kind != "grade" else after, True))
    data = e.model_dump(mode="python")
    for path, text in texts.items():
        _set_text(data, path, text)
    return Evaluation.model_validate(data), tuple(corrections)
