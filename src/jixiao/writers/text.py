"""Figures as the writers print them: the core's :mod:`jixiao.figures`, and a table cell's text."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from ..figures import as_written, money, number, percent, places

if TYPE_CHECKING:
    from .model import Cell

__all__ = ["as_written", "cell_text", "money", "number", "percent", "places"]


def cell_text(cell: Cell) -> str:
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if cell.format == "money":
        return money(Decimal(value))
    if cell.format == "percent":
        return percent(Decimal(value))
    return number(value)


# ------------------------------------------------------------------ GB/T 9704 finish

import re as _re

_CJK = r"[\u3400-\u9fff\uff01-\uff5e“”‘’《》〔〕【】、。]"
_DOC_NUMBER = _re.compile(r"([\u4e00-\u9fa5]{1,8})\s*[\[【(（〔]\s*(\d{4})\s*[\]】)）〕]\s*(\d+)\s*号")
_HALF_TO_FULL = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！"}


def official(text: str) -> str:
    """Full-width punctuation between Chinese characters, 〔〕 around the year of a document number
    (财预[2020]10号, 财预（2020）10号 → 财预〔2020〕10号) and amounts in 万元 at two decimals (7.2万元 →
    7.20万元); the figures' values, Latin text and the rest untouched."""
    text = _DOC_NUMBER.sub(lambda m: f"{m.group(1)}〔{m.group(2)}〕{m.group(3)}号", text)
    text = _re.sub(rf"(?<={_CJK})\s*([,:;?!])(?!\d)", lambda m: _HALF_TO_FULL[m.group(1)], text)
    text = _re.sub(rf"([,:;?!])\s*(?={_CJK})", lambda m: _HALF_TO_FULL[m.group(1)], text)
    text = _re.sub(rf"\(([^()]*{_CJK}[^()]*)\)", r"（\1）", text)
    # amounts in 万元 at two decimals (7.2万元 → 7.20万元); more decimals are the unit's exact figure, kept
    text = _re.sub(r"(?<![\d.,])(\d+)(?:\.(\d))?(\s*万元)",
                   lambda m: f"{m.group(1)}.{(m.group(2) or '') + '0' * (2 - len(m.group(2) or ''))}{m.group(3)}",
                   text)
    return text


_BREAK_AFTER = ("年度", "委员会", "办公室", "中心", "管理局", "人民政府", "街道办事处", "工作经费", "专项资金")
_BREAK_BEFORE = ("部门整体", "项目绩效", "项目支出绩效", "绩效自评报告", "自评报告复核情况")


def title_lines(title: str, width: int = 20) -> list[str]:
    """The title in balanced lines of at most ``width`` characters, broken only between words (after 年度,
    an office's name, before 部门整体/项目/绩效自评报告), never inside a word or a figure."""
    if len(title) <= width:
        return [title]
    # The usual official break: the evaluated unit or project on its line(s), the kind and 报告 on the last.
    kind = min((title.find(w) for w in _BREAK_BEFORE if 0 < title.find(w)), default=-1)
    if kind > 0 and len(title) - kind <= width:
        head, tail = title[:kind], title[kind:]
        if len(head) <= width:
            return [head, tail]
        year = head.find("年度") + 2
        if 2 < year < len(head) and len(head) - year <= width:
            return [head[:year], head[year:], tail]
    cuts = set()
    for word in _BREAK_AFTER:
        for m in _re.finditer(_re.escape(word), title):
            cuts.add(m.end())
    for word in _BREAK_BEFORE:
        for m in _re.finditer(_re.escape(word), title):
            cuts.add(m.start())
    cuts = sorted(c for c in cuts if 0 < c < len(title) and not (title[c - 1].isdigit() and title[c].isdigit()))
    best: tuple[int, list[str]] | None = None
    # Up to four lines: every choice of cut points, the one whose longest line is shortest (then fewest lines).
    from itertools import combinations

    for n in range(1, 4):
        for chosen in combinations(cuts, n):
            points = [0, *chosen, len(title)]
            lines = [title[a:b] for a, b in zip(points, points[1:])]
            longest = max(len(line) for line in lines)
            if longest > width:
                continue
            key = (n, longest - min(len(line) for line in lines))
            if best is None or key < best[0]:
                best = (key, lines)
        if best is not None:
            return best[1]
    return [title]
