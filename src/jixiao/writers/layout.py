"""Official form layouts as data (``writers/layouts/*.yaml``), chosen by the rule set.

A layout names the form's builder (:mod:`.tables`), whether it is printed
landscape, the 项目资金 rows it has, the second-level rows it prints whether
filled or not, and its signature line (填表人 / 联系电话 / 单位负责人 / 盖章). A new
province's form is a new file listing its rule sets; a rule set without a layout
of its own uses its kind's default (the national 财预〔2020〕10号 附件1 form for
projects).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict

from ..document import Kind
from ..rulesets import RuleSet

LAYOUTS = Path(__file__).with_name("layouts")


class BudgetLine(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str
    field: str | None = None


class Layout(BaseModel):
    """One official form."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    title: str
    basis: str
    kind: Kind
    rulesets: tuple[str, ...] = ()
    default_for_kind: bool = False
    builder: Literal["national_project", "zhengzhou_project", "zhengzhou_department"]
    landscape: bool = False
    budget_lines: tuple[BudgetLine, ...] = ()
    preprinted: dict[str, tuple[str, ...]] = {}
    signature: str | None = None


@lru_cache(maxsize=1)
def layouts() -> tuple[Layout, ...]:
    out = []
    for path in sorted(LAYOUTS.glob("*.yaml")):
        out.append(Layout.model_validate(yaml.safe_load(path.read_text(encoding="utf-8"))))
    return tuple(out)


def layout_for(rules: RuleSet, kind: Kind | None = None) -> Layout:
    """The form of ``rules`` (by its id), else the default form of its kind."""
    kind = kind or rules.kind
    found = [lay for lay in layouts() if rules.id in lay.rulesets and lay.kind is kind]
    if found:
        return found[0]
    return next(lay for lay in layouts() if lay.kind is kind and lay.default_for_kind)


__all__ = ["Layout", "layout_for", "layouts"]
