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
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from ..document import Source
from .identity import Line

_AMOUNT = re.compile(r"(?<![\d.])(\d[\d,]*(?:\.\d+)?)\s*(亿元|万元|元)")
_SCORE = re.compile(r"(\d{1,3}(?:\.\d{1,2})?)\s*分")
_SENTENCE = re.compile(r"[^。；;!！?？\n]+")


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


def _role(before: str) -> str | None:
    roles = vocabulary()["roles"]
    best: tuple[int, str] | None = None
    for role, words in roles.items():
        for w in words:
            at = before.rfind(w)
            if at >= 0 and (best is None or at + len(w) > best[0]):
                best = (at + len(w), role)
    if best is None:
        return None
    if best[1] == "adjusted" and not _explicit(before) and any(w in before for w in roles["initial"]):
        return "initial"
    return best[1]


_CLAUSE = re.compile(r"[，,;；:：]|[一二三四五六七八九十]{1,2}、|[(（][一二三四五六七八九十]{1,2}[)）]")


def _part(before: str) -> bool:
    """The amount is a part: a part word in its own clause, or a list introducer (其中, 分别) in the clause before."""
    clauses = _CLAUSE.split(before)
    v = vocabulary()
    if any(w in clauses[-1] for w in v["parts"]):
        return True
    return len(clauses) > 1 and any(w in clauses[-2] for w in v["list_parts"])


def _explicit(before: str) -> bool:
    """The amount's own clause names the adjusted budget itself (年中调整预算为…)."""
    clause = re.split(r"[，,:：]", before)[-1]
    return any(w in clause for w in vocabulary()["adjusted_explicit"])


def paragraphs(lines: list[Line]) -> list[tuple[str, Source]]:
    """Prose lines joined where a PDF broke a sentence (``…调整预算为 1781.86 万`` / ``元,比年初…``).

    A line continues the one before when that one stops inside a sentence (after a comma, a
    digit or 万) or is a long line that does not end one (。；！？:), and neither is a table row.
    """
    out: list[tuple[str, Source]] = []
    joinable = False
    for line in lines:
        if line.row is not None:
            joinable = False
            continue
        text = unicodedata.normalize("NFKC", line.text).strip()
        if not text:
            continue
        if joinable and out:
            out[-1] = (out[-1][0] + text, out[-1][1])
        else:
            out.append((text, line.source))
        joinable = (text.endswith(("，", ",", "、", "万", "亿")) or text[-1].isdigit()
                    or not text.endswith(("。", ";", "；", "!", "！", "?", "？", ":", "：")) and len(text) >= 20)
    return out


def figures(lines: list[Line], subjects: tuple[str, ...] = ()) -> list[Figure]:
    """Every budget amount and total score stated in a sentence, with its role.

    ``subjects``: the names the document is about (its project, its unit); an amount whose
    sentence names one (「安排健全现代医院管理制度项目预算资金509774.50万元」) is that subject's
    total, preferred over the amounts of its parts.
    """
    v = vocabulary()
    out: list[Figure] = []
    for text, source in paragraphs(lines):
        text = re.sub(r"(?<=\d)\s+(?=[\d万元亿])|(?<=万)\s+(?=元)", "", text)
        for s in _SENTENCE.finditer(text):
            sentence = s.group(0).strip()
            for m in _AMOUNT.finditer(sentence):
                before = sentence[: m.start()]
                if _part(before):
                    continue
                role = _role(before)
                value = _to_wan(m.group(1), m.group(2))
                if role is None or value is None or value <= 0:
                    continue
                clause = re.split(r"[，,:：]", before)[-1]
                total = (any(w in clause for w in v["totals"]) or role == "adjusted" and _explicit(before)
                         or any(x and len(x) >= 4 and x in clause for x in subjects))
                out.append(Figure(f"budget.{role}", value, sentence, source, total))
            for label in v["total_labels"]:
                at = sentence.find(label)
                if at < 0:
                    continue
                m = _SCORE.match(re.sub(r"^[为是:：\s]*", "", sentence[at + len(label):at + len(label) + 12]))
                if m and Decimal(m.group(1)) <= 100:
                    out.append(Figure("reported.total", Decimal(m.group(1)), sentence, source, True))
                break
            grade = _GRADE().search(sentence)
            if grade:
                out.append(Figure("reported.grade", v["grades"][grade.group(1)], sentence, source, True))
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
