"""Golden reader cases: for each input, a reviewed record of what must be read (issue 16 §6).

Inputs are the four seeds (``../shared/seeds``), every document of the corpus
(``../shared/corpus/docs``), both read from where they are (never copied here),
and reports this project renders itself in two layouts. Each case's record is
``tests/golden/<case>.yaml``: identity, budget, reported total and grade,
category table, every indicator row and the reader's findings (code and field).
Texts are cut to 40 characters, so a record holds what was read, not the document.

Any difference fails with a readable diff. After a deliberate change of the
reader, regenerate, review the diff and commit it::

    JIXIAO_GOLDEN=update python -m pytest tests/test_golden.py
"""

from __future__ import annotations

import difflib
import os
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from corpus import CORPUS, excerpt
from jixiao.document import Evaluation
from jixiao.readers import Imported, read_text

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
SEEDS = ROOT.parent / "shared" / "seeds"
UPDATE = os.environ.get("JIXIAO_GOLDEN") == "update"


def _short(value: object) -> object:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    text = str(getattr(value, "raw", value) or "")
    return text if len(text) <= 40 else text[:40] + "…"


def record(imported: Imported) -> dict:
    """What was read, as reviewed data."""
    e: Evaluation | None = imported.evaluation
    if e is None:
        return {"refused": [p.message for p in imported.problems]}
    b, r = e.budget, e.reported
    out: dict = {
        "kind": e.kind.value, "year": e.year, "unit": _short(e.unit), "title": _short(e.title),
        "region": e.region, "ruleset": e.ruleset,
        "project": None if e.project is None else {
            "name": _short(e.project.name), "department": _short(e.project.department),
            "implementer": _short(e.project.implementer)},
        "budget": {k: _short(getattr(b, k)) for k in ("initial", "adjusted", "executed", "rate", "weight", "score")},
        "reported": {"total": _short(r.total), "grade": r.grade,
                     "categories": [f"{c.name} | {_short(c.weight)} | {_short(c.score)}" for c in r.categories]},
        "tasks": len(e.tasks),
        "indicators": [" | ".join(str(_short(x)) for x in (
            f"{leaf.level1}/{leaf.level2}/{leaf.indicator.name}", leaf.indicator.target, leaf.indicator.actual,
            leaf.indicator.weight, leaf.indicator.score)) for leaf in e.leaves()],
        "findings": sorted(f"{f.code} {f.where.field or ''}".strip() for f in imported.findings),
    }
    return out


def _cases() -> list[tuple[str, object]]:
    cases: list[tuple[str, object]] = []
    for path in sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []:
        cases.append((f"seed-{path.name[:3]}", path))
    for path in sorted((CORPUS / "docs").glob("*.txt")) if CORPUS.is_dir() else []:
        cases.append((f"corpus-{path.stem}", path.stem))
    for example in ("001", "004"):
        for variant in ("plain", "split"):
            cases.append((f"rendered-{example}-{variant}", (example, variant)))
    return cases


def _read(case: str, source: object) -> Imported:
    if case.startswith("seed-"):
        path = Path(str(source))
        return read_text(path.read_text(encoding="utf-8"), path.name)
    if case.startswith("corpus-"):
        return read_text(excerpt(CORPUS, str(source)), f"{source}.txt")
    from jixiao.forms import Variant, render_text
    from jixiao.native import load_file

    example, variant = source  # type: ignore[misc]
    [path] = sorted((ROOT / "examples").glob(f"{example}-*.yaml"))
    e = load_file(path).evaluation
    variants = {"plain": Variant(), "split": Variant(split_rows=True, yuan=True, repeat_header=True)}
    return read_text(render_text(e, variants[variant]), f"{example}.txt")


CASES = _cases()


@pytest.mark.parametrize("case, source", CASES, ids=[c for c, _ in CASES])
def test_the_reader_reads_what_was_reviewed(case, source):
    got = yaml.safe_dump(record(_read(case, source)), allow_unicode=True, sort_keys=False, width=200)
    path = GOLDEN / f"{case}.yaml"
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(got, encoding="utf-8")
        return
    assert path.exists(), f"{path.name} 不存在：运行 JIXIAO_GOLDEN=update python -m pytest tests/test_golden.py 生成并审阅"
    want = path.read_text(encoding="utf-8")
    if got != want:
        diff = "\n".join(difflib.unified_diff(want.splitlines(), got.splitlines(), "reviewed", "read now", lineterm=""))
        pytest.fail(f"{case}: 读到的与审阅过的不同\n{diff}")


def test_every_golden_record_has_its_case():
    """A record whose input is gone (a renamed seed, a removed corpus document) is not silently kept."""
    if not (SEEDS.is_dir() and CORPUS.is_dir()):
        pytest.skip("../shared/ 不全：跳过")
    names = {c for c, _ in CASES}
    assert sorted(p.stem for p in GOLDEN.glob("*.yaml") if p.stem not in names) == []
