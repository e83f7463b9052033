"""Indicator values as people write them in the 指标值 / 实际完成值 columns.

A cell such as ``≥95%``, ``不低于90%``, ``100余人``, ``2021年12月31日前``, ``合理`` or
``未达到`` is parsed into a :class:`Value` that keeps the raw text and says what kind
of value it is. Parsing never raises: text that cannot be understood becomes a
``TEXT`` value carrying the reason in ``problem``.
"""

from __future__ import annotations

import calendar
import html
import re
import unicodedata
from dataclasses import dataclass
import datetime as _dt
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import lru_cache

from .numbers import fmt, in_magnitude

__all__ = ["Comparator", "ValueKind", "Grade", "Value", "parse_value", "format_value"]


class Comparator(StrEnum):
    GE = "≥"
    LE = "≤"
    EQ = "="
    GT = ">"
    LT = "<"


class ValueKind(StrEnum):
    EMPTY = "empty"
    NUMBER = "number"
    PERCENT = "percent"
    DATE = "date"
    QUALITATIVE = "qualitative"
    GRADE = "grade"
    TEXT = "text"


class Grade(StrEnum):
    ACHIEVED = "achieved"
    PARTIAL = "partial"
    NOT_ACHIEVED = "not_achieved"


@dataclass(frozen=True)
class Value:
    """One parsed indicator cell. ``number`` is in points for percentages (95% → 95)."""

    raw: str
    kind: ValueKind
    comparator: Comparator | None = None
    number: Decimal | None = None
    unit: str | None = None
    date: _dt.date | None = None
    deadline: bool = False
    word: str | None = None
    negated: bool = False
    grade: Grade | None = None
    approximate: bool = False
    problem: str | None = None

    @property
    def is_quantitative(self) -> bool:
        return self.kind in (ValueKind.NUMBER, ValueKind.PERCENT)

    def magnitude(self) -> Decimal | None:
        """The number as a plain quantity (a percentage as a fraction: 95% → 0.95)."""
        if self.number is None:
            return None
        return self.number / 100 if self.kind is ValueKind.PERCENT else self.number

    def __str__(self) -> str:
        return self.raw


# ------------------------------------------------------------------ vocabulary

_EMPTY = {"", "/", "／", "—", "——", "-", "--", "无", "n/a", "na", "不适用", "空", "null", "none", "…"}

# Comparator words that come before the number.
_PREFIX_WORDS: tuple[tuple[str, Comparator], ...] = (
    ("不低于", Comparator.GE), ("不少于", Comparator.GE), ("不小于", Comparator.GE),
    ("大于等于", Comparator.GE), ("大于或等于", Comparator.GE), ("至少", Comparator.GE),
    ("达到", Comparator.GE), ("超过", Comparator.GT), ("高于", Comparator.GT), ("大于", Comparator.GT),
    ("多于", Comparator.GT),
    ("不高于", Comparator.LE), ("不超过", Comparator.LE), ("不多于", Comparator.LE),
    ("不大于", Comparator.LE), ("小于等于", Comparator.LE), ("小于或等于", Comparator.LE),
    ("最多", Comparator.LE), ("控制在", Comparator.LE),
    ("低于", Comparator.LT), ("小于", Comparator.LT), ("少于", Comparator.LT),
    ("等于", Comparator.EQ),
)
# Comparator words that follow the number (and its unit).
_SUFFIX_WORDS: tuple[tuple[str, Comparator], ...] = (
    ("及以上", Comparator.GE), ("以上", Comparator.GE), ("或以上", Comparator.GE), ("以上的", Comparator.GE),
    ("及以下", Comparator.LE), ("以下", Comparator.LE), ("以内", Comparator.LE), ("之内", Comparator.LE),
    ("或以下", Comparator.LE),
)
_SYMBOLS = {
    "≥": Comparator.GE, ">=": Comparator.GE, "=>": Comparator.GE, "≧": Comparator.GE, "⩾": Comparator.GE,
    "≤": Comparator.LE, "<=": Comparator.LE, "=<": Comparator.LE, "≦": Comparator.LE, "⩽": Comparator.LE,
    ">": Comparator.GT, "<": Comparator.LT, "=": Comparator.EQ, "==": Comparator.EQ,
}
_APPROX_SUFFIX = ("余", "多", "左右", "以上", "+")

# Words that mean "achieved" for a qualitative indicator, and those meaning "partly".
_ACHIEVED_WORDS = (
    "达成", "达到", "完成", "实现", "合理", "健全", "完善", "合规", "规范", "有效", "可控", "及时",
    "准确", "到位", "提高", "提升", "改善", "增强", "显著", "明显", "良好", "满意", "落实", "按时",
    "按期", "符合", "充分", "齐全", "执行", "保障", "稳定", "正常", "持续", "优化", "加强", "降低",
    "减少", "相关", "完整", "真实", "透明", "科学", "清晰", "明确", "全覆盖", "达标", "合格", "逐步",
    "公开", "开展", "是", "好", "优", "高", "强",
)
_PARTIAL_PREFIX = ("基本", "部分", "较", "一般", "尚", "初步", "大部分", "大体")
_NEGATION = ("不", "未", "无", "没有", "非", "尚未", "暂未", "否")
_GRADES: tuple[tuple[str, Grade], ...] = (
    ("部分达成", Grade.PARTIAL), ("部分达到", Grade.PARTIAL), ("部分实现", Grade.PARTIAL),
    ("部分完成", Grade.PARTIAL), ("基本达成", Grade.PARTIAL), ("基本达到", Grade.PARTIAL),
    ("基本实现", Grade.PARTIAL), ("基本完成", Grade.PARTIAL),
    ("未达成", Grade.NOT_ACHIEVED), ("未达到", Grade.NOT_ACHIEVED), ("未实现", Grade.NOT_ACHIEVED),
    ("未完成", Grade.NOT_ACHIEVED), ("没有达到", Grade.NOT_ACHIEVED), ("没有完成", Grade.NOT_ACHIEVED),
    ("全部达成", Grade.ACHIEVED), ("全部完成", Grade.ACHIEVED), ("全部实现", Grade.ACHIEVED),
    ("已达成", Grade.ACHIEVED), ("已完成", Grade.ACHIEVED), ("已实现", Grade.ACHIEVED),
    ("达成", Grade.ACHIEVED), ("达到", Grade.ACHIEVED), ("实现", Grade.ACHIEVED), ("完成", Grade.ACHIEVED),
    ("达标", Grade.ACHIEVED),
)

# What may follow a grade phrase: 达成年度指标, 部分达成预期目标并具有一定效果, 未完成计划任务.
_GRADE_TAILS = ("年度", "预期", "目标", "计划", "任务", "既定", "绩效", "指标", "并", "且", ",", ";")

_NUMBER = r"[0-9]+(?:,[0-9]{3})*(?:\.[0-9]+)?|\.[0-9]+"
_NUMBER_RE = re.compile(rf"^(?P<sign>[-+]?)(?P<num>{_NUMBER})(?P<rest>.*)$")
_UNIT_RE = re.compile(r"^[\u4e00-\u9fffA-Za-z·/²³㎡㎞%‰万亿千百个]{1,8}$")
_DATE_RE = re.compile(
    r"^(?P<y>\d{4})\s*(?:年|[-./])\s*(?:(?P<m>\d{1,2})\s*(?:月|[-./]?)\s*(?:(?P<d>\d{1,2})\s*日?)?)?\s*(?P<rest>.*)$"
)
_MONTH_RE = re.compile(r"^(?P<m>\d{1,2})\s*月\s*(?:(?P<d>\d{1,2})\s*日)?\s*(?P<rest>.*)$")
_DEADLINE_WORDS = ("前", "之前", "以前", "底前", "末前", "前完成", "底", "末", "内", "以内", "之内", "完成", "截止")
_YEAR_END = ("年底前", "年底", "年末前", "年末", "年内", "年度内", "本年度内", "当年", "当年内")
_TAGS = re.compile(r"<[^>]{0,200}>")
_TRANSLATE = str.maketrans({"％": "%", "，": ",", "：": ":", "﹪": "%", "．": ".", "。": "", "　": " ",
                            "～": "~", "－": "-", "—": "-", "‒": "-", "–": "-"})


def _normalise(text: str) -> str:
    text = html.unescape(_TAGS.sub("", text))
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(_TRANSLATE)
    text = re.sub(r"\s+", "", text)
    return text.strip()


def _decimal(text: str) -> Decimal | None:
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None
    return value if value.is_finite() and in_magnitude(value) else None


def _split_comparator(text: str) -> tuple[Comparator | None, str]:
    for symbol in sorted(_SYMBOLS, key=len, reverse=True):
        if text.startswith(symbol):
            return _SYMBOLS[symbol], text[len(symbol):]
    for word, comparator in _PREFIX_WORDS:
        if text.startswith(word) and len(text) > len(word) and (text[len(word)].isdigit() or text[len(word)] == "."):
            return comparator, text[len(word):]
    return None, text


def _number(raw: str, text: str, unit: str | None) -> Value | None:
    comparator, body = _split_comparator(text)
    m = _NUMBER_RE.match(body)
    if not m:
        return None
    number = _decimal(m["num"])
    if number is None:
        return None
    if m["sign"] == "-":
        number = -number
    rest = m["rest"]
    approximate = False
    for word, cmp in sorted(_SUFFIX_WORDS, key=lambda w: len(w[0]), reverse=True):
        if rest.endswith(word):
            rest = rest[: -len(word)]
            comparator = comparator or cmp
            break
    for word in _APPROX_SUFFIX:
        if rest.startswith(word) or rest.endswith(word):
            approximate = True
            rest = rest.replace(word, "", 1)
            comparator = comparator or Comparator.GE
            break
    if rest in ("%", "‰"):
        points = number / 10 if rest == "‰" else number
        return Value(raw, ValueKind.PERCENT, comparator, points, "%", approximate=approximate)
    if rest == "" and unit is not None and _normalise(unit) in ("%", "百分比", "百分率"):
        return Value(raw, ValueKind.PERCENT, comparator, number, "%", approximate=approximate)
    if rest == "":
        own_unit = _normalise(unit) if unit else None
        return Value(raw, ValueKind.NUMBER, comparator, number, own_unit or None, approximate=approximate)
    if _UNIT_RE.match(rest) and not rest.startswith(("年", "月", "日")) or rest in ("年", "个月", "月", "天", "日"):
        if rest.endswith("%"):
            return None
        return Value(raw, ValueKind.NUMBER, comparator, number, rest, approximate=approximate)
    return None


def _valid_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _date(raw: str, text: str, year: int | None) -> Value | None:
    m = _DATE_RE.match(text)
    y: int | None
    month: int | None
    day: int | None
    if m and (m["m"] or text[4:5] == "年"):
        y, month, day, rest = int(m["y"]), int(m["m"]) if m["m"] else None, int(m["d"]) if m["d"] else None, m["rest"]
        if m["m"] is None and not rest.startswith(("底", "末", "内", "年底", "年末", "前", "12月")):
            return None
    else:
        m2 = _MONTH_RE.match(text)
        if not m2 or year is None:
            for word in _YEAR_END:
                if text.startswith(word) and year is not None:
                    return Value(raw, ValueKind.DATE, date=date(year, 12, 31), deadline=True)
                if text.startswith(word):
                    return Value(raw, ValueKind.DATE, deadline=True, problem="未写年份")
            return None
        y, month, day, rest = year, int(m2["m"]), int(m2["d"]) if m2["d"] else None, m2["rest"]
    if not 1900 <= y <= 2200:
        return None
    if month is None:
        month, day = 12, 31
    if not 1 <= month <= 12:
        return Value(raw, ValueKind.TEXT, problem=f"月份「{month}」不存在")
    if day is None:
        day = calendar.monthrange(y, month)[1]
    found = _valid_date(y, month, day)
    if found is None:
        return Value(raw, ValueKind.TEXT, problem=f"日期「{y}年{month}月{day}日」不存在")
    rest = rest.lstrip("日号")
    if rest and not any(rest.startswith(w) for w in _DEADLINE_WORDS):
        return None
    return Value(raw, ValueKind.DATE, date=found, deadline=bool(rest))


def _grade(raw: str, text: str) -> Value | None:
    body = text.removeprefix("已").removeprefix("均")
    for phrase, grade in _GRADES:
        if body == phrase or (body.startswith(phrase) and body[len(phrase):].startswith(_GRADE_TAILS)):
            return Value(raw, ValueKind.GRADE, word=phrase, grade=grade,
                         negated=grade is Grade.NOT_ACHIEVED)
    return None


def _qualitative(raw: str, text: str) -> Value | None:
    if len(text) > 12 or any(ch.isdigit() for ch in text):
        return None
    body = text.rstrip("的了")
    negated = False
    for word in sorted(_NEGATION, key=len, reverse=True):
        if body.startswith(word) and len(body) > len(word):
            negated, body = True, body[len(word):]
            break
    core, partial = body, False
    for prefix in sorted(_PARTIAL_PREFIX, key=len, reverse=True):
        if core.startswith(prefix) and len(core) > len(prefix):
            core, partial = core[len(prefix):], True
            break
    for prefix in ("有所", "进一步", "明显", "显著", "逐步", "不断", "大幅", "稳步", "全面", "持续", "得到", "有效"):
        if core.startswith(prefix) and len(core) > len(prefix):
            core = core[len(prefix):]
    if any(w in core for w in _ACHIEVED_WORDS) and len(core) <= 8:
        grade = Grade.NOT_ACHIEVED if negated else Grade.PARTIAL if partial else Grade.ACHIEVED
        return Value(raw, ValueKind.QUALITATIVE, word=text, negated=negated, grade=grade)
    return None


@lru_cache(maxsize=65536)
def _parse(text: str, unit: str | None, year: int | None) -> Value:
    raw = text
    norm = _normalise(text)
    if norm.lower() in _EMPTY:
        return Value(raw, ValueKind.EMPTY)
    for parser in (lambda: _number(raw, norm, unit), lambda: _date(raw, norm, year),
                   lambda: _grade(raw, norm), lambda: _qualitative(raw, norm)):
        value = parser()
        if value is not None:
            return value
    return Value(raw, ValueKind.TEXT)


def parse_value(text: object, unit: str | None = None, year: int | None = None) -> Value:
    """Parse one indicator cell. Never raises; unknown text becomes ``TEXT``."""
    if text is None:
        return Value("", ValueKind.EMPTY)
    if isinstance(text, bool):
        text = "是" if text else "否"
    if isinstance(text, float):
        text = repr(text)
    if not isinstance(text, str):
        text = str(text)
    if len(text) > 2000:
        return Value(text, ValueKind.TEXT, problem="文字过长")
    try:
        return _parse(text, unit if isinstance(unit, str) else None, year if isinstance(year, int) else None)
    except (ValueError, ArithmeticError, OverflowError, IndexError) as exc:  # pragma: no cover - defensive
        return Value(text, ValueKind.TEXT, problem=f"无法解析：{exc}")


def format_value(value: Value) -> str:
    """A canonical short form: ≥95%, 100册, 2021年12月31日前, 合理."""
    prefix = value.comparator.value if value.comparator else ""
    if value.kind is ValueKind.PERCENT and value.number is not None:
        return f"{prefix}{fmt(value.number)}%"
    if value.kind is ValueKind.NUMBER and value.number is not None:
        return f"{prefix}{fmt(value.number)}{value.unit or ''}"
    if value.kind is ValueKind.DATE and value.date is not None:
        d = value.date
        return f"{d.year}年{d.month}月{d.day}日{'前' if value.deadline else ''}"
    if value.kind is ValueKind.EMPTY:
        return ""
    return value.raw.strip()
