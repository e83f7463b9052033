"""Field accuracy of the reader on the real reports of ``../shared/corpus/``.

The corpus (see its README) holds published excerpts from other provinces with
hand-made truth in ``truth.jsonl``. This module reads every excerpt with the
real reader, compares the key fields a reviewer needs (kind, year, unit,
年初/全年/执行, total, grade, scored indicator rows) with the truth, runs the
checks, and reports:

* per field: right / compared (only where the truth shows a value), and the
  values the reader invented where the truth says the excerpt shows none;
* refusals (documents the reader would not import);
* errors raised by the checks on documents whose notes say they are consistent,
  and whether the hard contradictions are found.

The corpus is split once, by position in sorted order, into a development part
and a held-out part (every third document from the third on), so that a rule
tuned to the files one looked at shows up as a gap between the two figures.

Run ``python tests/corpus.py [--split dev|holdout|all] [-v]`` for the table.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"

FIELDS = ("kind", "year", "unit", "budget_initial", "budget_full_year", "budget_executed",
          "total_score", "grade", "indicator_rows")


def documents(corpus: Path = CORPUS) -> list[dict]:
    """The truth rows, sorted by id."""
    rows = [json.loads(line) for line in (corpus / "truth.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    return sorted(rows, key=lambda r: r["id"])


def split(rows: list[dict]) -> dict[str, list[dict]]:
    """Development and held-out parts: every third document from the third on is held out."""
    holdout = [r for i, r in enumerate(rows) if i % 3 == 2]
    dev = [r for i, r in enumerate(rows) if i % 3 != 2]
    return {"dev": dev, "holdout": holdout, "all": rows}


def excerpt(corpus: Path, doc_id: str) -> str:
    """The excerpt without its two header lines (# source, # kind)."""
    lines = (corpus / "docs" / f"{doc_id}.txt").read_text(encoding="utf-8").splitlines(keepends=True)
    return "".join(line for i, line in enumerate(lines) if not (i < 2 and line.startswith("# ")))


def _plain(text: object) -> str:
    text = unicodedata.normalize("NFKC", str(text or ""))
    return re.sub(r"[\s:：]", "", text)


def _unit_matches(truth: dict, got: str | None) -> bool:
    if not got:
        return False
    g = _plain(got)
    return any(g == _plain(t) for t in (truth.get("unit"), truth.get("unit_normalized")) if t)


def _money(truth: dict, value: object) -> Decimal | None:
    if value is None:
        return None
    d = Decimal(str(value))
    return d / 10000 if truth.get("money_unit") == "元" else d


@dataclass
class Result:
    doc_id: str
    refused: str | None = None
    right: dict[str, bool] = field(default_factory=dict)
    invented: list[str] = field(default_factory=list)
    got: dict[str, object] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def measure_one(truth: dict, corpus: Path = CORPUS) -> Result:
    from jixiao.checks.base import Severity
    from jixiao.readers import read_text
    from jixiao.service import check_document

    result = Result(truth["id"])
    imported = read_text(excerpt(corpus, truth["id"]), f"{truth['id']}.txt")
    e = imported.loaded.evaluation
    if e is None:
        result.refused = "; ".join(p.message for p in imported.loaded.problems) or "refused"
        for f in FIELDS:
            if truth.get(f) is not None:
                result.right[f] = False
        return result
    leaves = list(e.leaves())
    kind = getattr(e.kind, "value", e.kind)
    got = {
        "kind": {"department": "dept", "project": "project"}.get(kind or "", None),
        "year": e.year,
        "unit": e.unit,
        "budget_initial": e.budget.initial,
        "budget_full_year": e.budget.adjusted,
        "budget_executed": e.budget.executed,
        "total_score": e.reported.total,
        "grade": e.reported.grade,
        "indicator_rows": sum(1 for leaf in leaves if leaf.indicator.score is not None) if leaves else None,
    }
    result.got = got
    for f in FIELDS:
        expected, value = truth.get(f), got[f]
        if f == "kind" and expected == "other":
            expected = None
        if expected is None:
            if value not in (None, 0) and f != "kind":
                result.invented.append(f"{f}={value}")
            continue
        if f == "unit":
            ok = _unit_matches(truth, value)
        elif f.startswith("budget_"):
            # truth records a figure "as printed": an amount printed in 元 inside a 万元 report stays in 元
            ok = value is not None and _money(truth, expected) in (Decimal(value), Decimal(value) * 10000)
        elif f in ("total_score",):
            ok = value is not None and Decimal(value) == Decimal(str(expected))
        elif f == "indicator_rows":
            ok = (value or 0) == expected
        else:
            ok = value == expected
        result.right[f] = ok
    try:
        _, findings = check_document(e)
    except Exception as exc:  # a rule-set mismatch is reported, not raised
        result.errors.append(f"check failed: {exc}")
        return result
    # as `jixiao check` reports them: the reader's findings and the checks'
    result.errors = [f"{x.code} {x.message}" for x in [*imported.findings, *findings] if x.severity == Severity.ERROR]
    return result


def measure(rows: list[dict], corpus: Path = CORPUS) -> list[Result]:
    return [measure_one(r, corpus) for r in rows]


def table(rows: list[dict], results: list[Result]) -> str:
    """Per-field accuracy, refusals, inventions and check errors, as text."""
    lines = []
    total_right = total = 0
    for f in FIELDS:
        marks = [r.right[f] for r in results if f in r.right]
        right = sum(marks)
        total_right += right
        total += len(marks)
        lines.append(f"  {f:<18} {right:>3}/{len(marks):<3}")
    pct = Decimal(100 * total_right) / Decimal(total) if total else Decimal(100)
    lines.append(f"  {'all fields':<18} {total_right:>3}/{total:<3} = {pct:.1f}%")
    refused = [r for r in results if r.refused]
    lines.append(f"  refused: {len(refused)} {[r.doc_id for r in refused]}")
    invented = [(r.doc_id, r.invented) for r in results if r.invented]
    lines.append(f"  invented values: {sum(len(i) for _, i in invented)} {invented}")
    by_id = {r["id"]: r for r in rows}
    hard = [r for r in results if by_id[r.doc_id]["inconsistencies"]]
    consistent = [r for r in results if not by_id[r.doc_id]["inconsistencies"]]
    lines.append(f"  contradictions found: {sum(1 for r in hard if r.errors)}/{len(hard)}")
    false = [(r.doc_id, r.errors) for r in consistent if r.errors]
    lines.append(f"  errors on consistent documents: {len(false)} {false}")
    return "\n".join(lines)


def wrong(results: list[Result]) -> str:
    out = []
    for r in results:
        bad = [f for f, ok in r.right.items() if not ok]
        if bad or r.refused:
            out.append(f"  {r.doc_id}: {r.refused or ''} " + ", ".join(f"{f}={r.got.get(f)!r}" for f in bad))
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("dev", "holdout", "all"), default="all")
    parser.add_argument("-v", "--verbose", action="store_true")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args(argv)
    rows = split(documents(args.corpus))[args.split]
    results = measure(rows, args.corpus)
    print(f"corpus {args.split}: {len(rows)} documents")
    print(table(rows, results))
    if args.verbose:
        print(wrong(results))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    sys.exit(main())
