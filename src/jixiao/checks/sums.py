"""Family 4 (continued): parts against their total, as the report's sentences state them.

Prose reports add up their money and their people in sentences: 「批复项目资金1950万元。
分别为：A 1000万元；B 40万元；…」, 「…项目40万元；…项目2.75万元；…。共计下达3580.69万元」,
「人员编制20个，其中行政编制13个、事业编制7个」. When the parts do not make the total
stated beside them, one of the figures is wrong, whatever the tables say.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from ..numbers import fmt
from .base import Context, Hit, Severity, check
from .claims import sections
from .narrative import NARRATIVE

_UNITS = {"万元": "万元", "元": "元", "亿元": "亿元", "人": "人", "名": "人", "个": "个", "项": "项", "家": "家", "户": "户"}
_FIGURE = re.compile(r"(?<![\d.,])(\d[\d,]{0,39}(?:\.\d{1,12})?)(?![\d,.])\s*(亿元|万元|元|人|名|个|项|家|户)(?![\u4e00-\u9fff]{0,1}(?:次|期))")
_COMPLETE = ("分别为", "分别是", "分别:", "分别：")
_PARTIAL = ("其中:", "其中：", "其中", "包括")
_TOTAL_AFTER = re.compile(r"(?:共计|合计|总计)[^。；;，,]{0,24}?$")
_APPROX = ("约", "近", "余", "多", "以上", "左右", "超过", "不足", "逾")
_APPROXIMATE = re.compile("|".join(_APPROX))
_MARKERS = re.compile(r"分别|其中|包括|共计|合计|总计")
_LIST_SPAN = 600  # a list of parts ends with its sentence, and a sentence this long is no list
_COMPARE = ("占", "比上年", "较上年", "同比", "增长", "下降", "增加", "减少", "提高", "降低", "结余", "结转", "%")
_COMPARING = re.compile("|".join(map(re.escape, _COMPARE)))


@dataclass(frozen=True)
class Figure:
    value: Decimal
    unit: str
    start: int
    end: int
    places: int
    compared: bool  # its clause compares (占, 较上年, 增长): not a part of anything


def _figures(text: str) -> list[Figure]:
    out = []
    for m in _FIGURE.finditer(text):
        digits = m.group(1).replace(",", "")
        try:
            value = Decimal(digits)
        except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
            continue
        if _APPROXIMATE.search(text, max(0, m.start() - 3), m.end() + 3) or re.fullmatch(r"(?:19|20)\d{2}", digits) and m.group(2) == "个":
            continue
        places = len(digits.split(".")[1]) if "." in digits else 0
        compared = _COMPARING.search(_clause_of(text, m.start())) is not None
        out.append(Figure(value, _UNITS[m.group(2)], m.start(), m.end(), places, compared))
    return out


def _slack(figures: list[Figure]) -> Decimal:
    """What rounding of the printed figures can explain: half a unit of the finest place printed, for each
    figure (a list that prints 2.75 beside 40 means 40.00); whole numbers throughout are exact."""
    places = max(f.places for f in figures)
    return Decimal(5) / Decimal(10) ** (places + 1) * len(figures) if places else Decimal(0)


_TAIL = re.compile(r"[^，,；;。:：、]*$")


def _clause_of(text: str, at: int) -> str:
    """The clause up to ``at`` (at most 60 characters back)."""
    return _TAIL.search(text, max(0, at - 60), at).group(0)


def _parts_after(text: str, total: Figure) -> tuple[list[Figure], bool] | None:
    """The parts listed right after a total (分别为 / 其中 …), up to the sentence's end; None if none."""
    rest = text[total.end:total.end + 8]
    head = re.match(r"[。，,]?[^\d。]{0,3}?(分别为|分别是|分别[:：]|其中[:：]?|包括)", rest)
    if head is None:
        return None
    complete = head.group(1).startswith("分别")
    start = total.end + head.end()
    stop = text.find("。", start, start + _LIST_SPAN)
    body = text[start:stop if stop >= 0 else start + _LIST_SPAN]
    if any(w in body for w in ("其中", "分别")):
        return None  # a nested breakdown: the list's own structure is not clear enough
    parts = [f for f in _figures(body) if f.unit == total.unit and not f.compared]
    return (parts, complete) if len(parts) >= 2 else None


def _parts_before(text: str, total: Figure, figures: list[Figure], floor: int, n: int,
                  taken: set[int]) -> list[Figure] | None:
    """The parts a 共计/合计 total (``figures[n]``) closes: the same unit's figures since the paragraph's
    start or the previous such total (``figures[floor]``)."""
    if not _TOTAL_AFTER.search(text[max(0, total.start - 30):total.start]):
        return None
    parts = [f for f in figures[floor:n] if f.unit == total.unit and f.start not in taken and not f.compared]
    if len(parts) < 3:
        return None
    return parts


@check("N410", "narrative", "正文所列分项之和等于所述合计", Severity.ERROR,
       "正文「下达资金1950万元。分别为：…1000万元；…40万元；…」，分项之和为1940万元，而所述合计为1950万元")
def listed_parts(ctx: Context) -> Iterator[Hit]:
    """正文中列出分项与合计的句子（“××万元。分别为：…”、“……；……。共计××万元”、“编制××个，其中……”），分项之和
    须等于合计（在所印数字的舍入范围内）。“分别为”所列是全部分项：不等为错误；“其中”“包括”可能只列了一部分：分项之和
    超过合计为错误，小于合计不报。“共计”之前同一段的同一单位数字（至少三项）为其分项。约数（约、余、以上）和比较
    （占、较上年、增长）不计。

    来源：算术（分项之和等于合计），不依赖任何规则集；自评报告应真实、准确（财预〔2020〕10号第八条所列原则“真实、
    客观”）[R]。
    """
    for section, heading, path in sections(ctx.evaluation):
        for paragraph in (section.text or "").split("\n"):
            if len(paragraph) < 12 or not _MARKERS.search(paragraph):
                continue  # no list and no total in it: nothing to add up
            text = unicodedata.normalize("NFKC", paragraph)
            taken: set[int] = set()
            figures = _figures(text)
            floor = 0  # figures before it belong to an earlier total
            for n, total in enumerate(figures):
                if total.start in taken:
                    continue
                after = _parts_after(text, total)
                if after is not None:
                    parts, complete = after
                    taken.update(f.start for f in parts)
                    yield from _compare(ctx, text, total, parts, complete, heading, path)
                    continue
                before = _parts_before(text, total, figures, floor, n, taken)
                if before is not None:
                    taken.update(f.start for f in before)
                    floor = n + 1
                    yield from _compare(ctx, text, total, before, True, heading, path)


def _compare(ctx: Context, text: str, total: Figure, parts: list[Figure], complete: bool, heading: str,
             path: str) -> Iterator[Hit]:
    added = sum((f.value for f in parts), Decimal(0))
    gap = added - total.value
    if abs(gap) <= _slack([total, *parts]):
        return
    if not complete and gap < 0:
        return  # 其中 may name only some of the parts
    quote = text[max(0, min(f.start for f in [total, *parts]) - 12):max(f.end for f in [total, *parts])]
    quote = quote if len(quote) <= 70 else quote[:34] + "…" + quote[-34:]
    listed = "+".join(fmt(f.value) for f in parts)
    yield Hit(f"正文「{quote}」：分项{listed}={fmt(added)}{total.unit}，而所述合计为{fmt(total.value)}{total.unit}",
              ctx.where(NARRATIVE, heading, f"{path}.text"), f"{fmt(added)}{total.unit}", f"{fmt(total.value)}{total.unit}")
