"""The direction of an indicator (指标性质): higher is better (正向 ≥) or lower is better (反向 ≤).

A target written with a comparator (``≥95%``, ``≤10%``, ``=100%``) says it. A target without one
(``2%``, ``0起``, ``100册``) takes its direction, in this order, from:

1. the common indicator's definition (:mod:`jixiao.common`: 预算调整率 ≤, 预算执行率 ≥ …);
2. a zero target: 「0起」「零事故」 mean ≤ 0 (nothing is better than none);
3. the lexicon in ``rulesets/lexicon/direction.yaml``: the 53号 common indicators not computed here by
   their full name (在职人员控制率 ≤, 支付进度率 ≥ …), then specific higher-is-better names
   (投诉办结率), then lower-is-better words (事故, 投诉, 差错, 发生率, 成本, 费用, 单价, 时长, 周期,
   结转结余, 调整率, 变动率 …), then the second-level group (数量指标 ≥, 成本指标 ≤);
4. the rule set's ``quantitative.default_comparator`` when it states one (a local practice).

Still unclear: None, and the indicator is not scored (the review asks for 指标性质). Source: RULES.md
(正向/反向 scoring [V: 填表说明]; 调整率、结转结余率、变动率 lower is better [I]); the word lists are
the usual meaning of common indicator names [I].
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from . import common
from .numbers import ZERO
from .values import Comparator, Value, ValueKind

LEXICON = Path(__file__).parent / "rulesets" / "lexicon" / "direction.yaml"
_ZERO_WORDS = re.compile(r"^(?:零|无|0)\s*[\u4e00-\u9fff]{0,4}$")


@dataclass(frozen=True)
class Direction:
    """A resolved direction and where it came from (shown in the score's explanation)."""

    comparator: Comparator
    source: str


_STATED = {c: Direction(c, "目标值所注") for c in Comparator}
_COMMON = {c.key: Direction(Comparator(c.direction), f"共性指标「{c.name}」{'越低越好' if c.direction == '≤' else '越高越好'}")
           for c in common.COMMON_INDICATORS}


@dataclass(frozen=True)
class Lexicon:
    named: dict[str, Comparator]
    higher: tuple[str, ...]
    lower: tuple[str, ...]
    groups: dict[str, Comparator]


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The word lists, read once from the data file."""
    data = yaml.safe_load(LEXICON.read_text(encoding="utf-8"))
    return Lexicon({name: Comparator(sign) for name, sign in data["named"].items()},
                   tuple(data["higher"]), tuple(data["lower"]),
                   {name: Comparator(sign) for name, sign in data["groups"].items()})


def is_zero_target(target: Value) -> bool:
    """「0起」「0」「零」「零事故」「无」 as a target without comparator: none at all."""
    if target.comparator is not None:
        return False
    if target.number is not None:
        return target.number == ZERO and target.kind is ValueKind.NUMBER
    if target.kind in (ValueKind.PERCENT, ValueKind.DATE, ValueKind.EMPTY):
        return False
    raw = target.raw.strip()
    return raw[:1] in ("零", "无", "0") and bool(_ZERO_WORDS.match(raw))


def resolve(name: str, level2: str, target: Value, common_key: str | None,
            default: str | None = None) -> Direction | None:
    """The direction of an indicator named ``name`` in group ``level2`` with ``target`` (see the module)."""
    if target.comparator is not None:
        return _STATED[target.comparator]
    if common_key is not None and common_key in _COMMON:
        return _COMMON[common_key]
    if is_zero_target(target):
        return Direction(Comparator.LE, "目标为0（零），按不超过0计")
    words = lexicon()
    named = words.named.get(name.strip())
    if named is not None:
        return Direction(named, f"53号共性指标「{name.strip()}」，按{'反向（≤）' if named is Comparator.LE else '正向（≥）'}计")
    for word in words.higher:
        if word in name:
            return Direction(Comparator.GE, f"指标名含「{word}」，按正向（≥）计")
    for word in words.lower:
        if word in name:
            return Direction(Comparator.LE, f"指标名含「{word}」，按反向（≤）计")
    for group, sign in words.groups.items():
        if level2.strip() == group:
            return Direction(sign, f"属「{group}」，按{'正向（≥）' if sign is Comparator.GE else '反向（≤）'}计")
    if default is not None:
        return Direction(Comparator(default), f"目标未注明≥/≤/=，按规则集默认的{default}计")
    return None
