"""The hand-encoded examples against the raw seed texts (skipped when ../shared/seeds/ is absent).

Every indicator label, every amount and every reported score in an example must be
found in its seed, so an encoding slip (a mistyped figure, an invented row) fails here.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import example

from jixiao.native import load_file

PREFIXES = ["000", "001", "003", "004"]


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _seed_text(seeds: Path, prefix: str) -> str:
    [path] = sorted(seeds.glob(f"{prefix}_*"))
    return _squash(path.read_text(encoding="utf-8"))


def _number_forms(value: Decimal) -> set[str]:
    plain = format(value, "f")
    forms = {plain, format(value.normalize(), "f")}
    if value == value.to_integral_value():
        forms.add(str(int(value)))
    return forms


def _found(label: str, seed: str) -> bool:
    """A label in the seed; a label split by a page break (管理制度健全 … 性) is found too."""
    label = _squash(label)
    if label in seed:
        return True
    head, tail = label[:-1], label[-1]
    return bool(re.search(re.escape(head) + r".{0,40}?" + re.escape(tail), seed))


@pytest.mark.parametrize("prefix", PREFIXES)
def test_indicator_labels_come_from_the_seed(seeds_dir: Path, prefix: str) -> None:
    seed = _seed_text(seeds_dir, prefix)
    e = load_file(example(prefix)).evaluation
    missing = [leaf.indicator.name for leaf in e.leaves() if not _found(leaf.indicator.name, seed)]
    groups = [g.name for c in e.indicators for g in c.children if not _found(g.name, seed)]
    assert not missing and not groups, (missing, groups)


@pytest.mark.parametrize("prefix", PREFIXES)
def test_amounts_and_reported_scores_come_from_the_seed(seeds_dir: Path, prefix: str) -> None:
    seed = _seed_text(seeds_dir, prefix)
    e = load_file(example(prefix)).evaluation
    b = e.budget
    figures = [b.initial, b.adjusted, b.executed, b.score, e.reported.total]
    figures += [t.budget for t in e.tasks] + [t.executed for t in e.tasks]
    figures += [c.score for c in e.reported.categories] + [c.weight for c in e.reported.categories]
    figures += [leaf.indicator.weight for leaf in e.leaves()] + [leaf.indicator.score for leaf in e.leaves()]
    absent = [f for f in figures if f is not None and not any(form in seed for form in _number_forms(f))]
    assert not absent, absent


@pytest.mark.parametrize("prefix", PREFIXES)
def test_reported_grade_and_unit_come_from_the_seed(seeds_dir: Path, prefix: str) -> None:
    seed = _seed_text(seeds_dir, prefix)
    e = load_file(example(prefix)).evaluation
    assert _squash(e.reported.grade or "") in seed
    assert _squash(e.unit) in seed or (e.project and _squash(e.project.name) in seed)
