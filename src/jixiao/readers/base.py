"""The common shape every reader produces before interpretation.

Each format (text pulled out of a PDF, .docx, .xlsx, .pdf) is first turned into
a flat sequence of :class:`Block` objects: paragraphs of prose and table rows,
each cell carrying the :class:`~jixiao.document.Source` it was read from. One
interpreter (:mod:`.assemble`) then turns blocks into an evaluation document,
so the knowledge of the forms lives in one place and every format benefits.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from ..checks.base import Finding, Severity, Where
from ..document import Source
from ..native import Loaded, Problem


@dataclass(frozen=True, slots=True)
class Cell:
    """One table cell (or one paragraph) with its text, cleaned, and where it was read."""

    text: str
    source: Source


@dataclass(frozen=True, slots=True)
class Block:
    """A paragraph (``cells`` has one cell, ``row`` False) or a table row.

    ``table`` numbers the tables of a file when the format knows them (docx, xlsx,
    pdf); text pulled out of a PDF has no table boundaries, so it is None there.
    """

    cells: tuple[Cell, ...]
    row: bool
    table: int | None = None

    @property
    def text(self) -> str:
        return self.cells[0].text if self.cells else ""

    @property
    def source(self) -> Source:
        return self.cells[0].source


class Unreadable(Exception):
    """A file that cannot be read at all; the message says why, in Chinese."""

    def __init__(self, message: str, expected: str = "") -> None:
        super().__init__(message)
        self.message, self.expected = message, expected


@dataclass
class Imported:
    """The result of reading one file.

    Attributes:
        file: the file name as given.
        format: txt / docx / xlsx / pdf / yaml / json.
        loaded: the document (``loaded.evaluation``) or the problems that kept it from loading.
        findings: what was read with doubt or could not be read (codes R5xx), never raised.
        found: what was found, for the summary: label → count or value.
        missing: what a complete form has and this file did not give.
    """

    file: str
    format: str
    loaded: Loaded
    findings: list[Finding] = field(default_factory=list)
    found: dict[str, object] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)

    @property
    def evaluation(self):
        return self.loaded.evaluation

    @property
    def problems(self) -> list[Problem]:
        return self.loaded.problems

    @property
    def ok(self) -> bool:
        return self.loaded.evaluation is not None


def failed(file: str, fmt: str, message: str, expected: str = "") -> Imported:
    """An import that produced no document, with the reason."""
    return Imported(file, fmt, Loaded(file, None, [Problem(file, None, "", message, expected)]))


def finding(code: str, severity: Severity, message: str, source: Source | None = None,
            table: str | None = None, row: str | None = None, path: str | None = None,
            found: str | None = None) -> Finding:
    """A reader finding (R5xx)."""
    return Finding(code, severity, message, Where(table, row, path, source), None, found, check="reader")


# ---------------------------------------------------------------- text cleaning

_TAG = re.compile(r"</?(?:p|br|span|div|td|tr|th|b|i|u|strong|em|font|table|tbody|thead|sup|sub)\b[^>]*>", re.I)
_LATEX = (("\\geqslant", "≥"), ("\\leqslant", "≤"), ("\\geq", "≥"), ("\\leq", "≤"), ("\\ge", "≥"), ("\\le", "≤"),
          ("\\%", "%"), ("\\times", "×"), ("\\sim", "~"), ("\\cdot", "·"), ("\\left", ""), ("\\right", ""))
_MATH = re.compile(r"\$([^$]{1,80})\$")
# A space is layout, not meaning, when it touches a non-ASCII character (CJK, ≥, full-width marks).
_SPACE_NEAR_WIDE = re.compile(r"(?<=[^\x00-\x7f])[ \t\u3000\xa0]+|[ \t\u3000\xa0]+(?=[^\x00-\x7f])")
_SPACED_NUMBER = re.compile(r"[+-]?[\d\s,.]*\d\s*%?")


def _math(m: re.Match) -> str:
    text = m.group(1)
    for tex, plain in _LATEX:
        text = text.replace(tex, plain)
    return text.replace("{", "").replace("}", "").replace("\\", "").strip()


def clean(text: str) -> str:
    """Text of a cell or paragraph without markup and layout artefacts.

    Stray HTML tags, LaTeX math (``$\\geq 95\\%$``), replacement characters of
    cut lines and the spaces a PDF puts inside words (``管理 指标``, ``2021 年``,
    ``≥ 90%``) are removed; ASCII words keep their spaces.
    """
    if not text:
        return ""
    if "<" in text:
        text = _TAG.sub(" ", text)
    if "&" in text:
        text = html.unescape(text)
    if "$" in text:
        text = _MATH.sub(_math, text)
    text = text.replace("\ufffd", "").replace("\u200b", "").replace("\ufeff", "")
    text = _SPACE_NEAR_WIDE.sub("", text.strip())
    if _SPACED_NUMBER.fullmatch(text):
        text = re.sub(r"\s+", "", text)
    return re.sub(r"[ \t]{2,}", " ", text)


def key(text: str) -> str:
    """A label reduced for matching: width-normalised, no spaces, brackets or punctuation."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"[\s:：()（）\[\]【】<>《》、,，.。;；*＊\"'“”‘’]", "", text)


_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")
MAX_DIGITS = 40
"""A cell with more digits than this is not a figure (an amount in 万元 has some 15): read as text, so no
document ever holds a number that JSON readers refuse (Python's stops at 4,300 digits)."""


def number(text: str) -> Decimal | None:
    """A plain number in a cell (``1,207.96``, ``10分``, ``1 207.96``), or None (also for more than
    :data:`MAX_DIGITS` digits)."""
    if len(text) > 4 * MAX_DIGITS:
        return None
    t = unicodedata.normalize("NFKC", text).replace(",", "").replace(" ", "")
    for suffix in ("亿元", "万元", "元", "分", "万", "亿"):  # the amount's multiplier is the caller's (money())
        if t.endswith(suffix):
            t = t[: -len(suffix)]
            break
    if not _NUMBER.fullmatch(t) or sum(c.isdigit() for c in t) > MAX_DIGITS:
        return None
    try:
        return Decimal(t)
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        return None


_PERCENT = re.compile(r"[+-]?\d+(?:\.\d+)?%")


def percent(text: str) -> str | None:
    """A percentage cell as written (``59.90%``), or None. A bare number is taken as points."""
    if len(text) > 4 * MAX_DIGITS:
        return None
    t = unicodedata.normalize("NFKC", text).replace(" ", "")
    if _PERCENT.fullmatch(t) and sum(c.isdigit() for c in t) <= MAX_DIGITS:
        return t
    if number(t) is not None and "分" not in t and "元" not in t:
        return f"{t}%"
    return None
