"""Budget figures and the total score from the report's sentences.

Many reports have no budget table: 「2021年预算安排2700万元，全年实际支出1723.62万元」,
「共计下达中央、市级转移支付资金3580.69万元」, 「年初安排预算资金1万元」. This
module reads such sentences for the fields no table gave (年初预算数, 全年预算数,
执行数, 自评得分), using the role words of ``forms/prose.yaml``:

* the role of an amount is the nearest role word before it in its sentence
  (an initial-budget word, 年初/批复, anywhere before it wins unless an executed
  word stands closer);
* amounts after a part word (其中, 分别为, 用于) are parts, not the budget;
* of several amounts of one role, one said to be the total (共计, 合计, 全年) wins;
  several different amounts with no total are ambiguous and none is taken
  (中央下达9056万元 … 省级下达804万元 …: the excerpt gives no budget).

Each figure taken is returned with its sentence, so the caller records its
source and an R503 finding quoting it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from bisect import bisect_right
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from ..document import Source
from .identity import Line

# at most 40 digits: a longer run is no figure (and would be no JSON number other readers accept)
_AMOUNT = re.compile(r"(?<![\d.,])(\d[\d,]{0,39}(?:\.\d{1,12})?)(?![\d,.])\s*(亿元|万元|元)")
_SCORE = re.compile(r"(\d{1,3}(?:\.\d{1,2})?)\s*分")
_SENTENCE = re.compile(r"[^。；;!！?？\n]+")
_WINDOW = 160  # characters before an amount that can say what it is (bounded: linear time on long pages)


@lru_cache(maxsize=1)
def vocabulary() -> dict[str, Any]:
    return yaml.safe_load((Path(__file__).with_name("forms") / "prose.yaml").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Figure:
    path: str  # budget.initial / budget.adjusted / budget.executed / reported.total / reported.grade
    value: Decimal | str  # in 万元 for amounts; 优/良/中/差 for the grade
    sentence: str
    source: Source
    total: bool


def _to_wan(number: str, unit: str) -> Decimal | None:
    try:
        value = Decimal(number.replace(",", ""))
    except InvalidOperation:
        return None
    return value * 10000 if unit == "亿元" else value / 10000 if unit == "元" else value


@lru_cache(maxsize=1)
def _words() -> dict[str, Any]:
    """The vocabulary compiled once: one alternation per word list (longest first), role by word."""
    v = vocabulary()

    def alternation(words: list[str]) -> re.Pattern[str]:
        return re.compile("|".join(sorted(map(re.escape, words), key=len, reverse=True)))

    roles = v["roles"]
    return {
        "role": alternation([w for ws in roles.values() for w in ws]),
        "role_of": {w: role for role in ("adjusted", "initial", "executed") for w in roles[role]},
        "initial": alternation(roles["initial"]),
        "explicit": alternation(v["adjusted_explicit"]),
        "parts": alternation(v["parts"]),
        "list_parts": alternation(v["list_parts"]),
        "totals": alternation(v["totals"]),
    }


def _role(before: str, clause: str) -> str | None:
    """The role of the amount after ``before``: its nearest role word (an initial-budget word anywhere
    before wins over a generic adjusted one, not over an explicit adjustment in the amount's clause)."""
    w = _words()
    best = None
    for m in w["role"].finditer(before):
        best = m
    if best is None:
        return None
    role = w["role_of"][best.group(0)]
    if role == "adjusted" and not w["explicit"].search(clause) and w["initial"].search(before):
        return "initial"
    return role


_CLAUSE = re.compile(r"[，,;；:：]|[一二三四五六七八九十]{1,2}、|[(（][一二三四五六七八九十]{1,2}[)）]")


def _clauses(sentence: str, at: int, bounds: list[int]) -> tuple[str, str]:
    """The clause an amount at ``at`` stands in (up to it) and the clause before, from the sentence's boundaries."""
    i = bisect_right(bounds, at)
    start = bounds[i - 1] if i else 0
    previous = bounds[i - 2] if i >= 2 else 0
    return sentence[max(start, at - _WINDOW):at], sentence[max(previous, start - _WINDOW):start]


def _part(clause: str, previous: str) -> bool:
    """The amount is a part: a part word in its own clause, or a list introducer (其中, 分别) in the clause before."""
    w = _words()
    return bool(w["parts"].search(clause) or w["list_parts"].search(previous))


def paragraphs(lines: list[Line]) -> list[tuple[str, Source]]:
    """Prose lines joined where a PDF broke a sentence (``…调整预算为 1781.86 万`` / ``元,比年初…``).

    A line continues the one before when that one stops inside a sentence (after a comma, a
    digit or 万) or is a long line that does not end one (。；！？:), and neither is a table row.
    """
    parts: list[tuple[list[str], Source]] = []
    joinable = False
    for line in lines:
        if line.row is not None:
            joinable = False
            continue
        text = line.text.strip()  # NFKC already (identity.lines_of)
        if not text:
            continue
        if joinable and parts:
            parts[-1][0].append(text)  # joined once at the end: no copying per line
        else:
            parts.append(([text], line.source))
        joinable = (text.endswith(("，", ",", "、", "万", "亿")) or text[-1].isdigit()
                    or not text.endswith(("。", ";", "；", "!", "！", "?", "？", ":", "：")) and len(text) >= 20)
    return [("".join(texts), source) for texts, source in parts]


def figures(lines: list[Line], subjects: tuple[str, ...] = ()) -> list[Figure]:
    """Every budget amount and total score stated in a sentence, with its role.

    ``subjects``: the names the document is about (its project, its unit); an amount whose
    sentence names one (「安排健全现代医院管理制度项目预算资金509774.50万元」) is that subject's
    total, preferred over the amounts of its parts.
    """
    v = vocabulary()
    words = _words()
    out: list[Figure] = []
    for text, source in paragraphs(lines):
        text = re.sub(r"(?<=\d)\s+(?=[\d万元亿])|(?<=万)\s+(?=元)", "", text)
        for s in _SENTENCE.finditer(text):
            sentence = s.group(0).strip()
            bounds = [m.end() for m in _CLAUSE.finditer(sentence)]
            for m in _AMOUNT.finditer(sentence):
                clause, previous = _clauses(sentence, m.start(), bounds)
                if _part(clause, previous):
                    continue
                before = sentence[max(0, m.start() - _WINDOW): m.start()]  # role words stand near their amount
                role = _role(before, clause)
                value = _to_wan(m.group(1), m.group(2))
                if role is None or value is None or value <= 0:
                    continue
                total = (bool(words["totals"].search(clause)) or role == "adjusted" and bool(words["explicit"].search(clause))
                         or any(x and len(x) >= 4 and x in clause for x in subjects))
                quote = sentence[max(0, m.start() - 60):m.end() + 10]
                out.append(Figure(f"budget.{role}", value, quote, source, total))
            for label in v["total_labels"]:
                at = sentence.find(label)
                if at < 0:
                    continue
                m = _SCORE.match(re.sub(r"^[为是:：\s]*", "", sentence[at + len(label):at + len(label) + 12]))
                if m and Decimal(m.group(1)) <= 100:
                    out.append(Figure("reported.total", Decimal(m.group(1)), sentence[max(0, at - 20):at + 30],
                                      source, True))
                break
            grade = _GRADE().search(sentence)
            if grade:
                out.append(Figure("reported.grade", v["grades"][grade.group(1)],
                                  sentence[max(0, grade.start() - 20):grade.end() + 10], source, True))
    return out


@lru_cache(maxsize=1)
def _grade_pattern() -> re.Pattern[str]:
    v = vocabulary()
    labels = "|".join(sorted(map(re.escape, v["grade_labels"]), key=len, reverse=True))
    grades = "|".join(sorted(map(re.escape, v["grades"]), key=len, reverse=True))
    return re.compile(rf"(?:{labels})(?:为|是|评定为|确定为|:|：)?\s*[“\"'‘「『]?({grades})(?=[”\"'’」』,，。；;\s]|$)")


_GRADE = _grade_pattern


def settle(found: list[Figure]) -> dict[str, Figure]:
    """One figure per field: the total where one is said to be; one value where all agree; else none."""
    chosen: dict[str, Figure] = {}
    for path in sorted({f.path for f in found}):
        mine = [f for f in found if f.path == path]
        totals = [f for f in mine if f.total]
        pool = totals or mine
        if len({f.value for f in pool}) == 1:
            chosen[path] = pool[0]
    return chosen
