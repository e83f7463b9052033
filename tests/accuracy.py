"""Field-level accuracy of an imported document against a hand-encoded one.

The fields are the ones a reviewer reads off the forms: identity (kind, year,
unit), the budget line (年初 / 调整 / 执行), the reported total and grade, every
task row, every indicator row (the three level names, target, unit, weight,
actual, score) and the category table. Texts are compared width-normalised and
without spaces (``任务 1`` = ``任务1``); numbers as exact decimals; long free
text (a task's 主要内容, which the examples abridge by hand) by its first ten
characters. Leaves are paired by name (difflib), so one missed row costs only
its own fields.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from jixiao.document import Evaluation


def norm(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    text = unicodedata.normalize("NFKC", str(getattr(value, "raw", value)))
    text = re.sub(r"[\s:：]", "", text)
    return text.rstrip("。")


@dataclass
class Score:
    right: int = 0
    wrong: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.right + len(self.wrong)

    @property
    def accuracy(self) -> Decimal:
        return Decimal(self.right) / Decimal(self.total) if self.total else Decimal(1)

    def compare(self, label: str, expected: object, got: object, prefix: int | None = None) -> None:
        e, g = norm(expected), norm(got)
        if not e and not g:
            return
        ok = (e[:prefix] in g) if prefix and e else e == g
        if ok:
            self.right += 1
        else:
            self.wrong.append(f"{label}: 应为「{e[:40]}」，读到「{g[:40]}」")


def _percent(v: Decimal | None) -> str | None:
    return None if v is None else f"{format(v.normalize(), 'f')}%"


def accuracy(expected: Evaluation, got: Evaluation, units: bool = True) -> Score:
    """Compare field by field. ``units=False`` leaves out 度量单位, for forms without that column
    (the official 项目绩效自评表 has none: the unit is written in 指标值)."""
    s = Score()
    s.compare("kind", expected.kind.value, got.kind.value)
    s.compare("year", expected.year, got.year)
    s.compare("unit", expected.unit, got.unit)
    for f in ("initial", "adjusted", "executed"):
        s.compare(f"budget.{f}", getattr(expected.budget, f), getattr(got.budget, f))
    s.compare("reported.total", expected.reported.total, got.reported.total)
    s.compare("reported.grade", expected.reported.grade, got.reported.grade)
    for i, t in enumerate(expected.tasks):
        g = got.tasks[i] if i < len(got.tasks) else None
        s.compare(f"tasks[{i}].name", t.name, g and g.name)
        s.compare(f"tasks[{i}].content", t.content, g and g.content, prefix=10)
        for f in ("budget", "budget_fiscal", "executed", "executed_fiscal"):
            s.compare(f"tasks[{i}].{f}", getattr(t, f), g and getattr(g, f))
        s.compare(f"tasks[{i}].rate", _percent(t.rate), g and _percent(g.rate))
        s.compare(f"tasks[{i}].status", t.status, g and g.status)
    for i in range(len(expected.tasks), len(got.tasks)):
        s.wrong.append(f"tasks[{i}]: 多读了一个任务「{got.tasks[i].name}」")
    el, gl = list(expected.leaves()), list(got.leaves())
    matcher = difflib.SequenceMatcher(a=[norm(x.indicator.name) for x in el], b=[norm(x.indicator.name) for x in gl],
                                      autojunk=False)
    pairs: dict[int, int] = {}
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            pairs[block.a + k] = block.b + k
    for i, leaf in enumerate(el):
        g = gl[pairs[i]] if i in pairs else None
        label = f"{leaf.level1}/{leaf.level2}/{leaf.indicator.name}"
        s.compare(f"{label} 一级", leaf.level1, g and g.level1)
        s.compare(f"{label} 二级", leaf.level2, g and g.level2)
        s.compare(f"{label} 三级", leaf.indicator.name, g and g.indicator.name)
        for f in ("target", "unit", "weight", "actual", "score"):
            if f == "unit" and not units:
                continue
            s.compare(f"{label} {f}", getattr(leaf.indicator, f), g and getattr(g.indicator, f))
    for j in sorted(set(range(len(gl))) - set(pairs.values())):
        s.wrong.append(f"多读了一个指标「{gl[j].path} {gl[j].indicator.name}」")
    for c in expected.indicators:
        g = next((x for x in got.indicators if norm(x.name) == norm(c.name)), None)
        s.compare(f"{c.name} 权重", c.weight, g and g.weight)
    for i, c in enumerate(expected.reported.categories):
        g = got.reported.categories[i] if i < len(got.reported.categories) else None
        s.compare(f"得分情况表[{i}].name", c.name, g and g.name)
        s.compare(f"得分情况表[{i}].weight", c.weight, g and g.weight)
        s.compare(f"得分情况表[{i}].score", c.score, g and g.score)
        s.compare(f"得分情况表[{i}].rate", _percent(c.rate), g and _percent(g.rate))
    return s
