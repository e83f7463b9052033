"""Review checks: every contradiction a careful reviewer would find, with evidence.

Four families, one module each (budget, scores, targets, narrative); every
check is registered in :data:`CHECKS` with a stable code. Use::

    from jixiao.checks import run_checks
    findings = run_checks(evaluation, ruleset, previous=last_year)

``docs/checks.md`` is generated from the registry (``jixiao checks --markdown``).
"""

from __future__ import annotations

from . import forms, budget, scores, targets, plausibility, narrative, sums  # noqa: F401, I001 - registration order = documentation order
from .base import CHECKS, CRASH_CODE, FAMILIES, Check, Context, Finding, Hit, Severity, Where, run_checks
from .claims import Claim, extract, extract_text

__all__ = ["CHECKS", "CRASH_CODE", "FAMILIES", "Check", "Claim", "Context", "Finding", "Hit", "Severity", "Where",
           "extract", "extract_text", "run_checks", "by_code", "markdown"]


def by_code(code: str) -> Check:
    """The registered check with ``code``."""
    for c in CHECKS:
        if c.code == code:
            return c
    raise KeyError(code)


def markdown() -> str:
    """``docs/checks.md``: every code with its rule, source and an example, from the registry."""
    out = [
        "# 审核检查项（checks）",
        "",
        "本文件由 `jixiao checks --markdown -o docs/checks.md` 从代码生成，请勿手工编辑；"
        "测试会比对它与代码是否一致。",
        "",
        "严重程度：`error` 错误（数字与数字或算术相矛盾）；`warning` 警告（规则或说明要求未满足）；"
        "`info` 提示（舍入方式等，值得知道但不算错）。",
        "",
        "`jixiao check FILE...`：无 `error` 时退出码 0，有 `error` 时 1，文件无法读取时 2。",
        "",
        "| 代码 | 类别 | 检查 | 默认严重程度 |",
        "|---|---|---|---|",
    ]
    for c in CHECKS:
        out.append(f"| [{c.code}](#{c.code.lower()}) | {FAMILIES[c.family]} | {c.title} | `{c.severity.value}` |")
    out.append(f"| {CRASH_CODE} | {FAMILIES['run']} | 某项检查运行出错（该项结果不完整，其余检查照常进行） | `warning` |")
    for family, title in FAMILIES.items():
        members = [c for c in CHECKS if c.family == family]
        if not members:
            continue
        out += ["", f"## {title}", ""]
        for c in members:
            out += [f"### {c.code}", "", f"**{c.title}**（`{c.severity.value}`，`{c.name}`）", "", c.rule, "",
                    f"示例：{c.example}", ""]
    return "\n".join(out).rstrip() + "\n"
