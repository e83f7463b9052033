"""Who, when and what: the unit, the budget year and the kind of a report, from anywhere in it.

Real reports say who wrote them in many places: a form's 单位名称 cell, a cover
line 部门(单位)名称：…, the title 「××局2022年度部门整体支出绩效自评报告」, the
signature above the date, or only the web page's 信息来源. This module gathers
every such candidate with a weight (labelled cells and cover lines first, the
title next, signature and page metadata last), keeps only names that look like
an organisation (「岳阳县」 is a place, 「岳阳县新开镇政府」 a unit) and never takes
page chrome (「您现在所在的位置」, 「浏览量」) for a title or a unit.

The year is the budget year evaluated: a year in the title or a 「（2021年度）」
subtitle weighs most; dates (报告日期 2022年5月18日, 2022-05-18, 发布时间) never
count. The vocabulary lives in ``forms/identity.yaml``.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from ..document import Source
from .base import Block

FORMS = Path(__file__).with_name("forms")


@lru_cache(maxsize=1)
def vocabulary() -> dict[str, Any]:
    """The identity vocabulary (``forms/identity.yaml``)."""
    return yaml.safe_load((FORMS / "identity.yaml").read_text(encoding="utf-8"))


def plain(text: str) -> str:
    """NFKC, no spaces: the form every pattern here is matched against."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


@dataclass(frozen=True)
class Candidate:
    value: Any
    weight: int
    source: Source | None
    why: str


# ---------------------------------------------------------------- organisations

def org_name(text: str, trim: bool = False) -> str | None:
    """``text`` cleaned to an organisation's name, or None when it is not one.

    ``trim``: the text is a label's value that may run into the next label
    (谢家集区农业农村水利局文字大小), so its longest prefix that is a name is taken.
    """
    v = vocabulary()
    t = plain(text)
    t = re.sub(r"^\[\d+\]", "", t)  # [155]濉溪县民政局: the code is not the name
    t = re.sub(r"\((?:盖章|公章|签章|章)\)", "", t).strip("：:“”\"'「」《》()")
    if re.search(r"[，。；、,;|>:《》“”]", t):
        return None
    suffixes = tuple(v["org_suffixes"])
    if not t.endswith(suffixes):
        if not trim:
            return None
        # the value ran into the next label (谢家集区农业农村水利局文字大小): the longest org prefix
        ends = [m.end() for s in suffixes for m in re.finditer(re.escape(s), t)]
        t = t[: max(ends)] if ends else ""
    if not 3 <= len(t) <= 40 or re.search(r"\d{4}", t) or any(w in t for w in v["not_in_unit"]):
        return None
    if re.fullmatch(r".{1,6}(?:省|市|县|区|州|旗|盟)(?:政府|人民政府)?", t) and not t.endswith("政府"):
        return None
    return t


_LABEL_VALUE = r"\s*(?:[（(](?:盖章|公章)[）)])?\s*(?:[:：]|为|是)\s*([^\s:：|，。；,;、《》()（）]{2,40})"
_SPACED_VALUE = r"\s*([^\s:：|，。；,;、《》()（）]{2,40})"  # 发布机构 区农业农村局 发文日期 …: metadata lines only


def _label_pattern(labels: list[str], value: str = _LABEL_VALUE) -> re.Pattern[str]:
    alternatives = "|".join(sorted((re.escape(x).replace(r"\(", "[（(]").replace(r"\)", "[）)]") for x in labels),
                                   key=len, reverse=True))
    return re.compile(f"(?:{alternatives})" + value)


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern[str]]:
    v = vocabulary()["unit_labels"]
    return {group: _label_pattern(labels) for group, labels in v.items()}


@lru_cache(maxsize=1)
def _spaced_patterns() -> dict[str, re.Pattern[str]]:
    v = vocabulary()["unit_labels"]
    return {group: _label_pattern(labels, _SPACED_VALUE) for group, labels in v.items()}


# ---------------------------------------------------------------- lines of a document

@dataclass(frozen=True)
class Line:
    text: str  # NFKC, spaces kept
    source: Source
    row: tuple[str, ...] | None  # the cells, for a table row


def lines_of(blocks: list[Block]) -> list[Line]:
    out = []
    for b in blocks:
        if b.row:
            cells = tuple(unicodedata.normalize("NFKC", c.text) for c in b.cells)
            out.append(Line(" ".join(c for c in cells if c), b.source, cells))
        else:
            out.append(Line(unicodedata.normalize("NFKC", b.text), b.source, None))
    return out


def is_chrome(text: str) -> bool:
    t = plain(text)
    return any(t.startswith(w) for w in vocabulary()["chrome"]) or ">" in t and t.count(">") >= 2


def is_title(text: str) -> bool:
    t = plain(text)
    return 6 <= len(t) <= 90 and any(w in t for w in vocabulary()["title_words"]) and not is_chrome(text)


# ---------------------------------------------------------------- year

_YEAR = re.compile(r"((?:19|20)\d{2})\s*年(度)?")
_DATE = re.compile(r"(?:19|20)\d{2}\s*(?:[-./]\s*\d{1,2}|年\s*\d{1,2}\s*月)")


_CN_DIGITS = str.maketrans("〇零○一二三四五六七八九", "00012345678" + "9")
_CN_YEAR = re.compile(r"[二一][〇零○一二三四五六七八九]{3}(?=\s*年)")


def arabic_years(text: str) -> str:
    """二〇二二年 → 2022年."""
    return _CN_YEAR.sub(lambda m: m.group(0).translate(_CN_DIGITS), text)


def years(lines: list[Line]) -> Counter[int]:
    """Votes for the budget year: title and subtitle years weigh most; dates never count.

    Years written in Chinese numerals (二〇二二年度) count as their digits.
    """
    votes: Counter[int] = Counter()
    labels = tuple(vocabulary()["date_labels"])
    for n, line in enumerate(lines):
        text = arabic_years(line.text)
        t = plain(text)
        if t.startswith(labels):
            continue
        dates = [m.span() for m in _DATE.finditer(text)]
        for m in _YEAR.finditer(text):
            if any(a <= m.start() < b for a, b in dates):
                continue
            year = int(m.group(1))
            if re.fullmatch(r"[(（]?\s*(?:19|20)\d{2}\s*年度?\s*[)）]?", text.strip()):
                weight = 10  # （2021年度）: the subtitle of a form
            elif is_title(text) and n < 80:
                weight = 8
            elif m.group(2) and any(w in text for w in ("绩效", "自评", "预算", "部门", "项目", "资金", "评价")):
                weight = 3
            else:
                weight = 1
            votes[year] += weight
    return votes


# ---------------------------------------------------------------- kind

def kinds(lines: list[Line]) -> Counter[str]:
    """Votes for department or project: kind words in titles count most, a 项目名称 cell counts too."""
    words = vocabulary()["kind_words"]
    votes: Counter[str] = Counter()
    for n, line in enumerate(lines):
        t = plain(line.text)
        weight = 6 if is_title(line.text) and n < 80 else 1 if n < 200 else 0
        if not weight:
            continue
        for kind in ("department", "project"):
            if any(w in t for w in words[kind]):
                votes[kind] += weight
                break  # 部门整体 wins over 项目 in the same line (部门整体…项目支出 lists)
        if line.row and any(plain(c) in ("项目名称", "项目实施单位") for c in line.row):
            votes["project"] += 4
    return votes


def kind_of_title(title: str) -> str | None:
    """The kind a title names (部门整体… / …项目…), None when it names neither or both."""
    t = plain(title)
    if not is_title(t):
        return None
    words = vocabulary()["kind_words"]
    found = [k for k in ("department", "project") if any(w in t for w in words[k])]
    return found[0] if len(found) == 1 else None


# ---------------------------------------------------------------- unit

def unit_candidates(lines: list[Line]) -> list[Candidate]:
    """Every place that names the unit, weighted."""
    pats = _patterns()
    weights = {"strong": 10, "project": 9, "supervisor": 5, "publisher": 3}
    labels = {g: {plain(x) for x in ws} for g, ws in vocabulary()["unit_labels"].items()}
    out: list[Candidate] = []
    last = len(lines)
    for n, line in enumerate(lines):
        if line.row:
            cells = [plain(c) for c in line.row]
            for i, c in enumerate(cells):
                c_label = re.sub(r"\((?:盖章|公章)\)|[:：]$", "", c)
                for group, names in labels.items():
                    if c_label in names:
                        value = next((x for x in cells[i + 1:] if x), None)
                        name = org_name(value, trim=True) if value else None
                        if name:
                            out.append(Candidate(name, weights[group] + 1, line.source, f"表中「{c}」"))
        if not line.row and n + 1 < last:
            alone = re.sub(r"^[•·\-*\s]+|\((?:盖章|公章)\)|[:：]$", "", plain(line.text))
            for group, names in labels.items():
                if alone in names:  # • 发布机构 / • 某某市文化和旅游局: the label alone, its value on the next line
                    name = org_name(re.sub(r"^[•·\-*\s]+", "", lines[n + 1].text), trim=True)
                    if name and (group != "publisher" or _qualified(name)):
                        out.append(Candidate(name, weights[group], lines[n + 1].source, "标注（下一行）"))
        chrome = is_chrome(line.text)
        for group, pat in pats.items():
            matches = list(pat.finditer(line.text))
            if chrome and not matches:
                matches = list(_spaced_patterns()[group].finditer(line.text))
            for m in matches:
                name = org_name(m.group(1), trim=True)
                if name and group == "publisher" and not _qualified(name):
                    continue  # 来源：扶贫办 names an office in short, not the unit
                if name:
                    out.append(Candidate(name, weights[group], line.source, "标注"))
        if is_title(line.text) and n < 80:
            name = _org_in_title(line.text)
            if name:
                out.append(Candidate(name, 7, line.source, "标题"))
        for m in _ORG_BEFORE_YEAR.finditer(line.text):
            name = org_name(re.sub(r"(?:部门|单位|本级)$", "", plain(m.group(1))))
            if name:
                out.append(Candidate(name, 4, line.source, "正文"))
        if ">" in line.text:
            for part in re.split(r">+", plain(line.text)):
                name = org_name(part)
                if name and _qualified(name):
                    out.append(Candidate(name, 2, line.source, "页面导航"))
        if n > last // 2 and not line.row and n + 1 < last:
            name = org_name(line.text) if len(plain(line.text)) <= 30 else None
            if name and _DATE.search(lines[n + 1].text or ""):
                out.append(Candidate(name, 6, line.source, "落款"))
    return out


_ORG_BEFORE_YEAR = re.compile(r"(?:^|[，。；：:、\s(（])([^，。；：:、\s(（]{3,40}?)(?:19|20)\d{2}(?:\s*年|$)")


def _qualified(name: str) -> bool:
    """A full name, with its place (牟定县交通运输局), not a short one (民政局, 扶贫办)."""
    return re.search(r"(?:省|市|县|区|州|旗|盟|镇|乡|街道)", name[:-1]) is not None and len(name) > 4


def _org_in_title(text: str) -> str | None:
    """The unit named in a title: before the year (「××局2022年度…」) or between year and kind words."""
    t = arabic_years(plain(text))
    t = re.sub(r"^附件\d*[:：]?", "", t)
    m = _YEAR.search(t)
    parts = []
    if m:
        parts.append(t[: m.start()])
        rest = t[m.end():]
        cut = re.search(r"部门[(（]?单位[)）]?整体|部门整体|整体支出|单位整体|项目|专项|转移支付|关于|绩效|预算", rest)
        if cut:
            parts.append(rest[: cut.start()])
    else:
        words = [*vocabulary()["kind_words"]["department"], *vocabulary()["kind_words"]["project"], "关于", "绩效"]
        cuts = [t.find(w) for w in words if t.find(w) > 0]
        if cuts:
            parts.append(t[: min(cuts)])
    for part in parts:
        part = re.sub(r"^关于|关于$", "", part)
        name = org_name(part)
        if name:
            return name
    return None


def best_unit(lines: list[Line]) -> Candidate | None:
    """The unit named with the most weight; among equals, the first, longest name."""
    candidates = unit_candidates(lines)
    if not candidates:
        return None
    totals: dict[str, int] = {}
    first: dict[str, Candidate] = {}
    for c in candidates:
        totals[c.value] = max(totals.get(c.value, 0), c.weight)
        first.setdefault(c.value, c)
    # a short form of a longer candidate (塘湖镇政府 / 塘湖镇人民政府) adds nothing of its own
    ranked = sorted(totals, key=lambda v: (totals[v], len(v)), reverse=True)
    return first[ranked[0]] if ranked else None


def unit_is_plausible(name: str | None) -> bool:
    """A unit as read is kept when it is an organisation's name and nothing more."""
    if not name:
        return False
    bare = re.sub(r"^\[\d+\]|\((?:盖章|公章|签章|章)\)", "", plain(name))
    return org_name(name) == bare
